//! Reading a raw results stream (k6 NDJSON, JMeter JTL, vegeta JSON lines) in constant memory.
//!
//! A regular file is read by position (`by_position`): each of a few threads (one per core, at
//! most 8) takes the next 1 MiB chunk, reads it with `pread` (the kernel's copy is then shared by
//! the cores, and is still in the cache of the core that parses it), and parses the lines that
//! start in it into its own [`Recorder`]; finished windows go to the file's recorder as it goes,
//! the rest at the end (histograms add exactly). A CSV record whose quotes hold a line end
//! cannot be cut at every line end: then the file is read in order (`in_order`): one thread
//! reads 4 MiB blocks cut at the last line end outside quotes, a rayon pool parses them. Either
//! way memory grows neither with the file nor with the number of threads times the test's
//! length; the file is read, never mapped.
//!
//! Problems are found with a line number relative to their chunk or block and numbered once
//! every one's line count is known.

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
}

/// What parsing a block found beside its samples.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Lines {
    /// Lines in the block (a last line without a line end counts).
    pub count: u64,
    /// A record spanned a line end inside double quotes (CSV): the file must then be cut into
    /// blocks where quotes are closed, which only reading it in order can do.
    pub quoted_line_end: bool,
}

impl Lines {
    pub fn plain(count: u64) -> Lines {
        Lines {
            count,
            quoted_line_end: false,
        }
    }
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

    /// The problem, at its line `line` of the file (its block's line numbers made the file's).
    pub fn into_problem(self, line: u64) -> (&'static str, Problem) {
        let mut p = Problem::at_line(line, self.column, &self.text, self.message);
        p.help = self.help;
        (self.code, p)
    }
}

/// One format of raw stream.
pub trait Format: Sync {
    /// Parses the lines of `block` into `rec`, pushing what is wrong to `found`; returns how
    /// many lines the block held.
    fn block(&self, block: &Block, rec: &mut Recorder, found: &mut Vec<Found>) -> Lines;

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

impl Shared {
    fn new(origin: i64, window: i64) -> std::sync::Mutex<Shared> {
        std::sync::Mutex::new(Shared {
            rec: Recorder::new(origin, window),
            lines: Vec::new(),
            found: Vec::new(),
        })
    }
}

fn lock(shared: &std::sync::Mutex<Shared>) -> std::sync::MutexGuard<'_, Shared> {
    shared
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
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

/// The parsing threads: as many as the machine has cores, at most [`MAX_THREADS`].
fn threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, MAX_THREADS)
}

/// Parses one block unless reading was given up on (then its lines are only counted, so later
/// lines keep their numbers); stops the reading once more than [`LIMIT`] problems are found.
fn parse<F: Format>(
    format: &F,
    block: &Block,
    rec: &mut Recorder,
    stop: &AtomicBool,
    problems: &AtomicUsize,
) -> (Lines, Vec<Found>) {
    if stop.load(Ordering::Relaxed) {
        return (Lines::plain(count_lines(block.data)), Vec::new());
    }
    let mut found = Vec::new();
    let lines = format.block(block, rec, &mut found);
    if !found.is_empty() && problems.fetch_add(found.len(), Ordering::Relaxed) + found.len() > LIMIT
    {
        stop.store(true, Ordering::Relaxed);
    }
    (lines, found)
}

/// Reads `file` from byte `done` to its end. `first_line` is the number of the line at that
/// point; `total` the file's size (also for progress).
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
    let at = Start {
        first_line,
        done,
        total,
        origin,
        window,
    };
    if let Some(outcome) = by_position(format, &file, &at, progress, CHUNK)? {
        return Ok(outcome);
    }
    use std::io::Seek as _;
    file.seek(std::io::SeekFrom::Start(done))?;
    in_order(format, file, &at, progress)
}

/// Where and how a stream is read.
struct Start {
    /// The number of the line at `done`.
    first_line: u64,
    /// Bytes before the first line read (a header).
    done: u64,
    /// The file's size when it was opened: what is read.
    total: u64,
    origin: i64,
    window: i64,
}

/// Bytes one thread reads at a time by position: small enough that the kernel's copy is still
/// in the core's cache when the thread parses it.
pub const CHUNK: usize = 1 << 20;
/// Windows a thread keeps before adding them to the file's recorder (a thread's chunks move
/// forward in time, so its older windows are done with).
const KEEP_WINDOWS: usize = 8;

