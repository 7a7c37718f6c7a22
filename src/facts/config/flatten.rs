//! One configuration file → its keys flattened to dotted paths, each with its value and where it
//! is written. Pure: text in, [`Flat`] or a located [`Failure`] out; no file is touched here.
//!
//! - Tables (mappings, objects) nest: `[database] url = …` is `database.url`.
//! - An array of scalars is one value, compared whole (`hosts = ["a", "b"]`); an array that holds
//!   tables or arrays is indexed: `servers.0.host`.
//! - An empty table is a value of its own, `{}`.
//! - `.env` files have no nesting: `DATABASE_URL` stays `DATABASE_URL`, and every value is a string.
//! - Two ways of writing the same dotted key (`"a.b" = 1` beside `[a] b = 2`) are an error.

use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// How a configuration file is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Toml,
    Yaml,
    Json,
    Env,
}

impl Format {
    pub const NAMES: &'static [&'static str] = &["toml", "yaml", "json", "env"];

    pub fn from_name(name: &str) -> Option<Format> {
        match name {
            "toml" => Some(Format::Toml),
            "yaml" | "yml" => Some(Format::Yaml),
            "json" => Some(Format::Json),
            "env" | "dotenv" => Some(Format::Env),
            _ => None,
        }
    }

    /// The format a file's name says: its extension, or a `.env` / `.env.staging` name.
    pub fn from_path(path: &std::path::Path) -> Option<Format> {
        let name = path.file_name()?.to_string_lossy().to_lowercase();
        if name == ".env" || name.starts_with(".env.") || name.ends_with(".env") {
            return Some(Format::Env);
        }
        let ext = path.extension()?.to_string_lossy().to_lowercase();
        Format::from_name(&ext)
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Toml => "TOML",
            Format::Yaml => "YAML",
            Format::Json => "JSON",
            Format::Env => "`.env`",
        }
    }
}

/// A configuration value, as it is compared.
#[derive(Clone, Debug)]
pub enum Leaf {
    Str(String),
    /// A number as written, and its exact value when it has one (not for `inf`, `nan`).
    Num(String, Option<Decimal>),
    Bool(bool),
    Null,
    /// An array of scalars, compared element by element.
    List(Vec<Leaf>),
    /// An empty table.
    EmptyTable,
}

impl PartialEq for Leaf {
    fn eq(&self, other: &Leaf) -> bool {
        match (self, other) {
            (Leaf::Str(a), Leaf::Str(b)) => a == b,
            (Leaf::Num(_, Some(a)), Leaf::Num(_, Some(b))) => a == b,
            (Leaf::Num(a, _), Leaf::Num(b, _)) => a.eq_ignore_ascii_case(b),
            (Leaf::Bool(a), Leaf::Bool(b)) => a == b,
            (Leaf::Null, Leaf::Null) | (Leaf::EmptyTable, Leaf::EmptyTable) => true,
            (Leaf::List(a), Leaf::List(b)) => a == b,
            _ => false,
        }
    }
}

impl Leaf {
    /// The value as facts show it: strings bare — unless the text would read as another type
    /// (`5432`, `true`, `null`, `[…]`), then JSON-quoted so a string `"5432"` and the number
    /// `5432` read differently — numbers as written, arrays as compact JSON.
    pub fn render(&self) -> String {
        match self {
            Leaf::Str(s) if reads_as_other_type(s) => json_string(s),
            Leaf::Str(s) => s.clone(),
            _ => self.render_inner(),
        }
    }

