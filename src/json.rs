//! JSON exactly as Django's `JSONSerializer` writes and reads it.
//!
//! Django signs `json.dumps(obj, separators=(",", ":"))`: insertion order,
//! every character outside printable ASCII escaped as `\uXXXX` (astral ones
//! as surrogate pairs), and floats in Python's `repr`. Any byte difference
//! changes the signature, so the writer is ours; parsing is serde_json's,
//! with `preserve_order` and `arbitrary_precision` so dict order and big
//! integers survive.

use crate::error::{Error, PayloadError, Result};
pub use serde_json::{Map, Number, Value};
use std::borrow::Cow;

/// A session's contents: a JSON object that keeps insertion order.
pub type Dict = Map<String, Value>;

/// Python's `json.dumps(value, separators=(",", ":"))`.
///
/// Refuses NaN and infinities (Python would write `NaN`, which no other
/// JSON reader accepts) with [`Error::Unserializable`].
///
/// ```
/// use edge_sessions::json::{dumps, Value};
/// let v: Value = serde_json::from_str(r#"{"name":"Zoë","n":1e16}"#).unwrap();
/// assert_eq!(dumps(&v).unwrap(), r#"{"name":"Zo\u00eb","n":1e+16}"#);
/// ```
pub fn dumps(value: &Value) -> Result<String> {
    let mut out = String::new();
    write_value(&mut out, value)?;
    Ok(out)
}

/// Writes a session dict; the same text [`dumps`] gives for it as a value.
pub fn dumps_dict(dict: &Dict) -> Result<String> {
    let mut out = String::new();
    write_dict(&mut out, dict)?;
    Ok(out)
}

/// Python's `json.loads(data.decode("latin-1"))`: bytes are read as Latin-1,
/// so raw UTF-8 in a signed payload comes back as mojibake, as in Django.
pub fn loads(data: &[u8]) -> Result<Value> {
    // One reader (`from_str`) for every JSON the crate parses: each reader
    // type is a second copy of serde_json's parser in the wasm.
    let latin1 = || Cow::Owned(data.iter().map(|&b| char::from(b)).collect());
    let text = if data.is_ascii() {
        // ASCII is valid UTF-8 and reads the same in Latin-1.
        std::str::from_utf8(data).map_or_else(|_| latin1(), Cow::Borrowed)
    } else {
        latin1()
    };
    serde_json::from_str(&text).map_err(|e| Error::BadPayload(PayloadError::Json(e.to_string())))
}

fn write_value(out: &mut String, value: &Value) -> Result<()> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => write_number(out, n)?,
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item)?;
            }
            out.push(']');
        }
        Value::Object(map) => write_dict(out, map)?,
    }
    Ok(())
}

/// Appends a session dict's JSON to `out` (what [`dumps_dict`] gives).
pub fn write_dict(out: &mut String, map: &Dict) -> Result<()> {
    out.push('{');
    for (i, (key, item)) in map.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(out, key);
        out.push(':');
        write_value(out, item)?;
    }
    out.push('}');
    Ok(())
}

/// Integers are written exactly (Python ints are unbounded); anything with a
/// fraction or exponent is a Python float and gets Python's `repr`.
fn write_number(out: &mut String, n: &Number) -> Result<()> {
    let text = n.as_str();
    if is_integer_literal(text) {
        // JSON has no `-0` integer in Python: int("-0") == 0.
        out.push_str(if text == "-0" { "0" } else { text });
        return Ok(());
    }
    let f: f64 = text
        .parse()
        .map_err(|_| Error::Unserializable(format!("number {text}")))?;
    if f.is_infinite() {
        // A literal past f64 (`1e400`, read from a stored session): Python
        // reads it as inf and would write `Infinity`, which no JSON reader
        // accepts back; the literal itself reads as inf in Python and JS.
        out.push_str(text);
        return Ok(());
    }
    out.push_str(&float_repr(f)?);
    Ok(())
}

fn is_integer_literal(text: &str) -> bool {
    !text.bytes().any(|c| matches!(c, b'.' | b'e' | b'E'))
}

