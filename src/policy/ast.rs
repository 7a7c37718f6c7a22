//! The syntax tree of a policy file, as written: nothing here is resolved or type-checked.

use crate::span::{FileId, Span};
use crate::value::{Severity, Weekday};
use jiff::Zoned;
use jiff::civil::{Date, Time};
use rust_decimal::Decimal;

/// One parsed `.gate` file.
#[derive(Clone, Debug, PartialEq)]
pub struct Module {
    pub file: FileId,
    pub items: Vec<Item>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Policy(PolicyDecl),
    Use(UseDecl),
    Let(LetDecl),
    Rule(RuleDecl),
    Waive(WaiveDecl),
}

impl Item {
    pub fn span(&self) -> Span {
        match self {
            Item::Policy(i) => i.span,
            Item::Use(i) => i.span,
            Item::Let(i) => i.span,
            Item::Rule(i) => i.span,
            Item::Waive(i) => i.span,
        }
    }
}

/// A name as written, with where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A string literal: its value after escapes, and the span of the quoted text.
#[derive(Clone, Debug, PartialEq)]
pub struct StrLit {
    pub value: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PolicyDecl {
    pub name: StrLit,
    pub version: Option<StrLit>,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct UseDecl {
    pub path: StrLit,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LetDecl {
    pub name: Ident,
    pub value: Expr,
    pub doc: Option<String>,
    pub span: Span,
}

/// What a finding of a rule does to the release.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Info,
    Warn,
    Block,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Block => "block",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct RuleDecl {
    pub name: Ident,
    pub level: Level,
    pub level_span: Span,
    pub fors: Vec<ForClause>,
    pub check: Check,
    pub doc: Option<String>,
    pub span: Span,
}

/// `for X in EXPR [where COND]`
#[derive(Clone, Debug, PartialEq)]
pub struct ForClause {
    pub var: Ident,
    pub collection: Expr,
    pub filter: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckKind {
    /// A finding where the condition is false.
    Require,
    /// A finding where the condition is true.
    Forbid,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    pub kind: CheckKind,
    pub condition: Expr,
    pub message: Option<Template>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct WaiveDecl {
    pub rule: Ident,
    pub filter: Option<Expr>,
    pub until: Date,
    pub until_span: Span,
    pub by: StrLit,
    pub because: StrLit,
    pub doc: Option<String>,
    pub span: Span,
}

/// A message string with `{EXPR}` interpolations.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    pub parts: Vec<Part>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Part {
    Text(String),
    Expr(Expr),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quant {
    Any,
    All,
    Count,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
}

impl ArithOp {
    pub fn symbol(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
            ArithOp::Div => "/",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Contains,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::In => "in",
            CmpOp::NotIn => "not in",
            CmpOp::Contains => "contains",
        }
    }

    /// The operator that holds exactly when this one does not.
    pub fn negated(self) -> CmpOp {
        match self {
            CmpOp::Eq => CmpOp::Ne,
            CmpOp::Ne => CmpOp::Eq,
            CmpOp::Lt => CmpOp::Ge,
            CmpOp::Le => CmpOp::Gt,
            CmpOp::Gt => CmpOp::Le,
            CmpOp::Ge => CmpOp::Lt,
            CmpOp::In => CmpOp::NotIn,
            CmpOp::NotIn => CmpOp::In,
            CmpOp::Contains => CmpOp::Contains,
        }
    }
}

/// A literal's value and its text as written (kept so printing never changes a unit).
#[derive(Clone, Debug, PartialEq)]
pub struct Literal {
    pub value: LitValue,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum LitValue {
    Bool(bool),
    None,
    Number(Decimal),
    Percent(Decimal),
    Duration(Decimal),
    Size(Decimal),
    Date(Date),
    DateTime(Zoned),
    Time(Time),
    Weekday(Weekday),
    Severity(Severity),
    Str(String),
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Literal(Literal),
    Name(String),
    Field(Box<Expr>, Ident),
    Index(Box<Expr>, Box<Expr>),
    Call(Ident, Vec<Expr>),
    List(Vec<Expr>),
    /// `[ELEM for VAR in COLLECTION where FILTER]`
    Comprehension {
        elem: Box<Expr>,
        var: Ident,
        collection: Box<Expr>,
        filter: Option<Box<Expr>>,
    },
    /// `any|all|count VAR in COLLECTION where FILTER`
    Quantifier {
        quant: Quant,
        var: Ident,
        collection: Box<Expr>,
        filter: Option<Box<Expr>>,
    },
    Paren(Box<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    /// `a and b and c`: n-ary, so long chains never make a deep tree.
    And(Vec<Expr>),
    Or(Vec<Expr>),
    /// `a + b - c` or `a * b / c`: one precedence level, left to right.
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
        pattern: StrLit,
    },
    AllowedBy {
        lhs: Box<Expr>,
        list: Box<Expr>,
    },
}
