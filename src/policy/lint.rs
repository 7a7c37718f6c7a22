//! Lints: warnings about a policy that is valid but probably not what its author meant. Pure:
//! they read the loaded syntax tree and the checked policy, and never change a verdict.
//!
//! | code | what |
//! |---|---|
//! | `lint-never-fires` | a rule that can never give a finding |
//! | `lint-waiver-unused` | a waiver whose `where` can never hold (`gate lint` only) |
//! | `lint-waiver-horizon` | a waiver that runs more than `max_waiver_days` past today |
//! | `lint-waiver-expired` | a waiver whose `until` has passed: it waives nothing |
//! | `lint-unused-let` | a `let` that nothing reads (a name starting with `_` is exempt) |
//! | `lint-shadowed` | a binding that hides a `let`, an outer binding or a fact namespace |
//!
//! **What "never fires" knows, soundly.** A condition is known false (or true) only when the
//! checker made it a constant (`true`, `false`, a `let` of one), through `not`, `and` and `or`,
//! or when an `and` holds two comparisons of the same expression (same text) with string
//! literals that cannot both hold: `x == "a" and x == "b"`, `x == "a" and x != "a"`,
//! `x == "a" and x not in ["a", …]`, `x == "c" and x in ["a", "b"]`, `x in ["a"] and x in ["b"]`.
//! A string compared with a version is a version by then, and a string that reads as a version
//! is left alone, so version comparisons are never judged. A rule never fires when a `for` walks
//! a literal empty list, a `for`'s `where` is known false, a `require` is known true or a `forbid`
//! known false. An expression that fails when evaluated errors the rule instead, which is not a
//! finding either. Left out: numeric and time ranges (`x > 5 and x < 3`), comparisons through
//! different spellings of one expression, and values outside an enum field's set (already a load
//! error, `impossible-value`), a bool field compared with a string (already `type-mismatch`).
//!
//! **Waivers.** The grammar requires `until` on every waiver, so a waiver without expiry cannot
//! be written: there is no lint for it. Under `gate check`, evaluation itself reports a waiver
//! that matched nothing (an `info` finding), an expired one and one more than a year ahead (`warn`
//! findings), so the waiver lints run only under `gate lint` ([`Options::waivers`]).

use super::ast::{self, CheckKind, Expr, ExprKind, Item};
use super::ir::{self, Node};
use super::load::Loaded;
use crate::diag::Diagnostic;
use crate::schema;
use crate::span::{SourceMap, Span};
use crate::value::Value;
use jiff::civil::Date;
use std::collections::HashMap;

/// What the lints know beyond the policy.
#[derive(Clone, Debug)]
pub struct Options {
    /// The day waivers are measured from; without it the horizon and expiry lints are off.
    pub today: Option<Date>,
    /// A waiver may run at most this many days past `today`; `None`: a calendar year, the
    /// horizon evaluation warns past (`waiver-too-long`), so `gate lint` and `gate check` agree.
    pub max_waiver_days: Option<i64>,
    /// Run the waiver lints (off under `gate check`, where evaluation reports waivers).
    pub waivers: bool,
    /// Custom namespaces the run mounts: a `let` or binding of that name hides one.
    pub custom_namespaces: Vec<String>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            today: None,
            max_waiver_days: None,
            waivers: true,
            custom_namespaces: Vec::new(),
        }
    }
}

/// The lint warnings of a checked policy, in file order within each lint.
pub fn lint(
    loaded: &Loaded,
    policy: &ir::Policy,
    sources: &SourceMap,
    opts: &Options,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for rule in &policy.rules {
        if let Some(d) = never_fires(rule, sources) {
            out.push(d);
        }
    }
    let ast_waivers: Vec<&ast::WaiveDecl> = loaded
        .items()
        .filter_map(|i| match i {
            Item::Waive(w) => Some(w),
            _ => None,
        })
        .collect();
    if opts.waivers {
        for w in &policy.waivers {
            if let Some(f) = &w.filter
                && truth(f, sources) == Some(false)
            {
                out.push(
                    Diagnostic::warning(
                        "lint-waiver-unused",
                        "this waiver's `where` can never hold: it waives nothing",
                    )
                    .at(f.span, "never true")
                    .help("fix the condition, or remove the waiver"),
                );
            }
        }
        if let Some(today) = opts.today {
            for w in &ast_waivers {
                horizon(w, today, opts.max_waiver_days, &mut out);
            }
        }
    }
    names(loaded, opts, &mut out);
    out
}

