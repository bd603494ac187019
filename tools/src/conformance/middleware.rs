//! `middleware`: a request with the scenario's cookies, the view's ops,
//! then `SessionMiddleware.process_response`: status, Vary, Set-Cookie,
//! and the session left behind.

use crate::check::{compressed_equivalent, expect_eq, python_exception, verdict, Check, Verdict};
use crate::ops::{apply_op, precreate, with_backend, KnownKeys};
use crate::oracle::Oracle;
use crate::values::{expect_same, expect_value, items, number, strings, text, to_value, Json};
use edge_sessions::middleware::{process_response, ResponseHeaders};
use edge_sessions::session::{Engine, SIGNED_COOKIES_SALT};
use edge_sessions::signing::TimestampSigner;
use edge_sessions::store::MemoryStores;
use edge_sessions::value::Value;
use edge_sessions::{block_on, cookie, Config, Error, Session};

pub fn scenario(o: &Oracle, v: &Json) -> Verdict {
    let check = || -> Check {
        let sc = &v["scenario"];
        let backend = text(sc, "backend")?;
        let now = o.clock(sc)?;
        let config = o.config_with(&sc["settings"])?;
        let name = config.settings.cookie_name.as_str();
        if let Some(want) = v["expected"]["cookie_name"].as_str() {
            expect_eq("cookie name", name, want)?;
        }
        let stores = MemoryStores::default();
        block_on(async {
            for pre in items(&sc["precreate"]) {
                stores.set_now(number(pre, "t")?);
                with_backend!(backend, stores, |engine| precreate(engine, &config, pre)
                    .await)?;
            }
            stores.set_now(now);
            let cookie = sc["request_cookies"].get(name).and_then(Json::as_str);
            with_backend!(backend, stores, |engine| {
                let s = Session::new(engine, config.clone(), cookie, now);
                respond(s, v, &config, now).await
            })
        })
    };
    verdict(check())
}

/// The view's ops, then the response half of the middleware, compared.
async fn respond<E: Engine>(mut s: Session<E>, v: &Json, config: &Config, now: f64) -> Check {
    let (sc, want) = (&v["scenario"], &v["expected"]);
    let mut results = Vec::new();
    for op in items(&sc["view_ops"]) {
        results.push(apply_op(&mut s, op).await?);
    }
    expect_value(
        "view op results",
        &Value::List(results),
        &want["view_ops_results"],
    )?;
    let status = match &sc["status"] {
        Json::Null => 200,
        n => n
            .as_u64()
            .and_then(|n| u16::try_from(n).ok())
            .ok_or("status is not an HTTP status")?,
    };
    let cookie_sent = sc["request_cookies"]
        .get(&config.settings.cookie_name)
        .is_some();
    let outcome = process_response(&mut s, cookie_sent, status).await;
    let converted = sc["convert_exceptions"].as_bool().unwrap_or(false);
    let headers = match (outcome, want.get("raises")) {
        (Err(e), Some(raised)) => {
            return expect_eq("raises", Some(python_exception(&e)), raised.as_str())
        }
        (Ok(_), Some(raised)) => return Err(format!("did not raise {raised}")),
        // Django's exception handler answers SessionInterrupted with a bare 400.
        (Err(Error::SessionInterrupted), None) if converted => {
            expect_eq("status", Some(400), want["status_code"].as_u64())?;
            expect_eq("set cookies", 0, items(&want["set_cookie_headers"]).len())?;
            return expect_eq("vary", None, want["vary"].as_str());
        }
        (Err(e), None) => return Err(format!("process_response failed: {e}")),
        (Ok(headers), None) => headers,
    };
    expect_eq(
        "status",
        Some(u64::from(status)),
        want["status_code"].as_u64(),
    )?;
    expect_headers(&s, headers, v, config, now)
}

/// Vary, Set-Cookie, the session dict and key, as Django left them.
fn expect_headers<E: Engine>(
    s: &Session<E>,
    headers: ResponseHeaders,
    v: &Json,
    config: &Config,
    now: f64,
) -> Check {
    let (sc, want) = (&v["scenario"], &v["expected"]);
    let backend = text(sc, "backend")?;
    let existing_vary = sc["response_headers"]["Vary"].as_str();
    let vary = match headers.vary_cookie {
        true => Some(cookie::vary_with_cookie(existing_vary)),
        false => existing_vary.map(str::to_owned),
    };
    expect_eq("vary", vary.as_deref(), want["vary"].as_str())?;

    let known = KnownKeys::of(v);
    let signer = TimestampSigner::new(
        &config.settings.secret_key,
        &config.settings.secret_key_fallbacks,
        SIGNED_COOKIES_SALT,
    );
    let key = s.session_key().unwrap_or_default();
    let mut set_cookies: Vec<String> = headers.set_cookie.into_iter().collect();
    if known.is_random(key, backend) {
        set_cookies = set_cookies
            .iter()
            .map(|h| h.replace(key, "<random32>"))
            .collect();
    }
    let wanted = strings(&want["set_cookie_headers"]);
    expect_eq("set-cookie count", set_cookies.len(), wanted.len())
        .map_err(|e| format!("{e}: {set_cookies:?}"))?;
    for (got, want) in set_cookies.iter().zip(&wanted) {
        let (got_value, got_attrs) = split_header(got);
        let (want_value, want_attrs) = split_header(want);
        let same_value =
            got_value == want_value || compressed_equivalent(got_value, want_value, &signer, now);
        if got_attrs != want_attrs || !same_value {
            return Err(format!("set-cookie: got {got:?}, want {want:?}"));
        }
    }

    let after = s.loaded().cloned().map_or(Value::None, Value::Dict);
    expect_value("session after", &after, &want["session_after"])?;
    let key_after = known.show(s.session_key(), backend);
    let want_key = to_value(&want["session_key_after"]);
    let equivalent = match (&key_after, &want_key) {
        (Value::Str(ours), Value::Str(django)) => compressed_equivalent(ours, django, &signer, now),
        _ => false,
    };
    if equivalent {
        return Ok(());
    }
    expect_same("session key after", &key_after, &want_key)
}

/// A Set-Cookie header's value and its attributes.
fn split_header(header: &str) -> (&str, &str) {
    let (first, attrs) = header.split_once(';').unwrap_or((header, ""));
    (first.split_once('=').map_or("", |(_, v)| v), attrs)
}
