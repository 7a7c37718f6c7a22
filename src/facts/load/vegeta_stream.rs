//! vegeta's results as JSON lines (`vegeta attack … | vegeta encode --to json`): one object a
//! request, `{"attack":…,"seq":…,"code":200,"timestamp":"…","latency":12345678,"bytes_out":…,
//! "bytes_in":…,"error":"","body":…,"method":…,"url":…,"headers":…}`. `timestamp` is when the
//! request was sent, `latency` is in nanoseconds; a request failed when `code` is 0 or ≥ 400 or
//! `error` is not empty, and timed out when the error says so. vegeta's default binary (gob)
//! form is refused with the command that converts it.

use super::record::Recorder;
use super::stream::{self, Block, Found};
use memchr::memmem;
use serde_json::Value as J;

pub const FORMAT: &str = "json-lines";
pub const WHAT: &str = "the vegeta results";

/// Whether a first line is one of vegeta's results.
pub fn is_first_line(v: &J) -> bool {
    ["latency", "timestamp", "code"]
        .iter()
        .all(|k| v.get(k).is_some())
}

/// Whether the start of a file looks like vegeta's gob encoding: binary, with its field names.
pub fn is_gob(head: &[u8]) -> bool {
    let text = std::str::from_utf8(head).is_ok() && !head.contains(&0);
    !text && memmem::find(head, b"Latency").is_some() && memmem::find(head, b"Timestamp").is_some()
}

struct Sample<'a> {
    code: &'a [u8],
    timestamp: &'a [u8],
    latency: &'a [u8],
    error: &'a [u8],
    method: &'a [u8],
    url: &'a [u8],
}

pub struct Vegeta {
    code: memmem::Finder<'static>,
    timestamp: memmem::Finder<'static>,
    latency: memmem::Finder<'static>,
    error: memmem::Finder<'static>,
    method: memmem::Finder<'static>,
    url: memmem::Finder<'static>,
}

impl Default for Vegeta {
    fn default() -> Self {
        Vegeta {
            code: memmem::Finder::new(b"\"code\":"),
            timestamp: memmem::Finder::new(b"\"timestamp\":\""),
            latency: memmem::Finder::new(b"\"latency\":"),
            error: memmem::Finder::new(b"\"error\":\""),
            method: memmem::Finder::new(b"\"method\":\""),
            url: memmem::Finder::new(b"\"url\":\""),
        }
    }
}

fn number_at(line: &[u8], at: usize) -> Option<&[u8]> {
    let rest = line.get(at..)?;
    rest.get(..memchr::memchr2(b',', b'}', rest)?)
}

fn string_at(line: &[u8], at: usize) -> Option<&[u8]> {
    let rest = line.get(at..)?;
    rest.get(..memchr::memchr(b'"', rest)?)
}

impl Vegeta {
    fn fast<'a>(&self, line: &'a [u8]) -> Option<Sample<'a>> {
        if memchr::memchr(b'\\', line).is_some() || !line.starts_with(b"{") {
            return None;
        }
        let opt = |f: &memmem::Finder, len: usize| match f.find(line) {
            Some(i) => string_at(line, i + len),
            None => Some(&b""[..]),
        };
        Some(Sample {
            code: number_at(line, self.code.find(line)? + 7)?,
            timestamp: string_at(line, self.timestamp.find(line)? + 13)?,
            latency: number_at(line, self.latency.find(line)? + 10)?,
            error: opt(&self.error, 9)?,
            method: opt(&self.method, 10)?,
            url: opt(&self.url, 7)?,
        })
    }

    fn apply(
        &self,
        s: &Sample,
        n: u64,
        line: &[u8],
        name: &mut Vec<u8>,
        rec: &mut Recorder,
        found: &mut Vec<Found>,
    ) {
        let bad = |key: &str, value: &[u8], what: &str| {
            let shown: String = String::from_utf8_lossy(value).chars().take(60).collect();
            let at = memmem::find(line, format!("\"{key}\":").as_bytes())
                .map_or(0, |i| i + key.len() + 3);
            Found::new(
                "load-field",
                n,
                stream::column(line, at),
                line,
                format!("`{key}` is not {what}: `{shown}`"),
            )
        };
        let Some(ns) = stream::parse_u64(s.latency) else {
            found.push(bad("latency", s.latency, "a whole number of nanoseconds"));
            return;
        };
        let Some(code) = stream::parse_u64(s.code) else {
            found.push(bad("code", s.code, "an HTTP status code"));
            return;
        };
        let Some(start) = stream::parse_time(s.timestamp) else {
            found.push(bad("timestamp", s.timestamp, "an RFC 3339 time"));
            return;
        };
        let failed = code == 0 || code >= 400 || !s.error.is_empty();
        let timeout = !s.error.is_empty()
            && String::from_utf8_lossy(s.error)
                .to_ascii_lowercase()
                .contains("timeout");
        stream::request_name(name, s.method, s.url);
        let end = start.saturating_add(i64::try_from(ns).unwrap_or(i64::MAX));
        rec.sample(ns, Some((start, end)), name, failed, timeout);
    }

    #[allow(clippy::too_many_arguments)]
    fn slow(
        &self,
        line: &[u8],
        n: u64,
        ended: bool,
        last: bool,
        name: &mut Vec<u8>,
        rec: &mut Recorder,
        found: &mut Vec<Found>,
    ) {
        let v: J = match stream::json_line(line, n, ended, last, "the attack") {
            Ok(v) => v,
            Err(problem) => {
                found.push(problem);
                return;
            }
        };
        let Some(obj) = v.as_object() else {
            found.push(Found::new(
                "load-format",
                n,
                1,
                line,
                "this line is not a vegeta result object",
            ));
            return;
        };
        let missing: Vec<&str> = ["code", "timestamp", "latency"]
            .into_iter()
            .filter(|k| !obj.contains_key(*k))
            .collect();
        if !missing.is_empty() {
            found.push(Found::new(
                "load-field",
                n,
                1,
                line,
                format!("this result has no `{}`", missing.join("`, `")),
            ));
            return;
        }
        // As the fast reading does: an absent or `null` field is empty (no error, no method).
        let text = |k: &str| match obj.get(k) {
            None | Some(J::Null) => String::new(),
            Some(J::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        };
        let (code, timestamp, latency) = (text("code"), text("timestamp"), text("latency"));
        let (error, method, url) = (text("error"), text("method"), text("url"));
        let s = Sample {
            code: code.as_bytes(),
            timestamp: timestamp.as_bytes(),
            latency: latency.as_bytes(),
            error: error.as_bytes(),
            method: method.as_bytes(),
            url: url.as_bytes(),
        };
        self.apply(&s, n, line, name, rec, found);
    }
}

impl stream::Format for Vegeta {
    fn block(&self, b: &Block, rec: &mut Recorder, found: &mut Vec<Found>) -> stream::Lines {
        let mut last_n = 0;
        let mut name = Vec::new();
        for (n, line, ended) in stream::lines(b.data) {
            last_n = n;
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            // The fast reading needs the line to end as an object does (a cut line goes slow).
            match self.fast(line).filter(|_| line.ends_with(b"}")) {
                Some(s) => self.apply(&s, n, line, &mut name, rec, found),
                None => self.slow(line, n, ended, b.last, &mut name, rec, found),
            }
        }
        stream::Lines::plain(last_n)
    }
}
