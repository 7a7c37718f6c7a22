//! The detectors: which text is an unmasked sensitive value, and its masked sample.
//!
//! One combined regex (ASCII only, `regex::bytes`) finds candidates of every enabled built-in
//! kind in one pass over a block or a field; every candidate is then classified by its shape
//! and validated (Luhn, mod-97, SSA rules, octet ranges, `std::net` parsing) before it becomes a
//! finding. The plan's own patterns are separate regexes, run after the built-in one. Nothing
//! here keeps a raw value: a [`Hit`] holds positions and the masked sample only.

use regex::bytes::{Regex, RegexBuilder};

/// A built-in kind of sensitive value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Email,
    UsSsn,
    CreditCard,
    Iban,
    Phone,
    Ipv4,
    Ipv6,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Email,
        Kind::UsSsn,
        Kind::CreditCard,
        Kind::Iban,
        Kind::Phone,
        Kind::Ipv4,
        Kind::Ipv6,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Email => "email",
            Kind::UsSsn => "us_ssn",
            Kind::CreditCard => "credit_card",
            Kind::Iban => "iban",
            Kind::Phone => "phone",
            Kind::Ipv4 => "ipv4",
            Kind::Ipv6 => "ipv6",
        }
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The candidate regex of this kind (ASCII, no captures).
    fn pattern(self) -> &'static str {
        match self {
            Kind::Email => r"[A-Za-z0-9._%+'\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+",
            Kind::Iban => r"\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}\b",
            Kind::UsSsn => r"\b[0-9]{3}-[0-9]{2}-[0-9]{4}\b",
            Kind::Phone => concat!(
                r"(?:\+1[ .\-]?)?\([0-9]{3}\) ?[0-9]{3}[\-. ][0-9]{4}\b",
                r"|\b[0-9]{3}[\-.][0-9]{3}[\-.][0-9]{4}\b",
                r"|\+[0-9](?:[ .\-]?[0-9]){7,14}\b"
            ),
            Kind::Ipv4 => r"\b[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\b",
            Kind::CreditCard => r"\b[0-9](?:[ \-]?[0-9]){12,18}\b",
            Kind::Ipv6 => r"[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}",
        }
    }
}

/// A validated finding in a text: where (byte offsets) and what, never the value.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    /// Index into [`Detector::kind_name`]: a built-in kind, or a plan pattern after them.
    pub kind: usize,
    pub sample: String,
}

/// The compiled detectors of a run.
#[derive(Clone, Debug)]
pub struct Detector {
    builtin: Option<Regex>,
    bare_ssn: Option<Regex>,
    custom: Vec<(String, Regex)>,
}

/// The lazy DFA's cache, per thread: the combined regex has many states and a thrashing cache
/// would make the regex crate fall back to a much slower engine.
const DFA_CACHE: usize = 64 << 20;

impl Detector {
    /// The detectors of `kinds`, then the plan's own `patterns` (name, regex).
    pub fn new(kinds: &[Kind], patterns: &[(String, regex::Regex)]) -> Result<Detector, String> {
        // Order matters for the alternation (leftmost-first): emails before anything with
        // digits, IBANs before cards, the fixed shapes before the free ones.
        let order = [
            Kind::Email,
            Kind::Iban,
            Kind::UsSsn,
            Kind::Phone,
            Kind::Ipv4,
            Kind::CreditCard,
            Kind::Ipv6,
        ];
        let parts: Vec<String> = order
            .iter()
            .filter(|k| kinds.contains(k))
            .map(|k| format!("(?:{})", k.pattern()))
            .collect();
        let build = |p: &str| {
            RegexBuilder::new(p)
                .unicode(false)
                .dfa_size_limit(DFA_CACHE)
                .build()
                .map_err(|e| e.to_string())
        };
        let builtin = if parts.is_empty() {
            None
        } else {
            Some(build(&parts.join("|"))?)
        };
        let bare_ssn = if kinds.contains(&Kind::UsSsn) {
            Some(build(r"\b[0-9]{9}\b")?)
        } else {
            None
        };
        let mut custom = Vec::new();
        for (name, re) in patterns {
            let re = RegexBuilder::new(re.as_str())
                .dfa_size_limit(DFA_CACHE)
                .build()
                .map_err(|e| e.to_string())?;
            custom.push((name.clone(), re));
        }
        Ok(Detector {
            builtin,
            bare_ssn,
            custom,
        })
    }

