//! The bodies of the fuzz targets, shared by `fuzz/fuzz_targets/*.rs`
//! (`cargo +nightly fuzz run <target>`) and `tests/fuzz_corpus.rs`, which
//! replays `fuzz/corpus/<target>/` on stable in `cargo test`. Both include
//! this file with `#[path]`, so a corpus file means the same thing to both.
//!
//! Every body takes raw bytes. Where structure helps, the bytes are read
//! with `arbitrary`; text parts come first and are split off on `0xFF` (a
//! byte that never occurs in UTF-8), so seeds can be written by hand: see
//! [`request_cycle`]. Errors are fine everywhere; a panic is a bug (a panic
//! in wasm poisons the instance for every later request). The few asserts
//! check properties that must hold whatever the input.

// Each fuzz binary uses one body; the replay test uses them all.
#![allow(dead_code)]

use arbitrary::{Arbitrary, Unstructured};
use edge_sessions::cookie::{cookie_value, parse_cookie, quote, vary_with_cookie, SameSite};
use edge_sessions::datetime::DateTime;
use edge_sessions::engines::{make_key, AnyEngine, CACHED_DB_KEY_PREFIX, CACHE_KEY_PREFIX};
use edge_sessions::json::{self, Dict, Value};
use edge_sessions::signing::{self, Signer, TimestampSigner};
use edge_sessions::store::{CacheStore, MemoryStores, Row};
use edge_sessions::{block_on, middleware, Config, EngineKind, Error, Expiry, ExpiryValue};
use edge_sessions::{Session, Settings};

/// The clock of every target unless the input picks another.
pub const NOW: f64 = 1_700_000_000.0;
/// The keys of `tests/fixtures/vectors.json`, so its tokens verify.
pub const SECRET: &str = "oracle-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-!@#$%^&*()";
pub const FALLBACKS: [&str; 2] = ["oracle-old-secret-key-A", "oracle-old-secret-key-B"];
/// Salts the vectors use.
const SALTS: [&str; 4] = [
    signing::DEFAULT_SALT,
    "django.contrib.sessions.SessionStore",
    edge_sessions::session::SIGNED_COOKIES_SALT,
    "",
];
/// Clocks worth trying: the vectors' NOW, the epoch, a fraction, and the
/// last day of Python's year 9999 (where every date sum overflows).
const CLOCKS: [f64; 4] = [NOW, 0.0, NOW + 0.5, 253_402_214_400.0];
/// The engines, in the order a request picks them with one byte.
pub const ENGINES: [EngineKind; 5] = [
    EngineKind::SignedCookies,
    EngineKind::Cache,
    EngineKind::Db,
    EngineKind::CachedDb,
    EngineKind::File,
];

/// Bytes as the text a JS string would give: invalid UTF-8 replaced.
fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `parse_cookie` / `cookie_value` on any header; `quote` round trips.
pub fn cookie_header(data: &[u8]) {
    let header = text(data);
    let jar = parse_cookie(&header);
    for (name, value) in &jar {
        // Later duplicates replace earlier ones in place: one value per name.
        assert_eq!(cookie_value(&header, name).as_deref(), Some(value.as_str()));
        // What Set-Cookie writes (`name=quote(value)`) reads back, unless the
        // value holds `;`, which parse_cookie splits on inside quotes too
        // (as Django does).
        if !value.contains(';') {
            let round = cookie_value(&format!("{}={}", "n", quote(value)), "n");
            assert_eq!(round.as_deref(), Some(value.as_str()), "quote of {value:?}");
        }
    }
    let _ = cookie_value(&header, "sessionid");
    let _ = vary_with_cookie(Some(&header));
}

/// `pickle::loads` on any bytes (a cache entry as Django or an attacker
/// wrote it). Whatever it reads, `pickle::dumps` writes, and that reads
/// back equal and writes the same bytes again.
pub fn pickle_loads(data: &[u8]) {
    use edge_sessions::pickle;
    let Ok(value) = pickle::loads(data) else {
        return;
    };
    let written = pickle::dumps(&value).expect("a value loads read writes");
    let again = pickle::loads(&written).expect("what dumps writes reads back");
    assert_eq!(again, value, "read back differs");
    assert_eq!(
        pickle::dumps(&again).ok(),
        Some(written),
        "written twice differs"
    );
}

