//! The values a session holds, as Python holds them: what `json.loads` (or
//! a data-only unpickler) gives Django, and what the edge writes back.
//!
//! Python tells `1` from `1.0` and `True` from `1`, keeps dict keys in
//! insertion order, and has unbounded ints and NaN floats; a JSON value type
//! does not, so the session keeps its own. The readers and writers of
//! Django's formats live in [`crate::json`] and [`crate::pickle`].
//!
//! ```
//! use edge_sessions::value::{Dict, Value};
//! let mut cart = Dict::new();
//! cart.insert("qty".into(), Value::from(2));
//! cart.insert("price".into(), Value::Float(19.99));
//! assert_eq!(cart.get("qty"), Some(&Value::from(2)));
//! assert_eq!(cart.keys().collect::<Vec<_>>(), ["qty", "price"]);
//! ```

use crate::error::{Error, Result};

/// A Python value a session can hold.
///
/// Equality is structural (`1 != 1.0 != True`, unlike Python) and a NaN
/// equals a NaN, so "reads back equal" can be tested on any value.
#[derive(Debug, Clone)]
pub enum Value {
    /// `None` (JSON `null`).
    None,
    /// `True`/`False`.
    Bool(bool),
    /// An `int` of any size.
    Int(Int),
    /// A `float`, NaN and the infinities included (Python's JSON writes them).
    Float(f64),
    /// A `str`.
    Str(String),
    /// A `list` (a pickled `tuple` reads as one, as JSON would have stored it).
    List(Vec<Value>),
    /// A `dict` with `str` keys, in insertion order.
    Dict(Dict),
}

/// Python's `int`: machine-sized when it fits, otherwise its decimal digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Int {
    /// Fits in 64 bits.
    Small(i64),
    /// Does not fit: an optional `-` and digits without leading zeros.
    Big(Box<str>),
}

/// CPython refuses to convert an int of more digits from or to text
/// (`sys.get_int_max_str_digits()`), so Django can neither read nor write
/// one in JSON; the readers refuse it too.
pub const MAX_INT_DIGITS: usize = 4300;

impl Int {
    /// Parses Python's `int()` of a JSON integer literal: an optional `-`
    /// then ASCII digits. `None` for anything else or over
    /// [`MAX_INT_DIGITS`] digits.
    pub fn parse(text: &str) -> Option<Int> {
        let digits = text.strip_prefix('-').unwrap_or(text);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if digits.len() > MAX_INT_DIGITS {
            return None;
        }
        if let Ok(small) = text.parse::<i64>() {
            return Some(Int::Small(small));
        }
        let significant = digits.trim_start_matches('0');
        let negative = text.starts_with('-');
        // Too long for i64 only through leading zeros: parse what is left.
        if let Ok(small) = significant.parse::<i64>() {
            return Some(Int::Small(if negative { -small } else { small }));
        }
        let sign = if negative { "-" } else { "" };
        Some(Int::Big(format!("{sign}{significant}").into()))
    }

    /// The value as an `i64`, when it fits.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Int::Small(n) => Some(*n),
            Int::Big(_) => None,
        }
    }

    /// Whether the value is below zero.
    pub fn is_negative(&self) -> bool {
        match self {
            Int::Small(n) => *n < 0,
            Int::Big(digits) => digits.starts_with('-'),
        }
    }

    /// Python's `float(int)`: the nearest double (infinite past f64's range,
    /// where Python raises OverflowError; callers that care check `is_finite`).
    pub fn to_f64(&self) -> f64 {
        match self {
            Int::Small(n) => *n as f64,
            Int::Big(digits) => crate::float::parse(digits).unwrap_or(f64::NAN),
        }
    }
}

/// JS writes integral numbers below 1e21 without a point or exponent.
const JS_PLAIN_INTEGER_BOUND: f64 = 1e21;

