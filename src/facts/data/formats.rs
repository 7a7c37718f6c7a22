//! NDJSON, JSON and SQL extracts, streamed: each is read once, front to back, through a
//! [`Src`] that counts lines and columns, and each value is handed to [`Collect`] with its
//! field name and place. Memory is bounded by the largest record (a line, an array element,
//! a VALUES row), never by the file.
//!
//! - NDJSON: one JSON object per line; a field is the dotted key path (`address.city`,
//!   `phones[1].number`). Blank lines are skipped.
//! - JSON: a top-level array of objects, read one element at a time with serde_json (the
//!   element, not the document, is parsed); fields as for NDJSON.
//! - SQL: `INSERT [INTO] t [(a, b)] VALUES (…), (…);` — each tuple is a row, a field is the
//!   column's name or `t.col#N` when the statement lists none. Strings take `''` and (as
//!   mysqldump writes them) backslash escapes. Other statements are skipped to their `;`.
//!   `COPY … FROM stdin` data (pg_dump's default) is an error: it would go unscanned.

use super::scan::{Bad, Collect, MAX_RECORD, chars};
use crate::diag::serde_reason as reason;
use crate::facts::load::Progress;
use serde::Deserialize;
use serde_json::Value as J;
use std::io::{BufRead, Read};

/// Progress is told every this many bytes.
const TELL: u64 = 8 << 20;

/// A streamed input that knows where it is (line and column of the next byte, from 1, in
/// characters) and can keep what it reads (one JSON element).
pub struct Src<'a, R> {
    r: R,
    pub line: u64,
    pub col: u64,
    pub capture: Option<Vec<u8>>,
    done: u64,
    told: u64,
    total: u64,
    progress: Option<&'a Progress>,
}

impl<'a, R: BufRead> Src<'a, R> {
    pub fn new(r: R, total: u64, progress: Option<&'a Progress>) -> Src<'a, R> {
        Src {
            r,
            line: 1,
            col: 1,
            capture: None,
            done: 0,
            told: 0,
            total,
            progress,
        }
    }

    fn track(&mut self, bytes: &[u8]) {
        for b in bytes {
            if *b == b'\n' {
                self.line += 1;
                self.col = 1;
            } else if (*b & 0xC0) != 0x80 {
                self.col += 1;
            }
        }
        if let Some(c) = &mut self.capture
            && c.len() < MAX_RECORD
        {
            c.extend_from_slice(bytes);
        }
        self.done += bytes.len() as u64;
        if self.done - self.told >= TELL
            && let Some(p) = self.progress
        {
            self.told = self.done;
            p(self.done.min(self.total), self.total);
        }
    }

    pub fn peek(&mut self) -> std::io::Result<Option<u8>> {
        Ok(self.r.fill_buf()?.first().copied())
    }

    pub fn bump(&mut self) -> std::io::Result<Option<u8>> {
        let b = self.peek()?;
        if let Some(b) = b {
            self.track(&[b]);
            self.r.consume(1);
        }
        Ok(b)
    }

    fn skip_ws(&mut self) -> std::io::Result<()> {
        while let Some(b) = self.peek()? {
            if !b.is_ascii_whitespace() {
                break;
            }
            self.bump()?;
        }
        Ok(())
    }

    fn skip_bom(&mut self) -> std::io::Result<()> {
        if self.r.fill_buf()?.starts_with(b"\xEF\xBB\xBF") {
            self.r.consume(3);
            self.done += 3;
        }
        Ok(())
    }

    /// Reads a line (without its end) into `buf`; `false` at the end of the input.
    fn line_into(&mut self, buf: &mut Vec<u8>) -> std::io::Result<bool> {
        buf.clear();
        let n = (&mut self.r)
            .take(MAX_RECORD as u64 + 1)
            .read_until(b'\n', buf)?;
        self.done += n as u64;
        if self.done - self.told >= TELL
            && let Some(p) = self.progress
        {
            self.told = self.done;
            p(self.done.min(self.total), self.total);
        }
        self.line += 1;
        if buf.last() == Some(&b'\n') {
            buf.pop();
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
        }
        Ok(n > 0)
    }
}

impl<R: BufRead> Read for Src<'_, R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let avail = self.r.fill_buf()?;
        let n = avail.len().min(out.len());
        out[..n].copy_from_slice(&avail[..n]);
        // serde_json reads a byte at a time: no allocation here.
        self.track(&out[..n]);
        self.r.consume(n);
        Ok(n)
    }
}

