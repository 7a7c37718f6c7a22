//! The `security` producer: results of security scanners (SARIF 2.1.0 from any analyzer, OWASP
//! ZAP, cargo-audit, npm audit, Trivy), normalised into facts.md's `security` namespace.

use super::Namespace;
use super::results::Named;
use crate::diag::Diagnostic;
use crate::span::SourceMap;

/// The validated `[security]` configuration: the files (or globs) of each format.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Config {
    pub sarif: Vec<Named>,
    pub zap: Vec<Named>,
    pub cargo_audit: Vec<Named>,
    pub npm_audit: Vec<Named>,
    pub trivy: Vec<Named>,
}

impl Config {
    pub fn is_empty(&self) -> bool {
        self.sarif.is_empty()
            && self.zap.is_empty()
            && self.cargo_audit.is_empty()
            && self.npm_audit.is_empty()
            && self.trivy.is_empty()
    }
}

/// Runs the producer: reads every scan and makes the `security` namespace.
pub fn produce(
    config: &Config,
    sources: &mut SourceMap,
) -> Result<(Namespace, Vec<Diagnostic>), Vec<Diagnostic>> {
    let _ = (config, sources);
    Err(vec![Diagnostic::error(
        "internal",
        "the `security` producer is being built",
    )])
}
