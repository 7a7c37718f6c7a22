//! The `source` producer: regulated data declared in Rust source, whether it is protected, and
//! every place it is exposed (facts.md, `source`). Files are found by `walk`, scanned one by one
//! in parallel by `scan` (syn), and joined by `resolve`; this module turns the result into the
//! namespace and reports malformed annotations as located errors.

pub mod model;
pub mod resolve;
pub mod scan;
pub mod walk;

use super::{Namespace, Origin, shown};
use crate::diag::Diagnostic;
use crate::span::{SourceFile, SourceMap, Span};
use model::{FileFacts, Loc};
use rayon::prelude::*;
use serde_json::{Value as J, json};
use std::path::{Path, PathBuf};

/// Told how far a scan is: (files done, files in all). Called from the scanning threads.
pub type Progress = std::sync::Arc<dyn Fn(usize, usize) + Send + Sync>;

/// The validated `[source]` configuration.
#[derive(Clone, Default)]
pub struct Config {
    /// Folders or files to scan.
    pub paths: Vec<(PathBuf, Option<Span>)>,
    /// The organisation's protective types, over the defaults (`SecretString`, …).
    pub protective_types: Vec<String>,
    /// The organisation's suspect-name patterns (regexes on lowercase names), with what they
    /// suggest.
    pub suspects: Vec<(regex::Regex, String)>,
    /// Where to report progress (the CLI draws it on a terminal); `None` for silence.
    pub progress: Option<Progress>,
    /// Largest file parsed, in MiB; `None` for [`DEFAULT_MAX_FILE_MIB`].
    pub max_file_mib: Option<u64>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("paths", &self.paths)
            .field("protective_types", &self.protective_types)
            .field("suspects", &self.suspects)
            .field("progress", &self.progress.is_some())
            .field("max_file_mib", &self.max_file_mib)
            .finish()
    }
}

/// Files larger than this (MiB) are reported, not parsed, unless the plan says otherwise
/// (`max_file_mib`): a syntax tree takes some 50 times the memory of its source, so one
/// generated 7 MiB table would set the whole scan's peak memory; such files hold data, not
/// declarations.
pub const DEFAULT_MAX_FILE_MIB: u64 = 4;

/// Stack for the scanning threads: syn recurses on nesting, and generated code nests deeply.
const STACK: usize = 64 << 20;

/// Scans every file (in parallel).
pub fn scan_tree(roots: &[PathBuf]) -> (Vec<FileFacts>, Vec<(PathBuf, String)>) {
    scan_tree_with(roots, None, DEFAULT_MAX_FILE_MIB, &default_suspects())
}

/// The default suspect-name patterns, compiled.
pub fn default_suspects() -> Vec<(regex::Regex, String)> {
    resolve::DEFAULT_SUSPECTS
        .iter()
        .filter_map(|(p, what)| regex::Regex::new(p).ok().map(|r| (r, (*what).to_string())))
        .collect()
}

