//! k6's point stream (`k6 run --out json=results.json`): one JSON object a line, either a
//! metric's declaration (`{"type":"Metric",…}`) or one of its points
//! (`{"type":"Point","data":{"time":…,"value":…,"tags":{…}},"metric":"http_req_duration"}`).
//!
//! Only three metrics matter: `http_req_duration` (one point per request, in milliseconds, at
//! the request's end; tags `name`, `method`, `url`, `status`, `error_code`), `http_req_failed`
//! (k6 ≥ 0.31: 1 for a failed request) and `dropped_iterations`. A line is skipped by its
//! metric name, read at its end, without parsing; a point of a metric that matters is read by a
//! fixed-shape scanner, and anything unusual (escapes, another key order) by serde_json.

use super::record::Recorder;
use super::stream::{self, Block, Found};
use memchr::memmem;
use serde_json::Value as J;

pub const FORMAT: &str = "ndjson";
pub const WHAT: &str = "the k6 results";

#[derive(Clone, Copy, Debug, PartialEq)]
enum Metric {
    Duration,
    Failed,
    Dropped,
}

fn metric(name: &[u8]) -> Option<Metric> {
    match name {
        b"http_req_duration" => Some(Metric::Duration),
        b"http_req_failed" => Some(Metric::Failed),
        b"dropped_iterations" => Some(Metric::Dropped),
        _ => None,
    }
}

/// Whether a first line is a k6 NDJSON line.
pub fn is_first_line(v: &J) -> bool {
    matches!(v.get("type").and_then(J::as_str), Some("Metric" | "Point"))
        && v.get("metric").is_some_and(J::is_string)
}

/// The tags of a point gate reads.
#[derive(Default)]
struct Tags<'a> {
    name: &'a [u8],
    method: &'a [u8],
    url: &'a [u8],
    status: &'a [u8],
    error_code: &'a [u8],
}

impl<'a> Tags<'a> {
    fn set(&mut self, key: &[u8], value: &'a [u8]) {
        match key {
            b"name" => self.name = value,
            b"method" => self.method = value,
            b"url" => self.url = value,
            b"status" => self.status = value,
            b"error_code" => self.error_code = value,
            _ => {}
        }
    }
}

/// A point, as read from a line.
struct Point<'a> {
    metric: Metric,
    time: &'a [u8],
    value: &'a [u8],
    tags: Tags<'a>,
}

pub struct K6 {
    time_key: memmem::Finder<'static>,
    value_key: memmem::Finder<'static>,
    tags_key: memmem::Finder<'static>,
}

impl Default for K6 {
    fn default() -> Self {
        K6 {
            time_key: memmem::Finder::new(b"\"time\":\""),
            value_key: memmem::Finder::new(b"\"value\":"),
            tags_key: memmem::Finder::new(b"\"tags\":"),
        }
    }
}

/// Where the next `"` is (the end of a tag's key or value, a few bytes on): 16 bytes at a time
/// inline (`wide`), cheaper than a call to `memchr` for so few.
#[inline(always)]
fn quote(s: &[u8]) -> Option<usize> {
    let qv = wide::u8x16::splat(b'"');
    let (chunks, tail) = s.as_chunks::<16>();
    for (i, c) in chunks.iter().enumerate() {
        let m = wide::u8x16::new(*c).cmp_eq(qv).move_mask();
        if m != 0 {
            return Some(i * 16 + m.trailing_zeros() as usize);
        }
    }
    tail.iter()
        .position(|b| *b == b'"')
        .map(|p| chunks.len() * 16 + p)
}

/// How k6 starts a point's line.
const POINT_DATA_TIME: &[u8] = b"{\"type\":\"Point\",\"data\":{\"time\":\"";

/// The metric a point line ends with (`…,"metric":"NAME"}`), read backwards from its end.
#[inline]
fn metric_at_end(line: &[u8]) -> Option<&[u8]> {
    let body = line.strip_suffix(b"\"}")?;
    let q = memchr::memrchr(b'"', body)?;
    let name = body.get(q + 1..)?;
    body.get(..q)?.ends_with(b"\"metric\":").then_some(name)
}

/// Milliseconds (a JSON number) as nanoseconds, exactly for plain decimals.
fn ms_to_ns(s: &[u8]) -> Option<u64> {
    let (int, frac) = match memchr::memchr(b'.', s) {
        Some(i) => (s.get(..i)?, s.get(i + 1..)?),
        None => (s, &b""[..]),
    };
    if let (Some(i), true) = (stream::parse_u64(int), frac.iter().all(u8::is_ascii_digit)) {
        let mut f = 0u64;
        for k in 0..6 {
            f = f * 10 + u64::from(frac.get(k).map_or(0, |d| d - b'0'));
        }
        let up = u64::from(frac.get(6).is_some_and(|d| *d >= b'5'));
        return i.checked_mul(1_000_000)?.checked_add(f + up);
    }
    let v = stream::parse_f64(s)?;
    (0.0..1.8e13).contains(&v).then(|| (v * 1e6).round() as u64)
}

