//! Tests decided once for many rules. Rules that walk one fact list together often ask the
//! same thing of each element (`pkg.kind == "normal"`, `not pkg.workspace`), and copies of a
//! rule at different levels ask exactly the same question. Like the shared alpha nodes of a
//! Rete network, each distinct test is decided once per element for the whole group; each
//! rule still evaluates its own expression the first time, so errors point at its own text.

use crate::policy::ir::{AllowSource, Expr, Node, RuleDef};
use std::collections::HashMap;
use std::fmt::Write as _;

/// How one rule of a group reads the shared tests.
#[derive(Debug, Default)]
pub(super) struct RulePlan {
    /// The first `for` clause's filter, split at its top-level `and`s: each conjunct with the
    /// shared test that decides it, if it is one.
    pub filter: Vec<Option<usize>>,
    /// The condition's shared test, when it reads nothing but the element.
    pub condition: Option<usize>,
}

/// The shared tests of a group of rules that walk the same list.
#[derive(Debug, Default)]
pub(super) struct Plan {
    pub tests: usize,
    pub rules: Vec<RulePlan>,
}

/// A per-element memo of the group's shared tests: unknown, false or true.
pub(super) struct Memo {
    state: Vec<u8>,
}

impl Memo {
    pub fn new(plan: &Plan) -> Memo {
        Memo {
            state: vec![0; plan.tests],
        }
    }

    /// Forgets every answer: a new element is bound.
    pub fn clear(&mut self) {
        self.state.fill(0);
    }

    pub fn get(&self, test: usize) -> Option<bool> {
        match self.state.get(test) {
            Some(1) => Some(false),
            Some(2) => Some(true),
            _ => None,
        }
    }

    pub fn set(&mut self, test: usize, value: bool) {
        if let Some(s) = self.state.get_mut(test) {
            *s = if value { 2 } else { 1 };
        }
    }
}

/// The conjuncts of a filter: `a and b and c` is `[a, b, c]`.
pub(super) fn conjuncts(e: &Expr) -> &[Expr] {
    match &e.node {
        Node::And(items) => items,
        _ => std::slice::from_ref(e),
    }
}

/// Plans the shared tests of `rules`, which walk one list and bind its element to a slot each.
pub(super) fn plan(rules: &[&RuleDef]) -> Plan {
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut id_of = |e: &Expr, slot: usize| -> Option<usize> {
        let key = element_key(e, slot)?;
        let next = ids.len();
        Some(*ids.entry(key).or_insert(next))
    };
    let mut out = Vec::with_capacity(rules.len());
    for rule in rules {
        let Some(first) = rule.fors.first() else {
            out.push(RulePlan::default());
            continue;
        };
        let filter = first
            .filter
            .as_ref()
            .map(|f| conjuncts(f).iter().map(|c| id_of(c, first.slot)).collect())
            .unwrap_or_default();
        let condition = if rule.fors.len() == 1 {
            id_of(&rule.condition, first.slot)
        } else {
            None
        };
        out.push(RulePlan { filter, condition });
    }
    Plan {
        tests: ids.len(),
        rules: out,
    }
}

/// A key that two expressions share exactly when they compute the same thing from the same
/// bindings — `None` when `e` reads a local other than `slot` (the element), whose value
/// differs between rules. Spans and lookup hints are left out; everything else is in.
pub(super) fn element_key(e: &Expr, slot: usize) -> Option<String> {
    let mut out = String::new();
    let mut bound = vec![slot];
    write_key(e, &mut bound, &mut out).then_some(out)
}

/// A key for a condition that reads no local at all (a rule without `for`).
pub(super) fn closed_key(e: &Expr) -> Option<String> {
    let mut out = String::new();
    let mut bound = Vec::new();
    write_key(e, &mut bound, &mut out).then_some(out)
}

