//! The options of the JS `csrfProtect(handler, options)`: one row per
//! option, its camelCase name, the Django setting it stands for, its
//! TypeScript type and Django's default. The table drives parsing and a
//! test that checks `django.d.ts` and the docs against it.
//!
//! ```
//! use edge_sessions::django::options::csrf_settings_from_json;
//! let s = csrf_settings_from_json(r#"{"cookieAge": null, "trustedOrigins": ["https://*.example.com"]}"#).unwrap();
//! assert_eq!((s.cookie_age, s.trusted_origins.len()), (None, 1));
//! let typo = csrf_settings_from_json(r#"{"cookieAgee": 60}"#).unwrap_err();
//! assert_eq!(typo.to_string(), r#"options: unknown CSRF option "cookieAgee""#);
//! ```

use super::csrf::CsrfSettings;
use crate::cookie::SameSite;
use crate::error::{Error, Result};
use crate::value::{Dict, Value};

/// One option of `csrfProtect(handler, options)`.
pub struct CsrfOption {
    /// The option's name in JS.
    pub name: &'static str,
    /// The Django setting it stands for.
    pub setting: &'static str,
    /// Its TypeScript type, as `django.d.ts` declares it.
    pub ts_type: &'static str,
    /// Django's default, as JS source.
    pub default: &'static str,
    apply: Apply,
}

type Apply = fn(&mut CsrfSettings, &Value) -> std::result::Result<(), &'static str>;

/// Stores a parsed value, or passes on what it had to be.
fn set<T>(
    slot: &mut T,
    value: std::result::Result<T, &'static str>,
) -> std::result::Result<(), &'static str> {
    *slot = value?;
    Ok(())
}

fn string(v: &Value) -> std::result::Result<String, &'static str> {
    v.as_str().map(str::to_owned).ok_or("a string")
}

fn boolean(v: &Value) -> std::result::Result<bool, &'static str> {
    match v {
        Value::Bool(b) => Ok(*b),
        _ => Err("true or false"),
    }
}

fn strings(v: &Value) -> std::result::Result<Vec<String>, &'static str> {
    match v {
        Value::List(items) => items
            .iter()
            .map(|i| i.as_str().map(str::to_owned))
            .collect::<Option<_>>()
            .ok_or("an array of strings"),
        _ => Err("an array of strings"),
    }
}

/// A size or count: a whole number from 0, or null for no limit.
fn limit(v: &Value) -> std::result::Result<Option<usize>, &'static str> {
    match v {
        Value::None => Ok(None),
        other => other
            .as_i64()
            .and_then(|n| usize::try_from(n).ok())
            .map(Some)
            .ok_or("a whole number from 0, or null for no limit"),
    }
}

