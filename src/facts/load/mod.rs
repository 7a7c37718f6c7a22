//! The `load` producer: load-test results from the tools teams already use, normalised into
//! facts.md's `load` namespace.

pub mod jtl;
pub mod k6_stream;
pub mod model;
pub mod record;
pub mod stream;
pub mod summary;
pub mod vegeta_stream;

use super::results::{self, Named, Problem};
use super::{Namespace, Origin, shown};
use crate::diag::Diagnostic;
use crate::span::SourceMap;
use model::{Endpoint, Latency, LoadResult, Requests};
use record::Recorder;
use serde_json::{Value as J, json};
use std::io::{Read, Seek};
use std::path::Path;

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

/// How a file is read.
enum Kind {
    /// JMeter CSV: the header's layout, and the bytes up to the first row.
    Jtl(jtl::Jtl, u64),
    K6,
    Vegeta,
    /// A summary, read whole by [`summary::read`].
    Whole,
}

impl Kind {
    fn tool(&self) -> Option<Tool> {
        match self {
            Kind::Jtl(..) => Some(Tool::Jmeter),
            Kind::K6 => Some(Tool::K6),
            Kind::Vegeta => Some(Tool::Vegeta),
            Kind::Whole => None,
        }
    }
}

/// Bytes looked at to tell a file's format.
const SNIFF: usize = 64 << 10;

fn stream_what(tool: Tool) -> &'static str {
    match tool {
        Tool::Jmeter => jtl::WHAT,
        Tool::K6 => k6_stream::WHAT,
        Tool::Vegeta => vegeta_stream::WHAT,
        _ => "the load results",
    }
}

fn what_of(tool: Option<Tool>) -> &'static str {
    tool.map_or("the load results", stream_what)
}

/// Tells a raw stream from a summary by the file's first line.
fn sniff(
    path: &Path,
    tool: Option<Tool>,
    at: Option<crate::span::Span>,
    sources: &mut SourceMap,
) -> Result<Kind, Diagnostic> {
    let what = what_of(tool);
    if std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == 0) {
        let problem = Problem::at_line(1, 1, "", "the file is empty").help(
            "an empty results file is evidence of nothing, not zero findings: check the step that writes it",
        );
        let d = results::located_in_stream("results-empty", what, path, problem, sources);
        return Err(match at {
            Some(at) => d.at(at, "named here"),
            None => d,
        });
    }
    let (file, _) = results::open(path, what, at)?;
    let mut head = Vec::with_capacity(SNIFF);
    file.take(SNIFF as u64)
        .read_to_end(&mut head)
        .map_err(|e| {
            Diagnostic::error(
                "results-unreadable",
                format!(
                    "cannot read {what} `{}`: {}",
                    shown(path),
                    crate::diag::io_reason(&e)
                ),
            )
        })?;
    let body = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head);
    let bom = (head.len() - body.len()) as u64;
    let (first, complete) = match memchr::memchr(b'\n', body) {
        Some(i) => (body.get(..i).unwrap_or_default(), true),
        None => (body, body.len() < SNIFF),
    };
    let first_trimmed = first.trim_ascii();
    let mismatch = |found: Tool, describe: &str| {
        Diagnostic::error(
            "load-format",
            format!(
                "{} `{}` looks like {describe}, not like {} output",
                what,
                shown(path),
                tool.map_or("", Tool::name)
            ),
        )
        .help(format!(
            "name the tool that wrote it (`{}={}`), or give just the file and gate tells the format apart",
            found.name(),
            shown(path)
        ))
    };
    let kind = if first_trimmed.starts_with(b"{") && complete {
        match serde_json::from_slice::<J>(first_trimmed) {
            Ok(v) if k6_stream::is_first_line(&v) => Kind::K6,
            Ok(v) if vegeta_stream::is_first_line(&v) => Kind::Vegeta,
            _ => Kind::Whole,
        }
    } else if first_trimmed.starts_with(b"<") && tool == Some(Tool::Jmeter) {
        return Err(Diagnostic::error(
            "load-format",
            format!("{what} `{}` is XML; gate reads JMeter's CSV results", shown(path)),
        )
        .help("write the results as CSV, JMeter's default: `jmeter -n -t plan.jmx -l results.jtl -Jjmeter.save.saveservice.output_format=csv`"));
    } else if tool == Some(Tool::Jmeter)
        || (!first_trimmed.starts_with(b"{") && !first_trimmed.starts_with(b"[") && {
            let l = String::from_utf8_lossy(first);
            l.contains("timeStamp") || jtl::is_header(first)
        })
    {
        let layout = jtl::Jtl::header(first).map_err(|f| {
            let line = f.line;
            let (code, p) = f.into_problem(line);
            results::located_in_stream(code, jtl::WHAT, path, p, sources)
        })?;
        let header =
            bom + first.len() as u64 + u64::from(complete && memchr::memchr(b'\n', body).is_some());
        Kind::Jtl(layout, header)
    } else if matches!(tool, None | Some(Tool::Vegeta)) && vegeta_stream::is_gob(&head) {
        return Err(Diagnostic::error(
            "load-format",
            format!(
                "the vegeta results `{}` are in vegeta's binary (gob) form, which gate does not read",
                shown(path)
            ),
        )
        .help(format!(
            "convert with `vegeta encode --to json < {0} > {0}.json` and give gate the JSON lines",
            shown(path)
        )));
    } else {
        Kind::Whole
    };
    if let (Some(want), Some(found)) = (tool, kind.tool())
        && want != found
    {
        let describe = match kind {
            Kind::Jtl(..) => "JMeter CSV results (JTL)",
            Kind::K6 => "a k6 `--out json` point stream",
            _ => "vegeta results as JSON lines",
        };
        return Err(mismatch(found, describe));
    }
    Ok(kind)
}

