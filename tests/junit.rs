//! The `tests` producer end to end, through the `gate` binary: the real JUnit output of nextest,
//! pytest, jest-junit and gotestsum and a hand-made Surefire report (fixtures/tests/README.md
//! says how each was made), broken reports, and a policy over `tests.cases`.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::expect_used,
    clippy::print_stderr
)]

use serde_json::{Value, json};
use std::process::Output;

mod common;

use common::{NOW, gate_in, root};

fn run(args: &[&str]) -> Output {
    gate_in(&root(), args)
}

fn facts(junit: &[&str]) -> (Output, Value) {
    let mut args = vec!["facts", "--now", NOW];
    for j in junit {
        args.extend(["--junit", j]);
    }
    let out = run(&args);
    let facts = serde_json::from_slice::<Value>(&out.stdout)
        .map(|v| v["tests"].clone())
        .unwrap_or(Value::Null);
    (out, facts)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const ALL: &[&str] = &[
    "regression=fixtures/tests/nextest.xml",
    "e2e=fixtures/tests/jest.xml",
    "e2e=fixtures/tests/surefire.xml",
    "uat=fixtures/tests/pytest.xml",
    "integration=fixtures/tests/gotestsum.xml",
];

/// (kind, suite, total, passed, failed, errors, skipped, flaky, duration) of each suite.
fn suites(facts: &Value) -> Vec<Value> {
    facts["suites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            json!([
                s["kind"],
                s["name"],
                s["total"],
                s["passed"],
                s["failed"],
                s["errors"],
                s["skipped"],
                s["flaky"],
                s["duration"]
            ])
        })
        .collect()
}

