//! The language, construct by construct (language.md): tiny policies over tiny facts written to
//! a temporary folder, run through the `gate` binary, asserted on the JSON report.
//!
//! Most tables hold conditions. A condition is checked as `forbid COND because "holds"`: a
//! finding means it held, no finding means it did not, and an error is an error.

#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

use serde_json::Value;
use std::process::Command;

const NOW: &str = "2026-11-27T12:00:00Z";

/// The custom namespace `c` every table reads.
const C: &str = r#"{
  "n": 5, "zero": 0, "ratio": 0.0007, "s": "hello", "empty_s": "",
  "list": [1, 2, 3], "empty": [], "nul": null, "t": true, "f": false,
  "strs": ["a", "b"], "lic": "MIT OR Apache-2.0", "approved": ["ISC", "Apache-2.0"],
  "rec": {"name": "api", "v": 1}, "anon": {"v": 1, "w": "x"},
  "recs": [{"name": "a", "n": 1}, {"name": "b", "n": 5}, {"name": "c", "n": 10}],
  "nested": {"deep": {"er": 42}}
}"#;

/// gate's own `licenses` namespace, hand-made: versions semver and not.
const LICENSES: &str = r#"{"packages": [
  {"name": "old", "version": "0.17.2", "license": "GPL-2.0+", "kind": "normal", "workspace": false, "direct": true, "path": "app -> old", "source": "registry"},
  {"name": "loose", "version": "1.0", "license": "MIT", "kind": "dev", "workspace": false, "direct": true, "path": "app -> loose", "source": "registry"},
  {"name": "pre", "version": "1.0.0-alpha.1", "license": null, "kind": "build", "workspace": false, "direct": false, "path": "app -> x -> pre", "source": "git"}
]}"#;

/// gate's own `load` namespace, hand-made and partial: no `latency.p90`.
const LOAD: &str = r#"{
  "tool": "k6",
  "duration": "10m",
  "requests": {"total": 119760, "failed": 84, "error_rate": 0.0007, "dropped": 0, "timeouts": 3},
  "latency": {"p50": "38ms", "p99": "312ms", "max": "1.2s"}
}"#;

struct Run {
    code: Option<i32>,
    report: Value,
}

impl Run {
    fn verdict(&self) -> &str {
        self.report["verdict"].as_str().unwrap()
    }

    fn findings(&self) -> &Vec<Value> {
        self.report["findings"].as_array().unwrap()
    }

    fn errors(&self) -> &Vec<Value> {
        self.report["errors"].as_array().unwrap()
    }

    /// (rule, kind, message, waived) of every finding, in report order.
    fn summary(&self) -> Vec<(String, String, String, bool)> {
        self.findings()
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_string(),
                    f["kind"].as_str().unwrap().to_string(),
                    f["message"].as_str().unwrap().to_string(),
                    f["waived"].as_bool().unwrap(),
                )
            })
            .collect()
    }

    fn messages(&self) -> Vec<String> {
        self.summary().into_iter().map(|f| f.2).collect()
    }

    fn error_text(&self) -> String {
        serde_json::to_string_pretty(self.errors()).unwrap()
    }
}

/// Runs `policy "t"` + `body` with the namespace `c`, and `facts` (name, JSON) of gate's own.
fn run_with(body: &str, facts: &[(&str, &str)], args: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.gate"), format!("policy \"t\"\n{body}\n")).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gate"));
    cmd.current_dir(dir.path())
        .args(["check", "p.gate", "--format", "json"]);
    for (name, json) in [("c", C)].iter().chain(facts) {
        std::fs::write(dir.path().join(format!("{name}.json")), json).unwrap();
        cmd.args(["--facts", &format!("{name}={name}.json")]);
    }
    if !args.contains(&"--now") {
        cmd.args(["--now", NOW]);
    }
    cmd.args(args);
    let out = cmd.output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let report: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("not one JSON report ({e}): {text}\n{body}"));
    let run = Run {
        code: out.status.code(),
        report,
    };
    let want = match run.verdict() {
        "go" => 0,
        "no-go" => 1,
        _ => 2,
    };
    assert_eq!(run.code, Some(want), "exit code does not match the verdict");
    run
}

fn run(body: &str) -> Run {
    run_with(body, &[], &[])
}

#[derive(Debug, PartialEq)]
enum Outcome {
    Holds,
    Fails,
    /// An error: its code and message.
    Error(String, String),
}

fn outcome_of(r: &Run) -> Outcome {
    if r.verdict() == "error" {
        let e = &r.errors()[0];
        return Outcome::Error(
            e["code"].as_str().unwrap().to_string(),
            e["message"].as_str().unwrap().to_string(),
        );
    }
    match r.messages().as_slice() {
        [] => Outcome::Fails,
        [m] if m == "holds" => Outcome::Holds,
        other => panic!("unexpected findings {other:?}"),
    }
}

fn cond_with(cond: &str, facts: &[(&str, &str)], args: &[&str]) -> Outcome {
    outcome_of(&run_with(
        &format!("rule t: block {{\n  forbid {cond}\n    because \"holds\"\n}}"),
        facts,
        args,
    ))
}

fn cond(cond: &str) -> Outcome {
    cond_with(cond, &[], &[])
}

/// Each condition holds.
fn all_hold(conds: &[&str]) {
    let bad: Vec<String> = conds
        .iter()
        .filter_map(|c| match cond(c) {
            Outcome::Holds => None,
            other => Some(format!("`{c}`: {other:?}")),
        })
        .collect();
    assert!(bad.is_empty(), "should hold:\n{}", bad.join("\n"));
}

/// No condition holds, and none is an error.
fn none_hold(conds: &[&str]) {
    let bad: Vec<String> = conds
        .iter()
        .filter_map(|c| match cond(c) {
            Outcome::Fails => None,
            other => Some(format!("`{c}`: {other:?}")),
        })
        .collect();
    assert!(bad.is_empty(), "should not hold:\n{}", bad.join("\n"));
}

