//! The `source` producer: regulated data declared in Rust source, whether it is protected, and
//! every place it is exposed (facts.md, `source`). Files are found by `walk`, scanned one by one
//! in parallel by `scan` (syn), and joined by `resolve`; this module turns the result into the
//! namespace and reports malformed annotations as located errors.

pub mod model;
pub mod resolve;
pub mod scan;
pub mod walk;

use super::{Namespace, Origin, json};
use crate::diag::Diagnostic;
use crate::span::{SourceFile, SourceMap, Span};
use model::{FileFacts, Loc};
use rayon::prelude::*;
use serde_json::{Value as J, json};
use std::path::{Path, PathBuf};

/// The validated `[source]` configuration.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Folders or files to scan.
    pub paths: Vec<(PathBuf, Option<Span>)>,
    /// The organisation's protective types, over the defaults (`SecretString`, …).
    pub protective_types: Vec<String>,
    /// The organisation's suspect-name patterns (regexes on lowercase names), with what they
    /// suggest.
    pub suspects: Vec<(regex::Regex, String)>,
}

/// Files larger than this are reported, not parsed: generated tables of this size hold no
/// declarations worth the time, and parsing them would dominate the scan.
pub const MAX_FILE: u64 = 32 << 20;

/// Stack for the scanning threads: syn recurses on nesting, and generated code nests deeply.
const STACK: usize = 64 << 20;

/// Deepest bracket nesting a file may have: syn parses nesting by recursion, and a generated
/// file with a hundred thousand nested parentheses would otherwise overflow the stack. Real
/// code stays far below this.
pub const MAX_NESTING: usize = 2_000;

/// Where the brackets of `text` first nest deeper than [`MAX_NESTING`]: a raw count that does
/// not skip strings or comments — unbalanced brackets there shift it, which matters only for a
/// file already near the limit.
fn too_deep(text: &str) -> Option<Loc> {
    let mut depth = 0usize;
    let (mut line, mut column) = (1, 1);
    for c in text.chars() {
        match c {
            '(' | '[' | '{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(Loc { line, column });
                }
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    None
}

/// Scans every file (in parallel) and joins the results.
pub fn scan_tree(roots: &[PathBuf]) -> (Vec<FileFacts>, Vec<(PathBuf, String)>) {
    let (units, walk_errors) = walk::files(roots);
    let mut problems: Vec<(PathBuf, String)> = walk_errors
        .into_iter()
        .map(|e| (e.path, e.message))
        .collect();
    let one = |u: &walk::Unit| -> FileFacts {
        let mut facts = FileFacts {
            file: u.path.clone(),
            ..FileFacts::default()
        };
        match std::fs::metadata(&u.path) {
            Ok(m) if m.len() > MAX_FILE => {
                facts.bytes = usize::try_from(m.len()).unwrap_or(usize::MAX);
                facts.parse_error = Some((
                    Loc { line: 1, column: 1 },
                    format!(
                        "the file is {} MiB, larger than the 32 MiB gate parses; it was not scanned",
                        m.len() >> 20
                    ),
                ));
                return facts;
            }
            Ok(_) => {}
            Err(e) => {
                facts.parse_error = Some((Loc { line: 1, column: 1 }, crate::diag::io_reason(&e)));
                return facts;
            }
        }
        match std::fs::read(&u.path) {
            Err(e) => {
                facts.parse_error = Some((Loc { line: 1, column: 1 }, crate::diag::io_reason(&e)));
                facts
            }
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => match too_deep(&text) {
                    Some(loc) => {
                        facts.bytes = text.len();
                        facts.lines = text.lines().count();
                        facts.parse_error = Some((
                            loc,
                            format!(
                                "brackets nest deeper than {MAX_NESTING} levels here; the file was not parsed"
                            ),
                        ));
                        facts
                    }
                    None => scan::file(&u.path, &u.module, &text),
                },
                Err(e) => {
                    let at = e.utf8_error().valid_up_to();
                    let before = &e.as_bytes()[..at];
                    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
                    let column = before.iter().rev().take_while(|b| **b != b'\n').count() + 1;
                    facts.bytes = e.as_bytes().len();
                    facts.parse_error = Some((
                        Loc { line, column },
                        format!("the file is not UTF-8 (byte {at}); Rust source must be"),
                    ));
                    facts
                }
            },
        }
    };
    let files = match rayon::ThreadPoolBuilder::new().stack_size(STACK).build() {
        Ok(pool) => pool.install(|| units.par_iter().map(one).collect::<Vec<_>>()),
        Err(e) => {
            problems.push((
                PathBuf::new(),
                format!("cannot start the scanning threads: {e}"),
            ));
            units.iter().map(one).collect()
        }
    };
    (files, problems)
}

