//! The `data` producer — data refresh: production extracts copied into staging (CSV, JSON, NDJSON, SQL INSERT dumps) scanned, streaming, for unmasked sensitive data (facts.md, `data`).

use super::Namespace;
use crate::diag::Diagnostic;
use crate::span::SourceMap;

/// The validated `[data]` configuration.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Config {}

/// Runs the producer.
pub fn produce(
    config: &Config,
    sources: &mut SourceMap,
) -> Result<(Namespace, Vec<Diagnostic>), Vec<Diagnostic>> {
    let _ = (config, sources);
    Err(vec![Diagnostic::error(
        "internal",
        "the `data` producer is being built",
    )])
}
