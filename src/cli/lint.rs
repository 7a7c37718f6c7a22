//! `gate lint POLICY`: the lints of `policy::lint` over one policy and the files it uses.
//!
//! Exit codes: 0 no error (warnings allowed), 1 warnings under `--deny-warnings`, 2 the policy
//! does not load or check, or bad usage.

use super::args::{Color, LintArgs, LintFormat};
use super::{FsReader, eprint, out, use_color};
use gate::diag::{Diagnostic, render};
use gate::policy::check::{Available, check};
use gate::policy::lint::{Options, lint};
use gate::policy::load::load;
use gate::report::Problem;
use gate::span::SourceMap;
use std::io::IsTerminal;

pub fn run(a: LintArgs) -> u8 {
    let mut sources = SourceMap::default();
    let today = match &a.now {
        None => jiff::Zoned::now().date(),
        Some(text) => match gate::value::parse_datetime(text) {
            Some(z) => z.date(),
            None => {
                let d = Diagnostic::error(
                    "usage",
                    format!("`--now {text}` is not an instant with an offset"),
                )
                .help("write it like `2026-11-27T16:55:00-05:00` or `2026-11-27T21:55:00Z`");
                return finish(&a, &[d], &sources);
            }
        },
    };
    let (loaded, mut diags) = load(&a.policy, &FsReader, &mut sources);
    let (policy, mut check_diags) = check(&loaded, &sources, &Available::Everything);
    diags.append(&mut check_diags);
    if !diags.iter().any(Diagnostic::is_error) {
        let opts = Options {
            today: Some(today),
            max_waiver_days: a.max_waiver_days.map(i64::from),
            waivers: true,
            custom_namespaces: Vec::new(),
        };
        diags.extend(lint(&loaded, &policy, &sources, &opts));
    }
    finish(&a, &diags, &sources)
}

fn finish(a: &LintArgs, diags: &[Diagnostic], sources: &SourceMap) -> u8 {
    let errors = diags.iter().any(Diagnostic::is_error);
    let warnings = diags.iter().any(|d| !d.is_error());
    let written = match a.format {
        LintFormat::Json => {
            let (errs, warns): (Vec<&Diagnostic>, Vec<&Diagnostic>) =
                diags.iter().partition(|d| d.is_error());
            let problems = |ds: Vec<&Diagnostic>| -> Vec<Problem> {
                ds.into_iter()
                    .map(|d| Problem::from_diagnostic(d, sources))
                    .collect()
            };
            let doc = serde_json::json!({
                "warnings": problems(warns),
                "errors": problems(errs),
            });
            let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
            out(&format!("{text}\n"), None)
        }
        LintFormat::Human => {
            let color = use_color(Color::Auto, std::io::stdout().is_terminal());
            if diags.is_empty() {
                Ok(())
            } else {
                out(&render(diags, sources, color), None)
            }
        }
    };
    if let Err(e) = written {
        eprint(&format!("error: {e}\n"));
        return 2;
    }
    if errors {
        2
    } else if warnings && a.deny_warnings {
        1
    } else {
        0
    }
}
