//! zlib decompression, for `signing.loads` of compressed payloads (a
//! leading `.`): what Python's `zlib.decompress` accepts, this accepts.
//!
//! A signed session is a few hundred bytes, so this is small rather than
//! general: one pass over the whole input into one output buffer, Huffman
//! codes decoded a bit at a time from their counts per length (Mark
//! Adler's `puff`), the fixed code's tables built at compile time. A
//! general-purpose inflater spends longer setting up (miniz_oxide zeroed an
//! 11 KB state and built lookup tables for every block) than this spends
//! on a whole session.
//!
//! The checks are zlib's: header, block types, stored lengths, over-
//! subscribed or incomplete codes (an incomplete code only as a single
//! code of one bit), repeats in the code-length sequence, end of block
//! present, codes and distances that do not exist, distances before the
//! start, the Adler-32. Bytes after the checksum are ignored, as Python does.
//!
//! ```
//! use edge_sessions::{deflate::zlib_compress, inflate::zlib_decompress};
//! let data = b"{\"a\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}";
//! assert_eq!(zlib_decompress(&zlib_compress(data), 1000).unwrap(), data);
//! assert!(zlib_decompress(&zlib_compress(data), 10).is_err());
//! ```

// Reads data from outside: no unwrap or panic here (tests excepted; a
// panic in wasm poisons the instance).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]
// Indexing is allowed here, as in deflate.rs: every index is into a table
// of fixed size, bounded where it is computed (code lengths below 16,
// symbols below the table's length, counts summing to at most the
// symbols), and `fuzz/` and the tests below run arbitrary streams through.
#![allow(clippy::indexing_slicing)]

// RFC 1951's tables, one copy for both directions.
use crate::deflate::{
    fixed_lengths, CODE_LENGTH_ORDER, DIST_BASE, DIST_EXTRA, LENGTH_BASE, LENGTH_EXTRA,
};

/// Why a stream did not inflate: zlib's own words, or the size cap.
pub type InflateError = &'static str;

/// The message for a stream that inflates past the cap.
pub const TOO_BIG: InflateError = "inflated payload exceeds the size limit";

const MAX_BITS: usize = 15;
/// Literal/length symbols a code may have (286 and 287 exist only in the fixed code).
const LITLEN_SYMBOLS: usize = 288;
const DIST_SYMBOLS: usize = 30;

/// A canonical Huffman code: how many codes of each length and the
/// symbols in code order (enough to decode any code, a bit at a time),
/// and a table indexed by the next `bits` bits of input that gives the
/// symbol and length of every code that short at once (entry
/// `symbol << 4 | length`; 0 for the longer codes and for bits no code
/// starts with). One type for the three kinds of code, sized for the
/// largest, so the code that builds and reads them exists once.
struct Huffman {
    count: [u16; MAX_BITS + 1],
    symbol: [u16; LITLEN_SYMBOLS],
    table: [u16; 1 << LITLEN_TABLE_BITS],
    bits: u32,
}

/// Table bits: the fixed literal/length code is 9 bits at most, and a
/// session's dynamic codes mostly are too; distance and code-length codes
/// are read a few dozen times per block.
const LITLEN_TABLE_BITS: u32 = 9;
const DIST_TABLE_BITS: u32 = 6;
const CODE_LENGTH_TABLE_BITS: u32 = 7;

impl Huffman {
    /// The code for `lengths` (at most 288, each below 16) with a table of
    /// `bits` bits (at most 9), and how many codes of 15 bits are left
    /// unused (0: complete; negative: over-subscribed, which is never a
    /// code; then the code is left empty).
    const fn new(lengths: &[u8], bits: u32) -> (Self, i32) {
        let mut h = Huffman {
            count: [0; MAX_BITS + 1],
            symbol: [0; LITLEN_SYMBOLS],
            table: [0; 1 << LITLEN_TABLE_BITS],
            bits,
        };
        let left = h.build(lengths, bits);
        (h, left)
    }

