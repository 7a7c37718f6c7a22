//! The plan file (`gate.toml`): which producers run on which inputs, and the steps of the staging
//! sequence. Each section is read by its own module; every problem of the whole plan is reported
//! at once, located, with "did you mean" for unknown keys.

pub mod approvals;
pub mod artifact;
pub mod build;
pub mod config;
pub mod data;
pub mod licenses;
pub mod monitoring;
mod read;
pub mod release;
pub mod results;
pub mod run;
pub mod source;
pub mod stages;
pub mod steps;

use crate::diag::Diagnostic;
use crate::span::{FileId, SourceFile, SourceMap, Span};
use std::path::{Path, PathBuf};
use toml::de::DeTable;

/// A validated plan. Paths are resolved relative to the plan file.
#[derive(Clone, Debug)]
pub struct Plan {
    pub file: FileId,
    pub policy: Option<(PathBuf, Span)>,
    pub timezone: Option<(String, Span)>,
    /// `[facts]`: `NAME = "path.json"` mounts a JSON document, like `--facts NAME=PATH`.
    pub facts: Vec<(String, PathBuf, Span)>,
    /// `[licenses]`: the license graph of a Cargo workspace or an SBOM.
    pub licenses: Option<crate::facts::licenses::Config>,
    /// `[source]`: regulated data in Rust source.
    pub source: Option<crate::facts::source::Config>,
    /// `[load]`: load-test results.
    pub load: Option<crate::facts::load::Config>,
    /// `[security]`: security scan results.
    pub security: Option<crate::facts::security::Config>,
    /// `[tests]`: JUnit results, by kind of suite.
    pub tests: Option<crate::facts::junit::Config>,
    /// `[config]`.
    pub config: Option<crate::facts::config::Config>,
    /// `[data]`.
    pub data: Option<crate::facts::data::Config>,
    /// `[monitoring]`.
    pub monitoring: Option<crate::facts::monitoring::Config>,
    /// `[release]`.
    pub release: Option<crate::facts::release::Config>,
    /// `[approvals]`.
    pub approvals: Option<crate::facts::approvals::Config>,
    /// `[build]`.
    pub build: Option<crate::facts::build::Config>,
    /// `[artifact]`.
    pub artifact: Option<crate::facts::artifact::Config>,
    /// `[[step]]`: the staging sequence `gate run` runs, in order.
    pub steps: Vec<steps::Step>,
    /// `[stage.NAME]`: the rules that only warn in a stage (audit mode, `--stage NAME`).
    pub stages: Vec<stages::Stage>,
}

const KEYS: &[&str] = &["policy", "timezone", "facts"];

/// The plan's sections besides the producers' (`steps::PRODUCERS`).
const SECTIONS: &[&str] = &["step", "stage"];

impl Plan {
    /// The files the plan names as the producer `name`'s inputs (globs left out: they are
    /// checked when expanded), each with where the plan names it.
    pub fn inputs(&self, name: &str) -> Vec<(PathBuf, Option<Span>)> {
        let named = |list: &[crate::facts::results::Named]| -> Vec<(PathBuf, Option<Span>)> {
            list.iter().map(|n| (n.path.clone(), n.at)).collect()
        };
        let mut out: Vec<(PathBuf, Option<Span>)> = match name {
            "config" => self
                .config
                .iter()
                .flat_map(|c| {
                    [
                        (c.staging.path.clone(), c.staging.at),
                        (c.production.path.clone(), c.production.at),
                    ]
                })
                .collect(),
            "data" => self.data.iter().flat_map(|c| named(&c.paths)).collect(),
            "tests" => self
                .tests
                .iter()
                .flat_map(|c| c.suites.iter().map(|(_, n)| (n.path.clone(), n.at)))
                .collect(),
            "load" => self
                .load
                .iter()
                .flat_map(|c| c.sources.iter().map(|s| (s.input.path.clone(), s.input.at)))
                .collect(),
            "security" => self
                .security
                .iter()
                .flat_map(|c| {
                    [&c.sarif, &c.zap, &c.cargo_audit, &c.npm_audit, &c.trivy]
                        .into_iter()
                        .flat_map(|l| named(l))
                })
                .collect(),
            "approvals" => self
                .approvals
                .iter()
                .filter_map(|c| c.file.as_ref().map(|(p, s)| (p.clone(), Some(*s))))
                .collect(),
            "release" => self
                .release
                .iter()
                .flat_map(|c| [c.changelog.clone(), c.manifest.clone()])
                .flatten()
                .map(|(p, s)| (p, Some(s)))
                .collect(),
            "artifact" => self
                .artifact
                .iter()
                .filter_map(|c| c.path.as_ref().map(|(p, s)| (p.clone(), Some(*s))))
                .collect(),
            _ => Vec::new(),
        };
        out.retain(|(p, _)| !p.to_string_lossy().contains(['*', '?', '[']));
        out
    }

    /// Does the plan configure the producer of namespace `name`?
    pub fn configures(&self, name: &str) -> bool {
        match name {
            "licenses" => self.licenses.is_some(),
            "source" => self.source.is_some(),
            "load" => self.load.is_some(),
            "security" => self.security.is_some(),
            "tests" => self.tests.is_some(),
            "config" => self.config.is_some(),
            "data" => self.data.is_some(),
            "monitoring" => self.monitoring.is_some(),
            "release" => self.release.is_some(),
            "approvals" => self.approvals.is_some(),
            "build" => self.build.is_some(),
            "artifact" => self.artifact.is_some(),
            _ => false,
        }
    }
}

