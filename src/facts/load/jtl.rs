//! JMeter's CSV results (JTL, `jmeter -n -l results.jtl` with the default
//! `jmeter.save.saveservice.output_format=csv`), read by header name: only `elapsed` is required;
//! `timeStamp` (epoch milliseconds, the default `timestamp_format=ms`), `label`, `success`,
//! `responseCode` and `responseMessage` are used when present.
//!
//! Rows without a double quote are split by hand on the delimiter from SIMD bit masks of
//! delimiters and line ends (the common case, and the fast one, `plain`); a row with quotes —
//! which may span lines — goes through the `csv` crate, and the masks take over after it.

use super::record::Recorder;
use super::stream::{self, Block, Found, Lines};
use multiversion::multiversion;
use multiversion::target::target_cfg;

pub const FORMAT: &str = "jtl-csv";
pub const WHAT: &str = "the JMeter results";

const TS: usize = 0;
const ELAPSED: usize = 1;
const LABEL: usize = 2;
const CODE: usize = 3;
const MESSAGE: usize = 4;
const SUCCESS: usize = 5;
const ROLES: usize = 6;
const NONE: u8 = u8::MAX;
const NAMES: [&str; ROLES] = [
    "timeStamp",
    "elapsed",
    "label",
    "responseCode",
    "responseMessage",
    "success",
];

/// The layout a JTL's header gives.
#[derive(Clone, Debug)]
pub struct Jtl {
    delim: u8,
    ncols: usize,
    role_of: Vec<u8>,
    has: [bool; ROLES],
    /// The last column that has a role.
    last_role: usize,
    /// The columns that have a role, in order, with their role.
    role_cols: Vec<(usize, usize)>,
}

fn split(line: &[u8], d: u8) -> Vec<String> {
    line.split(|b| *b == d)
        .map(|f| {
            String::from_utf8_lossy(f)
                .trim()
                .trim_matches('"')
                .to_string()
        })
        .collect()
}

/// Whether a first line looks like a JTL header.
pub fn is_header(line: &[u8]) -> bool {
    [b',', b'\t', b';', b'|'].into_iter().any(|d| {
        let names = split(line, d);
        names.iter().any(|n| n == "elapsed")
            && names.iter().any(|n| n == "timeStamp" || n == "label")
    })
}

impl Jtl {
    /// Reads the header line (without its line end). An error names the header.
    pub fn header(line: &[u8]) -> Result<Jtl, Found> {
        let line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        for d in [b',', b'\t', b';', b'|'] {
            let names = split(line, d);
            if !names.iter().any(|n| n == "elapsed") {
                continue;
            }
            let mut role_of = vec![NONE; names.len()];
            let mut has = [false; ROLES];
            for (col, name) in names.iter().enumerate() {
                if let Some(r) = NAMES.iter().position(|n| n == name)
                    && !has[r]
                {
                    has[r] = true;
                    if let Some(slot) = role_of.get_mut(col) {
                        *slot = r as u8;
                    }
                }
            }
            let last_role = role_of.iter().rposition(|r| *r != NONE).unwrap_or(0);
            let role_cols = role_of
                .iter()
                .enumerate()
                .filter(|(_, r)| **r != NONE)
                .map(|(c, r)| (c, usize::from(*r)))
                .collect();
            return Ok(Jtl {
                delim: d,
                ncols: names.len(),
                role_of,
                has,
                last_role,
                role_cols,
            });
        }
        let shown: String = String::from_utf8_lossy(line).chars().take(200).collect();
        Err(Found::new(
            "load-field",
            1,
            1,
            line,
            format!("the header has no `elapsed` column: `{shown}`"),
        )
        .help("gate needs each sample's `elapsed` time: keep `jmeter.save.saveservice.time=true` (JMeter's default) and `print_field_names=true`"))
    }

