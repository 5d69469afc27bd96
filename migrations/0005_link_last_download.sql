-- When a link's last counted download started (milliseconds since the
-- epoch), for its owner: set by the statement that counts it
-- (src/adapters/sql-state/ledger.ts), NULL until the first one.
ALTER TABLE links ADD COLUMN last_download_at INTEGER;
