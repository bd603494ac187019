//! `edge_sessions::pickle` against the CPython on this machine (`python3`,
//! one process for the whole batch, fed on stdin). The test fails, never
//! skips, when Python cannot run.
//!
//! - Writing: a few thousand seeded random session-like values (nested
//!   dicts and lists, keys repeated across dicts, empty, one-character and
//!   astral strings, ints at every opcode boundary and beyond 64 bits,
//!   NaN, the infinities and -0.0), plus values built to cross the 64 KiB
//!   frames, the 1000-item batches and the 256-entry memo: our `dumps` must
//!   equal `pickle.dumps(json.loads(text), 5)` byte for byte, where `text`
//!   is our JSON of the value, and Python must read our bytes back to the
//!   same JSON.
//! - Reading: Python's protocols 2 to 5 of those values, and protocols 0 to
//!   5 of values Python builds itself (tuples, lists and dicts referenced
//!   twice, one str object in many places), must read to the JSON Python
//!   gives of the object; a few hand-written pickles Python reads (DUP,
//!   POP, sparse PUT, Python 2 strings) read the same.
//! - Refusing: pickles that would import or build objects (an `os.system`
//!   `__reduce__`, globals, sets, bytes, datetimes, persistent ids,
//!   extension codes, out-of-band buffers) are refused naming the first
//!   forbidden opcode as `pickletools` lists it; Python never loads them.
//!   Pickles CPython reads but a session value cannot hold (a list holding
//!   itself, int keys, ints over 4300 digits, lone surrogates, nesting past
//!   1000, a shared-list bomb) are refused with the reason.
//! - `int_entry` agrees with Python's `int()` of bytes.

use edge_sessions::json;
use edge_sessions::pickle;
use edge_sessions::value::{Dict, Int, Value};
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::Instant;

/// The Python side. Reads `V\t<json>\t<b64 of our dumps>` and
/// `I\t<b64 bytes>` lines; answers each in order, then adds its own
/// `X` (value it built), `R` (refused opcode) and `E` (refusal reason)
/// cases. Only the restricted unpickler ever loads anything.
const DRIVER: &str = r#"
import base64, copyreg, datetime, io, json, os, pickle, pickletools, random, sys

sys.setrecursionlimit(20000)
b64 = lambda b: base64.b64encode(b).decode()
dump = lambda v: json.dumps(v, separators=(",", ":"))

class Refusing(pickle.Unpickler):
    def find_class(self, module, name):
        raise pickle.UnpicklingError(f"global {module}.{name} refused")
    def persistent_load(self, pid):
        raise pickle.UnpicklingError("persistent id refused")

def safe_loads(data):
    return Refusing(io.BytesIO(data)).load()

out = []
for line in sys.stdin.read().split("\n"):
    if not line:
        continue
    kind, *fields = line.split("\t")
    if kind == "V":
        text, ours = fields
        v = json.loads(text)
        pickles = [b64(pickle.dumps(v, p)) for p in (2, 3, 4, 5)]
        back = dump(safe_loads(base64.b64decode(ours)))
        out.append("\t".join(pickles + [dump(v), back]))
    elif kind == "I":
        data = base64.b64decode(fields[0])
        try:
            out.append("ok\t%d" % int(data))
        except ValueError:
            out.append("err")

# Values Python builds: tuples, shared containers, one str object in many places.
rng = random.Random(20240601)
def text():
    pool = ["a", "", "é", "ÿ", "ā", "中", "😀", "\\", "\n", "\r", "\x1a", "\x00", "'", '"', "\\u0041", "x" * 300]
    return "".join(rng.choice(pool) for _ in range(rng.randrange(0, 5)))
def build(depth):
    r = rng.random()
    if depth > 3 or r < 0.3:
        return rng.choice([None, True, False, 0, 255, 256, 65535, 65536, -1, -2**31, 2**31, 2**63, -2**64 - 1,
                           10**40, 1.5, -0.0, float("inf"), float("-inf"), 1e300, text()])
    if r < 0.5:
        return tuple(build(depth + 1) for _ in range(rng.randrange(0, 5)))
    if r < 0.75:
        return [build(depth + 1) for _ in range(rng.randrange(0, 5))]
    return {text(): build(depth + 1) for _ in range(rng.randrange(0, 5))}
