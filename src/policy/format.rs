//! `gate fmt` without the files: one policy's text → its canonical text, or why not.
//!
//! Formatting never changes what a policy means. The formatted text is parsed again and its tree
//! compared with the original's, spans aside; its comments are compared too. If either differs
//! (a bug in the printer), the text is refused rather than written.

use super::ast::*;
use super::comments;
use super::parser::parse_module;
use super::print::print_source;
use crate::diag::Diagnostic;
use crate::span::{FileId, Span};

/// The canonical text of a policy file. A file that does not parse gives its syntax errors.
pub fn format_source(file: FileId, text: &str) -> Result<String, Vec<Diagnostic>> {
    let (module, diags) = parse_module(file, text);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(diags);
    }
    let printed = print_source(&module, text);
    let (again, diags) = parse_module(file, &printed);
    let same_tree = !diags.iter().any(Diagnostic::is_error) && same(&module, &again);
    let same_comments = comment_texts(&module, text) == comment_texts(&again, &printed);
    if same_tree && same_comments {
        Ok(printed)
    } else {
        let what = if same_tree {
            "its comments"
        } else {
            "its meaning"
        };
        Err(vec![
            Diagnostic::error(
                "internal",
                format!("formatting this file would change {what}, so it is left as it is"),
            )
            .at(Span::new(file, 0..0), "in this file")
            .help("this is a bug in `gate fmt`: please report it with the file"),
        ])
    }
}

/// The texts of the comments that are not doc comments, in order.
fn comment_texts(m: &Module, text: &str) -> Vec<String> {
    let mut all = comments::scan(text);
    comments::doc_comments(m, text, &mut all);
    all.into_iter().filter(|c| !c.doc).map(|c| c.text).collect()
}

/// Whether two trees are the same but for their spans.
pub fn same(a: &Module, b: &Module) -> bool {
    let (mut a, mut b) = (a.clone(), b.clone());
    clear_module(&mut a);
    clear_module(&mut b);
    a.items == b.items
}

/// Sets every span of the tree to the empty span (and forgets how strings were spelled, see
/// [`clear_expr`]): two trees that are equal after this mean the same.
pub fn clear_module(m: &mut Module) {
    for item in &mut m.items {
        match item {
            Item::Policy(p) => {
                p.span = Span::default();
                p.name.span = Span::default();
                if let Some(v) = &mut p.version {
                    v.span = Span::default();
                }
            }
            Item::Use(u) => {
                u.span = Span::default();
                u.path.span = Span::default();
            }
            Item::Let(l) => {
                l.span = Span::default();
                l.name.span = Span::default();
                clear_expr(&mut l.value);
            }
            Item::Rule(r) => {
                r.span = Span::default();
                r.name.span = Span::default();
                r.level_span = Span::default();
                for f in &mut r.fors {
                    f.span = Span::default();
                    f.var.span = Span::default();
                    clear_expr(&mut f.collection);
                    if let Some(w) = &mut f.filter {
                        clear_expr(w);
                    }
                }
                r.check.span = Span::default();
                clear_expr(&mut r.check.condition);
                if let Some(t) = &mut r.check.message {
                    t.span = Span::default();
                    for p in &mut t.parts {
                        if let Part::Expr(e) = p {
                            clear_expr(e);
                        }
                    }
                }
            }
            Item::Waive(w) => {
                w.span = Span::default();
                w.rule.span = Span::default();
                w.until_span = Span::default();
                w.by.span = Span::default();
                w.because.span = Span::default();
                if let Some(f) = &mut w.filter {
                    clear_expr(f);
                }
            }
        }
    }
}