/// [`scan_tree`], telling `progress` how far it is.
pub fn scan_tree_with(
    roots: &[PathBuf],
    progress: Option<&Progress>,
    max_file_mib: u64,
    suspects: &[(regex::Regex, String)],
) -> (Vec<FileFacts>, Vec<(PathBuf, String)>) {
    let max_file = max_file_mib.saturating_mul(1 << 20);
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
            Ok(m) if m.len() > max_file => {
                facts.bytes = usize::try_from(m.len()).unwrap_or(usize::MAX);
                facts.parse_error = Some((
                    Loc { line: 1, column: 1 },
                    format!(
                        "the file is {:.1} MiB, larger than the {max_file_mib} MiB gate parses (`max_file_mib` in the plan's `[source]`); it was not scanned",
                        m.len() as f64 / f64::from(1u32 << 20)
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
                // `scan::file` refuses nesting that syn's recursion could not survive.
                Ok(text) => scan::file(&u.path, &u.module, &text),
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
    let done = std::sync::atomic::AtomicUsize::new(0);
    let total = units.len();
    let counted = |u: &walk::Unit| {
        let f = one(u);
        if let Some(p) = progress {
            p(
                done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1,
                total,
            );
        }
        f
    };
    // Two passes keep memory flat: the files that mention `regulated(` (the only ones that can
    // mark a type) are scanned first; every other file is then kept only for what can matter —
    // declarations that are annotated, suspect, or of a marked type, and their owners.
    let pool = match rayon::ThreadPoolBuilder::new().stack_size(STACK).build() {
        Ok(pool) => Some(pool),
        Err(e) => {
            problems.push((
                PathBuf::new(),
                format!("cannot start the scanning threads: {e}"),
            ));
            None
        }
    };
    let run = |f: &(dyn Fn() -> Vec<FileFacts> + Sync)| match &pool {
        Some(p) => p.install(f),
        None => f(),
    };
    let flags: Vec<bool> = match &pool {
        Some(p) => p.install(|| {
            units
                .par_iter()
                .map(|u| mentions_regulated(&u.path))
                .collect()
        }),
        None => units.iter().map(|u| mentions_regulated(&u.path)).collect(),
    };
    let first: Vec<&walk::Unit> = units
        .iter()
        .zip(&flags)
        .filter(|(_, m)| **m)
        .map(|(u, _)| u)
        .collect();
    let rest: Vec<&walk::Unit> = units
        .iter()
        .zip(&flags)
        .filter(|(_, m)| !**m)
        .map(|(u, _)| u)
        .collect();
    let annotated: Vec<FileFacts> = run(&|| first.par_iter().map(|u| counted(u)).collect());
    // Only the names of marked types are needed from the first pass to compact the second.
    let marked: std::collections::HashSet<String> = annotated
        .iter()
        .flat_map(|f| f.declared.iter())
        .filter(|d| {
            d.annotation.is_some()
                && matches!(d.kind, model::ItemKind::Struct | model::ItemKind::Enum)
        })
        .map(|d| d.name.clone())
        .collect();
    let others: Vec<FileFacts> = run(&|| {
        rest.par_iter()
            .map(|u| {
                let mut f = counted(u);
                compact(&mut f, &marked, suspects);
                f
            })
            .collect()
    });
    let mut files = annotated;
    files.extend(others);
    files.sort_by(|a, b| a.file.cmp(&b.file));
    (files, problems)
}

/// Whether a file's text holds `regulated(` (either annotation form); unreadable files are
/// scanned in the first pass, where their error is reported.
fn mentions_regulated(path: &Path) -> bool {
    match std::fs::read(path) {
        Ok(bytes) => bytes.windows(10).any(|w| w == b"regulated("),
        Err(_) => true,
    }
}

/// Drops what cannot matter from a file without annotations: a field, static or parameter is
/// kept only when its name is a suspect or its type names a marked type; a struct, enum or
/// variant only when a kept field belongs to it. Types and fmt impls stay (they are few, and an
/// impl may be in another file than its type).
fn compact(
    f: &mut FileFacts,
    marked: &std::collections::HashSet<String>,
    suspects: &[(regex::Regex, String)],
) {
    use model::ItemKind;
    let leaf = |d: &model::Declared| {
        d.annotation.is_some()
            || matches!(d.kind, ItemKind::Field | ItemKind::Static | ItemKind::Param)
                && (d.ty.as_deref().is_some_and(|t| {
                    t.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .any(|i| marked.contains(i))
                }) || {
                    let name = d.name.to_lowercase();
                    suspects.iter().any(|(re, _)| re.is_match(&name))
                })
    };
    let mut owners: std::collections::HashSet<String> = f
        .declared
        .iter()
        .filter(|d| leaf(d))
        .filter_map(|d| d.owner.clone())
        .collect();
    // A variant's own owner (its enum) is needed too.
    let variant_owners: Vec<String> = f
        .declared
        .iter()
        .filter(|d| d.kind == ItemKind::Variant && owners.contains(&d.path))
        .filter_map(|d| d.owner.clone())
        .collect();
    owners.extend(variant_owners);
    f.declared.retain(|d| leaf(d) || owners.contains(&d.path));
    f.declared.shrink_to_fit();
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
    let mut suspects = default_suspects();
    suspects.extend(config.suspects.iter().cloned());
    let (files, problems) = scan_tree_with(
        &roots,
        config.progress.as_ref(),
        config.max_file_mib.unwrap_or(DEFAULT_MAX_FILE_MIB),
        &suspects,
    );
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
    let value = crate::facts::json::produced("source", &doc)?;
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