    /// Makes this the code for `lengths` (see [`Huffman::new`]); `symbol`
    /// and `table` must be zero.
    const fn build(&mut self, lengths: &[u8], bits: u32) -> i32 {
        let h = self;
        h.bits = bits;
        let mut i = 0;
        while i < lengths.len() {
            h.count[lengths[i] as usize] += 1;
            i += 1;
        }
        h.count[0] = 0;
        let mut left = 1i32;
        let mut len = 1;
        while len <= MAX_BITS {
            left = (left << 1) - h.count[len] as i32;
            if left < 0 {
                return left;
            }
            len += 1;
        }
        // Where each length's symbols start, then the symbols in order.
        let mut offsets = [0u16; MAX_BITS + 2];
        let mut len = 1;
        while len <= MAX_BITS {
            offsets[len + 1] = offsets[len] + h.count[len];
            len += 1;
        }
        let mut symbol = 0;
        while symbol < lengths.len() {
            let len = lengths[symbol] as usize;
            if len != 0 {
                h.symbol[offsets[len] as usize] = symbol as u16;
                offsets[len] += 1;
            }
            symbol += 1;
        }
        // The table: each code up to `bits` long, bit-reversed (deflate
        // sends codes most significant bit first), at every index it begins.
        let size = 1usize << bits;
        let (mut code, mut index, mut len) = (0u16, 0usize, 1usize);
        while len <= bits as usize {
            let mut n = 0;
            while n < h.count[len] {
                let mut at = (code.reverse_bits() >> (16 - len)) as usize;
                let entry = h.symbol[index] << 4 | len as u16;
                while at < size {
                    h.table[at] = entry;
                    at += 1 << len;
                }
                code += 1;
                index += 1;
                n += 1;
            }
            code <<= 1;
            len += 1;
        }
        left
    }

    /// zlib's rule: over-subscribed never; incomplete only when the code
    /// is a single code of one bit (and, for the code-length code, never).
    fn checked(
        lengths: &[u8],
        bits: u32,
        code_lengths: bool,
        what: InflateError,
    ) -> Result<Self, InflateError> {
        let (h, left) = Self::new(lengths, bits);
        let max = (1..=MAX_BITS).rev().find(|&l| h.count[l] != 0).unwrap_or(0);
        if left < 0 || (left > 0 && max != 0 && (code_lengths || max != 1)) {
            return Err(what);
        }
        Ok(h)
    }
}

/// The fixed codes of RFC 1951 section 3.2.6, built at compile time.
static FIXED_LITLEN: Huffman = Huffman::new(&fixed_lengths().0, LITLEN_TABLE_BITS).0;
static FIXED_DIST: Huffman = Huffman::new(&fixed_lengths().1, DIST_TABLE_BITS).0;

/// Bits read least significant first, as deflate packs them.
struct Bits<'a> {
    data: &'a [u8],
    at: usize,
    acc: u64,
    count: u32,
}

const TRUNCATED: InflateError = "incomplete or truncated stream";

impl Bits<'_> {
    /// Tops the accumulator up from the input, as far as it goes.
    fn refill(&mut self) {
        while self.count <= 56 {
            let Some(&byte) = self.data.get(self.at) else {
                return;
            };
            self.acc |= u64::from(byte) << self.count;
            self.at += 1;
            self.count += 8;
        }
    }

    /// The next `n` bits (at most 16) as a number.
    fn take(&mut self, n: u32) -> Result<u32, InflateError> {
        if self.count < n {
            self.refill();
            if self.count < n {
                return Err(TRUNCATED);
            }
        }
        let value = (self.acc & ((1 << n) - 1)) as u32;
        self.acc >>= n;
        self.count -= n;
        Ok(value)
    }

    /// One symbol of `code`: from the table when the code is short enough
    /// and the input holds its bits, otherwise a bit at a time.
    fn decode(&mut self, code: &Huffman) -> Result<usize, InflateError> {
        if self.count < MAX_BITS as u32 {
            self.refill();
        }
        let entry = code.table[self.acc as usize & ((1 << code.bits) - 1)];
        let len = u32::from(entry & 15);
        if len != 0 && len <= self.count {
            self.acc >>= len;
            self.count -= len;
            return Ok(usize::from(entry >> 4));
        }
        let (mut bits, mut first, mut index) = (0i32, 0i32, 0i32);
        for len in 1..=MAX_BITS {
            if self.count == 0 {
                return Err(TRUNCATED);
            }
            bits |= (self.acc & 1) as i32;
            self.acc >>= 1;
            self.count -= 1;
            let count = i32::from(code.count[len]);
            if bits - first < count {
                return Ok(usize::from(code.symbol[(index + bits - first) as usize]));
            }
            index += count;
            first = (first + count) << 1;
            bits <<= 1;
        }
        Err("invalid code")
    }

    /// Drops the bits up to the next byte boundary; the bytes still held
    /// go back to the input.
    fn align(&mut self) {
        let drop = self.count % 8;
        self.acc >>= drop;
        self.count -= drop;
        self.at -= (self.count / 8) as usize;
        self.acc = 0;
        self.count = 0;
    }
}

