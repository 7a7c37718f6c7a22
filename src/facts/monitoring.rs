//! The `monitoring` producer — monitoring validation: HTTP probes of health and metrics endpoints
//! (facts.md, `monitoring`).
//!
//! Each probe is one GET (probes run in parallel), with its timeout covering connect and the
//! whole response; redirects are not followed (a 3xx is reported as it is), no proxy is used
//! (probes target the staging network directly), and the body is read up to 8 MiB. A probe that
//! gets no usable response is a fact (`ok` false, `error` says why), not an error of the run:
//! the policy decides. HTTPS is verified against the bundled Mozilla roots (webpki-roots).
//!
//! Required metrics are Prometheus names looked up in the text exposition format: a sample's
//! name (`name{labels} value` or `name value`), the name of a `# HELP`/`# TYPE` line, and a
//! histogram's or summary's family name from its `_bucket`, `_sum`, `_count` samples. A name
//! only inside a label value or a comment does not count.

use super::{Namespace, Origin};
use crate::diag::{Diagnostic, io_reason};
use crate::span::{SourceMap, Span};
use crate::value::{duration_json, duration_text};
use rust_decimal::Decimal;
use serde_json::{Value as J, json};
use std::collections::HashSet;
use std::time::{Duration, Instant};

/// One `[[monitoring.probe]]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Probe {
    pub name: String,
    pub url: String,
    /// Statuses that count as expected (200 unless the plan says).
    pub expect_status: Vec<u16>,
    pub timeout: Duration,
    /// Prometheus metric names the response must have.
    pub metrics: Vec<String>,
    /// The plan's `[[monitoring.probe]]` table.
    pub at: Option<Span>,
}

/// The validated `[monitoring]` configuration.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Config {
    pub probes: Vec<Probe>,
}

/// A probe's timeout unless the plan says.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// Largest response body read.
pub const MAX_BODY: u64 = 8 << 20;

/// What one probe found.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub status: Option<u16>,
    pub latency: Option<Duration>,
    pub missing_metrics: Vec<String>,
    pub error: Option<String>,
}

impl Outcome {
    pub fn ok(&self, probe: &Probe) -> bool {
        self.error.is_none()
            && self
                .status
                .is_some_and(|s| probe.expect_status.contains(&s))
            && self.missing_metrics.is_empty()
    }
}

/// Runs one probe.
pub fn probe(p: &Probe) -> Outcome {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(p.timeout))
        .max_redirects(0)
        .http_status_as_error(false)
        .proxy(None)
        .build()
        .into();
    let mut out = Outcome {
        status: None,
        latency: None,
        missing_metrics: Vec::new(),
        error: None,
    };
    let start = Instant::now();
    let mut response = match agent.get(&p.url).call() {
        Ok(r) => r,
        Err(e) => {
            out.error = Some(reason(&e, p.timeout));
            out.missing_metrics = p.metrics.clone();
            return out;
        }
    };
    out.status = Some(response.status().as_u16());
    match response
        .body_mut()
        .with_config()
        .limit(MAX_BODY)
        .read_to_vec()
    {
        Ok(body) => {
            out.latency = Some(start.elapsed());
            if !p.metrics.is_empty() {
                let text = String::from_utf8_lossy(&body);
                let names = metric_names(&text);
                out.missing_metrics = p
                    .metrics
                    .iter()
                    .filter(|m| !names.contains(m.as_str()))
                    .cloned()
                    .collect();
            }
        }
        Err(e) => {
            out.error = Some(format!("reading the response: {}", reason(&e, p.timeout)));
            out.missing_metrics = p.metrics.clone();
        }
    }
    out
}

