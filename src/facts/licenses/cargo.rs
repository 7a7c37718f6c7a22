//! A Cargo workspace's resolved dependency graph, from `cargo metadata` (run here, or saved
//! earlier with `cargo metadata --format-version 1` for offline runs and tests).

use super::graph::{DepKind, Edge, Graph, Package, SourceKind};
use crate::diag::{Diagnostic, io_reason};
use crate::span::{SourceFile, SourceMap, Span};
use cargo_metadata::{CargoOpt, DependencyKind, Metadata, MetadataCommand};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Which platform's dependencies count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// The machine gate runs on.
    Host,
    /// Every platform: dependencies of any `cfg(...)` are included.
    All,
    /// One target triple.
    Triple(String),
}

impl Target {
    /// What the facts and the report say.
    pub fn describe(&self) -> String {
        match self {
            Target::Host => host_triple().unwrap_or_else(|| "the host".into()),
            Target::All => "all platforms".into(),
            Target::Triple(t) => t.clone(),
        }
    }
}

/// Which features are enabled.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Features {
    pub all: bool,
    pub no_default: bool,
    pub list: Vec<String>,
}

impl Features {
    pub fn describe(&self) -> String {
        if self.all {
            return "all features".into();
        }
        let mut out = if self.no_default {
            "no default features".to_string()
        } else {
            "default features".to_string()
        };
        if !self.list.is_empty() {
            out.push_str(" + ");
            out.push_str(&self.list.join(", "));
        }
        out
    }
}

/// How to read a workspace.
#[derive(Clone, Debug)]
pub struct Options {
    pub manifest: PathBuf,
    /// Where the plan names the manifest, for errors.
    pub at: Option<Span>,
    /// A saved `cargo metadata` document to read instead of running cargo.
    pub metadata: Option<PathBuf>,
    pub target: Target,
    pub features: Features,
    /// Never touch the network (`cargo metadata --offline`).
    pub offline: bool,
    /// Reuse the last `cargo metadata` result while `Cargo.lock` and the workspace's manifests
    /// are unchanged (`licenses::cache`).
    pub cache: bool,
}

/// The host's target triple, from what gate was built for (the usual triples; `None` for an
/// unusual one, when gate asks `rustc` instead).
pub fn host_triple() -> Option<String> {
    let arch = std::env::consts::ARCH;
    let triple = match (std::env::consts::OS, cfg!(target_env = "musl")) {
        ("linux", false) => format!("{arch}-unknown-linux-gnu"),
        ("linux", true) => format!("{arch}-unknown-linux-musl"),
        ("macos", _) => format!(
            "{}-apple-darwin",
            if arch == "aarch64" { "aarch64" } else { arch }
        ),
        ("windows", _) if cfg!(target_env = "gnu") => format!("{arch}-pc-windows-gnu"),
        ("windows", _) => format!("{arch}-pc-windows-msvc"),
        ("freebsd", _) => format!("{arch}-unknown-freebsd"),
        _ => return rustc_host(),
    };
    Some(triple)
}

fn rustc_host() -> Option<String> {
    let out = std::process::Command::new("rustc")
        .arg("-vV")
        .output()
        .ok()?;
    String::from_utf8(out.stdout)
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
}

/// Runs `cargo metadata` (or reads the saved document) and builds the graph.
pub fn read(opts: &Options, sources: &mut SourceMap) -> Result<Graph, Vec<Diagnostic>> {
    let metadata = match &opts.metadata {
        Some(path) => saved(path, opts, sources)?,
        None => run(opts, sources)?,
    };
    Ok(graph(&metadata))
}

fn saved(
    path: &Path,
    opts: &Options,
    sources: &mut SourceMap,
) -> Result<Metadata, Vec<Diagnostic>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        let mut d = Diagnostic::error(
            "licenses-input",
            format!(
                "cannot read the saved `cargo metadata` document `{}`: {}",
                path.display(),
                io_reason(&e)
            ),
        );
        if let Some(at) = opts.at {
            d = d.at(at, "named here");
        }
        vec![d]
    })?;
    let file = sources.add(SourceFile::new(path.display().to_string(), text.as_str()));
    let mut metadata = serde_json::from_str::<Metadata>(&text).map_err(|e| {
        let offset = sources
            .get(file)
            .map(|f| f.offset(e.line(), e.column()))
            .unwrap_or(0);
        vec![
            Diagnostic::error(
                "licenses-input",
                format!(
                    "`{}` is not the output of `cargo metadata --format-version 1`: {}",
                    path.display(),
                    strip_position(&e.to_string())
                ),
            )
            .at(Span::new(file, offset..offset + 1), "here")
            .help("save it with `cargo metadata --format-version 1 --locked > metadata.json`"),
        ]
    })?;
    rebase(&mut metadata, path);
    Ok(metadata)
}

