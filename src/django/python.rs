//! The few CPython behaviours the auth and CSRF protocols lean on: `int()`
//! of a session value (what `AutoField.to_python` calls), `str()`/`repr()`
//! of a value (what Django's messages show), `str.strip()` and
//! `str.title()`.

use crate::value::{Int, Value};

/// Python's `str.isspace()`: Unicode White_Space plus the separators
/// U+001C..U+001F (Rust's `is_whitespace` is the same set otherwise).
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `str.strip()` without arguments.
pub fn strip(s: &str) -> &str {
    s.trim_matches(is_space)
}

/// The first code point of each run of ten Unicode decimal digits
/// (category Nd, Unicode 14 as in CPython 3.11): `int()` reads them all.
const DECIMAL_ZEROS: [u32; 66] = [
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
    0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650,
    0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50,
    0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
];

/// The value of a Unicode decimal digit (`unicodedata.decimal`).
pub fn decimal_digit(c: char) -> Option<u8> {
    let cp = u32::from(c);
    DECIMAL_ZEROS
        .iter()
        .find(|&&zero| (zero..zero + 10).contains(&cp))
        .and_then(|&zero| u8::try_from(cp - zero).ok())
}

/// CPython refuses to read an int of more digits from text.
const MAX_STR_DIGITS: usize = 4300;

/// The result of Python's `int(text)` in base 10.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParsedInt {
    /// The value, when it fits in 64 bits.
    Small(i64),
    /// A valid int beyond 64 bits.
    Big,
}

/// Python's `int(text)`: surrounding whitespace, an optional sign, then
/// decimal digits of any script with single underscores between them.
/// `None` where Python raises ValueError.
///
/// ```
/// use edge_sessions::django::python::{int_from_str, ParsedInt};
/// assert_eq!(int_from_str(" +0_1\n"), Some(ParsedInt::Small(1)));
/// assert_eq!(int_from_str("\u{661}"), Some(ParsedInt::Small(1)));
/// assert_eq!(int_from_str("99999999999999999999"), Some(ParsedInt::Big));
/// assert_eq!(int_from_str("1.0"), None);
/// assert_eq!(int_from_str("1__0"), None);
/// ```
pub fn int_from_str(text: &str) -> Option<ParsedInt> {
    let body = strip(text);
    let (negative, digits) = match body.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, body.strip_prefix('+').unwrap_or(body)),
    };
    let mut value: Option<i64> = Some(0);
    let mut count = 0usize;
    let mut previous_underscore = true; // a leading `_` is refused
    for c in digits.chars() {
        if c == '_' {
            if previous_underscore {
                return None;
            }
            previous_underscore = true;
            continue;
        }
        let digit = decimal_digit(c)?;
        previous_underscore = false;
        count += 1;
        if count > MAX_STR_DIGITS {
            return None;
        }
        // Accumulated negatively so that i64::MIN fits.
        value = value
            .and_then(|v| v.checked_mul(10))
            .and_then(|v| v.checked_sub(i64::from(digit)));
    }
    if count == 0 || previous_underscore {
        return None;
    }
    Some(match value {
        Some(v) if negative => ParsedInt::Small(v),
        Some(v) => v.checked_neg().map_or(ParsedInt::Big, ParsedInt::Small),
        None => ParsedInt::Big,
    })
}

/// Python's `str(value)` (`repr` for everything but a `str`).
pub fn py_str(value: &Value) -> String {
    match value {
        Value::Str(s) => s.clone(),
        other => py_repr(other),
    }
}

/// Python's `repr(value)`, as far as messages need it: lists and dicts
/// nested past a few hundred levels are cut short.
pub fn py_repr(value: &Value) -> String {
    let mut out = String::new();
    write_repr(&mut out, value, 200);
    out
}

fn write_repr(out: &mut String, value: &Value, depth: usize) {
    if depth == 0 {
        out.push_str("...");
        return;
    }
    match value {
        Value::None => out.push_str("None"),
        Value::Bool(true) => out.push_str("True"),
        Value::Bool(false) => out.push_str("False"),
        Value::Int(Int::Small(n)) => out.push_str(&n.to_string()),
        Value::Int(Int::Big(digits)) => out.push_str(digits),
        Value::Float(x) => crate::float::write_repr(out, *x),
        Value::Str(s) => out.push_str(&repr_str(s)),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_repr(out, item, depth - 1);
            }
            out.push(']');
        }
        Value::Dict(dict) => {
            out.push('{');
            for (i, (key, item)) in dict.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&repr_str(key));
                out.push_str(": ");
                write_repr(out, item, depth - 1);
            }
            out.push('}');
        }
    }
}

