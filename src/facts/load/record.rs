//! A [`Recorder`] of HDR histograms: what the readers of raw streams (k6 NDJSON, JMeter JTL,
//! vegeta results) fill, one sample at a time. It keeps the whole test, each endpoint and each
//! fixed time window, in constant memory whatever the number of samples: a histogram at 3
//! significant digits from 1 ns up (so sub-millisecond latencies keep their 3 digits too), kept
//! as the plain counts of HDR's buckets between the fastest and the slowest sample (one increment
//! a sample). Recorders of different blocks (or files) merge exactly: histograms add, they are
//! never averaged.
//!
//! Minimum, maximum and mean are kept exactly beside each histogram; percentiles come from the
//! histogram, at 3 significant digits.

use super::model::{Endpoint, Latency, LoadResult, Requests, Window};
use hdrhistogram::{Counter, Histogram};
use std::collections::HashMap;

/// Endpoints kept by name; beyond this, samples count in `(other endpoints)` (a label per URL
/// would otherwise grow without bound).
pub const MAX_ENDPOINTS: usize = 1000;
/// Windows kept; beyond this the samples span too long a time for the window length.
pub const MAX_WINDOWS: usize = 20_000;
/// The endpoint that takes samples beyond [`MAX_ENDPOINTS`].
pub const OTHER: &str = "(other endpoints)";

/// Default window length: 30 s.
pub const DEFAULT_WINDOW_NS: i64 = 30_000_000_000;

/// The counts of HDR's buckets at 3 significant digits from 1 ns (`Histogram::new_with_bounds(1,
/// …, 3)`: 2,048 sub-buckets, half of them in each bucket past the first), kept as a plain
/// array indexed as HDR indexes it, so that recording is one increment and adding two arrays
/// one vectorised pass. [`Stats::latency`] hands the counts to an `hdrhistogram::Histogram`
/// of that configuration, whose counts they then are exactly.
const SUB_HALF_MAGNITUDE: u32 = 10;
const SUB_HALF: usize = 1 << SUB_HALF_MAGNITUDE;
const SUB_MASK: u64 = (2 * SUB_HALF as u64) - 1;
/// 64 − unit magnitude (0) − sub-bucket half-count magnitude (10) − 1.
const LEADING_ZERO_BASE: u32 = 53;

/// HDR's counts index of `v`.
#[inline]
pub fn bucket_index(v: u64) -> usize {
    let bucket = LEADING_ZERO_BASE - (v | SUB_MASK).leading_zeros();
    let sub = (v >> bucket) as usize;
    (((bucket as usize) + 1) << SUB_HALF_MAGNITUDE) + sub - SUB_HALF
}

/// The lowest value HDR counts at `index`.
pub fn bucket_value(index: usize) -> u64 {
    let bucket = (index >> SUB_HALF_MAGNITUDE) as i64 - 1;
    let sub = (index & (SUB_HALF - 1)) as u64 + SUB_HALF as u64;
    if bucket < 0 {
        sub - SUB_HALF as u64
    } else {
        sub << bucket
    }
}

#[allow(clippy::expect_used)]
fn histogram<T: Counter>() -> Histogram<T> {
    // 1 ns lowest discernible value, 3 significant digits, grows with the largest value. The
    // bounds are constants that hdrhistogram accepts.
    let mut h = Histogram::new_with_bounds(1, 2_048, 3).expect("valid constant bounds");
    h.auto(true);
    h
}

/// A bucket count: `u64` for a file's whole and its endpoints, `u32` for its many windows.
pub trait Count: Copy + Default + Eq + Counter + Send + Sync + std::fmt::Debug {
    fn inc(&mut self);
    fn add(&mut self, other: Self);
}

impl Count for u32 {
    #[inline]
    fn inc(&mut self) {
        *self = self.saturating_add(1);
    }
    #[inline]
    fn add(&mut self, other: Self) {
        *self = self.saturating_add(other);
    }
}

impl Count for u64 {
    // 2^64 samples are out of reach: plain adds, which vectorise.
    #[inline]
    fn inc(&mut self) {
        *self = self.wrapping_add(1);
    }
    #[inline]
    fn add(&mut self, other: Self) {
        *self = self.wrapping_add(other);
    }
}

