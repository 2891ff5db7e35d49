-- Orders from the electronic catalogue (stage 2 of a framework agreement): an officer of any
-- buying entity orders a quantity of one product for delivery in one department. Below
-- LICITA_CATALOGUE_QUOTE_THRESHOLD it is a direct order to the offer chosen (the lowest, or
-- another with a public reason); at or above it, a quote request to every supplier that
-- delivers the product there, open until its close, the lowest quote winning. The chosen
-- supplier accepts within two business days or the order passes to the next candidate. An
-- accepted order is a contract with its own ocid; its delivery and conformity are dated.
CREATE TABLE catalogue_orders (
    id INTEGER PRIMARY KEY,
    ocid TEXT NOT NULL UNIQUE,
    agreement_id BIGINT NOT NULL REFERENCES framework_agreements (id),
    product_id BIGINT NOT NULL REFERENCES catalogue_products (id),
    buyer_id BIGINT NOT NULL REFERENCES buyers (id),
    ordered_by BIGINT NOT NULL REFERENCES users (id),
    department TEXT NOT NULL,
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    currency TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('direct', 'quotes')),
    status TEXT NOT NULL CHECK (status IN ('quoting', 'awaiting_acceptance', 'accepted', 'void')),
    -- The order's value at the lowest price that could take it, and the product's median
    -- catalogue price, when it was placed (what its red flags compare).
    lowest_value BIGINT NOT NULL,
    median_price BIGINT,
    -- Why the officer chose another offer than the lowest (shown publicly).
    choice_reason TEXT,
    quotes_close_at TIMESTAMP,
    -- The candidate whose turn it is to accept, and until when.
    current_rank INTEGER,
    accept_by TIMESTAMP,
    -- Once accepted: the contract.
    supplier_id BIGINT REFERENCES suppliers (id),
    offer_id BIGINT REFERENCES catalogue_offers (id),
    unit_price BIGINT,
    total BIGINT,
    accepted_at TIMESTAMP,
    delivery_due_at TIMESTAMP,
    delivered_at TIMESTAMP,
    conformity_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX catalogue_orders_acceptance ON catalogue_orders (status, accept_by);
CREATE INDEX catalogue_orders_quotes ON catalogue_orders (status, quotes_close_at);
CREATE INDEX catalogue_orders_buyer ON catalogue_orders (buyer_id, product_id, created_at);

-- The suppliers an order may go to: a direct order's eligible offers in the order they are
-- offered the order; a quote request's invited suppliers, ranked by their quotes when the
-- request closes (those without a quote are not ranked).
CREATE TABLE catalogue_order_candidates (
    order_id BIGINT NOT NULL REFERENCES catalogue_orders (id),
    supplier_id BIGINT NOT NULL REFERENCES suppliers (id),
    offer_id BIGINT NOT NULL REFERENCES catalogue_offers (id),
    -- The catalogue price when invited; the quote once given (never above the catalogue's).
    unit_price BIGINT NOT NULL CHECK (unit_price > 0),
    quoted_at TIMESTAMP,
    rank INTEGER,
    outcome TEXT CHECK (outcome IN ('accepted', 'declined', 'lapsed')),
    decided_at TIMESTAMP,
    PRIMARY KEY (order_id, supplier_id),
    UNIQUE (order_id, rank)
);
CREATE INDEX catalogue_order_candidates_supplier ON catalogue_order_candidates (supplier_id, order_id);
