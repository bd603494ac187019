//! Python's pickle, data only: the format Django's cache backends store a
//! session dict in (`pickle.dumps(dict, pickle.HIGHEST_PROTOCOL)`, by
//! RedisCache's `RedisSerializer`, the locmem, file and database caches, and
//! django-redis's default serializer).
//!
//! # Reading
//!
//! [`loads`] reads protocols 0 to 5, but only the opcodes that the values a
//! session holds produce: `None`, `bool`, `int`, `float`, `str`, `list`,
//! `tuple` (read as a list) and `dict` with `str` keys, plus the stack, memo
//! and framing opcodes around them. Every opcode that would import a global,
//! call or build an object, or make a value a session cannot hold (bytes,
//! sets, buffers) is refused with an error naming it, so nothing is ever
//! imported or executed. Python 2's `str` opcodes (`STRING`, `BINSTRING`,
//! `SHORT_BINSTRING`) read as `str` when ASCII, as Python 3 reads them by
//! default.
//!
//! The memo lets a pickle refer to one object from many places (Python's
//! pickler does so for every object it meets again). The value tree has no
//! sharing, so each reference is copied, and copies are bounded in
//! [`MAX_UNITS`], units of about a byte of memory ([`NODE_UNITS`] per value,
//! one per byte of text): the values the pickle creates plus the dict keys
//! it copies may cost that much, and so may the value built at `STOP`.
//! Without the bound, a list holding the same list twice, 60 levels deep,
//! would be a few hundred bytes of pickle and 2⁶⁰ values; with it, that
//! pickle is refused in milliseconds. Whatever [`dumps`] writes costs no
//! more to read than the value it wrote, so it reads back.
//!
//! A container that holds itself cannot be a tree and is refused; so is
//! nesting deeper than [`MAX_DEPTH`], an int of more than
//! [`MAX_INT_DIGITS`] digits, and a `str` Rust cannot hold (a lone
//! surrogate).
//!
//! Malformed input is an error, never a panic: a declared length is checked
//! against the bytes left before anything is allocated, and frames are held
//! to what they declare, as Python's own `pickle._Unpickler` does (an opcode
//! may not run past the end of its frame, nor a frame start inside another).
//! The C unpickler is laxer there; no pickler writes such frames. Bytes
//! after `STOP` are ignored, as Python does. The text opcodes of protocol 0
//! (`INT`, `LONG`, `FLOAT`, `PUT`, `GET`) take the decimal forms Python
//! writes; the octal, hex and underscore spellings Python's parser would
//! also take are refused.
//!
//! # Writing
//!
//! [`dumps`] gives the bytes of CPython's C pickler, `pickle.dumps(value,
//! 5)`, for the object `json.loads` makes of the value's JSON, which is what
//! Django stores for a session it read from JSON:
//!
//! - `FRAME`s as `_pickle.c` cuts them: a frame opens at the first write
//!   after `PROTO`, and is closed before saving each object once it holds
//!   64 KiB or more; a frame of fewer than 4 bytes loses its header. A `str`
//!   of 64 KiB or more of UTF-8 closes the frame and is written outside any.
//! - `MEMOIZE` after every dict, list and `str` written; `SETITEMS` and
//!   `APPENDS` in batches of 1000 after a `MARK`. A dict of one item uses
//!   `SETITEM` and a list of one item `APPEND`; a dict whose size is a
//!   multiple of 1000 ends with an empty `MARK SETITEMS` batch, as in C.
//! - ints by range: `BININT1` (0..=255), `BININT2` (..=65535), `BININT`
//!   (the rest of i32), then `LONG1`/`LONG4` with the fewest two's-complement
//!   bytes; floats as big-endian `BINFLOAT` (NaN as Python's `nan`).
//! - Which `str`s are one object, so written once and then fetched from the
//!   memo with `BINGET`/`LONG_BINGET`: `json.loads` gives equal dict keys
//!   one object across the whole document (its scanner memoizes keys), and
//!   CPython has one empty string and one string for each of the 256
//!   one-character Latin-1 strings, keys or values. Other equal strings are
//!   separate objects and are written each time.
//!
//! ```
//! use edge_sessions::pickle::{dumps, loads};
//! use edge_sessions::value::{Dict, Value};
//! let mut session = Dict::new();
//! session.insert("cart".into(), Value::List(vec![Value::from(3), Value::from("a")]));
//! let entry = dumps(&Value::Dict(session.clone())).unwrap();
//! assert_eq!(entry, b"\x80\x05\x95\x15\0\0\0\0\0\0\0}\x94\x8c\x04cart\x94]\x94(K\x03\x8c\x01a\x94es.");
//! assert_eq!(loads(&entry).unwrap(), Value::Dict(session));
//! ```

use crate::error::{Error, PayloadError, Result};
use crate::json::MAX_DEPTH;
use crate::value::{Dict, Int, Value, MAX_INT_DIGITS};
use std::collections::{BTreeMap, HashMap};

/// `pickle.loads(data)` for the values a session holds.
pub fn loads(data: &[u8]) -> Result<Value> {
    Reader::new(data).run()
}

/// `pickle.dumps(json.loads(json_text), 5)`, where `json_text` is the
/// value's JSON (see the module docs for what that decides).
pub fn dumps(value: &Value) -> Result<Vec<u8>> {
    let mut writer = Writer::new();
    writer.save(value, MAX_DEPTH)?;
    Ok(writer.finish())
}

/// `pickle.dumps(dict, 5)`: what Django's cache stores for a session; the
/// same bytes as [`dumps`] of the dict as a value.
pub fn dumps_dict(dict: &Dict) -> Result<Vec<u8>> {
    let mut writer = Writer::new();
    writer.save_dict(dict, MAX_DEPTH)?;
    Ok(writer.finish())
}

/// Django's `RedisSerializer.loads` tries `int(data)` first: the int in a
/// cache entry of bare digits (Python's `int()` of bytes: ASCII whitespace
/// around, a sign, digits with single underscores between them).
pub fn int_entry(entry: &[u8]) -> Option<Int> {
    let text = std::str::from_utf8(entry).ok()?;
    let text = text.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c'));
    let (sign, digits) = match text.as_bytes().first() {
        Some(b'-') => ("-", text.get(1..)?),
        Some(b'+') => ("", text.get(1..)?),
        _ => ("", text),
    };
    // One sign only (`int(b"+-7")` fails), and underscores only between digits.
    if !digits.bytes().all(|b| b.is_ascii_digit() || b == b'_')
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
    {
        return None;
    }
    let digits: String = digits.chars().filter(|&c| c != '_').collect();
    Int::parse(&format!("{sign}{digits}"))
}

/// The most reading a pickle may cost, in units of about a byte of memory:
/// [`NODE_UNITS`] per value and one per byte of text. The values the pickle
/// machine creates plus the dict keys it copies may cost this much, and so
/// may the value built at `STOP` (each memo reference copied): 16 Mi, far
/// past any session, and a few tens of MB at most, within a Worker's 128.
pub const MAX_UNITS: usize = 16 << 20;

/// What one value (scalar, list, dict, dict key) costs of [`MAX_UNITS`],
/// besides the bytes of its text: about its size in memory.
pub const NODE_UNITS: usize = 64;

/// Defines the opcode constants (`op::MARK`, ...) and their names.
macro_rules! opcodes {
    ($($name:ident = $byte:expr),* $(,)?) => {
        /// The opcodes, named as in Python's `pickletools`.
        mod op {
            $(pub const $name: u8 = $byte;)*
        }
        /// Every opcode byte with its name, for messages.
        const NAMES: &[(u8, &str)] = &[$((op::$name, stringify!($name))),*];
    };
}

opcodes! {
    // The ones a session's values need, protocols 0 to 5.
    MARK = b'(', STOP = b'.', POP = b'0', POP_MARK = b'1', DUP = b'2',
    FLOAT = b'F', INT = b'I', BININT = b'J', BININT1 = b'K', LONG = b'L',
    BININT2 = b'M', NONE = b'N', STRING = b'S', BINSTRING = b'T',
    SHORT_BINSTRING = b'U', UNICODE = b'V', BINUNICODE = b'X', APPEND = b'a',
    DICT = b'd', EMPTY_DICT = b'}', APPENDS = b'e', GET = b'g', BINGET = b'h',
    LONG_BINGET = b'j', LIST = b'l', EMPTY_LIST = b']', PUT = b'p',
    BINPUT = b'q', LONG_BINPUT = b'r', SETITEM = b's', TUPLE = b't',
    EMPTY_TUPLE = b')', SETITEMS = b'u', BINFLOAT = b'G', PROTO = 0x80,
    TUPLE1 = 0x85, TUPLE2 = 0x86, TUPLE3 = 0x87, NEWTRUE = 0x88,
    NEWFALSE = 0x89, LONG1 = 0x8a, LONG4 = 0x8b, SHORT_BINUNICODE = 0x8c,
    BINUNICODE8 = 0x8d, MEMOIZE = 0x94, FRAME = 0x95,
    // The refused ones.
    PERSID = b'P', BINPERSID = b'Q', REDUCE = b'R', BUILD = b'b',
    GLOBAL = b'c', INST = b'i', OBJ = b'o', NEWOBJ = 0x81, EXT1 = 0x82,
    EXT2 = 0x83, EXT4 = 0x84, BINBYTES = b'B', SHORT_BINBYTES = b'C',
    BINBYTES8 = 0x8e, EMPTY_SET = 0x8f, ADDITEMS = 0x90, FROZENSET = 0x91,
    NEWOBJ_EX = 0x92, STACK_GLOBAL = 0x93, BYTEARRAY8 = 0x96,
    NEXT_BUFFER = 0x97, READONLY_BUFFER = 0x98,
}

