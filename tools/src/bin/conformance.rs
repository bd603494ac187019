//! Replays a file of Django oracle vectors (the format of
//! `shared/oracle/vectors.json`) through the native core and prints, last,
//! `native: N passed, M failed, K skipped`. Exit status 1 if any failed.
//!
//! Settings, secrets, clocks and keys all come from the file, so a file
//! generated with other values works the same. Compressed outputs are
//! checked for equivalence, not bytes (see the oracle notes: another deflate
//! gives other, equally valid bytes).

use edge_sessions::datetime::DateTime;
use edge_sessions::engines::{
    self, CacheEngine, CachedDbEngine, DbEngine, Engine, FileEngine, SignedCookies,
};
use edge_sessions::json::{Dict, Value};
use edge_sessions::session::SessionState;
use edge_sessions::signing::{self, Algorithm, Signer, TimestampSigner};
use edge_sessions::store::{MemoryCache, MemoryStores as Stores, Row};
use edge_sessions::{
    block_on, middleware, Config, Error, Expiry, ExpiryValue, PayloadError, Session, Settings,
};
use std::rc::Rc;

/// One vector's verdict.
enum Verdict {
    Pass,
    Fail(String),
    Skip(String),
}

type Check = std::result::Result<(), String>;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: conformance <vectors.json>");
        std::process::exit(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            std::process::exit(2);
        }
    };
    let vectors: Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("{path} is not JSON: {e}");
            std::process::exit(2);
        }
    };
    let results = run_all(&vectors);
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    for (id, verdict) in &results {
        match verdict {
            Verdict::Pass => passed += 1,
            Verdict::Fail(why) => {
                failed += 1;
                println!("FAIL {id}: {why}");
            }
            Verdict::Skip(why) => {
                skipped += 1;
                println!("SKIP {id}: {why}");
            }
        }
    }
    let mut per_category: Vec<(String, usize, usize)> = Vec::new();
    for (id, verdict) in &results {
        let category = id.split('/').next().unwrap_or_default().to_owned();
        let ok = matches!(verdict, Verdict::Pass) as usize;
        match per_category.iter_mut().find(|(c, ..)| *c == category) {
            Some(row) => {
                row.1 += ok;
                row.2 += 1;
            }
            None => per_category.push((category, ok, 1)),
        }
    }
    for (category, ok, total) in per_category {
        println!("  {category}: {ok}/{total}");
    }
    println!("native: {passed} passed, {failed} failed, {skipped} skipped");
    if failed > 0 {
        std::process::exit(1);
    }
}

/// The oracle's settings and clock, read from `meta`.
struct Oracle {
    secret: String,
    fallbacks: Vec<String>,
}

impl Oracle {
    fn settings(&self) -> Settings {
        let mut s = Settings::new(self.secret.clone());
        s.secret_key_fallbacks = self.fallbacks.clone();
        s
    }
    fn config(&self) -> Rc<Config> {
        Config::new(self.settings()).expect("the oracle's settings are valid")
    }
}

/// Replays one vector of a category.
type Runner = fn(&Oracle, &Value) -> Verdict;

fn run_all(v: &Value) -> Vec<(String, Verdict)> {
    let meta = &v["meta"]["settings"];
    let oracle = Oracle {
        secret: meta["SECRET_KEY"].as_str().unwrap_or_default().to_owned(),
        fallbacks: strings(&meta["SECRET_KEY_FALLBACKS"]),
    };
    let mut out = Vec::new();
    let primitives = &v["primitives"];
    let categories: [(&str, &Value, Runner); 20] = [
        ("primitives/b62", &primitives["b62"], b62),
        (
            "primitives/b62_decode_edge",
            &primitives["b62_decode_edge"],
            b62_decode_edge,
        ),
        ("primitives/b64", &primitives["b64"], b64),
        (
            "primitives/b64_decode_edge",
            &primitives["b64_decode_edge"],
            b64_decode_edge,
        ),
        (
            "primitives/salted_hmac",
            &primitives["salted_hmac"],
            salted_hmac,
        ),
        (
            "primitives/base64_hmac",
            &primitives["base64_hmac"],
            base64_hmac,
        ),
        ("primitives/signer", &primitives["signer"], signer),
        (
            "primitives/timestamp_signer",
            &primitives["timestamp_signer"],
            timestamp_signer,
        ),
        ("signing_dumps", &v["signing_dumps"], signing_dumps),
        ("verification", &v["verification"], verification),
        ("session_encode", &v["session_encode"], session_encode),
        (
            "signed_cookies/cookie_values",
            &v["signed_cookies"]["cookie_values"],
            signed_cookie_value,
        ),
        (
            "signed_cookies/load",
            &v["signed_cookies"]["load"],
            signed_cookie_load,
        ),
        (
            "signed_cookies/cycle",
            &v["signed_cookies"]["cycle"],
            signed_cookie_cycle,
        ),
        ("expiry", &v["expiry"], expiry),
        ("traces", &v["traces"], trace),
        ("middleware", &v["middleware"], middleware_scenario),
        ("storage", &v["storage"], storage),
        ("file_keys", &v["file_keys"], file_key),
        (
            "session_key_validation",
            &v["session_key_validation"],
            session_key_validation,
        ),
    ];
    for (category, list, run) in categories {
        for (i, vector) in list.as_array().into_iter().flatten().enumerate() {
            let id = vector["id"]
                .as_str()
                .map_or_else(|| format!("{category}/{i}"), str::to_owned);
            let id = if id.starts_with(category.split('/').next().unwrap_or_default()) {
                id
            } else {
                format!("{category}/{id}")
            };
            out.push((id, run(&oracle, vector)));
        }
    }
    for vector in v["clearsessions"].as_array().into_iter().flatten() {
        let id = vector["id"]
            .as_str()
            .unwrap_or("clearsessions/?")
            .to_owned();
        out.push((id, clearsessions(&oracle, vector)));
    }
    out
}

fn verdict(check: Check) -> Verdict {
    match check {
        Ok(()) => Verdict::Pass,
        Err(why) => Verdict::Fail(why),
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s.as_str().map(str::to_owned))
        .collect()
}

fn num(v: &Value) -> f64 {
    v.as_f64()
        .or_else(|| v.as_number().and_then(|n| n.as_str().parse().ok()))
        .unwrap_or(f64::NAN)
}