/// Every string and number in a JSON value, with its dotted key path.
fn walk(v: &J, path: &mut String, f: &mut dyn FnMut(&str, &[u8])) {
    match v {
        J::Object(m) => {
            for (k, v) in m {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                walk(v, path, f);
                path.truncate(len);
            }
        }
        J::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                walk(v, path, f);
                path.truncate(len);
            }
        }
        J::String(s) => f(path, s.as_bytes()),
        J::Number(n) => f(path, n.to_string().as_bytes()),
        J::Bool(_) | J::Null => {}
    }
}

/// Scans a JSON object whose text is `raw`, which starts at `line`, `col`: each value is placed
/// where its text first appears after its key (at the object's start when it is escaped).
fn object(c: &mut Collect, row: u64, line: u64, col: u64, raw: &[u8], v: &J) {
    let mut path = String::new();
    let mut from = 0;
    walk(v, &mut path, &mut |field, value| {
        if c.full() {
            return;
        }
        let key = field.rsplit('.').next().unwrap_or(field);
        let key_at = memchr::memmem::find(&raw[from..], key.as_bytes()).map_or(from, |i| from + i);
        let (l, k) = match memchr::memmem::find(&raw[key_at..], value) {
            Some(i) => {
                let at = key_at + i;
                from = at;
                let before = &raw[..at];
                match memchr::memrchr(b'\n', before) {
                    Some(n) => (
                        line + memchr::memchr_iter(b'\n', before).count() as u64,
                        chars(&before[n + 1..]) + 1,
                    ),
                    None => (line, col + chars(before)),
                }
            }
            None => (line, col),
        };
        c.value(row, l, k, field, value);
    });
}

/// An NDJSON extract.
pub fn ndjson<R: BufRead>(c: &mut Collect, src: &mut Src<R>) -> std::io::Result<Result<(), Bad>> {
    src.skip_bom()?;
    let mut buf = Vec::new();
    let mut row = 0;
    loop {
        let line = src.line;
        if !src.line_into(&mut buf)? {
            break;
        }
        if buf.len() > MAX_RECORD {
            return Ok(Err(Bad::new(
                "data-format",
                line,
                1,
                "this line is longer than 64 MiB",
            )));
        }
        if buf.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<J>(&buf) {
            Err(e) => {
                return Ok(Err(Bad::new(
                    "data-syntax",
                    line,
                    e.column().max(1) as u64,
                    format!("this line is not valid JSON: {}", reason(&e)),
                )
                .help("an NDJSON extract holds one JSON object per line")));
            }
            Ok(v @ J::Object(_)) => {
                row += 1;
                object(c, row, line, 1, &buf, &v);
            }
            Ok(_) => {
                return Ok(Err(Bad::new(
                    "data-format",
                    line,
                    1,
                    "this line is not a JSON object",
                )
                .help("an NDJSON extract holds one JSON object per line")));
            }
        }
    }
    c.out.rows = row;
    Ok(Ok(()))
}

