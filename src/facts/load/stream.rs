//! Reading a raw results stream (k6 NDJSON, JMeter JTL, vegeta JSON lines) in constant memory:
//! one thread reads blocks of whole lines (4 MiB, cut at the last line end — for CSV, the last
//! line end outside quotes), a small rayon pool (at most 8 threads) parses blocks in parallel,
//! each into a fresh [`Recorder`] that is then added to the file's one recorder (histograms add
//! exactly). At most a few blocks are in flight and a block's recorder lives only while the
//! block is parsed, so memory grows neither with the file nor with the number of threads times
//! the test's length; the file is read, never mapped.
//!
//! Problems are found with a line number relative to their block and numbered once every
//! block's line count is known.

use super::Progress;
use super::record::Recorder;
use crate::facts::results::Problem;
use rayon::iter::{ParallelBridge, ParallelIterator};
use std::io::Read;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

/// Bytes read at a time.
pub const BLOCK: usize = 4 << 20;
/// Blocks read ahead, waiting for a parser.
const IN_FLIGHT: usize = 2;
/// Parsing threads at most: each holds a block, so this bounds memory on big machines.
const MAX_THREADS: usize = 8;
/// Longest line read.
pub const MAX_LINE: usize = 64 << 20;
/// Problems reported per file before it is given up on.
pub const LIMIT: usize = 10;

/// A block of whole lines.
pub struct Block<'a> {
    pub data: &'a [u8],
    /// The block ends the file (its last line may lack a line end).
    pub last: bool,
    /// The block holds a `"` somewhere (CSV readers take the slow path only then).
    pub has_quote: bool,
}

/// A problem found in a block, at a line counted from the block's first (1-based).
#[derive(Clone, Debug)]
pub struct Found {
    pub code: &'static str,
    pub line: u64,
    pub column: u64,
    pub text: String,
    pub message: String,
    pub help: Option<String>,
}

