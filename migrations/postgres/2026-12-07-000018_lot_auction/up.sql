-- An electronic auction per lot: every lot of a subasta inversa electrónica has one; on a
-- method the setting LICITA_AUCTION_METHODS lists, the officer enables it lot by lot. The
-- tender's column says whether any of its lots has one (the procedure it follows), written
-- with the lots.
ALTER TABLE tender_lots ADD COLUMN electronic_auction BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE tenders ADD COLUMN electronic_auction BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE tender_lots SET electronic_auction = TRUE
 WHERE tender_id IN (SELECT id FROM tenders WHERE method = 'subasta_inversa_electronica');
UPDATE tenders SET electronic_auction = TRUE WHERE method = 'subasta_inversa_electronica';