    fn render_inner(&self) -> String {
        match self {
            Leaf::Str(s) => json_string(s),
            Leaf::Num(text, _) => text.clone(),
            Leaf::Bool(b) => b.to_string(),
            Leaf::Null => "null".into(),
            Leaf::EmptyTable => "{}".into(),
            Leaf::List(items) => format!(
                "[{}]",
                items
                    .iter()
                    .map(Leaf::render_inner)
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        }
    }

    /// Every string in the value (for the secret-by-value check).
    pub fn strings(&self) -> Vec<&str> {
        match self {
            Leaf::Str(s) => vec![s.as_str()],
            Leaf::List(items) => items.iter().flat_map(Leaf::strings).collect(),
            _ => Vec::new(),
        }
    }
}

fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

fn reads_as_other_type(s: &str) -> bool {
    let t = s.trim();
    t.is_empty()
        || t != s
        || number(t).is_some()
        || matches!(t, "true" | "false" | "null" | "~")
        || t.starts_with(['[', '{', '"'])
}

/// The exact value of a number's text: `5432`, `5_432`, `5432.0`, `1e3`, `0x1F`.
pub fn number(text: &str) -> Option<Decimal> {
    let t: String = text.chars().filter(|c| *c != '_').collect();
    let (neg, body) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(&t)),
    };
    let radix = [("0x", 16), ("0o", 8), ("0b", 2)]
        .iter()
        .find_map(|(p, r)| body.strip_prefix(p).map(|digits| (digits, *r)));
    let value = match radix {
        Some((digits, r)) => Decimal::from(
            i128::from_str_radix(digits, r)
                .ok()
                .and_then(|n| i64::try_from(n).ok())?,
        ),
        None if body.contains(['e', 'E']) => Decimal::from_scientific(body).ok()?,
        None => Decimal::from_str_exact(body).ok()?,
    };
    Some(if neg { -value } else { value })
}

/// One flattened key.
#[derive(Clone, Debug)]
pub struct Entry {
    pub value: Leaf,
    /// 1-based line and column of the key (of the element, for an indexed array element).
    pub line: usize,
    pub column: usize,
}

/// A file's keys, sorted.
pub type Flat = BTreeMap<String, Entry>;

/// Why a file could not be read: a message and a 1-based line and column.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl Failure {
    fn new(line: usize, column: usize, message: impl Into<String>) -> Failure {
        Failure {
            line: line.max(1),
            column: column.max(1),
            message: message.into(),
        }
    }
}

/// Nesting deeper than this is refused (the flattening recurses).
pub const MAX_DEPTH: usize = 64;

/// Reads `text` in `format` and flattens it.
pub fn flatten(text: &str, format: Format) -> Result<Flat, Failure> {
    match format {
        Format::Toml => toml_flat(text),
        Format::Yaml => yaml_flat(text),
        Format::Json => json_flat(text),
        Format::Env => env_flat(text),
    }
}

