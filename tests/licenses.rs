//! The `licenses` producer end to end: the fixture workspace (fixtures/licenses/workspace), this
//! repository's own workspace, SBOMs, and bad inputs — through the `gate` binary.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::expect_used,
    clippy::print_stderr
)]

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;

use common::{NOW, gate_in, root};

fn gate(args: &[&str]) -> Output {
    gate_in(&root(), args)
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// The fixture workspace's `licenses` facts, as `gate facts` prints them.
fn fixture_facts() -> Value {
    let out = gate(&[
        "facts",
        "--plan",
        "fixtures/licenses/gate.toml",
        "--now",
        NOW,
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    json_of(&out)["licenses"].clone()
}

fn package<'a>(facts: &'a Value, name: &str) -> &'a Value {
    facts["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("no package `{name}`"))
}

/// Paths in the facts are absolute to this checkout: made relative for snapshots.
fn portable(v: &Value) -> Value {
    let text = serde_json::to_string_pretty(v).unwrap();
    let root = root().canonicalize().unwrap();
    let text = text
        .replace(&format!("{}/", root.display()), "")
        .replace(&format!("\"{}\"", host()), "\"[HOST]\"");
    serde_json::from_str(&text).unwrap()
}

fn host() -> String {
    String::from_utf8(Command::new("rustc").arg("-vV").output().unwrap().stdout)
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
        .unwrap()
}

#[test]
fn the_fixture_workspace_gives_every_fact_the_contract_names() {
    let facts = fixture_facts();
    insta::assert_json_snapshot!("licenses-fixture-facts", portable(&facts));
}

#[test]
fn kinds_paths_and_directness_follow_the_graph() {
    let facts = fixture_facts();
    let row = |name: &str| {
        let p = package(&facts, name);
        (
            p["kind"].as_str().unwrap().to_string(),
            p["direct"].as_bool().unwrap(),
            p["workspace"].as_bool().unwrap(),
            p["path"].as_str().unwrap().to_string(),
        )
    };
    let r = |k: &str, d: bool, w: bool, p: &str| (k.to_string(), d, w, p.to_string());
    assert_eq!(row("app"), r("normal", false, true, "app"));
    assert_eq!(row("cli"), r("normal", false, true, "cli"));
    assert_eq!(
        row("gpl-parser"),
        r("normal", true, false, "app -> gpl-parser")
    );
    assert_eq!(
        row("lgpl-codec"),
        r("normal", false, false, "app -> mpl-cache -> lgpl-codec")
    );
    assert_eq!(
        row("build-helper"),
        r("build", true, false, "app -> build-helper")
    );
    // Everything under a build-dependency is build.
    assert_eq!(
        row("old-gpl-tool"),
        r("build", false, false, "app -> build-helper -> old-gpl-tool")
    );
    assert_eq!(row("test-kit"), r("dev", true, false, "app -> test-kit"));
    // mpl-cache is also under the dev-dependency test-kit; the strongest way wins.
    assert_eq!(row("mpl-cache").0, "normal");
    // Only on Windows: not on this host.
    assert!(
        facts["packages"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["name"] != "win-only")
    );
}

#[test]
fn licenses_are_concluded_and_say_how() {
    let facts = fixture_facts();
    let p = package(&facts, "dual-fmt");
    assert_eq!(p["license"], "MIT OR Apache-2.0");
    assert_eq!(p["declared"], "MIT/Apache-2.0");
    assert_eq!(p["license_source"], "manifest");
    assert!(
        p["license_notes"][0]
            .as_str()
            .unwrap()
            .contains("is not strict SPDX")
    );

    let p = package(&facts, "old-gpl-tool");
    assert_eq!(p["license"], "GPL-2.0-only");
    assert!(
        p["license_notes"][0]
            .as_str()
            .unwrap()
            .contains("deprecated")
    );

    let p = package(&facts, "no-license-util");
    assert_eq!(p["license"], Value::Null);
    assert_eq!(p["license_source"], "none");

    let p = package(&facts, "file-only-crypto");
    assert_eq!(p["license"], "ISC");
    assert_eq!(p["license_source"], "license-file");
    assert!(p["license_score"].as_f64().unwrap() >= 0.9);

    let p = package(&facts, "ringish");
    assert_eq!(p["license"], "ISC AND MIT AND OpenSSL");
    assert_eq!(p["license_source"], "clarified");
    assert!(p["clarification"].as_str().unwrap().contains("LEGAL-118"));

    let p = package(&facts, "gpl-parser");
    assert_eq!(p["license_ids"][0]["category"], "strong-copyleft");
    assert_eq!(
        package(&facts, "mpl-cache")["license_ids"][0]["category"],
        "weak-copyleft"
    );
    assert_eq!(
        package(&facts, "test-kit")["license_ids"][0]["category"],
        "network-copyleft"
    );
    assert_eq!(facts["scope"]["input"], "cargo");
}

/// `cargo metadata --filter-platform HOST` of `manifest`: (name, version) of every resolved package.
fn cargo_packages(manifest: &Path, offline: bool) -> BTreeSet<(String, String)> {
    let host = host();
    let mut cmd = Command::new(env!("CARGO"));
    cmd.args([
        "metadata",
        "--format-version",
        "1",
        "--locked",
        "--filter-platform",
        &host,
    ])
    .arg("--manifest-path")
    .arg(manifest);
    if offline {
        cmd.arg("--offline");
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let m: Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: std::collections::HashMap<&str, (String, String)> = m["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap(),
                (
                    p["name"].as_str().unwrap().to_string(),
                    p["version"].as_str().unwrap().to_string(),
                ),
            )
        })
        .collect();
    m["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| names[n["id"].as_str().unwrap()].clone())
        .collect()
}

fn gate_packages(facts: &Value) -> BTreeSet<(String, String)> {
    facts["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_string(),
                p["version"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn the_fixture_matches_cargo_metadata_package_for_package() {
    let want = cargo_packages(&root().join("fixtures/licenses/workspace/Cargo.toml"), true);
    assert_eq!(gate_packages(&fixture_facts()), want);
}

#[test]
fn this_repository_matches_cargo_metadata_package_for_package() {
    let out = gate(&["facts", "--manifest-path", "Cargo.toml", "--now", NOW]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let facts = json_of(&out)["licenses"].clone();
    let want = cargo_packages(&root().join("Cargo.toml"), false);
    assert_eq!(gate_packages(&facts), want);
    assert!(want.len() > 100, "gate has well over 100 dependencies");
    // Every package of this repository declares an SPDX license that gate reads.
    for p in facts["packages"].as_array().unwrap() {
        assert!(!p["license_ids"].as_array().unwrap().is_empty(), "{p}");
    }
}

#[test]
fn a_saved_metadata_document_gives_the_same_facts_as_running_cargo() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("gate.toml"),
        format!(
            "[licenses]\nmetadata = \"{}\"\nclarifications = \"{}\"\n",
            root()
                .join("fixtures/licenses/workspace/metadata.json")
                .display(),
            root()
                .join("fixtures/licenses/clarifications.toml")
                .display(),
        ),
    )
    .unwrap();
    let out = gate_in(dir.path(), &["facts", "--now", NOW]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Paths differ (this run is in a temporary folder); everything else is the same.
    let without_paths = |facts: &Value| -> Vec<Value> {
        facts["packages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let mut p = p.clone();
                let m = p.as_object_mut().unwrap();
                m.remove("manifest");
                m.remove("license_file");
                p
            })
            .collect()
    };
    let saved = json_of(&out)["licenses"].clone();
    assert_eq!(without_paths(&saved), without_paths(&fixture_facts()));
}

#[test]
fn the_license_policy_on_the_fixture_is_an_explained_no_go() {
    let out = gate(&[
        "check",
        "--plan",
        "fixtures/licenses/gate.toml",
        "--now",
        NOW,
        "--format",
        "json",
    ]);
    let report = json_of(&out);
    assert_eq!(out.status.code(), Some(1), "{}", report["errors"]);
    let messages: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect();
    insta::assert_json_snapshot!("licenses-fixture-findings", messages);
}

fn errors_of(out: &Output) -> Vec<(String, String)> {
    let report = json_of(out);
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["code"].as_str().unwrap().to_string(),
                format!(
                    "{}:{}",
                    e["location"]["file"].as_str().unwrap_or("-"),
                    e["location"]["line"].as_u64().unwrap_or(0)
                ),
            )
        })
        .collect()
}

/// Copies the fixture workspace to a temporary folder, changes it, and runs `gate check` on it.
fn broken_workspace(change: impl Fn(&Path)) -> (tempfile::TempDir, Output) {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &root().join("fixtures/licenses/workspace"),
        &dir.path().join("ws"),
    );
    change(&dir.path().join("ws"));
    std::fs::write(
        dir.path().join("gate.toml"),
        format!(
            "policy = \"{}\"\n[licenses]\nmanifest = \"ws/Cargo.toml\"\noffline = true\n",
            root().join("policies/licenses.gate").display()
        ),
    )
    .unwrap();
    let out = gate_in(dir.path(), &["check", "--now", NOW, "--format", "json"]);
    (dir, out)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            if entry.file_name() != "target" {
                copy_dir(&entry.path(), &target);
            }
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn a_manifest_that_does_not_parse_is_a_located_error() {
    let (_dir, out) = broken_workspace(|ws| {
        std::fs::write(
            ws.join("app/Cargo.toml"),
            "[package]\nname = \"app\nversion = 1\n",
        )
        .unwrap();
    });
    assert_eq!(out.status.code(), Some(2));
    let errors = errors_of(&out);
    assert_eq!(errors[0].0, "licenses-cargo", "{errors:?}");
    assert!(errors[0].1.ends_with("app/Cargo.toml:2"), "{errors:?}");
}

#[test]
fn a_lock_file_that_does_not_resolve_offline_is_an_error() {
    let (_dir, out) = broken_workspace(|ws| {
        let manifest = ws.join("app/Cargo.toml");
        let text = std::fs::read_to_string(&manifest).unwrap();
        std::fs::write(
            &manifest,
            text.replace(
                "[dependencies]\n",
                "[dependencies]\nleft-pad-nonexistent-xyz = \"1\"\n",
            ),
        )
        .unwrap();
    });
    assert_eq!(out.status.code(), Some(2));
    let report = json_of(&out);
    assert_eq!(report["errors"][0]["code"], "licenses-cargo");
    assert_eq!(report["verdict"], "error");
}

#[test]
fn a_license_that_is_not_spdx_is_a_located_error() {
    let (_dir, out) = broken_workspace(|ws| {
        let manifest = ws.join("vendor/gpl-parser/Cargo.toml");
        let text = std::fs::read_to_string(&manifest).unwrap();
        std::fs::write(
            &manifest,
            text.replace("GPL-3.0-only", "Foo Bar Public License"),
        )
        .unwrap();
    });
    assert_eq!(out.status.code(), Some(2));
    let errors = errors_of(&out);
    assert!(
        errors.iter().any(
            |(c, at)| c == "license-not-spdx" && at.ends_with("vendor/gpl-parser/Cargo.toml:5")
        ),
        "{errors:?}"
    );
}

#[test]
fn a_changed_license_file_makes_its_clarification_lapse() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("fixtures/licenses"), &dir.path().join("l"));
    std::fs::write(
        dir.path().join("l/workspace/vendor/ringish/LICENSE"),
        "changed\n",
    )
    .unwrap();
    let plan = dir.path().join("l/gate.toml");
    let text = std::fs::read_to_string(&plan).unwrap();
    std::fs::write(
        &plan,
        text.replace(
            "../../policies/licenses.gate",
            &root().join("policies/licenses.gate").display().to_string(),
        ),
    )
    .unwrap();
    let out = gate_in(
        dir.path(),
        &["facts", "--plan", "l/gate.toml", "--now", NOW],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("clarification-lapsed"), "{stderr}");
    let facts = json_of(&out)["licenses"].clone();
    let p = package(&facts, "ringish");
    assert_ne!(p["license_source"], "clarified");
}

