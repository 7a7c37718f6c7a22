//! The `release` producer — release documentation: version, commit and dirty state, changelog
//! entry, rollback document (facts.md, `release`).
//!
//! The version comes from the plan (`version`), the manifest (`version_from = "cargo"`:
//! `package.version`, inherited `workspace.package.version` too) or the tag on HEAD
//! (`version_from = "git-tag"`, a leading `v` dropped). Without either key: the plan's version,
//! else `Cargo.toml` beside the plan, else the tag. A version that is not semver is an error
//! located where it was read.
//!
//! git is run as a command in `repository` (default: the plan's folder). Outside a work tree (or
//! without git) `commit`, `author` and `tag` are none and `dirty` is false, with a warning.
//!
//! `changelog_entry` is true when the changelog has a Markdown heading (`#`…`######`, outside
//! code fences) whose text starts with this exact version, optionally in brackets, after `v` or
//! after the word `version` or `release`: `## [2.3.1] - 2026-11-27`, `## 2.3.1`,
//! `# v2.3.1 (…)`. A mention in prose, `2.3.10` or `2.3.1-rc.1` is not an entry. A changelog
//! the plan names that does not exist is an error (fail closed); no `changelog` key is false.
//! `rollback_doc` is true when the named document exists and holds non-whitespace text; a named
//! document that does not exist is false with a warning.

use super::{Namespace, Origin, json, shown};
use crate::diag::{Diagnostic, io_reason};
use crate::span::{SourceFile, SourceMap, Span};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;
use toml::de::{DeTable, DeValue};

/// Where the version comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VersionFrom {
    Plan,
    Cargo,
    GitTag,
}

impl VersionFrom {
    pub const NAMES: &'static [&'static str] = &["plan", "cargo", "git-tag"];

    pub fn parse(s: &str) -> Option<VersionFrom> {
        match s {
            "plan" => Some(VersionFrom::Plan),
            "cargo" => Some(VersionFrom::Cargo),
            "git-tag" => Some(VersionFrom::GitTag),
            _ => None,
        }
    }

    /// The name the plan and the `version_source` fact use.
    pub fn name(self) -> &'static str {
        match self {
            VersionFrom::Plan => "plan",
            VersionFrom::Cargo => "cargo",
            VersionFrom::GitTag => "git-tag",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            VersionFrom::Plan => "the plan",
            VersionFrom::Cargo => "the manifest",
            VersionFrom::GitTag => "the git tag",
        }
    }
}

/// The validated `[release]` configuration.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Config {
    /// The plan's folder: defaults are read beside the plan.
    pub dir: PathBuf,
    /// The `[release]` header.
    pub at: Option<Span>,
    pub version: Option<(String, Span)>,
    pub version_from: Option<(VersionFrom, Span)>,
    pub manifest: Option<(PathBuf, Span)>,
    pub changelog: Option<(PathBuf, Span)>,
    pub rollback: Option<(PathBuf, Span)>,
    pub repository: Option<(PathBuf, Span)>,
}

impl Config {
    /// The git work tree to ask.
    pub fn repository(&self) -> PathBuf {
        self.repository
            .as_ref()
            .map_or_else(|| self.dir.clone(), |(p, _)| p.clone())
    }
}

/// Runs `git` in `dir`: `Ok((succeeded, trimmed stdout))`, or why git could not run.
pub(crate) fn git(dir: &Path, args: &[&str]) -> Result<(bool, String), String> {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("LC_ALL", "C")
        .output()
        .map(|o| {
            (
                o.status.success(),
                String::from_utf8_lossy(&o.stdout).trim().to_string(),
            )
        })
        .map_err(|e| format!("cannot run `git`: {}", io_reason(&e)))
}

/// The top of the git work tree holding `dir`, `Ok(None)` outside one, or why git could not run.
pub(crate) fn work_tree(dir: &Path) -> Result<Option<PathBuf>, String> {
    let (ok, top) = git(dir, &["rev-parse", "--show-toplevel"])?;
    Ok((ok && !top.is_empty()).then(|| PathBuf::from(top)))
}

