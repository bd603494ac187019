//! `django.middleware.csrf` (Django 5.2): the 32-character secret, the
//! masked 64-character tokens forms carry, and `CsrfViewMiddleware`'s
//! request, view and response steps as plain functions.
//!
//! A request goes through three steps, as in Django's handler:
//!
//! 1. [`process_request`] reads the secret (the `csrftoken` cookie, or
//!    `_csrftoken` in the session with `CSRF_USE_SESSIONS`) into a
//!    [`CsrfState`] (Django's `request.META["CSRF_COOKIE"]` and
//!    `CSRF_COOKIE_NEEDS_UPDATE`); a malformed cookie is replaced.
//! 2. [`process_view`] accepts safe methods and checks the others: Origin
//!    (when sent), else Referer on HTTPS, then the token from the
//!    `csrfmiddlewaretoken` form field or the `X-CSRFToken` header. A
//!    rejection carries Django's reason, word for word.
//! 3. After the view ([`get_token`] gives a form its masked token,
//!    [`rotate_token`] a new secret at login), [`process_response`] says
//!    what the response must carry: the Set-Cookie (exactly as Django's
//!    `Morsel` writes it) and Vary, or the secret to store in the session.
//!
//! Randomness (new secrets, masks) comes from the OS CSPRNG through
//! [`Randomness::Os`]; [`Randomness::Recorded`] replays recorded strings.

use super::form::{self, FormLimits};
use super::http::{self, HostSettings, Meta};
use crate::cookie::{
    check_attribute, cookie_value, is_token, set_cookie, vary_with_cookie, CookieAttributes,
    SameSite,
};
use crate::error::{Error, Result};
use crate::value::Value;
use std::collections::VecDeque;
use subtle::ConstantTimeEq;

/// `CSRF_SECRET_LENGTH`.
pub const CSRF_SECRET_LENGTH: usize = 32;
/// `CSRF_TOKEN_LENGTH`: a mask and the secret ciphered with it.
pub const CSRF_TOKEN_LENGTH: usize = 2 * CSRF_SECRET_LENGTH;
/// `CSRF_ALLOWED_CHARS`.
pub const CSRF_ALLOWED_CHARS: &[u8; 62] =
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
/// `CSRF_SESSION_KEY`: where the secret lives with `CSRF_USE_SESSIONS`.
pub const CSRF_SESSION_KEY: &str = "_csrftoken";
/// The form field a token is read from.
pub const FORM_FIELD: &str = "csrfmiddlewaretoken";

/// `REASON_BAD_ORIGIN` (with the Origin header for `%s`).
pub const REASON_BAD_ORIGIN: &str =
    "Origin checking failed - %s does not match any trusted origins.";
/// `REASON_NO_REFERER`.
pub const REASON_NO_REFERER: &str = "Referer checking failed - no Referer.";
/// `REASON_BAD_REFERER` (with the Referer's `geturl()` for `%s`).
pub const REASON_BAD_REFERER: &str =
    "Referer checking failed - %s does not match any trusted origins.";
/// `REASON_NO_CSRF_COOKIE`.
pub const REASON_NO_CSRF_COOKIE: &str = "CSRF cookie not set.";
/// `REASON_CSRF_TOKEN_MISSING`.
pub const REASON_CSRF_TOKEN_MISSING: &str = "CSRF token missing.";
/// `REASON_MALFORMED_REFERER`.
pub const REASON_MALFORMED_REFERER: &str = "Referer checking failed - Referer is malformed.";
/// `REASON_INSECURE_REFERER`.
pub const REASON_INSECURE_REFERER: &str =
    "Referer checking failed - Referer is insecure while host is secure.";
/// `REASON_INCORRECT_LENGTH` (an `InvalidTokenFormat` reason).
pub const REASON_INCORRECT_LENGTH: &str = "has incorrect length";
/// `REASON_INVALID_CHARACTERS` (an `InvalidTokenFormat` reason).
pub const REASON_INVALID_CHARACTERS: &str = "has invalid characters";

