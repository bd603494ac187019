//! Property tests: the round trips and the arithmetic that must hold for
//! every input, not only for the oracle's vectors.
//!
//! - `signing::dumps` / `loads`: any JSON value, any salt, compressed or
//!   not, under the current key or a fallback, with `max_age` exact to the
//!   second;
//! - `Config::encode` / `decode` of any session dict;
//! - `cookie_value` gives what `parse_cookie` gives for that name;
//! - Set-Cookie as `middleware::session_cookie` writes it: the value reads
//!   back through `cookie_value`, and the attributes come in Python's order;
//! - expiry: `set_expiry` (seconds, timedelta, datetime) against
//!   `get_expiry_age` / `get_expiry_date`, and `DateTime::isoformat` /
//!   `parse_iso` over Python's whole year range.

use edge_sessions::cookie::{cookie_value, parse_cookie};
use edge_sessions::datetime::{http_date, DateTime};
use edge_sessions::engines::SignedCookies;
use edge_sessions::json::{self, Dict, Value};
use edge_sessions::signing::{self, TimestampSigner};
use edge_sessions::{
    block_on, middleware, CacheFormat, Config, EngineKind, Error, Expiry, ExpiryValue, Session,
    Settings,
};
use proptest::prelude::*;

/// The number of cases each property runs (proptest's default, stated).
const CASES: u32 = 256;

/// Microseconds of 0001-01-01T00:00:00 and 9999-12-31T23:59:59.999999,
/// Python's `datetime.min` and `datetime.max`, from the Unix epoch.
const MIN_MICROS: i64 = -62_135_596_800_000_000;
const MAX_MICROS: i64 = 253_402_300_799_999_999;

fn config() -> ProptestConfig {
    ProptestConfig::with_cases(CASES)
}

/// Any value Django could sign: Python ints of any size, any float (NaN
/// and the infinities are written as Python writes them), any string
/// (astral characters included), nested containers.
fn json_value() -> impl Strategy<Value = Value> {
    json_value_of_size(4, 64)
}

/// [`json_value`] nested at most `depth` deep with about `nodes` nodes.
fn json_value_of_size(depth: u32, nodes: u32) -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::None),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "-?[1-9][0-9]{19,40}".prop_map(|big| json::parse(&big).expect("an integer")),
        any::<f64>().prop_map(Value::Float),
        any::<String>().prop_map(Value::Str),
        // Repetitive text, so that compression pays and the `.` form is used.
        "[ab\"é]{0,300}".prop_map(Value::Str),
    ];
    leaf.prop_recursive(depth, nodes, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::List),
            prop::collection::vec((any::<String>(), inner), 0..8)
                .prop_map(|pairs| Value::Dict(pairs.into_iter().collect())),
        ]
    })
}

/// A session: a few keys, smaller values (every encode compresses, and the
/// debug build's deflate is slow on big ones).
fn session_dict() -> impl Strategy<Value = Dict> {
    prop::collection::vec((any::<String>(), json_value_of_size(2, 8)), 0..6)
        .prop_map(|pairs| pairs.into_iter().collect())
}

