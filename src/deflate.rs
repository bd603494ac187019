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
/// Literal/length and distance symbols a block can use.
const LITLEN: usize = 286;
const DIST: usize = 30;

/// RFC 1951 length codes 257..=285: base length and extra bits (inflate.rs
/// reads with the same tables).
pub(crate) const LENGTH_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
pub(crate) const LENGTH_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
/// RFC 1951 distance codes 0..=29: base distance and extra bits.
pub(crate) const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
pub(crate) const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];

/// The last entry of `bases` that is at most `value`.
const fn last_at_most(bases: &[u16], value: usize) -> u8 {
    let mut i = bases.len() - 1;
    while bases[i] as usize > value {
        i -= 1;
    }
    i as u8
}

/// The length code (0..=28, symbol 257 + code) of each match length - 3.
static LENGTH_CODE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = last_at_most(&LENGTH_BASE, i + 3);
        i += 1;
    }
    table
};

/// The distance code of distance d: entry d - 1 for d <= 256, entry
/// 256 + (d - 1) / 128 beyond (zlib's `_dist_code` split: above 256 the
/// codes change only every 128).
static DIST_CODE: [u8; 512] = {
    let mut table = [0u8; 512];
    let mut i = 0;
    while i < 256 {
        table[i] = last_at_most(&DIST_BASE, i + 1);
        table[256 + i] = last_at_most(&DIST_BASE, i * 128 + 1);
        i += 1;
    }
    table
};

fn dist_code(distance: usize) -> usize {
    let d = distance - 1;
    usize::from(if d < 256 {
        DIST_CODE[d]
    } else {
        DIST_CODE[256 + (d >> 7).min(255)]
    })
}

/// Bits written least significant first, as deflate packs them.
struct BitWriter {
    out: Vec<u8>,
    acc: u64,
    len: u32,
}

impl BitWriter {
    /// Appends `count` bits (at most 32) of `bits`.
    fn put(&mut self, bits: u32, count: u32) {
        self.acc |= u64::from(bits) << self.len;
        self.len += count;
        if self.len >= 32 {
            self.out.extend_from_slice(&(self.acc as u32).to_le_bytes());
            self.acc >>= 32;
            self.len -= 32;
        }
    }

    /// A Huffman code (kept bit-reversed, as it is sent) and `extra`
    /// bits of `extra_len` after it.
    fn put_code(&mut self, code: Code, extra: u32, extra_len: u32) {
        self.put(
            u32::from(code.bits) | extra << code.len,
            u32::from(code.len) + extra_len,
        );
    }

    fn finish(mut self) -> Vec<u8> {
        while self.len > 0 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.len = self.len.saturating_sub(8);
        }
        self.out
    }
}

/// One LZ77 step with its symbols worked out: a literal (`symbol` < 256)
/// or a match (a length symbol, its extra bits, a distance symbol and its
/// extra bits).
#[derive(Clone, Copy)]
struct Token {
    symbol: u16,
    extra: u16,
    extra_len: u8,
    dist_symbol: u8,
    dist_extra_len: u8,
    dist_extra: u16,
}

impl Token {
    fn literal(byte: u8) -> Self {
        Token {
            symbol: u16::from(byte),
            extra: 0,
            extra_len: 0,
            dist_symbol: 0,
            dist_extra_len: 0,
            dist_extra: 0,
        }
    }

    fn matched(length: usize, distance: usize) -> Self {
        let l = usize::from(LENGTH_CODE[(length - MIN_MATCH) & 255]);
        let d = dist_code(distance);
        Token {
            symbol: 257 + l as u16,
            extra: (length - usize::from(LENGTH_BASE[l])) as u16,
            extra_len: LENGTH_EXTRA[l],
            dist_symbol: d as u8,
            dist_extra_len: DIST_EXTRA[d],
            dist_extra: (distance - usize::from(DIST_BASE[d])) as u16,
        }
    }

    fn is_match(self) -> bool {
        self.symbol > 256
    }
}