/// A JSON extract: an array of objects.
pub fn json<R: BufRead>(c: &mut Collect, src: &mut Src<R>) -> std::io::Result<Result<(), Bad>> {
    src.skip_bom()?;
    src.skip_ws()?;
    let array_help = "a JSON extract is an array of objects, `[{…}, {…}]`; write other shapes one object per line, as NDJSON";
    if src.peek()? != Some(b'[') {
        return Ok(Err(Bad::new(
            "data-format",
            src.line,
            src.col,
            "the JSON extract is not an array",
        )
        .help(array_help)));
    }
    src.bump()?;
    let mut row = 0;
    loop {
        src.skip_ws()?;
        if row == 0 && src.peek()? == Some(b']') {
            src.bump()?;
            break;
        }
        let (line, col) = (src.line, src.col);
        src.capture = Some(Vec::new());
        let parsed = {
            let mut de = serde_json::Deserializer::from_reader(&mut *src);
            J::deserialize(&mut de)
        };
        let raw = src.capture.take().unwrap_or_default();
        match parsed {
            Err(e) if e.is_io() => return Err(std::io::Error::other(e.to_string())),
            Err(e) => {
                let (l, k) = if e.line() <= 1 {
                    (line, col + (e.column().max(1) as u64) - 1)
                } else {
                    (line + e.line() as u64 - 1, e.column().max(1) as u64)
                };
                let what = if e.is_eof() {
                    "the JSON extract ends early".to_string()
                } else {
                    format!("not valid JSON: {}", reason(&e))
                };
                return Ok(Err(Bad::new("data-syntax", l, k, what)));
            }
            Ok(v @ J::Object(_)) => {
                row += 1;
                object(c, row, line, col, &raw, &v);
            }
            Ok(_) => {
                return Ok(Err(Bad::new(
                    "data-format",
                    line,
                    col,
                    format!("element {} of the array is not an object", row + 1),
                )
                .help(array_help)));
            }
        }
        src.skip_ws()?;
        let (line, col) = (src.line, src.col);
        match src.bump()? {
            Some(b',') => {}
            Some(b']') => break,
            None => {
                return Ok(Err(Bad::new(
                    "data-syntax",
                    line,
                    col,
                    "the JSON extract ends early: the array is never closed",
                )));
            }
            Some(_) => {
                return Ok(Err(Bad::new(
                    "data-syntax",
                    line,
                    col,
                    "expected `,` or `]` after an element of the array",
                )));
            }
        }
    }
    src.skip_ws()?;
    if src.peek()?.is_some() {
        return Ok(Err(Bad::new(
            "data-syntax",
            src.line,
            src.col,
            "text after the end of the array",
        )));
    }
    c.out.rows = row;
    Ok(Ok(()))
}

type Step = std::io::Result<Result<(), Bad>>;

/// Skips blanks and comments (`-- …`, `# …`, `/* … */`).
fn sql_space<R: BufRead>(src: &mut Src<R>) -> Step {
    loop {
        src.skip_ws()?;
        let (line, col) = (src.line, src.col);
        let head: Vec<u8> = src.r.fill_buf()?.iter().take(2).copied().collect();
        if head.starts_with(b"--") || head.starts_with(b"#") {
            while let Some(b) = src.bump()? {
                if b == b'\n' {
                    break;
                }
            }
        } else if head == b"/*" {
            src.bump()?;
            src.bump()?;
            let mut prev = 0;
            loop {
                match src.bump()? {
                    None => {
                        return Ok(Err(Bad::new(
                            "data-syntax",
                            line,
                            col,
                            "a comment opened here is never closed",
                        )));
                    }
                    Some(b'/') if prev == b'*' => break,
                    Some(b) => prev = b,
                }
            }
        } else {
            return Ok(Ok(()));
        }
    }
}

fn word<R: BufRead>(src: &mut Src<R>) -> std::io::Result<String> {
    let mut w = String::new();
    while let Some(b) = src.peek()? {
        if !(b.is_ascii_alphanumeric() || b == b'_') {
            break;
        }
        w.push(char::from(b.to_ascii_uppercase()));
        src.bump()?;
    }
    Ok(w)
}

/// A quoted string after its opening quote, into `buf` (unescaped): `''` and backslash
/// escapes. `Err` when it never closes.
fn sql_string<R: BufRead>(src: &mut Src<R>, quote: u8, buf: &mut Vec<u8>, at: (u64, u64)) -> Step {
    loop {
        match src.bump()? {
            None => {
                return Ok(Err(Bad::new(
                    "data-syntax",
                    at.0,
                    at.1,
                    "a string opened here is never closed",
                )
                .help("a quote inside a string is written `''`")));
            }
            Some(b) if b == quote => {
                if src.peek()? == Some(quote) {
                    src.bump()?;
                    buf.push(quote);
                } else {
                    return Ok(Ok(()));
                }
            }
            Some(b'\\') if quote == b'\'' => match src.bump()? {
                Some(b'n') => buf.push(b'\n'),
                Some(b't') => buf.push(b'\t'),
                Some(b'r') => buf.push(b'\r'),
                Some(b'0') => buf.push(0),
                Some(b) => buf.push(b),
                None => {}
            },
            Some(b) => {
                if buf.len() < MAX_RECORD {
                    buf.push(b);
                }
            }
        }
    }
}

