//! JSON exactly as Django's `JSONSerializer` writes and reads it.
//!
//! Django signs `json.dumps(obj, separators=(",", ":"))`: insertion order,
//! every character outside printable ASCII escaped as `\uXXXX` (astral ones
//! as surrogate pairs), floats in Python's `repr`, and `NaN`, `Infinity`,
//! `-Infinity` for the floats JSON has no word for. Any byte difference
//! changes the signature, so writer and reader are ours, and they agree on
//! every limit: whatever [`dumps`] writes, [`loads`] reads back equal.
//!
//! ```
//! use edge_sessions::json::{dumps, parse};
//! let v = parse(r#"{"name":"Zoë","n":1e16,"x":NaN}"#).unwrap();
//! assert_eq!(dumps(&v).unwrap(), r#"{"name":"Zo\u00eb","n":1e+16,"x":NaN}"#);
//! ```

use crate::error::{Error, PayloadError, Result};
pub use crate::value::{Dict, Int, Value};

/// The deepest nesting of lists and dicts read or written (a session dict
/// with a list inside is 2). Python's reader stops near 1000 levels (its
/// recursion limit), so this reads whatever Django can read.
pub const MAX_DEPTH: usize = 1000;

/// Python's `json.dumps(value, separators=(",", ":"))`.
pub fn dumps(value: &Value) -> Result<String> {
    let mut out = String::new();
    write_value(&mut out, value, MAX_DEPTH)?;
    Ok(out)
}

/// Writes a session dict; the same text [`dumps`] gives for it as a value.
pub fn dumps_dict(dict: &Dict) -> Result<String> {
    let mut out = String::new();
    write_dict(&mut out, dict)?;
    Ok(out)
}

/// Appends a session dict's JSON to `out` (what [`dumps_dict`] gives).
/// Refuses (with nothing useful left in `out`) a dict nested deeper than
/// [`MAX_DEPTH`], which no reader would take back.
pub fn write_dict(out: &mut String, dict: &Dict) -> Result<()> {
    write_dict_at(out, dict, MAX_DEPTH)
}

fn too_deep() -> Error {
    Error::Unserializable(format!(
        "value nests lists and dicts more than {MAX_DEPTH} deep, past what a session can read back"
    ))
}

pub(crate) fn write_value(out: &mut String, value: &Value, depth_left: usize) -> Result<()> {
    write_value_with(out, value, depth_left, &|_: &mut String, _: &Value| false)
}

fn write_dict_at(out: &mut String, dict: &Dict, depth_left: usize) -> Result<()> {
    write_dict_with(out, dict, depth_left, &|_: &mut String, _: &Value| false)
}

/// Writes `value` as Django's JSON, except the scalars `special` writes its
/// own way (it answers whether it did): the JS boundary's dialect marks
/// the floats JSON has no word for.
pub(crate) fn write_value_with<S>(
    out: &mut String,
    value: &Value,
    depth_left: usize,
    special: &S,
) -> Result<()>
where
    S: Fn(&mut String, &Value) -> bool,
{
    match value {
        Value::List(items) => {
            let depth_left = depth_left.checked_sub(1).ok_or_else(too_deep)?;
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value_with(out, item, depth_left, special)?;
            }
            out.push(']');
        }
        Value::Dict(dict) => write_dict_with(out, dict, depth_left, special)?,
        scalar if special(out, scalar) => {}
        Value::None => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Int(n) => write_int(out, n),
        Value::Float(f) => write_float(out, *f),
        Value::Str(s) => write_string(out, s),
    }
    Ok(())
}

/// [`write_value_with`] of a dict.
pub(crate) fn write_dict_with<S>(
    out: &mut String,
    dict: &Dict,
    depth_left: usize,
    special: &S,
) -> Result<()>
where
    S: Fn(&mut String, &Value) -> bool,
{
    let depth_left = depth_left.checked_sub(1).ok_or_else(too_deep)?;
    out.push('{');
    for (i, (key, item)) in dict.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(out, key);
        out.push(':');
        write_value_with(out, item, depth_left, special)?;
    }
    out.push('}');
    Ok(())
}

fn write_int(out: &mut String, n: &Int) {
    match n {
        Int::Small(n) => {
            let mut buffer = itoa_buffer();
            out.push_str(format_i64(&mut buffer, *n));
        }
        Int::Big(digits) => out.push_str(digits),
    }
}

