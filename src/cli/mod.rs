//! The commands. This is where gate meets the outside world: reading files, the system clock,
//! standard output and the exit code.

mod args;
mod collect;
mod fmt;
mod lint;
mod outputs;
mod policy_test;
mod progress;
mod results;
mod run;
mod walk;

use args::{
    CheckArgs, CheckFormat, Cli, Color, Command, ExplainArgs, FactsArgs, InventoryArgs,
    InventoryFormat, LicenseReportArgs, LicensesCommand, ReportFormat, SourceCommand,
};
use clap::Parser as _;
use gate::diag::{Diagnostic, render};
use gate::eval::{Outcome, Verdict, evaluate};
use gate::policy::check::{Available, check};
use gate::policy::load::{ReadError, Reader, load};
use gate::report::{self, ClockInfo, PolicyInfo, human};
use gate::span::SourceMap;
use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::Path;

/// Runs gate and returns its exit code.
pub fn main(argv: Vec<OsString>) -> u8 {
    let cli = match Cli::try_parse_from(&argv) {
        Ok(cli) => cli,
        Err(e) => return usage_error(&argv, e),
    };
    match cli.command {
        Command::Check(a) => run_check(a),
        Command::Run(a) => run::run(a),
        Command::Facts(a) => run_facts(a),
        Command::Explain(a) => run_explain(a),
        Command::Fmt(a) => fmt::run(a),
        Command::Lint(a) => lint::run(a),
        Command::Test(a) => policy_test::run(a),
        Command::Licenses(LicensesCommand::Report(a)) => run_license_report(a),
        Command::Source(SourceCommand::Inventory(a)) => run_inventory(a),
    }
}

/// `--format json` promises one JSON object on standard output, even for a bad command line.
fn usage_error(argv: &[OsString], e: clap::Error) -> u8 {
    use clap::error::ErrorKind;
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        let _ = e.print();
        return 0;
    }
    let args: Vec<String> = argv
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let wants_json = args
        .windows(2)
        .any(|w| w[0] == "--format" && w[1] == "json")
        || args.iter().any(|a| a == "--format=json");
    if wants_json {
        let message = e
            .to_string()
            .lines()
            .next()
            .unwrap_or("bad usage")
            .trim_start_matches("error: ")
            .replace('\'', "`");
        let outcome = Outcome {
            verdict: Verdict::Error,
            findings: Vec::new(),
            errors: vec![Diagnostic::error("usage", message).help("run `gate check --help`")],
            rules: 0,
            failed: Vec::new(),
        };
        let rep = report::build(&outcome, None, None, &|_| None, &SourceMap::default());
        let _ = std::io::stdout().write_all(report::json(&rep).as_bytes());
    } else {
        let _ = e.print();
    }
    2
}

/// Reads policy files from disk for the loader.
struct FsReader;

/// Policy files larger than this are refused: no real policy comes near it.
const MAX_POLICY: u64 = 16 << 20;

impl Reader for FsReader {
    fn read(&self, path: &Path) -> Result<(String, String), ReadError> {
        let meta = std::fs::metadata(path).map_err(|e| gate::diag::io_reason(&e))?;
        if meta.is_dir() {
            return Err("it is a directory".into());
        }
        if meta.len() > MAX_POLICY {
            return Err(format!(
                "it is {} bytes; policy files are at most 16 MiB",
                meta.len()
            )
            .into());
        }
        let bytes = std::fs::read(path).map_err(|e| gate::diag::io_reason(&e))?;
        let key = std::fs::canonicalize(path)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| path.display().to_string());
        match String::from_utf8(bytes) {
            Ok(text) => Ok((text, key)),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                Err(ReadError {
                    message: "it is not UTF-8 text".into(),
                    not_utf8: Some((String::from_utf8_lossy(e.as_bytes()).into_owned(), at)),
                })
            }
        }
    }
}

fn out(text: &str, output: Option<&Path>) -> Result<(), String> {
    match output {
        Some(path) => std::fs::write(path, text).map_err(|e| {
            format!(
                "cannot write the report to `{}`: {}",
                path.display(),
                e.to_string().to_lowercase()
            )
        }),
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
                .map_err(|e| format!("cannot write the report: {e}"))
        }
    }
}

fn eprint(text: &str) {
    let _ = std::io::stderr().write_all(text.as_bytes());
}

fn use_color(choice: Color, stream_is_tty: bool) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => stream_is_tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