    /// The name of a [`Hit::kind`].
    pub fn kind_name(&self, kind: usize) -> &str {
        match Kind::ALL.get(kind) {
            Some(k) => k.name(),
            None => self
                .custom
                .get(kind - Kind::ALL.len())
                .map_or("pattern", |(n, _)| n.as_str()),
        }
    }

    /// Whether bare nine-digit SSNs are looked for (in columns named like `ssn`).
    pub fn wants_bare_ssn(&self) -> bool {
        self.bare_ssn.is_some()
    }

    /// Every validated hit of the built-in kinds and the plan's patterns in `text`, by start.
    /// With `bare_ssn`, nine bare digits are SSN candidates too (the caller decides where).
    pub fn scan(&self, text: &[u8], bare_ssn: bool, out: &mut Vec<Hit>) {
        let first = out.len();
        if let Some(re) = &self.builtin {
            for m in re.find_iter(text) {
                if let Some(hit) = classify(text, m.start(), m.end()) {
                    out.push(hit);
                }
            }
        }
        if bare_ssn {
            self.scan_bare_ssn(text, out);
        }
        self.scan_custom(text, out);
        if out.len() > first + 1 {
            out[first..].sort_by_key(|h| (h.start, h.kind));
        }
    }

    /// Nine bare digits that are a valid SSN.
    pub fn scan_bare_ssn(&self, text: &[u8], out: &mut Vec<Hit>) {
        if let Some(re) = &self.bare_ssn {
            for m in re.find_iter(text) {
                let t = &text[m.start()..m.end()];
                if ssn_valid(&t[0..3], &t[3..5], &t[5..9]) {
                    out.push(Hit {
                        start: m.start(),
                        end: m.end(),
                        kind: Kind::UsSsn as usize,
                        sample: mask_keep_last(t, 4),
                    });
                }
            }
        }
    }

    /// The plan's patterns.
    pub fn scan_custom(&self, text: &[u8], out: &mut Vec<Hit>) {
        for (i, (_, re)) in self.custom.iter().enumerate() {
            for m in re.find_iter(text) {
                if m.start() == m.end() {
                    continue;
                }
                out.push(Hit {
                    start: m.start(),
                    end: m.end(),
                    kind: Kind::ALL.len() + i,
                    sample: mask_pattern(&text[m.start()..m.end()]),
                });
            }
        }
    }

    /// `text` with every hit masked and every other digit replaced by `#`: what an error
    /// message may show of a line of an extract (same length, so columns stay right).
    pub fn mask_line(&self, text: &str) -> String {
        let bytes = text.as_bytes();
        let mut hits = Vec::new();
        self.scan(bytes, true, &mut hits);
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for h in hits {
            if h.start < at || !text.is_char_boundary(h.start) || !text.is_char_boundary(h.end) {
                continue;
            }
            out.extend(text[at..h.start].chars().map(hash_digit));
            out.push_str(&h.sample);
            at = h.end;
        }
        out.extend(text[at..].chars().map(hash_digit));
        out
    }
}

