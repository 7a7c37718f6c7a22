//! Arbitrary bytes → every results reader (load, security, tests). The first byte picks the
//! format; the rest is the file. Must never panic or hang, whatever the bytes: a reader either
//! makes facts or says, with a located error, why it cannot.
#![no_main]

use gate::facts::load::{self, Tool};
use gate::facts::results::Named;
use gate::facts::{junit, security};
use gate::span::SourceMap;
use libfuzzer_sys::fuzz_target;
use std::io::Write;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let Ok(mut file) = tempfile_in_tmp() else {
        return;
    };
    if file.1.write_all(body).is_err() {
        return;
    }
    let named = Named {
        path: file.0.clone(),
        at: None,
    };
    let mut sources = SourceMap::default();
    match pick % 13 {
        n @ 0..=6 => {
            // 0: told apart by content; 1..=6: each tool named.
            let tool = usize::from(n).checked_sub(1).and_then(|i| Tool::ALL.get(i).copied());
            let config = load::Config {
                sources: vec![load::Source { tool, input: named }],
                ..load::Config::default()
            };
            let _ = load::produce(&config, &mut sources);
        }
        12 => {
            let config = junit::Config {
                suites: vec![("regression".into(), named)],
            };
            let _ = junit::produce(&config, &mut sources);
        }
        n => {
            let mut config = security::Config::default();
            match n {
                7 => config.sarif.push(named),
                8 => config.zap.push(named),
                9 => config.cargo_audit.push(named),
                10 => config.npm_audit.push(named),
                _ => config.trivy.push(named),
            }
            let _ = security::produce(&config, &mut sources);
        }
    }
    drop(file.1);
    let _ = std::fs::remove_file(&file.0);
});

/// A fresh file under the system's temporary folder (one per run of the target).
fn tempfile_in_tmp() -> std::io::Result<(std::path::PathBuf, std::fs::File)> {
    let path = std::env::temp_dir().join(format!("gate-fuzz-results-{}", std::process::id()));
    let file = std::fs::File::create(&path)?;
    Ok((path, file))
}
