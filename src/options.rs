//! The options object of the JS API (`new Sessions({...})`): one table of
//! every option, its camelCase name, the Django setting it stands for, its
//! TypeScript type and default. The table drives parsing, the `settings`
//! the JS object shows, and a test that checks `index.d.ts` and the README
//! against it. camelCase is the bindings' concern; [`Settings`] keeps
//! Django's names.
//!
//! ```
//! use edge_sessions::options::settings_from_json;
//! let s = settings_from_json(r#"{"secretKey": "k", "cookieAge": 60, "cookieSameSite": null}"#).unwrap();
//! assert_eq!((s.cookie_age, s.cookie_samesite), (60, None));
//! let typo = settings_from_json(r#"{"secretKey": "k", "cookieAgee": 60}"#).unwrap_err();
//! assert_eq!(typo.to_string(), r#"options: unknown option "cookieAgee""#);
//! ```

use crate::cookie::SameSite;
use crate::error::{Error, Result};
use crate::settings::{CacheFormat, EngineKind, Settings};
use crate::value::{Dict, Value};

/// One option of `new Sessions(options)`.
pub struct SessionOption {
    /// The option's name in JS.
    pub name: &'static str,
    /// The Django setting it stands for, or the core's name for what
    /// Django has no setting for (`detect_conflicts`, `adapters`, ...).
    pub setting: &'static str,
    /// Whether `setting` is Django's.
    pub django: bool,
    /// Its TypeScript type, as `index.d.ts` declares it.
    pub ts_type: &'static str,
    /// Its default, as JS source (`undefined` when unset, `(required)` for
    /// the one option that has none).
    pub default: &'static str,
    /// Stores a value from JSON into the settings; `Err` says what it must be.
    apply: Option<Apply>,
    /// Reads it back for `Sessions.settings`; `None` keeps it out (secrets).
    read: Option<fn(&Settings) -> Value>,
}

type Apply = fn(&mut Settings, &Value) -> std::result::Result<(), &'static str>;

impl SessionOption {
    /// Whether the JS layer consumes it (adapters, callbacks, the clock)
    /// rather than passing it to the core.
    pub fn js_only(&self) -> bool {
        self.apply.is_none()
    }

    /// Whether `Sessions.settings` shows it.
    pub fn shown(&self) -> bool {
        self.read.is_some()
    }
}

fn string(v: &Value) -> std::result::Result<String, &'static str> {
    v.as_str().map(str::to_owned).ok_or("a string")
}

/// null (and false, Django's way of saying "no attribute") unset an optional string.
fn optional_string(v: &Value) -> std::result::Result<Option<String>, &'static str> {
    match v {
        Value::None | Value::Bool(false) => Ok(None),
        Value::Str(s) => Ok(Some(s.clone())),
        _ => Err("a string or null"),
    }
}

fn boolean(v: &Value) -> std::result::Result<bool, &'static str> {
    match v {
        Value::Bool(b) => Ok(*b),
        _ => Err("true or false"),
    }
}

fn integer(v: &Value) -> std::result::Result<i64, &'static str> {
    v.as_i64().ok_or("a whole number")
}

fn text(v: &Option<String>) -> Value {
    v.as_deref().map_or(Value::None, Value::from)
}