/// The options a `loads` input starts with: a byte each for `salt` and
/// `flags`, then `max_age` (a byte whose low bit says whether there is one,
/// then the float's 8 bytes, little endian).
#[derive(Arbitrary, Debug)]
struct LoadsOptions {
    salt: u8,
    /// Bit 0: pass the fallback keys. Bit 1: sign the payload with a
    /// fallback key instead of the current one. Bits 2-3: which clock.
    /// Bit 4: use `signing::loads` instead of a reused `TimestampSigner`.
    flags: u8,
    /// `None` or a max_age in seconds; the float is taken as given (NaN too).
    max_age: Option<f64>,
}

/// `signing::loads` / `TimestampSigner::unsign_object` on any token, then
/// on the same text *validly signed*, so the timestamp, max_age, base64,
/// zlib and JSON paths behind the signature are reached too.
///
/// Input: `options-bytes 0xFF token-text` (no `0xFF`: all of it is token).
pub fn loads(data: &[u8]) {
    let (head, token) = match data.iter().position(|&b| b == 0xFF) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (&[][..], data),
    };
    let Ok(options) = LoadsOptions::arbitrary_take_rest(Unstructured::new(head)) else {
        return;
    };
    let token = text(token);
    let salt = SALTS[usize::from(options.salt) % SALTS.len()];
    let fallbacks: &[&str] = if options.flags & 1 == 1 {
        &FALLBACKS
    } else {
        &[]
    };
    let now = CLOCKS[usize::from(options.flags >> 2 & 3)];
    let max_age = options.max_age;
    let signer = TimestampSigner::new(SECRET, fallbacks, salt);
    let unsign = |token: &str| {
        if options.flags & 16 == 16 {
            signing::loads(token, SECRET, fallbacks, salt, max_age, now)
        } else {
            signer.unsign_object(token, max_age, now)
        }
    };
    let _ = unsign(&token);
    // `payload:timestamp` as given, under a signature that matches.
    let key = if options.flags & 2 == 2 {
        FALLBACKS[0]
    } else {
        SECRET
    };
    let signed = Signer::new(key, &[] as &[&str], salt).sign(&token);
    if let Ok(value) = unsign(&signed) {
        // Whatever was read writes back as Django would, and that text
        // is stable: signing it again gives the same token.
        if let Ok(dumped) = json::dumps(&value) {
            let again = json::loads(dumped.as_bytes()).expect("our JSON reads back");
            assert_eq!(json::dumps(&again).ok().as_deref(), Some(dumped.as_str()));
        }
    }
    // And the payload alone, with a timestamp we choose.
    let _ = signer.unsign_object(&signer.sign(&token, now), max_age, now);
}

/// `Config::decode` on any stored text, and on the same text validly signed.
pub fn session_decode(data: &[u8]) {
    let stored = text(data);
    let config = Config::new(settings_with_fallbacks()).expect("valid settings");
    let (dict, _) = config.decode(&stored, NOW);
    check_reencodes(&config, &dict);
    let signed = Signer::new(SECRET, &[] as &[&str], &config.settings.key_salt()).sign(&stored);
    let (dict, _) = config.decode(&signed, NOW);
    check_reencodes(&config, &dict);
    let _ = config.decode_value(&signed, NOW);
}

fn settings_with_fallbacks() -> Settings {
    let mut settings = Settings::new(SECRET);
    settings.secret_key_fallbacks = FALLBACKS.iter().map(|k| k.to_string()).collect();
    settings
}

/// A dict that was decoded encodes, and that encoding decodes without error.
fn check_reencodes(config: &Config, dict: &Dict) {
    if let Ok(encoded) = config.encode(dict, NOW) {
        let (_, problem) = config.decode(&encoded, NOW);
        assert_eq!(problem, None, "re-encoded session did not decode");
    }
}

/// A `Settings` built field by field, for `validate` on values no JSON
/// options object would reach the same way.
#[derive(Arbitrary, Debug)]
struct RawSettings {
    secret_key: String,
    secret_key_fallbacks: Vec<String>,
    cookie_name: String,
    cookie_age: i64,
    cookie_domain: Option<String>,
    cookie_secure: bool,
    cookie_httponly: bool,
    cookie_path: String,
    cookie_samesite: Option<String>,
    expire_at_browser_close: bool,
    save_every_request: bool,
    engine: u8,
    session_class: String,
    max_inflated_size: usize,
    detect_conflicts: bool,
}

