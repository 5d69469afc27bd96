-- The API key that issued each link, so that disabling a key can revoke every
-- link issued with it (DELETE /api/v1/keys/:id?revokeLinks=true). It differs
-- from owner_id once keys belong to users: a user's links are owned by the
-- user, whichever of its keys issued them. NULL for a link issued without a
-- key (a signed-in person). Every earlier link was issued by its owner key.

ALTER TABLE links ADD COLUMN issuer_key_id TEXT;
UPDATE links SET issuer_key_id = owner_id;
CREATE INDEX links_by_issuer ON links (issuer_key_id);
