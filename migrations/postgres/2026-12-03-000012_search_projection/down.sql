ALTER TABLE tenders ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('spanish', search_text)) STORED;
CREATE INDEX tenders_search ON tenders USING GIN (search_vector);
DROP TABLE tender_search_rows;