/// The start of the first samples of a stream, to align windows: the earliest start among the
/// samples of the first block that has any.
fn first_start<F: stream::Format>(format: &F, path: &Path, skip: u64) -> Option<i64> {
    let mut file = std::fs::File::open(path).ok()?;
    file.seek(std::io::SeekFrom::Start(skip)).ok()?;
    let mut carry = Vec::new();
    loop {
        let mut buf = std::mem::take(&mut carry);
        let n = (&mut file).take(1 << 20).read_to_end(&mut buf).ok()?;
        let eof = n < 1 << 20;
        let cut = if eof {
            buf.len()
        } else {
            memchr::memrchr(b'\n', &buf).map_or(0, |i| i + 1)
        };
        carry = buf.split_off(cut);
        let mut rec = Recorder::new(0, record::DEFAULT_WINDOW_NS);
        let block = stream::Block {
            data: &buf,
            last: eof,
        };
        format.block(&block, &mut rec, &mut Vec::new());
        if let Some(s) = rec.started() {
            return Some(s);
        }
        if eof || carry.len() > stream::MAX_LINE {
            return None;
        }
    }
}

/// One file's reading.
struct FileRead {
    result: LoadResult,
    /// Kept to merge with the other raw streams.
    rec: Option<Recorder>,
}

struct Planned {
    tool: Option<Tool>,
    path: std::path::PathBuf,
    at: Option<crate::span::Span>,
    kind: Kind,
}

