//! The request cycle of the benchmarks (bench/), natively: parse a Cookie
//! header holding four cookies, verify and decode the signed_cookies
//! session, read `user_id`, increment `visits`, set `last_path`, encode,
//! sign and write the Set-Cookie header. Each cycle reads the cookie the
//! previous one set, as a browser sends it back.
//!
//! `bench_cycle [--payload two-key|realistic] [N]`: the session is the
//! two-key one (`{"user_id": 42, "visits": N}`) or the realistic one of
//! bench/README.md (a cart of three items with prices, a CSRF token, a
//! theme). Without N, prints one JSON line:
//! `{"median_us", "p25_us", "p75_us", "samples"}` over `SAMPLES` timed runs;
//! with N, runs N cycles untimed (for instruction counts under callgrind).

use edge_sessions::{
    block_on, cookie, engines::SignedCookies, middleware, Config, Dict, Session, Settings, Value,
};
use std::time::Instant;

const SAMPLES: usize = 30;
const NOW: f64 = 1_700_000_000.0;

/// The realistic session's data before its first cycle.
fn realistic(user_id: i64) -> Vec<(&'static str, Value)> {
    let item = |id: i64, qty: i64, price: f64| {
        let mut d = Dict::new();
        d.insert("id".into(), Value::from(id));
        d.insert("qty".into(), Value::from(qty));
        d.insert("price".into(), Value::Float(price));
        Value::Dict(d)
    };
    vec![
        ("user_id", Value::from(user_id)),
        (
            "cart",
            Value::List(vec![
                item(101, 2, 19.99),
                item(205, 1, 5.49),
                item(333, 3, 120.5),
            ]),
        ),
        ("csrf", Value::from("a3f9c2e1b7d64f08a9e2c5b1d3f7e6a4")),
        ("theme", Value::from("dark")),
        ("visits", Value::from(0)),
    ]
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let payload = match args.iter().position(|a| a == "--payload") {
        Some(i) => {
            let name = args.get(i + 1).cloned().unwrap_or_default();
            args.drain(i..(i + 2).min(args.len()));
            name
        }
        None => "two-key".to_owned(),
    };
    let (user_id, initial) = match payload.as_str() {
        "two-key" => (
            42,
            vec![("user_id", Value::from(42)), ("visits", Value::from(0))],
        ),
        "realistic" => (12345, realistic(12345)),
        other => return eprintln!("unknown payload {other:?}: two-key or realistic"),
    };
    let mut settings = Settings::new("bench-secret-key-0123456789abcdefghijklmnopqrstuvwxyz");
    settings.engine = edge_sessions::EngineKind::SignedCookies;
    let config = match Config::new(settings) {
        Ok(c) => c,
        Err(e) => return eprintln!("bad settings: {e}"),
    };
    let header_for = |token: &str| {
        format!("csrftoken=Yx3kP0aZ9qW2eR5tY7uI8oP1aS4dF6gH; theme=dark; sessionid={token}; _ga=GA1.2.1234567890.1700000000")
    };
    let mut header = {
        let mut s = Session::new(SignedCookies, config.clone(), None, NOW);
        block_on(async {
            for (key, value) in initial {
                s.set(key, value).await.ok();
            }
            s.save().await.ok();
        });
        header_for(s.session_key().unwrap_or_default())
    };
    let mut cycle = || {
        let key = cookie::cookie_value(&header, "sessionid");
        let mut s = Session::new(SignedCookies, config.clone(), key.as_deref(), NOW);
        let headers = block_on(async {
            let user = s.get("user_id").await.ok().flatten();
            assert_eq!(
                user.and_then(|v| v.as_i64()),
                Some(user_id),
                "the session did not read back"
            );
            let visits = s
                .get("visits")
                .await
                .ok()
                .flatten()
                .and_then(|v| v.as_i64())
                .unwrap_or(0);
            s.set("visits", Value::from(visits + 1)).await.ok();
            s.set("last_path", Value::from("/cart")).await.ok();
            middleware::process_response(&mut s, true, 200).await
        });
        let set_cookie = headers.ok().and_then(|h| h.set_cookie).unwrap_or_default();
        // The browser sends back `name=value` of the Set-Cookie.
        let value = set_cookie.split(';').next().unwrap_or_default();
        let token = value.split_once('=').map_or("", |(_, v)| v);
        header = header_for(token);
        std::hint::black_box(&header);
    };
    if let Some(n) = args.first().and_then(|n| n.parse::<u32>().ok()) {
        for _ in 0..n {
            cycle();
        }
        return;
    }
    // Iterations per sample: enough for ~10 ms, so timer resolution does not matter.
    let start = Instant::now();
    let mut calibration = 0u32;
    while start.elapsed().as_millis() < 50 {
        cycle();
        calibration += 1;
    }
    let per_sample = (calibration / 5).max(1);
    let mut samples: Vec<f64> = (0..SAMPLES)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..per_sample {
                cycle();
            }
            t.elapsed().as_secs_f64() * 1e6 / f64::from(per_sample)
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| {
        samples
            .get(((samples.len() - 1) as f64 * q).round() as usize)
            .copied()
            .unwrap_or(f64::NAN)
    };
    println!(
        "{{\"median_us\":{:.3},\"p25_us\":{:.3},\"p75_us\":{:.3},\"samples\":{}}}",
        at(0.5),
        at(0.25),
        at(0.75),
        samples.len()
    );
}