    /// Whether the file can tell timeouts (it has `responseCode` or `responseMessage`).
    pub fn marks_timeouts(&self) -> bool {
        self.has[CODE] || self.has[MESSAGE]
    }

    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn row(
        &self,
        f: &[&[u8]; ROLES],
        at: &[usize; ROLES],
        count: usize,
        n: u64,
        line: &[u8],
        truncated: bool,
        rec: &mut Recorder,
        found: &mut Vec<Found>,
    ) {
        if truncated && count == self.ncols {
            // JMeter ends every row with a line end: without one, the last field may be cut.
            found.push(
                Found::new(
                    "results-truncated",
                    n,
                    stream::column(line, line.len()),
                    line,
                    "the file ends in the middle of a row (its last line has no line end)",
                )
                .help("the test or the copy of its results was cut short: rerun it"),
            );
            return;
        }
        if count != self.ncols {
            found.push(if truncated && count < self.ncols {
                Found::new(
                    "results-truncated",
                    n,
                    stream::column(line, line.len()),
                    line,
                    format!(
                        "the file ends in the middle of a row ({count} of {} fields)",
                        self.ncols
                    ),
                )
                .help("the test or the copy of its results was cut short: rerun it")
            } else {
                Found::new(
                    "load-syntax",
                    n,
                    1,
                    line,
                    format!("this row has {count} fields; the header has {}", self.ncols),
                )
            });
            return;
        }
        let field_error = |role: usize, what: &str| {
            let v: String = String::from_utf8_lossy(f[role]).chars().take(80).collect();
            Found::new(
                "load-field",
                n,
                stream::column(line, at[role]),
                line,
                format!("`{}` is not {what}: `{v}`", NAMES[role]),
            )
        };
        let Some(ms) = stream::parse_u64(f[ELAPSED]) else {
            found.push(field_error(ELAPSED, "a whole number of milliseconds"));
            return;
        };
        let ns = ms.saturating_mul(1_000_000);
        let times = if self.has[TS] {
            match stream::parse_u64(f[TS]).and_then(|t| i64::try_from(t).ok()) {
                Some(t) => {
                    let start = t.saturating_mul(1_000_000);
                    Some((
                        start,
                        start.saturating_add(i64::try_from(ns).unwrap_or(i64::MAX)),
                    ))
                }
                None => {
                    found.push(field_error(TS, "milliseconds since the epoch").help(
                        "gate reads JTL written with `jmeter.save.saveservice.timestamp_format=ms`, JMeter's default",
                    ));
                    return;
                }
            }
        } else {
            None
        };
        let failed = if self.has[SUCCESS] {
            match f[SUCCESS] {
                b"true" | b"TRUE" | b"True" => false,
                b"false" | b"FALSE" | b"False" => true,
                _ => {
                    found.push(field_error(SUCCESS, "`true` or `false`"));
                    return;
                }
            }
        } else if self.has[CODE] {
            !matches!(stream::parse_u64(f[CODE]), Some(200..=399))
        } else {
            false
        };
        let timeout = failed && {
            let finder = |hay: &[u8], needle: &[u8]| memchr::memmem::find(hay, needle).is_some();
            finder(f[MESSAGE], b"timed out")
                || finder(f[CODE], b"SocketTimeoutException")
                || finder(f[MESSAGE], b"SocketTimeoutException")
        };
        rec.sample(ns, times, f[LABEL], failed, timeout);
    }

    #[inline]
    fn put<'a>(
        &self,
        col: usize,
        start: usize,
        field: &'a [u8],
        f: &mut [&'a [u8]; ROLES],
        at: &mut [usize; ROLES],
    ) {
        if let Some(&r) = self.role_of.get(col)
            && let (Some(slot), Some(pos)) = (f.get_mut(usize::from(r)), at.get_mut(usize::from(r)))
        {
            *slot = field;
            *pos = start;
        }
    }
}

/// Fields before the last one gate reads that the fast reader keeps track of.
const FAST_FIELDS: usize = 32;
/// Room for the delimiter positions of a row (a power of two above [`FAST_FIELDS`], so that
/// indexing needs no bounds check).
const ENDS: usize = 64;

