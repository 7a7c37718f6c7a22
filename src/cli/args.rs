//! Command-line arguments. The contract: language.md, "Command-line contract".

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "gate",
    version,
    about = "Decides whether a release may go to production: policies over facts, fail closed, every finding explained.",
    after_help = "Exit codes: 0 go, 1 no-go, 2 error (bad policy, missing fact, failed producer, bad usage)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Evaluate a policy over the facts and decide: go, no-go or error.
    Check(CheckArgs),
    /// Run the plan's staging sequence — its `[[step]]`s, then every producer it configures —
    /// and decide: go, no-go or error.
    Run(RunArgs),
    /// Print every collected fact as JSON (the form `--facts` and `--replay` read back).
    Facts(FactsArgs),
    /// Say in words what a policy's rules check.
    Explain(ExplainArgs),
    /// Rewrite policy files in the canonical layout, comments kept; `--check` only reports.
    Fmt(FmtArgs),
    /// Warn about a policy that is valid but probably wrong: rules that never fire, unused
    /// lets, shadowed names, waivers that run too long.
    Lint(LintArgs),
    /// Run the policy tests kept beside the policies (`*.test.toml`): facts and a clock in,
    /// a verdict and findings expected; with rule and branch coverage.
    Test(TestArgs),
    /// The license graph for legal: `gate licenses report`.
    #[command(subcommand)]
    Licenses(LicensesCommand),
    /// Regulated data in Rust source: `gate source inventory`.
    #[command(subcommand)]
    Source(SourceCommand),
}