/// The JS options table on any JSON text, and `Settings::validate` on
/// any field values; settings that pass must make headers that are safe
/// to send (no line break, no NUL) and signers that work.
pub fn settings(data: &[u8]) {
    if let Ok(settings) = edge_sessions::options::settings_from_json(&text(data)) {
        assert!(
            settings.validate().is_ok(),
            "the options table returned invalid settings"
        );
        check_valid_settings(settings);
    }
    if let Ok(raw) = RawSettings::arbitrary_take_rest(Unstructured::new(data)) {
        // Field by field from the defaults, so a setting added later keeps
        // its default here rather than breaking the build.
        let mut settings = Settings::new(raw.secret_key);
        settings.secret_key_fallbacks = raw.secret_key_fallbacks;
        settings.cookie_name = raw.cookie_name;
        settings.cookie_age = raw.cookie_age;
        settings.cookie_domain = raw.cookie_domain;
        settings.cookie_secure = raw.cookie_secure;
        settings.cookie_httponly = raw.cookie_httponly;
        settings.cookie_path = raw.cookie_path;
        let same_site = raw
            .cookie_samesite
            .map(|s| SameSite::parse(&s, "SESSION_COOKIE_SAMESITE"));
        let Ok(same_site) = same_site.transpose() else {
            return;
        };
        settings.cookie_samesite = same_site;
        settings.expire_at_browser_close = raw.expire_at_browser_close;
        settings.save_every_request = raw.save_every_request;
        settings.engine = ENGINES[usize::from(raw.engine) % ENGINES.len()];
        settings.session_class = raw.session_class;
        settings.max_inflated_size = raw.max_inflated_size;
        settings.detect_conflicts = raw.detect_conflicts;
        if settings.validate().is_ok() {
            check_valid_settings(settings);
        }
    }
}

fn check_valid_settings(settings: Settings) {
    let safe = |header: &str| {
        assert!(
            !header.contains(['\r', '\n', '\0']),
            "unsafe header {header:?}"
        );
    };
    for max_age in [None, Some(0.0), Some(settings.cookie_age as f64)] {
        if let Ok(header) = middleware::session_cookie(&settings, "value", max_age, NOW) {
            safe(&header);
        }
    }
    safe(&middleware::delete_cookie(&settings));
    let config = Config::new(settings).expect("validated settings make a config");
    let mut dict = Dict::new();
    dict.insert("k".into(), Value::from("v"));
    let encoded = config.encode(&dict, NOW).expect("a small dict encodes");
    assert_eq!(config.decode(&encoded, NOW).0, dict);
}

/// `deflate::zlib_compress` inflates back to its input (through the
/// crate's own inflate path, `decode_payload` with a `.`), with a cap of
/// exactly the input's size; and `decode_payload` on any text.
pub fn deflate_roundtrip(data: &[u8]) {
    let compressed = edge_sessions::deflate::zlib_compress(data);
    let payload = format!(".{}", signing::b64_encode(&compressed));
    let inflated = signing::decode_payload(&payload, data.len().max(1))
        .expect("our zlib stream inflates within its own size");
    assert_eq!(inflated, data);
    let encoded = signing::encode_payload(data, true);
    assert_eq!(
        signing::decode_payload(&encoded, data.len().max(1)).as_deref(),
        Ok(data)
    );
    let payload = text(data);
    let _ = signing::decode_payload(&payload, signing::DEFAULT_MAX_INFLATED_SIZE);
    let _ = signing::decode_payload(&format!(".{payload}"), 4096);
}

/// A JSON value for a session operation. Nesting comes only from `Text`,
/// which the JSON reader reads with its depth limit, as the JS layer does:
/// a value built by `arbitrary` itself could nest deeper than any real one.
#[derive(Arbitrary, Debug)]
enum Json {
    Scalar(Scalar),
    /// JSON text as JS would hand it over (big or odd numbers, nesting).
    Text(String),
    List(Vec<Scalar>),
    Object(Vec<(Key, Scalar)>),
}

#[derive(Arbitrary, Debug)]
enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

impl Scalar {
    fn value(&self) -> Value {
        match self {
            Scalar::Null => Value::None,
            Scalar::Bool(b) => Value::Bool(*b),
            Scalar::Int(i) => Value::from(*i),
            Scalar::Float(f) => Value::Float(*f),
            Scalar::Str(s) => Value::Str(s.clone()),
        }
    }
}

