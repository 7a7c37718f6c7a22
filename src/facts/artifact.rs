//! The `artifact` producer — the artifact being promoted: name and sha256 (facts.md, `artifact`).

use super::Namespace;
use crate::diag::Diagnostic;
use crate::span::SourceMap;

/// The validated `[artifact]` configuration.
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
        "the `artifact` producer is being built",
    )])
}
