//! Step 3: the check pass. Resolves every name, types every expression against the fact schema,
//! compiles regexes and allow-lists, and lowers the tree to [`ir`](super::ir). Every problem of
//! the run is reported at once, including those in branches that would never be evaluated.

use super::ast::{self, CheckKind, CmpOp, ExprKind, Item, LitValue, Quant};
use super::ir::{self, AllowSource, Func, Node, Policy};
use super::load::Loaded;
use super::types::Ty;
use crate::diag::{Diagnostic, suggestion};
use crate::license::{AllowList, License};
use crate::schema::{self, Field};
use crate::span::{SourceMap, Span};
use crate::value::{Severity, Value, Weekday, order};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// Which fact namespaces a run has. The checker reports reads of any other.
#[derive(Clone, Debug)]
pub enum Available {
    /// Exactly these namespaces were produced or mounted; the rest of gate's own were not.
    Only(BTreeSet<String>),
    /// Every name that is not a let or a binding is a namespace (for reading a policy alone).
    Everything,
}

impl Available {
    fn has(&self, name: &str) -> bool {
        match self {
            Available::Only(set) => set.contains(name),
            Available::Everything => true,
        }
    }

    fn custom(&self) -> impl Iterator<Item = &str> {
        let set = match self {
            Available::Only(s) => Some(s),
            Available::Everything => None,
        };
        set.into_iter()
            .flatten()
            .map(String::as_str)
            .filter(|n| schema::namespace(n).is_none())
    }
}

pub use crate::schema::RESERVED;

#[derive(Clone, Copy, PartialEq)]
enum LetState {
    Todo,
    Busy,
    Done,
}

/// A rule's `for` binding as its waivers see it: name, slot, type, fact path.
type Binding = (String, usize, Ty, Option<String>);

struct Local {
    name: String,
    slot: usize,
    ty: Ty,
    /// The fact path the binding walks, e.g. `licenses.packages[]`.
    path: Option<String>,
}

struct Checker<'a> {
    sources: &'a SourceMap,
    /// Lets whose items did not parse.
    broken: &'a std::collections::HashSet<String>,
    available: &'a Available,
    diags: Vec<Diagnostic>,
    let_decls: Vec<&'a ast::LetDecl>,
    let_index: HashMap<&'a str, usize>,
    let_state: Vec<LetState>,
    let_ir: Vec<Option<ir::LetDef>>,
    let_ty: Vec<Ty>,
    let_reads: Vec<BTreeSet<String>>,
    /// The lets the let being lowered reads (for evaluating them in order).
    let_deps: Vec<usize>,
    namespaces: Vec<String>,
    missing: BTreeMap<String, Vec<Span>>,
    scope: Vec<Local>,
    next_slot: usize,
    max_slot: usize,
    reads: BTreeSet<String>,
}

/// Checks a loaded policy. The returned policy is complete only when no diagnostic is an error.
pub fn check(
    loaded: &Loaded,
    sources: &SourceMap,
    available: &Available,
) -> (Policy, Vec<Diagnostic>) {
    let mut c = Checker {
        sources,
        broken: &loaded.broken,
        available,
        diags: Vec::new(),
        let_decls: Vec::new(),
        let_index: HashMap::new(),
        let_state: Vec::new(),
        let_ir: Vec::new(),
        let_ty: Vec::new(),
        let_reads: Vec::new(),
        let_deps: Vec::new(),
        namespaces: Vec::new(),
        missing: BTreeMap::new(),
        scope: Vec::new(),
        next_slot: 0,
        max_slot: 0,
        reads: BTreeSet::new(),
    };

    // The policy's name: the root file's `policy` line; it must be the file's first item.
    let mut name = None;
    let mut version = None;
    let mut doc = None;
    for (mi, module) in loaded.modules.iter().enumerate() {
        let mut seen: Option<Span> = None;
        for (i, item) in module.items.iter().enumerate() {
            if let Item::Policy(p) = item {
                if let Some(first) = seen {
                    c.diags.push(
                        Diagnostic::error("duplicate-policy", "a file names its policy once")
                            .at(p.span, "second `policy` line")
                            .also(first, "first named here"),
                    );
                } else if i > 0 {
                    c.diags.push(
                        Diagnostic::error(
                            "policy-not-first",
                            "`policy` must be the first item of the file",
                        )
                        .at(p.span, "here")
                        .help("move the `policy` line to the top, after the comments"),
                    );
                }
                seen = Some(p.span);
                if Some(mi) == loaded.root && name.is_none() {
                    name = Some(p.name.value.clone());
                    version = p.version.as_ref().map(|v| v.value.clone());
                    doc = p.doc.clone();
                }
            }
        }
    }

    // Lets: one scope across every file.
    for item in loaded.items() {
        if let Item::Let(l) = item {
            c.check_binder_name(&l.name, "a `let`");
            if let Some(first) = c.let_index.get(l.name.name.as_str()) {
                let first_span = c.let_decls[*first].name.span;
                c.diags.push(
                    Diagnostic::error(
                        "duplicate-name",
                        format!("`{}` is defined twice", l.name.name),
                    )
                    .at(l.name.span, "defined again here")
                    .also(first_span, "first defined here")
                    .help("all top-level names of all files a policy uses share one scope"),
                );
                continue;
            }
            if schema::namespace(&l.name.name).is_some() {
                c.diags.push(
                    Diagnostic::error(
                        "duplicate-name",
                        format!(
                            "`{}` is a fact namespace and cannot name a `let`",
                            l.name.name
                        ),
                    )
                    .at(l.name.span, "choose another name"),
                );
                continue;
            }
            c.let_index.insert(&l.name.name, c.let_decls.len());
            c.let_decls.push(l);
            c.let_state.push(LetState::Todo);
            c.let_ir.push(None);
            c.let_ty.push(Ty::Unknown);
            c.let_reads.push(BTreeSet::new());
        }
    }
    for i in 0..c.let_decls.len() {
        c.lower_let(i);
    }

    // Rules, with their `for` scopes kept for the waivers.
    let mut rules = Vec::new();
    let mut rule_scopes: Vec<Vec<Binding>> = Vec::new();
    let mut rule_index: HashMap<&str, usize> = HashMap::new();
    let mut rule_spans: Vec<Span> = Vec::new();
    for item in loaded.items() {
        if let Item::Rule(r) = item {
            if let Some(first) = rule_index.get(r.name.name.as_str()) {
                c.diags.push(
                    Diagnostic::error(
                        "duplicate-rule",
                        format!("rule `{}` is defined twice", r.name.name),
                    )
                    .at(r.name.span, "defined again here")
                    .also(rule_spans[*first], "first defined here")
                    .help("rule names are unique across all files a policy uses"),
                );
                continue;
            }
            rule_index.insert(&r.name.name, rules.len());
            rule_spans.push(r.name.span);
            let (rule, scope) = c.lower_rule(r);
            rules.push(rule);
            rule_scopes.push(scope);
        }
    }

    let mut waivers = Vec::new();
    for item in loaded.items() {
        if let Item::Waive(w) = item {
            let Some(&ri) = rule_index.get(w.rule.name.as_str()) else {
                if loaded.broken.contains(&w.rule.name) {
                    continue; // the rule did not parse; that error is reported already
                }
                let mut d = Diagnostic::error(
                    "unknown-rule",
                    format!(
                        "the waiver names rule `{}`, which does not exist",
                        w.rule.name
                    ),
                )
                .at(w.rule.span, "no such rule");
                if let Some(s) = suggestion(&w.rule.name, rule_index.keys().copied()) {
                    d = d.help(s);
                }
                c.diags.push(d);
                continue;
            };
            for (label, s) in [("who", &w.by), ("why", &w.because)] {
                if s.value.trim().is_empty() {
                    c.diags.push(
                        Diagnostic::error("empty-waiver", format!("a waiver must say {label}"))
                            .at(s.span, "empty"),
                    );
                }
            }
            c.begin_scope();
            let scope = rule_scopes.get(ri).cloned().unwrap_or_default();
            for (name, slot, ty, path) in scope {
                c.scope.push(Local {
                    name,
                    slot,
                    ty,
                    path,
                });
                c.next_slot = c.next_slot.max(slot + 1);
                c.max_slot = c.max_slot.max(slot + 1);
            }
            let filter = w
                .filter
                .as_ref()
                .map(|f| c.condition(f, "a waiver's `where`"));
            waivers.push(ir::WaiverDef {
                rule: ri,
                filter,
                until: w.until,
                by: w.by.value.clone(),
                because: w.because.value.clone(),
                slots: c.max_slot,
                span: w.span,
            });
            c.end_scope();
        }
    }

    c.report_missing_namespaces();
    if rules.is_empty() && loaded.broken.is_empty() {
        // Fail closed: an empty or truncated file must not let a release through.
        if let Some(root) = loaded.root.and_then(|r| loaded.modules.get(r)) {
            c.diags.push(
                Diagnostic::error(
                    "no-rules",
                    "the policy has no rules: it would decide nothing",
                )
                .at(
                    crate::span::Span::new(root.file, 0..0),
                    "no `rule` in this file or the files it uses",
                )
                .help("a policy needs at least one `rule`; check that the file is complete"),
            );
        }
    }
    // Every let was lowered in the loop above, so the list keeps the declaration indexing
    // that `Node::Let` refers to.
    let by_decl: Vec<ir::LetDef> = std::mem::take(&mut c.let_ir)
        .into_iter()
        .flatten()
        .collect();
    let policy = Policy {
        name,
        version,
        doc,
        lets: by_decl,
        rules,
        waivers,
        namespaces: c.namespaces,
    };
    (policy, c.diags)
}

