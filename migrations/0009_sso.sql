-- Single sign-on (docs/sso.md): the person at the trusted OpenID provider
-- (its issuer and its subject there) each user made on first sight stands
-- for. One person, one user; a user made here by password has no row.
CREATE TABLE identities (
  issuer TEXT NOT NULL,
  subject TEXT NOT NULL,
  user_id TEXT NOT NULL UNIQUE REFERENCES users (id),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (issuer, subject)
);
