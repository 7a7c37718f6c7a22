//! The way back: syntax tree → canonical policy text, the basis of `gate fmt`.
//!
//! The output is deterministic and idempotent: printing what the parser reads from printed text
//! gives the same text again. An expression is printed on one line, with parentheses only where
//! the tree has an [`ExprKind::Paren`] or where the grammar needs them to read the tree back as
//! it is.
//!
//! # The canonical layout
//!
//! - Items are separated by one blank line. Consecutive `let`s, and consecutive `use`s, keep the
//!   author's choice: one blank line between them or none. No blank line starts the file, and
//!   the file ends with one newline.
//! - A doc comment is printed as `## text` lines directly above its item (an empty doc line is a
//!   bare `##`).
//! - `rule NAME: LEVEL {`, then each `for` and the check on a line of their own, indented two
//!   spaces; a `for` whose `where` was written on a line of its own keeps it on the next line,
//!   indented four (the author's choice: conditions are never broken, so a long one stays long
//!   either way). A check's `else` / `because`
//!   message goes on its own line indented four (messages are never broken, however long). `}`
//!   alone.
//! - `waive RULE [where COND]`, then `until`, `by` and `because` on lines of their own, indented
//!   two.
//! - A `let` whose value is a list literal wider than [`WIDTH`], or written over several lines,
//!   is printed with `[` ending the first line, the elements indented two and filled up to
//!   [`WIDTH`] columns (an element the author started on a new line starts one), a trailing comma,
//!   and `]` alone. Every other list is printed on one line.
//!
//! # Comments
//!
//! [`print_source`] puts back every `#` comment of the text the tree was read from (the grammar
//! skips them; [`comments::scan`] finds them). Each printed line stands for a place in the
//! source (the start of its first token). A comment on a line of its own is printed before the
//! first printed line that comes after it, indented like that line (like the body for a closing
//! `}` or `]`); blank lines before such comments are kept (one at most) between items, dropped
//! inside one. A comment that ended a line of code ends the printed line that holds that code. A
//! comment inside a construct that is printed on one line (a condition written over several
//! lines) moves above that line, and only the last such comment that ended a line stays at its
//! end, so comments always keep their order. `##` doc comments are part of the tree; a `##` line
//! that is not a doc comment (above a `use`, inside a rule) is an ordinary comment.
//!
//! What does not survive printing:
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
use super::comments::{self, Comment};
use std::fmt::Write as _;

/// A `let`'s list wider than this is wrapped.
pub const WIDTH: usize = 100;

/// The canonical text of a module: its items in order, one blank line between them. Comments
/// are not in the tree, so none are printed: [`print_source`] keeps them.
pub fn print_module(m: &Module) -> String {
    render(m, None)
}

/// The canonical text of `source`, whose tree `m` is: what `gate fmt` writes. Every comment is
/// kept, and so are the author's choices the layout leaves open (see the module's doc).
pub fn print_source(m: &Module, source: &str) -> String {
    render(m, Some(source))
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
// Lines and comments

/// One printed line and the place in the source it stands for.
struct Line {
    indent: usize,
    text: String,
    /// Byte offset of the source token the line starts with.
    anchor: u32,
    /// The indentation of comments printed above it.
    lead_indent: usize,
    /// A `##` doc line.
    doc: bool,
}

impl Line {
    fn new(indent: usize, text: String, anchor: u32) -> Line {
        Line {
            indent,
            text,
            anchor,
            lead_indent: indent,
            doc: false,
        }
    }
}

/// How an item is separated from the one before it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sep {
    /// One blank line.
    Always,
    /// As the source has it: a blank line or none.
    Preserve,
}

struct Block {
    lines: Vec<Line>,
    sep: Sep,
    /// A blank line stands right above the item's first source line (its doc or its keyword).
    lead_blank: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Last {
    Start,
    Blank,
    Text,
}

struct Out {
    text: String,
    last: Last,
}

impl Out {
    fn blank(&mut self) {
        if self.last == Last::Text {
            self.text.push('\n');
            self.last = Last::Blank;
        }
    }

    fn line(&mut self, indent: usize, text: &str, trailing: Option<&Comment>) {
        for _ in 0..indent {
            self.text.push(' ');
        }
        self.text.push_str(text);
        if let Some(c) = trailing {
            self.text.push(' ');
            self.text.push_str(&c.text);
        }
        self.text.push('\n');
        self.last = Last::Text;
    }

