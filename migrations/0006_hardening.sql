-- Deleting a file deletes its object only when no other file record uses it
-- (two imports of one key share it): that check looks files up by object key.
CREATE INDEX files_by_object ON files (object_key);
