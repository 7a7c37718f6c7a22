//! The staging-sequence producers `release`, `approvals`, `build` and `artifact` end to end:
//! fixtures/release copied into a throwaway git repository made at run time (a repository can't
//! be committed inside this one), exact facts, near misses, bad plans and a small policy.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::expect_used,
    clippy::print_stderr
)]

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::process::{Command, Output};

mod common;

use common::{NOW, gate_in, root};

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.email=dev@example.com",
            "-c",
            "user.name=Dev",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "tag.gpgsign=false",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// fixtures/release in a fresh git repository with one commit by `dev@example.com`.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("fixtures/release"), dir.path());
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "release 2.3.1"]);
    dir
}

fn write(dir: &Path, rel: &str, text: &str) {
    std::fs::write(dir.join(rel), text).unwrap();
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `gate facts` with a plan: the exit code, the facts and stderr.
fn facts(dir: &Path, plan: &str) -> (Option<i32>, Value, String) {
    let out = gate_in(dir, &["facts", "--plan", plan, "--now", NOW]);
    let facts = serde_json::from_slice::<Value>(&out.stdout).unwrap_or(Value::Null);
    (out.status.code(), facts, stderr(&out))
}

#[test]
fn a_clean_release_has_exact_facts() {
    let dir = repo();
    let d = dir.path();
    let (code, f, err) = facts(d, "gate.toml");
    assert_eq!(code, Some(0), "{err}");
    let head = git(d, &["rev-parse", "HEAD"]);
    assert_eq!(
        f["release"],
        json!({
            "version": "2.3.1",
            "version_source": "cargo",
            "commit": head,
            "author": "dev@example.com",
            "dirty": false,
            "tag": null,
            "changelog_entry": true,
            "rollback_doc": true,
        })
    );
    let current: Vec<(&str, &str, bool)> = f["approvals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["who"].as_str().unwrap(),
                a["subject"].as_str().unwrap(),
                a["current"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        current,
        [
            ("quinn@example.com", "2.3.1", true),
            ("riley@example.com", "v2.3.1", true),
            ("sam@example.com", "2.3.0", false),
            ("dev@example.com", "2.3.1", true),
        ]
    );
    assert_eq!(f["approvals"][0]["at"], "2026-11-26T15:30:00-05:00");
    assert_eq!(f["approvals"][1]["at"], "2026-11-26T21:05:00+00:00");
    assert_eq!(f["approvals"][0]["comment"], "regression suite green");
    assert_eq!(f["approvals"][1]["comment"], Value::Null);

    let build = &f["build"];
    assert_eq!(build["lockfile"], true);
    assert_eq!(build["lockfile_committed"], true);
    let unpinned: Vec<(&str, &str, &str, u64)> = build["unpinned"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["name"].as_str().unwrap(),
                u["reason"].as_str().unwrap(),
                u["file"].as_str().unwrap(),
                u["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        unpinned,
        [
            ("anything", "wildcard version `*`", "Cargo.toml", 9),
            ("minor", "wildcard version `1.*`", "Cargo.toml", 10),
            (
                "on-branch",
                "git dependency on branch `main` without `rev`",
                "Cargo.toml",
                12
            ),
            ("bare-git", "git dependency without `rev`", "Cargo.toml", 13),
            (
                "tagged",
                "git dependency on tag `v1.0.0` without `rev` (a tag can move)",
                "Cargo.toml",
                17
            ),
            ("cc", "wildcard version `1.x`", "crates/local/Cargo.toml", 9),
        ]
    );
    assert_eq!(build["toolchain"]["pinned"], "stable");
    // rustc and cargo run where the workspace is; on a machine without them they are none.
    for tool in ["rustc", "cargo"] {
        let v = &build["toolchain"][tool];
        assert!(
            v.is_null() || v.as_str().unwrap().starts_with(tool),
            "{tool}: {v}"
        );
    }

    let bytes = std::fs::read(d.join("app.bin")).unwrap();
    let hex: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        f["artifact"],
        json!({
            "name": "app.bin",
            "path": "app.bin",
            "digest": format!("sha256:{hex}"),
            "size": bytes.len(),
        })
    );
}

#[test]
fn changelog_and_rollback_near_misses() {
    let dir = repo();
    let d = dir.path();
    // A prose mention, a code block, 2.3.10 and 2.3.1-rc.1 are not an entry for 2.3.1;
    // whitespace is not a rollback document.
    write(
        d,
        "near.toml",
        "[release]\nchangelog = \"CHANGELOG-near-miss.md\"\nrollback = \"docs/rollback-empty.md\"\n",
    );
    let (code, f, err) = facts(d, "near.toml");
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(f["release"]["changelog_entry"], false);
    assert_eq!(f["release"]["rollback_doc"], false);
    // The same changelog has an entry for 2.3.10.
    write(
        d,
        "later.toml",
        "[release]\nversion = \"2.3.10\"\nchangelog = \"CHANGELOG-near-miss.md\"\n",
    );
    let (code, f, err) = facts(d, "later.toml");
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(f["release"]["changelog_entry"], true);
    assert_eq!(f["release"]["version_source"], "plan");
    // No changelog key: no entry. A rollback document that is missing: false, with a warning.
    write(
        d,
        "none.toml",
        "[release]\nrollback = \"docs/missing.md\"\n",
    );
    let (code, f, err) = facts(d, "none.toml");
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(f["release"]["changelog_entry"], false);
    assert_eq!(f["release"]["rollback_doc"], false);
    assert!(err.contains("docs/missing.md"), "{err}");
    assert!(err.contains("none.toml:2:12"), "{err}");
}

#[test]
fn dirty_state_and_the_lock_file() {
    let dir = repo();
    let d = dir.path();
    // An untracked file does not make the tree dirty.
    write(d, "notes.txt", "scratch\n");
    let (_, f, err) = facts(d, "gate.toml");
    assert_eq!(f["release"]["dirty"], false, "{err}");
    assert_eq!(f["build"]["lockfile_committed"], true);
    // Editing a tracked file does; editing Cargo.lock uncommits it.
    let mut lock = std::fs::read_to_string(d.join("Cargo.lock")).unwrap();
    lock.push_str("\n[[package]]\nname = \"extra\"\nversion = \"1.0.0\"\n");
    write(d, "Cargo.lock", &lock);
    let (code, f, err) = facts(d, "gate.toml");
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(f["release"]["dirty"], true);
    assert_eq!(f["build"]["lockfile"], true);
    assert_eq!(f["build"]["lockfile_committed"], false);
    // An untracked lock file is present but not committed.
    git(d, &["rm", "-q", "--cached", "Cargo.lock"]);
    git(d, &["commit", "-q", "-m", "untrack the lock file"]);
    let (_, f, _) = facts(d, "gate.toml");
    assert_eq!(f["build"]["lockfile"], true);
    assert_eq!(f["build"]["lockfile_committed"], false);
    // No lock file at all.
    std::fs::remove_file(d.join("Cargo.lock")).unwrap();
    let (_, f, _) = facts(d, "gate.toml");
    assert_eq!(f["build"]["lockfile"], false);
    assert_eq!(f["build"]["lockfile_committed"], false);
}

#[test]
fn where_the_version_comes_from() {
    let dir = repo();
    let d = dir.path();
    git(d, &["tag", "-a", "v2.3.1", "-m", "2.3.1"]);
    write(d, "tag.toml", "[release]\nversion_from = \"git-tag\"\n");
    let (code, f, err) = facts(d, "tag.toml");
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(f["release"]["version"], "2.3.1");
    assert_eq!(f["release"]["version_source"], "git-tag");
    assert_eq!(f["release"]["tag"], "v2.3.1");
    // A workspace member that inherits its version.
    std::fs::create_dir_all(d.join("ws/member")).unwrap();
    write(
        d,
        "ws/Cargo.toml",
        "[workspace]\nmembers = [\"member\"]\n\n[workspace.package]\nversion = \"3.0.0-beta.2\"\n",
    );
    write(
        d,
        "ws/member/Cargo.toml",
        "[package]\nname = \"m\"\nversion.workspace = true\n",
    );
    write(
        d,
        "inherit.toml",
        "[release]\nversion_from = \"cargo\"\nmanifest = \"ws/member/Cargo.toml\"\n",
    );
    let (code, f, err) = facts(d, "inherit.toml");
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(f["release"]["version"], "3.0.0-beta.2");
    assert_eq!(f["release"]["version_source"], "cargo");
    // Without a version in the plan or a Cargo.toml beside it: the tag on HEAD.
    std::fs::create_dir_all(d.join("deploy")).unwrap();
    write(d, "deploy/gate.toml", "[release]\nrepository = \"..\"\n");
    let (code, f, err) = facts(d, "deploy/gate.toml");
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(f["release"]["version_source"], "git-tag");
    // Outside a git work tree: no commit, with a warning.
    let outside = tempfile::tempdir().unwrap();
    write(
        outside.path(),
        "gate.toml",
        "[release]\nversion = \"1.0.0\"\n",
    );
    let (code, f, err) = facts(outside.path(), "gate.toml");
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(f["release"]["commit"], Value::Null);
    assert_eq!(f["release"]["author"], Value::Null);
    assert_eq!(f["release"]["dirty"], false);
    assert!(err.contains("not in a git work tree"), "{err}");
}

#[test]
fn bad_plans_are_located_errors() {
    let dir = repo();
    let d = dir.path();
    write(
        d,
        "typos.toml",
        "[release]\nchangelg = \"CHANGELOG.md\"\n[approvals]\nfil = \"signoff.toml\"\n[build]\nmanifst = \"Cargo.toml\"\n[artifact]\npth = \"app.bin\"\n",
    );
    let (code, _, err) = facts(d, "typos.toml");
    assert_eq!(code, Some(2), "{err}");
    for (key, fix, at) in [
        ("release.changelg", "changelog", "typos.toml:2:1"),
        ("approvals.fil", "file", "typos.toml:4:1"),
        ("build.manifst", "manifest", "typos.toml:6:1"),
        ("artifact.pth", "path", "typos.toml:8:1"),
    ] {
        assert!(err.contains(&format!("unknown key `{key}`")), "{err}");
        assert!(err.contains(&format!("did you mean `{fix}`?")), "{err}");
        assert!(err.contains(at), "{at}: {err}");
    }
    write(
        d,
        "missing.toml",
        "[release]\nversion = \"2.3\"\nchangelog = \"CHANGES.md\"\n[approvals]\nfile = \"nobody.toml\"\nsubject = \"2.3.1\"\n[build]\nmanifest = \"nope/Cargo.toml\"\n[artifact]\npath = \"target/release/app\"\n",
    );
    let (code, _, err) = facts(d, "missing.toml");
    assert_eq!(code, Some(2), "{err}");
    for (what, at) in [
        ("`2.3` is not a semver version", "missing.toml:2:11"),
        (
            "cannot read the changelog `CHANGES.md`: no such file",
            "missing.toml:3:13",
        ),
        (
            "cannot read the sign-off file `nobody.toml`",
            "missing.toml:5:8",
        ),
        (
            "cannot read the manifest `nope/Cargo.toml`",
            "missing.toml:8:12",
        ),
        (
            "cannot read the artifact `target/release/app`",
            "missing.toml:10:8",
        ),
    ] {
        assert!(err.contains(what), "{what}: {err}");
        assert!(err.contains(at), "{at}: {err}");
    }
    // A subject must be a version or a digest; the version comes from a known place.
    write(
        d,
        "values.toml",
        "[approvals]\nfile = \"signoff.toml\"\nsubject = \"latest\"\n[release]\nversion_from = \"git_tag\"\n",
    );
    let (code, _, err) = facts(d, "values.toml");
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("`latest` is neither a version nor a digest"),
        "{err}"
    );
    assert!(err.contains("values.toml:3:11"), "{err}");
    assert!(
        err.contains("`release.version_from` cannot be `git_tag`"),
        "{err}"
    );
    assert!(err.contains("did you mean `git-tag`?"), "{err}");
    // A directory is not an artifact.
    std::fs::create_dir_all(d.join("target/release")).unwrap();
    write(d, "dir.toml", "[artifact]\npath = \"target/release\"\n");
    let (code, _, err) = facts(d, "dir.toml");
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("the artifact `target/release` is a directory"),
        "{err}"
    );
    assert!(err.contains("dir.toml:2:8"), "{err}");
    // `[artifact]` without a path.
    write(d, "nopath.toml", "[artifact]\nname = \"app\"\n");
    let (code, _, err) = facts(d, "nopath.toml");
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("`[artifact]` needs `path`"), "{err}");
    assert!(err.contains("nopath.toml:1:2"), "{err}");
}