/// Counts and latency of one set of requests.
#[derive(Clone, Debug)]
pub struct Stats<T: Count> {
    pub total: u64,
    /// Failed as the sample itself says (JTL `success`, a status, vegeta's `code`/`error`).
    pub failed: u64,
    /// Failed as k6's `http_req_failed` metric says (used when the file has that metric).
    pub failed_flag: u64,
    pub timeouts: u64,
    sum: u128,
    min: u64,
    max: u64,
    /// Latency samples recorded (`total` less nothing: every sample has a latency).
    samples: u64,
    /// HDR's bucket counts from index `base` (the start of the smallest sample's bucket) to
    /// the end of the largest sample's: a block's stats zero only the range its samples span.
    base: usize,
    counts: Vec<T>,
}

impl<T: Count> Default for Stats<T> {
    fn default() -> Self {
        Stats {
            total: 0,
            failed: 0,
            failed_flag: 0,
            timeouts: 0,
            sum: 0,
            min: u64::MAX,
            max: 0,
            samples: 0,
            base: 0,
            counts: Vec::new(),
        }
    }
}

impl<T: Count> Stats<T> {
    #[inline(always)]
    fn sample(&mut self, ns: u64, failed: bool, timeout: bool) {
        self.total += 1;
        self.samples += 1;
        self.failed += u64::from(failed);
        self.timeouts += u64::from(timeout);
        self.sum += u128::from(ns);
        self.min = self.min.min(ns);
        self.max = self.max.max(ns);
        let i = bucket_index(ns);
        match self.counts.get_mut(i.wrapping_sub(self.base)) {
            Some(c) => c.inc(),
            None => self.grow_and_count(i),
        }
    }

    #[cold]
    fn grow_and_count(&mut self, i: usize) {
        self.cover(i, i + 1);
        if let Some(c) = self.counts.get_mut(i - self.base) {
            c.inc();
        }
    }

    /// Makes the counts hold indexes `lo..hi`, whole HDR buckets at a time so that it is rare.
    fn cover(&mut self, lo: usize, hi: usize) {
        let lo = lo & !(SUB_HALF - 1);
        let hi = (hi - 1) | (SUB_HALF - 1);
        if self.counts.is_empty() {
            self.base = lo;
        } else if lo < self.base {
            let mut grown = vec![T::default(); self.base - lo];
            grown.extend_from_slice(&self.counts);
            self.counts = grown;
            self.base = lo;
        }
        if self.base + self.counts.len() <= hi {
            self.counts.resize(hi + 1 - self.base, T::default());
        }
    }

    fn merge<U: Count + Into<T>>(&mut self, other: &Stats<U>) {
        self.total += other.total;
        self.samples += other.samples;
        self.failed += other.failed;
        self.failed_flag += other.failed_flag;
        self.timeouts += other.timeouts;
        self.sum += other.sum;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        if other.samples == 0 {
            return;
        }
        // Only the buckets between the smallest and the largest sample can hold counts.
        let (lo, hi) = (bucket_index(other.min), bucket_index(other.max));
        self.cover(lo, hi + 1);
        if let (Some(mine), Some(theirs)) = (
            self.counts.get_mut(lo - self.base..=hi - self.base),
            other
                .counts
                .get(lo.wrapping_sub(other.base)..=hi.wrapping_sub(other.base)),
        ) {
            for (m, t) in mine.iter_mut().zip(theirs) {
                m.add((*t).into());
            }
        }
    }

    /// The counts as an HDR histogram of the configuration they are the buckets of.
    fn hist(&self) -> Histogram<u64> {
        let mut h = histogram::<u64>();
        for (i, c) in self.counts.iter().enumerate() {
            let c = c.as_u64();
            if c > 0 {
                // Counts come from values HDR can hold: recording one never fails.
                let _ = h.record_n(bucket_value(self.base + i), c);
            }
        }
        h
    }

    /// Latency samples recorded.
    pub fn samples(&self) -> u64 {
        self.samples
    }

    pub fn latency(&self) -> Latency {
        let n = self.samples;
        if n == 0 {
            return Latency::default();
        }
        let hist = self.hist();
        // The middle of the quantile's bucket (within half a bucket, < 0.05%, of every value in
        // it), rounded to 3 significant digits: a latency written with 3 digits comes back as
        // written. Kept between the exact minimum and maximum.
        let q = |q: f64| {
            let v = hist.median_equivalent(hist.value_at_quantile(q));
            Some(round3(v).clamp(self.min, self.max) as f64)
        };
        Latency {
            min: Some(self.min as f64),
            mean: Some((self.sum / u128::from(n)) as f64),
            p50: q(0.5),
            p90: q(0.9),
            p95: q(0.95),
            p99: q(0.99),
            p999: q(0.999),
            max: Some(self.max as f64),
        }
    }

