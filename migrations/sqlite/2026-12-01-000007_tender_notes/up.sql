-- A tender being written that does not pass every check yet: the officer's form as typed
-- (JSON), kept for its entity so nothing typed is lost. Not a tender: it has no ocid, no
-- audit chain and nobody outside the entity sees it; it becomes a draft, and is deleted,
-- once it passes the checks. Keep in step with the other engine's folder.
CREATE TABLE tender_notes (
    id INTEGER PRIMARY KEY,
    buyer_id BIGINT NOT NULL REFERENCES buyers (id),
    created_by BIGINT NOT NULL REFERENCES users (id),
    title TEXT NOT NULL,
    form TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX tender_notes_buyer ON tender_notes (buyer_id, updated_at);
