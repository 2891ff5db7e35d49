-- After the opening: evaluation of each opened bid per lot, awards (otorgamiento de la buena
-- pro) with the red flags their officer justified, complaints (recursos de apelación),
-- contracts with their modifications, and auditors' findings.
-- Keep in step with the other engine's folder (a test compares the schemas).

-- One officer's evaluation of one bid on one lot: admissible or disqualified with a ground,
-- and for price-quality tenders the points per quality criterion (JSON list of
-- {"criterion": position, "points": "12.50", "comment": "..."}).
CREATE TABLE bid_evaluations (
    bid_id BIGINT NOT NULL REFERENCES bids (id),
    lot_number INTEGER NOT NULL,
    admissible BOOLEAN NOT NULL,
    disqualification_ground TEXT,
    disqualification_note TEXT,
    scores TEXT NOT NULL,
    evaluated_by BIGINT NOT NULL REFERENCES users (id),
    evaluated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (bid_id, lot_number)
);

-- The decision on one lot: awarded to a bid (bid_id) or declared unsuccessful (desierto,
-- bid_id NULL). pending = in standstill; final = consentida; cancelled = complaint upheld.
CREATE TABLE awards (
    id INTEGER PRIMARY KEY,
    tender_id BIGINT NOT NULL REFERENCES tenders (id),
    lot_number INTEGER NOT NULL,
    bid_id BIGINT REFERENCES bids (id),
    status TEXT NOT NULL CHECK (status IN ('pending', 'final', 'cancelled', 'unsuccessful')),
    amount BIGINT,
    currency TEXT NOT NULL,
    ranking TEXT NOT NULL,
    justification TEXT NOT NULL,
    awarded_by BIGINT NOT NULL REFERENCES users (id),
    awarded_at TIMESTAMP NOT NULL,
    standstill_ends_at TIMESTAMP,
    final_at TIMESTAMP,
    cancelled_at TIMESTAMP
);
CREATE INDEX awards_tender ON awards (tender_id, lot_number, id);
CREATE INDEX awards_awarded_at ON awards (awarded_at, id);
-- One live decision per lot.
CREATE UNIQUE INDEX awards_live ON awards (tender_id, lot_number) WHERE status <> 'cancelled';

-- Red flags raised on an award, each with the officer's justification (or, for a contract
-- modification above the threshold, the modification's reason).
CREATE TABLE award_flags (
    award_id BIGINT NOT NULL REFERENCES awards (id),
    code TEXT NOT NULL,
    justification TEXT NOT NULL,
    raised_at TIMESTAMP NOT NULL,
    PRIMARY KEY (award_id, code)
);
CREATE INDEX award_flags_code ON award_flags (code, award_id);

CREATE TABLE complaints (
    id INTEGER PRIMARY KEY,
    award_id BIGINT NOT NULL REFERENCES awards (id),
    supplier_id BIGINT NOT NULL REFERENCES suppliers (id),
    filed_by BIGINT NOT NULL REFERENCES users (id),
    grounds TEXT NOT NULL,
    filed_at TIMESTAMP NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('filed', 'upheld', 'dismissed')),
    decided_by BIGINT REFERENCES users (id),
    decided_at TIMESTAMP,
    reasoning TEXT
);
CREATE INDEX complaints_award ON complaints (award_id, id);

CREATE TABLE complaint_documents (
    complaint_id BIGINT NOT NULL REFERENCES complaints (id),
    position INTEGER NOT NULL,
    sha256 TEXT NOT NULL REFERENCES blobs (sha256),
    filename TEXT NOT NULL,
    PRIMARY KEY (complaint_id, position)
);

CREATE TABLE contracts (
    id INTEGER PRIMARY KEY,
    award_id BIGINT NOT NULL UNIQUE REFERENCES awards (id),
    signed_on DATE NOT NULL,
    value BIGINT NOT NULL,
    currency TEXT NOT NULL,
    duration_days INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'completed', 'terminated')),
    recorded_by BIGINT NOT NULL REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL
);

CREATE TABLE contract_documents (
    contract_id BIGINT NOT NULL REFERENCES contracts (id),
    position INTEGER NOT NULL,
    sha256 TEXT NOT NULL REFERENCES blobs (sha256),
    filename TEXT NOT NULL,
    PRIMARY KEY (contract_id, position)
);

-- value_change in minor units (negative for a reduction); basis_points = value_change as a
-- share of the original value in hundredths of a percent.
CREATE TABLE contract_modifications (
    id INTEGER PRIMARY KEY,
    contract_id BIGINT NOT NULL REFERENCES contracts (id),
    number INTEGER NOT NULL,
    reason TEXT NOT NULL,
    value_change BIGINT NOT NULL,
    basis_points BIGINT NOT NULL,
    recorded_by BIGINT NOT NULL REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL,
    UNIQUE (contract_id, number)
);

CREATE TABLE audit_findings (
    id INTEGER PRIMARY KEY,
    tender_id BIGINT NOT NULL REFERENCES tenders (id),
    auditor_id BIGINT NOT NULL REFERENCES users (id),
    note TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
    status TEXT NOT NULL CHECK (status IN ('open', 'addressed', 'closed')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_findings_tender ON audit_findings (tender_id, id);
