//! What the native integration tests share.

/// A session value from JSON written inline: `value!({"a": [1, 2.5, null]})`.
/// (No negative numbers: `stringify!` spaces the minus sign.)
#[macro_export]
macro_rules! value {
    ($($json:tt)+) => {
        edge_sessions::json::parse(stringify!($($json)+)).expect("value! takes JSON")
    };
}
