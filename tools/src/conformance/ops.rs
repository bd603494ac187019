//! The oracle's op lists (`["set", "k", "v"]`, `["set_expiry", {"int": 300}]`,
//! ...) replayed on a session, the session's observable state, the engine
//! of a backend name, and how a random session key is shown.

use crate::check::{python_exception, say, Check};
use crate::values::{dict, strings_in, to_dict, to_value, Json};
use edge_sessions::datetime::DateTime;
use edge_sessions::session::Engine;
use edge_sessions::value::Value;
use edge_sessions::{Config, Expiry, ExpiryValue, Session};
use std::collections::HashSet;
use std::rc::Rc;

/// Runs `$body` with `$engine` bound to the named backend over `$stores`
/// (an expression of type `Result<_, String>`).
macro_rules! with_backend {
    ($backend:expr, $stores:expr, |$engine:ident| $body:expr) => {
        match $backend {
            "signed_cookies" => {
                let $engine = edge_sessions::engines::SignedCookies;
                $body
            }
            "cache" => {
                let $engine = edge_sessions::engines::CacheEngine::new($stores.cache.clone());
                $body
            }
            "db" => {
                let $engine = edge_sessions::engines::DbEngine::new($stores.db.clone());
                $body
            }
            "cached_db" => {
                let $engine = edge_sessions::engines::CachedDbEngine::new(
                    $stores.cache.clone(),
                    $stores.db.clone(),
                );
                $body
            }
            "file" => {
                let $engine = edge_sessions::engines::FileEngine::new($stores.files.clone());
                $body
            }
            other => Err(format!("unknown backend {other:?}")),
        }
    };
}
pub(crate) use with_backend;

/// A tagged value of the oracle (`{"int": 1}`, `{"datetime": "..."}`...).
enum Tagged {
    None,
    Number(Value),
    Timedelta(f64),
    Date(DateTime),
    Str(String),
}

fn tagged(v: &Json) -> Result<Tagged, String> {
    let (tag, value) = v
        .as_object()
        .and_then(|o| o.iter().next())
        .ok_or_else(|| format!("not a tagged value: {v}"))?;
    let number =
        || crate::values::num(value).ok_or_else(|| format!("{tag} {value} is not a number"));
    Ok(match tag.as_str() {
        "none" => Tagged::None,
        "int" | "float" => {
            number()?;
            Tagged::Number(to_value(value))
        }
        "timedelta_seconds" => Tagged::Timedelta(number()?),
        "datetime" | "naive_datetime" => {
            let text = value
                .as_str()
                .ok_or_else(|| format!("{tag} {value} is not text"))?;
            Tagged::Date(DateTime::parse_iso(text).map_err(say)?)
        }
        "str" => Tagged::Str(value.as_str().unwrap_or_default().to_owned()),
        other => return Err(format!("unknown tag {other:?}")),
    })
}

/// The `modification=` and `expiry=` keyword arguments of
/// `get_expiry_age` / `get_expiry_date`.
fn kwargs(args: &[Json]) -> Result<(Option<DateTime>, Option<ExpiryValue>), String> {
    let Some(kw) = args.first().and_then(Json::as_object) else {
        return Ok((None, None));
    };
    let modification = match kw.get("modification").map(tagged).transpose()? {
        Some(Tagged::Date(d)) => Some(d),
        Some(_) => return Err("modification must be a datetime".into()),
        None => None,
    };
    let expiry = match kw.get("expiry").map(tagged).transpose()? {
        None => None,
        Some(Tagged::None) => Some(ExpiryValue::Stored(Value::None)),
        Some(Tagged::Number(n)) => Some(ExpiryValue::Stored(n)),
        Some(Tagged::Str(s)) => Some(ExpiryValue::Stored(Value::Str(s))),
        Some(Tagged::Date(d)) => Some(ExpiryValue::At(d)),
        Some(Tagged::Timedelta(_)) => return Err("expiry=timedelta is not an API of ours".into()),
    };
    Ok((modification, expiry))
}

/// `get_expiry_age`'s number: an int when whole, as Django's arithmetic gives.
fn age(age: f64) -> Value {
    if age.fract() == 0.0 && age.abs() < 9e15 {
        Value::from(age as i64)
    } else {
        Value::Float(age)
    }
}

/// A second session on the same store deletes this one (a concurrent logout).
async fn delete_in_store<E: Engine>(s: &Session<E>) -> edge_sessions::Result<()> {
    let mut other = Session::new(s.engine(), s.config().clone(), s.session_key(), s.now());
    other.delete(None).await
}

