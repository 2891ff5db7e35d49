-- Links that reset a forgotten password: the SHA-256 of each token (never the token), its
-- account, when it was asked for, until when it works, and when it was used or retired.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX password_resets_by_user ON password_resets (user_id);