pub fn load(path: &Path, sources: &mut SourceMap) -> Result<Plan, Vec<Diagnostic>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        vec![Diagnostic::error(
            "plan-unreadable",
            format!(
                "cannot read the plan `{}`: {}",
                path.display(),
                crate::diag::io_reason(&e)
            ),
        )]
    })?;
    let file = sources.add(SourceFile::new(path.display().to_string(), text.as_str()));
    let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
    let join = |rel: &str| crate::policy::load::normalize(&dir.join(rel));
    let span = |r: std::ops::Range<usize>| Span::new(file, r);
    let table = match DeTable::parse(&text) {
        Ok(t) => t,
        Err(e) => {
            let at = e.span().unwrap_or(0..1);
            return Err(vec![
                Diagnostic::error(
                    "plan-syntax",
                    format!(
                        "the plan `{}` is not valid TOML: {}",
                        path.display(),
                        e.message().trim()
                    ),
                )
                .at(span(at), "here"),
            ]);
        }
    };
    let mut plan = Plan {
        file,
        policy: None,
        timezone: None,
        facts: Vec::new(),
        licenses: None,
        source: None,
        load: None,
        security: None,
        tests: None,
        config: None,
        data: None,
        monitoring: None,
        release: None,
        approvals: None,
        build: None,
        artifact: None,
        steps: Vec::new(),
        stages: Vec::new(),
    };
    let mut diags = Vec::new();
    for (key, value) in table.get_ref() {
        let k = key.get_ref().as_ref();
        let kspan = span(key.span());
        let vspan = span(value.span());
        match k {
            "policy" => {
                if let Some(s) = read::text(value.get_ref(), k, vspan, &mut diags) {
                    plan.policy = Some((join(s), vspan));
                }
            }
            "timezone" => {
                if let Some(s) = read::text(value.get_ref(), k, vspan, &mut diags) {
                    plan.timezone = Some((s.to_string(), vspan));
                }
            }
            "facts" => match value.get_ref().as_table() {
                Some(t) => {
                    for (name, p) in t {
                        let at = span(p.span());
                        if let Some(s) = read::text(p.get_ref(), name.get_ref(), at, &mut diags) {
                            plan.facts.push((name.get_ref().to_string(), join(s), at));
                        }
                    }
                }
                None => diags.push(
                    Diagnostic::error(
                        "plan-type",
                        "`facts` must be a table of `NAME = \"path.json\"`",
                    )
                    .at(vspan, "here"),
                ),
            },
            "licenses" => {
                plan.licenses = licenses::section(value.get_ref(), kspan, &join, &span, &mut diags);
            }
            "source" => {
                plan.source = source::section(value.get_ref(), kspan, &join, &span, &mut diags);
            }
            "load" => {
                plan.load = results::load_section(value.get_ref(), kspan, &join, &span, &mut diags);
            }
            "security" => {
                plan.security =
                    results::security_section(value.get_ref(), kspan, &join, &span, &mut diags);
            }
            "tests" => {
                plan.tests =
                    results::tests_section(value.get_ref(), kspan, &join, &span, &mut diags);
            }
            "config" => {
                plan.config = config::section(value.get_ref(), kspan, &join, &span, &mut diags);
            }
            "data" => {
                plan.data = data::section(value.get_ref(), kspan, &join, &span, &mut diags);
            }
            "release" => {
                plan.release = release::section(value.get_ref(), kspan, &join, &span, &mut diags);
            }
            "approvals" => {
                plan.approvals =
                    approvals::section(value.get_ref(), kspan, &join, &span, &mut diags);
            }
            "build" => {
                plan.build = build::section(value.get_ref(), kspan, &join, &span, &mut diags);
            }
            "artifact" => {
                plan.artifact = artifact::section(value.get_ref(), kspan, &join, &span, &mut diags);
            }
            "monitoring" => {
                plan.monitoring =
                    monitoring::section(value.get_ref(), kspan, &join, &span, &mut diags);
            }
            "step" => {
                plan.steps = steps::section(value.get_ref(), kspan, &join, &span, &mut diags);
            }
            "stage" => {
                plan.stages = stages::section(value.get_ref(), kspan, &span, &mut diags);
            }
            _ => {
                let mut all: Vec<&str> = KEYS.to_vec();
                all.extend(steps::PRODUCERS);
                all.extend(SECTIONS);
                let help = read::suggest(k, &all, "plan's keys");
                diags.push(
                    Diagnostic::error("plan-unknown-key", format!("unknown plan key `{k}`"))
                        .at(kspan, "unknown")
                        .help(help),
                );
            }
        }
    }
    // The sign-offs compare with this release's version and artifact, from their own sections.
    if let Some(a) = plan.approvals.as_mut() {
        a.release = plan.release.clone();
        a.artifact = plan.artifact.clone();
    }
    if diags.is_empty() {
        Ok(plan)
    } else {
        Err(diags)
    }
}