for i in range(400):
    v = build(0)
    shared_list, shared_dict, shared_str = [1, "x"], {"k": [2]}, "shared string " * 3
    v = {"v": v, "l": [shared_list, shared_list, (shared_list,)], "d": [shared_dict, shared_dict],
         "s": [shared_str, shared_str, {"t": (shared_str,)}], "e": ((), ((),), [(), ()])}
    for p in range(6):
        out.append("X\t%d\t%s\t%s" % (p, b64(pickle.dumps(v, p)), dump(v)))
# NaN: its own case, as json.dumps(float("nan")) is "NaN".
for p in range(6):
    v = [float("nan"), {"n": float("nan")}]
    out.append("X\t%d\t%s\t%s" % (p, b64(pickle.dumps(v, p)), dump(v)))

# Hand-written pickles Python reads (data only): we must read them alike.
hand = [
    b"\x80\x02K\x012.",                      # DUP
    b"\x80\x02]K\x012a.",                     # APPEND to an int: refused by both
    b"\x80\x02K\x01K\x020.",                  # POP
    b"\x80\x02(K\x01K\x021N.",                # POP_MARK
    b"\x80\x02(0N.",                          # POP of a MARK
    b"\x80\x02]r\x07\x00\x00\x00K\x01j\x07\x00\x00\x00.",  # LONG_BINPUT sparse, LONG_BINGET
    b"\x80\x02}q\x05h\x05.",                  # BINPUT 5 sparse
    b"\x80\x02]q\x09\x94h\x01.",              # MEMOIZE after a sparse PUT: index = memo size
    b"(lp3\nI1\nag3\n0.",                     # protocol 0 list, PUT/GET text
    b"(dp0\nVa\np1\nI01\nsVb\np2\nL-12345678901234567890L\ns.",
    b"(S'py2 \\'str\\' \\x41\\101\\n'\nU\x03abcT\x02\x00\x00\x00hil.",
    b"(I00\nI01\nI-5\nF1.5\nFinf\nF-inf\nF1e+16\nl.",
    b"(Vbs\\\\u0041 \\u00e9 \\U0001f600\nl.",
    b"\x80\x04\x95\x03\x00\x00\x00\x00\x00\x00\x00K\x05.",   # STOP inside the frame
    b"\x80\x04\x95\x02\x00\x00\x00\x00\x00\x00\x00K\x05.",   # STOP just after the frame
    b"\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x00N.",       # empty frame
    b"\x80\x02N.trailing bytes",
    b"\x80\x02\x8a\x00.", b"\x80\x02\x8a\x01\xff.", b"\x80\x02\x8a\x02\x00\x80.",
    b"\x80\x02\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x80\xff.",
    b"\x80\x02\x8b\x03\x00\x00\x00\xff\xff\xff.",
    b"\x80\x02\x8b\x00\x00\x00\x00.",
    b"\x80\x02)\x85\x86\x87.", b"\x80\x02K\x01K\x02K\x03t.",
    b"\x80\x02(X\x01\x00\x00\x00aK\x02d.", b"\x80\x02}(X\x01\x00\x00\x00bK\x02u.", b"\x80\x02}(X\x01\x00\x00\x00aK\x01X\x01\x00\x00\x00aK\x02u.",
    b"\x80\x02}X\x00\x00\x00\x00K\x01s.", b"\x80\x04\x8d\x02\x00\x00\x00\x00\x00\x00\x00hi.",
]
for data in hand:
    try:
        out.append("H\t%s\tok\t%s" % (b64(data), dump(safe_loads(data))))
    except Exception as e:
        out.append("H\t%s\terr\t%s" % (b64(data), type(e).__name__))

# Refused: built here, listed with pickletools (which executes nothing), never loaded.
ALLOWED = set("""PROTO FRAME STOP MARK POP POP_MARK DUP NONE NEWTRUE NEWFALSE INT BININT BININT1 BININT2
LONG LONG1 LONG4 FLOAT BINFLOAT STRING BINSTRING SHORT_BINSTRING UNICODE SHORT_BINUNICODE BINUNICODE
BINUNICODE8 EMPTY_DICT DICT SETITEM SETITEMS EMPTY_LIST LIST APPEND APPENDS EMPTY_TUPLE TUPLE TUPLE1
TUPLE2 TUPLE3 MEMOIZE PUT BINPUT LONG_BINPUT GET BINGET LONG_BINGET""".split())
def first_forbidden(data):
    for opcode, arg, pos in pickletools.genops(data):
        if opcode.name not in ALLOWED:
            return opcode.name