#[test]
fn the_plan_section_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("gate.toml"),
        "[licenses]\nmanifest = \"Cargo.toml\"\nsbom = \"x.json\"\ntreshold = 2\n",
    )
    .unwrap();
    let out = gate_in(dir.path(), &["facts"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("did you mean `threshold`"), "{stderr}");
    assert!(stderr.contains("not both"), "{stderr}");
}

fn report(format: &str) -> (Output, String) {
    let out = gate(&[
        "licenses",
        "report",
        "--plan",
        "fixtures/licenses/gate.toml",
        "--now",
        NOW,
        "--format",
        format,
    ]);
    let text = String::from_utf8(out.stdout.clone())
        .unwrap()
        .replace(&host(), "[HOST]");
    (out, text)
}

#[test]
fn the_legal_review_report_in_markdown() {
    let (out, text) = report("markdown");
    assert_eq!(out.status.code(), Some(1), "the verdict's exit code: no-go");
    insta::assert_snapshot!("licenses-report-markdown", text);
}

#[test]
fn the_legal_review_report_in_json() {
    let (_, text) = report("json");
    let r: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(r["schema"], 1);
    let ringish = r["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "ringish")
        .unwrap();
    assert_eq!(ringish["concluded_from"], "clarified");
    assert_eq!(
        ringish["policy"][0]["not_allowed"],
        serde_json::json!(["OpenSSL"])
    );
    let dual = r["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "dual-fmt")
        .unwrap();
    // The first branch of the OR that the policy accepts.
    assert_eq!(
        dual["policy"][0]["satisfied_by"],
        serde_json::json!(["MIT"])
    );
    assert_eq!(r["waivers"][0]["until"], "2027-03-31");
    insta::assert_snapshot!("licenses-report-json", text);
}

/// The HTML page is snapshotted, and printed to PDF by headless Chromium (Debian's `chromium`)
/// when it is installed: the page must load and print without errors.
#[test]
fn the_legal_review_report_in_html_prints() {
    let (_, text) = report("html");
    insta::assert_snapshot!("licenses-report-html", text);
    let Ok(chromium) = which("chromium") else {
        eprintln!("chromium is not installed (apt install chromium): the print check is skipped");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    let pdf = dir.path().join("report.pdf");
    std::fs::write(&page, &text).unwrap();
    let out = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF"), "chromium printed no PDF");
    assert!(
        bytes.len() > 10_000,
        "a PDF of {} bytes is too small for the report",
        bytes.len()
    );
}

fn which(name: &str) -> Result<PathBuf, ()> {
    std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join(name))
                .find(|p| p.is_file())
        })
        .ok_or(())
}

