//! `signing_dumps`, `verification` and `session_encode`: `signing.dumps`,
//! `signing.loads` with `SessionBase.decode`, and `SessionBase.encode`.

use crate::check::{expect_eq, expect_outcome, expect_token, say, verdict, Check, Verdict};
use crate::oracle::{session_class, Oracle};
use crate::values::{expect_same, expect_value, num, strings, text, to_dict, to_value, Json};
use edge_sessions::signing::{self, TimestampSigner, DEFAULT_SALT};
use edge_sessions::value::{Dict, Value};
use edge_sessions::{json, Config, Error};

/// `signing.dumps(obj, key, salt, compress)`: the JSON, the token (or an
/// equivalent compressed one), and the round trip.
pub fn dumps(o: &Oracle, v: &Json) -> Verdict {
    let check = || -> Check {
        let key = v["key"].as_str().unwrap_or(o.secret());
        let salt = v["salt"].as_str().unwrap_or(DEFAULT_SALT);
        let now = o.clock(v)?;
        let obj = to_value(&v["obj"]);
        let json_text = json::dumps(&obj).map_err(say)?;
        expect_eq("json", json_text.as_str(), text(v, "json")?)?;
        let signer = TimestampSigner::new(key, &[] as &[&str], salt);
        let compress = v["compress"].as_bool().unwrap_or(false);
        let token = signer.sign_object(&obj, compress, now).map_err(say)?;
        expect_token(&token, text(v, "expected")?, &json_text, &signer, now)?;
        let loaded = signing::loads(&token, key, &[], salt, None, now).map_err(say)?;
        expect_same("round trip", &loaded, &obj)
    };
    verdict(check())
}

/// `max_age` as a number of seconds or `{"timedelta_seconds": n}`.
fn max_age(v: &Json) -> Result<Option<f64>, String> {
    let seconds = match v {
        Json::Null => return Ok(None),
        Json::Object(o) => o.get("timedelta_seconds").and_then(num),
        n => num(n),
    };
    seconds
        .map(Some)
        .ok_or_else(|| format!("max_age {v} is not a number of seconds"))
}

/// `signing.loads(input, key, salt, max_age, fallback_keys)`, then
/// `SessionBase.decode(input)` when the vector has `session_decode`.
pub fn verification(o: &Oracle, v: &Json) -> Verdict {
    let check = || -> Check {
        let (secret, settings_fallbacks) = o.secrets_of(v)?;
        // Django: `key or settings.SECRET_KEY`; `fallback_keys` None means the settings'.
        let key = v["key"]
            .as_str()
            .filter(|k| !k.is_empty())
            .unwrap_or(&secret);
        let fallbacks = match &v["fallback_keys"] {
            Json::Null => settings_fallbacks.clone(),
            list => strings(list),
        };
        let salt = v["salt"].as_str().unwrap_or(DEFAULT_SALT);
        let now = o.clock(v)?;
        let input = text(v, "input")?;
        let got = TimestampSigner::new(key, &fallbacks, salt).unsign_object(
            input,
            max_age(&v["max_age"])?,
            now,
        );
        expect_outcome(got, &v["expected"])?;
        let Some(decode) = v.get("session_decode") else {
            return Ok(());
        };
        let mut settings = o.settings();
        settings.secret_key = secret;
        settings.secret_key_fallbacks = settings_fallbacks;
        settings.session_class = session_class(salt)?;
        let config = Config::new(settings).map_err(say)?;
        let decoded = config.decode_value(input, now);
        let logged = decoded.as_ref().err().is_some_and(Error::is_bad_signature);
        let want_logged = !decode["logged_suspicious_session"]
            .as_array()
            .is_none_or(Vec::is_empty);
        expect_eq("logged SuspiciousSession", logged, want_logged)?;
        let decoded = decoded.unwrap_or_else(|_| Value::Dict(Dict::new()));
        expect_value("session decode", &decoded, &decode["result"])
    };
    verdict(check())
}

/// `SessionStore().encode(dict)` with the vector's key salt, and the
/// decoding of Django's encoding.
pub fn session_encode(o: &Oracle, v: &Json) -> Verdict {
    let check = || -> Check {
        let now = o.clock(v)?;
        let key_salt = text(v, "key_salt")?;
        let config = o.config_for_salt(key_salt)?;
        let dict = to_dict(&v["session_dict"])?;
        let token = config.encode(&dict, now).map_err(say)?;
        let json_text = json::dumps_dict(&dict).map_err(say)?;
        let signer = TimestampSigner::new(o.secret(), o.fallbacks(), key_salt);
        let expected = text(v, "expected")?;
        expect_token(&token, expected, &json_text, &signer, now)?;
        let (decoded, problem) = config.decode(expected, now);
        expect_eq("decode problem", problem, None)?;
        expect_value("decode", &Value::Dict(decoded), &v["session_dict"])
    };
    verdict(check())
}