class Exploit:
    def __reduce__(self):
        return (os.system, ("echo pwned",))
class Plain:
    def __init__(self):
        self.x = 1
class WithNewArgsEx:
    def __new__(cls, *args, **kwargs):
        return object.__new__(cls)
    def __getnewargs_ex__(self):
        return ((1,), {"k": 2})
class Persistent(pickle.Pickler):
    def persistent_id(self, obj):
        return "pid" if obj == "secret" else None
def persistent(v, p):
    f = io.BytesIO()
    Persistent(f, p).dump(v)
    return f.getvalue()
refused = []
for p in range(6):
    for v in [Exploit(), {"a": 1, "x": [Exploit()]}, os.system, {1, 2}, frozenset([1]), b"x",
              bytearray(b"xy"), datetime.datetime(2020, 1, 2, 3, 4, 5), {"when": datetime.date(2020, 1, 1)},
              complex(1, 2), Plain(), WithNewArgsEx(), {"s": {"nested"}}]:
        refused.append(pickle.dumps(v, p))
    refused.append(persistent({"k": "secret"}, p))
def ext1(): pass
def ext2(): pass
def ext4(): pass
codes = [("ext1", 240), ("ext2", 0x1234), ("ext4", 0x123456)]
for name, code in codes:
    copyreg.add_extension("__main__", name, code)
for p in (2, 3, 4, 5):
    refused += [pickle.dumps(ext1, p), pickle.dumps(ext2, p), pickle.dumps(ext4, p)]
for name, code in codes:
    copyreg.remove_extension("__main__", name, code)
refused.append(pickle.dumps(pickle.PickleBuffer(b"abc"), 5, buffer_callback=lambda b: False))
refused.append(pickle.dumps(pickle.PickleBuffer(bytearray(b"abc")), 5, buffer_callback=lambda b: False))
refused += [b"(ios\nsystem\nS'echo pwned'\n.", b"(No.", b"}Nb.", b"N)R.", b"\x80\x02N\x85\x81."]
for data in refused:
    out.append("R\t%s\t%s" % (first_forbidden(data), b64(data)))

# Read by CPython, refused by us: the reason must be named.
l = []; l.append(l)
d = {}; d["self"] = [d]
bomb = []
for _ in range(60):
    bomb = [bomb, bomb]
deep = []
for _ in range(1000):
    deep = [deep]
deep_ok = []
for _ in range(999):
    deep_ok = [deep_ok]
t_cycle = []; t_cycle.append((t_cycle,))
l2 = []; t2 = (l2,); l2.append(t2)  # pickled with POP_MARK (or POPs) then a GET
for v, why in [(l, "contains itself"), (d, "contains itself"), (t_cycle, "contains itself"),
               (t2, "contains itself"), ({1: 2}, "dict key is of type int"),
               ({"a": {(1, 2): 3}}, "dict key is of type tuple"), ({None: 1}, "dict key is of type NoneType"), (10**4300, "more than 4300 digits"),
               (-(10**5000), "more than 4300 digits"), ("\ud800", "lone surrogate"),
               ({"k": "a\udfffb"}, "lone surrogate"), (bomb, "units"), (deep, "deep")]:
    for p in (0, 1, 2, 5):
        try:
            data = pickle.dumps(v, p)
            safe_loads(data)  # CPython reads it
        except ValueError:  # protocols 0 and 1 write a big int as digits: over Python's limit too
            continue
        out.append("E\t%s\t%s" % (why, b64(data)))
out.append("E\t-\t" + b64(pickle.dumps(deep_ok, 5)))  # 999 lists in a list: 1000 deep, read

sys.stdout.write("\n".join(out) + "\n")
"#;

