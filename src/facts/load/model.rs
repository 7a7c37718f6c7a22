//! What every load-test reader produces: one tool's results, normalised. Readers of summaries
//! (k6's summary export, Locust's stats, Artillery, oha, vegeta's report) fill it from the numbers
//! the tool computed; readers of raw streams (k6 NDJSON, JMeter JTL, vegeta results) fill it from
//! a [`super::record::Recorder`] of HDR histograms. `to_json` writes it in the form of facts.md's
//! `load` namespace; a value the tool did not report is left out, so a policy that reads it gets
//! an error, never a default.

use serde_json::{Map, Value as J, json};

/// Nanoseconds, as a float: tools report fractional milliseconds.
pub type Nanos = f64;

/// The latency distribution of a set of requests. `None` where the tool did not report it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Latency {
    pub min: Option<Nanos>,
    pub mean: Option<Nanos>,
    pub p50: Option<Nanos>,
    pub p90: Option<Nanos>,
    pub p95: Option<Nanos>,
    pub p99: Option<Nanos>,
    pub p999: Option<Nanos>,
    pub max: Option<Nanos>,
}

/// Request counts. `failed` includes `timeouts`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Requests {
    pub total: u64,
    pub failed: u64,
    /// Iterations the generator could not start on time (k6's `dropped_iterations`).
    pub dropped: Option<u64>,
    pub timeouts: Option<u64>,
}

impl Requests {
    pub fn error_rate(&self) -> Option<f64> {
        (self.total > 0).then(|| self.failed as f64 / self.total as f64)
    }
}

/// One endpoint (JMeter label, k6 `name` tag, Locust name, …).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Endpoint {
    pub name: String,
    pub requests: Requests,
    pub latency: Latency,
}

/// A fixed interval of the test (`load.windows`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Window {
    /// Start of the window, milliseconds since the Unix epoch (UTC).
    pub start_ms: i64,
    /// Length of the window.
    pub length: Nanos,
    pub requests: Requests,
    pub latency: Latency,
}

/// A pass/fail criterion the results file carries (k6 thresholds).
#[derive(Clone, Debug, PartialEq)]
pub struct Threshold {
    /// The metric it is on, e.g. `http_req_duration{name:checkout}`.
    pub metric: String,
    /// As written, e.g. `p(95)<500`.
    pub expression: String,
    pub passed: bool,
}

/// Whether the load was offered at a fixed arrival rate or by a fixed number of users.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Model {
    Open,
    Closed,
}

/// One load tool's results, normalised.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoadResult {
    /// `k6`, `jmeter`, `locust`, `artillery`, `vegeta`, `oha`.
    pub tool: String,
    /// The file it came from, as facts show paths.
    pub file: String,
    /// Which form of the tool's output (`summary-export`, `ndjson`, `jtl-csv`, …).
    pub format: String,
    pub started_ms: Option<i64>,
    pub duration: Option<Nanos>,
    pub model: Option<Model>,
    pub target_rate: Option<f64>,
    pub achieved_rate: Option<f64>,
    pub requests: Requests,
    pub latency: Latency,
    /// Latency corrected for coordinated omission; `None` when the tool does not say.
    pub co_corrected: Option<bool>,
    pub endpoints: Vec<Endpoint>,
    pub windows: Vec<Window>,
    pub thresholds: Vec<Threshold>,
    /// Latency samples behind the percentiles (raw streams: every one; summaries: the count the
    /// tool reports, which is `requests.total` unless it says otherwise).
    pub samples: u64,
}

/// A duration fact: `"212.5ms"`-style text, exact to the nanosecond the input gave.
pub fn duration_json(ns: Nanos) -> J {
    let ns = if ns.is_finite() && ns >= 0.0 { ns } else { 0.0 };
    // Round to the nanosecond: tools write fractional milliseconds in binary floating point.
    let whole = ns.round();
    let d = rust_decimal::Decimal::from_f64_retain(whole).unwrap_or_default();
    J::String(crate::value::duration_json(d.round()))
}

fn ratio_json(r: f64) -> J {
    // Ratios are written with at most 6 significant decimals, exactly as decimals.
    rust_decimal::Decimal::from_f64_retain(r)
        .map(|d| d.round_dp(6).normalize())
        .and_then(|d| serde_json::from_str(&d.to_string()).ok())
        .unwrap_or(J::Null)
}

fn rate_json(r: f64) -> J {
    rust_decimal::Decimal::from_f64_retain(r)
        .map(|d| d.round_dp(3).normalize())
        .and_then(|d| serde_json::from_str(&d.to_string()).ok())
        .unwrap_or(J::Null)
}

