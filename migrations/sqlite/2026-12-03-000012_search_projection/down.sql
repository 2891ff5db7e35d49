CREATE VIRTUAL TABLE tender_search USING fts5 (terms);
INSERT INTO tender_search (rowid, terms) SELECT tender_id, terms FROM tender_search_rows;
DROP TABLE tender_search_rows;
