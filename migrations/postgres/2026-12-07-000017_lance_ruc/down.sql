ALTER TABLE auction_lances DROP COLUMN supplier_ruc;
