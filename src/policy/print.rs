//! The way back: syntax tree → canonical policy text, the basis of `gate fmt`.
//!
//! The output is deterministic and idempotent: printing what the parser reads from printed text
//! gives the same text again. Items are separated by one blank line and laid out as the example
//! policies are (a rule's `for` lines and its check indented two spaces, a message on its own line
//! indented four, a waiver's `until`, `by` and `because` on lines of their own). An expression is
//! printed on one line, with parentheses only where the tree has an [`ExprKind::Paren`] or where
//! the grammar needs them to read the tree back as it is.
//!
//! What does not survive printing:
//! - comments other than `##` doc comments, and a doc comment above a `use` (neither is in the
//!   tree); a list written over several lines is printed on one;
//! - the spelling of a string's escapes: strings are printed from their value (`"\u{41}"` prints
//!   as `"A"`); every other literal is printed as written (`Literal::text`), so units stay;
//! - a string literal inside a message's `{…}`: the parser refuses one (a quote there would have
//!   to be written `\"`), so only a hand-built tree has one, and its printed text does not parse.
//!
//! A tree the parser would not make (`and` directly inside `and`, a comparison as the operand of
//! a comparison, a quantifier before an operator that its `where` would take) is printed with the
//! parentheses that keep its meaning, so it reads back with [`ExprKind::Paren`]s added.

use super::ast::{
    ArithOp, Check, CheckKind, Expr, ExprKind, ForClause, Item, LetDecl, Module, Part, PolicyDecl,
    Quant, RuleDecl, StrLit, Template, UseDecl, WaiveDecl,
};
use std::fmt::Write as _;

/// The canonical text of a module: its items in order, one blank line between them.
pub fn print_module(m: &Module) -> String {
    let mut out = String::new();
    for (i, item) in m.items.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        print_item(&mut out, item);
    }
    out
}

/// The canonical text of an expression, on one line.
pub fn print_expr(e: &Expr) -> String {
    let mut out = String::new();
    expr(&mut out, e, Prec::Or, Follow::End);
    out
}

/// A string literal in double quotes, with `"`, `\`, line breaks, tabs and other control
/// characters escaped.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    escape_into(&mut out, s, false);
    out.push('"');
    out
}

// ---------------------------------------------------------------------------------------------
// Items

fn print_item(out: &mut String, item: &Item) {
    match item {
        Item::Policy(p) => policy(out, p),
        Item::Use(u) => use_decl(out, u),
        Item::Let(l) => let_decl(out, l),
        Item::Rule(r) => rule(out, r),
        Item::Waive(w) => waive(out, w),
    }
}

/// `##` lines; an empty doc line is a bare `##`, so no line ends in a space.
fn doc(out: &mut String, doc: Option<&str>) {
    let Some(doc) = doc else { return };
    for line in doc.split('\n') {
        let line = line.trim_end();
        if line.is_empty() {
            out.push_str("##\n");
        } else {
            let _ = writeln!(out, "## {line}");
        }
    }
}

fn policy(out: &mut String, p: &PolicyDecl) {
    doc(out, p.doc.as_deref());
    out.push_str("policy ");
    str_lit(out, &p.name);
    if let Some(v) = &p.version {
        out.push_str(" version ");
        str_lit(out, v);
    }
    out.push('\n');
}

fn use_decl(out: &mut String, u: &UseDecl) {
    out.push_str("use ");
    str_lit(out, &u.path);
    out.push('\n');
}

fn let_decl(out: &mut String, l: &LetDecl) {
    doc(out, l.doc.as_deref());
    let _ = write!(out, "let {} = ", l.name.name);
    expr(out, &l.value, Prec::Or, Follow::End);
    out.push('\n');
}

fn rule(out: &mut String, r: &RuleDecl) {
    doc(out, r.doc.as_deref());
    let _ = writeln!(out, "rule {}: {} {{", r.name.name, r.level.name());
    for f in &r.fors {
        for_clause(out, f);
    }
    check(out, &r.check);
    out.push_str("}\n");
}

