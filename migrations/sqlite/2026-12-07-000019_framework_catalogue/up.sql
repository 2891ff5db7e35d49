-- Framework agreements (acuerdos marco) and their electronic catalogue.
--
-- A central purchasing body (a buyer entity so marked) runs the agreements. An agreement is in
-- force between its two instants; its catalogue lists categories, product sheets (fichas: the
-- attributes every offer must meet, the unit, the UNSPSC code) and, for each admitted
-- supplier (a party), its offers: brand and model, unit price, minimum order value, stock and
-- the departments it delivers to with the days it takes. Every change of an offer's price or
-- stock is a new version (kept whole: the price history is read from it) and an audit event.
ALTER TABLE buyers ADD COLUMN central_purchasing BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE framework_agreements (
    id INTEGER PRIMARY KEY,
    ocid TEXT NOT NULL UNIQUE,
    buyer_id BIGINT NOT NULL REFERENCES buyers (id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    currency TEXT NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    min_participants INTEGER NOT NULL CHECK (min_participants >= 1),
    max_participants INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    CHECK (ends_at > starts_at),
    CHECK (max_participants >= min_participants)
);

CREATE TABLE catalogue_categories (
    id INTEGER PRIMARY KEY,
    agreement_id BIGINT NOT NULL REFERENCES framework_agreements (id),
    name TEXT NOT NULL,
    UNIQUE (agreement_id, name)
);

CREATE TABLE catalogue_products (
    id INTEGER PRIMARY KEY,
    category_id BIGINT NOT NULL REFERENCES catalogue_categories (id),
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    unspsc TEXT NOT NULL,
    -- The sheet's required attributes: a JSON array of {"name", "value"}.
    attributes TEXT NOT NULL
);
CREATE INDEX catalogue_products_category ON catalogue_products (category_id);

CREATE TABLE framework_parties (
    agreement_id BIGINT NOT NULL REFERENCES framework_agreements (id),
    supplier_id BIGINT NOT NULL REFERENCES suppliers (id),
    admitted_at TIMESTAMP NOT NULL,
    PRIMARY KEY (agreement_id, supplier_id)
);

CREATE TABLE catalogue_offers (
    id INTEGER PRIMARY KEY,
    product_id BIGINT NOT NULL REFERENCES catalogue_products (id),
    agreement_id BIGINT NOT NULL REFERENCES framework_agreements (id),
    supplier_id BIGINT NOT NULL REFERENCES suppliers (id),
    brand TEXT NOT NULL,
    model TEXT NOT NULL,
    currency TEXT NOT NULL,
    unit_price BIGINT NOT NULL CHECK (unit_price > 0),
    min_order_value BIGINT NOT NULL CHECK (min_order_value >= 0),
    stock BIGINT NOT NULL CHECK (stock >= 0),
    version INTEGER NOT NULL CHECK (version >= 1),
    -- The last price increase (the rules allow one per LICITA_CATALOGUE_INCREASE_DAYS).
    increased_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL,
    -- The product's name, category, attributes and UNSPSC code, the brand and the model,
    -- lower-case without accents: what the catalogue's search matches.
    search_text TEXT NOT NULL,
    UNIQUE (product_id, supplier_id),
    FOREIGN KEY (agreement_id, supplier_id) REFERENCES framework_parties (agreement_id, supplier_id)
);
CREATE INDEX catalogue_offers_price ON catalogue_offers (product_id, unit_price);
CREATE INDEX catalogue_offers_supplier ON catalogue_offers (supplier_id);

CREATE TABLE catalogue_offer_regions (
    offer_id BIGINT NOT NULL REFERENCES catalogue_offers (id),
    department TEXT NOT NULL,
    delivery_days INTEGER NOT NULL CHECK (delivery_days >= 1),
    PRIMARY KEY (offer_id, department)
);
CREATE INDEX catalogue_offer_regions_department ON catalogue_offer_regions (department, offer_id);

CREATE TABLE catalogue_offer_versions (
    offer_id BIGINT NOT NULL REFERENCES catalogue_offers (id),
    version INTEGER NOT NULL,
    unit_price BIGINT NOT NULL,
    stock BIGINT NOT NULL,
    -- Required for a price increase.
    reason TEXT,
    changed_by BIGINT REFERENCES users (id),
    changed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (offer_id, version)
);
