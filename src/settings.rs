//! Django's `SESSION_*` settings with Django's defaults, validated once.
//!
//! Django discovers a bad cookie name or SameSite value only when the first
//! response is written; here [`Settings::validate`] refuses it up front,
//! naming the setting, so a broken header can never be produced.

use crate::error::{Error, Result};
use crate::signing::DEFAULT_MAX_INFLATED_SIZE;

/// Which of Django's five session engines stores the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineKind {
    /// `django.contrib.sessions.backends.db` (Django's default).
    Db,
    /// `django.contrib.sessions.backends.cache`.
    Cache,
    /// `django.contrib.sessions.backends.cached_db`.
    CachedDb,
    /// `django.contrib.sessions.backends.file`.
    File,
    /// `django.contrib.sessions.backends.signed_cookies`.
    SignedCookies,
}

impl EngineKind {
    /// Accepts Django's dotted path (`django.contrib.sessions.backends.db`)
    /// or the short name (`db`, `cache`, `cached_db`, `file`, `signed_cookies`).
    pub fn parse(name: &str) -> Result<Self> {
        let short = name
            .strip_prefix("django.contrib.sessions.backends.")
            .unwrap_or(name);
        Ok(match short {
            "db" => EngineKind::Db,
            "cache" => EngineKind::Cache,
            "cached_db" => EngineKind::CachedDb,
            "file" => EngineKind::File,
            "signed_cookies" => EngineKind::SignedCookies,
            _ => {
                return Err(Error::InvalidSetting {
                    setting: "SESSION_ENGINE",
                    reason: format!("unknown engine {name:?}"),
                })
            }
        })
    }

    /// The short name (`cached_db`), as options and messages spell it.
    pub fn short_name(self) -> &'static str {
        self.django_path()
            .trim_start_matches("django.contrib.sessions.backends.")
    }

    /// Django's dotted module path for this engine.
    pub fn django_path(self) -> &'static str {
        match self {
            EngineKind::Db => "django.contrib.sessions.backends.db",
            EngineKind::Cache => "django.contrib.sessions.backends.cache",
            EngineKind::CachedDb => "django.contrib.sessions.backends.cached_db",
            EngineKind::File => "django.contrib.sessions.backends.file",
            EngineKind::SignedCookies => "django.contrib.sessions.backends.signed_cookies",
        }
    }
}

/// The session settings, named as in Django without the `SESSION_` prefix.
#[derive(Clone, PartialEq)]
pub struct Settings {
    /// `SECRET_KEY`: signs every session. Must not be empty.
    pub secret_key: String,
    /// `SECRET_KEY_FALLBACKS`: older keys still accepted when verifying.
    pub secret_key_fallbacks: Vec<String>,
    /// `SESSION_COOKIE_NAME` (default `sessionid`).
    pub cookie_name: String,
    /// `SESSION_COOKIE_AGE` in seconds (default two weeks, 1209600).
    pub cookie_age: i64,
    /// `SESSION_COOKIE_DOMAIN` (default none: a host-only cookie).
    pub cookie_domain: Option<String>,
    /// `SESSION_COOKIE_SECURE` (default false).
    pub cookie_secure: bool,
    /// `SESSION_COOKIE_HTTPONLY` (default true).
    pub cookie_httponly: bool,
    /// `SESSION_COOKIE_PATH` (default `/`).
    pub cookie_path: String,
    /// `SESSION_COOKIE_SAMESITE`: `Lax` (default), `Strict`, `None`, or no
    /// attribute at all (`None` here, Python's `None` there).
    pub cookie_samesite: Option<String>,
    /// `SESSION_EXPIRE_AT_BROWSER_CLOSE` (default false).
    pub expire_at_browser_close: bool,
    /// `SESSION_SAVE_EVERY_REQUEST` (default false).
    pub save_every_request: bool,
    /// `SESSION_ENGINE` (default `db`).
    pub engine: EngineKind,
    /// `SESSION_FILE_PATH` for the file engine (default: the adapter's
    /// temporary directory).
    pub file_path: Option<String>,
    /// The session class name in the key salt `django.contrib.sessions.<name>`;
    /// Django's built-in stores are all `SessionStore`.
    pub session_class: String,
    /// Largest inflated session payload accepted (not in Django, which has no cap).
    pub max_inflated_size: usize,
    /// Refuse a save when another request changed the stored session since
    /// this one read it (not in Django, where the last write wins). The save
    /// fails as `UpdateError`, which the middleware answers as
    /// `SessionInterrupted`. db and cache engines, over stores that can
    /// compare-and-swap.
    pub detect_conflicts: bool,
}