#[derive(Subcommand, Debug)]
pub enum SourceCommand {
    /// The data inventory an auditor asks for: every regulated item with its category,
    /// protection and exposures, the unclassified suspects, the files that could not be read.
    /// Exit code 0, or 2 when the scan could not run or an annotation is malformed.
    Inventory(InventoryArgs),
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum InventoryFormat {
    Markdown,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct InventoryArgs {
    #[command(flatten)]
    pub sources: Sources,
    /// Report format.
    #[arg(long, value_enum, default_value_t = InventoryFormat::Markdown)]
    pub format: InventoryFormat,
    /// Write the inventory to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum LicensesCommand {
    /// The legal review report: scope, licenses by category, how each package's license was
    /// concluded, the branch of an OR the policy accepts, unknowns, clarifications, waivers.
    /// Exit code: the policy's verdict (0 go, 1 no-go, 2 error); 0 without a policy.
    Report(LicenseReportArgs),
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFormat {
    Markdown,
    Html,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct LicenseReportArgs {
    /// The license policy; else the plan's `policy`. Without one, the report has no verdict.
    #[arg(value_name = "POLICY")]
    pub policy: Option<PathBuf>,
    #[command(flatten)]
    pub sources: Sources,
    /// Report format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Markdown)]
    pub format: ReportFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
}

/// The report formats of `check` and `run`: the decision for people and programs, and for CI.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckFormat {
    Human,
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// JUnit XML, for CI test reports.
    Junit,
    /// A Markdown summary for a pull request or `$GITHUB_STEP_SUMMARY` (at most 1 MiB).
    Markdown,
    /// GitHub Actions workflow commands (`::error file=…::`), capped at 10 of each kind.
    Github,
    /// GitLab's code quality report (JSON).
    Gitlab,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Color {
    Auto,
    Always,
    Never,
}

/// Where facts come from, shared by `check` and `facts`.
#[derive(clap::Args, Debug, Clone)]
pub struct Sources {
    /// The plan file; without it, `gate.toml` in the current folder when there is one.
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    /// Mount a JSON document as the namespace NAME (gate's own namespaces are schema-checked).
    #[arg(long = "facts", value_name = "NAME=PATH")]
    pub facts: Vec<String>,
    /// The instant of the decision, with an offset: `2026-11-27T16:55:00-05:00`.
    #[arg(long, value_name = "DATETIME")]
    pub now: Option<String>,
    /// The policy's time zone (IANA name); else the plan's `timezone`, else UTC.
    #[arg(long, value_name = "ZONE")]
    pub tz: Option<String>,
    #[command(flatten)]
    pub licenses: LicenseArgs,
    /// Scan these Rust sources for regulated data (over the plan's `[source] paths`).
    #[arg(long = "source", value_name = "PATH", help_heading = "Regulated data")]
    pub source_paths: Vec<PathBuf>,
    #[command(flatten)]
    pub results: ResultArgs,
    /// Decide as in this stage of the rollout: the `block` rules the plan's `[stage.NAME] audit`
    /// lists only warn, and the report says what they would have blocked.
    #[arg(long, value_name = "NAME")]
    pub stage: Option<String>,
}

/// Results files of the staging run, over the plan's `[load]`, `[security]` and `[tests]`: the
/// files given here for a namespace replace the plan's files for it.
#[derive(clap::Args, Debug, Clone, Default)]
#[command(next_help_heading = "Staging results")]
pub struct ResultArgs {
    /// A load-test results file or glob: k6 (summary export, handleSummary JSON or `--out json`
    /// NDJSON), JMeter JTL CSV, Locust, Artillery, vegeta or oha, told apart by content; or
    /// `TOOL=FILE` to say which tool wrote it.
    #[arg(long = "load", value_name = "[TOOL=]FILE")]
    pub load: Vec<String>,
    /// A SARIF 2.1.0 file or glob, from any analyzer.
    #[arg(long, value_name = "FILE")]
    pub sarif: Vec<PathBuf>,
    /// An OWASP ZAP JSON report.
    #[arg(long, value_name = "FILE")]
    pub zap: Vec<PathBuf>,
    /// A `cargo audit --json` report.
    #[arg(long, value_name = "FILE")]
    pub cargo_audit: Vec<PathBuf>,
    /// An `npm audit --json` report (npm 7 or later).
    #[arg(long, value_name = "FILE")]
    pub npm_audit: Vec<PathBuf>,
    /// A Trivy JSON report (SchemaVersion 2).
    #[arg(long, value_name = "FILE")]
    pub trivy: Vec<PathBuf>,
    /// JUnit XML results of one kind of suite: `regression=target/nextest/ci/junit.xml`,
    /// `e2e='results/e2e/*.xml'`.
    #[arg(long, value_name = "KIND=GLOB")]
    pub junit: Vec<String>,
}

/// The `licenses` producer's inputs and options, over the plan's `[licenses]`.
#[derive(clap::Args, Debug, Clone, Default)]
#[command(next_help_heading = "License graph")]
pub struct LicenseArgs {
    /// Read the license graph of this Cargo workspace (runs `cargo metadata --locked`).
    #[arg(long, value_name = "Cargo.toml")]
    pub manifest_path: Option<PathBuf>,
    /// Read the license graph from an SPDX 2.3 or CycloneDX 1.5/1.6 JSON SBOM.
    #[arg(long, value_name = "FILE")]
    pub sbom: Option<PathBuf>,
    /// Resolve dependencies for this target triple, `host` (the default) or `all` platforms.
    #[arg(long, value_name = "TRIPLE")]
    pub target: Option<String>,
    /// Enable these features of the workspace members (comma-separated).
    #[arg(long, value_name = "FEATURES")]
    pub features: Vec<String>,
    /// Enable every feature of the workspace members.
    #[arg(long)]
    pub all_features: bool,
    /// Do not enable the members' default features.
    #[arg(long)]
    pub no_default_features: bool,
    /// Never use the network to resolve the workspace.
    #[arg(long)]
    pub offline: bool,
    /// Run `cargo metadata` even when its cached result (in `target/gate/`) is still valid.
    #[arg(long)]
    pub no_cache: bool,
}

impl LicenseArgs {
    pub fn overrides(&self) -> gate::plan::licenses::Overrides {
        gate::plan::licenses::Overrides {
            manifest: self.manifest_path.clone(),
            sbom: self.sbom.clone(),
            target: self.target.clone(),
            features: self.features.clone(),
            all_features: self.all_features,
            no_default_features: self.no_default_features,
            offline: self.offline,
            no_cache: self.no_cache,
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// The policy file; else the plan's `policy`.
    #[arg(value_name = "POLICY")]
    pub policy: Option<PathBuf>,
    #[command(flatten)]
    pub sources: Sources,
    /// Evaluate facts saved by `gate facts`; collect nothing. The clock comes from the file unless `--now` is given.
    #[arg(long, value_name = "FACTS.json")]
    pub replay: Option<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// Write the report to FILE instead of standard output; `FORMAT=FILE` (repeatable) also
    /// writes FORMAT (json, human, sarif, junit, markdown, github, gitlab) to FILE, from the
    /// same evaluation.
    #[arg(long, value_name = "[FORMAT=]FILE", value_parser = super::outputs::parse)]
    pub output: Vec<super::outputs::OutputSpec>,
    /// When to colour the human report.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Print nothing; the exit code is the verdict.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// The policy file; else the plan's `policy`.
    #[arg(value_name = "POLICY")]
    pub policy: Option<PathBuf>,
    #[command(flatten)]
    pub sources: Sources,
    /// Where each step's output is written (`NN-name.log`); else `.gate/logs` beside the plan.
    #[arg(long, value_name = "DIR")]
    pub log_dir: Option<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// Write the report to FILE instead of standard output; `FORMAT=FILE` (repeatable) also
    /// writes FORMAT (json, human, sarif, junit, markdown, github, gitlab) to FILE, from the
    /// same evaluation.
    #[arg(long, value_name = "[FORMAT=]FILE", value_parser = super::outputs::parse)]
    pub output: Vec<super::outputs::OutputSpec>,
    /// When to colour the human report.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Print nothing; the exit code is the verdict.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(clap::Args, Debug)]
pub struct FactsArgs {
    #[command(flatten)]
    pub sources: Sources,
    /// Print the schema of gate's own namespaces (JSON Schema) instead of facts.
    #[arg(long)]
    pub schema: bool,
    /// No progress on the terminal while producers read (the facts still go to standard output).
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(clap::Args, Debug)]
pub struct ExplainArgs {
    /// The policy file.
    pub policy: PathBuf,
    /// Only this rule.
    pub rule: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct FmtArgs {
    /// Policy files, or folders to search for `*.gate` files; default: the current folder.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Change nothing: list the files that are not formatted and exit 1 if there are any.
    #[arg(long)]
    pub check: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LintFormat {
    Human,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct LintArgs {
    /// The policy file.
    #[arg(value_name = "POLICY")]
    pub policy: PathBuf,
    /// The instant waivers are measured from, with an offset; default: now.
    #[arg(long, value_name = "DATETIME")]
    pub now: Option<String>,
    /// A waiver may run at most this many days past `--now` [default: a year, the horizon
    /// `gate check` warns past]
    #[arg(long, value_name = "N")]
    pub max_waiver_days: Option<u32>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LintFormat::Human)]
    pub format: LintFormat,
    /// Exit 1 when there are warnings.
    #[arg(long)]
    pub deny_warnings: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TestFormat {
    Human,
    Json,
    /// JUnit XML for the tests themselves.
    Junit,
}

#[derive(clap::Args, Debug)]
pub struct TestArgs {
    /// Test files (`*.test.toml`), or folders searched for them; default: the current folder.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Results format. With `--output`, the human results still go to standard output.
    #[arg(long, value_enum, default_value_t = TestFormat::Human)]
    pub format: TestFormat,
    /// Write the results in `--format` to FILE.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Measure and print rule and branch coverage.
    #[arg(long)]
    pub coverage: bool,
    /// Fail (exit 1) when less than PERCENT of the coverage outcomes were seen.
    #[arg(long, value_name = "PERCENT")]
    pub min_coverage: Option<f64>,
    /// When to colour the errors.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}
