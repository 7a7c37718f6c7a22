//! Hostile and huge inputs: gate must answer with a verdict or a clean, located error — never a
//! crash, a stack overflow or a hang. Every big input is generated into a temporary folder at
//! test time; none is committed. No assertion is about time.

#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

use serde_json::Value;
use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Output};

const NOW: &str = "2026-11-27T12:00:00Z";
const N: usize = 100_000;

fn gate(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gate"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap()
}

fn check(dir: &Path, policy: &str, extra: &[&str]) -> (Option<i32>, Value) {
    let mut args = vec!["check", policy, "--now", NOW, "--format", "json"];
    args.extend_from_slice(extra);
    let out = gate(dir, &args);
    let text = String::from_utf8(out.stdout).unwrap();
    let report: Value = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "no JSON report ({e}); exit {:?}; stderr: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code(), report)
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

/// Exit 2, verdict `error`, and an error with `code` located in `file`.
fn assert_located(result: &(Option<i32>, Value), code: &str, file: &str) {
    let (status, report) = result;
    assert_eq!(*status, Some(2), "{report}");
    assert_eq!(report["verdict"], "error");
    let errors = report["errors"].as_array().unwrap();
    let e = errors
        .iter()
        .find(|e| e["code"] == code)
        .unwrap_or_else(|| panic!("no `{code}` error in {errors:?}"));
    assert_eq!(e["location"]["file"], file, "{e}");
    assert!(e["location"]["line"].as_u64().unwrap() >= 1, "{e}");
    assert!(e["location"]["column"].as_u64().unwrap() >= 1, "{e}");
}

/// A verdict, or an error that is a diagnostic rather than a crash.
fn assert_clean(result: &(Option<i32>, Value)) {
    let (status, report) = result;
    let verdict = report["verdict"].as_str().unwrap();
    let want = match verdict {
        "go" => 0,
        "no-go" => 1,
        _ => 2,
    };
    assert_eq!(*status, Some(want), "{report}");
    if verdict == "error" {
        for e in report["errors"].as_array().unwrap() {
            assert!(!e["code"].as_str().unwrap().is_empty(), "{e}");
            assert!(!e["location"].is_null(), "an unlocated error: {e}");
        }
    }
}

fn rule_body(condition: &str) -> String {
    format!("policy \"deep\"\n\nrule r: block {{\n  require {condition}\n}}\n")
}

// --- deep and long policies ------------------------------------------------------------------

#[test]
fn a_hundred_thousand_nested_parentheses() {
    let dir = tempfile::tempdir().unwrap();
    let mut cond = "(".repeat(N);
    cond.push_str("true");
    cond.push_str(&")".repeat(N));
    write(dir.path(), "p.gate", &rule_body(&cond));
    let result = check(dir.path(), "p.gate", &[]);
    assert_located(&result, "too-deep", "p.gate");
    let e = &result.1["errors"][0];
    assert_eq!(e["location"]["line"], 4);
    assert!(e["message"].as_str().unwrap().contains("64"), "{e}");
}

#[test]
fn a_hundred_thousand_nested_lists() {
    let dir = tempfile::tempdir().unwrap();
    let cond = format!("len({}{}) == 1", "[".repeat(N), "]".repeat(N));
    write(dir.path(), "p.gate", &rule_body(&cond));
    assert_located(&check(dir.path(), "p.gate", &[]), "too-deep", "p.gate");
}

#[test]
fn a_hundred_thousand_nested_parentheses_in_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "policy \"deep\"\nrule r: block {{\n  require false else \"{{{}1{}}}\"\n}}\n",
        "(".repeat(N),
        ")".repeat(N)
    );
    write(dir.path(), "p.gate", &text);
    assert_located(&check(dir.path(), "p.gate", &[]), "too-deep", "p.gate");
}

#[test]
fn a_hundred_thousand_nested_quantifiers() {
    let dir = tempfile::tempdir().unwrap();
    let mut cond = String::new();
    for _ in 0..N / 10 {
        cond.push_str("any x in [1] where ");
    }
    cond.push_str("true");
    write(dir.path(), "p.gate", &rule_body(&cond));
    assert_clean(&check(dir.path(), "p.gate", &[]));
}