fn name(opcode: u8) -> Option<&'static str> {
    NAMES
        .iter()
        .find(|&&(byte, _)| byte == opcode)
        .map(|&(_, name)| name)
}

/// Why a known opcode is refused.
fn refusal(name: &str) -> &'static str {
    match name {
        "GLOBAL" | "STACK_GLOBAL" | "INST" => "it imports a global",
        "EXT1" | "EXT2" | "EXT4" => "it imports from the extension registry",
        "REDUCE" | "BUILD" | "OBJ" | "NEWOBJ" | "NEWOBJ_EX" => "it calls or builds an object",
        "PERSID" | "BINPERSID" => "it asks for a persistent object",
        "EMPTY_SET" | "ADDITEMS" | "FROZENSET" => "a set is not a session value",
        _ => "bytes are not a session value",
    }
}

fn bad(message: String) -> Error {
    Error::BadPayload(PayloadError::Pickle(message))
}

/// A value under construction, by its place in [`Reader::nodes`].
type NodeId = usize;

/// What the pickle machine builds: containers hold node ids, not values,
/// because Python's containers are shared by reference and may still grow
/// after they are placed (a memoized list is appended to later).
enum Node {
    /// `None`, a bool, int, float or str: immutable.
    Atom(Value),
    List(Vec<NodeId>),
    /// Read as a list, but never appended to, as in Python.
    Tuple(Vec<NodeId>),
    Dict(Slots),
}

/// A dict under construction: [`Dict`]'s order and replace-in-place rules,
/// each key holding a node id (as an int) rather than a value.
#[derive(Default)]
struct Slots(Dict);

impl Slots {
    fn set(&mut self, key: String, id: NodeId) {
        self.0.insert(key, Value::Int(Int::Small(id as i64)));
    }

    fn iter(&self) -> impl Iterator<Item = (&str, NodeId)> {
        self.0
            .iter()
            .filter_map(|(key, id)| Some((key, id.as_i64()? as NodeId)))
    }
}

/// The pickle machine: a stack of node ids, a stack of marks (stack
/// heights), and the memo.
struct Reader<'a> {
    data: &'a [u8],
    at: usize,
    /// Where the current frame ends, while reading inside one.
    frame_end: Option<usize>,
    /// The opcode being run and where it started, for messages.
    op: u8,
    op_at: usize,
    nodes: Vec<Node>,
    stack: Vec<NodeId>,
    marks: Vec<usize>,
    /// Sparse, as `PUT` may name any index: a map, so no index allocates.
    memo: BTreeMap<usize, NodeId>,
    /// Units spent on nodes and copied dict keys (see [`MAX_UNITS`]).
    units: usize,
}

impl<'a> Reader<'a> {
    fn new(data: &'a [u8]) -> Self {
        Reader {
            data,
            at: 0,
            frame_end: None,
            op: 0,
            op_at: 0,
            nodes: Vec::new(),
            stack: Vec::new(),
            marks: Vec::new(),
            memo: BTreeMap::new(),
            units: 0,
        }
    }

    /// An error about the opcode being run.
    fn error(&self, what: impl std::fmt::Display) -> Error {
        let op = name(self.op).unwrap_or("opcode");
        bad(format!("{op} at byte {}: {what}", self.op_at))
    }

    fn run(mut self) -> Result<Value> {
        loop {
            self.op_at = self.at;
            if self.at >= self.data.len() {
                return Err(bad(format!("pickle ends at byte {} without STOP", self.at)));
            }
            self.op = self.byte()?;
            match self.op {
                op::STOP => break,
                op::PROTO | op::FRAME => self.framing()?,
                op::MARK | op::POP | op::POP_MARK | op::DUP => self.stack_op()?,
                op::MEMOIZE
                | op::PUT
                | op::BINPUT
                | op::LONG_BINPUT
                | op::GET
                | op::BINGET
                | op::LONG_BINGET => self.memo_op()?,
                op::NONE
                | op::NEWTRUE
                | op::NEWFALSE
                | op::INT
                | op::BININT
                | op::BININT1
                | op::BININT2
                | op::LONG
                | op::LONG1
                | op::LONG4
                | op::FLOAT
                | op::BINFLOAT => {
                    let value = self.scalar()?;
                    self.push(Node::Atom(value))?;
                }
                op::SHORT_BINUNICODE
                | op::BINUNICODE
                | op::BINUNICODE8
                | op::UNICODE
                | op::STRING
                | op::BINSTRING
                | op::SHORT_BINSTRING => {
                    let text = self.string()?;
                    self.push(Node::Atom(Value::Str(text)))?;
                }
                op::EMPTY_DICT
                | op::EMPTY_LIST
                | op::EMPTY_TUPLE
                | op::DICT
                | op::LIST
                | op::TUPLE
                | op::TUPLE1
                | op::TUPLE2
                | op::TUPLE3 => self.container()?,
                op::APPEND | op::APPENDS | op::SETITEM | op::SETITEMS => self.fill()?,
                other => {
                    return Err(match name(other) {
                        Some(name) => bad(format!(
                            "opcode {name} (0x{other:02x}) at byte {} is refused: {}",
                            self.op_at,
                            refusal(name)
                        )),
                        None => bad(format!(
                            "unknown opcode 0x{other:02x} at byte {}",
                            self.op_at
                        )),
                    })
                }
            }
        }
        let top = self.pop()?;
        Builder::new(&self.nodes).value(top, MAX_DEPTH)
    }

    // --- Reading bytes, within frames ---