impl Json {
    fn value(&self) -> Value {
        match self {
            Json::Scalar(s) => s.value(),
            Json::Text(t) => json::parse(t).unwrap_or(Value::None),
            Json::List(items) => Value::List(items.iter().map(Scalar::value).collect()),
            Json::Object(pairs) => Value::Dict(
                pairs
                    .iter()
                    .map(|(k, v)| (k.name().to_owned(), v.value()))
                    .collect(),
            ),
        }
    }
}

/// A dict key: the ones with meaning to Django, or any.
#[derive(Arbitrary, Debug)]
enum Key {
    Expiry,
    TestCookie,
    A,
    Other(String),
}

impl Key {
    fn name(&self) -> &str {
        match self {
            Key::Expiry => edge_sessions::session::EXPIRY_KEY,
            Key::TestCookie => edge_sessions::session::TEST_COOKIE_NAME,
            Key::A => "a",
            Key::Other(s) => s,
        }
    }
}

/// `set_expiry`'s argument as the JS layer passes it.
#[derive(Arbitrary, Debug)]
enum ExpiryArg {
    Default,
    Seconds(f64),
    SecondsInt(i32),
    In(f64),
    InInt(i32),
    /// An ISO datetime, parsed as `setExpiry("at", ..., iso)` does.
    At(String),
}

/// One view operation: the JS `SessionCore` methods.
#[derive(Arbitrary, Debug)]
enum Op {
    Get(Key),
    GetItem(Key),
    Set(Key, Json),
    Delete(Key),
    Contains(Key),
    Pop(Key),
    PopOr(Key, Json),
    SetDefault(Key, Json),
    Update(Vec<(Key, Json)>),
    Keys,
    Values,
    Items,
    Len,
    Clear,
    SetTestCookie,
    TestCookieWorked,
    DeleteTestCookie,
    SetExpiry(ExpiryArg),
    /// `get_expiry_age(modification=iso?, expiry=json?)`.
    GetExpiryAge(Option<String>, Option<Json>),
    GetExpiryDate(Option<String>, Option<Json>),
    GetExpireAtBrowserClose,
    Save,
    SaveNew,
    Create,
    Exists(String),
    DeleteFromStore(Option<String>),
    Flush,
    CycleKey,
    Load,
    ClearExpired,
    SetFlags(bool, bool),
}

/// The structured tail of a `request_cycle` input, read in this order:
/// one byte each for `engine` and `flags`, `stored_offset` (4 bytes, little
/// endian), `status` (2), `detect_conflicts` (1), then operations until the
/// bytes run out (each an `arbitrary` enum: a 4-byte tag, then its fields).
#[derive(Debug)]
struct Cycle {
    /// Index into [`ENGINES`].
    engine: u8,
    /// Bit 0: SESSION_EXPIRE_AT_BROWSER_CLOSE. Bit 1: SESSION_SAVE_EVERY_REQUEST.
    /// Bits 2-3: SESSION_COOKIE_AGE (default, 0, 1 s, 100 years).
    /// Bits 4-5: the clock ([`CLOCKS`]). Bit 6: SameSite=None.
    /// Bit 7: the stored cache entries are left out (db/file only).
    flags: u8,
    /// Seconds from now to the stored row's expire_date, before now of
    /// the file's modification time, and the cache entries' TTL.
    stored_offset: i32,
    status: u16,
    /// Lost-update detection (db and cache engines only; refused elsewhere).
    detect_conflicts: bool,
    ops: Vec<Op>,
}

impl Cycle {
    fn read(bytes: &[u8]) -> arbitrary::Result<Cycle> {
        let mut u = Unstructured::new(bytes);
        let mut cycle = Cycle {
            engine: u.arbitrary()?,
            flags: u.arbitrary()?,
            stored_offset: u.arbitrary()?,
            status: u.arbitrary()?,
            detect_conflicts: u.arbitrary()?,
            ops: Vec::new(),
        };
        while !u.is_empty() && cycle.ops.len() < MAX_OPS {
            match u.arbitrary() {
                Ok(op) => cycle.ops.push(op),
                Err(_) => break,
            }
        }
        Ok(cycle)
    }
}

/// What a `request_cycle` input means, for reading a crashing input.
pub fn describe_request_cycle(data: &[u8]) -> String {
    let mut parts = data.splitn(3, |&b| b == 0xFF);
    let header = text(parts.next().unwrap_or_default());
    let stored = text(parts.next().unwrap_or_default());
    let cycle = Cycle::read(parts.next().unwrap_or_default());
    format!("header: {header:?}\nstored: {stored:?}\n{cycle:#?}")
}