    fn requests(&self, by_flag: bool, timeouts: bool) -> Requests {
        Requests {
            total: self.total,
            failed: if by_flag {
                self.failed_flag
            } else {
                self.failed
            },
            dropped: None,
            timeouts: timeouts.then_some(self.timeouts),
        }
    }
}

/// `v` rounded to 3 significant digits (the histogram's precision).
pub fn round3(v: u64) -> u64 {
    let mut p = 1u64;
    while v / p >= 1000 {
        p *= 10;
    }
    if p == 1 {
        return v;
    }
    (v / p + u64::from(v % p >= p / 2)).saturating_mul(p)
}

/// What the readers of raw streams fill.
#[derive(Clone, Debug)]
pub struct Recorder {
    /// Start of window 0, nanoseconds since the Unix epoch.
    origin: i64,
    window: i64,
    /// Samples without an endpoint. The whole is these and every endpoint's ([`Recorder::all`]):
    /// a sample is recorded twice (its endpoint, its window), not three times.
    unnamed: Stats<u64>,
    endpoints: Vec<(Box<[u8]>, Stats<u64>)>,
    index: HashMap<Box<[u8]>, usize>,
    last_endpoint: usize,
    windows: Vec<(i64, Stats<u32>)>,
    window_index: HashMap<i64, usize>,
    last_window: usize,
    /// The times (ns since the epoch, end excluded) the last window covers: most samples fall
    /// in it, and are placed without a division.
    last_span: (i64, i64),
    /// Earliest start and latest end of a sample, ns since the epoch.
    first_start: i64,
    last_end: i64,
    pub dropped: u64,
    pub saw_dropped: bool,
    /// The file has k6's `http_req_failed` metric: failures are counted from it.
    pub saw_flag: bool,
    /// Samples that cannot say whether they failed (a k6 point without a `status` tag): the
    /// file's failures are then unknown unless it has `http_req_failed`.
    pub unknown_status: u64,
    pub endpoints_overflow: bool,
    pub windows_overflow: bool,
}

impl Recorder {
    /// A recorder whose windows of `window` ns start at `origin` (ns since the epoch).
    pub fn new(origin: i64, window: i64) -> Recorder {
        Recorder {
            origin,
            window: window.max(1_000_000),
            unnamed: Stats::default(),
            endpoints: Vec::new(),
            index: HashMap::new(),
            last_endpoint: usize::MAX,
            windows: Vec::new(),
            window_index: HashMap::new(),
            last_window: usize::MAX,
            last_span: (0, 0),
            first_start: i64::MAX,
            last_end: i64::MIN,
            dropped: 0,
            saw_dropped: false,
            saw_flag: false,
            unknown_status: 0,
            endpoints_overflow: false,
            windows_overflow: false,
        }
    }

    /// The whole: the samples without an endpoint and every endpoint's.
    pub fn all(&self) -> Stats<u64> {
        let mut all = self.unnamed.clone();
        for (_, s) in &self.endpoints {
            all.merge(s);
        }
        all
    }

    /// Latency samples recorded.
    pub fn samples(&self) -> u64 {
        self.unnamed.samples() + self.endpoints.iter().map(|(_, s)| s.samples()).sum::<u64>()
    }

    /// The index of the endpoint named `name` (not empty).
    #[inline]
    fn endpoint(&mut self, name: &[u8]) -> usize {
        if let Some((n, _)) = self.endpoints.get(self.last_endpoint)
            && **n == *name
        {
            return self.last_endpoint;
        }
        self.find_endpoint(name)
    }

