//! The plan's `[source]` section: which Rust sources to scan for regulated data.

use super::read::{self, table, unknown_key, whole};
use crate::diag::Diagnostic;
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
    let table = table(value, "source", at, diags)?;
    let before = diags.len();
    let mut config = Config::default();
    for (k, v) in table {
        let key = k.get_ref().as_ref();
        let vspan = span(v.span());
        let strings = |diags: &mut Vec<Diagnostic>| {
            let whole = "a list of strings";
            read::strings(v, &format!("source.{key}"), "strings", whole, span, diags)
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
            "max_file_mib" => {
                config.max_file_mib = whole(
                    v.get_ref(),
                    "source.max_file_mib",
                    "a number of MiB",
                    "a whole number of MiB, at least 1",
                    |n| *n > 0,
                    vspan,
                    diags,
                );
            }
            other => unknown_key("source", other, KEYS, span(k.span()), diags),
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