fn horizon(w: &ast::WaiveDecl, today: Date, max: Option<i64>, out: &mut Vec<Diagnostic>) {
    let Ok(span) = today.until(w.until) else {
        return;
    };
    let days = i64::from(span.get_days());
    let (too_far, limit) = match max {
        Some(max) => (days > max, format!("{max} days")),
        None => (
            crate::eval::waiver_too_long(today, w.until),
            "a year".to_string(),
        ),
    };
    if too_far {
        out.push(
            Diagnostic::warning(
                "lint-waiver-horizon",
                format!(
                    "this waiver runs until {}, {days} days from {today}: more than {limit}",
                    w.until
                ),
            )
            .at(w.until_span, "too far ahead")
            .help(format!(
                "set `until` at most {limit} ahead, and renew the waiver when it is reviewed"
            )),
        );
    } else if days < 0 {
        out.push(
            Diagnostic::warning(
                "lint-waiver-expired",
                format!("this waiver expired on {}: it waives nothing", w.until),
            )
            .at(w.until_span, "in the past")
            .help("renew it with a new review, or remove it"),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Rules that never fire

fn never_fires(rule: &ir::RuleDef, sources: &SourceMap) -> Option<Diagnostic> {
    let warn = |span: Span, label: &str, why: String| {
        Diagnostic::warning(
            "lint-never-fires",
            format!("rule `{}` can never give a finding: {why}", rule.name),
        )
        .at(span, label.to_string())
        .help("fix the condition, or remove the rule")
    };
    for f in &rule.fors {
        if let Node::Const(Value::List(items)) = &f.collection.node
            && items.is_empty()
        {
            return Some(warn(
                f.collection.span,
                "empty",
                format!("`for {}` walks an empty list", f.var),
            ));
        }
        if let Some(w) = &f.filter
            && truth(w, sources) == Some(false)
        {
            return Some(warn(
                w.span,
                "never true",
                format!("the `where` of `for {}` is never true", f.var),
            ));
        }
    }
    match (rule.kind, truth(&rule.condition, sources)) {
        (CheckKind::Require, Some(true)) => Some(warn(
            rule.condition.span,
            "always true",
            "its `require` always holds".into(),
        )),
        (CheckKind::Forbid, Some(false)) => Some(warn(
            rule.condition.span,
            "never true",
            "its `forbid` condition is never true".into(),
        )),
        _ => None,
    }
}

/// What a condition always is, when that is known before any fact is read.
pub fn truth(e: &ir::Expr, sources: &SourceMap) -> Option<bool> {
    match &e.node {
        Node::Const(Value::Bool(b)) => Some(*b),
        Node::Not(x) => truth(x, sources).map(|b| !b),
        Node::And(xs) => {
            let ts: Vec<_> = xs.iter().map(|x| truth(x, sources)).collect();
            if ts.contains(&Some(false)) || contradiction(xs, sources) {
                Some(false)
            } else if ts.iter().all(|t| *t == Some(true)) {
                Some(true)
            } else {
                None
            }
        }
        Node::Or(xs) => {
            let ts: Vec<_> = xs.iter().map(|x| truth(x, sources)).collect();
            if ts.contains(&Some(true)) {
                Some(true)
            } else if ts.iter().all(|t| *t == Some(false)) {
                Some(false)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// What a conjunct says about one expression: it equals, or it is one of, some strings.
enum Fact {
    Is(String),
    IsNot(String),
    OneOf(Vec<String>),
    NoneOf(Vec<String>),
}

fn flatten<'e>(xs: &'e [ir::Expr], out: &mut Vec<&'e ir::Expr>) {
    for x in xs {
        match &x.node {
            Node::And(inner) => flatten(inner, out),
            _ => out.push(x),
        }
    }
}

/// A string that could be read as a version is never judged: versions compare by semver.
fn plain(s: &str) -> Option<String> {
    semver::Version::parse(s.trim_start_matches('v'))
        .is_err()
        .then(|| s.to_string())
}

fn strings(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::List(items) => items
            .iter()
            .map(|i| match i {
                Value::Str(s) => plain(s),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

/// The fact a comparison with a string constant states, and the text of what it compares.
fn fact(e: &ir::Expr, sources: &SourceMap) -> Option<(String, Fact)> {
    let Node::Compare { op, lhs, rhs } = &e.node else {
        return None;
    };
    use ast::CmpOp::*;
    let (subject, constant) = match (&lhs.node, &rhs.node) {
        (Node::Const(_), Node::Const(_)) => return None,
        (_, Node::Const(c)) => (lhs, c),
        (Node::Const(c), _) if matches!(op, Eq | Ne) => (rhs, c),
        _ => return None,
    };
    let fact = match (op, constant) {
        (Eq, Value::Str(s)) => Fact::Is(plain(s)?),
        (Ne, Value::Str(s)) => Fact::IsNot(plain(s)?),
        (In, v) => Fact::OneOf(strings(v)?),
        (NotIn, v) => Fact::NoneOf(strings(v)?),
        _ => return None,
    };
    let text = sources
        .slice(subject.span)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    (!text.is_empty()).then_some((text, fact))
}

/// Two conjuncts of an `and` that cannot both hold.
fn contradiction(xs: &[ir::Expr], sources: &SourceMap) -> bool {
    let mut all = Vec::new();
    flatten(xs, &mut all);
    let facts: Vec<(String, Fact)> = all.iter().filter_map(|x| fact(x, sources)).collect();
    for (i, (a, fa)) in facts.iter().enumerate() {
        for (b, fb) in &facts[i + 1..] {
            if a == b && clash(fa, fb) {
                return true;
            }
        }
    }
    false
}

fn clash(a: &Fact, b: &Fact) -> bool {
    use Fact::*;
    match (a, b) {
        (Is(x), Is(y)) => x != y,
        (Is(x), IsNot(y)) | (IsNot(y), Is(x)) => x == y,
        (Is(x), OneOf(ys)) | (OneOf(ys), Is(x)) => !ys.contains(x),
        (Is(x), NoneOf(ys)) | (NoneOf(ys), Is(x)) => ys.contains(x),
        (OneOf(xs), OneOf(ys)) => !xs.iter().any(|x| ys.contains(x)),
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Names: unused lets and shadowing

struct LetUse {
    span: Span,
    uses: usize,
}

struct Names<'a> {
    lets: HashMap<&'a str, LetUse>,
    order: Vec<&'a str>,
    scope: Vec<&'a str>,
    custom: &'a [String],
    out: Vec<Diagnostic>,
}

fn names(loaded: &Loaded, opts: &Options, out: &mut Vec<Diagnostic>) {
    let mut n = Names {
        lets: HashMap::new(),
        order: Vec::new(),
        scope: Vec::new(),
        custom: &opts.custom_namespaces,
        out: Vec::new(),
    };
    let mut rules: HashMap<&str, &ast::RuleDecl> = HashMap::new();
    for item in loaded.items() {
        match item {
            Item::Let(l) => {
                if n.custom.contains(&l.name.name) {
                    n.out.push(
                        Diagnostic::warning(
                            "lint-shadowed",
                            format!(
                                "the let `{}` hides the custom namespace `{}`",
                                l.name.name, l.name.name
                            ),
                        )
                        .at(l.name.span, "hides a namespace")
                        .help("rename the let: the rules that read this name read the let"),
                    );
                }
                if !n.lets.contains_key(l.name.name.as_str()) {
                    n.order.push(&l.name.name);
                    n.lets.insert(
                        &l.name.name,
                        LetUse {
                            span: l.name.span,
                            uses: 0,
                        },
                    );
                }
            }
            Item::Rule(r) => {
                rules.entry(&r.name.name).or_insert(r);
            }
            _ => {}
        }
    }
    for item in loaded.items() {
        n.scope.clear();
        match item {
            Item::Let(l) => n.expr(&l.value),
            Item::Rule(r) => {
                for f in &r.fors {
                    n.expr(&f.collection);
                    n.bind(&f.var);
                    if let Some(w) = &f.filter {
                        n.expr(w);
                    }
                }
                n.expr(&r.check.condition);
                if let Some(t) = &r.check.message {
                    for p in &t.parts {
                        if let ast::Part::Expr(e) = p {
                            n.expr(e);
                        }
                    }
                }
            }
            Item::Waive(w) => {
                if let Some(r) = rules.get(w.rule.name.as_str()) {
                    n.scope.extend(r.fors.iter().map(|f| f.var.name.as_str()));
                }
                if let Some(f) = &w.filter {
                    n.expr(f);
                }
            }
            Item::Policy(_) | Item::Use(_) => {}
        }
    }
    for name in &n.order {
        if let Some(l) = n.lets.get(name)
            && l.uses == 0
            && !name.starts_with('_')
        {
            n.out.push(
                Diagnostic::warning("lint-unused-let", format!("the let `{name}` is never read"))
                    .at(l.span, "unused")
                    .help("remove it, or read it in a rule; a name starting with `_` is exempt"),
            );
        }
    }
    out.append(&mut n.out);
}

impl<'a> Names<'a> {
    fn bind(&mut self, var: &'a ast::Ident) {
        let name = var.name.as_str();
        let what = if self.scope.contains(&name) {
            Some("an outer binding".to_string())
        } else if self.lets.contains_key(name) {
            Some(format!("the let `{name}`"))
        } else if schema::namespace(name).is_some() || self.custom.iter().any(|c| c == name) {
            Some(format!("the fact namespace `{name}`"))
        } else {
            None
        };
        if let Some(what) = what {
            self.out.push(
                Diagnostic::warning(
                    "lint-shadowed",
                    format!("the binding `{name}` hides {what}"),
                )
                .at(var.span, "shadows")
                .help("give the binding a name of its own"),
            );
        }
        self.scope.push(name);
    }

    fn unbind(&mut self) {
        self.scope.pop();
    }

    fn expr(&mut self, e: &'a Expr) {
        match &e.kind {
            ExprKind::Literal(_) => {}
            ExprKind::Name(n) => {
                if !self.scope.contains(&n.as_str())
                    && let Some(l) = self.lets.get_mut(n.as_str())
                {
                    l.uses += 1;
                }
            }
            ExprKind::Field(base, _) => self.expr(base),
            ExprKind::Index(a, b) | ExprKind::Range(a, b) => {
                self.expr(a);
                self.expr(b);
            }
            ExprKind::Call(_, args) | ExprKind::List(args) => {
                args.iter().for_each(|a| self.expr(a));
            }
            ExprKind::And(xs) | ExprKind::Or(xs) => xs.iter().for_each(|a| self.expr(a)),
            ExprKind::Comprehension {
                elem,
                var,
                collection,
                filter,
            } => {
                self.expr(collection);
                self.bind(var);
                if let Some(f) = filter {
                    self.expr(f);
                }
                self.expr(elem);
                self.unbind();
            }
            ExprKind::Quantifier {
                var,
                collection,
                filter,
                ..
            } => {
                self.expr(collection);
                self.bind(var);
                if let Some(f) = filter {
                    self.expr(f);
                }
                self.unbind();
            }
            ExprKind::Paren(x) | ExprKind::Not(x) | ExprKind::Neg(x) => self.expr(x),
            ExprKind::Arith { first, rest } => {
                self.expr(first);
                rest.iter().for_each(|(_, x)| self.expr(x));
            }
            ExprKind::Compare { lhs, rhs, .. } => {
                self.expr(lhs);
                self.expr(rhs);
            }
            ExprKind::Matches { lhs, .. } => self.expr(lhs),
            ExprKind::AllowedBy { lhs, list } => {
                self.expr(lhs);
                self.expr(list);
            }
        }
    }
}
