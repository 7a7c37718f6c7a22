//! Which files a scan reads: every `.rs` file under the plan's paths, respecting `.gitignore`,
//! skipping `target/`, never following a symlink out of the tree or round a loop.

use std::path::{Path, PathBuf};

/// A file to scan and the module path it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    pub path: PathBuf,
    pub module: String,
}

/// A path that could not be walked (a broken symlink, a permission error).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WalkError {
    pub path: PathBuf,
    pub message: String,
}

/// Every `.rs` file under `roots`, in a stable order (sorted by path).
pub fn files(roots: &[PathBuf]) -> (Vec<Unit>, Vec<WalkError>) {
    let mut units = Vec::new();
    let mut errors = Vec::new();
    for root in roots {
        if root.is_file() {
            units.push(Unit {
                path: root.clone(),
                module: module_of(root),
            });
            continue;
        }
        let walker = ignore::WalkBuilder::new(root)
            .hidden(false)
            .git_ignore(true)
            .git_exclude(true)
            .require_git(false)
            .follow_links(false)
            .filter_entry(|e| {
                let name = e.file_name();
                !(e.file_type().is_some_and(|t| t.is_dir()) && (name == "target" || name == ".git"))
            })
            .build();
        for entry in walker {
            match entry {
                Ok(e) => {
                    let is_file = e.file_type().is_some_and(|t| t.is_file());
                    if is_file && e.path().extension().is_some_and(|x| x == "rs") {
                        units.push(Unit {
                            path: e.path().to_path_buf(),
                            module: module_of(e.path()),
                        });
                    }
                }
                Err(err) => errors.push(WalkError {
                    path: err_path(&err).unwrap_or_else(|| root.clone()),
                    message: err.to_string().to_lowercase(),
                }),
            }
        }
    }
    units.sort_by(|a, b| a.path.cmp(&b.path));
    units.dedup_by(|a, b| a.path == b.path);
    (units, errors)
}

fn err_path(e: &ignore::Error) -> Option<PathBuf> {
    match e {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            err_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        _ => None,
    }
}

/// The module a file holds, from its place under the nearest `src/`: `src/lib.rs` and
/// `src/main.rs` are the crate root (``), `src/billing.rs` and `src/billing/mod.rs` are
/// `billing`, `src/billing/invoice.rs` is `billing::invoice`. Outside a `src/` folder (tests,
/// examples), the file's stem.
pub fn module_of(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let after_src = parts
        .iter()
        .rposition(|p| p == "src")
        .map_or_else(|| parts.len().saturating_sub(1), |i| i + 1);
    let mut segments: Vec<String> = parts.get(after_src..).unwrap_or_default().to_vec();
    if let Some(last) = segments.pop() {
        let stem = last.strip_suffix(".rs").unwrap_or(&last).to_string();
        let is_root = segments.is_empty() && (stem == "lib" || stem == "main");
        if stem != "mod" && !is_root {
            segments.push(stem);
        }
    }
    segments.join("::")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_follow_the_src_folder() {
        let m = |p: &str| module_of(Path::new(p));
        assert_eq!(m("crate/src/lib.rs"), "");
        assert_eq!(m("crate/src/main.rs"), "");
        assert_eq!(m("crate/src/billing.rs"), "billing");
        assert_eq!(m("crate/src/billing/mod.rs"), "billing");
        assert_eq!(m("crate/src/billing/invoice.rs"), "billing::invoice");
        assert_eq!(m("crate/src/bin/tool.rs"), "bin::tool");
        assert_eq!(m("crate/tests/it.rs"), "it");
    }
}