/// The delimiters and line ends of 64 bytes, as bit masks (bit `i` for byte `i`), and whether
/// they hold a double quote: 16-byte SIMD compares (`wide`, safe; SSE2 on x86-64, NEON on
/// ARM) instead of byte-by-byte work.
#[inline(always)]
fn masks_portable(chunk: &[u8; 64], delim: u8) -> (u64, u64, bool) {
    let (parts, _) = chunk.as_chunks::<16>();
    let dv = wide::u8x16::new([delim; 16]);
    let nv = wide::u8x16::new([b'\n'; 16]);
    let qv = wide::u8x16::new([b'"'; 16]);
    let bits = |m: wide::u8x16| u64::from(m.move_mask() as u16);
    let (mut d, mut n) = (0u64, 0u64);
    let mut q = wide::u8x16::splat(0);
    for (k, p) in parts.iter().enumerate() {
        let v = wide::u8x16::new(*p);
        d |= bits(v.cmp_eq(dv)) << (16 * k);
        n |= bits(v.cmp_eq(nv)) << (16 * k);
        q |= v.cmp_eq(qv);
    }
    (d, n, q.any())
}

/// [`masks_portable`] with two 32-byte AVX2 compares per byte value.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn masks_avx2(chunk: &[u8; 64], delim: u8) -> (u64, u64, bool) {
    use std::arch::x86_64::{__m256i, _mm256_cmpeq_epi8, _mm256_movemask_epi8, _mm256_set1_epi8};
    let (halves, _) = chunk.as_chunks::<32>();
    let dv = _mm256_set1_epi8(delim as i8);
    let nv = _mm256_set1_epi8(b'\n' as i8);
    let qv = _mm256_set1_epi8(b'"' as i8);
    let bits = |m: __m256i| u64::from(_mm256_movemask_epi8(m) as u32);
    let (mut d, mut n, mut q) = (0u64, 0u64, 0u64);
    for (k, h) in halves.iter().enumerate() {
        let v: __m256i = bytemuck::cast(*h);
        d |= bits(_mm256_cmpeq_epi8(v, dv)) << (32 * k);
        n |= bits(_mm256_cmpeq_epi8(v, nv)) << (32 * k);
        q |= bits(_mm256_cmpeq_epi8(v, qv));
    }
    (d, n, q != 0)
}

/// [`masks_portable`] with one AVX-512 compare per byte value, straight into a mask.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512bw,avx512f")]
fn masks_avx512(chunk: &[u8; 64], delim: u8) -> (u64, u64, bool) {
    use std::arch::x86_64::{__m512i, _mm512_cmpeq_epi8_mask, _mm512_set1_epi8};
    let v: __m512i = bytemuck::cast(*chunk);
    let d = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(delim as i8));
    let n = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(b'\n' as i8));
    let q = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(b'"' as i8));
    (d, n, q != 0)
}

/// Where the first double quote of 64 bytes is.
fn first_quote(chunk: &[u8; 64]) -> usize {
    chunk.iter().position(|b| *b == b'"').unwrap_or(0)
}

/// One line from `pos`: the line without its `\r\n`, whether it had a line end, and where the
/// next one starts.
fn line_at(data: &[u8], pos: usize) -> (&[u8], bool, usize) {
    let rest = data.get(pos..).unwrap_or_default();
    let (line, ended, next) = match memchr::memchr(b'\n', rest) {
        Some(i) => (rest.get(..i).unwrap_or_default(), true, pos + i + 1),
        None => (rest, false, data.len()),
    };
    (line.strip_suffix(b"\r").unwrap_or(line), ended, next)
}

/// Where the rows of a block stand while it is read.
struct Rows<'d> {
    data: &'d [u8],
    /// The block ends the file.
    last: bool,
    /// Lines so far.
    n: u64,
}