/// A saved document holds absolute paths of the machine it was made on. When it sits in its
/// workspace's root and that root has moved (a fresh clone elsewhere), read its paths as
/// relative to where it is now, so license files are found.
fn rebase(m: &mut Metadata, saved_at: &Path) {
    let Some(here) = saved_at
        .parent()
        .map(|d| {
            if d.as_os_str().is_empty() {
                Path::new(".")
            } else {
                d
            }
        })
        .and_then(|d| d.canonicalize().ok())
    else {
        return;
    };
    let old = m.workspace_root.to_string();
    if Path::new(&old) == here || !here.join("Cargo.toml").is_file() {
        return;
    }
    let Some(new) = here.to_str() else { return };
    let moved =
        |p: &cargo_metadata::camino::Utf8PathBuf| -> Option<cargo_metadata::camino::Utf8PathBuf> {
            p.as_str()
                .strip_prefix(old.as_str())
                .map(|rest| format!("{new}{rest}").into())
        };
    for p in &mut m.packages {
        if let Some(n) = moved(&p.manifest_path) {
            p.manifest_path = n;
        }
    }
    m.workspace_root = new.into();
}

/// serde_json's messages end with " at line L column C", which the span already says.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

fn run(opts: &Options, sources: &mut SourceMap) -> Result<Metadata, Vec<Diagnostic>> {
    let mut cmd = MetadataCommand::new();
    cmd.manifest_path(&opts.manifest);
    let mut other = vec!["--locked".to_string()];
    if opts.offline {
        other.push("--offline".into());
    }
    match &opts.target {
        Target::All => {}
        Target::Host => {
            if let Some(t) = host_triple() {
                other.extend(["--filter-platform".into(), t]);
            }
        }
        Target::Triple(t) => other.extend(["--filter-platform".into(), t.clone()]),
    }
    // `--offline` changes how cargo may fetch, not what it resolves: not part of the key.
    let key = format!(
        "{} {:?} {:?}",
        other
            .iter()
            .filter(|o| *o != "--offline")
            .cloned()
            .collect::<Vec<_>>()
            .join(" "),
        opts.features,
        opts.target
    );
    cmd.other_options(other);
    if opts.features.all {
        cmd.features(CargoOpt::AllFeatures);
    }
    if opts.features.no_default {
        cmd.features(CargoOpt::NoDefaultFeatures);
    }
    if !opts.features.list.is_empty() {
        cmd.features(CargoOpt::SomeFeatures(opts.features.list.clone()));
    }
    let entry = opts
        .cache
        .then(|| super::cache::location(&opts.manifest, &key))
        .flatten();
    if let Some(m) = entry.as_deref().and_then(super::cache::load) {
        return Ok(m);
    }
    let m = cmd
        .exec()
        .map_err(|e| vec![cargo_error(e, opts, sources)])?;
    if let Some(at) = &entry {
        super::cache::store(at, &m);
    }
    Ok(m)
}

/// Turns cargo's complaint into a diagnostic, located in the manifest when cargo names a line.
fn cargo_error(e: cargo_metadata::Error, opts: &Options, sources: &mut SourceMap) -> Diagnostic {
    let manifest = opts.manifest.display().to_string();
    let stderr = match e {
        cargo_metadata::Error::CargoMetadata { stderr } => stderr,
        cargo_metadata::Error::Io(io) => {
            let mut d = Diagnostic::error(
                "licenses-cargo",
                format!("cannot run `cargo metadata`: {}", io_reason(&io)),
            )
            .help("gate reads a Cargo workspace through `cargo`; install the Rust toolchain, or give a saved document with `metadata = \"metadata.json\"`");
            if let Some(at) = opts.at {
                d = d.at(at, "the workspace");
            }
            return d;
        }
        other => other.to_string(),
    };
    let text = stderr
        .lines()
        .map(|l| l.trim_start_matches("error: ").trim_end())
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n  ");
    let mut d = Diagnostic::error(
        "licenses-cargo",
        format!("`cargo metadata` failed for `{manifest}`:\n  {text}"),
    );
    if stderr.contains("--locked") || stderr.contains("lock file") {
        d = d.help("the lock file does not resolve as it is: run `cargo update` (or `cargo generate-lockfile`) and commit `Cargo.lock`; gate checks exactly the locked graph");
    } else if stderr.contains("offline") || stderr.contains("network") {
        d = d.help("run `cargo fetch --locked` once where the registry is reachable, or give a saved document with `metadata = \"metadata.json\"`");
    }
    // "failed to parse manifest at `/x/Cargo.toml`" … "TOML parse error at line 3, column 5"
    if let Some(span) = located(&stderr, sources) {
        return d.at(span, "cargo stops here");
    }
    if let Some(at) = opts.at {
        d = d.at(at, "the workspace");
    }
    d
}

