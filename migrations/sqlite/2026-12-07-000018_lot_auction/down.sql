ALTER TABLE tenders DROP COLUMN electronic_auction;
ALTER TABLE tender_lots DROP COLUMN electronic_auction;
