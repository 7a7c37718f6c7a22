//! Runtime values of the policy language: what literals evaluate to and what facts hold.
//!
//! Numbers, percents, durations and sizes are exact decimals (`0.07% == 0.0007` holds), so no
//! verdict ever depends on floating-point rounding.

use crate::license::License;
use jiff::Zoned;
use jiff::civil::{Date, Time};
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::fmt::{self, Write as _};
use std::sync::Arc;

/// A value in a policy or a fact.
#[derive(Clone, Debug)]
pub enum Value {
    /// JSON `null`, an optional field with no value.
    None,
    Bool(bool),
    Number(Decimal),
    /// A ratio: `0.1%` is `0.001`.
    Percent(Decimal),
    Str(Arc<str>),
    /// Nanoseconds.
    Duration(Decimal),
    /// Bytes.
    Size(Decimal),
    Date(Date),
    DateTime(Arc<Zoned>),
    Time(Time),
    Weekday(Weekday),
    Severity(Severity),
    Version(Arc<semver::Version>),
    License(Arc<License>),
    List(Arc<[Value]>),
    /// Inclusive `a..b`.
    Range(Arc<(Value, Value)>),
    Record(Arc<Record>),
    /// A fact that should be a version or a license but is not one: an error wherever it is
    /// compared, never silently a string.
    Malformed(Arc<Malformed>),
}

/// A fact value that does not parse as the type its schema gives.
#[derive(Clone, Debug, PartialEq)]
pub struct Malformed {
    pub text: String,
    /// e.g. "`1.0` is not a semver version: …"
    pub why: String,
}

/// A record: named fields in the order the fact document gave them.
#[derive(Clone, Debug, Default)]
pub struct Record {
    pub fields: Vec<(Arc<str>, Value)>,
}

/// String equality for the short keys and values of facts: shared text compares by address,
/// short text byte by byte without a call into `memcmp`.
#[inline]
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && (std::ptr::eq(a.as_ptr(), b.as_ptr()) || a.bytes().zip(b.bytes()).all(|(x, y)| x == y))
}

/// Where a field was found last time, per place in the policy that reads it: records of one
/// fact list share their layout, so the next lookup is one comparison instead of a scan.
#[derive(Debug, Default)]
pub struct Hint(std::sync::atomic::AtomicUsize);

impl Clone for Hint {
    fn clone(&self) -> Hint {
        Hint(std::sync::atomic::AtomicUsize::new(
            self.0.load(std::sync::atomic::Ordering::Relaxed),
        ))
    }
}

impl Record {
    /// [`Record::get`], trying the position `hint` remembers first.
    pub fn get_hinted(&self, name: &str, hint: &Hint) -> Option<&Value> {
        use std::sync::atomic::Ordering::Relaxed;
        let at = hint.0.load(Relaxed);
        if let Some((k, v)) = self.fields.get(at)
            && same(k, name)
        {
            return Some(v);
        }
        let at = self.fields.iter().position(|(k, _)| same(k, name))?;
        hint.0.store(at, Relaxed);
        self.fields.get(at).map(|(_, v)| v)
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.fields
            .iter()
            .find(|(k, _)| &**k == name)
            .map(|(_, v)| v)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(|(k, _)| &**k)
    }
}

/// Days of the week, ordered Monday first (ISO 8601).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Weekday {
    pub const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Weekday::Monday => "monday",
            Weekday::Tuesday => "tuesday",
            Weekday::Wednesday => "wednesday",
            Weekday::Thursday => "thursday",
            Weekday::Friday => "friday",
            Weekday::Saturday => "saturday",
            Weekday::Sunday => "sunday",
        }
    }

    pub fn parse(s: &str) -> Option<Weekday> {
        Weekday::ALL.into_iter().find(|w| w.name() == s)
    }

    pub fn from_jiff(w: jiff::civil::Weekday) -> Weekday {
        use jiff::civil::Weekday as J;
        match w {
            J::Monday => Weekday::Monday,
            J::Tuesday => Weekday::Tuesday,
            J::Wednesday => Weekday::Wednesday,
            J::Thursday => Weekday::Thursday,
            J::Friday => Weekday::Friday,
            J::Saturday => Weekday::Saturday,
            J::Sunday => Weekday::Sunday,
        }
    }
}

