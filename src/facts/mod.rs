//! Facts: the values policies read, each namespace with where it came from. This module and its
//! producers are the only part of the library that reads the outside world.

pub mod approvals;
pub mod artifact;
pub mod build;
pub mod clock;
pub mod config;
pub mod data;
pub mod json;
pub mod junit;
pub mod licenses;
pub mod load;
pub mod monitoring;
pub mod pointer;
pub mod release;
pub mod results;
pub mod security;
pub mod source;

use crate::diag::{Diagnostic, Severity, io_reason};
use crate::schema;
use crate::schema::RESERVED;
use crate::span::{FileId, SourceFile, SourceMap, Span};
use crate::value::{Value, to_json};
use std::collections::BTreeMap;
use std::path::Path;

/// Where a namespace's facts came from, so a witness can say where its evidence is.
#[derive(Clone, Debug, PartialEq)]
pub enum Origin {
    /// A JSON document; `prefix` is the pointer of the namespace inside it (`/load` in a replay).
    File { file: FileId, prefix: String },
    /// Made by gate itself (the clock).
    Builtin(&'static str),
    /// Made by a producer from input files: `what` names it, and `inputs` says which file each
    /// part of the namespace came from (a JSON pointer prefix such as `/packages/3`, and the
    /// file: that package's Cargo.toml, say).
    Producer {
        what: String,
        inputs: std::sync::Arc<Vec<(String, String)>>,
    },
}

impl Origin {
    /// The input file a pointer inside the namespace came from, if the producer said.
    pub fn input_of(&self, pointer: &str) -> Option<&str> {
        let Origin::Producer { inputs, .. } = self else {
            return None;
        };
        inputs
            .iter()
            .filter(|(prefix, _)| {
                pointer.starts_with(prefix.as_str())
                    && matches!(pointer.as_bytes().get(prefix.len()), None | Some(b'/'))
            })
            .max_by_key(|(prefix, _)| prefix.len())
            .map(|(_, file)| file.as_str())
    }
}

#[derive(Clone, Debug)]
pub struct Namespace {
    pub value: Value,
    pub origin: Origin,
}

/// Every namespace of a run.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    pub namespaces: BTreeMap<String, Namespace>,
}

impl Facts {
    pub fn get(&self, name: &str) -> Option<&Namespace> {
        self.namespaces.get(name)
    }

    pub fn insert(&mut self, name: impl Into<String>, ns: Namespace) {
        self.namespaces.insert(name.into(), ns);
    }

    /// The form `gate facts` prints and `--replay` reads back.
    pub fn to_json(&self, sources: &SourceMap) -> serde_json::Value {
        let mut out = serde_json::Map::new();
        let mut origins = serde_json::Map::new();
        for (name, ns) in &self.namespaces {
            out.insert(name.clone(), to_json(&ns.value));
            let origin = match &ns.origin {
                Origin::File { file, prefix } => {
                    format!(
                        "{}{}",
                        sources.name(*file),
                        if prefix.is_empty() {
                            String::new()
                        } else {
                            format!("#{prefix}")
                        }
                    )
                }
                Origin::Builtin(what) => (*what).to_string(),
                Origin::Producer { what, .. } => what.clone(),
            };
            origins.insert(name.clone(), serde_json::Value::String(origin));
        }
        out.insert(
            "$gate".into(),
            serde_json::json!({"facts": 1, "version": env!("CARGO_PKG_VERSION"), "sources": origins}),
        );
        serde_json::Value::Object(out)
    }
}

/// A path as facts and reports show it: relative to the current folder when it is inside it,
/// so facts do not depend on where a checkout lives.
pub fn shown(p: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| p.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| p.to_path_buf())
        .display()
        .to_string()
}

/// Largest fact document gate reads: beyond it the run fails rather than exhausting memory.
const MAX_DOCUMENT: u64 = 1 << 30;

fn read_document(
    path: &Path,
    what: &str,
    sources: &mut SourceMap,
) -> Result<(FileId, serde_json::Value), Diagnostic> {
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| {
        Diagnostic::error(
            "facts-unreadable",
            format!("cannot read {what} `{shown}`: {}", io_reason(&e)),
        )
    })?;
    if meta.is_dir() {
        return Err(Diagnostic::error(
            "facts-unreadable",
            format!("{what} `{shown}` is a directory, not a JSON file"),
        ));
    }
    if meta.len() > MAX_DOCUMENT {
        return Err(Diagnostic::error(
            "facts-too-large",
            format!(
                "{what} `{shown}` is {} bytes; gate reads fact documents of at most 1 GiB",
                meta.len()
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::error(
            "facts-unreadable",
            format!("cannot read {what} `{shown}`: {}", io_reason(&e)),
        )
    })?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let file = sources.add(SourceFile::new(shown.clone(), text));
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(
            Diagnostic::error("facts-empty", format!("{what} `{shown}` is empty")).help(
                "an empty results file is evidence of nothing: check the step that writes it",
            ),
        );
    }
    match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(j) => Ok((file, j)),
        Err(e) => {
            let f = sources.get(file);
            let offset = f.map_or(0, |f| f.offset(e.line(), e.column()));
            let reason = crate::diag::serde_reason(&e);
            Err(Diagnostic::error(
                "facts-json",
                format!("{what} `{shown}` is not valid JSON: {reason}"),
            )
            .at(Span::new(file, offset..offset + 1), reason))
        }
    }
}