/// Where cargo says a manifest is wrong: ` --> path/Cargo.toml:2:12` (cargo 1.80 and later),
/// or "failed to parse manifest at `path`" with "parse error at line L, column C" (older).
fn located(stderr: &str, sources: &mut SourceMap) -> Option<Span> {
    let (path, line, column) = stderr
        .lines()
        .find_map(|l| {
            let at = l.trim_start().strip_prefix("--> ")?;
            let mut parts = at.rsplitn(3, ':');
            let column: usize = parts.next()?.trim().parse().ok()?;
            let line: usize = parts.next()?.parse().ok()?;
            Some((parts.next()?.to_string(), line, column))
        })
        .or_else(|| {
            let after = stderr.split("manifest at `").nth(1)?;
            let path = after.split('`').next()?;
            let pos = stderr.split("parse error at line ").nth(1)?;
            let mut nums = pos
                .split(|c: char| !c.is_ascii_digit())
                .filter(|s| !s.is_empty());
            let line: usize = nums.next()?.parse().ok()?;
            let column: usize = nums.next()?.parse().ok()?;
            Some((path.to_string(), line, column))
        })?;
    let text = std::fs::read_to_string(&path).ok()?;
    let file = sources.add(SourceFile::new(path, text.as_str()));
    let offset = sources.get(file)?.offset(line, column);
    Some(Span::new(file, offset..offset + 1))
}

/// The resolved graph: every package the resolver kept, members as roots.
pub fn graph(m: &Metadata) -> Graph {
    let by_id: HashMap<&str, &cargo_metadata::Package> =
        m.packages.iter().map(|p| (p.id.repr.as_str(), p)).collect();
    let Some(resolve) = &m.resolve else {
        // `--no-deps`: the members alone.
        let packages: Vec<Package> = m
            .packages
            .iter()
            .filter(|p| m.workspace_members.contains(&p.id))
            .map(package)
            .collect();
        let roots = (0..packages.len()).collect();
        return Graph {
            packages,
            roots,
            edges: Vec::new(),
        };
    };
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut packages = Vec::with_capacity(resolve.nodes.len());
    for node in &resolve.nodes {
        if let Some(p) = by_id.get(node.id.repr.as_str()) {
            index.insert(node.id.repr.as_str(), packages.len());
            packages.push(package(p));
        }
    }
    let mut edges = Vec::new();
    for node in &resolve.nodes {
        let Some(&from) = index.get(node.id.repr.as_str()) else {
            continue;
        };
        for dep in &node.deps {
            let Some(&to) = index.get(dep.pkg.repr.as_str()) else {
                continue;
            };
            let mut kinds: Vec<DepKind> = dep
                .dep_kinds
                .iter()
                .filter_map(|k| match k.kind {
                    DependencyKind::Normal => Some(DepKind::Normal),
                    DependencyKind::Build => Some(DepKind::Build),
                    DependencyKind::Development => Some(DepKind::Dev),
                    _ => None,
                })
                .collect();
            // Cargo before 1.41 gave no kinds: every edge was normal.
            if dep.dep_kinds.is_empty() {
                kinds.push(DepKind::Normal);
            }
            kinds.sort();
            kinds.dedup();
            edges.extend(kinds.into_iter().map(|kind| Edge { from, to, kind }));
        }
    }
    let roots = m
        .workspace_members
        .iter()
        .filter_map(|id| index.get(id.repr.as_str()).copied())
        .collect();
    Graph {
        packages,
        roots,
        edges,
    }
}

fn package(p: &cargo_metadata::Package) -> Package {
    let source = match &p.source {
        None => SourceKind::Path,
        Some(s) if s.repr.starts_with("git+") => SourceKind::Git,
        Some(_) => SourceKind::Registry,
    };
    let name = p.name.to_string();
    let purl = match &p.source {
        Some(s) if s.is_crates_io() => Some(format!("pkg:cargo/{name}@{}", p.version)),
        Some(s) if s.repr.starts_with("git+") => Some(format!(
            "pkg:cargo/{name}@{}?vcs_url={}",
            p.version,
            purl_escape(&s.repr)
        )),
        Some(s) => Some(format!(
            "pkg:cargo/{name}@{}?repository_url={}",
            p.version,
            purl_escape(
                s.repr
                    .trim_start_matches("registry+")
                    .trim_start_matches("sparse+")
            )
        )),
        None => None,
    };
    Package {
        id: p.id.repr.clone(),
        name,
        version: p.version.to_string(),
        declared: p.license.clone(),
        license_file: p.license_file().map(|f| f.into_std_path_buf()),
        source,
        purl,
        manifest: Some(p.manifest_path.clone().into_std_path_buf()),
        pointer: None,
        stated_kind: None,
    }
}

/// Percent-encodes what a purl qualifier value may not hold.
fn purl_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' | b':' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
