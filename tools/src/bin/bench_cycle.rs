//! The request cycle of the benchmarks (bench/), natively: parse a Cookie
//! header holding four cookies, verify and decode the signed_cookies
//! session, read `user_id`, increment `visits`, set a key, encode, sign and
//! write the Set-Cookie header. Prints one JSON line:
//! `{"median_us", "p25_us", "p75_us", "samples"}` over `SAMPLES` timed runs.

use edge_sessions::{
    block_on, cookie, engines::SignedCookies, middleware, Config, Session, Settings, Value,
};
use std::time::Instant;

const SAMPLES: usize = 30;
const NOW: f64 = 1_700_000_000.0;

fn main() {
    let mut settings = Settings::new("bench-secret-key-0123456789abcdefghijklmnopqrstuvwxyz");
    settings.engine = edge_sessions::EngineKind::SignedCookies;
    let config = match Config::new(settings) {
        Ok(c) => c,
        Err(e) => return eprintln!("bad settings: {e}"),
    };
    let header = {
        let mut s = Session::new(SignedCookies, config.clone(), None, NOW);
        block_on(async {
            s.set("user_id", Value::from(42)).await.ok();
            s.set("visits", Value::from(0)).await.ok();
            s.save().await.ok();
        });
        let token = s.session_key().unwrap_or_default().to_owned();
        format!("csrftoken=Yx3kP0aZ9qW2eR5tY7uI8oP1aS4dF6gH; theme=dark; sessionid={token}; _ga=GA1.2.1234567890.1700000000")
    };
    let cycle = || {
        let key = cookie::cookie_value(&header, "sessionid");
        let mut s = Session::new(SignedCookies, config.clone(), key.as_deref(), NOW);
        block_on(async {
            let user = s.get("user_id").await.ok().flatten();
            let visits = s
                .get("visits")
                .await
                .ok()
                .flatten()
                .and_then(|v| v.as_i64())
                .unwrap_or(0);
            s.set("visits", Value::from(visits + 1)).await.ok();
            s.set("last_path", Value::from("/cart")).await.ok();
            let headers = middleware::process_response(&mut s, true, 200).await;
            std::hint::black_box((user, headers))
        })
    };
    // `bench_cycle N`: just N cycles, untimed (for instruction counts under callgrind).
    if let Some(n) = std::env::args().nth(1).and_then(|n| n.parse::<u32>().ok()) {
        for _ in 0..n {
            let _ = cycle();
        }
        return;
    }
    // Iterations per sample: enough for ~10 ms, so timer resolution does not matter.
    let start = Instant::now();
    let mut calibration = 0u32;
    while start.elapsed().as_millis() < 50 {
        let _ = cycle();
        calibration += 1;
    }
    let per_sample = (calibration / 5).max(1);
    let mut samples: Vec<f64> = (0..SAMPLES)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..per_sample {
                let _ = cycle();
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
