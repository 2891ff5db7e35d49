-- Tenders (convocatorias): drafts, publication, lots, criteria, committee, documents,
-- enquiries (consultas), amendments (addenda), followers and alert subscriptions.
-- Keep in step with the other engine's folder (a test compares the schemas; the full-text
-- structures differ on purpose: FTS5 here, a tsvector column with GIN there).
CREATE TABLE tenders (
    id INTEGER PRIMARY KEY,
    buyer_id BIGINT NOT NULL REFERENCES buyers (id),
    created_by BIGINT NOT NULL REFERENCES users (id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    method TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('goods', 'works', 'services')),
    classification TEXT NOT NULL,
    currency TEXT NOT NULL CHECK (currency IN ('PEN', 'USD')),
    estimated_value BIGINT NOT NULL,
    award_criteria TEXT NOT NULL CHECK (award_criteria IN ('lowest_price', 'price_quality')),
    enquiry_deadline TIMESTAMP NOT NULL,
    submission_deadline TIMESTAMP NOT NULL,
    opening_at TIMESTAMP NOT NULL,
    committee_threshold INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'open', 'enquiries_closed', 'closed', 'cancelled', 'awarded', 'unsuccessful')),
    ocid TEXT UNIQUE,
    published_at TIMESTAMP,
    cancelled_at TIMESTAMP,
    cancellation_ground TEXT,
    search_text TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX tenders_deadline ON tenders (submission_deadline, id);
CREATE INDEX tenders_published ON tenders (published_at, id);
CREATE INDEX tenders_status_deadline ON tenders (status, submission_deadline, id);
CREATE INDEX tenders_buyer ON tenders (buyer_id, submission_deadline, id);
CREATE INDEX tenders_value ON tenders (currency, estimated_value, id);
CREATE INDEX tenders_classification ON tenders (classification);

-- Stems of the tender's searchable text (title, description, lots, buyer, ocid), computed by
-- the application with the same Snowball Spanish stemmer and stop words PostgreSQL uses;
-- rowid = tenders.id. Only published tenders are indexed.
CREATE VIRTUAL TABLE tender_search USING fts5 (terms);

CREATE TABLE tender_lots (
    id INTEGER PRIMARY KEY,
    tender_id BIGINT NOT NULL REFERENCES tenders (id),
    number INTEGER NOT NULL,
    title TEXT NOT NULL,
    quantity TEXT NOT NULL,
    unit TEXT NOT NULL,
    estimated_value BIGINT NOT NULL,
    UNIQUE (tender_id, number)
);

CREATE TABLE tender_criteria (
    tender_id BIGINT NOT NULL REFERENCES tenders (id),
    position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('price', 'quality')),
    name TEXT NOT NULL,
    weight INTEGER NOT NULL,
    PRIMARY KEY (tender_id, position)
);

CREATE TABLE tender_committee (
    tender_id BIGINT NOT NULL REFERENCES tenders (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    committee_role TEXT NOT NULL CHECK (committee_role IN ('member', 'observer')),
    PRIMARY KEY (tender_id, user_id)
);

-- Content-addressed files: the bytes live at <data>/documents/<sha256[0..2]>/<sha256>.
CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    size BIGINT NOT NULL,
    media_type TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- A document of a tender: published with the tender, or later by an amendment (added_in),
-- withdrawn by an amendment (withdrawn_in). Staged = uploaded to a published tender and
-- waiting for the amendment that publishes it.
CREATE TABLE tender_documents (
    id INTEGER PRIMARY KEY,
    tender_id BIGINT NOT NULL REFERENCES tenders (id),
    sha256 TEXT NOT NULL REFERENCES blobs (sha256),
    filename TEXT NOT NULL,
    uploaded_by BIGINT NOT NULL REFERENCES users (id),
    uploaded_at TIMESTAMP NOT NULL,
    published_at TIMESTAMP,
    added_in BIGINT,
    withdrawn_in BIGINT
);
CREATE INDEX tender_documents_tender ON tender_documents (tender_id);

CREATE TABLE tender_amendments (
    id INTEGER PRIMARY KEY,
    tender_id BIGINT NOT NULL REFERENCES tenders (id),
    number INTEGER NOT NULL,
    rationale TEXT NOT NULL,
    material BOOLEAN NOT NULL,
    changes TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (tender_id, number)
);

-- The asker (supplier and user) is kept for the record and never shown publicly.
CREATE TABLE tender_enquiries (
    id INTEGER PRIMARY KEY,
    tender_id BIGINT NOT NULL REFERENCES tenders (id),
    supplier_id BIGINT NOT NULL REFERENCES suppliers (id),
    asked_by BIGINT NOT NULL REFERENCES users (id),
    question TEXT NOT NULL,
    asked_at TIMESTAMP NOT NULL,
    answer TEXT,
    answered_by BIGINT REFERENCES users (id),
    answered_at TIMESTAMP
);
CREATE INDEX tender_enquiries_tender ON tender_enquiries (tender_id, id);

-- Supplier users interested in one tender (they asked, or chose to follow it).
CREATE TABLE tender_followers (
    tender_id BIGINT NOT NULL REFERENCES tenders (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (tender_id, user_id)
);

-- Alerts: a supplier user subscribes to UNSPSC segments and buyer entities.
CREATE TABLE alert_subscriptions (
    user_id BIGINT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('segment', 'buyer')),
    value TEXT NOT NULL,
    PRIMARY KEY (user_id, kind, value)
);
CREATE INDEX alert_subscriptions_value ON alert_subscriptions (kind, value);
