-- Projections of each contracting process kept in step with its tables, in the transaction
-- of every event (backend::projection), so public reads cost one narrow row per process
-- instead of a join over its bids. Rebuildable from the tables at any time. Keep in step
-- with the other engine's folder.

-- The compiled OCDS release of each process (the merge of its releases), as served in the
-- bulk files: with Licita's paths, made absolute when served.
CREATE TABLE ocds_compiled (
    tender_id BIGINT PRIMARY KEY REFERENCES tenders (id),
    ocid TEXT NOT NULL UNIQUE,
    first_released_at TIMESTAMP NOT NULL,
    last_seq BIGINT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX ocds_compiled_first ON ocds_compiled (first_released_at, tender_id);

-- The dashboard's counts of each published tender (see backend::transparency for what each
-- one means); its amounts per currency and its awards' days from publication below.
CREATE TABLE tender_figures (
    tender_id BIGINT PRIMARY KEY REFERENCES tenders (id),
    buyer_id BIGINT NOT NULL REFERENCES buyers (id),
    method TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL,
    month TEXT NOT NULL,
    lots_opened BIGINT NOT NULL,
    lots_with_bids BIGINT NOT NULL,
    single_bid_lots BIGINT NOT NULL,
    bidders BIGINT NOT NULL,
    evaluations BIGINT NOT NULL,
    disqualified BIGINT NOT NULL,
    complaints BIGINT NOT NULL,
    upheld BIGINT NOT NULL,
    flags BIGINT NOT NULL,
    justified BIGINT NOT NULL
);
CREATE INDEX tender_figures_published ON tender_figures (published_at);
CREATE INDEX tender_figures_buyer ON tender_figures (buyer_id, published_at);

CREATE TABLE tender_figure_amounts (
    tender_id BIGINT NOT NULL REFERENCES tenders (id),
    currency TEXT NOT NULL,
    lots BIGINT NOT NULL,
    estimated BIGINT NOT NULL,
    awarded BIGINT NOT NULL,
    PRIMARY KEY (tender_id, currency)
);

CREATE TABLE tender_figure_days (
    tender_id BIGINT NOT NULL REFERENCES tenders (id),
    days BIGINT NOT NULL,
    awards BIGINT NOT NULL,
    PRIMARY KEY (tender_id, days)
);
