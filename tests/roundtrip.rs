//! print → parse → print: random syntax trees (every expression kind, every literal kind, depth up
//! to 5), printed by `policy::print`, read back by the parser as the same tree — spans aside, and
//! with exactly the parentheses the grammar needs where the random tree is not in the shape the
//! parser makes — and printed again as the same text. Then `gate fmt`'s side: printed text with
//! comments sprinkled over it formats to the same tree with every comment kept, in order, and
//! formatting again changes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use gate::policy::ast::*;
use gate::policy::comments;
use gate::policy::format::format_source;
use gate::policy::parser::parse_module;
use gate::policy::print::{print_expr, print_module};
use gate::schema::RESERVED;
use gate::span::{FileId, Span};
use gate::value::{Severity, Weekday, duration_unit, parse_datetime, parse_time, size_unit};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::Union;
use rust_decimal::Decimal;

// ---------------------------------------------------------------------------------------------
// Comparing trees without their spans

/// The tree's debug form with every span blanked out.
fn shape(m: &Module) -> String {
    let spans = regex::Regex::new(r"Span \{[^}]*\}").unwrap();
    spans.replace_all(&format!("{m:#?}"), "Span").into_owned()
}

/// Where the parse went wrong, for a failing case.
fn parse_clean(text: &str) -> Result<Module, TestCaseError> {
    let (m, diags) = parse_module(FileId(0), text);
    if !diags.is_empty() {
        let messages: Vec<String> = diags.iter().map(|d| format!("{d:?}")).collect();
        return Err(TestCaseError::fail(format!(
            "printed text does not parse:\n{text}\n{}",
            messages.join("\n")
        )));
    }
    Ok(m)
}

// ---------------------------------------------------------------------------------------------
// Building trees

fn ex(kind: ExprKind) -> Expr {
    Expr {
        kind,
        span: Span::default(),
    }
}

fn ident(name: String) -> Ident {
    Ident {
        name,
        span: Span::default(),
    }
}

fn str_lit(value: String) -> StrLit {
    StrLit {
        value,
        span: Span::default(),
    }
}

fn lit(value: LitValue, text: String) -> Expr {
    ex(ExprKind::Literal(Literal { value, text }))
}

/// The words of the grammar's `keyword` rule (`schema::RESERVED` holds them all today).
const KEYWORDS: &[&str] = &[
    "policy", "version", "use", "let", "rule", "waive", "until", "by", "because", "for", "in",
    "where", "require", "else", "forbid", "and", "or", "not", "any", "all", "count", "matches",
    "allowed", "contains", "true", "false", "none",
];

fn reserved(word: &str) -> bool {
    RESERVED.contains(&word) || KEYWORDS.contains(&word)
}

/// A `snake_case` name that may be bound or read.
fn name() -> impl Strategy<Value = String> + Clone {
    "[a-z][a-z0-9_]{0,7}".prop_filter("reserved word", |s| !reserved(s))
}

/// A rule name or a field: any word.
fn word() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        4 => name(),
        1 => select(RESERVED).prop_map(str::to_string),
    ]
}

fn call_name() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        select(
            &[
                "len",
                "sum",
                "min",
                "max",
                "lower",
                "upper",
                "starts_with",
                "ends_with",
                "days_until",
                "license",
            ][..]
        )
        .prop_map(str::to_string),
        name(),
    ]
}

// --- strings ---------------------------------------------------------------------------------

/// The canonical escaped form, written here independently of the printer.
fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn string_char() -> impl Strategy<Value = char> + Clone {
    prop_oneof![
        6 => proptest::char::range('a', 'z'),
        1 => Just(' '),
        1 => select(&['"', '\\', '\n', '\t', '{', '}', '#', '(', '[', 'é', '😀'][..]),
        1 => select(&['\u{0}', '\u{1}', '\r', '\u{1b}', '\u{7f}', '\u{85}'][..]),
        1 => any::<char>(),
    ]
}

/// Any string value.
fn string_value() -> impl Strategy<Value = String> + Clone {
    vec(string_char(), 0..8).prop_map(|cs| cs.into_iter().collect())
}

/// Message text: any string but the empty one (the parser makes no empty text part).
fn message_text() -> impl Strategy<Value = String> + Clone {
    vec(string_char(), 1..8).prop_map(|cs| cs.into_iter().collect())
}