    /// The next `n` bytes, after checking they are there (and, inside a
    /// frame, that they are in it).
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if self.frame_end == Some(self.at) {
            self.frame_end = None;
        }
        let limit = self.frame_end.unwrap_or(self.data.len());
        let Some(end) = self.at.checked_add(n).filter(|&end| end <= limit) else {
            return Err(match self.frame_end {
                Some(_) => self.error(format!("needs {n} bytes, past the end of its frame")),
                None => self.error(format!(
                    "pickle data was truncated: needs {n} bytes, {} left",
                    self.data.len() - self.at.min(self.data.len())
                )),
            });
        };
        let bytes = self.data.get(self.at..end).unwrap_or_default();
        self.at = end;
        Ok(bytes)
    }

    fn byte(&mut self) -> Result<u8> {
        Ok(self.array::<1>()?[0])
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let bytes = self.take(N)?;
        bytes.try_into().map_err(|_| self.error("short read"))
    }

    /// A length argument as a `usize` (one the input could not hold fails
    /// in [`Reader::take`], never in an allocation).
    fn length(&self, n: u64) -> Result<usize> {
        usize::try_from(n).map_err(|_| self.error(format!("length {n} is too large")))
    }

    /// The argument of a text opcode: up to the next `\n`, which is skipped.
    fn line(&mut self) -> Result<&'a [u8]> {
        if self.frame_end == Some(self.at) {
            self.frame_end = None;
        }
        let limit = self.frame_end.unwrap_or(self.data.len());
        let rest = self.data.get(self.at..limit).unwrap_or_default();
        let Some(n) = rest.iter().position(|&b| b == b'\n') else {
            return Err(self.error("argument has no end of line"));
        };
        self.at += n + 1;
        Ok(rest.get(..n).unwrap_or_default())
    }

    /// A text argument that must be a decimal int as Python writes it: an
    /// optional `-` and digits, without leading zeros.
    fn decimal(&self, line: &[u8]) -> Result<Int> {
        let text = std::str::from_utf8(line).unwrap_or_default();
        let digits = text.strip_prefix('-').unwrap_or(text);
        let plain = !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (digits == "0" || !digits.starts_with('0'));
        if !plain {
            let line = String::from_utf8_lossy(line);
            return Err(self.error(format!("{line:?} is not a plain decimal int")));
        }
        Int::parse(text)
            .ok_or_else(|| self.error(format!("int has more than {MAX_INT_DIGITS} digits")))
    }

    // --- PROTO, FRAME ---

    fn framing(&mut self) -> Result<()> {
        if self.op == op::PROTO {
            let version = self.byte()?;
            if version > 5 {
                return Err(self.error(format!("unsupported pickle protocol: {version}")));
            }
            return Ok(());
        }
        let len = u64::from_le_bytes(self.array()?);
        if self.frame_end.is_some_and(|end| self.at < end) {
            return Err(self.error("a frame starts before the current one ends"));
        }
        let left = self.data.len() - self.at.min(self.data.len());
        let end = usize::try_from(len)
            .ok()
            .filter(|&len| len <= left)
            .map(|len| self.at + len)
            .ok_or_else(|| self.error(format!("frame of {len} bytes, but {left} left")))?;
        self.frame_end = Some(end);
        Ok(())
    }

    // --- The stack and its marks ---

    /// The height the stack may not go below: the last mark.
    fn fence(&self) -> usize {
        self.marks.last().copied().unwrap_or(0)
    }

    /// A new value onto the stack (counted against [`MAX_UNITS`]).
    fn push(&mut self, node: Node) -> Result<()> {
        self.spend(NODE_UNITS)?;
        self.stack.push(self.nodes.len());
        self.nodes.push(node);
        Ok(())
    }

    fn spend(&mut self, units: usize) -> Result<()> {
        self.units = self.units.saturating_add(units);
        if self.units > MAX_UNITS {
            return Err(self.error(too_big()));
        }
        Ok(())
    }

    fn pop(&mut self) -> Result<NodeId> {
        if self.stack.len() <= self.fence() {
            return Err(self.error("stack underflow"));
        }
        self.stack
            .pop()
            .ok_or_else(|| self.error("stack underflow"))
    }

    fn top(&self) -> Result<NodeId> {
        match self.stack.last() {
            Some(&top) if self.stack.len() > self.fence() => Ok(top),
            _ => Err(self.error("stack underflow")),
        }
    }

    /// Everything pushed since the last MARK, which is dropped.
    fn pop_mark(&mut self) -> Result<Vec<NodeId>> {
        let mark = self
            .marks
            .pop()
            .ok_or_else(|| self.error("no MARK before it"))?;
        Ok(self.stack.split_off(mark.min(self.stack.len())))
    }

    fn stack_op(&mut self) -> Result<()> {
        match self.op {
            op::MARK => self.marks.push(self.stack.len()),
            op::POP_MARK => drop(self.pop_mark()?),
            op::DUP => self.stack.push(self.top()?),
            // POP drops the top value, or the last MARK if nothing is above it.
            _ if self.stack.len() > self.fence() => drop(self.stack.pop()),
            _ => drop(
                self.marks
                    .pop()
                    .ok_or_else(|| self.error("stack underflow"))?,
            ),
        }
        Ok(())
    }

    // --- The memo ---

    fn memo_op(&mut self) -> Result<()> {
        let index = match self.op {
            op::MEMOIZE => self.memo.len(),
            op::PUT | op::GET => {
                let line = self.line()?;
                let index = self.decimal(line)?;
                let index = index.as_i64().and_then(|i| usize::try_from(i).ok());
                index.ok_or_else(|| self.error("memo index out of range"))?
            }
            op::BINPUT | op::BINGET => usize::from(self.byte()?),
            _ => {
                let index = u32::from_le_bytes(self.array()?);
                self.length(u64::from(index))?
            }
        };
        match self.op {
            op::GET | op::BINGET | op::LONG_BINGET => {
                let id = self.memo.get(&index).copied();
                let id = id.ok_or_else(|| self.error(format!("memo has no entry {index}")))?;
                self.stack.push(id);
            }
            _ => {
                let top = self.top()?;
                self.memo.insert(index, top);
            }
        }
        Ok(())
    }

    // --- None, bools, ints, floats ---

    fn scalar(&mut self) -> Result<Value> {
        let int = |n: i64| Value::Int(Int::Small(n));
        Ok(match self.op {
            op::NONE => Value::None,
            op::NEWTRUE => Value::Bool(true),
            op::NEWFALSE => Value::Bool(false),
            op::BININT1 => int(i64::from(self.byte()?)),
            op::BININT2 => int(i64::from(u16::from_le_bytes(self.array()?))),
            op::BININT => int(i64::from(i32::from_le_bytes(self.array()?))),
            op::LONG1 | op::LONG4 => {
                let n = match self.op {
                    op::LONG1 => usize::from(self.byte()?),
                    _ => {
                        let n = i32::from_le_bytes(self.array()?);
                        let n = u64::try_from(n).map_err(|_| self.error("negative byte count"))?;
                        self.length(n)?
                    }
                };
                let bytes = self.take(n)?;
                Value::Int(int_from_le(bytes).map_err(|why| self.error(why))?)
            }
            op::BINFLOAT => Value::Float(f64::from_be_bytes(self.array()?)),
            op::INT => match self.line()? {
                // What protocols 0 and 1 write for True and False.
                b"01" => Value::Bool(true),
                b"00" => Value::Bool(false),
                line => Value::Int(self.decimal(line)?),
            },
            op::LONG => {
                // `123L` (Python 2 and protocols 0 and 1); the `L` may be left out.
                let line = self.line()?;
                Value::Int(self.decimal(line.strip_suffix(b"L").unwrap_or(line))?)
            }
            _ => {
                let line = self.line()?;
                Value::Float(text_float(line).ok_or_else(|| {
                    self.error(format!(
                        "{:?} is not a float",
                        String::from_utf8_lossy(line)
                    ))
                })?)
            }
        })
    }

    // --- str ---

    fn string(&mut self) -> Result<String> {
        let (bytes, utf8) = match self.op {
            op::SHORT_BINUNICODE => {
                let n = self.byte()?;
                (self.take(usize::from(n))?, true)
            }
            op::BINUNICODE => {
                let n = u32::from_le_bytes(self.array()?);
                let n = self.length(u64::from(n))?;
                (self.take(n)?, true)
            }
            op::BINUNICODE8 => {
                let n = u64::from_le_bytes(self.array()?);
                let n = self.length(n)?;
                (self.take(n)?, true)
            }
            op::SHORT_BINSTRING => {
                let n = self.byte()?;
                (self.take(usize::from(n))?, false)
            }
            op::BINSTRING => {
                let n = i32::from_le_bytes(self.array()?);
                let n = u64::try_from(n).map_err(|_| self.error("negative byte count"))?;
                let n = self.length(n)?;
                (self.take(n)?, false)
            }
            op::UNICODE => {
                let line = self.line()?;
                return raw_unicode_escape(line).map_err(|why| self.error(why));
            }
            _ => {
                // STRING: a Python 2 repr, quoted, with backslash escapes.
                let line = self.line()?;
                let quoted = match (line.first(), line.last()) {
                    (Some(&q @ (b'\'' | b'"')), Some(&end)) if line.len() >= 2 && q == end => {
                        line.get(1..line.len() - 1).unwrap_or_default()
                    }
                    _ => return Err(self.error("the argument must be quoted")),
                };
                let decoded = escape_decode(quoted).map_err(|why| self.error(why))?;
                return ascii(decoded).map_err(|why| self.error(why));
            }
        };
        if utf8 {
            let text = std::str::from_utf8(bytes)
                .map_err(|_| self.error("str is not UTF-8 (or holds a lone surrogate)"))?;
            Ok(text.to_owned())
        } else {
            ascii(bytes.to_vec()).map_err(|why| self.error(why))
        }
    }

    // --- Lists, tuples, dicts ---

    fn container(&mut self) -> Result<()> {
        let node = match self.op {
            op::EMPTY_DICT => Node::Dict(Slots::default()),
            op::EMPTY_LIST => Node::List(Vec::new()),
            op::EMPTY_TUPLE => Node::Tuple(Vec::new()),
            op::LIST => Node::List(self.pop_mark()?),
            op::TUPLE => Node::Tuple(self.pop_mark()?),
            op::DICT => {
                let items = self.pop_mark()?;
                let mut slots = Slots::default();
                for (key, id) in self.pairs(&items)? {
                    slots.set(key, id);
                }
                Node::Dict(slots)
            }
            _ => {
                // TUPLE1, TUPLE2, TUPLE3
                let n = usize::from(self.op - op::TUPLE1) + 1;
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(self.pop()?);
                }
                items.reverse();
                Node::Tuple(items)
            }
        };
        self.push(node)
    }

    /// APPEND, APPENDS, SETITEM, SETITEMS: into the list or dict below.
    fn fill(&mut self) -> Result<()> {
        let items = match self.op {
            op::APPEND => vec![self.pop()?],
            op::SETITEM => {
                let value = self.pop()?;
                vec![self.pop()?, value]
            }
            _ => self.pop_mark()?,
        };
        let target = self.top()?;
        let kind = self.kind(target);
        if matches!(self.op, op::APPEND | op::APPENDS) {
            if let Some(Node::List(list)) = self.nodes.get_mut(target) {
                list.extend(items);
                return Ok(());
            }
            return Err(self.error(format!("appends to a {kind}, not a list")));
        }
        let pairs = self.pairs(&items)?;
        if let Some(Node::Dict(slots)) = self.nodes.get_mut(target) {
            for (key, id) in pairs {
                slots.set(key, id);
            }
            return Ok(());
        }
        Err(self.error(format!("sets items on a {kind}, not a dict")))
    }

    /// Key-value pairs from a flat list of ids, the keys copied out as text
    /// (their bytes counted against [`MAX_UNITS`]; the key's node was).
    fn pairs(&mut self, items: &[NodeId]) -> Result<Vec<(String, NodeId)>> {
        if items.len() % 2 != 0 {
            return Err(self.error("odd number of items for a dict"));
        }
        let mut pairs = Vec::with_capacity(items.len() / 2);
        for pair in items.chunks_exact(2) {
            let &[key, value] = pair else { continue };
            let Some(Node::Atom(Value::Str(key))) = self.nodes.get(key) else {
                let kind = self.kind(key);
                let why = format!("dict key is of type {kind}; a session dict has str keys only");
                return Err(self.error(why));
            };
            let key = key.clone();
            self.spend(key.len())?;
            pairs.push((key, value));
        }
        Ok(pairs)
    }

    /// The Python type of a node, for messages.
    fn kind(&self, id: NodeId) -> &'static str {
        match self.nodes.get(id) {
            Some(Node::Atom(value)) => value.type_name(),
            Some(Node::List(_)) => "list",
            Some(Node::Tuple(_)) => "tuple",
            Some(Node::Dict(_)) => "dict",
            None => "missing value",
        }
    }
}

fn too_big() -> String {
    format!(
        "the value would take more than {MAX_UNITS} units (about bytes of memory): \
         far too big for a session, or shared references (the memo) repeat too much of it"
    )
}

/// Turns the node graph into a tree at `STOP`, copying shared nodes,
/// within [`MAX_UNITS`] and [`MAX_DEPTH`], refusing cycles.
struct Builder<'n> {
    nodes: &'n [Node],
    /// The containers being built, from the root down to the current one.
    open: Vec<bool>,
    units: usize,
}

impl<'n> Builder<'n> {
    fn new(nodes: &'n [Node]) -> Self {
        Builder {
            nodes,
            open: vec![false; nodes.len()],
            units: 0,
        }
    }