#[test]
fn a_hundred_thousand_nots() {
    let dir = tempfile::tempdir().unwrap();
    let cond = format!("{}true", "not ".repeat(N));
    write(dir.path(), "p.gate", &rule_body(&cond));
    let result = check(dir.path(), "p.gate", &[]);
    assert_clean(&result);
    if result.1["verdict"] == "error" {
        assert_located(&result, "too-deep", "p.gate");
    }
}

#[test]
fn a_hundred_thousand_minus_signs() {
    let dir = tempfile::tempdir().unwrap();
    let cond = format!("{}1 == 1", "-".repeat(N));
    write(dir.path(), "p.gate", &rule_body(&cond));
    assert_clean(&check(dir.path(), "p.gate", &[]));
}

#[test]
fn a_hundred_thousand_long_and_chain() {
    let dir = tempfile::tempdir().unwrap();
    let cond = vec!["a"; N].join(" and ");
    let text = format!("policy \"long\"\nlet a = true\n\nrule r: block {{\n  require {cond}\n}}\n");
    write(dir.path(), "p.gate", &text);
    let result = check(dir.path(), "p.gate", &[]);
    assert_clean(&result);
    assert_eq!(result.1["verdict"], "go", "{}", result.1["errors"]);
}

#[test]
fn a_hundred_thousand_long_or_chain_over_lines() {
    let dir = tempfile::tempdir().unwrap();
    let cond = vec!["a"; N].join(" or\n    ");
    let text =
        format!("policy \"long\"\nlet a = false\n\nrule r: block {{\n  require {cond}\n}}\n");
    write(dir.path(), "p.gate", &text);
    let result = check(dir.path(), "p.gate", &[]);
    assert_clean(&result);
    assert_eq!(result.1["verdict"], "no-go", "{}", result.1["errors"]);
}

#[test]
fn a_hundred_thousand_long_field_chain() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "c.json", "{\"x\": 1}");
    let cond = format!("c{} == 1", ".x".repeat(N));
    write(dir.path(), "p.gate", &rule_body(&cond));
    let result = check(dir.path(), "p.gate", &["--facts", "c=c.json"]);
    assert_clean(&result);
}

#[test]
fn a_hundred_thousand_long_index_chain() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "c.json", "{\"x\": [1]}");
    let cond = format!("c.x{} == 1", "[0]".repeat(N));
    write(dir.path(), "p.gate", &rule_body(&cond));
    assert_clean(&check(dir.path(), "p.gate", &["--facts", "c=c.json"]));
}

#[test]
fn five_thousand_rules() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "c.json", "{\"n\": 5}");
    let mut text = String::from("policy \"many\"\n");
    for i in 0..5_000 {
        writeln!(text, "rule r{i}: block {{\n  forbid c.n == {}\n}}", i % 7).unwrap();
    }
    write(dir.path(), "p.gate", &text);
    let (status, report) = check(dir.path(), "p.gate", &["--facts", "c=c.json"]);
    assert_eq!(status, Some(1));
    assert_eq!(report["summary"]["rules"], 5_000);
    assert_eq!(report["findings"].as_array().unwrap().len(), 714);
}

#[test]
fn a_policy_of_one_long_line_of_garbage() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("policy \"x\"\n{}\n", "}{)(][@!".repeat(N / 8));
    write(dir.path(), "p.gate", &text);
    assert_located(&check(dir.path(), "p.gate", &[]), "syntax", "p.gate");
}

#[test]
fn crlf_line_endings_and_a_byte_order_mark() {
    let dir = tempfile::tempdir().unwrap();
    let text = "\u{FEFF}policy \"crlf\"\r\nrule a: block {\r\n  forbid true\r\n}\r\nrule b: block {\r\n  require 1 > \"x\"\r\n}\r\n";
    write(dir.path(), "p.gate", text);
    let result = check(dir.path(), "p.gate", &[]);
    assert_located(&result, "type-mismatch", "p.gate");
    let loc = &result.1["errors"][0]["location"];
    assert_eq!(
        (loc["line"].as_u64(), loc["column"].as_u64()),
        (Some(6), Some(15))
    );
}

#[test]
fn a_nul_byte_in_a_policy() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "p.gate",
        "policy \"nul\"\nrule a: block {\n  forbid tr\0ue\n}\n",
    );
    assert_located(&check(dir.path(), "p.gate", &[]), "syntax", "p.gate");
}

// --- encodings -------------------------------------------------------------------------------