// --- literals --------------------------------------------------------------------------------

fn decimal_text() -> impl Strategy<Value = String> + Clone {
    ("[0-9]{1,4}", option::of("[0-9]{1,3}")).prop_map(|(int, frac)| match frac {
        Some(frac) => format!("{int}.{frac}"),
        None => int,
    })
}

fn exact(text: &str) -> Decimal {
    Decimal::from_str_exact(text).unwrap()
}

fn date_text() -> impl Strategy<Value = String> + Clone {
    (1970i16..2100, 1i8..=12, 1i8..=28).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"))
}

fn clock_text() -> impl Strategy<Value = String> + Clone {
    (0u8..24, 0u8..60, option::of(0u8..60)).prop_map(|(h, m, s)| match s {
        Some(s) => format!("{h:02}:{m:02}:{s:02}"),
        None => format!("{h:02}:{m:02}"),
    })
}

fn literal(strings: bool) -> BoxedStrategy<Expr> {
    let number = decimal_text().prop_map(|t| lit(LitValue::Number(exact(&t)), t));
    let percent = decimal_text().prop_map(|t| {
        lit(
            LitValue::Percent(exact(&t) / Decimal::ONE_HUNDRED),
            format!("{t}%"),
        )
    });
    let duration = (
        decimal_text(),
        select(&["ms", "us", "ns", "s", "m", "h", "d"][..]),
    )
        .prop_map(|(n, unit)| {
            let v = exact(&n).checked_mul(duration_unit(unit).unwrap()).unwrap();
            lit(LitValue::Duration(v), format!("{n}{unit}"))
        });
    let size = (
        decimal_text(),
        select(&["B", "KB", "MB", "GB", "TB", "KiB", "MiB", "GiB", "TiB"][..]),
    )
        .prop_map(|(n, unit)| {
            let v = exact(&n).checked_mul(size_unit(unit).unwrap()).unwrap();
            lit(LitValue::Size(v), format!("{n}{unit}"))
        });
    let date = date_text().prop_map(|t| lit(LitValue::Date(t.parse().unwrap()), t));
    let datetime = (
        date_text(),
        (0u8..24, 0u8..60, option::of(0u8..60)),
        option::of("[0-9]{1,9}"),
        prop_oneof![
            Just("Z".to_string()),
            (
                select(&['+', '-'][..]),
                0u8..=14,
                select(&[0u8, 30, 45][..])
            )
                .prop_map(|(sign, h, m)| format!("{sign}{h:02}:{m:02}")),
        ],
    )
        .prop_map(|(d, (h, m, s), frac, offset)| {
            // Fractions of a second only after seconds: `16:00.5` is not a time jiff reads.
            let seconds = match (s, frac) {
                (Some(s), Some(f)) => format!(":{s:02}.{f}"),
                (Some(s), None) => format!(":{s:02}"),
                (None, _) => String::new(),
            };
            let text = format!("{d}T{h:02}:{m:02}{seconds}{offset}");
            let value = parse_datetime(&text).unwrap_or_else(|| panic!("{text}"));
            lit(LitValue::DateTime(value), text)
        });
    let time = clock_text().prop_map(|t| lit(LitValue::Time(parse_time(&t).unwrap()), t));
    let weekday = select(
        &[
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
        ][..],
    )
    .prop_map(|w| lit(LitValue::Weekday(Weekday::parse(w).unwrap()), w.into()));
    let severity = select(&["info", "low", "medium", "high", "critical"][..])
        .prop_map(|s| lit(LitValue::Severity(Severity::parse(s).unwrap()), s.into()));
    let constant = select(&["true", "false", "none"][..]).prop_map(|w| {
        let value = match w {
            "true" => LitValue::Bool(true),
            "false" => LitValue::Bool(false),
            _ => LitValue::None,
        };
        lit(value, w.into())
    });
    let mut all = vec![
        number.boxed(),
        percent.boxed(),
        duration.boxed(),
        size.boxed(),
        date.boxed(),
        datetime.boxed(),
        time.boxed(),
        weekday.boxed(),
        severity.boxed(),
        constant.boxed(),
    ];
    if strings {
        all.push(
            string_value()
                .prop_map(|s| {
                    let text = quote(&s);
                    lit(LitValue::Str(s), text)
                })
                .boxed(),
        );
    }
    Union::new(all).boxed()
}

