//! `file_keys`, `session_key_validation` and `clearsessions`.

use crate::check::{expect_eq, python_exception, say, verdict, Check, Verdict};
use crate::ops::with_backend;
use crate::oracle::Oracle;
use crate::values::{items, num, number, strings, text, Json};
use edge_sessions::datetime::DateTime;
use edge_sessions::engines::{file_name, Engine, SignedCookies};
use edge_sessions::store::{MemoryStores, Row};
use edge_sessions::value::{Dict, Value};
use edge_sessions::{block_on, Config, EngineKind, Session};

/// The file engine's `_key_to_file`: `SESSION_COOKIE_NAME + key`, or
/// InvalidSessionKey for characters outside `[a-z0-9]`.
pub fn file_key(o: &Oracle, v: &Json) -> Verdict {
    let check = || -> Check {
        let config = o.config()?;
        let got = file_name(&config.settings.cookie_name, text(v, "key")?);
        let want = &v["expected"];
        match (got, want["outcome"].as_str()) {
            (Ok(name), Some("ok")) => {
                expect_eq("file name", Some(name.as_str()), want["file_name"].as_str())
            }
            (Err(e), Some("error")) => expect_eq(
                "exception",
                Some(python_exception(&e)),
                want["exception"].as_str(),
            ),
            (got, _) => Err(format!("got {got:?}, want {want}")),
        }
    };
    verdict(check())
}

/// `_session_key = assigned`: keys under 8 characters become None.
pub fn session_key_validation(o: &Oracle, v: &Json) -> Verdict {
    let check = || -> Check {
        let s = Session::new(SignedCookies, o.config()?, v["assigned"].as_str(), 0.0);
        expect_eq(
            "session_key",
            s.session_key(),
            v["expected_session_key"].as_str(),
        )
    };
    verdict(check())
}

/// The `clearsessions` command for the vector's engine.
pub fn clearsessions(o: &Oracle, v: &Json) -> Verdict {
    let check = || -> Check {
        let config = o.config()?;
        let want = &v["expected"];
        let kind = match EngineKind::parse(text(v, "engine")?) {
            Ok(kind) => kind,
            // Django: CommandError("Session engine '...' doesn't support
            // clearing expired sessions."); we refuse the engine up front.
            Err(e) => {
                expect_eq("outcome", Some("error"), want["outcome"].as_str())?;
                return expect_eq("refused", e.name(), "InvalidSetting");
            }
        };
        match kind {
            EngineKind::Db => clear_db(v, &config, o.clock(v)?),
            EngineKind::File => clear_files(v, &config, o.clock(v)?),
            // cache, cached_db (its cache expires by itself) and
            // signed_cookies: nothing to do, and no error.
            other => {
                let now = o.clock(v).unwrap_or_default();
                let stores = MemoryStores::new(now);
                let result = block_on(async {
                    with_backend!(other.short_name(), stores, |engine| {
                        engine.clear_expired(&config, now).await.map_err(say)
                    })
                });
                let outcome = if result.is_ok() { "ok" } else { "error" };
                expect_eq("outcome", Some(outcome), want["outcome"].as_str())
            }
        }
    };
    verdict(check())
}

/// The session data the oracle stores before clearing (`{"a": 1}`, plus
/// the case's `_session_expiry`).
fn data(expiry: Option<&Json>) -> Dict {
    let mut d = Dict::new();
    d.insert("a".into(), Value::from(1));
    if let Some(e) = expiry.filter(|e| !e.is_null()) {
        d.insert("_session_expiry".into(), crate::values::to_value(e));
    }
    d
}

/// Rows expiring at `now + offset`; those with `expire_date < now` go.
fn clear_db(v: &Json, config: &std::rc::Rc<Config>, now: f64) -> Check {
    let stores = MemoryStores::new(now);
    let encoded = config.encode(&data(None), now).map_err(say)?;
    for (key, offset) in v["rows_expire_offsets"].as_object().into_iter().flatten() {
        let offset = num(offset).ok_or_else(|| format!("offset of {key} is not a number"))?;
        stores.db.put(Row {
            session_key: key.clone(),
            session_data: encoded.clone(),
            expire_date: DateTime::from_timestamp(now + offset),
        });
    }
    let engine = edge_sessions::engines::DbEngine::new(stores.db.clone());
    block_on(engine.clear_expired(config, now)).map_err(say)?;
    expect_eq(
        "remaining",
        stores.db.keys(),
        strings(&v["expected_remaining"]),
    )
}

/// Session files with the cases' mtimes and expiries; expired ones go.
fn clear_files(v: &Json, config: &std::rc::Rc<Config>, now: f64) -> Check {
    let stores = MemoryStores::new(now);
    let prefix = &config.settings.cookie_name;
    let mut labels = Vec::new();
    for case in items(&v["cases"]) {
        let name = format!("{prefix}{}", text(case, "key")?);
        let content = config
            .encode(&data(case.get("_session_expiry")), now)
            .map_err(say)?;
        stores
            .files
            .put(&name, &content, now + number(case, "mtime_offset")?);
        labels.push((text(case, "label")?.to_owned(), name));
    }
    let engine = edge_sessions::engines::FileEngine::new(stores.files.clone());
    block_on(engine.clear_expired(config, now)).map_err(say)?;
    let names = stores.files.names();
    let mut survivors: Vec<String> = labels
        .into_iter()
        .filter(|(_, name)| names.contains(name))
        .map(|(label, _)| label)
        .collect();
    survivors.sort();
    let mut want = strings(&v["expected_survivors"]);
    want.sort();
    expect_eq("survivors", survivors, want)
}
