//! The file's JSON (read with serde_json, independently of the product)
//! as the Python values the core holds, Python's equality between them,
//! and field readers that never panic.

use edge_sessions::value::{Dict, Int, Value};
use std::collections::HashSet;

/// A value of the vectors file.
pub type Json = serde_json::Value;

/// What `json.loads` gives Python for this JSON: an integer literal is an
/// `int` (of any size), any other number a `float`, objects keep their order.
pub fn to_value(json: &Json) -> Value {
    match json {
        Json::Null => Value::None,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => match Int::parse(n.as_str()) {
            Some(int) => Value::Int(int),
            None => Value::Float(n.as_str().parse().unwrap_or(f64::NAN)),
        },
        Json::String(s) => Value::Str(s.clone()),
        Json::Array(items) => Value::List(items.iter().map(to_value).collect()),
        Json::Object(o) => Value::Dict(o.iter().map(|(k, v)| (k.clone(), to_value(v))).collect()),
    }
}

/// A JSON object as a session dict.
pub fn to_dict(json: &Json) -> Result<Dict, String> {
    match to_value(json) {
        Value::Dict(d) => Ok(d),
        _ => Err(format!("expected a dict, the file has {json}")),
    }
}

/// Python's `==` for JSON-born values (`600 == 600.0`), except that dict
/// keys must also come in the same order (the order is signed) and a bool
/// is not a number.
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
            let (x, y) = (a.as_f64(), b.as_f64());
            x == y || x.is_some_and(f64::is_nan) && y.is_some_and(f64::is_nan)
        }
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Dict(x), Value::Dict(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|((ka, va), (kb, vb))| ka == kb && same(va, vb))
        }
        _ => a == b,
    }
}

/// A value as Python's JSON writes it, for messages.
pub fn show(value: &Value) -> String {
    edge_sessions::json::dumps(value).unwrap_or_else(|_| format!("{value:?}"))
}

/// Compares two values with [`same`].
pub fn expect_same(what: &str, got: &Value, want: &Value) -> Result<(), String> {
    if same(got, want) {
        Ok(())
    } else {
        Err(format!("{what}: got {}, want {}", show(got), show(want)))
    }
}

/// Compares a value we produced with the file's.
pub fn expect_value(what: &str, got: &Value, want: &Json) -> Result<(), String> {
    expect_same(what, got, &to_value(want))
}

/// A number field as a double.
pub fn num(json: &Json) -> Option<f64> {
    match json {
        Json::Number(n) => n.as_str().parse().ok(),
        _ => None,
    }
}

/// A string field the vector must have.
pub fn text<'a>(v: &'a Json, field: &str) -> Result<&'a str, String> {
    v.get(field)
        .and_then(Json::as_str)
        .ok_or_else(|| format!("the vector has no string {field:?}"))
}

/// A number field the vector must have.
pub fn number(v: &Json, field: &str) -> Result<f64, String> {
    v.get(field)
        .and_then(num)
        .ok_or_else(|| format!("the vector has no number {field:?}"))
}

/// The strings of a list field (anything else is no strings).
pub fn strings(v: &Json) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s.as_str().map(str::to_owned))
        .collect()
}

/// A list field's items (a missing field is an empty list).
pub fn items(v: &Json) -> &[Json] {
    v.as_array().map(Vec::as_slice).unwrap_or_default()
}

/// Every string in a vector, object keys included: the session keys,
/// tokens and salts it names.
pub fn strings_in(v: &Json) -> HashSet<&str> {
    let mut out = HashSet::new();
    let mut pending = vec![v];
    while let Some(v) = pending.pop() {
        match v {
            Json::String(s) => {
                out.insert(s.as_str());
            }
            Json::Array(items) => pending.extend(items),
            Json::Object(o) => {
                out.extend(o.keys().map(String::as_str));
                pending.extend(o.values());
            }
            _ => {}
        }
    }
    out
}

/// Builds a dict value from pairs.
pub fn dict<'a>(pairs: impl IntoIterator<Item = (&'a str, Value)>) -> Value {
    Value::Dict(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}