/// Finding severities, ordered `info < low < medium < high < critical`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|w| w.name() == s)
    }
}

/// The kind of a value, as policies and messages name it.
pub fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::None => "none",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::Percent(_) => "a percent",
        Value::Str(_) => "a string",
        Value::Duration(_) => "a duration",
        Value::Size(_) => "a size",
        Value::Date(_) => "a date",
        Value::DateTime(_) => "a datetime",
        Value::Time(_) => "a time of day",
        Value::Weekday(_) => "a weekday",
        Value::Severity(_) => "a severity",
        Value::Version(_) => "a version",
        Value::License(_) => "a license",
        Value::List(_) => "a list",
        Value::Range(_) => "a range",
        Value::Record(_) => "a record",
        Value::Malformed(_) => "a malformed value",
    }
}

// ---------------------------------------------------------------------------------------------
// Units

const NS_PER: [(&str, i64); 7] = [
    ("d", 86_400_000_000_000),
    ("h", 3_600_000_000_000),
    ("m", 60_000_000_000),
    ("s", 1_000_000_000),
    ("ms", 1_000_000),
    ("us", 1_000),
    ("ns", 1),
];

/// Nanoseconds in one `unit` (`ms`, `s`, …), or `None` for an unknown unit.
pub fn duration_unit(unit: &str) -> Option<Decimal> {
    let unit = if unit == "µs" { "us" } else { unit };
    NS_PER
        .iter()
        .find(|(u, _)| *u == unit)
        .map(|(_, n)| Decimal::from(*n))
}

/// Bytes in one `unit` (`KB`, `MiB`, …): KB/MB/GB/TB are powers of 1000, KiB/MiB/GiB/TiB of 1024.
pub fn size_unit(unit: &str) -> Option<Decimal> {
    let n: i64 = match unit {
        "B" => 1,
        "KB" => 1_000,
        "MB" => 1_000_000,
        "GB" => 1_000_000_000,
        "TB" => 1_000_000_000_000,
        "KiB" => 1 << 10,
        "MiB" => 1 << 20,
        "GiB" => 1 << 30,
        "TiB" => 1 << 40,
        _ => return None,
    };
    Some(Decimal::from(n))
}

/// Parses `212.5ms`, `1.2s`, `3d` into nanoseconds (the JSON form of durations).
pub fn parse_duration(s: &str) -> Option<Decimal> {
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n = Decimal::from_str_exact(num).ok()?;
    n.checked_mul(duration_unit(unit)?)
}

/// A decimal with at most `dp` decimals, trailing zeros trimmed: `1.5`, `312`, `0.07`.
pub fn decimal_text(d: Decimal, dp: u32) -> String {
    d.round_dp(dp).normalize().to_string()
}

/// How a duration reads in a message: the largest unit in which it is at least 1, at most three
/// decimals (`312ms`, `1.2s`, `1.5h`).
pub fn duration_text(ns: Decimal) -> String {
    let abs = ns.abs();
    for (unit, n) in NS_PER {
        let n = Decimal::from(n);
        if abs >= n {
            return format!("{}{unit}", decimal_text(ns / n, 3));
        }
    }
    if ns.is_zero() {
        "0s".into()
    } else {
        format!("{}ns", decimal_text(ns, 3))
    }
}

/// The exact JSON form of a duration: the largest unit in which it is at least 1 and which
/// represents it without loss, so facts survive a round trip.
pub fn duration_json(ns: Decimal) -> String {
    let abs = ns.abs();
    for (unit, n) in NS_PER {
        let n = Decimal::from(n);
        if abs >= n {
            let q = ns / n;
            if q * n == ns && q.normalize().scale() <= 6 {
                return format!("{}{unit}", q.normalize());
            }
        }
    }
    format!("{}ns", ns.normalize())
}