// --- expressions -----------------------------------------------------------------------------

fn cmp_op() -> impl Strategy<Value = CmpOp> + Clone {
    select(
        &[
            CmpOp::Eq,
            CmpOp::Ne,
            CmpOp::Lt,
            CmpOp::Le,
            CmpOp::Gt,
            CmpOp::Ge,
            CmpOp::In,
            CmpOp::NotIn,
            CmpOp::Contains,
        ][..],
    )
}

/// Random expressions of depth at most 5, not yet in the shape the parser makes (see [`fix`]).
/// Without `strings`, no string literal or `matches`: a message's `{…}` cannot hold a quote.
fn raw_expr(strings: bool) -> BoxedStrategy<Expr> {
    let leaf = prop_oneof![
        3 => literal(strings),
        2 => name().prop_map(|n| ex(ExprKind::Name(n))),
    ];
    leaf.prop_recursive(4, 24, 4, move |inner| {
        let b = |e: Expr| Box::new(e);
        let mut arms: Vec<BoxedStrategy<Expr>> = vec![
            (inner.clone(), word())
                .prop_map(move |(e, f)| ex(ExprKind::Field(b(e), ident(f))))
                .boxed(),
            (inner.clone(), inner.clone())
                .prop_map(move |(e, i)| ex(ExprKind::Index(b(e), b(i))))
                .boxed(),
            (call_name(), vec(inner.clone(), 0..3))
                .prop_map(|(n, args)| ex(ExprKind::Call(ident(n), args)))
                .boxed(),
            vec(inner.clone(), 0..4)
                .prop_map(|items| ex(ExprKind::List(items)))
                .boxed(),
            (
                inner.clone(),
                name(),
                inner.clone(),
                option::of(inner.clone()),
            )
                .prop_map(move |(elem, var, coll, filter)| {
                    ex(ExprKind::Comprehension {
                        elem: b(elem),
                        var: ident(var),
                        collection: b(coll),
                        filter: filter.map(b),
                    })
                })
                .boxed(),
            (
                select(&[Quant::Any, Quant::All, Quant::Count][..]),
                name(),
                inner.clone(),
                option::of(inner.clone()),
            )
                .prop_map(move |(quant, var, coll, filter)| {
                    ex(ExprKind::Quantifier {
                        quant,
                        var: ident(var),
                        collection: b(coll),
                        filter: filter.map(b),
                    })
                })
                .boxed(),
            inner
                .clone()
                .prop_map(move |e| ex(ExprKind::Paren(b(e))))
                .boxed(),
            inner
                .clone()
                .prop_map(move |e| ex(ExprKind::Not(b(e))))
                .boxed(),
            inner
                .clone()
                .prop_map(move |e| ex(ExprKind::Neg(b(e))))
                .boxed(),
            vec(inner.clone(), 2..4)
                .prop_map(|v| ex(ExprKind::And(v)))
                .boxed(),
            vec(inner.clone(), 2..4)
                .prop_map(|v| ex(ExprKind::Or(v)))
                .boxed(),
            (
                inner.clone(),
                vec(
                    (select(&[ArithOp::Add, ArithOp::Sub][..]), inner.clone()),
                    1..3,
                ),
            )
                .prop_map(move |(first, rest)| {
                    ex(ExprKind::Arith {
                        first: b(first),
                        rest,
                    })
                })
                .boxed(),
            (
                inner.clone(),
                vec(
                    (select(&[ArithOp::Mul, ArithOp::Div][..]), inner.clone()),
                    1..3,
                ),
            )
                .prop_map(move |(first, rest)| {
                    ex(ExprKind::Arith {
                        first: b(first),
                        rest,
                    })
                })
                .boxed(),
            (inner.clone(), inner.clone())
                .prop_map(move |(lo, hi)| ex(ExprKind::Range(b(lo), b(hi))))
                .boxed(),
            (cmp_op(), inner.clone(), inner.clone())
                .prop_map(move |(op, lhs, rhs)| {
                    ex(ExprKind::Compare {
                        op,
                        lhs: b(lhs),
                        rhs: b(rhs),
                    })
                })
                .boxed(),
            (inner.clone(), inner.clone())
                .prop_map(move |(lhs, list)| {
                    ex(ExprKind::AllowedBy {
                        lhs: b(lhs),
                        list: b(list),
                    })
                })
                .boxed(),
        ];
        if strings {
            arms.push(
                (inner.clone(), string_value())
                    .prop_map(move |(lhs, p)| {
                        ex(ExprKind::Matches {
                            lhs: b(lhs),
                            pattern: str_lit(p),
                        })
                    })
                    .boxed(),
            );
        }
        // Quantifiers and comprehensions are where the parentheses are subtle: more of them.
        let weighted: Vec<(u32, BoxedStrategy<Expr>)> = arms
            .into_iter()
            .enumerate()
            .map(|(i, a)| (if i == 4 || i == 5 { 3 } else { 1 }, a))
            .collect();
        Union::new_weighted(weighted)
    })
    .boxed()
}

