-- Sealed bids: committee members' opening keys, each tender's sealing key (public half) and
-- the committee's encrypted shares of its private half, bids as sealed envelopes with their
-- signed receipts, the Merkle root frozen at the deadline, and what the opening revealed.
-- Keep in step with the other engine's folder (a test compares the schemas).

-- A committee member's personal key pair: the age X25519 recipient, and the identity
-- encrypted with the member's opening passphrase (age scrypt). Never stored in the clear.
CREATE TABLE opening_keys (
    user_id BIGINT PRIMARY KEY REFERENCES users (id),
    recipient TEXT NOT NULL,
    wrapped_identity BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- A published tender's sealing key: its public recipient, and once frozen the Merkle root of
-- its envelopes; once opened, the transcript. The private key is never stored.
CREATE TABLE tender_seals (
    tender_id BIGINT PRIMARY KEY REFERENCES tenders (id),
    recipient TEXT NOT NULL,
    threshold INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    frozen_at TIMESTAMP,
    merkle_root TEXT,
    leaf_count INTEGER,
    opened_at TIMESTAMP,
    transcript TEXT
);

-- One Shamir share of a tender's private key per committee member, encrypted to the member's
-- opening key. At the opening a member's decrypted share is held here until k are present;
-- the shares are erased when the envelopes have been opened.
CREATE TABLE tender_key_shares (
    tender_id BIGINT NOT NULL REFERENCES tenders (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    sealed_share BLOB NOT NULL,
    contributed_at TIMESTAMP,
    contributed_share BLOB,
    PRIMARY KEY (tender_id, user_id)
);

-- A bid: the envelope sealed to the tender's recipient and the receipt's fields and
-- signature. status: submitted (live), superseded (replaced), withdrawn. opening_result is
-- set at the opening: opened, tampered, unconfirmed, invalid.
CREATE TABLE bids (
    id INTEGER PRIMARY KEY,
    tender_id BIGINT NOT NULL REFERENCES tenders (id),
    supplier_id BIGINT NOT NULL REFERENCES suppliers (id),
    submitted_by BIGINT NOT NULL REFERENCES users (id),
    status TEXT NOT NULL CHECK (status IN ('submitted', 'superseded', 'withdrawn')),
    sealed_by TEXT NOT NULL CHECK (sealed_by IN ('server', 'client')),
    envelope BLOB NOT NULL,
    envelope_sha256 TEXT NOT NULL,
    envelope_size BIGINT NOT NULL,
    submitted_at TIMESTAMP NOT NULL,
    confirmed_at TIMESTAMP NOT NULL,
    receipt_signature TEXT NOT NULL,
    idempotency_key TEXT,
    replaces BIGINT REFERENCES bids (id),
    withdrawn_at TIMESTAMP,
    opening_result TEXT,
    declarations TEXT
);
CREATE INDEX bids_tender ON bids (tender_id, status, id);
CREATE INDEX bids_supplier ON bids (supplier_id, id);
-- One live bid per supplier and tender; a retried request with the same key is one bid.
CREATE UNIQUE INDEX bids_live ON bids (tender_id, supplier_id) WHERE status = 'submitted';
CREATE UNIQUE INDEX bids_idempotency ON bids (supplier_id, idempotency_key);

-- Prices revealed by the opening, per bid and lot.
CREATE TABLE bid_prices (
    bid_id BIGINT NOT NULL REFERENCES bids (id),
    lot_number INTEGER NOT NULL,
    amount BIGINT NOT NULL,
    currency TEXT NOT NULL,
    PRIMARY KEY (bid_id, lot_number)
);

-- Technical documents revealed by the opening (content in the document store).
CREATE TABLE bid_documents (
    bid_id BIGINT NOT NULL REFERENCES bids (id),
    position INTEGER NOT NULL,
    sha256 TEXT NOT NULL REFERENCES blobs (sha256),
    filename TEXT NOT NULL,
    PRIMARY KEY (bid_id, position)
);
