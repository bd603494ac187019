-- Django's sessions.0001_initial as it runs on SQLite, so the rows are the
-- ones a Django site sharing this data reads (createD1Table in
-- edge-sessions/adapters/d1 runs the same SQL from code).
CREATE TABLE IF NOT EXISTS "django_session" ("session_key" varchar(40) NOT NULL PRIMARY KEY, "session_data" text NOT NULL, "expire_date" datetime NOT NULL);
CREATE INDEX IF NOT EXISTS "django_session_expire_date_a5c62663" ON "django_session" ("expire_date");