impl std::fmt::Debug for Settings {
    // Secrets stay out of logs and error messages.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("secret_key", &"<hidden>")
            .field(
                "secret_key_fallbacks",
                &format_args!("<{} hidden>", self.secret_key_fallbacks.len()),
            )
            .field("cookie_name", &self.cookie_name)
            .field("cookie_age", &self.cookie_age)
            .field("cookie_domain", &self.cookie_domain)
            .field("cookie_secure", &self.cookie_secure)
            .field("cookie_httponly", &self.cookie_httponly)
            .field("cookie_path", &self.cookie_path)
            .field("cookie_samesite", &self.cookie_samesite)
            .field("expire_at_browser_close", &self.expire_at_browser_close)
            .field("save_every_request", &self.save_every_request)
            .field("detect_conflicts", &self.detect_conflicts)
            .field("engine", &self.engine)
            .field("file_path", &self.file_path)
            .field("session_class", &self.session_class)
            .finish()
    }
}

impl Settings {
    /// Django's defaults with the given `SECRET_KEY`.
    ///
    /// ```
    /// let s = edge_sessions::Settings::new("a secret");
    /// assert_eq!((s.cookie_name.as_str(), s.cookie_age), ("sessionid", 1_209_600));
    /// assert!(s.validate().is_ok());
    /// ```
    pub fn new(secret_key: impl Into<String>) -> Self {
        Settings {
            secret_key: secret_key.into(),
            secret_key_fallbacks: Vec::new(),
            cookie_name: "sessionid".into(),
            cookie_age: 1_209_600,
            cookie_domain: None,
            cookie_secure: false,
            cookie_httponly: true,
            cookie_path: "/".into(),
            cookie_samesite: Some("Lax".into()),
            expire_at_browser_close: false,
            save_every_request: false,
            engine: EngineKind::Db,
            file_path: None,
            session_class: "SessionStore".into(),
            max_inflated_size: DEFAULT_MAX_INFLATED_SIZE,
            detect_conflicts: false,
        }
    }

