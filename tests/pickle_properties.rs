//! Properties of `edge_sessions::pickle` over generated input, the stable
//! stand-in for the `pickle_loads` fuzz target:
//!
//! - any value a session holds writes, and reads back equal, bit for bit
//!   (the writing again gives the same bytes);
//! - any bytes, and real pickles with bytes flipped, inserted or cut, read
//!   as a value or an error, never a panic; what reads writes back.

use edge_sessions::pickle;
use edge_sessions::value::{Dict, Int, Value};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig::with_cases(512)
}

fn int() -> impl Strategy<Value = Int> {
    prop_oneof![
        any::<i64>().prop_map(Int::Small),
        (-70_000i64..70_000).prop_map(Int::Small),
        ("-?[1-9][0-9]{19,400}").prop_map(|digits| Int::parse(&digits).unwrap()),
    ]
}

fn float() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>(),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(-0.0),
        (-1e6f64..1e6),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z]{0,3}",
        any::<String>(),
        "[\\x00-\\xff]{0,2}",
        "[a\u{e9}\u{101}\u{1f600}]{0,300}",
    ]
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::None),
        any::<bool>().prop_map(Value::Bool),
        int().prop_map(Value::Int),
        float().prop_map(Value::Float),
        text().prop_map(Value::Str),
    ];
    leaf.prop_recursive(5, 200, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::List),
            prop::collection::vec((text(), inner), 0..8)
                .prop_map(|pairs| Value::Dict(pairs.into_iter().collect::<Dict>())),
        ]
    })
}

/// Reads `data`; if it reads, checks that what it reads writes and reads back.
fn read_and_round_trip(data: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(value) = pickle::loads(data) {
        let written = pickle::dumps(&value).expect("a value loads read writes");
        let again = pickle::loads(&written).expect("what dumps writes reads back");
        prop_assert_eq!(&again, &value);
        prop_assert_eq!(pickle::dumps(&again).unwrap(), written);
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn values_round_trip_exactly(value in value()) {
        let written = pickle::dumps(&value).unwrap();
        let read = pickle::loads(&written).unwrap();
        prop_assert_eq!(&read, &value);
        prop_assert_eq!(pickle::dumps(&read).unwrap(), written.clone());
        if let Value::Dict(dict) = &value {
            prop_assert_eq!(pickle::dumps_dict(dict).unwrap(), written);
        }
    }

    #[test]
    fn any_bytes_read_or_fail_cleanly(data in prop::collection::vec(any::<u8>(), 0..300)) {
        read_and_round_trip(&data)?;
        // As a protocol 5 pickle body too, so it gets past the first byte.
        read_and_round_trip(&[b"\x80\x05".as_slice(), &data, b"."].concat())?;
    }

    #[test]
    fn damaged_pickles_read_or_fail_cleanly(
        value in value(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..6),
    ) {
        let mut data = pickle::dumps(&value).unwrap();
        for (at, byte, kind) in edits {
            match kind {
                0 if !data.is_empty() => {
                    let at = at.index(data.len());
                    data[at] = byte;
                }
                1 => {
                    let at = at.index(data.len() + 1);
                    data.insert(at, byte);
                }
                _ if !data.is_empty() => {
                    let at = at.index(data.len());
                    data.remove(at);
                }
                _ => {}
            }
        }
        read_and_round_trip(&data)?;
    }
}