impl<'a> Checker<'a> {
    fn text(&self, span: Span) -> String {
        self.sources
            .slice(span)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn error(
        &mut self,
        code: &'static str,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
    ) -> &mut Diagnostic {
        self.diags
            .push(Diagnostic::error(code, message).at(span, label));
        let last = self.diags.len() - 1;
        &mut self.diags[last]
    }

    fn check_binder_name(&mut self, name: &ast::Ident, what: &str) {
        if RESERVED.contains(&name.name.as_str()) {
            self.error(
                "reserved-name",
                format!("`{}` is a reserved word and cannot name {what}", name.name),
                name.span,
                "reserved",
            );
        } else if name.name.chars().any(|c| c.is_ascii_uppercase()) {
            let lower = crate::diag::snake_case(&name.name);
            let d = self.error(
                "name-case",
                format!("names are snake_case, not `{}`", name.name),
                name.span,
                "not snake_case",
            );
            d.help = Some(format!("write `{lower}`"));
        }
    }

    // --- scopes ----------------------------------------------------------------------------

    fn begin_scope(&mut self) {
        self.scope.clear();
        self.next_slot = 0;
        self.max_slot = 0;
        self.reads.clear();
    }

    fn end_scope(&mut self) {
        self.scope.clear();
    }

    fn bind(&mut self, name: &ast::Ident, ty: Ty, path: Option<String>) -> usize {
        self.check_binder_name(name, "a binding");
        let slot = self.next_slot;
        self.next_slot += 1;
        self.max_slot = self.max_slot.max(self.next_slot);
        self.scope.push(Local {
            name: name.name.clone(),
            slot,
            ty,
            path,
        });
        slot
    }

    fn unbind(&mut self) {
        if self.scope.pop().is_some() {
            self.next_slot = self.next_slot.saturating_sub(1);
        }
    }

    // --- items -----------------------------------------------------------------------------

    fn lower_let(&mut self, i: usize) {
        if self.let_state[i] != LetState::Todo {
            return;
        }
        // Lets are lowered in order before any rule, each in a scope of its own; a let reads
        // only lets already lowered, so this never nests.
        self.let_state[i] = LetState::Busy;
        self.begin_scope();
        self.let_deps.clear();
        let decl = self.let_decls[i];
        let (expr, ty) = self.expr(&decl.value);
        let mut deps = std::mem::take(&mut self.let_deps);
        deps.sort_unstable();
        deps.dedup();
        self.let_ir[i] = Some(ir::LetDef {
            name: decl.name.name.clone(),
            expr,
            slots: self.max_slot,
            deps,
            span: decl.span,
        });
        self.let_ty[i] = ty;
        self.let_reads[i] = std::mem::take(&mut self.reads);
        self.end_scope();
        self.let_state[i] = LetState::Done;
    }

    fn lower_rule(&mut self, r: &ast::RuleDecl) -> (ir::RuleDef, Vec<Binding>) {
        self.begin_scope();
        let mut fors = Vec::new();
        for f in &r.fors {
            let (collection, slot) = self.walk(&f.collection, &f.var, "`for`");
            let filter = f
                .filter
                .as_ref()
                .map(|w| self.condition(w, "a `where` clause"));
            fors.push(ir::ForDef {
                var: f.var.name.clone(),
                slot,
                collection,
                filter,
                span: f.span,
            });
        }
        let scope: Vec<_> = self
            .scope
            .iter()
            .map(|l| (l.name.clone(), l.slot, l.ty.clone(), l.path.clone()))
            .collect();
        let what = match r.check.kind {
            CheckKind::Require => "`require`",
            CheckKind::Forbid => "`forbid`",
        };
        let condition = self.condition(&r.check.condition, what);
        let message = r.check.message.as_ref().map(|t| self.template(t));
        // Only the leaves: `load.latency` goes when `load.latency.p99` is read.
        let reads = self
            .reads
            .iter()
            .filter(|p| {
                !self.reads.iter().any(|q| {
                    q.len() > p.len()
                        && q.starts_with(p.as_str())
                        && matches!(q.as_bytes()[p.len()], b'.' | b'[')
                })
            })
            .cloned()
            .collect();
        let rule = ir::RuleDef {
            name: r.name.name.clone(),
            level: r.level,
            doc: r.doc.clone(),
            fors,
            kind: r.check.kind,
            condition,
            message,
            slots: self.max_slot,
            span: r.span,
            check_span: r.check.span,
            reads,
        };
        self.end_scope();
        (rule, scope)
    }

    fn template(&mut self, t: &ast::Template) -> Vec<ir::Part> {
        t.parts
            .iter()
            .map(|p| match p {
                ast::Part::Text(s) => ir::Part::Text(s.clone()),
                ast::Part::Expr(e) => ir::Part::Expr(self.expr(e).0),
            })
            .collect()
    }

    // --- expressions -------------------------------------------------------------------------

    /// An expression that must be a boolean.
    fn condition(&mut self, e: &ast::Expr, what: &str) -> ir::Expr {
        let (x, ty) = self.expr(e);
        self.want_bool(&ty, e.span, what);
        x
    }

    fn want_bool(&mut self, ty: &Ty, span: Span, what: &str) {
        if !(ty.is_open() || *ty == Ty::Bool) {
            let text = self.text(span);
            self.error(
                "type-mismatch",
                format!(
                    "{what} needs a condition, but `{text}` is {}",
                    ty.describe()
                ),
                span,
                format!("{} here", ty.describe()),
            )
            .help = Some("compare it with something, e.g. `x > 0` or `x == \"value\"`".into());
        }
    }

    /// `VAR in COLLECTION` for `for`, quantifiers and comprehensions: lowers the collection
    /// and binds the variable to its element type and fact path.
    fn walk(&mut self, collection: &ast::Expr, var: &ast::Ident, what: &str) -> (ir::Expr, usize) {
        let (c, cty) = self.expr(collection);
        let elem = self.element_type(&cty, collection.span, what);
        let path = self.path_of(collection).map(|p| format!("{p}[]"));
        (c, self.bind(var, elem, path))
    }

    fn element_type(&mut self, ty: &Ty, span: Span, what: &str) -> Ty {
        match ty {
            Ty::List(inner) => (**inner).clone(),
            t if t.is_open() => Ty::Any,
            t => {
                let text = self.text(span);
                self.error(
                    "type-mismatch",
                    format!("{what} walks a list, but `{text}` is {}", t.describe()),
                    span,
                    "not a list",
                );
                Ty::Unknown
            }
        }
    }

    /// The fact path an expression reads: `load.latency.p99`, `licenses.packages[].license`.
    fn path_of(&self, e: &ast::Expr) -> Option<String> {
        match &e.kind {
            ExprKind::Name(n) => {
                if let Some(l) = self.scope.iter().rev().find(|l| l.name == *n) {
                    return l.path.clone();
                }
                if self.let_index.contains_key(n.as_str()) {
                    return None;
                }
                Some(n.clone())
            }
            ExprKind::Field(base, f) => self.path_of(base).map(|p| format!("{p}.{}", f.name)),
            ExprKind::Paren(inner) => self.path_of(inner),
            _ => None,
        }
    }

    fn mk(node: Node, span: Span) -> ir::Expr {
        ir::Expr { node, span }
    }

    fn expr(&mut self, e: &ast::Expr) -> (ir::Expr, Ty) {
        let span = e.span;
        match &e.kind {
            ExprKind::Literal(l) => {
                let (v, t) = literal(&l.value);
                // A literal that did not read (an error is reported) is `none` only by accident.
                let t = if t == Ty::None && l.text != "none" {
                    Ty::Unknown
                } else {
                    t
                };
                (Self::mk(Node::Const(v), span), t)
            }
            ExprKind::Name(n) => self.name(n, span),
            ExprKind::Paren(inner) => self.expr(inner),
            ExprKind::Field(base, field) => {
                let (b, bty) = self.expr(base);
                let ty = self.field_type(&bty, base, field);
                if let Some(p) = self.path_of(e) {
                    self.reads.insert(p);
                }
                (
                    Self::mk(
                        Node::Field(
                            Box::new(b),
                            Arc::from(field.name.as_str()),
                            crate::value::Hint::default(),
                        ),
                        span,
                    ),
                    ty,
                )
            }
            ExprKind::Index(base, index) => {
                let (b, bty) = self.expr(base);
                let (i, ity) = self.expr(index);
                let ty = match (&bty, &ity) {
                    (Ty::List(inner), Ty::Number) => (**inner).clone(),
                    (Ty::List(inner), t) if t.is_open() => (**inner).clone(),
                    (Ty::Record(fields), Ty::Str) => match &i.node {
                        Node::Const(Value::Str(key)) => match schema::field(fields, key) {
                            Some(f) => Ty::from_field(&f.ty),
                            None => {
                                self.unknown_field(fields, key, index.span, &self.text(base.span));
                                Ty::Unknown
                            }
                        },
                        _ => Ty::Any,
                    },
                    (b, _) if b.is_open() => Ty::Any,
                    (b, i) => {
                        let text = self.text(base.span);
                        self.error(
                            "type-mismatch",
                            format!("cannot index {} with {}", b.describe(), i.describe()),
                            span,
                            format!("`{text}` is {}", b.describe()),
                        )
                        .help = Some("index a list with a number (`xs[0]`) or a record with a string (`r[\"key\"]`)".into());
                        Ty::Unknown
                    }
                };
                (Self::mk(Node::Index(Box::new(b), Box::new(i)), span), ty)
            }
            ExprKind::Call(name, args) => self.call(name, args, span),
            ExprKind::List(items) => {
                let mut out = Vec::new();
                let mut elem = Ty::Unknown;
                let mut first_span = None;
                for item in items {
                    let (x, t) = self.expr(item);
                    if elem == Ty::Unknown || elem == Ty::None {
                        elem = t;
                        first_span = Some(item.span);
                    } else if !t.is_open()
                        && t != Ty::None
                        && !elem.is_open()
                        && !same_kind(&elem, &t)
                    {
                        let d = Diagnostic::error(
                            "type-mismatch",
                            format!(
                                "a list holds values of one type, not {} and {}",
                                elem.describe(),
                                t.describe()
                            ),
                        )
                        .at(item.span, t.describe());
                        let d = match first_span {
                            Some(f) => d.also(f, elem.describe()),
                            None => d,
                        };
                        self.diags.push(d);
                    }
                    out.push(x);
                }
                let consts: Option<Vec<Value>> = out
                    .iter()
                    .map(|x| match &x.node {
                        Node::Const(v) => Some(v.clone()),
                        _ => None,
                    })
                    .collect();
                let node = match consts {
                    Some(values) => Node::Const(Value::List(values.into())),
                    None => Node::List(out),
                };
                (Self::mk(node, span), Ty::List(Box::new(elem)))
            }
            ExprKind::Comprehension {
                elem,
                var,
                collection,
                filter,
            } => {
                let (c, slot) = self.walk(collection, var, "a list comprehension");
                let f = filter
                    .as_ref()
                    .map(|w| Box::new(self.condition(w, "a `where` clause")));
                let (x, xty) = self.expr(elem);
                self.unbind();
                (
                    Self::mk(
                        Node::Comprehension {
                            elem: Box::new(x),
                            slot,
                            collection: Box::new(c),
                            filter: f,
                        },
                        span,
                    ),
                    Ty::List(Box::new(xty)),
                )
            }
            ExprKind::Quantifier {
                quant,
                var,
                collection,
                filter,
            } => {
                let word = match quant {
                    Quant::Any => "any",
                    Quant::All => "all",
                    Quant::Count => "count",
                };
                let (c, slot) = self.walk(collection, var, &format!("`{word}`"));
                let f = filter
                    .as_ref()
                    .map(|w| Box::new(self.condition(w, "a `where` clause")));
                self.unbind();
                if f.is_none() && *quant != Quant::Count {
                    self.error(
                        "missing-where",
                        format!("`{word}` needs a condition"),
                        span,
                        "no `where`",
                    )
                    .help = Some(format!("write `{word} {} in … where CONDITION`", var.name));
                }
                let ty = if *quant == Quant::Count {
                    Ty::Number
                } else {
                    Ty::Bool
                };
                (
                    Self::mk(
                        Node::Quantifier {
                            quant: *quant,
                            slot,
                            collection: Box::new(c),
                            filter: f,
                        },
                        span,
                    ),
                    ty,
                )
            }
            ExprKind::Not(inner) => {
                let x = self.condition(inner, "`not`");
                (Self::mk(Node::Not(Box::new(x)), span), Ty::Bool)
            }
            ExprKind::Neg(inner) => {
                let (x, t) = self.expr(inner);
                if !(t.is_open() || matches!(t, Ty::Number | Ty::Duration | Ty::Size | Ty::Percent))
                {
                    self.error(
                        "type-mismatch",
                        format!("cannot negate {}", t.describe()),
                        span,
                        "here",
                    );
                }
                let node = match &x.node {
                    Node::Const(Value::Number(n)) => Node::Const(Value::Number(-*n)),
                    Node::Const(Value::Duration(n)) => Node::Const(Value::Duration(-*n)),
                    Node::Const(Value::Size(n)) => Node::Const(Value::Size(-*n)),
                    Node::Const(Value::Percent(n)) => Node::Const(Value::Percent(-*n)),
                    _ => Node::Neg(Box::new(x)),
                };
                (Self::mk(node, span), t)
            }
            ExprKind::And(items) | ExprKind::Or(items) => {
                let word = if matches!(e.kind, ExprKind::And(_)) {
                    "`and`"
                } else {
                    "`or`"
                };
                let xs: Vec<_> = items.iter().map(|i| self.condition(i, word)).collect();
                let node = if matches!(e.kind, ExprKind::And(_)) {
                    Node::And(xs)
                } else {
                    Node::Or(xs)
                };
                (Self::mk(node, span), Ty::Bool)
            }
            ExprKind::Arith { first, rest } => {
                let (f, mut ty) = self.expr(first);
                let mut out = Vec::new();
                for (op, operand) in rest {
                    let (x, t) = self.expr(operand);
                    ty = self.arith_type(*op, &ty, &t, span);
                    out.push((*op, x));
                }
                (
                    Self::mk(
                        Node::Arith {
                            first: Box::new(f),
                            rest: out,
                        },
                        span,
                    ),
                    ty,
                )
            }
            ExprKind::Range(lo, hi) => {
                let (l, lt) = self.expr(lo);
                let (h, ht) = self.expr(hi);
                let ranged = matches!(
                    lt,
                    Ty::Number
                        | Ty::Percent
                        | Ty::Duration
                        | Ty::Size
                        | Ty::Date
                        | Ty::DateTime
                        | Ty::Time
                ) || lt.is_open();
                if !ranged {
                    self.error(
                        "type-mismatch",
                        format!("a range is of numbers, percents, sizes, durations, dates, datetimes or times, not {}", lt.describe()),
                        lo.span,
                        lt.describe(),
                    );
                } else if !lt.comparable(&ht) {
                    self.diags.push(
                        Diagnostic::error(
                            "type-mismatch",
                            format!(
                                "a range's ends must be of one type, not {} and {}",
                                lt.describe(),
                                ht.describe()
                            ),
                        )
                        .at(hi.span, ht.describe())
                        .also(lo.span, lt.describe()),
                    );
                }
                if let (Node::Const(a), Node::Const(b)) = (&l.node, &h.node) {
                    if lt != Ty::Time && matches!(order(a, b), Ok(std::cmp::Ordering::Greater)) {
                        self.error(
                            "reversed-range",
                            format!(
                                "the range `{}` is reversed: it holds nothing",
                                self.text(span)
                            ),
                            span,
                            "start is after end",
                        )
                        .help = Some(format!(
                            "write `{}..{}`",
                            self.text(hi.span),
                            self.text(lo.span)
                        ));
                    }
                    let v = Value::Range(Arc::new((a.clone(), b.clone())));
                    return (Self::mk(Node::Const(v), span), Ty::Range(Box::new(lt)));
                }
                (
                    Self::mk(Node::Range(Box::new(l), Box::new(h)), span),
                    Ty::Range(Box::new(lt)),
                )
            }
            ExprKind::Compare { op, lhs, rhs } => self.compare(*op, lhs, rhs, span),
            ExprKind::Matches { lhs, pattern } => {
                let (x, t) = self.expr(lhs);
                if !(t.is_open() || matches!(t, Ty::Str | Ty::Enum(_))) {
                    self.error(
                        "type-mismatch",
                        format!(
                            "`matches` needs a string, but `{}` is {}",
                            self.text(lhs.span),
                            t.describe()
                        ),
                        lhs.span,
                        t.describe(),
                    );
                }
                let regex = match regex::RegexBuilder::new(&pattern.value)
                    .size_limit(1 << 20)
                    .build()
                {
                    Ok(r) => Arc::new(r),
                    Err(err) => {
                        let detail = err.to_string();
                        let last = detail.lines().last().unwrap_or("").trim().to_string();
                        self.error(
                            "bad-regex",
                            format!("`{}` is not a valid regular expression", pattern.value),
                            pattern.span,
                            last.trim_start_matches("error: ").to_string(),
                        )
                        .help = Some("patterns use Rust `regex` syntax; escape a backslash in a string as `\\\\`".into());
                        // Never evaluated: a load error stops the run before evaluation.
                        return (Self::mk(Node::Const(Value::Bool(false)), span), Ty::Bool);
                    }
                };
                (
                    Self::mk(
                        Node::Matches {
                            lhs: Box::new(x),
                            regex,
                        },
                        span,
                    ),
                    Ty::Bool,
                )
            }
            ExprKind::AllowedBy { lhs, list } => {
                let (x, t) = self.expr(lhs);
                if !(t.is_open() || matches!(t, Ty::License | Ty::Str)) {
                    self.error(
                        "type-mismatch",
                        format!(
                            "`allowed by` needs a license, but `{}` is {}",
                            self.text(lhs.span),
                            t.describe()
                        ),
                        lhs.span,
                        t.describe(),
                    );
                }
                let source = self.allow_list(list);
                (
                    Self::mk(
                        Node::AllowedBy {
                            lhs: Box::new(x),
                            list: source,
                        },
                        span,
                    ),
                    Ty::Bool,
                )
            }
        }
    }

    fn name(&mut self, n: &str, span: Span) -> (ir::Expr, Ty) {
        if let Some(l) = self.scope.iter().rev().find(|l| l.name == n) {
            return (Self::mk(Node::Local(l.slot), span), l.ty.clone());
        }
        if let Some(&i) = self.let_index.get(n) {
            match self.let_state[i] {
                LetState::Busy => {
                    let decl_span = self.let_decls[i].name.span;
                    self.diags.push(
                        Diagnostic::error(
                            "let-cycle",
                            format!("`{n}` is defined in terms of itself"),
                        )
                        .at(span, "read here")
                        .also(decl_span, "while defining it here")
                        .help("lets cannot refer to themselves, directly or through other lets"),
                    );
                    return (Self::mk(Node::Let(i), span), Ty::Unknown);
                }
                LetState::Todo => {
                    // Lets are lowered in order, so a `Todo` let is one defined further down.
                    let decl_span = self.let_decls[i].name.span;
                    self.diags.push(
                        Diagnostic::error(
                            "let-order",
                            format!("`{n}` is defined further down: a `let` may only read the lets above it"),
                        )
                        .at(span, "read here")
                        .also(decl_span, "defined here")
                        .help(format!("move `let {n}` above the `let` that reads it")),
                    );
                    return (Self::mk(Node::Let(i), span), Ty::Unknown);
                }
                LetState::Done => {}
            }
            let reads = self.let_reads[i].clone();
            self.reads.extend(reads);
            // A let that is a constant is inlined: no lookup on the hot path.
            if let Some(Some(def)) = self.let_ir.get(i)
                && let Node::Const(v) = &def.expr.node
            {
                return (
                    Self::mk(Node::Const(v.clone()), span),
                    self.let_ty[i].clone(),
                );
            }
            self.let_deps.push(i);
            return (Self::mk(Node::Let(i), span), self.let_ty[i].clone());
        }
        if let Some(ns) = schema::namespace(n) {
            if !self.available.has(n) {
                self.missing.entry(n.to_string()).or_default().push(span);
            }
            let ty = if ns.list {
                Ty::List(Box::new(Ty::Record(ns.fields)))
            } else {
                Ty::Record(ns.fields)
            };
            return (Self::mk(Node::Namespace(self.ns(n)), span), ty);
        }
        if self.available.has(n) {
            return (Self::mk(Node::Namespace(self.ns(n)), span), Ty::Any);
        }
        if self.broken.contains(n) {
            // Its `let` did not parse; that error is reported already.
            return (Self::mk(Node::Const(Value::None), span), Ty::Unknown);
        }
        if Func::lookup(n).is_some() {
            self.error(
                "unknown-name",
                format!("`{n}` is a function"),
                span,
                "not called",
            )
            .help = Some(format!("call it: `{n}(…)`"));
            return (Self::mk(Node::Const(Value::None), span), Ty::Unknown);
        }
        let mut candidates: Vec<String> = self.scope.iter().map(|l| l.name.clone()).collect();
        candidates.extend(self.let_index.keys().map(|k| k.to_string()));
        candidates.extend(schema::NAMESPACES.iter().map(|n| n.name.to_string()));
        candidates.extend(self.available.custom().map(str::to_string));
        let help = suggestion(n, candidates.iter().map(String::as_str)).unwrap_or_else(|| {
            format!("names are lets, `for` bindings and fact namespaces; if `{n}` is a custom namespace, pass `--facts {n}=FILE`")
        });
        self.error(
            "unknown-name",
            format!("unknown name `{n}`"),
            span,
            "not defined",
        )
        .help = Some(help);
        (Self::mk(Node::Const(Value::None), span), Ty::Unknown)
    }

    fn ns(&mut self, n: &str) -> usize {
        match self.namespaces.iter().position(|x| x == n) {
            Some(i) => i,
            None => {
                self.namespaces.push(n.to_string());
                self.namespaces.len() - 1
            }
        }
    }

    fn report_missing_namespaces(&mut self) {
        for (ns, spans) in std::mem::take(&mut self.missing) {
            let produced_by = schema::namespace(&ns).map_or("", |n| n.produced_by);
            let mut d = Diagnostic::error(
                "fact-not-produced",
                format!("the policy reads `{ns}` facts, but no `{ns}` facts were produced"),
            )
            .at(spans[0], format!("reads `{ns}`"))
            .help(format!("produce them with {produced_by}"));
            for s in spans.iter().skip(1).take(3) {
                d = d.also(*s, "read here too");
            }
            self.diags.push(d);
        }
    }

    fn field_type(&mut self, bty: &Ty, base: &ast::Expr, field: &ast::Ident) -> Ty {
        match bty {
            Ty::Record(fields) => match schema::field(fields, &field.name) {
                Some(f) => Ty::from_field(&f.ty),
                None => {
                    let text = self.text(base.span);
                    self.unknown_field(fields, &field.name, field.span, &text);
                    Ty::Unknown
                }
            },
            t if t.is_open() => Ty::Any,
            Ty::List(_) => {
                let text = self.text(base.span);
                self.error(
                    "type-mismatch",
                    format!("`{text}` is a list and has no field `{}`", field.name),
                    field.span,
                    "on a list",
                )
                .help = Some(format!(
                    "walk it: `for x in {text}` or `any x in {text} where x.{} …`",
                    field.name
                ));
                Ty::Unknown
            }
            t => {
                let text = self.text(base.span);
                self.error(
                    "type-mismatch",
                    format!("`{text}` is {} and has no fields", t.describe()),
                    field.span,
                    "no such field",
                );
                Ty::Unknown
            }
        }
    }

    fn unknown_field(&mut self, fields: &'static [Field], name: &str, span: Span, base: &str) {
        let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
        let help = suggestion(name, names.iter().copied()).unwrap_or_else(|| {
            format!(
                "the fields are {}",
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        });
        self.error(
            "unknown-field",
            format!("`{base}` has no field `{name}`"),
            span,
            "unknown field",
        )
        .help = Some(help);
    }

    fn arith_type(&mut self, op: ast::ArithOp, a: &Ty, b: &Ty, span: Span) -> Ty {
        use ast::ArithOp::*;
        if *a == Ty::Unknown || *b == Ty::Unknown {
            return Ty::Unknown; // an error is reported already
        }
        if a.is_open() || b.is_open() {
            return Ty::Any;
        }
        let ok = match (op, a, b) {
            (_, Ty::Number, Ty::Number) => Some(Ty::Number),
            (Add | Sub, Ty::Duration, Ty::Duration) => Some(Ty::Duration),
            (Add | Sub, Ty::Size, Ty::Size) => Some(Ty::Size),
            (Mul | Div, Ty::Duration, Ty::Number) => Some(Ty::Duration),
            (Mul | Div, Ty::Size, Ty::Number) => Some(Ty::Size),
            (Mul, Ty::Number, Ty::Duration) => Some(Ty::Duration),
            (Mul, Ty::Number, Ty::Size) => Some(Ty::Size),
            (Div, Ty::Duration, Ty::Duration) | (Div, Ty::Size, Ty::Size) => Some(Ty::Number),
            _ => None,
        };
        ok.unwrap_or_else(|| {
            self.error(
                "type-mismatch",
                format!("cannot {} {} and {}", match op {
                    Add => "add",
                    Sub => "subtract",
                    Mul => "multiply",
                    Div => "divide",
                }, a.describe(), b.describe()),
                span,
                format!("`{}` on {} and {}", op.symbol(), a.describe(), b.describe()),
            )
            .help = Some("arithmetic works on numbers, on durations and sizes of one unit, and scales a duration or size by a number".into());
            Ty::Unknown
        })
    }

    fn compare(
        &mut self,
        op: CmpOp,
        lhs: &ast::Expr,
        rhs: &ast::Expr,
        span: Span,
    ) -> (ir::Expr, Ty) {
        let (l, lt) = self.expr(lhs);
        let (r, rt) = self.expr(rhs);
        let mismatch = |c: &mut Self, what: String| {
            let mut d = Diagnostic::error("type-mismatch", what)
                .at(rhs.span, rt.describe())
                .also(lhs.span, lt.describe());
            if let (
                Ty::Severity | Ty::Weekday,
                ast::ExprKind::Literal(ast::Literal {
                    value: LitValue::Str(s),
                    ..
                }),
            ) = (&lt, &rhs.kind)
                && (Severity::parse(s).is_some() || Weekday::parse(s).is_some())
            {
                d = d.help(format!("write `{s}` without quotes: it is a literal word"));
            }
            c.diags.push(d);
        };
        match op {
            CmpOp::Eq | CmpOp::Ne => {
                if !lt.comparable(&rt) {
                    mismatch(
                        self,
                        format!("cannot compare {} with {}", lt.describe(), rt.describe()),
                    );
                }
                self.check_enum(&lt, rhs);
                self.check_enum(&rt, lhs);
            }
            CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge => {
                if lt == Ty::None || rt == Ty::None {
                    self.error(
                        "none-misuse",
                        "`none` can only be compared with `==` or `!=`",
                        span,
                        "ordered comparison with none",
                    );
                } else if !lt.comparable(&rt) {
                    mismatch(
                        self,
                        format!("cannot compare {} with {}", lt.describe(), rt.describe()),
                    );
                } else if !lt.orderable() || !rt.orderable() {
                    let bad = if lt.orderable() { &rt } else { &lt };
                    self.error(
                        "type-mismatch",
                        format!(
                            "{} has no order: `{}` cannot compare it",
                            bad.describe(),
                            op.symbol()
                        ),
                        span,
                        "not ordered",
                    )
                    .help = Some("use `==` or `!=`".into());
                }
            }
            CmpOp::In | CmpOp::NotIn => match &rt {
                Ty::List(inner) | Ty::Range(inner) => {
                    if !lt.comparable(inner) {
                        mismatch(
                            self,
                            format!(
                                "`{}` looks for {} in {}",
                                op.symbol(),
                                lt.describe(),
                                rt.describe()
                            ),
                        );
                    }
                    if let ast::ExprKind::List(_) = &rhs.kind
                        && let Some(ast::Expr {
                            kind: ast::ExprKind::List(items),
                            ..
                        }) = Some(rhs)
                    {
                        for item in items {
                            self.check_enum(&lt, item);
                        }
                    }
                }
                t if t.is_open() => {}
                t => {
                    self.error(
                        "type-mismatch",
                        format!(
                            "`{}` needs a list or a range on its right, not {}",
                            op.symbol(),
                            t.describe()
                        ),
                        rhs.span,
                        t.describe(),
                    )
                    .help = Some("for a substring, write `text contains \"part\"`".into());
                }
            },
            CmpOp::Contains => match &lt {
                Ty::List(inner) => {
                    if !inner.comparable(&rt) {
                        mismatch(
                            self,
                            format!(
                                "`contains` looks for {} in {}",
                                rt.describe(),
                                lt.describe()
                            ),
                        );
                    }
                }
                Ty::Str | Ty::Enum(_) => {
                    if !(rt.is_open() || matches!(rt, Ty::Str | Ty::Enum(_))) {
                        mismatch(
                            self,
                            format!("a string contains strings, not {}", rt.describe()),
                        );
                    }
                }
                t if t.is_open() => {}
                t => {
                    self.error(
                        "type-mismatch",
                        format!(
                            "`contains` needs a list or a string on its left, not {}",
                            t.describe()
                        ),
                        lhs.span,
                        t.describe(),
                    );
                }
            },
        }
        // A version compared with a string literal: read the literal as semver once, now.
        let (l, r) = (self.fold_version(&rt, l), self.fold_version(&lt, r));
        (
            Self::mk(
                Node::Compare {
                    op,
                    lhs: Box::new(l),
                    rhs: Box::new(r),
                },
                span,
            ),
            Ty::Bool,
        )
    }

    /// A string constant compared with a version becomes a version, or a load error when it is
    /// not semver.
    fn fold_version(&mut self, other: &Ty, x: ir::Expr) -> ir::Expr {
        if *other != Ty::Version {
            return x;
        }
        let Node::Const(Value::Str(s)) = &x.node else {
            return x;
        };
        match semver::Version::parse(s.trim_start_matches('v')) {
            Ok(v) => Self::mk(Node::Const(Value::Version(Arc::new(v))), x.span),
            Err(e) => {
                self.error(
                    "bad-version",
                    format!("`{s}` is not a semver version: {e}"),
                    x.span,
                    "compared with a version",
                )
                .help = Some("write a full version such as `\"0.18.0\"`".into());
                x
            }
        }
    }

    /// `pkg.kind == "norml"` can never hold: say so when the policy is loaded.
    fn check_enum(&mut self, ty: &Ty, other: &ast::Expr) {
        let Ty::Enum(values) = ty else { return };
        let ast::ExprKind::Literal(ast::Literal {
            value: LitValue::Str(s),
            ..
        }) = &other.kind
        else {
            return;
        };
        if !values.contains(&s.as_str()) {
            let help = suggestion(s, values.iter().copied()).unwrap_or_else(|| {
                format!(
                    "the values are {}",
                    values
                        .iter()
                        .map(|v| format!("`{v}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            });
            self.error(
                "impossible-value",
                format!("`{s}` is never a value of this field"),
                other.span,
                "never matches",
            )
            .help = Some(help);
        }
    }

    fn allow_list(&mut self, list: &ast::Expr) -> AllowSource {
        // Find the literal list, directly or through a `let`, to point at a bad entry.
        let mut literal = None;
        match &list.kind {
            ExprKind::List(items) => literal = Some(items),
            ExprKind::Name(n) if !self.scope.iter().any(|l| l.name == *n) => {
                if let Some(&i) = self.let_index.get(n.as_str())
                    && let ExprKind::List(items) = &self.let_decls[i].value.kind
                {
                    literal = Some(items);
                }
            }
            _ => {}
        }
        let (x, t) = self.expr(list);
        match &t {
            Ty::List(inner) if matches!(**inner, Ty::Str | Ty::Unknown | Ty::Any) => {}
            t if t.is_open() => {}
            t => {
                self.error(
                    "type-mismatch",
                    format!(
                        "`allowed by` needs a list of license ids, not {}",
                        t.describe()
                    ),
                    list.span,
                    t.describe(),
                );
            }
        }
        // A `let` bound to a literal list is as constant as the literal itself.
        let constant = match &x.node {
            Node::Const(v) => Some(v.clone()),
            Node::Let(i) => {
                self.let_ir
                    .get(*i)
                    .and_then(Option::as_ref)
                    .and_then(|d| match &d.expr.node {
                        Node::Const(v) => Some(v.clone()),
                        _ => None,
                    })
            }
            _ => None,
        };
        if let (Some(items), Some(Value::List(values))) = (literal, constant.as_ref()) {
            let entries: Vec<&str> = values
                .iter()
                .filter_map(|v| match v {
                    Value::Str(s) => Some(&**s),
                    _ => None,
                })
                .collect();
            if entries.len() == values.len() {
                match AllowList::new(entries.iter().copied()) {
                    Ok(list) => return AllowSource::Static(Arc::new(list)),
                    Err(problems) => {
                        for (i, err) in problems {
                            let at = items.get(i).map_or(list.span, |e| e.span);
                            self.error(
                                "bad-allow-entry",
                                err.message,
                                at,
                                "not a single SPDX license term",
                            )
                            .help = Some("list single terms like `MIT` or `Apache-2.0 WITH LLVM-exception`; `OR` and `AND` belong in the package's expression".into());
                        }
                        // Never evaluated: a load error stops the run before evaluation.
                        return AllowSource::Dynamic(Box::new(x));
                    }
                }
            }
        }
        AllowSource::Dynamic(Box::new(x))
    }

    fn call(&mut self, name: &ast::Ident, args: &[ast::Expr], span: Span) -> (ir::Expr, Ty) {
        let Some(func) = Func::lookup(&name.name) else {
            let mut help = suggestion(&name.name, Func::ALL.iter().map(|(n, _)| *n))
                .unwrap_or_else(|| {
                    format!(
                        "the functions are {}",
                        Func::ALL
                            .iter()
                            .map(|(n, _)| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                });
            if self.let_index.contains_key(name.name.as_str()) {
                help = format!("`{}` is a `let`, not a function", name.name);
            }
            self.error(
                "unknown-function",
                format!("unknown function `{}`", name.name),
                name.span,
                "no such function",
            )
            .help = Some(help);
            for a in args {
                self.expr(a);
            }
            return (Self::mk(Node::Const(Value::None), span), Ty::Unknown);
        };
        let lowered: Vec<(ir::Expr, Ty)> = args.iter().map(|a| self.expr(a)).collect();
        let arity = match func {
            Func::StartsWith | Func::EndsWith => 2,
            _ => 1,
        };
        if lowered.len() != arity {
            self.error(
                "wrong-arity",
                format!(
                    "`{}` takes {arity} argument{}, not {}",
                    name.name,
                    if arity == 1 { "" } else { "s" },
                    lowered.len()
                ),
                span,
                "here",
            );
            return (Self::mk(Node::Const(Value::None), span), Ty::Unknown);
        }
        let tys: Vec<&Ty> = lowered.iter().map(|(_, t)| t).collect();
        let arg_span = |i: usize| args.get(i).map_or(span, |a| a.span);
        let bad = |c: &mut Self, i: usize, want: &str| {
            let t = tys.get(i).map(|t| t.describe()).unwrap_or_default();
            c.error(
                "type-mismatch",
                format!("`{}` needs {want}, not {t}", name.name),
                arg_span(i),
                t,
            );
        };
        let is_str = |t: &Ty| t.is_open() || matches!(t, Ty::Str | Ty::Enum(_));
        let ty = match func {
            Func::Len => {
                if !(tys[0].is_open() || matches!(tys[0], Ty::List(_) | Ty::Str | Ty::Enum(_))) {
                    bad(self, 0, "a list or a string");
                }
                Ty::Number
            }
            Func::Sum | Func::Min | Func::Max => match tys[0] {
                Ty::List(inner) => {
                    let summable =
                        matches!(**inner, Ty::Number | Ty::Duration | Ty::Size | Ty::Percent)
                            || inner.is_open();
                    if func == Func::Sum && !summable {
                        bad(self, 0, "a list of numbers, durations, sizes or percents");
                    } else if func != Func::Sum && !inner.orderable() {
                        bad(self, 0, "a list of values that can be ordered");
                    }
                    match &**inner {
                        Ty::Unknown | Ty::Any => Ty::Any,
                        t => t.clone(),
                    }
                }
                t if t.is_open() => Ty::Any,
                _ => {
                    bad(self, 0, "a list");
                    Ty::Unknown
                }
            },
            Func::Lower | Func::Upper => {
                if !is_str(tys[0]) {
                    bad(self, 0, "a string");
                }
                Ty::Str
            }
            Func::StartsWith | Func::EndsWith => {
                for (i, t) in tys.iter().enumerate() {
                    if !is_str(t) {
                        bad(self, i, "strings");
                    }
                }
                Ty::Bool
            }
            Func::DaysUntil => {
                if !(tys[0].is_open() || *tys[0] == Ty::Date) {
                    bad(self, 0, "a date");
                }
                self.reads.insert("clock.date".into());
                let clock = self.ns("clock");
                let mut out: Vec<ir::Expr> = lowered.into_iter().map(|(x, _)| x).collect();
                out.push(Self::mk(Node::Namespace(clock), span));
                return (Self::mk(Node::Call(func, out), span), Ty::Number);
            }
            Func::License => {
                if !is_str(tys[0]) {
                    bad(self, 0, "a string");
                } else if let Node::Const(Value::Str(s)) = &lowered[0].0.node {
                    return match License::parse(s) {
                        Ok(l) => (
                            Self::mk(Node::Const(Value::License(Arc::new(l))), span),
                            Ty::License,
                        ),
                        Err(e) => {
                            self.error(
                                "bad-license",
                                e.message,
                                arg_span(0),
                                "not an SPDX expression",
                            )
                            .help =
                                Some("write an SPDX expression such as `MIT OR Apache-2.0`".into());
                            (Self::mk(Node::Const(Value::None), span), Ty::Unknown)
                        }
                    };
                }
                Ty::License
            }
        };
        (
            Self::mk(
                Node::Call(func, lowered.into_iter().map(|(x, _)| x).collect()),
                span,
            ),
            ty,
        )
    }
}

fn same_kind(a: &Ty, b: &Ty) -> bool {
    a.comparable(b) && std::mem::discriminant(a) == std::mem::discriminant(b)
        || matches!(
            (a, b),
            (Ty::Str, Ty::Enum(_)) | (Ty::Enum(_), Ty::Str) | (Ty::Enum(_), Ty::Enum(_))
        )
}

/// A literal's value and type.
pub fn literal(l: &LitValue) -> (Value, Ty) {
    match l {
        LitValue::Bool(b) => (Value::Bool(*b), Ty::Bool),
        LitValue::None => (Value::None, Ty::None),
        LitValue::Number(n) => (Value::Number(*n), Ty::Number),
        LitValue::Percent(n) => (Value::Percent(*n), Ty::Percent),
        LitValue::Duration(n) => (Value::Duration(*n), Ty::Duration),
        LitValue::Size(n) => (Value::Size(*n), Ty::Size),
        LitValue::Date(d) => (Value::Date(*d), Ty::Date),
        LitValue::DateTime(z) => (Value::DateTime(Arc::new(z.clone())), Ty::DateTime),
        LitValue::Time(t) => (Value::Time(*t), Ty::Time),
        LitValue::Weekday(w) => (Value::Weekday(*w), Ty::Weekday),
        LitValue::Severity(s) => (Value::Severity(*s), Ty::Severity),
        LitValue::Str(s) => (Value::Str(Arc::from(s.as_str())), Ty::Str),
    }
}