// --- the shape the parser makes --------------------------------------------------------------

/// Binding strength, lowest first, as in the grammar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Prec {
    Or,
    And,
    Not,
    Compare,
    Range,
    Add,
    Mul,
    Neg,
    Postfix,
    Primary,
}

fn prec(e: &Expr) -> Prec {
    match &e.kind {
        ExprKind::Or(_) => Prec::Or,
        ExprKind::And(_) => Prec::And,
        ExprKind::Not(_) => Prec::Not,
        ExprKind::Compare { .. } | ExprKind::Matches { .. } | ExprKind::AllowedBy { .. } => {
            Prec::Compare
        }
        ExprKind::Range(..) => Prec::Range,
        ExprKind::Arith { rest, .. } => match rest.first() {
            Some((ArithOp::Add | ArithOp::Sub, _)) => Prec::Add,
            _ => Prec::Mul,
        },
        ExprKind::Neg(_) => Prec::Neg,
        ExprKind::Field(..) | ExprKind::Index(..) => Prec::Postfix,
        _ => Prec::Primary,
    }
}

/// What the printed text puts right after an expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Follow {
    /// A closing bracket, a comma, a clause keyword or the end.
    End,
    /// An operator of this precedence (`Postfix` for `.field` and `[i]`).
    Op(Prec),
    /// `where`.
    Where,
}

/// Whether the parser would read the token that follows `e` as part of it: a quantifier's
/// condition takes any operator, a quantifier without one takes `where` and, into its
/// collection, the operators of a range (a second `..` only if the collection is no range).
fn takes(e: &Expr, follow: Follow) -> bool {
    match (&e.kind, follow) {
        (ExprKind::Quantifier { filter, .. }, Follow::Where) => filter.is_none(),
        (
            ExprKind::Quantifier {
                filter: Some(_), ..
            },
            Follow::Op(_),
        ) => true,
        (
            ExprKind::Quantifier {
                filter: None,
                collection,
                ..
            },
            Follow::Op(p),
        ) => p >= Prec::Add || (p == Prec::Range && prec(collection) != Prec::Range),
        _ => false,
    }
}

