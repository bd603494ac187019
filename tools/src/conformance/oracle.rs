//! The oracle's settings, read from the file: `meta.settings`
//! (`SECRET_KEY`, `SECRET_KEY_FALLBACKS`, any `SESSION_*`), the clock
//! `meta.NOW`, and the settings a vector overrides.
//!
//! A setting the package refuses by design (an empty fallback key, which
//! Django accepts and which would let anyone forge a session) is dropped
//! with a note, and every vector whose outcome depends on it fails: for a
//! refused key, the vectors holding a token that verifies under that key
//! only; for any other setting, every vector replayed through the settings.

use crate::values::{num, strings_in, Json};
use edge_sessions::cookie::SameSite;
use edge_sessions::session::SIGNED_COOKIES_SALT;
use edge_sessions::signing::{Signer, DEFAULT_SALT};
use edge_sessions::{CacheFormat, Config, Settings};
use std::rc::Rc;

/// The settings every vector starts from, and what was refused.
pub struct Oracle {
    settings: Settings,
    now: Option<f64>,
    refusals: Vec<Refusal>,
}

/// A setting of the file the package does not take.
struct Refusal {
    setting: String,
    /// [`BY_DESIGN`] or [`NOT_REPLAYED`].
    how: &'static str,
    reason: String,
    scope: Scope,
}

/// A setting the package refuses (Django would take it).
const BY_DESIGN: &str = "refused by this package by design";
/// A setting this runner cannot replay (unknown, or not a value Django takes).
const NOT_REPLAYED: &str = "not replayed by this runner";

/// Which vectors a refusal fails.
enum Scope {
    /// Every vector replayed through the settings.
    Settings,
    /// The vectors holding a token that verifies only under this key.
    TokensSignedWith(String),
}

impl Oracle {
    /// The oracle of a vectors file, and the notes to print about it.
    pub fn from_file(file: &Json, cache_format: CacheFormat) -> (Oracle, Vec<String>) {
        let meta = &file["meta"];
        let mut oracle = Oracle {
            settings: Settings::new(String::new()),
            now: num(&meta["NOW"]),
            refusals: Vec::new(),
        };
        oracle.settings.cache_format = cache_format;
        let Some(given) = meta["settings"].as_object() else {
            oracle.refuse(
                "meta.settings",
                NOT_REPLAYED,
                "the file has none",
                Scope::Settings,
            );
            return oracle.with_notes();
        };
        match given.get("SECRET_KEY").and_then(Json::as_str) {
            Some(key) => oracle.settings.secret_key = key.to_owned(),
            None => oracle.refuse(
                "SECRET_KEY",
                NOT_REPLAYED,
                "missing or not a string",
                Scope::Settings,
            ),
        }
        match oracle.settings.validate() {
            Err(e) if given.get("SECRET_KEY").is_some_and(Json::is_string) => {
                oracle.refuse("SECRET_KEY", BY_DESIGN, &e.to_string(), Scope::Settings)
            }
            _ => {}
        }
        for (name, value) in given {
            match name.as_str() {
                "SECRET_KEY" => {}
                "SECRET_KEY_FALLBACKS" => oracle.take_fallbacks(value),
                "USE_TZ" if value == &Json::Bool(true) => {}
                "USE_TZ" => oracle.refuse(
                    name,
                    NOT_REPLAYED,
                    "only aware datetimes (USE_TZ = True) are",
                    Scope::Settings,
                ),
                // Descriptions of the oracle's stores; with USE_TZ the
                // session framework works in UTC whatever TIME_ZONE says.
                "TIME_ZONE" | "CACHES" | "DATABASES" => {}
                _ => {
                    let mut candidate = oracle.settings.clone();
                    let taken = match apply_setting(&mut candidate, name, value) {
                        Err(why) => Err((NOT_REPLAYED, why)),
                        Ok(()) => candidate.validate().map_err(|e| (BY_DESIGN, e.to_string())),
                    };
                    match taken {
                        Ok(()) => oracle.settings = candidate,
                        Err((how, why)) => oracle.refuse(name, how, &why, Scope::Settings),
                    }
                }
            }
        }
        oracle.with_notes()
    }