/// A seeded generator (splitmix64), so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// `2^k + delta`, negated if asked, in decimal (for ints past i64).
fn pow2(k: u32, delta: i64, negative: bool) -> Value {
    let mut limbs: Vec<u64> = vec![1]; // little-endian base 10^9
    for _ in 0..k {
        let mut carry = 0;
        for limb in &mut limbs {
            let t = *limb * 2 + carry;
            *limb = t % 1_000_000_000;
            carry = t / 1_000_000_000;
        }
        if carry > 0 {
            limbs.push(carry);
        }
    }
    // delta is small: apply it to the lowest limb with a borrow or carry.
    let mut low = limbs[0] as i64 + delta;
    let mut i = 0;
    while !(0..1_000_000_000).contains(&low) {
        let (value, carry) = if low < 0 {
            (low + 1_000_000_000, -1)
        } else {
            (low - 1_000_000_000, 1)
        };
        limbs[i] = value as u64;
        i += 1;
        if i == limbs.len() {
            limbs.push(0);
        }
        low = limbs[i] as i64 + carry;
    }
    limbs[i] = low as u64;
    let mut text = String::from(if negative { "-" } else { "" });
    let mut rest = limbs.iter().rev().skip_while(|&&l| l == 0);
    if let Some(top) = rest.next() {
        text.push_str(&top.to_string());
    }
    for limb in rest {
        text.push_str(&format!("{limb:09}"));
    }
    Value::Int(Int::parse(&text).expect("a decimal int"))
}

/// Ints at every opcode boundary: BININT1/BININT2/BININT, LONG1 of 5 to
/// 255 bytes, LONG4 from 256.
fn boundary_ints() -> Vec<Value> {
    let mut ints: Vec<Value> = [
        0,
        1,
        255,
        256,
        65535,
        65536,
        -1,
        -128,
        -129,
        -255,
        -256,
        -32768,
        -65536,
        i64::from(i32::MAX),
        i64::from(i32::MAX) + 1,
        i64::from(i32::MIN),
        i64::from(i32::MIN) - 1,
        1 << 32,
        1 << 39,
        -(1 << 39),
        -(1 << 39) - 1,
        i64::MAX,
        i64::MIN,
        i64::MIN + 1,
    ]
    .into_iter()
    .map(Value::from)
    .collect();
    for k in [63, 64, 71, 72, 127, 128, 2039, 2040, 2047, 2048, 5000] {
        for delta in [-1, 0, 1] {
            ints.push(pow2(k, delta, false));
            ints.push(pow2(k, delta, true));
        }
    }
    ints.push(Value::Int(Int::parse(&"9".repeat(4300)).unwrap()));
    ints.push(Value::Int(
        Int::parse(&format!("-{}", "7".repeat(4300))).unwrap(),
    ));
    ints
}

fn random_int(rng: &mut Rng, boundaries: &[Value]) -> Value {
    match rng.below(4) {
        0 => rng.pick(boundaries).clone(),
        1 => Value::from(rng.next() as i64 >> rng.below(64)),
        2 => Value::from(rng.below(70000) as i64 - 1000),
        _ => {
            let digits: String = (0..1 + rng.below(120))
                .map(|i| char::from(b'0' + (rng.below(9) + usize::from(i == 0)) as u8))
                .collect();
            let sign = if rng.below(2) == 0 { "-" } else { "" };
            Value::Int(Int::parse(&format!("{sign}{digits}")).unwrap())
        }
    }
}

fn random_float(rng: &mut Rng) -> f64 {
    let special = [
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        0.0,
        -0.0,
        5e-324,
        f64::MIN_POSITIVE,
        f64::MAX,
        1e16,
        1e-5,
        0.1,
        -1.5,
        1e22,
    ];
    match rng.below(3) {
        0 => *rng.pick(&special),
        1 => (rng.below(2_000_000) as f64 - 1e6) / 100.0,
        _ => {
            let f = f64::from_bits(rng.next());
            if f.is_nan() {
                0.25
            } else {
                f
            }
        }
    }
}

/// Text from every class that matters: ASCII, controls, Latin-1 (one
/// object each in CPython when alone), the BMP, astral planes.
fn random_text(rng: &mut Rng) -> String {
    const CHARS: &[char] = &[
        'a',
        'b',
        'z',
        ' ',
        '"',
        '\\',
        '/',
        '\0',
        '\n',
        '\x1f',
        '\x7f',
        '\u{80}',
        'é',
        'ÿ',
        'ā',
        'ő',
        '中',
        '\u{2028}',
        '\u{feff}',
        '\u{fffd}',
        '😀',
        '𝄞',
        '\u{10ffff}',
    ];
    let len = match rng.below(6) {
        0 => 0,
        1 | 2 => 1,
        _ => rng.below(20),
    };
    (0..len).map(|_| *rng.pick(CHARS)).collect()
}