/// Reads rows without double quotes from `from`: their delimiters and line ends are found
/// 64 bytes at a time as bit masks; the fields up to the last one gate reads are cut out,
/// the others only counted. Stops at the first 64 bytes that hold a quote, returning where
/// the row in progress starts and where the quote is.
#[multiversion(targets(
    "x86_64+avx512bw+avx512f+avx2+bmi1+bmi2+popcnt+lzcnt",
    "x86_64+avx2+bmi1+bmi2+popcnt+lzcnt"
))]
fn plain(
    jtl: &Jtl,
    rows: &mut Rows,
    from: usize,
    rec: &mut Recorder,
    found: &mut Vec<Found>,
) -> Option<(usize, usize)> {
    let data = rows.data;
    let want = jtl.last_role;
    // The masks of the instructions this copy of the function is compiled for: the
    // `multiversion` attribute compiles one for AVX-512, one for AVX2 (with BMI, POPCNT,
    // LZCNT, which the bit walking and the recording gain from too) and one for the
    // baseline, and picks one at run time by what the processor has.
    #[target_cfg(all(target_arch = "x86_64", target_feature = "avx512bw"))]
    #[multiversion::inherit_target]
    fn masks(chunk: &[u8; 64], delim: u8) -> (u64, u64, bool) {
        masks_avx512(chunk, delim)
    }
    #[target_cfg(all(
        target_arch = "x86_64",
        target_feature = "avx2",
        not(target_feature = "avx512bw")
    ))]
    #[multiversion::inherit_target]
    fn masks(chunk: &[u8; 64], delim: u8) -> (u64, u64, bool) {
        masks_avx2(chunk, delim)
    }
    #[target_cfg(not(all(target_arch = "x86_64", target_feature = "avx2")))]
    fn masks(chunk: &[u8; 64], delim: u8) -> (u64, u64, bool) {
        masks_portable(chunk, delim)
    }
    let mut row_start = from;
    // Delimiters seen in the current row, and where the first `want + 1` are.
    let mut k = 0usize;
    let mut ends = [0usize; ENDS];
    let (chunks, tail) = data.get(from..).unwrap_or_default().as_chunks::<64>();
    let mut padded = [0u8; 64];
    if let Some(t) = padded.get_mut(..tail.len()) {
        t.copy_from_slice(tail);
    }
    let last = std::iter::once(&padded).filter(|_| !tail.is_empty());
    for (ci, chunk) in chunks.iter().chain(last).enumerate() {
        let base = from + ci * 64;
        let (mut d, mut l, quote) = masks(chunk, jtl.delim);
        if quote {
            return Some((row_start, base + first_quote(chunk)));
        }
        loop {
            if k <= want {
                let e = d | l;
                if e == 0 {
                    break;
                }
                let bit = e & e.wrapping_neg();
                let pos = base + e.trailing_zeros() as usize;
                if d & bit != 0 {
                    ends[k % ENDS] = pos;
                    k += 1;
                    d ^= bit;
                } else {
                    jtl.end_row(rows, &mut row_start, pos, k, &ends, true, rec, found);
                    k = 0;
                    l ^= bit;
                }
            } else {
                if l == 0 {
                    k += d.count_ones() as usize;
                    break;
                }
                let t = l.trailing_zeros();
                let below = (1u64 << t) - 1;
                k += (d & below).count_ones() as usize;
                d &= !below;
                jtl.end_row(
                    rows,
                    &mut row_start,
                    base + t as usize,
                    k,
                    &ends,
                    true,
                    rec,
                    found,
                );
                k = 0;
                l &= l - 1;
            }
        }
    }
    // A last row without a line end.
    if row_start < data.len() {
        jtl.end_row(
            rows,
            &mut row_start,
            data.len(),
            k,
            &ends,
            false,
            rec,
            found,
        );
    }
    None
}

