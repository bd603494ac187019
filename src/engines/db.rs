//! `django.contrib.sessions.backends.db`: one row of `django_session` per
//! session, `session_data` holding the encoded (signed) dict.

use crate::error::{Error, Result};
use crate::session::{
    boxed, create_with_new_key, stored_expiry, Config, Engine, ExpiryValue, SessionState,
};
use crate::store::{DbStore, Row};
use crate::value::Dict;
use std::rc::Rc;

/// The db engine over any [`DbStore`].
#[derive(Debug, Clone)]
pub struct DbEngine<D> {
    /// The `django_session` table.
    pub db: D,
}

impl<D: DbStore> DbEngine<D> {
    /// The engine over `db`.
    pub fn new(db: D) -> Self {
        DbEngine { db }
    }

    /// `_get_session_from_db()`: the row if it has not expired
    /// (`expire_date > now`); otherwise the key is forgotten.
    pub(crate) async fn live_row(&self, state: &mut SessionState) -> Result<Option<Row>> {
        let Some(key) = state.key() else {
            return Ok(None);
        };
        let row = self
            .db
            .get(key)
            .await?
            .filter(|row| row.expire_date.utc_micros > state.now_datetime().utc_micros);
        if row.is_none() {
            state.set_key(None);
        }
        Ok(row)
    }

    /// The body of Django's `save()` once a key exists: encode, then a forced
    /// insert (`CreateError` on a taken key) or a forced update
    /// (`UpdateError` when the row vanished).
    pub(crate) async fn save_row<E: Engine>(
        &self,
        engine: &E,
        state: &mut SessionState,
        must_create: bool,
    ) -> Result<()> {
        let dict = state.dict(engine, must_create).await?.clone();
        let expire_date = state.expiry_date_of(&stored_expiry(&dict), None)?;
        let row = Row {
            session_key: state.key().unwrap_or_default().to_owned(),
            session_data: state.encode(&dict)?,
            expire_date,
        };
        let expected = state
            .stored()
            .filter(|_| state.settings().detect_conflicts)
            .map(|stored| String::from_utf8_lossy(stored).into_owned());
        let written = match (must_create, expected) {
            (true, _) => self.db.insert(&row).await?,
            (false, Some(expected)) => self.db.update_if(&row, &expected).await?,
            (false, None) => self.db.update(&row).await?,
        };
        match (written, must_create) {
            (true, _) => {
                state.set_stored(Some(row.session_data.into_bytes()));
                Ok(())
            }
            (false, true) => Err(Error::CreateError),
            (false, false) => Err(Error::UpdateError),
        }
    }

    pub(crate) async fn delete_row(
        &self,
        state: &SessionState,
        session_key: Option<&str>,
    ) -> Result<()> {
        match session_key.or(state.key()) {
            Some(k) => self.db.delete(k).await,
            None => Ok(()),
        }
    }
}

/// The expiry of a loaded row, for cache TTLs (`get_expiry_age(expiry=row.expire_date)`).
pub(crate) fn row_expiry(row: &Row) -> ExpiryValue {
    ExpiryValue::At(row.expire_date)
}

impl<D: DbStore> Engine for DbEngine<D> {
    async fn exists(&self, session_key: &str, _: &SessionState) -> Result<bool> {
        self.db.exists(session_key).await
    }

    async fn create(&self, state: &mut SessionState) -> Result<()> {
        create_with_new_key(self, state).await
    }

    async fn save(&self, state: &mut SessionState, must_create: bool) -> Result<()> {
        if state.key().is_none() {
            return boxed(self.create(state)).await;
        }
        self.save_row(self, state, must_create).await
    }

    async fn delete(&self, state: &mut SessionState, session_key: Option<&str>) -> Result<()> {
        self.delete_row(state, session_key).await
    }

    async fn load(&self, state: &mut SessionState) -> Result<Dict> {
        Ok(match self.live_row(state).await? {
            Some(row) => {
                let dict = state.decode(&row.session_data);
                state.set_stored(Some(row.session_data.into_bytes()));
                dict
            }
            None => Dict::new(),
        })
    }

    /// Deletes rows with `expire_date < now` (a row expiring now survives).
    async fn clear_expired(&self, _: &Rc<Config>, now: f64) -> Result<()> {
        self.db
            .delete_expired(crate::datetime::DateTime::from_timestamp(now))
            .await
    }
}