#[test]
fn invalid_utf8_in_a_policy() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"policy \"latin1\"\nrule a: block {\n  forbid \"caf".to_vec();
    bytes.push(0xE9);
    bytes.extend_from_slice(b"\" == \"x\"\n}\n");
    std::fs::write(dir.path().join("p.gate"), bytes).unwrap();
    let (status, report) = check(dir.path(), "p.gate", &[]);
    assert_eq!(status, Some(2));
    assert_eq!(report["verdict"], "error");
    let e = &report["errors"][0];
    assert_eq!(e["code"], "policy-unreadable");
    assert_eq!(e["location"]["line"], 3, "{e}");
    assert_eq!(e["location"]["column"], 14, "{e}");
}

#[test]
fn invalid_utf8_in_a_used_policy() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p.gate", "policy \"p\"\nuse \"lib.gate\"\n");
    std::fs::write(
        dir.path().join("lib.gate"),
        b"rule a: block {\n  forbid \xff\n}\n",
    )
    .unwrap();
    let result = check(dir.path(), "p.gate", &[]);
    // The error points at the bad byte in the used file (and at the `use`, as a second label).
    assert_located(&result, "use-missing", "lib.gate");
    let message = result.1["errors"][0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(message.contains("UTF-8"), "{message}");
}

#[test]
fn invalid_utf8_in_a_facts_file() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p.gate", &rule_body("c.name == \"x\""));
    std::fs::write(
        dir.path().join("c.json"),
        b"{\n  \"name\": \"caf\xe9\"\n}\n",
    )
    .unwrap();
    let result = check(dir.path(), "p.gate", &["--facts", "c=c.json"]);
    assert_located(&result, "facts-json", "c.json");
    assert_eq!(result.1["errors"][0]["location"]["line"], 2);
}

#[test]
fn invalid_utf8_in_an_own_namespace() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p.gate", &rule_body("load.tool == \"x\""));
    std::fs::write(dir.path().join("load.json"), b"{\"tool\": \"k\xc3\"}").unwrap();
    let result = check(dir.path(), "p.gate", &["--facts", "load=load.json"]);
    assert_located(&result, "facts-json", "load.json");
}

// --- deep and huge facts ---------------------------------------------------------------------

#[test]
fn a_hundred_thousand_nested_json_arrays_as_a_custom_namespace() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "deep.json",
        &format!("{}{}", "[".repeat(N), "]".repeat(N)),
    );
    write(dir.path(), "p.gate", &rule_body("len(deep) > 0"));
    let result = check(dir.path(), "p.gate", &["--facts", "deep=deep.json"]);
    assert_located(&result, "facts-json", "deep.json");
}

#[test]
fn a_hundred_thousand_nested_json_objects_as_an_own_namespace() {
    let dir = tempfile::tempdir().unwrap();
    let json = format!("{}1{}", "{\"a\":".repeat(N), "}".repeat(N));
    write(dir.path(), "load.json", &json);
    write(dir.path(), "p.gate", &rule_body("load.tool == \"k6\""));
    let result = check(dir.path(), "p.gate", &["--facts", "load=load.json"]);
    assert_located(&result, "facts-json", "load.json");
}

#[test]
fn deep_json_that_serde_accepts_is_handled_too() {
    // 100 levels: under serde_json's limit, so gate's own conversion and evaluation see it.
    let dir = tempfile::tempdir().unwrap();
    let json = format!("{{\"v\": {}1{}}}", "[".repeat(100), "]".repeat(100));
    write(dir.path(), "c.json", &json);
    write(dir.path(), "p.gate", &rule_body("len(c.v) == 1"));
    let result = check(dir.path(), "p.gate", &["--facts", "c=c.json"]);
    assert_clean(&result);
    assert_eq!(result.1["verdict"], "go");
    let saved = gate(dir.path(), &["facts", "--facts", "c=c.json", "--now", NOW]);
    assert!(saved.status.code().is_some(), "gate facts crashed");
}

#[test]
fn deeply_nested_replay_file() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "saved.json",
        &format!("{{\"c\": {}{}}}", "[".repeat(N), "]".repeat(N)),
    );
    write(dir.path(), "p.gate", &rule_body("len(c) > 0"));
    let result = check(dir.path(), "p.gate", &["--replay", "saved.json"]);
    assert_located(&result, "facts-json", "saved.json");
}

