//! zlib compression for `signing.dumps(compress=True)`.
//!
//! Django compresses every session it signs when that saves two bytes or
//! more. A general-purpose deflater (miniz keeps about 160 KB of tables it
//! must zero for every stream) spends far longer setting up than a
//! session's few hundred bytes need, so this is a small one: greedy LZ77
//! with short hash chains, then one final block in fixed or dynamic Huffman
//! codes, whichever is shorter (dynamic codes are what let zlib compress
//! high-entropy text such as hex hashes, so Django's compress-or-not
//! decision comes out the same). Any valid zlib stream is accepted by
//! Python's `zlib.decompress`, so Django reads these tokens as its own; they
//! are not byte-identical to Django's compressed tokens (no other zlib's are).

// Indexing is allowed here, and only here: every index is into a table of
// fixed size with the index masked or bounded where it is computed (hash
// heads, window positions, code lengths), and `fuzz/` round-trips any input
// through this compressor.
#![allow(clippy::indexing_slicing)]

const WINDOW: usize = 32_768;
const MIN_MATCH: usize = 3;
const MAX_MATCH: usize = 258;

/// RFC 1951 length codes 257..=285: (base length, extra bits).
const LENGTHS: [(u16, u8); 29] = [
    (3, 0),
    (4, 0),
    (5, 0),
    (6, 0),
    (7, 0),
    (8, 0),
    (9, 0),
    (10, 0),
    (11, 1),
    (13, 1),
    (15, 1),
    (17, 1),
    (19, 2),
    (23, 2),
    (27, 2),
    (31, 2),
    (35, 3),
    (43, 3),
    (51, 3),
    (59, 3),
    (67, 4),
    (83, 4),
    (99, 4),
    (115, 4),
    (131, 5),
    (163, 5),
    (195, 5),
    (227, 5),
    (258, 0),
];

/// RFC 1951 distance codes 0..=29: (base distance, extra bits).
const DISTANCES: [(u16, u8); 30] = [
    (1, 0),
    (2, 0),
    (3, 0),
    (4, 0),
    (5, 1),
    (7, 1),
    (9, 2),
    (13, 2),
    (17, 3),
    (25, 3),
    (33, 4),
    (49, 4),
    (65, 5),
    (97, 5),
    (129, 6),
    (193, 6),
    (257, 7),
    (385, 7),
    (513, 8),
    (769, 8),
    (1025, 9),
    (1537, 9),
    (2049, 10),
    (3073, 10),
    (4097, 11),
    (6145, 11),
    (8193, 12),
    (12289, 12),
    (16385, 13),
    (24577, 13),
];

/// Bits written least significant first, as deflate packs them.
struct BitWriter {
    out: Vec<u8>,
    acc: u64,
    len: u32,
}

