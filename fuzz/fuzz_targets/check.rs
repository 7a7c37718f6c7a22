//! Arbitrary bytes → load, check and evaluate, the whole front end a policy goes through. Must
//! never panic, whatever the policy says.
//!
//! The input is split at NUL bytes into files: the first is `main.gate`, the next `1.gate`,
//! `2.gate`, …, so `use "1.gate"` (and cycles, and missing files) are reachable.
#![no_main]

use gate::eval::evaluate;
use gate::facts::{Facts, Namespace, Origin, clock};
use gate::policy::check::{Available, check};
use gate::policy::load::{Reader, load};
use gate::span::SourceMap;
use libfuzzer_sys::fuzz_target;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Policy files held in memory.
struct Files(HashMap<PathBuf, String>);

impl Reader for Files {
    fn read(&self, path: &Path) -> Result<(String, String), gate::policy::load::ReadError> {
        self.0
            .get(path)
            .map(|text| (text.clone(), path.display().to_string()))
            .ok_or_else(|| "no such file".into())
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let files = Files(
        text.split('\0')
            .enumerate()
            .map(|(i, part)| {
                let name = if i == 0 {
                    "main.gate".to_string()
                } else {
                    format!("{i}.gate")
                };
                (PathBuf::from(name), part.to_string())
            })
            .collect(),
    );
    let mut sources = SourceMap::default();
    let (loaded, mut diags) = load(Path::new("main.gate"), &files, &mut sources);
    let (policy, check_diags) = check(&loaded, &sources, &Available::Everything);
    diags.extend(check_diags);
    // As `gate check` does: a policy with errors is reported, not evaluated.
    if diags.iter().any(|d| d.is_error()) {
        return;
    }
    // No facts at all: every read of a namespace is an error, never a panic.
    let _ = evaluate(&policy, &Facts::default(), &sources, diags.clone());
    // Only a clock: rules and waivers over time are evaluated for real.
    if let Some(now) = gate::value::parse_datetime("2026-11-27T16:55:00-05:00") {
        let mut facts = Facts::default();
        facts.insert(
            "clock",
            Namespace {
                value: clock::facts(&now, "America/New_York"),
                origin: Origin::Builtin("the clock"),
            },
        );
        let _ = evaluate(&policy, &facts, &sources, diags);
    }
});
