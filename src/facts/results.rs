//! What the results producers (`load`, `security`, `tests`) share: finding a tool's output files
//! (globs), reading them whole or as a stream, and turning a problem found in one into a located
//! diagnostic that names the file and the line or JSON pointer.
//!
//! Format readers stay pure: they take text (or a reader, for streams) and return their model or
//! a list of [`Problem`]s, each saying where in the input it is ([`At`]). Only this module and the
//! producers' `produce` functions touch files.

use super::pointer;
use crate::diag::{Diagnostic, io_reason};
use crate::span::{FileId, SourceFile, SourceMap, Span};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where in an input a problem is.
#[derive(Clone, Debug, PartialEq)]
pub enum At {
    /// The input as a whole (it is empty, it is not what it claims to be).
    Whole,
    /// A byte offset into text read whole.
    Offset(usize),
    /// A JSON pointer (`/runs/0/results/3/level`) into a JSON document read whole.
    Pointer(String),
    /// A 1-based line and column of a streamed file, with that line's text (a streamed file is
    /// not kept, so the line travels with the problem).
    Line {
        line: u64,
        column: u64,
        text: String,
    },
}

/// A problem a format reader found in its input: where, what, and what to do about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub at: At,
    pub message: String,
    pub help: Option<String>,
}

impl Problem {
    pub fn new(at: At, message: impl Into<String>) -> Problem {
        Problem {
            at,
            message: message.into(),
            help: None,
        }
    }

    pub fn at_pointer(pointer: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem::new(At::Pointer(pointer.into()), message)
    }

    pub fn at_offset(offset: usize, message: impl Into<String>) -> Problem {
        Problem::new(At::Offset(offset), message)
    }

    pub fn at_line(line: u64, column: u64, text: &str, message: impl Into<String>) -> Problem {
        // Keep at most a screenful of a pathological line.
        let text: String = text.chars().take(400).collect();
        Problem::new(At::Line { line, column, text }, message)
    }

    pub fn whole(message: impl Into<String>) -> Problem {
        Problem::new(At::Whole, message)
    }

    pub fn help(mut self, help: impl Into<String>) -> Problem {
        self.help = Some(help.into());
        self
    }
}

/// A results file read whole: its text is in the [`SourceMap`] so errors can point into it.
#[derive(Clone, Debug)]
pub struct Input {
    pub path: PathBuf,
    /// The path as facts and reports show it (relative to the current folder).
    pub shown: String,
    pub file: FileId,
    pub text: Arc<str>,
}

/// Largest results file read whole; larger ones must be a streamed format.
pub const MAX_WHOLE: u64 = 1 << 30;

/// The files a plan entry or flag names: a path, or a glob (`results/*.sarif`). A glob that
/// matches nothing is an error: a missing results file is evidence of nothing.
pub fn expand(pattern: &Path, what: &str, at: Option<Span>) -> Result<Vec<PathBuf>, Diagnostic> {
    let text = pattern.to_string_lossy();
    let locate = |d: Diagnostic| match at {
        Some(at) => d.at(at, "named here"),
        None => d,
    };
    if !text.contains(['*', '?', '[']) {
        return if pattern.exists() {
            Ok(vec![pattern.to_path_buf()])
        } else {
            Err(locate(
                Diagnostic::error(
                    "results-missing",
                    format!("{what} `{}` does not exist", super::shown(pattern)),
                )
                .help(
                    "a missing results file is evidence of nothing: check the step that writes it",
                ),
            ))
        };
    }
    let paths = glob::glob(&text).map_err(|e| {
        locate(Diagnostic::error(
            "results-glob",
            format!("`{text}` is not a valid glob: {}", e.msg),
        ))
    })?;
    let mut found: Vec<PathBuf> = paths
        .filter_map(Result::ok)
        .filter(|p| p.is_file())
        .collect();
    found.sort();
    if found.is_empty() {
        return Err(locate(
            Diagnostic::error(
                "results-missing",
                format!("no file matches {what} `{}`", super::shown(pattern)),
            )
            .help("a missing results file is evidence of nothing: check the step that writes it"),
        ));
    }
    Ok(found)
}

fn unreadable(path: &Path, what: &str, e: &std::io::Error, at: Option<Span>) -> Diagnostic {
    let d = Diagnostic::error(
        "results-unreadable",
        format!(
            "cannot read {what} `{}`: {}",
            super::shown(path),
            io_reason(e)
        ),
    );
    match at {
        Some(at) => d.at(at, "named here"),
        None => d,
    }
}

