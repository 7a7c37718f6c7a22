//! The `licenses` producer: the SPDX license graph of everything a release ships, from a Cargo
//! workspace (`cargo metadata`) or an SPDX 2.3 / CycloneDX 1.5+ SBOM. Every input is read into
//! one [`graph::Graph`]; then each package's license is concluded — a clarification legal
//! wrote, else the declared expression (strict SPDX, else a recorded lax reading), else the
//! text of its license file — and every license id gets its category from legal's table.

pub mod cache;
pub mod cargo;
pub mod categories;
pub mod clarify;
pub mod detect;
pub mod graph;
pub mod sbom;

use super::{Namespace, Origin, json, shown};
use crate::diag::{Diagnostic, io_reason};
use crate::license::License;
use crate::span::{SourceFile, SourceMap, Span};
use categories::Table;
use graph::{Graph, Package, Reach};
use serde_json::{Value as J, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where the graph comes from.
#[derive(Clone, Debug)]
pub enum Input {
    Cargo(cargo::Options),
    Sbom { path: PathBuf, at: Option<Span> },
}

/// The validated `[licenses]` configuration: from the plan, or the command line.
#[derive(Clone, Debug)]
pub struct Config {
    pub input: Input,
    /// Legal's license table, over gate's default one.
    pub categories: Option<(PathBuf, Option<Span>)>,
    /// Legal's clarifications.
    pub clarifications: Option<(PathBuf, Option<Span>)>,
    /// Least score (0..1) at which a license file's text counts as a license.
    pub threshold: f32,
}

/// Default for [`Config::threshold`], the same as cargo-deny's `confidence-threshold`.
pub const DEFAULT_THRESHOLD: f32 = 0.9;

/// Runs the producer: the `licenses` namespace and its warnings, or the errors that stopped it.
/// A package whose declared license is not SPDX even read loosely is an error (fail closed) —
/// the namespace is still built, with that license left as written so any rule reading it
/// fails too.
pub fn produce(
    config: &Config,
    sources: &mut SourceMap,
) -> Result<(Namespace, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let mut table = Table::builtin();
    if let Some((path, at)) = &config.categories {
        let (text, file) =
            read_input(path, *at, "the license table", sources).map_err(|d| vec![d])?;
        table.overlay(Table::parse(&text, file)?);
    }
    let clarifications = match &config.clarifications {
        Some((path, at)) => {
            let (text, file) =
                read_input(path, *at, "the clarifications", sources).map_err(|d| vec![d])?;
            clarify::parse(&text, file)?
        }
        None => Vec::new(),
    };
    let what = match &config.input {
        Input::Cargo(o) => match &o.metadata {
            Some(m) => format!("the licenses producer, from `{}`", m.display()),
            None => format!(
                "the licenses producer, from `cargo metadata` of `{}`",
                o.manifest.display()
            ),
        },
        Input::Sbom { path, .. } => format!("the licenses producer, from `{}`", path.display()),
    };
    let (graph, scope, from_sbom) = match &config.input {
        Input::Cargo(opts) => {
            let graph = cargo::read(opts, sources)?;
            let scope = json!({
                "input": "cargo",
                "file": opts.manifest.display().to_string(),
                "target": opts.target.describe(),
                "features": opts.features.describe(),
            });
            (graph, scope, None)
        }
        Input::Sbom { path, at } => {
            let (text, file) = read_input(path, *at, "the SBOM", sources).map_err(|d| vec![d])?;
            let sbom = sbom::read(&text, file)?;
            let mut graph = sbom.graph;
            for p in &mut graph.packages {
                p.manifest = Some(path.clone());
            }
            let scope = json!({
                "input": match sbom.format { sbom::Format::Spdx => "spdx", sbom::Format::CycloneDx => "cyclonedx" },
                "file": path.display().to_string(),
                "target": "as the SBOM lists it",
                "features": "as the SBOM lists it",
            });
            (graph, scope, Some((file, sbom.spec)))
        }
    };
    let reaches = graph::reach(&graph);
    // An SBOM may list packages its roots never reach (a whole virtualenv, say): they are not
    // part of the release, but a reviewer is told which were left out rather than left guessing.
    if let Some((file, _)) = &from_sbom {
        let unreached: Vec<String> = graph
            .packages
            .iter()
            .zip(&reaches)
            .filter(|(_, r)| r.is_none())
            .map(|(p, _)| format!("{} {}", p.name, p.version))
            .collect();
        if !unreached.is_empty() {
            let shown_names = unreached
                .iter()
                .take(10)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            let more = unreached.len().saturating_sub(10);
            diags.push(
                Diagnostic::warning(
                    "sbom-unreached",
                    format!(
                        "{} package{} of the SBOM {} reached from its root and {} left out of the license facts: {shown_names}{}",
                        unreached.len(),
                        if unreached.len() == 1 { "" } else { "s" },
                        if unreached.len() == 1 { "is not" } else { "are not" },
                        if unreached.len() == 1 { "is" } else { "are" },
                        if more > 0 { format!(" and {more} more") } else { String::new() }
                    ),
                )
                .at(Span::new(*file, 0..1), "this SBOM")
                .help("if they ship, the SBOM lacks the relationships that say so: regenerate it with dependencies"),
            );
        }
    }
    let mut used = vec![false; clarifications.len()];
    let mut rows: Vec<(String, String, J)> = Vec::new();
    for (i, (pkg, reach)) in graph.packages.iter().zip(&reaches).enumerate() {
        let Some(reach) = reach else { continue };
        let c = conclude(
            pkg,
            from_sbom.as_ref().map(|(f, _)| *f),
            &clarifications,
            &mut used,
            config.threshold,
            sources,
            &mut diags,
        );
        rows.push((
            pkg.name.clone(),
            pkg.version.clone(),
            package_json(&graph, i, reach, &c, &table),
        ));
    }
    for (c, used) in clarifications.iter().zip(&used) {
        if !used {
            diags.push(
                Diagnostic::warning(
                    "clarification-unused",
                    format!("the clarification of `{}` matches no package", c.name),
                )
                .at(c.span, "matches nothing")
                .help("remove it, or check the package name and version requirement"),
            );
        }
    }
    rows.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    let packages: Vec<J> = rows.into_iter().map(|r| r.2).collect();
    let inputs: Vec<(String, String)> = packages
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            p["manifest"]
                .as_str()
                .map(|m| (format!("/packages/{i}"), m.to_string()))
        })
        .collect();
    let summary = summary(&packages);
    let mut scope = scope;
    if let J::Object(m) = &mut scope {
        m.insert(
            "license_list".into(),
            J::String(spdx::identifiers::VERSION.into()),
        );
        m.insert("gate".into(), J::String(env!("CARGO_PKG_VERSION").into()));
        if let Some((_, spec)) = &from_sbom {
            m.insert("spec".into(), J::String(spec.clone()));
        }
    }
    let doc = json!({ "packages": packages, "summary": summary, "scope": scope });
    let value = typed(&doc)?;
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

