//! `signed_cookies`: the cookie value a session saves to, loading a cookie
//! (with `SESSION_COOKIE_AGE` as max_age), and `cycle_key`.

use crate::check::{expect_eq, expect_token, say, verdict, Check, Verdict};
use crate::ops::apply_op;
use crate::oracle::Oracle;
use crate::values::{expect_value, items, text, to_value, Json};
use edge_sessions::engines::SignedCookies;
use edge_sessions::session::SIGNED_COOKIES_SALT;
use edge_sessions::signing::TimestampSigner;
use edge_sessions::value::Value;
use edge_sessions::{block_on, json, Session};

/// A new session, the vector's ops, `save()`: the cookie value.
pub fn cookie_value(o: &Oracle, v: &Json) -> Verdict {
    let check = || -> Check {
        let now = o.clock(v)?;
        let mut s = Session::new(SignedCookies, o.config()?, None, now);
        block_on(async {
            for op in items(&v["ops"]) {
                apply_op(&mut s, op).await?;
            }
            s.save().await.map_err(say)
        })?;
        let saved = Value::Dict(s.loaded().cloned().unwrap_or_default());
        expect_value("session dict", &saved, &v["session_dict"])?;
        let json_text = json::dumps(&to_value(&v["session_dict"])).map_err(say)?;
        let signer = TimestampSigner::new(o.secret(), o.fallbacks(), SIGNED_COOKIES_SALT);
        let ours = s.session_key().unwrap_or_default();
        expect_token(
            ours,
            text(v, "expected_cookie_value")?,
            &json_text,
            &signer,
            now,
        )
    };
    verdict(check())
}

/// `SessionStore(cookie).load()`: the dict, whether a bad cookie reset the
/// session, and the key after.
pub fn load(o: &Oracle, v: &Json) -> Verdict {
    let check = || -> Check {
        let age = &v["SESSION_COOKIE_AGE"];
        let overrides = match age {
            Json::Null => Json::Null,
            _ => serde_json::json!({ "SESSION_COOKIE_AGE": age }),
        };
        let config = o.config_with(&overrides)?;
        let mut s = Session::new(
            SignedCookies,
            config,
            v["cookie_value"].as_str(),
            o.clock(v)?,
        );
        let loaded = block_on(s.items()).map_err(say)?;
        let want = &v["expected"];
        expect_value("result", &Value::Dict(loaded), &want["result"])?;
        let reset = want["reset_by_create_modified"].as_bool();
        expect_eq("reset (modified)", Some(s.modified()), reset)?;
        expect_eq(
            "session key after",
            s.session_key(),
            want["session_key_after"].as_str(),
        )
    };
    verdict(check())
}

/// `cycle_key()` on a loaded cookie: re-signed, identical within the second.
pub fn cycle(o: &Oracle, v: &Json) -> Verdict {
    let check = || -> Check {
        let mut s = Session::new(
            SignedCookies,
            o.config()?,
            v["initial_cookie"].as_str(),
            o.clock(v)?,
        );
        block_on(s.cycle_key()).map_err(say)?;
        expect_eq(
            "cookie",
            s.session_key(),
            v["expected_cookie_value"].as_str(),
        )?;
        expect_eq("modified", Some(s.modified()), v["modified"].as_bool())
    };
    verdict(check())
}
