-- Transfers reserve their bytes in chunks as they stream instead of their
-- whole length up front (see the comment at the top of
-- src/core/link/download.ts). Every transfer row now carries what it holds
-- against its link's byte budget:
--   reserved    bytes granted to an 'active' transfer and not given back
--   given_back  bytes of the transfer's grant (while active) or of what it
--               sent (once settled) that were given back under rule 3
--   stop_at     the offset the transfer may not pass; a later resume that
--               starts inside a transfer's reach lowers it
-- A settled row ('done' or 'cut') holds sent - given_back bytes. The links
-- columns charged and refunded now keep only the totals of rows that the
-- sweep folded away, so that a link's budget is
--   downloads * size - charged - (what its transfer rows hold)
-- and its give-back allowance is min(size, 16 MiB) - refunded - (sum of the
-- rows' given_back).

ALTER TABLE transfers ADD COLUMN reserved INTEGER NOT NULL DEFAULT 0;
ALTER TABLE transfers ADD COLUMN given_back INTEGER NOT NULL DEFAULT 0;
ALTER TABLE transfers ADD COLUMN stop_at INTEGER NOT NULL DEFAULT 0;

-- Under 0001 an active row reserved its whole length, and settled rows were
-- already added into links.charged and links.refunded: keep the first as
-- they were and drop the second, whose bytes those totals already count.
UPDATE transfers SET reserved = length, stop_at = start + length WHERE state = 'active';
DELETE FROM transfers WHERE state <> 'active';
