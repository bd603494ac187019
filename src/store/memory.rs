//! In-memory stores: the native tests' storage and a default for demos.
//!
//! They keep their own clock (`set_now`) so tests can freeze and move time
//! the way Django's tests patch `time.time`.

use super::{CacheStore, DbStore, FileData, FileStore, Row, WriteMode};
use crate::datetime::DateTime;
use crate::error::{Error, Result};
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

/// A clock the memory stores share with a test.
#[derive(Debug, Default)]
struct Clock(Cell<f64>);

/// A failure switch, so tests can make a store throw like a real one.
#[derive(Debug, Default)]
struct FailSwitch(Cell<bool>);

impl FailSwitch {
    fn check(&self, what: &str) -> Result<()> {
        if self.0.get() {
            Err(Error::Storage(format!(
                "memory store: injected failure in {what}"
            )))
        } else {
            Ok(())
        }
    }
}

/// A cache with TTLs, like Django's locmem cache.
#[derive(Debug, Default)]
pub struct MemoryCache {
    entries: RefCell<BTreeMap<String, (Vec<u8>, f64)>>,
    now: Clock,
    failing: FailSwitch,
}

impl MemoryCache {
    /// An empty cache at time 0.
    pub fn new() -> Self {
        Self::default()
    }
    /// Moves the cache's clock (seconds since the epoch).
    pub fn set_now(&self, now: f64) {
        self.now.0.set(now);
    }
    /// Makes every later call fail with a storage error (or succeed again).
    pub fn set_failing(&self, failing: bool) {
        self.failing.0.set(failing);
    }
    /// The live entry under `key` with its expiry time, for tests.
    pub fn entry(&self, key: &str) -> Option<(Vec<u8>, f64)> {
        self.entries
            .borrow()
            .get(key)
            .filter(|(_, at)| *at > self.now.0.get())
            .cloned()
    }
    /// Empties the cache (Django's `cache.clear()`).
    pub fn clear(&self) {
        self.entries.borrow_mut().clear();
    }
    /// Every live key, for tests.
    pub fn keys(&self) -> Vec<String> {
        let now = self.now.0.get();
        self.entries
            .borrow()
            .iter()
            .filter(|(_, (_, at))| *at > now)
            .map(|(k, _)| k.clone())
            .collect()
    }
}

impl CacheStore for MemoryCache {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        self.failing.check("get")?;
        Ok(self.entry(key).map(|(v, _)| v))
    }
    async fn set(&self, key: &str, value: &[u8], ttl: u64) -> Result<()> {
        self.failing.check("set")?;
        let expires = self.now.0.get() + ttl as f64;
        self.entries
            .borrow_mut()
            .insert(key.into(), (value.into(), expires));
        Ok(())
    }
    async fn add(&self, key: &str, value: &[u8], ttl: u64) -> Result<bool> {
        self.failing.check("add")?;
        if self.entry(key).is_some() {
            return Ok(false);
        }
        self.set(key, value, ttl).await?;
        Ok(true)
    }
    async fn replace_if(&self, key: &str, value: &[u8], ttl: u64, expected: &[u8]) -> Result<bool> {
        self.failing.check("replace_if")?;
        if self
            .entry(key)
            .is_none_or(|(current, _)| current != expected)
        {
            return Ok(false);
        }
        self.set(key, value, ttl).await?;
        Ok(true)
    }
    async fn delete(&self, key: &str) -> Result<()> {
        self.failing.check("delete")?;
        self.entries.borrow_mut().remove(key);
        Ok(())
    }
}

/// A `django_session` table in memory.
#[derive(Debug, Default)]
pub struct MemoryDb {
    rows: RefCell<BTreeMap<String, Row>>,
    failing: FailSwitch,
}

impl MemoryDb {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }
    /// Makes every later call fail with a storage error (or succeed again).
    pub fn set_failing(&self, failing: bool) {
        self.failing.0.set(failing);
    }
    /// A copy of the row, for tests.
    pub fn row(&self, key: &str) -> Option<Row> {
        self.rows.borrow().get(key).cloned()
    }
    /// Every key in the table, for tests.
    pub fn keys(&self) -> Vec<String> {
        self.rows.borrow().keys().cloned().collect()
    }
    /// Puts a row in directly, as Django or another process would.
    pub fn put(&self, row: Row) {
        self.rows.borrow_mut().insert(row.session_key.clone(), row);
    }
}