/// Greedy LZ77: at each position the longest match among the last
/// `CHAIN` positions with the same 3-byte hash (the first of equal
/// lengths, the nearest), counted into a histogram as it goes.
fn tokens(data: &[u8]) -> (Vec<Token>, Histogram) {
    const CHAIN: usize = 8;
    // Positions + 1 of the newest occurrence of each hash (0: none), and for
    // each position the previous one with its hash. A table about the
    // input's size: zeroing it is most of the set-up cost.
    let bits = (usize::BITS - data.len().leading_zeros()).clamp(8, 13);
    let mut head = vec![0u32; 1 << bits];
    let mut prev = vec![0u32; data.len()];
    // Records position `at` under the hash of its three bytes; returns the
    // previous position + 1 with that hash (0: none).
    let insert = |head: &mut [u32], prev: &mut [u32], at: usize| -> usize {
        let v = u32::from(data[at]) << 16 | u32::from(data[at + 1]) << 8 | u32::from(data[at + 2]);
        let slot = &mut head[(v.wrapping_mul(0x9E37_79B1) >> (32 - bits)) as usize];
        let previous = *slot;
        *slot = at as u32 + 1;
        prev[at] = previous;
        previous as usize
    };
    // Positions with three bytes ahead get a hash; the last two never start a match.
    let hashed = data.len().saturating_sub(MIN_MATCH - 1);
    let mut histogram = Histogram::new();
    let mut out = Vec::with_capacity(data.len());
    let mut i = 0;
    while i < data.len() {
        let (mut best_len, mut best_dist) = (0, 0);
        if i < hashed {
            let mut candidate = insert(&mut head, &mut prev, i);
            let ahead = &data[i..];
            let longest = ahead.len().min(MAX_MATCH);
            for _ in 0..CHAIN {
                if candidate == 0 || i + 1 - candidate > WINDOW {
                    break;
                }
                let from = candidate - 1;
                let behind = &data[from..];
                // A longer match must agree at `best_len` first.
                if behind[best_len] == ahead[best_len] {
                    let len = match_length(&ahead[..longest], behind);
                    if len > best_len {
                        (best_len, best_dist) = (len, i - from);
                        if len == longest {
                            break;
                        }
                    }
                }
                candidate = prev[from] as usize;
            }
        }
        let token = if best_len >= MIN_MATCH {
            for j in i + 1..(i + best_len).min(hashed) {
                insert(&mut head, &mut prev, j);
            }
            i += best_len;
            Token::matched(best_len, best_dist)
        } else {
            i += 1;
            Token::literal(data[i - 1])
        };
        histogram.add(token);
        out.push(token);
    }
    (out, histogram)
}