fn for_clause(out: &mut String, f: &ForClause) {
    let _ = write!(out, "  for {} in ", f.var.name);
    let after = if f.filter.is_some() {
        Follow::Where
    } else {
        Follow::End
    };
    expr(out, &f.collection, Prec::Or, after);
    if let Some(filter) = &f.filter {
        out.push_str(" where ");
        expr(out, filter, Prec::Or, Follow::End);
    }
    out.push('\n');
}

fn check(out: &mut String, c: &Check) {
    let (keyword, message_keyword) = match c.kind {
        CheckKind::Require => ("require", "else"),
        CheckKind::Forbid => ("forbid", "because"),
    };
    let _ = write!(out, "  {keyword} ");
    expr(out, &c.condition, Prec::Or, Follow::End);
    out.push('\n');
    if let Some(m) = &c.message {
        let _ = write!(out, "    {message_keyword} ");
        template(out, m);
        out.push('\n');
    }
}

fn waive(out: &mut String, w: &WaiveDecl) {
    doc(out, w.doc.as_deref());
    let _ = write!(out, "waive {}", w.rule.name);
    if let Some(filter) = &w.filter {
        out.push_str(" where ");
        expr(out, filter, Prec::Or, Follow::End);
    }
    let d = w.until;
    let _ = write!(
        out,
        "\n  until {:04}-{:02}-{:02}\n  by ",
        d.year(),
        d.month(),
        d.day()
    );
    str_lit(out, &w.by);
    out.push_str("\n  because ");
    str_lit(out, &w.because);
    out.push('\n');
}

// ---------------------------------------------------------------------------------------------
// Strings and messages

fn str_lit(out: &mut String, s: &StrLit) {
    out.push('"');
    escape_into(out, &s.value, false);
    out.push('"');
}

/// Escapes string content; in a message (`braces`), `{` and `}` are doubled as well.
fn escape_into(out: &mut String, s: &str, braces: bool) {
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '{' if braces => out.push_str("{{"),
            '}' if braces => out.push_str("}}"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
}

/// A message: text re-escaped, interpolations as `{EXPR}`.
///
/// An interpolation is escaped like the rest of the string, so a string literal inside one is
/// written `\"…\"` (the only way the string grammar admits a quote).
fn template(out: &mut String, t: &Template) {
    out.push('"');
    for part in &t.parts {
        match part {
            Part::Text(s) => escape_into(out, s, true),
            Part::Expr(e) => {
                out.push('{');
                escape_into(out, &print_expr(e), false);
                out.push('}');
            }
        }
    }
    out.push('"');
}

// ---------------------------------------------------------------------------------------------
// Expressions

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

fn op_prec(op: ArithOp) -> Prec {
    match op {
        ArithOp::Add | ArithOp::Sub => Prec::Add,
        ArithOp::Mul | ArithOp::Div => Prec::Mul,
    }
}

/// How tightly an expression binds as printed.
fn prec(e: &Expr) -> Prec {
    match &e.kind {
        ExprKind::Or(v) if v.len() > 1 => Prec::Or,
        ExprKind::And(v) if v.len() > 1 => Prec::And,
        ExprKind::Or(v) | ExprKind::And(v) => v.first().map_or(Prec::Primary, prec),
        ExprKind::Not(_) => Prec::Not,
        ExprKind::Compare { .. } | ExprKind::Matches { .. } | ExprKind::AllowedBy { .. } => {
            Prec::Compare
        }
        ExprKind::Range(..) => Prec::Range,
        ExprKind::Arith { first, rest } => match rest.last() {
            Some((op, _)) => op_prec(*op),
            None => prec(first),
        },
        ExprKind::Neg(_) => Prec::Neg,
        ExprKind::Field(..) | ExprKind::Index(..) => Prec::Postfix,
        ExprKind::Literal(_)
        | ExprKind::Name(_)
        | ExprKind::Call(..)
        | ExprKind::List(_)
        | ExprKind::Comprehension { .. }
        | ExprKind::Quantifier { .. }
        | ExprKind::Paren(_) => Prec::Primary,
    }
}

/// What the printed text puts right after an expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Follow {
    /// Nothing that could continue an expression: a closing bracket, a comma, a clause keyword
    /// (`for`, `require`, `else`, `until`, …) or the end.
    End,
    /// An operator of this precedence (`Postfix` for `.field` and `[i]`).
    Op(Prec),
    /// The `where` of a `for` line, a quantifier or a comprehension.
    Where,
}