impl DbStore for MemoryDb {
    async fn get(&self, key: &str) -> Result<Option<Row>> {
        self.failing.check("get")?;
        Ok(self.row(key))
    }
    async fn exists(&self, key: &str) -> Result<bool> {
        self.failing.check("exists")?;
        Ok(self.rows.borrow().contains_key(key))
    }
    async fn insert(&self, row: &Row) -> Result<bool> {
        self.failing.check("insert")?;
        let mut rows = self.rows.borrow_mut();
        if rows.contains_key(&row.session_key) {
            return Ok(false);
        }
        rows.insert(row.session_key.clone(), row.clone());
        Ok(true)
    }
    async fn update(&self, row: &Row) -> Result<bool> {
        self.failing.check("update")?;
        match self.rows.borrow_mut().get_mut(&row.session_key) {
            Some(existing) => {
                *existing = row.clone();
                Ok(true)
            }
            None => Ok(false),
        }
    }
    async fn update_if(&self, row: &Row, expected: &str) -> Result<bool> {
        self.failing.check("update_if")?;
        match self.rows.borrow_mut().get_mut(&row.session_key) {
            Some(existing) if existing.session_data == expected => {
                *existing = row.clone();
                Ok(true)
            }
            _ => Ok(false),
        }
    }
    async fn delete(&self, key: &str) -> Result<()> {
        self.failing.check("delete")?;
        self.rows.borrow_mut().remove(key);
        Ok(())
    }
    async fn delete_expired(&self, before: DateTime) -> Result<()> {
        self.failing.check("delete_expired")?;
        self.rows
            .borrow_mut()
            .retain(|_, row| row.expire_date.utc_micros >= before.utc_micros);
        Ok(())
    }
}

/// A directory of session files in memory, with modification times.
#[derive(Debug, Default)]
pub struct MemoryFiles {
    files: RefCell<BTreeMap<String, FileData>>,
    now: Clock,
    failing: FailSwitch,
}

impl MemoryFiles {
    /// An empty directory at time 0.
    pub fn new() -> Self {
        Self::default()
    }
    /// Moves the directory's clock (used as the modification time of writes).
    pub fn set_now(&self, now: f64) {
        self.now.0.set(now);
    }
    /// Makes every later call fail with a storage error (or succeed again).
    pub fn set_failing(&self, failing: bool) {
        self.failing.0.set(failing);
    }
    /// A copy of the file, for tests.
    pub fn file(&self, name: &str) -> Option<FileData> {
        self.files.borrow().get(name).cloned()
    }
    /// Puts a file in directly with the given modification time.
    pub fn put(&self, name: &str, content: &str, modified_at: f64) {
        self.files.borrow_mut().insert(
            name.into(),
            FileData {
                content: content.into(),
                modified_at,
            },
        );
    }
    /// Every file name, for tests.
    pub fn names(&self) -> Vec<String> {
        self.files.borrow().keys().cloned().collect()
    }
}

impl FileStore for MemoryFiles {
    async fn read(&self, name: &str) -> Result<Option<FileData>> {
        self.failing.check("read")?;
        Ok(self.file(name))
    }
    async fn exists(&self, name: &str) -> Result<bool> {
        self.failing.check("exists")?;
        Ok(self.files.borrow().contains_key(name))
    }
    async fn write(&self, name: &str, content: &str, mode: WriteMode) -> Result<bool> {
        self.failing.check("write")?;
        let exists = self.files.borrow().contains_key(name);
        if exists == (mode == WriteMode::CreateNew) {
            return Ok(false);
        }
        self.put(name, content, self.now.0.get());
        Ok(true)
    }
    async fn remove(&self, name: &str) -> Result<()> {
        self.failing.check("remove")?;
        self.files.borrow_mut().remove(name);
        Ok(())
    }
    async fn list(&self, prefix: &str) -> Result<Vec<String>> {
        self.failing.check("list")?;
        Ok(self
            .files
            .borrow()
            .keys()
            .filter(|n| n.starts_with(prefix))
            .cloned()
            .collect())
    }
}

/// One of each memory store on a shared clock: a whole in-memory backend
/// for tests and the embedded default.
#[derive(Debug, Default)]
pub struct MemoryStores {
    /// The cache (cache and cached_db engines).
    pub cache: std::rc::Rc<MemoryCache>,
    /// The `django_session` table (db and cached_db engines).
    pub db: std::rc::Rc<MemoryDb>,
    /// The session directory (file engine).
    pub files: std::rc::Rc<MemoryFiles>,
}

impl MemoryStores {
    /// Empty stores whose clock reads `now`.
    pub fn new(now: f64) -> Self {
        let stores = MemoryStores::default();
        stores.set_now(now);
        stores
    }
    /// Moves the clock of the stores that keep one.
    pub fn set_now(&self, now: f64) {
        self.cache.set_now(now);
        self.files.set_now(now);
    }
}
