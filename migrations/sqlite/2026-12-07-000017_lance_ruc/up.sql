-- The RUC a lance's receipt was signed with: the transcript lists each lance as signed,
-- even if the company's RUC is corrected later in the registry.
ALTER TABLE auction_lances ADD COLUMN supplier_ruc TEXT NOT NULL DEFAULT '';