/// Whether `e`, printed bare, would take the token that follows it: a quantifier's `where`
/// condition reaches as far right as it can, and without one its collection takes the
/// operators of a range and its `where` takes the next `where`. Everything else either ends in
/// a bracket or leaves the question to its last operand, which is printed with the same
/// [`Follow`] and gets parentheses of its own when it needs them.
fn takes(e: &Expr, follow: Follow) -> bool {
    let ExprKind::Quantifier {
        collection, filter, ..
    } = &e.kind
    else {
        return false;
    };
    match (follow, filter) {
        (Follow::End, _) => false,
        (Follow::Op(_), Some(_)) => true,
        (Follow::Where, Some(_)) => false,
        (Follow::Where, None) => true,
        // A range takes one `..` only: `any x in a..b ..c` ranges over the quantifier.
        (Follow::Op(p), None) => {
            p >= Prec::Add || (p == Prec::Range && !matches!(collection.kind, ExprKind::Range(..)))
        }
    }
}

/// Prints `e` where the grammar wants at least `min`, followed by `follow`.
fn expr(out: &mut String, e: &Expr, min: Prec, follow: Follow) {
    if prec(e) < min || takes(e, follow) {
        out.push('(');
        bare(out, e, Follow::End);
        out.push(')');
    } else {
        bare(out, e, follow);
    }
}

/// Prints `e` without parentheses of its own.
fn bare(out: &mut String, e: &Expr, follow: Follow) {
    match &e.kind {
        ExprKind::Literal(l) => match &l.value {
            super::ast::LitValue::Str(s) => {
                out.push('"');
                escape_into(out, s, false);
                out.push('"');
            }
            _ => out.push_str(&l.text),
        },
        ExprKind::Name(n) => out.push_str(n),
        ExprKind::Field(base, field) => {
            expr(out, base, Prec::Postfix, Follow::Op(Prec::Postfix));
            out.push('.');
            out.push_str(&field.name);
        }
        ExprKind::Index(base, index) => {
            expr(out, base, Prec::Postfix, Follow::Op(Prec::Postfix));
            out.push('[');
            expr(out, index, Prec::Or, Follow::End);
            out.push(']');
        }
        ExprKind::Call(name, args) => {
            out.push_str(&name.name);
            out.push('(');
            comma_list(out, args);
            out.push(')');
        }
        ExprKind::List(items) => {
            out.push('[');
            comma_list(out, items);
            out.push(']');
        }
        ExprKind::Comprehension {
            elem,
            var,
            collection,
            filter,
        } => {
            out.push('[');
            expr(out, elem, Prec::Or, Follow::End);
            let _ = write!(out, " for {} in ", var.name);
            binding(out, collection, filter.as_deref(), Follow::End);
            out.push(']');
        }
        ExprKind::Quantifier {
            quant,
            var,
            collection,
            filter,
        } => {
            let q = match quant {
                Quant::Any => "any",
                Quant::All => "all",
                Quant::Count => "count",
            };
            let _ = write!(out, "{q} {} in ", var.name);
            binding(out, collection, filter.as_deref(), follow);
        }
        ExprKind::Paren(inner) => {
            out.push('(');
            expr(out, inner, Prec::Or, Follow::End);
            out.push(')');
        }
        ExprKind::Not(x) => {
            out.push_str("not ");
            expr(out, x, Prec::Not, follow);
        }
        ExprKind::Neg(x) => {
            out.push('-');
            expr(out, x, Prec::Neg, follow);
        }
        ExprKind::And(v) => junction(out, v, Prec::And, follow),
        ExprKind::Or(v) => junction(out, v, Prec::Or, follow),
        ExprKind::Arith { first, rest } => arith(out, first, rest, follow),
        ExprKind::Range(lo, hi) => {
            expr(out, lo, Prec::Add, Follow::Op(Prec::Range));
            out.push_str("..");
            expr(out, hi, Prec::Add, follow);
        }
        ExprKind::Compare { op, lhs, rhs } => {
            expr(out, lhs, Prec::Range, Follow::Op(Prec::Compare));
            let _ = write!(out, " {} ", op.symbol());
            expr(out, rhs, Prec::Range, follow);
        }
        ExprKind::Matches { lhs, pattern } => {
            expr(out, lhs, Prec::Range, Follow::Op(Prec::Compare));
            out.push_str(" matches ");
            str_lit(out, pattern);
        }
        ExprKind::AllowedBy { lhs, list } => {
            expr(out, lhs, Prec::Range, Follow::Op(Prec::Compare));
            out.push_str(" allowed by ");
            expr(out, list, Prec::Range, follow);
        }
    }
}