/// Keys shared across the whole value (so repeated keys are one object in
/// Python) and random ones.
fn random_key(rng: &mut Rng, pool: &[String]) -> String {
    if rng.below(3) == 0 {
        random_text(rng)
    } else {
        rng.pick(pool).clone()
    }
}

/// A depth at which [`random_value`] gives only scalars.
const LEAF: usize = 5;

fn random_value(rng: &mut Rng, depth: usize, pool: &[String], ints: &[Value]) -> Value {
    let leaf = depth >= LEAF || rng.below(10) < 5 + depth;
    match rng.below(if leaf { 5 } else { 7 }) {
        0 => rng
            .pick(&[Value::None, Value::Bool(true), Value::Bool(false)])
            .clone(),
        1 => random_int(rng, ints),
        2 => Value::Float(random_float(rng)),
        3 | 4 => Value::Str(random_text(rng)),
        5 => {
            // Now and then a long one (of scalars), across the 1000-item batches.
            let (n, below) = match rng.below(150) {
                0 if depth <= 1 => (rng.below(2100), LEAF),
                _ => (rng.below(6), depth + 1),
            };
            Value::List(
                (0..n)
                    .map(|_| random_value(rng, below, pool, ints))
                    .collect(),
            )
        }
        _ => Value::Dict(random_dict(rng, depth + 1, pool, ints)),
    }
}

fn random_dict(rng: &mut Rng, depth: usize, pool: &[String], ints: &[Value]) -> Dict {
    let (n, below) = match rng.below(200) {
        0 if depth <= 1 => (*rng.pick(&[999, 1000, 1001, 2000, 2001]), LEAF),
        _ => (rng.below(7), depth),
    };
    let mut dict = Dict::new();
    for i in 0..n {
        // A long dict needs more keys than the pool has.
        let key = match n {
            0..7 => random_key(rng, pool),
            _ => format!("{}{i}", random_key(rng, pool)),
        };
        dict.insert(key, random_value(rng, below, pool, ints));
    }
    dict
}

/// Values built to reach the framer's and the memo's edges.
fn edge_values() -> Vec<Value> {
    let s = |n: usize, c: char| Value::Str(std::iter::repeat_n(c, n).collect());
    let dict = |pairs: Vec<(String, Value)>| Value::Dict(pairs.into_iter().collect());
    let mut values = vec![
        s(65535, 'x'),
        s(65536, 'x'),
        s(70000, 'y'),
        s(21845, '中'), // 65535 bytes
        s(21846, '中'), // 65538 bytes in 21846 chars
        s(16384, '😀'),
        Value::List(vec![s(65536, 'x')]),
        Value::List(vec![s(65530, 'x')]),
        dict(vec![("a".into(), s(70000, 'x')), ("b".into(), "y".into())]),
        dict(vec![
            ("a".into(), s(65536, 'x')),
            ("a2".into(), s(65536, 'z')),
        ]),
        Value::List((0..2500).map(|i| Value::from(i * 37)).collect()),
        Value::List(vec![Value::None; 1000]),
        Value::List(vec![Value::None; 1001]),
        Value::List(vec![Value::None; 2000]),
        Value::List(vec![]),
        Value::Dict(Dict::new()),
        Value::List(vec![Value::Dict(Dict::new())]),
    ];
    for n in [1, 2, 999, 1000, 1001, 2000, 2001, 12000] {
        values.push(dict(
            (0..n)
                .map(|i| (format!("k{i:05}"), Value::from(i)))
                .collect(),
        ));
    }
    // Many frames, with keys shared across them.
    values.push(Value::List(
        (0..3000)
            .map(|i| {
                dict(vec![
                    ("id".into(), Value::from(i)),
                    ("name".into(), Value::Str(format!("item {i}"))),
                    (
                        "tags".into(),
                        Value::List(vec!["a".into(), "".into(), "é".into()]),
                    ),
                ])
            })
            .collect(),
    ));
    // Memo indexes past 255: LONG_BINGET for keys and one-character strings.
    let mut strings: Vec<Value> = (0..400).map(|i| Value::Str(format!("s{i}"))).collect();
    strings.push(dict(vec![("long key".into(), Value::from(1))]));
    strings.extend(["a", "", "ÿ", "long key"].map(Value::from));
    strings.push(dict(vec![
        ("long key".into(), Value::from(2)),
        ("a".into(), "".into()),
    ]));
    values.push(Value::List(strings));
    // Long keys (BINUNICODE), repeated.
    let long_key = "k".repeat(300);
    values.push(Value::List(
        (0..5)
            .map(|i| dict(vec![(long_key.clone(), Value::from(i))]))
            .collect(),
    ));
    // Deep, within what Python's json and pickle recurse through.
    let mut deep = Value::from(1);
    for i in 0..400 {
        deep = if i % 2 == 0 {
            Value::List(vec![deep, "a".into()])
        } else {
            dict(vec![("d".into(), deep), ("a".into(), "a".into())])
        };
    }
    values.push(deep);
    values
}

