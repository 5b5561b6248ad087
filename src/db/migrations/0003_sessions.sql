-- migrate:up
-- One row per signed-in session (a refresh-token family): what the user sees in their list of
-- sessions, and the revocation that every instance keeps in memory (the access token's `sid` is
-- this id). Temporary data like refresh_tokens: hard-deleted once expired, never soft-deleted.
CREATE TABLE sessions (
  id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  user_agent VARCHAR(512),
  ip_address VARCHAR(64),
  last_used_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  expires_at TIMESTAMPTZ NOT NULL,
  revoked_at TIMESTAMPTZ,
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);
-- Read at every start: the sessions revoked recently enough that an access token may still be live.
CREATE INDEX sessions_revoked_at_idx ON sessions (revoked_at) WHERE revoked_at IS NOT NULL;
CREATE TRIGGER set_updated_at BEFORE UPDATE ON sessions
  FOR EACH ROW EXECUTE FUNCTION update_updated_at();

-- Sessions opened before this migration: one row per family, from its first and newest tokens.
INSERT INTO sessions (id, user_id, user_agent, ip_address, last_used_at, expires_at, revoked_at, created_at)
SELECT DISTINCT ON (family_id)
  family_id, user_id, user_agent, ip_address, created_at, expires_at, revoked_at,
  MIN(created_at) OVER (PARTITION BY family_id)
FROM refresh_tokens
ORDER BY family_id, created_at DESC;

-- migrate:down
DROP TABLE IF EXISTS sessions;
