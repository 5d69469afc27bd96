-- Links that change after they are issued (PATCH), links without a download
-- limit, per-link audit events and signed webhooks with a durable outbox
-- (docs/counting.md, "Changing a link" and "Unlimited links"; docs/webhooks.md).

-- An unlimited link has max_downloads NULL. SQLite cannot drop a column's NOT
-- NULL in place, and rebuilding the table would have to name every column
-- other migrations add to it, so the column is replaced: same name, same rows,
-- now nullable (NULL passes its CHECK).
ALTER TABLE links ADD COLUMN download_limit INTEGER CHECK (download_limit >= 1);
UPDATE links SET download_limit = max_downloads;
ALTER TABLE links DROP COLUMN max_downloads;
ALTER TABLE links RENAME COLUMN download_limit TO max_downloads;

-- The claims of the link's current token, signed again from these whenever it
-- is shown. They start as the link's own; a PATCH that moves the expiry past
-- token_expires_at issues a new token (token_version + 1, its claim `ver`).
-- The database is authoritative for the limit and may only narrow the time a
-- token grants: expires_at may be earlier than token_expires_at, never later.
ALTER TABLE links ADD COLUMN token_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE links ADD COLUMN token_issued_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE links ADD COLUMN token_expires_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE links ADD COLUMN token_max_downloads INTEGER CHECK (token_max_downloads >= 1);
UPDATE links SET token_issued_at = created_at, token_expires_at = expires_at, token_max_downloads = max_downloads;

-- The owner's own words about the link; never shown to recipients.
ALTER TABLE links ADD COLUMN note TEXT;

-- When the sweep noticed the link had expired (the link.expired webhook goes
-- out once per expiry); a PATCH that moves the expiry later clears it.
ALTER TABLE links ADD COLUMN expiry_noticed_at INTEGER;
CREATE INDEX links_expiry_unnoticed ON links (expires_at) WHERE expiry_noticed_at IS NULL;

-- What happened to a link, newest first per link; rows older than
-- EVENT_RETENTION days are removed by the sweep. `address` is stored as
-- EVENT_ADDRESS says (absent, truncated to its /24 or /48, or whole). An event
-- that may happen once (revoked, exhausted at a given limit) has an id made
-- from the link's, so that writing it twice keeps one row.
CREATE TABLE link_events (
  id TEXT PRIMARY KEY,
  link_id TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('page_viewed', 'download_started', 'download_completed', 'download_cut', 'resumed', 'refused', 'revoked', 'exhausted')),
  created_at INTEGER NOT NULL,
  code TEXT,
  bytes INTEGER,
  address TEXT,
  user_agent TEXT
);
CREATE INDEX link_events_by_link ON link_events (link_id, created_at DESC, id DESC);
CREATE INDEX link_events_by_time ON link_events (created_at);

-- Receivers of an owner's events. `events` is a JSON array of event types;
-- `secret` is the whsec_ signing secret, kept because every delivery is
-- signed with it (it is shown to its owner once).
CREATE TABLE webhooks (
  id TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL,
  url TEXT NOT NULL,
  events TEXT NOT NULL,
  secret TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX webhooks_by_owner ON webhooks (owner_id, created_at DESC, id DESC);

-- The outbox: one row per message and receiver, written in the same batch as
-- the event that causes it. `id` is the message id (the webhook-id header,
-- the same on every attempt); `body` is the exact JSON that is signed and
-- sent. A pending row is due at next_attempt_at; a sender claims it by moving
-- that time forward, so two senders never send one attempt twice.
CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  webhook_id TEXT NOT NULL,
  event TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  last_status INTEGER,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  delivered_at INTEGER
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, created_at DESC, id DESC);
CREATE INDEX webhook_deliveries_by_time ON webhook_deliveries (created_at);