/// Skips to the end of a statement (`;` outside strings and comments, or the end).
fn sql_skip<R: BufRead>(src: &mut Src<R>) -> Step {
    let mut scratch = Vec::new();
    loop {
        let at = (src.line, src.col);
        match src.peek()? {
            None => return Ok(Ok(())),
            Some(b';') => {
                src.bump()?;
                return Ok(Ok(()));
            }
            Some(q @ (b'\'' | b'"' | b'`')) => {
                src.bump()?;
                scratch.clear();
                if let Err(bad) = sql_string(src, q, &mut scratch, at)? {
                    return Ok(Err(bad));
                }
            }
            Some(b'-' | b'/' | b'#') => {
                if let Err(bad) = sql_space(src)? {
                    return Ok(Err(bad));
                }
                if matches!(src.peek()?, Some(b'-' | b'/' | b'#')) {
                    src.bump()?;
                }
            }
            Some(b'$') => {
                src.bump()?;
                if src.peek()? == Some(b'$') {
                    // A dollar-quoted body (`$$ … $$`).
                    src.bump()?;
                    let mut prev = 0;
                    loop {
                        match src.bump()? {
                            None => {
                                return Ok(Err(Bad::new(
                                    "data-syntax",
                                    at.0,
                                    at.1,
                                    "a `$$` body opened here is never closed",
                                )));
                            }
                            Some(b'$') if prev == b'$' => break,
                            Some(b) => prev = b,
                        }
                    }
                }
            }
            Some(_) => {
                src.bump()?;
            }
        }
    }
}

/// An identifier, bare or quoted (`"t"`, `` `t` ``, `[t]`), with its dots (`public.t`).
fn sql_name<R: BufRead>(src: &mut Src<R>) -> std::io::Result<String> {
    let mut name = String::new();
    loop {
        match src.peek()? {
            Some(q @ (b'"' | b'`' | b'[')) => {
                let close = if q == b'[' { b']' } else { q };
                src.bump()?;
                let mut part = Vec::new();
                while let Some(b) = src.bump()? {
                    if b == close {
                        break;
                    }
                    part.push(b);
                }
                name.push_str(&String::from_utf8_lossy(&part));
            }
            Some(b) if b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80 => {
                let mut part = Vec::new();
                while let Some(b) = src.peek()? {
                    if !(b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80) {
                        break;
                    }
                    part.push(b);
                    src.bump()?;
                }
                name.push_str(&String::from_utf8_lossy(&part));
            }
            _ => return Ok(name),
        }
        if src.peek()? == Some(b'.') {
            src.bump()?;
            name.push('.');
        } else {
            return Ok(name);
        }
    }
}

macro_rules! bad {
    ($e:expr) => {
        if let Err(bad) = $e? {
            return Ok(Err(bad));
        }
    };
}

/// One `INSERT … VALUES …` statement, after its first word.
fn sql_insert<R: BufRead>(c: &mut Collect, src: &mut Src<R>, row: &mut u64) -> Step {
    loop {
        bad!(sql_space(src));
        let name = sql_name(src)?;
        match name.to_ascii_uppercase().as_str() {
            "INTO" | "IGNORE" | "LOW_PRIORITY" | "DELAYED" | "HIGH_PRIORITY" => {}
            _ => return sql_insert_into(c, src, row, name),
        }
    }
}