/// The producer's document typed against gate's schema (a mismatch is a bug in gate).
fn typed(doc: &J) -> Result<crate::value::Value, Vec<Diagnostic>> {
    json::produced("licenses", doc)
}

fn read_input(
    path: &Path,
    at: Option<Span>,
    what: &str,
    sources: &mut SourceMap,
) -> Result<(String, crate::span::FileId), Diagnostic> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let file = sources.add(SourceFile::new(path.display().to_string(), text.as_str()));
            Ok((text, file))
        }
        Err(e) => {
            let mut d = Diagnostic::error(
                "licenses-input",
                format!("cannot read {what} `{}`: {}", path.display(), io_reason(&e)),
            );
            if let Some(at) = at {
                d = d.at(at, "named here");
            }
            Err(d)
        }
    }
}

/// How one package's license was concluded.
#[derive(Debug, Default)]
struct Concluded {
    /// The canonical expression, or the declared text when it is not SPDX at all.
    license: Option<String>,
    ids: Vec<String>,
    source: &'static str,
    notes: Vec<String>,
    score: Option<f32>,
    license_file: Option<String>,
    clarification: Option<String>,
}

fn conclude(
    pkg: &Package,
    sbom: Option<crate::span::FileId>,
    clarifications: &[clarify::Clarification],
    used: &mut [bool],
    threshold: f32,
    sources: &mut SourceMap,
    diags: &mut Vec<Diagnostic>,
) -> Concluded {
    let mut out = Concluded {
        source: "none",
        ..Concluded::default()
    };
    let dir = pkg
        .manifest
        .as_deref()
        .and_then(Path::parent)
        .filter(|_| sbom.is_none());
    match clarify::apply(clarifications, &pkg.name, &pkg.version, dir) {
        clarify::Outcome::Applies(c) => {
            if let Some(u) = clarifications.iter().position(|x| std::ptr::eq(x, c)) {
                used[u] = true;
            }
            out.license = Some(c.license.canonical().to_string());
            out.ids = c.license.ids();
            out.source = "clarified";
            out.clarification = Some(c.reason.clone());
            out.notes.push(format!(
                "clarified as `{}`: {}",
                c.license.canonical(),
                c.reason
            ));
            return out;
        }
        clarify::Outcome::Lapsed(c, why) => {
            if let Some(u) = clarifications.iter().position(|x| std::ptr::eq(x, c)) {
                used[u] = true;
            }
            diags.push(
                Diagnostic::warning(
                    "clarification-lapsed",
                    format!(
                        "the clarification of `{} {}` lapsed: {why}",
                        pkg.name, pkg.version
                    ),
                )
                .at(c.span, "this clarification no longer applies")
                .help("legal must review the package's license again, then update the sha256"),
            );
            out.notes
                .push(format!("a clarification lapsed ({why}); read as declared"));
        }
        clarify::Outcome::None => {}
    }
    let declared_source = if sbom.is_some() { "sbom" } else { "manifest" };
    if let Some(text) = &pkg.declared {
        out.source = declared_source;
        match License::parse_lax(text) {
            Ok(l) => {
                out.license = Some(l.canonical().to_string());
                out.ids = l.ids();
                out.notes.extend(l.notes().iter().cloned());
            }
            Err(e) => {
                out.license = Some(text.clone());
                let mut d = Diagnostic::error(
                    "license-not-spdx",
                    format!(
                        "`{} {}` declares the license `{text}`, which is not an SPDX expression: {}",
                        pkg.name, pkg.version, e.message
                    ),
                )
                .help("add a clarification for it (`[licenses] clarifications = \"…\"` in the plan) stating its license, with the reason");
                if let Some(span) = declared_span(pkg, sbom, sources) {
                    d = d.at(span, "declared here");
                }
                diags.push(d);
            }
        }
        return out;
    }
    if let Some(file) = &pkg.license_file {
        out.source = "license-file";
        out.license_file = Some(shown(file));
        match std::fs::read_to_string(file) {
            Err(e) => out.notes.push(format!(
                "the license file `{}` cannot be read: {}",
                shown(file),
                io_reason(&e)
            )),
            Ok(text) => {
                let found = detect::identify_all(&text, threshold);
                if found.is_empty() {
                    let best = detect::identify(&text)
                        .map(|d| format!("closest: `{}` at {:.0}%", d.id, d.score * 100.0))
                        .unwrap_or_else(|| "no license is close".into());
                    out.notes.push(format!(
                        "the text of `{}` matches no SPDX license above {:.0}% ({best})",
                        file_name(file),
                        threshold * 100.0
                    ));
                } else {
                    let expression = found
                        .iter()
                        .map(|d| d.id.as_str())
                        .collect::<Vec<_>>()
                        .join(" AND ");
                    match License::parse(&expression) {
                        Ok(l) => {
                            out.license = Some(l.canonical().to_string());
                            out.ids = l.ids();
                        }
                        Err(_) => out.license = Some(expression.clone()),
                    }
                    out.score = found.iter().map(|d| d.score).reduce(f32::min);
                    for d in &found {
                        out.notes.push(format!(
                            "`{}` identified from `{}` at {:.1}%",
                            d.id,
                            file_name(file),
                            d.score * 100.0
                        ));
                    }
                }
            }
        }
    }
    out
}