fn expect_eq<T: PartialEq + std::fmt::Debug>(what: &str, got: T, want: T) -> Check {
    if got == want {
        Ok(())
    } else {
        Err(format!("{what}: got {got:?}, want {want:?}"))
    }
}

/// JSON equality as Python sees it: numbers by value (600 == 600.0), dict
/// keys in order.
fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_str() == y.as_str() || num(a) == num(b),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((ka, va), (kb, vb))| ka == kb && json_eq(va, vb))
        }
        _ => a == b,
    }
}

fn expect_json(what: &str, got: &Value, want: &Value) -> Check {
    if json_eq(got, want) {
        Ok(())
    } else {
        Err(format!("{what}: got {got}, want {want}"))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len() / 2)
        .filter_map(|i| u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok())
        .collect()
}

/// The Python exception class our error stands for.
fn python_exception(e: &Error) -> &'static str {
    match e {
        Error::BadSignature(_) => "BadSignature",
        Error::SignatureExpired(_) => "SignatureExpired",
        Error::BadPayload(p) => match p {
            PayloadError::MissingTimestamp | PayloadError::BadTimestamp => "ValueError",
            PayloadError::EmptyTimestamp => "IndexError",
            PayloadError::Base64(_) => "Error",
            PayloadError::Zlib(_) => "error",
            PayloadError::Json(_) => "JSONDecodeError",
        },
        Error::KeyNotFound(_) => "KeyError",
        Error::InvalidExpiry(m) if m.contains("offset-naive") => "TypeError",
        Error::InvalidExpiry(_) => "ValueError",
        Error::UpdateError => "UpdateError",
        Error::CreateError => "CreateError",
        Error::SessionInterrupted => "SessionInterrupted",
        Error::InvalidSessionKey => "InvalidSessionKey",
        _ => "Exception",
    }
}

/// Compares a result with `{"outcome": "ok", "value": ...}` /
/// `{"outcome": "error", "exception": ..., "message": ...}`. Messages are
/// compared for BadSignature (they name the signature); for the rest the
/// exception class is the contract.
fn expect_outcome(got: Result<Value, Error>, want: &Value) -> Check {
    match (got, want["outcome"].as_str()) {
        (Ok(v), Some("ok")) => expect_json("value", &v, &want["value"]),
        (Err(e), Some("error")) => {
            expect_eq(
                "exception",
                python_exception(&e),
                want["exception"].as_str().unwrap_or_default(),
            )?;
            if let Error::BadSignature(m) = &e {
                expect_eq(
                    "message",
                    m.as_str(),
                    want["message"].as_str().unwrap_or_default(),
                )?;
            }
            Ok(())
        }
        (Ok(v), _) => Err(format!("got {v}, want error {}", want["exception"])),
        (Err(e), _) => Err(format!("got error {e:?}, want {}", want["value"])),
    }
}

// ---------------------------------------------------------------- primitives

fn b62(_: &Oracle, v: &Value) -> Verdict {
    let (n, encoded) = (
        v["int"].as_i64().unwrap_or_default(),
        v["encoded"].as_str().unwrap_or_default(),
    );
    verdict(
        expect_eq("encode", signing::b62_encode(n).as_str(), encoded)
            .and_then(|()| expect_eq("decode", signing::b62_decode(encoded).ok(), Some(n))),
    )
}

fn b62_decode_edge(_: &Oracle, v: &Value) -> Verdict {
    let got = signing::b62_decode(v["input"].as_str().unwrap_or_default()).map(Value::from);
    verdict(expect_outcome(got, &v["result"]))
}

fn b64(_: &Oracle, v: &Value) -> Verdict {
    let bytes = unhex(v["bytes_hex"].as_str().unwrap_or_default());
    let encoded = v["encoded"].as_str().unwrap_or_default();
    verdict(
        expect_eq("encode", signing::b64_encode(&bytes).as_str(), encoded).and_then(|()| {
            expect_eq(
                "decode",
                signing::b64_decode(encoded.as_bytes()).ok(),
                Some(bytes),
            )
        }),
    )
}

fn b64_decode_edge(_: &Oracle, v: &Value) -> Verdict {
    let got = signing::b64_decode(v["input"].as_str().unwrap_or_default().as_bytes())
        .map(|b| Value::from(hex(&b)));
    verdict(expect_outcome(got, &v["result_hex"]))
}

fn algorithm(name: &Value) -> Option<Algorithm> {
    match name.as_str() {
        None | Some("sha1") => Some(Algorithm::Sha1), // salted_hmac's default in Django 5.2
        Some("sha256") => Some(Algorithm::Sha256),
        Some("sha512") => Some(Algorithm::Sha512),
        Some(_) => None,
    }
}

fn salted_hmac(_: &Oracle, v: &Value) -> Verdict {
    let Some(alg) = algorithm(&v["algorithm"]) else {
        return Verdict::Skip(format!(
            "algorithm {} is not one Django signs with",
            v["algorithm"]
        ));
    };
    let s = |k: &str| v[k].as_str().unwrap_or_default();
    let digest = signing::salted_hmac(alg, s("key_salt"), s("value").as_bytes(), s("secret"));
    verdict(expect_eq(
        "hexdigest",
        hex(&digest).as_str(),
        s("hexdigest"),
    ))
}

fn base64_hmac(_: &Oracle, v: &Value) -> Verdict {
    let Some(alg) = algorithm(&v["algorithm"]) else {
        return Verdict::Skip(format!(
            "algorithm {} is not one Django signs with",
            v["algorithm"]
        ));
    };
    let s = |k: &str| v[k].as_str().unwrap_or_default();
    verdict(expect_eq(
        "result",
        signing::base64_hmac(alg, s("salt"), s("value"), s("key")).as_str(),
        s("result"),
    ))
}

/// `Signer(**kwargs)`. Our `Signer` is SHA-256 only, like every signer
/// Django's sessions use; for other algorithms the signature is checked
/// through `base64_hmac`, which is what Django's `Signer.signature` calls.
fn signer(_: &Oracle, v: &Value) -> Verdict {
    let s = |k: &str| v[k].as_str().unwrap_or_default();
    let (key, salt, sep, value) = (s("key_used"), s("salt_used"), s("sep_used"), s("value"));
    let check = match algorithm(&v["algorithm_used"]) {
        Some(Algorithm::Sha256) => Signer::new(key, &[] as &[&str], salt)
            .with_separator(sep)
            .map_err(|e| e.to_string())
            .and_then(|signer| {
                expect_eq(
                    "signature",
                    signer.signature(value).as_str(),
                    s("signature"),
                )?;
                expect_eq("signed", signer.sign(value).as_str(), s("signed"))?;
                expect_eq("unsign", signer.unsign(s("signed")).ok(), Some(value))
            }),
        Some(alg) => {
            let sig = signing::base64_hmac(alg, &format!("{salt}signer"), value, key);
            expect_eq("signature", sig.as_str(), s("signature")).and_then(|()| {
                expect_eq("signed", format!("{value}{sep}{sig}").as_str(), s("signed"))
            })
        }
        None => return Verdict::Skip("unknown algorithm".into()),
    };
    verdict(check)
}

