//! Django's own session tests (tests/sessions_tests/tests.py, 5.2), ported:
//! `SessionTestsMixin` for every engine, the per-engine extras,
//! `SessionMiddlewareTests` and the signing tests that apply.

use edge_sessions::datetime::DateTime;
use edge_sessions::engines::{
    CacheEngine, CachedDbEngine, DbEngine, Engine, FileEngine, SignedCookies,
};
use edge_sessions::json::{Dict, Value};
use edge_sessions::store::{CacheStore, MemoryStores};
use edge_sessions::{block_on, middleware, Config, Error, Expiry, ExpiryValue, Session, Settings};

#[macro_use]
mod support;
use std::rc::Rc;

const NOW: f64 = 1_700_000_000.0;

fn config_with(change: impl FnOnce(&mut Settings)) -> Rc<Config> {
    let mut settings = Settings::new("django-tests-secret");
    change(&mut settings);
    Config::new(settings).unwrap()
}

fn config() -> Rc<Config> {
    config_with(|_| {})
}

fn dict(v: Value) -> Dict {
    v.as_dict().cloned().unwrap()
}

/// `SessionTestsMixin`, instantiated once per engine. `$stored` is false
/// for signed_cookies, where Django skips or stubs the store-backed tests.
macro_rules! session_tests {
    ($name:ident, $stored:expr, |$stores:ident| $engine:expr) => {
        mod $name {
            use super::*;

            fn engine($stores: &MemoryStores) -> impl Engine {
                $engine
            }

            fn session($stores: &MemoryStores, key: Option<&str>) -> Session<impl Engine> {
                Session::new(engine($stores), config(), key, NOW)
            }

            #[test]
            fn new_session_has_no_flags() {
                let stores = MemoryStores::new(NOW);
                let s = session(&stores, None);
                assert!(!s.modified() && !s.accessed());
            }

            #[test]
            fn get_empty() {
                block_on(async {
                    let stores = MemoryStores::new(NOW);
                    let mut s = session(&stores, None);
                    assert_eq!(s.get("cat").await.unwrap(), None);
                });
            }

            #[test]
            fn store_then_pop() {
                block_on(async {
                    let stores = MemoryStores::new(NOW);
                    let mut s = session(&stores, None);
                    s.set("cat", value!("dog")).await.unwrap();
                    assert!(s.modified());
                    assert_eq!(s.pop("cat").await.unwrap(), value!("dog"));
                });
            }

            #[test]
            fn pop_existing() {
                block_on(async {
                    let stores = MemoryStores::new(NOW);
                    let mut s = session(&stores, None);
                    s.set("some key", value!("exists")).await.unwrap();
                    s.set_accessed(false);
                    s.set_modified(false);
                    assert_eq!(s.pop("some key").await.unwrap(), value!("exists"));
                    assert!(s.accessed() && s.modified());
                    assert_eq!(s.get("some key").await.unwrap(), None);
                });
            }

            #[test]
            fn pop_default_does_not_modify() {
                block_on(async {
                    let stores = MemoryStores::new(NOW);
                    let mut s = session(&stores, None);
                    assert_eq!(s.pop_or("some key", value!("does not exist")).await.unwrap(), value!("does not exist"));
                    assert!(s.accessed() && !s.modified());
                });
            }

            #[test]
            fn pop_missing_without_default_is_key_error() {
                block_on(async {
                    let stores = MemoryStores::new(NOW);
                    let mut s = session(&stores, None);
                    assert!(matches!(s.pop("some key").await, Err(Error::KeyNotFound(_))));
                });
            }

            #[test]
            fn setdefault() {
                block_on(async {
                    let stores = MemoryStores::new(NOW);
                    let mut s = session(&stores, None);
                    assert_eq!(s.setdefault("foo", value!("bar")).await.unwrap(), value!("bar"));
                    assert_eq!(s.setdefault("foo", value!("baz")).await.unwrap(), value!("bar"));
                    assert!(s.accessed() && s.modified());
                });
            }

            #[test]
            fn update() {
                block_on(async {
                    let stores = MemoryStores::new(NOW);
                    let mut s = session(&stores, None);
                    s.update(dict(value!({"update key": 1}))).await.unwrap();
                    assert!(s.accessed() && s.modified());
                    assert_eq!(s.get("update key").await.unwrap(), Some(value!(1)));
                });
            }

            #[test]
            fn has_key_and_contains_only_access() {
                block_on(async {
                    let stores = MemoryStores::new(NOW);
                    let mut s = session(&stores, None);
                    s.set("some key", value!(1)).await.unwrap();
                    s.set_accessed(false);
                    s.set_modified(false);
                    assert!(s.contains("some key").await.unwrap());
                    assert!(s.accessed() && !s.modified());
                });
            }

            #[test]
            fn keys_values_items_only_access() {
                block_on(async {
                    let stores = MemoryStores::new(NOW);
                    let mut s = session(&stores, None);
                    assert!(s.values().await.unwrap().is_empty());
                    assert!(s.accessed());
                    s.set("x", value!(1)).await.unwrap();
                    s.set("y", value!(2)).await.unwrap();
                    s.set_accessed(false);
                    s.set_modified(false);
                    assert_eq!(s.keys().await.unwrap(), vec!["x", "y"]);
                    assert_eq!(s.values().await.unwrap(), vec![value!(1), value!(2)]);
                    assert_eq!(Value::Dict(s.items().await.unwrap()), value!({"x": 1, "y": 2}));
                    assert!(s.accessed() && !s.modified());
                });
            }

            #[test]
            fn clear() {
                block_on(async {
                    let stores = MemoryStores::new(NOW);
                    let mut s = session(&stores, None);
                    s.set("x", value!(1)).await.unwrap();
                    s.set_accessed(false);
                    s.set_modified(false);
                    s.clear();
                    assert!(s.items().await.unwrap().is_empty());
                    assert!(s.accessed() && s.modified());
                });
            }

            #[test]
            fn save_then_exists() {
                block_on(async {
                    let stores = MemoryStores::new(NOW);
                    let mut s = session(&stores, None);
                    s.save().await.unwrap();
                    let key = s.session_key().unwrap().to_owned();
                    assert_eq!(s.exists(&key).await.unwrap(), $stored);
                });
            }

            #[test]
            fn delete() {
                block_on(async {
                    let stores = MemoryStores::new(NOW);
                    let mut s = session(&stores, None);
                    s.save().await.unwrap();
                    let key = s.session_key().unwrap().to_owned();
                    s.delete(Some(&key)).await.unwrap();
                    assert!(!s.exists(&key).await.unwrap());
                });
            }

            #[test]
            fn flush() {
                block_on(async {
                    let stores = MemoryStores::new(NOW);
                    let mut s = session(&stores, None);
                    s.set("foo", value!("bar")).await.unwrap();
                    s.save().await.unwrap();
                    let prev = s.session_key().unwrap().to_owned();
                    s.flush().await.unwrap();
                    assert!(!s.exists(&prev).await.unwrap());
                    assert_eq!(s.session_key(), None);
                    assert!(s.modified() && s.accessed());
                    assert!(s.is_empty());
                });
            }

            #[test]
            fn cycle_key_keeps_data_under_a_new_key() {
                block_on(async {
                    let stores = MemoryStores::new(NOW);
                    let mut s = session(&stores, None);
                    s.set("a", value!("c")).await.unwrap();
                    s.set("b", value!("d")).await.unwrap();
                    s.save().await.unwrap();
                    let prev_key = s.session_key().unwrap().to_owned();
                    let prev_data = s.items().await.unwrap();
                    if !$stored {
                        s.set_now(s.now() + 1.0); // a signed cookie changes with its timestamp
                    }
                    s.cycle_key().await.unwrap();
                    assert!(!s.exists(&prev_key).await.unwrap());
                    assert_ne!(s.session_key(), Some(prev_key.as_str()));
                    assert_eq!(s.items().await.unwrap(), prev_data);
                });
            }

            #[test]
            fn cycle_key_with_no_session_cache() {
                block_on(async {
                    let stores = MemoryStores::new(NOW);
                    let mut s = session(&stores, None);
                    s.set("a", value!("c")).await.unwrap();
                    s.save().await.unwrap();
                    let mut fresh = session(&stores, s.session_key());
                    assert!(!fresh.is_loaded());
                    fresh.cycle_key().await.unwrap();
                    assert_eq!(fresh.get("a").await.unwrap(), Some(value!("c")));
                });
            }

            #[test]
            fn save_does_not_clear_data() {
                block_on(async {
                    let stores = MemoryStores::new(NOW);
                    let mut s = session(&stores, None);
                    s.set("a", value!("b")).await.unwrap();
                    s.save().await.unwrap();
                    assert_eq!(s.get("a").await.unwrap(), Some(value!("b")));
                });
            }

            #[test]
            fn invalid_key_gets_a_new_key() {
                block_on(async {
                    let stores = MemoryStores::new(NOW);
                    let mut s = session(&stores, Some("1"));
                    s.save().await.unwrap();
                    assert_ne!(s.session_key(), Some("1"));
                    assert_eq!(s.get("cat").await.unwrap(), None);
                });
            }

            #[test]
            fn session_key_validation() {
                let stores = MemoryStores::new(NOW);
                assert_eq!(session(&stores, Some("")).session_key(), None);
                assert_eq!(session(&stores, Some("1234567")).session_key(), None);
                assert_eq!(session(&stores, Some("12345678")).session_key(), Some("12345678"));
            }

            #[test]
            fn default_expiry() {
                block_on(async {
                    let stores = MemoryStores::new(NOW);
                    let mut s = session(&stores, None);
                    assert_eq!(s.get_expiry_age().await.unwrap(), 1_209_600.0);
                    s.set_expiry(Expiry::Seconds(0.0)).await.unwrap();
                    assert_eq!(s.get_expiry_age().await.unwrap(), 1_209_600.0);
                    let date = s.get_expiry_date().await.unwrap();
                    assert_eq!(date, DateTime::from_timestamp(NOW + 1_209_600.0));
                });
            }

            #[test]
            fn custom_expiry_seconds_timedelta_datetime() {
                block_on(async {
                    let stores = MemoryStores::new(NOW);
                    let mut s = session(&stores, None);
                    let modification = DateTime::from_timestamp(NOW);
                    for expiry in [Expiry::Seconds(10.0), Expiry::In(10.0), Expiry::At(DateTime::from_timestamp(NOW + 10.0))] {
                        s.set_expiry(expiry).await.unwrap();
                        assert_eq!(s.get_expiry_age_with(Some(modification), None).await.unwrap(), 10.0, "{expiry:?}");
                        let date = s.get_expiry_date_with(Some(modification), None).await.unwrap();
                        assert_eq!(date.utc_micros, DateTime::from_timestamp(NOW + 10.0).utc_micros, "{expiry:?}");
                    }
                });
            }

            #[test]
            fn custom_expiry_reset() {
                block_on(async {
                    let stores = MemoryStores::new(NOW);
                    let mut s = session(&stores, None);
                    s.set_expiry(Expiry::Default).await.unwrap();
                    s.set_expiry(Expiry::Seconds(10.0)).await.unwrap();
                    s.set_expiry(Expiry::Default).await.unwrap();
                    assert_eq!(s.get_expiry_age().await.unwrap(), 1_209_600.0);
                });
            }

            #[test]
            fn get_expire_at_browser_close_under_both_settings() {
                block_on(async {
                    let stores = MemoryStores::new(NOW);
                    for global in [false, true] {
                        let config = config_with(|s| s.expire_at_browser_close = global);
                        let mut s = Session::new(engine(&stores), config, None, NOW);
                        s.set_expiry(Expiry::Seconds(10.0)).await.unwrap();
                        assert!(!s.get_expire_at_browser_close().await.unwrap());
                        s.set_expiry(Expiry::Seconds(0.0)).await.unwrap();
                        assert!(s.get_expire_at_browser_close().await.unwrap());
                        s.set_expiry(Expiry::Default).await.unwrap();
                        assert_eq!(s.get_expire_at_browser_close().await.unwrap(), global);
                    }
                });
            }

            #[test]
            fn decode_round_trip_and_failures() {
                let stores = MemoryStores::new(NOW);
                let s = session(&stores, None);
                let data = dict(value!({"a test key": "a test value"}));
                let encoded = s.config().encode(&data, s.now()).unwrap();
                assert_eq!(config().decode(&encoded, NOW), (data, None));
                // Corrupted data: {} and a BadSignature Django would log as SuspiciousSession.
                let (empty, problem) = config().decode("bad:encoded:value", NOW);
                assert!(empty.is_empty() && problem.unwrap().is_bad_signature());
                // A payload the serializer cannot read: {} and no SuspiciousSession.
                let signer = edge_sessions::signing::Signer::new("django-tests-secret", &[] as &[&str], "django.contrib.sessions.SessionStore");
                let (empty, problem) = config().decode(&signer.sign("bm90IGpzb24:1r31eq"), NOW);
                assert!(empty.is_empty() && !problem.unwrap().is_bad_signature());
            }

            #[test]
            fn actual_expiry() {
                block_on(async {
                    let stores = MemoryStores::new(NOW);
                    let mut s = session(&stores, None);
                    s.set("foo", value!("bar")).await.unwrap();
                    s.set_expiry(Expiry::In(-10.0)).await.unwrap();
                    s.save().await.unwrap();
                    let mut again = session(&stores, s.session_key());
                    // Django's signed_cookies does not enforce custom expiry on load (#19201).
                    assert_eq!(!again.contains("foo").await.unwrap(), $stored);
                });
            }

            #[test]
            fn load_of_unknown_key_creates_no_record() {
                block_on(async {
                    let stores = MemoryStores::new(NOW);
                    let mut s = session(&stores, Some("someunknownkey"));
                    if !$stored {
                        // Django skips this for signed_cookies; there the bad
                        // key is kept and the session starts over as modified.
                        assert!(s.items().await.unwrap().is_empty());
                        assert!(s.modified() && s.session_key() == Some("someunknownkey"));
                        return;
                    }
                    assert!(s.items().await.unwrap().is_empty());
                    assert_eq!(s.session_key(), None);
                    assert!(!s.exists("someunknownkey").await.unwrap());
                });
            }

            #[test]
            fn save_after_concurrent_delete_is_update_error() {
                block_on(async {
                    let stores = MemoryStores::new(NOW);
                    let mut s1 = session(&stores, None);
                    s1.set("test_data", value!("value1")).await.unwrap();
                    s1.save_new().await.unwrap();
                    let mut s2 = session(&stores, s1.session_key());
                    s2.delete(None).await.unwrap();
                    s1.set("test_data", value!("value2")).await.unwrap();
                    if !$stored {
                        // Django skips this for signed_cookies: with no store,
                        // nothing can vanish, and the save simply succeeds.
                        assert_eq!(s1.save().await, Ok(()));
                        return;
                    }
                    assert_eq!(s1.save().await, Err(Error::UpdateError));
                    let mut s3 = session(&stores, s1.session_key());
                    assert!(!s3.contains("test_data").await.unwrap());
                });
            }
        }
    };
}

