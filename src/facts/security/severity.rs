//! Severity bands and CVSS: every scanner's own scale mapped onto facts.md's five bands
//! (`info`, `low`, `medium`, `high`, `critical`), and the CVSS 3.x base score computed from a
//! vector string (cargo-audit reports only the vector).

use rust_decimal::Decimal;
use std::str::FromStr;

/// facts.md's severity bands, lowest first. No default: every finding's severity comes from
/// its scanner, never from a fallback that would file a critical finding as `info`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// A CVSS score (0.0–10.0) in GitHub's bands for `security-severity`, which are CVSS v3's
    /// qualitative rating scale: over 9.0 critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low
    /// (docs.github.com, "SARIF support for code scanning", `security-severity`), and 0.0 — CVSS's
    /// "none" — info.
    pub fn from_score(score: Decimal) -> Severity {
        if score >= Decimal::new(90, 1) {
            Severity::Critical
        } else if score >= Decimal::new(70, 1) {
            Severity::High
        } else if score >= Decimal::new(40, 1) {
            Severity::Medium
        } else if score > Decimal::ZERO {
            Severity::Low
        } else {
            Severity::Info
        }
    }

    /// A severity word as scanners write it, in any case: npm's `moderate` is medium, Trivy's
    /// `UNKNOWN` is `None` (the caller decides).
    pub fn from_word(word: &str) -> Option<Severity> {
        match word.to_ascii_lowercase().as_str() {
            "info" | "informational" | "none" => Some(Severity::Info),
            "low" => Some(Severity::Low),
            "medium" | "moderate" => Some(Severity::Medium),
            "high" => Some(Severity::High),
            "critical" => Some(Severity::Critical),
            _ => None,
        }
    }
}

/// Reads a score written as a JSON number or a string (`"7.5"`), 0–10.
pub fn parse_score(v: &serde_json::Value) -> Option<Decimal> {
    let text = match v {
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::String(s) => s.trim().to_string(),
        _ => return None,
    };
    let d = Decimal::from_str(&text)
        .or_else(|_| Decimal::from_scientific(&text))
        .ok()?;
    (d >= Decimal::ZERO && d <= Decimal::TEN).then_some(d)
}

/// Why a CVSS vector could not be scored.
#[derive(Clone, Debug, PartialEq)]
pub enum CvssError {
    /// A well-formed vector of a version gate does not score (CVSS 2, CVSS 4).
    Unsupported(String),
    /// Not a CVSS 3 vector.
    Malformed(String),
}

const KEYS: [&str; 8] = ["AV", "AC", "PR", "UI", "S", "C", "I", "A"];

/// The CVSS 3.0/3.1 base score of a vector (`CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H`), in
/// tenths (98 for 9.8), by the specification's formula (CVSS v3.1 specification, section 7.1;
/// 3.0 differs only in rounding up).
pub fn cvss3_base_tenths(vector: &str) -> Result<u32, CvssError> {
    let mut parts = vector.trim().split('/');
    let head = parts.next().unwrap_or("");
    let v31 = match head {
        "CVSS:3.1" => true,
        "CVSS:3.0" => false,
        h if h.starts_with("CVSS:") => {
            return Err(CvssError::Unsupported(format!(
                "`{h}` vectors are not scored by gate (it scores CVSS 3.0 and 3.1)"
            )));
        }
        _ => {
            return Err(CvssError::Malformed(
                "a CVSS vector starts with `CVSS:3.1/` or `CVSS:3.0/`".into(),
            ));
        }
    };
    let mut m: [Option<char>; 8] = [None; 8];
    for part in parts {
        let Some((k, v)) = part.split_once(':') else {
            return Err(CvssError::Malformed(format!(
                "`{part}` is not `metric:value`"
            )));
        };
        let mut chars = v.chars();
        let (Some(c), None) = (chars.next(), chars.next()) else {
            return Err(CvssError::Malformed(format!(
                "`{part}` has no one-letter value"
            )));
        };
        match KEYS.iter().position(|key| *key == k) {
            Some(i) if m[i].is_some() => {
                return Err(CvssError::Malformed(format!("metric `{k}` is given twice")));
            }
            Some(i) => m[i] = Some(c),
            // Temporal and environmental metrics do not change the base score.
            None => {}
        }
    }
    let get = |i: usize| -> Result<char, CvssError> {
        m[i].ok_or_else(|| {
            CvssError::Malformed(format!("the base metric `{}` is missing", KEYS[i]))
        })
    };
    let bad = |i: usize, c: char| {
        CvssError::Malformed(format!("`{}:{c}` is not a CVSS 3 value", KEYS[i]))
    };
    let scope_changed = match get(4)? {
        'U' => false,
        'C' => true,
        c => return Err(bad(4, c)),
    };
    let av = match get(0)? {
        'N' => 0.85,
        'A' => 0.62,
        'L' => 0.55,
        'P' => 0.2,
        c => return Err(bad(0, c)),
    };
    let ac = match get(1)? {
        'L' => 0.77,
        'H' => 0.44,
        c => return Err(bad(1, c)),
    };
    let pr = match (get(2)?, scope_changed) {
        ('N', _) => 0.85,
        ('L', false) => 0.62,
        ('L', true) => 0.68,
        ('H', false) => 0.27,
        ('H', true) => 0.5,
        (c, _) => return Err(bad(2, c)),
    };
    let ui = match get(3)? {
        'N' => 0.85,
        'R' => 0.62,
        c => return Err(bad(3, c)),
    };
    let cia = |i: usize| -> Result<f64, CvssError> {
        match get(i)? {
            'H' => Ok(0.56),
            'L' => Ok(0.22),
            'N' => Ok(0.0),
            c => Err(bad(i, c)),
        }
    };
    let (c, i, a) = (cia(5)?, cia(6)?, cia(7)?);
    let iss = 1.0 - (1.0 - c) * (1.0 - i) * (1.0 - a);
    let impact = if scope_changed {
        7.52 * (iss - 0.029) - 3.25 * (iss - 0.02).powi(15)
    } else {
        6.42 * iss
    };
    let exploitability = 8.22 * av * ac * pr * ui;
    if impact <= 0.0 {
        return Ok(0);
    }
    let raw = if scope_changed {
        (1.08 * (impact + exploitability)).min(10.0)
    } else {
        (impact + exploitability).min(10.0)
    };
    Ok(if v31 { roundup31(raw) } else { roundup30(raw) })
}

