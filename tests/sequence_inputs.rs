//! The sign-off file, the release manifest and the artifact: each bad input is an error with its
//! own code, located, exit 2 (`tests/broken.rs` counts on these for the codes no policy causes).

#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

mod common;

use common::NOW;

/// `gate facts` over a plan and its files in a fresh folder: exit 2, and the codes reported.
fn codes(plan: &str, files: &[(&str, &str)]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("gate.toml"), plan).unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let out = common::gate_in(dir.path(), &["facts", "--plan", "gate.toml", "--now", NOW]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{plan}\n{err}");
    let mut found: Vec<String> = err
        .split("gate::")
        .skip(1)
        .map(|s| {
            s.chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '-')
                .collect()
        })
        .collect();
    found.sort();
    found.dedup();
    found
}

const SIGNOFF: &str = "[approvals]\nfile = \"signoff.toml\"\nsubject = \"2.3.1\"\n";

fn approval(extra: &str) -> String {
    format!(
        "[[approval]]\nwho = \"quinn@example.com\"\nrole = \"qa\"\nat = 2026-11-27T10:00:00Z\nsubject = \"2.3.1\"\n{extra}"
    )
}

#[test]
fn each_mistake_in_a_sign_off_file_has_its_code() {
    assert_eq!(
        codes(
            SIGNOFF,
            &[("signoff.toml", &approval("colour = \"blue\"\n"))]
        ),
        ["approvals-unknown-key"]
    );
    assert_eq!(
        codes(
            SIGNOFF,
            &[(
                "signoff.toml",
                &approval("").replace("\"quinn@example.com\"", "3")
            )]
        ),
        ["approvals-type"]
    );
    assert_eq!(
        codes(
            SIGNOFF,
            &[(
                "signoff.toml",
                &approval("").replace("who = \"quinn@example.com\"\n", "")
            )]
        ),
        ["approvals-missing"]
    );
    assert_eq!(
        codes(
            SIGNOFF,
            &[(
                "signoff.toml",
                &approval("").replace("2026-11-27T10:00:00Z", "\"yesterday\"")
            )]
        ),
        ["approvals-value"]
    );
    assert_eq!(
        codes(SIGNOFF, &[("signoff.toml", "[[approval\nwho =")]),
        ["toml-syntax"]
    );
    assert_eq!(codes(SIGNOFF, &[]), ["approvals-input"]);
    // An empty subject list would silently fall back to the release's own: say so instead.
    assert_eq!(
        codes(
            "[approvals]\nfile = \"signoff.toml\"\nsubject = []\n",
            &[("signoff.toml", &approval(""))]
        ),
        ["plan-value"]
    );
}

#[test]
fn a_sign_off_with_no_release_to_compare_with_is_refused() {
    // No `subject` in the plan and no `[release]` or `[artifact]`: nothing says what is current.
    let found = codes(
        "[approvals]\nfile = \"signoff.toml\"\n",
        &[("signoff.toml", &approval(""))],
    );
    assert!(
        found.contains(&"approvals-subject".to_string()),
        "{found:?}"
    );
}

#[test]
fn release_and_artifact_inputs_are_checked() {
    assert_eq!(
        codes("[artifact]\npath = \"app.bin\"\n", &[]),
        ["artifact-input"]
    );
    assert_eq!(
        codes("[release]\nversion = \"2.3\"\n", &[]),
        ["release-version"]
    );
    assert_eq!(
        codes(
            "[release]\nversion_from = \"cargo\"\nmanifest = \"nope/Cargo.toml\"\n",
            &[]
        ),
        ["release-input"]
    );
}
