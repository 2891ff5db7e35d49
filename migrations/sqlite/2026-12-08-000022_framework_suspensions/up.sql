-- A party suspended from a framework agreement: a dated sanction of the central purchasing
-- body (like the registry's), with its reason, public; while it lasts the party's offers
-- cannot be ordered. Lifting one early records who lifted it and why. Keep in step with the
-- other engine's folder.
CREATE TABLE framework_suspensions (
    id INTEGER PRIMARY KEY,
    agreement_id BIGINT NOT NULL,
    supplier_id BIGINT NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    reason TEXT NOT NULL,
    decided_by BIGINT NOT NULL REFERENCES users (id),
    lifted_at TIMESTAMP,
    lifted_by BIGINT REFERENCES users (id),
    lifted_reason TEXT,
    FOREIGN KEY (agreement_id, supplier_id) REFERENCES framework_parties (agreement_id, supplier_id)
);
CREATE INDEX framework_suspensions_party ON framework_suspensions (agreement_id, supplier_id, ends_at);
