//! The `load` producer: load-test results from the tools teams already use, normalised into
//! facts.md's `load` namespace.

pub mod model;

use super::Namespace;
use super::results::Named;
use crate::diag::Diagnostic;
use crate::span::SourceMap;

/// Told how far a long read is: (bytes done, bytes in all). Called from the reading threads.
pub type Progress = std::sync::Arc<dyn Fn(u64, u64) + Send + Sync>;

/// The load tools gate reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    K6,
    Jmeter,
    Locust,
    Artillery,
    Vegeta,
    Oha,
}

impl Tool {
    pub const ALL: [Tool; 6] = [
        Tool::K6,
        Tool::Jmeter,
        Tool::Locust,
        Tool::Artillery,
        Tool::Vegeta,
        Tool::Oha,
    ];

    /// The name in the plan (`[load] k6 = …`) and in facts (`load.tool`).
    pub fn name(self) -> &'static str {
        match self {
            Tool::K6 => "k6",
            Tool::Jmeter => "jmeter",
            Tool::Locust => "locust",
            Tool::Artillery => "artillery",
            Tool::Vegeta => "vegeta",
            Tool::Oha => "oha",
        }
    }

    pub fn parse(name: &str) -> Option<Tool> {
        Tool::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// One results file (or glob) to read, and which tool wrote it; `None` tells the tool apart by
/// the file's content (`--load FILE`).
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    pub tool: Option<Tool>,
    pub input: Named,
}

/// The validated `[load]` configuration.
#[derive(Clone, Default)]
pub struct Config {
    pub sources: Vec<Source>,
    /// Length of `load.windows`, in nanoseconds; `None` for 30 s.
    pub window: Option<f64>,
    /// What the test asked for, when the results file does not say (`[load] target_rate`).
    pub target_rate: Option<f64>,
    /// `[load] model`, when the results file does not say.
    pub model: Option<model::Model>,
    /// `[load] co_corrected`, when the results file does not say.
    pub co_corrected: Option<bool>,
    /// Where to report progress (the CLI draws it on a terminal); `None` for silence.
    pub progress: Option<Progress>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("sources", &self.sources)
            .field("window", &self.window)
            .field("target_rate", &self.target_rate)
            .field("model", &self.model)
            .field("co_corrected", &self.co_corrected)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// Runs the producer: reads every source and makes the `load` namespace.
pub fn produce(
    config: &Config,
    sources: &mut SourceMap,
) -> Result<(Namespace, Vec<Diagnostic>), Vec<Diagnostic>> {
    let _ = (config, sources);
    Err(vec![Diagnostic::error(
        "internal",
        "the `load` producer is being built",
    )])
}
