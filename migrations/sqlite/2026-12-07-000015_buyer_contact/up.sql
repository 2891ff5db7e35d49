-- A buyer entity's procurement office as published in OCDS parties (address and contact
-- point); empty where the registry has not been told.
ALTER TABLE buyers ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE buyers ADD COLUMN district TEXT NOT NULL DEFAULT '';
ALTER TABLE buyers ADD COLUMN department TEXT NOT NULL DEFAULT '';
ALTER TABLE buyers ADD COLUMN contact_email TEXT NOT NULL DEFAULT '';
ALTER TABLE buyers ADD COLUMN contact_phone TEXT NOT NULL DEFAULT '';
