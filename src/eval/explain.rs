//! Messages for rules that give none: the rule's doc comment and the failing condition with
//! its actual values (`load.latency.p99 = 312ms, not <= 250ms`).

use super::{Ctx, Frame};
use crate::license::allowed_by;
use crate::policy::ast::{CheckKind, Quant};
use crate::policy::ir::{AllowSource, Expr, Node, RuleDef};

impl Ctx<'_> {
    pub(super) fn default_message(&self, rule: &RuleDef, frame: &mut Frame) -> String {
        // A require fired because the condition was false; a forbid because it was true.
        let was = rule.kind == CheckKind::Forbid;
        let why = self.why(&rule.condition, was, frame);
        match rule.doc.as_deref().and_then(|d| d.lines().next()) {
            Some(doc) if !doc.trim().is_empty() => {
                format!("{}: {why}", doc.trim().trim_end_matches(['.', ':']))
            }
            _ => why,
        }
    }

    /// For a rule with its own message whose condition tests `allowed by`: why, in words —
    /// which term of the expression is not on the list (`GPL-3.0-only` in `MIT AND
    /// GPL-3.0-only`) — as a note next to the message. `None` for other rules.
    pub(super) fn license_why(&self, rule: &RuleDef, frame: &mut Frame) -> Option<String> {
        fn has(e: &Expr) -> bool {
            match &e.node {
                Node::AllowedBy { .. } => true,
                Node::And(xs) | Node::Or(xs) => xs.iter().any(has),
                Node::Not(x) => has(x),
                _ => false,
            }
        }
        if rule.message.is_none() || !has(&rule.condition) {
            return None;
        }
        let was = rule.kind == CheckKind::Forbid;
        Some(self.why(&rule.condition, was, frame))
    }

    /// Why `e` evaluated to `was`, in words with values.
    fn why(&self, e: &Expr, was: bool, frame: &mut Frame) -> String {
        let show = |ctx: &Self, x: &Expr, f: &mut Frame| -> String {
            ctx.eval(x, f).map_or_else(|_| "?".into(), |v| quoted(&v))
        };
        match &e.node {
            Node::Compare { op, lhs, rhs } => {
                let l = show(self, lhs, frame);
                let r = show(self, rhs, frame);
                let left = if matches!(lhs.node, Node::Const(_)) {
                    l
                } else {
                    format!("{} = {l}", self.text(lhs))
                };
                if was {
                    format!("{left}, which is {} {r}", op.symbol())
                } else {
                    format!("{left}, not {} {r}", op.symbol())
                }
            }
            Node::And(items) | Node::Or(items) => {
                let is_and = matches!(e.node, Node::And(_));
                // `and` false / `or` true: one operand decides. Otherwise all of them do.
                if is_and != was {
                    for item in items {
                        if self.truth(item, frame).ok() == Some(was) {
                            return self.why(item, was, frame);
                        }
                    }
                    self.fallback(e, was)
                } else {
                    items
                        .iter()
                        .map(|i| self.why(i, was, frame))
                        .collect::<Vec<_>>()
                        .join(if is_and { " and " } else { "; and " })
                }
            }
            Node::Not(inner) => self.why(inner, !was, frame),
            Node::Quantifier {
                quant,
                slot,
                collection,
                filter,
            } => {
                let coll = self.text(collection);
                let cond = filter.as_ref().map(|f| self.text(f)).unwrap_or_default();
                match (quant, was) {
                    (Quant::Any, false) => format!("nothing in {coll} has {cond}"),
                    (Quant::All, true) => format!("everything in {coll} has {cond}"),
                    (Quant::Any, true) | (Quant::All, false) => {
                        let want = *quant == Quant::Any;
                        let items = self.list(collection, frame).ok();
                        let hit = items.and_then(|items| {
                            items.iter().find_map(|item| {
                                frame.set(*slot, item.clone(), None);
                                let ok = filter
                                    .as_ref()
                                    .map(|f| self.truth(f, frame).ok() == Some(want));
                                (ok == Some(true)).then(|| quoted(item))
                            })
                        });
                        let hit = hit.unwrap_or_else(|| "?".into());
                        if want {
                            format!("{coll} has {hit}, where {cond}")
                        } else {
                            format!("{coll} has {hit}, where not {cond}")
                        }
                    }
                    (Quant::Count, _) => self.fallback(e, was),
                }
            }
            Node::AllowedBy { lhs, list } => {
                let name = self.text(lhs);
                let Ok(license) = self.license_of(lhs, frame) else {
                    return self.fallback(e, was);
                };
                let allowance = match list {
                    AllowSource::Static(l) => allowed_by(&license, l),
                    AllowSource::Dynamic(x) => match self.allow_list(x, frame) {
                        Ok(l) => allowed_by(&license, &l),
                        Err(_) => return self.fallback(e, was),
                    },
                };
                if allowance.allowed {
                    format!(
                        "{name} = {license}, allowed through {}",
                        allowance.satisfied_by.join(" AND ")
                    )
                } else {
                    let verb = if allowance.not_allowed.len() == 1 {
                        "is"
                    } else {
                        "are"
                    };
                    format!(
                        "{name} = {license}: {} {verb} not allowed",
                        allowance.not_allowed.join(" and ")
                    )
                }
            }
            Node::Matches { lhs, regex } => {
                let v = show(self, lhs, frame);
                let verb = if was { "matches" } else { "does not match" };
                format!(
                    "{} = {v}, which {verb} `{}`",
                    self.text(lhs),
                    regex.as_str()
                )
            }
            _ => self.fallback(e, was),
        }
    }

    fn fallback(&self, e: &Expr, was: bool) -> String {
        format!("`{}` is {was}", self.text(e))
    }
}

/// Strings in quotes, so `""` and `"a b"` read unambiguously; everything else as displayed.
fn quoted(v: &crate::value::Value) -> String {
    match v {
        crate::value::Value::Str(s) => format!("{:?}", &**s),
        other => other.to_string(),
    }
}
