//! zlib compression for `signing.dumps(compress=True)`.
//!
//! Django compresses every session it signs when that saves two bytes or
//! more. A general-purpose deflater (miniz keeps about 160 KB of tables it
//! must zero for every stream) spends far longer setting up than a
//! session's few hundred bytes need, so this is a small one: greedy LZ77
//! over a 4096-entry hash table, fixed Huffman codes, one final block. Any
//! valid zlib stream is accepted by Python's `zlib.decompress`, so Django
//! reads these tokens as its own; they are not byte-identical to Django's
//! compressed tokens (no other zlib's are either).

const HASH_BITS: u32 = 12;
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
    fn put_code(&mut self, code: u32, count: u32) {
        self.put(code.reverse_bits() >> (32 - count), count);
    }

    /// A literal/length symbol in the fixed code of RFC 1951 section 3.2.6.
    fn symbol(&mut self, symbol: u16) {
        let s = u32::from(symbol);
        match symbol {
            0..=143 => self.put_code(0x30 + s, 8),
            144..=255 => self.put_code(0x190 + s - 144, 9),
            256..=279 => self.put_code(s - 256, 7),
            _ => self.put_code(0xC0 + s - 280, 8),
        }
    }

    fn matched(&mut self, length: usize, distance: usize) {
        let (code, &(base, extra)) = code_for(&LENGTHS, length);
        self.symbol(257 + code as u16);
        self.put((length - usize::from(base)) as u32, u32::from(extra));
        let (code, &(base, extra)) = code_for(&DISTANCES, distance);
        self.put_code(code as u32, 5);
        self.put((distance - usize::from(base)) as u32, u32::from(extra));
    }

    fn finish(mut self) -> Vec<u8> {
        if self.len > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

/// The last code whose base is at most `value`.
fn code_for(table: &[(u16, u8)], value: usize) -> (usize, &(u16, u8)) {
    table
        .iter()
        .enumerate()
        .rev()
        .find(|(_, (base, _))| usize::from(*base) <= value)
        .unwrap_or((0, &(1, 0)))
}

fn hash(bytes: &[u8]) -> usize {
    let v = u32::from(bytes[0]) | u32::from(bytes[1]) << 8 | u32::from(bytes[2]) << 16;
    (v.wrapping_mul(0x9E37_79B1) >> (32 - HASH_BITS)) as usize
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

/// `zlib.compress(data)`'s format: a zlib stream of `data`.
pub fn zlib_compress(data: &[u8]) -> Vec<u8> {
    let mut w = BitWriter {
        out: Vec::with_capacity(data.len() / 2 + 16),
        acc: 0,
        len: 0,
    };
    w.out.extend_from_slice(&[0x78, 0x9C]); // deflate, 32 KB window, default level
    w.put(1, 1); // final block
    w.put(1, 2); // fixed Huffman codes
                 // Positions + 1 of the last occurrence of each 3-byte hash (0: none).
    let mut last = [0u32; 1 << HASH_BITS];
    let mut i = 0;
    while i < data.len() {
        let mut length = 0;
        let mut distance = 0;
        if let Some(head) = data.get(i..i + MIN_MATCH) {
            let h = hash(head);
            // `hash` is below 1 << HASH_BITS, the table's length.
            let candidate = std::mem::replace(&mut last[h], i as u32 + 1) as usize;
            if candidate > 0 && i + 1 - candidate <= WINDOW {
                let from = candidate - 1;
                let limit = MAX_MATCH.min(data.len() - i);
                length = (0..limit)
                    .take_while(|&k| data[from + k] == data[i + k])
                    .count();
                distance = i - from;
            }
        }
        if length >= MIN_MATCH {
            w.matched(length, distance);
            // Index the matched bytes too, so later repeats can find them.
            for j in i + 1..i + length {
                if let Some(head) = data.get(j..j + MIN_MATCH) {
                    last[hash(head)] = j as u32 + 1;
                }
            }
            i += length;
        } else {
            w.symbol(u16::from(data[i]));
            i += 1;
        }
    }
    w.symbol(256); // end of block
    let mut out = w.finish();
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
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
    fn adler32_matches_zlib() {
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        assert_eq!(adler32(b""), 1);
    }
}