session_tests!(db, true, |stores| DbEngine::new(stores.db.clone()));
session_tests!(cache, true, |stores| CacheEngine::new(stores.cache.clone()));
session_tests!(cached_db, true, |stores| CachedDbEngine::new(
    stores.cache.clone(),
    stores.db.clone()
));
session_tests!(file, true, |stores| FileEngine::new(stores.files.clone()));
session_tests!(signed_cookies, false, |_stores| SignedCookies);

// ------------------------------------------------------------ per-engine extras

#[test]
fn db_clear_expired_removes_only_rows_before_now() {
    block_on(async {
        let stores = MemoryStores::new(NOW);
        let mut live = Session::new(DbEngine::new(stores.db.clone()), config(), None, NOW);
        live.set("x", value!(1)).await.unwrap();
        live.save().await.unwrap();
        let mut old = Session::new(DbEngine::new(stores.db.clone()), config(), None, NOW);
        old.set_expiry(Expiry::In(-10.0)).await.unwrap();
        old.save().await.unwrap();
        assert_eq!(stores.db.keys().len(), 2);
        live.clear_expired().await.unwrap();
        assert_eq!(
            stores.db.keys(),
            vec![live.session_key().unwrap().to_owned()]
        );
    });
}

#[test]
fn db_row_is_djangos_shape() {
    block_on(async {
        let stores = MemoryStores::new(NOW);
        let mut s = Session::new(DbEngine::new(stores.db.clone()), config(), None, NOW);
        s.set("hello", value!("world")).await.unwrap();
        s.save().await.unwrap();
        let row = stores.db.row(s.session_key().unwrap()).unwrap();
        assert_eq!(row.session_key.len(), 32);
        assert_eq!(row.expire_date, DateTime::from_timestamp(NOW + 1_209_600.0));
        assert_eq!(
            config().decode(&row.session_data, NOW).0,
            dict(value!({"hello": "world"}))
        );
    });
}

