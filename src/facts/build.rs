//! The `build` producer — repeatability: lock file present and committed, dependencies pinned,
//! toolchain versions (facts.md, `build`).
//!
//! Every manifest of the workspace (the root and its `members` globs, less `exclude`) is read as
//! TOML, with spans, so each unpinned dependency names its file and line. Dependency tables
//! read: `[dependencies]`, `[dev-dependencies]`, `[build-dependencies]`, their
//! `[target.*.…]` forms, `[workspace.dependencies]` and `[patch.*]`. Unpinned is:
//! - a git dependency without `rev`: on a branch, on nothing (the default branch), or on a
//!   `tag` — tags can be moved or deleted, so only a commit id pins a git dependency;
//! - a version requirement with a wildcard (`"*"`, `"1.*"`, `"1.x"`) or none at all (a table
//!   with neither `version`, `git`, `path` nor `workspace = true` accepts any version).
//!
//! Path dependencies and `workspace = true` (checked where the workspace declares it) are fine.
//! `lockfile_committed` asks git (`ls-files --error-unmatch`, `diff --quiet HEAD`); outside a
//! work tree it is false, with a warning. `rustc --version` and `cargo --version` run in the
//! workspace root (so rustup honours its `rust-toolchain.toml`); either is none when it cannot
//! run. `pinned` is the channel of `rust-toolchain.toml` (or the legacy `rust-toolchain`).

use super::release::{git, read_toml, work_tree};
use super::{Namespace, Origin, shown};
use crate::diag::Diagnostic;
use crate::span::{FileId, SourceMap, Span};
use serde_json::json;
use std::path::{Path, PathBuf};
use toml::de::{DeTable, DeValue};

/// The validated `[build]` configuration.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Config {
    /// The plan's folder.
    pub dir: PathBuf,
    /// The `[build]` header.
    pub at: Option<Span>,
    /// The manifest (default `Cargo.toml` beside the plan), and the plan entry.
    pub manifest: Option<(PathBuf, Span)>,
}

const DEP_TABLES: &[&str] = &[
    "dependencies",
    "dev-dependencies",
    "dev_dependencies",
    "build-dependencies",
    "build_dependencies",
];

/// One unpinned dependency.
#[derive(Clone, Debug, PartialEq)]
pub struct Unpinned {
    pub name: String,
    pub reason: String,
    pub file: PathBuf,
    pub line: usize,
}

/// Why a version requirement is not a pin, if it has a wildcard.
fn wildcard(req: &str) -> Option<String> {
    if req.trim().is_empty() {
        return Some("an empty version requirement (any version)".into());
    }
    let wild = req.split(',').any(|part| {
        part.trim()
            .trim_start_matches(['=', '>', '<', '~', '^'])
            .trim()
            .split('.')
            .any(|c| matches!(c.trim(), "*" | "x" | "X"))
    });
    wild.then(|| format!("wildcard version `{req}`"))
}

/// Why a dependency is not pinned, if it is not.
fn reason(value: &DeValue) -> Option<String> {
    match value {
        DeValue::String(req) => wildcard(req),
        DeValue::Table(t) => {
            let s = |k: &str| {
                t.get(k)
                    .and_then(|v| v.get_ref().as_str().map(str::to_string))
            };
            let flag =
                |k: &str| matches!(t.get(k).map(|v| v.get_ref()), Some(DeValue::Boolean(true)));
            if flag("workspace") {
                return None;
            }
            if t.get("git").is_some() {
                if t.get("rev").is_some() {
                    return None;
                }
                return Some(match (s("branch"), s("tag")) {
                    (Some(b), _) => format!("git dependency on branch `{b}` without `rev`"),
                    (None, Some(tag)) => {
                        format!("git dependency on tag `{tag}` without `rev` (a tag can move)")
                    }
                    (None, None) => "git dependency without `rev`".into(),
                });
            }
            if t.get("path").is_some() {
                return None;
            }
            match s("version") {
                Some(req) => wildcard(&req),
                None => Some("no version requirement (any version)".into()),
            }
        }
        _ => None,
    }
}

