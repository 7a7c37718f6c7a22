//! The plan's `[[step]]`s: the staging sequence `gate run` runs, in order. Every problem a step
//! can have that is knowable before anything runs — a missing name, a command that does not
//! exist, a folder that does not exist, an unknown producer — is found here.

use super::producer::Producer;
use super::read;
use crate::diag::Diagnostic;
use crate::span::Span;
use std::path::{Path, PathBuf};
use toml::de::DeValue;

/// What a step does.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// An external command, run by `sh -c` in `cwd`.
    Command {
        run: String,
        cwd: PathBuf,
        env: Vec<(String, String)>,
    },
    /// One of gate's producers (`produce = "load"`, `"config"`, …).
    Producer(Producer),
}

/// One validated step.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub name: String,
    pub at: Span,
    pub action: Action,
    /// Longest one attempt may take, in nanoseconds.
    pub timeout: Option<u64>,
    /// Runs after a failure, before the step counts as failed.
    pub retries: u32,
    /// A failure stops the sequence (the later steps are skipped; facts are still evaluated).
    pub stop_on_failure: bool,
}

const KEYS: &[&str] = &[
    "name",
    "run",
    "produce",
    "cwd",
    "env",
    "timeout",
    "retries",
    "stop_on_failure",
];

/// Words `sh` runs without a program on `PATH`.
const SHELL_BUILTINS: &[&str] = &[
    ".", ":", "[", "alias", "break", "cd", "command", "continue", "echo", "eval", "exec", "exit",
    "export", "false", "printf", "read", "set", "shift", "sleep", "test", "times", "trap", "true",
    "type", "ulimit", "umask", "unset", "wait", "if", "for", "while", "until", "case", "{", "(",
    "!",
];

