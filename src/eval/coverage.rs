//! Branch coverage for `gate test`: which outcomes each decision took. Off unless the caller
//! asks ([`super::evaluate_covered`]); then rules are walked one by one, without the shared
//! tests and fused walks, so every decision is evaluated where it stands and is seen.

use super::{Ctx, EvalError, Frame};
use crate::policy::ir::{Expr, Node};
use crate::span::Span;
use std::cell::RefCell;
use std::collections::HashMap;

/// The truth values each branch was seen to take, by the branch's span.
#[derive(Debug, Default)]
pub struct Coverage {
    seen: RefCell<HashMap<Span, (bool, bool)>>,
}

impl Coverage {
    pub fn new() -> Coverage {
        Coverage::default()
    }

    fn record(&self, span: Span, value: bool) {
        let mut seen = self.seen.borrow_mut();
        let entry = seen.entry(span).or_insert((false, false));
        if value {
            entry.0 = true;
        } else {
            entry.1 = true;
        }
    }

    /// Whether the branch at `span` was seen true, and seen false.
    pub fn seen(&self, span: Span) -> (bool, bool) {
        self.seen
            .borrow()
            .get(&span)
            .copied()
            .unwrap_or((false, false))
    }
}

/// The branches of a decision (a `require`/`forbid` condition, a `for … where` filter, a
/// waiver's `where`): the operands of its top-level `and` or `or`, else the whole expression.
pub fn branches(e: &Expr) -> &[Expr] {
    match &e.node {
        Node::And(items) | Node::Or(items) => items,
        _ => std::slice::from_ref(e),
    }
}

impl Ctx<'_> {
    /// [`Ctx::truth`] of a decision, recording each branch it evaluates. `and` and `or` still
    /// stop early: a branch that is not evaluated is not seen.
    pub(super) fn truth_covered(
        &self,
        e: &Expr,
        f: &mut Frame,
        cov: &Coverage,
    ) -> Result<bool, EvalError> {
        let stop_on = match &e.node {
            Node::And(_) => false,
            Node::Or(_) => true,
            _ => {
                let b = self.truth(e, f)?;
                cov.record(e.span, b);
                return Ok(b);
            }
        };
        for item in branches(e) {
            let b = self.truth(item, f)?;
            cov.record(item.span, b);
            if b == stop_on {
                return Ok(stop_on);
            }
        }
        Ok(!stop_on)
    }

    /// A decision's truth, recorded when coverage is on.
    #[inline]
    pub(super) fn decision(&self, e: &Expr, f: &mut Frame) -> Result<bool, EvalError> {
        match self.coverage {
            Some(cov) => self.truth_covered(e, f, cov),
            None => self.truth(e, f),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]

    use super::*;
    use crate::eval::{evaluate, evaluate_covered};
    use crate::facts::{Facts, Namespace, Origin, json};
    use crate::policy::check::{Available, check};
    use crate::policy::load::{ReadError, Reader, load};
    use crate::span::SourceMap;
    use std::path::Path;

    struct One(String);

    impl Reader for One {
        fn read(&self, _: &Path) -> Result<(String, String), ReadError> {
            Ok((self.0.clone(), "p.gate".into()))
        }
    }

    /// Rules that share tests and walk one list together give the same outcome when each walks
    /// alone for coverage, and every branch they evaluate is seen.
    #[test]
    fn covered_evaluation_decides_the_same() {
        let body = "rule a: block {\n  for p in licenses.packages where p.kind == \"normal\" and not p.workspace\n  forbid p.direct\n}\n\
                    rule b: warn {\n  for q in licenses.packages where q.kind == \"normal\"\n  forbid q.direct or q.workspace\n}\n\
                    rule c: info {\n  require 1 == 1\n}\n\
                    rule d: info {\n  require 1 == 1\n}\n\
                    waive a where p.name == \"x\" until 2027-01-01 by \"me\" because \"why\"";
        let mut sources = SourceMap::default();
        let (loaded, _) = load(Path::new("p.gate"), &One(body.into()), &mut sources);
        let (policy, diags) = check(&loaded, &sources, &Available::Everything);
        assert!(diags.is_empty(), "{diags:?}");
        let doc: serde_json::Value = serde_json::from_str(
            r#"{"packages": [
                {"name": "x", "kind": "normal", "workspace": false, "direct": true},
                {"name": "y", "kind": "normal", "workspace": true, "direct": false},
                {"name": "z", "kind": "build", "workspace": false, "direct": true},
                {"name": "w", "kind": "normal", "workspace": false, "direct": false}
            ]}"#,
        )
        .unwrap();
        let ns = crate::schema::namespace("licenses").unwrap();
        let value = json::typed_namespace(&doc, ns).unwrap();
        let mut facts = Facts::default();
        facts.insert(
            "licenses",
            Namespace {
                value,
                origin: Origin::Builtin("test"),
            },
        );
        let now = jiff::Timestamp::from_second(1_790_000_000)
            .unwrap()
            .to_zoned(jiff::tz::TimeZone::UTC);
        facts.insert(
            "clock",
            Namespace {
                value: crate::facts::clock::facts(&now, "UTC"),
                origin: Origin::Builtin("test"),
            },
        );
        let plain = evaluate(&policy, &facts, &sources, Vec::new());
        let cov = Coverage::new();
        let covered = evaluate_covered(&policy, &facts, &sources, Vec::new(), &cov);
        let show = |o: &crate::eval::Outcome| {
            o.findings
                .iter()
                .map(|f| (f.rule.clone(), f.message.clone(), f.waived.is_some()))
                .collect::<Vec<_>>()
        };
        assert_eq!(show(&plain), show(&covered));
        assert_eq!(plain.verdict, covered.verdict);
        let a = &policy.rules[0];
        let filter = a.fors[0].filter.as_ref().unwrap();
        let [kind, workspace] = branches(filter) else {
            panic!("two conjuncts")
        };
        assert_eq!(cov.seen(kind.span), (true, true));
        assert_eq!(cov.seen(workspace.span), (true, true));
        assert_eq!(cov.seen(a.condition.span), (true, true));
        let b = &policy.rules[1];
        let [direct, ws] = branches(&b.condition) else {
            panic!("two disjuncts")
        };
        assert_eq!(cov.seen(direct.span), (true, true));
        // `q.workspace` is asked only when `q.direct` is false: of y (true) and w (false).
        assert_eq!(cov.seen(ws.span), (true, true));
        let waiver = policy.waivers[0].filter.as_ref().unwrap();
        assert_eq!(cov.seen(waiver.span), (true, false), "only x fired");
        assert_eq!(cov.seen(policy.rules[3].condition.span), (true, false));
    }
}
