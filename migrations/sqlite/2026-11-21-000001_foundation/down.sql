DROP TABLE outbox;
DROP TABLE audit_events;
DROP TABLE revoked_tokens;
DROP TABLE login_throttle;
DROP TABLE email_verifications;
DROP TABLE users;
DROP TABLE buyers;