/// The `CSRF_*` settings, with the request settings the checks read.
#[derive(Debug, Clone, PartialEq)]
pub struct CsrfSettings {
    /// `CSRF_COOKIE_NAME` (default `csrftoken`).
    pub cookie_name: String,
    /// `CSRF_COOKIE_AGE` in seconds (default 31449600, a year); `None` for
    /// a browser-session cookie.
    pub cookie_age: Option<f64>,
    /// `CSRF_COOKIE_DOMAIN` (default none).
    pub cookie_domain: Option<String>,
    /// `CSRF_COOKIE_PATH` (default `/`).
    pub cookie_path: String,
    /// `CSRF_COOKIE_SECURE` (default false).
    pub cookie_secure: bool,
    /// `CSRF_COOKIE_HTTPONLY` (default false).
    pub cookie_httponly: bool,
    /// `CSRF_COOKIE_SAMESITE` (default `Lax`; `None`: no attribute).
    pub cookie_samesite: Option<SameSite>,
    /// `CSRF_HEADER_NAME`, as a META key (default `HTTP_X_CSRFTOKEN`).
    pub header_name: String,
    /// `CSRF_TRUSTED_ORIGINS` (`https://*.example.com` wildcards allowed).
    pub trusted_origins: Vec<String>,
    /// `CSRF_USE_SESSIONS`: the secret in the session, not a cookie.
    pub use_sessions: bool,
    /// `ALLOWED_HOSTS`, `USE_X_FORWARDED_HOST`, ... (see [`HostSettings`]).
    pub host: HostSettings,
    /// `DATA_UPLOAD_MAX_*` (see [`FormLimits`]).
    pub form_limits: FormLimits,
}

impl Default for CsrfSettings {
    /// Django's defaults (`ALLOWED_HOSTS` excepted, see [`HostSettings`]).
    fn default() -> Self {
        CsrfSettings {
            cookie_name: "csrftoken".into(),
            cookie_age: Some(31_449_600.0),
            cookie_domain: None,
            cookie_path: "/".into(),
            cookie_secure: false,
            cookie_httponly: false,
            cookie_samesite: Some(SameSite::LAX),
            header_name: "HTTP_X_CSRFTOKEN".into(),
            trusted_origins: Vec::new(),
            use_sessions: false,
            host: HostSettings::default(),
            form_limits: FormLimits::default(),
        }
    }
}

fn invalid(setting: &'static str, reason: impl Into<String>) -> Error {
    Error::InvalidSetting {
        setting,
        reason: reason.into(),
    }
}

/// Names Python's `Morsel` refuses as cookie keys.
const RESERVED_COOKIE_NAMES: [&str; 10] = [
    "expires",
    "path",
    "comment",
    "domain",
    "max-age",
    "secure",
    "httponly",
    "version",
    "samesite",
    "partitioned",
];

impl CsrfSettings {
    /// Refuses, naming the setting, what Django would only discover when
    /// writing a response (a cookie name `Morsel` refuses, a header-breaking
    /// domain or path, a non-finite age) or at its system checks (a
    /// trusted origin without a scheme).
    pub fn validate(&self) -> Result<()> {
        let name = &self.cookie_name;
        if !is_token(name) || RESERVED_COOKIE_NAMES.contains(&name.to_ascii_lowercase().as_str()) {
            return Err(invalid(
                "CSRF_COOKIE_NAME",
                format!("{name:?} is not a legal cookie name"),
            ));
        }
        if let Some(domain) = &self.cookie_domain {
            check_attribute("CSRF_COOKIE_DOMAIN", domain)?;
        }
        check_attribute("CSRF_COOKIE_PATH", &self.cookie_path)?;
        if self
            .cookie_age
            .is_some_and(|age| !age.is_finite() || age.abs() > 1e11)
        {
            return Err(invalid(
                "CSRF_COOKIE_AGE",
                "must be a number of seconds (within 1e11) or null",
            ));
        }
        for origin in &self.trusted_origins {
            if !origin.contains("://") {
                return Err(invalid(
                    "CSRF_TRUSTED_ORIGINS",
                    format!("the values must start with a scheme (usually http:// or https://) but found {origin}"),
                ));
            }
            http::urlsplit(origin)
                .map_err(|e| invalid("CSRF_TRUSTED_ORIGINS", format!("{origin}: {e}")))?;
        }
        Ok(())
    }
}

