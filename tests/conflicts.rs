//! Two overlapping requests on one session. Django's rule (the last write
//! wins) is the default; with `detect_conflicts` a save that would
//! overwrite another request's change is refused, and the middleware
//! answers it with SessionInterrupted (400).

use edge_sessions::engines::{CacheEngine, DbEngine, Engine};
use edge_sessions::store::MemoryStores;
use edge_sessions::{block_on, middleware, Config, EngineKind, Error, Session, Settings, Value};

#[macro_use]
mod support;
use std::rc::Rc;

const NOW: f64 = 1_700_000_000.0;

fn config(engine: EngineKind, detect_conflicts: bool) -> Rc<Config> {
    let mut settings = Settings::new("conflict-secret");
    settings.engine = engine;
    settings.detect_conflicts = detect_conflicts;
    Config::new(settings).expect("valid settings")
}

/// Runs the race on one engine: both requests read the session, A saves,
/// then B saves. Returns B's outcome and the value stored at the end.
fn race<E: Engine>(engine: impl Fn() -> E, config: &Rc<Config>) -> (Result<(), Error>, Value) {
    block_on(async {
        let mut first = Session::new(engine(), config.clone(), None, NOW);
        first.set("n", value!(0)).await.unwrap();
        first.save().await.unwrap();
        let key = first.session_key().unwrap().to_owned();

        let mut a = Session::new(engine(), config.clone(), Some(&key), NOW);
        let mut b = Session::new(engine(), config.clone(), Some(&key), NOW);
        a.set("n", value!("from a")).await.unwrap();
        b.set("n", value!("from b")).await.unwrap();
        a.save().await.unwrap();
        let outcome = b.save().await;
        let mut reader = Session::new(engine(), config.clone(), Some(&key), NOW);
        (
            outcome,
            reader.get("n").await.unwrap().unwrap_or(Value::None),
        )
    })
}

#[test]
fn by_default_the_last_write_wins_as_in_django() {
    let stores = MemoryStores::new(NOW);
    let (outcome, stored) = race(
        || DbEngine::new(stores.db.clone()),
        &config(EngineKind::Db, false),
    );
    assert_eq!((outcome, stored), (Ok(()), value!("from b")));
    let (outcome, stored) = race(
        || CacheEngine::new(stores.cache.clone()),
        &config(EngineKind::Cache, false),
    );
    assert_eq!((outcome, stored), (Ok(()), value!("from b")));
}

#[test]
fn with_detection_the_second_save_is_refused_and_the_first_kept() {
    let stores = MemoryStores::new(NOW);
    let (outcome, stored) = race(
        || DbEngine::new(stores.db.clone()),
        &config(EngineKind::Db, true),
    );
    assert_eq!(
        (outcome, stored),
        (Err(Error::UpdateError), value!("from a"))
    );
    let (outcome, stored) = race(
        || CacheEngine::new(stores.cache.clone()),
        &config(EngineKind::Cache, true),
    );
    assert_eq!(
        (outcome, stored),
        (Err(Error::UpdateError), value!("from a"))
    );
}

#[test]
fn the_middleware_answers_a_conflict_with_session_interrupted() {
    let stores = MemoryStores::new(NOW);
    let config = config(EngineKind::Db, true);
    block_on(async {
        let mut first = Session::new(DbEngine::new(stores.db.clone()), config.clone(), None, NOW);
        first.set("n", value!(0)).await.unwrap();
        first.save().await.unwrap();
        let key = first.session_key().unwrap().to_owned();
        let mut slow = Session::new(
            DbEngine::new(stores.db.clone()),
            config.clone(),
            Some(&key),
            NOW,
        );
        slow.set("n", value!(1)).await.unwrap();
        let mut fast = Session::new(
            DbEngine::new(stores.db.clone()),
            config.clone(),
            Some(&key),
            NOW,
        );
        fast.set("n", value!(2)).await.unwrap();
        middleware::process_response(&mut fast, true, 200)
            .await
            .unwrap();
        let refused = middleware::process_response(&mut slow, true, 200).await;
        assert_eq!(refused, Err(Error::SessionInterrupted));
    });
}

#[test]
fn saves_in_sequence_do_not_conflict() {
    let stores = MemoryStores::new(NOW);
    let config = config(EngineKind::Cache, true);
    block_on(async {
        let mut s = Session::new(
            CacheEngine::new(stores.cache.clone()),
            config.clone(),
            None,
            NOW,
        );
        for n in 0..3 {
            s.set("n", Value::from(n)).await.unwrap();
            s.save().await.unwrap(); // each save expects what the previous one wrote
        }
        let key = s.session_key().unwrap().to_owned();
        let mut next = Session::new(
            CacheEngine::new(stores.cache.clone()),
            config.clone(),
            Some(&key),
            NOW,
        );
        next.set("n", value!("next request")).await.unwrap();
        next.save().await.unwrap();
    });
}

#[test]
fn detection_is_refused_where_no_store_can_compare_and_swap() {
    for engine in [
        EngineKind::File,
        EngineKind::CachedDb,
        EngineKind::SignedCookies,
    ] {
        let mut settings = Settings::new("k");
        settings.engine = engine;
        settings.detect_conflicts = true;
        let err = Config::new(settings).unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidSetting {
                    setting: "detect_conflicts",
                    ..
                }
            ),
            "{err}"
        );
    }
}
