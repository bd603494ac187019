//! `django.contrib.sessions.backends.file`: one file per session, named
//! `SESSION_COOKIE_NAME + key`, holding the encoded session.

use crate::datetime::DateTime;
use crate::error::{Error, Result};
use crate::session::{
    boxed, create_with_new_key, Config, Engine, ExpiryValue, SessionState, EXPIRY_KEY,
    VALID_KEY_CHARS,
};
use crate::store::{FileStore, WriteMode};
use crate::value::Dict;
use std::rc::Rc;

/// The file engine over any [`FileStore`] (one directory).
#[derive(Debug, Clone)]
pub struct FileEngine<F> {
    /// The directory (`SESSION_FILE_PATH`).
    pub files: F,
}

/// Django's `_key_to_file`: the file name for a key, refusing any character
/// outside `[a-z0-9]` so a key can never name another path.
///
/// ```
/// use edge_sessions::engines::file_name;
/// assert_eq!(file_name("sessionid", "abcdefgh").unwrap(), "sessionidabcdefgh");
/// assert!(file_name("sessionid", "../../etc/passwd").is_err());
/// ```
pub fn file_name(prefix: &str, session_key: &str) -> Result<String> {
    if !session_key.bytes().all(|c| VALID_KEY_CHARS.contains(&c)) {
        return Err(Error::InvalidSessionKey);
    }
    Ok(format!("{prefix}{session_key}"))
}

impl<F: FileStore> FileEngine<F> {
    /// The engine over `files`.
    pub fn new(files: F) -> Self {
        FileEngine { files }
    }

    fn name(state: &SessionState, key: &str) -> Result<String> {
        file_name(&state.settings().cookie_name, key)
    }

    /// Django's `load()` with `create()` optional: `clear_expired` loads
    /// each file with creation disabled, so expired files are only removed.
    async fn load_file(&self, state: &mut SessionState, create_on_expiry: bool) -> Result<Dict> {
        let Some(key) = state.key() else {
            return Ok(Dict::new());
        };
        let name = match Self::name(state, key) {
            Ok(name) => name,
            Err(e) => {
                state.note_problem(e);
                state.set_key(None);
                return Ok(Dict::new());
            }
        };
        let Some(file) = self.files.read(&name).await? else {
            state.set_key(None);
            return Ok(Dict::new());
        };
        if file.content.is_empty() {
            return Ok(Dict::new()); // the placeholder of a create in progress
        }
        let dict = state.decode(&file.content);
        // `_session_expiry or (mtime + SESSION_COOKIE_AGE)`: an int expiry is
        // taken as the age itself, so such a file never expires (as in Django).
        let expiry = match dict.get(EXPIRY_KEY) {
            Some(v) if v.is_truthy() => ExpiryValue::Stored(v.clone()),
            _ => ExpiryValue::At(
                DateTime::from_timestamp(file.modified_at)
                    .plus_seconds(state.cookie_age() as f64)?,
            ),
        };
        if state.expiry_age_of(&expiry, None)? <= 0.0 {
            self.delete(state, None).await?;
            if create_on_expiry {
                boxed(self.create(state)).await?;
            }
            return Ok(Dict::new());
        }
        Ok(dict)
    }
}

impl<F: FileStore> Engine for FileEngine<F> {
    async fn exists(&self, session_key: &str, state: &SessionState) -> Result<bool> {
        self.files.exists(&Self::name(state, session_key)?).await
    }

    async fn create(&self, state: &mut SessionState) -> Result<()> {
        create_with_new_key(self, state).await
    }

    /// An atomic write. Unlike Django, which swallows an OSError while
    /// writing, a failed write is an error: a lost save is never reported
    /// as success.
    async fn save(&self, state: &mut SessionState, must_create: bool) -> Result<()> {
        let Some(key) = state.key().map(str::to_owned) else {
            return boxed(self.create(state)).await;
        };
        let dict = state.dict(self, must_create).await?.clone();
        let name = Self::name(state, &key)?;
        let mode = if must_create {
            WriteMode::CreateNew
        } else {
            WriteMode::ReplaceExisting
        };
        if !self.files.write(&name, &state.encode(&dict)?, mode).await? {
            return Err(if must_create {
                Error::CreateError
            } else {
                Error::UpdateError
            });
        }
        Ok(())
    }

    async fn delete(&self, state: &mut SessionState, session_key: Option<&str>) -> Result<()> {
        let Some(key) = session_key.or(state.key()) else {
            return Ok(());
        };
        // Django ignores only the OSError of unlink: a key that cannot name a
        // file is InvalidSessionKey (`_key_to_file` raises it).
        self.files.remove(&Self::name(state, key)?).await
    }

    async fn load(&self, state: &mut SessionState) -> Result<Dict> {
        self.load_file(state, true).await
    }

    /// Loads every session file; loading removes the expired ones.
    async fn clear_expired(&self, config: &Rc<Config>, now: f64) -> Result<()> {
        let prefix = &config.settings.cookie_name;
        for name in self.files.list(prefix).await? {
            let key = name.strip_prefix(prefix.as_str()).unwrap_or_default();
            let mut state = SessionState::new(Rc::clone(config), Some(key), now);
            self.load_file(&mut state, false).await?;
        }
        Ok(())
    }
}
