//! CSV in parallel blocks, in constant memory.
//!
//! The header is read first; then one thread reads the rest in blocks of whole records (2 MiB,
//! cut at the last line end outside double quotes — a block always starts outside them, so a
//! quoted field with line ends never straddles two blocks) and a few worker threads scan the
//! blocks. A worker finds the block's records (a byte loop only when the block holds a quote;
//! otherwise line ends by `memchr` and a vectorised comma count per line), runs the combined
//! detector regex once over the whole block, and maps each validated hit to its record and
//! column. Blocks are numbered; rows and lines are numbered once every block's counts are
//! known. At most a few blocks are in flight and the file is read, never mapped, so memory
//! does not grow with the file.
//!
//! Once the blocks before a block hold more than `max_findings`, its hits cannot be reported,
//! so it only counts its records: a file full of findings costs what a clean one does.

use super::detect::{Detector, Hit};
use std::collections::BTreeMap;
use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, mpsc};

/// Bytes read at a time.
const BLOCK: usize = 2 << 20;
/// Longest record (a header or a row); longer is taken for a quote never closed.
pub const MAX_RECORD: usize = 64 << 20;
/// Blocks read ahead of the workers.
const IN_FLIGHT: usize = 4;
/// Worker threads at most: each holds a block and the regex's cache.
const MAX_THREADS: usize = 8;

/// A problem in a file, at a 1-based line and column.
#[derive(Clone, Debug, PartialEq)]
pub struct Bad {
    pub code: &'static str,
    pub line: u64,
    pub column: u64,
    pub message: String,
    pub help: Option<String>,
}

impl Bad {
    pub fn new(code: &'static str, line: u64, column: u64, message: impl Into<String>) -> Bad {
        Bad {
            code,
            line,
            column,
            message: message.into(),
            help: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Bad {
        self.help = Some(help.into());
        self
    }
}

/// A finding: where (row and line from 1, column from 1 in characters), in which field, what
/// kind, and the masked sample.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub row: u64,
    pub line: u64,
    pub column: u64,
    pub field: String,
    pub kind: String,
    pub sample: String,
}

/// What scanning one file gave.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scanned {
    pub rows: u64,
    /// The first `max_findings`, in file order.
    pub findings: Vec<Finding>,
    /// There were more.
    pub truncated: bool,
}

/// Keeps the first `max` findings of a file, in order, and whether there were more.
pub struct Collect<'a> {
    pub det: &'a Detector,
    pub max: usize,
    pub ignore: &'a (dyn Fn(&str) -> bool + Sync),
    pub out: Scanned,
    hits: Vec<Hit>,
}

impl<'a> Collect<'a> {
    pub fn new(
        det: &'a Detector,
        max: usize,
        ignore: &'a (dyn Fn(&str) -> bool + Sync),
    ) -> Collect<'a> {
        Collect {
            det,
            max,
            ignore,
            out: Scanned::default(),
            hits: Vec::new(),
        }
    }

    /// Whether more findings would only be counted.
    pub fn full(&self) -> bool {
        self.out.truncated
    }

    /// Scans one field's value, which starts at `line` and `column` of the file (a finding
    /// after a line end inside the value is placed on its own line).
    pub fn value(&mut self, row: u64, line: u64, column: u64, field: &str, value: &[u8]) {
        if self.out.truncated || value.is_empty() || (self.ignore)(field) {
            return;
        }
        self.hits.clear();
        let bare = super::detect::ssn_field(field);
        self.det.scan(value, bare, &mut self.hits);
        for h in &self.hits {
            if self.out.findings.len() == self.max {
                self.out.truncated = true;
                return;
            }
            let before = &value[..h.start];
            let nl = before.iter().filter(|b| **b == b'\n').count() as u64;
            let (line, column) = match memchr::memrchr(b'\n', before) {
                Some(i) => (line + nl, chars(&before[i + 1..]) + 1),
                None => (line, column + chars(before)),
            };
            self.out.findings.push(Finding {
                row,
                line,
                column,
                field: field.to_string(),
                kind: self.det.kind_name(h.kind).to_string(),
                sample: h.sample.clone(),
            });
        }
    }
}

