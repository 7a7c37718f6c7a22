//! The `monitoring` producer — monitoring validation: HTTP probes of health and metrics endpoints (facts.md, `monitoring`).

use super::Namespace;
use crate::diag::Diagnostic;
use crate::span::SourceMap;

/// The validated `[monitoring]` configuration.
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
        "the `monitoring` producer is being built",
    )])
}
