-- Keep in step with the other engine's folder.
-- The same counts summed per (buyer, Lima month, method): the dashboard reads these for the
-- whole months of its range, and the tenders' rows only for a range's partial months.
CREATE INDEX tender_figures_cell ON tender_figures (buyer_id, month, method);

CREATE TABLE tender_figure_cells (
    buyer_id BIGINT NOT NULL REFERENCES buyers (id),
    month TEXT NOT NULL,
    method TEXT NOT NULL,
    tenders BIGINT NOT NULL,
    lots_opened BIGINT NOT NULL,
    lots_with_bids BIGINT NOT NULL,
    single_bid_lots BIGINT NOT NULL,
    bidders BIGINT NOT NULL,
    evaluations BIGINT NOT NULL,
    disqualified BIGINT NOT NULL,
    complaints BIGINT NOT NULL,
    upheld BIGINT NOT NULL,
    flags BIGINT NOT NULL,
    justified BIGINT NOT NULL,
    PRIMARY KEY (buyer_id, month, method)
);

CREATE TABLE tender_figure_cell_amounts (
    buyer_id BIGINT NOT NULL REFERENCES buyers (id),
    month TEXT NOT NULL,
    method TEXT NOT NULL,
    currency TEXT NOT NULL,
    lots BIGINT NOT NULL,
    estimated BIGINT NOT NULL,
    awarded BIGINT NOT NULL,
    PRIMARY KEY (buyer_id, month, method, currency)
);

CREATE TABLE tender_figure_cell_days (
    buyer_id BIGINT NOT NULL REFERENCES buyers (id),
    month TEXT NOT NULL,
    method TEXT NOT NULL,
    days BIGINT NOT NULL,
    awards BIGINT NOT NULL,
    PRIMARY KEY (buyer_id, month, method, days)
);
