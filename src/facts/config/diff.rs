//! Two flattened files compared: differing values, and keys only one side has. Which keys are
//! secret and which are ignored is decided by the caller's predicates; a secret's value never
//! leaves this module (only whether the two sides differ).

use super::flatten::{Entry, Flat};

/// One differing key. `staging`/`production` are `None` for a secret.
#[derive(Clone, Debug, PartialEq)]
pub struct Difference {
    pub key: String,
    pub staging: Option<String>,
    pub production: Option<String>,
    pub secret: bool,
    pub staging_at: (usize, usize),
    pub production_at: (usize, usize),
}

/// The comparison of two files.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Diff {
    pub differences: Vec<Difference>,
    pub only_in_staging: Vec<(String, (usize, usize))>,
    pub only_in_production: Vec<(String, (usize, usize))>,
    /// Keys compared, both sides together, once each.
    pub keys: usize,
}

/// Compares `staging` with `production`, keys in order. `secret` is asked with the key and both
/// entries (a value can make a key secret: a URL with a password); `ignored` keys are skipped.
pub fn diff(
    staging: &Flat,
    production: &Flat,
    secret: &dyn Fn(&str, &[&Entry]) -> bool,
    ignored: &dyn Fn(&str) -> bool,
) -> Diff {
    let mut out = Diff::default();
    let at = |e: &Entry| (e.line, e.column);
    for (key, s) in staging {
        if ignored(key) {
            continue;
        }
        out.keys += 1;
        match production.get(key) {
            None => out.only_in_staging.push((key.clone(), at(s))),
            Some(p) if s.value != p.value => {
                let hidden = secret(key, &[s, p]);
                out.differences.push(Difference {
                    key: key.clone(),
                    staging: (!hidden).then(|| s.value.render()),
                    production: (!hidden).then(|| p.value.render()),
                    secret: hidden,
                    staging_at: at(s),
                    production_at: at(p),
                });
            }
            Some(_) => {}
        }
    }
    for (key, p) in production {
        if ignored(key) || staging.contains_key(key) {
            continue;
        }
        out.keys += 1;
        out.only_in_production.push((key.clone(), at(p)));
    }
    out
}
