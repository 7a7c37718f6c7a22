//! The schema of gate's own fact namespaces: field names, types and units. The policy checker
//! depends on this module only — never on the producers that fill the namespaces.

/// The type of a fact field.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FieldType {
    Bool,
    Number,
    /// A ratio written as a number (1 is 100%).
    Percent,
    Str,
    /// A string with a closed set of values.
    Enum(&'static [&'static str]),
    Duration,
    Size,
    Date,
    DateTime,
    Time,
    Weekday,
    Severity,
    Version,
    License,
    List(&'static FieldType),
    Record(&'static [Field]),
    /// A JSON value of any shape (checked when evaluated).
    Any,
}

/// One field of a record in a namespace.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Field {
    pub name: &'static str,
    pub ty: FieldType,
    /// May hold `null` (read as `none`).
    pub optional: bool,
    pub doc: &'static str,
}

const fn f(name: &'static str, ty: FieldType, doc: &'static str) -> Field {
    Field {
        name,
        ty,
        optional: false,
        doc,
    }
}

const fn opt(name: &'static str, ty: FieldType, doc: &'static str) -> Field {
    Field {
        name,
        ty,
        optional: true,
        doc,
    }
}

/// A namespace: its name, the producer that fills it and its top-level fields.
#[derive(Clone, Copy, Debug)]
pub struct Namespace {
    pub name: &'static str,
    pub doc: &'static str,
    /// How a user gets this namespace produced, for "fact not produced" help.
    pub produced_by: &'static str,
    pub fields: &'static [Field],
    /// The namespace is a list of such records (`steps`, `approvals`), not one record.
    pub list: bool,
}

/// Words that cannot name a `let`, a `for` binding, a quantifier variable or a namespace.
pub const RESERVED: &[&str] = &[
    "policy",
    "version",
    "use",
    "let",
    "rule",
    "waive",
    "until",
    "by",
    "because",
    "for",
    "in",
    "where",
    "require",
    "else",
    "forbid",
    "and",
    "or",
    "not",
    "any",
    "all",
    "count",
    "matches",
    "allowed",
    "contains",
    "true",
    "false",
    "none",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "info",
    "low",
    "medium",
    "high",
    "critical",
    "block",
    "warn",
];

use FieldType as T;

const LICENSE_ID: &[Field] = &[
    f("id", T::Str, "SPDX license id"),
    f("name", T::Str, "full name of the license"),
    f(
        "osi_approved",
        T::Bool,
        "approved by the Open Source Initiative",
    ),
    f("fsf_libre", T::Bool, "free/libre according to the FSF"),
    f(
        "category",
        T::Enum(LICENSE_CATEGORIES),
        "category from the organisation's license table",
    ),
];

/// The license categories legal teams sort licenses into.
pub const LICENSE_CATEGORIES: &[&str] = &[
    "permissive",
    "weak-copyleft",
    "strong-copyleft",
    "network-copyleft",
    "source-available",
    "public-domain",
    "proprietary",
    "unknown",
];

const PACKAGE: &[Field] = &[
    f("name", T::Str, "package name"),
    f("version", T::Version, "package version (semver)"),
    opt(
        "license",
        T::License,
        "declared SPDX expression; none when the package declares none",
    ),
    f(
        "license_ids",
        T::List(&T::Record(LICENSE_ID)),
        "each license id in the expression",
    ),
    f(
        "license_source",
        T::Enum(&["manifest", "license-file", "sbom", "clarified", "none"]),
        "where the license came from",
    ),
    f(
        "kind",
        T::Enum(&["normal", "build", "dev"]),
        "the strongest way any workspace member reaches it",
    ),
    f("workspace", T::Bool, "a member of the workspace"),
    f("direct", T::Bool, "a direct dependency of a member"),
    f(
        "path",
        T::Str,
        "shortest chain from a member, e.g. `app -> reqwest -> hyper`",
    ),
    f(
        "source",
        T::Enum(&["registry", "git", "path"]),
        "where the package comes from",
    ),
    opt("purl", T::Str, "package URL"),
    opt(
        "declared",
        T::Str,
        "the license text exactly as the package declares it, before any rewrite",
    ),
    f(
        "license_notes",
        T::List(&T::Str),
        "how the license was read: lax rewrites, deprecated ids, license-file scores, clarifications",
    ),
    opt(
        "license_score",
        T::Percent,
        "how closely the license file's text matches the identified license",
    ),
    opt(
        "license_file",
        T::Str,
        "the package's license file, when its license was read from it",
    ),
    opt(
        "clarification",
        T::Str,
        "the reason legal gave when a clarification fixed the license",
    ),
    opt(
        "manifest",
        T::Str,
        "the file that describes the package: its Cargo.toml, or the SBOM",
    ),
];