/// A version as read, before it is checked: the text, where it came from, and where to point.
struct Read {
    text: String,
    from: VersionFrom,
    at: Option<Span>,
    /// For an unlocated version (a tag): what to name in the error.
    what: String,
}

/// The release version, resolved as the `release` producer does: `(version, source)`.
pub(crate) fn resolve_version(
    config: &Config,
    sources: &mut SourceMap,
) -> Result<(semver::Version, VersionFrom), Diagnostic> {
    let from = match (&config.version_from, &config.version) {
        (Some((f, _)), _) => Some(*f),
        (None, Some(_)) => Some(VersionFrom::Plan),
        (None, None) => None,
    };
    let read = match from {
        Some(VersionFrom::Plan) => {
            let Some((text, at)) = &config.version else {
                return Err(Diagnostic::error(
                    "release-version",
                    "`version_from = \"plan\"` needs `release.version`",
                ));
            };
            Read {
                text: text.clone(),
                from: VersionFrom::Plan,
                at: Some(*at),
                what: "the plan's version".into(),
            }
        }
        Some(VersionFrom::Cargo) => from_cargo(config, sources)?,
        Some(VersionFrom::GitTag) => from_tag(config)?,
        None => {
            let beside = config.dir.join("Cargo.toml");
            if config.manifest.is_some() || beside.is_file() {
                from_cargo(config, sources)?
            } else {
                from_tag(config).map_err(|d| {
                    Diagnostic::error(
                        "release-version",
                        format!(
                            "no release version: the plan names none, there is no `Cargo.toml` beside it, and {}",
                            d.message.trim_start_matches("the release version: ")
                        ),
                    )
                    .help("write it in the plan: `[release] version = \"2.3.1\"`")
                })?
            }
        }
    };
    match semver::Version::parse(read.text.trim()) {
        Ok(v) => Ok((v, read.from)),
        Err(e) => {
            let mut d = Diagnostic::error(
                "release-version",
                format!("{} `{}` is not a semver version: {e}", read.what, read.text),
            )
            .help("write MAJOR.MINOR.PATCH, e.g. `2.3.1` or `2.3.1-rc.1`");
            if let Some(at) = read.at {
                d = d.at(at, "not semver");
            }
            Err(d)
        }
    }
}

fn from_tag(config: &Config) -> Result<Read, Diagnostic> {
    let repo = config.repository();
    let located = |d: Diagnostic| match &config.version_from {
        Some((_, at)) => d.at(*at, "read from the tag"),
        None => d,
    };
    match git(&repo, &["describe", "--tags", "--exact-match", "HEAD"]) {
        Err(why) => Err(located(Diagnostic::error(
            "release-version",
            format!("the release version: {why}"),
        ))),
        Ok((true, tag)) if !tag.is_empty() => {
            let text = tag
                .strip_prefix('v')
                .or_else(|| tag.strip_prefix('V'))
                .unwrap_or(&tag)
                .to_string();
            Ok(Read {
                text,
                from: VersionFrom::GitTag,
                at: None,
                what: format!("the tag `{tag}` on HEAD gives a version that"),
            })
        }
        Ok(_) => Err(located(
            Diagnostic::error(
                "release-version",
                format!("the release version: HEAD in `{}` has no tag", shown(&repo)),
            )
            .help("tag the release commit (`git tag v2.3.1`) or write the version in the plan"),
        )),
    }
}

