//! The plan's `[source]` section: which Rust sources to scan for regulated data.

use crate::diag::{Diagnostic, suggestion};
use crate::facts::source::Config;
use crate::span::Span;
use std::path::PathBuf;
use toml::de::DeValue;

const KEYS: &[&str] = &["paths", "protective_types", "patterns", "max_file_mib"];

/// Reads `[source]`; every problem is pushed to `diags`.
pub fn section(
    value: &DeValue,
    at: Span,
    join: &dyn Fn(&str) -> PathBuf,
    span: &dyn Fn(std::ops::Range<usize>) -> Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<Config> {
    let Some(table) = value.as_table() else {
        diags.push(
            Diagnostic::error("plan-type", "`source` must be a table: `[source]`").at(at, "here"),
        );
        return None;
    };
    let before = diags.len();
    let mut config = Config::default();
    for (k, v) in table {
        let key = k.get_ref().as_ref();
        let vspan = span(v.span());
        let strings = |diags: &mut Vec<Diagnostic>| -> Vec<(String, Span)> {
            match v.get_ref() {
                DeValue::String(s) => vec![(s.to_string(), vspan)],
                DeValue::Array(items) => items
                    .iter()
                    .filter_map(|i| match i.get_ref().as_str() {
                        Some(s) => Some((s.to_string(), span(i.span()))),
                        None => {
                            diags.push(
                                Diagnostic::error(
                                    "plan-type",
                                    format!("`source.{key}` lists strings"),
                                )
                                .at(span(i.span()), "not a string"),
                            );
                            None
                        }
                    })
                    .collect(),
                other => {
                    diags.push(
                        Diagnostic::error(
                            "plan-type",
                            format!(
                                "`source.{key}` must be a list of strings, not {}",
                                other.type_str()
                            ),
                        )
                        .at(vspan, "here"),
                    );
                    Vec::new()
                }
            }
        };
        match key {
            "paths" => {
                for (p, s) in strings(diags) {
                    config.paths.push((join(&p), Some(s)));
                }
            }
            "protective_types" => {
                for (t, _) in strings(diags) {
                    // `crate::Sensitive<T>` is matched by its last segment, `Sensitive`.
                    let name = t
                        .split('<')
                        .next()
                        .unwrap_or(&t)
                        .rsplit("::")
                        .next()
                        .unwrap_or(&t);
                    config.protective_types.push(name.trim().to_string());
                }
            }
            "patterns" => {
                for (p, s) in strings(diags) {
                    match regex::Regex::new(&p) {
                        Ok(re) => config
                            .suspects
                            .push((re, format!("a name the plan's pattern `{p}` flags"))),
                        Err(e) => diags.push(
                            Diagnostic::error(
                                "plan-value",
                                format!("`{p}` is not a valid regex: {e}"),
                            )
                            .at(s, "here"),
                        ),
                    }
                }
            }
            "max_file_mib" => match v.get_ref() {
                DeValue::Integer(i) => match i.as_str().parse::<u64>() {
                    Ok(n) if n > 0 => config.max_file_mib = Some(n),
                    _ => diags.push(
                        Diagnostic::error(
                            "plan-value",
                            "`source.max_file_mib` is a whole number of MiB, at least 1",
                        )
                        .at(vspan, "here"),
                    ),
                },
                other => diags.push(
                    Diagnostic::error(
                        "plan-type",
                        format!(
                            "`source.max_file_mib` must be a number of MiB, not {}",
                            other.type_str()
                        ),
                    )
                    .at(vspan, "here"),
                ),
            },
            other => {
                let help = suggestion(other, KEYS.iter().copied())
                    .unwrap_or_else(|| format!("the keys of `[source]` are {}", KEYS.join(", ")));
                diags.push(
                    Diagnostic::error("plan-unknown-key", format!("unknown key `source.{other}`"))
                        .at(span(k.span()), "unknown")
                        .help(help),
                );
            }
        }
    }
    if config.paths.is_empty() && diags.len() == before {
        diags.push(
            Diagnostic::error(
                "plan-value",
                "`[source]` needs `paths`: the folders to scan, e.g. `paths = [\"src\"]`",
            )
            .at(at, "no paths"),
        );
    }
    (diags.len() == before).then_some(config)
}