    /// The value of node `id`: recursive, but at most [`MAX_DEPTH`] deep,
    /// with the checks and messages kept out of line so each level takes
    /// little stack.
    fn value(&mut self, id: NodeId, depth_left: usize) -> Result<Value> {
        let nodes = self.nodes;
        match nodes.get(id) {
            Some(Node::Atom(value)) => {
                let text = match value {
                    Value::Str(text) => text.len(),
                    Value::Int(Int::Big(digits)) => digits.len(),
                    _ => 0,
                };
                self.charge(NODE_UNITS + text)?;
                Ok(value.clone())
            }
            Some(Node::List(items) | Node::Tuple(items)) => self.list(id, items, depth_left),
            Some(Node::Dict(slots)) => self.dict(id, slots, depth_left),
            None => Err(bad("dangling node".into())),
        }
    }

    #[inline(never)]
    fn list(&mut self, id: NodeId, items: &[NodeId], depth_left: usize) -> Result<Value> {
        let depth_left = self.enter(id, depth_left)?;
        let mut list = Vec::with_capacity(items.len());
        for &item in items {
            let item = self.value(item, depth_left)?;
            list.push(item);
        }
        self.leave(id);
        Ok(Value::List(list))
    }

    #[inline(never)]
    fn dict(&mut self, id: NodeId, slots: &Slots, depth_left: usize) -> Result<Value> {
        let depth_left = self.enter(id, depth_left)?;
        let mut dict = Dict::new();
        for (key, item) in slots.iter() {
            self.charge(NODE_UNITS + key.len())?;
            let item = self.value(item, depth_left)?;
            dict.insert(key.to_owned(), item);
        }
        self.leave(id);
        Ok(Value::Dict(dict))
    }

    #[inline(never)]
    fn charge(&mut self, units: usize) -> Result<()> {
        self.units = self.units.saturating_add(units);
        if self.units > MAX_UNITS {
            return Err(bad(too_big()));
        }
        Ok(())
    }

    /// Opens container `id`, one level deeper: the depth left below it.
    #[inline(never)]
    fn enter(&mut self, id: NodeId, depth_left: usize) -> Result<usize> {
        let Some(depth_left) = depth_left.checked_sub(1) else {
            return Err(bad(format!(
                "lists and dicts nest more than {MAX_DEPTH} deep"
            )));
        };
        match self.open.get_mut(id) {
            Some(open) if !*open => *open = true,
            _ => {
                return Err(bad(
                    "a list or dict contains itself, which a session value cannot".into(),
                ))
            }
        }
        self.charge(NODE_UNITS)?;
        Ok(depth_left)
    }

    fn leave(&mut self, id: NodeId) {
        if let Some(open) = self.open.get_mut(id) {
            *open = false;
        }
    }
}

/// Most bytes of two's complement an int of [`MAX_INT_DIGITS`] digits
/// needs (10^4300 < 256^1787): a longer `LONG4` is refused before any
/// conversion, which is quadratic.
const MAX_INT_BYTES: usize = 1787;

/// An int from little-endian two's-complement bytes (`LONG1`/`LONG4`).
fn int_from_le(bytes: &[u8]) -> Result<Int, String> {
    let negative = bytes.last().is_some_and(|&b| b & 0x80 != 0);
    let fill = if negative { 0xff } else { 0 };
    // Drop the sign extension: what is left is the value, `fill`-extended.
    let len = bytes.iter().rposition(|&b| b != fill).map_or(0, |i| i + 1);
    let bytes = bytes.get(..len).unwrap_or_default();
    if len <= 8 {
        let mut n: i128 = if negative { -1 } else { 0 };
        for &b in bytes.iter().rev() {
            n = n << 8 | i128::from(b);
        }
        return Ok(match i64::try_from(n) {
            Ok(small) => Int::Small(small),
            Err(_) => Int::Big(n.to_string().into()),
        });
    }
    let too_long = || format!("int has more than {MAX_INT_DIGITS} digits");
    if len > MAX_INT_BYTES {
        return Err(too_long());
    }
    // The magnitude: for a negative value, its two's complement.
    let mut magnitude = bytes.to_vec();
    if negative {
        let mut carry = true;
        for b in &mut magnitude {
            let (sum, overflow) = (!*b).overflowing_add(u8::from(carry));
            *b = sum;
            carry = overflow;
        }
        if carry {
            magnitude.push(1);
        }
    }
    // Base 256 to base 10^9, most significant byte first.
    const BILLION: u64 = 1_000_000_000;
    let mut limbs: Vec<u64> = Vec::new(); // little-endian, each < 10^9
    for &byte in magnitude.iter().rev() {
        let mut carry = u64::from(byte);
        for limb in &mut limbs {
            let t = *limb << 8 | carry;
            *limb = t % BILLION;
            carry = t / BILLION;
        }
        while carry > 0 {
            limbs.push(carry % BILLION);
            carry /= BILLION;
        }
    }
    let mut digits = String::from(if negative { "-" } else { "" });
    let mut limbs = limbs.iter().rev();
    if let Some(top) = limbs.next() {
        digits.push_str(&top.to_string());
    }
    for limb in limbs {
        digits.push_str(&format!("{limb:09}"));
    }
    if digits.trim_start_matches('-').len() > MAX_INT_DIGITS {
        return Err(too_long());
    }
    Ok(Int::Big(digits.into()))
}

/// The fewest little-endian two's-complement bytes that hold `n` (at least
/// one): Python's `pickle.encode_long`, with `0` as `[0]`.
fn int_to_le(n: &Int) -> Result<Vec<u8>> {
    let mut bytes = match n {
        Int::Small(n) => n.to_le_bytes().to_vec(),
        Int::Big(digits) => decimal_to_le(digits).ok_or_else(|| {
            Error::Unserializable(format!(
                "int {digits:?} is not a decimal int of at most {MAX_INT_DIGITS} digits"
            ))
        })?,
    };
    while let [.., prev, last] = *bytes.as_slice() {
        let redundant = (last == 0 && prev & 0x80 == 0) || (last == 0xff && prev & 0x80 != 0);
        if !redundant {
            break;
        }
        bytes.pop();
    }
    Ok(bytes)
}

/// Two's-complement bytes (little-endian, one spare for the sign) of a
/// decimal int; `None` if it is not one.
fn decimal_to_le(text: &str) -> Option<Vec<u8>> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(digits) => (true, digits),
        None => (false, text),
    };
    if digits.is_empty()
        || digits.len() > MAX_INT_DIGITS
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mut limbs: Vec<u32> = Vec::new(); // little-endian base 2^32
    for chunk in digits.as_bytes().chunks(9) {
        let scale = 10u64.pow(chunk.len() as u32);
        let mut carry = chunk
            .iter()
            .fold(0u64, |n, &d| n * 10 + u64::from(d - b'0'));
        for limb in &mut limbs {
            let t = u64::from(*limb) * scale + carry;
            *limb = t as u32;
            carry = t >> 32;
        }
        if carry > 0 {
            limbs.push(carry as u32);
        }
    }
    let mut bytes: Vec<u8> = limbs.iter().flat_map(|limb| limb.to_le_bytes()).collect();
    bytes.push(0);
    if negative {
        let mut carry = true;
        for b in &mut bytes {
            let (sum, overflow) = (!*b).overflowing_add(u8::from(carry));
            *b = sum;
            carry = overflow;
        }
    }
    Some(bytes)
}

/// Python's `float()` of a protocol 0 `FLOAT` argument: `repr`'s forms.
fn text_float(line: &[u8]) -> Option<f64> {
    let text = std::str::from_utf8(line).ok()?;
    let (negative, word) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..)?),
        Some(b'+') => (false, text.get(1..)?),
        _ => (false, text),
    };
    let sign = if negative { -1.0 } else { 1.0 };
    match word.to_ascii_lowercase().as_str() {
        "inf" | "infinity" => return Some(sign * f64::INFINITY),
        "nan" => return Some(sign * f64::NAN),
        _ => {}
    }
    let literal = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'));
    // Python raises OverflowError where the digits round to infinity.
    crate::float::parse(text).filter(|f| literal && f.is_finite())
}

/// Python's `raw-unicode-escape` decoding (protocol 0's `UNICODE`): each
/// byte is a Latin-1 character but for `\uXXXX` and `\UXXXXXXXX`, which
/// count only after an odd run of backslashes.
fn raw_unicode_escape(bytes: &[u8]) -> Result<String, String> {
    let mut out = String::with_capacity(bytes.len());
    let mut at = 0;
    while let Some(&b) = bytes.get(at) {
        at += 1;
        if b != b'\\' {
            out.push(char::from(b));
            continue;
        }
        let mut run = 1;
        while bytes.get(at) == Some(&b'\\') {
            run += 1;
            at += 1;
        }
        let width = match bytes.get(at) {
            Some(b'u') if run % 2 == 1 => 4,
            Some(b'U') if run % 2 == 1 => 8,
            _ => {
                out.extend(std::iter::repeat_n('\\', run));
                continue;
            }
        };
        out.extend(std::iter::repeat_n('\\', run - 1));
        let hex = bytes.get(at + 1..at + 1 + width);
        let code = hex
            .filter(|hex| hex.iter().all(u8::is_ascii_hexdigit))
            .and_then(|hex| u32::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok())
            .ok_or_else(|| {
                format!(
                    "truncated \\{} escape",
                    if width == 4 { "uXXXX" } else { "UXXXXXXXX" }
                )
            })?;
        at += 1 + width;
        let c = char::from_u32(code).ok_or_else(|| match code {
            0xd800..=0xdfff => "a lone surrogate, which a session str cannot hold".to_owned(),
            _ => "\\Uxxxxxxxx out of range".to_owned(),
        })?;
        out.push(c);
    }
    Ok(out)
}

