//! Finds the byte offset of a JSON pointer's value in a document's text, so an error about
//! `/latency/p99` can point at its line and column. Only run when something is reported.

/// Escapes one pointer token (RFC 6901).
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
        i += 1;
    }
    i
}

/// The end of the string starting at `i` (on its opening quote), and its unescaped text.
fn string_at(b: &[u8], i: usize) -> Option<(usize, String)> {
    let mut j = i + 1;
    while let Some(&c) = b.get(j) {
        match c {
            b'\\' => j += 2,
            b'"' => {
                let raw = std::str::from_utf8(b.get(i..=j)?).ok()?;
                let text = serde_json::from_str::<String>(raw).ok()?;
                return Some((j + 1, text));
            }
            _ => j += 1,
        }
    }
    None
}

/// The end of the value starting at `i`. Iterative, so nesting depth costs no stack.
fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut j = i;
    loop {
        let c = *b.get(j)?;
        match c {
            b'"' => j = string_at(b, j)?.0,
            b'{' | b'[' => {
                depth += 1;
                j += 1;
            }
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                j += 1;
            }
            _ => {
                j += 1;
                if depth == 0 {
                    while b.get(j).is_some_and(|c| {
                        !matches!(c, b',' | b'}' | b']') && !c.is_ascii_whitespace()
                    }) {
                        j += 1;
                    }
                }
            }
        }
        if depth == 0 {
            return Some(j);
        }
    }
}

/// The offset where the value at `pointer` (`/packages/3/license`) starts.
pub fn locate(text: &str, pointer: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = skip_ws(b, 0);
    if pointer.is_empty() {
        return Some(i);
    }
    for token in pointer.strip_prefix('/')?.split('/') {
        let token = unescape(token);
        match b.get(i)? {
            b'{' => {
                i = skip_ws(b, i + 1);
                loop {
                    if *b.get(i)? != b'"' {
                        return None;
                    }
                    let (end, key) = string_at(b, i)?;
                    i = skip_ws(b, end);
                    if *b.get(i)? != b':' {
                        return None;
                    }
                    i = skip_ws(b, i + 1);
                    if key == token {
                        break;
                    }
                    i = skip_ws(b, skip_value(b, i)?);
                    match b.get(i)? {
                        b',' => i = skip_ws(b, i + 1),
                        _ => return None,
                    }
                }
            }
            b'[' => {
                let index: usize = token.parse().ok()?;
                i = skip_ws(b, i + 1);
                for _ in 0..index {
                    i = skip_ws(b, skip_value(b, i)?);
                    match b.get(i)? {
                        b',' => i = skip_ws(b, i + 1),
                        _ => return None,
                    }
                }
            }
            _ => return None,
        }
    }
    Some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_values() {
        let text = "{\n  \"a\": {\"b\": [1, {\"c\": \"x\"}]},\n  \"d/e\": 2\n}";
        let at = locate(text, "/a/b/1/c").unwrap_or(0);
        assert_eq!(&text[at..at + 3], "\"x\"");
        let at = locate(text, "/d~1e").unwrap_or(0);
        assert_eq!(&text[at..at + 1], "2");
        assert_eq!(locate(text, "/zzz"), None);
        assert_eq!(locate(text, "/a/b/7"), None);
    }

    #[test]
    fn skips_strings_with_brackets_and_escapes() {
        let text = r#"{"a": "}]\"{", "b": true}"#;
        let at = locate(text, "/b").unwrap_or(0);
        assert_eq!(&text[at..at + 4], "true");
    }
}