const LICENSE_SUMMARY: &[Field] = &[
    f("id", T::Str, "SPDX license id"),
    f("category", T::Enum(LICENSE_CATEGORIES), "category"),
    f("packages", T::Number, "how many packages carry it"),
];

const LICENSES: &[Field] = &[
    f(
        "packages",
        T::List(&T::Record(PACKAGE)),
        "every package the release ships or builds with",
    ),
    f(
        "summary",
        T::List(&T::Record(LICENSE_SUMMARY)),
        "one entry per license id",
    ),
    f("scope", T::Record(LICENSE_SCOPE), "what was read, and how"),
];

const LICENSE_SCOPE: &[Field] = &[
    f(
        "input",
        T::Enum(&["cargo", "spdx", "cyclonedx"]),
        "a Cargo workspace or an SBOM",
    ),
    f("file", T::Str, "the workspace manifest or the SBOM file"),
    f(
        "target",
        T::Str,
        "the target platform dependencies were resolved for, or `all platforms`",
    ),
    f(
        "features",
        T::Str,
        "the features enabled in the workspace members",
    ),
    f(
        "license_list",
        T::Str,
        "version of the SPDX license list gate reads ids with",
    ),
    f("gate", T::Str, "version of gate that read it"),
    opt(
        "spec",
        T::Str,
        "the SBOM's format and version, e.g. `SPDX-2.3`",
    ),
];

const LOAD_REQUESTS: &[Field] = &[
    f("total", T::Number, "requests sent"),
    f("failed", T::Number, "requests that failed"),
    f("error_rate", T::Percent, "failed / total"),
    f(
        "dropped",
        T::Number,
        "iterations the generator could not start on time",
    ),
    f("timeouts", T::Number, "requests that timed out"),
];

const LATENCY: &[Field] = &[
    f("min", T::Duration, "fastest response"),
    f("mean", T::Duration, "mean response time"),
    f("p50", T::Duration, "median"),
    f("p90", T::Duration, "90th percentile"),
    f("p95", T::Duration, "95th percentile"),
    f("p99", T::Duration, "99th percentile"),
    f("p999", T::Duration, "99.9th percentile"),
    f("max", T::Duration, "slowest response"),
];

const ENDPOINT: &[Field] = &[
    f("name", T::Str, "endpoint name or label"),
    f("requests", T::Record(LOAD_REQUESTS), "request counts"),
    f("latency", T::Record(LATENCY), "latency percentiles"),
];

const WINDOW: &[Field] = &[
    f("start", T::DateTime, "start of the window"),
    f(
        "length",
        T::Duration,
        "length of the window (`[load] window`, 30s by default)",
    ),
    f("rate", T::Number, "requests per second in the window"),
    f("requests", T::Number, "requests that ended in the window"),
    opt(
        "error_rate",
        T::Percent,
        "failed / total in the window; none when the window saw no request",
    ),
    opt(
        "p99",
        T::Duration,
        "99th percentile latency in the window; none when the window saw no request",
    ),
    f(
        "latency",
        T::Record(LATENCY),
        "latency percentiles in the window (absent when the window saw no request)",
    ),
];

const THRESHOLD: &[Field] = &[
    f(
        "metric",
        T::Str,
        "the metric the threshold is on, e.g. `http_req_duration{name:checkout}`",
    ),
    f(
        "expression",
        T::Str,
        "the threshold as written, e.g. `p(95)<500`",
    ),
    f("passed", T::Bool, "the tool judged it met"),
];

const LOAD_SOURCE: &[Field] = &[
    f("tool", T::Str, "the load tool"),
    f("file", T::Str, "the results file"),
    f(
        "format",
        T::Str,
        "which of the tool's output forms, e.g. `summary-export`, `ndjson`, `jtl-csv`",
    ),
    f("samples", T::Number, "latency samples read from it"),
    opt("started", T::DateTime, "when its test started"),
    opt("duration", T::Duration, "how long its test ran"),
    f("requests", T::Record(LOAD_REQUESTS), "its request counts"),
    f("latency", T::Record(LATENCY), "its latency percentiles"),
];

