//! The plan's `[build]` section.
//!
//! ```toml
//! [build]
//! manifest = "Cargo.toml"   # optional: default `Cargo.toml` beside the plan; its workspace is read
//! ```

use super::read::{path, plan_dir, string, table, unknown_key};
use crate::diag::Diagnostic;
use crate::facts::build::Config;
use crate::span::Span;
use std::path::PathBuf;
use toml::de::DeValue;

const KEYS: &[&str] = &["manifest"];

/// Reads `[build]`; every problem is pushed to `diags`.
pub fn section(
    value: &DeValue,
    at: Span,
    join: &dyn Fn(&str) -> PathBuf,
    span: &dyn Fn(std::ops::Range<usize>) -> Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<Config> {
    let table = table(value, "build", at, diags)?;
    let before = diags.len();
    let mut config = Config {
        dir: plan_dir(join),
        at: Some(at),
        ..Config::default()
    };
    for (k, v) in table {
        let key = k.get_ref().as_ref();
        let vspan = span(v.span());
        match key {
            "manifest" => {
                if let Some(s) = string(v.get_ref(), "build.manifest", vspan, diags) {
                    config.manifest = Some((path(join, &s), vspan));
                }
            }
            other => unknown_key("build", other, KEYS, span(k.span()), diags),
        }
    }
    (diags.len() == before).then_some(config)
}