/// Writes `e`'s key; false if `e` reads a local that is not in `bound`.
fn write_key(e: &Expr, bound: &mut Vec<usize>, out: &mut String) -> bool {
    let all = |items: &[Expr], bound: &mut Vec<usize>, out: &mut String| {
        out.push('[');
        for x in items {
            if !write_key(x, bound, out) {
                return false;
            }
            out.push(',');
        }
        out.push(']');
        true
    };
    match &e.node {
        Node::Const(v) => {
            let _ = write!(out, "c{v:?}");
            true
        }
        Node::Local(s) => {
            let _ = write!(out, "l{s}");
            bound.contains(s)
        }
        Node::Let(i) => {
            let _ = write!(out, "L{i}");
            true
        }
        Node::Namespace(i) => {
            let _ = write!(out, "n{i}");
            true
        }
        Node::Field(base, name, _) => {
            out.push_str("f(");
            let ok = write_key(base, bound, out);
            let _ = write!(out, "){name:?}");
            ok
        }
        Node::Index(a, b) => {
            out.push_str("i(");
            let ok = write_key(a, bound, out) && {
                out.push(',');
                write_key(b, bound, out)
            };
            out.push(')');
            ok
        }
        Node::Call(f, args) => {
            let _ = write!(out, "{f:?}");
            all(args, bound, out)
        }
        Node::List(items) => {
            out.push_str("list");
            all(items, bound, out)
        }
        Node::Comprehension {
            elem,
            slot,
            collection,
            filter,
        } => {
            let _ = write!(out, "comp{slot}(");
            scoped(
                *slot,
                collection,
                &[Some(&**elem), filter.as_deref()],
                bound,
                out,
            )
        }
        Node::Quantifier {
            quant,
            slot,
            collection,
            filter,
        } => {
            let _ = write!(out, "{quant:?}{slot}(");
            scoped(*slot, collection, &[filter.as_deref()], bound, out)
        }
        Node::Not(x) => {
            out.push('!');
            write_key(x, bound, out)
        }
        Node::Neg(x) => {
            out.push('-');
            write_key(x, bound, out)
        }
        Node::And(items) => {
            out.push_str("and");
            all(items, bound, out)
        }
        Node::Or(items) => {
            out.push_str("or");
            all(items, bound, out)
        }
        Node::Arith { first, rest } => {
            out.push_str("a(");
            if !write_key(first, bound, out) {
                return false;
            }
            for (op, x) in rest {
                let _ = write!(out, "{op:?}");
                if !write_key(x, bound, out) {
                    return false;
                }
            }
            out.push(')');
            true
        }
        Node::Range(a, b) => {
            out.push_str("r(");
            let ok = write_key(a, bound, out) && {
                out.push(',');
                write_key(b, bound, out)
            };
            out.push(')');
            ok
        }
        Node::Compare { op, lhs, rhs } => {
            let _ = write!(out, "{op:?}(");
            let ok = write_key(lhs, bound, out) && {
                out.push(',');
                write_key(rhs, bound, out)
            };
            out.push(')');
            ok
        }
        Node::Matches { lhs, regex } => {
            let _ = write!(out, "m{:?}(", regex.as_str());
            let ok = write_key(lhs, bound, out);
            out.push(')');
            ok
        }
        Node::AllowedBy { lhs, list } => {
            out.push_str("ab(");
            let ok = write_key(lhs, bound, out)
                && match list {
                    AllowSource::Static(l) => {
                        for entry in l.entries() {
                            let _ = write!(out, ",{entry:?}");
                        }
                        true
                    }
                    AllowSource::Dynamic(x) => {
                        out.push_str(",d");
                        write_key(x, bound, out)
                    }
                };
            out.push(')');
            ok
        }
    }
}

/// A binder: `collection` sees the outer scope, the rest also sees `slot`.
fn scoped(
    slot: usize,
    collection: &Expr,
    inner: &[Option<&Expr>],
    bound: &mut Vec<usize>,
    out: &mut String,
) -> bool {
    if !write_key(collection, bound, out) {
        return false;
    }
    bound.push(slot);
    let mut ok = true;
    for x in inner {
        out.push(';');
        if let Some(x) = x
            && !write_key(x, bound, out)
        {
            ok = false;
            break;
        }
    }
    bound.pop();
    out.push(')');
    ok
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]

    use super::*;
    use crate::policy::check::{Available, check};
    use crate::policy::ir::Policy;
    use crate::policy::load::{ReadError, Reader, load};
    use crate::span::SourceMap;
    use std::path::Path;

    struct One(String);

    impl Reader for One {
        fn read(&self, _: &Path) -> Result<(String, String), ReadError> {
            Ok((self.0.clone(), "p.gate".into()))
        }
    }

    fn policy(body: &str) -> Policy {
        let mut sources = SourceMap::default();
        let (loaded, diags) = load(Path::new("p.gate"), &One(body.into()), &mut sources);
        let (policy, more) = check(&loaded, &sources, &Available::Everything);
        assert!(diags.is_empty() && more.is_empty(), "{diags:?} {more:?}");
        policy
    }

    fn plan_of(body: &str) -> Plan {
        let p = policy(body);
        plan(&p.rules.iter().collect::<Vec<_>>())
    }

    #[test]
    fn the_same_test_under_other_names_is_decided_once() {
        let plan = plan_of(
            "rule a: block {\n  for p in licenses.packages where p.kind == \"normal\" and not p.workspace\n  forbid p.direct\n}\n\
             rule b: warn {\n  for q in licenses.packages where q.kind == \"normal\"\n  forbid q.direct\n}\n\
             rule c: info {\n  for p in licenses.packages where p.kind == \"build\"\n  forbid p.direct and p.workspace\n}",
        );
        let [a, b, c] = plan.rules.as_slice() else {
            panic!("three rules")
        };
        assert_eq!(a.filter.len(), 2);
        assert_eq!(b.filter, [a.filter[0]], "`kind == \"normal\"` is one test");
        assert_ne!(c.filter[0], a.filter[0], "`kind == \"build\"` is another");
        assert!(a.condition.is_some());
        assert_eq!(a.condition, b.condition, "`forbid p.direct` is one test");
        assert_ne!(c.condition, a.condition);
        assert_eq!(plan.tests, 5);
    }

    #[test]
    fn a_test_that_reads_another_binding_is_not_shared() {
        let plan = plan_of(
            "let suffixes = [\"-sys\"]\n\
             rule a: block {\n  for p in licenses.packages\n  for q in licenses.packages where q.name == p.name\n  forbid p.direct\n}\n\
             rule b: block {\n  for p in licenses.packages\n  forbid any s in suffixes where ends_with(p.name, s)\n}",
        );
        assert_eq!(plan.rules[0].condition, None, "a rule of two `for`s");
        assert!(
            plan.rules[1].condition.is_some(),
            "a quantifier binds its own variable"
        );
    }

    #[test]
    fn keys_leave_out_spans_but_not_constants() {
        let p = policy(
            "rule a: block {\n  forbid 1 + 1 == 2\n}\nrule b: block {\n  forbid   1+1   ==   2\n}\nrule c: block {\n  forbid 1 + 1 == 3\n}",
        );
        let keys: Vec<Option<String>> = p.rules.iter().map(|r| closed_key(&r.condition)).collect();
        assert!(keys[0].is_some());
        assert_eq!(keys[0], keys[1]);
        assert_ne!(keys[0], keys[2]);
    }
}
