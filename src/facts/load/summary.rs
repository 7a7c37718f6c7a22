//! Readers of the summaries load tools write at the end of a test: k6's `--summary-export` and
//! `handleSummary()` JSON, Locust's `--csv` stats (with its failures and history siblings) and
//! `--json`, Artillery's `--output` report, oha's `--output-format json` and vegeta's
//! `report -type=json`. Each fills a [`LoadResult`] with exactly what the tool computed: a value
//! the file does not carry stays `None`, so a policy that reads it gets an error, never a default.
//!
//! The readers are pure over the text (the Locust stats reader also reads its sibling files
//! through [`results::read`]). Every problem in a file is collected and reported located — by
//! JSON pointer or by line — with the file's name.

mod artillery;
mod k6;
mod locust;
mod oha;
mod vegeta;

use super::Tool;
use super::model::LoadResult;
use crate::diag::Diagnostic;
use crate::facts::results::{self, Input, Problem};
use crate::span::SourceMap;
use serde_json::{Map, Value as J};

/// Reads one summary file. `tool` is `None` when the user named just the file: the format is
/// then told apart by the file's content.
pub fn read(
    input: &Input,
    tool: Option<Tool>,
    sources: &mut SourceMap,
) -> Result<LoadResult, Vec<Diagnostic>> {
    let what = what(tool);
    let first = input.text.trim_start().chars().next();
    if !matches!(first, Some('{' | '[')) {
        if matches!(tool, None | Some(Tool::Locust)) && locust::is_stats_csv(&input.text) {
            return locust::read_stats_csv(input, sources);
        }
        return Err(vec![unrecognised(input, tool)]);
    }
    let doc = results::json(input, what, sources).map_err(|d| vec![d])?;
    let Some(format) = Format::detect(&doc) else {
        return Err(vec![unrecognised(input, tool)]);
    };
    if let Some(tool) = tool
        && format.tool() != tool
    {
        return Err(vec![
            Diagnostic::error(
                "load-format",
                format!(
                    "{what} `{}` looks like {}, not like {} output",
                    input.shown,
                    format.describe(),
                    tool.name()
                ),
            )
            .help(format!(
                "name the tool that wrote it (`{}={}`), or give just the file and gate tells the format apart",
                format.tool().name(),
                input.shown
            )),
        ]);
    }
    let mut f = Fields::default();
    let result = match format {
        Format::K6SummaryExport => k6::read(&doc, false, &mut f),
        Format::K6HandleSummary => k6::read(&doc, true, &mut f),
        Format::LocustJson => locust::read_json(&doc, &mut f),
        Format::Artillery => artillery::read(&doc, &mut f),
        Format::Oha => oha::read(&doc, &mut f),
        Format::Vegeta => vegeta::read(&doc, &mut f),
    };
    let what = what_of(format.tool());
    f.finish(result, input, what)
}

/// What the diagnostics call the file.
fn what(tool: Option<Tool>) -> &'static str {
    match tool {
        Some(t) => what_of(t),
        None => "the load results",
    }
}

fn what_of(tool: Tool) -> &'static str {
    match tool {
        Tool::K6 => "the k6 summary",
        Tool::Jmeter => "the JMeter results",
        Tool::Locust => "the Locust results",
        Tool::Artillery => "the Artillery report",
        Tool::Vegeta => "the vegeta report",
        Tool::Oha => "the oha results",
    }
}

const READS: &str = "gate reads k6 `--summary-export` and `handleSummary()` JSON, k6 `--out json` \
    NDJSON, JMeter JTL (CSV or XML), Locust `--csv` `_stats.csv` and `--json`, Artillery \
    `--output` reports, vegeta `report -type=json` and `encode` JSON lines, and oha \
    `--output-format json`";

fn unrecognised(input: &Input, tool: Option<Tool>) -> Diagnostic {
    let message = match tool {
        Some(t) => format!(
            "{} `{}` is not {} output gate reads",
            what(tool),
            input.shown,
            t.name()
        ),
        None => format!(
            "the load results `{}` are in no format gate knows",
            input.shown
        ),
    };
    Diagnostic::error("load-format", message).help(READS)
}

/// The JSON summaries, told apart by their shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    K6SummaryExport,
    K6HandleSummary,
    LocustJson,
    Artillery,
    Oha,
    Vegeta,
}

impl Format {
    fn detect(doc: &J) -> Option<Format> {
        if let Some(list) = doc.as_array() {
            // `locust --json`: a list of stats entries; an empty list is a run with no requests.
            let stats = list.iter().all(|e| e.get("response_times").is_some());
            return (stats && !list.is_empty()).then_some(Format::LocustJson);
        }
        let has = |k: &str| doc.get(k).is_some();
        // oha writes a `metrics` object too: its own shape comes first.
        if has("summary") && (has("latencyPercentiles") || has("latencyDistribution")) {
            return Some(Format::Oha);
        }
        if let Some(metrics) = doc.get("metrics").and_then(J::as_object) {
            let values = metrics.values().any(|m| m.get("values").is_some());
            if values || has("state") {
                return Some(Format::K6HandleSummary);
            }
            if has("root_group")
                || metrics.contains_key("http_reqs")
                || metrics.contains_key("http_req_duration")
            {
                return Some(Format::K6SummaryExport);
            }
            return None;
        }
        if has("aggregate") && has("intermediate") {
            return Some(Format::Artillery);
        }
        if doc
            .get("latencies")
            .is_some_and(|l| l.get("50th").is_some())
        {
            return Some(Format::Vegeta);
        }
        None
    }