impl Value {
    /// The Python number that reading `JSON.stringify(x)` gives: integral
    /// values below 1e21 are ints (JS writes them as digits), the others
    /// floats. The one rule for every JS number entering the session.
    ///
    /// ```
    /// use edge_sessions::value::{Int, Value};
    /// assert_eq!(Value::from_js_number(3.0), Value::from(3));
    /// assert_eq!(Value::from_js_number(3.5), Value::Float(3.5));
    /// assert_eq!(Value::from_js_number(2f64.powi(64)), Value::Int(Int::Big("18446744073709552000".into())));
    /// assert_eq!(Value::from_js_number(1e21), Value::Float(1e21));
    /// ```
    pub fn from_js_number(x: f64) -> Value {
        if x.fract() != 0.0 || x.abs() >= JS_PLAIN_INTEGER_BOUND {
            return Value::Float(x); // NaN and the infinities too
        }
        if x.abs() < 9.0e18 {
            // -0.0 too: JSON.stringify(-0) is "0".
            return Value::Int(Int::Small(x as i64));
        }
        // JS's digits: the shortest that round-trip, then zeros up to the point.
        let (digits, exp) = crate::float::shortest(x);
        let zeros = (exp as usize + 1).saturating_sub(digits.len());
        let sign = if x < 0.0 { "-" } else { "" };
        let text = format!("{sign}{digits}{}", "0".repeat(zeros));
        Value::Int(Int::Big(text.into()))
    }
}

impl std::fmt::Display for Int {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Int::Small(n) => write!(f, "{n}"),
            Int::Big(digits) => f.write_str(digits),
        }
    }
}

impl Value {
    /// The Python type name, for messages (`dict`, `list`, ...).
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::None => "NoneType",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "str",
            Value::List(_) => "list",
            Value::Dict(_) => "dict",
        }
    }

    /// The string inside a `Str`.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The dict inside a `Dict`.
    pub fn as_dict(&self) -> Option<&Dict> {
        match self {
            Value::Dict(d) => Some(d),
            _ => None,
        }
    }

    /// An `int` that fits in 64 bits.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(n) => n.as_i64(),
            _ => None,
        }
    }

    /// A number (`int` or `float`, not `bool`) as a double.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(n) => Some(n.to_f64()),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// Python's truthiness.
    pub fn is_truthy(&self) -> bool {
        match self {
            Value::None => false,
            Value::Bool(b) => *b,
            Value::Int(n) => n != &Int::Small(0),
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::List(items) => !items.is_empty(),
            Value::Dict(dict) => !dict.is_empty(),
        }
    }

    /// How deeply lists and dicts nest inside this value (a scalar is 0,
    /// `[]` and `{}` are 1), counted without recursion, so a hostile value
    /// cannot overflow the stack here.
    pub fn depth(&self) -> usize {
        let mut deepest = 0;
        let mut pending: Vec<(&Value, usize)> = vec![(self, 0)];
        while let Some((value, above)) = pending.pop() {
            let children: Box<dyn Iterator<Item = &Value>> = match value {
                Value::List(items) => Box::new(items.iter()),
                Value::Dict(dict) => Box::new(dict.values()),
                _ => continue,
            };
            deepest = deepest.max(above + 1);
            pending.extend(children.map(|child| (child, above + 1)));
        }
        deepest
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::None, Value::None) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a == b || (a.is_nan() && b.is_nan()),
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::List(a), Value::List(b)) => a == b,
            (Value::Dict(a), Value::Dict(b)) => a == b,
            _ => false,
        }
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Int(Int::Small(n))
    }
}

impl From<i32> for Value {
    fn from(n: i32) -> Self {
        Value::from(i64::from(n))
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Str(s.into())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Str(s)
    }
}

impl From<Dict> for Value {
    fn from(d: Dict) -> Self {
        Value::Dict(d)
    }
}

impl From<Vec<Value>> for Value {
    fn from(items: Vec<Value>) -> Self {
        Value::List(items)
    }
}