/// At most this many view operations per request.
const MAX_OPS: usize = 24;

/// A whole request through one engine: the Cookie header names a key, the
/// stored text is put under that key in every memory store (cache entries
/// under both prefixes, a `django_session` row, a session file), the view
/// runs a few dict operations, and `process_response` decides and saves.
/// Then the browser's next request sends the cookie back.
///
/// Input: `cookie-header 0xFF stored-text 0xFF cycle-bytes`, where the
/// cycle bytes are read by `arbitrary` into [`Cycle`] (its first byte picks
/// the engine; empty means signed_cookies with default settings and no ops).
pub fn request_cycle(data: &[u8]) {
    let mut parts = data.splitn(3, |&b| b == 0xFF);
    let header = text(parts.next().unwrap_or_default());
    let stored = text(parts.next().unwrap_or_default());
    let Ok(cycle) = Cycle::read(parts.next().unwrap_or_default()) else {
        return;
    };
    let mut settings = settings_with_fallbacks();
    settings.engine = ENGINES[usize::from(cycle.engine) % ENGINES.len()];
    settings.expire_at_browser_close = cycle.flags & 1 == 1;
    settings.save_every_request = cycle.flags & 2 == 2;
    settings.cookie_age =
        [settings.cookie_age, 0, 1, 100 * 365 * 86_400][usize::from(cycle.flags >> 2 & 3)];
    if cycle.flags & 64 == 64 {
        settings.cookie_samesite = SameSite::parse("None", "SESSION_COOKIE_SAMESITE").ok();
    }
    settings.detect_conflicts =
        cycle.detect_conflicts && matches!(settings.engine, EngineKind::Db | EngineKind::Cache);
    let now = CLOCKS[usize::from(cycle.flags >> 4 & 3)];
    let config = Config::new(settings).expect("valid settings");
    let name = config.settings.cookie_name.clone();
    let stores = MemoryStores::new(now);
    let key = cookie_value(&header, &name);
    if let Some(key) = &key {
        let offset = f64::from(cycle.stored_offset);
        if cycle.flags & 128 == 0 {
            let ttl = u64::from(cycle.stored_offset.unsigned_abs()).max(1);
            for prefix in [CACHE_KEY_PREFIX, CACHED_DB_KEY_PREFIX] {
                let Ok(cache_key) = make_key(&config, &format!("{prefix}{key}")) else {
                    continue;
                };
                let _ = block_on(stores.cache.set(&cache_key, stored.as_bytes(), ttl));
            }
        }
        stores.db.put(Row {
            session_key: key.clone(),
            session_data: stored.clone(),
            expire_date: DateTime::from_timestamp(now + offset),
        });
        stores
            .files
            .put(&format!("{name}{key}"), &stored, now - offset);
    }
    let engine = AnyEngine::new(
        config.settings.engine,
        Some(stores.cache.clone()),
        Some(stores.db.clone()),
        Some(stores.files.clone()),
    )
    .expect("every store is there");
    let mut session = Session::new(&engine, config.clone(), key.as_deref(), now);
    let response = block_on(async {
        for op in &cycle.ops {
            let _ = apply(&mut session, op).await;
        }
        middleware::process_response(&mut session, key.is_some(), cycle.status).await
    });
    let Ok(headers) = response else { return };
    let Some(set_cookie) = headers.set_cookie else {
        return;
    };
    assert!(
        !set_cookie.contains(['\r', '\n', '\0']),
        "unsafe Set-Cookie {set_cookie:?}"
    );
    // The browser sends `name=value` back; the session key comes back out
    // (a key holding `;`, possible only from a quoted request cookie, is
    // cut by parse_cookie as by Django).
    let sent = session.session_key().map(str::to_owned);
    let echo = format!("{name}={}", quote(sent.as_deref().unwrap_or_default()));
    if sent.as_deref().is_some_and(|k| !k.contains(';')) {
        assert_eq!(
            cookie_value(&echo, &name),
            sent,
            "cookie did not round trip"
        );
    }
    let mut next = Session::new(&engine, config, cookie_value(&echo, &name).as_deref(), now);
    block_on(async {
        let _ = next.load().await;
        let _ = next.items().await;
        let _ = middleware::process_response(&mut next, true, 200).await;
    });
}