/// Every option, in the order `index.d.ts` lists them.
pub const OPTIONS: &[SessionOption] = &[
    SessionOption {
        name: "secretKey",
        setting: "SECRET_KEY",
        django: true,
        ts_type: "string",
        default: "(required)",
        apply: Some(|s, v| {
            s.secret_key = string(v)?;
            Ok(())
        }),
        read: None,
    },
    SessionOption {
        name: "secretKeyFallbacks",
        setting: "SECRET_KEY_FALLBACKS",
        django: true,
        ts_type: "string[]",
        default: "[]",
        apply: Some(|s, v| {
            let keys = match v {
                Value::List(items) => items.iter().map(string).collect(),
                _ => Err("an array of strings"),
            };
            {
                s.secret_key_fallbacks = keys.map_err(|_| "an array of strings")?;
                Ok(())
            }
        }),
        read: None,
    },
    SessionOption {
        name: "engine",
        setting: "SESSION_ENGINE",
        django: true,
        ts_type: "EngineName",
        default: "\"db\"",
        apply: Some(|s, v| {
            let name = string(v)?;
            {
                s.engine = EngineKind::parse(&name).map_err(|_| ENGINE_NAMES_HINT)?;
                Ok(())
            }
        }),
        read: Some(|s| s.engine.short_name().into()),
    },
    SessionOption {
        name: "cookieName",
        setting: "SESSION_COOKIE_NAME",
        django: true,
        ts_type: "string",
        default: "\"sessionid\"",
        apply: Some(|s, v| {
            s.cookie_name = string(v)?;
            Ok(())
        }),
        read: Some(|s| s.cookie_name.as_str().into()),
    },
    SessionOption {
        name: "cookieAge",
        setting: "SESSION_COOKIE_AGE",
        django: true,
        ts_type: "number",
        default: "1209600",
        apply: Some(|s, v| {
            s.cookie_age = integer(v)?;
            Ok(())
        }),
        read: Some(|s| s.cookie_age.into()),
    },
    SessionOption {
        name: "cookieDomain",
        setting: "SESSION_COOKIE_DOMAIN",
        django: true,
        ts_type: "string | null",
        default: "null",
        apply: Some(|s, v| {
            s.cookie_domain = optional_string(v)?;
            Ok(())
        }),
        read: Some(|s| text(&s.cookie_domain)),
    },
    SessionOption {
        name: "cookieSecure",
        setting: "SESSION_COOKIE_SECURE",
        django: true,
        ts_type: "boolean",
        default: "false",
        apply: Some(|s, v| {
            s.cookie_secure = boolean(v)?;
            Ok(())
        }),
        read: Some(|s| s.cookie_secure.into()),
    },
    SessionOption {
        name: "cookieHttpOnly",
        setting: "SESSION_COOKIE_HTTPONLY",
        django: true,
        ts_type: "boolean",
        default: "true",
        apply: Some(|s, v| {
            s.cookie_httponly = boolean(v)?;
            Ok(())
        }),
        read: Some(|s| s.cookie_httponly.into()),
    },
    SessionOption {
        name: "cookiePath",
        setting: "SESSION_COOKIE_PATH",
        django: true,
        ts_type: "string",
        default: "\"/\"",
        apply: Some(|s, v| {
            s.cookie_path = string(v)?;
            Ok(())
        }),
        read: Some(|s| s.cookie_path.as_str().into()),
    },
    SessionOption {
        name: "cookieSameSite",
        setting: "SESSION_COOKIE_SAMESITE",
        django: true,
        ts_type: "\"Lax\" | \"Strict\" | \"None\" | null | false",
        default: "\"Lax\"",
        apply: Some(|s, v| {
            let spelled = optional_string(v).map_err(|_| SAME_SITE_HINT)?;
            let parsed = spelled.map(|t| SameSite::parse(&t, "SESSION_COOKIE_SAMESITE"));
            {
                s.cookie_samesite = parsed.transpose().map_err(|_| SAME_SITE_HINT)?;
                Ok(())
            }
        }),
        read: Some(|s| {
            s.cookie_samesite
                .as_ref()
                .map_or(Value::None, |same_site| same_site.as_str().into())
        }),
    },
    SessionOption {
        name: "expireAtBrowserClose",
        setting: "SESSION_EXPIRE_AT_BROWSER_CLOSE",
        django: true,
        ts_type: "boolean",
        default: "false",
        apply: Some(|s, v| {
            s.expire_at_browser_close = boolean(v)?;
            Ok(())
        }),
        read: Some(|s| s.expire_at_browser_close.into()),
    },
    SessionOption {
        name: "saveEveryRequest",
        setting: "SESSION_SAVE_EVERY_REQUEST",
        django: true,
        ts_type: "boolean",
        default: "false",
        apply: Some(|s, v| {
            s.save_every_request = boolean(v)?;
            Ok(())
        }),
        read: Some(|s| s.save_every_request.into()),
    },
    SessionOption {
        name: "sessionClass",
        setting: "session_class",
        django: false,
        ts_type: "string",
        default: "\"SessionStore\"",
        apply: Some(|s, v| {
            s.session_class = string(v)?;
            Ok(())
        }),
        read: None,
    },
    SessionOption {
        name: "cacheFormat",
        setting: "CACHES OPTIONS serializer",
        django: true,
        ts_type: "\"pickle\" | \"json\"",
        default: "\"pickle\"",
        apply: Some(|s, v| {
            let name = string(v).map_err(|_| CACHE_FORMAT_HINT)?;
            {
                s.cache_format = CacheFormat::parse(&name).map_err(|_| CACHE_FORMAT_HINT)?;
                Ok(())
            }
        }),
        read: Some(|s| s.cache_format.name().into()),
    },
    SessionOption {
        name: "cacheKeyPrefix",
        setting: "CACHES KEY_PREFIX",
        django: true,
        ts_type: "string",
        default: "\"\"",
        apply: Some(|s, v| {
            s.cache_key_prefix = string(v)?;
            Ok(())
        }),
        read: Some(|s| s.cache_key_prefix.as_str().into()),
    },
    SessionOption {
        name: "cacheVersion",
        setting: "CACHES VERSION",
        django: true,
        ts_type: "number",
        default: "1",
        apply: Some(|s, v| {
            s.cache_version = integer(v)?;
            Ok(())
        }),
        read: Some(|s| s.cache_version.into()),
    },
    SessionOption {
        name: "cacheKeyFunction",
        setting: "CACHES KEY_FUNCTION",
        django: true,
        ts_type: "(key: string, keyPrefix: string, version: number) => string",
        default: "undefined",
        apply: None,
        read: None,
    },
    SessionOption {
        name: "detectConflicts",
        setting: "detect_conflicts",
        django: false,
        ts_type: "boolean",
        default: "false",
        apply: Some(|s, v| {
            s.detect_conflicts = boolean(v)?;
            Ok(())
        }),
        read: Some(|s| s.detect_conflicts.into()),
    },
    SessionOption {
        name: "maxInflatedSize",
        setting: "max_inflated_size",
        django: false,
        ts_type: "number",
        default: "1048576",
        apply: Some(|s, v| {
            let n = integer(v).map_err(|_| "a positive whole number")?;
            {
                s.max_inflated_size = usize::try_from(n).map_err(|_| "a positive whole number")?;
                Ok(())
            }
        }),
        read: None,
    },
    SessionOption {
        name: "cache",
        setting: "adapters",
        django: false,
        ts_type: "CacheAdapter",
        default: "undefined",
        apply: None,
        read: None,
    },
    SessionOption {
        name: "db",
        setting: "adapters",
        django: false,
        ts_type: "DbAdapter",
        default: "undefined",
        apply: None,
        read: None,
    },
    SessionOption {
        name: "files",
        setting: "adapters",
        django: false,
        ts_type: "FileAdapter",
        default: "undefined",
        apply: None,
        read: None,
    },
    SessionOption {
        name: "now",
        setting: "now",
        django: false,
        ts_type: "number | (() => number)",
        default: "() => Date.now() / 1000",
        apply: None,
        read: None,
    },
    SessionOption {
        name: "storageTimeout",
        setting: "storage_timeout",
        django: false,
        ts_type: "number",
        default: "undefined",
        apply: None,
        read: None,
    },
];