#[test]
fn a_broken_signoff_file_is_located() {
    let dir = repo();
    let d = dir.path();
    write(
        d,
        "broken.toml",
        "[approvals]\nfile = \"signoff-broken.toml\"\nsubject = \"2.3.1\"\n",
    );
    let (code, _, err) = facts(d, "broken.toml");
    assert_eq!(code, Some(2), "{err}");
    for (what, at) in [
        (
            "is not a datetime with an offset",
            "signoff-broken.toml:4:6",
        ),
        ("has an unknown field `rol`", "signoff-broken.toml:9:1"),
        ("did you mean `role`?", "signoff-broken.toml:9:1"),
        ("has no `role`", "signoff-broken.toml:7:1"),
        (
            "the subject `2.3` in `signoff-broken.toml` is neither",
            "signoff-broken.toml:11:11",
        ),
    ] {
        assert!(err.contains(what), "{what}: {err}");
        assert!(err.contains(at), "{at}: {err}");
    }
}

/// `gate check` with the fixture's policy: the exit code and the rules that found something.
fn verdict(dir: &Path, plan: &str) -> (Option<i32>, Vec<String>, Value) {
    let out = gate_in(
        dir,
        &["check", "--plan", plan, "--now", NOW, "--format", "json"],
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    let rules = report["findings"]
        .as_array()
        .map(|f| {
            f.iter()
                .map(|f| f["rule"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default();
    (out.status.code(), rules, report)
}

#[test]
fn a_policy_needs_two_current_qa_signoffs_and_no_self_approval() {
    let dir = repo();
    let d = dir.path();
    // The release manager (the commit's author) signed off their own release.
    let (code, rules, report) = verdict(d, "gate.toml");
    assert_eq!(code, Some(1), "{report}");
    assert_eq!(rules, ["no_self_approval"], "{report}");
    // Without it: go.
    let signoff = std::fs::read_to_string(d.join("signoff.toml")).unwrap();
    let cut = signoff.rfind("[[approval]]").unwrap();
    write(d, "signoff.toml", &signoff[..cut]);
    let (code, rules, report) = verdict(d, "gate.toml");
    assert_eq!(code, Some(0), "{report}");
    assert!(rules.is_empty(), "{report}");
    // A QA sign-off for another version has lapsed: one current QA sign-off is not enough.
    write(
        d,
        "signoff.toml",
        &signoff[..cut].replace("\"v2.3.1\"", "\"2.3.2\""),
    );
    let (code, rules, report) = verdict(d, "gate.toml");
    assert_eq!(code, Some(1), "{report}");
    assert_eq!(rules, ["qa_signoff"], "{report}");
}

#[test]
fn signoffs_on_a_digest_lapse_when_the_artifact_changes() {
    let dir = repo();
    let d = dir.path();
    let (_, f, err) = facts(d, "gate.toml");
    let digest = f["artifact"]["digest"].as_str().unwrap().to_string();
    assert!(digest.starts_with("sha256:"), "{err}");
    write(
        d,
        "signoff.toml",
        &format!(
            "[[approval]]\nwho = \"quinn@example.com\"\nrole = \"qa\"\nat = 2026-11-26T15:30:00Z\nsubject = \"{}\"\n",
            digest.to_uppercase().replace("SHA256:", "sha256:")
        ),
    );
    let (code, f, err) = facts(d, "gate.toml");
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(f["approvals"][0]["current"], true);
    write(d, "app.bin", "rebuilt\n");
    let (code, f, err) = facts(d, "gate.toml");
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(f["approvals"][0]["current"], false);
}