impl K6 {
    /// The fixed-shape reading of a point line without escapes; `None` for anything else.
    fn fast<'a>(&self, line: &'a [u8], m: Metric) -> Option<Point<'a>> {
        // k6's order (`{"type":"Point","data":{"time":"…","value":…,"tags":…`) is read at fixed
        // places; any other by searching for the keys.
        let (time, value, rest) = match line.strip_prefix(POINT_DATA_TIME) {
            Some(rest) => {
                let te = memchr::memchr(b'"', rest)?;
                let time = rest.get(..te)?;
                let rest = rest.get(te..)?.strip_prefix(b"\",\"value\":")?;
                let ve = memchr::memchr2(b',', b'}', rest)?;
                let value = rest.get(..ve)?;
                let rest = rest.get(ve..)?.strip_prefix(b",\"tags\":")?;
                (time, value, rest)
            }
            None => {
                let t = self.time_key.find(line)? + 8;
                let rest = line.get(t..)?;
                let time = rest.get(..memchr::memchr(b'"', rest)?)?;
                let v = self.value_key.find(line)? + 8;
                let rest = line.get(v..)?;
                let value = rest.get(..memchr::memchr2(b',', b'}', rest)?)?;
                let g = self.tags_key.find(line)? + 7;
                (time, value, line.get(g..)?)
            }
        };
        let mut tags = Tags::default();
        if !rest.starts_with(b"null") {
            // A flat object of strings: {"k":"v",…}
            let mut p = 1usize;
            if rest.first() != Some(&b'{') {
                return None;
            }
            if rest.get(p) != Some(&b'}') {
                loop {
                    if rest.get(p) != Some(&b'"') {
                        return None;
                    }
                    let ks = p + 1;
                    let ke = ks + quote(rest.get(ks..)?)?;
                    if rest.get(ke + 1) != Some(&b':') || rest.get(ke + 2) != Some(&b'"') {
                        return None;
                    }
                    let vs = ke + 3;
                    let ve = vs + quote(rest.get(vs..)?)?;
                    tags.set(rest.get(ks..ke)?, rest.get(vs..ve)?);
                    p = ve + 1;
                    match rest.get(p) {
                        Some(b',') => p += 1,
                        Some(b'}') => break,
                        _ => return None,
                    }
                }
            }
        }
        Some(Point {
            metric: m,
            time,
            value,
            tags,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn apply(
        &self,
        p: &Point,
        n: u64,
        line: &[u8],
        name: &mut Vec<u8>,
        clock: &mut stream::TimeCache,
        rec: &mut Recorder,
        found: &mut Vec<Found>,
    ) {
        let Some(end) = stream::parse_time_cached(p.time, clock) else {
            let shown: String = String::from_utf8_lossy(p.time).chars().take(60).collect();
            let at = memmem::find(line, p.time).unwrap_or(0);
            found.push(Found::new(
                "load-field",
                n,
                stream::column(line, at),
                line,
                format!("`time` is not an RFC 3339 time: `{shown}`"),
            ));
            return;
        };
        let value_error = |what: &str| {
            let shown: String = String::from_utf8_lossy(p.value).chars().take(60).collect();
            let at = memmem::find(line, b"\"value\":").map_or(0, |i| i + 8);
            Found::new(
                "load-field",
                n,
                stream::column(line, at),
                line,
                format!("`value` is not {what}: `{shown}`"),
            )
        };
        if p.tags.name.is_empty() {
            stream::request_name(name, p.tags.method, p.tags.url);
        } else {
            name.clear();
            name.extend_from_slice(p.tags.name);
        }
        match p.metric {
            Metric::Duration => {
                let Some(ns) = ms_to_ns(p.value) else {
                    found.push(value_error("a duration in milliseconds"));
                    return;
                };
                // k6 tags every HTTP request with its status (`0` when no response came).
                let failed = match stream::parse_u64(p.tags.status) {
                    Some(s) => s == 0 || s >= 400,
                    // Without one, only `http_req_failed` can say (checked once the file is read).
                    None if p.tags.status.is_empty() => {
                        rec.unknown_status += 1;
                        false
                    }
                    None => {
                        let shown = String::from_utf8_lossy(p.tags.status);
                        let at = memmem::find(line, b"\"status\":").map_or(0, |i| i + 9);
                        found.push(Found::new(
                            "load-field",
                            n,
                            stream::column(line, at),
                            line,
                            format!("the `status` tag is not an HTTP status: `{shown}`"),
                        ));
                        return;
                    }
                };
                let timeout = p.tags.error_code == b"1050";
                let start = end.saturating_sub(i64::try_from(ns).unwrap_or(i64::MAX));
                rec.sample(ns, Some((start, end)), name, failed || timeout, timeout);
            }
            Metric::Failed => match p.value {
                b"0" => rec.saw_flag = true,
                b"1" => {
                    rec.saw_flag = true;
                    rec.flag_failed(Some(end), name);
                }
                _ => found.push(value_error("0 or 1")),
            },
            Metric::Dropped => match stream::parse_f64(p.value) {
                Some(v) if v >= 0.0 => {
                    rec.saw_dropped = true;
                    rec.dropped += v.round() as u64;
                }
                _ => found.push(value_error("a count")),
            },
        }
    }

    /// The general reading of a line, through serde_json.
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
        let v: J = match stream::json_line(line, n, ended, last, "the test") {
            Ok(v) => v,
            Err(problem) => {
                found.push(problem);
                return;
            }
        };
        let kind = v.get("type").and_then(J::as_str);
        let m = v.get("metric").and_then(J::as_str);
        match (kind, m) {
            (Some("Metric"), Some(_)) => {}
            (Some("Point"), Some(m)) => {
                let Some(metric) = metric(m.as_bytes()) else {
                    return;
                };
                let data = v.get("data");
                let time = data.and_then(|d| d.get("time")).and_then(J::as_str);
                let value = data.and_then(|d| d.get("value")).filter(|v| v.is_number());
                let (Some(time), Some(value)) = (time, value) else {
                    found.push(Found::new(
                        "load-field",
                        n,
                        1,
                        line,
                        "this point has no `data.time` string or no `data.value` number",
                    ));
                    return;
                };
                let value = value.to_string();
                let mut tags = Tags::default();
                if let Some(t) = data.and_then(|d| d.get("tags")).and_then(J::as_object) {
                    for (k, v) in t {
                        if let Some(s) = v.as_str() {
                            tags.set(k.as_bytes(), s.as_bytes());
                        }
                    }
                }
                let p = Point {
                    metric,
                    time: time.as_bytes(),
                    value: value.as_bytes(),
                    tags,
                };
                self.apply(
                    &p,
                    n,
                    line,
                    name,
                    &mut stream::TimeCache::default(),
                    rec,
                    found,
                );
            }
            _ => found.push(
                Found::new(
                    "load-format",
                    n,
                    1,
                    line,
                    "this line is not a k6 metric or point (`\"type\":\"Metric\"` or `\"Point\"`)",
                )
                .help("gate reads the lines `k6 run --out json=FILE` writes"),
            ),
        }
    }
}