/// Python's `codecs.escape_decode` (protocol 0's `STRING`, a Python 2 repr).
fn escape_decode(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while let Some(&b) = bytes.get(at) {
        at += 1;
        if b != b'\\' {
            out.push(b);
            continue;
        }
        let Some(&c) = bytes.get(at) else {
            return Err("trailing \\ in string".into());
        };
        at += 1;
        match c {
            b'\n' => {}
            b'\\' | b'\'' | b'"' => out.push(c),
            b'a' => out.push(7),
            b'b' => out.push(8),
            b't' => out.push(9),
            b'n' => out.push(10),
            b'v' => out.push(11),
            b'f' => out.push(12),
            b'r' => out.push(13),
            b'0'..=b'7' => {
                let mut n = u32::from(c - b'0');
                for _ in 0..2 {
                    match bytes.get(at) {
                        Some(&d @ b'0'..=b'7') => {
                            n = n * 8 + u32::from(d - b'0');
                            at += 1;
                        }
                        _ => break,
                    }
                }
                out.push(n as u8); // C truncates \400 and up to a byte
            }
            b'x' => {
                let hex = bytes
                    .get(at..at + 2)
                    .and_then(|hex| std::str::from_utf8(hex).ok());
                let n = hex
                    .filter(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()))
                    .and_then(|hex| u8::from_str_radix(hex, 16).ok())
                    .ok_or_else(|| format!("invalid \\x escape at position {}", at - 2))?;
                out.push(n);
                at += 2;
            }
            _ => out.extend([b'\\', c]),
        }
    }
    Ok(out)
}

/// A Python 2 `str` as Python 3 reads it by default (`encoding="ASCII"`).
fn ascii(bytes: Vec<u8>) -> Result<String, String> {
    if !bytes.is_ascii() {
        return Err("Python 2 str is not ASCII (Python 3 reads it as ASCII)".into());
    }
    String::from_utf8(bytes).map_err(|_| "Python 2 str is not ASCII".into())
}

/// `_pickle.c`'s frame target: a frame is closed once it holds this much.
const FRAME_SIZE_TARGET: usize = 64 * 1024;
/// A frame smaller than this is written without its header.
const FRAME_SIZE_MIN: usize = 4;
/// `FRAME` and its 8-byte length.
const FRAME_HEADER: usize = 9;
/// Items per `APPENDS`/`SETITEMS`.
const BATCH: usize = 1000;

/// The C pickler at protocol 5, for the objects `json.loads` makes.
struct Writer<'v> {
    out: Vec<u8>,
    /// Where the open frame's header is reserved, if a frame is open.
    frame_start: Option<usize>,
    /// How many objects are memoized: the index the next one gets.
    memo_len: usize,
    /// The memo index of each dict key written (one object per text).
    keys: HashMap<&'v str, usize>,
    /// The memo index of each of CPython's single-object strings written.
    singletons: HashMap<&'v str, usize>,
}

fn too_deep() -> Error {
    Error::Unserializable(format!(
        "value nests lists and dicts more than {MAX_DEPTH} deep, past what a session can read back"
    ))
}

/// CPython's one-object strings: `""` and each one-character Latin-1 string.
fn is_singleton(s: &str) -> bool {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (None, _) => true,
        (Some(c), None) => u32::from(c) <= 0xff,
        _ => false,
    }
}

impl<'v> Writer<'v> {
    fn new() -> Self {
        Writer {
            out: vec![op::PROTO, 5],
            frame_start: None,
            memo_len: 0,
            keys: HashMap::new(),
            singletons: HashMap::new(),
        }
    }

    fn finish(mut self) -> Vec<u8> {
        self.write(&[op::STOP]);
        self.commit_frame();
        self.out
    }

    /// `_Pickler_Write`: into the open frame, opening one if none is.
    fn write(&mut self, bytes: &[u8]) {
        if self.frame_start.is_none() {
            self.frame_start = Some(self.out.len());
            self.out.extend_from_slice(&[0; FRAME_HEADER]);
        }
        self.out.extend_from_slice(bytes);
    }

    /// `_Pickler_write_bytes`: 64 KiB of data or more goes outside frames.
    fn write_large(&mut self, header: &[u8], data: &[u8]) {
        if data.len() >= FRAME_SIZE_TARGET {
            self.commit_frame();
            self.out.extend_from_slice(header);
            self.out.extend_from_slice(data);
        } else {
            self.write(header);
            self.write(data);
        }
    }

    /// `_Pickler_CommitFrame`: fills in the open frame's header, or drops
    /// it for a frame under [`FRAME_SIZE_MIN`] bytes.
    fn commit_frame(&mut self) {
        let Some(start) = self.frame_start.take() else {
            return;
        };
        let len = self.out.len() - start - FRAME_HEADER;
        if len >= FRAME_SIZE_MIN {
            let mut header = [op::FRAME; FRAME_HEADER];
            for (slot, byte) in header.iter_mut().skip(1).zip((len as u64).to_le_bytes()) {
                *slot = byte;
            }
            if let Some(reserved) = self.out.get_mut(start..start + FRAME_HEADER) {
                reserved.copy_from_slice(&header);
            }
        } else {
            self.out.drain(start..start + FRAME_HEADER);
        }
    }

    /// `_Pickler_OpcodeBoundary`, which `save` runs before each object.
    fn boundary(&mut self) {
        if let Some(start) = self.frame_start {
            if self.out.len() - start - FRAME_HEADER >= FRAME_SIZE_TARGET {
                self.commit_frame();
            }
        }
    }

    fn memoize(&mut self) -> usize {
        self.write(&[op::MEMOIZE]);
        self.memo_len += 1;
        self.memo_len - 1
    }

    fn save(&mut self, value: &'v Value, depth_left: usize) -> Result<()> {
        match value {
            Value::None => {
                self.boundary();
                self.write(&[op::NONE]);
            }
            Value::Bool(b) => {
                self.boundary();
                self.write(&[if *b { op::NEWTRUE } else { op::NEWFALSE }]);
            }
            Value::Int(n) => {
                self.boundary();
                self.save_int(n)?;
            }
            Value::Float(f) => {
                self.boundary();
                // json.loads("NaN") is float("nan"): the positive quiet NaN.
                let bits = if f.is_nan() {
                    0x7ff8_0000_0000_0000
                } else {
                    f.to_bits()
                };
                self.write(&[op::BINFLOAT]);
                self.write(&bits.to_be_bytes());
            }
            Value::Str(s) => self.save_str(s, false),
            Value::List(items) => self.save_list(items, depth_left)?,
            Value::Dict(dict) => self.save_dict(dict, depth_left)?,
        }
        Ok(())
    }

    fn save_int(&mut self, n: &Int) -> Result<()> {
        let bytes = int_to_le(n)?;
        if bytes.len() <= 4 {
            let fill = if bytes.last().is_some_and(|&b| b & 0x80 != 0) {
                0xff
            } else {
                0
            };
            let mut word = [fill; 4];
            for (slot, &byte) in word.iter_mut().zip(&bytes) {
                *slot = byte;
            }
            match i32::from_le_bytes(word) {
                n @ 0..=0xff => self.write(&[op::BININT1, n as u8]),
                n @ 0x100..=0xffff => {
                    self.write(&[op::BININT2]);
                    self.write(&(n as u16).to_le_bytes());
                }
                _ => {
                    self.write(&[op::BININT]);
                    self.write(&word);
                }
            }
        } else if let Ok(len) = u8::try_from(bytes.len()) {
            self.write(&[op::LONG1, len]);
            self.write(&bytes);
        } else {
            self.write(&[op::LONG4]);
            self.write(&(bytes.len() as u32).to_le_bytes());
            self.write(&bytes);
        }
        Ok(())
    }

    /// A str, or a `BINGET` of the same object written before (a dict key
    /// `json.loads` shared, or a CPython singleton).
    fn save_str(&mut self, s: &'v str, is_key: bool) {
        self.boundary();
        let singleton = is_singleton(s);
        let shared = match (singleton, is_key) {
            (true, _) => self.singletons.get(s),
            (false, true) => self.keys.get(s),
            (false, false) => None,
        };
        if let Some(&index) = shared {
            match u8::try_from(index) {
                Ok(index) => self.write(&[op::BINGET, index]),
                Err(_) => {
                    self.write(&[op::LONG_BINGET]);
                    self.write(&(index as u32).to_le_bytes());
                }
            }
            return;
        }
        let data = s.as_bytes();
        match (u8::try_from(data.len()), u32::try_from(data.len())) {
            (Ok(len), _) => self.write_large(&[op::SHORT_BINUNICODE, len], data),
            (_, Ok(len)) => {
                let [a, b, c, d] = len.to_le_bytes();
                self.write_large(&[op::BINUNICODE, a, b, c, d], data);
            }
            _ => {
                let mut header = [op::BINUNICODE8; 9];
                for (slot, byte) in header
                    .iter_mut()
                    .skip(1)
                    .zip((data.len() as u64).to_le_bytes())
                {
                    *slot = byte;
                }
                self.write_large(&header, data);
            }
        }
        let index = self.memoize();
        if singleton {
            self.singletons.insert(s, index);
        } else if is_key {
            self.keys.insert(s, index);
        }
    }

    /// `save_list` and `batch_list_exact`.
    fn save_list(&mut self, items: &'v [Value], depth_left: usize) -> Result<()> {
        self.boundary();
        let depth_left = depth_left.checked_sub(1).ok_or_else(too_deep)?;
        self.write(&[op::EMPTY_LIST]);
        self.memoize();
        if let [item] = items {
            self.save(item, depth_left)?;
            self.write(&[op::APPEND]);
            return Ok(());
        }
        for batch in items.chunks(BATCH) {
            self.write(&[op::MARK]);
            for item in batch {
                self.save(item, depth_left)?;
            }
            self.write(&[op::APPENDS]);
        }
        Ok(())
    }