fn hash_digit(c: char) -> char {
    if c.is_ascii_digit() { '#' } else { c }
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Tells which kind a candidate of the combined regex is by its shape, validates it, and masks
/// it. Every alternative of the regex has its own shape, so no captures are needed.
fn classify(text: &[u8], start: usize, end: usize) -> Option<Hit> {
    let t = &text[start..end];
    let before = start.checked_sub(1).map(|i| text[i]);
    let after = text.get(end).copied();
    let hit = |kind: Kind, start: usize, end: usize, sample: String| {
        Some(Hit {
            start,
            end,
            kind: kind as usize,
            sample,
        })
    };
    if t.contains(&b'@') {
        let (s, e) = email(text, start, end)?;
        return hit(Kind::Email, s, e, mask_email(&text[s..e]));
    }
    if t.contains(&b':') {
        // Not part of a longer token (`std::vec` holds `d::ec`).
        if before.is_some_and(|b| is_word(b) || b == b':' || b == b'.')
            || after.is_some_and(|b| is_word(b) || b == b':' || b == b'.')
        {
            return None;
        }
        let s = std::str::from_utf8(t).ok()?;
        let ip: std::net::Ipv6Addr = s.parse().ok()?;
        if ip.is_unspecified() || ip.is_loopback() {
            return None;
        }
        return hit(Kind::Ipv6, start, end, mask_ipv6(s));
    }
    if t.len() >= 2 && t[0].is_ascii_uppercase() && t[1].is_ascii_uppercase() {
        let e = iban(t)?;
        return hit(Kind::Iban, start, start + e, mask_iban(&t[..e]));
    }
    if t[0] == b'+' || t[0] == b'(' {
        if before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'+') {
            return None;
        }
        return phone(t)
            .then(|| mask_phone(t))
            .and_then(|s| hit(Kind::Phone, start, end, s));
    }
    // Digits only from here: never part of a dotted or dashed longer number.
    let joined = |b: Option<u8>, c: Option<u8>| {
        matches!(b, Some(b'.' | b'-')) && c.is_some_and(|c| c.is_ascii_digit())
    };
    if joined(after, text.get(end + 1).copied())
        || joined(before, start.checked_sub(2).map(|i| text[i]))
    {
        return None;
    }
    let dashes = t.iter().filter(|b| **b == b'-').count();
    let dots = t.iter().filter(|b| **b == b'.').count();
    if t.len() == 11 && dashes == 2 && t[3] == b'-' && t[6] == b'-' {
        return ssn_valid(&t[0..3], &t[4..6], &t[7..11])
            .then(|| mask_keep_last(t, 4))
            .and_then(|s| hit(Kind::UsSsn, start, end, s));
    }
    if t.len() == 12 && dashes + dots == 2 && (t[3] == b'-' || t[3] == b'.') {
        return phone(t)
            .then(|| mask_phone(t))
            .and_then(|s| hit(Kind::Phone, start, end, s));
    }
    if dots == 3 {
        return ipv4(t)
            .then(|| mask_ipv4(t))
            .and_then(|s| hit(Kind::Ipv4, start, end, s));
    }
    if dots == 0 {
        let digits: Vec<u8> = t.iter().filter(|b| b.is_ascii_digit()).copied().collect();
        if card(&digits) {
            return hit(Kind::CreditCard, start, end, mask_keep_last(t, 4));
        }
    }
    None
}

/// The email in `text[start..end]` trimmed to a valid address, or `None`: local part 1–64
/// characters, not starting or ending with a dot nor holding two; domain labels of letters,
/// digits and inner hyphens; an alphabetic top-level domain of 2–24 letters.
fn email(text: &[u8], start: usize, end: usize) -> Option<(usize, usize)> {
    let t = &text[start..end];
    let at = t.iter().position(|b| *b == b'@')?;
    // A local part starts after punctuation that cannot begin one.
    let skip = t[..at]
        .iter()
        .take_while(|b| matches!(b, b'.' | b'-' | b'+' | b'%' | b'\''))
        .count();
    let local = &t[skip..at];
    let domain = &t[at + 1..];
    if local.is_empty() || local.len() > 64 || local.ends_with(b".") {
        return None;
    }
    if local.windows(2).any(|w| w == b"..") || domain.len() > 253 {
        return None;
    }
    let labels: Vec<&[u8]> = domain.split(|b| *b == b'.').collect();
    let tld = labels.last()?;
    if !(2..=24).contains(&tld.len()) || !tld.iter().all(u8::is_ascii_alphabetic) {
        return None;
    }
    if labels
        .iter()
        .any(|l| l.is_empty() || l.len() > 63 || l.starts_with(b"-") || l.ends_with(b"-"))
    {
        return None;
    }
    // Already masked (`j***@…`) is not a match: the regex stops at `*`.
    if start + skip > 0 && text[start + skip - 1] == b'*' {
        return None;
    }
    Some((start + skip, end))
}

