DROP TABLE catalogue_offer_versions;
DROP TABLE catalogue_offer_regions;
DROP TABLE catalogue_offers;
DROP TABLE framework_parties;
DROP TABLE catalogue_products;
DROP TABLE catalogue_categories;
DROP TABLE framework_agreements;
ALTER TABLE buyers DROP COLUMN central_purchasing;