impl BitWriter {
    fn put(&mut self, bits: u32, count: u32) {
        self.acc |= u64::from(bits) << self.len;
        self.len += count;
        while self.len >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.len -= 8;
        }
    }

    /// A Huffman code: stored most significant bit first.
    fn put_code(&mut self, code: Code) {
        if code.len > 0 {
            self.put(
                u32::from(code.bits).reverse_bits() >> (32 - u32::from(code.len)),
                u32::from(code.len),
            );
        }
    }

    fn finish(mut self) -> Vec<u8> {
        if self.len > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

/// One LZ77 step: a literal byte or a back-reference.
#[derive(Clone, Copy)]
enum Token {
    Literal(u8),
    Match { length: u16, distance: u16 },
}

/// The last table entry whose base is at most `value`.
fn code_for(table: &[(u16, u8)], value: usize) -> (usize, (u16, u8)) {
    table
        .iter()
        .enumerate()
        .rev()
        .find(|(_, (base, _))| usize::from(*base) <= value)
        .map_or((0, (1, 0)), |(i, entry)| (i, *entry))
}

fn hash(bytes: &[u8], bits: u32) -> usize {
    let v = bytes
        .iter()
        .take(3)
        .fold(0u32, |v, &b| v << 8 | u32::from(b));
    (v.wrapping_mul(0x9E37_79B1) >> (32 - bits)) as usize
}

/// Records position `pos` under its hash; returns the previous position + 1
/// with that hash (0: none).
fn insert(data: &[u8], head: &mut [u32], prev: &mut [u32], pos: usize) -> u32 {
    let bits = head.len().trailing_zeros();
    match (data.get(pos..pos + MIN_MATCH), prev.get_mut(pos)) {
        (Some(bytes), Some(slot)) => {
            // `hash` is below 1 << bits, the length of `head`.
            *slot = std::mem::replace(&mut head[hash(bytes, bits)], pos as u32 + 1);
            *slot
        }
        _ => 0,
    }
}

/// Greedy LZ77: at each position the longest match among the last
/// `CHAIN` positions with the same 3-byte hash.
fn tokens(data: &[u8]) -> Vec<Token> {
    const CHAIN: usize = 8;
    // Positions + 1 of the newest occurrence of each hash (0: none), and for
    // each position the previous one with its hash.
    // A table about the input's size: zeroing it is most of the set-up cost.
    let bits = (usize::BITS - data.len().leading_zeros()).clamp(8, 13);
    let mut head = vec![0u32; 1 << bits];
    let mut prev = vec![0u32; data.len()];
    let mut out = Vec::with_capacity(data.len());
    let mut i = 0;
    while i < data.len() {
        let (mut best_len, mut best_dist) = (0, 0);
        let mut candidate = insert(data, &mut head, &mut prev, i) as usize;
        let ahead = data.get(i..).unwrap_or_default();
        for _ in 0..CHAIN {
            if candidate == 0 || i + 1 - candidate > WINDOW {
                break;
            }
            let from = candidate - 1;
            let behind = data.get(from..).unwrap_or_default();
            let len = ahead
                .iter()
                .zip(behind)
                .take(MAX_MATCH)
                .take_while(|(a, b)| a == b)
                .count();
            if len > best_len {
                (best_len, best_dist) = (len, i - from);
            }
            candidate = prev.get(from).copied().unwrap_or(0) as usize;
        }
        if best_len >= MIN_MATCH {
            out.push(Token::Match {
                length: best_len as u16,
                distance: best_dist as u16,
            });
            for j in i + 1..i + best_len {
                insert(data, &mut head, &mut prev, j);
            }
            i += best_len;
        } else {
            out.push(Token::Literal(ahead.first().copied().unwrap_or_default()));
            i += 1;
        }
    }
    out
}

/// A canonical Huffman code for one symbol.
#[derive(Clone, Copy, Default)]
struct Code {
    bits: u16,
    len: u8,
}

/// Code lengths (at most `limit` bits) for symbol frequencies: Huffman's
/// lengths by Moffat and Katajainen's in-place method (linear after a sort
/// of the used symbols), frequencies halved until the code fits the limit.
/// At least two symbols get a code, so every code is complete.
fn code_lengths(freqs: &[u32], limit: u8) -> Vec<u8> {
    let mut used: Vec<(u32, usize)> = freqs
        .iter()
        .enumerate()
        .filter(|(_, &f)| f > 0)
        .map(|(symbol, &f)| (f, symbol))
        .collect();
    for symbol in 0..freqs.len() {
        if used.len() >= 2 {
            break;
        }
        if !used.iter().any(|&(_, s)| s == symbol) {
            used.push((1, symbol));
        }
    }
    loop {
        // A heap sort: the wasm's only sort, far smaller than `sort_unstable`.
        used = std::collections::BinaryHeap::from(used).into_sorted_vec();
        let mut depths: Vec<u32> = used.iter().map(|&(f, _)| f).collect();
        minimum_redundancy(&mut depths);
        if depths.iter().all(|&d| d <= u32::from(limit)) {
            let mut lengths = vec![0u8; freqs.len()];
            for (&(_, symbol), &depth) in used.iter().zip(&depths) {
                if let Some(slot) = lengths.get_mut(symbol) {
                    *slot = depth as u8;
                }
            }
            return lengths;
        }
        for entry in &mut used {
            entry.0 = entry.0.div_ceil(2);
        }
    }
}

/// Moffat and Katajainen, "In-place calculation of minimum-redundancy
/// codes" (1995): `a` holds weights in ascending order (at least two) and
/// ends holding each one's code length. Every index stays below `a.len()`
/// by the algorithm's invariants (root < next < n, leaf checked).
fn minimum_redundancy(a: &mut [u32]) {
    let n = a.len();
    if n < 2 {
        a.iter_mut().for_each(|d| *d = 1);
        return;
    }
    // Phase 1: internal node weights, and parents' positions.
    a[0] += a[1];
    let (mut root, mut leaf) = (0, 2);
    for next in 1..n - 1 {
        if leaf >= n || a[root] < a[leaf] {
            a[next] = a[root];
            a[root] = next as u32;
            root += 1;
        } else {
            a[next] = a[leaf];
            leaf += 1;
        }
        if leaf >= n || (root < next && a[root] < a[leaf]) {
            a[next] += a[root];
            a[root] = next as u32;
            root += 1;
        } else {
            a[next] += a[leaf];
            leaf += 1;
        }
    }
    // Phase 2: internal node depths.
    a[n - 2] = 0;
    for next in (0..n - 2).rev() {
        a[next] = a[a[next] as usize] + 1;
    }
    // Phase 3: leaf depths.
    let (mut avail, mut used, mut depth) = (1usize, 0usize, 0u32);
    let (mut root, mut next) = (n as isize - 2, n as isize - 1);
    while avail > 0 {
        while root >= 0 && a[root as usize] == depth {
            used += 1;
            root -= 1;
        }
        while avail > used {
            a[next as usize] = depth;
            next -= 1;
            avail -= 1;
        }
        avail = 2 * used;
        depth += 1;
        used = 0;
    }
}

/// RFC 1951 section 3.2.2: codes from lengths.
fn canonical(lengths: &[u8]) -> Vec<Code> {
    let mut count = [0u16; 16];
    for &l in lengths {
        count[usize::from(l.min(15))] += 1;
    }
    count[0] = 0;
    let mut next = [0u16; 16];
    let mut code = 0u16;
    for bits in 1..16 {
        code = (code + count[bits - 1]) << 1;
        next[bits] = code;
    }
    lengths
        .iter()
        .map(|&len| {
            let slot = &mut next[usize::from(len.min(15))];
            let c = Code { bits: *slot, len };
            if len > 0 {
                *slot += 1;
            }
            c
        })
        .collect()
}

/// The fixed literal/length code lengths of RFC 1951 section 3.2.6.
fn fixed_lengths() -> (Vec<u8>, Vec<u8>) {
    let litlen = (0..288).map(|s| match s {
        0..=143 => 8,
        144..=255 => 9,
        256..=279 => 7,
        _ => 8,
    });
    (litlen.collect(), vec![5; 30])
}

/// A code symbol with the value and count of its extra bits.
type Symbol = (usize, u32, u32);

/// The symbol, extra bits and their count of a token's literal/length and
/// (for matches) distance parts.
fn symbols(token: Token) -> (Symbol, Option<Symbol>) {
    match token {
        Token::Literal(b) => ((usize::from(b), 0, 0), None),
        Token::Match { length, distance } => {
            let (l, (lbase, lextra)) = code_for(&LENGTHS, usize::from(length));
            let (d, (dbase, dextra)) = code_for(&DISTANCES, usize::from(distance));
            (
                (257 + l, u32::from(length - lbase), u32::from(lextra)),
                Some((d, u32::from(distance - dbase), u32::from(dextra))),
            )
        }
    }
}

/// The code-length sequence of a dynamic header, run-length coded with
/// symbols 16 (repeat), 17 and 18 (zeros): (symbol, extra bits, count).
fn run_lengths(lengths: &[u8]) -> Vec<(u8, u32, u32)> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&len) = lengths.get(i) {
        let run = lengths
            .get(i..)
            .unwrap_or_default()
            .iter()
            .take_while(|&&l| l == len)
            .count();
        if len == 0 && run >= 11 {
            let n = run.min(138);
            out.push((18, (n - 11) as u32, 7));
            i += n;
        } else if len == 0 && run >= 3 {
            let n = run.min(10);
            out.push((17, (n - 3) as u32, 3));
            i += n;
        } else if len != 0 && run >= 4 {
            out.push((len, 0, 0));
            let n = (run - 1).min(6);
            out.push((16, (n - 3) as u32, 2));
            i += 1 + n;
        } else {
            out.push((len, 0, 0));
            i += 1;
        }
    }
    out
}

