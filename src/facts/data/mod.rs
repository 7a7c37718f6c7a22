//! The `data` producer — data refresh: production extracts copied into staging (CSV, JSON,
//! NDJSON, SQL INSERT dumps) scanned, streaming, for unmasked sensitive data (facts.md, `data`).
//!
//! `detect` says what is sensitive (one combined regex, then validation: Luhn, mod-97, SSA
//! rules, `std::net`) and masks it; `scan` reads CSV in parallel blocks; `formats` streams
//! NDJSON, JSON arrays and SQL dumps. A finding carries its file, row, line, field, kind and a
//! masked sample — never the value, and neither does an error: the line an error shows is
//! masked the same way, and its remaining digits are replaced by `#`.

pub mod detect;
pub mod formats;
pub mod scan;

use super::results::{self, Named, Problem};
use super::{Namespace, Origin, shown};
use crate::diag::{Diagnostic, io_reason};
use crate::span::SourceMap;
use detect::{Detector, Kind};
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::path::Path;

/// How an extract is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
    Ndjson,
    Sql,
}

impl Format {
    pub const NAMES: &[&str] = &["csv", "json", "ndjson", "sql"];

    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Ndjson => "ndjson",
            Format::Sql => "sql",
        }
    }

    pub fn from_name(name: &str) -> Option<Format> {
        match name {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "ndjson" | "jsonl" => Some(Format::Ndjson),
            "sql" => Some(Format::Sql),
            _ => None,
        }
    }

    /// By the file's extension: `.csv`, `.json`, `.ndjson` / `.jsonl`, `.sql`.
    pub fn of(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Format::from_name(&ext)
    }
}

/// Findings kept per file unless the plan says otherwise (`max_findings`).
pub const DEFAULT_MAX_FINDINGS: usize = 100;

/// The validated `[data]` configuration.
#[derive(Clone, Default)]
pub struct Config {
    /// The extracts: paths or globs, with where the plan named them.
    pub paths: Vec<Named>,
    /// The plan's own kinds: a name and a regex.
    pub patterns: Vec<(String, regex::Regex)>,
    /// Columns or keys never scanned (already hashed ids, say); a JSON key path matches by
    /// its whole path or its last key, without array indexes.
    pub ignore_fields: Vec<String>,
    /// Findings kept per file; `None` for [`DEFAULT_MAX_FINDINGS`].
    pub max_findings: Option<usize>,
    /// The built-in detectors to run; `None` for all.
    pub kinds: Option<Vec<Kind>>,
    /// Read every extract as this format instead of by its extension.
    pub format: Option<Format>,
    /// Where to report progress (bytes read, bytes in all, per file); `None` for silence.
    pub progress: Option<crate::facts::load::Progress>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("paths", &self.paths)
            .field("patterns", &self.patterns)
            .field("ignore_fields", &self.ignore_fields)
            .field("max_findings", &self.max_findings)
            .field("kinds", &self.kinds)
            .field("format", &self.format)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

const WHAT: &str = "the data extract";

/// Whether `field` is one the plan says not to scan.
fn ignored(list: &[String], field: &str) -> bool {
    if list.is_empty() {
        return false;
    }
    let mut plain = String::with_capacity(field.len());
    let mut depth = 0;
    for c in field.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let last = plain.rsplit('.').next().unwrap_or(&plain);
    list.iter().any(|i| {
        i.eq_ignore_ascii_case(&plain)
            || i.eq_ignore_ascii_case(last)
            || i.eq_ignore_ascii_case(field)
    })
}

/// The text of line `line` of a file (at most 4 KiB of it), for an error's excerpt.
fn line_text(path: &Path, line: u64) -> String {
    let Ok(file) = std::fs::File::open(path) else {
        return String::new();
    };
    let mut r = BufReader::new(file);
    let mut at = 1u64;
    let mut out = Vec::new();
    while let Ok(buf) = r.fill_buf() {
        if buf.is_empty() {
            break;
        }
        let n = buf.len();
        let mut used = n;
        if at < line {
            if let Some(i) = memchr::memchr(b'\n', buf) {
                at += 1;
                used = i + 1;
            }
        } else {
            let end = memchr::memchr(b'\n', buf);
            let take = end.unwrap_or(n).min(4096 - out.len());
            out.extend_from_slice(&buf[..take]);
            if end.is_some() || out.len() >= 4096 {
                break;
            }
        }
        r.consume(used);
    }
    let out = out.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&out);
    let text = String::from_utf8_lossy(out);
    text.strip_suffix('\r').unwrap_or(&text).to_string()
}