/// How a size reads in a message: binary units when exact, else decimal ones.
pub fn size_text(bytes: Decimal) -> String {
    let abs = bytes.abs();
    for (unit, n) in [
        ("TiB", 1i64 << 40),
        ("GiB", 1 << 30),
        ("MiB", 1 << 20),
        ("KiB", 1 << 10),
    ] {
        let n = Decimal::from(n);
        if abs >= n && (bytes % n).is_zero() {
            return format!("{}{unit}", (bytes / n).normalize());
        }
    }
    for (unit, n) in [
        ("TB", 1_000_000_000_000i64),
        ("GB", 1_000_000_000),
        ("MB", 1_000_000),
        ("KB", 1_000),
    ] {
        let n = Decimal::from(n);
        if abs >= n {
            return format!("{}{unit}", decimal_text(bytes / n, 3));
        }
    }
    format!("{}B", decimal_text(bytes, 3))
}

/// A percent as policies write it: `0.07%`.
pub fn percent_text(ratio: Decimal) -> String {
    match ratio.checked_mul(Decimal::ONE_HUNDRED) {
        Some(p) => format!("{}%", decimal_text(p, 6)),
        // Too large to scale: say it as the ratio it is.
        None => format!("{} (as a ratio)", decimal_text(ratio, 6)),
    }
}

/// `HH:MM`, or `HH:MM:SS` when the seconds are not zero.
pub fn time_text(t: Time) -> String {
    if t.second() == 0 && t.subsec_nanosecond() == 0 {
        format!("{:02}:{:02}", t.hour(), t.minute())
    } else {
        format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second())
    }
}

/// RFC 3339 with the value's own offset.
pub fn datetime_text(z: &Zoned) -> String {
    z.timestamp().display_with_offset(z.offset()).to_string()
}

/// `HH:MM` or `HH:MM:SS`.
pub fn parse_time(text: &str) -> Option<jiff::civil::Time> {
    let mut parts = text.split(':').map(|p| p.parse::<i8>().ok());
    let h = parts.next()??;
    let m = parts.next()??;
    let s = parts.next().unwrap_or(Some(0))?;
    if parts.next().is_some() {
        return None;
    }
    jiff::civil::Time::new(h, m, s, 0).ok()
}

/// An RFC 3339 datetime that must carry an offset (`Z` or `±hh:mm`), kept in that offset.
pub fn parse_datetime(text: &str) -> Option<jiff::Zoned> {
    let ts: jiff::Timestamp = text.parse().ok()?;
    let offset = if text.ends_with('Z') || text.ends_with('z') {
        jiff::tz::Offset::UTC
    } else {
        let sign_at = text.rfind(['+', '-'])?;
        let rest = &text[sign_at..];
        let mut hm = rest[1..].split(':').map(|p| p.parse::<i32>().ok());
        let secs = hm.next()?? * 3600 + hm.next()?? * 60;
        let secs = if rest.starts_with('-') { -secs } else { secs };
        jiff::tz::Offset::from_seconds(secs).ok()?
    };
    Some(ts.to_zoned(jiff::tz::TimeZone::fixed(offset)))
}

// ---------------------------------------------------------------------------------------------
// Display: how values read inside messages.

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::None => f.write_str("none"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => f.write_str(&n.normalize().to_string()),
            Value::Percent(p) => f.write_str(&percent_text(*p)),
            Value::Str(s) => f.write_str(s),
            Value::Duration(d) => f.write_str(&duration_text(*d)),
            Value::Size(s) => f.write_str(&size_text(*s)),
            Value::Date(d) => write!(f, "{d}"),
            Value::DateTime(z) => f.write_str(&datetime_text(z)),
            Value::Time(t) => f.write_str(&time_text(*t)),
            Value::Weekday(w) => f.write_str(w.name()),
            Value::Severity(s) => f.write_str(s.name()),
            Value::Version(v) => write!(f, "{v}"),
            Value::License(l) => write!(f, "{l}"),
            Value::List(items) => {
                f.write_char('[')?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_char(']')
            }
            Value::Range(r) => write!(f, "{}..{}", r.0, r.1),
            Value::Malformed(m) => f.write_str(&m.text),
            Value::Record(r) => match r.get("name") {
                Some(name) => write!(f, "{name}"),
                None => f.write_str(&to_json(self).to_string()),
            },
        }
    }
}

