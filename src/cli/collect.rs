//! Gathering a run's inputs: the plan, the policy path, the facts and the clock. Every problem
//! is collected; nothing stops at the first.

use super::args::Sources;
use super::progress;
use gate::diag::Diagnostic;
use gate::facts::{self, Facts, Namespace, Origin, clock};
use gate::plan;
use gate::span::SourceMap;
use std::path::{Path, PathBuf};

pub struct Collected {
    pub policy: Option<PathBuf>,
    /// Every namespace the run tried to produce, including those that failed: the checker must
    /// not add "not produced" to the error that says why.
    pub attempted: std::collections::BTreeSet<String>,
    pub facts: Facts,
    /// The instant and the zone's name.
    pub clock: Option<(jiff::Zoned, String)>,
    pub errors: Vec<Diagnostic>,
}

/// Runs one producer: its namespace, or the errors that say why there is none.
fn run(
    name: &str,
    attempted: &mut std::collections::BTreeSet<String>,
    facts: &mut Facts,
    errors: &mut Vec<Diagnostic>,
    produce: impl FnOnce() -> Result<(Namespace, Vec<Diagnostic>), Vec<Diagnostic>>,
) {
    attempted.insert(name.into());
    match produce() {
        Ok((ns, mut notes)) => {
            facts.insert(name, ns);
            errors.append(&mut notes);
        }
        Err(mut d) => errors.append(&mut d),
    }
}

