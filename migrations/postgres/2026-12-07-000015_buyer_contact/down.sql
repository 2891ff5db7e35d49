ALTER TABLE buyers DROP COLUMN contact_phone;
ALTER TABLE buyers DROP COLUMN contact_email;
ALTER TABLE buyers DROP COLUMN department;
ALTER TABLE buyers DROP COLUMN district;
ALTER TABLE buyers DROP COLUMN address;