fn read_stream(
    p: &Planned,
    origin: i64,
    window: i64,
    config: &Config,
    sources: &mut SourceMap,
) -> Result<FileRead, Vec<Diagnostic>> {
    let tool = p.kind.tool().unwrap_or(Tool::K6);
    let what = stream_what(tool);
    let (mut file, total) = results::open(&p.path, what, p.at).map_err(|d| vec![d])?;
    let (skip, first_line) = match &p.kind {
        Kind::Jtl(_, header) => (*header, 2),
        _ => (0, 1),
    };
    let io = |e: std::io::Error| {
        vec![Diagnostic::error(
            "results-unreadable",
            format!(
                "cannot read {what} `{}`: {}",
                shown(&p.path),
                crate::diag::io_reason(&e)
            ),
        )]
    };
    file.seek(std::io::SeekFrom::Start(skip)).map_err(io)?;
    let progress = config.progress.as_ref();
    let (outcome, format, timeouts) = match &p.kind {
        Kind::Jtl(layout, _) => (
            stream::run(
                layout, file, first_line, skip, total, origin, window, progress,
            ),
            jtl::FORMAT,
            layout.marks_timeouts(),
        ),
        Kind::K6 => (
            stream::run(
                &k6_stream::K6::default(),
                file,
                first_line,
                skip,
                total,
                origin,
                window,
                progress,
            ),
            k6_stream::FORMAT,
            true,
        ),
        _ => (
            stream::run(
                &vegeta_stream::Vegeta::default(),
                file,
                first_line,
                skip,
                total,
                origin,
                window,
                progress,
            ),
            vegeta_stream::FORMAT,
            true,
        ),
    };
    let outcome = outcome.map_err(io)?;
    let mut errors: Vec<Diagnostic> = outcome
        .problems
        .into_iter()
        .map(|(code, problem)| results::located_in_stream(code, what, &p.path, problem, sources))
        .collect();
    if outcome.more {
        errors.push(Diagnostic::error(
            "load-syntax",
            format!(
                "{what} `{}`: … and more; gate stopped reading it after {} problems",
                shown(&p.path),
                stream::LIMIT
            ),
        ));
    }
    let mut rec = outcome.rec;
    if errors.is_empty() && rec.samples() == 0 {
        let message = match tool {
            Tool::K6 => "the file has no `http_req_duration` points: the test did not run",
            _ => "the file has no samples: the test did not run",
        };
        // Located where the first sample should have been.
        let problem = Problem::at_line(outcome.next_line, 1, "", message).help(
            "an empty results file is evidence of nothing, not zero findings: check the step that runs the test",
        );
        errors.push(results::located_in_stream(
            "load-empty",
            what,
            &p.path,
            problem,
            sources,
        ));
    }
    if errors.is_empty() && rec.unknown_status > 0 && !rec.saw_flag {
        // Counting a request whose status is unknown as a success would pass a test that failed.
        let problem = Problem::whole(format!(
            "{} `http_req_duration` points have no `status` tag and the file has no `http_req_failed` points: gate cannot tell how many requests failed",
            rec.unknown_status
        ))
        .help("keep k6's `status` system tag, or its `http_req_failed` metric (k6 v0.31 and later write it)");
        errors.push(results::located_in_stream(
            "load-field",
            what,
            &p.path,
            problem,
            sources,
        ));
    }
    if rec.windows_overflow {
        errors.push(
            Diagnostic::error(
                "load-windows",
                format!(
                    "{what} `{}` spans more than {} windows of {}",
                    shown(&p.path),
                    record::MAX_WINDOWS,
                    crate::value::duration_json(rust_decimal::Decimal::from(window))
                ),
            )
            .help("set a longer `window` in the plan's `[load]`, or check the samples' timestamps"),
        );
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    rec.settle();
    let result = rec.result(tool.name(), &shown(&p.path), format, timeouts);
    Ok(FileRead {
        result,
        rec: Some(rec),
    })
}

/// Runs the producer: reads every source and makes the `load` namespace.
pub fn produce(
    config: &Config,
    sources: &mut SourceMap,
) -> Result<(Namespace, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let window = config
        .window
        .filter(|w| w.is_finite() && *w >= 1e6)
        .map_or(record::DEFAULT_WINDOW_NS, |w| w.round() as i64);
    // Which files, and how each is read.
    let mut planned = Vec::new();
    for s in &config.sources {
        let (named, diags) = results::expand_all(std::slice::from_ref(&s.input), what_of(s.tool));
        errors.extend(diags);
        for n in named {
            match sniff(&n.path, s.tool, n.at, sources) {
                Ok(kind) => planned.push(Planned {
                    tool: s.tool,
                    path: n.path,
                    at: n.at,
                    kind,
                }),
                Err(d) => errors.push(d),
            }
        }
    }
    if planned.is_empty() && errors.is_empty() {
        errors.push(Diagnostic::error(
            "load-input",
            "no load results were named",
        ));
    }
    // Windows of every raw stream share one grid, from the earliest first sample.
    let origin = planned
        .iter()
        .filter_map(|p| match &p.kind {
            Kind::Jtl(layout, header) => first_start(layout, &p.path, *header),
            Kind::K6 => first_start(&k6_stream::K6::default(), &p.path, 0),
            Kind::Vegeta => first_start(&vegeta_stream::Vegeta::default(), &p.path, 0),
            Kind::Whole => None,
        })
        .min()
        // Whole milliseconds, so a window's `start` is exactly where it starts.
        .map_or(0, |o| o.div_euclid(1_000_000).saturating_mul(1_000_000));
    let mut reads = Vec::new();
    for p in &planned {
        let read = match p.kind {
            Kind::Whole => results::read(&p.path, what_of(p.tool), p.at, sources)
                .map_err(|d| vec![d])
                .and_then(|input| summary::read(&input, p.tool, sources))
                .map(|result| FileRead { result, rec: None }),
            _ => read_stream(p, origin, window, config, sources),
        };
        match read {
            Ok(r) => reads.push(r),
            Err(d) => errors.extend(d),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // k6 writes a `dropped_iterations` sample for every iteration it could not start on time,
    // and executors that start iterations on no schedule never drop one: so in a k6 file the
    // metric's absence is k6 saying "none dropped", in every form it writes.
    for r in &mut reads {
        if r.result.tool == Tool::K6.name() && r.result.requests.dropped.is_none() {
            r.result.requests.dropped = Some(0);
        }
    }
    let overall = combine(&reads, config, &mut warnings);
    let mut doc = overall.to_json();
    if let J::Object(m) = &mut doc {
        // Windows of several files come only from raw streams, whose histograms merge: with a
        // summary among them `load.windows` is not produced (reading it is an error), rather
        // than a list that would leave the summary's requests out. A summary alone gives its own
        // windows (Artillery's periods, Locust's history), or none — and then no list at all,
        // never an empty one every rule passes.
        let summaries = reads.iter().filter(|r| r.rec.is_none()).count();
        let own_windows = matches!(reads.as_slice(), [only] if !only.result.windows.is_empty());
        if summaries > 0 && !own_windows {
            m.remove("windows");
        }
        m.insert(
            "sources".into(),
            J::Array(reads.iter().map(|r| source_json(&r.result)).collect()),
        );
    }
    let value = crate::facts::json::produced("load", &doc)?;
    let mut inputs: Vec<(String, String)> = Vec::new();
    if let [only] = reads.as_slice() {
        inputs.push((String::new(), only.result.file.clone()));
    }
    for (i, r) in reads.iter().enumerate() {
        inputs.push((format!("/sources/{i}"), r.result.file.clone()));
    }
    if reads.len() > 1 {
        for (i, e) in overall.endpoints.iter().enumerate() {
            let from: Vec<&str> = reads
                .iter()
                .filter(|r| r.result.endpoints.iter().any(|x| x.name == e.name))
                .map(|r| r.result.file.as_str())
                .collect();
            if let [file] = from.as_slice() {
                inputs.push((format!("/endpoints/{i}"), (*file).to_string()));
            }
        }
        let mut t = 0;
        for r in &reads {
            for _ in &r.result.thresholds {
                inputs.push((format!("/thresholds/{t}"), r.result.file.clone()));
                t += 1;
            }
        }
    }
    let files: Vec<String> = reads
        .iter()
        .map(|r| format!("`{}`", r.result.file))
        .collect();
    Ok((
        Namespace {
            value,
            origin: Origin::Producer {
                what: format!("the load producer, from {}", files.join(", ")),
                inputs: std::sync::Arc::new(inputs),
            },
        },
        warnings,
    ))
}

/// One file's entry in `load.sources`.
fn source_json(r: &LoadResult) -> J {
    let mut m = serde_json::Map::new();
    m.insert("tool".into(), json!(r.tool));
    m.insert("file".into(), json!(r.file));
    m.insert("format".into(), json!(r.format));
    m.insert("samples".into(), json!(r.samples));
    if let Some(t) = r.started_ms.and_then(model::time_json) {
        m.insert("started".into(), t);
    }
    if let Some(d) = r.duration {
        m.insert("duration".into(), model::duration_json(d));
    }
    m.insert("requests".into(), model::requests_json(&r.requests));
    m.insert("latency".into(), model::latency_json(&r.latency));
    J::Object(m)
}

/// Sums of counts that are known for every source; `None` when one does not say.
fn sum_all(values: impl Iterator<Item = Option<u64>>) -> Option<u64> {
    values.sum()
}

/// The namespace's own result: one source as it is; several with counts summed and latency
/// from merged histograms when every source is a raw stream.
fn combine(reads: &[FileRead], config: &Config, warnings: &mut Vec<Diagnostic>) -> LoadResult {
    let mut out = match reads {
        [only] => only.result.clone(),
        _ => combine_many(reads, warnings),
    };
    let first = |f: &dyn Fn(&LoadResult) -> bool| reads.iter().any(|r| f(&r.result));
    if !first(&|r| r.model.is_some()) {
        out.model = config.model;
    }
    if !first(&|r| r.target_rate.is_some()) {
        out.target_rate = config.target_rate;
    }
    if !first(&|r| r.co_corrected.is_some()) {
        out.co_corrected = config.co_corrected;
    }
    out
}

fn combine_many(reads: &[FileRead], warnings: &mut Vec<Diagnostic>) -> LoadResult {
    let results: Vec<&LoadResult> = reads.iter().map(|r| &r.result).collect();
    let mut tools: Vec<&str> = Vec::new();
    for r in &results {
        if !tools.contains(&r.tool.as_str()) {
            tools.push(&r.tool);
        }
    }
    // The raw streams, merged.
    let mut merged: Option<Recorder> = None;
    for r in reads {
        if let Some(rec) = &r.rec {
            match &mut merged {
                Some(m) => m.merge(rec),
                None => merged = Some(rec.clone()),
            }
        }
    }
    let all_streams = reads.iter().all(|r| r.rec.is_some());
    let stream_timeouts = reads
        .iter()
        .filter(|r| r.rec.is_some())
        .all(|r| r.result.requests.timeouts.is_some());
    let merged_result = merged
        .as_ref()
        .map(|m| m.result("", "", "", stream_timeouts));
    let started = results.iter().filter_map(|r| r.started_ms).min();
    let ends: Option<Vec<f64>> = results
        .iter()
        .map(|r| Some(r.started_ms? as f64 * 1e6 + r.duration?))
        .collect();
    let duration = match (started, ends) {
        (Some(s), Some(ends)) => ends
            .into_iter()
            .reduce(f64::max)
            .map(|e| (e - s as f64 * 1e6).max(0.0)),
        _ => None,
    };
    let requests = Requests {
        total: results.iter().map(|r| r.requests.total).sum(),
        failed: results.iter().map(|r| r.requests.failed).sum(),
        dropped: sum_all(results.iter().map(|r| r.requests.dropped)),
        timeouts: sum_all(results.iter().map(|r| r.requests.timeouts)),
    };
    let min_max = |ls: &mut dyn Iterator<Item = &Latency>| {
        let ls: Vec<&Latency> = ls.collect();
        Latency {
            min: ls
                .iter()
                .map(|l| l.min)
                .collect::<Option<Vec<f64>>>()
                .and_then(|v| v.into_iter().reduce(f64::min)),
            max: ls
                .iter()
                .map(|l| l.max)
                .collect::<Option<Vec<f64>>>()
                .and_then(|v| v.into_iter().reduce(f64::max)),
            ..Latency::default()
        }
    };
    let latency = match (&merged_result, all_streams) {
        (Some(m), true) => m.latency.clone(),
        _ => {
            warnings.push(
                Diagnostic::warning(
                    "load-not-merged",
                    format!(
                        "`load.latency` has no percentiles or mean: {} of the {} load results files are summaries, and percentiles cannot be combined from summaries (only from raw samples)",
                        reads.iter().filter(|r| r.rec.is_none()).count(),
                        reads.len()
                    ),
                )
                .help("read each file's own percentiles in `load.sources`, or give gate the raw streams (k6 `--out json`, JMeter JTL, vegeta `encode --to json`) so it can merge them"),
            );
            min_max(&mut results.iter().map(|r| &r.latency))
        }
    };
    // Endpoints of the same name from several files: merged histograms when all are streams.
    let mut names: Vec<&str> = results
        .iter()
        .flat_map(|r| r.endpoints.iter().map(|e| e.name.as_str()))
        .collect();
    names.sort_unstable();
    names.dedup();
    let endpoints: Vec<Endpoint> = names
        .into_iter()
        .map(|name| {
            let from: Vec<(&FileRead, &Endpoint)> = reads
                .iter()
                .filter_map(|r| {
                    r.result
                        .endpoints
                        .iter()
                        .find(|e| e.name == name)
                        .map(|e| (r, e))
                })
                .collect();
            match from.as_slice() {
                [(_, e)] => (*e).clone(),
                _ if from.iter().all(|(r, _)| r.rec.is_some()) => merged_result
                    .as_ref()
                    .and_then(|m| m.endpoints.iter().find(|e| e.name == name).cloned())
                    .unwrap_or_default(),
                _ => Endpoint {
                    name: name.to_string(),
                    requests: Requests {
                        total: from.iter().map(|(_, e)| e.requests.total).sum(),
                        failed: from.iter().map(|(_, e)| e.requests.failed).sum(),
                        dropped: sum_all(from.iter().map(|(_, e)| e.requests.dropped)),
                        timeouts: sum_all(from.iter().map(|(_, e)| e.requests.timeouts)),
                    },
                    latency: min_max(&mut from.iter().map(|(_, e)| &e.latency)),
                },
            }
        })
        .collect();
    let total = requests.total;
    LoadResult {
        tool: tools.join("+"),
        file: String::new(),
        format: String::new(),
        started_ms: started,
        duration,
        model: results.iter().find_map(|r| r.model),
        target_rate: results.iter().find_map(|r| r.target_rate),
        achieved_rate: duration
            .filter(|d| *d > 0.0)
            .map(|d| total as f64 / (d / 1e9)),
        requests,
        latency,
        co_corrected: results.iter().find_map(|r| r.co_corrected),
        endpoints,
        windows: merged_result.map(|m| m.windows).unwrap_or_default(),
        thresholds: results
            .iter()
            .flat_map(|r| r.thresholds.iter().cloned())
            .collect(),
        samples: results.iter().map(|r| r.samples).sum(),
    }
}