/// `zlib.decompress(data)`, refusing to produce more than `limit` bytes.
pub fn zlib_decompress(data: &[u8], limit: usize) -> Result<Vec<u8>, InflateError> {
    let (&[cmf, flg], body) = (
        data.first_chunk::<2>().ok_or(TRUNCATED)?,
        data.get(2..).unwrap_or_default(),
    );
    if (u16::from(cmf) << 8 | u16::from(flg)) % 31 != 0 {
        return Err("incorrect header check");
    }
    if cmf & 0x0f != 8 {
        return Err("unknown compression method");
    }
    if cmf >> 4 > 7 {
        return Err("invalid window size");
    }
    if flg & 0x20 != 0 {
        return Err("need dictionary");
    }
    let mut bits = Bits {
        data: body,
        at: 0,
        acc: 0,
        count: 0,
    };
    // A session inflates to a few times its compressed size.
    let mut out = Vec::with_capacity(limit.min(body.len().saturating_mul(4)).max(64));
    loop {
        let last = bits.take(1)? == 1;
        match bits.take(2)? {
            0 => stored(&mut bits, &mut out, limit)?,
            1 => codes(&mut bits, &mut out, limit, &FIXED_LITLEN, &FIXED_DIST)?,
            2 => {
                let (litlen, dist) = dynamic_codes(&mut bits)?;
                codes(&mut bits, &mut out, limit, &litlen, &dist)?;
            }
            _ => return Err("invalid block type"),
        }
        if last {
            break;
        }
    }
    bits.align();
    let check = bits
        .data
        .get(bits.at..bits.at + 4)
        .and_then(|b| b.first_chunk::<4>())
        .ok_or(TRUNCATED)?;
    if u32::from_be_bytes(*check) != crate::deflate::adler32(&out) {
        return Err("incorrect data check");
    }
    Ok(out)
}

/// A stored block: LEN, its complement, the bytes.
fn stored(bits: &mut Bits, out: &mut Vec<u8>, limit: usize) -> Result<(), InflateError> {
    bits.align();
    let header = bits.data.get(bits.at..bits.at + 4).ok_or(TRUNCATED)?;
    let len = usize::from(u16::from_le_bytes([header[0], header[1]]));
    if u16::from_le_bytes([header[2], header[3]]) != !(len as u16) {
        return Err("invalid stored block lengths");
    }
    bits.at += 4;
    let bytes = bits.data.get(bits.at..bits.at + len).ok_or(TRUNCATED)?;
    if out.len() + len > limit {
        return Err(TOO_BIG);
    }
    out.extend_from_slice(bytes);
    bits.at += len;
    Ok(())
}

