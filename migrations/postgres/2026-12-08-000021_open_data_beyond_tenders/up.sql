-- Contracting processes that are not tenders publish open data too: a framework agreement
-- (ocds-…-am-N) and each order from its catalogue (ocds-…-oc-N). Their releases and compiled
-- releases have no tender, so `tender_id` may be empty and the compiled releases are keyed
-- by ocid. Keep in step with the other engine's folder.
ALTER TABLE ocds_releases ALTER COLUMN tender_id DROP NOT NULL;
ALTER TABLE ocds_compiled DROP CONSTRAINT ocds_compiled_pkey;
ALTER TABLE ocds_compiled DROP CONSTRAINT ocds_compiled_ocid_key;
ALTER TABLE ocds_compiled ALTER COLUMN tender_id DROP NOT NULL;
ALTER TABLE ocds_compiled ADD PRIMARY KEY (ocid);
ALTER TABLE ocds_compiled ADD CONSTRAINT ocds_compiled_tender_id_key UNIQUE (tender_id);
DROP INDEX ocds_compiled_first;
CREATE INDEX ocds_compiled_first ON ocds_compiled (first_released_at, ocid);