fn empty(path: &Path, what: &str, at: Option<Span>) -> Diagnostic {
    let d = Diagnostic::error(
        "results-empty",
        format!("{what} `{}` is empty", super::shown(path)),
    )
    .help("an empty results file is evidence of nothing, not zero findings: check the step that writes it");
    match at {
        Some(at) => d.at(at, "named here"),
        None => d,
    }
}

/// Reads a results file whole. An empty file, a directory, a file over 1 GiB or text that is not
/// UTF-8 is an error (the last located at the first bad byte).
pub fn read(
    path: &Path,
    what: &str,
    at: Option<Span>,
    sources: &mut SourceMap,
) -> Result<Input, Diagnostic> {
    let meta = std::fs::metadata(path).map_err(|e| unreadable(path, what, &e, at))?;
    if meta.is_dir() {
        return Err(Diagnostic::error(
            "results-unreadable",
            format!("{what} `{}` is a directory, not a file", super::shown(path)),
        ));
    }
    if meta.len() > MAX_WHOLE {
        return Err(Diagnostic::error(
            "results-too-large",
            format!(
                "{what} `{}` is {} bytes; gate reads such files whole, up to 1 GiB",
                super::shown(path),
                meta.len()
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| unreadable(path, what, &e, at))?;
    let shown = super::shown(path);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(empty(path, what, at));
    }
    // A UTF-8 byte order mark (Windows tools write one) is not part of the document.
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    match std::str::from_utf8(body) {
        Ok(text) => {
            let text: Arc<str> = text.into();
            let file = sources.add(SourceFile::new(shown.clone(), text.clone()));
            Ok(Input {
                path: path.to_path_buf(),
                shown,
                file,
                text,
            })
        }
        Err(e) => {
            let good = e.valid_up_to();
            let lossy = String::from_utf8_lossy(body).into_owned();
            let file = sources.add(SourceFile::new(shown.clone(), lossy));
            Err(Diagnostic::error(
                "results-encoding",
                format!("{what} `{shown}` is not UTF-8 text"),
            )
            .at(Span::new(file, good..good + 1), "this byte is not UTF-8"))
        }
    }
}

/// Opens a results file to stream it. An empty file is an error.
pub fn open(path: &Path, what: &str, at: Option<Span>) -> Result<(std::fs::File, u64), Diagnostic> {
    let file = std::fs::File::open(path).map_err(|e| unreadable(path, what, &e, at))?;
    let meta = file
        .metadata()
        .map_err(|e| unreadable(path, what, &e, at))?;
    if meta.is_dir() {
        return Err(Diagnostic::error(
            "results-unreadable",
            format!("{what} `{}` is a directory, not a file", super::shown(path)),
        ));
    }
    if meta.len() == 0 {
        return Err(empty(path, what, at));
    }
    Ok((file, meta.len()))
}

/// Parses an input read whole as JSON; a syntax error is located at its line and column.
pub fn json(
    input: &Input,
    what: &str,
    sources: &SourceMap,
) -> Result<serde_json::Value, Diagnostic> {
    serde_json::from_str(&input.text).map_err(|e| {
        let offset = sources
            .get(input.file)
            .map_or(0, |f| f.offset(e.line(), e.column()));
        let reason = crate::diag::serde_reason(&e);
        let (code, text) = if e.is_eof() {
            (
                "results-truncated",
                format!("{what} `{}` ends early: {reason}", input.shown),
            )
        } else {
            (
                "results-syntax",
                format!("{what} `{}` is not valid JSON: {reason}", input.shown),
            )
        };
        Diagnostic::error(code, text).at(
            Span::new(
                input.file,
                offset.saturating_sub(usize::from(e.is_eof()))..offset + 1,
            ),
            reason,
        )
    })
}

/// A problem found in an input read whole, as a diagnostic located in it.
pub fn located(code: &'static str, what: &str, input: &Input, problem: Problem) -> Diagnostic {
    let text = &input.text;
    let (start, label) = match &problem.at {
        At::Whole => (None, String::new()),
        At::Offset(o) => (Some((*o).min(text.len())), "here".to_string()),
        At::Pointer(p) => (
            pointer::locate(text, p).or(Some(0)),
            if p.is_empty() {
                "/".to_string()
            } else {
                format!("at `{p}`")
            },
        ),
        At::Line { line, column, .. } => {
            let line = usize::try_from(*line).unwrap_or(usize::MAX);
            let column = usize::try_from(*column).unwrap_or(usize::MAX);
            let start = offset_of(text, line, column);
            (Some(start), format!("line {line}"))
        }
    };
    let mut d = Diagnostic::error(
        code,
        format!("{what} `{}`: {}", input.shown, problem.message),
    );
    if let Some(start) = start {
        let end = text[start..]
            .find([',', '\n', '}', ']', '>'])
            .map_or(text.len(), |n| start + n.max(1));
        d = d.at(Span::new(input.file, start..end.max(start + 1)), label);
    }
    if let Some(h) = problem.help {
        d = d.help(h);
    }
    d
}

fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].find('\n') {
            Some(n) => start += n + 1,
            None => return text.len(),
        }
    }
    let rest = &text[start..];
    start
        + rest
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(rest.len(), |(i, _)| i)
}