/// Reads `[[step]]`; every problem is pushed to `diags`. `plan_dir` is where relative commands
/// and folders are resolved.
pub fn section(
    value: &DeValue,
    at: Span,
    join: &dyn Fn(&str) -> PathBuf,
    span: &dyn Fn(std::ops::Range<usize>) -> Span,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Step> {
    let DeValue::Array(items) = value else {
        diags.push(
            Diagnostic::error(
                "plan-type",
                "`step` must be an array of tables: write each step as `[[step]]`",
            )
            .at(at, "here"),
        );
        return Vec::new();
    };
    let plan_dir = read::plan_dir(join);
    let mut steps: Vec<Step> = Vec::new();
    for item in items {
        let item_at = span(item.span());
        let Some(table) = item.get_ref().as_table() else {
            diags.push(
                Diagnostic::error("plan-type", "each `[[step]]` must be a table")
                    .at(item_at, "here"),
            );
            continue;
        };
        if let Some(step) = one(table, item_at, &plan_dir, join, span, diags) {
            if let Some(first) = steps.iter().find(|s| s.name == step.name) {
                diags.push(
                    Diagnostic::error("plan-value", format!("two steps are named `{}`", step.name))
                        .at(step.at, "the second")
                        .also(first.at, "the first")
                        .help("step names must be unique: facts and logs are named after them"),
                );
                continue;
            }
            steps.push(step);
        }
    }
    steps
}

fn one(
    table: &toml::de::DeTable,
    at: Span,
    plan_dir: &Path,
    join: &dyn Fn(&str) -> PathBuf,
    span: &dyn Fn(std::ops::Range<usize>) -> Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<Step> {
    let before = diags.len();
    let mut name: Option<String> = None;
    let mut run: Option<(String, Span)> = None;
    let mut produce: Option<(String, Span)> = None;
    let mut cwd: Option<(PathBuf, Span)> = None;
    let mut env = Vec::new();
    let mut timeout = None;
    let mut retries = 0;
    let mut stop_on_failure = false;
    for (k, v) in table {
        let key = k.get_ref().as_ref();
        let vspan = span(v.span());
        let val = v.get_ref();
        let shown = format!("step.{key}");
        match key {
            "name" | "run" | "produce" | "cwd" => {
                let Some(s) = read::text(val, &shown, vspan, diags) else {
                    continue;
                };
                if s.trim().is_empty() {
                    diags.push(
                        Diagnostic::error("plan-value", format!("`{shown}` is empty"))
                            .at(vspan, "empty"),
                    );
                    continue;
                }
                match key {
                    "name" => name = Some(s.to_string()),
                    "run" => run = Some((s.to_string(), vspan)),
                    "produce" => produce = Some((s.to_string(), vspan)),
                    _ => cwd = Some((read::path(join, s), vspan)),
                }
            }
            "env" => match val.as_table() {
                Some(t) => {
                    for (ek, ev) in t {
                        let at = span(ev.span());
                        let ename = format!("step.env.{}", ek.get_ref());
                        if let Some(s) = read::text(ev.get_ref(), &ename, at, diags) {
                            env.push((ek.get_ref().to_string(), s.to_string()));
                        }
                    }
                }
                None => diags.push(read::type_error(&shown, "a table of strings", val, vspan)),
            },
            "timeout" => {
                let ns = read::duration(val, "step.timeout", "5m", vspan, diags);
                timeout = ns.and_then(|ns| rust_decimal::prelude::ToPrimitive::to_u64(&ns.trunc()));
            }
            "retries" => {
                let range = "a whole number from 0 to 10";
                let n = read::whole(
                    val,
                    &shown,
                    "a whole number",
                    range,
                    |n| *n <= 10,
                    vspan,
                    diags,
                );
                retries = n.unwrap_or(retries);
            }
            "stop_on_failure" => {
                stop_on_failure = read::flag(val, &shown, vspan, diags).unwrap_or(stop_on_failure);
            }
            other => {
                let help = read::suggest(other, KEYS, "keys of a `[[step]]`");
                diags.push(read::unknown("step", other, span(k.span()), help));
            }
        }
    }
    let Some(name) = name else {
        diags.push(
            Diagnostic::error("plan-value", "a `[[step]]` needs a `name`")
                .at(at, "no name")
                .help("name it for the facts and the log: `name = \"deploy to staging\"`"),
        );
        return None;
    };
    let action = match (run, produce) {
        (Some(_), Some((_, pspan))) => {
            diags.push(
                Diagnostic::error(
                    "plan-value",
                    format!("step `{name}` has both `run` and `produce`"),
                )
                .at(pspan, "one or the other")
                .help("a step either runs a command or runs one of gate's producers"),
            );
            return None;
        }
        (None, None) => {
            diags.push(
                Diagnostic::error(
                    "plan-value",
                    format!("step `{name}` neither runs a command nor a producer"),
                )
                .at(at, "nothing to do")
                .help("add `run = \"./deploy.sh\"`, or `produce = \"load\"` to read results at this point"),
            );
            return None;
        }
        (None, Some((p, pspan))) => {
            let Some(producer) = Producer::parse(&p) else {
                let help = read::suggest(&p, &Producer::NAMES, "producers");
                diags.push(
                    Diagnostic::error(
                        "plan-value",
                        format!("step `{name}`: `{p}` is not one of gate's producers"),
                    )
                    .at(pspan, "unknown producer")
                    .help(help),
                );
                return None;
            };
            Action::Producer(producer)
        }
        (Some((run, rspan)), None) => {
            let dir = cwd
                .as_ref()
                .map_or(plan_dir.to_path_buf(), |(d, _)| d.clone());
            if let Some((d, dspan)) = &cwd
                && !d.is_dir()
            {
                diags.push(
                    Diagnostic::error(
                        "plan-value",
                        format!(
                            "step `{name}` runs in `{}`, which is not a folder",
                            crate::facts::shown(d)
                        ),
                    )
                    .at(*dspan, "not a folder"),
                );
            }
            if let Err(m) = program_exists(&run, &dir, &env) {
                diags.push(
                    Diagnostic::error("plan-command", format!("step `{name}`: {m}"))
                        .at(rspan, "cannot run")
                        .help("check the spelling, or install it on the machine that runs gate"),
                );
            }
            Action::Command { run, cwd: dir, env }
        }
    };
    (diags.len() == before).then_some(Step {
        name,
        at,
        action,
        timeout,
        retries,
        stop_on_failure,
    })
}

/// Does the program a command line starts with exist? `FOO=bar cmd …` assignments are skipped;
/// shell syntax beyond a plain first word is left to the shell.
fn program_exists(command: &str, cwd: &Path, env: &[(String, String)]) -> Result<(), String> {
    let Some(program) = command
        .split_whitespace()
        .find(|w| !(w.contains('=') && !w.starts_with('=') && !w.contains('/')))
    else {
        return Ok(());
    };
    if SHELL_BUILTINS.contains(&program) || program.starts_with(['$', '"', '\'', '(', '`']) {
        return Ok(());
    }
    if program.contains('/') {
        let path = cwd.join(program);
        return if path.is_file() {
            Ok(())
        } else {
            Err(format!(
                "`{program}` does not exist (looked in `{}`)",
                crate::facts::shown(cwd)
            ))
        };
    }
    let path_var = env
        .iter()
        .find(|(k, _)| k == "PATH")
        .map(|(_, v)| std::ffi::OsString::from(v))
        .or_else(|| std::env::var_os("PATH"))
        .unwrap_or_default();
    if std::env::split_paths(&path_var).any(|d| d.join(program).is_file()) {
        Ok(())
    } else {
        Err(format!("the command `{program}` is not on `PATH`"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_are_found_on_path_or_beside_the_plan() {
        let here = Path::new(".");
        assert!(program_exists("sh -c 'exit 0'", here, &[]).is_ok());
        assert!(program_exists("FOO=1 BAR=2 sh -c true", here, &[]).is_ok());
        assert!(program_exists("cd deploy && ./go", here, &[]).is_ok());
        assert!(program_exists("no-such-tool-anywhere --flag", here, &[]).is_err());
        assert!(program_exists("./no/such/script.sh", here, &[]).is_err());
        assert!(program_exists("./Cargo.toml", here, &[]).is_ok());
    }
}