/// A dynamic block's codes, from its header.
fn dynamic_codes(bits: &mut Bits) -> Result<(Huffman, Huffman), InflateError> {
    let nlen = bits.take(5)? as usize + 257;
    let ndist = bits.take(5)? as usize + 1;
    let ncode = bits.take(4)? as usize + 4;
    if nlen > 286 || ndist > DIST_SYMBOLS {
        return Err("too many length or distance symbols");
    }
    let mut cl_lengths = [0u8; 19];
    for &symbol in &CODE_LENGTH_ORDER[..ncode] {
        cl_lengths[symbol] = bits.take(3)? as u8;
    }
    let cl_code = Huffman::checked(
        &cl_lengths,
        CODE_LENGTH_TABLE_BITS,
        true,
        "invalid code lengths set",
    )?;
    let mut lengths = [0u8; 286 + DIST_SYMBOLS];
    let mut at = 0;
    while at < nlen + ndist {
        let symbol = bits.decode(&cl_code)?;
        if symbol < 16 {
            lengths[at] = symbol as u8;
            at += 1;
            continue;
        }
        let (value, repeat) = match symbol {
            16 if at > 0 => (lengths[at - 1], 3 + bits.take(2)? as usize),
            16 => return Err("invalid bit length repeat"),
            17 => (0, 3 + bits.take(3)? as usize),
            _ => (0, 11 + bits.take(7)? as usize),
        };
        if at + repeat > nlen + ndist {
            return Err("invalid bit length repeat");
        }
        lengths[at..at + repeat].fill(value);
        at += repeat;
    }
    if lengths[256] == 0 {
        return Err("invalid code -- missing end-of-block");
    }
    let litlen = Huffman::checked(
        &lengths[..nlen],
        LITLEN_TABLE_BITS,
        false,
        "invalid literal/lengths set",
    )?;
    let dist = Huffman::checked(
        &lengths[nlen..nlen + ndist],
        DIST_TABLE_BITS,
        false,
        "invalid distances set",
    )?;
    Ok((litlen, dist))
}

