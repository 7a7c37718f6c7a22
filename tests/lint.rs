//! The lint corpus: `tests/lint/*.gate`, one lint per file (and a clean one).
//!
//! Each file opens with comment lines that say which warnings `gate lint` must give, exactly:
//!
//! ```text
//! # lint: CODE at LINE:COL     one warning with this code at this place (repeat for more)
//! # lint: none                 no warning at all
//! ```
//!
//! Every case runs with `--now 2026-12-06T12:00:00Z`. The shipped policies lint clean too.

#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const NOW: &str = "2026-12-06T12:00:00Z";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn gate(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gate"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap()
}

/// `(code, line, column)` of every warning, as `gate lint --format json` gives them.
fn warnings(dir: &Path, file: &str) -> (Vec<(String, u64, u64)>, serde_json::Value, Output) {
    let out = gate(dir, &["lint", file, "--now", NOW, "--format", "json"]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let json: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{file}: stdout is not JSON ({e}):\n{text}"));
    let mut found: Vec<(String, u64, u64)> = json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["code"].as_str().unwrap().to_string(),
                w["location"]["line"].as_u64().unwrap_or(0),
                w["location"]["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    found.sort();
    (found, json, out)
}

fn expected(text: &str) -> Vec<(String, u64, u64)> {
    let mut want = Vec::new();
    for line in text.lines().take_while(|l| l.starts_with('#')) {
        let Some(value) = line.strip_prefix("# lint:") else {
            continue;
        };
        let value = value.trim();
        if value == "none" {
            continue;
        }
        let (code, at) = value
            .split_once(" at ")
            .expect("`# lint: CODE at LINE:COL`");
        let (l, c) = at.trim().split_once(':').unwrap();
        want.push((
            code.trim().to_string(),
            l.parse().unwrap(),
            c.parse().unwrap(),
        ));
    }
    want.sort();
    want
}

#[test]
fn each_lint_fires_where_its_header_says() {
    let dir = root().join("tests").join("lint");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".gate"))
        .collect();
    names.sort();
    assert!(names.len() >= 10, "{names:?}");
    let mut failures = Vec::new();
    for name in &names {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        assert!(
            text.lines()
                .next()
                .is_some_and(|l| l.starts_with("# lint:")),
            "{name} has no `# lint:` header"
        );
        let want = expected(&text);
        let (found, json, out) = warnings(&dir, name);
        if !json["errors"].as_array().unwrap().is_empty() {
            failures.push(format!("{name}: errors {}", json["errors"]));
        }
        if found != want {
            failures.push(format!("{name}: want {want:?}, found {found:?}"));
        }
        if out.status.code() != Some(0) {
            failures.push(format!("{name}: exit {:?}, want 0", out.status.code()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn deny_warnings_exits_1_and_errors_exit_2() {
    let dir = root().join("tests").join("lint");
    let out = gate(
        &dir,
        &["lint", "unused-let.gate", "--now", NOW, "--deny-warnings"],
    );
    assert_eq!(out.status.code(), Some(1));
    let human = String::from_utf8_lossy(&out.stdout);
    assert!(human.contains("lint-unused-let"), "{human}");
    let out = gate(
        &dir,
        &["lint", "clean.gate", "--now", NOW, "--deny-warnings"],
    );
    assert_eq!(out.status.code(), Some(0));
    let broken = root().join("tests").join("broken");
    let out = gate(&broken, &["lint", "bad-regex.gate", "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["errors"][0]["code"], "bad-regex");
    assert!(json["errors"][0]["location"]["line"].as_u64().is_some());
}

#[test]
fn max_waiver_days_moves_the_horizon() {
    let dir = root().join("tests").join("lint");
    let out = gate(
        &dir,
        &[
            "lint",
            "clean.gate",
            "--now",
            NOW,
            "--max-waiver-days",
            "30",
            "--deny-warnings",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("lint-waiver-horizon"));
}

#[test]
fn shipped_policies_lint_clean() {
    let dir = root().join("policies");
    for name in [
        "release.gate",
        "licenses.gate",
        "deploy-window.gate",
        "regulated-data.gate",
    ] {
        let (found, json, _) = warnings(&dir, name);
        assert!(found.is_empty(), "{name}: {found:?}");
        assert!(
            json["errors"].as_array().unwrap().is_empty(),
            "{name}: {json}"
        );
    }
}

/// Under `gate check`, lint warnings are report warnings and leave the verdict alone.
#[test]
fn check_reports_lints_as_warnings() {
    let dir = root().join("tests").join("lint");
    let run = |file: &str| {
        let out = gate(
            &dir,
            &[
                "check",
                file,
                "--facts",
                "load=../fixtures/examples/facts/load.json",
                "--now",
                NOW,
                "--format",
                "json",
            ],
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code(), json)
    };
    let (code, json) = run("unused-let.gate");
    let (clean_code, clean) = run("never-fires-require-true.gate");
    assert_eq!(json["warnings"][0]["code"], "lint-unused-let", "{json}");
    assert_eq!(json["warnings"][0]["location"]["line"], 4);
    assert_ne!(json["verdict"], "error");
    assert!(matches!(code, Some(0 | 1)));
    assert_eq!(clean["warnings"][0]["code"], "lint-never-fires", "{clean}");
    assert_eq!(clean["verdict"], "go");
    assert_eq!(clean_code, Some(0));
}

/// By default a waiver may run a calendar year ahead — the horizon evaluation warns past
/// (`waiver-too-long`, tests/language.rs) — so across a leap year 366 days are still fine.
#[test]
fn the_default_horizon_is_a_calendar_year_as_evaluation_counts_it() {
    let tmp = tempfile::tempdir().unwrap();
    let policy = |until: &str| {
        format!(
            "policy \"p\"\n\nrule r: block {{\n  for pkg in licenses.packages\n  require pkg.license != none\n}}\n\nwaive r where pkg.name == \"ring\"\n  until {until}\n  by \"legal@example.com\"\n  because \"LEGAL-2\"\n"
        )
    };
    let lint = |until: &str| {
        std::fs::write(tmp.path().join("p.gate"), policy(until)).unwrap();
        let out = gate(
            tmp.path(),
            &[
                "lint",
                "p.gate",
                "--now",
                "2028-01-01T12:00:00Z",
                "--deny-warnings",
            ],
        );
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    // 2028 is a leap year: 2029-01-01 is 366 days on, and exactly a year.
    let (code, text) = lint("2029-01-01");
    assert_eq!(code, Some(0), "{text}");
    let (code, text) = lint("2029-01-02");
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("367 days from 2028-01-01: more than a year"),
        "{text}"
    );
}
