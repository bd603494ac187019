//! The storage contract: three small, byte-oriented traits the engines call,
//! one per kind of storage Django has, plus in-memory implementations for
//! tests and the embedded default.
//!
//! A store only moves bytes. What key to use, what TTL, whether a row has
//! expired, what a collision means: all of that is decided by the engines.

mod memory;

pub use memory::{MemoryCache, MemoryDb, MemoryFiles, MemoryStores};

use crate::datetime::DateTime;
use crate::error::Result;

/// A key-value cache with expiry: Workers KV, the Cache API, Redis, an LRU.
/// Values are bytes: a pickle is binary, a JSON entry is ASCII text.
#[allow(async_fn_in_trait)]
pub trait CacheStore {
    /// The value under `key`, or `None` when absent or expired.
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>>;
    /// Stores `value` for `ttl_seconds` (always at least 1).
    async fn set(&self, key: &str, value: &[u8], ttl_seconds: u64) -> Result<()>;
    /// Stores `value` only if `key` is absent; `false` when it was present.
    async fn add(&self, key: &str, value: &[u8], ttl_seconds: u64) -> Result<bool>;
    /// Removes `key`; absent keys are not an error.
    async fn delete(&self, key: &str) -> Result<()>;
    /// Stores `value` only if the live value under `key` is exactly
    /// `expected` (compare-and-swap); `false` otherwise. Only needed for
    /// `detect_conflicts`; stores that cannot do it atomically keep this default.
    async fn replace_if(
        &self,
        key: &str,
        value: &[u8],
        ttl_seconds: u64,
        expected: &[u8],
    ) -> Result<bool> {
        let _ = (key, value, ttl_seconds, expected);
        Err(no_compare_and_swap("cache", "replaceIf"))
    }
}

/// The error of a store asked to compare-and-swap without the means to.
fn no_compare_and_swap(kind: &str, method: &str) -> crate::Error {
    crate::Error::InvalidSetting {
        setting: "detect_conflicts",
        reason: format!("the {kind} adapter has no {method}() method"),
    }
}

/// One row of Django's `django_session` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// `session_key varchar(40)`, the primary key.
    pub session_key: String,
    /// `session_data text`: the signed, encoded session.
    pub session_data: String,
    /// `expire_date`, in UTC.
    pub expire_date: DateTime,
}

/// Row operations on a `django_session` table: D1, SQLite, PostgreSQL.
#[allow(async_fn_in_trait)]
pub trait DbStore {
    /// The row with this key, expired or not.
    async fn get(&self, session_key: &str) -> Result<Option<Row>>;
    /// Whether a row with this key exists, expired or not.
    async fn exists(&self, session_key: &str) -> Result<bool>;
    /// Inserts `row`; `false` when the key is taken (an IntegrityError).
    async fn insert(&self, row: &Row) -> Result<bool>;
    /// Replaces the row with `row.session_key`; `false` when there is none.
    async fn update(&self, row: &Row) -> Result<bool>;
    /// Deletes the row; an absent row is not an error.
    async fn delete(&self, session_key: &str) -> Result<()>;
    /// Deletes every row with `expire_date < before`.
    async fn delete_expired(&self, before: DateTime) -> Result<()>;
    /// Replaces the row only if its `session_data` is still `expected`
    /// (a conditional UPDATE); `false` otherwise. Only needed for
    /// `detect_conflicts`.
    async fn update_if(&self, row: &Row, expected: &str) -> Result<bool> {
        let _ = (row, expected);
        Err(no_compare_and_swap("db", "updateIf"))
    }
}

/// What a file write may do when the file does or does not exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteMode {
    /// Create the file; fail (return `false`) if it exists.
    CreateNew,
    /// Replace the file; fail (return `false`) if it does not exist.
    ReplaceExisting,
}

/// The contents of a session file and when it was last written.
#[derive(Debug, Clone, PartialEq)]
pub struct FileData {
    /// The file's text (a signed session, or empty).
    pub content: String,
    /// Modification time in seconds since the epoch.
    pub modified_at: f64,
}

/// Files in one directory (`SESSION_FILE_PATH`): Node fs, Deno fs.
#[allow(async_fn_in_trait)]
pub trait FileStore {
    /// The file `name`, or `None` if it does not exist.
    async fn read(&self, name: &str) -> Result<Option<FileData>>;
    /// Whether the file `name` exists.
    async fn exists(&self, name: &str) -> Result<bool>;
    /// Writes `content` atomically (a temporary file renamed over `name`);
    /// `false` when `mode` forbids it.
    async fn write(&self, name: &str, content: &str, mode: WriteMode) -> Result<bool>;
    /// Removes `name`; an absent file is not an error.
    async fn remove(&self, name: &str) -> Result<()>;
    /// The names in the directory that start with `prefix`.
    async fn list(&self, prefix: &str) -> Result<Vec<String>>;
}

// Stores are shared: the engine borrows one while a test (or the cached_db
// composition) keeps another handle to it.
macro_rules! forward_store {
    ($trait:ident { $($method:ident($($arg:ident: $ty:ty),*) -> $ret:ty;)* }) => {
        impl<T: $trait + ?Sized> $trait for &T {
            $(async fn $method(&self, $($arg: $ty),*) -> $ret { (**self).$method($($arg),*).await })*
        }
        impl<T: $trait + ?Sized> $trait for std::rc::Rc<T> {
            $(async fn $method(&self, $($arg: $ty),*) -> $ret { (**self).$method($($arg),*).await })*
        }
    };
}

forward_store!(CacheStore {
    get(key: &str) -> Result<Option<Vec<u8>>>;
    set(key: &str, value: &[u8], ttl_seconds: u64) -> Result<()>;
    add(key: &str, value: &[u8], ttl_seconds: u64) -> Result<bool>;
    delete(key: &str) -> Result<()>;
    replace_if(key: &str, value: &[u8], ttl_seconds: u64, expected: &[u8]) -> Result<bool>;
});

forward_store!(DbStore {
    get(session_key: &str) -> Result<Option<Row>>;
    exists(session_key: &str) -> Result<bool>;
    insert(row: &Row) -> Result<bool>;
    update(row: &Row) -> Result<bool>;
    delete(session_key: &str) -> Result<()>;
    delete_expired(before: DateTime) -> Result<()>;
    update_if(row: &Row, expected: &str) -> Result<bool>;
});

forward_store!(FileStore {
    read(name: &str) -> Result<Option<FileData>>;
    exists(name: &str) -> Result<bool>;
    write(name: &str, content: &str, mode: WriteMode) -> Result<bool>;
    remove(name: &str) -> Result<()>;
    list(prefix: &str) -> Result<Vec<String>>;
});
