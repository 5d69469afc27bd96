-- fuselink schema. Applied by `wrangler d1 migrations apply` on Workers and by
-- src/node/migrate.ts on Node; both record it in d1_migrations.
-- Times are milliseconds since the epoch.

CREATE TABLE settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'user')),
  hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  disabled_at INTEGER
);

CREATE TABLE files (
  id TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL,
  name TEXT NOT NULL,
  size INTEGER NOT NULL CHECK (size >= 0),
  content_type TEXT NOT NULL,
  sha256 TEXT,
  object_key TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  deleted_at INTEGER
);
CREATE INDEX files_by_owner ON files (owner_id, created_at DESC, id DESC);
CREATE INDEX files_by_time ON files (created_at DESC, id DESC);

CREATE TABLE links (
  id TEXT PRIMARY KEY,
  file_id TEXT NOT NULL REFERENCES files (id),
  owner_id TEXT NOT NULL,
  filename TEXT,
  max_downloads INTEGER NOT NULL CHECK (max_downloads >= 1),
  size INTEGER NOT NULL CHECK (size >= 0),
  downloads INTEGER NOT NULL DEFAULT 0,
  charged INTEGER NOT NULL DEFAULT 0,
  refunded INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  not_before INTEGER,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX links_by_file ON links (file_id, created_at DESC, id DESC);
CREATE INDEX links_by_owner ON links (owner_id, created_at DESC, id DESC);
CREATE INDEX links_by_expiry ON links (expires_at);

-- One row per download response that sends bytes. An 'active' row is a
-- reservation against the link's byte budget until it is settled ('done' or
-- 'cut') or its lease runs out; 'given_back' marks a cut row already used.
CREATE TABLE transfers (
  id TEXT PRIMARY KEY,
  link_id TEXT NOT NULL REFERENCES links (id),
  counted INTEGER NOT NULL CHECK (counted IN (0, 1)),
  start INTEGER NOT NULL,
  length INTEGER NOT NULL,
  sent INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL CHECK (state IN ('active', 'done', 'cut', 'given_back')),
  lease_until INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX transfers_by_link ON transfers (link_id, state);
CREATE INDEX transfers_by_lease ON transfers (state, lease_until);