/// Order in which the code-length code's lengths are sent.
const CODE_LENGTH_ORDER: [usize; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

/// Writes one final block of `tokens` with the given code lengths.
fn write_block(
    w: &mut BitWriter,
    tokens: &[Token],
    litlen: &[u8],
    dist: &[u8],
    header: Option<&DynamicHeader>,
) {
    w.put(1, 1); // final block
    match header {
        None => w.put(1, 2),
        Some(h) => {
            w.put(2, 2);
            w.put((h.hlit - 257) as u32, 5);
            w.put((h.hdist - 1) as u32, 5);
            w.put((h.hclen - 4) as u32, 4);
            for &symbol in CODE_LENGTH_ORDER.iter().take(h.hclen) {
                w.put(u32::from(h.cl_lengths[symbol]), 3);
            }
            for &(symbol, extra, count) in &h.runs {
                w.put_code(h.cl_codes[usize::from(symbol)]);
                w.put(extra, count);
            }
        }
    }
    let (litlen, dist) = (canonical(litlen), canonical(dist));
    for &token in tokens {
        let ((l, lx, lxn), d) = symbols(token);
        w.put_code(litlen.get(l).copied().unwrap_or_default());
        w.put(lx, lxn);
        if let Some((d, dx, dxn)) = d {
            w.put_code(dist.get(d).copied().unwrap_or_default());
            w.put(dx, dxn);
        }
    }
    w.put_code(litlen.get(256).copied().unwrap_or_default());
}

/// A dynamic block's header: how many code lengths are sent, and the
/// run-length coded lengths with their own Huffman code.
struct DynamicHeader {
    hlit: usize,
    hdist: usize,
    hclen: usize,
    cl_lengths: Vec<u8>,
    cl_codes: Vec<Code>,
    runs: Vec<(u8, u32, u32)>,
}

impl DynamicHeader {
    fn new(litlen: &[u8], dist: &[u8]) -> Self {
        let hlit = 257.max(litlen.iter().rposition(|&l| l > 0).map_or(0, |p| p + 1));
        let hdist = 1.max(dist.iter().rposition(|&l| l > 0).map_or(0, |p| p + 1));
        let all: Vec<u8> = litlen
            .iter()
            .take(hlit)
            .chain(dist.iter().take(hdist))
            .copied()
            .collect();
        let runs = run_lengths(&all);
        let mut cl_freq = [0u32; 19];
        for &(symbol, ..) in &runs {
            if let Some(f) = cl_freq.get_mut(usize::from(symbol)) {
                *f += 1;
            }
        }
        let cl_lengths = code_lengths(&cl_freq, 7);
        let hclen = 4.max(
            CODE_LENGTH_ORDER
                .iter()
                .rposition(|&s| cl_lengths.get(s).is_some_and(|&l| l > 0))
                .map_or(0, |p| p + 1),
        );
        DynamicHeader {
            hlit,
            hdist,
            hclen,
            cl_codes: canonical(&cl_lengths),
            cl_lengths,
            runs,
        }
    }

    /// The bits the header takes after the block type.
    fn bits(&self) -> u64 {
        let runs: u64 = self
            .runs
            .iter()
            .map(|&(s, _, n)| {
                u64::from(
                    self.cl_lengths
                        .get(usize::from(s))
                        .copied()
                        .unwrap_or_default(),
                ) + u64::from(n)
            })
            .sum();
        14 + 3 * self.hclen as u64 + runs
    }
}

/// How often each literal/length and distance symbol occurs in a block
/// (end of block included), and the extra bits its tokens carry: enough to
/// price any code for the block without walking the tokens again.
struct Histogram {
    litlen: [u32; 286],
    dist: [u32; 30],
    /// The literal/length symbols that occur, as bits: a session uses a
    /// few dozen of the 286, so the pricing below walks only these.
    used: [u64; 5],
    matches: u64,
    extra_bits: u64,
}

impl Histogram {
    fn of(tokens: &[Token]) -> Self {
        let mut h = Histogram {
            litlen: [0; 286],
            dist: [0; 30],
            used: [0; 5],
            matches: 0,
            extra_bits: 0,
        };
        h.litlen[256] = 1;
        h.mark_used(256);
        for &token in tokens {
            let ((l, _, lxn), d) = symbols(token);
            if let Some(f) = h.litlen.get_mut(l) {
                *f += 1;
                h.mark_used(l);
            }
            h.extra_bits += u64::from(lxn);
            if let Some((d, _, dxn)) = d {
                if let Some(f) = h.dist.get_mut(d) {
                    *f += 1;
                }
                h.matches += 1;
                h.extra_bits += u64::from(dxn);
            }
        }
        h
    }

    fn mark_used(&mut self, symbol: usize) {
        if let Some(word) = self.used.get_mut(symbol / 64) {
            *word |= 1 << (symbol % 64);
        }
    }

    /// The literal/length symbols that occur, in order.
    fn used(&self) -> impl Iterator<Item = u16> + Clone + '_ {
        self.used.iter().enumerate().flat_map(|(i, &word)| {
            let mut rest = word;
            std::iter::from_fn(move || {
                (rest != 0).then(|| {
                    let bit = rest.trailing_zeros();
                    rest &= rest - 1;
                    (i * 64) as u16 + bit as u16
                })
            })
        })
    }

    fn count(&self, symbol: u16) -> u32 {
        self.litlen
            .get(usize::from(symbol))
            .copied()
            .unwrap_or_default()
    }

    /// The bits the block body takes with these code lengths.
    fn body_bits(&self, litlen: &[u8], dist: &[u8]) -> u64 {
        let priced = |freqs: &[u32], lengths: &[u8]| -> u64 {
            freqs
                .iter()
                .zip(lengths)
                .map(|(&f, &l)| u64::from(f) * u64::from(l))
                .sum()
        };
        priced(&self.litlen, litlen) + priced(&self.dist, dist) + self.extra_bits
    }

    /// The bits the block body takes in the fixed codes (RFC 1951 3.2.6).
    fn fixed_bits(&self) -> u64 {
        let length = |symbol: u16| match symbol {
            0..=143 | 280.. => 8,
            144..=255 => 9,
            256..=279 => 7,
        };
        let literals_and_lengths: u64 = self
            .used()
            .map(|s| u64::from(self.count(s)) * length(s))
            .sum();
        literals_and_lengths + 5 * self.matches + self.extra_bits
    }

    /// A lower bound on the dynamic block's size (header and body) that
    /// costs no code construction. No prefix code spends fewer bits on a
    /// sequence of symbols than the entropy of their counts (Gibbs'
    /// inequality), and merging symbols only lowers that entropy. So:
    /// - the body: the entropy of the literal/length and distance counts,
    ///   plus the extra bits;
    /// - the header: its 26 fixed bits, then the code-length sequence of the
    ///   literal/length code, up to the last used symbol (HLIT). Its runs of
    ///   unused symbols are coded exactly as [`run_lengths`] does (zeros,
    ///   code 17 or 18 with their extra bits); each run of used symbols
    ///   takes at least one entry per 7 (a length, then code 16 repeats it
    ///   at most 6 times), counted as one merged symbol since their lengths
    ///   are not known yet.
    ///
    /// Used only with input (a literal besides end of block), so the used
    /// symbols are exactly those the code gives a length to.
    fn dynamic_bits_at_least(&self) -> u64 {
        fn entropy_bits(counts: impl Iterator<Item = u32> + Clone) -> f64 {
            let total = counts.clone().map(u64::from).sum::<u64>() as f64;
            counts
                .filter(|&c| c > 0)
                .map(|c| f64::from(c) * log2_at_most(total / f64::from(c)))
                .sum()
        }
        // Code-length entries: single zeros, code 17, code 18, lengths.
        let mut entries = [0u32; 4];
        let mut header_bits = 26u64;
        let mut zero_run = |mut zeros: usize, entries: &mut [u32; 4]| {
            while zeros > 0 {
                if zeros >= 11 {
                    (entries[2], header_bits) = (entries[2] + 1, header_bits + 7);
                    zeros -= zeros.min(138);
                } else if zeros >= 3 {
                    (entries[1], header_bits) = (entries[1] + 1, header_bits + 3);
                    zeros = 0;
                } else {
                    entries[0] += zeros as u32;
                    zeros = 0;
                }
            }
        };
        // `used` is in order: the gaps between used symbols are the runs of zeros.
        let (mut next, mut used_run) = (0, 0u32);
        for symbol in self.used() {
            let zeros = usize::from(symbol).saturating_sub(next);
            if zeros > 0 {
                entries[3] += used_run.div_ceil(7);
                used_run = 0;
                zero_run(zeros, &mut entries);
            }
            used_run += 1;
            next = usize::from(symbol) + 1;
        }
        entries[3] += used_run.div_ceil(7);
        let coded = entropy_bits(entries.iter().copied())
            + entropy_bits(self.used().map(|s| self.count(s)))
            + entropy_bits(self.dist.iter().copied());
        // Rounded down, with room for the floating-point error.
        header_bits + (coded * (1.0 - 1e-9)).floor() as u64 + self.extra_bits
    }
}