fn sbom_facts(file: &str) -> (Output, Value) {
    let out = gate(&[
        "facts",
        "--sbom",
        &format!("fixtures/licenses/sbom/{file}"),
        "--now",
        NOW,
    ]);
    let facts = if out.status.success() {
        json_of(&out)["licenses"].clone()
    } else {
        Value::Null
    };
    (out, facts)
}

#[test]
fn sboms_from_npm_fill_the_same_namespace_in_both_formats() {
    let (out, cdx) = sbom_facts("npm.cdx.json");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (out, spdx) = sbom_facts("npm.spdx.json");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(cdx["scope"]["input"], "cyclonedx");
    assert_eq!(spdx["scope"]["input"], "spdx");
    // The same npm project, written by `npm sbom` in both formats: the same packages, licenses
    // and kinds (the root is named differently by the two formats).
    let rows = |facts: &Value| -> BTreeSet<(String, String, String, String)> {
        facts["packages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| !p["workspace"].as_bool().unwrap())
            .map(|p| {
                (
                    p["name"].as_str().unwrap().to_string(),
                    p["version"].as_str().unwrap().to_string(),
                    p["license"].as_str().unwrap_or("none").to_string(),
                    p["kind"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(rows(&cdx), rows(&spdx));
    for p in cdx["packages"].as_array().unwrap() {
        assert_eq!(
            p["license_source"],
            if p["license"].is_null() {
                "none"
            } else {
                "sbom"
            }
        );
    }
    insta::assert_json_snapshot!("licenses-sbom-npm-cdx", portable(&cdx));
}

#[test]
fn an_sbom_made_by_cargo_cyclonedx_reads_kinds_and_sources() {
    let (out, facts) = sbom_facts("cargo.cdx.json");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    insta::assert_json_snapshot!("licenses-sbom-cargo-cdx", portable(&facts));
}

#[test]
fn broken_sboms_are_located_errors() {
    for (file, code, line) in [
        ("not-json.json", "sbom-syntax", 59),
        ("dangling.spdx.json", "sbom-dangling-ref", 44),
        ("dangling.cdx.json", "sbom-dangling-ref", 0),
        ("unknown-format.json", "sbom-format", 0),
    ] {
        let out = gate(&[
            "check",
            "policies/licenses.gate",
            "--sbom",
            &format!("fixtures/licenses/sbom/{file}"),
            "--now",
            NOW,
            "--format",
            "json",
        ]);
        assert_eq!(out.status.code(), Some(2), "{file}");
        let errors = errors_of(&out);
        assert_eq!(errors[0].0, code, "{file}: {errors:?}");
        assert!(
            errors[0].1.contains(file),
            "{file}: not located: {errors:?}"
        );
        if line > 0 {
            assert!(
                errors[0].1.ends_with(&format!(":{line}")),
                "{file}: {errors:?}"
            );
        }
    }
}

#[test]
fn an_sbom_from_cyclonedx_py_reads_trove_classifiers_as_the_ids_they_restate() {
    let (out, facts) = sbom_facts("python.cdx.json");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(facts["scope"]["spec"], "CycloneDX 1.6");
    assert_eq!(package(&facts, "certifi")["license"], "MPL-2.0");
    assert_eq!(package(&facts, "requests")["license"], "Apache-2.0");
    assert_eq!(
        package(&facts, "urllib3")["path"],
        "sbom-demo -> requests -> urllib3"
    );
    // pip and setuptools are in the environment the SBOM lists, but nothing needs them: left
    // out, and said so.
    assert!(
        facts["packages"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["name"] != "pip")
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("sbom-unreached") && stderr.contains("pip 23.2.1"),
        "{stderr}"
    );
}

/// `cargo metadata`'s result is cached in the workspace's target folder, keyed by the sha256 of
/// Cargo.lock and of every path package's manifest: a changed manifest is read again.
#[test]
fn a_cached_graph_is_used_only_while_the_manifests_are_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    copy_dir(&root().join("fixtures/licenses/workspace"), &ws);
    let facts = |extra: &[&str]| {
        let mut args = vec![
            "facts",
            "--manifest-path",
            "ws/Cargo.toml",
            "--offline",
            "--now",
            NOW,
        ];
        args.extend_from_slice(extra);
        let out = gate_in(dir.path(), &args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        json_of(&out)["licenses"].clone()
    };
    assert_eq!(
        package(&facts(&[]), "gpl-parser")["license"],
        "GPL-3.0-only"
    );
    let entries = std::fs::read_dir(ws.join("target/gate")).unwrap().count();
    assert_eq!(entries, 1, "one cache entry");
    let manifest = ws.join("vendor/gpl-parser/Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, text.replace("GPL-3.0-only", "MIT")).unwrap();
    assert_eq!(package(&facts(&[]), "gpl-parser")["license"], "MIT");
    assert_eq!(
        package(&facts(&["--no-cache"]), "gpl-parser")["license"],
        "MIT"
    );
}