/// Where new secrets and masks come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Randomness {
    /// The OS CSPRNG (`crypto.getRandomValues` in wasm).
    Os,
    /// Recorded strings (the `random_draws` of Django's vectors), in order.
    Recorded(VecDeque<String>),
}

impl Randomness {
    /// `_get_new_csrf_string()`: 32 characters from [`CSRF_ALLOWED_CHARS`].
    pub fn csrf_string(&mut self) -> Result<String> {
        match self {
            Randomness::Os => {
                let mut out = String::with_capacity(CSRF_SECRET_LENGTH);
                let mut buf = [0u8; 64];
                while out.len() < CSRF_SECRET_LENGTH {
                    getrandom::fill(&mut buf)
                        .map_err(|e| Error::Storage(format!("no random source: {e}")))?;
                    // 248 = 4 * 62: rejecting the rest keeps every character equally likely.
                    for &b in buf.iter().filter(|&&b| b < 248) {
                        if out.len() == CSRF_SECRET_LENGTH {
                            break;
                        }
                        let c = CSRF_ALLOWED_CHARS
                            .get(usize::from(b % 62))
                            .copied()
                            .unwrap_or(b'a');
                        out.push(char::from(c));
                    }
                }
                Ok(out)
            }
            Randomness::Recorded(draws) => draws
                .pop_front()
                .ok_or_else(|| Error::Storage("no recorded random string left to replay".into())),
        }
    }
}

fn value_error() -> Error {
    Error::Django {
        exception: "ValueError",
        message: "substring not found".into(),
    }
}

fn index_of(c: char) -> Result<usize> {
    u8::try_from(c)
        .ok()
        .and_then(|b| CSRF_ALLOWED_CHARS.iter().position(|&a| a == b))
        .ok_or_else(value_error)
}

/// `zip(a, b)` of two char sequences mapped through [`index_of`], as
/// Python evaluates it: `a`'s element first, and stopping at the first
/// exhausted side.
fn zip_indices(a: &str, b: &str) -> Result<Vec<(usize, usize)>> {
    let (a, mut b) = (a.chars(), b.chars());
    let mut out = Vec::new();
    for x in a {
        let x = index_of(x)?;
        let Some(y) = b.next() else { break };
        out.push((x, index_of(y)?));
    }
    Ok(out)
}

fn char_at(i: usize) -> char {
    char::from(CSRF_ALLOWED_CHARS.get(i % 62).copied().unwrap_or(b'a'))
}

/// `_mask_cipher_secret(secret)` with the given `mask`: `mask + cipher`,
/// `cipher[i] = chars[(idx(secret[i]) + idx(mask[i])) % 62]`.
///
/// ```
/// use edge_sessions::django::csrf::{mask_cipher_secret, unmask_cipher_token};
/// let token = mask_cipher_secret("Kq3sTn8ZpW2xYb7LmV4cR9dF6gH1jE5u", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").unwrap();
/// assert_eq!(token, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaKq3sTn8ZpW2xYb7LmV4cR9dF6gH1jE5u");
/// assert_eq!(unmask_cipher_token(&token).unwrap(), "Kq3sTn8ZpW2xYb7LmV4cR9dF6gH1jE5u");
/// ```
pub fn mask_cipher_secret(secret: &str, mask: &str) -> Result<String> {
    let cipher: String = zip_indices(secret, mask)?
        .into_iter()
        .map(|(x, y)| char_at(x + y))
        .collect();
    Ok(format!("{mask}{cipher}"))
}