/// CVSS v3.1's Roundup (Appendix A): the smallest number of one decimal place at least `x`,
/// computed on integers so that 4.000000001 does not become 4.1 by floating-point noise.
fn roundup31(x: f64) -> u32 {
    // The score is between 0 and 10: the cast cannot truncate.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let int_input = (x * 100_000.0).round() as u64;
    let tenths = if int_input.is_multiple_of(10_000) {
        int_input / 10_000
    } else {
        int_input / 10_000 + 1
    };
    u32::try_from(tenths).unwrap_or(100)
}

/// CVSS v3.0's round up: the ceiling to one decimal place.
fn roundup30(x: f64) -> u32 {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let tenths = (x * 10.0).ceil() as u64;
    u32::try_from(tenths).unwrap_or(100)
}

/// Tenths as a decimal (98 → 9.8).
pub fn tenths_decimal(tenths: u32) -> Decimal {
    Decimal::new(i64::from(tenths), 1)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    #[test]
    fn known_vectors_score_as_nvd_says() {
        let cases = [
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 98),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 100),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 75),
            ("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H", 74),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 61),
            ("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 78),
            ("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 16),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0),
            ("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 75),
            ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 99),
            // Temporal metrics do not change the base score.
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O", 98),
        ];
        for (v, want) in cases {
            assert_eq!(cvss3_base_tenths(v), Ok(want), "{v}");
        }
    }

    #[test]
    fn bad_vectors_say_why() {
        assert!(matches!(
            cvss3_base_tenths("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"),
            Err(CvssError::Unsupported(_))
        ));
        assert!(matches!(
            cvss3_base_tenths("AV:N/AC:L"),
            Err(CvssError::Malformed(_))
        ));
        assert!(matches!(
            cvss3_base_tenths("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H"),
            Err(CvssError::Malformed(m)) if m.contains("`A`")
        ));
        assert!(matches!(
            cvss3_base_tenths("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
            Err(CvssError::Malformed(m)) if m.contains("AV:X")
        ));
    }

    #[test]
    fn scores_fall_in_githubs_bands() {
        let band = |s: &str| Severity::from_score(Decimal::from_str(s).unwrap()).name();
        assert_eq!(band("10"), "critical");
        assert_eq!(band("9.0"), "critical");
        assert_eq!(band("8.9"), "high");
        assert_eq!(band("7.0"), "high");
        assert_eq!(band("6.9"), "medium");
        assert_eq!(band("4.0"), "medium");
        assert_eq!(band("3.9"), "low");
        assert_eq!(band("0.1"), "low");
        assert_eq!(band("0"), "info");
        assert_eq!(
            parse_score(&serde_json::json!("7.5")),
            Decimal::from_str("7.5").ok()
        );
        assert_eq!(parse_score(&serde_json::json!("eleven")), None);
        assert_eq!(parse_score(&serde_json::json!("11")), None);
        assert_eq!(Severity::from_word("MODERATE"), Some(Severity::Medium));
        assert_eq!(Severity::from_word("UNKNOWN"), None);
    }
}