/// Characters in UTF-8 bytes (continuation bytes not counted).
pub fn chars(b: &[u8]) -> u64 {
    b.iter().filter(|b| (**b & 0xC0) != 0x80).count() as u64
}

/// What the CSV scan needs to know of the file.
pub struct Csv<'a> {
    pub det: &'a Detector,
    pub max: usize,
    pub ignore: &'a (dyn Fn(&str) -> bool + Sync),
    pub progress: Option<&'a crate::facts::load::Progress>,
}

/// A finding in a block, numbered within it.
struct Rel {
    at: usize,
    row: u64,
    line: u64,
    column: u64,
    field: usize,
    kind: usize,
    sample: String,
}

/// What a worker made of a block.
#[derive(Default)]
struct Out {
    rows: u64,
    lines: u64,
    found: Vec<Rel>,
    more: bool,
    bad: Option<Bad>,
}

/// Splits a header or a record into its fields, unquoted.
fn split_fields(rec: &[u8]) -> Vec<String> {
    let mut fields = Vec::new();
    let mut cur = Vec::new();
    let mut inq = false;
    let mut i = 0;
    while i < rec.len() {
        let b = rec[i];
        match b {
            b'"' if inq && rec.get(i + 1) == Some(&b'"') => {
                cur.push(b'"');
                i += 1;
            }
            b'"' => inq = !inq,
            b',' if !inq => fields.push(std::mem::take(&mut cur)),
            _ => cur.push(b),
        }
        i += 1;
    }
    fields.push(cur);
    fields
        .into_iter()
        .map(|f| String::from_utf8_lossy(&f).trim().to_string())
        .collect()
}

/// Where the first line end outside quotes is, in `buf` read from a record's start.
fn first_cut(buf: &[u8]) -> Option<usize> {
    let mut inside = false;
    for i in memchr::memchr2_iter(b'"', b'\n', buf) {
        if buf[i] == b'"' {
            inside = !inside;
        } else if !inside {
            return Some(i + 1);
        }
    }
    None
}

/// Where the last line end outside quotes is (a block always starts outside them).
fn last_cut(buf: &[u8]) -> Option<usize> {
    // Usually the last line end is outside quotes: an even count of quotes before it (a
    // vectorised count) says so without walking the quotes.
    let last = memchr::memrchr(b'\n', buf)?;
    if buf[..last].iter().filter(|b| **b == b'"').count() % 2 == 0 {
        return Some(last + 1);
    }
    let mut inside = false;
    let mut cut = None;
    for i in memchr::memchr2_iter(b'"', b'\n', buf) {
        if buf[i] == b'"' {
            inside = !inside;
        } else if !inside {
            cut = Some(i + 1);
        }
    }
    cut
}

/// The field a byte of a record is in, and whether it is inside quotes.
fn field_at(rec: &[u8], upto: usize) -> (usize, bool) {
    let mut field = 0;
    let mut inq = false;
    for b in &rec[..upto.min(rec.len())] {
        match b {
            b'"' => inq = !inq,
            b',' if !inq => field += 1,
            _ => {}
        }
    }
    (field, inq)
}

fn strip_cr(l: &[u8]) -> &[u8] {
    l.strip_suffix(b"\r").unwrap_or(l)
}