/// Applies one op: `Ok({"return": value})` or `Ok({"raises": "PythonClass"})`;
/// `Err` when the op cannot be replayed at all.
pub async fn apply_op<E: Engine>(s: &mut Session<E>, op: &Json) -> Result<Value, String> {
    let op = op.as_array().map(Vec::as_slice).unwrap_or_default();
    let name = op.first().and_then(Json::as_str).unwrap_or_default();
    let args = op.get(1..).unwrap_or_default();
    let arg = |i: usize| args.get(i).map(to_value).unwrap_or(Value::None);
    let key = args
        .first()
        .and_then(Json::as_str)
        .unwrap_or_default()
        .to_owned();
    let done = |r: edge_sessions::Result<()>| r.map(|()| Value::None);
    let result: edge_sessions::Result<Value> = match name {
        "set" => done(s.set(&key, arg(1)).await),
        "getitem" => s.get_item(&key).await,
        "get" => s.get(&key).await.map(|v| v.unwrap_or_else(|| arg(1))),
        "del" => done(s.delete_item(&key).await),
        "pop" if args.len() > 1 => s.pop_or(&key, arg(1)).await,
        "pop" => s.pop(&key).await,
        "setdefault" => s.setdefault(&key, arg(1)).await,
        "update" => done(
            s.update(to_dict(args.first().unwrap_or(&Json::Null))?)
                .await,
        ),
        "contains" | "has_key" => s.contains(&key).await.map(Value::from),
        "keys" => s
            .keys()
            .await
            .map(|k| Value::List(k.into_iter().map(Value::from).collect())),
        "values" => s.values().await.map(Value::List),
        "items" => s.items().await.map(|d| {
            Value::List(
                d.into_iter()
                    .map(|(k, v)| Value::List(vec![k.into(), v]))
                    .collect(),
            )
        }),
        "clear" => {
            s.clear();
            Ok(Value::None)
        }
        "flush" => done(s.flush().await),
        "cycle_key" => done(s.cycle_key().await),
        "save" if arg(0) == Value::Bool(true) => done(s.save_new().await),
        "save" => done(s.save().await),
        "set_expiry" => {
            let expiry = match tagged(args.first().unwrap_or(&Json::Null))? {
                Tagged::None => Expiry::Default,
                Tagged::Number(n) => Expiry::Seconds(n.as_f64().unwrap_or(f64::NAN)),
                Tagged::Timedelta(t) => Expiry::In(t),
                Tagged::Date(d) => Expiry::At(d),
                Tagged::Str(_) => {
                    return Err("set_expiry with a string is not an API of ours".into())
                }
            };
            done(s.set_expiry(expiry).await)
        }
        "get_expiry_age" => {
            let (modification, expiry) = kwargs(args)?;
            s.get_expiry_age_with(modification, expiry).await.map(age)
        }
        "get_expiry_date" => {
            let (modification, expiry) = kwargs(args)?;
            let date = s.get_expiry_date_with(modification, expiry).await;
            date.map(|d| dict([("datetime", Value::Str(d.isoformat()))]))
        }
        "get_expire_at_browser_close" => s.get_expire_at_browser_close().await.map(Value::from),
        "set_test_cookie" => done(s.set_test_cookie().await),
        "test_cookie_worked" => s.test_cookie_worked().await.map(Value::from),
        "delete_test_cookie" => done(s.delete_test_cookie().await),
        "is_empty" => Ok(Value::from(s.is_empty())),
        "reset_flags" => {
            s.set_accessed(false);
            s.set_modified(false);
            Ok(Value::None)
        }
        "delete_in_store" => done(delete_in_store(s).await),
        other => return Err(format!("unknown op {other:?}")),
    };
    Ok(match result {
        Ok(v) => dict([("return", v)]),
        Err(e) => dict([("raises", Value::from(python_exception(&e)))]),
    })
}

/// Django's `precreate`: `save(must_create=True)`, `update(data)`, `save()`
/// under the given key at time `t`.
pub async fn precreate<E: Engine>(engine: E, config: &Rc<Config>, pre: &Json) -> Check {
    let key = pre["key"].as_str().ok_or("precreate without a key")?;
    let t = crate::values::number(pre, "t")?;
    let mut s = Session::new(engine, config.clone(), Some(key), t);
    s.save_new().await.map_err(|e| format!("precreate: {e}"))?;
    s.update(to_dict(&pre["data"])?).await.map_err(say)?;
    s.save().await.map_err(|e| format!("precreate: {e}"))
}

/// The session keys a vector names. Django's oracle writes a key its
/// store made up as `<random32>`; a key the vector names is shown as is.
pub struct KnownKeys<'a>(HashSet<&'a str>);

impl<'a> KnownKeys<'a> {
    pub fn of(vector: &'a Json) -> Self {
        KnownKeys(strings_in(vector))
    }

    /// Whether `key` is one our store made up (32 characters of
    /// `[a-z0-9]` the vector does not name).
    pub fn is_random(&self, key: &str, backend: &str) -> bool {
        backend != "signed_cookies"
            && key.len() == 32
            && key
                .bytes()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            && !self.0.contains(key)
    }

    /// A session key as the oracle shows it.
    pub fn show(&self, key: Option<&str>, backend: &str) -> Value {
        match key {
            None => Value::None,
            Some(k) if self.is_random(k, backend) => "<random32>".into(),
            Some(k) => k.into(),
        }
    }
}

/// The state the oracle records after each op of a trace.
pub fn state_of<E: Engine>(s: &Session<E>, backend: &str, known: &KnownKeys) -> Value {
    dict([
        ("accessed", Value::from(s.accessed())),
        ("modified", Value::from(s.modified())),
        ("session_key", known.show(s.session_key(), backend)),
        ("cache_loaded", Value::from(s.is_loaded())),
        (
            "cache",
            s.loaded().cloned().map_or(Value::None, Value::Dict),
        ),
    ])
}