/// Every unpinned dependency of one manifest.
pub fn unpinned_in(doc: &DeTable, file: &Path, line_of: &dyn Fn(usize) -> usize) -> Vec<Unpinned> {
    let mut tables: Vec<&DeTable> = Vec::new();
    for name in DEP_TABLES {
        if let Some(t) = doc.get(*name).and_then(|v| v.get_ref().as_table()) {
            tables.push(t);
        }
    }
    if let Some(targets) = doc.get("target").and_then(|v| v.get_ref().as_table()) {
        for (_, target) in targets {
            if let Some(target) = target.get_ref().as_table() {
                for name in DEP_TABLES {
                    if let Some(t) = target.get(*name).and_then(|v| v.get_ref().as_table()) {
                        tables.push(t);
                    }
                }
            }
        }
    }
    if let Some(t) = doc
        .get("workspace")
        .and_then(|w| w.get_ref().get("dependencies"))
        .and_then(|v| v.get_ref().as_table())
    {
        tables.push(t);
    }
    if let Some(patches) = doc.get("patch").and_then(|v| v.get_ref().as_table()) {
        for (_, p) in patches {
            if let Some(p) = p.get_ref().as_table() {
                tables.push(p);
            }
        }
    }
    let mut out = Vec::new();
    for t in tables {
        for (k, v) in t {
            if let Some(reason) = reason(v.get_ref()) {
                out.push(Unpinned {
                    name: k.get_ref().to_string(),
                    reason,
                    file: file.to_path_buf(),
                    line: line_of(k.span().start),
                });
            }
        }
    }
    out.sort_by_key(|u| u.line);
    out
}

/// The workspace's members' manifests (sorted). A member named outright without a `Cargo.toml`,
/// or a pattern that is not a glob, is an error, as it is to cargo: a member left out would
/// leave its dependencies unchecked.
fn members(root: &Path, doc: &DeTable, errors: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let list = |key: &str| -> Vec<String> {
        doc.get("workspace")
            .and_then(|w| w.get_ref().get(key))
            .and_then(|m| match m.get_ref() {
                DeValue::Array(a) => Some(
                    a.iter()
                        .filter_map(|i| i.get_ref().as_str().map(str::to_string))
                        .collect(),
                ),
                _ => None,
            })
            .unwrap_or_default()
    };
    let exclude: Vec<PathBuf> = list("exclude")
        .iter()
        .map(|e| crate::policy::load::normalize(&root.join(e)))
        .collect();
    let mut out = Vec::new();
    for pattern in list("members") {
        let full = root.join(&pattern);
        let shown_root = root.join("Cargo.toml").display().to_string();
        let found: Vec<PathBuf> = if pattern.contains(['*', '?', '[']) {
            match glob::glob(&full.to_string_lossy()) {
                Ok(paths) => paths.filter_map(Result::ok).collect(),
                Err(e) => {
                    errors.push(Diagnostic::error(
                        "build-input",
                        format!("the workspace `{shown_root}` lists the member pattern `{pattern}`, which is not a glob: {}", e.msg),
                    ));
                    continue;
                }
            }
        } else {
            if !full.join("Cargo.toml").is_file() {
                errors.push(Diagnostic::error(
                    "build-input",
                    format!("the workspace `{shown_root}` lists the member `{pattern}`, which has no `Cargo.toml`"),
                ).help("cargo refuses such a workspace too: fix `[workspace] members`"));
                continue;
            }
            vec![full]
        };
        for dir in found {
            let dir = crate::policy::load::normalize(&dir);
            let manifest = dir.join("Cargo.toml");
            if manifest.is_file() && !exclude.contains(&dir) && !out.contains(&manifest) {
                out.push(manifest);
            }
        }
    }
    out.sort();
    out
}

/// The nearest manifest at or above `manifest` that declares `[workspace]`. A manifest on the
/// way up that cannot be read or parsed is an error (cargo stops there too): skipping it could
/// take a member for its own workspace and miss the root's `[workspace.dependencies]`.
fn workspace_root(
    manifest: &Path,
    doc: &DeTable,
    read: &mut dyn FnMut(&Path) -> Result<std::sync::Arc<str>, Diagnostic>,
) -> Result<PathBuf, Diagnostic> {
    let own = manifest
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    if doc.get("workspace").is_some() {
        return Ok(own);
    }
    let mut dir = own.parent();
    while let Some(d) = dir {
        let candidate = d.join("Cargo.toml");
        if candidate.is_file() {
            // `read` checks the syntax, with a located error.
            let text = read(&candidate)?;
            if DeTable::parse(&text).is_ok_and(|t| t.get_ref().get("workspace").is_some()) {
                return Ok(d.to_path_buf());
            }
        }
        dir = d.parent();
    }
    Ok(own)
}

fn tool_version(tool: &str, dir: &Path) -> Option<String> {
    std::process::Command::new(tool)
        .arg("--version")
        .current_dir(dir)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|s| !s.is_empty())
}