pub fn collect(
    args: &Sources,
    replay: Option<&Path>,
    policy: Option<&Path>,
    need_policy: bool,
    sources: &mut SourceMap,
) -> Collected {
    let mut errors = Vec::new();
    let mut attempted = std::collections::BTreeSet::from(["clock".to_string()]);
    let plan_path = args.plan.clone().or_else(|| {
        Path::new("gate.toml")
            .is_file()
            .then(|| PathBuf::from("gate.toml"))
    });
    let plan = plan_path
        .as_deref()
        .and_then(|p| match plan::load(p, sources) {
            Ok(plan) => Some(plan),
            Err(mut d) => {
                errors.append(&mut d);
                None
            }
        });
    let policy = policy.map(Path::to_path_buf).or_else(|| {
        plan.as_ref()
            .and_then(|p| p.policy.as_ref().map(|(path, _)| path.clone()))
    });

    let mut facts = Facts::default();
    if let Some(path) = replay {
        match facts::replay(path, sources) {
            Ok(saved) => facts = saved,
            Err(mut d) => {
                errors.append(&mut d);
                attempted.extend(gate::schema::NAMESPACES.iter().map(|n| n.name.to_string()));
            }
        }
    } else {
        let mut mounts: Vec<(String, PathBuf)> = plan
            .as_ref()
            .map(|p| {
                p.facts
                    .iter()
                    .map(|(n, path, _)| (n.clone(), path.clone()))
                    .collect()
            })
            .unwrap_or_default();
        for spec in &args.facts {
            match spec.split_once('=') {
                Some((name, path)) if !name.is_empty() && !path.is_empty() => {
                    // The command line overrides the plan for the same namespace.
                    mounts.retain(|(n, _)| n != name);
                    mounts.push((name.to_string(), PathBuf::from(path)));
                }
                _ => errors.push(
                    Diagnostic::error(
                        "usage",
                        format!("`--facts {spec}` is not of the form NAME=PATH"),
                    )
                    .help("for example `--facts load=results/load.json`"),
                ),
            }
        }
        for (name, path) in &mounts {
            attempted.insert(name.clone());
            match facts::mount(name, path, sources) {
                Ok((ns, mut notes)) => {
                    facts.insert(name.clone(), ns);
                    errors.append(&mut notes);
                }
                Err(mut d) => errors.append(&mut d),
            }
        }
        // Producers. A document mounted for the same namespace stands in for its producer.
        let mounted = |n: &str| mounts.iter().any(|(m, _)| m == n);
        match args
            .licenses
            .overrides()
            .apply(plan.as_ref().and_then(|p| p.licenses.as_ref()))
        {
            Err(d) => errors.push(d),
            Ok(Some(config)) if !mounted("licenses") => {
                attempted.insert("licenses".into());
                match facts::licenses::produce(&config, sources) {
                    Ok((ns, mut notes)) => {
                        facts.insert("licenses", ns);
                        errors.append(&mut notes);
                    }
                    Err(mut d) => errors.append(&mut d),
                }
            }
            Ok(_) => {}
        }
        let source_config = match &args.source_paths[..] {
            [] => plan.as_ref().and_then(|p| p.source.clone()),
            paths => {
                let mut c = plan
                    .as_ref()
                    .and_then(|p| p.source.clone())
                    .unwrap_or_default();
                c.paths = paths.iter().map(|p| (p.clone(), None)).collect();
                Some(c)
            }
        };
        let results = super::results::configs(&args.results, plan.as_ref(), &mut errors);
        if let Some(mut config) = results.load.filter(|_| !mounted("load")) {
            config.progress = progress::bytes("reading load results");
            run("load", &mut attempted, &mut facts, &mut errors, || {
                facts::load::produce(&config, sources)
            });
        }
        if let Some(config) = results.security.filter(|_| !mounted("security")) {
            run("security", &mut attempted, &mut facts, &mut errors, || {
                facts::security::produce(&config, sources)
            });
        }
        if let Some(config) = results.tests.filter(|_| !mounted("tests")) {
            run("tests", &mut attempted, &mut facts, &mut errors, || {
                facts::junit::produce(&config, sources)
            });
        }
        if let Some(config) = plan
            .as_ref()
            .and_then(|p| p.config.clone())
            .filter(|_| !mounted("config"))
        {
            run("config", &mut attempted, &mut facts, &mut errors, || {
                facts::config::produce(&config, sources)
            });
        }
        if let Some(config) = plan
            .as_ref()
            .and_then(|p| p.data.clone())
            .filter(|_| !mounted("data"))
        {
            run("data", &mut attempted, &mut facts, &mut errors, || {
                facts::data::produce(&config, sources)
            });
        }
        if let Some(config) = plan
            .as_ref()
            .and_then(|p| p.monitoring.clone())
            .filter(|_| !mounted("monitoring"))
        {
            run(
                "monitoring",
                &mut attempted,
                &mut facts,
                &mut errors,
                || facts::monitoring::produce(&config, sources),
            );
        }
        if let Some(config) = plan
            .as_ref()
            .and_then(|p| p.release.clone())
            .filter(|_| !mounted("release"))
        {
            run("release", &mut attempted, &mut facts, &mut errors, || {
                facts::release::produce(&config, sources)
            });
        }
        if let Some(config) = plan
            .as_ref()
            .and_then(|p| p.approvals.clone())
            .filter(|_| !mounted("approvals"))
        {
            run("approvals", &mut attempted, &mut facts, &mut errors, || {
                facts::approvals::produce(&config, sources)
            });
        }
        if let Some(config) = plan
            .as_ref()
            .and_then(|p| p.build.clone())
            .filter(|_| !mounted("build"))
        {
            run("build", &mut attempted, &mut facts, &mut errors, || {
                facts::build::produce(&config, sources)
            });
        }
        if let Some(config) = plan
            .as_ref()
            .and_then(|p| p.artifact.clone())
            .filter(|_| !mounted("artifact"))
        {
            run("artifact", &mut attempted, &mut facts, &mut errors, || {
                facts::artifact::produce(&config, sources)
            });
        }
        if let Some(mut config) = source_config.filter(|_| !mounted("source")) {
            config.progress = progress::bar("scanning Rust source");
            attempted.insert("source".into());
            match facts::source::produce(&config, sources) {
                Ok((ns, mut notes)) => {
                    facts.insert("source", ns);
                    errors.append(&mut notes);
                }
                Err(mut d) => errors.append(&mut d),
            }
        }
    }

    // The clock: --now, else the saved clock of a replay, else the system clock; in --tz, else
    // the plan's zone, else the saved zone, else UTC.
    let saved_zone = facts.get("clock").and_then(|c| match &c.value {
        gate::value::Value::Record(r) => r.get("zone").map(|z| z.to_string()),
        _ => None,
    });
    let zone_name = args
        .tz
        .clone()
        .or_else(|| {
            plan.as_ref()
                .and_then(|p| p.timezone.as_ref().map(|(z, _)| z.clone()))
        })
        .or(saved_zone)
        .unwrap_or_else(|| "UTC".into());
    let mut clock_out = None;
    match clock::zone(&zone_name) {
        Err(m) => errors.push(Diagnostic::error("bad-zone", m)),
        Ok(tz) => {
            let instant = match &args.now {
                Some(text) => match clock::parse_now(text) {
                    Ok(ts) => Some(ts),
                    Err(m) => {
                        errors.push(Diagnostic::error("bad-now", format!("`--now`: {m}")));
                        None
                    }
                },
                None => match facts.get("clock").and_then(|c| clock::now_of(&c.value)) {
                    Some(saved) => Some(saved.timestamp()),
                    None => Some(jiff::Timestamp::now()),
                },
            };
            if let Some(ts) = instant {
                let now = ts.to_zoned(tz);
                let origin = facts
                    .get("clock")
                    .filter(|_| args.now.is_none())
                    .map(|c| c.origin.clone())
                    .unwrap_or(Origin::Builtin(if args.now.is_some() {
                        "--now"
                    } else {
                        "the system clock"
                    }));
                facts.insert(
                    "clock",
                    Namespace {
                        value: clock::facts(&now, &zone_name),
                        origin,
                    },
                );
                clock_out = Some((now, zone_name));
            }
        }
    }
    attempted.extend(facts.namespaces.keys().cloned());
    if need_policy && policy.is_none() && !errors.iter().any(Diagnostic::is_error) {
        errors.push(
            Diagnostic::error(
                "usage",
                "no policy to check: name a `.gate` file, or set `policy` in the plan",
            )
            .help("run `gate check policies/release.gate`"),
        );
    }
    Collected {
        policy,
        attempted,
        facts,
        clock: clock_out,
        errors,
    }
}
