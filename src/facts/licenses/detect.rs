//! Identifying a license from the text of a license file, for packages that name only a
//! `license-file`.
//!
//! Matching is spdx's port of askalono (`spdx::detection`): a text is normalised and cut into
//! word bigrams, and compared (Dice coefficient) with every text of the SPDX license list. The
//! list ships inside the spdx crate (`detection-inline-cache`); it is decompressed and loaded once
//! per process, on first use (0.2 to 0.5 s in a release build), so runs that identify no
//! text never pay for it. [`preload`] starts that load early on a background thread.
//!
//! Three corrections on top of the raw best match:
//!
//! * **GNU licenses read as `-only`.** The text of the GPL (LGPL, AGPL, GFDL) is the same whether a
//!   project chose "version 2 only" or "version 2 or any later version": the choice is made in
//!   the notices, not in COPYING. The store names these texts `…-or-later`; gate reports the
//!   narrower `-only`, the fail-closed reading (as [`crate::license`] reads a bare `GPL-2.0`).
//! * **Deprecated names become current ones**, read as [`crate::license::License::parse`] reads
//!   them (`GPL-2.0-with-classpath-exception` → `GPL-2.0-only WITH Classpath-exception-2.0`), so
//!   [`Detected::id`] is always a current SPDX id or such a `WITH` expression.
//! * **Terms without the appendix.** Many projects ship Apache-2.0 without its appendix ("How to
//!   apply the Apache License to your work"). Compared with the full text such a file scores 0.95,
//!   and it scores higher still against `Pixar`, which is Apache-2.0 with section 6 changed and no
//!   appendix. Every license whose text ends its terms with "END OF TERMS AND CONDITIONS" and
//!   then has an appendix is therefore also compared without the appendix, under its own name:
//!   the appendix is not part of the terms.

use crate::license::License;
use spdx::detection::{Store, TextData};
use std::collections::HashSet;
use std::sync::OnceLock;

/// A license identified from a text.
#[derive(Clone, Debug, PartialEq)]
pub struct Detected {
    /// A current SPDX license id, or `ID WITH EXCEPTION` for the few texts that are a license
    /// with an exception; either way a valid SPDX expression.
    pub id: String,
    /// How close the text is to the license's, from 0 (nothing in common) to 1 (the same words).
    pub score: f32,
}

/// Texts longer than this are cut (at a character boundary) before matching: license files are
/// kilobytes, and this bounds the work a stray multi-megabyte file can cause.
const MAX_TEXT: usize = 1 << 20;

/// In [`identify_all`], a part of a text matching one license this well holds that license only.
const WHOLE_MATCH: f32 = 0.99;

/// In [`identify_all`], at most this many parts of one text are searched (each search compares
/// the part with every license once), which bounds the time one file can take.
const MAX_PARTS: usize = 16;

/// In [`identify_all`], how many of the best-scoring licenses are narrowed for each part.
const TRIES: usize = 5;

/// The best-matching SPDX license for a license text, with its score (0..1); None when nothing
/// matches at all or the store cannot load. The caller applies the threshold.
pub fn identify(text: &str) -> Option<Detected> {
    let detector = detector()?;
    let data = TextData::new(&prepare(text));
    let best = detector.rank(&data).into_iter().next()?;
    (best.score > 0.0).then(|| Detected {
        id: current_id(best.name),
        score: best.score,
    })
}

