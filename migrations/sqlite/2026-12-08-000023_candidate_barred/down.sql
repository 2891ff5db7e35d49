-- Back to three outcomes: a barred candidate reads as one that let its time pass.
CREATE TABLE catalogue_order_candidates_rebuilt (
    order_id BIGINT NOT NULL REFERENCES catalogue_orders (id),
    supplier_id BIGINT NOT NULL REFERENCES suppliers (id),
    offer_id BIGINT NOT NULL REFERENCES catalogue_offers (id),
    unit_price BIGINT NOT NULL CHECK (unit_price > 0),
    quoted_at TIMESTAMP,
    rank INTEGER,
    outcome TEXT CHECK (outcome IN ('accepted', 'declined', 'lapsed')),
    decided_at TIMESTAMP,
    PRIMARY KEY (order_id, supplier_id),
    UNIQUE (order_id, rank)
);
INSERT INTO catalogue_order_candidates_rebuilt
    SELECT order_id, supplier_id, offer_id, unit_price, quoted_at, rank,
        CASE outcome WHEN 'barred' THEN 'lapsed' ELSE outcome END, decided_at
    FROM catalogue_order_candidates;
DROP TABLE catalogue_order_candidates;
ALTER TABLE catalogue_order_candidates_rebuilt RENAME TO catalogue_order_candidates;
CREATE INDEX catalogue_order_candidates_supplier ON catalogue_order_candidates (supplier_id, order_id);
