//! The `config` producer end to end: staging against production over the fixtures under
//! fixtures/config (YAML against TOML, `.env` against `.env`), the near misses that are not
//! differences, secrets that never reach any output, bad plans and files that do not parse.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::expect_used,
    clippy::print_stderr
)]

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Output;

mod common;

use common::{NOW, gate_in, root};

fn dir() -> PathBuf {
    root().join("fixtures/config")
}

/// Standard error, with miette's wrapped message lines joined again.
fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).replace("\n  │ ", " ")
}

fn facts(dir: &Path, plan: &str) -> (Output, Value) {
    let out = gate_in(dir, &["facts", "--plan", plan, "--now", NOW]);
    let facts = serde_json::from_slice::<Value>(&out.stdout)
        .map(|v| v["config"].clone())
        .unwrap_or(Value::Null);
    (out, facts)
}

/// Every secret value the fixtures hold: none may appear in any output.
const SECRETS: &[&str] = &[
    "stg-db-pass-5b1e",
    "prod-db-pass-9c2f",
    "shared-token-a1b2c3",
    "stg-rabbit-77aa",
    "prod-rabbit-88bb",
    "stg-sentry-key-0f0f",
    "prod-sentry-key-1e1e",
    "stg-vault-role-1234",
    "prod-vault-role-5678",
    "stg-env-pass-3d4e",
    "prod-env-pass-6f7a",
    "broken-toml-secret-11",
    "broken-yaml-secret-22",
    "broken-json-secret-33",
    "broken-env-secret-44",
];

fn assert_no_secret(text: &str) {
    for s in SECRETS {
        assert!(!text.contains(s), "`{s}` leaked:\n{text}");
    }
}

#[test]
fn yaml_against_toml_gives_the_differences() {
    let (out, facts) = facts(&dir(), "gate.toml");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    insta::assert_snapshot!(
        "config-fixture-facts",
        serde_json::to_string_pretty(&facts).unwrap()
    );
    let keys: Vec<(&str, bool)> = facts["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["key"].as_str().unwrap(), d["secret"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        keys,
        [
            // secret by name (`dsn`)
            ("analytics.dsn", true),
            // the near miss that IS a difference: the string "300" against the number 300
            ("cache.ttl", false),
            ("database.password", true),
            ("database.url", false),
            ("payments.endpoint", false),
            // secret by value: a URL with a password
            ("queue.url", true),
            // secret because the plan names its table (`secret_keys = ["vault"]`)
            ("vault.role_id", true),
        ]
    );
    assert_eq!(
        facts["differences"][1],
        json!({"key": "cache.ttl", "staging": "\"300\"", "production": "300", "secret": false,
               "staging_line": 11, "production_line": 15})
    );
    assert_eq!(
        facts["differences"][2],
        json!({"key": "database.password", "staging": null, "production": null, "secret": true,
               "staging_line": 9, "production_line": 12})
    );
    // Near misses that are not differences: `port: 5432` against `port = 5_432`, `pool: 10`
    // against `pool = 10.0`, a YAML list against a TOML array, an equal secret (`api.token`),
    // and `build.sha`, which the plan ignores.
    for key in [
        "database.port",
        "database.pool",
        "features",
        "api.token",
        "build.sha",
        "service.name",
        "payments.timeout_ms",
    ] {
        assert!(
            !facts["differences"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["key"] == key),
            "{key}"
        );
    }
    assert_eq!(facts["only_in_staging"], json!(["debug.enabled"]));
    assert_eq!(facts["only_in_production"], json!(["cdn.url"]));
    assert_eq!(facts["keys"], 16);
    assert_eq!(facts["staging_file"], "staging.yaml");
    assert_eq!(facts["production_file"], "production.toml");
    assert_no_secret(&String::from_utf8_lossy(&out.stdout));
}