const LOAD: &[Field] = &[
    f(
        "tool",
        T::Str,
        "the load tool that produced the results (tools joined by `+` when several did)",
    ),
    f("duration", T::Duration, "how long the test ran"),
    f(
        "model",
        T::Enum(&["open", "closed"]),
        "open (arrival rate) or closed (virtual users) model",
    ),
    opt("target_rate", T::Number, "requests per second asked for"),
    f("achieved_rate", T::Number, "requests per second achieved"),
    f("requests", T::Record(LOAD_REQUESTS), "request counts"),
    f(
        "latency",
        T::Record(LATENCY),
        "latency percentiles; from merged histograms when several raw streams were read, never averaged",
    ),
    opt(
        "co_corrected",
        T::Bool,
        "latency corrected for coordinated omission",
    ),
    f(
        "endpoints",
        T::List(&T::Record(ENDPOINT)),
        "per-endpoint results",
    ),
    f("windows", T::List(&T::Record(WINDOW)), "fixed time windows"),
    f(
        "thresholds",
        T::List(&T::Record(THRESHOLD)),
        "pass/fail criteria the results file carries (k6 thresholds), with the tool's result",
    ),
    f(
        "samples",
        T::Number,
        "latency samples behind the percentiles",
    ),
    opt("started", T::DateTime, "when the test started"),
    f(
        "sources",
        T::List(&T::Record(LOAD_SOURCE)),
        "each results file read, with its own counts and percentiles",
    ),
];

const SECURITY_FINDING: &[Field] = &[
    f("tool", T::Str, "the scanner"),
    f("rule", T::Str, "the scanner's rule or advisory id"),
    f("severity", T::Severity, "severity band"),
    f("message", T::Str, "what the scanner said"),
    f(
        "suppressed",
        T::Bool,
        "suppressed in the source or by the scanner's config",
    ),
    opt("file", T::Str, "file the finding is in"),
    opt("line", T::Number, "1-based line"),
    opt("url", T::Str, "URL, for dynamic scans"),
    opt("cwe", T::Str, "CWE id"),
    opt("advisory", T::Str, "RUSTSEC, GHSA or CVE id"),
    opt("package", T::Str, "affected package"),
    opt("fixed_in", T::Str, "version with the fix"),
    opt("justification", T::Str, "why it is suppressed"),
    opt(
        "rule_name",
        T::Str,
        "the rule's readable name, when the scanner gives one besides its id",
    ),
    opt(
        "column",
        T::Number,
        "1-based column of `line`, as the scanner counts",
    ),
    opt("end_line", T::Number, "last line of the finding's region"),
    opt(
        "score",
        T::Number,
        "CVSS base score (0–10) behind the severity: given by the scanner or computed from its CVSS 3 vector",
    ),
    opt("installed", T::Str, "installed version of `package`"),
    opt(
        "reference",
        T::Str,
        "a page describing the rule or advisory (SARIF `helpUri`, the advisory's page)",
    ),
    opt(
        "confidence",
        T::Str,
        "the scanner's confidence (ZAP: `false positive`, `low`, `medium`, `high`, `confirmed`)",
    ),
    opt(
        "instances",
        T::Number,
        "places the finding was seen (ZAP: its instances; `url` is the first)",
    ),
];

const SECURITY_COUNTS: &[Field] = &[
    f("critical", T::Number, "unsuppressed critical findings"),
    f("high", T::Number, "unsuppressed high findings"),
    f("medium", T::Number, "unsuppressed medium findings"),
    f("low", T::Number, "unsuppressed low findings"),
    f("info", T::Number, "unsuppressed info findings"),
];

const SCAN: &[Field] = &[
    f("tool", T::Str, "the scanner"),
    opt("version", T::Str, "its version"),
    opt("started", T::DateTime, "when the scan started"),
    f("completed", T::Bool, "the tool reported success"),
    opt("file", T::Str, "the results file the scan was read from"),
    opt(
        "format",
        T::Enum(&["sarif", "zap", "cargo-audit", "npm-audit", "trivy"]),
        "the results format",
    ),
    opt(
        "findings",
        T::Number,
        "findings of this scan, suppressed ones included",
    ),
];

