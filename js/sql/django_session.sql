-- Django's `sessions.0001_initial` on SQLite (D1): the `django_session` table
-- and its `expire_date` index, named as Django names it. IF NOT EXISTS, so
-- running it twice is harmless. Applied to D1 with
--   npx wrangler d1 execute <DATABASE> --file=node_modules/edge-sessions/sql/django_session.sql
-- (`--local` for `wrangler dev`'s local database, `--remote` for the real one),
-- or from the Worker with createD1Table(env.DB) (edge-sessions/adapters/d1).
CREATE TABLE IF NOT EXISTS "django_session" ("session_key" varchar(40) NOT NULL PRIMARY KEY, "session_data" text NOT NULL, "expire_date" datetime NOT NULL);
CREATE INDEX IF NOT EXISTS "django_session_expire_date_a5c62663" ON "django_session" ("expire_date");