/// Clears an expression's spans, and the spelling of string literals: the printer writes each
/// string's escapes one way (`"\u{41}"` as `"A"`), so only the value must survive. Depth is
/// bounded by the parser (`policy::depth`).
pub fn clear_expr(e: &mut Expr) {
    e.span = Span::default();
    match &mut e.kind {
        ExprKind::Literal(l) => {
            if matches!(l.value, LitValue::Str(_)) {
                l.text.clear();
            }
        }
        ExprKind::Name(_) => {}
        ExprKind::Field(base, f) => {
            clear_expr(base);
            f.span = Span::default();
        }
        ExprKind::Index(a, b) | ExprKind::Range(a, b) => {
            clear_expr(a);
            clear_expr(b);
        }
        ExprKind::Call(name, args) => {
            name.span = Span::default();
            args.iter_mut().for_each(clear_expr);
        }
        ExprKind::List(v) | ExprKind::And(v) | ExprKind::Or(v) => v.iter_mut().for_each(clear_expr),
        ExprKind::Comprehension {
            elem,
            var,
            collection,
            filter,
        } => {
            clear_expr(elem);
            var.span = Span::default();
            clear_expr(collection);
            if let Some(f) = filter {
                clear_expr(f);
            }
        }
        ExprKind::Quantifier {
            var,
            collection,
            filter,
            ..
        } => {
            var.span = Span::default();
            clear_expr(collection);
            if let Some(f) = filter {
                clear_expr(f);
            }
        }
        ExprKind::Paren(x) | ExprKind::Not(x) | ExprKind::Neg(x) => clear_expr(x),
        ExprKind::Arith { first, rest } => {
            clear_expr(first);
            for (_, x) in rest {
                clear_expr(x);
            }
        }
        ExprKind::Compare { lhs, rhs, .. } => {
            clear_expr(lhs);
            clear_expr(rhs);
        }
        ExprKind::Matches { lhs, pattern } => {
            clear_expr(lhs);
            pattern.span = Span::default();
        }
        ExprKind::AllowedBy { lhs, list } => {
            clear_expr(lhs);
            clear_expr(list);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn fmt(text: &str) -> String {
        format_source(FileId(0), text).unwrap()
    }

    #[test]
    fn comments_survive_in_order() {
        let text = "# header\n\n## The policy.\npolicy \"p\" # trailing\n\n# before a\nlet a = 1\nlet b = [ # opens\n  # about x\n  \"x\",\n  \"y\", # why y\n]\n\n# section\n\nrule r: block { # header\n  # about the for\n  for x in xs where x.ok and # inside\n    x.also\n  # before check\n  require x.y # after check\n    else \"m\" # after message\n  # before close\n} # after close\n\n# the end\n";
        let out = fmt(text);
        assert_eq!(
            out,
            "# header\n\n## The policy.\npolicy \"p\" # trailing\n\n# before a\nlet a = 1\nlet b = [ # opens\n  # about x\n  \"x\",\n  \"y\", # why y\n]\n\n# section\n\nrule r: block { # header\n  # about the for\n  for x in xs where x.ok and x.also # inside\n  # before check\n  require x.y # after check\n    else \"m\" # after message\n  # before close\n} # after close\n\n# the end\n"
        );
        assert_eq!(fmt(&out), out);
    }

    #[test]
    fn hoisted_comments_go_above_the_doc() {
        let text = "## Doc.\nlet a = 1 + # one\n  2 + # two\n  3\n";
        let out = fmt(text);
        assert_eq!(out, "# one\n## Doc.\nlet a = 1 + 2 + 3 # two\n");
        assert_eq!(fmt(&out), out);
    }

    #[test]
    fn lets_keep_their_grouping() {
        let text = "let a = 1\nlet b = 2\n\n\n\nlet c = 3\nuse \"x.gate\"\nuse \"y.gate\"\n";
        assert_eq!(
            fmt(text),
            "let a = 1\nlet b = 2\n\nlet c = 3\n\nuse \"x.gate\"\nuse \"y.gate\"\n"
        );
    }

    #[test]
    fn long_lines_wrap() {
        let long = (0..30)
            .map(|i| format!("\"item{i}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let text = format!(
            "let a = [{long}]\nrule r: block {{ for x in xs where {} require x }}\n",
            ["x.aaaaaaaaaa == 1"; 8].join(" and ")
        );
        let out = fmt(&text);
        // Lists fill to 100 columns; a condition is never broken.
        assert!(
            out.lines()
                .filter(|l| l.contains("item"))
                .all(|l| l.chars().count() <= 100),
            "{out}"
        );
        assert!(out.contains("let a = [\n  \"item0\", "), "{out}");
        // A long `for` line stays one line unless its author broke it before `where`.
        assert!(
            out.contains("\n  for x in xs where x.aaaaaaaaaa == 1 and"),
            "{out}"
        );
        assert_eq!(fmt(&out), out);
        let wrapped = "rule r: block {\n  for x in xs\n    where x.ok\n  require x\n}\n";
        assert_eq!(fmt(wrapped), wrapped);
    }

    #[test]
    fn empty_and_comment_only_files() {
        assert_eq!(fmt(""), "");
        assert_eq!(fmt("\n\n# only\n\n\n# two\n"), "# only\n\n# two\n");
    }

    #[test]
    fn syntax_errors_are_returned() {
        let errs = format_source(FileId(0), "rule r: block { require }").unwrap_err();
        assert!(errs.iter().all(|d| d.code == "syntax"), "{errs:?}");
    }
}