/// `_unmask_cipher_token(token)`: the secret a masked token carries
/// (Django's ValueError for a character outside the alphabet).
pub fn unmask_cipher_token(token: &str) -> Result<String> {
    let split = token
        .char_indices()
        .nth(CSRF_SECRET_LENGTH)
        .map_or(token.len(), |(i, _)| i);
    let (mask, cipher) = token.split_at(split);
    Ok(zip_indices(cipher, mask)?
        .into_iter()
        .map(|(x, y)| char_at(x + 62 - y))
        .collect())
}

/// `_check_token_format(token)`: `Err` with the `InvalidTokenFormat`
/// reason (length first, then characters).
pub fn check_token_format(token: &str) -> std::result::Result<(), &'static str> {
    let length = token.chars().count();
    if length != CSRF_TOKEN_LENGTH && length != CSRF_SECRET_LENGTH {
        return Err(REASON_INCORRECT_LENGTH);
    }
    if !token.bytes().all(|b| CSRF_ALLOWED_CHARS.contains(&b)) {
        return Err(REASON_INVALID_CHARACTERS);
    }
    Ok(())
}

/// `_does_token_match(token, secret)` for a token that passed
/// [`check_token_format`]: unmasked when 64 characters, then compared in
/// constant time.
pub fn does_token_match(token: &str, secret: &str) -> Result<bool> {
    let token = if token.chars().count() == CSRF_TOKEN_LENGTH {
        unmask_cipher_token(token)?
    } else {
        token.to_owned()
    };
    if token.chars().count() != CSRF_SECRET_LENGTH {
        return Err(Error::Django {
            exception: "AssertionError",
            message: String::new(),
        });
    }
    Ok(bool::from(token.as_bytes().ct_eq(secret.as_bytes())))
}

/// `_bad_token_message(reason, token_source)`: `token_source` is `POST`
/// or the header's META key.
pub fn bad_token_message(reason: &str, token_source: &str) -> String {
    let source = if token_source == "POST" {
        "POST".to_owned()
    } else {
        let name = http::parse_header_name(token_source)
            .map_or_else(|| "None".to_owned(), |n| super::python::repr_str(&n));
        format!("the {name} HTTP header")
    };
    format!("CSRF token from {source} {reason}.")
}

/// The request as the CSRF checks read it.
#[derive(Debug, Clone, Copy)]
pub struct CsrfRequest<'a> {
    /// `REQUEST_METHOD` (upper-cased here, as `WSGIRequest` does).
    pub method: &'a str,
    /// `request.META`.
    pub meta: &'a Meta,
    /// The body, for the form field of a POST.
    pub body: &'a [u8],
    /// With `CSRF_USE_SESSIONS`: `session.get("_csrftoken")`, read by the
    /// caller (which marks the session accessed, as Django's read does).
    pub session_secret: Option<&'a Value>,
    /// With `CSRF_USE_SESSIONS`: `SESSION_COOKIE_DOMAIN`, for the Referer check.
    pub session_cookie_domain: Option<&'a str>,
}

/// Django's `request.META["CSRF_COOKIE"]` and `["CSRF_COOKIE_NEEDS_UPDATE"]`
/// for one request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CsrfState {
    /// The secret in use, when there is one.
    pub cookie: Option<String>,
    /// Whether the response must send it (`None`: never set).
    pub needs_update: Option<bool>,
}