/// US SSN rules (SSA, "Social Security Number Randomization", 2011, and POMS RM 10201.030):
/// no SSN has area 000, 666 or 900–999, group 00 or serial 0000. 078-05-1120 and 219-09-9999
/// were published in advertising and voided.
pub fn ssn_valid(area: &[u8], group: &[u8], serial: &[u8]) -> bool {
    if area == b"000" || area == b"666" || area.first() == Some(&b'9') {
        return false;
    }
    if group == b"00" || serial == b"0000" {
        return false;
    }
    !matches!(
        (area, group, serial),
        (b"078", b"05", b"1120") | (b"219", b"09", b"9999")
    )
}

/// The Luhn check (ISO/IEC 7812-1) on ASCII digits.
pub fn luhn(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(d - b'0');
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum.is_multiple_of(10)
}

/// A payment card number: 13–19 digits, a known issuer prefix (IIN) with a length that issuer
/// uses, and Luhn-valid.
pub fn card(digits: &[u8]) -> bool {
    let n = digits.len();
    if !(13..=19).contains(&n) {
        return false;
    }
    let prefix = |k: usize| -> u32 {
        digits
            .iter()
            .take(k)
            .fold(0, |a, d| a * 10 + u32::from(d - b'0'))
    };
    let (p1, p2, p3, p4, p6) = (prefix(1), prefix(2), prefix(3), prefix(4), prefix(6));
    let known = match p1 {
        // Visa
        4 => matches!(n, 13 | 16 | 19),
        // Mastercard 51–55 and 2221–2720; Mir 2200–2204
        5 if (51..=55).contains(&p2) => n == 16,
        2 if (2221..=2720).contains(&p4) => n == 16,
        2 if (2200..=2204).contains(&p4) => n >= 16,
        // American Express 34, 37; JCB 3528–3589; Diners 300–305, 36, 38, 39
        3 if p2 == 34 || p2 == 37 => n == 15,
        3 if (3528..=3589).contains(&p4) => n >= 16,
        3 if (300..=305).contains(&p3) || matches!(p2, 36 | 38 | 39) => n >= 14,
        // Discover 6011, 644–649, 65, 622126–622925; UnionPay 62; Maestro
        6 if p4 == 6011 || (644..=649).contains(&p3) || p2 == 65 => n >= 16,
        6 if (622_126..=622_925).contains(&p6) || p2 == 62 => n >= 16,
        6 if matches!(p4, 6304 | 6759 | 6761 | 6762 | 6763) => true,
        5 if matches!(p4, 5018 | 5020 | 5038 | 5893) => true,
        _ => false,
    };
    known && luhn(digits)
}

/// IBAN lengths by country (SWIFT's IBAN registry).
const IBAN_LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BI", 27),
    ("BR", 29),
    ("BY", 28),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DJ", 27),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FK", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HN", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IQ", 23),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LC", 32),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("LY", 25),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MN", 20),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NI", 28),
    ("NL", 18),
    ("NO", 15),
    ("OM", 23),
    ("PK", 24),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("RU", 33),
    ("SA", 24),
    ("SC", 31),
    ("SD", 18),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("SO", 23),
    ("ST", 25),
    ("SV", 28),
    ("TL", 23),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VA", 22),
    ("VG", 24),
    ("XK", 20),
    ("YE", 30),
];