#[test]
fn cached_db_exists_asks_the_cache_first() {
    block_on(async {
        let stores = MemoryStores::new(NOW);
        let mut s = Session::new(
            CachedDbEngine::new(stores.cache.clone(), stores.db.clone()),
            config(),
            None,
            NOW,
        );
        s.save().await.unwrap();
        let key = s.session_key().unwrap().to_owned();
        stores.db.set_failing(true); // a db lookup would now fail
        assert!(s.exists(&key).await.unwrap());
    });
}

#[test]
fn cached_db_cache_write_failure_is_not_fatal() {
    block_on(async {
        let stores = MemoryStores::new(NOW);
        let mut s = Session::new(
            CachedDbEngine::new(stores.cache.clone(), stores.db.clone()),
            config(),
            None,
            NOW,
        );
        s.save().await.unwrap();
        stores.cache.set_failing(true); // like Django's FailingCache, after the key exists
        s.set("key", value!("val")).await.unwrap();
        s.save().await.unwrap();
        let row = stores.db.row(s.session_key().unwrap()).unwrap();
        assert_eq!(
            config().decode(&row.session_data, NOW).0,
            dict(value!({"key": "val"}))
        );
        assert_eq!(s.load_problem().map(Error::name), Some("StorageError"));
    });
}

#[test]
fn cache_load_failure_is_a_miss_with_a_reason() {
    block_on(async {
        let stores = MemoryStores::new(NOW);
        stores.cache.set_failing(true);
        let mut s = Session::new(
            CacheEngine::new(stores.cache.clone()),
            config(),
            Some("abcdefghijkl"),
            NOW,
        );
        assert!(s.items().await.unwrap().is_empty());
        assert_eq!(s.session_key(), None);
        assert_eq!(s.load_problem().map(Error::name), Some("StorageError"));
    });
}