/// Line starts of a text, to turn byte offsets into 1-based lines and columns (in characters)
/// without rescanning the text for every key.
struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
    /// The last offset turned into a column, and its column: keys are located in file order,
    /// so on a long line (minified JSON) each column is counted on from the one before.
    last: std::cell::Cell<(usize, usize)>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Lines<'a> {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Lines {
            text,
            starts,
            last: std::cell::Cell::new((0, 1)),
        }
    }

    fn at(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let (line, start) = self.line_of(offset);
        let (last, last_column) = self.last.get();
        let (from, base) = if last >= start && last <= offset {
            (last, last_column)
        } else {
            (start, 1)
        };
        let column = base + self.text.get(from..offset).map_or(0, |s| s.chars().count());
        self.last.set((offset, column));
        (line + 1, column)
    }

    /// The 0-based line holding `offset`, and where that line starts.
    fn line_of(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        (line, self.starts.get(line).copied().unwrap_or(0))
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    Lines::new(text).at(offset)
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

fn insert(flat: &mut Flat, key: String, entry: Entry) -> Result<(), Failure> {
    if flat.contains_key(&key) {
        return Err(Failure::new(
            entry.line,
            entry.column,
            format!("`{key}` is written twice once nested keys are joined with dots"),
        ));
    }
    flat.insert(key, entry);
    Ok(())
}

fn depth_failure(line: usize, column: usize) -> Failure {
    Failure::new(
        line,
        column,
        format!("the configuration nests deeper than {MAX_DEPTH} levels"),
    )
}

// ---- TOML ----

fn toml_flat(text: &str) -> Result<Flat, Failure> {
    use toml::de::{DeTable, DeValue};
    let table = DeTable::parse(text).map_err(|e| {
        let (line, column) = line_col(text, e.span().map_or(0, |s| s.start));
        Failure::new(line, column, e.message().trim().to_string())
    })?;

    fn leaf(v: &DeValue) -> Option<Leaf> {
        Some(match v {
            DeValue::String(s) => Leaf::Str(s.to_string()),
            DeValue::Integer(i) => {
                let text = if i.radix() == 10 {
                    i.as_str().to_string()
                } else {
                    i128::from_str_radix(i.as_str(), i.radix())
                        .map_or_else(|_| i.to_string(), |n| n.to_string())
                };
                let value = number(&text);
                Leaf::Num(text, value)
            }
            DeValue::Float(f) => Leaf::Num(f.as_str().to_string(), number(f.as_str())),
            DeValue::Boolean(b) => Leaf::Bool(*b),
            DeValue::Datetime(d) => Leaf::Str(d.to_string()),
            DeValue::Array(_) | DeValue::Table(_) => return None,
        })
    }

    fn walk(
        lines: &Lines,
        prefix: &str,
        v: &DeValue,
        at: (usize, usize),
        depth: usize,
        flat: &mut Flat,
    ) -> Result<(), Failure> {
        if depth > MAX_DEPTH {
            return Err(depth_failure(at.0, at.1));
        }
        let entry = |value| Entry {
            value,
            line: at.0,
            column: at.1,
        };
        match v {
            DeValue::Table(t) if t.is_empty() && !prefix.is_empty() => {
                insert(flat, prefix.to_string(), entry(Leaf::EmptyTable))
            }
            DeValue::Table(t) => {
                for (k, v) in t {
                    let at = lines.at(k.span().start);
                    walk(
                        lines,
                        &join(prefix, k.get_ref()),
                        v.get_ref(),
                        at,
                        depth + 1,
                        flat,
                    )?;
                }
                Ok(())
            }
            DeValue::Array(items) => {
                let scalars: Option<Vec<Leaf>> = items.iter().map(|i| leaf(i.get_ref())).collect();
                match scalars {
                    Some(list) => insert(flat, prefix.to_string(), entry(Leaf::List(list))),
                    None => {
                        for (n, i) in items.iter().enumerate() {
                            let at = lines.at(i.span().start);
                            walk(
                                lines,
                                &join(prefix, &n.to_string()),
                                i.get_ref(),
                                at,
                                depth + 1,
                                flat,
                            )?;
                        }
                        Ok(())
                    }
                }
            }
            other => match leaf(other) {
                Some(l) => insert(flat, prefix.to_string(), entry(l)),
                None => Ok(()),
            },
        }
    }

    let mut flat = Flat::new();
    walk(
        &Lines::new(text),
        "",
        &DeValue::Table(table.into_inner()),
        (1, 1),
        0,
        &mut flat,
    )?;
    Ok(flat)
}

// ---- JSON ----

fn json_flat(text: &str) -> Result<Flat, Failure> {
    use serde_json::Value as J;
    let doc: J = serde_json::from_str(text)
        .map_err(|e| Failure::new(e.line(), e.column(), crate::diag::serde_reason(&e)))?;
    if !doc.is_object() {
        return Err(Failure::new(
            1,
            1,
            format!(
                "the configuration is {}, not an object of keys",
                crate::facts::json::json_kind(&doc)
            ),
        ));
    }

    fn leaf(v: &J) -> Option<Leaf> {
        Some(match v {
            J::String(s) => Leaf::Str(s.clone()),
            J::Number(n) => {
                let text = n.to_string();
                let value = number(&text);
                Leaf::Num(text, value)
            }
            J::Bool(b) => Leaf::Bool(*b),
            J::Null => Leaf::Null,
            J::Array(_) | J::Object(_) => return None,
        })
    }

    /// Where the key of the member whose value starts at the end of `before` starts (its
    /// opening quote): found backwards, so its cost is the key's length, not the line's.
    fn key_before(before: &str) -> Option<usize> {
        let b = before
            .trim_end()
            .strip_suffix(':')?
            .trim_end()
            .strip_suffix('"')?;
        let bytes = b.as_bytes();
        let mut i = bytes.len();
        while i > 0 {
            i -= 1;
            if bytes[i] == b'"' {
                let escapes = bytes[..i].iter().rev().take_while(|c| **c == b'\\').count();
                if escapes % 2 == 0 {
                    return Some(i);
                }
            }
        }
        None
    }

    struct Walk<'a> {
        text: &'a str,
        lines: Lines<'a>,
        locator: crate::facts::pointer::Locator,
        flat: Flat,
    }

    impl Walk<'_> {
        fn at(&mut self, pointer: &str) -> (usize, usize) {
            let offset = self
                .locator
                .locate(self.text, pointer)
                .unwrap_or(0)
                .min(self.text.len());
            // The pointer locates the value; a member's key stands just before it (`"key": `),
            // and the finding points at the key.
            let key = (!pointer.ends_with(|c: char| c.is_ascii_digit()))
                .then(|| key_before(self.text.get(..offset).unwrap_or_default()))
                .flatten();
            self.lines.at(key.unwrap_or(offset))
        }

        fn walk(
            &mut self,
            prefix: &str,
            pointer: &str,
            v: &J,
            depth: usize,
        ) -> Result<(), Failure> {
            let (line, column) = if pointer.is_empty() {
                (1, 1)
            } else {
                self.at(pointer)
            };
            if depth > MAX_DEPTH {
                return Err(depth_failure(line, column));
            }
            let entry = |value| Entry {
                value,
                line,
                column,
            };
            match v {
                J::Object(m) if m.is_empty() && !prefix.is_empty() => {
                    insert(&mut self.flat, prefix.to_string(), entry(Leaf::EmptyTable))
                }
                J::Object(m) => {
                    for (k, v) in m {
                        let p = format!("{pointer}/{}", crate::facts::pointer::escape(k));
                        self.walk(&join(prefix, k), &p, v, depth + 1)?;
                    }
                    Ok(())
                }
                J::Array(items) => match items.iter().map(leaf).collect::<Option<Vec<_>>>() {
                    Some(list) => {
                        insert(&mut self.flat, prefix.to_string(), entry(Leaf::List(list)))
                    }
                    None => {
                        for (n, i) in items.iter().enumerate() {
                            let p = format!("{pointer}/{n}");
                            self.walk(&join(prefix, &n.to_string()), &p, i, depth + 1)?;
                        }
                        Ok(())
                    }
                },
                other => match leaf(other) {
                    Some(l) => insert(&mut self.flat, prefix.to_string(), entry(l)),
                    None => Ok(()),
                },
            }
        }
    }

    let mut w = Walk {
        text,
        lines: Lines::new(text),
        locator: crate::facts::pointer::Locator::default(),
        flat: Flat::new(),
    };
    w.walk("", "", &doc, 0)?;
    Ok(w.flat)
}