/// Reads a TOML file into the source map; a syntax error is located.
pub(crate) fn read_toml(
    code: &'static str,
    path: &Path,
    what: &str,
    at: Option<Span>,
    sources: &mut SourceMap,
) -> Result<(crate::span::FileId, std::sync::Arc<str>), Diagnostic> {
    let located = |d: Diagnostic| match at {
        Some(at) => d.at(at, "named here"),
        None => d,
    };
    if path.is_dir() {
        return Err(located(Diagnostic::error(
            code,
            format!("{what} `{}` is a directory, not a file", shown(path)),
        )));
    }
    let text = std::fs::read_to_string(path).map_err(|e| {
        located(Diagnostic::error(
            code,
            format!("cannot read {what} `{}`: {}", shown(path), io_reason(&e)),
        ))
    })?;
    let text: std::sync::Arc<str> = text.into();
    let file = sources.add(SourceFile::new(shown(path), text.clone()));
    if let Err(e) = DeTable::parse(&text) {
        let r = e.span().unwrap_or(0..1);
        return Err(Diagnostic::error(
            "toml-syntax",
            format!(
                "{what} `{}` is not valid TOML: {}",
                shown(path),
                e.message().trim()
            ),
        )
        .at(Span::new(file, r), "here"));
    }
    Ok((file, text))
}

fn from_cargo(config: &Config, sources: &mut SourceMap) -> Result<Read, Diagnostic> {
    let (path, at) = match &config.manifest {
        Some((p, at)) => (p.clone(), Some(*at)),
        None => (
            config.dir.join("Cargo.toml"),
            config.version_from.as_ref().map(|(_, at)| *at),
        ),
    };
    let (file, text) = read_toml("release-input", &path, "the manifest", at, sources)?;
    let name = shown(&path);
    let Ok(doc) = DeTable::parse(&text) else {
        return Err(Diagnostic::error("internal", "the manifest parsed once"));
    };
    let doc = doc.get_ref();
    let here = |r: std::ops::Range<usize>| Span::new(file, r);
    let version = doc.get("package").and_then(|p| p.get_ref().get("version"));
    let workspace_version = |doc: &DeTable| {
        doc.get("workspace")
            .and_then(|w| w.get_ref().get("package"))
            .and_then(|p| p.get_ref().get("version"))
            .and_then(|v| v.get_ref().as_str().map(|s| (s.to_string(), v.span())))
    };
    let found = match version.map(|v| (v.get_ref(), v.span())) {
        Some((DeValue::String(s), r)) => Some((s.to_string(), here(r))),
        Some((DeValue::Table(t), r)) if t.get("workspace").is_some() => {
            match workspace_version(doc) {
                Some((s, r)) => Some((s, here(r))),
                None => inherited(&path, sources).map_err(|d| d.at(here(r), "inherited"))?,
            }
        }
        Some((other, r)) => {
            return Err(Diagnostic::error(
                "release-version",
                format!(
                    "`package.version` in `{name}` must be a string, not {}",
                    other.type_str()
                ),
            )
            .at(here(r), "here"));
        }
        None if doc.get("package").is_none() => workspace_version(doc).map(|(s, r)| (s, here(r))),
        None => None,
    };
    let Some((text, span)) = found else {
        return Err(Diagnostic::error(
            "release-version",
            format!("the manifest `{name}` has no `package.version`"),
        )
        .at(here(0..0), "no version")
        .help(
            "give the package a version, or write it in the plan: `[release] version = \"2.3.1\"`",
        ));
    };
    Ok(Read {
        text,
        from: VersionFrom::Cargo,
        at: Some(span),
        what: format!("the version in `{name}`"),
    })
}

/// `version.workspace = true`: the version of the nearest workspace above the manifest.
fn inherited(
    manifest: &Path,
    sources: &mut SourceMap,
) -> Result<Option<(String, Span)>, Diagnostic> {
    let manifest = crate::policy::load::normalize(
        &std::path::absolute(manifest).unwrap_or_else(|_| manifest.to_path_buf()),
    );
    let mut dir = manifest.parent().and_then(Path::parent);
    while let Some(d) = dir {
        let candidate = d.join("Cargo.toml");
        if candidate.is_file() {
            let (file, text) = read_toml(
                "release-input",
                &candidate,
                "the workspace manifest",
                None,
                sources,
            )?;
            if let Ok(doc) = DeTable::parse(&text)
                && let Some(w) = doc.get_ref().get("workspace")
            {
                return Ok(w
                    .get_ref()
                    .get("package")
                    .and_then(|p| p.get_ref().get("version"))
                    .and_then(|v| {
                        v.get_ref()
                            .as_str()
                            .map(|s| (s.to_string(), Span::new(file, v.span())))
                    }));
            }
        }
        dir = d.parent();
    }
    Err(Diagnostic::error(
        "release-version",
        format!(
            "`{}` inherits its version from a workspace, and no workspace manifest is above it",
            shown(&manifest)
        ),
    ))
}