    #[inline(never)]
    fn find_endpoint(&mut self, name: &[u8]) -> usize {
        // A handful of endpoints (the common case) is found faster by comparing than by hashing.
        let found = if self.endpoints.len() <= 16 {
            self.endpoints.iter().position(|(n, _)| **n == *name)
        } else {
            self.index.get(name).copied()
        };
        let i = match found {
            Some(i) => i,
            None => {
                let key: &[u8] = if self.endpoints.len() >= MAX_ENDPOINTS {
                    self.endpoints_overflow = true;
                    OTHER.as_bytes()
                } else {
                    name
                };
                match self.index.get(key) {
                    Some(i) => *i,
                    None => {
                        let i = self.endpoints.len();
                        self.endpoints.push((key.into(), Stats::default()));
                        self.index.insert(key.into(), i);
                        i
                    }
                }
            }
        };
        self.last_endpoint = i;
        i
    }

    fn window_of(&mut self, end: i64) -> Option<usize> {
        if self.last_span.0 <= end && end < self.last_span.1 {
            return Some(self.last_window);
        }
        let key = (end.saturating_sub(self.origin)).div_euclid(self.window);
        if let Some((k, _)) = self.windows.get(self.last_window)
            && *k == key
        {
            return Some(self.last_window);
        }
        let i = match self.window_index.get(&key) {
            Some(i) => *i,
            None => {
                if self.windows.len() >= MAX_WINDOWS {
                    self.windows_overflow = true;
                    return None;
                }
                let i = self.windows.len();
                self.windows.push((key, Stats::default()));
                self.window_index.insert(key, i);
                i
            }
        };
        self.last_window = i;
        // Where nothing saturates; else an empty span, and the key decides each time.
        self.last_span = key
            .checked_mul(self.window)
            .and_then(|k| self.origin.checked_add(k))
            .and_then(|lo| Some((lo, lo.checked_add(self.window)?)))
            .filter(|_| end.checked_sub(self.origin).is_some())
            .unwrap_or((0, 0));
        Some(i)
    }

    /// One request: its latency, when it started and ended (ns since the epoch, when the file
    /// says), its endpoint (empty for none), whether it failed or timed out.
    #[inline(always)]
    pub fn sample(
        &mut self,
        latency_ns: u64,
        times: Option<(i64, i64)>,
        endpoint: &[u8],
        failed: bool,
        timeout: bool,
    ) {
        let stats = if endpoint.is_empty() {
            None
        } else {
            let i = self.endpoint(endpoint);
            self.endpoints.get_mut(i).map(|(_, s)| s)
        };
        stats
            .unwrap_or(&mut self.unnamed)
            .sample(latency_ns, failed, timeout);
        if let Some((start, end)) = times {
            self.first_start = self.first_start.min(start);
            self.last_end = self.last_end.max(end);
            if let Some(i) = self.window_of(end)
                && let Some((_, w)) = self.windows.get_mut(i)
            {
                w.sample(latency_ns, failed, timeout);
            }
        }
    }

    /// A failure flag of k6's `http_req_failed` (value 1 at `end`).
    pub fn flag_failed(&mut self, end: Option<i64>, endpoint: &[u8]) {
        let stats = if endpoint.is_empty() {
            None
        } else {
            let i = self.endpoint(endpoint);
            self.endpoints.get_mut(i).map(|(_, s)| s)
        };
        stats.unwrap_or(&mut self.unnamed).failed_flag += 1;
        if let Some(end) = end
            && let Some(i) = self.window_of(end)
            && let Some((_, w)) = self.windows.get_mut(i)
        {
            w.failed_flag += 1;
        }
    }

    /// Windows this recorder holds.
    pub fn window_count(&self) -> usize {
        self.windows.len()
    }

    /// Moves this recorder's windows out, into a recorder of their own (to be merged into
    /// another), so that a reader's recorder holds only the windows it is still filling.
    pub fn take_windows(&mut self) -> Recorder {
        let mut out = Recorder::new(self.origin, self.window);
        out.windows = std::mem::take(&mut self.windows);
        out.window_index = std::mem::take(&mut self.window_index);
        out.windows_overflow = self.windows_overflow;
        self.last_window = usize::MAX;
        self.last_span = (0, 0);
        out
    }

