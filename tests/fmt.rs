//! `gate fmt`: every policy in the repository is canonical or formats idempotently, `--check`
//! changes nothing and says which files would change, a file that does not parse is a located
//! error and is never written, and comments survive.

#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

use gate::policy::format::format_source;
use gate::span::FileId;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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

/// Every `*.gate` under `dir`, skipping `target` and hidden folders.
fn gate_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries {
        let path = e.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            if !name.starts_with('.') && name != "target" {
                gate_files(&path, out);
            }
        } else if name.ends_with(".gate") {
            out.push(path);
        }
    }
}

/// The policies we own are canonical: `gate fmt --check` passes on them.
#[test]
fn shipped_policies_are_formatted() {
    let out = gate(
        &root(),
        &[
            "fmt",
            "--check",
            "policies",
            "tests/fixtures/examples",
            "tests/lint",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
}

/// fmt(fmt(x)) == fmt(x) for every policy in the repository that parses.
#[test]
fn formatting_is_idempotent_over_the_repository() {
    let mut files = Vec::new();
    gate_files(&root(), &mut files);
    gate_files(&root().join("../shared/design/examples"), &mut files);
    files.sort();
    let mut formatted_some = 0;
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let Ok(once) = format_source(FileId(0), &text) else {
            continue; // a broken policy: the corpus of syntax errors
        };
        let twice = format_source(FileId(0), &once).unwrap_or_else(|e| {
            panic!("{}: formatted text does not format: {e:?}", path.display())
        });
        assert_eq!(
            twice,
            once,
            "{} is not formatted idempotently",
            path.display()
        );
        formatted_some += 1;
    }
    assert!(
        formatted_some >= 10,
        "only {formatted_some} policies formatted"
    );
}

#[test]
fn check_lists_files_and_changes_nothing_then_fmt_writes() {
    let dir = tempfile::tempdir().unwrap();
    let messy =
        "# keep me\npolicy   \"p\"\nrule r : block { require  load.requests.dropped==0 # why\n }\n";
    let tidy = "# keep me\npolicy \"p\"\n\nrule r: block {\n  require load.requests.dropped == 0 # why\n}\n";
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("sub/a.gate"), messy).unwrap();
    std::fs::write(dir.path().join("b.gate"), tidy).unwrap();
    std::fs::write(dir.path().join("notes.txt"), messy).unwrap();

    let out = gate(dir.path(), &["fmt", "--check"]);
    assert_eq!(out.status.code(), Some(1));
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        listed.contains("a.gate") && !listed.contains("b.gate"),
        "{listed}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("sub/a.gate")).unwrap(),
        messy
    );

    let out = gate(dir.path(), &["fmt", "sub"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("sub/a.gate")).unwrap(),
        tidy
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
        messy
    );

    let out = gate(dir.path(), &["fmt", "--check", "."]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn a_file_that_does_not_parse_is_a_located_error_and_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let broken = "policy \"p\"\n\nrule r: block {\n  require load.requests.dropped ==\n}\n";
    let fine = "policy   \"q\"\nrule r: block { require true }\n";
    std::fs::write(dir.path().join("broken.gate"), broken).unwrap();
    std::fs::write(dir.path().join("fine.gate"), fine).unwrap();
    let out = gate(dir.path(), &["fmt", "broken.gate", "fine.gate"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken.gate:5:1"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("broken.gate")).unwrap(),
        broken
    );
    // The other file is still formatted.
    assert_ne!(
        std::fs::read_to_string(dir.path().join("fine.gate")).unwrap(),
        fine
    );

    let out = gate(dir.path(), &["fmt", "--check", "missing.gate"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn comments_are_kept_in_order() {
    let text = "# file header\n\n## Doc.\npolicy \"p\"  # trailing the policy\n\n\n# about budget\nlet budget = 300ms # ms\n\nrule r: block {\n    # before the for\n  for e in load.endpoints   # walk\n  # before require\n      require e.latency.p99 <= budget # within\n    else \"{e.name} is slow\"\n  # last in body\n}\n# after all\n";
    let out = format_source(FileId(0), text).unwrap();
    let comments: Vec<&str> = out
        .lines()
        .filter(|l| !l.starts_with("##"))
        .filter_map(|l| l.find("# ").map(|i| &l[i..]))
        .collect();
    assert_eq!(
        comments,
        [
            "# file header",
            "# trailing the policy",
            "# about budget",
            "# ms",
            "# before the for",
            "# walk",
            "# before require",
            "# within",
            "# last in body",
            "# after all",
        ]
    );
    assert_eq!(format_source(FileId(0), &out).unwrap(), out);
}

/// Regression: the printer spells each string's escapes one way (`"\u{41}"` as `"A"`), and fmt
/// once compared the spelling, not the value, and refused such files as "a bug in gate fmt".
#[test]
fn strings_with_other_escape_spellings_are_formatted() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("esc.gate");
    std::fs::write(
        &file,
        "policy \"p\"\nrule a: block {\n  require \"\\u{41}\\t\" == \"A\"\n}\n",
    )
    .unwrap();
    let out = gate(dir.path(), &["fmt", "esc.gate"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("require \"A\\t\" == \"A\""), "{text}");
    let out = gate(dir.path(), &["fmt", "--check", "esc.gate"]);
    assert_eq!(out.status.code(), Some(0));
}

/// A folder without a policy, or a path that is not there, is an error: formatting nothing is
/// not a pass.
#[test]
fn nothing_to_format_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    let out = gate(dir.path(), &["fmt", "--check", "empty"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no policy files (`*.gate`) under `empty`"),
        "{err}"
    );
    let out = gate(dir.path(), &["fmt", "--check", "missing"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot read `missing`"), "{err}");
}
