//! The database schema, written once for both back ends (diesel `table!` declarations).
//!
//! Keep it in step with `migrations/sqlite` and `migrations/postgres`; the end-to-end test
//! `schema_parity` fails when the two migration sets drift apart.

diesel::table! {
    buyers (id) {
        id -> BigInt,
        name -> Text,
        ruc -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        display_name -> Text,
        password_hash -> Text,
        role -> Text,
        buyer_id -> Nullable<BigInt>,
        locale -> Text,
        email_verified_at -> Nullable<Timestamp>,
        password_changed_at -> Timestamp,
        active -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    email_verifications (token_hash) {
        token_hash -> Text,
        user_id -> BigInt,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_throttle (throttle_key) {
        throttle_key -> Text,
        failures -> Integer,
        window_started_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    revoked_tokens (jti) {
        jti -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    audit_events (id) {
        id -> BigInt,
        chain -> Text,
        seq -> BigInt,
        prev_hash -> Text,
        hash -> Text,
        actor_id -> Nullable<BigInt>,
        actor_role -> Text,
        action -> Text,
        entity_type -> Text,
        entity_id -> Text,
        occurred_at -> Timestamp,
        payload -> Text,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        recipient -> Text,
        subject -> Text,
        body_text -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(users -> buyers (buyer_id));
diesel::joinable!(email_verifications -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(buyers, users, email_verifications);