    /// `save_dict` and `batch_dict_exact`.
    fn save_dict(&mut self, dict: &'v Dict, depth_left: usize) -> Result<()> {
        self.boundary();
        let depth_left = depth_left.checked_sub(1).ok_or_else(too_deep)?;
        self.write(&[op::EMPTY_DICT]);
        self.memoize();
        let mut entries = dict.iter();
        if dict.len() == 1 {
            for (key, value) in entries {
                self.save_str(key, true);
                self.save(value, depth_left)?;
                self.write(&[op::SETITEM]);
            }
            return Ok(());
        }
        if dict.is_empty() {
            return Ok(());
        }
        // A batch that comes out full is followed by another, even if empty.
        loop {
            self.write(&[op::MARK]);
            let mut n = 0;
            for (key, value) in entries.by_ref() {
                self.save_str(key, true);
                self.save(value, depth_left)?;
                n += 1;
                if n == BATCH {
                    break;
                }
            }
            self.write(&[op::SETITEMS]);
            if n < BATCH {
                return Ok(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The JSON of what `data` reads as (the shortest way to state a value).
    fn read(data: &[u8]) -> String {
        match loads(data) {
            Ok(value) => crate::json::dumps(&value).unwrap(),
            Err(e) => panic!("{e} reading {data:?}"),
        }
    }

    /// The message of the error `data` reads as.
    fn refused(data: &[u8]) -> String {
        match loads(data) {
            Ok(value) => panic!("{data:?} read as {value:?}"),
            Err(Error::BadPayload(PayloadError::Pickle(message))) => message,
            Err(e) => panic!("{e} is not a pickle error"),
        }
    }

    fn json(text: &str) -> Value {
        crate::json::parse(text).unwrap()
    }

    #[test]
    fn reads_every_opcode_of_protocols_2_to_5() {
        let cases: &[(&[u8], &str)] = &[
            (b"\x80\x02N.", "null"),
            (b"\x80\x02\x88.", "true"),
            (b"\x80\x02\x89.", "false"),
            (b"\x80\x02K\xff.", "255"),
            (b"\x80\x02M\xff\xff.", "65535"),
            (b"\x80\x02J\x00\x00\x00\x80.", "-2147483648"),
            (b"\x80\x02\x8a\x00.", "0"),
            (b"\x80\x02\x8a\x01\x80.", "-128"),
            (b"\x80\x02\x8a\x02\xff\x00.", "255"),
            (b"\x80\x02\x8a\x08\xff\xff\xff\xff\xff\xff\xff\x7f.", "9223372036854775807"),
            (b"\x80\x02\x8a\x08\x00\x00\x00\x00\x00\x00\x00\x80.", "-9223372036854775808"),
            (b"\x80\x02\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x80\x00.", "9223372036854775808"),
            (b"\x80\x02\x8a\x09\xff\xff\xff\xff\xff\xff\xff\x7f\xff.", "-9223372036854775809"),
            (b"\x80\x02\x8a\x10\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\xff.", "-1329227995784915872903807060280344576"),
            (b"\x80\x02\x8b\x03\x00\x00\x00\x00\x00\x01.", "65536"),
            (b"\x80\x02\x8b\x0a\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff.", "-1"),
            (b"\x80\x02G?\xf8\x00\x00\x00\x00\x00\x00.", "1.5"),
            (b"\x80\x02G\x7f\xf8\x00\x00\x00\x00\x00\x01.", "NaN"),
            (b"\x80\x02G\xff\xf0\x00\x00\x00\x00\x00\x00.", "-Infinity"),
            (b"\x80\x04\x8c\x02\xc3\xa9.", "\"\\u00e9\""),
            (b"\x80\x02X\x04\x00\x00\x00\xf0\x9f\x98\x80.", "\"\\ud83d\\ude00\""),
            (b"\x80\x04\x8d\x01\x00\x00\x00\x00\x00\x00\x00x.", "\"x\""),
            (b"\x80\x02}.", "{}"),
            (b"\x80\x02}X\x01\x00\x00\x00aK\x01s.", "{\"a\":1}"),
            (b"\x80\x02}(X\x01\x00\x00\x00aK\x01X\x01\x00\x00\x00bK\x02u.", "{\"a\":1,\"b\":2}"),
            // A key set again keeps its place and takes the last value.
            (b"\x80\x02}(X\x01\x00\x00\x00aK\x01X\x01\x00\x00\x00bK\x02X\x01\x00\x00\x00aK\x03u.", "{\"a\":3,\"b\":2}"),
            (b"\x80\x02(X\x01\x00\x00\x00aNd.", "{\"a\":null}"),
            (b"\x80\x02].", "[]"),
            (b"\x80\x02]Na.", "[null]"),
            (b"\x80\x02](NK\x01e.", "[null,1]"),
            (b"\x80\x02(NK\x01l.", "[null,1]"),
            (b"\x80\x02).", "[]"),
            (b"\x80\x02N\x85.", "[null]"),
            (b"\x80\x02NK\x01\x86.", "[null,1]"),
            (b"\x80\x02NK\x01K\x02\x87.", "[null,1,2]"),
            (b"\x80\x02(NK\x01t.", "[null,1]"),
            // Stack and marks.
            (b"\x80\x02K\x012\x86.", "[1,1]"),
            (b"\x80\x02K\x01K\x020.", "1"),
            (b"\x80\x02K\x01(K\x021.", "1"),
            (b"\x80\x02K\x01(0.", "1"),
            // The memo: MEMOIZE counts entries, PUTs may be sparse.
            (b"\x80\x04]\x94K\x01\x94h\x00h\x01\x87.", "[1,[],1]"),
            (b"\x80\x02]q\x07h\x07\x86.", "[[],[]]"),
            (b"\x80\x02]r\x00\x01\x00\x00j\x00\x01\x00\x00\x86.", "[[],[]]"),
            (b"\x80\x02]q\x05\x94h\x01\x85.", "[[]]"),
            // A list appended to after it was placed: the copy sees it all.
            (b"\x80\x02]q\x00(h\x00h\x00lh\x00K\x01a0.", "[[1],[1]]"),
            // Frames, empty frames, STOP in a frame; bytes after STOP.
            (b"\x80\x04\x95\x03\x00\x00\x00\x00\x00\x00\x00K\x05.", "5"),
            (b"\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x00\x95\x02\x00\x00\x00\x00\x00\x00\x00K\x05.", "5"),
            (b"\x80\x05N.\xff\xfftrailing", "null"),
            // An argument may start where its frame ends (Python reads on).
            (b"\x80\x04\x95\x02\x00\x00\x00\x00\x00\x00\x00\x8c\x03abc.", "\"abc\""),
            (b"N.", "null"),
        ];
        for (data, expected) in cases {
            assert_eq!(read(data), *expected, "{data:?}");
        }
    }

    #[test]
    fn reads_the_text_opcodes_of_protocols_0_and_1() {
        let cases: &[(&[u8], &str)] = &[
            (b"I42\n.", "42"),
            (b"I-7\n.", "-7"),
            (b"I01\n.", "true"),
            (b"I00\n.", "false"),
            (b"I0\n.", "0"),
            (b"I12345678901234567890\n.", "12345678901234567890"),
            (b"L12345678901234567890L\n.", "12345678901234567890"),
            (b"L-5\n.", "-5"),
            (b"F1.5\n.", "1.5"),
            (b"F-0.0\n.", "-0.0"),
            (b"F1e+16\n.", "1e+16"),
            (b"Finf\n.", "Infinity"),
            (b"F-inf\n.", "-Infinity"),
            (b"Fnan\n.", "NaN"),
            (
                b"Vcaf\xe9 \\u20ac \\U0001f600\n.",
                "\"caf\\u00e9 \\u20ac \\ud83d\\ude00\"",
            ),
            (b"V\\\\u0041 \\x\n.", "\"\\\\\\\\u0041 \\\\x\""),
            (b"S'it\\'s \\x41\\101\\n \\q'\n.", "\"it's AA\\n \\\\q\""),
            (b"S\"double\"\n.", "\"double\""),
            (b"U\x03abc.", "\"abc\""),
            (b"T\x02\x00\x00\x00hi.", "\"hi\""),
            (
                b"(dp0\nVa\np1\nI1\nsVb\np2\ng1\ns.",
                "{\"a\":1,\"b\":\"a\"}",
            ),
            (b"(lp0\nI1\naI2\na.", "[1,2]"),
            (b"(I1\nI2\ntp0\n.", "[1,2]"),
        ];
        for (data, expected) in cases {
            assert_eq!(read(data), *expected, "{data:?}");
        }
    }

    #[test]
    fn refuses_each_forbidden_opcode_by_name() {
        let forbidden = [
            "PERSID",
            "BINPERSID",
            "REDUCE",
            "BUILD",
            "GLOBAL",
            "INST",
            "OBJ",
            "NEWOBJ",
            "EXT1",
            "EXT2",
            "EXT4",
            "BINBYTES",
            "SHORT_BINBYTES",
            "BINBYTES8",
            "EMPTY_SET",
            "ADDITEMS",
            "FROZENSET",
            "NEWOBJ_EX",
            "STACK_GLOBAL",
            "BYTEARRAY8",
            "NEXT_BUFFER",
            "READONLY_BUFFER",
        ];
        for name in forbidden {
            let (byte, _) = NAMES.iter().find(|&&(_, n)| n == name).unwrap();
            // After a valid start, so the refusal is of this opcode, whatever follows.
            let data = [
                b"\x80\x05\x95\x04\0\0\0\0\0\0\0N(".as_slice(),
                &[*byte],
                b"os\nsystem\n.",
            ]
            .concat();
            let message = refused(&data);
            assert!(
                message.starts_with(&format!(
                    "opcode {name} (0x{byte:02x}) at byte 13 is refused: "
                )),
                "{message}"
            );
        }
        assert!(refused(b"\x80\x02\xff.").contains("unknown opcode 0xff at byte 2"));
        assert!(refused(b"\x80\x02\x99.").contains("unknown opcode 0x99"));
        assert!(refused(b"\x80\x06N.").contains("unsupported pickle protocol: 6"));
        // `os.system("echo pwned")` as protocol 0 and as Python 3.11 writes it at 5.
        let protocol_0 = b"cposix\nsystem\np0\n(Vecho pwned\np1\ntp2\nRp3\n.";
        assert!(refused(protocol_0).contains("opcode GLOBAL "));
        let protocol_5 = b"\x80\x05\x95%\x00\x00\x00\x00\x00\x00\x00\x8c\x05posix\x94\x8c\x06system\x94\x93\x94\x8c\necho pwned\x94\x85\x94R\x94.";
        assert!(refused(protocol_5).contains("opcode STACK_GLOBAL "));
    }

    #[test]
    fn refuses_what_a_session_value_cannot_hold() {
        assert!(refused(b"\x80\x02}K\x01K\x02s.").contains("dict key is of type int"));
        assert!(refused(b"\x80\x02}NK\x02s.").contains("dict key is of type NoneType"));
        assert!(refused(b"\x80\x02})K\x02s.").contains("dict key is of type tuple"));
        assert!(refused(b"\x80\x02(K\x01K\x02d.").contains("dict key is of type int"));
        // Containers that hold themselves, directly or through a tuple.
        assert!(refused(b"\x80\x02]q\x00h\x00a.").contains("contains itself"));
        assert!(refused(b"\x80\x02}q\x00X\x01\x00\x00\x00ah\x00s.").contains("contains itself"));
        assert!(refused(b"\x80\x02]q\x00h\x00\x85a.").contains("contains itself"));
        // A lone surrogate, as Python writes it (surrogatepass) and escaped.
        assert!(refused(b"\x80\x02X\x03\x00\x00\x00\xed\xa0\x80.").contains("lone surrogate"));
        assert!(refused(b"V\\ud800\n.").contains("lone surrogate"));
        assert!(refused(b"\x80\x02X\x01\x00\x00\x00\xff.").contains("not UTF-8"));
        assert!(refused(b"U\x01\xe9.").contains("not ASCII"));
        assert!(refused(b"S'\\xe9'\n.").contains("not ASCII"));
    }

    #[test]
    fn refuses_malformed_pickles() {
        let cases: &[(&[u8], &str)] = &[
            (b"", "ends at byte 0 without STOP"),
            (b"\x80\x02N", "ends at byte 3 without STOP"),
            (b"\x80", "truncated"),
            (b"\x80\x02K", "BININT1 at byte 2: pickle data was truncated: needs 1 bytes, 0 left"),
            (b"\x80\x02.", "STOP at byte 2: stack underflow"),
            (b"\x80\x020.", "stack underflow"),
            (b"\x80\x02(.", "stack underflow"),
            (b"\x80\x02]a.", "stack underflow"),
            (b"\x80\x02](a.", "stack underflow"),
            (b"\x80\x02}Ns.", "stack underflow"),
            (b"\x80\x02N\x86.", "stack underflow"),
            (b"\x80\x02(N\x86.", "stack underflow"),
            (b"\x80\x02]Ne.", "APPENDS at byte 4: no MARK before it"),
            (b"\x80\x02Nt.", "no MARK"),
            (b"\x80\x021.", "no MARK"),
            (b"\x80\x02}(Nu.", "odd number of items"),
            (b"\x80\x02(Nd.", "odd number of items"),
            (b"\x80\x02}Na.", "appends to a dict, not a list"),
            (b"\x80\x02)Na.", "appends to a tuple, not a list"),
            (b"\x80\x02NNa.", "appends to a NoneType"),
            (b"\x80\x02]X\x00\x00\x00\x00Ns.", "sets items on a list, not a dict"),
            (b"\x80\x02h\x00.", "BINGET at byte 2: memo has no entry 0"),
            (b"\x80\x02j\xff\xff\xff\xff.", "memo has no entry 4294967295"),
            (b"g12\n.", "memo has no entry 12"),
            (b"\x80\x02\x94.", "stack underflow"),
            (b"\x80\x02q\x00.", "stack underflow"),
            (b"Np-1\n.", "memo index out of range"),
            (b"Ng\n.", "not a plain decimal int"),
            (b"Np99999999999999999999999\n.", "memo index out of range"),
            // Lengths that lie: checked against what is left, never allocated.
            (b"\x80\x02X\xff\xff\xff\xff.", "needs 4294967295 bytes, 1 left"),
            (b"\x80\x04\x8d\xff\xff\xff\xff\xff\xff\xff\xff.", "BINUNICODE8"),
            (b"\x80\x02\x8b\xff\xff\xff\x7f.", "needs 2147483647 bytes"),
            (b"\x80\x02\x8b\xff\xff\xff\xff.", "negative byte count"),
            (b"\x80\x02T\xfe\xff\xff\xff.", "negative byte count"),
            (b"\x80\x02\x8c\x05abc.", "truncated"),
            // Frames that lie.
            (b"\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00N.", "frame of 16 bytes, but 2 left"),
            (b"\x80\x04\x95\xff\xff\xff\xff\xff\xff\xff\xffN.", "frame of 18446744073709551615 bytes"),
            (b"\x80\x04\x95\x03\x00\x00\x00\x00\x00\x00\x00\x8c\x03abc.", "past the end of its frame"),
            (b"\x80\x04\x95\x0a\x00\x00\x00\x00\x00\x00\x00\x95\x00\x00\x00\x00\x00\x00\x00\x00N.", "a frame starts before the current one ends"),
            (b"\x80\x04\x95\x02\x00\x00\x00\x00\x00\x00\x00I1\nN.", "no end of line"),
            // Text arguments Python never writes.
            (b"I007\n.", "\"007\" is not a plain decimal int"),
            (b"I0x10\n.", "not a plain decimal int"),
            (b"I1_0\n.", "not a plain decimal int"),
            (b"I 1\n.", "not a plain decimal int"),
            (b"L\n.", "not a plain decimal int"),
            (b"F1e500\n.", "is not a float"),
            (b"F1_0\n.", "is not a float"),
            (b"F\n.", "is not a float"),
            (b"S'abc\n.", "must be quoted"),
            (b"S'\\x4'\n.", "invalid \\x escape"),
            (b"S'\\'\n.", "trailing \\ in string"),
            (b"S'a\\\n.", "must be quoted"),
            (b"V\\u12\n.", "truncated \\uXXXX escape"),
            (b"V\\U00110000\n.", "out of range"),
        ];
        for (data, expected) in cases {
            let message = refused(data);
            assert!(message.contains(expected), "{data:?}: {message}");
        }
    }

    #[test]
    fn every_prefix_of_a_pickle_is_an_error_not_a_panic() {
        let mut dict = Dict::new();
        dict.insert(
            "k".into(),
            json(r#"[1, -70000, 2e300, "é😀", {"k": null}, 18446744073709551616]"#),
        );
        dict.insert("x".repeat(300), Value::Bool(true));
        let data = dumps_dict(&dict).unwrap();
        for end in 0..data.len() {
            assert!(loads(&data[..end]).is_err(), "prefix of {end} bytes");
        }
        assert_eq!(loads(&data).unwrap(), Value::Dict(dict));
    }

    #[test]
    fn shared_references_are_copied_within_the_budget() {
        // A list of the same list twice, 60 levels deep: 2^60 values.
        let mut bomb = b"\x80\x04]\x94".to_vec();
        for level in 0..60 {
            // MARK, BINGET level, BINGET level, LIST, MEMOIZE (as level + 1).
            bomb.extend([b'(', b'h', level, b'h', level, b'l', 0x94]);
        }
        bomb.push(b'.');
        assert!(bomb.len() < 500);
        let message = refused(&bomb);
        assert!(
            message.contains(&format!("more than {MAX_UNITS} units")),
            "{message}"
        );
        // A long str fetched from the memo over and over.
        let mut data = b"\x80\x04]\x94(X\x00\x00\x01\x00".to_vec();
        data.extend(vec![b'x'; 65536]);
        data.extend(b"\x94");
        data.extend(b"h\x01".repeat(2000));
        data.extend(b"e.");
        assert!(refused(&data).contains("units"));
        // The same, as the key of many dicts: counted as the keys are copied.
        let mut data = b"\x80\x04]\x94(X\x00\x00\x01\x00".to_vec();
        data.extend(vec![b'k'; 65536]);
        data.extend(b"\x94");
        data.extend(b"}h\x01Ns".repeat(2000));
        data.extend(b"e.");
        let message = refused(&data);
        assert!(message.starts_with("SETITEM at byte"), "{message}");
        // Without sharing too: the values created count as they are made.
        let flat = |n: usize| [b"\x80\x04](".as_slice(), &b"N".repeat(n), b"e."].concat();
        assert!(
            matches!(loads(&flat(200_000)).unwrap(), Value::List(items) if items.len() == 200_000)
        );
        let message = refused(&flat(MAX_UNITS / NODE_UNITS));
        assert!(message.starts_with("NONE at byte"), "{message}");
        // Sharing that stays small reads, each reference copied.
        let shared = b"\x80\x04]\x94(]\x94(K\x01K\x02eh\x01h\x01e.";
        assert_eq!(read(shared), "[[1,2],[1,2],[1,2]]");
    }

    #[test]
    fn nesting_is_bounded_at_max_depth() {
        let nested = |n: usize| {
            [
                vec![0x80, 4],
                b"]".repeat(n),
                b"a".repeat(n - 1),
                b".".to_vec(),
            ]
            .concat()
        };
        assert_eq!(loads(&nested(MAX_DEPTH)).unwrap().depth(), MAX_DEPTH);
        assert!(refused(&nested(MAX_DEPTH + 1)).contains("nest more than 1000 deep"));
        // Far past the limit: no recursion runs that deep, nothing overflows.
        assert!(refused(&nested(200_000)).contains("deep"));
        let mut value = Value::None;
        for _ in 0..MAX_DEPTH {
            value = Value::List(vec![value]);
        }
        assert_eq!(loads(&dumps(&value).unwrap()).unwrap(), value);
        let deeper = Value::List(vec![value]);
        assert!(matches!(dumps(&deeper), Err(Error::Unserializable(_))));
        let mut dict = Dict::new();
        dict.insert("k".into(), deeper);
        assert!(matches!(dumps_dict(&dict), Err(Error::Unserializable(_))));
    }

    #[test]
    fn writes_what_cpython_writes() {
        let cases: &[(&str, &[u8])] = &[
            ("{}", b"\x80\x05}\x94."),
            ("{\"a\":1}", b"\x80\x05\x95\n\x00\x00\x00\x00\x00\x00\x00}\x94\x8c\x01a\x94K\x01s."),
            ("[]", b"\x80\x05]\x94."),
            ("[null]", b"\x80\x05\x95\x05\x00\x00\x00\x00\x00\x00\x00]\x94Na."),
            ("NaN", b"\x80\x05\x95\n\x00\x00\x00\x00\x00\x00\x00G\x7f\xf8\x00\x00\x00\x00\x00\x00."),
            ("-0.0", b"\x80\x05\x95\n\x00\x00\x00\x00\x00\x00\x00G\x80\x00\x00\x00\x00\x00\x00\x00."),
            ("[true,false,null]", b"\x80\x05\x95\x08\x00\x00\x00\x00\x00\x00\x00]\x94(\x88\x89Ne."),
            ("18446744073709551616", b"\x80\x05\x95\x0c\x00\x00\x00\x00\x00\x00\x00\x8a\t\x00\x00\x00\x00\x00\x00\x00\x00\x01."),
            ("-9223372036854775809", b"\x80\x05\x95\x0c\x00\x00\x00\x00\x00\x00\x00\x8a\t\xff\xff\xff\xff\xff\xff\xff\x7f\xff."),
            ("2147483648", b"\x80\x05\x95\x08\x00\x00\x00\x00\x00\x00\x00\x8a\x05\x00\x00\x00\x80\x00."),
            ("-2147483649", b"\x80\x05\x95\x08\x00\x00\x00\x00\x00\x00\x00\x8a\x05\xff\xff\xff\x7f\xff."),
            ("65536", b"\x80\x05\x95\x06\x00\x00\x00\x00\x00\x00\x00J\x00\x00\x01\x00."),
            ("-1", b"\x80\x05\x95\x06\x00\x00\x00\x00\x00\x00\x00J\xff\xff\xff\xff."),
            ("255", b"\x80\x05K\xff."),
            ("256", b"\x80\x05\x95\x04\x00\x00\x00\x00\x00\x00\x00M\x00\x01."),
            // Keys are one object per text; "x" and "" are CPython singletons.
            (
                r#"[{"key":"x","é":"é"},{"key":"x","é":""},""]"#,
                b"\x80\x05\x95)\x00\x00\x00\x00\x00\x00\x00]\x94(}\x94(\x8c\x03key\x94\x8c\x01x\x94\x8c\x02\xc3\xa9\x94h\x04u}\x94(h\x02h\x03h\x04\x8c\x00\x94uh\x06e.",
            ),
            ("\"\\ud83d\\ude00\"", b"\x80\x05\x95\x08\x00\x00\x00\x00\x00\x00\x00\x8c\x04\xf0\x9f\x98\x80\x94."),
            (
                "[1.5,Infinity,-Infinity]",
                b"\x80\x05\x95 \x00\x00\x00\x00\x00\x00\x00]\x94(G?\xf8\x00\x00\x00\x00\x00\x00G\x7f\xf0\x00\x00\x00\x00\x00\x00G\xff\xf0\x00\x00\x00\x00\x00\x00e.",
            ),
        ];
        for (text, expected) in cases {
            let value = json(text);
            assert_eq!(dumps(&value).unwrap(), *expected, "{text}");
            assert_eq!(&loads(expected).unwrap(), &value, "{text}");
        }
    }

    #[test]
    fn frames_and_batches_are_cut_as_in_c() {
        // 64 KiB of UTF-8 or more goes outside frames; the rest stays in.
        let big = dumps(&Value::Str("x".repeat(65536))).unwrap();
        assert_eq!(&big[..7], b"\x80\x05X\x00\x00\x01\x00");
        assert_eq!(&big[big.len() - 2..], b"\x94.");
        let small = dumps(&Value::Str("x".repeat(65535))).unwrap();
        assert_eq!(
            &small[..11],
            b"\x80\x05\x95\x06\x00\x01\x00\x00\x00\x00\x00"
        );
        // A frame is closed before the next object once it holds 64 KiB.
        let list = dumps(&Value::List(vec![Value::Str("x".repeat(65530))])).unwrap();
        assert_eq!(&list[2..11], b"\x95\x04\x00\x01\x00\x00\x00\x00\x00");
        // A dict of 1000 ends with an empty batch; 1001 has a batch of one.
        let dict = |n: i64| {
            let dict: Dict = (0..n).map(|i| (format!("k{i}"), Value::None)).collect();
            dumps_dict(&dict).unwrap()
        };
        let count = |data: &[u8], op: u8| data.iter().filter(|&&b| b == op).count();
        assert_eq!(count(&dict(1000), op::SETITEMS), 2);
        assert!(dict(1000).ends_with(b"Nu(u."));
        assert!(dict(1001).ends_with(b"Nu(\x8c\x05k1000\x94Nu."));
        let list = |n: usize| dumps(&Value::List(vec![Value::None; n])).unwrap();
        assert!(list(1000).ends_with(b"NNe."));
        assert_eq!(count(&list(1000), op::APPENDS), 1);
        assert!(list(1001).ends_with(b"Ne(Ne."));
    }

    #[test]
    fn ints_convert_exactly() {
        let mut samples: Vec<i128> = vec![0, 1, -1, 127, 128, -128, -129, 255, 256, -256, -257];
        for shift in 0..127 {
            let p = 1i128 << shift;
            samples.extend([p, p - 1, p + 1, -p, -p - 1, -p + 1]);
        }
        samples.extend([i128::MIN, i128::MAX]);
        for n in samples {
            let int = Int::parse(&n.to_string()).unwrap();
            let bytes = int_to_le(&int).unwrap();
            // Minimal: the same length as i128's bytes with the sign extension cut.
            let full = n.to_le_bytes();
            let mut minimal = full.len();
            while minimal > 1 {
                let (last, prev) = (full[minimal - 1], full[minimal - 2]);
                if (last == 0 && prev < 0x80) || (last == 0xff && prev >= 0x80) {
                    minimal -= 1;
                } else {
                    break;
                }
            }
            assert_eq!(bytes, &full[..minimal], "{n}");
            assert_eq!(int_from_le(&bytes).unwrap(), int, "{n}");
            assert_eq!(int_from_le(&full).unwrap(), int, "{n} sign-extended");
        }
        for digits in [
            "9".repeat(MAX_INT_DIGITS),
            format!("-1{}", "0".repeat(MAX_INT_DIGITS - 1)),
        ] {
            let int = Int::parse(&digits).unwrap();
            let bytes = int_to_le(&int).unwrap();
            assert!(bytes.len() <= MAX_INT_BYTES);
            assert_eq!(int_from_le(&bytes).unwrap(), int);
        }
        // One digit too many, read or written.
        let ten_to_4300 = int_to_le(&Int::Big(format!("1{}", "0".repeat(4299)).into())).unwrap();
        let mut times_ten = vec![0u8];
        times_ten.extend(&ten_to_4300); // x 256: more digits still
        assert!(int_from_le(&times_ten)
            .unwrap_err()
            .contains("more than 4300 digits"));
        assert!(int_from_le(&vec![0x11; 5000])
            .unwrap_err()
            .contains("more than 4300 digits"));
        assert!(int_to_le(&Int::Big("1".repeat(4301).into())).is_err());
        assert!(int_to_le(&Int::Big("12a".into())).is_err());
        // A Big that fits in 32 bits writes as the small opcodes do.
        assert_eq!(
            dumps(&Value::Int(Int::Big("0005".into()))).unwrap(),
            b"\x80\x05K\x05."
        );
    }

    #[test]
    fn int_entries_read_as_python_int_of_bytes() {
        let cases: &[(&[u8], Option<&str>)] = &[
            (b" 1_000 ", Some("1000")),
            (b"12a", None),
            (b"", None),
            (b"+7", Some("7")),
            (b"\x0c7", Some("7")),
            (b"-0", Some("0")),
            (b"+-7", None),
            (b"--7", None),
            (b"1__0", None),
            (b"_1", None),
            (b"1_", None),
            (b"0x10", None),
            (b"007", Some("7")),
            (b"\xd9\xa1", None), // Arabic-Indic one: a digit for str, not bytes
            (b"99999999999999999999", Some("99999999999999999999")),
        ];
        for (entry, expected) in cases {
            let int = int_entry(entry).map(|n| n.to_string());
            assert_eq!(int.as_deref(), *expected, "{entry:?}");
        }
    }
}