    fn take_fallbacks(&mut self, value: &Json) {
        let Some(list) = value.as_array() else {
            return self.refuse(
                "SECRET_KEY_FALLBACKS",
                NOT_REPLAYED,
                "not a list",
                Scope::Settings,
            );
        };
        for key in list {
            let Some(key) = key.as_str() else {
                self.refuse(
                    "SECRET_KEY_FALLBACKS",
                    NOT_REPLAYED,
                    "holds a non-string",
                    Scope::Settings,
                );
                continue;
            };
            match fallback_refused(key) {
                None => self.settings.secret_key_fallbacks.push(key.to_owned()),
                Some(why) => self.refuse(
                    "SECRET_KEY_FALLBACKS",
                    BY_DESIGN,
                    &format!("entry {key:?} dropped: {why}"),
                    Scope::TokensSignedWith(key.to_owned()),
                ),
            }
        }
    }

    fn refuse(&mut self, setting: &str, how: &'static str, reason: &str, scope: Scope) {
        self.refusals.push(Refusal {
            setting: setting.to_owned(),
            how,
            reason: reason.to_owned(),
            scope,
        });
    }

    fn with_notes(self) -> (Oracle, Vec<String>) {
        let notes = self
            .refusals
            .iter()
            .map(|r| {
                let scope = match r.scope {
                    Scope::Settings => "every vector replayed through the settings fails",
                    Scope::TokensSignedWith(_) => {
                        "every vector holding a token that verifies only under it fails"
                    }
                };
                format!("{} {} ({}); {scope}", r.setting, r.how, r.reason)
            })
            .collect();
        (self, notes)
    }

    /// Why the vector fails without being replayed, if a refused setting
    /// decides its outcome.
    pub fn refusal(&self, v: &Json, uses_settings: bool) -> Option<String> {
        self.refusals.iter().find_map(|r| {
            let applies = match &r.scope {
                Scope::Settings => uses_settings,
                Scope::TokensSignedWith(key) => self.depends_on_key(v, key),
            };
            applies.then(|| format!("depends on {}, {} ({})", r.setting, r.how, r.reason))
        })
    }

    /// Whether a token of the vector verifies under `refused` and not under
    /// the keys the settings kept, for any salt the vector names or a
    /// session uses.
    fn depends_on_key(&self, v: &Json, refused: &str) -> bool {
        let strings = strings_in(v);
        let key_salt = self.settings.key_salt();
        let salts: Vec<&str> = strings
            .iter()
            .copied()
            .chain([DEFAULT_SALT, SIGNED_COOKIES_SALT, key_salt.as_str()])
            .collect();
        let kept = |salt: &str| {
            Signer::new(
                &self.settings.secret_key,
                &self.settings.secret_key_fallbacks,
                salt,
            )
        };
        strings.iter().filter(|t| t.contains(':')).any(|token| {
            salts.iter().any(|salt| {
                Signer::new(refused, &[] as &[&str], salt)
                    .unsign(token)
                    .is_ok()
                    && kept(salt).unsign(token).is_err()
            })
        })
    }

    /// The settings as the package took them.
    pub fn settings(&self) -> Settings {
        self.settings.clone()
    }

    pub fn secret(&self) -> &str {
        &self.settings.secret_key
    }

    pub fn fallbacks(&self) -> &[String] {
        &self.settings.secret_key_fallbacks
    }

    /// The clock of a vector: its `now`, or the file's `meta.NOW`.
    pub fn clock(&self, v: &Json) -> Result<f64, String> {
        num(&v["now"])
            .or(self.now)
            .ok_or_else(|| "neither the vector nor meta gives a clock (now / NOW)".into())
    }

    /// The settings with the vector's `settings` overrides, validated.
    pub fn config_with(&self, overrides: &Json) -> Result<Rc<Config>, String> {
        let mut settings = self.settings();
        for (name, value) in overrides.as_object().into_iter().flatten() {
            apply_setting(&mut settings, name, value)?;
        }
        Config::new(settings).map_err(|e| format!("setting refused by this package: {e}"))
    }

    pub fn config(&self) -> Result<Rc<Config>, String> {
        self.config_with(&Json::Null)
    }