// ---- YAML ----

fn yaml_flat(text: &str) -> Result<Flat, Failure> {
    use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};
    let docs = MarkedYaml::load_from_str(text).map_err(|e| {
        Failure::new(
            e.marker().line(),
            e.marker().col() + 1,
            e.info().trim().to_string(),
        )
    })?;
    let doc = match docs.as_slice() {
        [] => return Ok(Flat::new()),
        [one] => one,
        [_, second, ..] => {
            return Err(Failure::new(
                second.span.start.line(),
                second.span.start.col() + 1,
                format!(
                    "the file holds {} YAML documents; a configuration is one",
                    docs.len()
                ),
            ));
        }
    };
    let at = |n: &MarkedYaml| (n.span.start.line(), n.span.start.col() + 1);
    let ascii = text.is_ascii();
    // A number as written: the node's own text when it reads as that number.
    let raw = |n: &MarkedYaml| -> Option<String> {
        let start = n.span.start.index();
        let len = n.span.end.index().checked_sub(start)?;
        // Marker indexes count characters: slice directly only when they are bytes too.
        let s = if ascii {
            text.get(start..start + len)?.trim().to_string()
        } else {
            return None;
        };
        number(&s).is_some().then_some(s)
    };

    fn scalar(s: &Scalar, raw: Option<String>) -> Leaf {
        match s {
            Scalar::Null => Leaf::Null,
            Scalar::Boolean(b) => Leaf::Bool(*b),
            Scalar::Integer(i) => {
                let text = raw.filter(|r| number(r) == Some(Decimal::from(*i)));
                Leaf::Num(
                    text.unwrap_or_else(|| i.to_string()),
                    Some(Decimal::from(*i)),
                )
            }
            Scalar::FloatingPoint(f) => {
                let f = f.into_inner();
                let exact = raw.as_deref().and_then(number);
                let text = match (&raw, exact) {
                    (Some(r), Some(_)) => r.clone(),
                    _ => f.to_string(),
                };
                Leaf::Num(text, exact.or_else(|| Decimal::try_from(f).ok()))
            }
            Scalar::String(s) => Leaf::Str(s.to_string()),
        }
    }

    fn key_text(k: &MarkedYaml) -> Option<String> {
        match &k.data {
            YamlData::Value(Scalar::String(s)) => Some(s.to_string()),
            YamlData::Value(Scalar::Integer(i)) => Some(i.to_string()),
            YamlData::Value(Scalar::Boolean(b)) => Some(b.to_string()),
            YamlData::Value(Scalar::FloatingPoint(f)) => Some(f.to_string()),
            YamlData::Value(Scalar::Null) => Some("null".into()),
            _ => None,
        }
    }

    type Raw<'r> = &'r dyn Fn(&MarkedYaml) -> Option<String>;
    type At<'r> = &'r dyn Fn(&MarkedYaml) -> (usize, usize);

    fn leaf(n: &MarkedYaml, raw: Raw) -> Option<Leaf> {
        match &n.data {
            YamlData::Value(s) => Some(scalar(s, raw(n))),
            YamlData::Tagged(_, inner) => leaf(inner, raw),
            _ => None,
        }
    }

    fn walk(
        prefix: &str,
        n: &MarkedYaml,
        pos: (usize, usize),
        depth: usize,
        flat: &mut Flat,
        raw: Raw,
        at: At,
    ) -> Result<(), Failure> {
        if depth > MAX_DEPTH {
            return Err(depth_failure(pos.0, pos.1));
        }
        let entry = |value| Entry {
            value,
            line: pos.0,
            column: pos.1,
        };
        match &n.data {
            YamlData::Mapping(m) if m.is_empty() && !prefix.is_empty() => {
                insert(flat, prefix.to_string(), entry(Leaf::EmptyTable))
            }
            YamlData::Mapping(m) => {
                for (k, v) in m {
                    let Some(key) = key_text(k) else {
                        let (line, column) = at(k);
                        return Err(Failure::new(
                            line,
                            column,
                            "a key must be a plain value, not a list or a mapping",
                        ));
                    };
                    walk(&join(prefix, &key), v, at(k), depth + 1, flat, raw, at)?;
                }
                Ok(())
            }
            YamlData::Sequence(items) => {
                match items
                    .iter()
                    .map(|i| leaf(i, raw))
                    .collect::<Option<Vec<_>>>()
                {
                    Some(list) => insert(flat, prefix.to_string(), entry(Leaf::List(list))),
                    None => {
                        for (i, item) in items.iter().enumerate() {
                            walk(
                                &join(prefix, &i.to_string()),
                                item,
                                at(item),
                                depth + 1,
                                flat,
                                raw,
                                at,
                            )?;
                        }
                        Ok(())
                    }
                }
            }
            YamlData::Tagged(_, inner) => walk(prefix, inner, pos, depth, flat, raw, at),
            YamlData::Value(s) if !prefix.is_empty() => {
                insert(flat, prefix.to_string(), entry(scalar(s, raw(n))))
            }
            YamlData::Value(Scalar::Null) => Ok(()),
            YamlData::BadValue => Err(Failure::new(
                pos.0,
                pos.1,
                "the value does not match its tag",
            )),
            _ => {
                let (line, column) = at(n);
                Err(Failure::new(
                    line,
                    column,
                    "the configuration is not a mapping of keys",
                ))
            }
        }
    }

    let mut flat = Flat::new();
    walk("", doc, (1, 1), 0, &mut flat, &raw, &at)?;
    Ok(flat)
}

