//! The `approvals` producer — sign-offs: who approved what, in which role, when (facts.md,
//! `approvals`). The namespace is a list, one record per `[[approval]]` of the sign-off file:
//!
//! ```toml
//! [[approval]]
//! who = "dana@example.com"          # the email they commit with, so a policy can forbid self-approval
//! role = "qa"
//! at = 2026-11-26T15:30:00-05:00    # a TOML datetime with an offset, or an RFC 3339 string
//! subject = "2.3.1"                 # a version (`2.3.1`, `v2.3.1`) or an artifact digest (`sha256:…`)
//! comment = "regression suite green"  # optional
//! ```
//!
//! `current` is true when the subject is this release: one of the plan's `[approvals] subject`
//! values if it has any; otherwise the release version (resolved as the `release` producer
//! does, from the plan's `[release]` section or, without one, `Cargo.toml` beside the plan or the
//! tag on HEAD) and the digest of the plan's `[artifact]`. Versions compare as semver (`v2.3.1`
//! is `2.3.1`), digests case-insensitively. A sign-off for anything else has lapsed: approve the
//! digest to make approvals lapse whenever the artifact changes.
//!
//! Every problem in the sign-off file — a missing or unknown field, a datetime without an
//! offset, a subject that is neither a version nor a digest — is an error located in it.

use super::release::{read_toml, resolve_version};
use super::{Namespace, Origin, shown};
use crate::diag::{Diagnostic, suggestion};
use crate::span::{SourceMap, Span};
use serde_json::json;
use std::path::PathBuf;
use toml::de::{DeTable, DeValue};

/// The validated `[approvals]` configuration.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Config {
    /// The plan's folder.
    pub dir: PathBuf,
    /// The `[approvals]` header (its file is the plan).
    pub at: Option<Span>,
    /// The sign-off file.
    pub file: Option<(PathBuf, Span)>,
    /// What counts as this release (`subject`); empty: the release version and artifact digest.
    pub subjects: Vec<(String, Span)>,
    /// The plan's `[release]` and `[artifact]`, which say what this release is when `subject`
    /// does not (the plan loader fills them in).
    pub release: Option<crate::facts::release::Config>,
    pub artifact: Option<crate::facts::artifact::Config>,
}

/// What a sign-off approves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    Version(semver::Version),
    /// Lowercase hex of a sha256.
    Digest(String),
}

impl Subject {
    /// `2.3.1`, `v2.3.1` or `sha256:` and 64 hex digits.
    pub fn parse(text: &str) -> Option<Subject> {
        let t = text.trim();
        if let Some(hex) = t.strip_prefix("sha256:") {
            return (hex.len() == 64 && hex.chars().all(|c| c.is_ascii_hexdigit()))
                .then(|| Subject::Digest(hex.to_ascii_lowercase()));
        }
        let v = t.strip_prefix(['v', 'V']).unwrap_or(t);
        semver::Version::parse(v).ok().map(Subject::Version)
    }
}

pub const SUBJECT_HELP: &str = "a subject is a version (`2.3.1`, `v2.3.1`) or an artifact digest (`sha256:` and 64 hex digits)";

const FIELDS: &[&str] = &["who", "role", "at", "subject", "comment"];

/// This release's subjects, when the plan does not list them.
fn default_subjects(config: &Config, sources: &mut SourceMap) -> Vec<Subject> {
    let mut out = Vec::new();
    let release = config.release.clone();
    let artifact = config.artifact.clone();
    let release = release.unwrap_or_else(|| crate::facts::release::Config {
        dir: config.dir.clone(),
        ..Default::default()
    });
    // A problem resolving them is the `release` / `artifact` producers' to report.
    if let Ok((v, _)) = resolve_version(&release, sources) {
        out.push(Subject::Version(v));
    }
    if let Some((path, _)) = artifact.and_then(|a| a.path)
        && let Ok((digest, _)) = crate::facts::artifact::artifact_digest(&path, None)
        && let Some(s) = Subject::parse(&digest)
    {
        out.push(s);
    }
    out
}

