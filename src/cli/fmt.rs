//! `gate fmt [PATH…] [--check]`: policy files in the canonical layout (`policy::print`).
//!
//! Exit codes: 0 every file formatted (or, with `--check`, already canonical); 1 with `--check`
//! when a file would change; 2 when a file cannot be read or does not parse — that file is never
//! written, the others still are — or when a path holds no policy at all.

use super::args::{Color, FmtArgs};
use super::{eprint, out, use_color};
use gate::diag::{Diagnostic, render};
use gate::policy::format::format_source;
use gate::span::{SourceFile, SourceMap};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

pub fn run(a: FmtArgs) -> u8 {
    let roots = if a.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        a.paths.clone()
    };
    let mut files = Vec::new();
    let mut failed = false;
    for root in &roots {
        let before = files.len();
        match super::walk::find(root, ".gate", &Path::to_path_buf, &mut files) {
            // A folder without a policy is a mistake (a wrong path), not a formatted tree.
            Ok(()) if files.len() == before => {
                eprint(&format!(
                    "error: no policy files (`*.gate`) under `{}`\n",
                    root.display()
                ));
                failed = true;
            }
            Ok(()) => {}
            Err(m) => {
                eprint(&format!("error: {m}\n"));
                failed = true;
            }
        }
    }
    let color = use_color(Color::Auto, std::io::stderr().is_terminal());
    let mut sources = SourceMap::default();
    let mut changed = Vec::new();
    for path in &files {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                eprint(&format!(
                    "error: cannot read `{}`: {}\n",
                    path.display(),
                    gate::diag::io_reason(&e)
                ));
                failed = true;
                continue;
            }
        };
        let id = sources.add(SourceFile::new(path.display().to_string(), text.as_str()));
        match format_source(id, &text) {
            Ok(formatted) if formatted == text => {}
            Ok(formatted) => {
                if a.check {
                    changed.push(path.display().to_string());
                } else if let Err(e) = write(path, &formatted) {
                    eprint(&format!("error: cannot write `{}`: {e}\n", path.display()));
                    failed = true;
                } else {
                    changed.push(path.display().to_string());
                }
            }
            Err(diags) => {
                let diags: Vec<Diagnostic> =
                    diags.into_iter().filter(Diagnostic::is_error).collect();
                eprint(&render(&diags, &sources, color));
                failed = true;
            }
        }
    }
    let listing: String = changed
        .iter()
        .map(|f| {
            if a.check {
                format!("would reformat {f}\n")
            } else {
                format!("formatted {f}\n")
            }
        })
        .collect();
    if !listing.is_empty() && out(&listing, None).is_err() {
        return 2;
    }
    if failed {
        2
    } else if a.check && !changed.is_empty() {
        1
    } else {
        0
    }
}

/// Writes beside the file and renames over it, so a failed write never leaves half a policy.
fn write(path: &Path, text: &str) -> Result<(), String> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".fmt-tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            gate::diag::io_reason(&e)
        })
}
