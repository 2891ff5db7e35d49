-- A candidate suspended from the agreement (or sanctioned) before or during its turn is
-- passed over: its outcome is `barred`. SQLite cannot change a CHECK: the table is rebuilt
-- with its rows and index. Keep in step with the other engine's folder.
CREATE TABLE catalogue_order_candidates_rebuilt (
    order_id BIGINT NOT NULL REFERENCES catalogue_orders (id),
    supplier_id BIGINT NOT NULL REFERENCES suppliers (id),
    offer_id BIGINT NOT NULL REFERENCES catalogue_offers (id),
    -- The catalogue price when invited; the quote once given (never above the catalogue's).
    unit_price BIGINT NOT NULL CHECK (unit_price > 0),
    quoted_at TIMESTAMP,
    rank INTEGER,
    outcome TEXT CHECK (outcome IN ('accepted', 'declined', 'lapsed', 'barred')),
    decided_at TIMESTAMP,
    PRIMARY KEY (order_id, supplier_id),
    UNIQUE (order_id, rank)
);
INSERT INTO catalogue_order_candidates_rebuilt
    SELECT order_id, supplier_id, offer_id, unit_price, quoted_at, rank, outcome, decided_at
    FROM catalogue_order_candidates;
DROP TABLE catalogue_order_candidates;
ALTER TABLE catalogue_order_candidates_rebuilt RENAME TO catalogue_order_candidates;
CREATE INDEX catalogue_order_candidates_supplier ON catalogue_order_candidates (supplier_id, order_id);