#[test]
fn cache_entry_expires_with_the_session() {
    block_on(async {
        let stores = MemoryStores::new(NOW);
        let mut s = Session::new(CacheEngine::new(stores.cache.clone()), config(), None, NOW);
        s.set_expiry(Expiry::Seconds(300.0)).await.unwrap();
        s.save().await.unwrap();
        // Django's make_key: ":1:" + the engine's prefix + the session key.
        let key = format!(
            ":1:django.contrib.sessions.cache{}",
            s.session_key().unwrap()
        );
        assert_eq!(stores.cache.entry(&key).unwrap().1, NOW + 300.0);
        stores.cache.set_now(NOW + 301.0);
        assert_eq!(stores.cache.get(&key).await.unwrap(), None);
    });
}

#[test]
fn file_keys_with_path_characters_are_refused() {
    block_on(async {
        let stores = MemoryStores::new(NOW);
        for key in ["a\\b\\c\\d\\e", "a/b/c/d/e/f", "../../../etc"] {
            let mut s = Session::new(
                FileEngine::new(stores.files.clone()),
                config(),
                Some(key),
                NOW,
            );
            assert!(s.items().await.unwrap().is_empty());
            assert_eq!(s.load_problem(), Some(&Error::InvalidSessionKey));
            assert!(s.exists(key).await.is_err());
        }
        assert!(stores.files.names().is_empty());
    });
}

