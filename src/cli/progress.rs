//! Progress on a terminal for long work (the source scan): one line on standard error, redrawn
//! at most ten times a second, cleared when done. Nothing when standard error is not a
//! terminal, in CI (`CI` set), or after [`silence`] (`--quiet`).

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

static SILENT: AtomicBool = AtomicBool::new(false);

/// No progress for the rest of the run (`--quiet`).
pub fn silence() {
    SILENT.store(true, Ordering::Relaxed);
}

/// Must progress stay quiet: `--quiet`, CI, or standard error not a terminal?
pub fn quiet() -> bool {
    SILENT.load(Ordering::Relaxed)
        || std::env::var_os("CI").is_some_and(|v| !v.is_empty())
        || !std::io::stderr().is_terminal()
}

/// A progress callback in bytes (long reads of results files), or `None` where progress must
/// stay quiet.
pub fn bytes(what: &'static str) -> Option<gate::facts::load::Progress> {
    if quiet() {
        return None;
    }
    let last: Mutex<Option<Instant>> = Mutex::new(None);
    Some(std::sync::Arc::new(move |done: u64, total: u64| {
        let Ok(mut last) = last.lock() else { return };
        let now = Instant::now();
        let finished = done >= total;
        if !finished && last.is_some_and(|t| now - t < Duration::from_millis(100)) {
            return;
        }
        *last = Some(now);
        let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
        let mut err = std::io::stderr().lock();
        let _ = if finished {
            write!(err, "\r\x1b[2K")
        } else {
            write!(err, "\r{what}: {:.0}/{:.0} MiB", mib(done), mib(total))
        };
        let _ = err.flush();
    }))
}

/// A progress callback for `what`, or `None` where progress must stay quiet.
pub fn bar(what: &'static str) -> Option<gate::facts::source::Progress> {
    if quiet() {
        return None;
    }
    let last: Mutex<Option<Instant>> = Mutex::new(None);
    Some(std::sync::Arc::new(move |done: usize, total: usize| {
        let Ok(mut last) = last.lock() else { return };
        let now = Instant::now();
        let finished = done >= total;
        if !finished && last.is_some_and(|t| now - t < Duration::from_millis(100)) {
            return;
        }
        *last = Some(now);
        let mut err = std::io::stderr().lock();
        let _ = if finished {
            write!(err, "\r\x1b[2K")
        } else {
            write!(err, "\r{what}: {done}/{total} files")
        };
        let _ = err.flush();
    }))
}