/// A lower bound on `log2(x)` for finite `x >= 1`, within 0.09 of it: the
/// exponent plus `m - 1` for the mantissa `m` in [1, 2) (the chord under the
/// concave `log2 m`). Cheaper than `log2`, and a bound is all that is needed.
fn log2_at_most(x: f64) -> f64 {
    const MANTISSA: u64 = (1 << 52) - 1;
    let bits = x.to_bits();
    let exponent = (bits >> 52) as i64 - 1023; // x >= 1: sign bit clear
    let mantissa = f64::from_bits(bits & MANTISSA | 1023 << 52);
    exponent as f64 + (mantissa - 1.0)
}

/// `zlib.compress(data)`'s format: a zlib stream of `data`.
pub fn zlib_compress(data: &[u8]) -> Vec<u8> {
    zlib_compress_within(data, usize::MAX).unwrap_or_default()
}

/// The stream [`zlib_compress`] makes, if it is at most `max_len` bytes
/// (Django keeps a compressed payload only when it saves 2 bytes); `None`
/// otherwise, decided from the block's exact size before it is written.
pub fn zlib_compress_within(data: &[u8], max_len: usize) -> Option<Vec<u8>> {
    // zlib header and Adler-32 (6 bytes), block header (3 bits), padding.
    let bytes_of = |bits: u64| (bits + 3).div_ceil(8) + 6;
    let limit = max_len as u64;
    // Every block costs at least 6 + 1 bytes: nothing shorter can win.
    if limit < 7 {
        return None;
    }
    let tokens = tokens(data);
    let histogram = Histogram::of(&tokens);
    let fixed_cost = histogram.fixed_bits();
    let fixed = |w: &mut BitWriter| {
        let (litlen, dist) = fixed_lengths();
        write_block(w, &tokens, &litlen, &dist, None)
    };
    // Small inputs that fixed codes already shrink by a quarter skip the
    // dynamic code: it could shave a little more, at the cost of building it.
    if data.len() < 1024 && (fixed_cost / 8 + 8) * 4 <= data.len() as u64 * 3 {
        return (bytes_of(fixed_cost) <= limit).then(|| stream(data, fixed));
    }
    // Building the dynamic code costs more than the rest of a small
    // session's encoding; most sessions are too short for it to win.
    if bytes_of(fixed_cost.min(histogram.dynamic_bits_at_least())) > limit {
        return None;
    }
    let litlen = code_lengths(&histogram.litlen, 15);
    let dist = code_lengths(&histogram.dist, 15);
    let header = DynamicHeader::new(&litlen, &dist);
    let dynamic_cost = header.bits() + histogram.body_bits(&litlen, &dist);
    if bytes_of(dynamic_cost.min(fixed_cost)) > limit {
        return None;
    }
    Some(if dynamic_cost < fixed_cost {
        stream(data, |w| {
            write_block(w, &tokens, &litlen, &dist, Some(&header))
        })
    } else {
        stream(data, fixed)
    })
}

