//! The plan's `[monitoring]` section.

use crate::diag::Diagnostic;
use crate::facts::monitoring::Config;
use crate::span::Span;
use std::path::PathBuf;
use toml::de::DeValue;

/// Reads `[monitoring]`; every problem is pushed to `diags`.
pub fn section(
    value: &DeValue,
    at: Span,
    join: &dyn Fn(&str) -> PathBuf,
    span: &dyn Fn(std::ops::Range<usize>) -> Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<Config> {
    let _ = (value, at, join, span, diags);
    Some(Config::default())
}