fn sql_insert_into<R: BufRead>(
    c: &mut Collect,
    src: &mut Src<R>,
    row: &mut u64,
    table: String,
) -> Step {
    if table.is_empty() {
        return Ok(Err(Bad::new(
            "data-syntax",
            src.line,
            src.col,
            "expected the table's name after `INSERT INTO`",
        )));
    }
    bad!(sql_space(src));
    let mut cols: Vec<String> = Vec::new();
    if src.peek()? == Some(b'(') {
        src.bump()?;
        loop {
            bad!(sql_space(src));
            let name = sql_name(src)?;
            bad!(sql_space(src));
            let at = (src.line, src.col);
            match src.bump()? {
                Some(b',') => cols.push(name),
                Some(b')') => {
                    cols.push(name);
                    break;
                }
                _ => {
                    return Ok(Err(Bad::new(
                        "data-syntax",
                        at.0,
                        at.1,
                        "expected `,` or `)` in the list of columns",
                    )));
                }
            }
        }
        bad!(sql_space(src));
    }
    let w = word(src)?;
    if w != "VALUES" && w != "VALUE" {
        // `INSERT … SELECT`, `DEFAULT VALUES`, `SET …`: no literal rows.
        return sql_skip(src);
    }
    let mut buf = Vec::new();
    loop {
        bad!(sql_space(src));
        let start = (src.line, src.col);
        if src.bump()? != Some(b'(') {
            return Ok(Err(Bad::new(
                "data-syntax",
                start.0,
                start.1,
                "expected `(` to start a row of VALUES",
            )));
        }
        *row += 1;
        let mut n = 0usize;
        loop {
            bad!(sql_space(src));
            let at = (src.line, src.col);
            buf.clear();
            let mut place = at;
            match src.peek()? {
                Some(q @ (b'\'' | b'"')) => {
                    src.bump()?;
                    place = (src.line, src.col);
                    bad!(sql_string(src, q, &mut buf, at));
                }
                _ => {
                    // A bare token: a number, NULL, a call (nested parentheses), or a
                    // prefixed string (`E'…'`, `N'…'`, `_utf8'…'`).
                    let mut depth = 0usize;
                    loop {
                        let here = (src.line, src.col);
                        match src.peek()? {
                            None => break,
                            Some(b',' | b')') if depth == 0 => break,
                            Some(b'(') => {
                                depth += 1;
                                src.bump()?;
                                buf.push(b'(');
                            }
                            Some(b')') => {
                                depth -= 1;
                                src.bump()?;
                                buf.push(b')');
                            }
                            Some(b'\'') => {
                                src.bump()?;
                                if depth == 0 {
                                    buf.clear();
                                    place = (src.line, src.col);
                                }
                                bad!(sql_string(src, b'\'', &mut buf, here));
                            }
                            Some(b) => {
                                src.bump()?;
                                if buf.len() < MAX_RECORD {
                                    buf.push(b);
                                }
                            }
                        }
                    }
                    while buf.last().is_some_and(u8::is_ascii_whitespace) {
                        buf.pop();
                    }
                }
            }
            n += 1;
            if !buf.eq_ignore_ascii_case(b"null") {
                let field = match cols.get(n - 1) {
                    Some(name) => name.clone(),
                    None => format!("{table}.col#{n}"),
                };
                c.value(*row, place.0, place.1, &field, &buf);
            }
            bad!(sql_space(src));
            let at = (src.line, src.col);
            match src.bump()? {
                Some(b',') => {}
                Some(b')') => break,
                None => {
                    return Ok(Err(Bad::new(
                        "data-syntax",
                        start.0,
                        start.1,
                        "this row of VALUES is never closed",
                    )));
                }
                Some(_) => {
                    return Ok(Err(Bad::new(
                        "data-syntax",
                        at.0,
                        at.1,
                        "expected `,` or `)` after a value",
                    )));
                }
            }
        }
        if !cols.is_empty() && n != cols.len() {
            return Ok(Err(Bad::new(
                "data-format",
                start.0,
                start.1,
                format!("this row has {n} values for {} columns", cols.len()),
            )));
        }
        bad!(sql_space(src));
        match src.peek()? {
            Some(b',') => {
                src.bump()?;
            }
            Some(b';') => {
                src.bump()?;
                return Ok(Ok(()));
            }
            None => return Ok(Ok(())),
            // `ON DUPLICATE KEY UPDATE …`, `RETURNING …`
            Some(_) => return sql_skip(src),
        }
    }
}