// ---- .env ----

fn env_flat(text: &str) -> Result<Flat, Failure> {
    let mut flat = Flat::new();
    for (n, line) in text.lines().enumerate() {
        let line_no = n + 1;
        let indent = line.len() - line.trim_start().len();
        let mut rest = line.trim_start();
        if rest.is_empty() || rest.starts_with('#') {
            continue;
        }
        let mut col = indent;
        if let Some(r) = rest.strip_prefix("export ") {
            let r2 = r.trim_start();
            col += rest.len() - r2.len();
            rest = r2;
        }
        let column = line[..col].chars().count() + 1;
        let Some(eq) = rest.find('=') else {
            return Err(Failure::new(
                line_no,
                column,
                "a line of a `.env` file is `KEY=VALUE`",
            ));
        };
        let key = rest[..eq].trim_end();
        let valid = key
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if !valid {
            return Err(Failure::new(
                line_no,
                column,
                "a key is letters, digits and `_` (starting with a letter or `_`)",
            ));
        }
        let value_at = eq + 1 + (rest[eq + 1..].len() - rest[eq + 1..].trim_start().len());
        let raw = rest[eq + 1..].trim_start();
        let value_column = line[..col + value_at].chars().count() + 1;
        let value = env_value(raw).map_err(|m| Failure::new(line_no, value_column, m))?;
        insert(
            &mut flat,
            key.to_string(),
            Entry {
                value: Leaf::Str(value),
                line: line_no,
                column,
            },
        )?;
    }
    Ok(flat)
}

