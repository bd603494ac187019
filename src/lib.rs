//! # edge-sessions
//!
//! Django's session framework, exact to the byte, for edge runtimes: the
//! signing format of `django.core.signing`, `SessionBase` with its flags and
//! expiry rules, the session middleware's cookie rules, and Django's five
//! engines over small storage traits. A Django site and an edge function that
//! share a `SECRET_KEY` read and write each other's sessions.
//!
//! The layout follows Django's own package:
//!
//! | module | Django |
//! |---|---|
//! | [`signing`], [`json`] | `django.core.signing` |
//! | [`value`] | the Python values a session holds (`dict`, `int`, `float`, ...) |
//! | [`session`] | `contrib.sessions.backends.base.SessionBase` and its engine hooks |
//! | [`engines`] | `contrib.sessions.backends.{db,cache,cached_db,file,signed_cookies}` |
//! | [`pickle`] | `pickle` as Django's cache backends use it, data only |
//! | [`store`] | the cache, the `django_session` table, the session directory |
//! | [`middleware`] | `contrib.sessions.middleware.SessionMiddleware` |
//! | [`cookie`] | `django.http.cookie.parse_cookie`, `http.cookies.Morsel` |
//! | [`settings`] | the `SESSION_*` settings |
//! | [`django`] | `contrib.auth`'s session protocol and `middleware.csrf` |
//!
//! Nothing here reads a clock or does blocking I/O: `now` is a parameter and
//! storage is `async`, so the same code runs natively and in WebAssembly.

// Untrusted input never panics: a panic in wasm poisons the instance for
// every later request. So no indexing, slicing, unwrap, expect or panic in
// the crate's code (tests excepted); the few places where an index is
// proven allow it where they prove it.
#![cfg_attr(
    not(test),
    deny(
        clippy::indexing_slicing,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic
    )
)]

pub mod cookie;
pub mod datetime;
pub mod deflate;
pub mod django;
pub mod engines;
pub mod error;
pub mod float;
pub mod inflate;
pub mod json;
pub mod middleware;
pub mod options;
#[cfg(feature = "stores")]
pub mod pickle;
pub mod session;
pub mod settings;
pub mod signing;
#[cfg(feature = "stores")]
pub mod store;
pub mod value;
#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
mod wasm;

pub use error::{Error, PayloadError, Result};
pub use session::{Config, Expiry, ExpiryValue, Session};
pub use settings::{CacheFormat, EngineKind, Settings};
pub use value::{Dict, Value};

/// Runs a future whose I/O is already complete, such as one over the
/// in-memory stores, to its end. Native tests and tools use it; wasm code
/// awaits instead.
///
/// Panics if the future is not ready after its first poll: an in-memory
/// store never makes one wait. (The crate's one panic: a misuse by test
/// code; the wasm bindings never call this.)
#[allow(clippy::panic)]
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match future.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(output) => output,
        std::task::Poll::Pending => {
            panic!("block_on: the future waited on I/O; use an async runtime")
        }
    }
}

/// README.md's Rust blocks, compiled and run by `cargo test --doc` (its
/// other blocks are JS, TS and shell, which rustdoc leaves alone; every block
/// is checked by tests/snippets/).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