/// Every option, in the order `django.d.ts` lists them.
pub const CSRF_OPTIONS: &[CsrfOption] = &[
    CsrfOption {
        name: "cookieName",
        setting: "CSRF_COOKIE_NAME",
        ts_type: "string",
        default: "\"csrftoken\"",
        apply: |s, v| set(&mut s.cookie_name, string(v)),
    },
    CsrfOption {
        name: "cookieAge",
        setting: "CSRF_COOKIE_AGE",
        ts_type: "number | null",
        default: "31449600",
        apply: |s, v| {
            s.cookie_age = match v {
                Value::None => None,
                other => Some(other.as_f64().ok_or("a number of seconds or null")?),
            };
            Ok(())
        },
    },
    CsrfOption {
        name: "cookieDomain",
        setting: "CSRF_COOKIE_DOMAIN",
        ts_type: "string | null",
        default: "null",
        apply: |s, v| {
            s.cookie_domain = match v {
                Value::None => None,
                other => Some(string(other).map_err(|_| "a string or null")?),
            };
            Ok(())
        },
    },
    CsrfOption {
        name: "cookiePath",
        setting: "CSRF_COOKIE_PATH",
        ts_type: "string",
        default: "\"/\"",
        apply: |s, v| set(&mut s.cookie_path, string(v)),
    },
    CsrfOption {
        name: "cookieSecure",
        setting: "CSRF_COOKIE_SECURE",
        ts_type: "boolean",
        default: "false",
        apply: |s, v| set(&mut s.cookie_secure, boolean(v)),
    },
    CsrfOption {
        name: "cookieHttpOnly",
        setting: "CSRF_COOKIE_HTTPONLY",
        ts_type: "boolean",
        default: "false",
        apply: |s, v| set(&mut s.cookie_httponly, boolean(v)),
    },
    CsrfOption {
        name: "cookieSameSite",
        setting: "CSRF_COOKIE_SAMESITE",
        ts_type: "\"Lax\" | \"Strict\" | \"None\" | false | null",
        default: "\"Lax\"",
        apply: |s, v| {
            s.cookie_samesite = match v {
                // Django writes no attribute for None, False or "".
                Value::None | Value::Bool(false) => None,
                Value::Str(text) if text.is_empty() => None,
                Value::Str(text) => Some(
                    SameSite::parse(text, "CSRF_COOKIE_SAMESITE")
                        .map_err(|_| "\"Lax\", \"Strict\", \"None\", null or false")?,
                ),
                _ => return Err("\"Lax\", \"Strict\", \"None\", null or false"),
            };
            Ok(())
        },
    },
    CsrfOption {
        name: "headerName",
        setting: "CSRF_HEADER_NAME",
        ts_type: "string",
        default: "\"HTTP_X_CSRFTOKEN\"",
        apply: |s, v| set(&mut s.header_name, string(v)),
    },
    CsrfOption {
        name: "trustedOrigins",
        setting: "CSRF_TRUSTED_ORIGINS",
        ts_type: "string[]",
        default: "[]",
        apply: |s, v| set(&mut s.trusted_origins, strings(v)),
    },
    CsrfOption {
        name: "useSessions",
        setting: "CSRF_USE_SESSIONS",
        ts_type: "boolean",
        default: "false",
        apply: |s, v| set(&mut s.use_sessions, boolean(v)),
    },
    CsrfOption {
        name: "allowedHosts",
        setting: "ALLOWED_HOSTS",
        ts_type: "string[]",
        default: "[\"*\"]",
        apply: |s, v| set(&mut s.host.allowed_hosts, strings(v)),
    },
    CsrfOption {
        name: "debug",
        setting: "DEBUG",
        ts_type: "boolean",
        default: "false",
        apply: |s, v| set(&mut s.host.debug, boolean(v)),
    },
    CsrfOption {
        name: "useXForwardedHost",
        setting: "USE_X_FORWARDED_HOST",
        ts_type: "boolean",
        default: "false",
        apply: |s, v| set(&mut s.host.use_x_forwarded_host, boolean(v)),
    },
    CsrfOption {
        name: "useXForwardedPort",
        setting: "USE_X_FORWARDED_PORT",
        ts_type: "boolean",
        default: "false",
        apply: |s, v| set(&mut s.host.use_x_forwarded_port, boolean(v)),
    },
    CsrfOption {
        name: "secureProxySslHeader",
        setting: "SECURE_PROXY_SSL_HEADER",
        ts_type: "[string, string] | null",
        default: "null",
        apply: |s, v| {
            const PAIR: &str =
                "a [META key, value] pair such as [\"HTTP_X_FORWARDED_PROTO\", \"https\"], or null";
            s.host.secure_proxy_ssl_header = match v {
                Value::None => None,
                other => match strings(other).map_err(|_| PAIR)?.as_slice() {
                    [header, value] => Some((header.clone(), value.clone())),
                    _ => return Err(PAIR),
                },
            };
            Ok(())
        },
    },
    CsrfOption {
        name: "dataUploadMaxMemorySize",
        setting: "DATA_UPLOAD_MAX_MEMORY_SIZE",
        ts_type: "number | null",
        default: "2621440",
        apply: |s, v| set(&mut s.form_limits.max_memory_size, limit(v)),
    },
    CsrfOption {
        name: "dataUploadMaxNumberFields",
        setting: "DATA_UPLOAD_MAX_NUMBER_FIELDS",
        ts_type: "number | null",
        default: "1000",
        apply: |s, v| set(&mut s.form_limits.max_number_fields, limit(v)),
    },
    CsrfOption {
        name: "dataUploadMaxNumberFiles",
        setting: "DATA_UPLOAD_MAX_NUMBER_FILES",
        ts_type: "number | null",
        default: "100",
        apply: |s, v| set(&mut s.form_limits.max_number_files, limit(v)),
    },
];

/// Settings from the options a JS caller gave (the JS layer has taken its
/// own out), unset options at Django's defaults, then
/// [`CsrfSettings::validate`]d. An unknown name or a value of the wrong
/// type is [`Error::InvalidSetting`], naming it.
pub fn csrf_settings_from(options: &Dict) -> Result<CsrfSettings> {
    let mut settings = CsrfSettings::default();
    for (name, value) in options.iter() {
        let spec = CSRF_OPTIONS
            .iter()
            .find(|o| o.name == name)
            .ok_or_else(|| Error::InvalidSetting {
                setting: "options",
                reason: format!("unknown CSRF option {name:?}"),
            })?;
        (spec.apply)(&mut settings, value).map_err(|expected| Error::InvalidSetting {
            setting: spec.setting,
            reason: format!("{name} must be {expected}"),
        })?;
    }
    settings.validate()?;
    Ok(settings)
}