/// A block's symbols in the given codes, up to its end-of-block.
fn codes(
    bits: &mut Bits,
    out: &mut Vec<u8>,
    limit: usize,
    litlen: &Huffman,
    dist: &Huffman,
) -> Result<(), InflateError> {
    loop {
        let symbol = bits.decode(litlen)?;
        if symbol < 256 {
            if out.len() >= limit {
                return Err(TOO_BIG);
            }
            out.push(symbol as u8);
            continue;
        }
        if symbol == 256 {
            return Ok(());
        }
        let i = symbol - 257;
        if i >= LENGTH_BASE.len() {
            return Err("invalid literal/length code");
        }
        let len = usize::from(LENGTH_BASE[i]) + bits.take(u32::from(LENGTH_EXTRA[i]))? as usize;
        let d = bits.decode(dist)?;
        if d >= DIST_BASE.len() {
            return Err("invalid distance code");
        }
        let distance = usize::from(DIST_BASE[d]) + bits.take(u32::from(DIST_EXTRA[d]))? as usize;
        if distance > out.len() {
            return Err("invalid distance too far back");
        }
        if out.len() + len > limit {
            return Err(TOO_BIG);
        }
        let from = out.len() - distance;
        if distance >= len {
            out.extend_from_within(from..from + len);
        } else {
            // Overlapping: each byte may be one this copy wrote.
            for k in from..from + len {
                let byte = out[k];
                out.push(byte);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What miniz_oxide (the inflater this replaced) says of `data`.
    fn reference(data: &[u8], limit: usize) -> Option<Vec<u8>> {
        miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(data, limit).ok()
    }

    #[test]
    fn inflates_every_block_type_and_what_others_write() {
        let text: Vec<u8> = (0..3000u32)
            .flat_map(|i| format!("{{\"k{}\":{}}},", i % 17, i * 7 % 13).into_bytes())
            .collect();
        for level in 0..=10u8 {
            // Level 0 writes stored blocks, 1 fixed codes, the rest dynamic ones.
            let stream = miniz_oxide::deflate::compress_to_vec_zlib(&text, level);
            assert_eq!(
                zlib_decompress(&stream, usize::MAX).unwrap(),
                text,
                "level {level}"
            );
        }
        let ours = crate::deflate::zlib_compress(&text);
        assert_eq!(zlib_decompress(&ours, text.len()).unwrap(), text);
        assert_eq!(zlib_decompress(&ours, text.len() - 1), Err(TOO_BIG));
        // Python's zlib.compress(b"hello world") and an empty stream.
        let python = [
            0x78, 0x9c, 0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0x57, 0x28, 0xcf, 0x2f, 0xca, 0x49, 0x01,
            0x00, 0x1a, 0x0b, 0x04, 0x5d,
        ];
        assert_eq!(zlib_decompress(&python, 100).unwrap(), b"hello world");
        let mut trailing = python.to_vec();
        trailing.extend_from_slice(b"garbage");
        assert_eq!(zlib_decompress(&trailing, 100).unwrap(), b"hello world");
        assert_eq!(
            zlib_decompress(&[0x78, 0x9c, 0x03, 0, 0, 0, 0, 1], 0).unwrap(),
            b""
        );
    }

    #[test]
    fn refuses_what_zlib_refuses() {
        let good = miniz_oxide::deflate::compress_to_vec_zlib(b"hello hello hello", 6);
        assert!(zlib_decompress(&good[..good.len() - 1], 100).is_err());
        let mut bad_check = good.clone();
        *bad_check.last_mut().unwrap() ^= 1;
        assert_eq!(
            zlib_decompress(&bad_check, 100),
            Err("incorrect data check")
        );
        assert_eq!(
            zlib_decompress(&[0x78, 0x9d], 100),
            Err("incorrect header check")
        );
        assert!(zlib_decompress(&[], 100).is_err());
        assert!(zlib_decompress(&[0x78, 0x9c, 0x07], 100).is_err()); // block type 3
                                                                     // A stored block whose length's complement is wrong.
        assert_eq!(
            zlib_decompress(&[0x78, 0x9c, 0x01, 1, 0, 0, 0, b'x'], 100),
            Err("invalid stored block lengths")
        );
    }

    /// Every one-bit corruption of a few streams: where this inflates,
    /// miniz_oxide inflates to the same bytes, and the other way round.
    /// (They differ on some streams with more damage, where this one
    /// agrees with Python's zlib; 4M randomly damaged streams were checked
    /// against Python when it was written.)
    #[test]
    fn agrees_with_miniz_on_corrupted_streams() {
        let samples: [&[u8]; 3] = [
            br#"{"user_id":12345,"cart":[{"id":101,"qty":2,"price":19.99},{"id":205,"qty":1,"price":5.49}],"theme":"dark"}"#,
            b"abcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabc",
            b"a",
        ];
        let mut checked = 0;
        for sample in samples {
            for stream in [
                crate::deflate::zlib_compress(sample),
                miniz_oxide::deflate::compress_to_vec_zlib(sample, 9),
                miniz_oxide::deflate::compress_to_vec_zlib(sample, 1),
            ] {
                for i in 2..stream.len() {
                    for bit in 0..8 {
                        let mut broken = stream.clone();
                        broken[i] ^= 1 << bit;
                        let ours = zlib_decompress(&broken, 4096).ok();
                        assert_eq!(ours, reference(&broken, 4096), "byte {i} bit {bit}");
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 1000);
        // Where miniz_oxide is more lenient than zlib: an incomplete
        // distance code of more than one code, which Python refuses
        // ("invalid distances set").
        let incomplete = [
            0x78, 0x9c, 0x05, 0x40, 0x31, 0x0d, 0x00, 0x30, 0x08, 0xf3, 0xc2, 0xdd, 0xa3, 0x94,
            0x0f, 0x37, 0x05, 0x19, 0x64, 0xde, 0xb7, 0x6b, 0x24, 0x79, 0x29, 0xd0, 0x18, 0x5f,
            0x04, 0x59, 0x4c, 0x9a, 0xbe, 0x09, 0x5b, 0x5d, 0xef, 0x1d, 0xb5, 0xb3, 0xc3, 0x18,
            0x4a, 0x2b, 0x60, 0x11, 0x85, 0x0c, 0x98, 0x3d, 0xda, 0x5b, 0x7e, 0xb0, 0xd1, 0x13,
            0x27,
        ];
        assert!(reference(&incomplete, 4096).is_some());
        assert_eq!(
            zlib_decompress(&incomplete, 4096),
            Err("invalid distances set")
        );
    }
}