/// The channel `rust-toolchain.toml` (or the legacy `rust-toolchain`) pins.
fn pinned_toolchain(root: &Path) -> Option<(String, PathBuf)> {
    for name in ["rust-toolchain.toml", "rust-toolchain"] {
        let path = root.join(name);
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        if let Ok(t) = DeTable::parse(&text)
            && let Some(c) = t
                .get_ref()
                .get("toolchain")
                .and_then(|t| t.get_ref().get("channel"))
                .and_then(|c| c.get_ref().as_str())
        {
            return Some((c.to_string(), path));
        }
        if name == "rust-toolchain"
            && let Some(line) = text.lines().map(str::trim).find(|l| !l.is_empty())
            && !line.contains(['=', '['])
        {
            return Some((line.to_string(), path));
        }
    }
    None
}

fn lockfile_committed(root: &Path, lock: &Path, diags: &mut Vec<Diagnostic>) -> bool {
    if !lock.is_file() {
        return false;
    }
    match work_tree(root) {
        Ok(Some(_)) => {
            let tracked = git(root, &["ls-files", "--error-unmatch", "--", "Cargo.lock"])
                .is_ok_and(|(ok, _)| ok);
            tracked
                && git(root, &["diff", "--quiet", "HEAD", "--", "Cargo.lock"])
                    .is_ok_and(|(ok, _)| ok)
        }
        Ok(None) => {
            diags.push(Diagnostic::warning(
                "build-git",
                format!(
                    "`{}` is not in a git work tree: `build.lockfile_committed` is false",
                    shown(root)
                ),
            ));
            false
        }
        Err(why) => {
            diags.push(Diagnostic::warning(
                "build-git",
                format!("{why}: `build.lockfile_committed` is false"),
            ));
            false
        }
    }
}