/// A stack buffer for [`format_i64`].
fn itoa_buffer() -> [u8; 20] {
    [0; 20]
}

/// An `i64`'s decimal digits, without `core::fmt` (the hot path writes one
/// per number).
fn format_i64(buffer: &mut [u8; 20], n: i64) -> &str {
    let mut rest = n.unsigned_abs();
    let mut at = buffer.len();
    loop {
        at -= 1;
        if let Some(slot) = buffer.get_mut(at) {
            *slot = b'0' + (rest % 10) as u8;
        }
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if n < 0 {
        at -= 1;
        if let Some(slot) = buffer.get_mut(at) {
            *slot = b'-';
        }
    }
    std::str::from_utf8(buffer.get(at..).unwrap_or_default()).unwrap_or_default()
}

/// Python's float in JSON: `repr`, or the words Python's writer uses.
fn write_float(out: &mut String, f: f64) {
    if f.is_nan() {
        out.push_str("NaN");
    } else if f.is_infinite() {
        out.push_str(if f < 0.0 { "-Infinity" } else { "Infinity" });
    } else {
        crate::float::write_repr(out, f);
    }
}

/// Appends a JSON string with Python's `ensure_ascii` escaping: runs of
/// printable ASCII other than `"` and `\\` are copied whole.
pub fn write_string(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    let mut rest = s;
    while let Some(plain) = rest
        .bytes()
        .position(|b| !matches!(b, b' '..=b'~') || b == b'"' || b == b'\\')
    {
        let Some((run, tail)) = rest.split_at_checked(plain) else {
            break;
        };
        out.push_str(run);
        let Some(c) = tail.chars().next() else {
            break;
        };
        rest = tail.get(c.len_utf8()..).unwrap_or_default();
        let escape = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\u{08}' => "\\b",
            '\u{0c}' => "\\f",
            _ => {
                let mut units = [0u16; 2];
                for &mut unit in c.encode_utf16(&mut units) {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    let mut escaped = *b"\\u0000";
                    for (slot, shift) in escaped.iter_mut().skip(2).zip([12, 8, 4, 0]) {
                        *slot = HEX
                            .get(usize::from(unit >> shift & 15))
                            .copied()
                            .unwrap_or(b'0');
                    }
                    out.push_str(std::str::from_utf8(&escaped).unwrap_or_default());
                }
                continue;
            }
        };
        out.push_str(escape);
    }
    out.push_str(rest);
    out.push('"');
}

/// Python's `json.loads(data.decode("latin-1"))`, what Django's
/// `JSONSerializer.loads` does: bytes are read as Latin-1, so raw UTF-8 in
/// a signed payload comes back as mojibake, as in Django.
pub fn loads(data: &[u8]) -> Result<Value> {
    Reader::new(data, Encoding::Latin1).document()
}

/// Python's `json.loads(text)` of a string (UTF-8 text, as from JS).
pub fn parse(text: &str) -> Result<Value> {
    Reader::new(text.as_bytes(), Encoding::Utf8).document()
}

#[derive(Clone, Copy, PartialEq)]
enum Encoding {
    /// Each byte is one character (U+0000..U+00FF).
    Latin1,
    /// The bytes are UTF-8 (they came from a `&str`).
    Utf8,
}

