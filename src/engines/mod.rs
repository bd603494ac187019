//! Django's five session engines, one file each, over the byte-oriented
//! stores of [`crate::store`].
//!
//! Each engine overrides the hooks Django's `SessionBase` leaves abstract
//! ([`crate::session::Engine`]): `exists`, `create`, `save`, `delete`,
//! `load` and `clear_expired`, plus `flush`/`cycle_key` where Django's
//! engine overrides those.

mod signed_cookies;
pub use signed_cookies::SignedCookies;

// The engines that need a store (the `stores` feature).
#[cfg(feature = "stores")]
mod any;
#[cfg(feature = "stores")]
mod cache;
#[cfg(feature = "stores")]
mod cached_db;
#[cfg(feature = "stores")]
mod db;
#[cfg(feature = "stores")]
mod file;

#[cfg(feature = "stores")]
pub use any::AnyEngine;
#[cfg(feature = "stores")]
pub use cache::{decode_entry, encode_entry, make_key, CacheEngine, CACHE_KEY_PREFIX};
#[cfg(feature = "stores")]
pub use cached_db::{CachedDbEngine, CACHED_DB_KEY_PREFIX};
#[cfg(feature = "stores")]
pub use db::DbEngine;
#[cfg(feature = "stores")]
pub use file::{file_name, FileEngine};

pub use crate::session::Engine;
