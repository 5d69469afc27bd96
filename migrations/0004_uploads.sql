-- Uploads in parts and upload requests (docs/uploads.md).

-- A request for files: whoever holds its token may upload to its owner.
-- files/bytes count what was received; held_files/held_bytes count that plus
-- the uploads in flight through it, each of which took its place (one file,
-- its size) when it started, so that a full request refuses a file before
-- any of its bytes are stored.
CREATE TABLE upload_requests (
  id TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL,
  message TEXT,
  max_files INTEGER NOT NULL CHECK (max_files >= 1),
  max_bytes INTEGER NOT NULL CHECK (max_bytes >= 1),
  files INTEGER NOT NULL DEFAULT 0,
  bytes INTEGER NOT NULL DEFAULT 0,
  held_files INTEGER NOT NULL DEFAULT 0 CHECK (held_files <= max_files),
  held_bytes INTEGER NOT NULL DEFAULT 0 CHECK (held_bytes <= max_bytes),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX upload_requests_by_owner ON upload_requests (owner_id, created_at DESC, id DESC);

-- An upload from its creation until it is completed, aborted or expired.
-- handle is the store's id of its multipart upload (S3's UploadId); it is
-- null for a one-request upload through an upload request, which holds its
-- place here while its body streams.
CREATE TABLE uploads (
  id TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL,
  request_id TEXT REFERENCES upload_requests (id),
  file_id TEXT NOT NULL UNIQUE,
  object_key TEXT NOT NULL,
  handle TEXT,
  name TEXT NOT NULL,
  size INTEGER NOT NULL CHECK (size >= 0),
  content_type TEXT NOT NULL,
  part_size INTEGER NOT NULL,
  parts INTEGER NOT NULL CHECK (parts >= 1),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX uploads_by_owner ON uploads (owner_id, expires_at);
CREATE INDEX uploads_by_request ON uploads (request_id, expires_at);
CREATE INDEX uploads_by_expiry ON uploads (expires_at);
CREATE INDEX uploads_by_handle ON uploads (handle);

-- The parts received, each checked against its length.
CREATE TABLE upload_parts (
  upload_id TEXT NOT NULL REFERENCES uploads (id),
  number INTEGER NOT NULL CHECK (number >= 1),
  size INTEGER NOT NULL,
  PRIMARY KEY (upload_id, number)
);

ALTER TABLE files ADD COLUMN upload_request_id TEXT REFERENCES upload_requests (id);
CREATE INDEX files_by_upload_request ON files (upload_request_id);
