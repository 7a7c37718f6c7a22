//! A cache of `cargo metadata` results. With `--locked`, the resolved graph is a function of
//! `Cargo.lock`, the manifests of the workspace and of its path dependencies, and the options
//! (features, target); registry packages are immutable (checksummed) and git packages are
//! pinned by commit. So an entry records the sha256 of every such file, and is used only when
//! all of them still match — otherwise `cargo metadata` runs again and the entry is rewritten.
//! Entries live in the workspace's target folder (`target/gate/`), like cargo's own caches.

use cargo_metadata::Metadata;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

#[derive(Serialize, Deserialize)]
struct Entry {
    /// Format of this file; a mismatch is a miss.
    cache: u32,
    /// Every file the result depends on, with its sha256.
    inputs: Vec<(PathBuf, String)>,
    metadata: Metadata,
}

const FORMAT: u32 = 1;

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn hash_file(p: &Path) -> Option<String> {
    std::fs::read(p).ok().map(|b| sha256(&b))
}

/// Where the entry for this workspace and these options lives.
pub fn location(manifest: &Path, options: &str) -> Option<PathBuf> {
    let manifest = manifest.canonicalize().ok()?;
    let dir = manifest.parent()?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| dir.join("target"));
    let key = sha256(format!("{}\n{options}", manifest.display()).as_bytes());
    Some(
        target
            .join("gate")
            .join(format!("metadata-{}.json", &key[..16])),
    )
}

/// The cached result, if every input it recorded is unchanged.
pub fn load(at: &Path) -> Option<Metadata> {
    let text = std::fs::read(at).ok()?;
    let entry: Entry = serde_json::from_slice(&text).ok()?;
    if entry.cache != FORMAT || entry.inputs.is_empty() {
        return None;
    }
    for (path, want) in &entry.inputs {
        if hash_file(path).as_ref() != Some(want) {
            return None;
        }
    }
    Some(entry.metadata)
}

/// Records a fresh result; failures to write are ignored (the cache is only a speed-up).
pub fn store(at: &Path, m: &Metadata) {
    let root = PathBuf::from(m.workspace_root.as_std_path());
    let mut files = vec![root.join("Cargo.lock"), root.join("Cargo.toml")];
    // Manifests of the members and every path dependency: they can change without the lock.
    for p in &m.packages {
        if p.source.is_none() {
            files.push(p.manifest_path.clone().into_std_path_buf());
        }
    }
    files.sort();
    files.dedup();
    let mut inputs = Vec::with_capacity(files.len());
    for f in files {
        match hash_file(&f) {
            Some(h) => inputs.push((f, h)),
            // A workspace without Cargo.lock cannot be cached: nothing pins its graph.
            None => return,
        }
    }
    let entry = Entry {
        cache: FORMAT,
        inputs,
        metadata: m.clone(),
    };
    if let (Some(dir), Ok(text)) = (at.parent(), serde_json::to_vec(&entry)) {
        let _ = std::fs::create_dir_all(dir);
        // Write then rename, so a reader never sees half an entry.
        let tmp = at.with_extension(format!("tmp{}", std::process::id()));
        if std::fs::write(&tmp, text).is_ok() && std::fs::rename(&tmp, at).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}
