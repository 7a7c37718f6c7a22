//! What the producers' end-to-end tests share: the repository root, one clock, and running the
//! `gate` binary in a folder. Each test binary uses part of it.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Every run passes `--now`: nothing here reads the system clock.
pub const NOW: &str = "2026-11-27T12:00:00Z";

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `gate` in `dir`, without colour. The `cargo metadata` cache lives in the workspace's own
/// target folder unless CARGO_TARGET_DIR says otherwise; tests look in the workspace.
pub fn gate_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gate"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CARGO_TARGET_DIR")
        .args(args)
        .output()
        .unwrap()
}