fn comma_list(out: &mut String, items: &[Expr]) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        expr(out, item, Prec::Or, Follow::End);
    }
}

/// `COLLECTION [where FILTER]` of a quantifier or a comprehension.
fn binding(out: &mut String, collection: &Expr, filter: Option<&Expr>, follow: Follow) {
    match filter {
        None => expr(out, collection, Prec::Range, follow),
        Some(f) => {
            expr(out, collection, Prec::Range, Follow::Where);
            out.push_str(" where ");
            expr(out, f, Prec::Or, follow);
        }
    }
}

/// `a and b and c` (`op` is `And`) or `a or b or c`: the operands bind tighter than the
/// operator, so a nested `and` keeps its parentheses and reads back as the same tree. An empty
/// junction is its identity.
fn junction(out: &mut String, operands: &[Expr], op: Prec, follow: Follow) {
    let word = if op == Prec::And { "and" } else { "or" };
    match operands {
        [] => out.push_str(if op == Prec::And { "true" } else { "false" }),
        [only] => bare(out, only, follow),
        _ => {
            let n = operands.len();
            for (i, operand) in operands.iter().enumerate() {
                if i > 0 {
                    let _ = write!(out, " {word} ");
                }
                let after = if i + 1 == n { follow } else { Follow::Op(op) };
                expr(out, operand, next(op), after);
            }
        }
    }
}

/// `a + b - c`, evaluated left to right. The parser makes chains of one precedence; a chain that
/// mixes them is printed with the parentheses that keep its left-to-right meaning.
fn arith(out: &mut String, first: &Expr, rest: &[(ArithOp, Expr)], follow: Follow) {
    let Some((first_op, _)) = rest.first() else {
        bare(out, first, follow);
        return;
    };
    let mut acc = String::new();
    let first_prec = op_prec(*first_op);
    expr(&mut acc, first, next(first_prec), Follow::Op(first_prec));
    let mut acc_prec = first_prec;
    for (i, (op, rhs)) in rest.iter().enumerate() {
        let p = op_prec(*op);
        if acc_prec < p {
            acc = format!("({acc})");
        }
        let _ = write!(acc, " {} ", op.symbol());
        let after = match rest.get(i + 1) {
            Some((next_op, _)) => Follow::Op(op_prec(*next_op)),
            None => follow,
        };
        expr(&mut acc, rhs, next(p), after);
        acc_prec = p;
    }
    out.push_str(&acc);
}