/// Equal, and written alike: the same JSON text Django would sign.
fn assert_same_json(got: &Value, want: &Value) {
    assert_eq!(json::dumps(got).unwrap(), json::dumps(want).unwrap());
    assert_eq!(got, want);
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn dumps_then_loads_gives_the_value_back(
        value in json_value(),
        salt in any::<String>(),
        secret in ".+",
        compress in any::<bool>(),
        now in 0.0..4e9f64,
    ) {
        let token = signing::dumps(&value, &secret, &salt, compress, now).unwrap();
        prop_assert_eq!(token.starts_with('.'), compress && token.len() > 1 && {
            // Compressed only when that saves two bytes or more.
            let plain = signing::dumps(&value, &secret, &salt, false, now).unwrap();
            token.len() < plain.len()
        });
        let loaded = signing::loads(&token, &secret, &[], &salt, None, now).unwrap();
        assert_same_json(&loaded, &value);
        // Under another key it is refused; as a fallback key it is accepted.
        let other = format!("{secret}-rotated");
        prop_assert!(matches!(
            signing::loads(&token, &other, &[], &salt, None, now),
            Err(Error::BadSignature(_))
        ));
        let loaded = signing::loads(&token, &other, &[&secret], &salt, None, now).unwrap();
        assert_same_json(&loaded, &value);
        // Another salt is another key.
        let salted = format!("{salt}x");
        prop_assert!(signing::loads(&token, &secret, &[], &salted, None, now).is_err());
    }

    #[test]
    fn max_age_is_exact_to_the_second(
        signed_at in 0.0..4e9f64,
        elapsed in 0.0..1e6f64,
        max_age in 0u32..1_000_000,
    ) {
        let signer = TimestampSigner::new("secret", &[] as &[&str], "salt");
        let token = signer.sign("value", signed_at);
        let now = signed_at + elapsed;
        // Django: age = now - int(timestamp); expired when age > max_age.
        let age = now - signed_at.trunc();
        let result = signer.unsign(&token, Some(f64::from(max_age)), now);
        if age > f64::from(max_age) {
            prop_assert!(matches!(result, Err(Error::SignatureExpired(_))));
        } else {
            prop_assert_eq!(result.unwrap(), "value");
        }
    }

    #[test]
    fn a_session_dict_encodes_and_decodes(dict in session_dict(), now in 0.0..4e9f64) {
        let config = Config::new(Settings::new("secret")).unwrap();
        let encoded = config.encode(&dict, now).unwrap();
        let (decoded, problem) = config.decode(&encoded, now);
        prop_assert_eq!(problem, None);
        assert_same_json(&Value::Dict(decoded), &Value::Dict(dict));
    }

    #[test]
    fn set_cookie_reads_back_with_attributes_in_python_order(
        name in "[A-Za-z0-9!#$%&'*+.^_`|~:-]{1,20}",
        value in "[^;]{0,60}",
        domain in proptest::option::of("[a-z0-9.-]{0,20}"),
        path in "[/a-z0-9._~-]{0,20}",
        same_site in proptest::option::of(prop_oneof![
            Just("Lax"), Just("Strict"), Just("None"), Just("lax")
        ]),
        secure in any::<bool>(),
        http_only in any::<bool>(),
        max_age in proptest::option::of(0.0..3.1536e9f64),
        now in 0.0..4e9f64,
    ) {
        // A name that is also an attribute name would read back as the attribute.
        prop_assume!(!["Domain", "expires", "Max-Age", "Path", "SameSite"].contains(&name.as_str()));
        let mut settings = Settings::new("secret");
        settings.cookie_name = name.clone();
        settings.cookie_domain = domain.clone();
        settings.cookie_path = path.clone();
        settings.cookie_samesite = same_site.map(|s| edge_sessions::cookie::SameSite::parse(s, "test").unwrap());
        settings.cookie_secure = secure;
        settings.cookie_httponly = http_only;
        prop_assert!(settings.validate().is_ok());

        let header = middleware::session_cookie(&settings, &value, max_age, now).unwrap();
        prop_assert_eq!(cookie_value(&header, &name), Some(value.clone()));

        let mut parts = header.split("; ");
        let first = format!("{name}=");
        prop_assert!(parts.next().unwrap().starts_with(&first));
        let attributes: Vec<(&str, Option<&str>)> = parts
            .map(|part| match part.split_once('=') {
                Some((k, v)) => (k, Some(v)),
                None => (part, None),
            })
            .collect();
        let non_empty = |v: &Option<String>| v.clone().filter(|v| !v.is_empty());
        let mut want: Vec<(&str, Option<String>)> = Vec::new();
        if let Some(domain) = non_empty(&domain) {
            want.push(("Domain", Some(domain)));
        }
        if let Some(age) = max_age {
            want.push(("expires", Some(http_date(now + age).unwrap())));
        }
        if http_only {
            want.push(("HttpOnly", None));
        }
        if let Some(age) = max_age {
            want.push(("Max-Age", Some((age as i64).to_string())));
        }
        if let Some(path) = non_empty(&Some(path)) {
            want.push(("Path", Some(path)));
        }
        if let Some(same_site) = same_site {
            want.push(("SameSite", Some(same_site.to_owned())));
        }
        if secure {
            want.push(("Secure", None));
        }
        let want: Vec<(&str, Option<&str>)> =
            want.iter().map(|(k, v)| (*k, v.as_deref())).collect();
        prop_assert_eq!(attributes, want);

        let deleted = middleware::delete_cookie(&settings);
        prop_assert_eq!(cookie_value(&deleted, &name), Some(String::new()));
        prop_assert!(deleted.contains("; Max-Age=0") && !deleted.contains("HttpOnly"));
    }

    #[test]
    fn cookie_value_is_what_parse_cookie_gives(
        header in r#"([ a-c=;"\\]|sessionid|\\0[0-7]{2}){0,40}"#,
        name in prop_oneof![Just("sessionid"), Just("a"), Just(""), Just("b c")],
    ) {
        let jar = parse_cookie(&header);
        let want = jar.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        prop_assert_eq!(cookie_value(&header, name), want);
    }

    #[test]
    fn isoformat_and_parse_iso_round_trip(
        utc_micros in MIN_MICROS..=MAX_MICROS,
        offset in proptest::option::of(-86_399i32..=86_399),
    ) {
        let local = utc_micros + i64::from(offset.unwrap_or(0)) * 1_000_000;
        prop_assume!((MIN_MICROS..=MAX_MICROS).contains(&local));
        let date = DateTime { utc_micros, offset };
        let text = date.isoformat();
        prop_assert_eq!(DateTime::parse_iso(&text).unwrap(), date, "{}", text);
        // Python's separator may be any character; a space is common.
        let spaced = text.replacen('T', " ", 1);
        prop_assert_eq!(DateTime::parse_iso(&spaced).unwrap(), date);
    }

    #[test]
    fn expiry_in_seconds_is_the_age_and_now_plus_it_the_date(
        now in 0i64..4_000_000_000,
        seconds in 1i64..3_000_000_000,
        modified_ago in 0i64..1_000_000,
    ) {
        let now = now as f64;
        let mut s = session(now);
        block_on(async {
            s.set_expiry(Expiry::Seconds(seconds as f64)).await.unwrap();
            assert_eq!(s.get("_session_expiry").await.unwrap(), Some(Value::from(seconds)));
            assert_eq!(s.get_expiry_age().await.unwrap(), seconds as f64);
            let date = s.get_expiry_date().await.unwrap();
            assert_eq!(date, DateTime::from_timestamp(now + seconds as f64));
            assert_eq!(DateTime::from_timestamp(now).seconds_until(&date).unwrap(), seconds);
            assert!(!s.get_expire_at_browser_close().await.unwrap());
            // From another modification time: the same age, a date that far on.
            let modification = DateTime::from_timestamp(now - modified_ago as f64);
            assert_eq!(
                s.get_expiry_age_with(Some(modification), None).await.unwrap(),
                seconds as f64
            );
            let date = s.get_expiry_date_with(Some(modification), None).await.unwrap();
            assert_eq!(modification.seconds_until(&date).unwrap(), seconds);
        });
    }

    #[test]
    fn expiry_in_a_timedelta_is_stored_as_a_date(
        now in 0i64..4_000_000_000,
        micros in -3_000_000_000_000_000i64..3_000_000_000_000_000,
    ) {
        let now = now as f64;
        let mut s = session(now);
        let expected = DateTime::from_timestamp(now).plus_seconds(micros as f64 / 1e6).unwrap();
        block_on(async {
            s.set_expiry(Expiry::In(micros as f64 / 1e6)).await.unwrap();
            let stored = s.get("_session_expiry").await.unwrap().unwrap();
            assert_eq!(stored, Value::Str(expected.isoformat()));
            assert_eq!(s.get_expiry_date().await.unwrap(), expected);
            // Whole seconds, rounded down, as Python's timedelta arithmetic.
            let age = (expected.utc_micros - DateTime::from_timestamp(now).utc_micros)
                .div_euclid(1_000_000);
            assert_eq!(s.get_expiry_age().await.unwrap(), age as f64);
            assert!(!s.get_expire_at_browser_close().await.unwrap());
        });
    }

    #[test]
    fn expiry_at_a_datetime_keeps_its_offset(
        now in 0i64..4_000_000_000,
        at in 0i64..250_000_000_000_000_000,
        offset in -86_399i32..=86_399,
    ) {
        let now = now as f64;
        let at = DateTime { utc_micros: at, offset: Some(offset) };
        let mut s = session(now);
        block_on(async {
            s.set_expiry(Expiry::At(at)).await.unwrap();
            assert_eq!(s.get_expiry_date().await.unwrap(), at);
            let age = DateTime::from_timestamp(now).seconds_until(&at).unwrap();
            assert_eq!(s.get_expiry_age().await.unwrap(), age as f64);
            // Given explicitly, the stored form gives the same answers.
            let stored = ExpiryValue::Stored(Value::Str(at.isoformat()));
            assert_eq!(s.get_expiry_age_with(None, Some(stored)).await.unwrap(), age as f64);
        });
    }

    #[test]
    fn expiry_zero_means_browser_close_and_default_the_cookie_age(
        now in 0i64..4_000_000_000,
        cookie_age in 0i64..3_153_600_000,
    ) {
        let now = now as f64;
        let mut settings = Settings::new("secret");
        settings.cookie_age = cookie_age;
        let mut s = Session::new(SignedCookies, Config::new(settings).unwrap(), None, now);
        block_on(async {
            s.set_expiry(Expiry::Seconds(0.0)).await.unwrap();
            assert!(s.get_expire_at_browser_close().await.unwrap());
            assert_eq!(s.get_expiry_age().await.unwrap(), cookie_age as f64);
            s.set_expiry(Expiry::Default).await.unwrap();
            assert_eq!(s.get("_session_expiry").await.unwrap(), None);
            assert!(!s.get_expire_at_browser_close().await.unwrap());
            assert_eq!(s.get_expiry_age().await.unwrap(), cookie_age as f64);
            assert_eq!(
                s.get_expiry_date().await.unwrap(),
                DateTime::from_timestamp(now + cookie_age as f64)
            );
        });
    }
}

