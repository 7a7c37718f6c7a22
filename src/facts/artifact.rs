//! The `artifact` producer — the artifact being promoted: name, path, size and sha256 of its
//! bytes (facts.md, `artifact`). The file is streamed in 1 MiB chunks, so its size does not
//! matter. A missing file or a directory is an error located at the plan entry.

use super::{Namespace, Origin, shown};
use crate::diag::{Diagnostic, io_reason};
use crate::span::{SourceMap, Span};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The validated `[artifact]` configuration.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Config {
    /// The artifact, and the plan entry that names it.
    pub path: Option<(PathBuf, Span)>,
    /// The name to report; default: the file's name.
    pub name: Option<String>,
}

/// `sha256:` and the hex digest of a file's bytes, and its size, streamed in 1 MiB chunks.
pub(crate) fn digest(path: &Path) -> std::io::Result<(String, u64)> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    let hex: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok((format!("sha256:{hex}"), size))
}

/// The artifact's digest, or a located error: missing, a directory, unreadable.
pub(crate) fn artifact_digest(path: &Path, at: Option<Span>) -> Result<(String, u64), Diagnostic> {
    let located = |d: Diagnostic| match at {
        Some(at) => d.at(at, "named here"),
        None => d,
    };
    if path.is_dir() {
        return Err(located(
            Diagnostic::error(
                "artifact-input",
                format!("the artifact `{}` is a directory, not a file", shown(path)),
            )
            .help(
                "name the file being promoted; pack a directory first (`tar`, a container image)",
            ),
        ));
    }
    digest(path).map_err(|e| {
        located(
            Diagnostic::error(
                "artifact-input",
                format!(
                    "cannot read the artifact `{}`: {}",
                    shown(path),
                    io_reason(&e)
                ),
            )
            .help("build the artifact before gate runs, or fix the path in the plan"),
        )
    })
}

/// Runs the producer.
pub fn produce(
    config: &Config,
    _sources: &mut SourceMap,
) -> Result<(Namespace, Vec<Diagnostic>), Vec<Diagnostic>> {
    let Some((path, at)) = &config.path else {
        return Err(vec![Diagnostic::error(
            "artifact-input",
            "`[artifact]` needs `path`: the file being promoted",
        )]);
    };
    let (digest, size) = artifact_digest(path, Some(*at)).map_err(|d| vec![d])?;
    let name = config.name.clone().unwrap_or_else(|| {
        path.file_name()
            .map_or_else(|| shown(path), |n| n.to_string_lossy().into_owned())
    });
    let doc = json!({
        "name": name,
        "path": shown(path),
        "digest": digest,
        "size": size,
    });
    let value = super::json::produced("artifact", &doc)?;
    Ok((
        Namespace {
            value,
            origin: Origin::Producer {
                what: format!("the artifact producer, from `{}`", shown(path)),
                inputs: std::sync::Arc::new(vec![(String::new(), shown(path))]),
            },
        },
        Vec::new(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_of_known_bytes() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let p = dir.path().join("app");
        std::fs::write(&p, b"abc")?;
        let (d, size) = digest(&p)?;
        assert_eq!(
            d,
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(size, 3);
        Ok(())
    }
}