/// Scans one extract.
fn scan_file(
    path: &Path,
    format: Format,
    det: &Detector,
    max: usize,
    ignore: &(dyn Fn(&str) -> bool + Sync),
    progress: Option<&crate::facts::load::Progress>,
    at: Option<crate::span::Span>,
) -> Result<Result<(scan::Scanned, u64), scan::Bad>, Diagnostic> {
    let (file, size) = results::open(path, WHAT, at)?;
    let unreadable = |e: std::io::Error| {
        Diagnostic::error(
            "results-unreadable",
            format!("cannot read {WHAT} `{}`: {}", shown(path), io_reason(&e)),
        )
    };
    let got = match format {
        Format::Csv => {
            let opts = scan::Csv {
                det,
                max,
                ignore,
                progress,
            };
            scan::csv(&opts, file, size).map_err(unreadable)?
        }
        _ => {
            let mut c = scan::Collect::new(det, max, ignore);
            let mut src =
                formats::Src::new(BufReader::with_capacity(1 << 20, file), size, progress);
            let r = match format {
                Format::Json => formats::json(&mut c, &mut src),
                Format::Ndjson => formats::ndjson(&mut c, &mut src),
                _ => formats::sql(&mut c, &mut src),
            };
            r.map_err(unreadable)?.map(|()| c.out)
        }
    };
    Ok(got.map(|s| (s, size)))
}

/// Runs the producer.
pub fn produce(
    config: &Config,
    sources: &mut SourceMap,
) -> Result<(Namespace, Vec<Diagnostic>), Vec<Diagnostic>> {
    let (mut named, mut errors) = results::expand_all(&config.paths, WHAT);
    let mut seen = std::collections::HashSet::new();
    named.retain(|n| seen.insert(n.path.clone()));
    let kinds = config.kinds.clone().unwrap_or_else(|| Kind::ALL.to_vec());
    let det = Detector::new(&kinds, &config.patterns).map_err(|e| {
        vec![Diagnostic::error(
            "internal",
            format!("gate could not build its detectors: {e} (please report this)"),
        )]
    })?;
    let ignore = |field: &str| ignored(&config.ignore_fields, field);
    let max = config.max_findings.unwrap_or(DEFAULT_MAX_FINDINGS);
    let mut files = Vec::new();
    let mut findings = Vec::new();
    let mut inputs: Vec<(String, String)> = Vec::new();
    let mut rows = 0u64;
    let mut truncated = false;
    for n in &named {
        let Some(format) = config.format.or_else(|| Format::of(&n.path)) else {
            let mut d = Diagnostic::error(
                "data-format",
                format!("cannot tell how to read {WHAT} `{}`", shown(&n.path)),
            )
            .help("name it `.csv`, `.json`, `.ndjson` (or `.jsonl`) or `.sql`, or set `format` in the plan's `[data]`");
            if let Some(at) = n.at {
                d = d.at(at, "named here");
            }
            errors.push(d);
            continue;
        };
        match scan_file(
            &n.path,
            format,
            &det,
            max,
            &ignore,
            config.progress.as_ref(),
            n.at,
        ) {
            Err(d) => errors.push(d),
            Ok(Err(bad)) => {
                let text = det.mask_line(&line_text(&n.path, bad.line));
                let mut p = Problem::at_line(bad.line, bad.column, &text, bad.message);
                if let Some(h) = bad.help {
                    p = p.help(h);
                }
                errors.push(results::located_in_stream(
                    bad.code, WHAT, &n.path, p, sources,
                ));
            }
            Ok(Ok((s, size))) => {
                let file = shown(&n.path);
                inputs.push((format!("/files/{}", files.len()), file.clone()));
                files.push(json!({
                    "file": file,
                    "format": format.name(),
                    "rows": s.rows,
                    "bytes": size,
                }));
                for f in s.findings {
                    inputs.push((
                        format!("/findings/{}", findings.len()),
                        format!("{file}:{}:{}", f.line, f.column),
                    ));
                    findings.push(json!({
                        "file": file,
                        "row": f.row,
                        "line": f.line,
                        "field": f.field,
                        "kind": f.kind,
                        "sample": f.sample,
                    }));
                }
                rows += s.rows;
                truncated |= s.truncated;
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let doc = json!({
        "files": files,
        "findings": findings,
        "rows": rows,
        "truncated": truncated,
    });
    let value = crate::facts::json::produced("data", &doc)?;
    let what = format!(
        "the data producer, from {}",
        config
            .paths
            .iter()
            .map(|n| format!("`{}`", shown(&n.path)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok((
        Namespace {
            value,
            origin: Origin::Producer {
                what,
                inputs: std::sync::Arc::new(inputs),
            },
        },
        Vec::new(),
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::type_complexity)]
mod tests {
    use super::*;

    #[test]
    fn ignored_fields_match_paths_and_last_keys() {
        let list = vec!["user_hash".to_string(), "meta.ip".to_string()];
        assert!(ignored(&list, "USER_HASH"));
        assert!(ignored(&list, "rows[3].user_hash"));
        assert!(ignored(&list, "meta.ip"));
        assert!(!ignored(&list, "ip"));
    }

    #[test]
    fn formats_by_extension() {
        assert_eq!(Format::of(Path::new("a/b.JSONL")), Some(Format::Ndjson));
        assert_eq!(Format::of(Path::new("dump.sql")), Some(Format::Sql));
        assert_eq!(Format::of(Path::new("x.txt")), None);
    }
}
