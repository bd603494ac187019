//! Django's CSRF middleware ([`crate::django::csrf`]) for
//! `edge-sessions/django`, in a module of its own (the `csrf` feature):
//! it needs no session, so the session modules do not carry its request
//! and form parsing. `CsrfCore` holds the settings and the randomness; the
//! per-request state crosses as plain values.

use super::js_error;
use crate::django::csrf::{self, CsrfRequest, CsrfSettings, CsrfState, Randomness, Verdict};
use crate::django::http::Meta;
use crate::error::{Error, Result};
use crate::value::Value;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

fn array(items: impl IntoIterator<Item = JsValue>) -> JsValue {
    items.into_iter().collect::<js_sys::Array>().into()
}

fn text_or_null(text: Option<&str>) -> JsValue {
    text.map_or(JsValue::NULL, JsValue::from_str)
}

fn flag_or_null(flag: Option<bool>) -> JsValue {
    flag.map_or(JsValue::NULL, JsValue::from_bool)
}

/// The CSRF settings of one `csrfProtect`, and where its randomness comes from.
#[wasm_bindgen]
pub struct CsrfCore {
    settings: CsrfSettings,
    randomness: RefCell<Randomness>,
}

fn meta_of(pairs: Vec<String>) -> Meta {
    let mut meta = Meta::new();
    let mut pairs = pairs.into_iter();
    while let (Some(key), Some(value)) = (pairs.next(), pairs.next()) {
        meta.insert(key, value);
    }
    meta
}

/// A session value given as JSON text (`undefined`: the key is absent).
fn session_value(json: Option<String>) -> Result<Option<Value>> {
    json.map(|text| crate::json::parse(&text)).transpose()
}

#[wasm_bindgen]
impl CsrfCore {
    /// Validates the options (see [`crate::django::options`]); `draws`
    /// replays recorded random strings instead of the CSPRNG. The core, or
    /// the Error.
    pub fn create(options_json: &str, draws: Option<Vec<String>>) -> JsValue {
        match crate::django::options::csrf_settings_from_json(options_json) {
            Ok(settings) => CsrfCore {
                settings,
                randomness: RefCell::new(match draws {
                    Some(draws) => Randomness::Recorded(draws.into()),
                    None => Randomness::Os,
                }),
            }
            .into(),
            Err(e) => js_error(&e, None),
        }
    }

    /// `CSRF_USE_SESSIONS`.
    #[wasm_bindgen(js_name = useSessions)]
    pub fn use_sessions(&self) -> bool {
        self.settings.use_sessions
    }

    /// Whether `request.POST` reads the body: a POST with a form body.
    #[wasm_bindgen(js_name = readsBody)]
    pub fn reads_body(method: &str, content_type: Option<String>) -> bool {
        let main =
            crate::django::http::parse_header_parameters(content_type.as_deref().unwrap_or(""))
                .map(|h| h.main)
                .unwrap_or_default();
        method.eq_ignore_ascii_case("POST")
            && (main == "multipart/form-data" || main == "application/x-www-form-urlencoded")
    }

    fn draw<T>(&self, f: impl FnOnce(&mut Randomness) -> Result<T>) -> Result<T> {
        let mut randomness = self
            .randomness
            .try_borrow_mut()
            .map_err(|_| Error::Storage("CSRF randomness already in use".into()))?;
        f(&mut randomness)
    }

    /// `process_request`: `[CSRF_COOKIE, NEEDS_UPDATE]`, or the Error.
    /// `meta` is the request's META as `[key, value, key, value, ...]`.
    #[wasm_bindgen(js_name = processRequest)]
    pub fn process_request(
        &self,
        method: String,
        meta: Vec<String>,
        session_secret: Option<String>,
    ) -> JsValue {
        let result = (|| {
            let meta = meta_of(meta);
            let secret = session_value(session_secret)?;
            let request = CsrfRequest {
                method: &method,
                meta: &meta,
                body: &[],
                session_secret: secret.as_ref(),
                session_cookie_domain: None,
            };
            let state = self.draw(|r| csrf::process_request(&self.settings, &request, r))?;
            Ok(array([
                text_or_null(state.cookie.as_deref()),
                flag_or_null(state.needs_update),
            ]))
        })();
        result.unwrap_or_else(|e| js_error(&e, None))
    }

    /// `process_view`: null to accept, Django's reason to reject, or the Error.
    #[wasm_bindgen(js_name = processView)]
    pub fn process_view(
        &self,
        method: String,
        meta: Vec<String>,
        body: &[u8],
        session_secret: Option<String>,
        session_cookie_domain: Option<String>,
        exempt: bool,
    ) -> JsValue {
        let result = (|| {
            let meta = meta_of(meta);
            let secret = session_value(session_secret)?;
            let request = CsrfRequest {
                method: &method,
                meta: &meta,
                body,
                session_secret: secret.as_ref(),
                session_cookie_domain: session_cookie_domain.as_deref(),
            };
            Ok(
                match csrf::process_view(&self.settings, &request, exempt)? {
                    Verdict::Accept => JsValue::NULL,
                    Verdict::Reject(reason) => JsValue::from_str(&reason),
                },
            )
        })();
        result.unwrap_or_else(|e: Error| js_error(&e, None))
    }

    /// `get_token`: `[token, CSRF_COOKIE, NEEDS_UPDATE]`.
    #[wasm_bindgen(js_name = getToken)]
    pub fn get_token(&self, cookie: Option<String>, needs_update: Option<bool>) -> JsValue {
        let mut state = CsrfState {
            cookie,
            needs_update,
        };
        match self.draw(|r| csrf::get_token(&mut state, r)) {
            Ok(token) => array([
                JsValue::from_str(&token),
                text_or_null(state.cookie.as_deref()),
                flag_or_null(state.needs_update),
            ]),
            Err(e) => js_error(&e, None),
        }
    }

    /// `rotate_token`: `[CSRF_COOKIE, NEEDS_UPDATE]`.
    #[wasm_bindgen(js_name = rotateToken)]
    pub fn rotate_token(&self, cookie: Option<String>, needs_update: Option<bool>) -> JsValue {
        let mut state = CsrfState {
            cookie,
            needs_update,
        };
        match self.draw(|r| csrf::rotate_token(&mut state, r)) {
            Ok(()) => array([
                text_or_null(state.cookie.as_deref()),
                flag_or_null(state.needs_update),
            ]),
            Err(e) => js_error(&e, None),
        }
    }

    /// `process_response`: `[setCookie, vary, sessionSecret, CSRF_COOKIE,
    /// NEEDS_UPDATE]`, absent parts null.
    #[wasm_bindgen(js_name = processResponse)]
    pub fn process_response(
        &self,
        cookie: Option<String>,
        needs_update: Option<bool>,
        vary: Option<String>,
        session_secret: Option<String>,
        now: f64,
    ) -> JsValue {
        let mut state = CsrfState {
            cookie,
            needs_update,
        };
        let result = session_value(session_secret).and_then(|secret| {
            csrf::process_response(
                &self.settings,
                &mut state,
                vary.as_deref(),
                secret.as_ref(),
                now,
            )
        });
        match result {
            Ok(update) => array([
                text_or_null(update.set_cookie.as_deref()),
                text_or_null(update.vary.as_deref()),
                text_or_null(update.session_secret.as_deref()),
                text_or_null(state.cookie.as_deref()),
                flag_or_null(state.needs_update),
            ]),
            Err(e) => js_error(&e, None),
        }
    }
}