async fn apply<E: edge_sessions::engines::Engine>(
    s: &mut Session<E>,
    op: &Op,
) -> Result<(), Error> {
    let date = |iso: &Option<String>| iso.as_deref().map(DateTime::parse_iso).transpose();
    let stored = |json: &Option<Json>| json.as_ref().map(|j| ExpiryValue::Stored(j.value()));
    match op {
        Op::Get(k) => s.get(k.name()).await.map(drop),
        Op::GetItem(k) => s.get_item(k.name()).await.map(drop),
        Op::Set(k, v) => s.set(k.name(), v.value()).await,
        Op::Delete(k) => s.delete_item(k.name()).await,
        Op::Contains(k) => s.contains(k.name()).await.map(drop),
        Op::Pop(k) => s.pop(k.name()).await.map(drop),
        Op::PopOr(k, v) => s.pop_or(k.name(), v.value()).await.map(drop),
        Op::SetDefault(k, v) => s.setdefault(k.name(), v.value()).await.map(drop),
        Op::Update(pairs) => {
            let other: Dict = pairs
                .iter()
                .map(|(k, v)| (k.name().to_owned(), v.value()))
                .collect();
            s.update(other).await
        }
        Op::Keys => s.keys().await.map(drop),
        Op::Values => s.values().await.map(drop),
        Op::Items => s.items().await.map(|items| {
            let _ = json::dumps_dict(&items);
        }),
        Op::Len => s.len().await.map(drop),
        Op::Clear => {
            s.clear();
            Ok(())
        }
        Op::SetTestCookie => s.set_test_cookie().await,
        Op::TestCookieWorked => s.test_cookie_worked().await.map(drop),
        Op::DeleteTestCookie => s.delete_test_cookie().await,
        Op::SetExpiry(arg) => {
            let expiry = match arg {
                ExpiryArg::Default => Expiry::Default,
                ExpiryArg::Seconds(f) => Expiry::Seconds(*f),
                ExpiryArg::SecondsInt(i) => Expiry::Seconds(f64::from(*i)),
                ExpiryArg::In(f) => Expiry::In(*f),
                ExpiryArg::InInt(i) => Expiry::In(f64::from(*i)),
                ExpiryArg::At(iso) => Expiry::At(DateTime::parse_iso(iso)?),
            };
            s.set_expiry(expiry).await
        }
        Op::GetExpiryAge(modification, expiry) => s
            .get_expiry_age_with(date(modification)?, stored(expiry))
            .await
            .map(drop),
        Op::GetExpiryDate(modification, expiry) => s
            .get_expiry_date_with(date(modification)?, stored(expiry))
            .await
            .map(|d| {
                let _ = d.isoformat();
                let _ = d.db_text();
            }),
        Op::GetExpireAtBrowserClose => s.get_expire_at_browser_close().await.map(drop),
        Op::Save => s.save().await,
        Op::SaveNew => s.save_new().await,
        Op::Create => s.create().await,
        Op::Exists(k) => s.exists(k).await.map(drop),
        Op::DeleteFromStore(k) => s.delete(k.as_deref()).await,
        Op::Flush => s.flush().await,
        Op::CycleKey => s.cycle_key().await,
        Op::Load => s.load().await,
        Op::ClearExpired => s.clear_expired().await,
        Op::SetFlags(accessed, modified) => {
            s.set_accessed(*accessed);
            s.set_modified(*modified);
            Ok(())
        }
    }
}

// --- edge_sessions::django: request parsing, tokens, the auth user id -------

use edge_sessions::django::{
    auth as django_auth, csrf as django_csrf, form as django_form, http as django_http,
};

/// The `0xFF`-separated parts of an input (at most `n`; the last takes the rest).
fn parts(data: &[u8], n: usize) -> Vec<&[u8]> {
    data.splitn(n, |&b| b == 0xFF).collect()
}