const SECURITY: &[Field] = &[
    f(
        "findings",
        T::List(&T::Record(SECURITY_FINDING)),
        "every finding of every scanner",
    ),
    f(
        "counts",
        T::Record(SECURITY_COUNTS),
        "unsuppressed findings by severity",
    ),
    f("scans", T::List(&T::Record(SCAN)), "each scan that ran"),
];

const TEST_STATUS: &[&str] = &["passed", "failed", "skipped", "error"];

const SUITE: &[Field] = &[
    f(
        "name",
        T::Str,
        "suite name (`<testsuite name>`; a nested suite is `parent/child`)",
    ),
    f("kind", T::Str, "regression, e2e, uat, … from the plan"),
    f(
        "total",
        T::Number,
        "test cases (a retried test counts once)",
    ),
    f("passed", T::Number, "passed, flaky ones included"),
    f(
        "failed",
        T::Number,
        "failed (status `failed`; errors are counted in `errors`)",
    ),
    f(
        "errors",
        T::Number,
        "ended in an error rather than a failed assertion (status `error`)",
    ),
    f("skipped", T::Number, "skipped"),
    f("flaky", T::Number, "passed only on retry"),
    f(
        "duration",
        T::Duration,
        "wall time: the suite's `time`, else the sum of its cases",
    ),
    f("file", T::Str, "the JUnit file it was read from"),
];

const CASE: &[Field] = &[
    f("suite", T::Str, "suite name"),
    f("kind", T::Str, "kind of suite"),
    f("name", T::Str, "test name"),
    f("status", T::Enum(TEST_STATUS), "outcome"),
    f("flaky", T::Bool, "failed, then passed on a retry"),
    f(
        "attempts",
        T::Number,
        "how many times it ran (1 unless retried)",
    ),
    f(
        "duration",
        T::Duration,
        "how long it ran, all attempts together",
    ),
    opt(
        "message",
        T::Str,
        "failure, error or skip message (of the last failed attempt for a flaky test)",
    ),
    opt("classname", T::Str, "the JUnit `classname`"),
    opt(
        "file",
        T::Str,
        "the test's source file, when the JUnit file says (`file` attribute)",
    ),
    opt(
        "line",
        T::Number,
        "its line, when the JUnit file says (`line` attribute)",
    ),
];

const TESTS: &[Field] = &[
    f(
        "total",
        T::Number,
        "test cases (a retried test counts once)",
    ),
    f("passed", T::Number, "passed, flaky ones included"),
    f(
        "failed",
        T::Number,
        "failed (status `failed`; errors are counted in `errors`)",
    ),
    f(
        "errors",
        T::Number,
        "ended in an error rather than a failed assertion (status `error`)",
    ),
    f("skipped", T::Number, "skipped"),
    f("flaky", T::Number, "passed only on retry"),
    f(
        "duration",
        T::Duration,
        "total wall time: each JUnit file's `time`, added up",
    ),
    f("suites", T::List(&T::Record(SUITE)), "each suite"),
    f("cases", T::List(&T::Record(CASE)), "each test case"),
];

const EXPOSURE: &[Field] = &[
    f(
        "kind",
        T::Enum(&[
            "debug",
            "display",
            "serialize",
            "log",
            "error-message",
            "instrument",
        ]),
        "how the value leaves: a Debug/Display that shows it, a Serialize that writes it, a logging or printing macro that receives it, an error template that formats it, an #[instrument] that records it",
    ),
    f("file", T::Str, "where it is exposed"),
    f("line", T::Number, "line, from 1"),
    f("column", T::Number, "column, from 1"),
    f(
        "detail",
        T::Str,
        "what exposes it, e.g. `info!(ssn = %p.ssn)`",
    ),
];