/// The length of the IBAN at the start of `t` (its country's length, spaces included), when it
/// is one: a known country, the right length, then a word end, and mod-97 == 1 (ISO 13616).
pub fn iban(t: &[u8]) -> Option<usize> {
    let country = std::str::from_utf8(t.get(..2)?).ok()?;
    let want = IBAN_LENGTHS.iter().find(|(c, _)| *c == country)?.1;
    let mut chars = Vec::with_capacity(want);
    let mut end = 0;
    for (i, b) in t.iter().enumerate() {
        if chars.len() == want {
            break;
        }
        if *b != b' ' {
            chars.push(*b);
        }
        end = i + 1;
    }
    if chars.len() != want || t.get(end).is_some_and(|b| *b != b' ') {
        return None;
    }
    let mut rem = 0u32;
    for b in chars[4..].iter().chain(&chars[..4]) {
        let v = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A'..=b'Z' => u32::from(b - b'A') + 10,
            _ => return None,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    (rem == 1).then_some(end)
}

/// A phone number, conservatively: E.164 (`+`, a country code not starting with 0, 8–15
/// digits in all) or a NANP number written `(NXX) XXX-XXXX` / `NXX-XXX-XXXX` / `NXX.XXX.XXXX`
/// (area code starting 2–9, optionally after `+1`). Bare digit runs are never phones: order
/// numbers and amounts would all be.
pub fn phone(t: &[u8]) -> bool {
    let digits: Vec<u8> = t.iter().filter(|b| b.is_ascii_digit()).copied().collect();
    if t.contains(&b'(') {
        let area = t.iter().position(|b| *b == b'(').map(|i| t.get(i + 1));
        return matches!(area, Some(Some(b'2'..=b'9')));
    }
    if t[0] == b'+' {
        return (8..=15).contains(&digits.len()) && digits[0] != b'0';
    }
    digits.len() == 10 && digits[0] >= b'2'
}

/// A dotted IPv4 address: four octets 0–255 without leading zeros. 0.0.0.0, 255.255.255.255
/// and loopback (127/8) identify nobody and are not findings.
pub fn ipv4(t: &[u8]) -> bool {
    let mut octets = [0u32; 4];
    let mut n = 0;
    for part in t.split(|b| *b == b'.') {
        if n == 4 || part.is_empty() || part.len() > 3 || (part.len() > 1 && part[0] == b'0') {
            return false;
        }
        let v = part.iter().fold(0u32, |a, d| a * 10 + u32::from(d - b'0'));
        if v > 255 {
            return false;
        }
        octets[n] = v;
        n += 1;
    }
    n == 4 && octets != [0; 4] && octets != [255; 4] && octets[0] != 127
}

/// Digits masked but the last `keep`; everything else kept: `***-**-6789`,
/// `**** **** **** 1111`.
pub fn mask_keep_last(t: &[u8], keep: usize) -> String {
    let total = t.iter().filter(|b| b.is_ascii_digit()).count();
    let mut seen = 0;
    t.iter()
        .map(|b| {
            if b.is_ascii_digit() {
                seen += 1;
                if seen + keep > total {
                    char::from(*b)
                } else {
                    '*'
                }
            } else {
                char::from(*b)
            }
        })
        .collect()
}

/// `john.doe@example.com` → `j*******@e******.com`: the first character of the local part and
/// of each domain label but the last, which is kept.
pub fn mask_email(t: &[u8]) -> String {
    let Some(at) = t.iter().position(|b| *b == b'@') else {
        return "*".repeat(t.len());
    };
    let mut out = String::with_capacity(t.len());
    let first_kept = |part: &[u8], out: &mut String| {
        for (i, b) in part.iter().enumerate() {
            out.push(if i == 0 { char::from(*b) } else { '*' });
        }
    };
    first_kept(&t[..at], &mut out);
    out.push('@');
    let labels: Vec<&[u8]> = t[at + 1..].split(|b| *b == b'.').collect();
    for (i, l) in labels.iter().enumerate() {
        if i + 1 == labels.len() {
            out.push_str(&String::from_utf8_lossy(l));
        } else {
            first_kept(l, &mut out);
            out.push('.');
        }
    }
    out
}

/// `DE89 3704 0044 0532 0130 00` → `DE** **** **** **** **** 00`.
pub fn mask_iban(t: &[u8]) -> String {
    let total = t.iter().filter(|b| **b != b' ').count();
    let mut seen = 0;
    t.iter()
        .map(|b| {
            if *b == b' ' {
                return ' ';
            }
            seen += 1;
            if seen <= 2 || seen + 2 > total {
                char::from(*b)
            } else {
                '*'
            }
        })
        .collect()
}

/// `10.20.30.7` → `10.*.*.7`.
pub fn mask_ipv4(t: &[u8]) -> String {
    let parts: Vec<&[u8]> = t.split(|b| *b == b'.').collect();
    let last = parts.len().saturating_sub(1);
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if i == 0 || i == last {
                String::from_utf8_lossy(p).into_owned()
            } else {
                "*".to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// `2001:db8::8a2e:370:7334` → `2001:*::*:*:*`: the first group kept (the network), every
/// other group masked (short addresses such as `fe80::1` would otherwise show whole).
pub fn mask_ipv6(s: &str) -> String {
    let parts: Vec<&str> = s.split(':').collect();
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if i == 0 || p.is_empty() {
                (*p).to_string()
            } else {
                "*".to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(":")
}

/// `+1 555-123-4567` → `+1 ***-***-**67`: the `+` and the first digit after it, the last two
/// digits, and the punctuation kept.
pub fn mask_phone(t: &[u8]) -> String {
    let total = t.iter().filter(|b| b.is_ascii_digit()).count();
    let plus = t.first() == Some(&b'+');
    let mut seen = 0;
    t.iter()
        .map(|b| {
            if !b.is_ascii_digit() {
                return char::from(*b);
            }
            seen += 1;
            if (plus && seen == 1) || seen + 2 > total {
                char::from(*b)
            } else {
                '*'
            }
        })
        .collect()
}

/// A plan pattern's match: letters and digits masked but the first (when there are at least
/// four), punctuation kept; non-ASCII characters masked too.
pub fn mask_pattern(t: &[u8]) -> String {
    let s = String::from_utf8_lossy(t);
    let alnum = s.chars().filter(|c| c.is_alphanumeric()).count();
    let mut first = alnum >= 4;
    s.chars()
        .map(|c| {
            if c.is_alphanumeric() {
                if first {
                    first = false;
                    c
                } else {
                    '*'
                }
            } else if c.is_ascii_punctuation() || c == ' ' {
                c
            } else {
                '*'
            }
        })
        .collect()
}

/// Whether a column or key is named like it holds SSNs (`ssn`, `customer_ssn`,
/// `social_security_number`): there nine bare digits are an SSN too.
pub fn ssn_field(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("ssn")
        || n.replace(['_', '-', ' ', '.'], "")
            .contains("socialsecurity")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::type_complexity)]
mod tests {
    use super::*;

    fn all() -> Detector {
        Detector::new(&Kind::ALL, &[]).unwrap()
    }

    /// (kind, sample) of every hit in `text`.
    fn hits(text: &str) -> Vec<(String, String)> {
        let d = all();
        let mut out = Vec::new();
        d.scan(text.as_bytes(), false, &mut out);
        out.iter()
            .map(|h| (d.kind_name(h.kind).to_string(), h.sample.clone()))
            .collect()
    }

    fn one(text: &str) -> Option<(String, String)> {
        let h = hits(text);
        assert!(h.len() <= 1, "{text}: {h:?}");
        h.into_iter().next()
    }

    fn is(text: &str, kind: &str, sample: &str) {
        assert_eq!(
            one(text),
            Some((kind.to_string(), sample.to_string())),
            "{text}"
        );
    }

    fn none(text: &str) {
        assert_eq!(hits(text), Vec::new(), "{text}");
    }

    #[test]
    fn emails() {
        is("jane.doe@example.com", "email", "j*******@e******.com");
        is(
            "mail: a+b@mail.example.co.uk.",
            "email",
            "a**@m***.e******.c*.uk",
        );
        none("j***@example.com");
        none("not an email: a@b");
        none("user@host.c0m");
        none("a..b@example.com");
        is("'jo@example.com'", "email", "j*@e******.com");
        is("o'neil@example.com", "email", "o*****@e******.com");
    }

    #[test]
    fn ssns() {
        is("123-45-6789", "us_ssn", "***-**-6789");
        none("000-12-3456");
        none("666-12-3456");
        none("912-34-5678");
        none("123-00-4567");
        none("123-45-0000");
        none("078-05-1120");
        none("***-**-6789");
        none("1123-45-6789");
        none("2024-01-15");
        let d = all();
        let mut out = Vec::new();
        d.scan(b"123456789", true, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].sample, "*****6789");
        out.clear();
        d.scan(b"000456789", true, &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn cards() {
        is("4111 1111 1111 1111", "credit_card", "**** **** **** 1111");
        is("5555-5555-5555-4444", "credit_card", "****-****-****-4444");
        is("378282246310005", "credit_card", "***********0005");
        is("6011111111111117", "credit_card", "************1117");
        is("2223003122003222", "credit_card", "************3222");
        // Luhn fails, unknown IIN, too long, 13-digit timestamp
        none("4111 1111 1111 1112");
        none("9111111111111111");
        none("41111111111111111111");
        none("1700000000000");
        none("**** **** **** 1111");
        assert!(luhn(b"79927398713"));
        assert!(!luhn(b"79927398710"));
    }

    #[test]
    fn ibans() {
        is(
            "GB82 WEST 1234 5698 7654 32",
            "iban",
            "GB** **** **** **** **** 32",
        );
        is("DE89370400440532013000", "iban", "DE******************00");
        is(
            "IBAN DE89 3704 0044 0532 0130 00 ok",
            "iban",
            "DE** **** **** **** **** 00",
        );
        none("GB83 WEST 1234 5698 7654 32");
        none("XX82 WEST 1234 5698 7654 32");
        none("DE89 3704 0044 0532 0130 0");
    }

    #[test]
    fn phones() {
        is("+1 555-123-4567", "phone", "+1 ***-***-**67");
        is("(555) 123-4567", "phone", "(***) ***-**67");
        is("+44 20 7946 0958", "phone", "+4* ** **** **58");
        is("call 415.555.0100 now", "phone", "***.***.**00");
        none("(155) 123-4567");
        none("+0123456789");
        none("+1234567");
        none("5551234567");
        none("order 12345678");
    }

    #[test]
    fn ips() {
        is("10.20.30.7", "ipv4", "10.*.*.7");
        is("from 192.168.1.254:", "ipv4", "192.*.*.254");
        none("999.1.1.1");
        none("1.2.3.4.5");
        none("v1.2.3.4-beta.1");
        none("0.0.0.0");
        none("127.0.0.1");
        none("01.2.3.4");
        is("2001:db8::8a2e:370:7334", "ipv6", "2001:*::*:*:*");
        is("fe80::1", "ipv6", "fe80::*");
        none("::1");
        none("10:30:00");
        none("std::vec::Vec");
        none("00:1a:2b:3c:4d:5e");
    }

    #[test]
    fn near_misses() {
        none("2024-01-15");
        none("2024-01-15T10:30:00Z");
        none("550e8400-e29b-41d4-a716-446655440000");
        none("19.99");
        none("1,234,567.89");
        none("id 1234567890123456");
    }

    #[test]
    fn plan_patterns_and_masking_lines() {
        let re = regex::Regex::new(r"EMP-[0-9]{6}").unwrap();
        let d = Detector::new(&Kind::ALL, &[("employee_id".into(), re)]).unwrap();
        let mut out = Vec::new();
        d.scan(b"x EMP-123456 y", false, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(d.kind_name(out[0].kind), "employee_id");
        assert_eq!(out[0].sample, "E**-******");
        assert_eq!(
            d.mask_line("7,jane@example.com,123-45-6789"),
            "#,j***@e******.com,***-**-6789"
        );
        assert!(ssn_field("Customer_SSN"));
        assert!(ssn_field("social-security-number"));
        assert!(!ssn_field("session"));
    }
}
