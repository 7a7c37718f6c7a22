//! The plan's `[[step]]`s: the staging sequence `gate run` runs, in order.

use crate::diag::Diagnostic;
use crate::span::Span;
use std::path::PathBuf;
use toml::de::DeValue;

/// What a step does.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// An external command, run by `sh -c` in `cwd`.
    Command {
        run: String,
        cwd: PathBuf,
        env: Vec<(String, String)>,
    },
    /// One of gate's producers, by its plan section's name (`load`, `config`, …).
    Producer(String),
}

/// One validated step.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub name: String,
    pub at: Span,
    pub action: Action,
    /// Longest a run may take, in nanoseconds.
    pub timeout: Option<u64>,
    /// Runs after a failure, before the step counts as failed.
    pub retries: u32,
    /// A failure stops the sequence (the later steps are skipped; facts are still evaluated).
    pub stop_on_failure: bool,
}

/// Reads `[[step]]`; every problem is pushed to `diags`.
pub fn section(
    value: &DeValue,
    at: Span,
    join: &dyn Fn(&str) -> PathBuf,
    span: &dyn Fn(std::ops::Range<usize>) -> Span,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Step> {
    let _ = (value, at, join, span, diags);
    Vec::new()
}
