-- Back to tenders only: the releases of agreements and orders cannot be kept (releases are
-- immutable, so their rows are removed with the trigger set aside).
DELETE FROM ocds_compiled WHERE tender_id IS NULL;
DROP INDEX ocds_compiled_first;
CREATE INDEX ocds_compiled_first ON ocds_compiled (first_released_at, tender_id);
ALTER TABLE ocds_compiled DROP CONSTRAINT ocds_compiled_tender_id_key;
ALTER TABLE ocds_compiled DROP CONSTRAINT ocds_compiled_pkey;
ALTER TABLE ocds_compiled ALTER COLUMN tender_id SET NOT NULL;
ALTER TABLE ocds_compiled ADD PRIMARY KEY (tender_id);
ALTER TABLE ocds_compiled ADD CONSTRAINT ocds_compiled_ocid_key UNIQUE (ocid);
ALTER TABLE ocds_releases DISABLE TRIGGER ocds_releases_no_change;
DELETE FROM ocds_releases WHERE tender_id IS NULL;
ALTER TABLE ocds_releases ENABLE TRIGGER ocds_releases_no_change;
ALTER TABLE ocds_releases ALTER COLUMN tender_id SET NOT NULL;
