-- Open data: each public event of a contracting process as an immutable OCDS release (the
-- release's JSON as published, its Licita paths made absolute when served). `seq` is the
-- server-assigned order the change feed pages on. Keep in step with the other engine's folder.
CREATE TABLE ocds_releases (
    seq INTEGER PRIMARY KEY,
    ocid TEXT NOT NULL,
    release_id TEXT NOT NULL UNIQUE,
    tender_id BIGINT NOT NULL REFERENCES tenders (id),
    buyer_id BIGINT NOT NULL REFERENCES buyers (id),
    tag TEXT NOT NULL,
    released_at TIMESTAMP NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX ocds_releases_ocid ON ocds_releases (ocid, seq);
CREATE INDEX ocds_releases_buyer ON ocds_releases (buyer_id, seq);
CREATE INDEX ocds_releases_date ON ocds_releases (released_at, seq);
-- A published release is never rewritten or removed.
CREATE TRIGGER ocds_releases_no_update BEFORE UPDATE ON ocds_releases
BEGIN
    SELECT RAISE(ABORT, 'OCDS releases are immutable');
END;
CREATE TRIGGER ocds_releases_no_delete BEFORE DELETE ON ocds_releases
BEGIN
    SELECT RAISE(ABORT, 'OCDS releases are immutable');
END;