/// Identification of a file that may hold several licenses (e.g. a LICENSE with MIT then
/// Apache-2.0 text): every license found in it with a score of at least `threshold`, in the
/// order they appear in the text, each id once (with its best score).
///
/// Built on spdx's `TextData::optimize_bounds` (the lines of a text that best match one
/// license), like spdx's `Scanner` in its `Elimination` mode, with two changes that the fixtures
/// needed:
///
/// * A part of the text that matches one license as a whole (score ≥ 0.99) is that license.
///   Otherwise the few licenses that score best against the part are each narrowed to the lines
///   that match them best, and the best narrowed match is kept if it reaches the threshold.
///   `Scanner` narrows only the single best license, but two BSD notices in one file resemble
///   `Sleepycat` (which holds two BSD-style notices) more than `BSD-3-Clause`.
/// * The lines before and after a match are then searched on their own, as two new parts.
///   `Scanner` blanks the match out and searches the whole text again, and `optimize_bounds` (a
///   ternary search) gets lost on the blank plateau: MIT followed by Apache-2.0 found only
///   Apache-2.0.
///
/// spdx's `TopDown` mode finds the same licenses in the fixtures but is 10 to 20 times slower.
/// When nothing reaches the threshold this way, the result is [`identify`]'s, if it does.
pub fn identify_all(text: &str, threshold: f32) -> Vec<Detected> {
    let Some(detector) = detector() else {
        return Vec::new();
    };
    let data = TextData::new(&prepare(text));
    let all = data.lines_view();
    let lines = data.lines();
    // The best match of the whole text, the answer when no part reaches the threshold.
    let mut whole: Option<Detected> = None;
    // (first line, id, score) of every part identified.
    let mut found: Vec<(usize, String, f32)> = Vec::new();
    let mut parts = vec![all];
    let mut budget = MAX_PARTS;
    while let Some((start, end)) = parts.pop() {
        if budget == 0 {
            break;
        }
        budget -= 1;
        if lines
            .get(start..end)
            .is_none_or(|part| part.iter().all(|l| l.trim().is_empty()))
        {
            continue;
        }
        let narrowed;
        let part = if (start, end) == all {
            &data
        } else {
            narrowed = data.with_view(start, end);
            &narrowed
        };
        let ranked = detector.rank(part);
        let Some(top) = ranked.first() else {
            continue;
        };
        if whole.is_none() {
            whole = Some(Detected {
                id: current_id(top.name),
                score: top.score,
            });
        }
        let (range, score, name) = if top.score >= WHOLE_MATCH {
            ((start, end), top.score, top.name)
        } else {
            let mut best = ((start, start), 0.0_f32, top.name);
            for candidate in ranked.iter().take(TRIES) {
                if candidate.score <= 0.0 {
                    break;
                }
                let (region, score) = part.optimize_bounds(candidate.data);
                if score.is_finite() && score > best.1 {
                    best = (region.lines_view(), score, candidate.name);
                }
            }
            best
        };
        if score < threshold || score <= 0.0 || range.0 >= range.1 {
            continue;
        }
        found.push((range.0, current_id(name), score));
        parts.push((range.1, end));
        parts.push((start, range.0));
    }
    if found.is_empty() {
        return whole
            .filter(|w| w.score >= threshold && w.score > 0.0)
            .into_iter()
            .collect();
    }
    found.sort_by_key(|(start, _, _)| *start);
    let mut out: Vec<Detected> = Vec::with_capacity(found.len());
    for (_, id, score) in found {
        match out.iter_mut().find(|d| d.id == id) {
            Some(seen) => seen.score = seen.score.max(score),
            None => out.push(Detected { id, score }),
        }
    }
    out
}

/// Loads the license store now, on a background thread, so that a later [`identify`] does not
/// wait for it. Optional: without it the store loads on first use.
pub fn preload() {
    // A thread that cannot be started only means the store loads on first use.
    let _ = std::thread::Builder::new()
        .name("gate-license-store".into())
        .spawn(|| {
            detector();
        });
}

/// The license store with the extra texts gate compares, loaded once.
struct Detector {
    store: Store,
    /// License texts without their appendix, under the license's own name.
    terms_only: Vec<(String, TextData)>,
}

/// One license's best score against a text, and the text of it that scored.
struct Candidate<'a> {
    name: &'a str,
    score: f32,
    data: &'a TextData,
}

fn detector() -> Option<&'static Detector> {
    static DETECTOR: OnceLock<Option<Detector>> = OnceLock::new();
    DETECTOR
        .get_or_init(|| Store::load_inline().ok().map(Detector::new))
        .as_ref()
}

