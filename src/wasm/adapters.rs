//! The JS storage callbacks, seen as the core's store traits.
//!
//! An adapter is a plain JS object of methods that return a value or a
//! Promise. Each call's failure (a throw or a rejection) becomes
//! [`Error::Storage`], and the adapter's own error is kept in the session's
//! [`Fault`] slot so the JS error can carry it as `cause`. Whatever an
//! adapter returns is checked before the core sees it.

use crate::datetime::DateTime;
use crate::error::{Error, Result};
use crate::store::{CacheStore, DbStore, FileData, FileStore, Row, WriteMode};
use js_sys::futures::JsFuture;
use js_sys::{Object, Promise, Reflect};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    /// `{ get, set, add, delete }` (see `CacheAdapter` in index.d.ts).
    #[derive(Clone)]
    pub type CacheAdapter;
    #[wasm_bindgen(method, catch)]
    fn get(this: &CacheAdapter, key: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn set(
        this: &CacheAdapter,
        key: &str,
        value: &JsValue,
        ttl_seconds: f64,
    ) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn add(
        this: &CacheAdapter,
        key: &str,
        value: &JsValue,
        ttl_seconds: f64,
    ) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn delete(this: &CacheAdapter, key: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = replaceIf)]
    fn replace_if(
        this: &CacheAdapter,
        key: &str,
        value: &JsValue,
        ttl_seconds: f64,
        expected: &JsValue,
    ) -> Result<JsValue, JsValue>;

    /// `{ get, exists, insert, update, delete, deleteExpired }` on `django_session`.
    #[derive(Clone)]
    pub type DbAdapter;
    #[wasm_bindgen(method, catch, js_name = get)]
    fn get_row(this: &DbAdapter, session_key: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn exists(this: &DbAdapter, session_key: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn insert(this: &DbAdapter, row: &Object) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn update(this: &DbAdapter, row: &Object) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = delete)]
    fn delete_row(this: &DbAdapter, session_key: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = deleteExpired)]
    fn delete_expired(this: &DbAdapter, before: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = updateIf)]
    fn update_if(this: &DbAdapter, row: &Object, expected: &str) -> Result<JsValue, JsValue>;

    /// `{ read, exists, write, remove, list }` on one directory.
    #[derive(Clone)]
    pub type FileAdapter;
    #[wasm_bindgen(method, catch)]
    fn read(this: &FileAdapter, name: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = exists)]
    fn file_exists(this: &FileAdapter, name: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn write(this: &FileAdapter, name: &str, content: &str, mode: &str)
        -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn remove(this: &FileAdapter, name: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn list(this: &FileAdapter, prefix: &str) -> Result<JsValue, JsValue>;
}

/// The methods each kind of adapter must have (and, with
/// `detectConflicts`, the compare-and-swap one).
pub(super) const CACHE_METHODS: &[&str] = &["get", "set", "add", "delete"];
pub(super) const CACHE_CAS: &str = "replaceIf";
pub(super) const DB_CAS: &str = "updateIf";
pub(super) const DB_METHODS: &[&str] = &[
    "get",
    "exists",
    "insert",
    "update",
    "delete",
    "deleteExpired",
];
pub(super) const FILE_METHODS: &[&str] = &["read", "exists", "write", "remove", "list"];

/// `adapter` as `T` when it is an object with every method in `methods`;
/// `None` when it is null or undefined.
pub(super) fn adapter<T: JsCast>(
    adapter: JsValue,
    kind: &str,
    methods: &[&str],
) -> Result<Option<T>> {
    if adapter.is_undefined() || adapter.is_null() {
        return Ok(None);
    }
    for method in methods {
        let found =
            Reflect::get(&adapter, &JsValue::from_str(method)).unwrap_or(JsValue::UNDEFINED);
        if !found.is_function() {
            return Err(Error::InvalidSetting {
                setting: "SESSION_ENGINE",
                reason: format!("the {kind} adapter has no {method}() method"),
            });
        }
    }
    Ok(Some(adapter.unchecked_into()))
}

/// The last error an adapter raised during a session operation.
pub(crate) type Fault = Rc<Cell<Option<JsValue>>>;

/// Awaits an adapter's answer (a value or a thenable); a throw or a
/// rejection becomes [`Error::Storage`], the original kept in `fault`.
async fn answer(fault: &Fault, call: &str, result: Result<JsValue, JsValue>) -> Result<JsValue> {
    let settled = match result {
        Ok(value) if value.is_instance_of::<Promise>() => {
            JsFuture::from(value.unchecked_into::<Promise>()).await
        }
        Ok(value) if is_thenable(&value) => JsFuture::from(Promise::resolve(&value)).await,
        other => other,
    };
    settled.map_err(|thrown| {
        let message = describe(&thrown);
        fault.set(Some(thrown));
        Error::Storage(format!("{call} failed: {message}"))
    })
}

/// Promises/A+: a thenable is an object *or function* with a `then` method
/// (workerd's RPC promises are callable).
fn is_thenable(value: &JsValue) -> bool {
    (value.is_object() || value.is_function())
        && Reflect::get(value, &JsValue::from_str("then")).is_ok_and(|then| then.is_function())
}

/// The message of whatever an adapter threw. Only catching reads
/// (`Reflect.get`) touch it: a getter that throws must not unwind through
/// wasm, which would leave the session borrowed for good.
fn describe(thrown: &JsValue) -> String {
    if let Some(text) = thrown.as_string() {
        return text;
    }
    let message = if thrown.is_object() {
        field(thrown, "message").as_string()
    } else {
        None
    };
    message.unwrap_or_else(|| "a value without a message was thrown".into())
}

fn wrong(call: &str, expected: &str) -> Error {
    Error::Storage(format!("{call} returned something other than {expected}"))
}

fn boolean(call: &str, value: JsValue) -> Result<bool> {
    value.as_bool().ok_or_else(|| wrong(call, "true or false"))
}

fn absent(value: &JsValue) -> bool {
    value.is_null() || value.is_undefined()
}

fn field(object: &JsValue, name: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// A cache adapter for one session.
pub(crate) struct JsCache {
    adapter: CacheAdapter,
    fault: Fault,
    /// Entries cross as bytes (a `Uint8Array`: pickles) rather than text
    /// (a string: JSON), as the configured format writes them.
    binary: bool,
}

impl JsCache {
    pub(super) fn new(
        adapter: CacheAdapter,
        fault: &Fault,
        config: &crate::session::Config,
    ) -> Self {
        JsCache {
            adapter,
            fault: fault.clone(),
            binary: config.settings.cache_format == crate::settings::CacheFormat::Pickle,
        }
    }

    /// An entry as the adapter is given it.
    fn entry(&self, bytes: &[u8]) -> JsValue {
        if self.binary {
            js_sys::Uint8Array::from(bytes).into()
        } else {
            // JSON entries are ASCII (ensure_ascii), so this is exact.
            JsValue::from_str(&String::from_utf8_lossy(bytes))
        }
    }
}

/// An entry as an adapter returns it: a string, a `Uint8Array` (a Node
/// `Buffer` is one), or an `ArrayBuffer`.
fn entry_bytes(value: &JsValue) -> Option<Vec<u8>> {
    if let Some(text) = value.as_string() {
        return Some(text.into_bytes());
    }
    if let Some(bytes) = value.dyn_ref::<js_sys::Uint8Array>() {
        return Some(bytes.to_vec());
    }
    value
        .dyn_ref::<js_sys::ArrayBuffer>()
        .map(|buffer| js_sys::Uint8Array::new(buffer).to_vec())
}

impl CacheStore for JsCache {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        let value = answer(&self.fault, "cache get()", self.adapter.get(key)).await?;
        if absent(&value) {
            return Ok(None);
        }
        entry_bytes(&value).map(Some).ok_or_else(|| {
            wrong(
                "cache get()",
                "a string, a Uint8Array, an ArrayBuffer or null",
            )
        })
    }
    async fn set(&self, key: &str, value: &[u8], ttl_seconds: u64) -> Result<()> {
        answer(
            &self.fault,
            "cache set()",
            self.adapter
                .set(key, &self.entry(value), ttl_seconds as f64),
        )
        .await
        .map(drop)
    }
    async fn add(&self, key: &str, value: &[u8], ttl_seconds: u64) -> Result<bool> {
        boolean(
            "cache add()",
            answer(
                &self.fault,
                "cache add()",
                self.adapter
                    .add(key, &self.entry(value), ttl_seconds as f64),
            )
            .await?,
        )
    }
    async fn delete(&self, key: &str) -> Result<()> {
        answer(&self.fault, "cache delete()", self.adapter.delete(key))
            .await
            .map(drop)
    }
    async fn replace_if(
        &self,
        key: &str,
        value: &[u8],
        ttl_seconds: u64,
        expected: &[u8],
    ) -> Result<bool> {
        let call = self.adapter.replace_if(
            key,
            &self.entry(value),
            ttl_seconds as f64,
            &self.entry(expected),
        );
        boolean(
            "cache replaceIf()",
            answer(&self.fault, "cache replaceIf()", call).await?,
        )
    }
}

/// A `django_session` adapter for one session.
pub(crate) struct JsDb {
    pub(super) adapter: DbAdapter,
    pub(super) fault: Fault,
}

/// `{ sessionKey, sessionData, expireDate }`, the date in Django's SQLite text.
fn row_to_js(row: &Row) -> Object {
    let object = Object::new();
    for (name, value) in [
        ("sessionKey", row.session_key.clone()),
        ("sessionData", row.session_data.clone()),
        ("expireDate", row.expire_date.db_text()),
    ] {
        // Setting a property on a fresh plain object cannot fail.
        let _ = Reflect::set(
            &object,
            &JsValue::from_str(name),
            &JsValue::from_str(&value),
        );
    }
    object
}

/// An `expireDate` as an adapter may return it: Django's text (naive text
/// is UTC, as Django stores it with `USE_TZ`), any ISO 8601 text, or a `Date`.
fn expire_date(value: &JsValue) -> Result<DateTime> {
    if value.is_object() {
        // A Date: its getTime() called through a catching Function.call,
        // since an adapter's object may have a throwing one.
        let millis = field(value, "getTime")
            .dyn_into::<js_sys::Function>()
            .ok()
            .and_then(|get_time| get_time.call0(value).ok())
            .and_then(|t| t.as_f64())
            .filter(|t| t.abs() < 8.64e15); // ECMAScript's Date range
        return millis
            .map(|t| DateTime::from_utc_micros((t * 1000.0) as i64))
            .ok_or_else(|| {
                wrong(
                    "db get()",
                    "a row whose expireDate is a string or a valid Date",
                )
            });
    }
    let text = value
        .as_string()
        .ok_or_else(|| wrong("db get()", "a row whose expireDate is a string or a Date"))?;
    let parsed = DateTime::parse_iso(&text)
        .map_err(|_| wrong("db get()", "a row with a readable expireDate"))?;
    Ok(DateTime::from_utc_micros(parsed.utc_micros))
}

impl DbStore for JsDb {
    async fn get(&self, session_key: &str) -> Result<Option<Row>> {
        let value = answer(&self.fault, "db get()", self.adapter.get_row(session_key)).await?;
        if absent(&value) {
            return Ok(None);
        }
        let returned_key = field(&value, "sessionKey");
        if !absent(&returned_key) && returned_key.as_string().as_deref() != Some(session_key) {
            return Err(Error::Storage(format!(
                "db get() returned another session's row for {session_key}"
            )));
        }
        let session_data = field(&value, "sessionData")
            .as_string()
            .ok_or_else(|| wrong("db get()", "a row whose sessionData is a string"))?;
        Ok(Some(Row {
            session_key: session_key.to_owned(),
            session_data,
            expire_date: expire_date(&field(&value, "expireDate"))?,
        }))
    }
    async fn exists(&self, session_key: &str) -> Result<bool> {
        boolean(
            "db exists()",
            answer(&self.fault, "db exists()", self.adapter.exists(session_key)).await?,
        )
    }
    async fn insert(&self, row: &Row) -> Result<bool> {
        boolean(
            "db insert()",
            answer(
                &self.fault,
                "db insert()",
                self.adapter.insert(&row_to_js(row)),
            )
            .await?,
        )
    }
    async fn update(&self, row: &Row) -> Result<bool> {
        boolean(
            "db update()",
            answer(
                &self.fault,
                "db update()",
                self.adapter.update(&row_to_js(row)),
            )
            .await?,
        )
    }
    async fn delete(&self, session_key: &str) -> Result<()> {
        answer(
            &self.fault,
            "db delete()",
            self.adapter.delete_row(session_key),
        )
        .await
        .map(drop)
    }
    async fn update_if(&self, row: &Row, expected: &str) -> Result<bool> {
        let call = self.adapter.update_if(&row_to_js(row), expected);
        boolean(
            "db updateIf()",
            answer(&self.fault, "db updateIf()", call).await?,
        )
    }
    async fn delete_expired(&self, before: DateTime) -> Result<()> {
        answer(
            &self.fault,
            "db deleteExpired()",
            self.adapter.delete_expired(&before.db_text()),
        )
        .await
        .map(drop)
    }
}

/// A session-directory adapter for one session.
pub(crate) struct JsFiles {
    pub(super) adapter: FileAdapter,
    pub(super) fault: Fault,
}

impl FileStore for JsFiles {
    async fn read(&self, name: &str) -> Result<Option<FileData>> {
        let value = answer(&self.fault, "files read()", self.adapter.read(name)).await?;
        if absent(&value) {
            return Ok(None);
        }
        let content = field(&value, "content").as_string();
        // Within Python's datetime range (years 1 to 9999), as Django's mtime is.
        let modified_at = field(&value, "modifiedAt")
            .as_f64()
            .filter(|t| (-62_135_596_800.0..=253_402_300_799.0).contains(t));
        match (content, modified_at) {
            (Some(content), Some(modified_at)) => Ok(Some(FileData {
                content,
                modified_at,
            })),
            _ => Err(wrong(
                "files read()",
                "{ content: string, modifiedAt: number } or null",
            )),
        }
    }
    async fn exists(&self, name: &str) -> Result<bool> {
        boolean(
            "files exists()",
            answer(
                &self.fault,
                "files exists()",
                self.adapter.file_exists(name),
            )
            .await?,
        )
    }
    async fn write(&self, name: &str, content: &str, mode: WriteMode) -> Result<bool> {
        let mode = match mode {
            WriteMode::CreateNew => "create",
            WriteMode::ReplaceExisting => "replace",
        };
        boolean(
            "files write()",
            answer(
                &self.fault,
                "files write()",
                self.adapter.write(name, content, mode),
            )
            .await?,
        )
    }
    async fn remove(&self, name: &str) -> Result<()> {
        answer(&self.fault, "files remove()", self.adapter.remove(name))
            .await
            .map(drop)
    }
    async fn list(&self, prefix: &str) -> Result<Vec<String>> {
        let value = answer(&self.fault, "files list()", self.adapter.list(prefix)).await?;
        // Catching `Reflect.get`s only: the array may be a Proxy whose elements throw.
        let not_names = || wrong("files list()", "an array of names");
        if !js_sys::Array::is_array(&value) {
            return Err(not_names());
        }
        let length = field(&value, "length")
            .as_f64()
            .filter(|n| (0.0..1e7).contains(n))
            .ok_or_else(not_names)?;
        (0..length as u32)
            .map(|i| {
                Reflect::get_u32(&value, i)
                    .ok()
                    .and_then(|name| name.as_string())
                    .ok_or_else(not_names)
            })
            .collect()
    }
}