impl Found {
    pub fn new(
        code: &'static str,
        line: u64,
        column: u64,
        text: &[u8],
        message: impl Into<String>,
    ) -> Found {
        Found {
            code,
            line,
            column,
            text: String::from_utf8_lossy(text).chars().take(400).collect(),
            message: message.into(),
            help: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Found {
        self.help = Some(help.into());
        self
    }
}

/// One format of raw stream.
pub trait Format: Sync {
    /// Parses the lines of `block` into `rec`, pushing what is wrong to `found`; returns how
    /// many lines the block held.
    fn block(&self, block: &Block, rec: &mut Recorder, found: &mut Vec<Found>) -> u64;

    /// Whether a line end inside double quotes continues the record (CSV).
    fn quoted_lines(&self) -> bool {
        false
    }
}

/// What reading a stream gave.
pub struct Outcome {
    pub rec: Recorder,
    /// Problems, with absolute line numbers, in file order; at most [`LIMIT`].
    pub problems: Vec<(&'static str, Problem)>,
    /// There were more problems than reported.
    pub more: bool,
    /// The number the line after the file's last would have.
    pub next_line: u64,
}

/// What the parsing threads share: the file's recorder, each block's line count, problems.
struct Shared {
    rec: Recorder,
    lines: Vec<(usize, u64)>,
    found: Vec<(usize, Found)>,
}

/// Lines in a block as [`lines`] counts them (for a block that was not parsed).
fn count_lines(data: &[u8]) -> u64 {
    let ends = memchr::memchr_iter(b'\n', data).count() as u64;
    ends + u64::from(data.last().is_some_and(|b| *b != b'\n'))
}

/// Where the last line end outside double quotes is (a block always starts outside them).
fn quote_cut(buf: &[u8]) -> Option<usize> {
    let mut inside = false;
    let mut cut = None;
    for i in memchr::memchr2_iter(b'"', b'\n', buf) {
        if buf.get(i) == Some(&b'"') {
            inside = !inside;
        } else if !inside {
            cut = Some(i + 1);
        }
    }
    cut
}

/// Reads `file` from where it stands to its end. `first_line` is the number of the line at
/// that point; `done` the bytes before it; `total` the file's size (for progress).
#[allow(clippy::too_many_arguments)]
pub fn run<F: Format>(
    format: &F,
    mut file: std::fs::File,
    first_line: u64,
    done: u64,
    total: u64,
    origin: i64,
    window: i64,
    progress: Option<&Progress>,
) -> Result<Outcome, std::io::Error> {
    let stop = AtomicBool::new(false);
    let problems = AtomicUsize::new(0);
    let too_long = AtomicBool::new(false);
    let quoted = format.quoted_lines();
    let (tx, rx) = mpsc::sync_channel::<(usize, Vec<u8>, bool, bool)>(IN_FLIGHT);
    let (back_tx, back_rx) = mpsc::channel::<Vec<u8>>();
    let shared = std::sync::Mutex::new(Shared {
        rec: Recorder::new(origin, window),
        lines: Vec::new(),
        found: Vec::new(),
    });
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, MAX_THREADS);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("gate-load-{i}"))
        .build()
        .map_err(std::io::Error::other)?;
    let read = std::thread::scope(|s| {
        let stop = &stop;
        let too_long = &too_long;
        let reader = s.spawn(move || -> Result<(), std::io::Error> {
            let mut carry: Vec<u8> = Vec::new();
            let mut seq = 0usize;
            let mut read = done;
            loop {
                if stop.load(Ordering::Relaxed) {
                    return Ok(());
                }
                let mut buf = back_rx.try_recv().unwrap_or_default();
                buf.clear();
                buf.reserve(BLOCK + carry.len());
                buf.extend_from_slice(&carry);
                carry.clear();
                let n = (&mut file).take(BLOCK as u64).read_to_end(&mut buf)?;
                read += n as u64;
                if let Some(p) = progress {
                    p(read.min(total), total);
                }
                let eof = n < BLOCK;
                let has_quote = quoted && memchr::memchr(b'"', &buf).is_some();
                if !eof {
                    let cut = if has_quote {
                        quote_cut(&buf)
                    } else {
                        memchr::memrchr(b'\n', &buf).map(|i| i + 1)
                    };
                    match cut {
                        Some(c) => {
                            carry.extend_from_slice(buf.get(c..).unwrap_or_default());
                            buf.truncate(c);
                        }
                        None => {
                            // No whole line yet: read on, unless the line is absurdly long.
                            if buf.len() > MAX_LINE {
                                too_long.store(true, Ordering::Relaxed);
                                return Ok(());
                            }
                            carry = buf;
                            continue;
                        }
                    }
                }
                // The carry's quotes, if any, are the next block's: this one may have none left.
                let has_quote = has_quote && memchr::memchr(b'"', &buf).is_some();
                if tx.send((seq, buf, eof, has_quote)).is_err() || eof {
                    return Ok(());
                }
                seq += 1;
            }
        });
        pool.install(|| {
            rx.into_iter()
                .par_bridge()
                .for_each(|(seq, buf, last, has_quote)| {
                    let n = if stop.load(Ordering::Relaxed) {
                        // Given up on: only its lines are counted, so later lines keep their numbers.
                        (count_lines(&buf), Recorder::new(origin, window), Vec::new())
                    } else {
                        let block = Block {
                            data: &buf,
                            last,
                            has_quote,
                        };
                        let mut rec = Recorder::new(origin, window);
                        let mut found = Vec::new();
                        let lines = format.block(&block, &mut rec, &mut found);
                        if !found.is_empty()
                            && problems.fetch_add(found.len(), Ordering::Relaxed) + found.len()
                                > LIMIT
                        {
                            stop.store(true, Ordering::Relaxed);
                        }
                        (lines, rec, found)
                    };
                    let (lines, rec, found) = n;
                    let _ = back_tx.send(buf);
                    let mut sh = shared
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    sh.rec.merge(&rec);
                    sh.lines.push((seq, lines));
                    sh.found.extend(found.into_iter().map(|f| (seq, f)));
                });
        });
        reader
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the reading thread failed")))
    });
    let part = shared
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    read?;
    // Number the problems: a block's first line follows every line of the blocks before it.
    let mut lines = part.lines;
    lines.sort_unstable();
    let mut before = std::collections::HashMap::new();
    let mut at = first_line;
    for (seq, n) in &lines {
        before.insert(*seq, at);
        at += n;
    }
    let mut found: Vec<(u64, Found)> = part
        .found
        .into_iter()
        .filter_map(|(seq, f)| before.get(&seq).map(|b| (b + f.line - 1, f)))
        .collect();
    found.sort_by_key(|(line, f)| (*line, f.column));
    let mut more = found.len() > LIMIT;
    found.truncate(LIMIT);
    let mut problems: Vec<(&'static str, Problem)> = found
        .into_iter()
        .map(|(line, f)| {
            let mut p = Problem::at_line(line, f.column, &f.text, f.message);
            p.help = f.help;
            (f.code, p)
        })
        .collect();
    if too_long.load(Ordering::Relaxed) {
        more = false;
        problems.push((
            "load-syntax",
            Problem::whole(format!(
                "a line after line {at} is longer than {} MiB; this is not a results stream",
                MAX_LINE >> 20
            )),
        ));
    }
    Ok(Outcome {
        rec: part.rec,
        problems,
        more,
        next_line: at,
    })
}

/// Splits a block into lines: (1-based line in the block, the line without its `\r\n`, whether
/// it had a line end).
pub fn lines(data: &[u8]) -> impl Iterator<Item = (u64, &[u8], bool)> {
    let mut pos = 0usize;
    let mut n = 0u64;
    std::iter::from_fn(move || {
        let rest = data.get(pos..)?;
        if rest.is_empty() {
            return None;
        }
        n += 1;
        let (line, ended) = match memchr::memchr(b'\n', rest) {
            Some(i) => {
                pos += i + 1;
                (rest.get(..i).unwrap_or_default(), true)
            }
            None => {
                pos = data.len();
                (rest, false)
            }
        };
        Some((n, line.strip_suffix(b"\r").unwrap_or(line), ended))
    })
}

/// One line of a JSON-lines stream, parsed; a line that is not JSON is a located problem — cut
/// short (`results-truncated`) when it is the file's last line and has no line end. `cut` says
/// what ran short, for the help: "the test", "the attack".
pub fn json_line(
    line: &[u8],
    n: u64,
    ended: bool,
    last: bool,
    cut: &str,
) -> Result<serde_json::Value, Found> {
    serde_json::from_slice(line).map_err(|e| {
        let reason = crate::diag::serde_reason(&e);
        let col = column(line, e.column().saturating_sub(1));
        if e.is_eof() && last && !ended {
            Found::new(
                "results-truncated",
                n,
                col,
                line,
                format!("the file ends in the middle of a line: {reason}"),
            )
            .help(format!(
                "{cut} or the copy of its results was cut short: rerun it"
            ))
        } else {
            Found::new(
                "load-syntax",
                n,
                col,
                line,
                format!("this line is not JSON: {reason}"),
            )
        }
    })
}

/// The 1-based character column of byte `at` in `line`.
pub fn column(line: &[u8], at: usize) -> u64 {
    line.get(..at)
        .unwrap_or(line)
        .iter()
        .filter(|b| (**b & 0xC0) != 0x80)
        .count() as u64
        + 1
}

/// An unsigned decimal integer, fast.
#[inline]
pub fn parse_u64(s: &[u8]) -> Option<u64> {
    if s.is_empty() || s.len() > 19 {
        return None;
    }
    let mut v = 0u64;
    let (eights, rest) = s.as_chunks::<8>();
    for c in eights {
        // At most two chunks of 8 and 3 digits more: below 10^19, no overflow.
        v = v * 100_000_000 + parse8(u64::from_le_bytes(*c))?;
    }
    for &b in rest {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + u64::from(d);
    }
    Some(v)
}

/// Eight ASCII digits (the first in the lowest byte) at once.
#[inline]
fn parse8(c: u64) -> Option<u64> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    // Every byte in b'0'..=b'9': its high nibble is 3, and adding 6 keeps it 3.
    if (c & (0xF0 * ONES)) != 0x30 * ONES
        || (c.wrapping_add(0x06 * ONES) & (0xF0 * ONES)) != 0x30 * ONES
    {
        return None;
    }
    let v = c - 0x30 * ONES;
    let v = (v * 10 + (v >> 8)) & 0x00FF_00FF_00FF_00FF;
    let v = (v * 100 + (v >> 16)) & 0x0000_FFFF_0000_FFFF;
    Some((v * 10_000 + (v >> 32)) & 0xFFFF_FFFF)
}

/// A decimal number (JSON's form), fast for plain `123` and `123.456`; anything else through
/// the standard parser.
#[inline]
pub fn parse_f64(s: &[u8]) -> Option<f64> {
    let (int, frac) = match memchr::memchr(b'.', s) {
        Some(i) => (s.get(..i)?, s.get(i + 1..)?),
        None => (s, &b""[..]),
    };
    if frac.len() <= 15
        && int.len() <= 15
        && let Some(i) = parse_u64(int)
    {
        if frac.is_empty() {
            return Some(i as f64);
        }
        if let Some(f) = parse_u64(frac) {
            return Some(i as f64 + f as f64 / POW10.get(frac.len()).copied().unwrap_or(1.0));
        }
    }
    std::str::from_utf8(s)
        .ok()?
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

const POW10: [f64; 16] = [
    1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// Nanoseconds since the Unix epoch of an RFC 3339 time (`2017-05-09T14:34:45.625742514+02:00`),
/// by a fixed-format parser, falling back to jiff for anything else.
pub fn parse_time(s: &[u8]) -> Option<i64> {
    parse_time_cached(s, &mut TimeCache::default())
}

/// The last `YYYY-MM-DDTHH:MM:SS` read and its seconds (before the offset): consecutive points
/// mostly share it.
#[derive(Default)]
pub struct TimeCache {
    prefix: [u8; 19],
    secs: Option<i64>,
}

/// [`parse_time`], remembering the last date and time of day in `cache`.
#[inline]
pub fn parse_time_cached(s: &[u8], cache: &mut TimeCache) -> Option<i64> {
    fast_time(s, cache).or_else(|| {
        let t: jiff::Timestamp = std::str::from_utf8(s).ok()?.parse().ok()?;
        i64::try_from(t.as_nanosecond()).ok()
    })
}

/// Seconds since the epoch of `YYYY-MM-DDTHH:MM:SS` (taken as UTC).
fn date_time(s: &[u8]) -> Option<i64> {
    let num = |a: usize, b: usize| parse_u64(s.get(a..b)?);
    if s.len() < 19
        || s.get(4) != Some(&b'-')
        || s.get(7) != Some(&b'-')
        || !matches!(s.get(10), Some(b'T' | b't' | b' '))
        || s.get(13) != Some(&b':')
        || s.get(16) != Some(&b':')
    {
        return None;
    }
    let (y, mo, d) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (h, mi, sec) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let days = days_from_civil(i64::try_from(y).ok()?, mo, d);
    Some(days * 86_400 + i64::try_from(h * 3600 + mi * 60 + sec).ok()?)
}

fn fast_time(s: &[u8], cache: &mut TimeCache) -> Option<i64> {
    if s.len() < 20 {
        return None;
    }
    let head = s.get(..19)?;
    let base = match cache.secs {
        Some(v) if cache.prefix == head => v,
        _ => {
            let v = date_time(head)?;
            cache.prefix.copy_from_slice(head);
            cache.secs = Some(v);
            v
        }
    };
    let mut i = 19;
    let mut nanos = 0u64;
    if s.get(i) == Some(&b'.') {
        let start = i + 1;
        let mut end = start;
        while s.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
        let digits = s.get(start..end)?;
        if digits.is_empty() || digits.len() > 9 {
            return None;
        }
        nanos = parse_u64(digits)? * 10u64.pow(9 - digits.len() as u32);
        i = end;
    }
    let offset: i64 = match s.get(i..)? {
        b"Z" | b"z" => 0,
        tz if tz.len() == 6 && tz.get(3) == Some(&b':') => {
            let sign = match tz.first() {
                Some(b'+') => 1,
                Some(b'-') => -1,
                _ => return None,
            };
            let oh = parse_u64(tz.get(1..3)?)?;
            let om = parse_u64(tz.get(4..6)?)?;
            sign * i64::try_from(oh * 3600 + om * 60).ok()?
        }
        _ => return None,
    };
    let secs = base - offset;
    secs.checked_mul(1_000_000_000)?
        .checked_add(i64::try_from(nanos).ok()?)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u64, d: u64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_parse_like_jiff() {
        for s in [
            "2017-05-09T14:34:45.625742514+02:00",
            "2026-11-27T12:00:00Z",
            "2026-02-28T23:59:59.5-05:30",
            "1999-12-31T00:00:00.000001Z",
        ] {
            let j: jiff::Timestamp = s.parse().unwrap_or_default();
            assert_eq!(
                fast_time(s.as_bytes(), &mut TimeCache::default()),
                i64::try_from(j.as_nanosecond()).ok(),
                "{s}"
            );
        }
        assert_eq!(
            fast_time(b"2026-13-01T00:00:00Z", &mut TimeCache::default()),
            None
        );
        let mut cache = TimeCache::default();
        assert_eq!(
            parse_time_cached(b"2026-11-27T12:00:00.5Z", &mut cache),
            parse_time(b"2026-11-27T12:00:00.5Z")
        );
        assert_eq!(
            parse_time_cached(b"2026-11-27T12:00:00.25+01:00", &mut cache),
            parse_time(b"2026-11-27T12:00:00.25+01:00")
        );
        assert_eq!(
            parse_time_cached(b"2026-11-27T12:00:01Z", &mut cache),
            parse_time(b"2026-11-27T12:00:01Z")
        );
        assert_eq!(parse_time(b"yesterday"), None);
    }

    #[test]
    fn numbers() {
        assert!((parse_f64(b"459.865729").unwrap_or(0.0) - 459.865729).abs() < 1e-9);
        assert_eq!(parse_f64(b"12"), Some(12.0));
        assert_eq!(parse_f64(b"1e3"), Some(1000.0));
        assert_eq!(parse_f64(b"abc"), None);
        assert_eq!(parse_u64(b"12a"), None);
        for v in [
            0u64,
            7,
            12_345_678,
            1_795_773_600_000,
            99_999_999,
            100_000_000,
            9_999_999_999_999_999_999,
        ] {
            assert_eq!(parse_u64(v.to_string().as_bytes()), Some(v));
        }
        assert_eq!(parse_u64(b"1795773600:00"), None);
        assert_eq!(parse_u64(b"17957736/0000"), None);
        assert_eq!(parse_u64(b"12345678901234567890"), None);
    }

    #[test]
    fn a_quoted_line_end_does_not_cut() {
        assert_eq!(quote_cut(b"a,\"x\ny\",b\nc,\"d"), Some(10));
    }
}