/// A SQL dump.
pub fn sql<R: BufRead>(c: &mut Collect, src: &mut Src<R>) -> Step {
    src.skip_bom()?;
    let mut row = 0u64;
    loop {
        bad!(sql_space(src));
        let at = (src.line, src.col);
        match src.peek()? {
            None => break,
            Some(b';') => {
                src.bump()?;
                continue;
            }
            Some(b) if b.is_ascii_alphabetic() => {}
            Some(_) => {
                bad!(sql_skip(src));
                continue;
            }
        }
        let w = word(src)?;
        match w.as_str() {
            "INSERT" | "REPLACE" => bad!(sql_insert(c, src, &mut row)),
            "COPY" => {
                return Ok(Err(Bad::new(
                    "data-format",
                    at.0,
                    at.1,
                    "`COPY` data is not read: its rows would go unscanned",
                )
                .help("dump with `pg_dump --inserts` (or `--column-inserts`) so that every row is an INSERT")));
            }
            _ => bad!(sql_skip(src)),
        }
    }
    c.out.rows = row;
    Ok(Ok(()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::type_complexity)]
mod tests {
    use super::*;
    use crate::facts::data::detect::{Detector, Kind};

    fn run(which: &str, text: &str) -> Result<Vec<(u64, u64, u64, String, String, String)>, Bad> {
        let det = Detector::new(&Kind::ALL, &[]).unwrap();
        let ignore = |_: &str| false;
        let mut c = Collect::new(&det, 100, &ignore);
        let mut src = Src::new(text.as_bytes(), text.len() as u64, None);
        match which {
            "ndjson" => ndjson(&mut c, &mut src),
            "json" => json(&mut c, &mut src),
            _ => sql(&mut c, &mut src),
        }
        .unwrap()?;
        Ok(c.out
            .findings
            .iter()
            .map(|f| {
                (
                    f.row,
                    f.line,
                    f.column,
                    f.field.clone(),
                    f.kind.clone(),
                    f.sample.clone(),
                )
            })
            .collect())
    }

    fn t(
        row: u64,
        line: u64,
        col: u64,
        field: &str,
        kind: &str,
        sample: &str,
    ) -> (u64, u64, u64, String, String, String) {
        (row, line, col, field.into(), kind.into(), sample.into())
    }

    #[test]
    fn ndjson_paths_and_places() {
        let got = run("ndjson",
            "{\"id\":1,\"user\":{\"mail\":\"ann@example.org\"}}\n\n{\"cards\":[\"x\",4111111111111111]}\n",
        )
        .unwrap();
        assert_eq!(
            got,
            vec![
                t(1, 1, 25, "user.mail", "email", "a**@e******.org"),
                t(2, 3, 15, "cards[1]", "credit_card", "************1111"),
            ]
        );
        let bad = run("ndjson", "{\"a\":1}\n{\"a\":\n").unwrap_err();
        assert_eq!((bad.line, bad.code), (2, "data-syntax"));
        let bad = run("ndjson", "[1]\n").unwrap_err();
        assert_eq!((bad.line, bad.code), (1, "data-format"));
    }

    #[test]
    fn json_arrays_stream_by_element() {
        let got = run(
            "json",
            "[\n  {\"id\": 1,\n   \"ssn\": \"123-45-6789\"},\n  {\"ip\": \"10.1.2.3\"}\n]\n",
        )
        .unwrap();
        assert_eq!(
            got,
            vec![
                t(1, 3, 12, "ssn", "us_ssn", "***-**-6789"),
                t(2, 4, 11, "ip", "ipv4", "10.*.*.3"),
            ]
        );
        let bad = run("json", "[\n {\"a\": 1},\n {\"a\" 2}\n]").unwrap_err();
        assert_eq!((bad.line, bad.column, bad.code), (3, 7, "data-syntax"));
        let bad = run("json", "{\"a\": 1}").unwrap_err();
        assert_eq!(bad.code, "data-format");
        let bad = run("json", "[{\"a\": 1},").unwrap_err();
        assert_eq!(bad.code, "data-syntax");
        assert_eq!(run("json", "[]").unwrap(), vec![]);
    }

    #[test]
    fn sql_rows_and_columns() {
        let got = run("sql",
            "-- dump\nCREATE TABLE t (a int);\nINSERT INTO `users` (`id`, `email`) VALUES (1,'o''neil@example.com'),\n(2, NULL);\ninsert into t values (3, 'x', '4111-1111-1111-1111');\n",
        )
        .unwrap();
        assert_eq!(
            got,
            vec![
                t(1, 3, 48, "email", "email", "o*****@e******.com"),
                t(3, 5, 32, "t.col#3", "credit_card", "****-****-****-1111"),
            ]
        );
        let bad = run("sql", "INSERT INTO t VALUES (1, 'open);\n").unwrap_err();
        assert_eq!((bad.line, bad.column, bad.code), (1, 26, "data-syntax"));
        let bad = run("sql", "INSERT INTO t (a, b) VALUES (1);").unwrap_err();
        assert_eq!(bad.code, "data-format");
        let bad = run("sql", "COPY t (a) FROM stdin;\n1\n\\.\n").unwrap_err();
        assert_eq!(bad.code, "data-format");
    }
}