/// Runs the producer.
pub fn produce(
    config: &Config,
    sources: &mut SourceMap,
) -> Result<(Namespace, Vec<Diagnostic>), Vec<Diagnostic>> {
    let Some((path, file_at)) = &config.file else {
        return Err(vec![Diagnostic::error(
            "approvals-input",
            "`[approvals]` needs `file`: the sign-off file",
        )]);
    };
    let current: Vec<Subject> = if config.subjects.is_empty() {
        default_subjects(config, sources)
    } else {
        config
            .subjects
            .iter()
            .filter_map(|(s, _)| Subject::parse(s))
            .collect()
    };
    let mut errors = Vec::new();
    if current.is_empty() {
        let mut d = Diagnostic::error(
            "approvals-subject",
            "nothing to compare the sign-offs with: no release version or artifact digest could be found",
        )
        .help("name this release's subject in the plan: `[approvals] subject = \"2.3.1\"`, or add `[release]` / `[artifact]`");
        if let Some(at) = config.at {
            d = d.at(at, "for these approvals");
        }
        errors.push(d);
    }
    let (file, text) = read_toml(
        "approvals-input",
        path,
        "the sign-off file",
        Some(*file_at),
        sources,
    )
    .map_err(|d| {
        let mut all = errors.clone();
        all.push(d);
        all
    })?;
    let shown_path = shown(path);
    let here = |r: std::ops::Range<usize>| Span::new(file, r);
    let line_col = |sources: &SourceMap, r: std::ops::Range<usize>| {
        sources.get(file).map_or((1, 1), |f| f.line_col(r.start))
    };
    let doc = match DeTable::parse(&text) {
        Ok(d) => d,
        Err(_) => {
            return Err(vec![Diagnostic::error(
                "internal",
                "the sign-off file parsed once",
            )]);
        }
    };
    let mut records = Vec::new();
    let mut inputs = Vec::new();
    for (k, v) in doc.get_ref() {
        let key = k.get_ref().as_ref();
        if key != "approval" {
            let help = suggestion(key, ["approval"])
                .unwrap_or_else(|| "a sign-off file holds `[[approval]]` tables only".to_string());
            errors.push(
                Diagnostic::error(
                    "approvals-unknown-key",
                    format!("the sign-off file `{shown_path}` has an unknown key `{key}`"),
                )
                .at(here(k.span()), "unknown")
                .help(help),
            );
            continue;
        }
        let DeValue::Array(items) = v.get_ref() else {
            errors.push(
                Diagnostic::error(
                    "approvals-type",
                    format!(
                        "`approval` in `{shown_path}` must be an array of tables (`[[approval]]`), not {}",
                        v.get_ref().type_str()
                    ),
                )
                .at(here(v.span()), "here"),
            );
            continue;
        };
        for item in items {
            let n = records.len();
            let (line, col) = line_col(sources, item.span());
            let Some(t) = item.get_ref().as_table() else {
                errors.push(
                    Diagnostic::error(
                        "approvals-type",
                        format!(
                            "an approval in `{shown_path}` must be a table, not {}",
                            item.get_ref().type_str()
                        ),
                    )
                    .at(here(item.span()), "here"),
                );
                records.push(serde_json::Value::Null);
                continue;
            };
            match approval(t, &current, &shown_path, &here) {
                Ok(record) => {
                    inputs.push((format!("/{n}"), format!("{shown_path}:{line}:{col}")));
                    records.push(record);
                }
                Err(mut e) => {
                    // Missing fields are reported at the approval itself.
                    for d in &mut e {
                        if d.primary.is_none() {
                            *d = d.clone().at(here(item.span()), "this approval");
                        }
                    }
                    errors.append(&mut e);
                    records.push(serde_json::Value::Null);
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let count = records.len();
    let value = super::json::produced("approvals", &serde_json::Value::Array(records))?;
    Ok((
        Namespace {
            value,
            origin: Origin::Producer {
                what: format!("the approvals producer, from `{shown_path}`"),
                inputs: std::sync::Arc::new(inputs),
            },
        },
        if count == 0 {
            vec![Diagnostic::warning(
                "approvals-none",
                format!("the sign-off file `{shown_path}` holds no approval"),
            )]
        } else {
            Vec::new()
        },
    ))
}

/// One `[[approval]]`: its record, or located errors (a missing field is left unlocated for the
/// caller to point at the approval).
fn approval(
    t: &DeTable,
    current: &[Subject],
    shown_path: &str,
    here: &dyn Fn(std::ops::Range<usize>) -> Span,
) -> Result<serde_json::Value, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut who = None;
    let mut role = None;
    let mut at = None;
    let mut subject = None;
    let mut comment = None;
    for (k, v) in t {
        let key = k.get_ref().as_ref();
        let vspan = here(v.span());
        let text = |errors: &mut Vec<Diagnostic>| match v.get_ref() {
            DeValue::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            DeValue::String(_) => {
                errors.push(
                    Diagnostic::error(
                        "approvals-value",
                        format!("`{key}` of an approval in `{shown_path}` is empty"),
                    )
                    .at(vspan, "empty"),
                );
                None
            }
            other => {
                errors.push(
                    Diagnostic::error(
                        "approvals-type",
                        format!(
                            "`{key}` of an approval in `{shown_path}` must be a string, not {}",
                            other.type_str()
                        ),
                    )
                    .at(vspan, "here"),
                );
                None
            }
        };
        match key {
            "who" => who = text(&mut errors),
            "role" => role = text(&mut errors),
            "comment" => comment = text(&mut errors),
            "subject" => {
                if let Some(s) = text(&mut errors) {
                    match Subject::parse(&s) {
                        Some(parsed) => subject = Some((s, parsed)),
                        None => errors.push(
                            Diagnostic::error(
                                "approvals-value",
                                format!("the subject `{s}` in `{shown_path}` is neither a version nor a digest"),
                            )
                            .at(vspan, "not a subject")
                            .help(SUBJECT_HELP),
                        ),
                    }
                }
            }
            "at" => {
                let (written, complete) = match v.get_ref() {
                    DeValue::Datetime(d) => (
                        d.to_string(),
                        d.date.is_some() && d.time.is_some() && d.offset.is_some(),
                    ),
                    DeValue::String(s) => (s.to_string(), true),
                    other => (other.type_str().to_string(), false),
                };
                match crate::value::parse_datetime(&written).filter(|_| complete) {
                    Some(z) => at = Some(z.timestamp().display_with_offset(z.offset()).to_string()),
                    None => errors.push(
                        Diagnostic::error(
                            "approvals-value",
                            format!("`at` = `{written}` in `{shown_path}` is not a datetime with an offset"),
                        )
                        .at(vspan, "no date, time and offset")
                        .help("write e.g. `at = 2026-11-26T15:30:00-05:00` (a time without an offset is ambiguous)"),
                    ),
                }
            }
            other => {
                let help = suggestion(other, FIELDS.iter().copied())
                    .unwrap_or_else(|| format!("an approval's fields are {}", FIELDS.join(", ")));
                errors.push(
                    Diagnostic::error(
                        "approvals-unknown-key",
                        format!("an approval in `{shown_path}` has an unknown field `{other}`"),
                    )
                    .at(here(k.span()), "unknown")
                    .help(help),
                );
            }
        }
    }
    for (name, missing) in [
        ("who", who.is_none()),
        ("role", role.is_none()),
        ("at", at.is_none()),
        ("subject", subject.is_none()),
    ] {
        if missing && t.get(name).is_none() {
            errors.push(
                Diagnostic::error(
                    "approvals-missing",
                    format!("an approval in `{shown_path}` has no `{name}`"),
                )
                .help(format!(
                    "every approval says who, role, at and subject; `{name}` is missing"
                )),
            );
        }
    }
    let Some((subject_text, parsed)) = subject.filter(|_| errors.is_empty()) else {
        return Err(errors);
    };
    Ok(json!({
        "who": who,
        "role": role,
        "at": at,
        "subject": subject_text,
        "current": current.contains(&parsed),
        "comment": comment,
    }))
}