    /// A comment on a line of its own; `blank` keeps a blank line the source had above it.
    fn comment(&mut self, c: &Comment, indent: usize, blank: bool) {
        if blank && c.blank_before {
            self.blank();
        }
        self.line(indent, &c.text, None);
    }
}

fn render(m: &Module, source: Option<&str>) -> String {
    let (comments, firsts) = match source {
        Some(s) => {
            let mut all = comments::scan(s);
            let firsts = comments::doc_comments(m, s, &mut all);
            all.retain(|c| !c.doc);
            (all, firsts)
        }
        None => (Vec::new(), Vec::new()),
    };
    let blocks: Vec<Block> = m
        .items
        .iter()
        .enumerate()
        .map(|(k, item)| {
            let first = firsts
                .get(k)
                .copied()
                .flatten()
                .unwrap_or(item.span().start);
            let same_kind = k > 0
                && matches!(
                    (&m.items[k - 1], item),
                    (Item::Let(_), Item::Let(_)) | (Item::Use(_), Item::Use(_))
                );
            Block {
                lines: item_lines(item, source),
                sep: if same_kind && source.is_some() {
                    Sep::Preserve
                } else {
                    Sep::Always
                },
                lead_blank: source.is_some_and(|s| comments::blank_before(s, first as usize)),
            }
        })
        .collect();

    let mut out = Out {
        text: String::new(),
        last: Last::Start,
    };
    let mut ci = 0;
    for (k, block) in blocks.iter().enumerate() {
        let first_anchor = block.lines.first().map_or(u32::MAX, |l| l.anchor);
        if k > 0 {
            let blank = match block.sep {
                Sep::Always => true,
                Sep::Preserve => match comments.get(ci) {
                    Some(c) if c.offset < first_anchor => c.blank_before,
                    _ => block.lead_blank,
                },
            };
            if blank {
                out.blank();
            }
        }
        let mut led = false;
        let mut trailing: Option<usize> = None;
        for (j, line) in block.lines.iter().enumerate() {
            while let Some(c) = comments.get(ci).filter(|c| c.offset < line.anchor) {
                out.comment(c, line.lead_indent, j == 0);
                led = true;
                ci += 1;
            }
            if j == 0 && led && block.lead_blank {
                out.blank();
            }
            let group_start = j == 0 || !block.lines[j - 1].doc;
            if group_start {
                // The line that owns the comments: the item's header after its doc lines.
                let owner = (j..block.lines.len())
                    .find(|&h| !block.lines[h].doc)
                    .unwrap_or(j);
                let next_anchor = block
                    .lines
                    .get(owner + 1)
                    .or_else(|| blocks.get(k + 1).and_then(|b| b.lines.first()))
                    .map_or(u32::MAX, |l| l.anchor);
                let end = ci + comments[ci..].partition_point(|c| c.offset < next_anchor);
                trailing = (ci..end).rev().find(|&i| !comments[i].own_line);
                if let Some(t) = trailing {
                    for c in &comments[ci..t] {
                        out.comment(c, line.lead_indent, false);
                    }
                    ci = t;
                }
            }
            if line.doc {
                out.line(line.indent, &line.text, None);
                continue;
            }
            let t = trailing.take().and_then(|t| comments.get(t));
            if t.is_some() {
                ci += 1;
            }
            out.line(line.indent, &line.text, t);
        }
    }
    for c in &comments[ci.min(comments.len())..] {
        out.comment(c, 0, true);
    }
    out.text
}

// ---------------------------------------------------------------------------------------------
// Items

fn item_lines(item: &Item, source: Option<&str>) -> Vec<Line> {
    let mut lines = Vec::new();
    match item {
        Item::Policy(p) => {
            doc(&mut lines, p.doc.as_deref(), p.span.start);
            lines.push(Line::new(0, policy(p), p.span.start));
        }
        Item::Use(u) => lines.push(Line::new(0, use_decl(u), u.span.start)),
        Item::Let(l) => {
            doc(&mut lines, l.doc.as_deref(), l.span.start);
            let_decl(&mut lines, l, source);
        }
        Item::Rule(r) => {
            doc(&mut lines, r.doc.as_deref(), r.span.start);
            rule(&mut lines, r, source);
        }
        Item::Waive(w) => {
            doc(&mut lines, w.doc.as_deref(), w.span.start);
            waive(&mut lines, w);
        }
    }
    lines
}

/// `##` lines; an empty doc line is a bare `##`, so no line ends in a space.
fn doc(lines: &mut Vec<Line>, doc: Option<&str>, anchor: u32) {
    let Some(doc) = doc else { return };
    for line in doc.split('\n') {
        let line = line.trim_end();
        let text = if line.is_empty() {
            "##".to_string()
        } else {
            format!("## {line}")
        };
        lines.push(Line {
            doc: true,
            ..Line::new(0, text, anchor)
        });
    }
}

fn policy(p: &PolicyDecl) -> String {
    let mut out = String::from("policy ");
    str_lit(&mut out, &p.name);
    if let Some(v) = &p.version {
        out.push_str(" version ");
        str_lit(&mut out, v);
    }
    out
}

fn use_decl(u: &UseDecl) -> String {
    let mut out = String::from("use ");
    str_lit(&mut out, &u.path);
    out
}

/// Whether the source has a line break between two offsets.
fn broken(source: Option<&str>, from: u32, to: u32) -> bool {
    source
        .and_then(|s| s.get(from as usize..to as usize))
        .is_some_and(|t| t.contains('\n'))
}

fn width(indent: usize, text: &str) -> usize {
    indent + text.chars().count()
}

fn let_decl(lines: &mut Vec<Line>, l: &LetDecl, source: Option<&str>) {
    let mut one = format!("let {} = ", l.name.name);
    expr(&mut one, &l.value, Prec::Or, Follow::End);
    let ExprKind::List(items) = &l.value.kind else {
        lines.push(Line::new(0, one, l.span.start));
        return;
    };
    let written_broken = broken(source, l.value.span.start, l.value.span.end);
    if items.is_empty() || (width(0, &one) <= WIDTH && !written_broken) {
        lines.push(Line::new(0, one, l.span.start));
        return;
    }
    lines.push(Line::new(
        0,
        format!("let {} = [", l.name.name),
        l.span.start,
    ));
    let mut current: Option<Line> = None;
    let mut prev_end = l.value.span.start;
    for item in items {
        let mut text = String::new();
        expr(&mut text, item, Prec::Or, Follow::End);
        text.push(',');
        let new_line = broken(source, prev_end, item.span.start);
        prev_end = item.span.end;
        match &mut current {
            Some(line) if !new_line && width(2, &line.text) + 1 + text.chars().count() <= WIDTH => {
                line.text.push(' ');
                line.text.push_str(&text);
            }
            _ => {
                if let Some(done) = current.take() {
                    lines.push(done);
                }
                current = Some(Line::new(2, text, item.span.start));
            }
        }
    }
    lines.extend(current);
    lines.push(Line {
        lead_indent: 2,
        ..Line::new(0, "]".into(), l.value.span.end.saturating_sub(1))
    });
}

fn rule(lines: &mut Vec<Line>, r: &RuleDecl, source: Option<&str>) {
    lines.push(Line::new(
        0,
        format!("rule {}: {} {{", r.name.name, r.level.name()),
        r.span.start,
    ));
    for f in &r.fors {
        for_clause(lines, f, source);
    }
    check(lines, &r.check);
    lines.push(Line {
        lead_indent: 2,
        ..Line::new(0, "}".into(), r.span.end.saturating_sub(1))
    });
}

fn for_clause(lines: &mut Vec<Line>, f: &ForClause, source: Option<&str>) {
    let mut head = format!("for {} in ", f.var.name);
    let after = if f.filter.is_some() {
        Follow::Where
    } else {
        Follow::End
    };
    expr(&mut head, &f.collection, Prec::Or, after);
    let Some(filter) = &f.filter else {
        lines.push(Line::new(2, head, f.span.start));
        return;
    };
    let mut cond = String::from("where ");
    expr(&mut cond, filter, Prec::Or, Follow::End);
    if !broken(source, f.collection.span.end, filter.span.start) {
        lines.push(Line::new(2, format!("{head} {cond}"), f.span.start));
    } else {
        lines.push(Line::new(2, head, f.span.start));
        lines.push(Line::new(4, cond, filter.span.start));
    }
}

fn check(lines: &mut Vec<Line>, c: &Check) {
    let (keyword, message_keyword) = match c.kind {
        CheckKind::Require => ("require", "else"),
        CheckKind::Forbid => ("forbid", "because"),
    };
    let mut text = format!("{keyword} ");
    expr(&mut text, &c.condition, Prec::Or, Follow::End);
    lines.push(Line::new(2, text, c.span.start));
    if let Some(m) = &c.message {
        let mut text = format!("{message_keyword} ");
        template(&mut text, m);
        lines.push(Line::new(4, text, m.span.start));
    }
}

fn waive(lines: &mut Vec<Line>, w: &WaiveDecl) {
    let mut head = format!("waive {}", w.rule.name);
    if let Some(filter) = &w.filter {
        head.push_str(" where ");
        expr(&mut head, filter, Prec::Or, Follow::End);
    }
    lines.push(Line::new(0, head, w.span.start));
    let d = w.until;
    lines.push(Line::new(
        2,
        format!("until {:04}-{:02}-{:02}", d.year(), d.month(), d.day()),
        w.until_span.start,
    ));
    let mut by = String::from("by ");
    str_lit(&mut by, &w.by);
    lines.push(Line::new(2, by, w.by.span.start));
    let mut because = String::from("because ");
    str_lit(&mut because, &w.because);
    lines.push(Line::new(2, because, w.because.span.start));
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
