//! The comments of a policy file, found by a scan of the raw text beside the parser (the grammar
//! skips them). `gate fmt` puts each one back where it was: see [`print`](super::print).
//!
//! A `#` starts a comment anywhere but inside a string literal, and the comment runs to the end
//! of its line. `##` lines directly above an item are its doc comment, which the syntax tree keeps
//! ([`doc_comments`] tells them apart); every other comment, `##` or `#`, is only here.

use super::ast::{Item, Module};

/// One comment as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// Byte offset of its `#`.
    pub offset: u32,
    /// From the `#` to the end of the line, trailing whitespace removed.
    pub text: String,
    /// Nothing but whitespace before it on its line.
    pub own_line: bool,
    /// A blank line separates it from whatever comes before it.
    pub blank_before: bool,
    /// A doc comment kept by the syntax tree (set by [`doc_comments`]).
    pub doc: bool,
}

/// Every comment of `text`, in order.
pub fn scan(text: &str) -> Vec<Comment> {
    let mut out = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    let mut line_start = 0;
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                // A string never spans lines; the parser reports the unclosed one.
                '\n' => {
                    in_string = false;
                    line_start = i + 1;
                }
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '\n' => line_start = i + 1,
            '#' => {
                let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                let own_line = text[line_start..i]
                    .chars()
                    .all(|c| c.is_whitespace() || c == '\u{feff}');
                out.push(Comment {
                    offset: u32::try_from(i).unwrap_or(u32::MAX),
                    text: text[i..end].trim_end().to_string(),
                    own_line,
                    blank_before: blank_before(text, i),
                    doc: false,
                });
                // Skip to the end of the line; the newline itself is seen next.
                while let Some((j, _)) = chars.clone().next() {
                    if j >= end {
                        break;
                    }
                    chars.next();
                }
            }
            _ => {}
        }
    }
    out
}

/// Whether a blank line stands between `offset` and the text before it.
pub fn blank_before(text: &str, offset: usize) -> bool {
    let before = text.get(..offset).unwrap_or("");
    let gap = before.len()
        - before
            .trim_end_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
            .len();
    let newlines = before[before.len() - gap..].matches('\n').count();
    // Nothing but whitespace before: the start of the file is no blank line.
    newlines >= 2 && gap < before.len()
}

/// Marks the comments that are the doc comments of `module`'s items, as the parser reads them:
/// the `##` lines directly above an item, with blank lines allowed only between them and the item.
/// Returns, for each item, the offset of its first doc line.
pub fn doc_comments(module: &Module, text: &str, comments: &mut [Comment]) -> Vec<Option<u32>> {
    let mut firsts = vec![None; module.items.len()];
    for (k, item) in module.items.iter().enumerate() {
        let (start, doc) = match item {
            Item::Policy(p) => (p.span.start, p.doc.as_deref()),
            Item::Let(l) => (l.span.start, l.doc.as_deref()),
            Item::Rule(r) => (r.span.start, r.doc.as_deref()),
            Item::Waive(w) => (w.span.start, w.doc.as_deref()),
            Item::Use(_) => continue,
        };
        let Some(doc) = doc else { continue };
        let want = doc.split('\n').count();
        let found = doc_run(text, comments, start as usize);
        if found.len() == want {
            firsts[k] = found.first().map(|&i| comments[i].offset);
            for i in found {
                comments[i].doc = true;
            }
        }
    }
    firsts
}

/// Indices of the run of `##` lines directly above `start`.
fn doc_run(text: &str, comments: &[Comment], start: usize) -> Vec<usize> {
    let mut run = Vec::new();
    let mut i = comments.partition_point(|c| (c.offset as usize) < start);
    let mut until = start;
    while i > 0 {
        let c = &comments[i - 1];
        let end = c.offset as usize + c.text.len();
        let gap = text.get(end..until).unwrap_or("x");
        let allowed_newlines = if run.is_empty() { usize::MAX } else { 1 };
        if !c.own_line
            || !c.text.starts_with("##")
            || !gap.chars().all(char::is_whitespace)
            || gap.matches('\n').count() > allowed_newlines
        {
            break;
        }
        run.push(i - 1);
        until = c.offset as usize;
        i -= 1;
    }
    run.reverse();
    run
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn strings_hide_hashes() {
        let text =
            "let a = \"#x\\\"#\" # one\n\n  # two\nrule r: block { require \"a#\" == x } #three";
        let c = scan(text);
        let texts: Vec<_> = c.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["# one", "# two", "#three"]);
        assert!(!c[0].own_line && c[1].own_line && !c[2].own_line);
        assert!(!c[0].blank_before && c[1].blank_before && !c[2].blank_before);
    }

    #[test]
    fn unclosed_string_ends_at_the_line() {
        let c = scan("let a = \"oops\n# real\n");
        assert_eq!(c.len(), 1);
        assert!(c[0].own_line);
    }

    #[test]
    fn docs_are_the_run_above_an_item() {
        let text = "## orphan\n\n# plain\n## one\n## two\n\nlet x = 1\n";
        let (m, _) = crate::policy::parser::parse_module(crate::span::FileId(0), text);
        let mut c = scan(text);
        doc_comments(&m, text, &mut c);
        let docs: Vec<_> = c.iter().map(|c| c.doc).collect();
        assert_eq!(docs, [false, false, true, true]);
    }
}