    /// Adds another recorder (of the same origin and window length) to this one.
    pub fn merge(&mut self, other: &Recorder) {
        self.unnamed.merge(&other.unnamed);
        for (name, s) in &other.endpoints {
            let i = self.endpoint(name);
            if let Some((_, mine)) = self.endpoints.get_mut(i) {
                mine.merge(s);
            }
        }
        for (key, s) in &other.windows {
            let i = match self.window_index.get(key) {
                Some(i) => Some(*i),
                None if self.windows.len() < MAX_WINDOWS => {
                    let i = self.windows.len();
                    self.windows.push((*key, Stats::default()));
                    self.window_index.insert(*key, i);
                    Some(i)
                }
                None => {
                    self.windows_overflow = true;
                    None
                }
            };
            if let Some((_, mine)) = i.and_then(|i| self.windows.get_mut(i)) {
                mine.merge(s);
            }
        }
        self.first_start = self.first_start.min(other.first_start);
        self.last_end = self.last_end.max(other.last_end);
        self.dropped += other.dropped;
        self.saw_dropped |= other.saw_dropped;
        self.saw_flag |= other.saw_flag;
        self.unknown_status += other.unknown_status;
        self.endpoints_overflow |= other.endpoints_overflow;
        self.windows_overflow |= other.windows_overflow;
    }

    /// Decides how failures count once a file is read: by k6's `http_req_failed` when the file
    /// has that metric, else by each sample. Call before merging recorders of different files.
    pub fn settle(&mut self) {
        if !self.saw_flag {
            return;
        }
        fn by_flag<T: Count>(s: &mut Stats<T>) {
            s.failed = s.failed_flag;
            s.failed_flag = 0;
        }
        by_flag(&mut self.unnamed);
        self.endpoints.iter_mut().for_each(|(_, s)| by_flag(s));
        self.windows.iter_mut().for_each(|(_, s)| by_flag(s));
        self.saw_flag = false;
    }

    /// Earliest start, ns since the epoch.
    pub fn started(&self) -> Option<i64> {
        (self.first_start <= self.last_end).then_some(self.first_start)
    }

    /// Latest end, ns since the epoch.
    pub fn ended(&self) -> Option<i64> {
        (self.first_start <= self.last_end).then_some(self.last_end)
    }

    /// The result of what was recorded. `timeouts` says whether the format marks timeouts.
    pub fn result(&self, tool: &str, file: &str, format: &str, timeouts: bool) -> LoadResult {
        let by_flag = self.saw_flag;
        let all = self.all();
        let mut requests = all.requests(by_flag, timeouts);
        requests.dropped = self.saw_dropped.then_some(self.dropped);
        let duration = match (self.started(), self.ended()) {
            (Some(s), Some(e)) => Some(e.saturating_sub(s) as f64),
            _ => None,
        };
        let achieved_rate = duration
            .filter(|d| *d > 0.0)
            .map(|d| all.total as f64 / (d / 1e9));
        let mut endpoints: Vec<Endpoint> = self
            .endpoints
            .iter()
            .map(|(name, s)| Endpoint {
                name: String::from_utf8_lossy(name).into_owned(),
                requests: s.requests(by_flag, timeouts),
                latency: s.latency(),
            })
            .collect();
        endpoints.sort_by(|a, b| a.name.cmp(&b.name));
        LoadResult {
            tool: tool.into(),
            file: file.into(),
            format: format.into(),
            started_ms: self.started().map(|s| s.div_euclid(1_000_000)),
            duration,
            achieved_rate,
            requests,
            latency: all.latency(),
            endpoints,
            windows: self.windows(by_flag, timeouts),
            samples: all.samples(),
            ..LoadResult::default()
        }
    }