/// Runs the producer.
pub fn produce(
    config: &Config,
    sources: &mut SourceMap,
) -> Result<(Namespace, Vec<Diagnostic>), Vec<Diagnostic>> {
    let (manifest, at) = match &config.manifest {
        Some((p, at)) => (p.clone(), Some(*at)),
        None => (config.dir.join("Cargo.toml"), config.at),
    };
    // Absolute, so the workspace root above a relative `Cargo.toml` is found and commands run
    // in a folder that exists.
    let manifest =
        crate::policy::load::normalize(&std::path::absolute(&manifest).unwrap_or(manifest));
    let read = |path: &Path, at: Option<Span>, sources: &mut SourceMap| {
        read_toml("build-input", path, "the manifest", at, sources).map_err(|d| {
            if config.manifest.is_none() && at.is_some() && !path.exists() {
                d.help("`[build]` reads `Cargo.toml` beside the plan: name another with `manifest = \"…\"`")
            } else {
                d
            }
        })
    };
    let (file, text) = read(&manifest, at, sources).map_err(|d| vec![d])?;
    let Ok(doc) = DeTable::parse(&text) else {
        return Err(vec![Diagnostic::error(
            "internal",
            "the manifest parsed once",
        )]);
    };
    let root = workspace_root(&manifest, doc.get_ref(), &mut |p| {
        read(p, None, sources).map(|(_, text)| text)
    })
    .map_err(|d| vec![d])?;
    let root_manifest = root.join("Cargo.toml");
    let mut errors = Vec::new();
    let mut unpinned = Vec::new();
    let mut scan = |file: FileId, text: &str, path: &Path, sources: &SourceMap| {
        if let Ok(doc) = DeTable::parse(text) {
            let line_of = |offset: usize| sources.get(file).map_or(1, |f| f.line_col(offset).0);
            unpinned.extend(unpinned_in(doc.get_ref(), path, &line_of));
        }
    };
    let mut manifests = vec![root_manifest.clone()];
    let root_read = if root_manifest == manifest {
        Some((file, text.clone()))
    } else {
        match read(&root_manifest, None, sources) {
            Ok(r) => Some(r),
            Err(d) => {
                errors.push(d);
                None
            }
        }
    };
    if let Some((rfile, rtext)) = &root_read {
        scan(*rfile, rtext, &root_manifest, sources);
        if let Ok(rdoc) = DeTable::parse(rtext) {
            manifests.extend(members(&root, rdoc.get_ref(), &mut errors));
        }
    }
    if !manifests.contains(&manifest) {
        manifests.push(manifest.clone());
    }
    for m in manifests.iter().skip(1) {
        let got = if *m == manifest {
            Ok((file, text.clone()))
        } else {
            read(m, None, sources)
        };
        match got {
            Ok((f, t)) => scan(f, &t, m, sources),
            Err(d) => errors.push(d),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut diags = Vec::new();
    let lock = root.join("Cargo.lock");
    let lockfile = lock.is_file();
    let committed = lockfile_committed(&root, &lock, &mut diags);
    let pinned = pinned_toolchain(&root);
    let mut inputs: Vec<(String, String)> = unpinned
        .iter()
        .enumerate()
        .map(|(i, u)| {
            (
                format!("/unpinned/{i}"),
                format!("{}:{}", shown(&u.file), u.line),
            )
        })
        .collect();
    inputs.push(("/lockfile".into(), shown(&lock)));
    inputs.push(("/lockfile_committed".into(), shown(&lock)));
    if let Some((_, p)) = &pinned {
        inputs.push(("/toolchain/pinned".into(), shown(p)));
    }
    let doc = json!({
        "lockfile": lockfile,
        "lockfile_committed": committed,
        "unpinned": unpinned.iter().map(|u| json!({
            "name": u.name,
            "reason": u.reason,
            "file": shown(&u.file),
            "line": u.line,
        })).collect::<Vec<_>>(),
        "toolchain": {
            "rustc": tool_version("rustc", &root),
            "cargo": tool_version("cargo", &root),
            "pinned": pinned.map(|(c, _)| c),
        },
    });
    let value = super::json::produced("build", &doc)?;
    Ok((
        Namespace {
            value,
            origin: Origin::Producer {
                what: format!(
                    "the build producer, from the workspace at `{}`",
                    shown(&root_manifest)
                ),
                inputs: std::sync::Arc::new(inputs),
            },
        },
        diags,
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    /// `produce` on the manifest `rel` of a tree of `files`: its errors' messages.
    fn errors(files: &[(&str, &str)], rel: &str) -> Vec<String> {
        let tmp = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = tmp.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let config = Config {
            dir: tmp.path().join(rel).parent().unwrap().to_path_buf(),
            at: None,
            manifest: None,
        };
        match produce(&config, &mut SourceMap::default()) {
            Ok(_) => Vec::new(),
            Err(ds) => ds.into_iter().map(|d| d.message).collect(),
        }
    }

    #[test]
    fn a_workspace_that_cannot_be_read_whole_is_an_error() {
        let member = "[package]\nname = \"m\"\nversion = \"1.0.0\"\n\n[dependencies]\nx = { workspace = true }\n";
        // A broken manifest above the member: it may be the workspace root, so it is not skipped.
        let got = errors(
            &[("Cargo.toml", "[workspace\n"), ("m/Cargo.toml", member)],
            "m/Cargo.toml",
        );
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].contains("is not valid TOML"), "{got:?}");
        // A member named outright that is not there.
        let root = "[workspace]\nmembers = [\"m\", \"gone\"]\n";
        let got = errors(
            &[("Cargo.toml", root), ("m/Cargo.toml", member)],
            "m/Cargo.toml",
        );
        assert!(
            got.iter()
                .any(|m| m.contains("lists the member `gone`, which has no `Cargo.toml`")),
            "{got:?}"
        );
    }

    fn reasons(text: &str) -> Vec<(String, String, usize)> {
        let Ok(doc) = DeTable::parse(text) else {
            return Vec::new();
        };
        let line_of = |o: usize| text[..o].matches('\n').count() + 1;
        unpinned_in(doc.get_ref(), Path::new("Cargo.toml"), &line_of)
            .into_iter()
            .map(|u| (u.name, u.reason, u.line))
            .collect()
    }

    #[test]
    fn pins_and_near_misses() {
        let got = reasons(
            r#"[package]
name = "app"
version = "1.0.0"

[dependencies]
serde = "1.0"
any = "*"
minor = "1.*"
exact = "=1.2.3"
range = ">=1.2, <2"
pinned = { git = "https://example.com/a", rev = "0123abc" }
branch = { git = "https://example.com/b", branch = "main" }
bare = { git = "https://example.com/c" }
tagged = { git = "https://example.com/d", tag = "v1.0" }
local = { path = "../local" }
inherited = { workspace = true }
features_only = { features = ["x"] }

[target.'cfg(unix)'.dev-dependencies]
nix = "0.x"

[workspace.dependencies]
shared = { version = "1.*", default-features = false }
"#,
        );
        let names: Vec<&str> = got.iter().map(|(n, _, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "any",
                "minor",
                "branch",
                "bare",
                "tagged",
                "features_only",
                "nix",
                "shared"
            ],
            "{got:?}"
        );
        assert_eq!(got[0], ("any".into(), "wildcard version `*`".into(), 7));
        assert_eq!(got[2].1, "git dependency on branch `main` without `rev`");
        assert_eq!(got[3].1, "git dependency without `rev`");
        assert!(got[4].1.contains("tag `v1.0`"), "{got:?}");
    }
}
