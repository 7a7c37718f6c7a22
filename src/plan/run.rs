//! Running one command step of the staging sequence: `sh -c` in its folder, its output to a log
//! file, bounded by its timeout, retried, and stopped cleanly — the whole process group — when
//! the run is interrupted.

use super::steps::{Action, Step};
use std::io::Write as _;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How a step ended (facts.md, `steps[].status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Passed,
    Failed,
    Skipped,
    TimedOut,
    Interrupted,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Failed => "failed",
            Status::Skipped => "skipped",
            Status::TimedOut => "timed-out",
            Status::Interrupted => "interrupted",
        }
    }
}

/// What running a step left behind.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub status: Status,
    pub exit_code: Option<i32>,
    pub attempts: u32,
    pub started: Option<jiff::Timestamp>,
    pub duration: Duration,
    pub log: Option<PathBuf>,
    pub message: Option<String>,
}

impl Outcome {
    pub fn skipped(why: &str) -> Outcome {
        Outcome {
            status: Status::Skipped,
            exit_code: None,
            attempts: 0,
            started: None,
            duration: Duration::ZERO,
            log: None,
            message: Some(why.to_string()),
        }
    }
}

/// How long a stopped command gets to exit after SIGTERM before SIGKILL.
const GRACE: Duration = Duration::from_secs(3);

/// Runs a command step, every attempt, with its output appended to `log`.
pub fn command(step: &Step, log: &Path, interrupted: &AtomicBool) -> Outcome {
    let Action::Command { run, cwd, env } = &step.action else {
        return Outcome::skipped("not a command");
    };
    let started = jiff::Timestamp::now();
    let clock = Instant::now();
    let mut outcome = Outcome {
        status: Status::Failed,
        exit_code: None,
        attempts: 0,
        started: Some(started),
        duration: Duration::ZERO,
        log: Some(log.to_path_buf()),
        message: None,
    };
    if let Some(dir) = log.parent()
        && let Err(e) = std::fs::create_dir_all(dir)
    {
        outcome.message = Some(format!(
            "cannot create the log folder `{}`: {}",
            dir.display(),
            crate::diag::io_reason(&e)
        ));
        outcome.log = None;
        return outcome;
    }
    let mut file = match std::fs::File::create(log) {
        Ok(f) => f,
        Err(e) => {
            outcome.message = Some(format!(
                "cannot write the log `{}`: {}",
                log.display(),
                crate::diag::io_reason(&e)
            ));
            outcome.log = None;
            return outcome;
        }
    };
    let timeout = step.timeout.map(Duration::from_nanos);
    for attempt in 1..=step.retries.saturating_add(1) {
        outcome.attempts = attempt;
        let _ = writeln!(
            file,
            "== gate: step `{}`, attempt {attempt} of {}: {run}",
            step.name,
            step.retries + 1
        );
        let (status, code, message) = once(run, cwd, env, &file, timeout, interrupted);
        let _ = writeln!(
            file,
            "== gate: {}",
            message.as_deref().unwrap_or(status.name())
        );
        outcome.status = status;
        outcome.exit_code = code;
        outcome.message = message;
        if matches!(status, Status::Passed | Status::Interrupted) {
            break;
        }
    }
    outcome.duration = clock.elapsed();
    outcome
}

/// One attempt.
fn once(
    run: &str,
    cwd: &Path,
    env: &[(String, String)],
    log: &std::fs::File,
    timeout: Option<Duration>,
    interrupted: &AtomicBool,
) -> (Status, Option<i32>, Option<String>) {
    let (Ok(out), Ok(err)) = (log.try_clone(), log.try_clone()) else {
        return (
            Status::Failed,
            None,
            Some("cannot share the log file".into()),
        );
    };
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(run)
        .current_dir(cwd)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        // Its own process group: Ctrl-C reaches gate, and gate stops the whole group.
        .process_group(0);
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            return (
                Status::Failed,
                None,
                Some(format!("cannot start `sh`: {}", crate::diag::io_reason(&e))),
            );
        }
    };
    let start = Instant::now();
    let mut pause = Duration::from_millis(2);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return ended(status),
            Ok(None) => {}
            Err(e) => {
                stop(&mut child);
                return (
                    Status::Failed,
                    None,
                    Some(format!("lost the command: {}", crate::diag::io_reason(&e))),
                );
            }
        }
        if interrupted.load(Ordering::SeqCst) {
            stop(&mut child);
            return (
                Status::Interrupted,
                None,
                Some("interrupted: stopped by Ctrl-C".into()),
            );
        }
        if let Some(limit) = timeout
            && start.elapsed() >= limit
        {
            stop(&mut child);
            return (
                Status::TimedOut,
                None,
                Some(format!(
                    "timed out after {}",
                    crate::value::duration_text(rust_decimal::Decimal::from(
                        u64::try_from(limit.as_nanos()).unwrap_or(u64::MAX)
                    ))
                )),
            );
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

fn ended(status: ExitStatus) -> (Status, Option<i32>, Option<String>) {
    match status.code() {
        Some(0) => (Status::Passed, Some(0), None),
        Some(n) => (
            Status::Failed,
            Some(n),
            Some(format!("exited with code {n}")),
        ),
        None => (Status::Failed, None, Some("killed by a signal".into())),
    }
}

/// Stops the command's whole process group: SIGTERM, then SIGKILL after a grace period.
fn stop(child: &mut Child) {
    let group = format!("-{}", child.id());
    let signal = |sig: &str| {
        let _ = Command::new("kill")
            .args(["-s", sig, "--", &group])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    };
    signal("TERM");
    let until = Instant::now() + GRACE;
    while Instant::now() < until {
        if matches!(child.try_wait(), Ok(Some(_))) {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    signal("KILL");
    let _ = child.kill();
    let _ = child.wait();
}
