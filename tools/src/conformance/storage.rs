//! `storage`: what each engine leaves in its store (the db row, the cache
//! entry and its timeout, the file), the db load boundary, cached_db
//! refilling its cache, and a failing cache under cached_db.

use crate::check::{expect_eq, say, verdict, Check, Verdict};
use crate::ops::{apply_op, with_backend};
use crate::oracle::Oracle;
use crate::values::{expect_value, items, number, strings, text, to_dict, Json};
use edge_sessions::datetime::DateTime;
use edge_sessions::engines::{
    decode_entry, make_key, CachedDbEngine, DbEngine, CACHED_DB_KEY_PREFIX,
};
use edge_sessions::session::random_session_key;
use edge_sessions::store::{CacheStore, MemoryCache, MemoryStores, Row};
use edge_sessions::value::Value;
use edge_sessions::{block_on, Config, Error, Session};
use std::rc::Rc;

pub fn storage(o: &Oracle, v: &Json) -> Verdict {
    let check = || -> Check {
        let now = o.clock(v)?;
        let config = o.config()?;
        let stores = MemoryStores::new(now);
        let want = &v["expected"];
        block_on(async {
            if v["row"].is_object() {
                db_load(v, &config, &stores, now).await
            } else if v.get("saved_at").is_some() {
                cached_db_refill(v, &config, &stores, now).await
            } else if want.get("db_row_written").is_some() {
                failing_cache(v, &config, &stores, now).await
            } else {
                saved(v, &config, &stores, now).await
            }
        })
    };
    verdict(check())
}

/// A session saved under the vector's key: `save(must_create)`,
/// `update(data)`, the ops, `save()`; then what the store holds.
async fn saved(v: &Json, config: &Rc<Config>, stores: &MemoryStores, now: f64) -> Check {
    let (key, backend, want) = (text(v, "session_key")?, text(v, "backend")?, &v["expected"]);
    with_backend!(backend, stores, |engine| {
        let mut s = Session::new(engine, config.clone(), Some(key), now);
        s.save_new().await.map_err(say)?;
        s.update(to_dict(&v["data"])?).await.map_err(say)?;
        for op in items(&v["ops"]) {
            apply_op(&mut s, op).await?;
        }
        s.save().await.map_err(say)
    })?;
    if let Some(data) = want["session_data"].as_str() {
        let row = stores.db.row(key).ok_or("no row")?;
        expect_eq("session_data", row.session_data.as_str(), data)?;
        expect_eq(
            "expire_date",
            Some(row.expire_date.isoformat().as_str()),
            want["expire_date"].as_str(),
        )?;
    }
    if let Some(decoded) = want.get("get_decoded") {
        let row = stores.db.row(key).ok_or("no row")?;
        let (dict, _) = config.decode(&row.session_data, now);
        expect_value("get_decoded", &Value::Dict(dict), decoded)?;
    }
    if want.get("cache_key").is_some() {
        expect_cache_entry(want, config, &stores.cache, now)?;
    }
    if let Some(name) = want["file_name"].as_str() {
        let file = stores
            .files
            .file(name)
            .ok_or_else(|| format!("no file {name}"))?;
        expect_eq(
            "file content",
            Some(file.content.as_str()),
            want["content"].as_str(),
        )?;
        expect_eq(
            "directory",
            stores.files.names(),
            strings(&want["dir_listing"]),
        )?;
    }
    Ok(())
}

/// The entry under `make_key(cache_key)`, decoded, and its timeout.
fn expect_cache_entry(want: &Json, config: &Config, cache: &MemoryCache, now: f64) -> Check {
    let key = make_key(config, text(want, "cache_key")?).map_err(say)?;
    if let Some(internal) = want["cache_backend_internal_key"].as_str() {
        expect_eq("cache backend key", key.as_str(), internal)?;
    }
    let (entry, expires) = cache
        .entry(&key)
        .ok_or_else(|| format!("no cache entry {key}"))?;
    let cached = decode_entry(&entry).map_err(|e| format!("cache entry {key}: {e}"))?;
    expect_value("cached value", &cached, &want["cached_value"])?;
    expect_eq(
        "cache timeout",
        expires - now,
        number(want, "locmem_expire_at_minus_now")?,
    )
}