fn timestamp_signer(o: &Oracle, v: &Value) -> Verdict {
    let s = |k: &str| v[k].as_str().unwrap_or_default();
    let signer = TimestampSigner::new(&o.secret, &[] as &[&str], s("salt"));
    let signed = signer.sign(s("value"), num(&v["now"]));
    verdict(
        expect_eq("signed", signed.as_str(), s("signed")).and_then(|()| {
            expect_eq(
                "unsign",
                signer.unsign(&signed, None, num(&v["now"])).ok(),
                Some(s("value")),
            )
        }),
    )
}

// ---------------------------------------------------------------- signing

/// Byte equality for uncompressed tokens. A compressed token (ours or
/// Django's) is checked for equivalence: ours verifies under the same key
/// and salt, inflates to exactly Django's JSON, was compressed iff our
/// deflate saves 2 bytes, and Django's token loads to the same value.
fn expect_token(
    ours: &str,
    django: &str,
    json_text: &str,
    signer: &TimestampSigner,
    now: f64,
) -> Check {
    if ours == django {
        return Ok(());
    }
    if !ours.starts_with('.') && !django.starts_with('.') {
        return Err(format!("token: got {ours}, want {django}"));
    }
    let payload = signer
        .unsign(ours, None, now)
        .map_err(|e| format!("our token does not verify: {e}"))?;
    let inflated =
        signing::decode_payload(payload, usize::MAX).map_err(|e| format!("our payload: {e}"))?;
    expect_eq(
        "our inflated JSON",
        String::from_utf8_lossy(&inflated).as_ref(),
        json_text,
    )?;
    let deflated_len = edge_sessions::deflate::zlib_compress(json_text.as_bytes()).len();
    expect_eq(
        "compression decision",
        ours.starts_with('.'),
        deflated_len + 1 < json_text.len(),
    )?;
    let theirs = signer
        .unsign_object(django, None, now)
        .map_err(|e| format!("Django's token does not load: {e}"))?;
    let ours_value = signer
        .unsign_object(ours, None, now)
        .map_err(|e| e.to_string())?;
    expect_json("Django's token loads to", &theirs, &ours_value)
}

fn signing_dumps(o: &Oracle, v: &Value) -> Verdict {
    let key = v["key"].as_str().unwrap_or(&o.secret);
    let salt = v["salt"].as_str().unwrap_or(signing::DEFAULT_SALT);
    let now = num(&v["now"]);
    let signer = TimestampSigner::new(key, &[] as &[&str], salt);
    let check = || -> Check {
        let json_text = edge_sessions::json::dumps(&v["obj"]).map_err(|e| e.to_string())?;
        expect_eq(
            "json",
            json_text.as_str(),
            v["json"].as_str().unwrap_or_default(),
        )?;
        let token = signer
            .sign_object(&v["obj"], v["compress"].as_bool().unwrap_or(false), now)
            .map_err(|e| e.to_string())?;
        expect_token(
            &token,
            v["expected"].as_str().unwrap_or_default(),
            &json_text,
            &signer,
            now,
        )?;
        let loaded =
            signing::loads(&token, key, &[], salt, None, now).map_err(|e| e.to_string())?;
        expect_json("round trip", &loaded, &v["obj"])
    };
    verdict(check())
}

fn max_age(v: &Value) -> Option<f64> {
    match v {
        Value::Null => None,
        Value::Object(o) => o.get("timedelta_seconds").map(num),
        n => Some(num(n)),
    }
}

fn verification(o: &Oracle, v: &Value) -> Verdict {
    let key = v["key"].as_str().unwrap_or(&o.secret);
    let fallbacks = match &v["fallback_keys"] {
        Value::Null => o.fallbacks.clone(),
        list => strings(list),
    };
    let salt = v["salt"].as_str().unwrap_or(signing::DEFAULT_SALT);
    let now = num(&v["now"]);
    let got = TimestampSigner::new(key, &fallbacks, salt).unsign_object(
        v["input"].as_str().unwrap_or_default(),
        max_age(&v["max_age"]),
        now,
    );
    let check = expect_outcome(got, &v["expected"]).and_then(|()| {
        let Some(decode) = v.get("session_decode") else {
            return Ok(());
        };
        let mut settings = o.settings();
        settings.session_class = salt
            .strip_prefix("django.contrib.sessions.")
            .unwrap_or("SessionStore")
            .to_owned();
        let config = Config::new(settings).map_err(|e| e.to_string())?;
        let decoded = config.decode_value(v["input"].as_str().unwrap_or_default(), now);
        let logged = decoded.as_ref().err().is_some_and(Error::is_bad_signature);
        expect_eq(
            "logged SuspiciousSession",
            logged,
            !decode["logged_suspicious_session"]
                .as_array()
                .is_none_or(Vec::is_empty),
        )?;
        expect_json(
            "session decode",
            &decoded.unwrap_or_else(|_| Value::Object(Dict::new())),
            &decode["result"],
        )
    });
    verdict(check)
}

fn config_for(o: &Oracle, key_salt: &str) -> Result<Rc<Config>, String> {
    let mut settings = o.settings();
    settings.session_class = key_salt
        .strip_prefix("django.contrib.sessions.")
        .unwrap_or("SessionStore")
        .to_owned();
    Config::new(settings).map_err(|e| e.to_string())
}