/// Runs the producer.
pub fn produce(
    config: &Config,
    sources: &mut SourceMap,
) -> Result<(Namespace, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut diags = Vec::new();
    for (p, at) in &config.paths {
        if !p.exists() {
            let mut d = Diagnostic::error(
                "source-input",
                format!(
                    "`{}` does not exist: there is no source to scan",
                    p.display()
                ),
            );
            if let Some(at) = at {
                d = d.at(*at, "named here");
            }
            diags.push(d);
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let roots: Vec<PathBuf> = config.paths.iter().map(|(p, _)| p.clone()).collect();
    let (files, problems) = scan_tree(&roots);
    for (path, message) in &problems {
        diags.push(Diagnostic::warning(
            "source-walk",
            format!("`{}` was not scanned: {message}", path.display()),
        ));
    }
    // Malformed annotations are errors, located in their file.
    for f in &files {
        if f.annotation_errors.is_empty() {
            continue;
        }
        let text = std::fs::read_to_string(&f.file).unwrap_or_default();
        let id = sources.add(SourceFile::new(shown(&f.file), text.as_str()));
        for (loc, message) in &f.annotation_errors {
            let span = sources.get(id).map(|s| {
                let o = s.offset(loc.line, loc.column);
                Span::new(id, o..o + 1)
            });
            let mut d = Diagnostic::error("regulated-annotation", message.clone()).help(
                "write `regulated(CATEGORY)`, then optionally `id = \"…\"` and `never_store`: `#[regulated(pci, id = \"pan\", never_store)]`",
            );
            if let Some(span) = span {
                d = d.at(span, "this annotation");
            }
            diags.push(d);
        }
    }
    let mut protective: Vec<String> = resolve::DEFAULT_PROTECTIVE
        .iter()
        .map(|s| s.to_string())
        .collect();
    protective.extend(config.protective_types.iter().cloned());
    let mut suspects: Vec<(regex::Regex, String)> = resolve::DEFAULT_SUSPECTS
        .iter()
        .filter_map(|(p, what)| regex::Regex::new(p).ok().map(|r| (r, (*what).to_string())))
        .collect();
    suspects.extend(config.suspects.iter().cloned());
    let (items, unclassified) = resolve::resolve(&files, &protective, &suspects);
    let doc = json!({
        "regulated": items.iter().map(item_json).collect::<Vec<_>>(),
        "unclassified": unclassified.iter().map(|s| json!({
            "path": s.path,
            "file": shown(&s.file),
            "line": s.loc.line,
            "reason": s.reason,
        })).collect::<Vec<_>>(),
        "files": files.len(),
        "lines": files.iter().map(|f| f.lines).sum::<usize>(),
        "parse_errors": files.iter().filter_map(|f| f.parse_error.as_ref().map(|(loc, m)| json!({
            "file": shown(&f.file),
            "line": loc.line,
            "message": m,
        }))).collect::<Vec<_>>(),
    });
    let Some(schema) = crate::schema::namespace("source") else {
        return Err(vec![Diagnostic::error(
            "internal",
            "gate has no `source` schema",
        )]);
    };
    let value = json::typed_namespace(&doc, schema).map_err(|(errors, _)| {
        errors
            .into_iter()
            .map(|e| {
                Diagnostic::error(
                    "internal",
                    format!(
                        "gate built `source{}` wrongly: {} (please report this)",
                        e.pointer, e.message
                    ),
                )
            })
            .collect::<Vec<_>>()
    })?;
    let inputs: Vec<(String, String)> = items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            (
                format!("/regulated/{i}"),
                format!("{}:{}:{}", shown(&it.file), it.loc.line, it.loc.column),
            )
        })
        .collect();
    Ok((
        Namespace {
            value,
            origin: Origin::Producer {
                what: format!(
                    "the source producer, from {}",
                    roots
                        .iter()
                        .map(|r| format!("`{}`", r.display()))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                inputs: std::sync::Arc::new(inputs),
            },
        },
        diags,
    ))
}

fn item_json(it: &resolve::Item) -> J {
    json!({
        "path": it.path,
        "name": it.name,
        "item": it.kind.name(),
        "category": it.annotation.category,
        "id": it.annotation.id,
        "never_store": it.annotation.never_store,
        "type": it.ty,
        "file": shown(&it.file),
        "line": it.loc.line,
        "column": it.loc.column,
        "protected": it.protected(),
        "protection": it.protection.name(),
        "exposures": it.exposures.iter().map(|e| json!({
            "kind": e.kind,
            "file": shown(&e.file),
            "line": e.loc.line,
            "column": e.loc.column,
            "detail": e.detail,
        })).collect::<Vec<_>>(),
        "marked_by": it.marked_by.name(),
    })
}

/// A path as facts show it: relative to the current folder when inside it.
fn shown(p: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| p.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| p.to_path_buf())
        .display()
        .to_string()
}