/// Everything one decision produced: what `check` reports and `licenses report` explains.
struct Decided {
    sources: SourceMap,
    facts: gate::facts::Facts,
    policy: Option<gate::policy::ir::Policy>,
    policy_info: Option<PolicyInfo>,
    docs: Vec<(String, Option<String>)>,
    outcome: Outcome,
    clock: Option<ClockInfo>,
    /// `--stage`: its name and the rules it audits.
    stage: Option<report::StageOut>,
}

/// Collect facts, load and check the policy, evaluate: the pipeline up to the report.
fn decide(
    sources_args: &args::Sources,
    replay: Option<&Path>,
    policy: Option<&Path>,
    need_policy: bool,
) -> Decided {
    decide_after(
        sources_args,
        replay,
        policy,
        need_policy,
        SourceMap::default(),
        None,
    )
}

/// [`decide`], after `gate run`'s steps: `before` holds what they made.
fn decide_after(
    sources_args: &args::Sources,
    replay: Option<&Path>,
    policy: Option<&Path>,
    need_policy: bool,
    mut sources: SourceMap,
    before: Option<collect::Ran>,
) -> Decided {
    let collected = collect::collect_after(
        sources_args,
        replay,
        policy,
        need_policy,
        &mut sources,
        before,
    );
    let mut problems = collected.errors;
    let mut outcome = None;
    let mut policy_info = None;
    let mut checked = None;
    let mut stage = None;
    let mut docs: Vec<(String, Option<String>)> = Vec::new();
    if let Some(path) = &collected.policy {
        let (loaded, mut load_diags) = load(path, &FsReader, &mut sources);
        let available = Available::Only(collected.attempted.clone());
        let (policy, mut check_diags) = check(&loaded, &sources, &available);
        // Lint warnings join the report's warnings; they never change the verdict.
        if !load_diags
            .iter()
            .chain(&check_diags)
            .any(Diagnostic::is_error)
        {
            let opts = gate::policy::lint::Options {
                waivers: false,
                custom_namespaces: collected.attempted.iter().cloned().collect(),
                ..Default::default()
            };
            check_diags.extend(gate::policy::lint::lint(&loaded, &policy, &sources, &opts));
        }
        problems.append(&mut load_diags);
        problems.append(&mut check_diags);
        policy_info = Some(PolicyInfo {
            name: policy.name.clone(),
            version: policy.version.clone(),
            file: path.display().to_string(),
        });
        docs = policy
            .rules
            .iter()
            .map(|r| (r.name.clone(), r.doc.clone()))
            .collect();
        let audited = sources_args
            .stage
            .as_deref()
            .map(|name| stage_rules(name, &collected.stages, &policy, &mut problems));
        stage = sources_args.stage.clone().map(|name| report::StageOut {
            name,
            audited: audited.iter().flatten().cloned().collect(),
        });
        if !problems.iter().any(Diagnostic::is_error) {
            let mut decided = evaluate(
                &policy,
                &collected.facts,
                &sources,
                std::mem::take(&mut problems),
            );
            if let Some(rules) = &audited {
                gate::eval::audit(&mut decided, rules);
            }
            outcome = Some(decided);
        }
        checked = Some(policy);
    }
    let outcome = outcome.unwrap_or_else(|| Outcome {
        verdict: Verdict::Error,
        findings: Vec::new(),
        errors: problems,
        rules: docs.len(),
        failed: Vec::new(),
    });
    let clock = collected
        .clock
        .as_ref()
        .map(|(now, zone)| ClockInfo::new(now, zone));
    Decided {
        sources,
        facts: collected.facts,
        policy: checked,
        policy_info,
        docs,
        outcome,
        clock,
        stage,
    }
}