/// The next tighter precedence: what the operands of a left-associative operator must be.
fn next(p: Prec) -> Prec {
    match p {
        Prec::Or => Prec::And,
        Prec::And => Prec::Not,
        Prec::Not => Prec::Compare,
        Prec::Compare => Prec::Range,
        Prec::Range => Prec::Add,
        Prec::Add => Prec::Mul,
        Prec::Mul => Prec::Neg,
        Prec::Neg => Prec::Postfix,
        Prec::Postfix | Prec::Primary => Prec::Primary,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::policy::parser::parse_module;
    use crate::span::FileId;

    fn parse(text: &str) -> Module {
        let (m, diags) = parse_module(FileId(0), text);
        assert!(diags.is_empty(), "{diags:?}\nin:\n{text}");
        m
    }

    /// The tree's debug form with every span blanked out.
    fn shape(m: &Module) -> String {
        let spans = regex::Regex::new(r"Span \{[^}]*\}").unwrap();
        spans.replace_all(&format!("{m:#?}"), "Span").into_owned()
    }

    /// print(parse(x)) reads back as the same tree and prints the same again.
    fn round_trip(text: &str) -> String {
        let first = parse(text);
        let printed = print_module(&first);
        let second = parse(&printed);
        assert_eq!(shape(&first), shape(&second), "printed:\n{printed}");
        assert_eq!(printed, print_module(&second), "not idempotent");
        printed
    }

    fn expr_round_trip(text: &str) -> String {
        let printed = round_trip(&format!("let x = {text}\n"));
        printed
            .strip_prefix("let x = ")
            .and_then(|s| s.strip_suffix('\n'))
            .unwrap()
            .to_string()
    }

    const SHIPPED: [(&str, &str); 3] = [
        ("release.gate", include_str!("../../policies/release.gate")),
        (
            "licenses.gate",
            include_str!("../../policies/licenses.gate"),
        ),
        (
            "deploy-window.gate",
            include_str!("../../policies/deploy-window.gate"),
        ),
    ];

    #[test]
    fn shipped_policies_round_trip() {
        for (name, text) in SHIPPED {
            let printed = round_trip(text);
            assert!(printed.contains("rule "), "{name}");
        }
    }

    /// The contract's examples, when the design notes sit beside the crate.
    #[test]
    fn design_examples_round_trip() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/design/examples");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return;
        };
        let mut paths: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "gate"))
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap();
            round_trip(&text);
        }
    }

    /// A file already in the canonical layout prints as itself.
    #[test]
    fn canonical_file_is_a_fixed_point() {
        let text = include_str!("../../policies/deploy-window.gate");
        assert_eq!(print_module(&parse(text)), text);
        let waiver = "## Reviewed.\nwaive approved_licenses where pkg.name == \"ring\"\n  until 2027-06-30\n  by \"legal@example.com\"\n  because \"LEGAL-142\"\n";
        assert_eq!(round_trip(waiver), waiver);
    }

    #[test]
    fn layout() {
        let text = "# a comment\n## Doc line one.\n##\n##   indented\npolicy \"p\\t\" version \"1.0\"\nuse \"a.gate\"\n\n\n\
            let a=[1,2,]\nrule r : warn { for x in xs where x.ok for y in x.ys require y else \"no {y}\" }";
        let printed = round_trip(text);
        assert_eq!(
            printed,
            "## Doc line one.\n##\n##   indented\npolicy \"p\\t\" version \"1.0\"\n\nuse \"a.gate\"\n\n\
             let a = [1, 2]\n\nrule r: warn {\n  for x in xs where x.ok\n  for y in x.ys\n  require y\n    else \"no {y}\"\n}\n"
        );
    }

    #[test]
    fn parentheses_only_where_needed() {
        for (input, output) in [
            ("a and b or c and d", "a and b or c and d"),
            ("((a))", "((a))"),
            ("not not a == b", "not not a == b"),
            ("-a.b[0] * 2 + -3", "-a.b[0] * 2 + -3"),
            ("a - (b - c)", "a - (b - c)"),
            ("(a < b) == c", "(a < b) == c"),
            ("1..2", "1..2"),
            ("(1..2)..3", "(1..2)..3"),
            ("x not in [1, 2]", "x not in [1, 2]"),
            ("x contains \"a\"", "x contains \"a\""),
            ("x matches \"^a\\\\d$\"", "x matches \"^a\\\\d$\""),
            ("l allowed by approved", "l allowed by approved"),
            (
                "(count a in xs where a.r == \"qa\") >= 2",
                "(count a in xs where a.r == \"qa\") >= 2",
            ),
            (
                "a and any x in xs where p or q",
                "a and any x in xs where p or q",
            ),
            ("(any x in xs) and b", "(any x in xs) and b"),
            // Found by fuzzing: a quantifier with no `where` ends before a comparison.
            (
                "any pkg in licepkg in licenses.packages",
                "any pkg in licepkg in licenses.packages",
            ),
            ("any x in xs == b and c", "any x in xs == b and c"),
            ("not any a in xs or b", "not any a in xs or b"),
            ("any x in a..b..c", "any x in a..b..c"),
            ("(any x in xs) + 1", "(any x in xs) + 1"),
            ("all x in xs", "all x in xs"),
            (
                "[x.n for x in xs where x.ok]",
                "[x.n for x in xs where x.ok]",
            ),
            ("[any a in xs for x in ys]", "[any a in xs for x in ys]"),
            (
                "any a in (any b in c) where d",
                "any a in (any b in c) where d",
            ),
            ("(any a in b).c", "(any a in b).c"),
            ("f()", "f()"),
            ("days_until(2027-06-30, 1,)", "days_until(2027-06-30, 1)"),
            ("2027-06-30T16:00:00+01:00", "2027-06-30T16:00:00+01:00"),
            ("16:00 ..06:00", "16:00..06:00"),
            (
                "[250ms, 1.5s, 5MiB, 0.1%, 007, high, friday, true, none]",
                "[250ms, 1.5s, 5MiB, 0.1%, 007, high, friday, true, none]",
            ),
            ("1.x", "1.x"),
        ] {
            assert_eq!(expr_round_trip(input), output, "{input}");
        }
    }

    #[test]
    fn for_collection_before_where_keeps_its_quantifier_closed() {
        let text = "rule r: block {\n  for x in (any a in b) where x\n  require x\n}\n";
        assert_eq!(round_trip(text), text);
    }

    #[test]
    fn messages_double_braces_and_escape() {
        let text = "rule r: block {\n  forbid a\n    because \"{{literal}} {a.b} \\\"q\\\" \\\\ \\n\\t {a}{b}\"\n}\n";
        assert_eq!(round_trip(text), text);
    }

    #[test]
    fn messages_escape_control_characters() {
        let text = "rule r: block {\n  require a\n    else \"\\u{41}\\u{1}\\u{7b}{a}\"\n}\n";
        let printed = round_trip(text);
        assert!(printed.contains("\"A\\u{1}{{{a}\""), "{printed}");
    }

    #[test]
    fn strings_are_re_escaped() {
        let m = parse("let x = \"\\u{41}\\u{7}{}\"");
        let printed = print_module(&m);
        assert_eq!(printed, "let x = \"A\\u{7}{}\"\n");
        assert_eq!(round_trip(&printed), printed);
    }

    #[test]
    fn strings_escape_control_characters() {
        assert_eq!(
            quote("a\"b\\c\nd\te\u{1}\u{7f}é"),
            "\"a\\\"b\\\\c\\nd\\te\\u{1}\\u{7f}é\""
        );
    }
}
