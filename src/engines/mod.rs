//! Django's five session engines, one file each, over the byte-oriented
//! stores of [`crate::store`].
//!
//! Each engine overrides the hooks Django's `SessionBase` leaves abstract
//! ([`crate::session::Engine`]): `exists`, `create`, `save`, `delete`,
//! `load` and `clear_expired`, plus `flush`/`cycle_key` where Django's
//! engine overrides those.

mod any;
mod cache;
mod cached_db;
mod db;
mod file;
mod signed_cookies;

pub use any::AnyEngine;
pub use cache::{decode_entry, encode_entry, make_key, CacheEngine, CACHE_KEY_PREFIX};
pub use cached_db::{CachedDbEngine, CACHED_DB_KEY_PREFIX};
pub use db::DbEngine;
pub use file::{file_name, FileEngine};
pub use signed_cookies::SignedCookies;

pub use crate::session::Engine;
