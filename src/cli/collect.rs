//! Gathering a run's inputs: the plan, the policy path, the facts and the clock. Every problem
//! is collected; nothing stops at the first.

use super::args::Sources;
use super::progress;
use gate::diag::Diagnostic;
use gate::facts::{self, Facts, Namespace, Origin, clock};
use gate::plan;
use gate::plan::producer::Producer;
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
    /// The plan's stages (audit mode).
    pub stages: Vec<gate::plan::stages::Stage>,
}

type Produced = Result<(Namespace, Vec<Diagnostic>), Vec<Diagnostic>>;

/// Keeps what one producer made: its namespace, or the errors that say why there is none.
pub fn record(
    name: &str,
    produced: Produced,
    attempted: &mut std::collections::BTreeSet<String>,
    facts: &mut Facts,
    errors: &mut Vec<Diagnostic>,
) {
    attempted.insert(name.into());
    match produced {
        Ok((ns, mut notes)) => {
            facts.insert(name, ns);
            errors.append(&mut notes);
        }
        Err(mut d) => errors.append(&mut d),
    }
}

/// Runs `producer` as the plan and the command line configure it; `None` when neither asks for
/// it.
pub fn produce(
    producer: Producer,
    plan: Option<&plan::Plan>,
    args: &Sources,
    results: &super::results::Configs,
    sources: &mut SourceMap,
) -> Option<Produced> {
    match producer {
        Producer::Licenses => match args
            .licenses
            .overrides()
            .apply(plan.and_then(|p| p.licenses.as_ref()))
        {
            Err(d) => Some(Err(vec![d])),
            Ok(Some(config)) => Some(facts::licenses::produce(&config, sources)),
            Ok(None) => None,
        },
        Producer::Source => {
            let mut config = match &args.source_paths[..] {
                [] => plan.and_then(|p| p.source.clone())?,
                paths => {
                    let mut c = plan.and_then(|p| p.source.clone()).unwrap_or_default();
                    c.paths = paths.iter().map(|p| (p.clone(), None)).collect();
                    c
                }
            };
            config.progress = progress::bar("scanning Rust source");
            Some(facts::source::produce(&config, sources))
        }
        Producer::Load => results.load.clone().map(|mut c| {
            c.progress = progress::bytes("reading load results");
            facts::load::produce(&c, sources)
        }),
        Producer::Security => results
            .security
            .as_ref()
            .map(|c| facts::security::produce(c, sources)),
        Producer::Tests => results
            .tests
            .as_ref()
            .map(|c| facts::junit::produce(c, sources)),
        Producer::Config => plan
            .and_then(|p| p.config.clone())
            .map(|c| facts::config::produce(&c, sources)),
        Producer::Data => plan.and_then(|p| p.data.clone()).map(|mut c| {
            c.progress = progress::bytes("scanning data extracts");
            facts::data::produce(&c, sources)
        }),
        Producer::Monitoring => plan
            .and_then(|p| p.monitoring.clone())
            .map(|c| facts::monitoring::produce(&c, sources)),
        Producer::Release => plan
            .and_then(|p| p.release.clone())
            .map(|c| facts::release::produce(&c, sources)),
        Producer::Approvals => plan
            .and_then(|p| p.approvals.clone())
            .map(|c| facts::approvals::produce(&c, sources)),
        Producer::Build => plan
            .and_then(|p| p.build.clone())
            .map(|c| facts::build::produce(&c, sources)),
        Producer::Artifact => plan
            .and_then(|p| p.artifact.clone())
            .map(|c| facts::artifact::produce(&c, sources)),
    }
}

/// What `gate run` did before facts are collected: the plan it ran, the producers its steps
/// ran (not run again), and what they and the steps made.
pub struct Ran {
    pub plan: plan::Plan,
    pub producers: std::collections::BTreeSet<Producer>,
    pub facts: Facts,
    pub attempted: std::collections::BTreeSet<String>,
    pub errors: Vec<Diagnostic>,
    /// The results flags as `gate run` read them before its steps (their mistakes are already
    /// in `errors`, so they are not read, and reported, again).
    pub results: Option<super::results::Configs>,
}

/// The plan: `--plan`, else `gate.toml` in the current folder when there is one.
pub fn plan_path(args: &Sources) -> Option<PathBuf> {
    args.plan.clone().or_else(|| {
        Path::new("gate.toml")
            .is_file()
            .then(|| PathBuf::from("gate.toml"))
    })
}

pub fn collect(
    args: &Sources,
    replay: Option<&Path>,
    policy: Option<&Path>,
    need_policy: bool,
    sources: &mut SourceMap,
) -> Collected {
    collect_after(args, replay, policy, need_policy, sources, None)
}

/// [`collect`], after `gate run`'s steps.
pub fn collect_after(
    args: &Sources,
    replay: Option<&Path>,
    policy: Option<&Path>,
    need_policy: bool,
    sources: &mut SourceMap,
    before: Option<Ran>,
) -> Collected {
    let mut errors = Vec::new();
    let mut attempted = std::collections::BTreeSet::from(["clock".to_string()]);
    let mut facts = Facts::default();
    let mut ran = std::collections::BTreeSet::new();
    let mut read_results = None;
    let plan = match before {
        Some(r) => {
            errors = r.errors;
            attempted.extend(r.attempted);
            facts = r.facts;
            ran = r.producers;
            read_results = r.results;
            Some(r.plan)
        }
        None => plan_path(args)
            .as_deref()
            .and_then(|p| match plan::load(p, sources) {
                Ok(plan) => Some(plan),
                Err(mut d) => {
                    errors.append(&mut d);
                    None
                }
            }),
    };
    let policy = policy.map(Path::to_path_buf).or_else(|| {
        plan.as_ref()
            .and_then(|p| p.policy.as_ref().map(|(path, _)| path.clone()))
    });

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
        // Producers, in the order of the staging sequence. A document mounted for the same
        // namespace stands in for its producer; one `gate run` already ran is not run again.
        let mounted = |n: &str| mounts.iter().any(|(m, _)| m == n);
        let results = read_results
            .unwrap_or_else(|| super::results::configs(&args.results, plan.as_ref(), &mut errors));
        for p in Producer::ALL {
            if mounted(p.name()) || ran.contains(&p) {
                continue;
            }
            if let Some(result) = produce(p, plan.as_ref(), args, &results, sources) {
                record(p.name(), result, &mut attempted, &mut facts, &mut errors);
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
        stages: plan.map(|p| p.stages).unwrap_or_default(),
    }
}