/// How many bytes `ahead` and `behind` agree on (at most `ahead.len()`;
/// `behind` is at least as long), eight at a time.
fn match_length(ahead: &[u8], behind: &[u8]) -> usize {
    let mut n = 0;
    while let (Some(a), Some(b)) = (
        ahead[n..].first_chunk::<8>(),
        behind[n..].first_chunk::<8>(),
    ) {
        let differ = u64::from_le_bytes(*a) ^ u64::from_le_bytes(*b);
        if differ != 0 {
            return n + (differ.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    n + ahead[n..]
        .iter()
        .zip(&behind[n..])
        .take_while(|(a, b)| a == b)
        .count()
}

/// A canonical Huffman code for one symbol, its bits reversed (the order
/// they are sent in).
#[derive(Clone, Copy, Default)]
struct Code {
    bits: u16,
    len: u8,
}

/// Code lengths (at most `limit` bits) for symbol frequencies: Huffman's
/// lengths by Moffat and Katajainen's in-place method (linear after a sort
/// of the used symbols), frequencies halved until the code fits the limit.
/// At least two symbols get a code, so every code is complete.
/// One function for the three codes (literal/length, distance, code
/// length), written once in the wasm: `used` holds the symbols with a
/// non-zero frequency, and `lengths` (as long as `freqs`, all zero) gets
/// theirs. Returns the symbols given a length (`used`, and one more when
/// it held fewer than two).
fn code_lengths(freqs: &[u32], used: &Used, limit: u8, lengths: &mut [u8]) -> Used {
    // The symbols in use as `frequency << 9 | symbol` (so that sorting the
    // numbers sorts by frequency, then symbol), in symbol order.
    let mut symbols = [0u32; LITLEN];
    let mut n = 0;
    for symbol in used.iter().take(LITLEN) {
        symbols[n] = freqs[symbol].min(MAX_FREQUENCY) << 9 | symbol as u32;
        n += 1;
    }
    let mut coded = *used;
    let mut extra = 0;
    while n < 2 && extra < freqs.len() {
        if !used.contains(extra) {
            symbols[n] = 1 << 9 | extra as u32;
            coded.insert(extra);
            n += 1;
        }
        extra += 1;
    }
    if n == 2 && symbols[0] & 511 > symbols[1] & 511 {
        symbols.swap(0, 1);
    }
    let (mut sorted, mut depths) = ([0u32; LITLEN], [0u32; LITLEN]);
    loop {
        sort_by_frequency(&symbols[..n], &mut sorted[..n]);
        for (depth, &entry) in depths[..n].iter_mut().zip(&sorted[..n]) {
            *depth = entry >> 9;
        }
        minimum_redundancy(&mut depths[..n]);
        if depths[..n].iter().all(|&d| d <= u32::from(limit)) {
            for (&entry, &depth) in sorted[..n].iter().zip(&depths[..n]) {
                lengths[(entry & 511) as usize] = depth as u8;
            }
            return coded;
        }
        for entry in &mut symbols[..n] {
            *entry = (*entry >> 9).div_ceil(2) << 9 | *entry & 511;
        }
    }
}

/// The largest frequency [`code_lengths`] counts exactly (so that
/// `frequency << 9` fits a u32); a block's frequencies are at most its
/// length, so only inputs past 8 MB are affected, and only in how short
/// their codes are, not in whether they are valid.
const MAX_FREQUENCY: u32 = (1 << 23) - 1;

/// `used` (in symbol order) into `sorted` by frequency, then symbol: by
/// counting when the frequencies are small (a session's always are),
/// otherwise by a heap sort (far smaller in wasm than `sort_unstable`).
fn sort_by_frequency(used: &[u32], sorted: &mut [u32]) {
    const SMALL: usize = 512;
    let max = used.iter().map(|&u| (u >> 9) as usize).max().unwrap_or(0);
    if max >= SMALL {
        let heap = std::collections::BinaryHeap::from(used.to_vec()).into_sorted_vec();
        sorted.copy_from_slice(&heap);
        return;
    }
    // A stable counting sort on the frequency keeps the symbol order.
    let mut starts = [0u16; SMALL + 1];
    for &u in used {
        starts[(u >> 9) as usize + 1] += 1;
    }
    for f in 1..=max {
        starts[f] += starts[f - 1];
    }
    for &u in used {
        let slot = &mut starts[(u >> 9) as usize];
        sorted[usize::from(*slot)] = u;
        *slot += 1;
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

/// RFC 1951 section 3.2.2: codes from lengths, bit-reversed for sending
/// (`codes` as long as `lengths`, and all zero: unused symbols are left so).
const fn canonical(lengths: &[u8], codes: &mut [Code]) {
    let mut count = [0u16; 16];
    let mut i = 0;
    while i < lengths.len() {
        count[(lengths[i] & 15) as usize] += 1;
        i += 1;
    }
    count[0] = 0;
    let mut next = [0u16; 16];
    let mut code = 0u16;
    let mut bits = 1;
    while bits < 16 {
        code = (code + count[bits - 1]) << 1;
        next[bits] = code;
        bits += 1;
    }
    let mut symbol = 0;
    while symbol < lengths.len() {
        let len = lengths[symbol] & 15;
        if len > 0 {
            codes[symbol] = Code {
                bits: next[len as usize].reverse_bits() >> (16 - len),
                len,
            };
            next[len as usize] += 1;
        }
        symbol += 1;
    }
}

/// [`canonical`] at run time, walking only the symbols with a length
/// (`lengths` is zero elsewhere, `codes` all zero).
fn assign_codes(lengths: &[u8], used: &Used, codes: &mut [Code]) {
    let mut next = [0u16; 16];
    for symbol in used.iter() {
        next[usize::from(lengths[symbol] & 15)] += 1;
    }
    next[0] = 0;
    let mut code = 0u16;
    let mut count = 0;
    for slot in next.iter_mut() {
        code = (code + count) << 1;
        (count, *slot) = (*slot, code);
    }
    for symbol in used.iter() {
        let len = lengths[symbol] & 15;
        if len > 0 {
            let slot = &mut next[usize::from(len)];
            codes[symbol] = Code {
                bits: slot.reverse_bits() >> (16 - len),
                len,
            };
            *slot += 1;
        }
    }
}

/// The fixed code lengths of RFC 1951 section 3.2.6 (literal/length codes
/// 286 and 287 exist but are never used); inflate.rs builds its tables from them too.
pub(crate) const fn fixed_lengths() -> ([u8; 288], [u8; DIST]) {
    let mut litlen = [8u8; 288];
    let mut s = 144;
    while s < 256 {
        litlen[s] = 9;
        s += 1;
    }
    while s < 280 {
        litlen[s] = 7;
        s += 1;
    }
    (litlen, [5; DIST])
}

/// The fixed codes, built at compile time.
static FIXED_LITLEN: [Code; 288] = {
    let mut codes = [Code { bits: 0, len: 0 }; 288];
    canonical(&fixed_lengths().0, &mut codes);
    codes
};
static FIXED_DIST: [Code; DIST] = {
    let mut codes = [Code { bits: 0, len: 0 }; DIST];
    canonical(&fixed_lengths().1, &mut codes);
    codes
};

/// Appends the code-length sequence of a dynamic header to `runs`,
/// run-length coded with symbols 16 (repeat), 17 and 18 (zeros):
/// (symbol, extra bits, their count).
fn run_lengths(lengths: &[u8], runs: &mut Vec<(u8, u8, u8)>) {
    let mut i = 0;
    while let Some(&len) = lengths.get(i) {
        let run = lengths[i..].iter().take_while(|&&l| l == len).count();
        if len == 0 && run >= 11 {
            let n = run.min(138);
            runs.push((18, (n - 11) as u8, 7));
            i += n;
        } else if len == 0 && run >= 3 {
            let n = run.min(10);
            runs.push((17, (n - 3) as u8, 3));
            i += n;
        } else if len != 0 && run >= 4 {
            runs.push((len, 0, 0));
            let n = (run - 1).min(6);
            runs.push((16, (n - 3) as u8, 2));
            i += 1 + n;
        } else {
            runs.push((len, 0, 0));
            i += 1;
        }
    }
}

/// Order in which the code-length code's lengths are sent.
pub(crate) const CODE_LENGTH_ORDER: [usize; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

/// Writes one final block of `tokens` in the given codes.
fn write_block(
    w: &mut BitWriter,
    tokens: &[Token],
    litlen: &[Code],
    dist: &[Code],
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
            for &symbol in &CODE_LENGTH_ORDER[..h.hclen] {
                w.put(u32::from(h.cl_lengths[symbol]), 3);
            }
            for &(symbol, extra, count) in &h.runs {
                w.put_code(
                    h.cl_codes[usize::from(symbol)],
                    u32::from(extra),
                    u32::from(count),
                );
            }
        }
    }
    for &token in tokens {
        let code = litlen[usize::from(token.symbol)];
        w.put_code(code, u32::from(token.extra), u32::from(token.extra_len));
        if token.is_match() {
            let code = dist[usize::from(token.dist_symbol)];
            w.put_code(
                code,
                u32::from(token.dist_extra),
                u32::from(token.dist_extra_len),
            );
        }
    }
    w.put_code(litlen[256], 0, 0);
}

/// A dynamic block's header: how many code lengths are sent, and the
/// run-length coded lengths with their own Huffman code.
struct DynamicHeader {
    hlit: usize,
    hdist: usize,
    hclen: usize,
    cl_lengths: [u8; 19],
    cl_codes: [Code; 19],
    runs: Vec<(u8, u8, u8)>,
}

impl DynamicHeader {
    fn new(litlen: &[u8; LITLEN], dist: &[u8; DIST]) -> Self {
        let hlit = 257.max(litlen.iter().rposition(|&l| l > 0).map_or(0, |p| p + 1));
        let hdist = 1.max(dist.iter().rposition(|&l| l > 0).map_or(0, |p| p + 1));
        let mut all = [0u8; LITLEN + DIST];
        all[..hlit].copy_from_slice(&litlen[..hlit]);
        all[hlit..hlit + hdist].copy_from_slice(&dist[..hdist]);
        let mut runs = Vec::with_capacity(64);
        run_lengths(&all[..hlit + hdist], &mut runs);
        let mut cl_freq = [0u32; 19];
        for &(symbol, ..) in &runs {
            cl_freq[usize::from(symbol)] += 1;
        }
        let mut cl_lengths = [0u8; 19];
        let cl_coded = code_lengths(&cl_freq, &Used::of(&cl_freq), 7, &mut cl_lengths);
        let mut cl_codes = [Code::default(); 19];
        assign_codes(&cl_lengths, &cl_coded, &mut cl_codes);
        let hclen = 4.max(
            CODE_LENGTH_ORDER
                .iter()
                .rposition(|&s| cl_lengths[s] > 0)
                .map_or(0, |p| p + 1),
        );
        DynamicHeader {
            hlit,
            hdist,
            hclen,
            cl_codes,
            cl_lengths,
            runs,
        }
    }

    /// The bits the header takes after the block type.
    fn bits(&self) -> u64 {
        let runs: u64 = self
            .runs
            .iter()
            .map(|&(s, _, n)| u64::from(self.cl_lengths[usize::from(s)]) + u64::from(n))
            .sum();
        14 + 3 * self.hclen as u64 + runs
    }
}

/// A set of symbols (below 320), as bits: a session's block uses a few
/// dozen of the 286 literal/length symbols, so everything that prices or
/// builds its codes walks only these.
#[derive(Clone, Copy, Default)]
struct Used([u64; 5]);

impl Used {
    fn insert(&mut self, symbol: usize) {
        self.0[symbol / 64 % 5] |= 1 << (symbol % 64);
    }

    fn contains(&self, symbol: usize) -> bool {
        self.0[symbol / 64 % 5] & 1 << (symbol % 64) != 0
    }

    /// The symbols in order.
    fn iter(&self) -> impl Iterator<Item = usize> + Clone + '_ {
        self.0.iter().enumerate().flat_map(|(i, &word)| {
            let mut rest = word;
            std::iter::from_fn(move || {
                (rest != 0).then(|| {
                    let bit = rest.trailing_zeros() as usize;
                    rest &= rest - 1;
                    i * 64 + bit
                })
            })
        })
    }

    /// The symbols with a non-zero count.
    fn of(counts: &[u32]) -> Self {
        let mut used = Used::default();
        for (symbol, &c) in counts.iter().enumerate() {
            if c > 0 {
                used.insert(symbol);
            }
        }
        used
    }
}

/// How often each literal/length and distance symbol occurs in a block
/// (end of block included), and the extra bits its tokens carry: enough to
/// price any code for the block without walking the tokens again.
struct Histogram {
    litlen: [u32; LITLEN],
    dist: [u32; DIST],
    /// The literal/length and distance symbols that occur.
    used: Used,
    dist_used: Used,
    matches: u64,
    extra_bits: u64,
}

impl Histogram {
    /// The histogram of a block with no tokens yet: its end of block.
    fn new() -> Self {
        let mut h = Histogram {
            litlen: [0; LITLEN],
            dist: [0; DIST],
            used: Used::default(),
            dist_used: Used::default(),
            matches: 0,
            extra_bits: 0,
        };
        h.litlen[256] = 1;
        h.used.insert(256);
        h
    }

    fn add(&mut self, token: Token) {
        let symbol = usize::from(token.symbol);
        self.litlen[symbol] += 1;
        self.used.insert(symbol);
        if token.is_match() {
            self.dist[usize::from(token.dist_symbol)] += 1;
            self.dist_used.insert(usize::from(token.dist_symbol));
            self.matches += 1;
            self.extra_bits += u64::from(token.extra_len) + u64::from(token.dist_extra_len);
        }
    }

    fn count(&self, symbol: usize) -> u32 {
        self.litlen[symbol]
    }

    /// The bits the block body takes with these code lengths.
    fn body_bits(&self, litlen: &[u8], dist: &[u8]) -> u64 {
        let priced = |freqs: &[u32], used: &Used, lengths: &[u8]| -> u64 {
            used.iter()
                .map(|s| u64::from(freqs[s]) * u64::from(lengths[s]))
                .sum()
        };
        priced(&self.litlen, &self.used, litlen)
            + priced(&self.dist, &self.dist_used, dist)
            + self.extra_bits
    }

    /// The bits the block body takes in the fixed codes (RFC 1951 3.2.6).
    fn fixed_bits(&self) -> u64 {
        let length = |symbol: usize| match symbol {
            0..=143 | 280.. => 8,
            144..=255 => 9,
            256..=279 => 7,
        };
        let literals_and_lengths: u64 = self
            .used
            .iter()
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
        for symbol in self.used.iter() {
            let zeros = symbol.saturating_sub(next);
            if zeros > 0 {
                entries[3] += used_run.div_ceil(7);
                used_run = 0;
                zero_run(zeros, &mut entries);
            }
            used_run += 1;
            next = symbol + 1;
        }
        entries[3] += used_run.div_ceil(7);
        let coded = entropy_bits(entries.iter().copied())
            + entropy_bits(self.used.iter().map(|s| self.count(s)))
            + entropy_bits(self.dist_used.iter().map(|s| self.dist[s]));
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
    let (tokens, histogram) = tokens(data);
    let fixed_cost = histogram.fixed_bits();
    let fixed = |w: &mut BitWriter| write_block(w, &tokens, &FIXED_LITLEN, &FIXED_DIST, None);
    // Small inputs that fixed codes already shrink by a quarter skip the
    // dynamic code: it could shave a little more, at the cost of building it.
    if data.len() < 1024 && (fixed_cost / 8 + 8) * 4 <= data.len() as u64 * 3 {
        return (bytes_of(fixed_cost) <= limit).then(|| stream(data, fixed_cost, fixed));
    }
    // Building the dynamic code costs more than the rest of a small
    // session's encoding; most sessions are too short for it to win.
    if bytes_of(fixed_cost.min(histogram.dynamic_bits_at_least())) > limit {
        return None;
    }
    let (mut litlen, mut dist) = ([0u8; LITLEN], [0u8; DIST]);
    let litlen_coded = code_lengths(&histogram.litlen, &histogram.used, 15, &mut litlen);
    let dist_coded = code_lengths(&histogram.dist, &histogram.dist_used, 15, &mut dist);
    let header = DynamicHeader::new(&litlen, &dist);
    let dynamic_cost = header.bits() + histogram.body_bits(&litlen, &dist);
    if bytes_of(dynamic_cost.min(fixed_cost)) > limit {
        return None;
    }
    Some(if dynamic_cost < fixed_cost {
        let (mut litlen_codes, mut dist_codes) =
            ([Code::default(); LITLEN], [Code::default(); DIST]);
        assign_codes(&litlen, &litlen_coded, &mut litlen_codes);
        assign_codes(&dist, &dist_coded, &mut dist_codes);
        stream(data, dynamic_cost, |w| {
            write_block(w, &tokens, &litlen_codes, &dist_codes, Some(&header))
        })
    } else {
        stream(data, fixed_cost, fixed)
    })
}

/// The zlib framing around one deflate block of `bits` (after its 3-bit
/// header) written by `block`.
fn stream(data: &[u8], bits: u64, block: impl FnOnce(&mut BitWriter)) -> Vec<u8> {
    let mut w = BitWriter {
        out: Vec::with_capacity((bits as usize + 3).div_ceil(8) + 6 + 4),
        acc: 0,
        len: 0,
    };
    w.out.extend_from_slice(&[0x78, 0x9C]); // deflate, 32 KB window, default level
    block(&mut w);
    let mut out = w.finish();
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

/// The Adler-32 checksum zlib streams end with.
pub(crate) fn adler32(data: &[u8]) -> u32 {
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
            let (_, histogram) = tokens(&data);
            let (mut litlen, mut dist) = ([0u8; LITLEN], [0u8; DIST]);
            code_lengths(&histogram.litlen, &histogram.used, 15, &mut litlen);
            code_lengths(&histogram.dist, &histogram.dist_used, 15, &mut dist);
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
