//! The nesting limit, enforced on the raw text before the grammar runs: parentheses, lists and
//! quantifiers nested deeper than [`MAX_DEPTH`] are a policy error, never a stack overflow.

/// How deep parentheses, lists and quantifiers may nest.
pub const MAX_DEPTH: usize = 64;

/// The byte offset where the nesting first goes past [`MAX_DEPTH`], if it does.
///
/// The count is an upper bound of the parser's recursion: each `(` or `[` opens a level, and
/// each `any`/`all`/`count` opens one that lasts to the closing bracket or the next clause
/// keyword (`for`, `require`, `forbid`, or a new item) at the same level.
pub fn too_deep(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    // One entry per open bracket: the quantifiers opened at that level.
    let mut levels: Vec<usize> = vec![0];
    let mut quantifiers = 0usize;
    let mut i = 0;
    let mut prev_significant = b' ';
    while let Some(&b) = bytes.get(i) {
        match b {
            b'#' => {
                while bytes.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
                continue;
            }
            b'"' => {
                i += 1;
                while let Some(&c) = bytes.get(i) {
                    match c {
                        b'\\' => i += 2,
                        b'"' | b'\n' => break,
                        _ => i += 1,
                    }
                }
            }
            b'(' | b'[' => {
                levels.push(0);
                if levels.len() - 1 + quantifiers > MAX_DEPTH {
                    return Some(i);
                }
            }
            // A comma ends the quantifiers opened since the bracket: `[any a in xs where a, b]`.
            b',' => {
                if let Some(top) = levels.last_mut() {
                    quantifiers -= *top;
                    *top = 0;
                }
            }
            b')' | b']' if levels.len() > 1 => {
                quantifiers -= levels.pop().unwrap_or(0);
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while bytes
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
                {
                    i += 1;
                }
                let word = &text[start..i];
                if prev_significant != b'.' {
                    match word {
                        "any" | "all" | "count" => {
                            if let Some(top) = levels.last_mut() {
                                *top += 1;
                            }
                            quantifiers += 1;
                            if levels.len() - 1 + quantifiers > MAX_DEPTH {
                                return Some(start);
                            }
                        }
                        "for" | "require" | "forbid" | "let" | "rule" | "waive" | "use"
                        | "policy" | "else" | "because" | "until" => {
                            if let Some(top) = levels.last_mut() {
                                quantifiers -= *top;
                                *top = 0;
                            }
                        }
                        _ => {}
                    }
                }
                prev_significant = b'a';
                continue;
            }
            _ => {}
        }
        if !b.is_ascii_whitespace() {
            prev_significant = b;
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_policies_pass() {
        assert_eq!(too_deep("rule a: block { require (x and (y or z)) }"), None);
        assert_eq!(
            too_deep("rule a: block { require (count a in xs where a.r == \"qa\") >= 2 }"),
            None
        );
    }

    #[test]
    fn deep_parentheses_are_caught_where_they_pass_the_limit() {
        let text = format!("let x = {}1{}", "(".repeat(100_000), ")".repeat(100_000));
        assert_eq!(too_deep(&text), Some(8 + MAX_DEPTH));
    }

    #[test]
    fn nested_quantifiers_count() {
        let deep = "any a in xs where ".repeat(MAX_DEPTH + 1);
        assert!(too_deep(&format!("let x = {deep} true")).is_some());
        let fine = "any a in xs where ".repeat(10);
        assert_eq!(too_deep(&format!("let x = {fine} true")), None);
    }

    #[test]
    fn brackets_inside_strings_and_comments_do_not_count() {
        let text = format!("# {}\nlet x = \"{}\"", "(".repeat(500), "[".repeat(500));
        assert_eq!(too_deep(&text), None);
    }
}