/// Puts in the parentheses the parser needs to read `e` back as this very tree, where the
/// grammar wants at least `min` and `follow` comes next. `a and b` inside `and`, a comparison
/// inside a comparison, a quantifier before an operator it would take: each gets an
/// [`ExprKind::Paren`].
fn fix(e: Expr, min: Prec, follow: Follow) -> Expr {
    let wrap = prec(&e) < min || takes(&e, follow);
    let after = if wrap { Follow::End } else { follow };
    let f = |e: Box<Expr>, min, follow| Box::new(fix(*e, min, follow));
    let all = |v: Vec<Expr>| -> Vec<Expr> {
        v.into_iter()
            .map(|x| fix(x, Prec::Or, Follow::End))
            .collect()
    };
    let postfix = Follow::Op(Prec::Postfix);
    let compare = Follow::Op(Prec::Compare);
    let kind = match e.kind {
        ExprKind::Field(base, name) => ExprKind::Field(f(base, Prec::Postfix, postfix), name),
        ExprKind::Index(base, i) => {
            ExprKind::Index(f(base, Prec::Postfix, postfix), f(i, Prec::Or, Follow::End))
        }
        ExprKind::Call(n, args) => ExprKind::Call(n, all(args)),
        ExprKind::List(items) => ExprKind::List(all(items)),
        ExprKind::Comprehension {
            elem,
            var,
            collection,
            filter,
        } => {
            let before = if filter.is_some() {
                Follow::Where
            } else {
                Follow::End
            };
            ExprKind::Comprehension {
                elem: f(elem, Prec::Or, Follow::End),
                var,
                collection: f(collection, Prec::Range, before),
                filter: filter.map(|x| f(x, Prec::Or, Follow::End)),
            }
        }
        ExprKind::Quantifier {
            quant,
            var,
            collection,
            filter,
        } => {
            let before = if filter.is_some() {
                Follow::Where
            } else {
                after
            };
            ExprKind::Quantifier {
                quant,
                var,
                collection: f(collection, Prec::Range, before),
                filter: filter.map(|x| f(x, Prec::Or, after)),
            }
        }
        ExprKind::Paren(x) => ExprKind::Paren(f(x, Prec::Or, Follow::End)),
        ExprKind::Not(x) => ExprKind::Not(f(x, Prec::Not, after)),
        ExprKind::Neg(x) => ExprKind::Neg(f(x, Prec::Neg, after)),
        ExprKind::And(v) => ExprKind::And(junction(v, Prec::And, after)),
        ExprKind::Or(v) => ExprKind::Or(junction(v, Prec::Or, after)),
        ExprKind::Arith { first, rest } => {
            let p = prec_of_op(rest.first().map(|(op, _)| *op));
            let tighter = if p == Prec::Add { Prec::Mul } else { Prec::Neg };
            let n = rest.len();
            ExprKind::Arith {
                first: f(first, tighter, Follow::Op(p)),
                rest: rest
                    .into_iter()
                    .enumerate()
                    .map(|(i, (op, x))| {
                        let next = if i + 1 == n { after } else { Follow::Op(p) };
                        (op, fix(x, tighter, next))
                    })
                    .collect(),
            }
        }
        ExprKind::Range(lo, hi) => ExprKind::Range(
            f(lo, Prec::Add, Follow::Op(Prec::Range)),
            f(hi, Prec::Add, after),
        ),
        ExprKind::Compare { op, lhs, rhs } => ExprKind::Compare {
            op,
            lhs: f(lhs, Prec::Range, compare),
            rhs: f(rhs, Prec::Range, after),
        },
        ExprKind::Matches { lhs, pattern } => ExprKind::Matches {
            lhs: f(lhs, Prec::Range, compare),
            pattern,
        },
        ExprKind::AllowedBy { lhs, list } => ExprKind::AllowedBy {
            lhs: f(lhs, Prec::Range, compare),
            list: f(list, Prec::Range, after),
        },
        other @ (ExprKind::Literal(_) | ExprKind::Name(_)) => other,
    };
    let e = ex(kind);
    if wrap {
        ex(ExprKind::Paren(Box::new(e)))
    } else {
        e
    }
}

fn prec_of_op(op: Option<ArithOp>) -> Prec {
    match op {
        Some(ArithOp::Add | ArithOp::Sub) => Prec::Add,
        _ => Prec::Mul,
    }
}

/// The operands of `and` (`op` is `And`) or `or`.
fn junction(v: Vec<Expr>, op: Prec, follow: Follow) -> Vec<Expr> {
    let min = if op == Prec::And {
        Prec::Not
    } else {
        Prec::And
    };
    let n = v.len();
    v.into_iter()
        .enumerate()
        .map(|(i, x)| {
            let next = if i + 1 == n { follow } else { Follow::Op(op) };
            fix(x, min, next)
        })
        .collect()
}

