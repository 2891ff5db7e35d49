-- Keep in step with the other engine's folder.
-- The search projection: one narrow row per published tender with only what the public
-- search filters and sorts on, and its stems (title, description, lots, buyer, ocid, the
-- buyer's RUC, winners' names and RUCs). Written in the transaction of every change of the
-- tender (tenders::search::project); each server holds it in memory and reads the rows whose
-- revision moved since its last search. Rebuilt from the tables by `licita search reindex`.
CREATE TABLE tender_search_rows (
    tender_id BIGINT PRIMARY KEY NOT NULL REFERENCES tenders (id),
    -- SQLite: one more than the largest (writers are serialised, so commit order).
    revision BIGINT NOT NULL,
    status TEXT NOT NULL,
    buyer_id BIGINT NOT NULL,
    method TEXT NOT NULL,
    category TEXT NOT NULL,
    classification TEXT NOT NULL,
    currency TEXT NOT NULL,
    estimated_value BIGINT NOT NULL,
    enquiry_deadline TIMESTAMP NOT NULL,
    submission_deadline TIMESTAMP NOT NULL,
    published_at TIMESTAMP NOT NULL,
    terms TEXT NOT NULL
);
CREATE INDEX tender_search_rows_revision ON tender_search_rows (revision);

-- The FTS5 table the search used to query: the projection's stems replace it.
DROP TABLE tender_search;
