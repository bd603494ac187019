//! Django's `SessionMiddleware.process_response` as plain functions: from
//! whether the request sent the cookie, the session after the view, the
//! status and the settings, decide what to store and which headers to add.
//!
//! The request half is one line: `Session::new(engine, config,
//! cookie_value(header, name), now)`; nothing is read until the view asks.

use crate::cookie::{set_cookie, set_cookie_header, CookieAttributes, SameSitePolicy};
use crate::error::{Error, Result};
use crate::session::{Engine, Session};
use crate::settings::Settings;

/// What the response half of the middleware does with the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Leave the store and the cookie alone.
    Nothing,
    /// The session is empty but the browser sent a cookie: expire it.
    DeleteCookie,
    /// Save the session and send its cookie again.
    Save,
}

/// What the response half of the middleware knows about the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SessionFacts {
    /// The request sent the session cookie.
    pub cookie_sent: bool,
    /// The view read the session (`request.session.accessed`).
    pub accessed: bool,
    /// The view changed the session (`request.session.modified`).
    pub modified: bool,
    /// The session has no key and no data (`request.session.is_empty()`).
    pub empty: bool,
}

/// Django's decision, before any I/O: the action and whether the response
/// varies on Cookie. `Save` always adds Vary (the CVE-2026-35192 fix).
///
/// ```
/// use edge_sessions::middleware::{decide, Action, SessionFacts};
/// use edge_sessions::Settings;
/// let s = Settings::new("k");
/// let changed = SessionFacts { accessed: true, modified: true, ..Default::default() };
/// assert_eq!(decide(&s, changed, 200), (Action::Save, true));
/// assert_eq!(decide(&s, changed, 500), (Action::Nothing, true));
/// let emptied = SessionFacts { cookie_sent: true, empty: true, ..Default::default() };
/// assert_eq!(decide(&s, emptied, 200), (Action::DeleteCookie, true));
/// ```
pub fn decide(settings: &Settings, facts: SessionFacts, status: u16) -> (Action, bool) {
    if facts.cookie_sent && facts.empty {
        return (Action::DeleteCookie, true);
    }
    if (facts.modified || settings.save_every_request) && !facts.empty && status < 500 {
        return (Action::Save, true);
    }
    (Action::Nothing, facts.accessed)
}

/// The longest Set-Cookie value sent: browsers drop (silently) a cookie
/// whose header is longer, so a bigger session is an error, not a lost login.
pub const MAX_SET_COOKIE_BYTES: usize = 4096;

/// The Set-Cookie value that sends the session cookie: `max_age` `None` for
/// a browser-session cookie; otherwise `Max-Age=int(max_age)` and
/// `expires = http_date(now + max_age)`, as Django writes them.
/// [`Error::CookieTooLarge`] past [`MAX_SET_COOKIE_BYTES`] (Django sends it
/// anyway, and the browser drops it).
pub fn session_cookie(
    settings: &Settings,
    value: &str,
    max_age: Option<f64>,
    now: f64,
) -> Result<String> {
    let attrs = CookieAttributes {
        domain: settings.cookie_domain.clone(),
        path: Some(settings.cookie_path.clone()),
        secure: settings.cookie_secure,
        http_only: settings.cookie_httponly,
        same_site: settings.cookie_samesite.clone(),
        ..CookieAttributes::default()
    };
    let header = set_cookie(&settings.cookie_name, value, max_age, now, attrs)?;
    if header.len() > MAX_SET_COOKIE_BYTES {
        return Err(Error::CookieTooLarge(header.len()));
    }
    Ok(header)
}

/// Django's `delete_cookie` for the session cookie: empty value, epoch
/// expiry, `Max-Age=0`, no HttpOnly, and Secure when the name has a
/// `__Secure-`/`__Host-` prefix or SameSite is None.
pub fn delete_cookie(settings: &Settings) -> String {
    let name = &settings.cookie_name;
    let same_site_none = settings
        .cookie_samesite
        .as_ref()
        .is_some_and(|s| s.policy() == SameSitePolicy::None);
    let attrs = CookieAttributes {
        max_age: Some(0),
        expires: Some("Thu, 01 Jan 1970 00:00:00 GMT".into()),
        domain: settings.cookie_domain.clone(),
        path: Some(settings.cookie_path.clone()),
        secure: name.starts_with("__Secure-") || name.starts_with("__Host-") || same_site_none,
        http_only: false,
        same_site: settings.cookie_samesite.clone(),
    };
    set_cookie_header(name, "", &attrs)
}

/// What the response needs after [`process_response`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResponseHeaders {
    /// A Set-Cookie header value to append, if any.
    pub set_cookie: Option<String>,
    /// Whether to add `Cookie` to Vary (see [`crate::cookie::vary_with_cookie`]).
    pub vary_cookie: bool,
}

/// `SessionMiddleware.process_response`: saves the session when Django
/// would and says which headers to add. A save that finds the session gone
/// is [`Error::SessionInterrupted`] (Django answers it with a 400).
pub async fn process_response<E: Engine>(
    session: &mut Session<E>,
    cookie_sent: bool,
    status: u16,
) -> Result<ResponseHeaders> {
    let facts = SessionFacts {
        cookie_sent,
        accessed: session.accessed(),
        modified: session.modified(),
        empty: session.is_empty(),
    };
    let config = session.config().clone();
    let settings = &config.settings;
    let (action, vary_cookie) = decide(settings, facts, status);
    match action {
        Action::Nothing => Ok(ResponseHeaders {
            set_cookie: None,
            vary_cookie,
        }),
        Action::DeleteCookie => Ok(ResponseHeaders {
            set_cookie: Some(delete_cookie(settings)),
            vary_cookie,
        }),
        Action::Save => {
            let max_age = if session.get_expire_at_browser_close().await? {
                None
            } else {
                Some(session.get_expiry_age().await?)
            };
            if !session.engine().cookie_holds_session() {
                // The cookie holds only a key here: if even that cannot be
                // sent, fail before writing a record no browser will name.
                let placeholder = "k".repeat(32);
                session_cookie(settings, &placeholder, max_age, session.now())?;
            }
            match session.save().await {
                Err(Error::UpdateError) => return Err(Error::SessionInterrupted),
                other => other?,
            }
            let value = session.session_key().unwrap_or_default();
            let set_cookie = session_cookie(settings, value, max_age, session.now())?;
            Ok(ResponseHeaders {
                set_cookie: Some(set_cookie),
                vary_cookie,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cookie_browsers_would_drop_is_an_error() {
        let settings = Settings::new("k");
        let fits = "a".repeat(3900);
        assert!(session_cookie(&settings, &fits, None, 0.0).is_ok());
        let too_big = "a".repeat(4100);
        let err = session_cookie(&settings, &too_big, None, 0.0).unwrap_err();
        assert!(
            matches!(err, Error::CookieTooLarge(n) if n > MAX_SET_COOKIE_BYTES),
            "{err}"
        );
    }
}