/// Is `name` usable as a namespace name on the command line?
pub fn check_namespace_name(name: &str) -> Result<(), String> {
    let ok = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !ok {
        return Err(format!(
            "`{name}` is not a namespace name: use snake_case, e.g. `change`"
        ));
    }
    if RESERVED.contains(&name) {
        return Err(format!(
            "`{name}` is a reserved word and cannot name a namespace"
        ));
    }
    if name == "clock" {
        return Err("`clock` comes from `--now` and `--tz`, not from a file".into());
    }
    Ok(())
}

/// Converts a parsed document for namespace `name`: gate's own are schema-checked.
fn convert(
    name: &str,
    j: &serde_json::Value,
    file: FileId,
    prefix: &str,
    sources: &SourceMap,
) -> Result<(Value, Vec<Diagnostic>), Vec<Diagnostic>> {
    let Some(ns) = schema::namespace(name) else {
        return Ok((json::plain(j), Vec::new()));
    };
    let text = sources.get(file).map(|f| f.text.clone());
    let mut locator = pointer::Locator::default();
    let mut located = |e: json::SchemaError, severity: Severity| {
        let full = format!("{prefix}{}", e.pointer);
        let at = text
            .as_deref()
            .and_then(|t| locator.locate(t, &full))
            .unwrap_or(0);
        let end = text.as_deref().map_or(at, |t| {
            t[at..]
                .find([',', '\n', '}', ']'])
                .map_or(t.len(), |n| at + n.max(1))
        });
        let pointer = if e.pointer.is_empty() {
            "/"
        } else {
            &e.pointer
        };
        let message = format!("`{name}` facts at `{pointer}`: {}", e.message);
        let mut d = match severity {
            Severity::Error => Diagnostic::error("fact-schema", message),
            Severity::Warning => Diagnostic::warning("fact-note", message),
        }
        .at(Span::new(file, at..end.max(at + 1)), e.message.clone());
        if let Some(h) = e.help {
            d = d.help(h);
        }
        d
    };
    match json::typed_namespace_with_notes(j, ns) {
        Ok((value, notes)) => Ok((
            value,
            notes
                .into_iter()
                .map(|n| located(n, Severity::Warning))
                .collect(),
        )),
        Err((errors, dropped)) => {
            let mut diags: Vec<Diagnostic> = errors
                .into_iter()
                .map(|e| located(e, Severity::Error))
                .collect();
            if dropped > 0 {
                diags.push(Diagnostic::error(
                    "fact-schema",
                    format!("… and {dropped} more problems in the `{name}` facts"),
                ));
            }
            Err(diags)
        }
    }
}

/// `--facts NAME=PATH`: mounts a JSON document as a namespace.
/// Also returns notes on how values were read (warnings, located in the document).
pub fn mount(
    name: &str,
    path: &Path,
    sources: &mut SourceMap,
) -> Result<(Namespace, Vec<Diagnostic>), Vec<Diagnostic>> {
    check_namespace_name(name).map_err(|m| vec![Diagnostic::error("bad-namespace", m)])?;
    let what = format!("the `{name}` facts");
    let (file, j) = read_document(path, &what, sources).map_err(|d| vec![d])?;
    let (value, notes) = convert(name, &j, file, "", sources)?;
    let ns = Namespace {
        value,
        origin: Origin::File {
            file,
            prefix: String::new(),
        },
    };
    Ok((ns, notes))
}

/// `--replay FILE`: every namespace of a saved `gate facts` document.
pub fn replay(path: &Path, sources: &mut SourceMap) -> Result<Facts, Vec<Diagnostic>> {
    let (file, j) = read_document(path, "the saved facts", sources).map_err(|d| vec![d])?;
    let serde_json::Value::Object(map) = j else {
        return Err(vec![
            Diagnostic::error(
                "facts-json",
                format!(
                    "the saved facts `{}` must be one JSON object with a key per namespace",
                    path.display()
                ),
            )
            .at(Span::new(file, 0..1), "not an object"),
        ]);
    };
    let mut facts = Facts::default();
    let mut diags = Vec::new();
    for (name, doc) in &map {
        if name == "$gate" {
            continue;
        }
        if name == "clock" {
            match clock::from_saved(doc) {
                Ok(ns) => facts.insert(
                    "clock",
                    Namespace {
                        value: ns,
                        origin: Origin::File {
                            file,
                            prefix: "/clock".into(),
                        },
                    },
                ),
                Err(m) => diags.push(Diagnostic::error(
                    "fact-schema",
                    format!("the saved clock is unusable: {m}"),
                )),
            }
            continue;
        }
        if let Err(m) = check_namespace_name(name) {
            diags.push(Diagnostic::error("bad-namespace", m));
            continue;
        }
        let prefix = format!("/{}", pointer::escape(name));
        match convert(name, doc, file, &prefix, sources) {
            Ok((value, _notes)) => facts.insert(
                name.clone(),
                Namespace {
                    value,
                    origin: Origin::File { file, prefix },
                },
            ),
            Err(mut d) => diags.append(&mut d),
        }
    }
    if diags.is_empty() {
        Ok(facts)
    } else {
        Err(diags)
    }
}