fn session(now: f64) -> Session<SignedCookies> {
    Session::new(
        SignedCookies,
        Config::new(Settings::new("secret")).unwrap(),
        None,
        now,
    )
}

/// A value stored under one key, as the JS layer or Rust code may give it:
/// anything [`json_value`] makes, nested up to the limit, big text that
/// compresses past the inflate cap, NaN and the infinities.
fn stored_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => json_value_of_size(3, 16),
        // Deep, close to the limit from either side.
        1 => (edge_sessions::json::MAX_DEPTH - 3..=edge_sessions::json::MAX_DEPTH + 1).prop_map(nested),
        // Compressible text past a small inflate cap.
        1 => (1usize..4000).prop_map(|n| Value::Str("ab".repeat(n))),
    ]
}

fn nested(depth: usize) -> Value {
    let mut v = Value::None;
    for _ in 0..depth {
        v = Value::List(vec![v]);
    }
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever `set` and `save` accept, a fresh load reads back equal, on
    /// every engine; what the reader would refuse is refused before
    /// anything is stored.
    #[test]
    fn whatever_a_save_accepts_reads_back_equal(
        values in prop::collection::vec(("[a-z_]{1,12}", stored_value()), 1..4),
        engine in 0usize..5,
        pickle in any::<bool>(),
    ) {
        use edge_sessions::engines::AnyEngine;
        use edge_sessions::store::MemoryStores;
        let kinds = [EngineKind::SignedCookies, EngineKind::Cache, EngineKind::Db, EngineKind::CachedDb, EngineKind::File];
        let mut settings = Settings::new("secret");
        settings.engine = kinds[engine];
        settings.max_inflated_size = 4096; // small, so the cap is reached
        settings.cache_format = if pickle { CacheFormat::Pickle } else { CacheFormat::Json };
        let config = Config::new(settings).unwrap();
        let now = 1_700_000_000.0;
        let stores = MemoryStores::new(now);
        let engine = AnyEngine::new(
            config.settings.engine,
            Some(stores.cache.clone()),
            Some(stores.db.clone()),
            Some(stores.files.clone()),
        )
        .unwrap();
        let mut s = Session::new(&engine, config.clone(), None, now);
        let mut accepted = Dict::new();
        block_on(async {
            for (key, value) in values {
                if s.set(&key, value.clone()).await.is_ok() {
                    accepted.insert(key, value);
                }
            }
        });
        let saved = block_on(s.save());
        if saved.is_err() {
            // Refused: nothing may have been stored under a key.
            prop_assert!(stores.cache.keys().is_empty() && stores.db.keys().is_empty());
            return Ok(());
        }
        let key = s.session_key().map(str::to_owned);
        let mut fresh = Session::new(&engine, config, key.as_deref(), now);
        let items = block_on(fresh.items()).unwrap();
        prop_assert_eq!(fresh.load_problem(), None);
        prop_assert_eq!(json::dumps(&Value::Dict(items.clone())).unwrap(), json::dumps(&Value::Dict(accepted.clone())).unwrap());
        prop_assert_eq!(Value::Dict(items), Value::Dict(accepted));
    }
}
