-- Integrity: what a bidder confirms before sealing, documents carried from a replaced bid,
-- idempotency that compares requests, and signed checkpoints of the audit log.
-- Keep in step with the other engine's folder (a test compares the schemas).

-- A bid's document manifest (names, sizes, SHA-256, and which earlier bid each document was
-- sealed in), encrypted with the server's custody key: the page lists a live bid's documents
-- to its company, and a replacement carries them without anyone reading the envelope. NULL
-- for bids sealed by their client.
ALTER TABLE bids ADD COLUMN sealed_manifest BYTEA;
-- HMAC of the request that made the bid under its Idempotency-Key: a retry with another body
-- is refused instead of answered with the first receipt.
ALTER TABLE bids ADD COLUMN idempotency_fingerprint TEXT;

-- A bid sealed and waiting for its bidder's confirmation (the confirmation page shows the
-- prices in figures and words first). The envelope is already sealed; the manifest and what
-- the page showed are encrypted with the custody key. Confirming moves it into bids and
-- deletes it; unconfirmed ones expire.
CREATE TABLE bid_confirmations (
    token TEXT PRIMARY KEY,
    tender_id BIGINT NOT NULL REFERENCES tenders (id),
    supplier_id BIGINT NOT NULL REFERENCES suppliers (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    replaces BIGINT REFERENCES bids (id),
    envelope BYTEA NOT NULL,
    sealed_manifest BYTEA NOT NULL,
    sealed_summary BYTEA NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX bid_confirmations_expiry ON bid_confirmations (expires_at);

-- A signed checkpoint of the audit log: the root of a Merkle tree (RFC 6962) whose leaves
-- are chain heads (chain, seq, hash), appended in checkpoint order. frontier holds the
-- roots of the tree's perfect subtrees, so the next root costs only the new heads.
CREATE TABLE audit_checkpoints (
    id BIGINT PRIMARY KEY,
    created_at TIMESTAMP NOT NULL,
    reason TEXT NOT NULL,
    tree_size BIGINT NOT NULL,
    root TEXT NOT NULL,
    last_event_id BIGINT NOT NULL,
    frontier TEXT NOT NULL,
    public_key TEXT NOT NULL,
    signature TEXT NOT NULL
);

-- The leaves: each chain head a checkpoint saw changed since the one before.
CREATE TABLE audit_checkpoint_heads (
    position BIGINT PRIMARY KEY,
    checkpoint_id BIGINT NOT NULL REFERENCES audit_checkpoints (id),
    chain TEXT NOT NULL,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_checkpoint_heads_chain ON audit_checkpoint_heads (chain, position);

-- Append-only, like audit_events.
CREATE FUNCTION audit_checkpoints_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
FOR EACH ROW EXECUTE FUNCTION audit_checkpoints_append_only();
CREATE TRIGGER audit_checkpoint_heads_append_only BEFORE UPDATE OR DELETE ON audit_checkpoint_heads
FOR EACH ROW EXECUTE FUNCTION audit_checkpoints_append_only();