/// A record with the wrong number of fields, located at its first extra field or its end.
fn wrong_fields(rec: &[u8], got: usize, want: usize, line: u64) -> Bad {
    let column = if got > want {
        let mut n = 0;
        let mut inq = false;
        let mut at = rec.len();
        for (i, b) in rec.iter().enumerate() {
            match b {
                b'"' => inq = !inq,
                b',' if !inq => {
                    n += 1;
                    if n == want {
                        at = i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        chars(&rec[..at]) + 1
    } else {
        chars(strip_cr(rec)) + 1
    };
    Bad::new(
        "data-format",
        line,
        column,
        format!("this row has {got} fields, the header has {want}"),
    )
    .help("every row of a CSV extract has the header's fields; quote a value that holds a comma")
}

/// The records of a block: (start offset, line within the block from 0). Checks each record's
/// field count; returns the block's line ends and the first problem.
fn records(
    data: &[u8],
    last: bool,
    ncols: usize,
    recs: &mut Vec<(usize, u64)>,
) -> (u64, Option<Bad>) {
    let mut bad = None;
    if memchr::memchr(b'"', data).is_none() {
        let mut start = 0;
        let ends = memchr::memchr_iter(b'\n', data)
            .chain((last && data.last().is_some_and(|b| *b != b'\n')).then_some(data.len()));
        for (line, nl) in ends.enumerate() {
            let line = line as u64;
            let l = strip_cr(&data[start..nl]);
            if !l.is_empty() {
                let got = l.iter().filter(|b| **b == b',').count() + 1;
                if got != ncols && bad.is_none() {
                    bad = Some(wrong_fields(l, got, ncols, line));
                }
                recs.push((start, line));
            }
            start = nl + 1;
        }
        let lines = memchr::memchr_iter(b'\n', data).count() as u64;
        return (lines, bad);
    }
    // Quotes somewhere: line by line, counting commas only between quoted stretches (a
    // vectorised count per stretch; quotes are few), a record ending at a line end outside
    // quotes.
    let commas = |s: &[u8]| s.iter().filter(|b| **b == b',').count();
    let mut inq = false;
    let mut fields = 1;
    let mut start = 0;
    let mut line = 0u64;
    let mut rec_line = 0u64;
    let mut open = (0u64, 0usize);
    let mut end_record =
        |start: usize, end: usize, fields: usize, rec_line: u64, bad: &mut Option<Bad>| {
            let l = strip_cr(&data[start..end]);
            if !l.is_empty() {
                if fields != ncols && bad.is_none() {
                    *bad = Some(wrong_fields(l, fields, ncols, rec_line));
                }
                recs.push((start, rec_line));
            }
        };
    let mut s = 0;
    while s < data.len() {
        let e = memchr::memchr(b'\n', &data[s..]).map_or(data.len(), |i| s + i);
        let seg = &data[s..e];
        let mut pos = 0;
        for q in memchr::memchr_iter(b'"', seg) {
            if !inq {
                fields += commas(&seg[pos..q]);
                open = (line, s + q);
            }
            inq = !inq;
            pos = q + 1;
        }
        if !inq {
            fields += commas(&seg[pos..]);
        }
        if e == data.len() {
            break;
        }
        if !inq {
            end_record(start, e, fields, rec_line, &mut bad);
            start = e + 1;
            fields = 1;
            rec_line = line + 1;
        }
        line += 1;
        s = e + 1;
    }
    if last {
        if inq {
            let (l, at) = open;
            let from = memchr::memrchr(b'\n', &data[..at]).map_or(0, |i| i + 1);
            bad = bad.or(Some(
                Bad::new(
                    "data-syntax",
                    l,
                    chars(&data[from..at]) + 1,
                    "a quoted field opened here is never closed",
                )
                .help("close the quote; a `\"` inside a quoted field is written `\"\"`"),
            ));
        } else if start < data.len() {
            end_record(start, data.len(), fields, rec_line, &mut bad);
        }
    }
    (line, bad)
}

/// Scans a block: its records, then the detectors over the whole of it.
#[allow(clippy::too_many_arguments)]
fn block(
    data: &[u8],
    last: bool,
    ncols: usize,
    skip: &[bool],
    ssn: &[bool],
    det: &Detector,
    max: usize,
    scan: bool,
) -> Out {
    let mut recs = Vec::with_capacity(data.len() / 64);
    let (lines, bad) = records(data, last, ncols, &mut recs);
    let mut out = Out {
        rows: recs.len() as u64,
        lines,
        bad,
        ..Out::default()
    };
    if !scan || out.bad.is_some() {
        out.more = !scan;
        return out;
    }
    let mut hits = Vec::new();
    det.scan(data, false, &mut hits);
    let mut bare = Vec::new();
    if det.wants_bare_ssn() && ssn.iter().any(|s| *s) {
        det.scan_bare_ssn(data, &mut bare);
    }
    for (list, bare) in [(&hits, false), (&bare, true)] {
        let mut kept = 0;
        for h in list.iter() {
            if kept > max {
                break;
            }
            let r = recs.partition_point(|(s, _)| *s <= h.start);
            let Some(&(rs, rl)) = r.checked_sub(1).and_then(|r| recs.get(r)) else {
                continue;
            };
            let (field, inq) = field_at(&data[rs..], h.start - rs);
            let seg = &data[h.start..h.end];
            let crosses =
                seg.contains(&b'"') || (!inq && (seg.contains(&b',') || seg.contains(&b'\n')));
            if crosses || field >= ncols || skip[field] || (bare && !ssn[field]) {
                continue;
            }
            let before = &data[rs..h.start];
            let line = rl + memchr::memchr_iter(b'\n', before).count() as u64;
            let from = memchr::memrchr(b'\n', before).map_or(rs, |i| rs + i + 1);
            out.found.push(Rel {
                at: h.start,
                row: (r - 1) as u64,
                line,
                column: chars(&data[from..h.start]) + 1,
                field,
                kind: h.kind,
                sample: h.sample.clone(),
            });
            kept += 1;
        }
    }
    if !bare.is_empty() {
        out.found.sort_by_key(|f| (f.at, f.kind));
    }
    if out.found.len() > max {
        out.found.truncate(max + 1);
        out.more = true;
    }
    out
}

/// Scans a CSV file from its start. `Err` is the file's first problem (or an I/O error).
pub fn csv(
    opts: &Csv,
    mut file: std::fs::File,
    total: u64,
) -> Result<Result<Scanned, Bad>, std::io::Error> {
    // The header: the first record.
    let mut buf = Vec::with_capacity(64 << 10);
    let header_end = loop {
        let n = (&mut file).take(64 << 10).read_to_end(&mut buf)?;
        if let Some(cut) = first_cut(&buf) {
            break cut;
        }
        if n == 0 {
            break buf.len();
        }
        if buf.len() > MAX_RECORD {
            return Ok(Err(Bad::new(
                "data-syntax",
                1,
                1,
                "the header never ends: a quote is never closed",
            )));
        }
    };
    let head = buf.get(..header_end).unwrap_or_default();
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let fields = split_fields(strip_cr(head.strip_suffix(b"\n").unwrap_or(head)));
    if fields.iter().all(String::is_empty) {
        return Ok(Err(Bad::new(
            "data-format",
            1,
            1,
            "the first line, the header, is empty",
        )
        .help("a CSV extract starts with a header naming its columns")));
    }
    let header_lines = memchr::memchr_iter(b'\n', head).count() as u64;
    let carry = buf.split_off(header_end);
    let ncols = fields.len();
    let skip: Vec<bool> = fields.iter().map(|f| (opts.ignore)(f)).collect();
    let ssn: Vec<bool> = fields.iter().map(|f| super::detect::ssn_field(f)).collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, MAX_THREADS);
    let stop = AtomicBool::new(false);
    // Findings per finished block, to know when later blocks need not look.
    let counts: Mutex<BTreeMap<usize, usize>> = Mutex::new(BTreeMap::new());
    let results: Mutex<Vec<(usize, Out)>> = Mutex::new(Vec::new());
    let (tx, rx) = mpsc::sync_channel::<(usize, Vec<u8>, bool)>(IN_FLIGHT);
    let rx = Mutex::new(rx);
    let (back_tx, back_rx) = mpsc::channel::<Vec<u8>>();
    let max = opts.max;
    let read = std::thread::scope(|s| {
        let stop = &stop;
        let reader = s.spawn(move || -> Result<(), std::io::Error> {
            let mut carry = carry;
            let mut seq = 0usize;
            let mut read = header_end as u64;
            loop {
                if stop.load(Ordering::Relaxed) {
                    return Ok(());
                }
                let mut buf = back_rx.try_recv().unwrap_or_default();
                buf.clear();
                buf.reserve(BLOCK + carry.len());
                buf.append(&mut carry);
                let n = (&mut file).take(BLOCK as u64).read_to_end(&mut buf)?;
                read += n as u64;
                if let Some(p) = opts.progress {
                    p(read.min(total), total);
                }
                let mut eof = n < BLOCK;
                if !eof {
                    match last_cut(&buf) {
                        Some(c) => {
                            carry.extend_from_slice(buf.get(c..).unwrap_or_default());
                            buf.truncate(c);
                        }
                        // A record longer than this is a quote never closed: the worker
                        // reports it as such.
                        None if buf.len() > MAX_RECORD => eof = true,
                        None => {
                            carry = buf;
                            continue;
                        }
                    }
                }
                if tx.send((seq, buf, eof)).is_err() || eof {
                    return Ok(());
                }
                seq += 1;
            }
        });
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let next = rx
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .recv();
                    let Ok((seq, buf, last)) = next else { return };
                    let scan = {
                        let c = counts
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner);
                        c.range(..seq).map(|(_, n)| n).sum::<usize>() <= max
                    };
                    let out = block(&buf, last, ncols, &skip, &ssn, opts.det, max, scan);
                    if out.bad.is_some() {
                        stop.store(true, Ordering::Relaxed);
                    }
                    counts
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .insert(seq, out.found.len());
                    let _ = back_tx.send(buf);
                    results
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .push((seq, out));
                }
            });
        }
        reader
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the reading thread failed")))
    });
    read?;
    let mut blocks = results
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    blocks.sort_by_key(|(seq, _)| *seq);
    let mut scanned = Scanned::default();
    let mut row = 1u64;
    let mut line = 1 + header_lines;
    for (_, out) in blocks {
        if let Some(mut bad) = out.bad {
            bad.line += line;
            return Ok(Err(bad));
        }
        for f in out.found {
            if scanned.findings.len() == max {
                scanned.truncated = true;
                break;
            }
            scanned.findings.push(Finding {
                row: row + f.row,
                line: line + f.line,
                column: f.column,
                field: fields.get(f.field).cloned().unwrap_or_default(),
                kind: opts.det.kind_name(f.kind).to_string(),
                sample: f.sample,
            });
        }
        scanned.truncated |= out.more && scanned.findings.len() == max;
        row += out.rows;
        line += out.lines;
    }
    scanned.rows = row - 1;
    Ok(Ok(scanned))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::type_complexity)]
