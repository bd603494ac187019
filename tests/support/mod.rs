//! What the native integration tests share (each test crate uses some of it).
#![allow(dead_code)]

/// A session value from JSON written inline: `value!({"a": [1, 2.5, null]})`.
/// (No negative numbers: `stringify!` spaces the minus sign.)
#[macro_export]
macro_rules! value {
    ($($json:tt)+) => {
        edge_sessions::json::parse(stringify!($($json)+)).expect("value! takes JSON")
    };
}

/// Collects mismatches between what the edge did and what Django did, so
/// one vector reports all of them at once.
#[derive(Default)]
pub struct Check {
    /// One line per mismatch.
    pub problems: Vec<String>,
}

impl Check {
    /// Records `what` when `got` is not `want`.
    pub fn eq<T: PartialEq + std::fmt::Debug>(&mut self, what: &str, got: T, want: T) {
        if got != want {
            self.problems
                .push(format!("{what}: got {got:?}, Django {want:?}"));
        }
    }
}

/// A fixture file under `tests/fixtures/`, read as the oracle's JSON.
pub fn fixture(name: &str) -> serde_json::Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A fixture string, or any other value as its JSON text.
pub fn text(json: &serde_json::Value) -> String {
    json.as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| json.to_string())
}