impl Detector {
    fn new(store: Store) -> Detector {
        let mut terms_only = Vec::new();
        for (name, entry) in store.iter() {
            let lines = entry.original.lines();
            let Some(end) = lines.iter().position(|l| {
                l.to_ascii_lowercase()
                    .contains("end of terms and conditions")
            }) else {
                continue;
            };
            let appendix = lines.get(end + 1..).map_or(0, |rest| {
                rest.iter().filter(|l| !l.trim().is_empty()).count()
            });
            if appendix >= 3 {
                terms_only.push((name.clone(), entry.original.with_view(0, end + 1)));
            }
        }
        Detector { store, terms_only }
    }

    /// Every license's best score against `text` (over its text, alternates, headers and text
    /// without appendix), best first; ties in name order, so results do not depend on hashing.
    fn rank(&self, text: &TextData) -> Vec<Candidate<'_>> {
        let score = |data: &TextData| {
            let s = data.match_score(text);
            if s.is_finite() { s } else { 0.0 }
        };
        let mut all: Vec<Candidate<'_>> = Vec::with_capacity(self.store.len() + 16);
        for (name, entry) in self.store.iter() {
            for data in std::iter::once(&entry.original)
                .chain(&entry.alternates)
                .chain(&entry.headers)
            {
                all.push(Candidate {
                    name,
                    score: score(data),
                    data,
                });
            }
        }
        for (name, data) in &self.terms_only {
            all.push(Candidate {
                name,
                score: score(data),
                data,
            });
        }
        all.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.name.cmp(b.name)));
        let mut seen = HashSet::new();
        all.retain(|c| seen.insert(c.name));
        all
    }
}

/// Line endings made plain and the length bounded.
fn prepare(text: &str) -> String {
    let mut end = text.len().min(MAX_TEXT);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let text = text.get(..end).unwrap_or(text);
    text.replace("\r\n", "\n")
}