/// Python's `repr(str)`: single quotes unless the text has one and no
/// double quote; backslash escapes for the quote, `\\`, `\t`, `\n`, `\r`
/// and other unprintable characters.
pub fn repr_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if !is_printable(c) => {
                let cp = u32::from(c);
                let escaped = if cp < 0x100 {
                    format!("\\x{cp:02x}")
                } else if cp < 0x10000 {
                    format!("\\u{cp:04x}")
                } else {
                    format!("\\U{cp:08x}")
                };
                out.push_str(&escaped);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// An approximation of `str.isprintable()`: controls, separators other
/// than the space, and format characters are not.
fn is_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    !(c.is_control()
        || (is_space(c) && c != ' ')
        || matches!(u32::from(c), 0xAD | 0x200B..=0x200F | 0x2060..=0x2064 | 0xFEFF | 0xD800..=0xDFFF))
}

/// Python's `str.lower()` as far as a comparison with ASCII text can
/// tell: ASCII letters, and U+212A KELVIN SIGN, the one character whose
/// lower case is ASCII (`k`); other characters are kept. (Unicode's full
/// case tables would cost the wasm some 30 KB for texts that are ASCII.)
///
/// ```
/// assert_eq!(edge_sessions::django::python::lower("TestServer\u{212a}"), "testserverk");
/// ```
pub fn lower(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{212a}' => 'k',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// Python's `str.upper()` likewise: ASCII letters, and the characters
/// whose upper case is ASCII (`ı`, `ſ`, the ligatures U+FB00..U+FB06).
///
/// ```
/// assert_eq!(edge_sessions::django::python::upper("po\u{fb06}"), "POST");
/// ```
pub fn upper(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        out.push_str(match c {
            '\u{131}' => "I",
            '\u{17f}' => "S",
            '\u{fb00}' => "FF",
            '\u{fb01}' => "FI",
            '\u{fb02}' => "FL",
            '\u{fb03}' => "FFI",
            '\u{fb04}' => "FFL",
            '\u{fb05}' | '\u{fb06}' => "ST",
            c => {
                out.push(c.to_ascii_uppercase());
                continue;
            }
        });
    }
    out
}

/// Python's `str.title()` for the ASCII text header names are: the first
/// letter of each run of letters upper-cased, the rest lower-cased (other
/// characters are kept and end a run).
///
/// ```
/// assert_eq!(edge_sessions::django::python::title("x-csrftoken"), "X-Csrftoken");
/// assert_eq!(edge_sessions::django::python::title("X-XSRF-TOKEN"), "X-Xsrf-Token");
/// assert_eq!(edge_sessions::django::python::title("x-1abc"), "X-1Abc");
/// ```
pub fn title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut previous_cased = false;
    for c in s.chars() {
        out.push(if previous_cased {
            c.to_ascii_lowercase()
        } else {
            c.to_ascii_uppercase()
        });
        previous_cased = c.is_ascii_alphabetic();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Dict;

    #[test]
    fn int_follows_cpython() {
        assert_eq!(int_from_str("1"), Some(ParsedInt::Small(1)));
        assert_eq!(int_from_str("-0"), Some(ParsedInt::Small(0)));
        assert_eq!(int_from_str("\u{ff11}"), Some(ParsedInt::Small(1)));
        assert_eq!(
            int_from_str("-9223372036854775808"),
            Some(ParsedInt::Small(i64::MIN))
        );
        assert_eq!(int_from_str("9223372036854775808"), Some(ParsedInt::Big));
        for bad in [
            "", " ", "+", "_1", "1_", "0x1", "1e0", "1 2", "١_", "\u{b2}",
        ] {
            assert_eq!(int_from_str(bad), None, "{bad:?}");
        }
        assert_eq!(int_from_str(&"9".repeat(4301)), None);
    }

    #[test]
    fn repr_follows_cpython() {
        let mut d = Dict::new();
        d.insert("id".into(), Value::from(1));
        assert_eq!(py_repr(&Value::Dict(d)), "{'id': 1}");
        assert_eq!(
            py_repr(&Value::List(vec![Value::None, Value::Float(1.0)])),
            "[None, 1.0]"
        );
        assert_eq!(repr_str("it's"), "\"it's\"");
        assert_eq!(repr_str("a'\"\n\u{7}"), "'a\\'\"\\n\\x07'");
        assert_eq!(py_str(&Value::from("x")), "x");
    }
}