const REGULATED: &[Field] = &[
    f(
        "path",
        T::Str,
        "module path and name, e.g. `billing::Patient::ssn`",
    ),
    f("name", T::Str, "the item's own name"),
    f(
        "item",
        T::Enum(&["field", "struct", "enum", "variant", "static", "param"]),
        "what was marked",
    ),
    f(
        "category",
        T::Str,
        "`phi`, `pii`, `pci` or the organisation's own",
    ),
    opt("id", T::Str, "the kind of datum, e.g. `ssn`, `pan`, `mrn`"),
    f(
        "never_store",
        T::Bool,
        "must never be persisted (e.g. a CVV)",
    ),
    opt("type", T::Str, "the type as written"),
    f("file", T::Str, "where it is declared"),
    f("line", T::Number, "line, from 1"),
    f("column", T::Number, "column, from 1"),
    f(
        "protected",
        T::Bool,
        "true only when the value has a protective type (or is redacted) and nothing exposes it",
    ),
    f(
        "protection",
        T::Enum(&["secret-type", "redacted", "none"]),
        "how the value is protected",
    ),
    f(
        "exposures",
        T::List(&T::Record(EXPOSURE)),
        "every place the value is exposed",
    ),
    f(
        "marked_by",
        T::Enum(&["attribute", "doc-comment", "type"]),
        "how it was marked: its own annotation, or the annotation of its type",
    ),
];

const UNCLASSIFIED: &[Field] = &[
    f("path", T::Str, "module path and name"),
    f("file", T::Str, "where it is declared"),
    f("line", T::Number, "line, from 1"),
    f("reason", T::Str, "why it looks regulated"),
];

const PARSE_ERROR: &[Field] = &[
    f("file", T::Str, "the file that could not be read as Rust"),
    f("line", T::Number, "line, from 1"),
    f("message", T::Str, "why"),
];

const SOURCE: &[Field] = &[
    f(
        "regulated",
        T::List(&T::Record(REGULATED)),
        "every regulated item, with its protection and exposures",
    ),
    f(
        "unclassified",
        T::List(&T::Record(UNCLASSIFIED)),
        "names that look regulated but carry no annotation",
    ),
    f("files", T::Number, "Rust files scanned"),
    f("lines", T::Number, "lines scanned"),
    f(
        "parse_errors",
        T::List(&T::Record(PARSE_ERROR)),
        "files that could not be read as Rust; the scan went on",
    ),
];

const CLOCK: &[Field] = &[
    f(
        "now",
        T::DateTime,
        "the instant of the decision, in the policy's time zone",
    ),
    f("date", T::Date, "today's date in the policy's time zone"),
    f("time", T::Time, "the time of day in the policy's time zone"),
    f(
        "weekday",
        T::Weekday,
        "the day of the week in the policy's time zone",
    ),
    f(
        "zone",
        T::Str,
        "the IANA time zone, e.g. `America/New_York`",
    ),
];

const STEP: &[Field] = &[
    f("name", T::Str, "the step's name in the plan"),
    f(
        "kind",
        T::Enum(&["command", "producer"]),
        "an external command (`run = …`) or one of gate's producers",
    ),
    f(
        "status",
        T::Enum(&["passed", "failed", "skipped", "timed-out", "interrupted"]),
        "how it ended: skipped when an earlier step stopped the run, interrupted by Ctrl-C",
    ),
    f("duration", T::Duration, "wall time, every attempt included"),
    opt(
        "exit_code",
        T::Number,
        "the command's exit code; none for a producer, or a command killed by a signal or a timeout",
    ),
    f(
        "attempts",
        T::Number,
        "how many times it ran (retries + 1 at most)",
    ),
    opt("started", T::DateTime, "when it started; none when skipped"),
    opt("log", T::Str, "the file its output was written to"),
    opt("message", T::Str, "why it failed, in a line"),
];

const PIPELINE: &[Field] = &[
    f(
        "cycle_time",
        T::Duration,
        "from the first step's start to the last step's end",
    ),
    f("started", T::DateTime, "when the run started"),
    f("steps", T::Number, "steps in the plan"),
    f("failed", T::Number, "steps that failed or timed out"),
    f("interrupted", T::Bool, "the run was stopped by Ctrl-C"),
];

const CONFIG_DIFFERENCE: &[Field] = &[
    f("key", T::Str, "the dotted key, e.g. `database.url`"),
    opt(
        "staging",
        T::Str,
        "the staging value as text; none for a secret (never shown)",
    ),
    opt(
        "production",
        T::Str,
        "the production value as text; none for a secret (never shown)",
    ),
    f(
        "secret",
        T::Bool,
        "a secret-looking key or one the plan names: only whether it differs is kept",
    ),
    opt(
        "staging_line",
        T::Number,
        "line of the key in the staging file",
    ),
    opt(
        "production_line",
        T::Number,
        "line of the key in the production file",
    ),
];