impl PartialEq<&str> for Value {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

/// Past this many keys a dict keeps a hash index: sessions are small and a
/// scan is fastest, but a hostile payload of 100k keys must not make every
/// insert a scan (JSON and pickle readers insert key by key).
const INDEX_FROM: usize = 16;

/// A Python `dict` with `str` keys: insertion order, a key set again keeps
/// its place, `del` closes the gap.
#[derive(Clone, Default)]
pub struct Dict {
    entries: Vec<(String, Value)>,
    /// Open-addressing table of `entries` positions + 1 (0 = empty slot),
    /// built once the dict is big; `None` below [`INDEX_FROM`] keys and
    /// after a removal, until the next lookup rebuilds it.
    index: Option<Vec<u32>>,
}

impl std::fmt::Debug for Dict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map()
            .entries(self.entries.iter().map(|(k, v)| (k, v)))
            .finish()
    }
}

impl PartialEq for Dict {
    /// Python's dict equality: the same keys with equal values, in any order.
    fn eq(&self, other: &Dict) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

/// FNV-1a: a few bytes of code, and good enough for string keys here.
fn hash(key: &str) -> u64 {
    key.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl Dict {
    /// An empty dict.
    pub fn new() -> Self {
        Dict::default()
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no keys.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The position of `key` in `entries`, building the index first when
    /// the dict has grown big enough to want one.
    fn position(&mut self, key: &str) -> Option<usize> {
        if self.entries.len() >= INDEX_FROM && self.index.as_ref().is_none_or(Vec::is_empty) {
            self.index = Some(build_index(&self.entries));
        }
        self.find(key)
    }

    /// The position of `key`: through the index when there is one.
    fn find(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(table) if !table.is_empty() => probe(table, &self.entries, key),
            _ => self.entries.iter().position(|(k, _)| k == key),
        }
    }

    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.find(key)
            .and_then(|i| self.entries.get(i))
            .map(|(_, v)| v)
    }

    /// The value under `key`, to change in place.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        let i = self.position(key)?;
        self.entries.get_mut(i).map(|(_, v)| v)
    }

    /// Whether `key` is in the dict.
    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_some()
    }

    /// `dict[key] = value`: a new key goes last, an existing one keeps its
    /// place. Returns the value it replaced.
    pub fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        if let Some(i) = self.position(&key) {
            return self
                .entries
                .get_mut(i)
                .map(|(_, old)| std::mem::replace(old, value));
        }
        self.entries.push((key, value));
        self.grow_index();
        None
    }

    /// Adds the newest entry to the index, rebuilding it when it fills up.
    fn grow_index(&mut self) {
        let n = self.entries.len();
        let Some(table) = self.index.as_mut().filter(|t| !t.is_empty()) else {
            return; // built on the next lookup, if the dict is big by then
        };
        if n * 2 > table.len() {
            *table = build_index(&self.entries);
            return;
        }
        let mask = table.len() - 1;
        let Some((key, _)) = self.entries.last() else {
            return;
        };
        let mut slot = hash(key) as usize & mask;
        while table.get(slot).is_some_and(|&at| at != 0) {
            slot = (slot + 1) & mask;
        }
        if let Some(empty) = table.get_mut(slot) {
            *empty = n as u32;
        }
    }

    /// `del dict[key]` / `dict.pop(key)`: the value, the later keys moving up.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let i = self.position(key)?;
        self.index = None;
        Some(self.entries.remove(i).1)
    }

    /// `dict.update(other)`.
    pub fn extend(&mut self, other: impl IntoIterator<Item = (String, Value)>) {
        for (k, v) in other {
            self.insert(k, v);
        }
    }

    /// The keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_str())
    }

    /// The values in order.
    pub fn values(&self) -> impl Iterator<Item = &Value> {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The values in order, to change in place.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Value> {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// `(key, value)` pairs in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }
}

/// Looks `key` up in an index `table` over `entries`.
fn probe(table: &[u32], entries: &[(String, Value)], key: &str) -> Option<usize> {
    let mask = table.len().checked_sub(1)?;
    let mut slot = hash(key) as usize & mask;
    loop {
        let at = (*table.get(slot)? as usize).checked_sub(1)?;
        if entries.get(at).is_some_and(|(k, _)| k == key) {
            return Some(at);
        }
        slot = (slot + 1) & mask;
    }
}

/// A table at least twice the entries, a power of two, every key placed.
fn build_index(entries: &[(String, Value)]) -> Vec<u32> {
    let size = (entries.len() * 2).next_power_of_two().max(32);
    let mut table = vec![0u32; size];
    let mask = size - 1;
    for (i, (key, _)) in entries.iter().enumerate() {
        let mut slot = hash(key) as usize & mask;
        while table.get(slot).is_some_and(|&at| at != 0) {
            slot = (slot + 1) & mask;
        }
        if let Some(empty) = table.get_mut(slot) {
            *empty = i as u32 + 1;
        }
    }
    table
}

impl FromIterator<(String, Value)> for Dict {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        let mut dict = Dict::new();
        dict.extend(iter);
        dict
    }
}