fn b64(data: &[u8]) -> String {
    edge_sessions::signing::b64_encode(data)
}

/// Standard base64 (Python's `b64encode`) back to bytes.
fn unb64(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut sextets = [0u8; 256];
    for (i, &c) in ALPHABET.iter().enumerate() {
        sextets[usize::from(c)] = i as u8;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for c in text.bytes().filter(|&c| c != b'=') {
        acc = acc << 6 | u32::from(sextets[usize::from(c)]);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// Standard base64 (with `+/` and padding), for Python's `b64decode`.
fn std_b64(data: &[u8]) -> String {
    b64(data).replace('-', "+").replace('_', "/") + &"=".repeat((3 - data.len() % 3) % 3)
}

/// `int()` cases for [`pickle::int_entry`].
fn int_entries() -> Vec<Vec<u8>> {
    let mut cases: Vec<Vec<u8>> = [
        &b" 1_000 "[..],
        b"12a",
        b"",
        b"+7",
        b"\x0c7",
        b"\t\n\r\x0b\x0c 42 \x0c",
        b"-0",
        b"+-7",
        b"-+7",
        b"--7",
        b"1__0",
        b"_1",
        b"1_",
        b"0_0",
        b"0x10",
        b"007",
        b"+",
        b"-",
        b" ",
        b"4 2",
        b"1\x00",
        b"\x1c42",
        b"\xa042",
        b"\xd9\xa1",
        b"9223372036854775807",
        b"9223372036854775808",
        b"-9223372036854775809",
        b"-_1",
        b"+_1",
    ]
    .iter()
    .map(|c| c.to_vec())
    .collect();
    cases.push("\u{0661}\u{0662}".into()); // Arabic-Indic digits
    cases.push("\u{2003}42".into());
    cases.push("42\u{3000}".into());
    cases.push(vec![b'1'; 4300]);
    cases.push(vec![b'1'; 4301]);
    cases
}

fn json_of(value: &Value) -> String {
    json::dumps(value).expect("a value with JSON")
}

#[test]
fn pickle_agrees_with_cpython() {
    let started = Instant::now();
    let mut rng = Rng(0x005e_ed0f_d1a9_0000);
    let ints = boundary_ints();
    let mut pool: Vec<String> = [
        "_auth_user_id",
        "_auth_user_backend",
        "_session_expiry",
        "a",
        "",
        "é",
        "cart",
    ]
    .map(String::from)
    .to_vec();
    pool.push("k".repeat(256));
    let mut values: Vec<Value> = ints.clone();
    for _ in 0..2200 {
        if rng.below(40) == 0 {
            pool.push(random_text(&mut rng));
        }
        values.push(Value::Dict(random_dict(&mut rng, 0, &pool, &ints)));
    }
    values.extend((0..200).map(|_| random_value(&mut rng, 0, &pool, &ints)));
    values.extend(edge_values());
    let entries = int_entries();

    let mut input = String::new();
    let mut ours = Vec::new();
    for value in &values {
        let bytes = pickle::dumps(value).expect("our dumps");
        if let Value::Dict(dict) = value {
            assert_eq!(pickle::dumps_dict(dict).unwrap(), bytes, "dumps_dict");
        }
        input.push_str(&format!("V\t{}\t{}\n", json_of(value), std_b64(&bytes)));
        ours.push(bytes);
    }
    for entry in &entries {
        input.push_str(&format!("I\t{}\n", std_b64(entry)));
    }

    let mut python = Command::new("python3")
        .args(["-c", DRIVER])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("python3 must be installed to run this test");
    let mut stdin = python.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let mut output = String::new();
    python
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut output)
        .expect("python's answer");
    writer.join().unwrap().expect("feeding python");
    assert!(python.wait().unwrap().success(), "the Python driver failed");
    let mut lines = output.lines();

    // Writing (ours == CPython's protocol 5) and reading protocols 2 to 5.
    let mut bytes_compared = 0;
    let mut pickles_read = 0;
    for (value, ours) in values.iter().zip(&ours) {
        let line = lines.next().expect("an answer per value");
        let fields: Vec<&str> = line.split('\t').collect();
        let [p2, p3, p4, p5, python_json, back] = fields[..] else {
            panic!("bad line {line:?}");
        };
        let text = json_of(value);
        assert_eq!(python_json, text, "Python's JSON of our JSON");
        let p5 = unb64(p5);
        if *ours != p5 {
            let at = ours.iter().zip(&p5).position(|(a, b)| a != b);
            panic!(
                "dumps differs from CPython at byte {at:?} (ours {} bytes, Python {}) for {}",
                ours.len(),
                p5.len(),
                &text[..text.len().min(300)]
            );
        }
        bytes_compared += p5.len();
        assert_eq!(back, text, "Python reading our pickle");
        for pickled in [p2, p3, p4] {
            let pickled = unb64(pickled);
            let read = pickle::loads(&pickled).unwrap_or_else(|e| panic!("{e} for {text:.300}"));
            assert_eq!(json_of(&read), text);
            pickles_read += 1;
        }
        assert_eq!(&pickle::loads(&p5).unwrap(), value);
        pickles_read += 1;
    }
    for entry in &entries {
        let line = lines.next().expect("an answer per int entry");
        let expected = line.strip_prefix("ok\t");
        let ours = pickle::int_entry(entry).map(|n| n.to_string());
        assert_eq!(
            ours.as_deref(),
            expected,
            "int({:?})",
            String::from_utf8_lossy(entry)
        );
    }

    // What Python built, hand-written pickles, refusals.
    let (mut built, mut hand, mut refused, mut reasons) = (0, 0, 0, 0);
    for line in lines {
        let fields: Vec<&str> = line.split('\t').collect();
        match fields[..] {
            ["X", protocol, data, expected] => {
                let read = pickle::loads(&unb64(data))
                    .unwrap_or_else(|e| panic!("protocol {protocol}: {e} for {expected:.300}"));
                assert_eq!(json_of(&read), expected, "protocol {protocol}");
                built += 1;
            }
            ["H", data, "ok", expected] => {
                let read = pickle::loads(&unb64(data))
                    .unwrap_or_else(|e| panic!("{e} for hand-written {data}"));
                assert_eq!(json_of(&read), expected, "hand-written {data}");
                hand += 1;
            }
            ["H", data, "err", why] => {
                assert!(
                    pickle::loads(&unb64(data)).is_err(),
                    "Python refuses {data} ({why})"
                );
                hand += 1;
            }
            ["R", opcode, data] => {
                let error = pickle::loads(&unb64(data))
                    .expect_err("a refused pickle")
                    .to_string();
                assert!(
                    error.contains(&format!("opcode {opcode} ")),
                    "expected {opcode} refused, got {error:?}"
                );
                refused += 1;
            }
            ["E", "-", data] => {
                assert_eq!(pickle::loads(&unb64(data)).unwrap().depth(), 1000);
            }
            ["E", why, data] => {
                let error = pickle::loads(&unb64(data)).expect_err(why).to_string();
                assert!(error.contains(why), "expected {why:?}, got {error:?}");
                reasons += 1;
            }
            _ => panic!("bad line {line:?}"),
        }
    }
    assert!(built >= 2400 && hand >= 30 && refused >= 90 && reasons >= 45);
    println!(
        "{} values written and compared with CPython ({bytes_compared} bytes), {pickles_read} \
         CPython pickles read, {built} Python-built pickles (protocols 0-5), {hand} hand-written, \
         {refused} refused by opcode, {reasons} refused by reason, {} int entries, in {:.1?}",
        values.len(),
        entries.len(),
        started.elapsed()
    );
}