/// Why `_get_secret` gave no secret.
enum SecretProblem {
    /// `InvalidTokenFormat` (a cookie only).
    Format(&'static str),
    /// An exception Django raises.
    Raised(Error),
}

/// `_get_secret(request)`.
fn get_secret(
    settings: &CsrfSettings,
    request: &CsrfRequest,
) -> std::result::Result<Option<String>, SecretProblem> {
    let secret = if settings.use_sessions {
        match request.session_secret {
            None | Some(Value::None) => return Ok(None),
            Some(Value::Str(s)) => s.clone(),
            Some(other @ (Value::Int(_) | Value::Float(_) | Value::Bool(_))) => {
                return Err(SecretProblem::Raised(Error::Django {
                    exception: "TypeError",
                    message: format!("object of type '{}' has no len()", other.type_name()),
                }))
            }
            Some(other) => {
                return Err(SecretProblem::Raised(Error::Django {
                    exception: "TypeError",
                    message: format!(
                        "the CSRF secret in the session is a {}, not a str",
                        other.type_name()
                    ),
                }))
            }
        }
    } else {
        let header = request.meta.get("HTTP_COOKIE").unwrap_or_default();
        match cookie_value(header, &settings.cookie_name) {
            None => return Ok(None),
            Some(secret) => {
                check_token_format(&secret).map_err(SecretProblem::Format)?;
                secret
            }
        }
    };
    if secret.chars().count() == CSRF_TOKEN_LENGTH {
        // Django before 4.0 stored the masked token.
        return unmask_cipher_token(&secret)
            .map(Some)
            .map_err(SecretProblem::Raised);
    }
    Ok(Some(secret))
}

/// `CsrfViewMiddleware.process_request`: the secret the request carries,
/// or a new one (to be sent back) when its cookie is malformed. Errors are
/// Django's exceptions for a session secret it cannot read.
pub fn process_request(
    settings: &CsrfSettings,
    request: &CsrfRequest,
    randomness: &mut Randomness,
) -> Result<CsrfState> {
    match get_secret(settings, request) {
        Ok(secret) => Ok(CsrfState {
            cookie: secret,
            needs_update: None,
        }),
        Err(SecretProblem::Format(_)) => {
            let mut state = CsrfState::default();
            rotate_token(&mut state, randomness)?;
            Ok(state)
        }
        Err(SecretProblem::Raised(e)) => Err(e),
    }
}

/// What [`process_view`] decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The view runs.
    Accept,
    /// 403, with Django's reason.
    Reject(String),
}

/// `CsrfViewMiddleware.process_view`. `exempt` is a `csrf_exempt` view (or
/// a test client's `_dont_enforce_csrf_checks`). Errors are Django's
/// exceptions (a form body it cannot parse, ...), which Django answers
/// with 400 (or 500 for its own `ValueError`/`TypeError`).
pub fn process_view(
    settings: &CsrfSettings,
    request: &CsrfRequest,
    exempt: bool,
) -> Result<Verdict> {
    if exempt {
        return Ok(Verdict::Accept);
    }
    let method = super::python::upper(request.method);
    if matches!(method.as_str(), "GET" | "HEAD" | "OPTIONS" | "TRACE") {
        return Ok(Verdict::Accept);
    }
    if let Some(origin) = request.meta.get("HTTP_ORIGIN") {
        if !origin_verified(settings, request.meta, origin) {
            return Ok(Verdict::Reject(REASON_BAD_ORIGIN.replace("%s", origin)));
        }
    } else if http::is_secure(request.meta, &settings.host) {
        if let Err(reason) = check_referer(settings, request) {
            return Ok(Verdict::Reject(reason));
        }
    }
    check_token(settings, request, &method)
}