/// Does `text` (Markdown) have a heading for exactly `version`?
pub fn has_entry(text: &str, version: &str) -> bool {
    entry_line(text, version).is_some()
}

/// The 1-based line of the heading for exactly `version` in `text` (Markdown), if any.
pub fn entry_line(text: &str, version: &str) -> Option<usize> {
    let mut fence: Option<&str> = None;
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        for marker in ["```", "~~~"] {
            if trimmed.starts_with(marker) {
                fence = match fence {
                    Some(m) if m == marker => None,
                    None => Some(marker),
                    other => other,
                };
            }
        }
        if fence.is_some() || line.starts_with("    ") || line.starts_with('\t') {
            continue;
        }
        let hashes = trimmed.chars().take_while(|c| *c == '#').count();
        if !(1..=6).contains(&hashes) {
            continue;
        }
        let rest = &trimmed[hashes..];
        if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
            continue;
        }
        if heading_names(rest.trim(), version) {
            return Some(n + 1);
        }
    }
    None
}

fn heading_names(heading: &str, version: &str) -> bool {
    let mut h = heading.trim_start_matches('[').trim_start();
    for word in ["version", "release"] {
        if let (Some(head), Some(tail)) = (h.get(..word.len()), h.get(word.len()..))
            && head.eq_ignore_ascii_case(word)
            && tail.starts_with([' ', '\t'])
        {
            h = tail.trim_start().trim_start_matches('[');
        }
    }
    let h = h
        .strip_prefix('v')
        .or_else(|| h.strip_prefix('V'))
        .unwrap_or(h);
    match h.strip_prefix(version) {
        Some(after) => !after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '_')),
        None => false,
    }
}

