//! `expiry` and `traces`: op lists replayed on a session, each result
//! compared, and for traces the flags, key and loaded dict after each op.

use crate::check::{expect_eq, verdict, Check, Verdict};
use crate::ops::{apply_op, precreate, state_of, with_backend, KnownKeys};
use crate::oracle::Oracle;
use crate::values::{expect_value, items, text, Json};
use edge_sessions::engines::SignedCookies;
use edge_sessions::store::MemoryStores;
use edge_sessions::{block_on, Session};

/// Expiry ops on a new signed_cookies session under the vector's settings.
pub fn expiry(o: &Oracle, v: &Json) -> Verdict {
    let check = || -> Check {
        let config = o.config_with(&v["settings"])?;
        let mut s = Session::new(SignedCookies, config, None, o.clock(v)?);
        let (ops, wants) = (items(&v["ops"]), items(&v["expected_results"]));
        expect_eq("expected results", wants.len(), ops.len())?;
        block_on(async {
            for (i, (op, want)) in ops.iter().zip(wants).enumerate() {
                let got = apply_op(&mut s, op).await?;
                expect_value(&format!("op {i} result"), &got, want)?;
            }
            Ok(())
        })
    };
    verdict(check())
}

/// A session of the vector's backend opened with `init_key` (after the
/// `precreated` session was stored), each op's result and state compared.
pub fn trace(o: &Oracle, v: &Json) -> Verdict {
    let check = || -> Check {
        let backend = text(v, "backend")?;
        let now = o.clock(v)?;
        let config = o.config()?;
        let stores = MemoryStores::default();
        let known = KnownKeys::of(v);
        block_on(async {
            if v["precreated"].is_object() {
                stores.set_now(crate::values::number(&v["precreated"], "t")?);
                with_backend!(backend, stores, |engine| precreate(
                    engine,
                    &config,
                    &v["precreated"]
                )
                .await)?;
            }
            stores.set_now(now);
            with_backend!(backend, stores, |engine| {
                let mut s = Session::new(engine, config.clone(), v["init_key"].as_str(), now);
                let initial = &v["expected"]["initial_state"];
                expect_value("initial state", &state_of(&s, backend, &known), initial)?;
                let (ops, steps) = (items(&v["ops"]), items(&v["expected"]["steps"]));
                expect_eq("expected steps", steps.len(), ops.len())?;
                for (i, (op, step)) in ops.iter().zip(steps).enumerate() {
                    let got = apply_op(&mut s, op).await?;
                    expect_value(&format!("op {i} result"), &got, &step["result"])?;
                    let state = state_of(&s, backend, &known);
                    expect_value(&format!("state after op {i}"), &state, &step["state"])?;
                }
                Ok(())
            })
        })
    };
    verdict(check())
}