const ENGINE_NAMES_HINT: &str =
    "one of \"db\", \"cache\", \"cached_db\", \"file\", \"signed_cookies\" (or Django's dotted path)";
const SAME_SITE_HINT: &str = "\"Lax\", \"Strict\", \"None\", null or false";
const CACHE_FORMAT_HINT: &str = "\"pickle\" or \"json\"";

/// The option named `name`.
pub fn option(name: &str) -> Option<&'static SessionOption> {
    OPTIONS.iter().find(|o| o.name == name)
}

/// Settings from the options a JS caller gave (the JS layer has taken the
/// adapters and callbacks out), unset options at Django's defaults, then
/// [`Settings::validate`]d. An unknown name or a value of the wrong type
/// is [`Error::InvalidSetting`] too, so a typo cannot silently leave a
/// default in force.
pub fn settings_from(options: &Dict) -> Result<Settings> {
    let mut settings = Settings::new("");
    for (name, value) in options.iter() {
        let unknown = || Error::InvalidSetting {
            setting: "options",
            reason: format!("unknown option {name:?}"),
        };
        let spec = option(name).ok_or_else(unknown)?;
        let apply = spec.apply.ok_or_else(|| Error::InvalidSetting {
            setting: spec.setting,
            reason: format!("{name} is taken by the JS layer and cannot be given here"),
        })?;
        apply(&mut settings, value).map_err(|expected| Error::InvalidSetting {
            setting: spec.setting,
            reason: format!("{name} must be {expected}"),
        })?;
    }
    if !options.contains_key("secretKey") {
        return Err(Error::InvalidSetting {
            setting: "SECRET_KEY",
            reason: "secretKey is required".into(),
        });
    }
    settings.validate()?;
    Ok(settings)
}