impl stream::Format for K6 {
    fn block(&self, b: &Block, rec: &mut Recorder, found: &mut Vec<Found>) -> stream::Lines {
        let mut last_n = 0;
        let mut name = Vec::new();
        let mut clock = stream::TimeCache::default();
        for (n, line, ended) in stream::lines(b.data) {
            last_n = n;
            if line.first() != Some(&b'{') && line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            // A point's metric is read at the line's end: the points of other metrics (most
            // of the file) are skipped without reading more.
            if line.starts_with(b"{\"type\":\"Point\"")
                && let Some(m) = metric_at_end(line)
                && memchr::memchr(b'\\', m).is_none()
            {
                let Some(m) = metric(m) else {
                    continue;
                };
                if memchr::memchr(b'\\', line).is_none()
                    && let Some(p) = self.fast(line, m)
                {
                    self.apply(&p, n, line, &mut name, &mut clock, rec, found);
                    continue;
                }
            }
            self.slow(line, n, ended, b.last, &mut name, rec, found);
        }
        stream::Lines::plain(last_n)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use crate::facts::load::record::DEFAULT_WINDOW_NS;
    use crate::facts::load::stream::Format;

    #[test]
    fn milliseconds_become_exact_nanoseconds() {
        assert_eq!(ms_to_ns(b"459.865729"), Some(459_865_729));
        assert_eq!(ms_to_ns(b"0.0789"), Some(78_900));
        assert_eq!(ms_to_ns(b"12"), Some(12_000_000));
        assert_eq!(ms_to_ns(b"1.00000051"), Some(1_000_001));
        assert_eq!(ms_to_ns(b"1e2"), Some(100_000_000));
        assert_eq!(ms_to_ns(b"-1"), None);
    }

    #[test]
    fn fast_and_slow_readings_agree() {
        let fast = r#"{"type":"Point","data":{"time":"2026-11-27T10:00:00.5Z","value":120.5,"tags":{"method":"GET","name":"home","status":"200"}},"metric":"http_req_duration"}"#;
        let slow = r#"{"metric":"http_req_duration","type":"Point","data":{"value":120.5,"time":"2026-11-27T10:00:00.5Z","tags":{"status":"200","name":"home","method":"GET"}}}"#;
        let k6 = K6::default();
        let mut results = Vec::new();
        for line in [fast, slow] {
            let mut rec = Recorder::new(0, DEFAULT_WINDOW_NS);
            let mut found = Vec::new();
            let b = Block {
                data: line.as_bytes(),
                last: true,
            };
            k6.block(&b, &mut rec, &mut found);
            assert!(found.is_empty(), "{found:?}");
            results.push(rec.result("k6", "f", FORMAT, true));
        }
        assert_eq!(results[0], results[1]);
        assert_eq!(results[0].latency.max, Some(120_500_000.0));
        assert_eq!(results[0].endpoints[0].name, "home");
    }
}
