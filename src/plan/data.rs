//! The plan's `[data]` section: which production extracts to scan for unmasked sensitive data.
//!
//! ```toml
//! [data]
//! paths = ["extracts/*.csv", "extracts/events.ndjson"]   # required
//! patterns = { employee_id = "EMP-[0-9]{6}" }            # the plan's own kinds
//! ignore_fields = ["user_hash"]                          # never scanned
//! max_findings = 100                                     # per file
//! kinds = ["email", "us_ssn", "credit_card"]             # built-in detectors (default: all)
//! format = "csv"                                         # instead of by extension
//! ```

use super::read::{self, suggest, table, unknown_key, whole};
use crate::diag::Diagnostic;
use crate::facts::data::detect::Kind;
use crate::facts::data::{Config, Format};
use crate::facts::results::Named;
use crate::span::Span;
use std::path::PathBuf;
use toml::de::DeValue;

const KEYS: &[&str] = &[
    "paths",
    "patterns",
    "ignore_fields",
    "max_findings",
    "kinds",
    "format",
];

/// Reads `[data]`; every problem is pushed to `diags`.
pub fn section(
    value: &DeValue,
    at: Span,
    join: &dyn Fn(&str) -> PathBuf,
    span: &dyn Fn(std::ops::Range<usize>) -> Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<Config> {
    let table = table(value, "data", at, diags)?;
    let before = diags.len();
    let mut config = Config::default();
    for (k, v) in table {
        let key = k.get_ref().as_ref();
        let vspan = span(v.span());
        let strings = |diags: &mut Vec<Diagnostic>| {
            let whole = "a string or a list of strings";
            read::strings(v, &format!("data.{key}"), "strings", whole, span, diags)
        };
        match key {
            "paths" => {
                for (p, s) in strings(diags) {
                    config.paths.push(Named {
                        path: join(&p),
                        at: Some(s),
                    });
                }
            }
            "ignore_fields" => {
                config.ignore_fields = strings(diags).into_iter().map(|(f, _)| f).collect();
            }
            "kinds" => {
                let mut kinds = Vec::new();
                for (name, s) in strings(diags) {
                    match Kind::from_name(&name) {
                        Some(k) => kinds.push(k),
                        None => {
                            let help = suggest(&name, &Kind::ALL.map(Kind::name), "built-in kinds");
                            diags.push(
                                Diagnostic::error(
                                    "plan-value",
                                    format!("`{name}` is not a built-in kind of sensitive data"),
                                )
                                .at(s, "unknown kind")
                                .help(help),
                            );
                        }
                    }
                }
                config.kinds = Some(kinds);
            }
            "format" => match v.get_ref().as_str() {
                Some(name) => match Format::from_name(name) {
                    Some(f) => config.format = Some(f),
                    None => {
                        let help = suggest(name, Format::NAMES, "formats");
                        diags.push(
                            Diagnostic::error(
                                "plan-value",
                                format!("`{name}` is not a format gate reads"),
                            )
                            .at(vspan, "here")
                            .help(help),
                        );
                    }
                },
                None => diags.push(
                    Diagnostic::error("plan-type", "`data.format` must be a string")
                        .at(vspan, "here"),
                ),
            },
            "max_findings" => {
                config.max_findings = whole(
                    v.get_ref(),
                    "data.max_findings",
                    "a number",
                    "a whole number, at least 1",
                    |n| *n > 0,
                    vspan,
                    diags,
                );
            }
            "patterns" => match v.get_ref() {
                DeValue::Table(t) => {
                    for (name, re) in t {
                        let n = name.get_ref().as_ref().to_string();
                        let nspan = span(name.span());
                        if Kind::from_name(&n).is_some() {
                            diags.push(
                                Diagnostic::error(
                                    "plan-value",
                                    format!("`{n}` is a built-in kind; name the pattern otherwise"),
                                )
                                .at(nspan, "taken"),
                            );
                            continue;
                        }
                        let rspan = span(re.span());
                        let Some(text) = re.get_ref().as_str() else {
                            diags.push(
                                Diagnostic::error(
                                    "plan-type",
                                    format!("`data.patterns.{n}` must be a regex, as a string"),
                                )
                                .at(rspan, "not a string"),
                            );
                            continue;
                        };
                        match regex::Regex::new(text) {
                            Ok(r) if r.is_match("") => diags.push(
                                Diagnostic::error(
                                    "plan-value",
                                    format!("the pattern `{n}` matches the empty string"),
                                )
                                .at(rspan, "matches nothing in particular")
                                .help("a pattern must match at least one character"),
                            ),
                            Ok(r) => config.patterns.push((n, r)),
                            Err(e) => diags.push(
                                Diagnostic::error(
                                    "plan-value",
                                    format!("the pattern `{n}` is not a valid regex"),
                                )
                                .at(rspan, "here")
                                .help(
                                    e.to_string()
                                        .lines()
                                        .last()
                                        .unwrap_or("")
                                        .trim()
                                        .to_string(),
                                ),
                            ),
                        }
                    }
                }
                other => diags.push(
                    read::type_error("data.patterns", "a table of name = \"regex\"", other, vspan)
                        .help("write `patterns = { employee_id = \"EMP-[0-9]{6}\" }`"),
                ),
            },
            other => unknown_key("data", other, KEYS, span(k.span()), diags),
        }
    }
    if config.paths.is_empty() && diags.len() == before {
        diags.push(
            Diagnostic::error(
                "plan-value",
                "`[data]` needs `paths`: the extracts to scan, e.g. `paths = [\"extracts/*.csv\"]`",
            )
            .at(at, "no paths"),
        );
    }
    (diags.len() == before).then_some(config)
}