/// `request.POST` of a form body: any Content-Type and body through the
/// urlencoded and multipart parsers, with small limits too.
///
/// Input: `content-type 0xFF body`.
pub fn django_form(data: &[u8]) {
    let p = parts(data, 2);
    let content_type = text(p.first().copied().unwrap_or_default());
    let body = p.get(1).copied().unwrap_or_default();
    let mut meta = django_http::Meta::new();
    meta.insert("CONTENT_TYPE", content_type.as_str());
    meta.insert("CONTENT_LENGTH", body.len().to_string());
    let tight = django_form::FormLimits {
        max_memory_size: Some(64),
        max_number_fields: Some(3),
        max_number_files: Some(1),
    };
    let parsed = django_http::parse_header_parameters(&content_type).unwrap_or_default();
    let charset = parsed
        .param("charset")
        .and_then(django_form::Charset::lookup)
        .unwrap_or(django_form::Charset::Utf8);
    for limits in [django_form::FormLimits::default(), tight] {
        let field = django_form::post_get("POST", &meta, body, "csrfmiddlewaretoken", &limits);
        let all = match parsed.main.as_str() {
            "application/x-www-form-urlencoded" => django_form::query_pairs(body, &limits),
            _ => django_form::multipart_fields(&meta, &content_type, body, charset, &limits),
        };
        // The field is the last value of its name among all the fields.
        if let (Ok(Some(value)), Ok(all)) = (&field, &all) {
            let last = all.iter().rev().find(|(k, _)| k == "csrfmiddlewaretoken");
            assert_eq!(last.map(|(_, v)| v), Some(value));
        }
    }
    let _ = django_form::b64decode_lenient(body);
    let _ = django_form::query_pairs(body, &django_form::FormLimits::default());
}

/// Origin, Referer and Host parsing: `urlsplit` / `geturl`, the host
/// rules of `get_host`, `is_same_domain`, header parameters.
///
/// Input: `url 0xFF host 0xFF pattern`.
pub fn django_host(data: &[u8]) {
    let p = parts(data, 3);
    let url = text(p.first().copied().unwrap_or_default());
    let host = text(p.get(1).copied().unwrap_or_default());
    let pattern = text(p.get(2).copied().unwrap_or_default());
    if let Ok(split) = django_http::urlsplit(&url) {
        let again = split.geturl();
        // geturl() of a split URL splits to the same scheme and netloc.
        if let Ok(resplit) = django_http::urlsplit(&again) {
            if !split.netloc.is_empty() {
                assert_eq!(resplit.netloc, split.netloc, "{url:?} -> {again:?}");
            }
        }
    }
    // Django's own quirk: "." and ".:80" give an empty domain (the
    // trailing dot removed) with the port.
    let (domain, _port) = django_http::split_domain_port(&host);
    let _ = django_http::is_same_domain(&host, &pattern);
    let _ = django_http::validate_host(&domain, &[pattern.clone(), "*".into()]);
    let _ = django_http::parse_header_parameters(&url);
    let _ = django_http::parse_header_name(&pattern);
    let mut meta = django_http::Meta::new();
    meta.insert("HTTP_HOST", host.as_str());
    meta.insert("SERVER_NAME", pattern.as_str());
    meta.insert("SERVER_PORT", "8443");
    meta.insert("HTTP_X_FORWARDED_PROTO", url.as_str());
    let settings = django_http::HostSettings {
        allowed_hosts: vec![pattern.clone()],
        secure_proxy_ssl_header: Some(("HTTP_X_FORWARDED_PROTO".into(), "https".into())),
        ..Default::default()
    };
    let _ = django_http::get_host(&meta, &settings);
    let _ = django_http::is_secure(&meta, &settings);
}

/// The token functions on any text, and their properties: a masked
/// token unmasks to its secret and matches it.
///
/// Input: `token 0xFF secret`.
pub fn django_tokens(data: &[u8]) {
    let p = parts(data, 2);
    let token = text(p.first().copied().unwrap_or_default());
    let secret = text(p.get(1).copied().unwrap_or_default());
    let _ = django_csrf::unmask_cipher_token(&token);
    let _ = django_csrf::mask_cipher_secret(&secret, &token);
    if django_csrf::check_token_format(&token).is_ok() {
        let matched = django_csrf::does_token_match(&token, &secret);
        assert!(
            matched.is_ok(),
            "a well-formed token never fails to compare"
        );
    }
    let _ = django_csrf::bad_token_message("incorrect", &secret);
    if django_csrf::check_token_format(&secret).is_ok() && secret.len() == 32 {
        let mut randomness = django_csrf::Randomness::Recorded(vec![secret.clone()].into());
        let mut state = django_csrf::CsrfState {
            cookie: Some(secret.clone()),
            needs_update: None,
        };
        let masked = django_csrf::get_token(&mut state, &mut randomness).expect("a recorded mask");
        assert_eq!(
            django_csrf::unmask_cipher_token(&masked).ok().as_deref(),
            Some(secret.as_str())
        );
        assert_eq!(
            django_csrf::does_token_match(&masked, &secret).ok(),
            Some(true)
        );
    }
    for value in [
        edge_sessions::Value::from(token.as_str()),
        json::parse(&token).unwrap_or(edge_sessions::Value::None),
    ] {
        let _ = django_auth::user_id_to_python(&value);
    }
}