/// The zlib framing around one deflate block written by `block`.
fn stream(data: &[u8], block: impl FnOnce(&mut BitWriter)) -> Vec<u8> {
    let mut w = BitWriter {
        out: Vec::with_capacity(data.len() / 2 + 16),
        acc: 0,
        len: 0,
    };
    w.out.extend_from_slice(&[0x78, 0x9C]); // deflate, 32 KB window, default level
    block(&mut w);
    let mut out = w.finish();
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    // 5552 bytes is the most that can be summed before `b` could overflow.
    for chunk in data.chunks(5552) {
        for &byte in chunk {
            a += u32::from(byte);
            b += a;
        }
        a %= 65_521;
        b %= 65_521;
    }
    b << 16 | a
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(data: &[u8]) -> Vec<u8> {
        let compressed = zlib_compress(data);
        let inflated =
            miniz_oxide::inflate::decompress_to_vec_zlib(&compressed).expect("valid zlib");
        assert_eq!(inflated, data);
        compressed
    }

    #[test]
    fn streams_inflate_to_their_input() {
        round_trip(b"");
        round_trip(b"a");
        round_trip(b"abcabcabcabcabcabcabcabcabc");
        round_trip(&[0u8; 100_000]); // long runs: many maximal matches
        let json: String = (0..500)
            .map(|i| format!("{{\"item\":{i},\"name\":\"product {}\"}},", i % 7))
            .collect();
        let compressed = round_trip(json.as_bytes());
        assert!(
            compressed.len() * 3 < json.len(),
            "{} of {}",
            compressed.len(),
            json.len()
        );
        // Bytes of every value, pseudo-random: literals of 8 and 9 bits, few matches.
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let noise: Vec<u8> = (0..70_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 24) as u8
            })
            .collect();
        round_trip(&noise);
        // Distances past the window must not be used.
        let mut far = noise[..40_000].to_vec();
        far.extend_from_slice(&noise[..1000]);
        round_trip(&far);
    }

    #[test]
    fn hex_compresses_without_repeats() {
        // 300 hex digits: no 3-byte repeats to speak of, 4 bits of entropy
        // each. Only a dynamic Huffman code gets this under its length, as
        // zlib does.
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let hex: Vec<u8> = (0..300)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                b"0123456789abcdef"[(x >> 60) as usize]
            })
            .collect();
        let n = round_trip(&hex).len();
        assert!(n < 200, "{n}");
    }

    #[test]
    fn fixed_cost_is_exact_and_dynamic_bound_never_exceeds_the_cost() {
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        let mut tightness = Vec::new();
        for len in 1..400 {
            // Alphabets from 1 symbol to all 256: skewed, uniform, with repeats.
            let alphabet = 1 + next(255);
            let data: Vec<u8> = (0..len)
                .map(|_| (next(alphabet) as u8).wrapping_mul(1 + next(2) as u8))
                .collect();
            let tokens = tokens(&data);
            let histogram = Histogram::of(&tokens);
            let (litlen, dist) = (
                code_lengths(&histogram.litlen, 15),
                code_lengths(&histogram.dist, 15),
            );
            let exact =
                DynamicHeader::new(&litlen, &dist).bits() + histogram.body_bits(&litlen, &dist);
            let (fixed_litlen, fixed_dist) = fixed_lengths();
            assert_eq!(
                histogram.fixed_bits(),
                histogram.body_bits(&fixed_litlen, &fixed_dist)
            );
            let bound = histogram.dynamic_bits_at_least();
            assert!(bound <= exact, "len {len}: bound {bound} > {exact}");
            // Not vacuous: the bound is within a third of the real cost.
            if len >= 50 {
                tightness.push(bound as f64 / exact as f64);
            }
        }
        // Not vacuous: on average the bound is most of the real cost.
        let mean = tightness.iter().sum::<f64>() / tightness.len() as f64;
        assert!(
            tightness.len() == 350 && mean > 0.7,
            "mean tightness {mean}"
        );
    }

    #[test]
    fn log2_at_most_is_a_close_lower_bound() {
        for x in (0..100_000)
            .map(|i| 1.0 + f64::from(i) * 0.037)
            .chain([1.0, 2.0, 1e300])
        {
            let (bound, exact) = (log2_at_most(x), x.log2());
            assert!(
                bound <= exact && exact - bound < 0.09,
                "{x}: {bound} vs {exact}"
            );
        }
    }

    #[test]
    fn adler32_matches_zlib() {
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        assert_eq!(adler32(b""), 1);
    }
}