#[test]
fn file_clear_expired_removes_expired_files_without_creating_new_ones() {
    block_on(async {
        let stores = MemoryStores::new(NOW);
        let mut s = Session::new(FileEngine::new(stores.files.clone()), config(), None, NOW);
        s.set("x", value!(1)).await.unwrap();
        s.save().await.unwrap();
        let mut expired = Session::new(FileEngine::new(stores.files.clone()), config(), None, NOW);
        expired.set_expiry(Expiry::In(-1.0)).await.unwrap();
        expired.save().await.unwrap();
        assert_eq!(stores.files.names().len(), 2);
        s.clear_expired().await.unwrap();
        assert_eq!(
            stores.files.names(),
            vec![format!("sessionid{}", s.session_key().unwrap())]
        );
    });
}

#[test]
fn file_write_failure_is_reported() {
    block_on(async {
        let stores = MemoryStores::new(NOW);
        let mut s = Session::new(FileEngine::new(stores.files.clone()), config(), None, NOW);
        stores.files.set_failing(true);
        s.set("x", value!(1)).await.unwrap();
        assert_eq!(s.save().await.map_err(|e| e.name()), Err("StorageError"));
    });
}

#[test]
fn clearsessions_is_a_no_op_for_cache_and_signed_cookies() {
    block_on(async {
        let stores = MemoryStores::new(NOW);
        let s = Session::new(CacheEngine::new(stores.cache.clone()), config(), None, NOW);
        assert_eq!(s.clear_expired().await, Ok(()));
        let s = Session::new(SignedCookies, config(), None, NOW);
        assert_eq!(s.clear_expired().await, Ok(()));
    });
}