/// (name, status, flaky, attempts) of each case of one suite.
fn cases(facts: &Value, suite: &str) -> Vec<Value> {
    facts["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["suite"] == suite)
        .map(|c| json!([c["name"], c["status"], c["flaky"], c["attempts"]]))
        .collect()
}

#[test]
fn every_tool_gives_the_exact_facts() {
    let (out, facts) = facts(ALL);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Counted by hand from the fixtures (README.md): a retried test counts once, flaky ones
    // are among the passed.
    assert_eq!(
        [
            &facts["total"],
            &facts["passed"],
            &facts["failed"],
            &facts["errors"],
            &facts["skipped"],
            &facts["flaky"]
        ],
        [
            &json!(31),
            &json!(17),
            &json!(8),
            &json!(2),
            &json!(4),
            &json!(5)
        ]
    );
    // 0.103 + 0.856 + 1,204.5 + 0.159 + 2.792824 seconds: each file's own total.
    assert_eq!(facts["duration"], "1208.410824s");
    assert_eq!(
        suites(&facts),
        vec![
            json!(["regression", "billing", 4, 2, 2, 0, 0, 1, "89ms"]),
            json!(["regression", "billing::api", 2, 1, 1, 0, 0, 0, "51ms"]),
            json!(["e2e", "cart", 4, 2, 1, 0, 1, 0, "480ms"]),
            json!(["e2e", "undefined", 2, 1, 1, 0, 0, 0, "185ms"]),
            json!([
                "e2e",
                "com.example.shop.CheckoutIT",
                6,
                3,
                1,
                1,
                1,
                2,
                "20.075m"
            ]),
            json!(["uat", "pytest", 6, 3, 1, 1, 1, 1, "159ms"]),
            json!([
                "integration",
                "example.com/shop/ledger",
                7,
                5,
                1,
                0,
                1,
                1,
                "2ms"
            ]),
        ]
    );
    insta::assert_snapshot!(
        "junit-all-tools",
        serde_json::to_string_pretty(&facts).unwrap()
    );
}

#[test]
fn nextest_retries_flaky_and_failed_every_try() {
    let (out, facts) = facts(&["regression=fixtures/tests/nextest.xml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        cases(&facts, "billing"),
        vec![
            json!(["tests::adds_two_numbers", "passed", false, 1]),
            json!(["tests::rounds_half_even", "failed", false, 3]),
            json!(["tests::talks_to_the_ledger", "passed", true, 2]),
            json!(["tests::invoice_total_sums_lines", "failed", false, 3]),
        ]
    );
    let flaky = &facts["cases"][2];
    // All attempts together: the <flakyFailure>'s 4ms and the passing run's 4ms.
    assert_eq!(flaky["duration"], "8ms");
    assert_eq!(
        flaky["message"],
        "thread 'tests::talks_to_the_ledger' (12561) panicked at src/lib.rs:26:9"
    );
    // 32ms, then two reruns of 9ms.
    assert_eq!(facts["cases"][3]["duration"], "50ms");
    assert_eq!(facts["duration"], "103ms");
}

#[test]
fn pytest_reruns_jest_retries_gotestsum_reruns_and_surefire() {
    let (out, facts) = facts(ALL);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // pytest-rerunfailures: reruns are empty repeated <testcase>s.
    assert_eq!(
        cases(&facts, "pytest"),
        vec![
            json!(["test_cart_total", "passed", false, 1]),
            json!(["test_discount_applies", "failed", false, 3]),
            json!(["test_loyalty_points", "skipped", false, 1]),
            json!(["test_pays_by_card", "error", false, 3]),
            json!(["test_session_survives_reload", "passed", true, 2]),
            json!(["test_free_over_fifty", "passed", false, 1]),
        ]
    );
    // jest-junit writes only the final result of a `jest.retryTimes` test.
    assert_eq!(
        cases(&facts, "undefined"),
        vec![
            json!(["survives a reload", "passed", false, 1]),
            json!(["keeps the basket on logout", "failed", false, 1]),
        ]
    );
    // gotestsum --rerun-fails repeats the <testcase>, each failed run with its <failure>.
    assert_eq!(
        cases(&facts, "example.com/shop/ledger"),
        vec![
            json!(["TestRefund", "failed", false, 3]),
            json!(["TestReconcile", "passed", true, 2]),
            json!(["TestExport", "skipped", false, 1]),
            json!(["TestBalance", "passed", false, 1]),
            json!(["TestCurrency/EUR", "passed", false, 1]),
            json!(["TestCurrency/GBP", "passed", false, 1]),
            json!(["TestCurrency", "passed", false, 1]),
        ]
    );
    // Surefire: flakyFailure/flakyError on a pass, rerunFailure/rerunError after a failure.
    assert_eq!(
        cases(&facts, "com.example.shop.CheckoutIT"),
        vec![
            json!(["placesAnOrder", "passed", false, 1]),
            json!(["appliesTheVoucher", "failed", false, 3]),
            json!(["paysByCard", "passed", true, 2]),
            json!(["emailsTheReceipt", "passed", true, 2]),
            json!(["shipsAbroad", "error", false, 2]),
            json!(["giftWrap", "skipped", false, 1]),
        ]
    );
    let by_name = |n: &str| {
        facts["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == n)
            .unwrap()
            .clone()
    };
    assert_eq!(by_name("paysByCard")["duration"], "1201.25s");
    assert_eq!(by_name("paysByCard")["message"], "Connection refused");
    assert_eq!(
        by_name("emailsTheReceipt")["message"],
        "org.opentest4j.AssertionFailedError: no receipt in the outbox"
    );
    assert_eq!(
        by_name("test_pays_by_card")["message"],
        "failed on setup with \"ConnectionError: sandbox gateway unreachable\""
    );
    assert_eq!(
        by_name("cart applies the coupon")["message"],
        "Error: expect(received).toBe(expected) // Object.is equality"
    );
    assert_eq!(
        by_name("test_free_over_fifty")["classname"],
        "test_checkout.TestShipping"
    );
}

#[test]
fn broken_reports_are_located_errors() {
    // (fixture, error code, where)
    let cases = [
        ("truncated.xml", "results-truncated", ":22:10"),
        ("unclosed.xml", "junit-syntax", ":7:3"),
        ("html.xml", "junit-format", ":2:1"),
        ("no-name.xml", "junit-field", ":6:5"),
        ("bad-time.xml", "junit-field", ":3:38"),
        ("no-cases.xml", "junit-empty", ":3:1"),
        ("empty.xml", "results-empty", ""),
    ];
    for (file, code, at) in cases {
        let path = format!("fixtures/tests/broken/{file}");
        let (out, _) = facts(&[&format!("regression={path}")]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{file}: {err}");
        assert!(err.contains(code), "{file}: {err}");
        assert!(err.contains(&format!("{path}{at}")), "{file}: {err}");
        assert!(out.stdout.is_empty(), "{file}");
    }
}

#[test]
fn every_problem_of_every_file_is_reported_in_one_run() {
    let (out, _) = facts(&[
        "regression=fixtures/tests/broken/no-name.xml",
        "e2e=fixtures/tests/broken/html.xml",
        "uat=fixtures/tests/nextest.xml",
        "uat=fixtures/tests/missing.xml",
    ]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    for at in [
        "fixtures/tests/broken/no-name.xml:6:5",
        "fixtures/tests/broken/no-name.xml:7:49",
        "fixtures/tests/broken/html.xml:2:1",
        "`fixtures/tests/missing.xml` does not exist",
    ] {
        assert!(err.contains(at), "{at}: {err}");
    }
}

#[test]
fn a_policy_over_the_cases_says_no_go_with_the_failing_tests() {
    let out = run(&[
        "check",
        "fixtures/tests/policy.gate",
        "--now",
        NOW,
        "--junit",
        "regression=fixtures/tests/nextest.xml",
        "--format",
        "json",
    ]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["verdict"], "no-go", "{}", stderr(&out));
    let findings: Vec<(String, String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["witness"][0]["display"].as_str().unwrap().to_string(),
                f["witness"][0]["evidence"]["source"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect();
    let f = |rule: &str, name: &str, at: &str| (rule.to_string(), name.to_string(), at.to_string());
    assert_eq!(
        findings,
        vec![
            f(
                "tests_pass",
                "tests::rounds_half_even",
                "fixtures/tests/nextest.xml:5:9"
            ),
            f(
                "tests_pass",
                "tests::invoice_total_sums_lines",
                "fixtures/tests/nextest.xml:104:9"
            ),
            f(
                "tests_pass",
                "refuses_a_negative_amount",
                "fixtures/tests/nextest.xml:183:9"
            ),
            f(
                "flaky_tests",
                "tests::talks_to_the_ledger",
                "fixtures/tests/nextest.xml:81:9"
            ),
        ]
    );
    assert_eq!(
        report["findings"][0]["message"],
        "regression test billing::tests::rounds_half_even failed after 3 attempts: thread 'tests::rounds_half_even' (12559) panicked at src/lib.rs:32:9"
    );
}

#[test]
fn the_facts_read_back_give_the_same_verdict() {
    let (out, facts) = facts(ALL);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("tests.json");
    std::fs::write(&saved, serde_json::to_vec(&facts).unwrap()).unwrap();
    let check = |extra: &[&str]| {
        let mut args = vec![
            "check",
            "fixtures/tests/policy.gate",
            "--now",
            NOW,
            "--format",
            "json",
        ];
        args.extend(extra);
        let out = run(&args);
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        let messages: Vec<Value> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["message"].clone())
            .collect();
        (report["verdict"].clone(), messages)
    };
    let mut produced = Vec::new();
    for j in ALL {
        produced.extend(["--junit", j]);
    }
    let facts_arg = format!("tests={}", saved.display());
    let a = check(&produced);
    let b = check(&["--facts", &facts_arg]);
    assert_eq!(a.0, "no-go");
    // 8 failed + 2 errors, and 5 flaky.
    assert_eq!(a.1.len(), 15, "{:?}", a.1);
    assert_eq!(a, b);
}

#[test]
fn the_plan_names_suites_by_kind_with_globs_and_lists() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("results/junit")).unwrap();
    for (from, to) in [
        ("nextest.xml", "results/junit/nextest.xml"),
        ("gotestsum.xml", "results/junit/gotestsum.xml"),
        ("jest.xml", "results/e2e.xml"),
        ("pytest.xml", "results/uat.xml"),
    ] {
        std::fs::copy(root().join("fixtures/tests").join(from), d.join(to)).unwrap();
    }
    std::fs::write(
        d.join("gate.toml"),
        "[tests]\nregression = \"results/junit/*.xml\"\ne2e = \"results/e2e.xml\"\nuat = [\"results/uat.xml\"]\n",
    )
    .unwrap();
    let out = gate_in(d, &["facts", "--now", NOW]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let facts = serde_json::from_slice::<Value>(&out.stdout).unwrap()["tests"].clone();
    let mut files: Vec<Value> = facts["suites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| json!([s["kind"], s["name"], s["file"]]))
        .collect();
    // Within a kind: a glob's files in name order, a file's suites in document order. (The
    // order of the kinds is the plan reader's.)
    files.sort_by_key(|f| f[0].as_str().unwrap().to_string());
    assert_eq!(
        files,
        vec![
            json!(["e2e", "cart", "results/e2e.xml"]),
            json!(["e2e", "undefined", "results/e2e.xml"]),
            json!([
                "regression",
                "example.com/shop/ledger",
                "results/junit/gotestsum.xml"
            ]),
            json!(["regression", "billing", "results/junit/nextest.xml"]),
            json!(["regression", "billing::api", "results/junit/nextest.xml"]),
            json!(["uat", "pytest", "results/uat.xml"]),
        ]
    );
    assert_eq!(facts["total"], 25);
    assert_eq!(facts["flaky"], 3);
}

/// A report that gives no `time` has no duration fact: reading it is an error, never `0s`.
#[test]
fn a_report_without_times_has_no_duration() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("e2e.xml");
    std::fs::write(
        &file,
        "<testsuite name=\"s\"><testcase name=\"a\"/><testcase name=\"b\" time=\"0.5\"/></testsuite>",
    )
    .unwrap();
    let spec = format!("e2e={}", file.display());
    let (out, facts) = facts(&[&spec]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(facts["cases"][0].get("duration").is_none(), "{facts}");
    assert_eq!(facts["cases"][1]["duration"], "500ms");
    assert!(facts["suites"][0].get("duration").is_none(), "{facts}");
    assert!(facts.get("duration").is_none(), "{facts}");
}
