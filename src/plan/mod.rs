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
pub mod producer;
mod read;
pub mod release;
pub mod results;
pub mod run;
pub mod source;
pub mod stages;
pub mod steps;

use crate::diag::Diagnostic;
use crate::span::{FileId, SourceFile, SourceMap, Span};
use producer::Producer;
use std::path::{Path, PathBuf};
use toml::de::{DeTable, DeValue};

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

/// The plan's sections besides the producers' ([`Producer`]).
const SECTIONS: &[&str] = &["step", "stage"];

impl Plan {
    /// The files the plan names as producer `p`'s inputs (globs left out: they are checked
    /// when expanded), each with where the plan names it.
    pub fn inputs(&self, p: Producer) -> Vec<(PathBuf, Option<Span>)> {
        let named = |list: &[crate::facts::results::Named]| -> Vec<(PathBuf, Option<Span>)> {
            list.iter().map(|n| (n.path.clone(), n.at)).collect()
        };
        let mut out: Vec<(PathBuf, Option<Span>)> = match p {
            Producer::Config => self
                .config
                .iter()
                .flat_map(|c| {
                    [
                        (c.staging.path.clone(), c.staging.at),
                        (c.production.path.clone(), c.production.at),
                    ]
                })
                .collect(),
            Producer::Data => self.data.iter().flat_map(|c| named(&c.paths)).collect(),
            Producer::Tests => self
                .tests
                .iter()
                .flat_map(|c| c.suites.iter().map(|(_, n)| (n.path.clone(), n.at)))
                .collect(),
            Producer::Load => self
                .load
                .iter()
                .flat_map(|c| c.sources.iter().map(|s| (s.input.path.clone(), s.input.at)))
                .collect(),
            Producer::Security => self
                .security
                .iter()
                .flat_map(|c| {
                    [&c.sarif, &c.zap, &c.cargo_audit, &c.npm_audit, &c.trivy]
                        .into_iter()
                        .flat_map(|l| named(l))
                })
                .collect(),
            Producer::Approvals => self
                .approvals
                .iter()
                .filter_map(|c| c.file.as_ref().map(|(p, s)| (p.clone(), Some(*s))))
                .collect(),
            Producer::Release => self
                .release
                .iter()
                .flat_map(|c| [c.changelog.clone(), c.manifest.clone()])
                .flatten()
                .map(|(p, s)| (p, Some(s)))
                .collect(),
            Producer::Artifact => self
                .artifact
                .iter()
                .filter_map(|c| c.path.as_ref().map(|(p, s)| (p.clone(), Some(*s))))
                .collect(),
            Producer::Licenses | Producer::Source | Producer::Monitoring | Producer::Build => {
                Vec::new()
            }
        };
        out.retain(|(p, _)| !p.to_string_lossy().contains(['*', '?', '[']));
        out
    }

    /// Does the plan configure producer `p`?
    pub fn configures(&self, p: Producer) -> bool {
        match p {
            Producer::Licenses => self.licenses.is_some(),
            Producer::Source => self.source.is_some(),
            Producer::Load => self.load.is_some(),
            Producer::Security => self.security.is_some(),
            Producer::Tests => self.tests.is_some(),
            Producer::Config => self.config.is_some(),
            Producer::Data => self.data.is_some(),
            Producer::Monitoring => self.monitoring.is_some(),
            Producer::Release => self.release.is_some(),
            Producer::Approvals => self.approvals.is_some(),
            Producer::Build => self.build.is_some(),
            Producer::Artifact => self.artifact.is_some(),
        }
    }

    /// Reads producer `p`'s section, `[NAME]` at `at`, into the plan.
    fn read_section(
        &mut self,
        p: Producer,
        value: &DeValue,
        at: Span,
        join: read::Join,
        span: read::SpanOf,
        diags: &mut Vec<Diagnostic>,
    ) {
        match p {
            Producer::Licenses => self.licenses = licenses::section(value, at, join, span, diags),
            Producer::Source => self.source = source::section(value, at, join, span, diags),
            Producer::Load => self.load = results::load_section(value, at, join, span, diags),
            Producer::Security => {
                self.security = results::security_section(value, at, join, span, diags);
            }
            Producer::Tests => self.tests = results::tests_section(value, at, join, span, diags),
            Producer::Config => self.config = config::section(value, at, join, span, diags),
            Producer::Data => self.data = data::section(value, at, join, span, diags),
            Producer::Monitoring => {
                self.monitoring = monitoring::section(value, at, join, span, diags);
            }
            Producer::Release => self.release = release::section(value, at, join, span, diags),
            Producer::Approvals => {
                self.approvals = approvals::section(value, at, join, span, diags);
            }
            Producer::Build => self.build = build::section(value, at, join, span, diags),
            Producer::Artifact => self.artifact = artifact::section(value, at, join, span, diags),
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
            "step" => {
                plan.steps = steps::section(value.get_ref(), kspan, &join, &span, &mut diags);
            }
            "stage" => {
                plan.stages = stages::section(value.get_ref(), kspan, &span, &mut diags);
            }
            _ => match Producer::parse(k) {
                Some(p) => plan.read_section(p, value.get_ref(), kspan, &join, &span, &mut diags),
                None => {
                    let mut all: Vec<&str> = KEYS.to_vec();
                    all.extend(Producer::NAMES);
                    all.extend(SECTIONS);
                    let help = read::suggest(k, &all, "plan's keys");
                    diags.push(
                        Diagnostic::error("plan-unknown-key", format!("unknown plan key `{k}`"))
                            .at(kspan, "unknown")
                            .help(help),
                    );
                }
            },
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