/// Why no usable response came, in lowercase words.
fn reason(e: &ureq::Error, timeout: Duration) -> String {
    use std::io::ErrorKind;
    match e {
        ureq::Error::Timeout(_) => format!("timed out after {}", duration_text(nanos(timeout))),
        ureq::Error::Io(io) => match io.kind() {
            ErrorKind::ConnectionRefused => "connection refused".into(),
            ErrorKind::ConnectionReset => "connection reset".into(),
            ErrorKind::ConnectionAborted => "connection aborted".into(),
            ErrorKind::UnexpectedEof => "the connection closed before a whole response".into(),
            ErrorKind::TimedOut | ErrorKind::WouldBlock => {
                format!("timed out after {}", duration_text(nanos(timeout)))
            }
            _ => io_reason(io),
        },
        ureq::Error::HostNotFound => "host not found".into(),
        ureq::Error::ConnectionFailed => "connection failed".into(),
        ureq::Error::BodyExceedsLimit(_) => {
            format!("the response is larger than {} MiB", MAX_BODY >> 20)
        }
        other => {
            let text = other.to_string().to_lowercase();
            match text.find(" (os error") {
                Some(at) => text[..at].to_string(),
                None => text,
            }
        }
    }
}

fn nanos(d: Duration) -> Decimal {
    Decimal::from(u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// The metric names a Prometheus text exposition holds.
pub fn metric_names(body: &str) -> HashSet<&str> {
    let mut names = HashSet::new();
    let is_name = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':';
    for line in body.lines() {
        let line = line.trim_start();
        let name = if let Some(rest) = line
            .strip_prefix("# HELP ")
            .or_else(|| line.strip_prefix("# TYPE "))
        {
            let rest = rest.trim_start();
            &rest[..rest.find(|c: char| !is_name(c)).unwrap_or(rest.len())]
        } else if line.starts_with('#') {
            continue;
        } else {
            let end = line.find(|c: char| !is_name(c)).unwrap_or(line.len());
            // A sample: the name is followed by labels or a space and its value.
            match line[end..].chars().next() {
                Some('{' | ' ' | '\t') => &line[..end],
                _ => continue,
            }
        };
        if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        names.insert(name);
        for suffix in ["_bucket", "_sum", "_count", "_created"] {
            if let Some(family) = name.strip_suffix(suffix) {
                names.insert(family);
            }
        }
    }
    names
}

/// Runs the producer.
pub fn produce(
    config: &Config,
    sources: &mut SourceMap,
) -> Result<(Namespace, Vec<Diagnostic>), Vec<Diagnostic>> {
    let outcomes: Vec<Outcome> = std::thread::scope(|s| {
        let handles: Vec<_> = config
            .probes
            .iter()
            .map(|p| s.spawn(move || probe(p)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| Outcome {
                    status: None,
                    latency: None,
                    missing_metrics: Vec::new(),
                    error: Some("the probe failed inside gate".into()),
                })
            })
            .collect()
    });
    let doc = json!({
        "probes": config.probes.iter().zip(&outcomes).map(|(p, o)| json!({
            "name": p.name,
            "url": p.url,
            "status": o.status,
            "ok": o.ok(p),
            "latency": o.latency.map(|l| J::String(duration_json(nanos(l)))),
            "missing_metrics": o.missing_metrics,
            "error": o.error,
        })).collect::<Vec<_>>(),
    });
    let value = crate::facts::json::produced("monitoring", &doc)?;
    let inputs: Vec<(String, String)> = config
        .probes
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            p.at.map(|at| (format!("/probes/{i}"), sources.locate(at).to_string()))
        })
        .collect();
    Ok((
        Namespace {
            value,
            origin: Origin::Producer {
                what: format!(
                    "the monitoring producer, {} probe{}",
                    config.probes.len(),
                    if config.probes.len() == 1 { "" } else { "s" }
                ),
                inputs: std::sync::Arc::new(inputs),
            },
        },
        Vec::new(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_names_in_the_text_format() {
        let body = "# HELP http_requests_total Requests.\n# TYPE http_requests_total counter\nhttp_requests_total{code=\"200\"} 3\nup 1\n# TYPE latency_seconds histogram\nlatency_seconds_bucket{le=\"0.1\"} 1\nother{path=\"queue_depth\"} 2\n# queue_length is in a comment\nprocess_cpu_seconds_total 0.5\n";
        let names = metric_names(body);
        for n in [
            "http_requests_total",
            "up",
            "latency_seconds",
            "latency_seconds_bucket",
            "process_cpu_seconds_total",
            "other",
        ] {
            assert!(names.contains(n), "{n}");
        }
        for n in [
            "queue_depth",
            "queue_length",
            "http_requests",
            "process_cpu",
        ] {
            assert!(!names.contains(n), "{n}");
        }
    }
}