/// Runs the producer.
pub fn produce(
    config: &Config,
    sources: &mut SourceMap,
) -> Result<(Namespace, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let mut errors = Vec::new();
    let version = match resolve_version(config, sources) {
        Ok(v) => Some(v),
        Err(d) => {
            errors.push(d);
            None
        }
    };
    let repo = config.repository();
    if let Some((p, at)) = &config.repository
        && !p.is_dir()
    {
        errors.push(
            Diagnostic::error(
                "release-input",
                format!("the repository `{}` is not a folder", shown(p)),
            )
            .at(*at, "named here"),
        );
    }
    let mut inputs: Vec<(String, String)> = Vec::new();
    // The changelog.
    let mut changelog_entry = false;
    if let Some((path, at)) = &config.changelog {
        match std::fs::read(path) {
            Ok(bytes) => {
                let line = version.as_ref().and_then(|(v, _)| {
                    entry_line(&String::from_utf8_lossy(&bytes), &v.to_string())
                });
                changelog_entry = line.is_some();
                let place = match line {
                    Some(n) => format!("{}:{n}", shown(path)),
                    None => shown(path),
                };
                inputs.push(("/changelog_entry".into(), place));
            }
            Err(e) => errors.push(
                Diagnostic::error(
                    "release-input",
                    format!(
                        "cannot read the changelog `{}`: {}",
                        shown(path),
                        if path.is_dir() {
                            "it is a directory".to_string()
                        } else {
                            io_reason(&e)
                        }
                    ),
                )
                .at(*at, "named here")
                .help("the plan names a changelog: without it there is no release note to check"),
            ),
        }
    }
    // The rollback document.
    let mut rollback_doc = false;
    if let Some((path, at)) = &config.rollback {
        match std::fs::read(path) {
            Ok(bytes) => {
                inputs.push(("/rollback_doc".into(), shown(path)));
                rollback_doc = !String::from_utf8_lossy(&bytes).trim().is_empty();
            }
            Err(e) => diags.push(
                Diagnostic::warning(
                    "release-rollback",
                    format!(
                        "the rollback document `{}` cannot be read ({}): `release.rollback_doc` is false",
                        shown(path),
                        if path.is_dir() {
                            "it is a directory".to_string()
                        } else {
                            io_reason(&e)
                        }
                    ),
                )
                .at(*at, "named here"),
            ),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let Some((version, from)) = version else {
        return Err(vec![Diagnostic::error("internal", "no release version")]);
    };
    // git.
    let (mut commit, mut author, mut tag, mut dirty) = (None, None, None, false);
    match work_tree(&repo) {
        Ok(Some(_)) => {
            commit = git(&repo, &["rev-parse", "--verify", "HEAD"])
                .ok()
                .filter(|(ok, _)| *ok)
                .map(|(_, s)| s);
            if commit.is_none() {
                diags.push(Diagnostic::warning(
                    "release-git",
                    format!(
                        "the git repository at `{}` has no commit yet: `release.commit` is none",
                        shown(&repo)
                    ),
                ));
            } else {
                author = git(&repo, &["log", "-1", "--format=%ae"])
                    .ok()
                    .filter(|(ok, s)| *ok && !s.is_empty())
                    .map(|(_, s)| s);
                tag = git(&repo, &["describe", "--tags", "--exact-match", "HEAD"])
                    .ok()
                    .filter(|(ok, s)| *ok && !s.is_empty())
                    .map(|(_, s)| s);
            }
            match git(&repo, &["status", "--porcelain", "--untracked-files=no"]) {
                Ok((true, s)) => dirty = !s.is_empty(),
                _ => {
                    // Fail closed: a work tree whose state cannot be read counts as dirty.
                    dirty = true;
                    diags.push(Diagnostic::warning(
                        "release-git",
                        format!(
                            "`git status` failed in `{}`: `release.dirty` is true",
                            shown(&repo)
                        ),
                    ));
                }
            }
        }
        Ok(None) => diags.push(
            Diagnostic::warning(
                "release-git",
                format!(
                    "`{}` is not in a git work tree: `release.commit`, `author` and `tag` are none",
                    shown(&repo)
                ),
            )
            .help("point `release.repository` at the work tree of the release"),
        ),
        Err(why) => diags.push(Diagnostic::warning(
            "release-git",
            format!("{why}: `release.commit`, `author` and `tag` are none"),
        )),
    }
    let doc = json!({
        "version": version.to_string(),
        "version_source": from.name(),
        "commit": commit,
        "author": author,
        "dirty": dirty,
        "tag": tag,
        "changelog_entry": changelog_entry,
        "rollback_doc": rollback_doc,
    });
    let value = json::produced("release", &doc)?;
    let what = format!(
        "the release producer, version from {}{}",
        from.describe(),
        config
            .changelog
            .as_ref()
            .map(|(p, _)| format!(", changelog `{}`", shown(p)))
            .unwrap_or_default()
    );
    Ok((
        Namespace {
            value,
            origin: Origin::Producer {
                what,
                inputs: std::sync::Arc::new(inputs),
            },
        },
        diags,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changelog_headings() {
        let yes = [
            "## [2.3.1] - 2026-11-27\n",
            "## 2.3.1\n",
            "# v2.3.1 (2026-11-27)\n",
            "### Version 2.3.1\n",
            "## [2.3.1](https://example.com/compare/v2.3.0...v2.3.1)\n",
            "intro\n\n##  2.3.1 — the big one\n",
        ];
        for text in yes {
            assert!(has_entry(text, "2.3.1"), "{text}");
        }
        let no = [
            "## [2.3.10] - 2026-11-27\n",
            "## 2.3.1-rc.1\n",
            "We fixed the bug from 2.3.1 in this release.\n",
            "## Unreleased\n- prepare 2.3.1\n",
            "```\n## 2.3.1\n```\n",
            "#2.3.1\n",
            "## 12.3.1\n",
            "    ## 2.3.1\n",
            "## Changes since 2.3.1\n",
        ];
        for text in no {
            assert!(!has_entry(text, "2.3.1"), "{text}");
        }
    }
}