/// A problem found in a streamed file, as a diagnostic located in an excerpt of the file that
/// holds just the offending line (numbered as in the file).
pub fn located_in_stream(
    code: &'static str,
    what: &str,
    path: &Path,
    problem: Problem,
    sources: &mut SourceMap,
) -> Diagnostic {
    let shown = super::shown(path);
    let mut d = Diagnostic::error(code, String::new());
    let place = match &problem.at {
        At::Line { line, column, text } => {
            let first = usize::try_from(*line).unwrap_or(usize::MAX);
            let col = usize::try_from(*column).unwrap_or(1);
            let file = sources.add(SourceFile::excerpt(shown.clone(), text.as_str(), first));
            let start = text
                .char_indices()
                .nth(col.saturating_sub(1))
                .map_or(text.len(), |(i, _)| i);
            let end = text[start..]
                .find([',', '\n', '\t', ';'])
                .map_or(text.len(), |n| start + n.max(1));
            d = d.at(
                Span::new(file, start..end.max(start + 1)),
                format!("line {line}"),
            );
            format!("{shown}:{line}:{column}")
        }
        _ => shown,
    };
    d.message = format!("{what} `{place}`: {}", problem.message);
    if let Some(h) = problem.help {
        d = d.help(h);
    }
    d
}

/// Input files for one producer, with where the plan or the command line named them.
#[derive(Clone, Debug, PartialEq)]
pub struct Named {
    pub path: PathBuf,
    /// The plan entry that named it; `None` for a command-line flag.
    pub at: Option<Span>,
}

/// Expands each named pattern; every pattern that matches nothing is reported.
pub fn expand_all(named: &[Named], what: &str) -> (Vec<Named>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    for n in named {
        match expand(&n.path, what, n.at) {
            Ok(paths) => out.extend(paths.into_iter().map(|path| Named { path, at: n.at })),
            Err(d) => diags.push(d),
        }
    }
    (out, diags)
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn an_excerpt_is_numbered_from_its_first_line() {
        let mut sources = SourceMap::default();
        let d = located_in_stream(
            "results-syntax",
            "the JMeter results",
            Path::new("big.jtl"),
            Problem::at_line(1_000_001, 3, "12,abc,x", "`elapsed` is not a number"),
            &mut sources,
        );
        let loc = d.location(&sources).expect("located");
        assert_eq!((loc.line, loc.column), (1_000_001, 3));
        assert!(d.message.contains("big.jtl:1000001:3"), "{}", d.message);
        let rendered = crate::diag::render(&[d], &sources, false);
        assert!(rendered.contains("1000001"), "{rendered}");
    }

    #[test]
    fn a_pointer_problem_is_located_at_the_value() {
        let mut sources = SourceMap::default();
        let text = "{\n  \"a\": [1, \"x\"]\n}\n";
        let file = sources.add(SourceFile::new("r.json", text));
        let input = Input {
            path: "r.json".into(),
            shown: "r.json".into(),
            file,
            text: text.into(),
        };
        let d = located(
            "results-field",
            "the results",
            &input,
            Problem::at_pointer("/a/1", "not a number"),
        );
        let loc = d.location(&sources).expect("located");
        assert_eq!((loc.line, loc.column), (2, 12));
    }
}