/// A recursive-descent reader of Python's JSON grammar: RFC 8259 plus
/// `NaN`, `Infinity` and `-Infinity`; strict about control characters in
/// strings, as `json.loads` is by default.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    encoding: Encoding,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8], encoding: Encoding) -> Self {
        Reader {
            bytes,
            at: 0,
            encoding,
        }
    }

    fn error(&self, what: &str) -> Error {
        Error::BadPayload(PayloadError::Json(format!("{what} at char {}", self.at)))
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn document(mut self) -> Result<Value> {
        self.skip_whitespace();
        let value = self.value(MAX_DEPTH)?;
        self.skip_whitespace();
        if self.at != self.bytes.len() {
            return Err(self.error("Extra data"));
        }
        Ok(value)
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value> {
        if self.bytes.get(self.at..self.at + word.len()) == Some(word.as_bytes()) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.error("Expecting value"))
        }
    }

    fn value(&mut self, depth_left: usize) -> Result<Value> {
        match self.peek() {
            Some(b'{') => self.object(depth_left),
            Some(b'[') => self.array(depth_left),
            Some(b'"') => self.string().map(Value::Str),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::None),
            Some(b'N') => self.literal("NaN", Value::Float(f64::NAN)),
            Some(b'I') => self.literal("Infinity", Value::Float(f64::INFINITY)),
            Some(b'-') if self.bytes.get(self.at + 1) == Some(&b'I') => {
                self.literal("-Infinity", Value::Float(f64::NEG_INFINITY))
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.error("Expecting value")),
        }
    }

    /// Enters a list or dict; refuses one level past [`MAX_DEPTH`].
    fn deeper(&self, depth_left: usize) -> Result<usize> {
        depth_left
            .checked_sub(1)
            .ok_or_else(|| self.error("nesting too deep"))
    }

    fn array(&mut self, depth_left: usize) -> Result<Value> {
        let depth_left = self.deeper(depth_left)?;
        self.at += 1;
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(Value::List(items));
        }
        loop {
            self.skip_whitespace();
            items.push(self.value(depth_left)?);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(Value::List(items));
                }
                _ => return Err(self.error("Expecting ',' delimiter")),
            }
        }
    }

    fn object(&mut self, depth_left: usize) -> Result<Value> {
        let depth_left = self.deeper(depth_left)?;
        self.at += 1;
        let mut dict = Dict::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(Value::Dict(dict));
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return Err(self.error("Expecting property name enclosed in double quotes"));
            }
            let key = self.string()?;
            self.skip_whitespace();
            if self.peek() != Some(b':') {
                return Err(self.error("Expecting ':' delimiter"));
            }
            self.at += 1;
            self.skip_whitespace();
            let value = self.value(depth_left)?;
            // A repeated key keeps its first place and takes the last value.
            dict.insert(key, value);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(Value::Dict(dict));
                }
                _ => return Err(self.error("Expecting ',' delimiter")),
            }
        }
    }

    /// `-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?`: an `int` without fraction
    /// or exponent, otherwise a `float`.
    fn number(&mut self) -> Result<Value> {
        let start = self.at;
        let digits = |r: &mut Self| {
            let from = r.at;
            while matches!(r.peek(), Some(b'0'..=b'9')) {
                r.at += 1;
            }
            r.at - from
        };
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return Err(self.error("Expecting value")),
        }
        let mut integer = true;
        // Python's regex leaves `1.` and `1e` unmatched past the integer,
        // which then fails as extra data; so do we, by not consuming them.
        if self.peek() == Some(b'.') && matches!(self.bytes.get(self.at + 1), Some(b'0'..=b'9')) {
            self.at += 1;
            digits(self);
            integer = false;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            let mark = self.at;
            self.at += 1;
            if matches!(self.peek(), Some(b'-' | b'+')) {
                self.at += 1;
            }
            if digits(self) == 0 {
                self.at = mark;
            } else {
                integer = false;
            }
        }
        let text = std::str::from_utf8(self.bytes.get(start..self.at).unwrap_or_default())
            .unwrap_or_default();
        if integer {
            Int::parse(text)
                .map(Value::Int)
                .ok_or_else(|| self.error("integer past Python's 4300-digit limit"))
        } else {
            crate::float::parse(text)
                .map(Value::Float)
                .ok_or_else(|| self.error("invalid number"))
        }
    }

    fn hex4(&mut self) -> Result<u16> {
        let hex = self
            .bytes
            .get(self.at..self.at + 4)
            .ok_or_else(|| self.error("Invalid \\uXXXX escape"))?;
        let mut unit = 0u16;
        for &b in hex {
            let digit = (b as char)
                .to_digit(16)
                .ok_or_else(|| self.error("Invalid \\uXXXX escape"))?;
            unit = unit << 4 | digit as u16;
        }
        self.at += 4;
        Ok(unit)
    }

    fn string(&mut self) -> Result<String> {
        self.at += 1; // the opening quote
        let mut out = String::new();
        loop {
            // A run of plain characters is copied in one go.
            let run = self.bytes.get(self.at..).unwrap_or_default();
            let plain = run
                .iter()
                .take_while(|&&b| b != b'"' && b != b'\\' && b >= 0x20)
                .count();
            let chunk = run.get(..plain).unwrap_or_default();
            match self.encoding {
                Encoding::Utf8 => out
                    .push_str(std::str::from_utf8(chunk).map_err(|_| self.error("invalid UTF-8"))?),
                Encoding::Latin1 => out.extend(chunk.iter().map(|&b| char::from(b))),
            }
            self.at += plain;
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    self.escape(&mut out)?;
                }
                Some(_) => return Err(self.error("Invalid control character")),
                None => return Err(self.error("Unterminated string")),
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<()> {
        let Some(b) = self.peek() else {
            return Err(self.error("Unterminated string"));
        };
        self.at += 1;
        out.push(match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{08}',
            b'f' => '\u{0c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let unit = self.hex4()?;
                let code = if (0xd800..0xdc00).contains(&unit) {
                    // A high surrogate must be followed by an escaped low one.
                    if self.bytes.get(self.at..self.at + 2) != Some(b"\\u") {
                        return Err(self.error("lone surrogate in \\u escape"));
                    }
                    self.at += 2;
                    let low = self.hex4()?;
                    if !(0xdc00..0xe000).contains(&low) {
                        return Err(self.error("lone surrogate in \\u escape"));
                    }
                    0x10000 + ((u32::from(unit) - 0xd800) << 10) + (u32::from(low) - 0xdc00)
                } else {
                    u32::from(unit)
                };
                // Python keeps lone surrogates; a Rust (and UTF-8) string cannot.
                char::from_u32(code).ok_or_else(|| self.error("lone surrogate in \\u escape"))?
            }
            _ => return Err(self.error("Invalid \\escape")),
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str) -> String {
        dumps(&parse(text).unwrap()).unwrap()
    }

    #[test]
    fn strings_escape_like_ensure_ascii() {
        let v = Value::Str("a\"\\\n\u{7f}\u{1f}é☃𝄞\r\t\u{08}\u{0c} end".into());
        assert_eq!(
            dumps(&v).unwrap(),
            r#""a\"\\\n\u007f\u001f\u00e9\u2603\ud834\udd1e\r\t\b\f end""#
        );
        assert_eq!(round_trip(r#""\ud834\udd1e\/""#), r#""\ud834\udd1e/""#);
    }

    #[test]
    fn keeps_insertion_order_big_ints_and_python_floats() {
        assert_eq!(
            round_trip(r#"{"z":1,"a":[9223372036854775808,-0,1.0,1E2,-0.0]}"#),
            r#"{"z":1,"a":[9223372036854775808,0,1.0,100.0,-0.0]}"#
        );
        assert_eq!(
            round_trip("[NaN,Infinity,-Infinity,1e400]"),
            "[NaN,Infinity,-Infinity,Infinity]"
        );
        assert_eq!(round_trip(r#"{"a":1,"b":2,"a":3}"#), r#"{"a":3,"b":2}"#);
        assert_eq!(round_trip(" \t\n[ 1 , {} ] \r"), "[1,{}]");
    }

    #[test]
    fn refuses_what_python_refuses() {
        for bad in [
            "",
            "[",
            "[1,]",
            "{\"a\"}",
            "01",
            "1.",
            "1e",
            "-",
            ".5",
            "+1",
            "nan",
            "[1]x",
            "\"\u{1}\"",
            "\"\\x\"",
            "\"\\u12\"",
            "\"\\ud800\"",
            "\"\\udc00\"",
            "\"\\ud800\\u0041\"",
            "{1:2}",
            "'a'",
            "-NaN",
            "Infinityx",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        assert!(parse(&format!("[{}]", "9".repeat(5000))).is_err());
    }

    #[test]
    fn loads_reads_latin1() {
        let v = loads("{\"a\":\"é\"}".as_bytes()).unwrap();
        assert_eq!(
            v,
            Value::Dict([("a".into(), "Ã©".into())].into_iter().collect())
        );
        assert!(loads(b"not json").is_err());
    }

    #[test]
    fn nesting_is_capped_the_same_both_ways() {
        let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        let deepest = parse(&nested(MAX_DEPTH)).unwrap();
        assert_eq!(dumps(&deepest).unwrap(), nested(MAX_DEPTH));
        assert!(parse(&nested(MAX_DEPTH + 1)).is_err());
        let too_deep = Value::List(vec![deepest]);
        assert!(matches!(dumps(&too_deep), Err(Error::Unserializable(_))));
    }

    #[test]
    fn small_ints_are_written_without_fmt() {
        for n in [0, 7, -7, 10, i64::MAX, i64::MIN, 1_000_000] {
            assert_eq!(dumps(&Value::from(n)).unwrap(), n.to_string());
        }
    }
}