fn session_encode(o: &Oracle, v: &Value) -> Verdict {
    let now = num(&v["now"]);
    let key_salt = v["key_salt"].as_str().unwrap_or_default();
    let check = || -> Check {
        let config = config_for(o, key_salt)?;
        let dict = v["session_dict"].as_object().cloned().unwrap_or_default();
        let token = config.encode(&dict, now).map_err(|e| e.to_string())?;
        let json_text = edge_sessions::json::dumps_dict(&dict).map_err(|e| e.to_string())?;
        let signer = TimestampSigner::new(&o.secret, &o.fallbacks, key_salt);
        expect_token(
            &token,
            v["expected"].as_str().unwrap_or_default(),
            &json_text,
            &signer,
            now,
        )?;
        let (decoded, problem) = config.decode(v["expected"].as_str().unwrap_or_default(), now);
        expect_eq("decode problem", problem, None)?;
        expect_json("decode", &Value::Object(decoded), &v["session_dict"])
    };
    verdict(check())
}

// ---------------------------------------------------------------- ops

/// A tagged value of the oracle (`{"int": 1}`, `{"datetime": "..."}`...).
enum Tagged {
    None,
    Number(f64),
    Timedelta(f64),
    Date(DateTime),
    Str(String),
}

fn tagged(v: &Value) -> Result<Tagged, String> {
    let o = v
        .as_object()
        .ok_or_else(|| format!("not a tagged value: {v}"))?;
    let (tag, value) = o.iter().next().ok_or("empty tagged value")?;
    Ok(match tag.as_str() {
        "none" => Tagged::None,
        "int" | "float" => Tagged::Number(num(value)),
        "timedelta_seconds" => Tagged::Timedelta(num(value)),
        "datetime" | "naive_datetime" => Tagged::Date(
            DateTime::parse_iso(value.as_str().unwrap_or_default()).map_err(|e| e.to_string())?,
        ),
        "str" => Tagged::Str(value.as_str().unwrap_or_default().to_owned()),
        other => return Err(format!("unknown tag {other}")),
    })
}

fn expiry_value(t: Tagged) -> ExpiryValue {
    match t {
        Tagged::None => ExpiryValue::Stored(Value::Null),
        Tagged::Number(n) => {
            ExpiryValue::Stored(serde_json::from_str(&n.to_string()).unwrap_or(Value::Null))
        }
        Tagged::Timedelta(s) => ExpiryValue::Stored(Value::from(s)),
        Tagged::Date(d) => ExpiryValue::At(d),
        Tagged::Str(s) => ExpiryValue::Stored(Value::String(s)),
    }
}

fn kwargs(args: &[Value]) -> Result<(Option<DateTime>, Option<ExpiryValue>), String> {
    let Some(kw) = args.first().and_then(Value::as_object) else {
        return Ok((None, None));
    };
    let modification = match kw.get("modification").map(tagged).transpose()? {
        Some(Tagged::Date(d)) => Some(d),
        Some(_) => return Err("modification must be a datetime".into()),
        None => None,
    };
    let expiry = kw.get("expiry").map(tagged).transpose()?.map(expiry_value);
    Ok((modification, expiry))
}

fn date_result(d: DateTime) -> Value {
    serde_json::json!({ "datetime": d.isoformat() })
}

fn age_result(age: f64) -> Value {
    if age.fract() == 0.0 {
        Value::from(age as i64)
    } else {
        Value::from(age)
    }
}

/// A second session on the same store deletes this one (a concurrent logout).
async fn delete_in_store<E: Engine>(s: &Session<E>) -> edge_sessions::Result<()> {
    let mut other = Session::new(&s.engine, s.config().clone(), s.session_key(), s.now);
    other.delete(None).await
}

/// Applies one oracle op; `Ok(Err(exception name))` is a raised exception.
async fn apply_op<E: Engine>(s: &mut Session<E>, op: &[Value]) -> Result<Value, String> {
    let name = op.first().and_then(Value::as_str).unwrap_or_default();
    let args = op.get(1..).unwrap_or_default();
    let arg = |i: usize| args.get(i).cloned().unwrap_or(Value::Null);
    let key = args
        .first()
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let result: edge_sessions::Result<Value> = match name {
        "set" => s.set(&key, arg(1)).await.map(|()| Value::Null),
        "getitem" => s.get_item(&key).await,
        "get" => s.get(&key).await.map(|v| v.unwrap_or_else(|| arg(1))),
        "del" => s.delete_item(&key).await.map(|()| Value::Null),
        "pop" if args.len() > 1 => s.pop_or(&key, arg(1)).await,
        "pop" => s.pop(&key).await,
        "setdefault" => s.setdefault(&key, arg(1)).await,
        "update" => s
            .update(arg(0).as_object().cloned().unwrap_or_default())
            .await
            .map(|()| Value::Null),
        "contains" | "has_key" => s.contains(&key).await.map(Value::from),
        "keys" => s.keys().await.map(Value::from),
        "values" => s.values().await.map(Value::from),
        "items" => s.items().await.map(|d| {
            Value::Array(
                d.into_iter()
                    .map(|(k, v)| Value::Array(vec![k.into(), v]))
                    .collect(),
            )
        }),
        "clear" => {
            s.clear();
            Ok(Value::Null)
        }
        "flush" => s.flush().await.map(|()| Value::Null),
        "cycle_key" => s.cycle_key().await.map(|()| Value::Null),
        "save" if arg(0) == Value::Bool(true) => s.save_new().await.map(|()| Value::Null),
        "save" => s.save().await.map(|()| Value::Null),
        "set_expiry" => {
            let expiry = match tagged(&arg(0))? {
                Tagged::None => Expiry::Default,
                Tagged::Number(n) => Expiry::Seconds(n),
                Tagged::Timedelta(t) => Expiry::In(t),
                Tagged::Date(d) => Expiry::At(d),
                Tagged::Str(_) => {
                    return Err("set_expiry with a string is not an API of ours".into())
                }
            };
            s.set_expiry(expiry).await.map(|()| Value::Null)
        }
        "get_expiry_age" => {
            let (modification, expiry) = kwargs(args)?;
            s.get_expiry_age_with(modification, expiry)
                .await
                .map(age_result)
        }
        "get_expiry_date" => {
            let (modification, expiry) = kwargs(args)?;
            s.get_expiry_date_with(modification, expiry)
                .await
                .map(date_result)
        }
        "get_expire_at_browser_close" => s.get_expire_at_browser_close().await.map(Value::from),
        "set_test_cookie" => s.set_test_cookie().await.map(|()| Value::Null),
        "test_cookie_worked" => s.test_cookie_worked().await.map(Value::from),
        "delete_test_cookie" => s.delete_test_cookie().await.map(|()| Value::Null),
        "is_empty" => Ok(Value::from(s.is_empty())),
        "reset_flags" => {
            s.accessed = false;
            s.modified = false;
            Ok(Value::Null)
        }
        "delete_in_store" => delete_in_store(s).await.map(|()| Value::Null),
        other => return Err(format!("unknown op {other}")),
    };
    Ok(match result {
        Ok(v) => serde_json::json!({ "return": v }),
        Err(e) => serde_json::json!({ "raises": python_exception(&e) }),
    })
}

