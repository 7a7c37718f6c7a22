//! The plan's `[monitoring]` section: `[[monitoring.probe]]` entries, each one HTTP GET.

use super::read;
use crate::diag::{Diagnostic, suggestion};
use crate::facts::monitoring::{Config, DEFAULT_TIMEOUT, Probe};
use crate::span::Span;
use std::path::PathBuf;
use std::time::Duration;
use toml::de::DeValue;

const KEYS: &[&str] = &["probe"];
const PROBE_KEYS: &[&str] = &["name", "url", "expect_status", "timeout", "metrics"];

/// Longest timeout a probe may have.
const MAX_TIMEOUT: Duration = Duration::from_secs(600);

/// Reads `[monitoring]`; every problem is pushed to `diags`.
pub fn section(
    value: &DeValue,
    at: Span,
    join: &dyn Fn(&str) -> PathBuf,
    span: &dyn Fn(std::ops::Range<usize>) -> Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<Config> {
    let _ = join;
    let Some(table) = value.as_table() else {
        diags.push(
            Diagnostic::error(
                "plan-type",
                "`monitoring` must be a table of probes: `[[monitoring.probe]]`",
            )
            .at(at, "here"),
        );
        return None;
    };
    let before = diags.len();
    let mut config = Config::default();
    let mut names: Vec<(String, Span)> = Vec::new();
    for (k, v) in table {
        let key = k.get_ref().as_ref();
        if key != "probe" {
            let help = suggestion(key, KEYS.iter().copied()).unwrap_or_else(|| {
                "`[monitoring]` holds probes: `[[monitoring.probe]]`".to_string()
            });
            diags.push(read::unknown("monitoring", key, span(k.span()), help));
            continue;
        }
        let DeValue::Array(items) = v.get_ref() else {
            diags.push(
                Diagnostic::error(
                    "plan-type",
                    "`monitoring.probe` is a list of tables: write each as `[[monitoring.probe]]`",
                )
                .at(span(v.span()), "here"),
            );
            continue;
        };
        for item in items {
            let pspan = span(item.span());
            if let Some(p) = probe(item.get_ref(), pspan, span, diags) {
                if let Some((_, first)) = names.iter().find(|(n, _)| *n == p.name) {
                    diags.push(
                        Diagnostic::error(
                            "plan-duplicate",
                            format!("two probes are named `{}`", p.name),
                        )
                        .at(p.at.unwrap_or(pspan), "second")
                        .also(*first, "first")
                        .help("a probe's name says which fact is which: give each its own"),
                    );
                    continue;
                }
                names.push((p.name.clone(), p.at.unwrap_or(pspan)));
                config.probes.push(p);
            }
        }
    }
    if config.probes.is_empty() && diags.len() == before {
        diags.push(
            Diagnostic::error("plan-value", "`[monitoring]` has no probe")
                .at(at, "no probe")
                .help("add `[[monitoring.probe]]` with `name` and `url`"),
        );
    }
    (diags.len() == before).then_some(config)
}

fn probe(
    value: &DeValue,
    at: Span,
    span: &dyn Fn(std::ops::Range<usize>) -> Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<Probe> {
    let Some(table) = value.as_table() else {
        diags.push(
            Diagnostic::error(
                "plan-type",
                "a probe is a table: `[[monitoring.probe]]` with `name` and `url`",
            )
            .at(at, "here"),
        );
        return None;
    };
    let before = diags.len();
    let mut name: Option<(String, Span)> = None;
    let mut url: Option<String> = None;
    let mut expect_status = vec![200];
    let mut timeout = DEFAULT_TIMEOUT;
    let mut metrics = Vec::new();
    for (k, v) in table {
        let key = k.get_ref().as_ref();
        let vspan = span(v.span());
        let shown = format!("monitoring.probe.{key}");
        let type_error = |what: &str| read::type_error(&shown, what, v.get_ref(), vspan);
        match key {
            "name" => match read::text(v.get_ref(), &shown, vspan, diags) {
                Some(s) if !s.trim().is_empty() => name = Some((s.to_string(), vspan)),
                Some(_) => diags.push(
                    Diagnostic::error("plan-value", "a probe's `name` is empty").at(vspan, "here"),
                ),
                None => {}
            },
            "url" => {
                if let Some(s) = read::text(v.get_ref(), &shown, vspan, diags) {
                    match check_url(s) {
                        Ok(()) => url = Some(s.to_string()),
                        Err((message, help)) => diags.push(
                            Diagnostic::error("plan-value", message)
                                .at(vspan, "here")
                                .help(help),
                        ),
                    }
                }
            }
            "expect_status" => {
                let status = |v: &DeValue, at: Span, diags: &mut Vec<Diagnostic>| match v {
                    DeValue::Integer(i) => match i.as_str().parse::<u16>() {
                        Ok(n) if (100..=599).contains(&n) && i.radix() == 10 => Some(n),
                        _ => {
                            diags.push(
                                Diagnostic::error(
                                    "plan-value",
                                    "an HTTP status is a number from 100 to 599",
                                )
                                .at(at, "here"),
                            );
                            None
                        }
                    },
                    other => {
                        diags.push(
                            Diagnostic::error(
                                "plan-type",
                                format!(
                                    "`monitoring.probe.expect_status` is a status or a list of statuses, not {}",
                                    other.type_str()
                                ),
                            )
                            .at(at, "here"),
                        );
                        None
                    }
                };
                expect_status = match v.get_ref() {
                    DeValue::Array(items) => items
                        .iter()
                        .filter_map(|i| status(i.get_ref(), span(i.span()), diags))
                        .collect(),
                    other => status(other, vspan, diags).into_iter().collect(),
                };
                if expect_status.is_empty() && diags.len() == before {
                    diags.push(
                        Diagnostic::error(
                            "plan-value",
                            "`expect_status` lists no status: no response could be as expected",
                        )
                        .at(vspan, "here"),
                    );
                }
            }
            "timeout" => match v.get_ref().as_str() {
                Some(s) => match parse_timeout(s) {
                    Some(d) => timeout = d,
                    None => diags.push(
                        Diagnostic::error(
                            "plan-value",
                            format!("`{s}` is not a timeout gate can use"),
                        )
                        .at(vspan, "here")
                        .help("a duration above zero and at most 10m, e.g. `timeout = \"5s\"` or `\"500ms\"`"),
                    ),
                },
                None => diags.push(
                    type_error("a duration string").help("write it with its unit: `timeout = \"5s\"`"),
                ),
            },
            "metrics" => match v.get_ref() {
                DeValue::Array(items) => {
                    for i in items {
                        let ispan = span(i.span());
                        match i.get_ref().as_str() {
                            Some(m) if is_metric_name(m) => metrics.push(m.to_string()),
                            Some(m) => diags.push(
                                Diagnostic::error(
                                    "plan-value",
                                    format!("`{m}` is not a Prometheus metric name"),
                                )
                                .at(ispan, "here")
                                .help("a metric name is letters, digits, `_` and `:`, not starting with a digit, e.g. `http_requests_total`"),
                            ),
                            None => diags.push(
                                Diagnostic::error(
                                    "plan-type",
                                    "`monitoring.probe.metrics` lists metric names (strings)",
                                )
                                .at(ispan, "not a string"),
                            ),
                        }
                    }
                }
                _ => diags.push(type_error("a list of metric names")),
            },
            other => {
                let help = read::suggest(other, PROBE_KEYS, "keys of a probe");
                diags.push(read::unknown("monitoring.probe", other, span(k.span()), help));
            }
        }
    }
    for (missing, what) in [
        (name.is_none() && !table.contains_key("name"), "name"),
        (url.is_none() && !table.contains_key("url"), "url"),
    ] {
        if missing {
            diags.push(
                Diagnostic::error("plan-value", format!("a probe needs `{what}`"))
                    .at(at, format!("no `{what}`"))
                    .help("e.g. `name = \"health\"` and `url = \"http://10.0.0.5:8080/healthz\"`"),
            );
        }
    }
    if diags.len() != before {
        return None;
    }
    let (name, name_at) = name?;
    Some(Probe {
        name,
        url: url?,
        expect_status,
        timeout,
        metrics,
        at: Some(name_at),
    })
}

/// Whether a URL can be probed: `http://` or `https://`, a host, no credentials (the URL is
/// written into the facts). The URL is not echoed back in the message.
fn check_url(s: &str) -> Result<(), (String, &'static str)> {
    let help =
        "write a full URL: `http://10.0.0.5:8080/healthz` or `https://staging.example.com/metrics`";
    let lower = s.to_ascii_lowercase();
    let Some(rest) = lower
        .strip_prefix("http://")
        .or_else(|| lower.strip_prefix("https://"))
    else {
        return Err((format!("`{s}` is not an http:// or https:// URL"), help));
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return Err((
            "a probe's URL must not hold credentials: the URL is written into the facts".into(),
            "probe an endpoint that needs no login, or one on the private network",
        ));
    }
    if authority.is_empty() || authority.starts_with(':') {
        return Err((format!("`{s}` names no host"), help));
    }
    match s.parse::<ureq::http::Uri>() {
        Ok(u) if u.host().is_some_and(|h| !h.is_empty()) => Ok(()),
        _ => Err((format!("`{s}` is not a valid URL"), help)),
    }
}

fn parse_timeout(s: &str) -> Option<Duration> {
    let ns = crate::value::parse_duration(s.trim())?;
    let ns = rust_decimal::prelude::ToPrimitive::to_u64(&ns.trunc())?;
    let d = Duration::from_nanos(ns);
    (d > Duration::ZERO && d <= MAX_TIMEOUT).then_some(d)
}

fn is_metric_name(m: &str) -> bool {
    m.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && m.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}
