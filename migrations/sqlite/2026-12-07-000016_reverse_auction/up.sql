-- The reverse auction (subasta inversa electrónica) of one lot: its rules, fixed when the
-- officer schedules it and shown to the bidders; its state now (the close, moved by
-- extensions and outages; the last sign of life of any server); its seats, one per admitted
-- offer with its sealed price and its price now; every accepted lance, signed; every move of
-- the close, with why. The state is what the pure rules (auction::rules) make of the lances.
CREATE TABLE auctions (
    id INTEGER PRIMARY KEY,
    tender_id BIGINT NOT NULL REFERENCES tenders (id),
    lot_number INTEGER NOT NULL,
    currency TEXT NOT NULL,
    minimal_step BIGINT NOT NULL CHECK (minimal_step > 0),
    floor BIGINT NOT NULL CHECK (floor > 0),
    window_seconds INTEGER NOT NULL CHECK (window_seconds > 0),
    extension_seconds INTEGER NOT NULL CHECK (extension_seconds >= 0),
    max_extensions INTEGER NOT NULL CHECK (max_extensions >= 0),
    outage_gap_seconds INTEGER NOT NULL CHECK (outage_gap_seconds > 0),
    opens_at TIMESTAMP NOT NULL,
    closes_at TIMESTAMP NOT NULL,
    extensions INTEGER NOT NULL,
    alive_at TIMESTAMP NOT NULL,
    lances BIGINT NOT NULL,
    scheduled_by BIGINT NOT NULL REFERENCES users (id),
    scheduled_at TIMESTAMP NOT NULL,
    closed_at TIMESTAMP,
    -- When the bidders were warned that the close is five minutes away.
    warned_at TIMESTAMP,
    -- After the close: the transcript (canonical JSON) and its Ed25519 signature.
    transcript TEXT,
    transcript_signature TEXT,
    UNIQUE (tender_id, lot_number)
);
CREATE INDEX auctions_running ON auctions (closed_at, closes_at);

CREATE TABLE auction_seats (
    auction_id BIGINT NOT NULL REFERENCES auctions (id),
    seat INTEGER NOT NULL,
    bid_id BIGINT NOT NULL REFERENCES bids (id),
    supplier_id BIGINT NOT NULL REFERENCES suppliers (id),
    opening_price BIGINT NOT NULL CHECK (opening_price > 0),
    price BIGINT NOT NULL CHECK (price > 0),
    price_order BIGINT NOT NULL,
    PRIMARY KEY (auction_id, seat),
    UNIQUE (auction_id, supplier_id)
);

CREATE TABLE auction_lances (
    auction_id BIGINT NOT NULL REFERENCES auctions (id),
    number BIGINT NOT NULL,
    seat INTEGER NOT NULL,
    price BIGINT NOT NULL CHECK (price > 0),
    placed_at TIMESTAMP NOT NULL,
    -- The close after the lance, as its receipt states it.
    closes_at TIMESTAMP NOT NULL,
    placed_by BIGINT NOT NULL REFERENCES users (id),
    signature TEXT NOT NULL,
    PRIMARY KEY (auction_id, number)
);

CREATE TABLE auction_moves (
    auction_id BIGINT NOT NULL REFERENCES auctions (id),
    number INTEGER NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('extension', 'outage')),
    moved_at TIMESTAMP NOT NULL,
    from_close TIMESTAMP NOT NULL,
    to_close TIMESTAMP NOT NULL,
    PRIMARY KEY (auction_id, number)
);
