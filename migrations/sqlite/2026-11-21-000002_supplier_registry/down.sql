DROP TABLE supplier_sanctions;
DROP TABLE supplier_invitations;
DROP TABLE supplier_members;
DROP TABLE supplier_categories;
DROP TABLE suppliers;
ALTER TABLE users DROP COLUMN registry_officer;
