//! Regression tests, each named after the bug it pins (found by fuzzing or by reading the code).

#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

use serde_json::Value;

/// Runs `gate check` on a policy text and returns the exit code and the JSON report.
fn check(policy: &str) -> (Option<i32>, Value) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.gate"), policy).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gate"))
        .current_dir(dir.path())
        .args([
            "check",
            "p.gate",
            "--now",
            "2026-01-01T00:00:00Z",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON report ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code(), report)
}

fn first_error_code(report: &Value) -> &str {
    report["errors"][0]["code"].as_str().unwrap_or("")
}

/// `sum` of percents added without an overflow check and panicked.
#[test]
fn sum_of_huge_percents_is_an_error_not_a_panic() {
    let (code, report) = check(
        "let p = 79228162514264337593543950335%\n\
         let q = sum([p, p, p, p, p, p, p, p, p, p, p])\n\
         rule r: block {\n  require sum([q, q, q, q, q, q, q, q, q, q]) > 0%\n}\n",
    );
    assert_eq!(code, Some(2));
    assert_eq!(first_error_code(&report), "eval");
    assert!(
        report["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("overflows")
    );
}

/// A percent too large to scale by 100 panicked when shown in a message.
#[test]
fn a_huge_percent_in_a_message_is_shown() {
    let ps = vec!["p"; 50].join(", ");
    let (code, report) = check(&format!(
        "let p = 79228162514264337593543950335%\nrule r: block {{\n  forbid true because \"{{sum([{ps}])}}\"\n}}\n"
    ));
    assert_eq!(code, Some(1), "{}", report["errors"]);
    assert!(
        report["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("ratio")
    );
}

/// `forbid` and `allowed` passed as names: `for` and `all` matched first in the keyword rule.
#[test]
fn keywords_that_start_with_other_keywords_are_not_names() {
    for text in [
        "let x = forbid\nrule r: block { require x }\n",
        "rule r: block { require allowed }\n",
    ] {
        let (code, report) = check(text);
        assert_eq!(code, Some(2), "{text}");
        assert_eq!(first_error_code(&report), "syntax", "{text}");
    }
}

/// `\u{+41}` and seven-digit escapes were accepted although the help says 1 to 6 hex digits.
#[test]
fn unicode_escapes_take_one_to_six_hex_digits() {
    for escape in [r"\u{+41}", r"\u{0000041}", r"\u{}"] {
        let (code, report) = check(&format!(
            "let x = \"{escape}\"\nrule r: block {{ require x == \"A\" }}\n"
        ));
        assert_eq!(code, Some(2), "{escape}");
        assert_eq!(first_error_code(&report), "bad-escape", "{escape}");
    }
    let (code, _) = check("let x = \"\\u{41}\"\nrule r: block { require x == \"A\" }\n");
    assert_eq!(code, Some(0));
}

/// The nesting guard did not release a quantifier at a comma, so a list of 64 quantifiers was
/// "too deep" though it nests two levels.
#[test]
fn many_quantifiers_side_by_side_are_not_deep() {
    let items = vec!["any a in [true] where a"; 70].join(", ");
    let (code, report) = check(&format!(
        "let x = [{items}]\nrule r: block {{ require len(x) == 70 }}\n"
    ));
    assert_eq!(code, Some(0), "{}", report["errors"]);
}