    /// Settings from an options object with Django's names in camelCase
    /// (`secretKey`, `cookieAge`, `cookieSameSite`, ...), unset options at
    /// Django's defaults, then [`Settings::validate`]d. An unknown name or
    /// a value of the wrong type is an [`Error::InvalidSetting`] too, so a
    /// typo cannot silently leave a default in force.
    ///
    /// ```
    /// use edge_sessions::Settings;
    /// let options = serde_json::json!({"secretKey": "k", "cookieAge": 60, "cookieSameSite": null});
    /// let s = Settings::from_options(options.as_object().unwrap()).unwrap();
    /// assert_eq!((s.cookie_age, s.cookie_samesite), (60, None));
    /// let typo = serde_json::json!({"secretKey": "k", "cookieAgee": 60});
    /// assert!(Settings::from_options(typo.as_object().unwrap()).is_err());
    /// ```
    pub fn from_options(options: &crate::json::Dict) -> Result<Self> {
        use crate::json::Value;
        let mut s = Settings::new("");
        for (name, value) in options {
            let setting = option_setting(name)?;
            let wrong = |expected: &str| Error::InvalidSetting {
                setting,
                reason: format!("{name} must be {expected}"),
            };
            let string = || {
                value
                    .as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| wrong("a string"))
            };
            let boolean = || value.as_bool().ok_or_else(|| wrong("true or false"));
            let integer = || {
                value
                    .as_i64()
                    .or_else(|| {
                        value
                            .as_f64()
                            .filter(|f| f.fract() == 0.0 && f.abs() < 9e15)
                            .map(|f| f as i64)
                    })
                    .ok_or_else(|| wrong("a whole number"))
            };
            // null (and false, Django's way of saying "no attribute") unset an optional string.
            let optional = || match value {
                Value::Null | Value::Bool(false) => Ok(None),
                _ => string().map(Some),
            };
            match name.as_str() {
                "secretKey" => s.secret_key = string()?,
                "secretKeyFallbacks" => {
                    s.secret_key_fallbacks = value
                        .as_array()
                        .and_then(|keys| {
                            keys.iter().map(|k| k.as_str().map(str::to_owned)).collect()
                        })
                        .ok_or_else(|| wrong("an array of strings"))?
                }
                "cookieName" => s.cookie_name = string()?,
                "cookieAge" => s.cookie_age = integer()?,
                "cookieDomain" => s.cookie_domain = optional()?,
                "cookieSecure" => s.cookie_secure = boolean()?,
                "cookieHttpOnly" => s.cookie_httponly = boolean()?,
                "cookiePath" => s.cookie_path = string()?,
                "cookieSameSite" => s.cookie_samesite = optional()?,
                "expireAtBrowserClose" => s.expire_at_browser_close = boolean()?,
                "saveEveryRequest" => s.save_every_request = boolean()?,
                "engine" => s.engine = EngineKind::parse(&string()?)?,
                "filePath" => s.file_path = optional()?,
                "sessionClass" => s.session_class = string()?,
                "detectConflicts" => s.detect_conflicts = boolean()?,
                _ => {
                    s.max_inflated_size =
                        usize::try_from(integer()?).map_err(|_| wrong("positive"))?
                }
            }
        }
        s.validate()?;
        Ok(s)
    }

    /// The key salt of `encode`/`decode`: `django.contrib.sessions.` + class name.
    pub fn key_salt(&self) -> String {
        format!("django.contrib.sessions.{}", self.session_class)
    }

    /// Refuses values that would break a header or weaken signing, naming
    /// the setting at fault.
    pub fn validate(&self) -> Result<()> {
        let invalid = |setting, reason: &str| {
            Err(Error::InvalidSetting {
                setting,
                reason: reason.into(),
            })
        };
        if self.secret_key.is_empty() {
            return invalid("SECRET_KEY", "must not be empty");
        }
        // Django accepts an empty fallback; it would let anyone forge a
        // session, since the HMAC key would be public. We refuse it.
        if self.secret_key_fallbacks.iter().any(String::is_empty) {
            return invalid("SECRET_KEY_FALLBACKS", "must not contain an empty key");
        }
        if self.cookie_name.is_empty() || !self.cookie_name.bytes().all(is_cookie_name_char) {
            return invalid(
                "SESSION_COOKIE_NAME",
                "must be non-empty and use only letters, digits and !#$%&'*+-.^_`|~:",
            );
        }
        if let Some(domain) = &self.cookie_domain {
            check_attribute("SESSION_COOKIE_DOMAIN", domain)?;
        }
        check_attribute("SESSION_COOKIE_PATH", &self.cookie_path)?;
        if let Some(samesite) = &self.cookie_samesite {
            if !["lax", "strict", "none"].contains(&samesite.to_ascii_lowercase().as_str()) {
                return invalid(
                    "SESSION_COOKIE_SAMESITE",
                    "must be 'Lax', 'Strict', 'None' or unset",
                );
            }
        }
        if self.cookie_age < 0 || self.cookie_age > MAX_COOKIE_AGE {
            return invalid(
                "SESSION_COOKIE_AGE",
                "must be between 0 and 100 years in seconds",
            );
        }
        if self.session_class.is_empty()
            || self
                .session_class
                .bytes()
                .any(|c| !(c.is_ascii_alphanumeric() || c == b'_' || c == b'.'))
        {
            return invalid(
                "session_class",
                "must be a Python class name such as SessionStore",
            );
        }
        if self.max_inflated_size == 0 {
            return invalid("max_inflated_size", "must be positive");
        }
        if self.detect_conflicts && !matches!(self.engine, EngineKind::Db | EngineKind::Cache) {
            return invalid(
                "detect_conflicts",
                "works with the db and cache engines (the stores that can compare-and-swap)",
            );
        }
        Ok(())
    }
}

