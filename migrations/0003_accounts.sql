-- People: users with a role and a password, their sessions, the single-use
-- setup and invite tokens, password attempts for throttling, who owns each
-- API key, and a link's message and password (docs/accounts.md).

-- Usernames match without case ("Alice" and "alice" are one account) and
-- keep the case they were given. password_hash is NULL while an invite is
-- open. Ids come from the same generator as keys': one id space.
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE COLLATE NOCASE,
  role TEXT NOT NULL CHECK (role IN ('admin', 'user')),
  password_hash TEXT,
  created_at INTEGER NOT NULL,
  disabled_at INTEGER
);
CREATE INDEX users_by_time ON users (created_at DESC, id DESC);

-- One row per session token (its jti); a session is valid while its row is
-- neither revoked nor expired and its user is enabled.
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- Spent single-use tokens (setup, invites), kept until they would have
-- expired. used_by is a fresh value per spending, so the statement that acts
-- on the token can tell its own spending from an earlier one.
CREATE TABLE used_tokens (
  jti TEXT PRIMARY KEY,
  used_by TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);

-- Password attempts, each recorded as a failure before it is checked and
-- deleted when the password was right; rows past the window are swept.
CREATE TABLE auth_attempts (
  id TEXT PRIMARY KEY,
  scope TEXT NOT NULL CHECK (scope IN ('sign_in', 'link')),
  subject TEXT NOT NULL,
  address TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX auth_attempts_by_subject ON auth_attempts (scope, subject, at);
CREATE INDEX auth_attempts_by_address ON auth_attempts (address, at);

-- A key's owner: the user it was made for, or the key (with no user) that
-- made it. Keys made before this migration have none recorded.
ALTER TABLE api_keys ADD COLUMN owner_kind TEXT CHECK (owner_kind IN ('user', 'api_key'));
ALTER TABLE api_keys ADD COLUMN owner_id TEXT;
CREATE INDEX api_keys_by_owner ON api_keys (owner_id, created_at DESC, id DESC);
CREATE INDEX api_keys_by_time ON api_keys (created_at DESC, id DESC);

ALTER TABLE links ADD COLUMN message TEXT;
ALTER TABLE links ADD COLUMN password_hash TEXT;