/// [`csrf_settings_from`] of a JSON object's text.
pub fn csrf_settings_from_json(json: &str) -> Result<CsrfSettings> {
    match crate::json::parse(json) {
        Ok(Value::Dict(options)) => csrf_settings_from(&options),
        _ => Err(Error::InvalidSetting {
            setting: "options",
            reason: "must be an object".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_option_applies() {
        let s = csrf_settings_from_json(
            r#"{"cookieName":"XSRF-TOKEN","cookieAge":3600.7,"cookieDomain":".example.com",
                "cookiePath":"/app/","cookieSecure":true,"cookieHttpOnly":true,"cookieSameSite":"strict",
                "headerName":"HTTP_X_XSRF_TOKEN","trustedOrigins":["https://*.example.com"],
                "useSessions":true,"allowedHosts":["example.com"],"debug":true,"useXForwardedHost":true,
                "useXForwardedPort":true,"secureProxySslHeader":["HTTP_X_FORWARDED_PROTO","https"],
                "dataUploadMaxMemorySize":null,"dataUploadMaxNumberFields":10,"dataUploadMaxNumberFiles":0}"#,
        )
        .unwrap();
        assert_eq!(s.cookie_age, Some(3600.7));
        assert_eq!(
            s.cookie_samesite.as_ref().map(SameSite::as_str),
            Some("strict")
        );
        assert_eq!(
            s.host
                .secure_proxy_ssl_header
                .as_ref()
                .map(|p| p.1.as_str()),
            Some("https")
        );
        assert_eq!(s.form_limits.max_memory_size, None);
        assert_eq!(s.form_limits.max_number_files, Some(0));
        let none = csrf_settings_from_json(r#"{"cookieSameSite":false}"#).unwrap();
        assert_eq!(none.cookie_samesite, None);
    }

    /// `django.d.ts` declares every option with its type, setting and
    /// default, and the docs' table lists them.
    #[test]
    fn the_types_and_the_docs_follow_the_table() {
        let dts = include_str!("../../js/django.d.ts");
        let docs = include_str!("../../docs/django-auth-and-csrf.md");
        for o in CSRF_OPTIONS {
            let declaration = format!("  {}?: {};", o.name, o.ts_type);
            let at = dts
                .find(&declaration)
                .unwrap_or_else(|| panic!("django.d.ts: {declaration}"));
            let comment = dts
                .get(..at)
                .and_then(|head| head.rfind("/**").map(|c| &head[c..]))
                .unwrap_or_default();
            assert!(
                comment.contains(&format!("`{}", o.setting)),
                "django.d.ts: {} names {}",
                o.name,
                o.setting
            );
            assert!(
                comment.contains(&format!("Default `{}`", o.default)),
                "django.d.ts: {} defaults to {}",
                o.name,
                o.default
            );
            let row = docs
                .lines()
                .find(|l| l.starts_with(&format!("| `{}` | `{}`", o.name, o.setting)))
                .unwrap_or_else(|| panic!("docs: no row for {}", o.name));
            assert!(
                row.ends_with(&format!("| `{}` |", o.default)),
                "docs: {row}"
            );
        }
    }

    #[test]
    fn wrong_values_name_their_setting() {
        for (options, setting) in [
            (r#"{"cookieAge":"60"}"#, "CSRF_COOKIE_AGE"),
            (r#"{"cookieSameSite":"Bogus"}"#, "CSRF_COOKIE_SAMESITE"),
            (
                r#"{"trustedOrigins":["example.com"]}"#,
                "CSRF_TRUSTED_ORIGINS",
            ),
            (
                r#"{"secureProxySslHeader":["x"]}"#,
                "SECURE_PROXY_SSL_HEADER",
            ),
            (r#"{"cookieName":"a b"}"#, "CSRF_COOKIE_NAME"),
            (
                r#"{"dataUploadMaxNumberFields":-1}"#,
                "DATA_UPLOAD_MAX_NUMBER_FIELDS",
            ),
            ("[]", "options"),
        ] {
            match csrf_settings_from_json(options) {
                Err(Error::InvalidSetting { setting: got, .. }) => {
                    assert_eq!(got, setting, "{options}")
                }
                other => panic!("{options}: {other:?}"),
            }
        }
    }
}
