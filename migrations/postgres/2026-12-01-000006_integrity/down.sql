DROP TABLE audit_checkpoint_heads;
DROP TABLE audit_checkpoints;
DROP FUNCTION audit_checkpoints_append_only();
DROP TABLE bid_confirmations;
ALTER TABLE bids DROP COLUMN idempotency_fingerprint;
ALTER TABLE bids DROP COLUMN sealed_manifest;