impl Jtl {
    /// The row from `*row_start` to the line end at `pos`, with `k` delimiters whose first
    /// positions are `ends`.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn end_row(
        &self,
        rows: &mut Rows,
        row_start: &mut usize,
        pos: usize,
        k: usize,
        ends: &[usize; ENDS],
        ended: bool,
        rec: &mut Recorder,
        found: &mut Vec<Found>,
    ) {
        let data = rows.data;
        rows.n += 1;
        let start = *row_start;
        *row_start = pos + 1;
        let mut end = pos;
        if end > start && data.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        let line = data.get(start..end).unwrap_or_default();
        if line.is_empty() {
            return;
        }
        let mut f: [&[u8]; ROLES] = [b""; ROLES];
        let mut at = [0usize; ROLES];
        for &(col, role) in &self.role_cols {
            if col > k {
                break;
            }
            let from = if col == 0 {
                start
            } else {
                ends.get(col - 1).map_or(end, |e| e + 1)
            };
            let to = if col < k {
                ends.get(col).copied().unwrap_or(end)
            } else {
                end
            };
            if let (Some(slot), Some(p)) = (f.get_mut(role), at.get_mut(role)) {
                *slot = data.get(from..to).unwrap_or_default();
                *p = from - start;
            }
        }
        let truncated = rows.last && !ended;
        self.row(&f, &at, k + 1, rows.n, line, truncated, rec, found);
    }

    /// Reads rows line by line from `pos` — quoted fields through the `csv` crate, a quoted
    /// record over several lines included — and stops after the row that holds byte `until`,
    /// if given. Returns where it stopped and whether a quoted field held a line end.
    fn general(
        &self,
        rows: &mut Rows,
        mut pos: usize,
        until: Option<usize>,
        rec: &mut Recorder,
        found: &mut Vec<Found>,
    ) -> (usize, bool) {
        let data = rows.data;
        let mut crossed = false;
        let mut record: Vec<u8> = Vec::new();
        while pos < data.len() && until.is_none_or(|u| pos <= u) {
            let (line, mut ended, next) = line_at(data, pos);
            pos = next;
            rows.n += 1;
            let n = rows.n;
            if line.is_empty() {
                continue;
            }
            let mut f: [&[u8]; ROLES] = [b""; ROLES];
            let mut at = [0usize; ROLES];
            if memchr::memchr(b'"', line).is_none() {
                let mut col = 0usize;
                let mut start = 0usize;
                let mut ends = memchr::memchr_iter(self.delim, line);
                // Fields up to the last one gate reads are cut out; the rest only counted.
                while col < self.last_role {
                    let Some(i) = ends.next() else { break };
                    let field = line.get(start..i).unwrap_or_default();
                    self.put(col, start, field, &mut f, &mut at);
                    col += 1;
                    start = i + 1;
                }
                let end = if col == self.last_role {
                    ends.next()
                } else {
                    None
                };
                match end {
                    Some(i) => {
                        let field = line.get(start..i).unwrap_or_default();
                        self.put(col, start, field, &mut f, &mut at);
                        col += 1 + ends.count();
                    }
                    None => {
                        let field = line.get(start..).unwrap_or_default();
                        self.put(col, start, field, &mut f, &mut at);
                    }
                }
                self.row(&f, &at, col + 1, n, line, rows.last && !ended, rec, found);
                continue;
            }
            // A quoted record, perhaps over several lines.
            record.clear();
            record.extend_from_slice(line);
            let quotes = |s: &[u8]| memchr::memchr_iter(b'"', s).count();
            let mut open = quotes(line) % 2 == 1;
            crossed |= open;
            while open && pos < data.len() {
                let (more, e, next) = line_at(data, pos);
                pos = next;
                rows.n += 1;
                ended = e;
                record.push(b'\n');
                record.extend_from_slice(more);
                open ^= quotes(more) % 2 == 1;
            }
            if open {
                found.push(
                    Found::new(
                        "results-truncated",
                        n,
                        1,
                        line,
                        "the file ends inside a quoted field",
                    )
                    .help("the test or the copy of its results was cut short: rerun it"),
                );
                continue;
            }
            let mut rdr = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .delimiter(self.delim)
                .from_reader(record.as_slice());
            let mut fields = csv::ByteRecord::new();
            match rdr.read_byte_record(&mut fields) {
                Ok(true) => {
                    for (col, field) in fields.iter().enumerate() {
                        self.put(col, 0, field, &mut f, &mut at);
                    }
                    let truncated = rows.last && !ended;
                    self.row(&f, &at, fields.len(), n, line, truncated, rec, found);
                }
                _ => found.push(Found::new(
                    "load-syntax",
                    n,
                    1,
                    line,
                    "this row is not valid CSV",
                )),
            }
        }
        (pos, crossed)
    }
}

