//! The plan's results sections: `[load]`, `[security]` and `[tests]`. Each names the files a
//! tool wrote (a path, a glob, or a list of them), relative to the plan.

use super::read::{self, Join, SpanOf, table, unknown_key};
use crate::diag::Diagnostic;
use crate::facts::load::{self, Tool};
use crate::facts::results::Named;
use crate::facts::{junit, security};
use crate::span::Span;
use toml::de::DeValue;

/// A path, a glob or a list of them.
fn paths(
    section: &str,
    key: &str,
    v: &toml::Spanned<DeValue>,
    join: Join,
    span: SpanOf,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Named> {
    if matches!(v.get_ref(), DeValue::Array(items) if items.is_empty()) {
        diags.push(
            Diagnostic::error("plan-value", format!("`{section}.{key}` lists no file"))
                .at(span(v.span()), "empty")
                .help("name the results files, or remove the key"),
        );
        return Vec::new();
    }
    let (name, whole) = (format!("{section}.{key}"), "a path or a list of paths");
    let listed = read::strings(v, &name, "paths (strings)", whole, span, diags);
    let named = |(s, at): (String, Span)| Named {
        path: join(&s),
        at: Some(at),
    };
    listed.into_iter().map(named).collect()
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
    let table = table(value, "load", at, diags)?;
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
            "window" => {
                let ns = read::duration(val, "load.window", "30s", vspan, diags);
                config.window = ns.and_then(|ns| rust_decimal::prelude::ToPrimitive::to_f64(&ns));
            }
            "target_rate" => match read::number::<f64>(val) {
                Some(n) if n > 0.0 && n.is_finite() => config.target_rate = Some(n),
                _ => diags.push(
                    Diagnostic::error(
                        "plan-value",
                        "`load.target_rate` is the requests per second the test asked for, a positive number",
                    )
                    .at(vspan, "here"),
                ),
            },
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
            "co_corrected" => {
                config.co_corrected = read::flag(val, "load.co_corrected", vspan, diags);
            }
            other => unknown_key("load", other, LOAD_KEYS, span(k.span()), diags),
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
    let table = table(value, "security", at, diags)?;
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
                unknown_key("security", other, SECURITY_KEYS, span(k.span()), diags);
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
    let table = table(value, "tests", at, diags)?;
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