    /// The settings of a session class named by its key salt
    /// (`django.contrib.sessions.<class>`).
    pub fn config_for_salt(&self, key_salt: &str) -> Result<Rc<Config>, String> {
        let mut settings = self.settings();
        settings.session_class = session_class(key_salt)?;
        Config::new(settings).map_err(|e| format!("setting refused by this package: {e}"))
    }

    /// A vector's own `settings_SECRET_KEY` and `settings_SECRET_KEY_FALLBACKS`
    /// (the file's when it has none), as the package would take them: `Err`
    /// when the vector depends on a key the package refuses.
    pub fn secrets_of(&self, v: &Json) -> Result<(String, Vec<String>), String> {
        let secret = match &v["settings_SECRET_KEY"] {
            Json::Null => self.secret().to_owned(),
            Json::String(key) if !key.is_empty() => key.clone(),
            other => {
                return Err(format!(
                    "settings_SECRET_KEY {other} refused by this package by design"
                ))
            }
        };
        let Json::Array(list) = &v["settings_SECRET_KEY_FALLBACKS"] else {
            return Ok((secret, self.fallbacks().to_vec()));
        };
        let mut kept = Vec::new();
        for key in list {
            let key = key
                .as_str()
                .ok_or("settings_SECRET_KEY_FALLBACKS holds a non-string")?;
            match fallback_refused(key) {
                None => kept.push(key.to_owned()),
                Some(why) if self.depends_on_key(v, key) => {
                    return Err(format!(
                    "depends on fallback key {key:?}, refused by this package by design ({why})"
                ))
                }
                Some(_) => {}
            }
        }
        Ok((secret, kept))
    }
}

/// The session class named by a key salt `django.contrib.sessions.<class>`.
pub fn session_class(key_salt: &str) -> Result<String, String> {
    key_salt
        .strip_prefix("django.contrib.sessions.")
        .map(str::to_owned)
        .ok_or_else(|| format!("{key_salt:?} is not a session key salt"))
}

/// Why the package refuses this fallback key, if it does.
fn fallback_refused(key: &str) -> Option<String> {
    let mut probe = Settings::new("probe");
    probe.secret_key_fallbacks = vec![key.to_owned()];
    probe.validate().err().map(|e| e.to_string())
}

/// Applies one of Django's `SESSION_*` settings as the file spells it.
pub fn apply_setting(settings: &mut Settings, name: &str, value: &Json) -> Result<(), String> {
    let wrong = || format!("{name} = {value} is not a value Django takes");
    let flag = || value.as_bool().ok_or_else(wrong);
    let text = || value.as_str().map(str::to_owned).ok_or_else(wrong);
    let optional = || match value {
        Json::Null => Ok(None),
        Json::String(s) => Ok(Some(s.clone())),
        _ => Err(wrong()),
    };
    match name {
        "SESSION_EXPIRE_AT_BROWSER_CLOSE" => settings.expire_at_browser_close = flag()?,
        "SESSION_SAVE_EVERY_REQUEST" => settings.save_every_request = flag()?,
        "SESSION_COOKIE_AGE" => settings.cookie_age = value.as_i64().ok_or_else(wrong)?,
        "SESSION_COOKIE_SECURE" => settings.cookie_secure = flag()?,
        "SESSION_COOKIE_HTTPONLY" => settings.cookie_httponly = flag()?,
        "SESSION_COOKIE_DOMAIN" => settings.cookie_domain = optional()?,
        // Django omits the attribute for any false value (None or False).
        "SESSION_COOKIE_SAMESITE" if value == &Json::Bool(false) => settings.cookie_samesite = None,
        "SESSION_COOKIE_SAMESITE" => {
            settings.cookie_samesite = optional()?
                .map(|s| SameSite::parse(&s, "SESSION_COOKIE_SAMESITE"))
                .transpose()
                .map_err(|e| format!("setting refused by this package: {e}"))?
        }
        "SESSION_COOKIE_NAME" => settings.cookie_name = text()?,
        "SESSION_COOKIE_PATH" => settings.cookie_path = text()?,
        other => return Err(format!("setting {other} is not replayed by this runner")),
    }
    Ok(())
}