/// The file's name alone (`LICENSE`), for notes.
fn file_name(p: &Path) -> String {
    p.file_name().map_or_else(
        || p.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Where a package declares its license: the `license` key of its Cargo.toml, or its entry in
/// the SBOM. Read only when there is an error to show.
fn declared_span(
    pkg: &Package,
    sbom: Option<crate::span::FileId>,
    sources: &mut SourceMap,
) -> Option<Span> {
    if let Some(file) = sbom {
        let f = sources.get(file)?;
        let pointer = pkg.pointer.as_deref()?;
        let at = super::pointer::locate(&f.text, pointer)?;
        return Some(Span::new(file, at..at + 1));
    }
    let manifest = pkg.manifest.as_deref()?;
    let text = std::fs::read_to_string(manifest).ok()?;
    let mut offset = 0;
    let mut found = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("license")
            && rest.trim_start().starts_with('=')
        {
            let start = offset + (line.len() - trimmed.len());
            found = Some(start..start + trimmed.trim_end().len());
            break;
        }
        offset += line.len();
    }
    let range = found?;
    let file = sources.add(SourceFile::new(
        manifest.display().to_string(),
        text.as_str(),
    ));
    Some(Span::new(file, range))
}

fn package_json(g: &Graph, i: usize, reach: &Reach, c: &Concluded, table: &Table) -> J {
    let pkg = &g.packages[i];
    let path = reach
        .path
        .iter()
        .filter_map(|p| g.packages.get(*p).map(|p| p.name.as_str()))
        .collect::<Vec<_>>()
        .join(" -> ");
    let ids: Vec<J> = c
        .ids
        .iter()
        .map(|id| {
            let info = categories::info(id);
            json!({
                "id": id,
                "name": info.name,
                "osi_approved": info.osi_approved,
                "fsf_libre": info.fsf_libre,
                "category": table.category(id).name(),
            })
        })
        .collect();
    json!({
        "name": pkg.name,
        "version": pkg.version,
        "license": c.license,
        "license_ids": ids,
        "license_source": c.source,
        "kind": reach.kind.name(),
        "workspace": reach.root,
        "direct": reach.direct,
        "path": path,
        "source": pkg.source.name(),
        "purl": pkg.purl,
        "declared": pkg.declared,
        "license_notes": c.notes,
        "license_score": c.score.and_then(|s| serde_json::from_str::<J>(&format!("{s:.3}")).ok()),
        "license_file": c.license_file,
        "clarification": c.clarification,
        "manifest": pkg.manifest.as_deref().map(shown),
    })
}

/// One entry per license id: its category and how many packages carry it, most used first.
fn summary(packages: &[J]) -> Vec<J> {
    let mut count: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for p in packages {
        let Some(ids) = p["license_ids"].as_array() else {
            continue;
        };
        for id in ids {
            let (Some(name), Some(category)) = (id["id"].as_str(), id["category"].as_str()) else {
                continue;
            };
            let e = count
                .entry(name.to_string())
                .or_insert_with(|| (category.to_string(), 0));
            e.1 += 1;
        }
    }
    let mut rows: Vec<(String, String, usize)> =
        count.into_iter().map(|(id, (c, n))| (id, c, n)).collect();
    rows.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    rows.into_iter()
        .map(|(id, category, n)| json!({ "id": id, "category": category, "packages": n }))
        .collect()
}