/// The tree with the parentheses [`fix`] puts in, everywhere an expression stands.
fn fix_module(m: Module) -> Module {
    let top = |e: Expr| fix(e, Prec::Or, Follow::End);
    let items = m
        .items
        .into_iter()
        .map(|item| match item {
            Item::Let(l) => Item::Let(LetDecl {
                value: top(l.value),
                ..l
            }),
            Item::Rule(r) => Item::Rule(RuleDecl {
                fors: r
                    .fors
                    .into_iter()
                    .map(|f| ForClause {
                        collection: fix(
                            f.collection,
                            Prec::Or,
                            if f.filter.is_some() {
                                Follow::Where
                            } else {
                                Follow::End
                            },
                        ),
                        filter: f.filter.map(top),
                        ..f
                    })
                    .collect(),
                check: Check {
                    condition: top(r.check.condition),
                    message: r.check.message.map(|t| Template {
                        parts: t
                            .parts
                            .into_iter()
                            .map(|p| match p {
                                Part::Expr(e) => Part::Expr(top(e)),
                                text => text,
                            })
                            .collect(),
                        ..t
                    }),
                    ..r.check
                },
                ..r
            }),
            Item::Waive(w) => Item::Waive(WaiveDecl {
                filter: w.filter.map(top),
                ..w
            }),
            other => other,
        })
        .collect();
    Module { items, ..m }
}

// --- items -----------------------------------------------------------------------------------

fn doc() -> impl Strategy<Value = Option<String>> {
    option::of(
        vec("[a-zA-Z0-9 #\"{}\\\\é.(-]{0,16}", 1..3).prop_map(|lines| {
            lines
                .iter()
                .map(|l| l.trim_end())
                .collect::<Vec<_>>()
                .join("\n")
        }),
    )
}

fn template() -> impl Strategy<Value = Template> {
    let part = prop_oneof![
        message_text().prop_map(Part::Text),
        raw_expr(false).prop_map(Part::Expr),
    ];
    vec(part, 0..4).prop_map(|parts| {
        // The parser merges neighbouring text.
        let mut merged: Vec<Part> = Vec::new();
        for p in parts {
            match (merged.last_mut(), p) {
                (Some(Part::Text(prev)), Part::Text(t)) => prev.push_str(&t),
                (_, p) => merged.push(p),
            }
        }
        Template {
            parts: merged,
            span: Span::default(),
        }
    })
}

fn for_clause() -> impl Strategy<Value = ForClause> {
    (name(), raw_expr(true), option::of(raw_expr(true))).prop_map(|(var, collection, filter)| {
        ForClause {
            var: ident(var),
            collection,
            filter,
            span: Span::default(),
        }
    })
}

fn item() -> impl Strategy<Value = Item> {
    let date = date_text().prop_map(|t| t.parse::<jiff::civil::Date>().unwrap());
    prop_oneof![
        1 => (string_value(), option::of(string_value()), doc()).prop_map(|(name, version, doc)| {
            Item::Policy(PolicyDecl {
                name: str_lit(name),
                version: version.map(str_lit),
                doc,
                span: Span::default(),
            })
        }),
        1 => string_value().prop_map(|path| Item::Use(UseDecl {
            path: str_lit(path),
            span: Span::default(),
        })),
        1 => (name(), raw_expr(true), doc()).prop_map(|(name, value, doc)| {
            Item::Let(LetDecl {
                name: ident(name),
                value,
                doc,
                span: Span::default(),
            })
        }),
        3 => (
            word(),
            select(&[Level::Block, Level::Warn, Level::Info][..]),
            vec(for_clause(), 0..3),
            select(&[CheckKind::Require, CheckKind::Forbid][..]),
            raw_expr(true),
            option::of(template()),
            doc(),
        )
            .prop_map(|(name, level, fors, kind, condition, message, doc)| {
                Item::Rule(RuleDecl {
                    name: ident(name),
                    level,
                    level_span: Span::default(),
                    fors,
                    check: Check {
                        kind,
                        condition,
                        message,
                        span: Span::default(),
                    },
                    doc,
                    span: Span::default(),
                })
            }),
        1 => (
            word(),
            option::of(raw_expr(true)),
            date,
            string_value(),
            string_value(),
            doc(),
        )
            .prop_map(|(rule, filter, until, by, because, doc)| {
                Item::Waive(WaiveDecl {
                    rule: ident(rule),
                    filter,
                    until,
                    until_span: Span::default(),
                    by: str_lit(by),
                    because: str_lit(because),
                    doc,
                    span: Span::default(),
                })
            }),
    ]
}