/// A row Django wrote is loaded only while `expire_date > now`.
async fn db_load(v: &Json, config: &Rc<Config>, stores: &MemoryStores, now: f64) -> Check {
    let (row, want) = (&v["row"], &v["expected"]);
    let key = text(row, "session_key")?;
    stores.db.put(Row {
        session_key: key.to_owned(),
        session_data: text(row, "session_data")?.to_owned(),
        expire_date: DateTime::parse_iso(text(row, "expire_date")?).map_err(say)?,
    });
    let mut s = Session::new(
        DbEngine::new(stores.db.clone()),
        config.clone(),
        Some(key),
        now,
    );
    let loaded = s.items().await.map_err(say)?;
    expect_value("loaded", &Value::Dict(loaded), &want["loaded"])?;
    expect_eq(
        "key after",
        s.session_key(),
        want["session_key_after"].as_str(),
    )
}

/// cached_db saved at `saved_at`, the cache emptied: a load at `now` reads
/// the row and caches it again for what is left of its age.
async fn cached_db_refill(v: &Json, config: &Rc<Config>, stores: &MemoryStores, now: f64) -> Check {
    let want = &v["expected"];
    let key = match v["session_key"].as_str() {
        Some(key) => key,
        None => text(want, "cache_key")?
            .strip_prefix(CACHED_DB_KEY_PREFIX)
            .ok_or("the vector names no session key")?,
    };
    let engine = || CachedDbEngine::new(stores.cache.clone(), stores.db.clone());
    let saved_at = number(v, "saved_at")?;
    stores.set_now(saved_at);
    let mut s = Session::new(engine(), config.clone(), Some(key), saved_at);
    s.save_new().await.map_err(say)?;
    s.update(to_dict(&want["loaded"])?).await.map_err(say)?;
    s.save().await.map_err(say)?;
    stores.cache.clear();
    stores.set_now(now);
    let mut s = Session::new(engine(), config.clone(), Some(key), now);
    let loaded = s.items().await.map_err(say)?;
    expect_value("loaded", &Value::Dict(loaded), &want["loaded"])?;
    expect_cache_entry(want, config, &stores.cache, now)
}

/// cached_db over a cache whose writes fail (Django's tests' FailingCache):
/// the row is written, the failure recorded, nothing raised.
async fn failing_cache(v: &Json, config: &Rc<Config>, stores: &MemoryStores, now: f64) -> Check {
    let key = match v["session_key"].as_str() {
        Some(key) => key.to_owned(),
        None => random_session_key().map_err(say)?,
    };
    let cache = FailingWrites(MemoryCache::new());
    let mut s = Session::new(
        CachedDbEngine::new(&cache, stores.db.clone()),
        config.clone(),
        Some(&key),
        now,
    );
    s.save_new()
        .await
        .map_err(|e| format!("save(must_create) raised: {e}"))?;
    s.set("key", "val".into()).await.map_err(say)?;
    s.save().await.map_err(|e| format!("save raised: {e}"))?;
    let written = v["expected"]["db_row_written"].as_bool();
    expect_eq(
        "db row written",
        Some(stores.db.row(&key).is_some()),
        written,
    )?;
    expect_eq(
        "cache failure recorded",
        s.load_problem().map(Error::name),
        Some("StorageError"),
    )
}

/// A cache whose writes fail.
struct FailingWrites(MemoryCache);

impl CacheStore for FailingWrites {
    async fn get(&self, key: &str) -> edge_sessions::Result<Option<Vec<u8>>> {
        self.0.get(key).await
    }
    async fn set(&self, _: &str, _: &[u8], _: u64) -> edge_sessions::Result<()> {
        Err(Error::Storage("Faked exception saving to cache".into()))
    }
    async fn add(&self, _: &str, _: &[u8], _: u64) -> edge_sessions::Result<bool> {
        Err(Error::Storage("Faked exception saving to cache".into()))
    }
    async fn delete(&self, key: &str) -> edge_sessions::Result<()> {
        self.0.delete(key).await
    }
}