impl IntoIterator for Dict {
    type Item = (String, Value);
    type IntoIter = std::vec::IntoIter<(String, Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

/// A session dict from a value that must be one (a decoded payload).
pub fn into_dict(value: Value) -> Result<Dict> {
    match value {
        Value::Dict(dict) => Ok(dict),
        other => Err(Error::BadPayload(crate::error::PayloadError::Json(
            format!("session payload is a {}, not a dict", other.type_name()),
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dict_keeps_insertion_order_and_places() {
        let mut d = Dict::new();
        for k in ["z", "a", "m"] {
            d.insert(k.into(), Value::from(1));
        }
        d.insert("a".into(), Value::from(2));
        assert_eq!(d.keys().collect::<Vec<_>>(), ["z", "a", "m"]);
        assert_eq!(d.get("a"), Some(&Value::from(2)));
        assert_eq!(d.remove("z"), Some(Value::from(1)));
        assert_eq!(d.keys().collect::<Vec<_>>(), ["a", "m"]);
    }

    #[test]
    fn a_big_dict_is_indexed_and_stays_correct() {
        let mut d = Dict::new();
        for i in 0..5000 {
            d.insert(format!("k{i}"), Value::from(i64::from(i)));
        }
        for i in (0..5000).step_by(7) {
            d.insert(format!("k{i}"), Value::None);
        }
        assert_eq!(d.len(), 5000);
        assert_eq!(d.get("k14"), Some(&Value::None));
        assert_eq!(d.get("k15"), Some(&Value::from(15)));
        assert_eq!(d.remove("k0"), Some(Value::None));
        assert_eq!(d.get("k4999"), Some(&Value::from(4999)));
        assert!(!d.contains_key("k0"));
        assert_eq!(d.keys().next(), Some("k1"));
    }

    #[test]
    fn ints_parse_like_python() {
        assert_eq!(Int::parse("-0"), Some(Int::Small(0)));
        assert_eq!(Int::parse("007"), Some(Int::Small(7)));
        assert_eq!(
            Int::parse("9223372036854775808"),
            Some(Int::Big("9223372036854775808".into()))
        );
        assert_eq!(
            Int::parse("-0009223372036854775808"),
            Some(Int::Small(i64::MIN))
        );
        assert_eq!(Int::parse("1.0"), None);
        assert_eq!(Int::parse(""), None);
        assert!(Int::parse(&"9".repeat(MAX_INT_DIGITS)).is_some());
        assert!(Int::parse(&"9".repeat(MAX_INT_DIGITS + 1)).is_none());
    }

    #[test]
    fn depth_counts_containers() {
        let mut v = Value::from(1);
        for _ in 0..3 {
            v = Value::List(vec![v]);
        }
        assert_eq!(v.depth(), 3);
        assert_eq!(Value::Dict(Dict::new()).depth(), 1);
        assert_eq!(Value::None.depth(), 0);
    }
}
