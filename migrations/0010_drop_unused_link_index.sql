-- No statement reads links by expiry alone any more: the expiry sweep reads
-- the partial index links_expiry_unnoticed (0007). The full index only cost
-- a write on every link issued and every expiry changed (docs/performance.md,
-- "An index no statement used").
DROP INDEX IF EXISTS links_by_expiry;