    fn tool(self) -> Tool {
        match self {
            Format::K6SummaryExport | Format::K6HandleSummary => Tool::K6,
            Format::LocustJson => Tool::Locust,
            Format::Artillery => Tool::Artillery,
            Format::Oha => Tool::Oha,
            Format::Vegeta => Tool::Vegeta,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Format::K6SummaryExport => "a k6 `--summary-export` file",
            Format::K6HandleSummary => "k6 `handleSummary()` JSON",
            Format::LocustJson => "Locust `--json` output",
            Format::Artillery => "an Artillery report",
            Format::Oha => "oha JSON output",
            Format::Vegeta => "a vegeta JSON report",
        }
    }
}

/// Typed access to a JSON document that collects every problem, each at its JSON pointer.
#[derive(Default)]
struct Fields {
    problems: Vec<Problem>,
}

/// The pointer to `key` under `base`, escaped as RFC 6901 says.
fn ptr(base: &str, key: &str) -> String {
    format!("{base}/{}", key.replace('~', "~0").replace('/', "~1"))
}

fn kind(v: &J) -> &'static str {
    match v {
        J::Null => "null",
        J::Bool(_) => "a boolean",
        J::Number(_) => "a number",
        J::String(_) => "a string",
        J::Array(_) => "a list",
        J::Object(_) => "an object",
    }
}

impl Fields {
    fn problem(&mut self, at: &str, message: impl Into<String>) {
        self.problems.push(Problem::at_pointer(at, message));
    }

    fn name(at: &str) -> &str {
        at.rsplit('/').next().unwrap_or(at)
    }

    /// A number, or `None` when absent or `null` (the tool has no value); anything else is a problem.
    fn number(&mut self, v: Option<&J>, at: &str) -> Option<f64> {
        match v? {
            J::Null => None,
            J::Number(n) => match n.as_f64().filter(|x| x.is_finite()) {
                Some(x) => Some(x),
                None => {
                    self.problem(at, format!("`{n}` is out of range"));
                    None
                }
            },
            other => {
                let name = Self::name(at).replace("~1", "/").replace("~0", "~");
                self.problem(
                    at,
                    format!("`{name}` must be a number, not {}", kind(other)),
                );
                None
            }
        }
    }

    /// A number that may not be negative.
    fn non_negative(&mut self, v: Option<&J>, at: &str) -> Option<f64> {
        let x = self.number(v, at)?;
        if x < 0.0 {
            self.problem(at, format!("`{x}` is negative"));
            return None;
        }
        Some(x)
    }

    /// A count: a whole number, not negative.
    fn count(&mut self, v: Option<&J>, at: &str) -> Option<u64> {
        let x = self.non_negative(v, at)?;
        if x.fract() != 0.0 || x > 9.0e15 {
            self.problem(at, format!("`{x}` is not a whole number"));
            return None;
        }
        Some(x as u64)
    }

    /// Like [`Fields::count`], but absence is a problem too.
    fn need_count(&mut self, parent: &J, base: &str, key: &str) -> Option<u64> {
        let at = ptr(base, key);
        match parent.get(key) {
            None | Some(J::Null) => {
                self.problem(base, format!("`{key}` is missing"));
                None
            }
            v => self.count(v, &at),
        }
    }

    fn object<'a>(&mut self, v: Option<&'a J>, at: &str) -> Option<&'a Map<String, J>> {
        match v? {
            J::Null => None,
            J::Object(m) => Some(m),
            other => {
                let name = Self::name(at).replace("~1", "/").replace("~0", "~");
                self.problem(
                    at,
                    format!("`{name}` must be an object, not {}", kind(other)),
                );
                None
            }
        }
    }

    fn string<'a>(&mut self, v: Option<&'a J>, at: &str) -> Option<&'a str> {
        match v? {
            J::Null => None,
            J::String(s) => Some(s),
            other => {
                let name = Self::name(at).replace("~1", "/").replace("~0", "~");
                self.problem(
                    at,
                    format!("`{name}` must be a string, not {}", kind(other)),
                );
                None
            }
        }
    }

    /// A latency statistic in the file's unit, `scale` nanoseconds each.
    fn latency(&mut self, parent: &J, base: &str, key: &str, scale: f64) -> Option<f64> {
        self.non_negative(parent.get(key), &ptr(base, key))
            .map(|x| x * scale)
    }

    /// An RFC 3339 time, as milliseconds since the epoch.
    fn time(&mut self, v: Option<&J>, at: &str) -> Option<i64> {
        let s = self.string(v, at)?;
        match s.parse::<jiff::Timestamp>() {
            Ok(t) => Some(t.as_millisecond()),
            Err(e) => {
                self.problem(at, format!("`{s}` is not an RFC 3339 time: {e}"));
                None
            }
        }
    }

    /// The result, or every problem found located in `input`.
    fn finish(
        self,
        result: Option<LoadResult>,
        input: &Input,
        what: &str,
    ) -> Result<LoadResult, Vec<Diagnostic>> {
        if !self.problems.is_empty() {
            return Err(self
                .problems
                .into_iter()
                .map(|p| results::located("load-field", what, input, p))
                .collect());
        }
        match result {
            Some(mut r) => {
                r.file.clone_from(&input.shown);
                Ok(r)
            }
            None => Err(vec![Diagnostic::error(
                "internal",
                format!("{what} `{}` could not be read", input.shown),
            )]),
        }
    }
}

/// A file whose test made no requests at all: evidence of nothing.
fn no_requests(at: &str) -> Problem {
    Problem::at_pointer(at, "the file reports no requests: the test did not run")
        .help("an empty load test is evidence of nothing, not a pass: check the step that runs it")
}

#[cfg(test)]
mod tests;