/// What gate reports for a license name of the store: GNU texts as `-only`, deprecated names as
/// their current reading, others unchanged.
fn current_id(name: &str) -> String {
    let Some(id) = spdx::license_id(name) else {
        return name.to_string();
    };
    if id.is_gnu() {
        let stem = id.name;
        let stem = stem
            .strip_suffix("-or-later")
            .or_else(|| stem.strip_suffix("-only"))
            .unwrap_or(stem);
        if let Some(only) = spdx::gnu_license_id(stem, false) {
            return only.name.to_string();
        }
    }
    if id.is_deprecated()
        && let Ok(license) = License::parse(name)
    {
        return license.canonical().to_string();
    }
    id.name.to_string()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]

    use super::*;
    use std::path::PathBuf;

    fn fixture(name: &str) -> String {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/licenses/texts")
            .join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn ids(found: &[Detected]) -> Vec<&str> {
        found.iter().map(|d| d.id.as_str()).collect()
    }

    #[test]
    fn real_license_files_are_identified() {
        let cases = [
            ("addr2line-0.27.1.LICENSE-MIT", "MIT"),
            ("addr2line-0.27.1.LICENSE-APACHE", "Apache-2.0"),
            // Apache-2.0 without its appendix: not `Pixar`.
            ("anyhow-1.0.105.LICENSE-APACHE", "Apache-2.0"),
            ("ring-0.17.14.LICENSE-other-bits", "ISC"),
            ("rustls-0.23.46.LICENSE-ISC", "ISC"),
            ("subtle-2.6.1.LICENSE", "BSD-3-Clause"),
            ("adler2-2.0.1.LICENSE-0BSD", "0BSD"),
            ("ascii_utils-0.9.3.LICENSE_MPL-2.0.txt", "MPL-2.0"),
            // The GPL's text does not say "only" or "or later": read as `-only`.
            ("zstd-sys-2.1.3.zstd.COPYING", "GPL-2.0-only"),
        ];
        for (file, want) in cases {
            let got = identify(&fixture(file)).unwrap();
            assert_eq!(got.id, want, "{file}: {got:?}");
            assert!(got.score > 0.9, "{file}: {got:?}");
            assert_eq!(ids(&identify_all(&fixture(file), 0.9)), [want], "{file}");
        }
    }

    #[test]
    fn proprietary_text_does_not_match() {
        let text = fixture("proprietary-internal-use.txt");
        let got = identify(&text).unwrap();
        assert!(got.score < 0.9, "{got:?}");
        assert!(identify_all(&text, 0.9).is_empty());
        // A pointer to other files is not a license text either.
        let pointer = identify(&fixture("ring-0.17.14.LICENSE")).unwrap();
        assert!(pointer.score < 0.9, "{pointer:?}");
    }

    #[test]
    fn nothing_to_match() {
        assert_eq!(identify(""), None);
        assert_eq!(identify_all("", 0.5), []);
        assert_eq!(identify_all(" \n\r\n \n", 0.0), []);
    }

    #[test]
    fn several_licenses_in_one_file() {
        // BSD-3-Clause, then MIT for one source file.
        let sha1 = identify_all(&fixture("sha1_smol-1.0.1.LICENSE"), 0.9);
        assert_eq!(ids(&sha1), ["BSD-3-Clause", "MIT"], "{sha1:?}");
        assert!(sha1.iter().all(|d| d.score >= 0.9));

        // Apache-2.0, then two BSD-3-Clause notices (Go, Chromium): reported once.
        let boring = identify_all(&fixture("ring-0.17.14.LICENSE-BoringSSL"), 0.9);
        assert_eq!(ids(&boring), ["Apache-2.0", "BSD-3-Clause"], "{boring:?}");

        // A dual-license file put together from two real ones, in either order.
        let mit = fixture("addr2line-0.27.1.LICENSE-MIT");
        let apache = fixture("anyhow-1.0.105.LICENSE-APACHE");
        let both = identify_all(&format!("{mit}\n\n{apache}"), 0.9);
        assert_eq!(ids(&both), ["MIT", "Apache-2.0"], "{both:?}");
        let both = identify_all(&format!("{apache}\n---\n{mit}"), 0.9);
        assert_eq!(ids(&both), ["Apache-2.0", "MIT"], "{both:?}");
    }

    #[test]
    fn crlf_and_long_texts() {
        let mit = fixture("addr2line-0.27.1.LICENSE-MIT");
        let crlf = mit.replace('\n', "\r\n");
        assert_eq!(identify(&crlf), identify(&mit));
        let long = "é".repeat(MAX_TEXT);
        assert!(prepare(&long).len() <= MAX_TEXT);
    }

    #[test]
    fn store_names_become_current_ids() {
        assert_eq!(current_id("MIT"), "MIT");
        assert_eq!(current_id("GPL-2.0-or-later"), "GPL-2.0-only");
        assert_eq!(current_id("GPL-2.0+"), "GPL-2.0-only");
        assert_eq!(current_id("LGPL-3.0+"), "LGPL-3.0-only");
        assert_eq!(current_id("AGPL-3.0-or-later"), "AGPL-3.0-only");
        assert_eq!(
            current_id("GFDL-1.3-invariants-or-later"),
            "GFDL-1.3-invariants-only"
        );
        assert_eq!(
            current_id("GPL-2.0-with-classpath-exception"),
            "GPL-2.0-only WITH Classpath-exception-2.0"
        );
        assert_eq!(current_id("BSD-2-Clause-FreeBSD"), "BSD-2-Clause-Views");
        assert_eq!(current_id("Net-SNMP"), "Net-SNMP");
        // Every name the store can answer with is a valid SPDX expression once read.
        let detector = detector().unwrap();
        for name in detector.store.licenses() {
            let id = current_id(name);
            assert!(License::parse(&id).is_ok(), "{name} → {id}");
        }
        // Apache-2.0 is among the licenses compared without their appendix.
        assert!(detector.terms_only.iter().any(|(n, _)| n == "Apache-2.0"));
    }
}
