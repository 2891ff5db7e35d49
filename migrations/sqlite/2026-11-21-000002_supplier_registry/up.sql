-- Supplier registry (Peru's RNP): companies, their categories, members, invitations and
-- sanctions. Keep in step with the other engine's folder (a test compares the schemas).
ALTER TABLE users ADD COLUMN registry_officer BOOLEAN NOT NULL DEFAULT 0;

-- Who reviewed a supplier and when is in the audit log (chain supplier:<id>), not here.
CREATE TABLE suppliers (
    id INTEGER PRIMARY KEY,
    ruc TEXT NOT NULL UNIQUE,
    legal_name TEXT NOT NULL,
    trade_name TEXT,
    legal_form TEXT NOT NULL,
    department TEXT NOT NULL,
    province TEXT NOT NULL,
    district TEXT NOT NULL,
    address TEXT NOT NULL,
    contact_email TEXT NOT NULL,
    contact_phone TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'verified', 'rejected')),
    status_reason TEXT,
    search_text TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX suppliers_status ON suppliers (status, legal_name);

CREATE TABLE supplier_categories (
    supplier_id BIGINT NOT NULL REFERENCES suppliers (id),
    segment TEXT NOT NULL,
    PRIMARY KEY (supplier_id, segment)
);
CREATE INDEX supplier_categories_segment ON supplier_categories (segment);

-- A user belongs to at most one company (user_id is the key); a company has one owner.
CREATE TABLE supplier_members (
    user_id BIGINT PRIMARY KEY REFERENCES users (id),
    supplier_id BIGINT NOT NULL REFERENCES suppliers (id),
    member_role TEXT NOT NULL CHECK (member_role IN ('owner', 'member')),
    joined_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX supplier_members_one_owner ON supplier_members (supplier_id) WHERE member_role = 'owner';

CREATE TABLE supplier_invitations (
    token_hash TEXT PRIMARY KEY,
    supplier_id BIGINT NOT NULL REFERENCES suppliers (id),
    email TEXT NOT NULL,
    invited_by BIGINT NOT NULL REFERENCES users (id),
    expires_at TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);

-- Suspensions (open-ended until reinstated) and debarments (until a date, with legal ground).
CREATE TABLE supplier_sanctions (
    id INTEGER PRIMARY KEY,
    supplier_id BIGINT NOT NULL REFERENCES suppliers (id),
    kind TEXT NOT NULL CHECK (kind IN ('suspension', 'debarment')),
    ground TEXT NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP,
    lifted_at TIMESTAMP,
    lifted_reason TEXT,
    decided_by BIGINT NOT NULL REFERENCES users (id),
    lifted_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX supplier_sanctions_supplier ON supplier_sanctions (supplier_id);