impl stream::Format for Jtl {
    fn quoted_lines(&self) -> bool {
        true
    }

    /// Rows are read by the bit masks until a double quote shows up; the row with the quote
    /// goes through the general reading, and the masks take over again after it.
    fn block(&self, b: &Block, rec: &mut Recorder, found: &mut Vec<Found>) -> Lines {
        let mut rows = Rows {
            data: b.data,
            last: b.last,
            n: 0,
        };
        if self.last_role >= FAST_FIELDS {
            let (_, crossed) = self.general(&mut rows, 0, None, rec, found);
            return Lines {
                count: rows.n,
                quoted_line_end: crossed,
            };
        }
        let mut pos = 0;
        let mut crossed = false;
        while let Some((row, quote)) = plain(self, &mut rows, pos, rec, found) {
            let (next, c) = self.general(&mut rows, row, Some(quote), rec, found);
            crossed |= c;
            pos = next;
        }
        Lines {
            count: rows.n,
            quoted_line_end: crossed,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use crate::facts::load::record::DEFAULT_WINDOW_NS;
    use crate::facts::load::stream::Format;

    fn run(header: &str, body: &str) -> (Recorder, Vec<Found>) {
        let jtl = Jtl::header(header.as_bytes()).unwrap();
        let mut rec = Recorder::new(0, DEFAULT_WINDOW_NS);
        let mut found = Vec::new();
        let block = Block {
            data: body.as_bytes(),
            last: true,
        };
        jtl.block(&block, &mut rec, &mut found);
        (rec, found)
    }

    #[test]
    fn quoted_rows_and_failures() {
        let (rec, found) = run(
            "timeStamp,elapsed,label,responseCode,responseMessage,success",
            "1000,10,a,200,OK,true\n2000,20,\"b, with comma\",500,\"line one\nline two\",false\n3000,30,a,Non HTTP response code: java.net.SocketTimeoutException,Read timed out,false\n",
        );
        assert!(found.is_empty(), "{found:?}");
        let r = rec.result("jmeter", "f", FORMAT, true);
        assert_eq!(r.requests.total, 3);
        assert_eq!(r.requests.failed, 2);
        assert_eq!(r.requests.timeouts, Some(1));
        assert_eq!(r.endpoints.len(), 2);
        assert_eq!(r.endpoints[1].name, "b, with comma");
    }

    #[test]
    fn problems_are_located() {
        let (_, found) = run(
            "timeStamp,elapsed,label",
            "1000,x,a\n1000,5\n2000,7,a,b\n3000,1",
        );
        let got: Vec<(u64, u64, &str)> = found.iter().map(|f| (f.line, f.column, f.code)).collect();
        assert_eq!(
            got,
            vec![
                (1, 6, "load-field"),
                (2, 1, "load-syntax"),
                (3, 1, "load-syntax"),
                (4, 7, "results-truncated")
            ]
        );
    }

    #[test]
    fn the_fast_reading_equals_the_general_one() {
        let header =
            "timeStamp,elapsed,label,responseCode,responseMessage,threadName,success,bytes";
        let jtl = Jtl::header(header.as_bytes()).unwrap();
        let mut body = String::new();
        for i in 0..3_000u64 {
            let sep = if i % 7 == 0 { "\r\n" } else { "\n" };
            match i % 101 {
                5 => body.push_str(sep),
                17 => body.push_str(&format!("{},{},x,200{sep}", 1000 + i, i)),
                29 => body.push_str(&format!("{},{}x,a,200,OK,t,true,1{sep}", 1000 + i, i)),
                41 => body.push_str(&format!("{},{},a,200,OK,t,true,1,extra{sep}", 1000 + i, i)),
                // Quoted fields on one line: the masks hand the row to the general reading.
                53 | 54 => body.push_str(&format!(
                    "{},{},\"label-{}\",500,\"Bad, \"\"very\"\" bad\",t,false,{}{sep}",
                    1000 + i,
                    i,
                    i % 5,
                    i
                )),
                _ => body.push_str(&format!(
                    "{},{},label-{},{},{},thread with a long name {},{},{}{sep}",
                    1000 + i * 37,
                    i * 13 % 977,
                    i % 5,
                    if i % 11 == 0 { 500 } else { 200 },
                    if i % 13 == 0 { "Read timed out" } else { "OK" },
                    "x".repeat((i % 90) as usize),
                    if i % 11 == 0 { "false" } else { "true" },
                    i
                )),
            }
        }
        body.push_str("5000,12,label-1,200,OK,t,true");
        let mut got = Vec::new();
        for general in [false, true] {
            let mut rec = Recorder::new(0, DEFAULT_WINDOW_NS);
            let mut found = Vec::new();
            let n = if general {
                let mut rows = Rows {
                    data: body.as_bytes(),
                    last: true,
                    n: 0,
                };
                let (end, crossed) = jtl.general(&mut rows, 0, None, &mut rec, &mut found);
                assert_eq!((end, crossed), (body.len(), false));
                rows.n
            } else {
                let block = Block {
                    data: body.as_bytes(),
                    last: true,
                };
                jtl.block(&block, &mut rec, &mut found).count
            };
            let found: Vec<_> = found
                .iter()
                .map(|f| (f.line, f.column, f.code, f.message.clone()))
                .collect();
            got.push((n, rec.result("jmeter", "f", FORMAT, true), found));
        }
        assert!(got[0].2.len() > 80, "{:?}", got[0].2);
        assert_eq!(got[0], got[1]);
    }

    /// The masks of each instruction set this processor has, through the same dispatch as
    /// the reader, against the portable ones: each copy of [`plain`] differs only in them.
    #[test]
    fn every_mask_kind_agrees() {
        #[multiversion(targets(
            "x86_64+avx512bw+avx512f+avx2+bmi1+bmi2+popcnt+lzcnt",
            "x86_64+avx2+bmi1+bmi2+popcnt+lzcnt"
        ))]
        fn kinds(chunk: &[u8; 64], delim: u8) -> Vec<(u64, u64, bool)> {
            #[target_cfg(all(target_arch = "x86_64", target_feature = "avx512bw"))]
            #[multiversion::inherit_target]
            fn simd(chunk: &[u8; 64], delim: u8) -> Vec<(u64, u64, bool)> {
                vec![masks_avx512(chunk, delim), masks_avx2(chunk, delim)]
            }
            #[target_cfg(all(
                target_arch = "x86_64",
                target_feature = "avx2",
                not(target_feature = "avx512bw")
            ))]
            #[multiversion::inherit_target]
            fn simd(chunk: &[u8; 64], delim: u8) -> Vec<(u64, u64, bool)> {
                vec![masks_avx2(chunk, delim)]
            }
            #[target_cfg(not(all(target_arch = "x86_64", target_feature = "avx2")))]
            fn simd(_: &[u8; 64], _: u8) -> Vec<(u64, u64, bool)> {
                Vec::new()
            }
            simd(chunk, delim)
        }
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for round in 0..2_000 {
            let mut chunk = [0u8; 64];
            for b in &mut chunk {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                // Mostly the bytes that matter, some of every value (high bits included).
                *b = match x % 8 {
                    0 => b',',
                    1 => b'\n',
                    2 => b'\t',
                    3 if round % 3 == 0 => b'"',
                    _ => (x >> 8) as u8,
                };
            }
            for delim in [b',', b'\t'] {
                let want = masks_portable(&chunk, delim);
                let by_hand = chunk
                    .iter()
                    .enumerate()
                    .fold((0u64, 0u64, false), |m, (i, b)| {
                        (
                            m.0 | u64::from(*b == delim) << i,
                            m.1 | u64::from(*b == b'\n') << i,
                            m.2 || *b == b'"',
                        )
                    });
                assert_eq!(want, by_hand);
                for got in kinds(&chunk, delim) {
                    assert_eq!(got, want, "{chunk:?}");
                }
            }
        }
    }

    #[test]
    fn a_header_without_elapsed_is_named() {
        let e = Jtl::header(b"timeStamp,label,success").err();
        assert!(e.is_some_and(|e| e.message.contains("`timeStamp,label,success`")));
    }
}
