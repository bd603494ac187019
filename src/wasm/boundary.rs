//! How session values cross between JS and the core.
//!
//! Scalars cross as themselves (a number, a string, a boolean, null).
//! Lists and dicts cross as JSON text, written by `JSON.stringify` on the
//! way in and read by `JSON.parse` on the way out, both native and fast.
//! JSON has no NaN or infinity, which Python's JSON (and so a Django
//! session) has; inside that text they travel as marked strings, which
//! the `js/` layer's replacer and reviver turn back into numbers:
//!
//! - `"\u0000NaN"`, `"\u0000Infinity"`, `"\u0000-Infinity"` are the floats;
//! - a real string that starts with NUL gets one more NUL in front,
//!   so no string can be mistaken for a float.

use crate::error::{Error, Result};
use crate::value::{Dict, Value};
use wasm_bindgen::prelude::*;

const NUL: char = '\0';

/// The marked string for a non-finite float.
fn non_finite(f: f64) -> &'static str {
    if f.is_nan() {
        "\0NaN"
    } else if f > 0.0 {
        "\0Infinity"
    } else {
        "\0-Infinity"
    }
}

thread_local! {
    /// `JSON.parse` with the reviver for marked strings, from the `js/`
    /// layer (see `useJsonParse`): a function cannot be built here without
    /// `eval`, which Workers forbid.
    static PARSE: std::cell::RefCell<Option<js_sys::Function>> = const { std::cell::RefCell::new(None) };
}

/// Gives the core the `js/` layer's reader of boundary JSON text: a
/// function of the text that returns the JS value (`JSON.parse`, reviving
/// marked strings). Called once when the module is set up.
#[wasm_bindgen(js_name = useJsonParse)]
pub fn use_json_parse(parse: js_sys::Function) {
    PARSE.with(|slot| *slot.borrow_mut() = Some(parse));
}

/// A value as the JS value it crosses as.
pub(super) fn to_js(value: &Value) -> Result<JsValue> {
    Ok(match value {
        Value::None => JsValue::NULL,
        Value::Bool(b) => JsValue::from_bool(*b),
        // What `JSON.parse` of the int's digits gives: the nearest double.
        Value::Int(n) => JsValue::from_f64(n.to_f64()),
        Value::Float(f) => JsValue::from_f64(*f),
        Value::Str(s) => JsValue::from_str(s),
        Value::List(_) | Value::Dict(_) => {
            let mut text = String::new();
            write(&mut text, value)?;
            parse_text(&text)?
        }
    })
}

/// Boundary JSON text read into a JS value by the `js/` layer's parser.
pub(super) fn parse_text(text: &str) -> Result<JsValue> {
    let unavailable = || Error::Storage("the JS layer gave no JSON reader (useJsonParse)".into());
    PARSE.with(|slot| {
        let parse = slot.borrow();
        let parse = parse.as_ref().ok_or_else(unavailable)?;
        parse
            .call1(&JsValue::NULL, &JsValue::from_str(text))
            .map_err(|_| Error::Unserializable("boundary JSON did not parse".into()))
    })
}

/// A scalar JS value (what `typeof` calls number, string, boolean, or
/// null) as a session value; `None` for anything else, which crosses as
/// JSON text instead.
pub(super) fn scalar_from_js(value: &JsValue) -> Option<Value> {
    if let Some(n) = value.as_f64() {
        return Some(Value::from_js_number(n));
    }
    if let Some(s) = value.as_string() {
        return Some(Value::Str(s));
    }
    if let Some(b) = value.as_bool() {
        return Some(Value::Bool(b));
    }
    value.is_null().then_some(Value::None)
}

/// A session value from boundary JSON text (the `js/` layer's
/// `JSON.stringify` with its replacer).
pub(super) fn from_text(text: &str) -> Result<Value> {
    let mut value = crate::json::parse(text).map_err(|e| Error::Unserializable(e.to_string()))?;
    // JSON.stringify writes NUL as \u0000: only then can a marked string be in it.
    if text.contains("\\u0000") {
        unmark(&mut value);
    }
    Ok(value)
}

/// Turns marked strings back into floats and unescapes the others, without
/// recursion (the value may nest as deep as the reader allows).
fn unmark(value: &mut Value) {
    let mut pending = vec![value];
    while let Some(v) = pending.pop() {
        match v {
            Value::Str(s) if s.starts_with(NUL) => {
                *v = match s.as_str() {
                    "\0NaN" => Value::Float(f64::NAN),
                    "\0Infinity" => Value::Float(f64::INFINITY),
                    "\0-Infinity" => Value::Float(f64::NEG_INFINITY),
                    _ => Value::Str(s.split_at(1).1.to_owned()),
                }
            }
            Value::List(items) => pending.extend(items.iter_mut()),
            Value::Dict(dict) => pending.extend(dict.values_mut()),
            _ => {}
        }
    }
}

/// Appends `value` as boundary JSON text: Django's JSON writer (the same
/// escaping and float digits), but marked strings for the non-finite floats
/// and an extra NUL before strings that start with one.
pub(super) fn write(out: &mut String, value: &Value) -> Result<()> {
    crate::json::write_value_with(out, value, crate::json::MAX_DEPTH, &mark)
}

/// [`write`] of a dict.
pub(super) fn write_dict(out: &mut String, dict: &Dict) -> Result<()> {
    crate::json::write_dict_with(out, dict, crate::json::MAX_DEPTH, &mark)
}

/// Writes the scalars the boundary marks; `false` for the others.
fn mark(out: &mut String, value: &Value) -> bool {
    match value {
        Value::Float(f) if !f.is_finite() => crate::json::write_string(out, non_finite(*f)),
        Value::Str(s) if s.starts_with(NUL) => {
            // `"\u0000` and then the string's own JSON without its opening quote.
            out.push_str("\"\\u0000");
            let start = out.len();
            crate::json::write_string(out, s);
            out.replace_range(start..=start, "");
        }
        _ => return false,
    }
    true
}