/// Python's `repr(float)`: the shortest digits that round-trip, in fixed
/// notation for exponents -4..16 and scientific (`1e+16`, `1e-05`) otherwise.
pub fn float_repr(f: f64) -> Result<String> {
    if !f.is_finite() {
        return Err(Error::Unserializable(format!(
            "Out of range float values are not JSON compliant: {f}"
        )));
    }
    if f == 0.0 {
        return Ok(if f.is_sign_negative() { "-0.0" } else { "0.0" }.into());
    }
    // Rust's `{:e}` gives the same shortest round-trip digits as Python.
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let mut out = String::from(sign);
    if (-4..16).contains(&exp) {
        let point = exp + 1; // digits before the decimal point
        if point <= 0 {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', point.unsigned_abs() as usize));
            out.push_str(&digits);
        } else {
            let point = point as usize;
            if digits.len() <= point {
                out.push_str(&digits);
                out.extend(std::iter::repeat_n('0', point - digits.len()));
                out.push_str(".0");
            } else {
                out.push_str(&digits[..point]);
                out.push('.');
                out.push_str(&digits[point..]);
            }
        }
    } else {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push_str(&format!(
            "e{}{:02}",
            if exp < 0 { '-' } else { '+' },
            exp.unsigned_abs()
        ));
    }
    Ok(out)
}

/// Appends a JSON string with Python's `ensure_ascii` escaping.
pub fn write_string(out: &mut String, s: &str) {
    out.push('"');
    let mut at = 0;
    loop {
        // Printable ASCII other than `"` and `\` goes out as is, a run at a time.
        let run = s.as_bytes().get(at..).unwrap_or_default().iter();
        let plain = run
            .take_while(|&&b| matches!(b, b' '..=b'~') && b != b'"' && b != b'\\')
            .count();
        out.push_str(s.get(at..at + plain).unwrap_or_default());
        at += plain;
        let Some(c) = s.get(at..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        at += c.len_utf8();
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
                    out.push_str("\\u");
                    for shift in [12, 8, 4, 0] {
                        out.push(char::from(HEX[usize::from(unit >> shift & 15)]));
                    }
                }
                continue;
            }
        };
        out.push_str(escape);
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_are_python_repr() {
        let cases = [
            (1e16, "1e+16"),
            (1e-5, "1e-05"),
            (0.1, "0.1"),
            (2.0, "2.0"),
            (1e-7, "1e-07"),
            (1e100, "1e+100"),
            (1.5e300, "1.5e+300"),
            (2.71, "2.71"),
            (1.0 / 3.0, "0.3333333333333333"),
            (123456789012345.6, "123456789012345.6"),
            (1e15, "1000000000000000.0"),
            (0.0001, "0.0001"),
            (-2.5e-10, "-2.5e-10"),
            (-0.0, "-0.0"),
        ];
        for (f, want) in cases {
            assert_eq!(float_repr(f).unwrap(), want);
        }
        assert!(float_repr(f64::NAN).is_err());
        assert!(float_repr(f64::INFINITY).is_err());
    }

    #[test]
    fn strings_escape_like_ensure_ascii() {
        let v = Value::String("a\"\\\n\u{7f}\u{1f}é☃𝄞\r\t\u{08}\u{0c} end".into());
        assert_eq!(
            dumps(&v).unwrap(),
            r#""a\"\\\n\u007f\u001f\u00e9\u2603\ud834\udd1e\r\t\b\f end""#
        );
    }

    #[test]
    fn keeps_insertion_order_and_big_ints() {
        let text = r#"{"z":1,"a":[9223372036854775808,-0,1.0]}"#;
        let v: Value = serde_json::from_str(text).unwrap();
        assert_eq!(
            dumps(&v).unwrap(),
            r#"{"z":1,"a":[9223372036854775808,0,1.0]}"#
        );
    }

    #[test]
    fn loads_reads_latin1() {
        let v = loads("{\"a\":\"é\"}".as_bytes()).unwrap();
        assert_eq!(v["a"], "Ã©");
        assert!(loads(b"not json").is_err());
    }
}
