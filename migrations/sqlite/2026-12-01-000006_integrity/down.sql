DROP TABLE audit_checkpoint_heads;
DROP TABLE audit_checkpoints;
DROP TABLE bid_confirmations;
ALTER TABLE bids DROP COLUMN idempotency_fingerprint;
ALTER TABLE bids DROP COLUMN sealed_manifest;
