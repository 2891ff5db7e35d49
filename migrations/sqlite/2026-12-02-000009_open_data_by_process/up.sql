-- The bulk files read the releases process by process (tender_id, then seq): without this
-- index each page of 200 processes scanned every release.
CREATE INDEX ocds_releases_tender ON ocds_releases (tender_id, seq);
