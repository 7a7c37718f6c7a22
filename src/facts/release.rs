//! The `release` producer — release documentation: version, commit and dirty state, changelog entry, rollback document (facts.md, `release`).

use super::Namespace;
use crate::diag::Diagnostic;
use crate::span::SourceMap;

/// The validated `[release]` configuration.
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
        "the `release` producer is being built",
    )])
}
