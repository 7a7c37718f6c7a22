//! The `approvals` producer — approvals: the sign-off file (facts.md, `approvals`).

use super::Namespace;
use crate::diag::Diagnostic;
use crate::span::SourceMap;

/// The validated `[approvals]` configuration.
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
        "the `approvals` producer is being built",
    )])
}