#[test]
fn signed_cookies_unreadable_payload_gives_a_new_session() {
    block_on(async {
        let mut s = Session::new(
            SignedCookies,
            config(),
            Some("e30:1r31eq:not-a-signature-at-all"),
            NOW,
        );
        assert!(s.items().await.unwrap().is_empty());
        assert!(s.modified(), "Django's create() marks it modified");
        assert!(s.load_problem().unwrap().is_bad_signature());
    });
}

#[test]
fn custom_key_salt_follows_the_class_name() {
    let c = config_with(|s| s.session_class = "CustomSessionStore".into());
    let encoded = c.encode(&dict(value!({"a": 1})), NOW).unwrap();
    assert!(config().decode(&encoded, NOW).1.unwrap().is_bad_signature());
    assert_eq!(c.decode(&encoded, NOW).0, dict(value!({"a": 1})));
}

#[test]
fn get_expiry_kwargs_override_the_stored_value() {
    block_on(async {
        let mut s = Session::new(SignedCookies, config(), None, NOW);
        s.set("_session_expiry", value!(999)).await.unwrap();
        let expiry = Some(ExpiryValue::At(DateTime::from_timestamp(NOW + 3600.0)));
        let modification = Some(DateTime::from_timestamp(NOW - 3600.0));
        assert_eq!(
            s.get_expiry_age_with(modification, expiry.clone())
                .await
                .unwrap(),
            7200.0
        );
        assert_eq!(
            s.get_expiry_age_with(None, Some(ExpiryValue::Stored(value!(42))))
                .await
                .unwrap(),
            42.0
        );
    });
}

// ------------------------------------------------------------ SessionMiddlewareTests

/// One request through the middleware over the signed_cookies engine.
fn respond(
    config: Rc<Config>,
    cookie: Option<&str>,
    status: u16,
    view: impl AsyncFnOnce(&mut Session<SignedCookies>),
) -> edge_sessions::Result<middleware::ResponseHeaders> {
    block_on(async {
        let mut s = Session::new(SignedCookies, config, cookie, NOW);
        view(&mut s).await;
        middleware::process_response(&mut s, cookie.is_some(), status).await
    })
}

async fn set_hello(s: &mut Session<SignedCookies>) {
    s.set("hello", value!("world")).await.unwrap();
}

#[test]
fn middleware_secure_httponly_samesite() {
    let cookie = |change: fn(&mut Settings)| {
        respond(config_with(change), None, 200, set_hello)
            .unwrap()
            .set_cookie
            .unwrap()
    };
    assert!(cookie(|s| s.cookie_secure = true).ends_with("; Secure"));
    assert!(cookie(|_| {}).contains("; HttpOnly;"));
    assert!(!cookie(|s| s.cookie_httponly = false).contains("HttpOnly"));
    assert!(cookie(|s| s.cookie_samesite =
        Some(edge_sessions::cookie::SameSite::parse("Strict", "test").unwrap()))
    .contains("; SameSite=Strict"));
}

