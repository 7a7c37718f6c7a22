//! Finds the byte offset of a JSON pointer's value in a document's text, so an error about
//! `/latency/p99` can point at its line and column. Only run when something is reported.

use std::collections::HashMap;

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

/// The end of the string starting at `i` (on its opening quote).
fn string_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        match *b.get(j)? {
            b'\\' => j += 2,
            b'"' => return Some(j + 1),
            _ => j += 1,
        }
    }
}

/// The end of the value starting at `i`. Iterative, so nesting depth costs no stack.
fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut j = i;
    loop {
        match *b.get(j)? {
            b'"' => j = string_end(b, j)?,
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

/// The offsets of the elements of the array starting at `i` (on its `[`).
fn elements(b: &[u8], i: usize) -> Option<Vec<usize>> {
    let mut out = Vec::new();
    let mut j = skip_ws(b, i + 1);
    if *b.get(j)? == b']' {
        return Some(out);
    }
    loop {
        out.push(j);
        j = skip_ws(b, skip_value(b, j)?);
        match *b.get(j)? {
            b',' => j = skip_ws(b, j + 1),
            _ => return Some(out),
        }
    }
}

/// The members of the object at `i`: each key (the first of a repeated one wins) and where its
/// value starts.
fn members(b: &[u8], i: usize) -> Option<HashMap<String, usize>> {
    let mut out = HashMap::new();
    let mut j = skip_ws(b, i + 1);
    if *b.get(j)? == b'}' {
        return Some(out);
    }
    loop {
        if *b.get(j)? != b'"' {
            return None;
        }
        let end = string_end(b, j)?;
        let raw = b.get(j + 1..end - 1)?;
        let key = if raw.contains(&b'\\') {
            serde_json::from_slice::<String>(b.get(j..end)?).ok()?
        } else {
            String::from_utf8(raw.to_vec()).ok()?
        };
        j = skip_ws(b, end);
        if *b.get(j)? != b':' {
            return None;
        }
        j = skip_ws(b, j + 1);
        out.entry(key).or_insert(j);
        j = skip_ws(b, skip_value(b, j)?);
        match *b.get(j)? {
            b',' => j = skip_ws(b, j + 1),
            _ => return Some(out),
        }
    }
}

/// Locates many pointers in one document quickly: the element offsets of each array and the
/// member offsets of each object walked are kept, so a thousand witnesses in one list (or keys
/// in one object) cost one pass over it, not a thousand.
#[derive(Default)]
pub struct Locator {
    arrays: HashMap<usize, Vec<usize>>,
    objects: HashMap<usize, HashMap<String, usize>>,
    /// Offsets of pointer prefixes already resolved (`/packages`).
    prefixes: HashMap<String, usize>,
}

impl Locator {
    /// The offset where the value at `pointer` (`/packages/3/license`) starts.
    pub fn locate(&mut self, text: &str, pointer: &str) -> Option<usize> {
        let b = text.as_bytes();
        let mut i = skip_ws(b, 0);
        if pointer.is_empty() {
            return Some(i);
        }
        let tokens: Vec<&str> = pointer.strip_prefix('/')?.split('/').collect();
        // Start from the longest prefix resolved before (all but the last token, typically).
        let mut start = 0;
        for n in (1..tokens.len()).rev() {
            let prefix = format!("/{}", tokens[..n].join("/"));
            if let Some(&at) = self.prefixes.get(&prefix) {
                i = at;
                start = n;
                break;
            }
        }
        for (n, token) in tokens.iter().enumerate().skip(start) {
            if n > start {
                // The container walked so far: the next witness in it starts here.
                self.prefixes
                    .insert(format!("/{}", tokens[..n].join("/")), i);
            }
            let token = unescape(token);
            match b.get(i)? {
                b'{' => {
                    if let std::collections::hash_map::Entry::Vacant(e) = self.objects.entry(i) {
                        e.insert(members(b, i)?);
                    }
                    i = *self.objects.get(&i)?.get(token.as_ref() as &str)?;
                }
                b'[' => {
                    let index: usize = token.parse().ok()?;
                    if let std::collections::hash_map::Entry::Vacant(e) = self.arrays.entry(i) {
                        let offsets = elements(b, i)?;
                        e.insert(offsets);
                    }
                    i = *self.arrays.get(&i)?.get(index)?;
                }
                _ => return None,
            }
        }
        Some(i)
    }
}

/// The offset where the value at `pointer` starts; for one lookup.
pub fn locate(text: &str, pointer: &str) -> Option<usize> {
    Locator::default().locate(text, pointer)
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
    fn many_keys_of_one_object_and_a_repeated_key() {
        let keys: Vec<String> = (0..500).map(|i| format!("\"k{i}\": {i}")).collect();
        let text = format!("{{{}, \"k7\": \"again\"}}", keys.join(", "));
        let mut locator = Locator::default();
        for i in [499, 0, 250] {
            let at = locator.locate(&text, &format!("/k{i}")).unwrap_or(0);
            assert!(text[at..].starts_with(&i.to_string()), "k{i}");
        }
        // The first of a repeated key, as before the members were cached.
        let at = locator.locate(&text, "/k7").unwrap_or(0);
        assert!(text[at..].starts_with('7'));
        assert_eq!(locator.locate(&text, "/k500"), None);
    }

    #[test]
    fn skips_strings_with_brackets_and_escapes() {
        let text = r#"{"a": "}]\"{", "b\u0021": true, "c": []}"#;
        let at = locate(text, "/b!").unwrap_or(0);
        assert_eq!(&text[at..at + 4], "true");
        assert_eq!(locate(text, "/c/0"), None);
    }

    #[test]
    fn a_locator_reuses_what_it_walked() {
        let items: Vec<String> = (0..1000).map(|i| format!("{{\"n\": {i}}}")).collect();
        let text = format!("{{\"xs\": [{}]}}", items.join(", "));
        let mut loc = Locator::default();
        for i in [999, 0, 500] {
            let at = loc.locate(&text, &format!("/xs/{i}/n")).unwrap_or(0);
            assert!(text[at..].starts_with(&i.to_string()));
        }
        assert_eq!(loc.arrays.len(), 1);
    }
}