/// `_origin_verified`.
fn origin_verified(settings: &CsrfSettings, meta: &Meta, origin: &str) -> bool {
    if let Ok(host) = http::get_host(meta, &settings.host) {
        let scheme = if http::is_secure(meta, &settings.host) {
            "https"
        } else {
            "http"
        };
        if origin == format!("{scheme}://{host}") {
            return true;
        }
    }
    let exact = settings
        .trusted_origins
        .iter()
        .any(|trusted| !trusted.contains('*') && trusted == origin);
    if exact {
        return true;
    }
    let Ok(parsed) = http::urlsplit(origin) else {
        return false;
    };
    settings
        .trusted_origins
        .iter()
        .filter(|trusted| trusted.contains('*'))
        .filter_map(|trusted| http::urlsplit(trusted).ok())
        .filter(|trusted| trusted.scheme == parsed.scheme)
        .any(|trusted| http::is_same_domain(&parsed.netloc, trusted.netloc.trim_start_matches('*')))
}

/// `_check_referer`: `Err` with the rejection reason.
fn check_referer(
    settings: &CsrfSettings,
    request: &CsrfRequest,
) -> std::result::Result<(), String> {
    let Some(referer) = request.meta.get("HTTP_REFERER") else {
        return Err(REASON_NO_REFERER.into());
    };
    let referer = http::urlsplit(referer).map_err(|_| REASON_MALFORMED_REFERER.to_owned())?;
    if referer.scheme.is_empty() || referer.netloc.is_empty() {
        return Err(REASON_MALFORMED_REFERER.into());
    }
    if referer.scheme != "https" {
        return Err(REASON_INSECURE_REFERER.into());
    }
    let trusted = settings
        .trusted_origins
        .iter()
        .filter_map(|origin| http::urlsplit(origin).ok())
        .any(|origin| http::is_same_domain(&referer.netloc, origin.netloc.trim_start_matches('*')));
    if trusted {
        return Ok(());
    }
    let bad = || REASON_BAD_REFERER.replace("%s", &referer.geturl());
    let cookie_domain = if settings.use_sessions {
        request.session_cookie_domain
    } else {
        settings.cookie_domain.as_deref()
    };
    let good_referer = match cookie_domain {
        None => http::get_host(request.meta, &settings.host).map_err(|_| bad())?,
        Some(domain) => {
            let port = http::get_port(request.meta, &settings.host);
            if port == "443" || port == "80" {
                domain.to_owned()
            } else {
                format!("{domain}:{port}")
            }
        }
    };
    if http::is_same_domain(&referer.netloc, &good_referer) {
        Ok(())
    } else {
        Err(bad())
    }
}

/// `_check_token`: the secret, then the token from the form field (POST
/// only) or the header, format-checked, then compared.
fn check_token(settings: &CsrfSettings, request: &CsrfRequest, method: &str) -> Result<Verdict> {
    let secret = match get_secret(settings, request) {
        Ok(Some(secret)) => secret,
        Ok(None) => return Ok(Verdict::Reject(REASON_NO_CSRF_COOKIE.into())),
        Err(SecretProblem::Format(reason)) => {
            return Ok(Verdict::Reject(format!("CSRF cookie {reason}.")))
        }
        Err(SecretProblem::Raised(e)) => return Err(e),
    };
    let posted = form::post_get(
        method,
        request.meta,
        request.body,
        FORM_FIELD,
        &settings.form_limits,
    )?
    .unwrap_or_default();
    let (token, source) = if posted.is_empty() {
        match request.meta.get(&settings.header_name) {
            Some(token) => (token.to_owned(), settings.header_name.as_str()),
            None => return Ok(Verdict::Reject(REASON_CSRF_TOKEN_MISSING.into())),
        }
    } else {
        (posted, "POST")
    };
    if let Err(reason) = check_token_format(&token) {
        return Ok(Verdict::Reject(bad_token_message(reason, source)));
    }
    if !does_token_match(&token, &secret)? {
        return Ok(Verdict::Reject(bad_token_message("incorrect", source)));
    }
    Ok(Verdict::Accept)
}

