-- Each checkpoint names the one before it: the SHA-256 (hex) of its signed text ('' for the
-- first). NULL marks a checkpoint of the first format, which named nothing before it; its
-- watermark (last_event_id) is signed from the second format on.
ALTER TABLE audit_checkpoints ADD COLUMN previous TEXT;
