//! Finding the files a command reads under the paths it is given (`gate fmt`, `gate test`).

use std::path::{Path, PathBuf};

/// Files whose name ends in `suffix`: a file as given, or a folder searched recursively (hidden
/// folders and `target/` skipped), in a stable order; each file found in a folder goes through
/// `shown`. A path that cannot be read is an error, not nothing found.
pub fn find(
    path: &Path,
    suffix: &str,
    shown: &dyn Fn(&Path) -> PathBuf,
    found: &mut Vec<PathBuf>,
) -> Result<(), String> {
    let unreadable = |e: std::io::Error| {
        format!(
            "cannot read `{}`: {}",
            path.display(),
            gate::diag::io_reason(&e)
        )
    };
    if std::fs::metadata(path).map_err(unreadable)?.is_file() {
        found.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(unreadable)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Ok(ft) = std::fs::symlink_metadata(&p).map(|m| m.file_type()) else {
            continue;
        };
        if ft.is_dir() {
            if !name.starts_with('.') && name != "target" {
                find(&p, suffix, shown, found)?;
            }
        } else if ft.is_file() && name.ends_with(suffix) {
            found.push(shown(&p));
        }
    }
    Ok(())
}