const CONFIG: &[Field] = &[
    f(
        "differences",
        T::List(&T::Record(CONFIG_DIFFERENCE)),
        "keys in both files whose values differ",
    ),
    f(
        "only_in_staging",
        T::List(&T::Str),
        "keys staging has and production does not",
    ),
    f(
        "only_in_production",
        T::List(&T::Str),
        "keys production has and staging does not",
    ),
    f("staging_file", T::Str, "the staging configuration"),
    f("production_file", T::Str, "the production configuration"),
    f(
        "keys",
        T::Number,
        "keys compared (both sides together, once each)",
    ),
];

const DATA_FILE: &[Field] = &[
    f("file", T::Str, "the extract"),
    f(
        "format",
        T::Enum(&["csv", "json", "ndjson", "sql"]),
        "how it was read",
    ),
    f("rows", T::Number, "rows (records, INSERT rows) read"),
    f("bytes", T::Size, "its size"),
];

const DATA_FINDING: &[Field] = &[
    f("file", T::Str, "the extract"),
    f("row", T::Number, "row, from 1 (the header is not a row)"),
    f("line", T::Number, "line in the file, from 1"),
    f("field", T::Str, "the column or key that holds it"),
    f(
        "kind",
        T::Str,
        "`email`, `us_ssn`, `credit_card`, `iban`, `phone`, `ipv4`, `ipv6`, or a plan pattern's name",
    ),
    f(
        "sample",
        T::Str,
        "the value masked: enough to recognise its shape, never the value",
    ),
];

const DATA: &[Field] = &[
    f(
        "files",
        T::List(&T::Record(DATA_FILE)),
        "every extract scanned",
    ),
    f(
        "findings",
        T::List(&T::Record(DATA_FINDING)),
        "unmasked sensitive values (at most `max_findings` per file)",
    ),
    f("rows", T::Number, "rows scanned, all files"),
    f(
        "truncated",
        T::Bool,
        "some file had more findings than `max_findings`: the list is not complete",
    ),
];

const PROBE: &[Field] = &[
    f("name", T::Str, "the probe's name in the plan"),
    f("url", T::Str, "what was requested"),
    opt(
        "status",
        T::Number,
        "HTTP status; none when no response came",
    ),
    f(
        "ok",
        T::Bool,
        "a response came, with the expected status, and every required metric is present",
    ),
    opt("latency", T::Duration, "time to the whole response"),
    f(
        "missing_metrics",
        T::List(&T::Str),
        "required Prometheus metric names the response does not have",
    ),
    opt("error", T::Str, "why no usable response came"),
];

const MONITORING: &[Field] = &[f(
    "probes",
    T::List(&T::Record(PROBE)),
    "each health or metrics probe",
)];

const RELEASE: &[Field] = &[
    f("version", T::Version, "the version being released"),
    f(
        "version_source",
        T::Enum(&["plan", "cargo", "git-tag"]),
        "where the version came from",
    ),
    opt("commit", T::Str, "the commit being released"),
    opt("author", T::Str, "the commit's author (email)"),
    f(
        "dirty",
        T::Bool,
        "the work tree has uncommitted changes to tracked files",
    ),
    opt("tag", T::Str, "the git tag on the commit"),
    f(
        "changelog_entry",
        T::Bool,
        "the changelog has an entry for this version",
    ),
    f(
        "rollback_doc",
        T::Bool,
        "the rollback document exists and is not empty",
    ),
];

const APPROVAL: &[Field] = &[
    f("who", T::Str, "who signed off"),
    f(
        "role",
        T::Str,
        "in which role, e.g. `qa`, `security`, `release-manager`",
    ),
    f("at", T::DateTime, "when"),
    f(
        "subject",
        T::Str,
        "what was approved: a version or an artifact digest",
    ),
    f(
        "current",
        T::Bool,
        "the subject is this release's version or artifact digest: a sign-off for anything else has lapsed",
    ),
    opt("comment", T::Str, "what the approver wrote"),
];

const UNPINNED: &[Field] = &[
    f("name", T::Str, "the dependency"),
    f(
        "reason",
        T::Str,
        "why it is not reproducible, e.g. `git dependency without rev`, `wildcard version`",
    ),
    f("file", T::Str, "the manifest that declares it"),
    opt("line", T::Number, "line in the manifest"),
];