mod tests {
    use super::*;

    fn scan_text(text: &str, max: usize) -> Result<Scanned, Bad> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.csv");
        std::fs::write(&p, text).unwrap();
        let det = Detector::new(&super::super::detect::Kind::ALL, &[]).unwrap();
        let ignore = |f: &str| f == "hashed";
        let opts = Csv {
            det: &det,
            max,
            ignore: &ignore,
            progress: None,
        };
        let file = std::fs::File::open(&p).unwrap();
        csv(&opts, file, text.len() as u64).unwrap()
    }

    #[test]
    fn rows_fields_and_places() {
        let s = scan_text(
            "id,note,ssn,hashed\r\n1,\"a, b\nmail jane@example.com\",123456789,4111111111111111\r\n\n2,x,000-12-3456,\r\n",
            10,
        )
        .unwrap();
        assert_eq!(s.rows, 2);
        let got: Vec<_> = s
            .findings
            .iter()
            .map(|f| (f.row, f.line, f.column, f.field.as_str(), f.kind.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![(1, 3, 6, "note", "email"), (1, 3, 24, "ssn", "us_ssn")]
        );
    }

    #[test]
    fn problems_are_located() {
        let bad = scan_text("a,b\n1,2\n1,2,3\n", 10).unwrap_err();
        assert_eq!((bad.line, bad.column), (3, 5));
        let bad = scan_text("a,b\n1,2\n\"open,2\n3,4\n", 10).unwrap_err();
        assert_eq!((bad.line, bad.code), (3, "data-syntax"));
    }

    #[test]
    fn findings_stop_at_the_limit() {
        let mut text = String::from("email\n");
        for i in 0..50 {
            text.push_str(&format!("user{i}@example.com\n"));
        }
        let s = scan_text(&text, 5).unwrap();
        assert_eq!((s.rows, s.findings.len(), s.truncated), (50, 5, true));
        assert_eq!(s.findings[4].row, 5);
    }
}
