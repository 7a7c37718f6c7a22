//! The checked policy: names resolved to slots, lets and namespaces, regexes compiled,
//! allow-lists validated. The evaluator reads only this.

use super::ast::{ArithOp, CheckKind, CmpOp, Level, Quant};
use crate::license::AllowList;
use crate::span::Span;
use crate::value::Value;
use jiff::civil::Date;
use std::sync::Arc;

/// A policy that passed every load-time check.
#[derive(Clone, Debug)]
pub struct Policy {
    pub name: Option<String>,
    pub version: Option<String>,
    pub doc: Option<String>,
    /// Lets in an order where each comes after the lets it reads.
    pub lets: Vec<LetDef>,
    pub rules: Vec<RuleDef>,
    pub waivers: Vec<WaiverDef>,
    /// The fact namespaces the policy reads, by index used in [`Node::Namespace`].
    pub namespaces: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct LetDef {
    pub name: String,
    pub expr: Expr,
    /// Local slots its quantifiers need.
    pub slots: usize,
    /// The lets it reads, all defined above it: evaluating them first keeps evaluation flat.
    pub deps: Vec<usize>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct RuleDef {
    pub name: String,
    pub level: Level,
    pub doc: Option<String>,
    pub fors: Vec<ForDef>,
    pub kind: CheckKind,
    pub condition: Expr,
    pub message: Option<Vec<Part>>,
    /// Local slots: the `for` bindings first, then quantifier variables.
    pub slots: usize,
    /// The whole rule, for "the location of the rule".
    pub span: Span,
    /// The `require`/`forbid` clause: where findings point.
    pub check_span: Span,
    /// Fact paths the rule reads (`load.latency.p99`), for `gate explain`.
    pub reads: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct ForDef {
    pub var: String,
    pub slot: usize,
    pub collection: Expr,
    pub filter: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum Part {
    Text(String),
    Expr(Expr),
}

#[derive(Clone, Debug)]
pub struct WaiverDef {
    /// Index into [`Policy::rules`].
    pub rule: usize,
    pub filter: Option<Expr>,
    pub until: Date,
    pub by: String,
    pub because: String,
    pub slots: usize,
    pub span: Span,
}

/// A checked expression and the span it came from.
#[derive(Clone, Debug)]
pub struct Expr {
    pub node: Node,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    Len,
    Sum,
    Min,
    Max,
    Lower,
    Upper,
    StartsWith,
    EndsWith,
    DaysUntil,
    License,
}

impl Func {
    pub const ALL: [(&'static str, Func); 10] = [
        ("len", Func::Len),
        ("sum", Func::Sum),
        ("min", Func::Min),
        ("max", Func::Max),
        ("lower", Func::Lower),
        ("upper", Func::Upper),
        ("starts_with", Func::StartsWith),
        ("ends_with", Func::EndsWith),
        ("days_until", Func::DaysUntil),
        ("license", Func::License),
    ];

    pub fn lookup(name: &str) -> Option<Func> {
        Func::ALL.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
    }

    pub fn name(self) -> &'static str {
        Func::ALL
            .iter()
            .find(|(_, f)| *f == self)
            .map_or("?", |(n, _)| n)
    }
}

/// Where an `allowed by` list comes from.
#[derive(Clone, Debug)]
pub enum AllowSource {
    /// A list known when the policy is loaded, validated once.
    Static(Arc<AllowList>),
    /// A list read from facts, validated when evaluated.
    Dynamic(Box<Expr>),
}

#[derive(Clone, Debug)]
pub enum Node {
    Const(Value),
    Local(usize),
    Let(usize),
    Namespace(usize),
    Field(Box<Expr>, Arc<str>, crate::value::Hint),
    Index(Box<Expr>, Box<Expr>),
    Call(Func, Vec<Expr>),
    List(Vec<Expr>),
    Comprehension {
        elem: Box<Expr>,
        slot: usize,
        collection: Box<Expr>,
        filter: Option<Box<Expr>>,
    },
    Quantifier {
        quant: Quant,
        slot: usize,
        collection: Box<Expr>,
        filter: Option<Box<Expr>>,
    },
    Not(Box<Expr>),
    Neg(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Arith {
        first: Box<Expr>,
        rest: Vec<(ArithOp, Expr)>,
    },
    Range(Box<Expr>, Box<Expr>),
    Compare {
        op: CmpOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    Matches {
        lhs: Box<Expr>,
        regex: Arc<regex::Regex>,
    },
    AllowedBy {
        lhs: Box<Expr>,
        list: AllowSource,
    },
}