/// About 50 MB of `licenses` facts: 150,000 packages, three of them not approved.
fn big_licenses(dir: &Path, every: usize) {
    let mut s = String::with_capacity(52 << 20);
    s.push_str("{\"packages\": [\n");
    let licenses = [
        "MIT",
        "Apache-2.0",
        "MIT OR Apache-2.0",
        "BSD-3-Clause",
        "ISC",
    ];
    for i in 0..150_000 {
        if i > 0 {
            s.push_str(",\n");
        }
        let license = if i % every == every - 1 {
            "GPL-3.0-only"
        } else {
            licenses[i % licenses.len()]
        };
        write!(
            s,
            "{{\"name\": \"pkg-{i:06}\", \"version\": \"1.{}.{}\", \"license\": \"{license}\", \
             \"license_ids\": [], \"kind\": \"normal\", \"workspace\": false, \"direct\": {}, \
             \"path\": \"app -> a-middle-crate-with-a-long-name -> another-intermediate-crate -> pkg-{i:06}\", \
             \"source\": \"registry\", \"purl\": \"pkg:cargo/pkg-{i:06}@1.{}.{}\", \"license_source\": \"manifest\"}}",
            i % 50,
            i % 7,
            i % 2 == 0,
            i % 50,
            i % 7,
        )
        .unwrap();
    }
    s.push_str("\n]}\n");
    assert!(s.len() > 45_000_000, "only {} bytes", s.len());
    write(dir, "licenses.json", &s);
    write(
        dir,
        "p.gate",
        "policy \"big\"\nlet approved = [\"MIT\", \"Apache-2.0\", \"BSD-3-Clause\", \"ISC\"]\n\nrule approved_licenses: block {\n  for pkg in licenses.packages where pkg.kind == \"normal\" and not pkg.workspace\n  require pkg.license != none and pkg.license allowed by approved\n    else \"{pkg.name} is licensed {pkg.license}\"\n}\n",
    );
}

#[test]
fn fifty_megabytes_of_licenses_facts_give_a_verdict() {
    let dir = tempfile::tempdir().unwrap();
    big_licenses(dir.path(), 50_000);
    let (status, report) = check(dir.path(), "p.gate", &["--facts", "licenses=licenses.json"]);
    assert_eq!(status, Some(1), "{}", report["errors"]);
    assert_eq!(report["verdict"], "no-go");
    let messages: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "pkg-049999 is licensed GPL-3.0-only",
            "pkg-099999 is licensed GPL-3.0-only",
            "pkg-149999 is licensed GPL-3.0-only"
        ]
    );
    let evidence = &report["findings"][2]["witness"][0]["evidence"];
    assert_eq!(evidence["pointer"], "/packages/149999");
    assert_eq!(evidence["line"], 150_001);
}

#[test]
fn fifty_megabytes_of_licenses_facts_with_many_findings_give_a_verdict() {
    let dir = tempfile::tempdir().unwrap();
    big_licenses(dir.path(), 6);
    let (status, report) = check(dir.path(), "p.gate", &["--facts", "licenses=licenses.json"]);
    assert_eq!(status, Some(1), "{}", report["errors"]);
    assert_eq!(report["findings"].as_array().unwrap().len(), 25_000);
}

#[test]
fn a_facts_file_over_one_gibibyte_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p.gate", &rule_body("len(c) > 0"));
    // Sparse: takes no disk space and is never read.
    let f = std::fs::File::create(dir.path().join("c.json")).unwrap();
    f.set_len((1 << 30) + 1).unwrap();
    let (status, report) = check(dir.path(), "p.gate", &["--facts", "c=c.json"]);
    assert_eq!(status, Some(2));
    assert_eq!(report["errors"][0]["code"], "facts-too-large", "{report}");
}

#[test]
fn a_policy_over_sixteen_mebibytes_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    let f = std::fs::File::create(dir.path().join("p.gate")).unwrap();
    f.set_len(17 << 20).unwrap();
    let (status, report) = check(dir.path(), "p.gate", &[]);
    assert_eq!(status, Some(2));
    assert_eq!(report["errors"][0]["code"], "policy-unreadable", "{report}");
    assert!(
        report["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("16 MiB")
    );
}

// --- things that are not files ---------------------------------------------------------------

#[test]
fn a_facts_file_that_is_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("c.json")).unwrap();
    write(dir.path(), "p.gate", &rule_body("len(c) > 0"));
    let (status, report) = check(dir.path(), "p.gate", &["--facts", "c=c.json"]);
    assert_eq!(status, Some(2));
    let e = &report["errors"][0];
    assert_eq!(e["code"], "facts-unreadable");
    assert!(
        e["message"].as_str().unwrap().contains("is a directory"),
        "{e}"
    );
}