fn expect_op_result(i: usize, got: &Value, want: &Value) -> Check {
    // `get` with a default the oracle spells "<absent>" returns that default.
    expect_json(&format!("op {i} result"), got, want)
}

// ---------------------------------------------------------------- engines for replays

/// Runs `f` with a session of the named backend over `stores`.
macro_rules! with_backend {
    ($backend:expr, $stores:expr, |$engine:ident| $body:expr) => {
        match $backend {
            "signed_cookies" => {
                let $engine = SignedCookies;
                $body
            }
            "cache" => {
                let $engine = CacheEngine::new($stores.cache.clone());
                $body
            }
            "db" => {
                let $engine = DbEngine::new($stores.db.clone());
                $body
            }
            "cached_db" => {
                let $engine = CachedDbEngine::new($stores.cache.clone(), $stores.db.clone());
                $body
            }
            "file" => {
                let $engine = FileEngine::new($stores.files.clone());
                $body
            }
            other => Err(format!("unknown backend {other}")),
        }
    };
}

/// Django's `precreate`: `save(must_create=True)`, `update(data)`, `save()` at time `t`.
async fn precreate<E: Engine>(
    engine: E,
    config: &Rc<Config>,
    key: &str,
    data: &Value,
    t: f64,
) -> Check {
    let mut s = Session::new(engine, config.clone(), Some(key), t);
    s.save_new().await.map_err(|e| format!("precreate: {e}"))?;
    s.update(data.as_object().cloned().unwrap_or_default())
        .await
        .map_err(|e| e.to_string())?;
    s.save().await.map_err(|e| format!("precreate: {e}"))
}

fn normalize_key(key: Option<&str>, backend: &str) -> Value {
    match key {
        None => Value::Null,
        Some(k)
            if backend != "signed_cookies"
                && k.len() == 32
                && !k.starts_with("oracle0fixed")
                && !k.starts_with("unknownkey")
                && k.bytes()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()) =>
        {
            "<random32>".into()
        }
        Some(k) => k.into(),
    }
}

fn state_of<E>(s: &Session<E>, backend: &str) -> Value {
    let state: &SessionState = s;
    serde_json::json!({
        "accessed": state.accessed,
        "modified": state.modified,
        "session_key": normalize_key(state.key(), backend),
        "cache_loaded": state.is_loaded(),
        "cache": state.loaded().cloned().map_or(Value::Null, Value::Object),
    })
}

// ---------------------------------------------------------------- signed cookies

fn signed_cookie_value(o: &Oracle, v: &Value) -> Verdict {
    let now = num(&v["now"]);
    let check = block_on(async {
        let config = o.config();
        let mut s = Session::new(SignedCookies, config.clone(), None, now);
        for op in v["ops"].as_array().into_iter().flatten() {
            apply_op(&mut s, op.as_array().map(Vec::as_slice).unwrap_or_default()).await?;
        }
        s.save().await.map_err(|e| e.to_string())?;
        expect_json(
            "session dict",
            &Value::Object(s.loaded().cloned().unwrap_or_default()),
            &v["session_dict"],
        )?;
        let json_text =
            edge_sessions::json::dumps(&v["session_dict"]).map_err(|e| e.to_string())?;
        let signer = TimestampSigner::new(
            &o.secret,
            &o.fallbacks,
            edge_sessions::session::SIGNED_COOKIES_SALT,
        );
        expect_token(
            s.session_key().unwrap_or_default(),
            v["expected_cookie_value"].as_str().unwrap_or_default(),
            &json_text,
            &signer,
            now,
        )
    });
    verdict(check)
}

fn signed_cookie_load(o: &Oracle, v: &Value) -> Verdict {
    let mut settings = o.settings();
    if let Some(age) = v["SESSION_COOKIE_AGE"].as_i64() {
        settings.cookie_age = age;
    }
    let want = &v["expected"];
    let check = block_on(async {
        let config = Config::new(settings).map_err(|e| e.to_string())?;
        let mut s = Session::new(
            SignedCookies,
            config,
            v["cookie_value"].as_str(),
            num(&v["now"]),
        );
        let loaded = s.items().await.map_err(|e| e.to_string())?;
        expect_json("result", &Value::Object(loaded), &want["result"])?;
        expect_eq(
            "reset (modified)",
            s.modified,
            want["reset_by_create_modified"]
                .as_bool()
                .unwrap_or_default(),
        )?;
        expect_eq(
            "session key after",
            s.session_key(),
            want["session_key_after"].as_str(),
        )
    });
    verdict(check)
}

fn signed_cookie_cycle(o: &Oracle, v: &Value) -> Verdict {
    let check = block_on(async {
        let mut s = Session::new(
            SignedCookies,
            o.config(),
            v["initial_cookie"].as_str(),
            num(&v["now"]),
        );
        s.cycle_key().await.map_err(|e| e.to_string())?;
        expect_eq(
            "cookie",
            s.session_key(),
            v["expected_cookie_value"].as_str(),
        )?;
        expect_eq(
            "modified",
            s.modified,
            v["modified"].as_bool().unwrap_or_default(),
        )
    });
    verdict(check)
}

// ---------------------------------------------------------------- expiry, traces

fn apply_settings(settings: &mut Settings, overrides: &Value) -> Check {
    for (name, value) in overrides.as_object().into_iter().flatten() {
        let text = || value.as_str().map(str::to_owned);
        match name.as_str() {
            "SESSION_EXPIRE_AT_BROWSER_CLOSE" => {
                settings.expire_at_browser_close = value.as_bool().unwrap_or_default()
            }
            "SESSION_SAVE_EVERY_REQUEST" => {
                settings.save_every_request = value.as_bool().unwrap_or_default()
            }
            "SESSION_COOKIE_AGE" => {
                settings.cookie_age = value.as_i64().ok_or("SESSION_COOKIE_AGE")?
            }
            "SESSION_COOKIE_SECURE" => settings.cookie_secure = value.as_bool().unwrap_or_default(),
            "SESSION_COOKIE_HTTPONLY" => {
                settings.cookie_httponly = value.as_bool().unwrap_or_default()
            }
            "SESSION_COOKIE_DOMAIN" => settings.cookie_domain = text(),
            "SESSION_COOKIE_SAMESITE" => settings.cookie_samesite = text(),
            "SESSION_COOKIE_NAME" => settings.cookie_name = text().ok_or("SESSION_COOKIE_NAME")?,
            "SESSION_COOKIE_PATH" => settings.cookie_path = text().ok_or("SESSION_COOKIE_PATH")?,
            other => return Err(format!("setting {other} not replayed")),
        }
    }
    Ok(())
}

