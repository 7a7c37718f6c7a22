//! The results producers' configurations: the plan's `[load]`, `[security]` and `[tests]`, with
//! the command line's files replacing the plan's for the same namespace.

use super::args::ResultArgs;
use gate::diag::Diagnostic;
use gate::facts::load::{self, Tool};
use gate::facts::results::Named;
use gate::facts::{junit, security};
use gate::plan::Plan;
use std::path::Path;

pub struct Configs {
    pub load: Option<load::Config>,
    pub security: Option<security::Config>,
    pub tests: Option<junit::Config>,
}

fn named(path: &Path) -> Named {
    Named {
        path: path.to_path_buf(),
        at: None,
    }
}

pub fn configs(args: &ResultArgs, plan: Option<&Plan>, errors: &mut Vec<Diagnostic>) -> Configs {
    let mut load = plan.and_then(|p| p.load.clone());
    if !args.load.is_empty() {
        let mut sources = Vec::new();
        for spec in &args.load {
            match source(spec) {
                Ok(s) => sources.push(s),
                Err(d) => errors.push(d),
            }
        }
        let mut config = load.unwrap_or_default();
        config.sources = sources;
        // A flag that was wrong is already an error; there is nothing left to read.
        load = (!config.sources.is_empty()).then_some(config);
    }

    let mut security = plan.and_then(|p| p.security.clone());
    let flags = security::Config {
        sarif: args.sarif.iter().map(|p| named(p)).collect(),
        zap: args.zap.iter().map(|p| named(p)).collect(),
        cargo_audit: args.cargo_audit.iter().map(|p| named(p)).collect(),
        npm_audit: args.npm_audit.iter().map(|p| named(p)).collect(),
        trivy: args.trivy.iter().map(|p| named(p)).collect(),
    };
    if !flags.is_empty() {
        security = Some(flags);
    }

    let mut tests = plan.and_then(|p| p.tests.clone());
    if !args.junit.is_empty() {
        let mut suites = Vec::new();
        for spec in &args.junit {
            match spec.split_once('=') {
                Some((kind, glob)) if !glob.is_empty() => {
                    match gate::plan::results::check_kind(kind) {
                        Ok(()) => suites.push((kind.to_string(), named(Path::new(glob)))),
                        Err(m) => errors
                            .push(Diagnostic::error("usage", format!("`--junit {spec}`: {m}"))),
                    }
                }
                _ => errors.push(
                    Diagnostic::error(
                        "usage",
                        format!("`--junit {spec}` is not of the form KIND=GLOB"),
                    )
                    .help("for example `--junit regression=target/nextest/ci/junit.xml`"),
                ),
            }
        }
        tests = (!suites.is_empty()).then_some(junit::Config { suites });
    }
    Configs {
        load,
        security,
        tests,
    }
}

/// `--load FILE` or `--load TOOL=FILE`.
fn source(spec: &str) -> Result<load::Source, Diagnostic> {
    if let Some((tool, file)) = spec.split_once('=') {
        if let Some(t) = Tool::parse(tool) {
            if file.is_empty() {
                return Err(Diagnostic::error(
                    "usage",
                    format!("`--load {spec}` names no file"),
                ));
            }
            return Ok(load::Source {
                tool: Some(t),
                input: named(Path::new(file)),
            });
        }
        // `name=value` where the name is not a tool: a tool misspelt, unless the file exists.
        if !Path::new(spec).exists() && !tool.contains(['/', '.', '\\']) {
            let names: Vec<&str> = Tool::ALL.iter().map(|t| t.name()).collect();
            let help = gate::diag::suggestion(tool, names.iter().copied())
                .unwrap_or_else(|| format!("the tools are {}", names.join(", ")));
            return Err(Diagnostic::error(
                "usage",
                format!("`--load {spec}`: `{tool}` is not a load tool gate reads"),
            )
            .help(help));
        }
    }
    if spec.is_empty() {
        return Err(Diagnostic::error("usage", "`--load` names no file"));
    }
    Ok(load::Source {
        tool: None,
        input: named(Path::new(spec)),
    })
}