    /// The windows from the first to the last that saw a request, gaps included (a window in
    /// which nothing ended is a fact too).
    fn windows(&self, by_flag: bool, timeouts: bool) -> Vec<Window> {
        let (Some(lo), Some(hi)) = (
            self.windows.iter().map(|(k, _)| *k).min(),
            self.windows.iter().map(|(k, _)| *k).max(),
        ) else {
            return Vec::new();
        };
        let span = usize::try_from(hi.saturating_sub(lo)).unwrap_or(usize::MAX);
        let keys: Vec<i64> = if span < MAX_WINDOWS {
            (lo..=hi).collect()
        } else {
            let mut k: Vec<i64> = self.windows.iter().map(|(k, _)| *k).collect();
            k.sort_unstable();
            k
        };
        keys.into_iter()
            .map(|k| {
                let start_ns = self.origin.saturating_add(k.saturating_mul(self.window));
                let mut w = Window {
                    start_ms: start_ns.div_euclid(1_000_000),
                    length: self.window as f64,
                    ..Window::default()
                };
                if let Some((_, s)) = self.window_index.get(&k).and_then(|i| self.windows.get(*i)) {
                    w.requests = s.requests(by_flag, timeouts);
                    w.latency = s.latency();
                } else if timeouts {
                    w.requests.timeouts = Some(0);
                }
                w
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_hdrs() {
        let mut h = histogram::<u64>();
        let mut v = 0u64;
        while v < u64::MAX / 3 {
            for x in [v, v + 1, v.saturating_sub(1), v | 1023, v | 2047] {
                let i = bucket_index(x);
                assert_eq!(bucket_value(i), h.lowest_equivalent(x), "{x}");
                assert_eq!(bucket_index(bucket_value(i)), i, "{x}");
                if x < 1 << 50 {
                    let _ = h.record(x);
                    assert_eq!(h.count_at(bucket_value(i)), h.count_at(x));
                }
            }
            v = v / 4 * 5 + 7;
        }
    }

    #[test]
    fn the_order_of_samples_does_not_matter() {
        let values: Vec<u64> = (0..5_000u64)
            .map(|i| (i * 7919) % 100_003 * 997 + i % 3)
            .collect();
        let mut up = Stats::<u32>::default();
        let mut down = Stats::<u32>::default();
        let mut halves = (Stats::<u64>::default(), Stats::<u32>::default());
        for (k, v) in values.iter().enumerate() {
            up.sample(*v, false, false);
            if k % 2 == 0 {
                halves.0.sample(*v, false, false);
            } else {
                halves.1.sample(*v, false, false);
            }
        }
        for v in values.iter().rev() {
            down.sample(*v, false, false);
        }
        halves.0.merge(&halves.1);
        assert_eq!(up.latency(), down.latency());
        assert_eq!(up.latency(), halves.0.latency());
        let mut h = histogram::<u64>();
        values.iter().for_each(|v| {
            let _ = h.record(*v);
        });
        assert_eq!(up.hist(), h);
    }

    #[test]
    fn rounding_keeps_three_significant_digits() {
        assert_eq!(round3(999), 999);
        assert_eq!(round3(120_063_000), 120_000_000);
        assert_eq!(round3(1_234_900_000), 1_230_000_000);
        assert_eq!(round3(1_235_000), 1_240_000);
    }

    #[test]
    fn merged_recorders_equal_one_recorder() {
        let mut one = Recorder::new(0, DEFAULT_WINDOW_NS);
        let mut a = Recorder::new(0, DEFAULT_WINDOW_NS);
        let mut b = Recorder::new(0, DEFAULT_WINDOW_NS);
        for i in 0..10_000u64 {
            let ns = (i % 977 + 1) * 1_000_000;
            let t = i64::try_from(i).unwrap_or(0) * 10_000_000;
            let ep: &[u8] = if i % 3 == 0 { b"a" } else { b"b" };
            one.sample(ns, Some((t, t + 1)), ep, i % 10 == 0, false);
            let r = if i % 2 == 0 { &mut a } else { &mut b };
            r.sample(ns, Some((t, t + 1)), ep, i % 10 == 0, false);
        }
        a.merge(&b);
        let x = one.result("jmeter", "f", "jtl-csv", true);
        let y = a.result("jmeter", "f", "jtl-csv", true);
        assert_eq!(x, y);
        assert_eq!(x.requests.total, 10_000);
        assert_eq!(x.requests.failed, 1_000);
        assert_eq!(x.windows.len(), 4);
        assert_eq!(x.endpoints.len(), 2);
        assert_eq!(x.latency.max, Some(977e6));
        // 1..=230 ms eleven times each (2,530 samples), 231..=977 ms ten times: the 5,000th
        // sample is 230 + 247 = 477 ms.
        assert_eq!(x.latency.p50, Some(477e6));
    }

    #[test]
    fn too_many_endpoints_share_one() {
        let mut r = Recorder::new(0, DEFAULT_WINDOW_NS);
        for i in 0..(MAX_ENDPOINTS + 5) {
            r.sample(1_000, None, format!("/item/{i}").as_bytes(), false, false);
        }
        let res = r.result("jmeter", "f", "jtl-csv", false);
        assert!(r.endpoints_overflow);
        assert_eq!(res.endpoints.len(), MAX_ENDPOINTS + 1);
        assert!(
            res.endpoints
                .iter()
                .any(|e| e.name == OTHER && e.requests.total == 5)
        );
    }
}
