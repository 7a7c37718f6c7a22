//! The plan's `[artifact]` section.
//!
//! ```toml
//! [artifact]
//! path = "target/release/app"   # required: the file being promoted
//! name = "app"                  # optional: default the file's name
//! ```

use super::read::{path, string, table, unknown_key};
use crate::diag::Diagnostic;
use crate::facts::artifact::Config;
use crate::span::Span;
use std::path::PathBuf;
use toml::de::DeValue;

const KEYS: &[&str] = &["path", "name"];

/// Reads `[artifact]`; every problem is pushed to `diags`.
pub fn section(
    value: &DeValue,
    at: Span,
    join: &dyn Fn(&str) -> PathBuf,
    span: &dyn Fn(std::ops::Range<usize>) -> Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<Config> {
    let table = table(value, "artifact", at, diags)?;
    let before = diags.len();
    let mut config = Config::default();
    for (k, v) in table {
        let key = k.get_ref().as_ref();
        let vspan = span(v.span());
        match key {
            "path" | "name" => {
                let Some(s) = string(v.get_ref(), &format!("artifact.{key}"), vspan, diags) else {
                    continue;
                };
                if key == "path" {
                    config.path = Some((path(join, &s), vspan));
                } else {
                    config.name = Some(s);
                }
            }
            other => unknown_key("artifact", other, KEYS, span(k.span()), diags),
        }
    }
    if config.path.is_none() && diags.len() == before {
        diags.push(
            Diagnostic::error(
                "plan-value",
                "`[artifact]` needs `path`: the file being promoted, e.g. `path = \"target/release/app\"`",
            )
            .at(at, "no path"),
        );
    }
    (diags.len() == before).then_some(config)
}