#[test]
fn middleware_does_not_save_on_5xx() {
    for status in [500, 503] {
        let headers = respond(config(), None, status, set_hello).unwrap();
        assert_eq!(headers.set_cookie, None);
        assert!(headers.vary_cookie, "the session was accessed");
    }
    assert!(respond(config(), None, 404, set_hello)
        .unwrap()
        .set_cookie
        .is_some());
}

#[test]
fn middleware_turns_a_vanished_session_into_session_interrupted() {
    block_on(async {
        let stores = MemoryStores::new(NOW);
        let mut first = Session::new(CacheEngine::new(stores.cache.clone()), config(), None, NOW);
        first.set("x", value!(1)).await.unwrap();
        first.save().await.unwrap();
        let key = first.session_key().unwrap().to_owned();
        let mut s = Session::new(
            CacheEngine::new(stores.cache.clone()),
            config(),
            Some(&key),
            NOW,
        );
        s.set("x", value!(2)).await.unwrap();
        stores.cache.clear(); // a concurrent log-out
        assert_eq!(
            middleware::process_response(&mut s, true, 200).await,
            Err(Error::SessionInterrupted)
        );
    });
}

#[test]
fn middleware_deletes_the_cookie_on_flush() {
    let token = respond(config(), None, 200, set_hello)
        .unwrap()
        .set_cookie
        .unwrap();
    let value = token
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("sessionid=")
        .to_owned();
    let headers = respond(config(), Some(&value), 200, async |s| {
        s.flush().await.unwrap()
    })
    .unwrap();
    assert_eq!(
        headers.set_cookie.as_deref(),
        Some("sessionid=\"\"; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax")
    );
    assert!(headers.vary_cookie);
    let custom = config_with(|s| {
        s.cookie_domain = Some(".example.local".into());
        s.cookie_path = "/example/".into();
    });
    let headers = respond(custom, Some(&value), 200, async |s| {
        s.flush().await.unwrap()
    })
    .unwrap();
    assert_eq!(
        headers.set_cookie.as_deref(),
        Some("sessionid=\"\"; Domain=.example.local; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/example/; SameSite=Lax")
    );
}

#[test]
fn middleware_flush_without_cookie_sets_nothing() {
    let headers = respond(config(), None, 200, async |s| s.flush().await.unwrap()).unwrap();
    assert_eq!(headers.set_cookie, None);
    assert!(headers.vary_cookie);
}

#[test]
fn middleware_save_every_request_renews_an_untouched_session() {
    let token = respond(config(), None, 200, set_hello)
        .unwrap()
        .set_cookie
        .unwrap();
    let value = token
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("sessionid=")
        .to_owned();
    let renewing = config_with(|s| s.save_every_request = true);
    let headers = respond(renewing, Some(&value), 200, async |_| {}).unwrap();
    assert!(headers.set_cookie.unwrap().contains("Max-Age=1209600"));
    assert!(headers.vary_cookie);
    assert_eq!(
        respond(config(), Some(&value), 200, async |_| {}).unwrap(),
        middleware::ResponseHeaders::default()
    );
}

#[test]
fn middleware_saves_an_emptied_but_not_flushed_session() {
    let token = respond(config(), None, 200, set_hello)
        .unwrap()
        .set_cookie
        .unwrap();
    let value = token
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("sessionid=")
        .to_owned();
    let headers = respond(config(), Some(&value), 200, async |s| {
        s.delete_item("hello").await.unwrap();
    })
    .unwrap();
    // A session with a key is not empty: the emptied dict is saved and sent.
    assert!(headers.set_cookie.unwrap().starts_with("sessionid=e30:"));
}

#[test]
fn middleware_browser_close_cookie_has_no_expiry() {
    let headers = respond(
        config_with(|s| s.expire_at_browser_close = true),
        None,
        200,
        set_hello,
    )
    .unwrap();
    let cookie = headers.set_cookie.unwrap();
    assert!(!cookie.contains("expires=") && !cookie.contains("Max-Age"));
}