#[test]
fn the_policy_allows_database_differences_only() {
    let out = gate_in(
        &dir(),
        &[
            "check",
            "--plan",
            "gate.toml",
            "--now",
            NOW,
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["verdict"], "no-go", "{report}");
    let got: Vec<(String, String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
                f["witness"][0]["evidence"]["source"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
            )
        })
        .collect();
    let expect = |rule: &str, message: &str, at: &str| {
        (rule.to_string(), message.to_string(), at.to_string())
    };
    assert_eq!(
        got,
        [
            expect(
                "only_database_differs",
                "`analytics.dsn` differs between staging and production",
                "staging.yaml:20:3"
            ),
            expect(
                "only_database_differs",
                "`cache.ttl` differs between staging and production",
                "staging.yaml:11:3"
            ),
            expect(
                "only_database_differs",
                "`payments.endpoint` differs between staging and production",
                "staging.yaml:15:3"
            ),
            expect(
                "only_database_differs",
                "`queue.url` differs between staging and production",
                "staging.yaml:18:3"
            ),
            expect(
                "only_database_differs",
                "`vault.role_id` differs between staging and production",
                "staging.yaml:22:3"
            ),
            expect(
                "no_key_only_in_staging",
                "`debug.enabled` is set in staging only",
                "staging.yaml:29:3"
            ),
            expect(
                "no_key_only_in_production",
                "`cdn.url` is set in production only",
                "production.toml:37:1"
            ),
        ]
    );
    assert_no_secret(&String::from_utf8_lossy(&out.stdout));
    // The human report too.
    let out = gate_in(&dir(), &["check", "--plan", "gate.toml", "--now", NOW]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_no_secret(&String::from_utf8_lossy(&out.stdout));
    assert_no_secret(&stderr(&out));
}

#[test]
fn dotenv_files_where_only_the_database_differs_go() {
    let (out, facts) = facts(&dir().join("env"), "gate.toml");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        facts,
        json!({
            "differences": [
                {"key": "DATABASE_PASSWORD", "staging": null, "production": null, "secret": true,
                 "staging_line": 3, "production_line": 3},
                {"key": "DATABASE_URL", "staging": "postgres://staging-db.internal/checkout",
                 "production": "postgres://prod-db.internal/checkout", "secret": false,
                 "staging_line": 2, "production_line": 2},
            ],
            "only_in_staging": [],
            "only_in_production": [],
            "staging_file": "staging.env",
            "production_file": "production.env",
            "keys": 4,
        })
    );
    assert_no_secret(&String::from_utf8_lossy(&out.stdout));
    let out = gate_in(
        &dir().join("env"),
        &["check", "--plan", "gate.toml", "--now", NOW],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// Writes a plan and config files into a temp folder.
fn setup(plan: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("gate.toml"), plan).unwrap();
    for (name, text) in files {
        std::fs::write(tmp.path().join(name), text).unwrap();
    }
    tmp
}

#[test]
fn values_written_differently_compare_as_values() {
    let tmp = setup(
        "[config]\nstaging = \"s.json\"\nproduction = \"p.yml\"\n",
        &[
            (
                "s.json",
                "{\"port\": 5432, \"ratio\": 0.50, \"on\": true, \"name\": \"5432\", \"hosts\": [\"a\", \"b\"], \"n\": null}",
            ),
            (
                "p.yml",
                "port: 5432.0\nratio: 5e-1\non: true\nname: 5432\nhosts: [a, c]\nn: ~\n",
            ),
        ],
    );
    let (out, facts) = facts(tmp.path(), "gate.toml");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        facts["differences"],
        json!([
            {"key": "hosts", "staging": "[\"a\",\"b\"]", "production": "[\"a\",\"c\"]",
             "secret": false, "staging_line": 1, "production_line": 5},
            {"key": "name", "staging": "\"5432\"", "production": "5432",
             "secret": false, "staging_line": 1, "production_line": 4},
        ])
    );
}

#[test]
fn a_bad_plan_is_located() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "[config]\nstaging = \"s.toml\"\nproduction = \"p.toml\"\nsecrets_keys = [\"x\"]\n",
            "unknown key `config.secrets_keys`",
            &["did you mean `secret_keys`?", "gate.toml:4:1"],
        ),
        (
            "[config]\nstaging = \"nowhere.toml\"\nproduction = \"p.toml\"\n",
            "the staging configuration `nowhere.toml` does not exist",
            &["gate.toml:2:11"],
        ),
        (
            "[config]\nstaging = \"s.toml\"\n",
            "`[config]` needs `production`",
            &["gate.toml:1:2"],
        ),
        (
            "[config]\nstaging = \"s.toml\"\nproduction = \"p.toml\"\nformat = \"yamll\"\n",
            "`yamll` is not a configuration format",
            &["did you mean `yaml`?", "gate.toml:4:10"],
        ),
        (
            "[config]\nstaging = \"s.conf\"\nproduction = \"p.toml\"\n",
            "gate cannot tell the format of the staging configuration",
            &["gate.toml:2:11"],
        ),
        (
            "[config]\nstaging = \"s.toml\"\nproduction = \"p.toml\"\nignore = [1]\n",
            "`config.ignore` lists strings",
            &["gate.toml:4:11"],
        ),
    ];
    for (plan, message, more) in cases {
        let tmp = setup(
            plan,
            &[
                ("s.toml", "a = 1\n"),
                ("p.toml", "a = 2\n"),
                ("s.conf", "a = 1\n"),
            ],
        );
        let out = gate_in(tmp.path(), &["facts", "--plan", "gate.toml", "--now", NOW]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{plan}\n{err}");
        assert!(err.contains(message), "{plan}\n{err}");
        for m in *more {
            assert!(err.contains(m), "{plan}: `{m}`\n{err}");
        }
    }
}

#[test]
fn a_file_that_does_not_parse_is_located_and_shows_no_secret() {
    let broken = dir().join("broken");
    for (file, at, what) in [
        ("bad.toml", "bad.toml:3:8", "not valid TOML"),
        ("bad.yaml", "bad.yaml:4:9", "not valid YAML"),
        ("bad.json", "bad.json:5:1", "not valid JSON"),
        ("bad.env", "bad.env:2:11", "not valid `.env`"),
    ] {
        let tmp = setup(
            &format!(
                "[config]\nstaging = \"{}\"\nproduction = \"{}\"\n",
                broken.join("../production.toml").display(),
                broken.join(file).display(),
            ),
            &[],
        );
        let out = gate_in(tmp.path(), &["facts", "--plan", "gate.toml", "--now", NOW]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{file}\n{err}");
        assert!(err.contains(at), "{file}: `{at}`\n{err}");
        assert!(err.contains(what), "{file}\n{err}");
        assert!(err.contains("the production configuration"), "{err}");
        assert_no_secret(&err);
        assert_no_secret(&String::from_utf8_lossy(&out.stdout));
    }
}

/// Two files that set nothing have no differences, and would pass: each is an error instead.
#[test]
fn a_configuration_that_sets_nothing_is_an_error() {
    let tmp = setup(
        "[config]\nstaging = \"s.toml\"\nproduction = \"p.yaml\"\n",
        &[
            ("s.toml", "# exported by the deploy step\n"),
            ("p.yaml", ""),
        ],
    );
    let (out, _) = facts(tmp.path(), "gate.toml");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("the staging configuration `s.toml` sets nothing to compare")
            && err.contains("the production configuration `p.yaml` sets nothing to compare"),
        "{err}"
    );
    assert!(err.contains("config-empty"), "{err}");
}