/// `get_token(request)`: a fresh mask over the request's secret (a new
/// secret if it has none); the response will send the cookie again.
pub fn get_token(state: &mut CsrfState, randomness: &mut Randomness) -> Result<String> {
    let secret = match &state.cookie {
        Some(secret) => {
            state.needs_update = Some(true);
            secret.clone()
        }
        None => {
            rotate_token(state, randomness)?;
            state.cookie.clone().unwrap_or_default()
        }
    };
    let mask = randomness.csrf_string()?;
    mask_cipher_secret(&secret, &mask)
}

/// `rotate_token(request)` (`_add_new_csrf_cookie`): a new secret, to be sent.
pub fn rotate_token(state: &mut CsrfState, randomness: &mut Randomness) -> Result<()> {
    state.cookie = Some(randomness.csrf_string()?);
    state.needs_update = Some(true);
    Ok(())
}

/// What [`process_response`] adds to the response.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResponseUpdate {
    /// A Set-Cookie header value to append.
    pub set_cookie: Option<String>,
    /// The response's new Vary header.
    pub vary: Option<String>,
    /// With `CSRF_USE_SESSIONS`: the secret to store as `session["_csrftoken"]`.
    pub session_secret: Option<String>,
}

/// `CsrfViewMiddleware.process_response`: when the secret must be sent,
/// the cookie (`Max-Age=int(age)`, `expires` at `now + age`, Django's
/// attribute order) and `Vary: Cookie`; with `CSRF_USE_SESSIONS`, the
/// secret for the session instead, unless `session_secret` (its current
/// `_csrftoken`) already equals it.
pub fn process_response(
    settings: &CsrfSettings,
    state: &mut CsrfState,
    existing_vary: Option<&str>,
    session_secret: Option<&Value>,
    now: f64,
) -> Result<ResponseUpdate> {
    if state.needs_update != Some(true) {
        return Ok(ResponseUpdate::default());
    }
    state.needs_update = Some(false);
    let secret = state.cookie.clone().unwrap_or_default();
    if settings.use_sessions {
        let unchanged = matches!(session_secret, Some(Value::Str(s)) if *s == secret);
        return Ok(ResponseUpdate {
            session_secret: (!unchanged).then_some(secret),
            ..ResponseUpdate::default()
        });
    }
    let attrs = CookieAttributes {
        domain: settings.cookie_domain.clone(),
        path: Some(settings.cookie_path.clone()),
        secure: settings.cookie_secure,
        http_only: settings.cookie_httponly,
        same_site: settings.cookie_samesite.clone(),
        ..CookieAttributes::default()
    };
    let cookie = set_cookie(
        &settings.cookie_name,
        &secret,
        settings.cookie_age,
        now,
        attrs,
    )?;
    Ok(ResponseUpdate {
        set_cookie: Some(cookie),
        vary: Some(vary_with_cookie(existing_vary)),
        session_secret: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_randomness_draws_from_the_alphabet() {
        let s = Randomness::Os.csrf_string().unwrap();
        assert_eq!(s.len(), 32);
        assert!(check_token_format(&s).is_ok());
    }

    #[test]
    fn unmask_follows_zip() {
        assert_eq!(unmask_cipher_token(&"a".repeat(40)).unwrap(), "a".repeat(8));
        assert_eq!(unmask_cipher_token(&"a".repeat(32)).unwrap(), "");
        assert_eq!(
            unmask_cipher_token(&"a".repeat(70)).unwrap(),
            "a".repeat(32)
        );
        let bad = format!("{}-{}", "a".repeat(31), "a".repeat(32));
        assert_eq!(
            unmask_cipher_token(&bad).unwrap_err().to_string(),
            "substring not found"
        );
    }

    #[test]
    fn settings_are_checked_up_front() {
        let mut s = CsrfSettings::default();
        assert!(s.validate().is_ok());
        s.trusted_origins = vec!["example.com".into()];
        assert!(s.validate().is_err());
        s.trusted_origins = vec![];
        s.cookie_name = "max-age".into();
        assert!(s.validate().is_err());
    }
}