// ---------------------------------------------------------------------------------------------
// JSON: the written form of facts (see facts.md), used by `gate facts`, reports and witnesses.

fn json_number(d: Decimal) -> serde_json::Value {
    let text = d.normalize().to_string();
    match text.parse::<serde_json::Number>() {
        Ok(n) => serde_json::Value::Number(n),
        Err(_) => serde_json::Value::String(text),
    }
}

/// The JSON form of a value, as `gate facts` writes it and `--facts` reads it back.
pub fn to_json(v: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        Value::None => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Number(n) | Value::Percent(n) | Value::Size(n) => json_number(*n),
        Value::Str(s) => J::String(s.to_string()),
        Value::Duration(d) => J::String(duration_json(*d)),
        Value::Date(d) => J::String(d.to_string()),
        Value::DateTime(z) => J::String(datetime_text(z)),
        Value::Time(t) => J::String(format!(
            "{:02}:{:02}:{:02}",
            t.hour(),
            t.minute(),
            t.second()
        )),
        Value::Weekday(w) => J::String(w.name().into()),
        Value::Severity(s) => J::String(s.name().into()),
        Value::Version(v) => J::String(v.to_string()),
        Value::License(l) => J::String(l.canonical().to_string()),
        Value::List(items) => J::Array(items.iter().map(to_json).collect()),
        Value::Range(r) => J::Array(vec![to_json(&r.0), to_json(&r.1)]),
        Value::Malformed(m) => J::String(m.text.clone()),
        Value::Record(r) => J::Object(
            r.fields
                .iter()
                .map(|(k, v)| (k.to_string(), to_json(v)))
                .collect(),
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Comparison

/// Why two values cannot be compared; the evaluator turns it into a located error.
#[derive(Debug, Clone, PartialEq)]
pub struct Incomparable(pub String);

fn numeric(v: &Value) -> Option<Decimal> {
    match v {
        Value::Number(n) | Value::Percent(n) => Some(*n),
        _ => None,
    }
}

/// Reads a string as a semver version for comparison with a version (`pkg.version < "0.18.0"`).
fn as_version(s: &str) -> Result<semver::Version, Incomparable> {
    semver::Version::parse(s.trim_start_matches('v'))
        .map_err(|e| Incomparable(format!("`{s}` is not a semver version: {e}")))
}

/// Equality as `==` defines it: same type, or number with percent, version with a semver
/// string; any value with `none`. Anything else is a type error.
pub fn equal(a: &Value, b: &Value) -> Result<bool, Incomparable> {
    Ok(match (a, b) {
        (Value::Malformed(m), _) | (_, Value::Malformed(m)) => {
            return Err(Incomparable(m.why.clone()));
        }
        (Value::None, Value::None) => true,
        (Value::None, _) | (_, Value::None) => false,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Str(x), Value::Str(y)) => same(x, y),
        (Value::Version(x), Value::Str(y)) | (Value::Str(y), Value::Version(x)) => {
            **x == as_version(y)?
        }
        (Value::List(x), Value::List(y)) => {
            if x.len() != y.len() {
                return Ok(false);
            }
            for (p, q) in x.iter().zip(y.iter()) {
                if !equal(p, q)? {
                    return Ok(false);
                }
            }
            true
        }
        (Value::Record(x), Value::Record(y)) => {
            if x.fields.len() != y.fields.len() {
                return Ok(false);
            }
            for (k, v) in &x.fields {
                match y.get(k) {
                    Some(w) if equal(v, w)? => {}
                    _ => return Ok(false),
                }
            }
            true
        }
        (Value::License(x), Value::License(y)) => x == y,
        (Value::Range(x), Value::Range(y)) => equal(&x.0, &y.0)? && equal(&x.1, &y.1)?,
        _ => order(a, b)? == Ordering::Equal,
    })
}

/// Ordering for `<`, `<=`, `>`, `>=`, ranges, `min` and `max`.
pub fn order(a: &Value, b: &Value) -> Result<Ordering, Incomparable> {
    if let (Some(x), Some(y)) = (numeric(a), numeric(b)) {
        return Ok(x.cmp(&y));
    }
    Ok(match (a, b) {
        (Value::Malformed(m), _) | (_, Value::Malformed(m)) => {
            return Err(Incomparable(m.why.clone()));
        }
        (Value::Duration(x), Value::Duration(y)) | (Value::Size(x), Value::Size(y)) => x.cmp(y),
        (Value::Str(x), Value::Str(y)) => x.cmp(y),
        (Value::Date(x), Value::Date(y)) => x.cmp(y),
        (Value::DateTime(x), Value::DateTime(y)) => x.timestamp().cmp(&y.timestamp()),
        (Value::Time(x), Value::Time(y)) => x.cmp(y),
        (Value::Weekday(x), Value::Weekday(y)) => x.cmp(y),
        (Value::Severity(x), Value::Severity(y)) => x.cmp(y),
        (Value::Version(x), Value::Version(y)) => x.cmp(y),
        (Value::Version(x), Value::Str(y)) => (**x).cmp(&as_version(y)?),
        (Value::Str(x), Value::Version(y)) => as_version(x)?.cmp(y),
        (Value::None, _) | (_, Value::None) => {
            return Err(Incomparable(
                "`none` can only be compared with `==` or `!=`".into(),
            ));
        }
        _ => {
            return Err(Incomparable(format!(
                "cannot compare {} with {}",
                kind_name(a),
                kind_name(b)
            )));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap_or_default()
    }

    #[test]
    fn durations_read_in_the_largest_unit_that_is_at_least_one() {
        assert_eq!(duration_text(d("312000000")), "312ms");
        assert_eq!(duration_text(d("1200000000")), "1.2s");
        assert_eq!(duration_text(d("5400000000000")), "1.5h");
        assert_eq!(duration_text(d("1234567")), "1.235ms");
        assert_eq!(duration_text(Decimal::ZERO), "0s");
    }

    #[test]
    fn duration_json_is_exact() {
        for text in ["212.5ms", "1.2s", "1234567ns", "10m", "3d", "61.5ms"] {
            let ns = parse_duration(text).unwrap_or_default();
            assert_eq!(parse_duration(&duration_json(ns)), Some(ns), "{text}");
        }
        assert_eq!(duration_json(d("1234567")), "1.234567ms");
    }

    #[test]
    fn percents_and_numbers_compare() {
        let p = Value::Percent(d("0.0007"));
        assert_eq!(equal(&p, &Value::Number(d("0.0007"))), Ok(true));
        assert_eq!(p.to_string(), "0.07%");
    }

    #[test]
    fn versions_compare_with_semver_strings() {
        let v = Value::Version(Arc::new(semver::Version::new(0, 17, 3)));
        assert_eq!(order(&v, &Value::Str("0.18.0".into())), Ok(Ordering::Less));
        assert!(order(&v, &Value::Str("latest".into())).is_err());
    }

    #[test]
    fn mixed_types_are_errors() {
        let s = Value::Str("high".into());
        assert!(equal(&s, &Value::Severity(Severity::High)).is_err());
        assert_eq!(equal(&s, &Value::None), Ok(false));
    }

    #[test]
    fn sizes_read_in_binary_units_when_exact() {
        assert_eq!(size_text(d("10240")), "10KiB");
        assert_eq!(size_text(d("5000000")), "5MB");
        assert_eq!(size_text(d("512")), "512B");
    }
}
