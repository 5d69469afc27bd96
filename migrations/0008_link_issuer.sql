-- The API key that issued each link, so that disabling a key can revoke every
-- link issued with it (DELETE /api/v1/keys/:id?revokeLinks=true). It differs
-- from owner_id once keys belong to users: a user's links are owned by the
-- user, whichever of its keys issued them. NULL for a link issued without a
-- key (a signed-in person). An earlier link owned by a key was issued by that
-- key; for one owned by a user (0003 on) the issuing key was not recorded, so
-- it stays NULL rather than naming the user as if it were a key.

ALTER TABLE links ADD COLUMN issuer_key_id TEXT;
UPDATE links SET issuer_key_id = owner_id WHERE owner_id NOT IN (SELECT id FROM users);
CREATE INDEX links_by_issuer ON links (issuer_key_id);
