-- Contracting processes that are not tenders publish open data too: a framework agreement
-- (ocds-…-am-N) and each order from its catalogue (ocds-…-oc-N). Their releases and compiled
-- releases have no tender, so `tender_id` may be empty and the compiled releases are keyed
-- by ocid. SQLite cannot drop a NOT NULL: each table is rebuilt with its rows, indexes and
-- triggers (DROP TABLE's implicit delete fires no trigger). Keep in step with the other
-- engine's folder.
CREATE TABLE ocds_releases_rebuilt (
    seq INTEGER PRIMARY KEY,
    ocid TEXT NOT NULL,
    release_id TEXT NOT NULL UNIQUE,
    tender_id BIGINT REFERENCES tenders (id),
    buyer_id BIGINT NOT NULL REFERENCES buyers (id),
    tag TEXT NOT NULL,
    released_at TIMESTAMP NOT NULL,
    body TEXT NOT NULL
);
INSERT INTO ocds_releases_rebuilt (seq, ocid, release_id, tender_id, buyer_id, tag, released_at, body)
    SELECT seq, ocid, release_id, tender_id, buyer_id, tag, released_at, body FROM ocds_releases;
DROP TABLE ocds_releases;
ALTER TABLE ocds_releases_rebuilt RENAME TO ocds_releases;
CREATE INDEX ocds_releases_ocid ON ocds_releases (ocid, seq);
CREATE INDEX ocds_releases_buyer ON ocds_releases (buyer_id, seq);
CREATE INDEX ocds_releases_date ON ocds_releases (released_at, seq);
CREATE INDEX ocds_releases_tender ON ocds_releases (tender_id, seq);
CREATE TRIGGER ocds_releases_no_update BEFORE UPDATE ON ocds_releases
BEGIN
    SELECT RAISE(ABORT, 'OCDS releases are immutable');
END;
CREATE TRIGGER ocds_releases_no_delete BEFORE DELETE ON ocds_releases
BEGIN
    SELECT RAISE(ABORT, 'OCDS releases are immutable');
END;

CREATE TABLE ocds_compiled_rebuilt (
    tender_id BIGINT UNIQUE REFERENCES tenders (id),
    ocid TEXT PRIMARY KEY,
    first_released_at TIMESTAMP NOT NULL,
    last_seq BIGINT NOT NULL,
    body TEXT NOT NULL
);
INSERT INTO ocds_compiled_rebuilt (tender_id, ocid, first_released_at, last_seq, body)
    SELECT tender_id, ocid, first_released_at, last_seq, body FROM ocds_compiled;
DROP TABLE ocds_compiled;
ALTER TABLE ocds_compiled_rebuilt RENAME TO ocds_compiled;
CREATE INDEX ocds_compiled_first ON ocds_compiled (first_released_at, ocid);