/// Each condition is an error with `code` whose message contains the text given, located in
/// the policy.
fn all_error(code: &str, cases: &[(&str, &str)]) {
    let mut bad = Vec::new();
    for (c, text) in cases {
        let r = run(&format!(
            "rule t: block {{\n  forbid {c}\n    because \"holds\"\n}}"
        ));
        match outcome_of(&r) {
            Outcome::Error(got, message) if got == code && message.contains(text) => {
                let loc = &r.errors()[0]["location"];
                if loc["file"] != "p.gate" || loc["line"].as_u64().unwrap_or(0) < 2 {
                    bad.push(format!("`{c}`: not located in the policy: {loc}"));
                }
            }
            other => bad.push(format!("`{c}`: {other:?}, want {code} with `{text}`")),
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

// --- literals and units -----------------------------------------------------------------------

#[test]
fn literals_and_units() {
    all_hold(&[
        "1d == 24h",
        "1h == 60m",
        "1m == 60s",
        "1s == 1000ms",
        "1ms == 1000us",
        "1us == 1000ns",
        "1.5s == 1500ms",
        "0.07% == 0.0007",
        "0.1% == 0.001",
        "99.9% > 99%",
        "100% == 1",
        "10KiB == 10240B",
        "1KB == 1000B",
        "5MB == 5000KB",
        "1MiB == 1024KiB",
        "1GiB == 1024MiB",
        "1GB == 1000MB",
        "1TB == 1000GB",
        "1TiB == 1024GiB",
        "-1 < 0",
        "3.5 > 3",
        "42 == 42.0",
        "2027-06-30 > 2027-06-29",
        "2027-06-30T16:00:00Z == 2027-06-30T17:00:00+01:00",
        "2027-06-30T16:00:00.5Z > 2027-06-30T16:00:00Z",
        "16:00 < 16:00:30",
        "16:00 == 16:00:00",
        "monday != tuesday",
        "info < low and low < medium and medium < high and high < critical",
        "true != false",
        "[1, 2] == [1, 2]",
        "[] == []",
    ]);
}

#[test]
fn strings_and_escapes() {
    all_hold(&[
        r#""a\"b" == "a\"b""#,
        r#"len("a\"b") == 3"#,
        r#"len("\\") == 1"#,
        r#"len("\n") == 1"#,
        r#""tab\there" contains "\t""#,
        r#""\u{2603}" == "☃""#,
        r#""\u{1F600}" == "😀""#,
        r##""x # not a comment" contains "#""##,
        r#""" == c.empty_s"#,
    ]);
}

#[test]
fn exact_decimals_in_policies_and_facts() {
    all_hold(&[
        "0.1 + 0.2 == 0.3",
        "c.ratio == 0.07%",
        "c.ratio < 0.1%",
        "c.ratio * 10000 == 7",
        "10 / 4 == 2.5",
    ]);
}

// --- arithmetic -----------------------------------------------------------------------------

#[test]
fn arithmetic() {
    all_hold(&[
        "1 + 2 * 3 == 7",
        "(1 + 2) * 3 == 9",
        "10 - 2 - 3 == 5",
        "-c.n == -5",
        "--5 == 5",
        "1s + 500ms == 1.5s",
        "2s - 500ms == 1.5s",
        "250ms * 2 == 500ms",
        "2 * 250ms == 500ms",
        "1s / 4 == 250ms",
        "1s / 250ms == 4",
        "1KB + 24B == 1024B",
        "1MB / 1KB == 1000",
        "10KB * 2 == 20KB",
        "2 * 1KiB == 2048B",
        "c.n * 2 + 1 == 11",
    ]);
}

#[test]
fn arithmetic_type_errors() {
    all_error(
        "type-mismatch",
        &[
            ("1s + 1 > 0s", "cannot add a duration and a number"),
            ("1 + 1s > 0s", "cannot add"),
            ("1KB + 1s > 0s", "cannot add"),
            ("1s * 1s > 0s", "cannot multiply"),
            ("1 / 1s > 0", "cannot divide"),
            (r#""a" + "b" == "ab""#, "cannot add"),
            ("2027-01-01 + 1d == 2027-01-02", "cannot add"),
            ("0.1% + 0.1% == 0.2%", "cannot add"),
        ],
    );
}

#[test]
fn arithmetic_failures_at_run_time_are_errors() {
    all_error(
        "eval",
        &[
            ("c.n / c.zero == 1", "`c.n / c.zero`"),
            ("1s / c.zero > 0s", "`1s / c.zero`"),
            ("c.n * 99999999999999999999999999 * 1000 > 0", "overflow"),
        ],
    );
}

// --- comparisons and types -------------------------------------------------------------------

#[test]
fn comparisons() {
    all_hold(&[
        "c.n == 5",
        "c.n != 6",
        "c.n < 6",
        "c.n <= 5",
        "c.n > 4",
        "c.n >= 5",
        r#"c.s == "hello""#,
        r#""abc" < "abd""#,
        "c.t",
        "not c.f",
        "c.t == true",
        "c.nested.deep.er == 42",
        "c.list[0] == 1",
        r#"c.rec["name"] == "api""#,
        "c.recs[2].n == 10",
    ]);
    none_hold(&[
        "c.n == 6",
        "c.n > 5",
        r#"c.s == "Hello""#,
        "1s > 1m",
        "c.f",
        "c.t and c.f",
        "c.f or c.f",
    ]);
}

#[test]
fn comparing_different_types_is_a_load_error() {
    all_error(
        "type-mismatch",
        &[
            (r#"1 == "1""#, "cannot compare a number with a string"),
            ("1s == 1", "cannot compare a duration with a number"),
            ("1KB > 1s", "cannot compare"),
            (
                r#"2026-01-01 == "2026-01-01""#,
                "cannot compare a date with a string",
            ),
            ("2026-01-01 < 2026-01-01T00:00:00Z", "cannot compare"),
            ("16:00 == 1", "cannot compare"),
            (
                r#"high == "high""#,
                "cannot compare a severity with a string",
            ),
            (
                r#"friday == "friday""#,
                "cannot compare a weekday with a string",
            ),
            ("true < false", "has no order"),
            (
                r#"1 in ["a"]"#,
                "`in` looks for a number in a list of strings",
            ),
            (
                r#"[1] contains "a""#,
                "`contains` looks for a string in a list of numbers",
            ),
            (r#""abc" contains 1"#, "a string contains strings"),
        ],
    );
}

#[test]
fn comparing_different_types_in_a_custom_namespace_is_an_error_when_evaluated() {
    all_error(
        "eval",
        &[
            (
                "c.s > 1",
                "`c.s > 1`: cannot compare a string with a number",
            ),
            (r#"c.n == "5""#, "cannot compare a number with a string"),
            ("c.rec == 1", "`c.rec == 1`"),
            (r#"c.list contains "a""#, "`c.list contains \"a\"`"),
        ],
    );
}

#[test]
fn booleans_have_no_order_when_evaluated() {
    all_error(
        "eval",
        &[("c.t < c.f", "`c.t < c.f`"), ("c.f <= c.t", "`c.f <= c.t`")],
    );
}

#[test]
fn a_condition_that_is_not_a_boolean_is_an_error() {
    all_error("type-mismatch", &[("1 + 1", "needs a condition")]);
    all_error(
        "eval",
        &[
            ("c.n", "`c.n` is a number, not true or false"),
            ("c.s", "`c.s`"),
        ],
    );
}

// --- in, not in, contains, matches -------------------------------------------------------------

#[test]
fn membership_and_matching() {
    all_hold(&[
        "2 in [1, 2, 3]",
        "4 not in [1, 2, 3]",
        r#""a" in c.strs"#,
        r#""z" not in c.strs"#,
        r#"c.strs contains "b""#,
        "c.list contains 3",
        r#"c.s contains "ell""#,
        r#"not (c.s contains "z")"#,
        r#"c.s matches "^h.l+o$""#,
        r#"c.s matches "ll""#,
        r#"not (c.s matches "^ll")"#,
        r#"c.s matches "(?i)HELLO""#,
        "friday in [friday, saturday]",
        "high in [high, critical]",
        "1s in [1000ms]",
    ]);
    none_hold(&[
        "5 in []",
        r#"c.empty_s contains "a""#,
        r#"c.s matches "^$""#,
        "low in [high, critical]",
    ]);
}

// --- ranges ---------------------------------------------------------------------------------

#[test]
fn ranges_are_inclusive() {
    all_hold(&[
        "c.n in 1..10",
        "c.n in 5..5",
        "c.n in 1..5",
        "c.n not in 6..10",
        "0.5% in 0.1%..1%",
        "c.ratio in 0%..0.1%",
        "2KB in 1KB..1MB",
        "2s in 1s..3s",
        "2026-11-27 in 2026-11-01..2026-12-01",
        "clock.now in 2026-11-27T00:00:00Z..2026-11-28T00:00:00Z",
        "12:00 in 09:00..17:00",
        "c.n - 1 in 2..2 + 2",
    ]);
    none_hold(&["11 in 1..10", "0 in 1..10", "18:00 in 09:00..17:00"]);
}

#[test]
fn time_ranges_wrap_past_midnight() {
    all_hold(&[
        "23:30 in 22:00..06:00",
        "05:00 in 22:00..06:00",
        "22:00 in 22:00..06:00",
    ]);
    none_hold(&[
        "12:00 in 22:00..06:00",
        "21:59 in 22:00..06:00",
        "06:00:01 in 22:00..06:00",
    ]);
    let night = |now: &str| cond_with("clock.time in 22:00..06:00", &[], &["--now", now]);
    assert_eq!(night("2026-11-27T23:30:00Z"), Outcome::Holds);
    assert_eq!(night("2026-11-27T05:00:00Z"), Outcome::Holds);
    assert_eq!(night("2026-11-27T12:00:00Z"), Outcome::Fails);
}

#[test]
fn reversed_ranges() {
    all_error(
        "reversed-range",
        &[
            ("1 in 10..1", "reversed"),
            ("2026-01-01 in 2026-12-31..2026-01-01", "reversed"),
            ("1s in 2s..1s", "reversed"),
        ],
    );
    // Only known when evaluated.
    all_error("eval", &[("c.n in c.n..1", "reversed")]);
    all_error(
        "type-mismatch",
        &[
            (r#"c.s in "a".."z""#, "a range is of"),
            ("1 in 1..2s", "a range's ends must be of one type"),
        ],
    );
}

// --- quantifiers and comprehensions ----------------------------------------------------------

#[test]
fn quantifiers_and_comprehensions() {
    all_hold(&[
        "any r in c.recs where r.n > 5",
        "all r in c.recs where r.n >= 1",
        "(count r in c.recs where r.n >= 5) == 2",
        "(count x in c.list) == 3",
        "all x in c.empty where x > 100",
        "not (any x in c.empty where true)",
        "(count x in c.empty) == 0",
        r#"[r.name for r in c.recs] == ["a", "b", "c"]"#,
        r#"[r.name for r in c.recs where r.n > 1] == ["b", "c"]"#,
        "[x * 2 for x in c.list] == [2, 4, 6]",
        "len([x for x in c.empty]) == 0",
        "any r in c.recs where any x in c.list where x == r.n",
        "sum([r.n for r in c.recs]) == 16",
        "all r in c.recs where r.n > 0 and r.name != \"\"",
    ]);
    none_hold(&[
        "any r in c.recs where r.n > 50",
        "all r in c.recs where r.n > 1",
        "any x in c.empty where true",
    ]);
}

#[test]
fn a_quantifier_needs_where_and_a_list() {
    all_error(
        "missing-where",
        &[
            ("any x in c.list", "`any` needs a condition"),
            ("all x in c.list", "`all`"),
        ],
    );
    all_error(
        "type-mismatch",
        &[(
            "any x in 5 where true",
            "`any` walks a list, but `5` is a number",
        )],
    );
    all_error(
        "eval",
        &[(
            "any x in c.rec where true",
            "`c.rec` is a record, not a list",
        )],
    );
}

// --- functions ------------------------------------------------------------------------------

#[test]
fn functions() {
    all_hold(&[
        "len(c.list) == 3",
        "len(c.s) == 5",
        "len(c.empty) == 0",
        r#"len("") == 0"#,
        r#"len("☃") == 1"#,
        "sum(c.list) == 6",
        "sum(c.empty) == 0",
        "sum([1s, 500ms]) == 1.5s",
        "sum([1KB, 24B]) == 1024B",
        "min(c.list) == 1",
        "max(c.list) == 3",
        "max([1s, 2m, 3ms]) == 2m",
        "min([2026-01-02, 2026-01-01]) == 2026-01-01",
        "max([low, critical, high]) == critical",
        r#"lower("AbC") == "abc""#,
        r#"upper("AbC") == "ABC""#,
        r#"starts_with(c.s, "he")"#,
        r#"ends_with(c.s, "lo")"#,
        r#"not starts_with(c.s, "lo")"#,
        r#"not ends_with(c.s, "he")"#,
        "days_until(2026-12-01) == 4",
        "days_until(2026-11-27) == 0",
        "days_until(2026-11-20) == -7",
        "days_until(2027-11-27) == 365",
        r#"license("MIT OR Apache-2.0") allowed by ["MIT"]"#,
    ]);
}

#[test]
fn min_and_max_of_an_empty_list_are_errors() {
    all_error(
        "eval",
        &[
            ("min(c.empty) == 0", "empty"),
            ("max(c.empty) == 0", "empty"),
        ],
    );
}

#[test]
fn function_misuse_is_a_load_error() {
    all_error(
        "wrong-arity",
        &[("len(1, 2) == 1", "`len` takes 1 argument, not 2")],
    );
    all_error(
        "unknown-function",
        &[("size(c.list) == 3", "unknown function `size`")],
    );
    all_error(
        "type-mismatch",
        &[
            (
                "len(5) == 1",
                "`len` needs a list or a string, not a number",
            ),
            (r#"sum(["a"]) == 1"#, "`sum` needs"),
            ("lower(5) == \"5\"", "`lower` needs a string"),
            (
                r#"days_until("2027-01-01") > 0"#,
                "`days_until` needs a date",
            ),
        ],
    );
    all_error(
        "bad-license",
        &[(r#"license("MIT OR") allowed by ["MIT"]"#, "`MIT OR`")],
    );
}

#[test]
fn days_until_counts_from_the_date_in_the_policy_zone() {
    // 02:00 UTC on 28 November is still 27 November in New York.
    let c = |tz: &str| {
        cond_with(
            "days_until(2026-12-01) == 4",
            &[],
            &["--now", "2026-11-28T02:00:00Z", "--tz", tz],
        )
    };
    assert_eq!(c("America/New_York"), Outcome::Holds);
    assert_eq!(c("UTC"), Outcome::Fails);
}

// --- allowed by ------------------------------------------------------------------------------

#[test]
fn allowed_by() {
    all_hold(&[
        r#"license("MIT OR GPL-3.0-only") allowed by ["MIT"]"#,
        r#"license("MIT AND Apache-2.0") allowed by ["MIT", "Apache-2.0"]"#,
        r#"license("(MIT OR ISC) AND Apache-2.0") allowed by ["ISC", "Apache-2.0"]"#,
        r#"license("Apache-2.0 WITH LLVM-exception") allowed by ["Apache-2.0"]"#,
        r#"license("GPL-2.0-or-later") allowed by ["GPL-2.0-only"]"#,
        r#"license("GPL-2.0-or-later") allowed by ["GPL-3.0-only"]"#,
        r#"license("GPL-2.0-or-later") allowed by ["GPL-3.0-or-later"]"#,
        r#"license("LGPL-2.1-or-later") allowed by ["LGPL-3.0-only"]"#,
        r#"license("GPL-2.0-only WITH Classpath-exception-2.0") allowed by ["GPL-2.0-only WITH Classpath-exception-2.0"]"#,
        r#"license("GPL-2.0-only WITH Classpath-exception-2.0") allowed by ["GPL-2.0-only"]"#,
        r#"license("GPL-2.0") allowed by ["GPL-2.0-only"]"#,
        r#"license("GPL-2.0+") allowed by ["GPL-3.0-only"]"#,
        r#"c.lic allowed by ["Apache-2.0"]"#,
        r#"c.lic allowed by c.approved"#,
        r#"license("ISC") allowed by [c.approved[0]]"#,
    ]);
    none_hold(&[
        r#"license("MIT AND GPL-3.0-only") allowed by ["MIT"]"#,
        r#"license("GPL-2.0-only") allowed by ["GPL-2.0-or-later"]"#,
        r#"license("GPL-2.0-only") allowed by ["GPL-2.0-only WITH Classpath-exception-2.0"]"#,
        r#"license("GPL-3.0-or-later") allowed by ["GPL-2.0-only"]"#,
        r#"license("LGPL-2.1-or-later") allowed by ["GPL-3.0-only"]"#,
        r#"license("Apache-2.0 WITH LLVM-exception") allowed by ["MIT"]"#,
        r#"license("MIT") allowed by []"#,
    ]);
}

#[test]
fn allowed_by_entries_are_single_terms() {
    all_error(
        "bad-allow-entry",
        &[
            (
                r#"license("MIT") allowed by ["MIT OR ISC"]"#,
                "`MIT OR ISC`",
            ),
            (
                r#"license("MIT") allowed by ["MIT", "MIT AND ISC"]"#,
                "`MIT AND ISC`",
            ),
        ],
    );
    all_error(
        "eval",
        &[(r#"c.lic allowed by [c.lic]"#, "single license terms")],
    );
}

#[test]
fn deprecated_license_ids_read_as_their_current_names() {
    let r = run_with(
        "rule a: block {\n  for p in licenses.packages where p.name == \"old\"\n  require p.license allowed by [\"MIT\"]\n}",
        &[("licenses", LICENSES)],
        &[],
    );
    assert_eq!(r.verdict(), "no-go");
    assert!(
        r.messages()[0].contains("GPL-2.0-or-later"),
        "{:?}",
        r.messages()
    );
}

#[test]
fn deprecated_license_ids_are_reported() {
    let r = run_with(
        "rule a: block {\n  for p in licenses.packages where p.name == \"old\"\n  require p.license allowed by [\"GPL-3.0-only\"]\n}",
        &[("licenses", LICENSES)],
        &[],
    );
    let text = serde_json::to_string(&r.report).unwrap();
    assert!(text.contains("deprecated"), "{text}");
}

// --- none ------------------------------------------------------------------------------------

#[test]
fn none_with_equals_is_fine() {
    all_hold(&[
        "c.nul == none",
        "c.n != none",
        "none == none",
        "c.nul != 1",
        "c.nul == none or c.nul > 1",
        "not (c.nul != none and c.nul > 1)",
    ]);
    none_hold(&["c.nul != none", "c.nul == 1"]);
}

#[test]
fn any_other_use_of_none_is_an_error_naming_the_expression() {
    all_error(
        "eval",
        &[
            ("c.nul > 1", "`c.nul > 1`"),
            ("c.nul + 1 == 2", "`c.nul + 1`"),
            ("c.nul", "`c.nul` is none"),
            ("c.nul.x == 1", "`c.nul` is none"),
            (r#"c.nul contains "a""#, "`c.nul contains \"a\"`"),
            (r#"c.nul matches "a""#, "`c.nul`"),
            ("len(c.nul) == 0", "`c.nul`"),
            (r#"c.nul allowed by ["MIT"]"#, "`c.nul`"),
            ("not c.nul", "`c.nul`"),
            ("any x in c.nul where true", "`c.nul`"),
        ],
    );
    all_error(
        "none-misuse",
        &[("1 > none", "`none` can only be compared")],
    );
}

#[test]
fn none_in_a_list_is_an_error() {
    all_error(
        "eval",
        &[
            ("c.nul in [1, 2]", "`c.nul`"),
            ("c.nul not in [1, 2]", "`c.nul`"),
        ],
    );
}

#[test]
fn none_in_a_message_reads_none() {
    let r = run("rule a: block {\n  forbid true because \"license: {c.nul}\"\n}");
    assert_eq!(r.messages(), ["license: none"]);
}

// --- fail closed -----------------------------------------------------------------------------

#[test]
fn a_missing_key_in_a_custom_namespace_fails_closed() {
    let r = run("rule a: block {\n  require c.latency.p99 <= 250ms\n}");
    assert_eq!(r.verdict(), "error");
    assert_eq!(r.code, Some(2));
    let e = &r.errors()[0];
    assert_eq!(e["code"], "eval");
    let message = e["message"].as_str().unwrap();
    assert!(message.contains("`c.latency`"), "{message}");
    assert!(message.contains("`latency`"), "{message}");
    assert_eq!(e["location"]["file"], "p.gate");
    assert_eq!(e["location"]["line"], 3);
    // Another rule's findings stay in the report, and the verdict is still error.
    let r = run("rule a: block {\n  require c.nope == 1\n}\nrule b: block {\n  forbid true\n}");
    assert_eq!(r.verdict(), "error");
    assert_eq!(r.summary().len(), 1);
}

#[test]
fn a_missing_key_through_a_binding_fails_closed() {
    let r = run("rule a: block {\n  for r in c.recs\n  require r.weight > 0\n}");
    assert_eq!(r.verdict(), "error");
    assert!(r.error_text().contains("`r.weight`"), "{}", r.error_text());
}

#[test]
fn short_circuit_never_touches_what_it_skips() {
    all_hold(&["true or c.nope == 1", "c.t or c.nope"]);
    none_hold(&["false and c.nope == 1", "c.f and c.nope"]);
}

#[test]
fn an_absent_field_of_an_own_namespace_fails_closed() {
    let r = run_with(
        "rule a: block {\n  require load.latency.p90 <= 250ms\n}",
        &[("load", LOAD)],
        &[],
    );
    assert_eq!(r.verdict(), "error");
    assert!(
        r.error_text().contains("`load.latency.p90`"),
        "{}",
        r.error_text()
    );
}

#[test]
fn an_unproduced_own_namespace_is_a_load_error_even_in_a_dead_branch() {
    let r = run("rule a: block {\n  require c.t or security.counts.high == 0\n}");
    assert_eq!(r.verdict(), "error");
    assert_eq!(r.errors()[0]["code"], "fact-not-produced");
    assert!(r.error_text().contains("`security`"));
}

// --- versions --------------------------------------------------------------------------------

fn version(pkg: &str, cond: &str) -> Outcome {
    outcome_of(&run_with(
        &format!(
            "rule t: block {{\n  for p in licenses.packages where p.name == \"{pkg}\"\n  forbid {cond}\n    because \"holds\"\n}}"
        ),
        &[("licenses", LICENSES)],
        &[],
    ))
}

#[test]
fn versions_compare_with_semver_strings() {
    assert_eq!(version("old", r#"p.version < "0.18.0""#), Outcome::Holds);
    assert_eq!(version("old", r#"p.version >= "0.17.2""#), Outcome::Holds);
    assert_eq!(version("old", r#"p.version == "0.17.2""#), Outcome::Holds);
    assert_eq!(version("old", r#"p.version > "0.17.10""#), Outcome::Fails);
    assert_eq!(version("pre", r#"p.version < "1.0.0""#), Outcome::Holds);
    assert_eq!(version("pre", "p.version == p.version"), Outcome::Holds);
}

#[test]
fn a_version_that_is_not_semver_is_an_error_where_compared() {
    match version("loose", r#"p.version < "2.0.0""#) {
        Outcome::Error(code, message) => {
            assert_eq!(code, "eval");
            assert!(message.contains("`1.0`"), "{message}");
            assert!(message.contains("semver"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    match version("old", r#"p.version < "latest""#) {
        Outcome::Error(_, message) => assert!(message.contains("`latest`"), "{message}"),
        other => panic!("{other:?}"),
    }
    match version("old", "p.version < 1") {
        Outcome::Error(code, message) => {
            assert_eq!(code, "type-mismatch");
            assert!(message.contains("version"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

// --- own namespaces are typed ----------------------------------------------------------------

#[test]
fn own_namespaces_are_typed_when_loaded() {
    let r = run_with(
        "rule a: block {\n  require load.requests.error_rate < 0.1% and load.latency.p99 > 300ms and load.duration == 10m\n}",
        &[("load", LOAD)],
        &[],
    );
    assert_eq!(r.verdict(), "go", "{}", r.error_text());
    let r = run_with(
        "rule a: block {\n  require load.latency.p99 <= 250\n}",
        &[("load", LOAD)],
        &[],
    );
    assert_eq!(r.errors()[0]["code"], "type-mismatch");
    let r = run_with(
        "rule a: block {\n  for p in licenses.packages\n  require p.kind == \"normall\"\n}",
        &[("licenses", LICENSES)],
        &[],
    );
    assert_eq!(r.errors()[0]["code"], "impossible-value");
    assert_eq!(r.errors()[0]["help"], "did you mean `normal`?");
}

// --- waivers ---------------------------------------------------------------------------------

const WAIVED: &str = "rule a: block {\n  for x in c.list\n  forbid x >= 2\n}\n";

fn waiver(until: &str, filter: &str, now: &str, tz: &str) -> Run {
    run_with(
        &format!(
            "{WAIVED}waive a{filter} until {until} by \"me@example.com\" because \"reviewed\""
        ),
        &[],
        &["--now", now, "--tz", tz],
    )
}

#[test]
fn an_active_waiver_waives_the_matching_finding() {
    let r = waiver("2026-12-31", " where x == 2", NOW, "UTC");
    assert_eq!(r.verdict(), "no-go");
    assert_eq!(
        r.summary(),
        [
            (
                "a".into(),
                "rule".into(),
                "x = 2, which is >= 2".into(),
                true
            ),
            (
                "a".into(),
                "rule".into(),
                "x = 3, which is >= 2".into(),
                false
            ),
        ]
    );
    let w = &r.findings()[0]["waiver"];
    assert_eq!(w["by"], "me@example.com");
    assert_eq!(w["because"], "reviewed");
    assert_eq!(w["until"], "2026-12-31");
    assert_eq!(w["location"]["line"], 6);
    // Waive them all and the release goes.
    let r = waiver("2026-12-31", "", NOW, "UTC");
    assert_eq!(r.verdict(), "go");
    assert_eq!(r.report["summary"]["waived"], 2);
}

#[test]
fn a_waiver_runs_to_the_end_of_its_day_in_the_policy_zone() {
    let active = |now: &str, tz: &str| {
        waiver("2026-12-31", " where x == 2", now, tz).findings()[0]["waived"] == true
    };
    assert!(active("2026-12-31T23:59:59Z", "UTC"));
    assert!(!active("2027-01-01T00:00:00Z", "UTC"));
    // 03:00 UTC on 1 January is 22:00 on 31 December in New York.
    assert!(active("2027-01-01T03:00:00Z", "America/New_York"));
    // 00:30 in Berlin on 1 January is 23:30 UTC on 31 December.
    assert!(!active("2027-01-01T00:30:00+01:00", "Europe/Berlin"));
    assert!(active("2027-01-01T00:30:00+01:00", "UTC"));
}

#[test]
fn an_expired_waiver_waives_nothing_and_says_so() {
    let r = waiver("2026-11-26", " where x == 2", NOW, "UTC");
    assert_eq!(r.verdict(), "no-go");
    let s = r.summary();
    assert_eq!(s.len(), 3, "{s:?}");
    assert!(s.iter().all(|f| !f.3), "{s:?}");
    let expired = &r.findings()[2];
    assert_eq!(expired["kind"], "waiver-expired");
    assert_eq!(expired["level"], "warn");
    assert!(expired["message"].as_str().unwrap().contains("2026-11-26"));
    assert_eq!(expired["location"]["line"], 6);
}

#[test]
fn a_waiver_that_matched_nothing_adds_an_info_finding() {
    let r = waiver("2026-12-31", " where x == 7", NOW, "UTC");
    let unused = r
        .findings()
        .iter()
        .find(|f| f["kind"] == "waiver-unused")
        .unwrap_or_else(|| panic!("{:?}", r.summary()));
    assert_eq!(unused["level"], "info");
    assert_eq!(unused["waived"], false);
}

#[test]
fn a_waiver_more_than_a_year_ahead_still_waives_and_warns() {
    let r = waiver("2027-11-28", " where x == 2", NOW, "UTC");
    assert_eq!(r.findings()[0]["waived"], true);
    let long = r
        .findings()
        .iter()
        .find(|f| f["kind"] == "waiver-too-long")
        .unwrap_or_else(|| panic!("{:?}", r.summary()));
    assert_eq!(long["level"], "warn");
    // Exactly a year ahead is fine.
    let r = waiver("2027-11-27", " where x == 2", NOW, "UTC");
    assert!(
        r.findings().iter().all(|f| f["kind"] != "waiver-too-long"),
        "{:?}",
        r.summary()
    );
}

#[test]
fn a_waiver_where_sees_bindings_lets_and_facts() {
    let r = run(
        "let keep = 3\nrule a: block {\n  for r in c.recs\n  for x in c.list where x <= r.n\n  forbid true\n}\nwaive a where r.name == \"a\" and x < keep and c.n == 5 until 2026-12-31 by \"me\" because \"why\"",
    );
    assert_eq!(r.verdict(), "no-go", "{}", r.error_text());
    let waived: Vec<bool> = r.summary().iter().map(|f| f.3).collect();
    assert_eq!(waived, [true, false, false, false, false, false, false]);
    let names: Vec<&str> = r.findings()[0]["witness"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["r", "x"]);
}

#[test]
fn a_waiver_for_a_rule_without_for() {
    let r = run(
        "rule a: block {\n  forbid c.n == 5\n}\nwaive a where c.n > 1 until 2026-12-31 by \"me\" because \"why\"",
    );
    assert_eq!(r.verdict(), "go");
    assert_eq!(r.findings()[0]["waived"], true);
    let r = run(
        "rule a: block {\n  forbid c.n == 5\n}\nwaive a until 2026-12-31 by \"me\" because \"why\"",
    );
    assert_eq!(r.verdict(), "go");
}

#[test]
fn waiver_mistakes_are_load_errors() {
    let r = run(
        "rule a: block {\n  forbid c.n == 5\n}\nwaive a where x == 1 until 2026-12-31 by \"me\" because \"why\"",
    );
    assert_eq!(r.errors()[0]["code"], "unknown-name");
    let r = run(
        "rule a: block {\n  forbid true\n}\nwaive b until 2026-12-31 by \"me\" because \"why\"",
    );
    assert_eq!(r.errors()[0]["code"], "unknown-rule");
    let r =
        run("rule a: block {\n  forbid true\n}\nwaive a until 2026-12-31 by \" \" because \"why\"");
    assert_eq!(r.errors()[0]["code"], "empty-waiver");
}

#[test]
fn a_waived_warn_finding_and_levels() {
    let r = run("rule w: warn {\n  forbid true\n}\nrule i: info {\n  forbid true\n}");
    assert_eq!(r.verdict(), "go");
    assert_eq!(r.report["summary"]["warn"], 1);
    assert_eq!(r.report["summary"]["info"], 1);
}

// --- messages --------------------------------------------------------------------------------

fn message(template: &str) -> String {
    let r = run(&format!(
        "rule a: block {{\n  forbid true because \"{template}\"\n}}"
    ));
    assert_eq!(r.verdict(), "no-go", "{}", r.error_text());
    r.messages().remove(0)
}

#[test]
fn messages_interpolate_values() {
    let cases = [
        ("{312ms}", "312ms"),
        ("{1200ms}", "1.2s"),
        ("{90m}", "1.5h"),
        ("{36h}", "1.5d"),
        ("{1234ms}", "1.234s"),
        ("{1001us}", "1.001ms"),
        ("{60s}", "1m"),
        ("{0.07%}", "0.07%"),
        ("{c.ratio}", "0.0007"),
        ("{c.strs}", "[a, b]"),
        ("{c.list}", "[1, 2, 3]"),
        ("{c.empty}", "[]"),
        ("{c.nul}", "none"),
        ("{c.rec}", "api"),
        ("{c.anon}", r#"{\"v\":1,\"w\":\"x\"}"#),
        ("{c.recs}", "[a, b, c]"),
        ("{c.s}", "hello"),
        ("{c.t}", "true"),
        ("{c.n + 1}", "6"),
        ("{friday}", "friday"),
        ("{high}", "high"),
        ("{16:00}", "16:00"),
        ("{2027-06-30}", "2027-06-30"),
        ("{{literal}} {{ and }}", "{literal} { and }"),
        ("a {c.n} b {c.s} c", "a 5 b hello c"),
        ("{ c.n }", "5"),
    ];
    let mut bad = Vec::new();
    for (template, want) in cases {
        let want = want.replace("\\\"", "\"");
        let got = message(template);
        if got != want {
            bad.push(format!("`{template}` gave `{got}`, want `{want}`"));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn durations_print_with_at_most_three_decimals() {
    let got = message("{1.23456s}");
    let decimals = got
        .trim_end_matches(char::is_alphabetic)
        .split('.')
        .nth(1)
        .map_or(0, str::len);
    assert!(decimals <= 3, "{got}");
}

#[test]
fn own_namespace_percents_print_as_percents() {
    let r = run_with(
        "rule a: block {\n  forbid true because \"{load.requests.error_rate} {load.latency.p99} {load.duration}\"\n}",
        &[("load", LOAD)],
        &[],
    );
    assert_eq!(r.messages(), ["0.07% 312ms 10m"]);
}

#[test]
fn unicode_escapes_in_messages() {
    assert_eq!(message(r"snow \u{2603}"), "snow ☃");
}

/// Quotes inside a message are escaped, so an interpolation cannot hold a string literal: the
/// policy says so plainly instead of failing with a puzzling syntax error.
#[test]
fn string_literals_inside_interpolations_are_a_clear_error() {
    let r = run(r#"rule a: block {
  forbid true because "{lower(\"ABC\")}"
}"#);
    assert_eq!(r.verdict(), "error");
    assert_eq!(r.errors()[0]["code"], "string-in-interpolation");
}

#[test]
fn escapes_in_messages() {
    assert_eq!(message(r#"say \"hi\"\ttab"#), "say \"hi\"\ttab");
    assert_eq!(message(r"back\\slash"), "back\\slash");
}

#[test]
fn default_messages_show_the_failing_condition_with_its_values() {
    let r = run_with(
        "## Latency budget.\nrule a: block {\n  require load.latency.p99 <= 250ms\n}\nrule b: block {\n  require load.requests.error_rate < 0.01%\n}\nrule c: block {\n  require len(c.list) == 2\n}\nrule d: block {\n  require any r in c.recs where r.n > 50\n}\nrule e: block {\n  require c.s matches \"^z\"\n}",
        &[("load", LOAD)],
        &[],
    );
    assert_eq!(
        r.messages(),
        [
            "Latency budget: load.latency.p99 = 312ms, not <= 250ms",
            "load.requests.error_rate = 0.07%, not < 0.01%",
            "len(c.list) = 3, not == 2",
            "nothing in c.recs has r.n > 50",
            "c.s = \"hello\", which does not match `^z`",
        ]
    );
    let r = run("rule a: block {\n  forbid c.n == 5\n}");
    assert!(r.messages()[0].contains("c.n = 5"), "{:?}", r.messages());
}

#[test]
fn a_message_that_fails_to_render_is_an_error() {
    let r = run("rule a: block {\n  forbid true because \"{c.nope}\"\n}");
    assert_eq!(r.verdict(), "error");
    assert!(r.error_text().contains("`c.nope`"), "{}", r.error_text());
}

// --- order and witnesses ---------------------------------------------------------------------

#[test]
fn findings_follow_rule_order_then_fact_order() {
    let r = run(
        "rule zeta: block {\n  for r in c.recs\n  forbid true because \"zeta {r.name}\"\n}\nrule alpha: warn {\n  for x in c.list\n  forbid x != 2 because \"alpha {x}\"\n}\nrule mid: block {\n  forbid true because \"mid\"\n}",
    );
    assert_eq!(
        r.messages(),
        ["zeta a", "zeta b", "zeta c", "alpha 1", "alpha 3", "mid"]
    );
}

#[test]
fn nested_fors_check_every_combination() {
    let r = run(
        "rule a: block {\n  for r in c.recs where r.n > 1\n  for s in c.strs\n  forbid true because \"{r.name}{s}\"\n}",
    );
    assert_eq!(r.messages(), ["ba", "bb", "ca", "cb"]);
}

#[test]
fn witnesses_say_where_the_value_came_from() {
    let r = run("rule a: block {\n  for r in c.recs where r.n == 5\n  forbid true\n}");
    let w = &r.findings()[0]["witness"][0];
    assert_eq!(w["name"], "r");
    assert_eq!(w["display"], "b");
    assert_eq!(w["value"], serde_json::json!({"name": "b", "n": 5}));
    assert_eq!(w["evidence"]["namespace"], "c");
    assert_eq!(w["evidence"]["source"], "c.json");
    assert_eq!(w["evidence"]["pointer"], "/recs/1");
    assert_eq!(w["evidence"]["line"], 6);
    let loc = &r.findings()[0]["location"];
    assert_eq!(
        (loc["file"].as_str(), loc["line"].as_u64()),
        (Some("p.gate"), Some(4))
    );
}

/// Rules that walk one list share the tests they have in common (eval::share); each rule must
/// still give its own findings and its own errors, located in its own text.
#[test]
fn rules_that_share_tests_keep_their_own_findings_and_errors() {
    let body = "rule a: block {\n  for p in licenses.packages where p.kind == \"normal\"\n  forbid p.version < \"1.0.0\" because \"a {p.name}\"\n}\n\
rule b: warn {\n  for q in licenses.packages where q.kind == \"normal\" and q.license != none\n  forbid q.version < \"1.0.0\" because \"b {q.name}\"\n}\n\
rule c: block {\n  for p in licenses.packages where p.kind != \"build\"\n  forbid p.version < \"1.0.0\" because \"c {p.name}\"\n}\n\
rule d: info {\n  for p in licenses.packages where p.kind != \"build\"\n  forbid p.version < \"1.0.0\" because \"d {p.name}\"\n}\n\
rule e: block {\n  forbid any p in licenses.packages where p.kind == \"dev\" because \"e\"\n}\n\
rule f: warn {\n  forbid any p in licenses.packages where p.kind == \"dev\" because \"f\"\n}";
    let r = run_with(body, &[("licenses", LICENSES)], &[]);
    assert_eq!(r.messages(), ["a old", "b old", "c old", "d old", "e", "f"]);
    // `loose` has version `1.0`, not semver: rules c and d each fail on it, at their own line.
    let located: Vec<(u64, bool)> = r
        .errors()
        .iter()
        .map(|e| {
            (
                e["location"]["line"].as_u64().unwrap(),
                e["message"].as_str().unwrap().contains("1.0"),
            )
        })
        .collect();
    assert_eq!(located, [(12, true), (16, true)], "{}", r.error_text());
    assert_eq!(r.verdict(), "error");
}

#[test]
fn use_brings_in_rules_where_it_stands() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("common")).unwrap();
    std::fs::write(
        dir.path().join("common/shared.gate"),
        "policy \"ignored\"\nlet limit = 3\nrule shared: block {\n  forbid true because \"shared\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("p.gate"),
        "policy \"main\"\nrule first: block {\n  forbid true because \"first\"\n}\nuse \"common/shared.gate\"\nuse \"./common/../common/shared.gate\"\nrule last: block {\n  forbid limit == 3 because \"last\"\n}\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gate"))
        .current_dir(dir.path())
        .args(["check", "p.gate", "--now", NOW, "--format", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["policy"]["name"], "main");
    let messages: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        ["first", "shared", "last"],
        "{}",
        report["errors"]
    );
    assert_eq!(
        report["findings"][1]["location"]["file"],
        "common/shared.gate"
    );
}

#[test]
fn line_breaks_carry_no_meaning() {
    let r = run(
        "rule\n  a\n  :\n  block\n{\n  for r\n    in c.recs\n    where r.n\n      > 1\n  forbid\n    r.name\n      ==\n    \"c\"\n  because\n    \"{r.name}\"\n}",
    );
    assert_eq!(r.messages(), ["c"]);
}

#[test]
fn comments_and_doc_comments() {
    let r = run(
        "# a comment\n## The first line of the doc.\n## A second line.\nrule a: block { # trailing comment\n  # inside the body\n  forbid true # after the condition\n}",
    );
    assert_eq!(
        r.findings()[0]["doc"],
        "The first line of the doc.\nA second line."
    );
}

// --- the clock and time zones ----------------------------------------------------------------

fn clock(now: &str, tz: &str, cond: &str) -> Outcome {
    cond_with(cond, &[], &["--now", now, "--tz", tz])
}

#[test]
fn weekday_and_time_are_read_in_the_policy_zone() {
    // Friday 23:30 in New York is Saturday 04:30 UTC.
    let now = "2026-11-27T23:30:00-05:00";
    assert_eq!(
        clock(
            now,
            "UTC",
            "clock.weekday == saturday and clock.time == 04:30"
        ),
        Outcome::Holds
    );
    assert_eq!(
        clock(
            now,
            "America/New_York",
            "clock.weekday == friday and clock.time == 23:30 and clock.date == 2026-11-27"
        ),
        Outcome::Holds
    );
    assert_eq!(
        clock(
            now,
            "Asia/Tokyo",
            "clock.weekday == saturday and clock.time == 13:30"
        ),
        Outcome::Holds
    );
    assert_eq!(clock(now, "UTC", r#"clock.zone == "UTC""#), Outcome::Holds);
    assert_eq!(
        clock(now, "Asia/Tokyo", "clock.now == 2026-11-28T04:30:00Z"),
        Outcome::Holds
    );
}

#[test]
fn daylight_saving_changes_in_new_york() {
    let ny = "America/New_York";
    // Spring forward on 8 March 2026: 02:00 EST becomes 03:00 EDT.
    assert_eq!(
        clock("2026-03-08T06:59:59Z", ny, "clock.time == 01:59:59"),
        Outcome::Holds
    );
    assert_eq!(
        clock("2026-03-08T07:00:00Z", ny, "clock.time == 03:00"),
        Outcome::Holds
    );
    // Fall back on 1 November 2026: 01:30 happens twice.
    assert_eq!(
        clock("2026-11-01T05:30:00Z", ny, "clock.time == 01:30"),
        Outcome::Holds
    );
    assert_eq!(
        clock("2026-11-01T06:30:00Z", ny, "clock.time == 01:30"),
        Outcome::Holds
    );
    let r = run_with(
        "rule a: block {\n  forbid true because \"{clock.now}\"\n}",
        &[],
        &["--now", "2026-11-01T06:30:00Z", "--tz", ny],
    );
    assert_eq!(r.messages(), ["2026-11-01T01:30:00-05:00"]);
    assert_eq!(r.report["clock"]["now"], "2026-11-01T01:30:00-05:00");
    let r = run_with(
        "rule a: block {\n  forbid true because \"{clock.now}\"\n}",
        &[],
        &["--now", "2026-11-01T05:30:00Z", "--tz", ny],
    );
    assert_eq!(r.messages(), ["2026-11-01T01:30:00-04:00"]);
}