fn put(m: &mut Map<String, J>, key: &str, v: Option<J>) {
    if let Some(v) = v {
        m.insert(key.into(), v);
    }
}

pub fn latency_json(l: &Latency) -> J {
    let mut m = Map::new();
    for (k, v) in [
        ("min", l.min),
        ("mean", l.mean),
        ("p50", l.p50),
        ("p90", l.p90),
        ("p95", l.p95),
        ("p99", l.p99),
        ("p999", l.p999),
        ("max", l.max),
    ] {
        put(&mut m, k, v.map(duration_json));
    }
    J::Object(m)
}

pub fn requests_json(r: &Requests) -> J {
    let mut m = Map::new();
    m.insert("total".into(), json!(r.total));
    m.insert("failed".into(), json!(r.failed));
    put(&mut m, "error_rate", r.error_rate().map(ratio_json));
    put(&mut m, "dropped", r.dropped.map(|d| json!(d)));
    put(&mut m, "timeouts", r.timeouts.map(|d| json!(d)));
    J::Object(m)
}

/// RFC 3339 text of a millisecond timestamp.
pub fn time_json(ms: i64) -> Option<J> {
    jiff::Timestamp::from_millisecond(ms)
        .ok()
        .map(|t| J::String(t.to_string()))
}

pub fn window_json(w: &Window) -> J {
    let mut m = Map::new();
    put(&mut m, "start", time_json(w.start_ms));
    m.insert("length".into(), duration_json(w.length));
    let secs = w.length / 1e9;
    if secs > 0.0 {
        m.insert("rate".into(), rate_json(w.requests.total as f64 / secs));
    }
    m.insert("requests".into(), json!(w.requests.total));
    // Optional fields: `null` (read as `none`) when the window saw no request, so a policy can
    // say `w.p99 == none or w.p99 < 300ms`.
    m.insert(
        "error_rate".into(),
        w.requests.error_rate().map_or(J::Null, ratio_json),
    );
    m.insert("p99".into(), w.latency.p99.map_or(J::Null, duration_json));
    m.insert("latency".into(), latency_json(&w.latency));
    J::Object(m)
}

impl LoadResult {
    /// The namespace document (facts.md `load`) for this one result.
    pub fn to_json(&self) -> J {
        let mut m = Map::new();
        m.insert("tool".into(), J::String(self.tool.clone()));
        put(&mut m, "duration", self.duration.map(duration_json));
        put(
            &mut m,
            "model",
            self.model.map(|x| {
                J::String(match x {
                    Model::Open => "open".into(),
                    Model::Closed => "closed".into(),
                })
            }),
        );
        // An absent target rate is `none`: the test had no fixed arrival rate.
        m.insert(
            "target_rate".into(),
            self.target_rate.map_or(J::Null, rate_json),
        );
        put(&mut m, "achieved_rate", self.achieved_rate.map(rate_json));
        m.insert("requests".into(), requests_json(&self.requests));
        m.insert("latency".into(), latency_json(&self.latency));
        m.insert(
            "co_corrected".into(),
            self.co_corrected.map_or(J::Null, J::Bool),
        );
        m.insert(
            "endpoints".into(),
            J::Array(
                self.endpoints
                    .iter()
                    .map(|e| {
                        json!({
                            "name": e.name,
                            "requests": requests_json(&e.requests),
                            "latency": latency_json(&e.latency),
                        })
                    })
                    .collect(),
            ),
        );
        m.insert(
            "windows".into(),
            J::Array(self.windows.iter().map(window_json).collect()),
        );
        m.insert(
            "thresholds".into(),
            J::Array(
                self.thresholds
                    .iter()
                    .map(|t| json!({"metric": t.metric, "expression": t.expression, "passed": t.passed}))
                    .collect(),
            ),
        );
        m.insert("samples".into(), json!(self.samples));
        put(&mut m, "started", self.started_ms.and_then(time_json));
        J::Object(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_exact_to_the_nanosecond() {
        assert_eq!(duration_json(212_500_000.0), json!("212.5ms"));
        assert_eq!(duration_json(1.2e9), json!("1.2s"));
        // k6 writes 0.0789ms as a binary float
        assert_eq!(duration_json(0.0789 * 1e6), json!("78.9us"));
    }

    #[test]
    fn an_untouched_value_is_left_out_not_defaulted() {
        let r = LoadResult {
            tool: "k6".into(),
            ..LoadResult::default()
        };
        let j = r.to_json();
        assert!(j["latency"].get("p99").is_none());
        assert!(j["requests"].get("error_rate").is_none());
        assert!(j.get("duration").is_none());
    }
}