fn env_value(raw: &str) -> Result<String, &'static str> {
    let after = |rest: &str| -> Result<(), &'static str> {
        let t = rest.trim_start();
        if t.is_empty() || t.starts_with('#') {
            Ok(())
        } else {
            Err("only a `# comment` may follow a quoted value")
        }
    };
    if let Some(body) = raw.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    after(&body[i + 1..])?;
                    return Ok(out);
                }
                '\\' => match chars.next() {
                    Some((_, 'n')) => out.push('\n'),
                    Some((_, 't')) => out.push('\t'),
                    Some((_, 'r')) => out.push('\r'),
                    Some((_, e)) => out.push(e),
                    None => break,
                },
                c => out.push(c),
            }
        }
        return Err(
            "the quoted value has no closing `\"` on its line (values spanning lines are not read)",
        );
    }
    if let Some(body) = raw.strip_prefix('\'') {
        return match body.find('\'') {
            Some(end) => {
                after(&body[end + 1..])?;
                Ok(body[..end].to_string())
            }
            None => Err(
                "the quoted value has no closing `'` on its line (values spanning lines are not read)",
            ),
        };
    }
    // Unquoted: a `#` after whitespace starts a comment.
    let end = raw
        .char_indices()
        .find(|(i, c)| *c == '#' && raw[..*i].ends_with([' ', '\t']))
        .map_or(raw.len(), |(i, _)| i);
    Ok(raw[..end].trim_end().to_string())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn keys(flat: &Flat) -> Vec<(String, String, usize)> {
        flat.iter()
            .map(|(k, e)| (k.clone(), e.value.render(), e.line))
            .collect()
    }

    #[test]
    fn toml_nests_and_keeps_lines() {
        let f = flatten(
            "name = \"app\"\n[database]\nport = 5_432\nhosts = [\"a\", \"b\"]\n[[servers]]\nhost = \"x\"\n[empty]\n",
            Format::Toml,
        )
        .unwrap();
        assert_eq!(
            keys(&f),
            [
                ("database.hosts".into(), "[\"a\",\"b\"]".into(), 4),
                ("database.port".into(), "5432".into(), 3),
                ("empty".into(), "{}".into(), 7),
                ("name".into(), "app".into(), 1),
                ("servers.0.host".into(), "x".into(), 6),
            ]
        );
    }

    #[test]
    fn numbers_compare_as_values_and_strings_do_not_equal_numbers() {
        let t = flatten("port = 5432\nratio = 0.50\nhex = 0x10\n", Format::Toml).unwrap();
        let y = flatten("port: 5432\nratio: 0.5\nhex: 16\n", Format::Yaml).unwrap();
        let j = flatten("{\"port\": \"5432\", \"ratio\": 5e-1}", Format::Json).unwrap();
        assert_eq!(t["port"].value, y["port"].value);
        assert_eq!(t["ratio"].value, y["ratio"].value);
        assert_eq!(t["ratio"].value, j["ratio"].value);
        assert_eq!(t["hex"].value, y["hex"].value);
        assert_ne!(t["port"].value, j["port"].value);
        assert_eq!(j["port"].value.render(), "\"5432\"");
        assert_eq!(t["port"].value.render(), "5432");
    }

    #[test]
    fn yaml_keys_are_located() {
        let f = flatten(
            "database:\n  url: postgres://db\n  pool: 10\nlist:\n  - name: a\n",
            Format::Yaml,
        )
        .unwrap();
        assert_eq!(
            keys(&f),
            [
                ("database.pool".into(), "10".into(), 3),
                ("database.url".into(), "postgres://db".into(), 2),
                ("list.0.name".into(), "a".into(), 5),
            ]
        );
        assert_eq!(f["database.pool"].column, 3);
    }

    #[test]
    fn json_keys_are_located() {
        let f = flatten("{\n  \"db\": {\n    \"port\": 1\n  }\n}\n", Format::Json).unwrap();
        assert_eq!((f["db.port"].line, f["db.port"].column), (3, 5));
    }

    #[test]
    fn env_lines() {
        let f = flatten(
            "# c\nexport A=1\nB=\"x y\" # note\nC='lit $x'\nD=plain # comment\nE=\n",
            Format::Env,
        )
        .unwrap();
        assert_eq!(
            keys(&f),
            [
                ("A".into(), "\"1\"".into(), 2),
                ("B".into(), "x y".into(), 3),
                ("C".into(), "lit $x".into(), 4),
                ("D".into(), "plain".into(), 5),
                ("E".into(), "\"\"".into(), 6),
            ]
        );
        assert_eq!(f["A"].column, 8);
    }

    #[test]
    fn failures_are_located() {
        let e = flatten("a = 1\nb = \n", Format::Toml).unwrap_err();
        assert_eq!(e.line, 2);
        let e = flatten("a: 1\n b: 2\n  - x\n", Format::Yaml).unwrap_err();
        assert!(e.line >= 2, "{e:?}");
        let e = flatten("{\"a\": 1,\n \"b\" 2}", Format::Json).unwrap_err();
        assert_eq!(e.line, 2);
        let e = flatten("A=1\nnot a pair\n", Format::Env).unwrap_err();
        assert_eq!((e.line, e.column), (2, 1));
        let e = flatten("A=\"open\n", Format::Env).unwrap_err();
        assert_eq!((e.line, e.column), (1, 3));
        let e = flatten("a: 1\na: 2\n", Format::Yaml).unwrap_err();
        assert_eq!(e.line, 2);
        let e = flatten("\"a.b\" = 1\n[a]\nb = 2\n", Format::Toml).unwrap_err();
        assert!(e.message.contains("twice"), "{e:?}");
    }
}