fn expiry(o: &Oracle, v: &Value) -> Verdict {
    let check = block_on(async {
        let mut settings = o.settings();
        apply_settings(&mut settings, &v["settings"])?;
        let config = Config::new(settings).map_err(|e| e.to_string())?;
        let mut s = Session::new(SignedCookies, config, None, num(&v["now"]));
        let wants = v["expected_results"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for (i, op) in v["ops"].as_array().into_iter().flatten().enumerate() {
            let got =
                apply_op(&mut s, op.as_array().map(Vec::as_slice).unwrap_or_default()).await?;
            expect_op_result(i, &got, wants.get(i).unwrap_or(&Value::Null))?;
        }
        Ok(())
    });
    verdict(check)
}

fn trace(o: &Oracle, v: &Value) -> Verdict {
    let backend = v["backend"].as_str().unwrap_or_default();
    let now = num(&v["now"]);
    let stores = Stores::default();
    let config = o.config();
    let check: Check = block_on(async {
        if let Some(pre) = v["precreated"].as_object() {
            let t = num(&pre["t"]);
            stores.set_now(t);
            let key = pre["key"].as_str().unwrap_or_default();
            with_backend!(backend, stores, |engine| precreate(
                engine,
                &config,
                key,
                &pre["data"],
                t
            )
            .await)?;
        }
        stores.set_now(now);
        with_backend!(backend, stores, |engine| {
            let mut s = Session::new(engine, config.clone(), v["init_key"].as_str(), now);
            expect_json(
                "initial state",
                &state_of(&s, backend),
                &v["expected"]["initial_state"],
            )?;
            for (i, step) in v["expected"]["steps"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
            {
                let got = apply_op(
                    &mut s,
                    step["op"].as_array().map(Vec::as_slice).unwrap_or_default(),
                )
                .await?;
                expect_op_result(i, &got, &step["result"])?;
                expect_json(
                    &format!("state after op {i}"),
                    &state_of(&s, backend),
                    &step["state"],
                )?;
            }
            Ok(())
        })
    });
    verdict(check)
}

// ---------------------------------------------------------------- middleware

fn middleware_scenario(o: &Oracle, v: &Value) -> Verdict {
    let sc = &v["scenario"];
    let want = &v["expected"];
    let backend = sc["backend"].as_str().unwrap_or_default();
    let now = num(&sc["now"]);
    let stores = Stores::default();
    let check: Check = block_on(async {
        let mut settings = o.settings();
        apply_settings(&mut settings, &sc["settings"])?;
        let config = Config::new(settings).map_err(|e| e.to_string())?;
        for pre in sc["precreate"].as_array().into_iter().flatten() {
            let t = num(&pre["t"]);
            stores.set_now(t);
            let key = pre["key"].as_str().unwrap_or_default();
            with_backend!(backend, stores, |engine| precreate(
                engine,
                &config,
                key,
                &pre["data"],
                t
            )
            .await)?;
        }
        stores.set_now(now);
        let name = config.settings.cookie_name.clone();
        let cookie = sc["request_cookies"].get(&name).and_then(Value::as_str);
        with_backend!(backend, stores, |engine| {
            let mut s = Session::new(engine, config.clone(), cookie, now);
            let mut results = Vec::new();
            for op in sc["view_ops"].as_array().into_iter().flatten() {
                results.push(
                    apply_op(&mut s, op.as_array().map(Vec::as_slice).unwrap_or_default()).await?,
                );
            }
            expect_json(
                "view op results",
                &Value::Array(results),
                &want["view_ops_results"],
            )?;
            let status = sc["status"].as_u64().unwrap_or(200) as u16;
            let outcome = middleware::process_response(&mut s, cookie.is_some(), status).await;
            let headers = match (
                outcome,
                want.get("raises"),
                sc["convert_exceptions"].as_bool().unwrap_or(false),
            ) {
                (Err(e), Some(raised), _) => {
                    return expect_eq(
                        "raises",
                        python_exception(&e),
                        raised.as_str().unwrap_or_default(),
                    )
                }
                // Django's exception handler answers SessionInterrupted with a bare 400.
                (Err(Error::SessionInterrupted), None, true) => {
                    expect_eq(
                        "status",
                        400,
                        want["status_code"].as_u64().unwrap_or_default(),
                    )?;
                    expect_eq(
                        "set cookies",
                        0,
                        want["set_cookie_headers"].as_array().map_or(0, Vec::len),
                    )?;
                    return expect_eq("vary", None, want["vary"].as_str());
                }
                (Err(e), ..) => return Err(format!("process_response failed: {e}")),
                (Ok(_), Some(raised), _) => return Err(format!("did not raise {raised}")),
                (Ok(h), None, _) => h,
            };
            expect_eq(
                "status",
                u64::from(status),
                want["status_code"].as_u64().unwrap_or_default(),
            )?;
            let existing_vary = sc["response_headers"]["Vary"].as_str();
            let vary = if headers.vary_cookie {
                Some(edge_sessions::cookie::vary_with_cookie(existing_vary))
            } else {
                existing_vary.map(str::to_owned)
            };
            expect_eq("vary", vary.as_deref(), want["vary"].as_str())?;
            let set_cookies: Vec<String> = headers.set_cookie.into_iter().collect();
            let wanted: Vec<String> = strings(&want["set_cookie_headers"]);
            if set_cookies != wanted {
                expect_equivalent_cookies(&set_cookies, &wanted, &config, now)?;
            }
            let after = s
                .loaded()
                .cloned()
                .map(Value::Object)
                .unwrap_or(Value::Null);
            expect_json("session after", &after, &want["session_after"])?;
            let key_after = normalize_key(s.session_key(), backend);
            let want_key = normalize_key(want["session_key_after"].as_str(), backend);
            if key_after != want_key
                && !(backend == "signed_cookies"
                    && compressed_equivalent(&key_after, &want_key, &config, now))
            {
                return Err(format!(
                    "session key after: got {key_after}, want {want_key}"
                ));
            }
            Ok(())
        })
    });
    verdict(check)
}

/// Set-Cookie headers that differ only by a signed_cookies value compressed
/// with another deflate, or by a random session key.
fn expect_equivalent_cookies(got: &[String], want: &[String], config: &Config, now: f64) -> Check {
    let split = |h: &str| -> (String, String) {
        let (first, rest) = h.split_once(';').unwrap_or((h, ""));
        (
            first.split_once('=').map_or("", |(_, v)| v).to_owned(),
            rest.to_owned(),
        )
    };
    if got.len() != want.len() {
        return Err(format!("set-cookie: got {got:?}, want {want:?}"));
    }
    for (g, w) in got.iter().zip(want) {
        let ((gv, gattrs), (wv, wattrs)) = (split(g), split(w));
        let same_value = normalize_key(Some(&gv), "db") == normalize_key(Some(&wv), "db")
            || compressed_equivalent(&gv.clone().into(), &wv.clone().into(), config, now);
        if gattrs != wattrs || !same_value {
            return Err(format!("set-cookie: got {g:?}, want {w:?}"));
        }
    }
    Ok(())
}

fn compressed_equivalent(ours: &Value, django: &Value, config: &Config, now: f64) -> bool {
    let (Some(ours), Some(django)) = (ours.as_str(), django.as_str()) else {
        return false;
    };
    if !ours.starts_with('.') && !django.starts_with('.') {
        return false;
    }
    let signer = TimestampSigner::new(
        &config.settings.secret_key,
        &config.settings.secret_key_fallbacks,
        edge_sessions::session::SIGNED_COOKIES_SALT,
    );
    match (
        signer.unsign_object(ours, None, now),
        signer.unsign_object(django, None, now),
    ) {
        (Ok(a), Ok(b)) => json_eq(&a, &b),
        _ => false,
    }
}

// ---------------------------------------------------------------- storage

fn storage(o: &Oracle, v: &Value) -> Verdict {
    let id = v["id"].as_str().unwrap_or_default();
    let backend = v["backend"].as_str().unwrap_or_default();
    let now = num(&v["now"]);
    let want = &v["expected"];
    let stores = Stores::default();
    stores.set_now(now);
    let config = o.config();
    let key = "oracle0fixed0session0key00000001";
    let check: Check = block_on(async {
        if id.starts_with("storage/db_load/") {
            let row = &v["row"];
            let expire_date = DateTime::parse_iso(row["expire_date"].as_str().unwrap_or_default())
                .map_err(|e| e.to_string())?;
            let row_key = row["session_key"].as_str().unwrap_or_default();
            stores.db.put(Row {
                session_key: row_key.into(),
                session_data: row["session_data"].as_str().unwrap_or_default().into(),
                expire_date,
            });
            let engine = DbEngine::new(stores.db.clone());
            let mut s = Session::new(engine, config.clone(), Some(row_key), now);
            let loaded = s.items().await.map_err(|e| e.to_string())?;
            expect_json("loaded", &Value::Object(loaded), &want["loaded"])?;
            return expect_eq(
                "key after",
                s.session_key(),
                want["session_key_after"].as_str(),
            );
        }
        if id == "storage/cached_db_load_repopulates_cache" {
            let t = num(&v["saved_at"]);
            stores.set_now(t);
            let mut s = Session::new(
                CachedDbEngine::new(stores.cache.clone(), stores.db.clone()),
                config.clone(),
                Some(key),
                t,
            );
            s.save_new().await.map_err(|e| e.to_string())?;
            s.set("hello", "world".into())
                .await
                .map_err(|e| e.to_string())?;
            s.save().await.map_err(|e| e.to_string())?;
            let cache_key = want["cache_key"].as_str().unwrap_or_default();
            stores.cache.clear();
            stores.set_now(now);
            let mut s2 = Session::new(
                CachedDbEngine::new(stores.cache.clone(), stores.db.clone()),
                config.clone(),
                Some(key),
                now,
            );
            let loaded = s2.items().await.map_err(|e| e.to_string())?;
            expect_json("loaded", &Value::Object(loaded), &want["loaded"])?;
            return expect_cache_entry(
                &stores,
                cache_key,
                &want["cached_value"],
                num(&want["locmem_expire_at_minus_now"]),
                now,
            );
        }
        if id == "storage/cached_db_cache_write_failure_non_fatal" {
            let failing = Rc::new(FailingWrites(MemoryCache::new()));
            let fixed3 = "oracle0fixed0session0key00000003";
            let mut s = Session::new(
                CachedDbEngine::new(failing.clone(), stores.db.clone()),
                config.clone(),
                Some(fixed3),
                now,
            );
            s.save_new()
                .await
                .map_err(|e| format!("save(must_create) raised: {e}"))?;
            s.set("key", "val".into())
                .await
                .map_err(|e| e.to_string())?;
            s.save().await.map_err(|e| format!("save raised: {e}"))?;
            expect_eq(
                "db row written",
                stores.db.row(fixed3).is_some(),
                want["db_row_written"].as_bool().unwrap_or_default(),
            )?;
            return expect_eq(
                "cache failure recorded",
                s.load_problem().map(Error::name),
                Some("StorageError"),
            );
        }
        with_backend!(backend, stores, |engine| {
            let mut s = Session::new(engine, config.clone(), Some(key), now);
            s.save_new().await.map_err(|e| e.to_string())?;
            s.update(v["data"].as_object().cloned().unwrap_or_default())
                .await
                .map_err(|e| e.to_string())?;
            for op in v["ops"].as_array().into_iter().flatten() {
                apply_op(&mut s, op.as_array().map(Vec::as_slice).unwrap_or_default()).await?;
            }
            s.save().await.map_err(|e| e.to_string())?;
            Ok(())
        })?;
        if let Some(data) = want["session_data"].as_str() {
            let row = stores.db.row(key).ok_or("no row")?;
            expect_eq("session_data", row.session_data.as_str(), data)?;
            expect_eq(
                "expire_date",
                row.expire_date.isoformat().as_str(),
                want["expire_date"].as_str().unwrap_or_default(),
            )?;
        }
        if let Some(decoded) = want.get("get_decoded") {
            let row = stores.db.row(key).ok_or("no row")?;
            expect_json(
                "get_decoded",
                &Value::Object(config.decode(&row.session_data, now).0),
                decoded,
            )?;
        }
        if let Some(cache_key) = want["cache_key"].as_str() {
            expect_cache_entry(
                &stores,
                cache_key,
                &want["cached_value"],
                num(&want["locmem_expire_at_minus_now"]),
                now,
            )?;
        }
        if let Some(name) = want["file_name"].as_str() {
            let file = stores
                .files
                .file(name)
                .ok_or_else(|| format!("no file {name}"))?;
            expect_eq(
                "file content",
                file.content.as_str(),
                want["content"].as_str().unwrap_or_default(),
            )?;
            expect_eq(
                "directory",
                stores.files.names(),
                strings(&want["dir_listing"]),
            )?;
        }
        Ok(())
    });
    verdict(check)
}

fn expect_cache_entry(stores: &Stores, key: &str, value: &Value, ttl: f64, now: f64) -> Check {
    let (text, expires) = stores
        .cache
        .entry(key)
        .ok_or_else(|| format!("no cache entry {key}"))?;
    let cached = edge_sessions::json::loads(text.as_bytes()).map_err(|e| e.to_string())?;
    expect_json("cached value", &cached, value)?;
    expect_eq("cache ttl", expires - now, ttl)
}

/// A cache whose writes fail, like Django's tests' `FailingCache`.
struct FailingWrites(MemoryCache);

impl edge_sessions::store::CacheStore for FailingWrites {
    async fn get(&self, key: &str) -> edge_sessions::Result<Option<String>> {
        self.0.get(key).await
    }
    async fn set(&self, _: &str, _: &str, _: u64) -> edge_sessions::Result<()> {
        Err(Error::Storage("Faked exception saving to cache".into()))
    }
    async fn add(&self, _: &str, _: &str, _: u64) -> edge_sessions::Result<bool> {
        Err(Error::Storage("Faked exception saving to cache".into()))
    }
    async fn delete(&self, key: &str) -> edge_sessions::Result<()> {
        self.0.delete(key).await
    }
}

// ---------------------------------------------------------------- keys, clearsessions

fn file_key(_: &Oracle, v: &Value) -> Verdict {
    let got = engines::file_name("sessionid", v["key"].as_str().unwrap_or_default());
    let want = &v["expected"];
    verdict(match (got, want["outcome"].as_str()) {
        (Ok(name), Some("ok")) => {
            expect_eq("file name", Some(name.as_str()), want["file_name"].as_str())
        }
        (Err(e), Some("error")) => expect_eq(
            "exception",
            python_exception(&e),
            want["exception"].as_str().unwrap_or_default(),
        ),
        (got, _) => Err(format!("got {got:?}, want {want}")),
    })
}

fn session_key_validation(o: &Oracle, v: &Value) -> Verdict {
    let s = Session::new(SignedCookies, o.config(), v["assigned"].as_str(), 0.0);
    verdict(expect_eq(
        "session_key",
        s.session_key(),
        v["expected_session_key"].as_str(),
    ))
}

fn clearsessions(o: &Oracle, v: &Value) -> Verdict {
    let engine_path = v["engine"].as_str().unwrap_or_default();
    let now = num(&v["now"]);
    let stores = Stores::default();
    stores.set_now(now);
    let config = o.config();
    let check: Check = block_on(async {
        let kind = match edge_sessions::EngineKind::parse(engine_path) {
            Ok(kind) => kind,
            Err(e) => {
                // Django: CommandError("Session engine '...' doesn't support clearing expired sessions.")
                let want = &v["expected"];
                expect_eq(
                    "outcome",
                    "error",
                    want["outcome"].as_str().unwrap_or_default(),
                )?;
                return expect_eq("refused", e.name(), "InvalidSetting");
            }
        };
        match kind {
            edge_sessions::EngineKind::Db => {
                let encoded = config
                    .encode(
                        &serde_json::json!({"a": 1})
                            .as_object()
                            .cloned()
                            .unwrap_or_default(),
                        now,
                    )
                    .map_err(|e| e.to_string())?;
                for (key, offset) in v["rows_expire_offsets"].as_object().into_iter().flatten() {
                    stores.db.put(Row {
                        session_key: key.clone(),
                        session_data: encoded.clone(),
                        expire_date: DateTime::from_timestamp(now + num(offset)),
                    });
                }
                DbEngine::new(stores.db.clone())
                    .clear_expired(&config, now)
                    .await
                    .map_err(|e| e.to_string())?;
                expect_eq(
                    "remaining",
                    stores.db.keys(),
                    strings(&v["expected_remaining"]),
                )
            }
            edge_sessions::EngineKind::File => {
                let mut labels = Vec::new();
                for case in v["cases"].as_array().into_iter().flatten() {
                    let mut data = serde_json::json!({"a": 1})
                        .as_object()
                        .cloned()
                        .unwrap_or_default();
                    if !case["_session_expiry"].is_null() {
                        data.insert("_session_expiry".into(), case["_session_expiry"].clone());
                    }
                    let key = case["key"].as_str().unwrap_or_default();
                    let content = config.encode(&data, now).map_err(|e| e.to_string())?;
                    stores.files.put(
                        &format!("sessionid{key}"),
                        &content,
                        now + num(&case["mtime_offset"]),
                    );
                    labels.push((
                        case["label"].as_str().unwrap_or_default().to_owned(),
                        format!("sessionid{key}"),
                    ));
                }
                FileEngine::new(stores.files.clone())
                    .clear_expired(&config, now)
                    .await
                    .map_err(|e| e.to_string())?;
                let names = stores.files.names();
                let mut survivors: Vec<String> = labels
                    .into_iter()
                    .filter(|(_, f)| names.contains(f))
                    .map(|(l, _)| l)
                    .collect();
                survivors.sort();
                expect_eq("survivors", survivors, strings(&v["expected_survivors"]))
            }
            other => {
                // cache, cached_db's cache side and signed_cookies: nothing to do, and no error.
                let result = with_backend!(other_name(other), stores, |engine| engine
                    .clear_expired(&config, now)
                    .await
                    .map_err(|e| e.to_string()));
                expect_eq(
                    "outcome",
                    if result.is_ok() { "ok" } else { "error" },
                    v["expected"]["outcome"].as_str().unwrap_or_default(),
                )
            }
        }
    });
    verdict(check)
}

fn other_name(kind: edge_sessions::EngineKind) -> &'static str {
    kind.django_path().rsplit('.').next().unwrap_or_default()
}