/// Django's name for an option, or `InvalidSetting` for a name we do not know.
fn option_setting(name: &str) -> Result<&'static str> {
    Ok(match name {
        "secretKey" => "SECRET_KEY",
        "secretKeyFallbacks" => "SECRET_KEY_FALLBACKS",
        "cookieName" => "SESSION_COOKIE_NAME",
        "cookieAge" => "SESSION_COOKIE_AGE",
        "cookieDomain" => "SESSION_COOKIE_DOMAIN",
        "cookieSecure" => "SESSION_COOKIE_SECURE",
        "cookieHttpOnly" => "SESSION_COOKIE_HTTPONLY",
        "cookiePath" => "SESSION_COOKIE_PATH",
        "cookieSameSite" => "SESSION_COOKIE_SAMESITE",
        "expireAtBrowserClose" => "SESSION_EXPIRE_AT_BROWSER_CLOSE",
        "saveEveryRequest" => "SESSION_SAVE_EVERY_REQUEST",
        "engine" => "SESSION_ENGINE",
        "filePath" => "SESSION_FILE_PATH",
        "sessionClass" => "session_class",
        "detectConflicts" => "detect_conflicts",
        "maxInflatedSize" => "max_inflated_size",
        _ => {
            return Err(Error::InvalidSetting {
                setting: "options",
                reason: format!("unknown option {name:?}"),
            })
        }
    })
}

/// Far beyond any browser's cap (400 days), but small enough that every
/// date computed from it stays inside Python's year 9999.
const MAX_COOKIE_AGE: i64 = 100 * 365 * 86_400;

/// Python's `http.cookies._LegalChars`: what a cookie name may hold.
pub(crate) fn is_cookie_name_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~:".contains(&c)
}

/// Domain and path are written into Set-Cookie unquoted, so anything that
/// ends an attribute or a header line is refused.
fn check_attribute(setting: &'static str, value: &str) -> Result<()> {
    if value
        .chars()
        .any(|c| c == ';' || c == ',' || c.is_control())
    {
        return Err(Error::InvalidSetting {
            setting,
            reason: "must not contain ';', ',' or control characters".into(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(change: impl FnOnce(&mut Settings)) -> &'static str {
        let mut s = Settings::new("secret");
        change(&mut s);
        match s.validate() {
            Err(Error::InvalidSetting { setting, .. }) => setting,
            other => panic!("expected InvalidSetting, got {other:?}"),
        }
    }

    #[test]
    fn defaults_are_djangos_and_valid() {
        let s = Settings::new("secret");
        assert!(s.validate().is_ok());
        assert_eq!(s.key_salt(), "django.contrib.sessions.SessionStore");
        assert_eq!(s.cookie_samesite.as_deref(), Some("Lax"));
        assert!(s.cookie_httponly && !s.cookie_secure && !s.expire_at_browser_close);
        assert_eq!(s.engine, EngineKind::Db);
    }

    #[test]
    fn header_breaking_values_name_their_setting() {
        assert_eq!(
            refused(|s| s.cookie_name = "a;b".into()),
            "SESSION_COOKIE_NAME"
        );
        assert_eq!(
            refused(|s| s.cookie_name = "a b".into()),
            "SESSION_COOKIE_NAME"
        );
        assert_eq!(
            refused(|s| s.cookie_name = String::new()),
            "SESSION_COOKIE_NAME"
        );
        assert_eq!(
            refused(|s| s.cookie_domain = Some("a.com\r\nX: y".into())),
            "SESSION_COOKIE_DOMAIN"
        );
        assert_eq!(
            refused(|s| s.cookie_path = "/a,b".into()),
            "SESSION_COOKIE_PATH"
        );
        assert_eq!(
            refused(|s| s.cookie_path = "/\0".into()),
            "SESSION_COOKIE_PATH"
        );
        assert_eq!(
            refused(|s| s.cookie_samesite = Some("sometimes".into())),
            "SESSION_COOKIE_SAMESITE"
        );
        assert_eq!(refused(|s| s.secret_key = String::new()), "SECRET_KEY");
        assert_eq!(
            refused(|s| s.secret_key_fallbacks = vec!["old".into(), String::new()]),
            "SECRET_KEY_FALLBACKS"
        );
        assert_eq!(refused(|s| s.cookie_age = -1), "SESSION_COOKIE_AGE");
    }

    #[test]
    fn samesite_is_case_insensitive_and_engine_names_parse() {
        let mut s = Settings::new("secret");
        s.cookie_samesite = Some("STRICT".into());
        assert!(s.validate().is_ok());
        assert_eq!(
            EngineKind::parse("django.contrib.sessions.backends.cached_db").unwrap(),
            EngineKind::CachedDb
        );
        assert_eq!(
            EngineKind::parse("signed_cookies").unwrap(),
            EngineKind::SignedCookies
        );
        assert!(EngineKind::parse("redis").is_err());
        assert!(format!("{s:?}").contains("<hidden>") && !format!("{s:?}").contains("secret\""));
    }
}