/// [`settings_from`] of a JSON object's text.
pub fn settings_from_json(json: &str) -> Result<Settings> {
    match crate::json::parse(json) {
        Ok(Value::Dict(options)) => settings_from(&options),
        _ => Err(Error::InvalidSetting {
            setting: "options",
            reason: "must be an object".into(),
        }),
    }
}

/// The settings in force as `Sessions.settings` shows them: the options
/// that have a reading, secrets left out.
pub fn shown_settings(settings: &Settings) -> Dict {
    OPTIONS
        .iter()
        .filter_map(|o| Some((o.name.to_owned(), (o.read?)(settings))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_core_option_round_trips_through_the_table() {
        let s = settings_from_json(
            r#"{"secretKey":"k","engine":"cache","cookieName":"sid","cookieAge":60,
                "cookieDomain":".example.com","cookieSecure":true,"cookieHttpOnly":false,
                "cookiePath":"/app","cookieSameSite":"strict","expireAtBrowserClose":true,
                "saveEveryRequest":true,"sessionClass":"Custom","cacheFormat":"json",
                "cacheKeyPrefix":"myapp","cacheVersion":2,"detectConflicts":true,
                "maxInflatedSize":4096,"secretKeyFallbacks":["old"]}"#,
        )
        .unwrap();
        assert_eq!(
            s.cookie_samesite.as_ref().map(SameSite::as_str),
            Some("strict")
        );
        assert_eq!((s.cache_version, s.max_inflated_size), (2, 4096));
        assert_eq!(s.secret_key_fallbacks, ["old"]);
        let shown = crate::json::dumps_dict(&shown_settings(&s)).unwrap();
        assert_eq!(
            shown,
            r#"{"engine":"cache","cookieName":"sid","cookieAge":60,"cookieDomain":".example.com","cookieSecure":true,"cookieHttpOnly":false,"cookiePath":"/app","cookieSameSite":"strict","expireAtBrowserClose":true,"saveEveryRequest":true,"cacheFormat":"json","cacheKeyPrefix":"myapp","cacheVersion":2,"detectConflicts":true}"#
        );
    }

    #[test]
    fn wrong_values_name_their_setting() {
        for (options, setting) in [
            (
                r#"{"secretKey":"k","cookieAge":"60"}"#,
                "SESSION_COOKIE_AGE",
            ),
            (
                r#"{"secretKey":"k","cookieAge":null}"#,
                "SESSION_COOKIE_AGE",
            ),
            (r#"{"secretKey":"k","cookieAge":1.5}"#, "SESSION_COOKIE_AGE"),
            (
                r#"{"secretKey":"k","cookieSameSite":"sometimes"}"#,
                "SESSION_COOKIE_SAMESITE",
            ),
            (r#"{"secretKey":"k","engine":"redis"}"#, "SESSION_ENGINE"),
            (
                r#"{"secretKey":"k","maxInflatedSize":-1}"#,
                "max_inflated_size",
            ),
            (r#"{"secretKey":"k","cache":{}}"#, "adapters"),
            (r#"{"cookieAge":60}"#, "SECRET_KEY"),
            ("[]", "options"),
        ] {
            match settings_from_json(options) {
                Err(Error::InvalidSetting { setting: got, .. }) => {
                    assert_eq!(got, setting, "{options}")
                }
                other => panic!("{options}: {other:?}"),
            }
        }
    }
}
