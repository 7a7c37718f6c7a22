//! Benchmark harness for gate's `bench/run.sh`: one cold, whole-process evaluation of a Rego
//! policy with regorus, to set beside one `gate check` of the equivalent gate policy.
//!
//! Usage: `regorus-harness POLICY.rego INPUT.json [QUERY]` (QUERY defaults to
//! `data.release.report`). Prints the query's value as one line of JSON. When the value is an
//! object with a `verdict` field, the exit code follows gate's: 0 go, 1 no-go; 2 on any error.

use regorus::{Engine, Value};
use std::io::Write;
use std::process::ExitCode;

fn run() -> Result<ExitCode, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (policy, input) = match (args.first(), args.get(1)) {
        (Some(p), Some(i)) => (p, i),
        _ => return Err("usage: regorus-harness POLICY.rego INPUT.json [QUERY]".into()),
    };
    let query = args
        .get(2)
        .cloned()
        .unwrap_or_else(|| "data.release.report".into());

    let mut engine = Engine::new();
    engine
        .add_policy_from_file(policy)
        .map_err(|e| format!("cannot load {policy}: {e}"))?;
    engine
        .set_input(Value::from_json_file(input).map_err(|e| format!("cannot read {input}: {e}"))?);
    let value = engine
        .eval_rule(query.clone())
        .map_err(|e| format!("cannot evaluate {query}: {e}"))?;

    let text = value.to_json_str().map_err(|e| e.to_string())?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}").map_err(|e| e.to_string())?;

    let verdict = value["verdict"].as_string().ok().map(|s| s.to_string());
    Ok(match verdict.as_deref() {
        Some("go") => ExitCode::from(0),
        Some("no-go") => ExitCode::from(1),
        Some(_) => ExitCode::from(2),
        None => ExitCode::SUCCESS,
    })
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