const TOOLCHAIN: &[Field] = &[
    opt("rustc", T::Str, "`rustc --version`"),
    opt("cargo", T::Str, "`cargo --version`"),
    opt(
        "pinned",
        T::Str,
        "the channel `rust-toolchain.toml` pins, if any",
    ),
];

const BUILD: &[Field] = &[
    f("lockfile", T::Bool, "`Cargo.lock` is present"),
    f(
        "lockfile_committed",
        T::Bool,
        "`Cargo.lock` is tracked by git and has no uncommitted change",
    ),
    f(
        "unpinned",
        T::List(&T::Record(UNPINNED)),
        "dependencies a rebuild could resolve differently",
    ),
    f(
        "toolchain",
        T::Record(TOOLCHAIN),
        "the toolchain that builds it",
    ),
];

const ARTIFACT: &[Field] = &[
    f("name", T::Str, "the artifact's file name"),
    f("path", T::Str, "where it is"),
    f("digest", T::Str, "sha256 of its bytes, `sha256:…`"),
    f("size", T::Size, "its size"),
];

/// gate's own namespaces. Any other name is a custom namespace of plain JSON.
pub const NAMESPACES: &[Namespace] = &[
    Namespace {
        name: "clock",
        doc: "when the decision is made",
        produced_by: "always present: `--now` and `--tz`, else the system clock",
        fields: CLOCK,
        list: false,
    },
    Namespace {
        name: "licenses",
        doc: "the SPDX license graph of the dependencies",
        produced_by: "`[licenses]` in the plan, or `--facts licenses=FILE`",
        fields: LICENSES,
        list: false,
    },
    Namespace {
        name: "load",
        doc: "performance test results",
        produced_by: "`[load]` in the plan, or `--facts load=FILE`",
        fields: LOAD,
        list: false,
    },
    Namespace {
        name: "security",
        doc: "security testing results",
        produced_by: "`[security]` in the plan, or `--facts security=FILE`",
        fields: SECURITY,
        list: false,
    },
    Namespace {
        name: "source",
        doc: "regulated data declared in Rust source: protection and exposures",
        produced_by: "`[source]` in the plan, or `--facts source=FILE`",
        fields: SOURCE,
        list: false,
    },
    Namespace {
        name: "tests",
        doc: "regression, end-to-end and acceptance test results",
        produced_by: "`[tests]` in the plan, or `--facts tests=FILE`",
        fields: TESTS,
        list: false,
    },
    Namespace {
        name: "steps",
        doc: "each step of the staging sequence `gate run` ran",
        produced_by: "`gate run` with `[[step]]`s in the plan",
        fields: STEP,
        list: true,
    },
    Namespace {
        name: "pipeline",
        doc: "the staging run as a whole",
        produced_by: "`gate run`",
        fields: PIPELINE,
        list: false,
    },
    Namespace {
        name: "config",
        doc: "environment validation: staging against production configuration",
        produced_by: "`[config]` in the plan, or `--facts config=FILE`",
        fields: CONFIG,
        list: false,
    },
    Namespace {
        name: "data",
        doc: "sanitization of production data copied into staging",
        produced_by: "`[data]` in the plan, or `--facts data=FILE`",
        fields: DATA,
        list: false,
    },
    Namespace {
        name: "monitoring",
        doc: "health and metrics probes of the staging deployment",
        produced_by: "`[[monitoring.probe]]` in the plan, or `--facts monitoring=FILE`",
        fields: MONITORING,
        list: false,
    },
    Namespace {
        name: "release",
        doc: "release documentation: version, commit, changelog, rollback",
        produced_by: "`[release]` in the plan, or `--facts release=FILE`",
        fields: RELEASE,
        list: false,
    },
    Namespace {
        name: "approvals",
        doc: "sign-offs: who approved what, in which role, when",
        produced_by: "`[approvals]` in the plan, or `--facts approvals=FILE`",
        fields: APPROVAL,
        list: true,
    },
    Namespace {
        name: "build",
        doc: "repeatability: lock file, pinned dependencies, toolchain",
        produced_by: "`[build]` in the plan, or `--facts build=FILE`",
        fields: BUILD,
        list: false,
    },
    Namespace {
        name: "artifact",
        doc: "the artifact being promoted",
        produced_by: "`[artifact]` in the plan, or `--facts artifact=FILE`",
        fields: ARTIFACT,
        list: false,
    },
];