fn module() -> impl Strategy<Value = Module> {
    vec(item(), 0..5).prop_map(|items| Module {
        file: FileId(0),
        items,
    })
}

// ---------------------------------------------------------------------------------------------
// Properties

proptest! {
    /// Any tree prints as text that parses back to the tree with the parentheses the grammar
    /// needs — exactly those [`fix`] puts in, no more — and printing that gives the same text.
    /// For a tree in the parser's shape (`fix` changes nothing) that is a plain round trip.
    #[test]
    fn printed_trees_parse_back_unchanged(m in module()) {
        let text = print_module(&m);
        let parsed = parse_clean(&text)?;
        let fixed = fix_module(m);
        prop_assert_eq!(shape(&parsed), shape(&fixed), "printed:\n{}", text);
        prop_assert_eq!(print_module(&fixed), text.clone());
        prop_assert_eq!(print_module(&parsed), text);
    }

    /// `print_expr` is the text a `let` prints (a list may be wrapped over several lines).
    #[test]
    fn print_expr_is_the_let_text(e in raw_expr(true)) {
        prop_assume!(!matches!(e.kind, ExprKind::List(_)));
        let m = Module {
            file: FileId(0),
            items: vec![Item::Let(LetDecl {
                name: ident("x".into()),
                value: e.clone(),
                doc: None,
                span: Span::default(),
            })],
        };
        prop_assert_eq!(print_module(&m), format!("let x = {}\n", print_expr(&e)));
    }
}

// ---------------------------------------------------------------------------------------------
// Comments

/// `text` with comments added: for line `i`, `picks[i]` says whether a comment goes on a line of
/// its own above it (bit 0) and at its end (bit 1). None goes where it would change a doc comment:
/// inside or right below a run of `##` lines, or at the end of one.
fn sprinkle(text: &str, picks: &[u8]) -> (String, Vec<String>) {
    let mut out = String::new();
    let mut added = Vec::new();
    let mut prev_doc = false;
    for (i, line) in text.lines().enumerate() {
        let pick = picks.get(i).copied().unwrap_or(0);
        let doc = line.trim_start().starts_with("##");
        let indent = &line[..line.len() - line.trim_start().len()];
        if pick & 1 == 1 && !doc && !prev_doc {
            let c = format!("# above {i}");
            out.push_str(&format!("{indent}{c}\n"));
            added.push(c);
        }
        out.push_str(line);
        if pick & 2 == 2 && !doc && !line.trim().is_empty() {
            let c = format!("# after {i} \"#\"");
            out.push_str(&format!("  {c}"));
            added.push(c);
        }
        out.push('\n');
        prev_doc = doc;
    }
    (out, added)
}

fn comment_texts(text: &str) -> Result<Vec<String>, TestCaseError> {
    let m = parse_clean(text)?;
    let mut all = comments::scan(text);
    comments::doc_comments(&m, text, &mut all);
    Ok(all.into_iter().filter(|c| !c.doc).map(|c| c.text).collect())
}

proptest! {
    /// Printed text is already formatted; with comments added it formats to the same tree,
    /// keeps every comment in order, and formatting that again changes nothing.
    #[test]
    fn formatting_keeps_comments_and_is_idempotent(
        m in module(),
        picks in vec(0u8..4, 0..48),
    ) {
        let text = print_module(&m);
        let tree = parse_clean(&text)?;
        let same = format_source(FileId(0), &text).map_err(|e| TestCaseError::fail(format!("{e:?}\n{text}")))?;
        prop_assert_eq!(&same, &text);
        let (commented, added) = sprinkle(&text, &picks);
        prop_assert_eq!(comment_texts(&commented)?, added.clone());
        let formatted = format_source(FileId(0), &commented)
            .map_err(|e| TestCaseError::fail(format!("{e:?}\n{commented}")))?;
        let again = parse_clean(&formatted)?;
        prop_assert_eq!(shape(&again), shape(&tree), "formatted:\n{}", formatted);
        prop_assert_eq!(comment_texts(&formatted)?, added, "formatted:\n{}", formatted);
        let twice = format_source(FileId(0), &formatted)
            .map_err(|e| TestCaseError::fail(format!("{e:?}\n{formatted}")))?;
        prop_assert_eq!(twice, formatted);
    }
}