/// The rules that only warn in stage `name` (`--stage`): each must be a rule of the policy.
fn stage_rules(
    name: &str,
    stages: &[gate::plan::stages::Stage],
    policy: &gate::policy::ir::Policy,
    problems: &mut Vec<Diagnostic>,
) -> std::collections::BTreeSet<String> {
    let Some(stage) = stages.iter().find(|s| s.name == name) else {
        let help = gate::diag::suggestion(name, stages.iter().map(|s| s.name.as_str()))
            .unwrap_or_else(|| {
                if stages.is_empty() {
                    "the plan has no `[stage.NAME]` table: add one that lists the rules to audit"
                        .into()
                } else {
                    format!(
                        "the plan's stages are {}",
                        stages
                            .iter()
                            .map(|s| format!("`{}`", s.name))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            });
        problems.push(
            Diagnostic::error(
                "usage",
                format!("`--stage {name}`: the plan has no stage `{name}`"),
            )
            .help(help),
        );
        return Default::default();
    };
    let mut rules = std::collections::BTreeSet::new();
    for (rule, at) in &stage.audit {
        match policy.rules.iter().find(|r| &r.name == rule) {
            Some(r) => {
                if r.level != gate::policy::ast::Level::Block {
                    problems.push(
                        Diagnostic::warning(
                            "stage-audit-not-block",
                            format!("stage `{name}` audits `{rule}`, which is not a `block` rule: it changes nothing"),
                        )
                        .at(*at, "not a block rule"),
                    );
                }
                rules.insert(rule.clone());
            }
            None => problems.push(
                Diagnostic::error(
                    "plan-value",
                    format!("stage `{name}` audits `{rule}`, which is not a rule of the policy"),
                )
                .at(*at, "no such rule")
                .help(
                    gate::diag::suggestion(rule, policy.rules.iter().map(|r| r.name.as_str()))
                        .unwrap_or_else(|| "name a rule of the policy".into()),
                ),
            ),
        }
    }
    rules
}

fn run_check(a: CheckArgs) -> u8 {
    if a.quiet {
        progress::silence();
    }
    let o = a.output_args();
    if let Some(message) = &o.conflict {
        return outputs::refuse(message, &o);
    }
    let decided = decide(&a.sources, a.replay.as_deref(), a.policy.as_deref(), true);
    report_decision(decided, &o)
}

/// How a decision is reported: `check` and `run` share it.
struct Output<'a> {
    format: CheckFormat,
    output: Option<&'a Path>,
    /// `--output FORMAT=FILE`: more reports of the same decision.
    extra: Vec<(CheckFormat, &'a Path)>,
    /// Two `--output`s naming one file: a usage error.
    conflict: Option<String>,
    color: Color,
    quiet: bool,
}

impl CheckArgs {
    fn output_args(&self) -> Output<'_> {
        let (output, extra, conflict) = outputs::split(&self.output);
        Output {
            format: self.format,
            output,
            extra,
            conflict,
            color: self.color,
            quiet: self.quiet,
        }
    }
}

/// Writes the report of a decision; returns the exit code. Conflicting `--output`s were refused
/// before deciding (`run_check`, `run::run`).
fn report_decision(decided: Decided, o: &Output) -> u8 {
    let Decided {
        sources,
        policy,
        policy_info,
        docs,
        outcome,
        clock,
        stage,
        ..
    } = decided;
    let doc_of = |rule: &str| {
        docs.iter()
            .find(|(n, _)| n == rule)
            .and_then(|(_, d)| d.clone())
    };
    let mut rep = report::build(&outcome, policy_info, clock, &doc_of, &sources);
    rep.stage = stage;
    let rules = policy
        .as_ref()
        .map(|p| report::ci::rules(p, &sources))
        .unwrap_or_default();
    let human_file = || {
        let diagnostics = render(&outcome.errors, &sources, false);
        human::render(&rep, &diagnostics, human::Style { color: false })
    };
    let failed = outputs::write_all(&o.extra, &rep, &rules, &human_file);
    let code = if failed {
        2
    } else {
        outcome.verdict.exit_code()
    };
    let written = match o.format {
        CheckFormat::Json => out(&report::json(&rep), o.output),
        CheckFormat::Human if o.quiet => Ok(()),
        CheckFormat::Human => {
            let tty = o.output.is_none() && std::io::stdout().is_terminal();
            let color = use_color(o.color, tty);
            let diagnostics = render(&outcome.errors, &sources, color);
            out(
                &human::render(&rep, &diagnostics, human::Style { color }),
                o.output,
            )
        }
        other => out(&outputs::render(other, &rep, &rules, &human_file), o.output),
    };
    match written {
        Ok(()) => code,
        Err(e) => {
            eprint(&format!("error: {e}\n"));
            2
        }
    }
}

fn run_license_report(a: LicenseReportArgs) -> u8 {
    let d = decide(&a.sources, None, a.policy.as_deref(), false);
    let color = use_color(Color::Auto, std::io::stderr().is_terminal());
    if !d.outcome.errors.is_empty() {
        eprint(&render(&d.outcome.errors, &d.sources, color));
    }
    if d.facts.get("licenses").is_none() {
        if !d.outcome.errors.iter().any(Diagnostic::is_error) {
            eprint(
                "error: no license graph to report on: give `--manifest-path Cargo.toml`, `--sbom FILE`, or `[licenses]` in the plan\n",
            );
        }
        return 2;
    }
    let policy_name = d.policy_info.as_ref().map(|p| {
        let name = p.name.clone().unwrap_or_else(|| p.file.clone());
        match &p.version {
            Some(v) => format!("{name} {v} ({})", p.file),
            None => format!("{name} ({})", p.file),
        }
    });
    let decided_at = d.clock.as_ref().map(|c| c.now.clone());
    let Some(mut rep) = report::licenses::build(
        &d.facts,
        d.policy.as_ref(),
        &d.outcome,
        &d.sources,
        policy_name,
        decided_at,
    ) else {
        return 2;
    };
    let code = if d.policy.is_some() {
        d.outcome.verdict.exit_code()
    } else {
        rep.verdict = "unchecked".into();
        if d.outcome.errors.iter().any(Diagnostic::is_error) {
            2
        } else {
            0
        }
    };
    let text = match a.format {
        ReportFormat::Markdown => report::licenses::markdown(&rep),
        ReportFormat::Html => report::licenses::html(&rep),
        ReportFormat::Json => report::licenses::json(&rep),
    };
    match out(&text, a.output.as_deref()) {
        Ok(()) => code,
        Err(e) => {
            eprint(&format!("error: {e}\n"));
            2
        }
    }
}

fn run_inventory(a: InventoryArgs) -> u8 {
    let mut sources = SourceMap::default();
    let collected = collect::collect(&a.sources, None, None, false, &mut sources);
    if !collected.errors.is_empty() {
        let color = use_color(Color::Auto, std::io::stderr().is_terminal());
        eprint(&render(&collected.errors, &sources, color));
    }
    if collected.errors.iter().any(Diagnostic::is_error) {
        return 2;
    }
    let decided_at = collected
        .clock
        .as_ref()
        .map(|(now, zone)| ClockInfo::new(now, zone).now);
    let Some(inv) = report::inventory::build(&collected.facts, decided_at) else {
        eprint(
            "error: no source to take inventory of: give `--source src`, or `[source] paths` in the plan\n",
        );
        return 2;
    };
    let text = match a.format {
        InventoryFormat::Markdown => report::inventory::markdown(&inv),
        InventoryFormat::Json => report::inventory::json(&inv),
    };
    match out(&text, a.output.as_deref()) {
        Ok(()) => 0,
        Err(e) => {
            eprint(&format!("error: {e}\n"));
            2
        }
    }
}

fn run_facts(a: FactsArgs) -> u8 {
    if a.quiet {
        progress::silence();
    }
    if a.schema {
        let text = serde_json::to_string_pretty(&gate::schema::json_schema()).unwrap_or_default();
        return match out(&format!("{text}\n"), None) {
            Ok(()) => 0,
            Err(_) => 2,
        };
    }
    let mut sources = SourceMap::default();
    let collected = collect::collect(&a.sources, None, None, false, &mut sources);
    if !collected.errors.is_empty() {
        let color = use_color(Color::Auto, std::io::stderr().is_terminal());
        eprint(&render(&collected.errors, &sources, color));
    }
    if collected.errors.iter().any(Diagnostic::is_error) {
        return 2;
    }
    let json = collected.facts.to_json(&sources);
    let text = serde_json::to_string_pretty(&json).unwrap_or_default();
    match out(&format!("{text}\n"), None) {
        Ok(()) => 0,
        Err(_) => 2,
    }
}

fn run_explain(a: ExplainArgs) -> u8 {
    let mut sources = SourceMap::default();
    let (loaded, mut diags) = load(&a.policy, &FsReader, &mut sources);
    let (policy, mut check_diags) = check(&loaded, &sources, &Available::Everything);
    diags.append(&mut check_diags);
    let color = use_color(Color::Auto, std::io::stderr().is_terminal());
    if diags.iter().any(Diagnostic::is_error) {
        eprint(&render(&diags, &sources, color));
        return 2;
    }
    match gate::explain::explain(&policy, &loaded, &sources, a.rule.as_deref()) {
        Ok(text) => match out(&text, None) {
            Ok(()) => 0,
            Err(_) => 2,
        },
        Err(d) => {
            eprint(&render(&[d], &sources, color));
            2
        }
    }
}