#[test]
fn a_policy_that_is_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("p.gate")).unwrap();
    let (status, report) = check(dir.path(), "p.gate", &[]);
    assert_eq!(status, Some(2));
    let e = &report["errors"][0];
    assert_eq!(e["code"], "policy-unreadable");
    assert!(e["message"].as_str().unwrap().contains("directory"), "{e}");
}

#[test]
fn a_used_file_that_is_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("lib.gate")).unwrap();
    write(dir.path(), "p.gate", "policy \"p\"\nuse \"lib.gate\"\n");
    assert_located(&check(dir.path(), "p.gate", &[]), "use-missing", "p.gate");
}

#[test]
fn a_plan_that_is_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("plan")).unwrap();
    write(dir.path(), "p.gate", &rule_body("true"));
    let (status, report) = check(dir.path(), "p.gate", &["--plan", "plan"]);
    assert_eq!(status, Some(2));
    assert_eq!(report["errors"][0]["code"], "plan-unreadable");
}

#[test]
fn a_replay_file_that_is_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("saved.json")).unwrap();
    write(dir.path(), "p.gate", &rule_body("true"));
    let (status, report) = check(dir.path(), "p.gate", &["--replay", "saved.json"]);
    assert_eq!(status, Some(2));
    assert_eq!(report["errors"][0]["code"], "facts-unreadable");
}

#[test]
fn output_to_a_directory_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p.gate", &rule_body("true"));
    let out = gate(
        dir.path(),
        &[
            "check", "p.gate", "--now", NOW, "--format", "json", "--output", ".",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write"));
}

#[test]
fn an_empty_policy_is_not_a_pass() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p.gate", "");
    let (status, report) = check(dir.path(), "p.gate", &[]);
    assert_eq!(status, Some(2), "{report}");
}

// --- long chains of names and files ----------------------------------------------------------

/// `let a0 = 1`, `let a1 = a0 + 1`, …: in declaration order, or the reverse.
fn let_chain(n: usize, reverse: bool) -> String {
    let mut s = String::from("policy \"lets\"\n");
    if reverse {
        for i in 0..n {
            writeln!(s, "let a{i} = a{} + 1", i + 1).unwrap();
        }
        writeln!(s, "let a{n} = 1").unwrap();
        s.push_str("rule r: block {\n  require a0 > 0\n}\n");
    } else {
        s.push_str("let a0 = 1\n");
        for i in 1..=n {
            writeln!(s, "let a{i} = a{} + 1", i - 1).unwrap();
        }
        writeln!(s, "rule r: block {{\n  require a{n} > 0\n}}").unwrap();
    }
    s
}

#[test]
fn a_thousand_chained_lets() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p.gate", &let_chain(1_000, false));
    let (status, report) = check(dir.path(), "p.gate", &[]);
    assert_eq!(status, Some(0), "{}", report["errors"]);
    // A `let` reads only the lets above it: the reversed chain is an error, not a recursion.
    write(dir.path(), "p.gate", &let_chain(1_000, true));
    let (status, report) = check(dir.path(), "p.gate", &[]);
    assert_eq!(status, Some(2));
    assert_eq!(report["errors"][0]["code"], "let-order");
}

#[test]
fn ten_thousand_chained_lets() {
    let dir = tempfile::tempdir().unwrap();
    for reverse in [false, true] {
        write(dir.path(), "p.gate", &let_chain(10_000, reverse));
        let out = gate(
            dir.path(),
            &["check", "p.gate", "--now", NOW, "--format", "json"],
        );
        assert!(
            matches!(out.status.code(), Some(0 | 2)),
            "exit {:?}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn a_chain_of_two_thousand_used_files() {
    let dir = tempfile::tempdir().unwrap();
    let n = 2_000;
    for i in 0..n {
        write(
            dir.path(),
            &format!("f{i}.gate"),
            &format!("use \"f{}.gate\"\n", i + 1),
        );
    }
    write(
        dir.path(),
        &format!("f{n}.gate"),
        "rule last: block {\n  forbid true\n}\n",
    );
    let (status, report) = check(dir.path(), "f0.gate", &[]);
    assert_eq!(status, Some(1), "{}", report["errors"]);
}