pub fn namespace(name: &str) -> Option<&'static Namespace> {
    NAMESPACES.iter().find(|n| n.name == name)
}

pub fn field<'a>(fields: &'a [Field], name: &str) -> Option<&'a Field> {
    fields.iter().find(|f| f.name == name)
}

/// How a type reads in docs and errors.
pub fn type_name(ty: &FieldType) -> String {
    match ty {
        T::Bool => "bool".into(),
        T::Number => "number".into(),
        T::Percent => "percent".into(),
        T::Str => "string".into(),
        T::Enum(values) => format!("one of {}", values.join(", ")),
        T::Duration => "duration".into(),
        T::Size => "size".into(),
        T::Date => "date".into(),
        T::DateTime => "datetime".into(),
        T::Time => "time of day".into(),
        T::Weekday => "weekday".into(),
        T::Severity => "severity".into(),
        T::Version => "version".into(),
        T::License => "license".into(),
        T::List(inner) => format!("list of {}", type_name(inner)),
        T::Record(_) => "record".into(),
        T::Any => "any".into(),
    }
}

/// The published schema, as `gate facts --schema` prints it: JSON Schema (draft 2020-12) with
/// gate's units and docs.
pub fn json_schema() -> serde_json::Value {
    use serde_json::json;
    fn field_schema(ty: &FieldType) -> serde_json::Value {
        match ty {
            T::Bool => json!({"type": "boolean"}),
            T::Number => json!({"type": "number"}),
            T::Percent => {
                json!({"type": "number", "x-gate-type": "percent", "description": "a ratio: 1 is 100%"})
            }
            T::Str => json!({"type": "string"}),
            T::Enum(values) => json!({"type": "string", "enum": values}),
            T::Duration => {
                json!({"type": "string", "x-gate-type": "duration", "pattern": "^-?[0-9]+(\\.[0-9]+)?(ns|us|ms|s|m|h|d)$"})
            }
            T::Size => json!({"type": "integer", "x-gate-type": "size", "description": "bytes"}),
            T::Date => json!({"type": "string", "format": "date"}),
            T::DateTime => json!({"type": "string", "format": "date-time"}),
            T::Time => {
                json!({"type": "string", "x-gate-type": "time", "pattern": "^[0-9]{2}:[0-9]{2}(:[0-9]{2})?$"})
            }
            T::Weekday => {
                json!({"type": "string", "enum": ["monday","tuesday","wednesday","thursday","friday","saturday","sunday"]})
            }
            T::Severity => {
                json!({"type": "string", "enum": ["info","low","medium","high","critical"]})
            }
            T::Version => {
                json!({"type": "string", "x-gate-type": "version", "description": "semver"})
            }
            T::License => {
                json!({"type": "string", "x-gate-type": "license", "description": "SPDX license expression"})
            }
            T::List(inner) => json!({"type": "array", "items": field_schema(inner)}),
            T::Record(fields) => record_schema(fields),
            T::Any => json!({}),
        }
    }
    fn record_schema(fields: &[Field]) -> serde_json::Value {
        let mut props = serde_json::Map::new();
        for fl in fields {
            let mut s = field_schema(&fl.ty);
            if let Some(obj) = s.as_object_mut() {
                obj.insert("description".into(), json!(fl.doc));
            }
            if fl.optional {
                s = json!({"anyOf": [s, {"type": "null"}], "description": fl.doc});
            }
            props.insert(fl.name.into(), s);
        }
        json!({"type": "object", "properties": props, "additionalProperties": false})
    }
    let mut namespaces = serde_json::Map::new();
    for ns in NAMESPACES {
        let mut s = record_schema(ns.fields);
        if ns.list {
            s = json!({"type": "array", "items": s});
        }
        if let Some(obj) = s.as_object_mut() {
            obj.insert("description".into(), json!(ns.doc));
            obj.insert("x-gate-produced-by".into(), json!(ns.produced_by));
        }
        namespaces.insert(ns.name.into(), s);
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "gate facts",
        "description": "Every namespace gate collects. Fields may be left out of a hand-made document; reading an absent field is an error, never a default.",
        "type": "object",
        "properties": namespaces,
        "additionalProperties": {"description": "a custom namespace: plain JSON"}
    })
}