/// A whole request through the CSRF middleware, with settings picked by
/// the first byte: any method, Cookie, Origin, Referer, Host, token header,
/// Content-Type and body; then a view that asks for a token, and the
/// response. Properties: a token `get_token` gave, sent back with the
/// cookie it set from the same origin, is accepted.
///
/// Input: `flags method 0xFF cookie 0xFF origin 0xFF referer 0xFF host
/// 0xFF token 0xFF content-type 0xFF body`.
pub fn django_csrf_request(data: &[u8]) {
    let flags = data.first().copied().unwrap_or_default();
    let p = parts(data.get(1..).unwrap_or_default(), 8);
    let field = |i: usize| text(p.get(i).copied().unwrap_or_default());
    let mut settings = django_csrf::CsrfSettings {
        use_sessions: flags & 1 == 1,
        trusted_origins: if flags & 2 == 2 {
            vec!["https://*.example.com".into()]
        } else {
            vec![]
        },
        cookie_domain: (flags & 4 == 4).then(|| ".example.com".into()),
        ..Default::default()
    };
    if flags & 8 == 8 {
        settings.host.allowed_hosts = vec!["testserver".into(), ".example.com".into()];
    }
    let scheme = if flags & 16 == 16 { "https" } else { "http" };
    let mut meta = django_http::Meta::new();
    meta.insert("SERVER_NAME", "testserver");
    meta.insert("SERVER_PORT", if scheme == "https" { "443" } else { "80" });
    meta.insert("wsgi.url_scheme", scheme);
    meta.insert("HTTP_COOKIE", field(1));
    for (i, key) in [
        (2, "HTTP_ORIGIN"),
        (3, "HTTP_REFERER"),
        (4, "HTTP_HOST"),
        (5, "HTTP_X_CSRFTOKEN"),
        (6, "CONTENT_TYPE"),
    ] {
        if !field(i).is_empty() {
            meta.insert(key, field(i));
        }
    }
    let body = p.get(7).copied().unwrap_or_default();
    meta.insert("CONTENT_LENGTH", body.len().to_string());
    let method = field(0);
    let session_secret = edge_sessions::Value::from(field(1));
    let request = django_csrf::CsrfRequest {
        method: &method,
        meta: &meta,
        body,
        session_secret: Some(&session_secret),
        session_cookie_domain: Some("example.com"),
    };
    let mut randomness = django_csrf::Randomness::Recorded(
        [
            "Kq3sTn8ZpW2xYb7LmV4cR9dF6gH1jE5u",
            "Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        ]
        .map(String::from)
        .into(),
    );
    let Ok(mut state) = django_csrf::process_request(&settings, &request, &mut randomness) else {
        return;
    };
    let _ = django_csrf::process_view(&settings, &request, flags & 32 == 32);
    let Ok(token) = django_csrf::get_token(&mut state, &mut randomness) else {
        return;
    };
    let Ok(update) = django_csrf::process_response(
        &settings,
        &mut state,
        Some(&field(6)),
        Some(&session_secret),
        NOW,
    ) else {
        return;
    };
    // The next request: the cookie (or session secret) and the token, same origin.
    let secret = state.cookie.clone().unwrap_or_default();
    if settings.use_sessions
        || update.set_cookie.is_some()
        || django_csrf::check_token_format(&secret).is_ok()
    {
        let mut next = django_http::Meta::new();
        next.insert("SERVER_NAME", "testserver");
        next.insert("SERVER_PORT", "80");
        next.insert("wsgi.url_scheme", "http");
        next.insert("HTTP_COOKIE", format!("csrftoken={secret}"));
        next.insert("HTTP_X_CSRFTOKEN", token);
        let stored = edge_sessions::Value::from(secret.as_str());
        let again = django_csrf::CsrfRequest {
            method: "POST",
            meta: &next,
            body: &[],
            session_secret: Some(&stored),
            session_cookie_domain: None,
        };
        if django_csrf::check_token_format(&secret).is_ok() {
            assert_eq!(
                django_csrf::process_view(&settings, &again, false).ok(),
                Some(django_csrf::Verdict::Accept),
                "a token and the secret it came from, from the same origin"
            );
        }
    }
}