/// Fills `dst` from `pos` (fewer bytes only at the end of the file).
fn read_at(file: &std::fs::File, mut pos: u64, dst: &mut [u8]) -> std::io::Result<usize> {
    use std::os::unix::fs::FileExt as _;
    let mut filled = 0;
    while let Some(rest) = dst.get_mut(filled..).filter(|r| !r.is_empty()) {
        match file.read_at(rest, pos) {
            Ok(0) => break,
            Ok(n) => {
                filled += n;
                pos += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// What the threads reading by position share.
struct Positional<'a, F> {
    format: &'a F,
    file: &'a std::fs::File,
    at: &'a Start,
    progress: Option<&'a Progress>,
    chunk: usize,
    chunks: usize,
    next: AtomicUsize,
    stop: AtomicBool,
    /// Reading by position cannot do this file: read it in order instead.
    in_order: AtomicBool,
    problems: AtomicUsize,
    read: std::sync::atomic::AtomicU64,
    shared: std::sync::Mutex<Shared>,
}

/// Reads the file as `chunk`-byte chunks ([`CHUNK`]), each thread reading its own by position (so the
/// kernel's copy is shared by the cores too, and lands in the cache of the core that parses
/// it). A chunk holds the lines that start in it: it skips to its first line start and reads
/// past its end to the end of its last line. Every line end is taken to end a record, which is
/// only wrong for a CSV field that holds a line end inside quotes: a block that meets one says
/// so, and the file is then read in order instead (`None`), as it is when a line is longer
/// than [`MAX_LINE`].
fn by_position<F: Format>(
    format: &F,
    file: &std::fs::File,
    at: &Start,
    progress: Option<&Progress>,
    chunk: usize,
) -> Result<Option<Outcome>, std::io::Error> {
    let chunk = chunk.max(1);
    let chunks = usize::try_from(at.total.saturating_sub(at.done).div_ceil(chunk as u64))
        .unwrap_or(usize::MAX);
    let p = Positional {
        format,
        file,
        at,
        progress,
        chunk,
        chunks,
        next: AtomicUsize::new(0),
        stop: AtomicBool::new(false),
        in_order: AtomicBool::new(false),
        problems: AtomicUsize::new(0),
        read: std::sync::atomic::AtomicU64::new(at.done),
        shared: Shared::new(at.origin, at.window),
    };
    let results: Vec<std::io::Result<()>> = std::thread::scope(|s| {
        let p = &p;
        let others: Vec<_> = (1..threads())
            .map(|i| {
                std::thread::Builder::new()
                    .name(format!("gate-load-{i}"))
                    .spawn_scoped(s, move || p.work())
            })
            .collect();
        let mut results = vec![p.work()];
        for t in others {
            results.push(match t {
                Ok(handle) => handle
                    .join()
                    .unwrap_or_else(|_| Err(std::io::Error::other("a reading thread failed"))),
                // No thread to spare: the others (this one at least) read its chunks.
                Err(_) => Ok(()),
            });
        }
        results
    });
    for r in results {
        r?;
    }
    if p.in_order.load(Ordering::Relaxed) {
        return Ok(None);
    }
    let part = p
        .shared
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    Ok(Some(finish(part, at.first_line, false)))
}

impl<F: Format> Positional<'_, F> {
    /// One thread's share: chunks taken in turn until none is left.
    fn work(&self) -> std::io::Result<()> {
        let mut buf = vec![0u8; self.chunk + 1];
        let mut rec = Recorder::new(self.at.origin, self.at.window);
        let mut lines = Vec::new();
        let mut found = Vec::new();
        while !self.in_order.load(Ordering::Relaxed) {
            let i = self.next.fetch_add(1, Ordering::Relaxed);
            if i >= self.chunks {
                break;
            }
            let Some((from, to, last)) = self.chunk(i, &mut buf)? else {
                self.in_order.store(true, Ordering::Relaxed);
                break;
            };
            let block = Block {
                data: buf.get(from..to).unwrap_or_default(),
                last,
            };
            let (n, mut f) = parse(self.format, &block, &mut rec, &self.stop, &self.problems);
            if n.quoted_line_end {
                self.in_order.store(true, Ordering::Relaxed);
                break;
            }
            lines.push((i, n.count));
            found.extend(f.drain(..).map(|f| (i, f)));
            let start = self.at.done + i as u64 * self.chunk as u64;
            let size = self.at.total.saturating_sub(start).min(self.chunk as u64);
            let read = self.read.fetch_add(size, Ordering::Relaxed) + size;
            if let Some(p) = self.progress {
                p(read.min(self.at.total), self.at.total);
            }
            if rec.window_count() > KEEP_WINDOWS {
                let windows = rec.take_windows();
                lock(&self.shared).rec.merge(&windows);
            }
        }
        let mut sh = lock(&self.shared);
        sh.rec.merge(&rec);
        sh.lines.append(&mut lines);
        sh.found.append(&mut found);
        Ok(())
    }

    /// Reads chunk `i` into `buf`: the lines that start in it are `buf[from..to]`; `last` if
    /// they end the file. `None` if a line is longer than [`MAX_LINE`].
    fn chunk(&self, i: usize, buf: &mut Vec<u8>) -> std::io::Result<Option<(usize, usize, bool)>> {
        let (done, total) = (self.at.done, self.at.total);
        let start = done.saturating_add((i as u64).saturating_mul(self.chunk as u64));
        let end = start.saturating_add(self.chunk as u64).min(total);
        // From the byte before, to see whether a line starts at `start`.
        let pos = if i == 0 { start } else { start - 1 };
        let len = usize::try_from(end - pos).unwrap_or(0);
        let mut filled = read_at(self.file, pos, buf.get_mut(..len).unwrap_or_default())?;
        // The file got shorter while it was read: it ends here.
        let mut eof = filled < len || end == total;
        let data = buf.get(..filled).unwrap_or_default();
        let from = if i == 0 {
            0
        } else {
            memchr::memchr(b'\n', data).map_or(filled, |j| j + 1)
        };
        if from < filled && data.last() != Some(&b'\n') && !eof {
            // The last line goes on past the chunk: read on to its end.
            let mut at = pos + filled as u64;
            let mut piece = 2048;
            loop {
                piece = (piece * 2).min(self.chunk);
                let piece = piece.min(usize::try_from(total.saturating_sub(at)).unwrap_or(piece));
                if piece == 0 {
                    eof = true;
                    break;
                }
                if buf.len() < filled + piece {
                    buf.resize(filled + piece, 0);
                }
                let n = read_at(
                    self.file,
                    at,
                    buf.get_mut(filled..filled + piece).unwrap_or_default(),
                )?;
                if n == 0 {
                    eof = true;
                    break;
                }
                let found = buf
                    .get(filled..filled + n)
                    .and_then(|new| memchr::memchr(b'\n', new));
                filled += n;
                at += n as u64;
                if let Some(j) = found {
                    filled = filled - n + j + 1;
                    eof = at - (n - j - 1) as u64 >= total;
                    break;
                }
                if filled - from > MAX_LINE {
                    return Ok(None);
                }
            }
        }
        Ok(Some((from.min(filled), filled, eof)))
    }
}

/// Reads `file` from where it stands to its end, in order: one thread reads blocks of whole
/// lines, cut where no quote is open, and a pool parses them.
fn in_order<F: Format>(
    format: &F,
    mut file: std::fs::File,
    at: &Start,
    progress: Option<&Progress>,
) -> Result<Outcome, std::io::Error> {
    let (origin, window, total) = (at.origin, at.window, at.total);
    let stop = AtomicBool::new(false);
    let problems = AtomicUsize::new(0);
    let too_long = AtomicBool::new(false);
    let quoted = format.quoted_lines();
    let (tx, rx) = mpsc::sync_channel::<(usize, Vec<u8>, bool)>(IN_FLIGHT);
    let (back_tx, back_rx) = mpsc::channel::<Vec<u8>>();
    let shared = Shared::new(origin, window);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads())
        .thread_name(|i| format!("gate-load-{i}"))
        .build()
        .map_err(std::io::Error::other)?;
    let read = std::thread::scope(|s| {
        let stop = &stop;
        let too_long = &too_long;
        let reader = s.spawn(move || -> Result<(), std::io::Error> {
            let mut carry: Vec<u8> = Vec::new();
            let mut seq = 0usize;
            let mut read = at.done;
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
                if !eof {
                    let cut = if quoted && memchr::memchr(b'"', &buf).is_some() {
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
                if tx.send((seq, buf, eof)).is_err() || eof {
                    return Ok(());
                }
                seq += 1;
            }
        });
        pool.install(|| {
            rx.into_iter().par_bridge().for_each(|(seq, buf, last)| {
                let block = Block { data: &buf, last };
                let mut rec = Recorder::new(origin, window);
                let (lines, found) = parse(format, &block, &mut rec, stop, &problems);
                let _ = back_tx.send(buf);
                let mut sh = lock(&shared);
                sh.rec.merge(&rec);
                sh.lines.push((seq, lines.count));
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
    Ok(finish(
        part,
        at.first_line,
        too_long.load(Ordering::Relaxed),
    ))
}

/// Numbers the problems (a block's first line follows every line of the blocks before it) and
/// keeps the first [`LIMIT`].
fn finish(part: Shared, first_line: u64, too_long: bool) -> Outcome {
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
        .map(|(line, f)| f.into_problem(line))
        .collect();
    if too_long {
        more = false;
        problems.push((
            "load-syntax",
            Problem::whole(format!(
                "a line after line {at} is longer than {} MiB; this is not a results stream",
                MAX_LINE >> 20
            )),
        ));
    }
    Outcome {
        rec: part.rec,
        problems,
        more,
        next_line: at,
    }
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

/// An endpoint named by its request, `METHOD URL` (just the URL without a method), into `name`;
/// empty when there is no URL. k6 points without a `name` tag and vegeta results use it.
pub fn request_name(name: &mut Vec<u8>, method: &[u8], url: &[u8]) {
    name.clear();
    if !url.is_empty() {
        name.extend_from_slice(method);
        if !method.is_empty() {
            name.push(b' ');
        }
        name.extend_from_slice(url);
    }
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
    #![allow(clippy::unwrap_used, clippy::panic)]
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

    /// What a reading gave, to compare readings.
    type Summary = (
        super::super::model::LoadResult,
        Vec<(&'static str, Problem)>,
        bool,
        u64,
    );

    fn summary(o: Outcome) -> Summary {
        let r = o.rec.result("t", "f", "x", true);
        (r, o.problems, o.more, o.next_line)
    }

    /// The file `text` read by position in `chunk`-byte chunks (`None`: it must be read in
    /// order) and read in order, from byte `done` (line `first_line`).
    fn both<F: Format>(
        format: &F,
        text: &[u8],
        done: u64,
        first_line: u64,
        chunk: usize,
    ) -> (Option<Summary>, Summary) {
        use std::io::{Seek, Write};
        let mut f = tempfile::tempfile().unwrap();
        f.write_all(text).unwrap();
        let at = Start {
            first_line,
            done,
            total: text.len() as u64,
            origin: 0,
            window: super::super::record::DEFAULT_WINDOW_NS,
        };
        let positional = by_position(format, &f, &at, None, chunk)
            .unwrap()
            .map(summary);
        f.seek(std::io::SeekFrom::Start(done)).unwrap();
        (positional, summary(in_order(format, f, &at, None).unwrap()))
    }

    fn jtl_file(rows: u64, multiline: bool) -> (super::super::jtl::Jtl, Vec<u8>, u64) {
        let header = "timeStamp,elapsed,label,responseCode,responseMessage,threadName,success";
        let jtl = super::super::jtl::Jtl::header(header.as_bytes()).unwrap();
        let mut text = format!("{header}\n");
        let done = text.len() as u64;
        for i in 0..rows {
            let sep = if i % 7 == 0 { "\r\n" } else { "\n" };
            match i % 97 {
                5 => text.push_str(sep),
                // Located problems: a row short of fields, a bad number.
                17 if i < 300 => text.push_str(&format!("{},{},x,200{sep}", 1000 + i, i)),
                29 if i < 300 => {
                    text.push_str(&format!("{},{}x,a,200,OK,t,true{sep}", 1000 + i, i))
                }
                41 => text.push_str(&format!(
                    "{},{},\"quoted, {}\",500,\"Bad, \"\"very\"\" bad\",t,false{sep}",
                    1000 + i * 100,
                    i,
                    i % 3
                )),
                43 if multiline => text.push_str(&format!(
                    "{},{},a,500,\"line one\nline two\",t,false{sep}",
                    1000 + i * 100,
                    i
                )),
                // A line far longer than the small chunks.
                60 => text.push_str(&format!(
                    "{},{},label-{},200,OK,{},true{sep}",
                    1000 + i * 100,
                    i % 977,
                    i % 5,
                    "t".repeat(3000)
                )),
                _ => text.push_str(&format!(
                    "{},{},label-{},{},OK,thread {},{}{sep}",
                    1000 + i * 100,
                    i * 13 % 977,
                    i % 5,
                    if i % 11 == 0 { 500 } else { 200 },
                    "x".repeat((i % 90) as usize),
                    if i % 11 == 0 { "false" } else { "true" },
                )),
            }
        }
        // Cut short: a last row without its line end.
        text.push_str("99999999,12,label-1,200,OK,t,tr");
        (jtl, text.into_bytes(), done)
    }

    #[test]
    fn reading_by_position_equals_reading_in_order() {
        let (jtl, text, done) = jtl_file(1_200, false);
        for chunk in [7, 61, 1000, 4096, CHUNK] {
            let (positional, ordered) = both(&jtl, &text, done, 2, chunk);
            assert!(
                ordered.1.len() > 5 && ordered.1.len() < LIMIT,
                "{:?}",
                ordered.1
            );
            assert_eq!(
                positional.as_ref(),
                Some(&ordered),
                "chunks of {chunk} bytes"
            );
        }
        let mut k6 = String::new();
        for i in 0..2_000u64 {
            k6.push_str(&format!(
                "{{\"type\":\"Point\",\"data\":{{\"time\":\"2026-11-27T10:{:02}:{:02}.5Z\",\"value\":{}.25,\"tags\":{{\"name\":\"e{}\",\"status\":\"200\"}}}},\"metric\":\"http_req_duration\"}}\n",
                i / 60 % 60,
                i % 60,
                i % 300,
                i % 4
            ));
            if i == 777 {
                k6.push_str("{\"type\":\"Point\",\"data\n");
            }
        }
        let format = super::super::k6_stream::K6::default();
        for chunk in [13, 500, CHUNK] {
            let (positional, ordered) = both(&format, k6.as_bytes(), 0, 1, chunk);
            assert_eq!(ordered.1.len(), 1, "{:?}", ordered.1);
            assert_eq!(
                positional.as_ref(),
                Some(&ordered),
                "chunks of {chunk} bytes"
            );
        }
    }

    /// Random bytes heavy in what the readers look at (line ends, delimiters, quotes, braces,
    /// bytes that are not UTF-8): reading by position never panics, and it agrees with reading
    /// in order whenever the problems stay under the limit (past it, which ones are kept depends
    /// on the threads).
    #[test]
    fn random_bytes_read_alike() {
        let header = "timeStamp,elapsed,label,success\n";
        let jtl = super::super::jtl::Jtl::header(header.trim_end().as_bytes()).unwrap();
        let k6 = super::super::k6_stream::K6::default();
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let alphabet: &[u8] = b"\n\n\n,,,,\"\r0123456789.:-TZ{}[] ab\xff\xc3";
        let mut compared = 0;
        for round in 0..1000 {
            let len = (next() % 400) as usize;
            let mut text = if round % 2 == 0 {
                header.as_bytes().to_vec()
            } else {
                Vec::new()
            };
            let done = text.len() as u64;
            for _ in 0..len {
                let r = next();
                text.push(if r % 5 == 0 {
                    (r >> 8) as u8
                } else {
                    alphabet[(r >> 8) as usize % alphabet.len()]
                });
            }
            let chunk = 1 + (next() % 100) as usize;
            let (positional, ordered) = if round % 2 == 0 {
                both(&jtl, &text, done, 2, chunk)
            } else {
                both(&k6, &text, 0, 1, chunk)
            };
            if let Some(p) = positional
                && ordered.1.len() < LIMIT
                && !ordered.2
            {
                assert_eq!(p, ordered, "round {round}, chunks of {chunk} bytes");
                compared += 1;
            }
        }
        assert!(compared > 100, "only {compared} readings compared");
    }

    #[test]
    fn a_line_end_inside_quotes_is_read_in_order() {
        let (jtl, text, done) = jtl_file(400, true);
        for chunk in [61, 4096, CHUNK] {
            let (positional, ordered) = both(&jtl, &text, done, 2, chunk);
            assert_eq!(positional, None, "chunks of {chunk} bytes");
            assert_eq!(ordered.0.requests.total, 389);
        }
    }

    #[test]
    fn a_quoted_line_end_does_not_cut() {
        assert_eq!(quote_cut(b"a,\"x\ny\",b\nc,\"d"), Some(10));
    }
}
