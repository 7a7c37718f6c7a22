//! The plan's results sections: `[load]`, `[security]` and `[tests]`. Each names the files a
//! tool wrote (a path, a glob, or a list of them), relative to the plan.

use crate::diag::{Diagnostic, suggestion};
use crate::facts::load::{self, Tool};
use crate::facts::results::Named;
use crate::facts::{junit, security};
use crate::span::Span;
use std::path::PathBuf;
use toml::de::DeValue;

type Join<'a> = &'a dyn Fn(&str) -> PathBuf;
type SpanOf<'a> = &'a dyn Fn(std::ops::Range<usize>) -> Span;

/// A path, a glob or a list of them.
fn paths(
    section: &str,
    key: &str,
    v: &toml::Spanned<DeValue>,
    join: Join,
    span: SpanOf,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Named> {
    let one = |s: &str, at: Span| Named {
        path: join(s),
        at: Some(at),
    };
    match v.get_ref() {
        DeValue::String(s) => vec![one(s, span(v.span()))],
        DeValue::Array(items) if !items.is_empty() => items
            .iter()
            .filter_map(|i| match i.get_ref().as_str() {
                Some(s) => Some(one(s, span(i.span()))),
                None => {
                    diags.push(
                        Diagnostic::error(
                            "plan-type",
                            format!("`{section}.{key}` lists paths (strings)"),
                        )
                        .at(span(i.span()), "not a string"),
                    );
                    None
                }
            })
            .collect(),
        DeValue::Array(_) => {
            diags.push(
                Diagnostic::error("plan-value", format!("`{section}.{key}` lists no file"))
                    .at(span(v.span()), "empty")
                    .help("name the results files, or remove the key"),
            );
            Vec::new()
        }
        other => {
            diags.push(
                Diagnostic::error(
                    "plan-type",
                    format!(
                        "`{section}.{key}` must be a path or a list of paths, not {}",
                        other.type_str()
                    ),
                )
                .at(span(v.span()), "here"),
            );
            Vec::new()
        }
    }
}

fn table<'a>(
    name: &str,
    value: &'a DeValue,
    at: Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<&'a toml::de::DeTable<'a>> {
    let t = value.as_table();
    if t.is_none() {
        diags.push(
            Diagnostic::error("plan-type", format!("`{name}` must be a table: `[{name}]`"))
                .at(at, "here"),
        );
    }
    t
}

fn unknown(section: &str, key: &str, keys: &[&str], at: Span) -> Diagnostic {
    let help = suggestion(key, keys.iter().copied())
        .unwrap_or_else(|| format!("the keys of `[{section}]` are {}", keys.join(", ")));
    Diagnostic::error("plan-unknown-key", format!("unknown key `{section}.{key}`"))
        .at(at, "unknown")
        .help(help)
}

fn nothing_named(section: &str, example: &str, at: Span) -> Diagnostic {
    Diagnostic::error(
        "plan-value",
        format!("`[{section}]` names no results file: {example}"),
    )
    .at(at, "nothing to read")
}

const LOAD_KEYS: &[&str] = &[
    "k6",
    "jmeter",
    "locust",
    "artillery",
    "vegeta",
    "oha",
    "files",
    "window",
    "target_rate",
    "model",
    "co_corrected",
];

/// Reads `[load]`.
pub fn load_section(
    value: &DeValue,
    at: Span,
    join: Join,
    span: SpanOf,
    diags: &mut Vec<Diagnostic>,
) -> Option<load::Config> {
    let table = table("load", value, at, diags)?;
    let before = diags.len();
    let mut config = load::Config::default();
    for (k, v) in table {
        let key = k.get_ref().as_ref();
        let vspan = span(v.span());
        let val = v.get_ref();
        if let Some(tool) = Tool::parse(key) {
            for input in paths("load", key, v, join, span, diags) {
                config.sources.push(load::Source {
                    tool: Some(tool),
                    input,
                });
            }
            continue;
        }
        match key {
            // Files told apart by content.
            "files" => {
                for input in paths("load", key, v, join, span, diags) {
                    config.sources.push(load::Source { tool: None, input });
                }
            }
            "window" => match val.as_str().and_then(crate::value::parse_duration) {
                Some(ns) if ns > rust_decimal::Decimal::ZERO => {
                    config.window = rust_decimal::prelude::ToPrimitive::to_f64(&ns);
                }
                _ => diags.push(
                    Diagnostic::error(
                        "plan-value",
                        "`load.window` is a duration with its unit, e.g. `\"30s\"`",
                    )
                    .at(vspan, "here"),
                ),
            },
            "target_rate" => {
                let n = match val {
                    DeValue::Integer(i) => i.as_str().parse::<f64>().ok(),
                    DeValue::Float(f) => f.as_str().parse::<f64>().ok(),
                    _ => None,
                };
                match n {
                    Some(n) if n > 0.0 && n.is_finite() => config.target_rate = Some(n),
                    _ => diags.push(
                        Diagnostic::error(
                            "plan-value",
                            "`load.target_rate` is the requests per second the test asked for, a positive number",
                        )
                        .at(vspan, "here"),
                    ),
                }
            }
            "model" => match val.as_str() {
                Some("open") => config.model = Some(load::model::Model::Open),
                Some("closed") => config.model = Some(load::model::Model::Closed),
                _ => diags.push(
                    Diagnostic::error(
                        "plan-value",
                        "`load.model` is `\"open\"` (a fixed arrival rate) or `\"closed\"` (a fixed number of users)",
                    )
                    .at(vspan, "here"),
                ),
            },
            "co_corrected" => match val {
                DeValue::Boolean(b) => config.co_corrected = Some(*b),
                _ => diags.push(
                    Diagnostic::error(
                        "plan-type",
                        format!("`load.co_corrected` must be true or false, not {}", val.type_str()),
                    )
                    .at(vspan, "here"),
                ),
            },
            other => diags.push(unknown("load", other, LOAD_KEYS, span(k.span()))),
        }
    }
    if config.sources.is_empty() && diags.len() == before {
        diags.push(nothing_named(
            "load",
            "e.g. `k6 = \"results/k6-summary.json\"`",
            at,
        ));
    }
    (diags.len() == before).then_some(config)
}

const SECURITY_KEYS: &[&str] = &["sarif", "zap", "cargo_audit", "npm_audit", "trivy"];

/// Reads `[security]`.
pub fn security_section(
    value: &DeValue,
    at: Span,
    join: Join,
    span: SpanOf,
    diags: &mut Vec<Diagnostic>,
) -> Option<security::Config> {
    let table = table("security", value, at, diags)?;
    let before = diags.len();
    let mut config = security::Config::default();
    for (k, v) in table {
        let key = k.get_ref().as_ref();
        let list = match key {
            "sarif" => &mut config.sarif,
            "zap" => &mut config.zap,
            "cargo_audit" => &mut config.cargo_audit,
            "npm_audit" => &mut config.npm_audit,
            "trivy" => &mut config.trivy,
            other => {
                diags.push(unknown("security", other, SECURITY_KEYS, span(k.span())));
                continue;
            }
        };
        list.extend(paths("security", key, v, join, span, diags));
    }
    if config.is_empty() && diags.len() == before {
        diags.push(nothing_named(
            "security",
            "e.g. `sarif = [\"results/*.sarif\"]`",
            at,
        ));
    }
    (diags.len() == before).then_some(config)
}

/// Reads `[tests]`: every key is a kind of suite (`regression`, `e2e`, `uat`, …).
pub fn tests_section(
    value: &DeValue,
    at: Span,
    join: Join,
    span: SpanOf,
    diags: &mut Vec<Diagnostic>,
) -> Option<junit::Config> {
    let table = table("tests", value, at, diags)?;
    let before = diags.len();
    let mut config = junit::Config::default();
    for (k, v) in table {
        let kind = k.get_ref().as_ref();
        if let Err(m) = check_kind(kind) {
            diags.push(Diagnostic::error("plan-value", m).at(span(k.span()), "here"));
            continue;
        }
        for input in paths("tests", kind, v, join, span, diags) {
            config.suites.push((kind.to_string(), input));
        }
    }
    if config.suites.is_empty() && diags.len() == before {
        diags.push(nothing_named(
            "tests",
            "a key per kind of suite, e.g. `regression = \"results/junit/*.xml\"`",
            at,
        ));
    }
    (diags.len() == before).then_some(config)
}

/// A kind of suite names itself in facts and messages: keep it a plain word.
pub fn check_kind(kind: &str) -> Result<(), String> {
    check_word(kind, "kind of suite", "`regression`, `e2e` or `uat`")
}

/// A name the plan gives that facts, logs and messages repeat (a kind of suite, a stage): a
/// plain lowercase word. `what` names it, `examples` shows some.
pub fn check_word(word: &str, what: &str, examples: &str) -> Result<(), String> {
    let ok = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{word}` is not a {what}: use a lowercase word such as {examples}"
        ))
    }
}
