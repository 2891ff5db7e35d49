DROP TABLE bid_documents;
DROP TABLE bid_prices;
DROP TABLE bids;
DROP TABLE tender_key_shares;
DROP TABLE tender_seals;
DROP TABLE opening_keys;
