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
        address -> Text,
        district -> Text,
        department -> Text,
        contact_email -> Text,
        contact_phone -> Text,
        central_purchasing -> Bool,
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
        registry_officer -> Bool,
    }
}

diesel::table! {
    password_resets (token_hash) {
        token_hash -> Text,
        user_id -> BigInt,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
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

diesel::table! {
    /// A lot's reverse auction: its rules, the close and its state now.
    auctions (id) {
        id -> BigInt,
        tender_id -> BigInt,
        lot_number -> Integer,
        currency -> Text,
        minimal_step -> BigInt,
        floor -> BigInt,
        window_seconds -> Integer,
        extension_seconds -> Integer,
        max_extensions -> Integer,
        outage_gap_seconds -> Integer,
        opens_at -> Timestamp,
        closes_at -> Timestamp,
        extensions -> Integer,
        alive_at -> Timestamp,
        lances -> BigInt,
        scheduled_by -> BigInt,
        scheduled_at -> Timestamp,
        closed_at -> Nullable<Timestamp>,
        warned_at -> Nullable<Timestamp>,
        transcript -> Nullable<Text>,
        transcript_signature -> Nullable<Text>,
    }
}

diesel::table! {
    /// One admitted offer's seat in an auction: its sealed price and its price now.
    auction_seats (auction_id, seat) {
        auction_id -> BigInt,
        seat -> Integer,
        bid_id -> BigInt,
        supplier_id -> BigInt,
        opening_price -> BigInt,
        price -> BigInt,
        price_order -> BigInt,
    }
}

diesel::table! {
    /// Every accepted lance, in order, with its signature.
    auction_lances (auction_id, number) {
        auction_id -> BigInt,
        number -> BigInt,
        seat -> Integer,
        price -> BigInt,
        placed_at -> Timestamp,
        closes_at -> Timestamp,
        placed_by -> BigInt,
        signature -> Text,
        supplier_ruc -> Text,
    }
}

diesel::table! {
    /// Every move of an auction's close, and why.
    auction_moves (auction_id, number) {
        auction_id -> BigInt,
        number -> Integer,
        reason -> Text,
        moved_at -> Timestamp,
        from_close -> Timestamp,
        to_close -> Timestamp,
    }
}

diesel::joinable!(users -> buyers (buyer_id));
diesel::joinable!(email_verifications -> users (user_id));
diesel::joinable!(password_resets -> users (user_id));

diesel::table! {
    suppliers (id) {
        id -> BigInt,
        ruc -> Text,
        legal_name -> Text,
        trade_name -> Nullable<Text>,
        legal_form -> Text,
        department -> Text,
        province -> Text,
        district -> Text,
        address -> Text,
        contact_email -> Text,
        contact_phone -> Text,
        status -> Text,
        status_reason -> Nullable<Text>,
        search_text -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    supplier_categories (supplier_id, segment) {
        supplier_id -> BigInt,
        segment -> Text,
    }
}

diesel::table! {
    supplier_members (user_id) {
        user_id -> BigInt,
        supplier_id -> BigInt,
        member_role -> Text,
        joined_at -> Timestamp,
    }
}

diesel::table! {
    supplier_invitations (token_hash) {
        token_hash -> Text,
        supplier_id -> BigInt,
        email -> Text,
        invited_by -> BigInt,
        expires_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    supplier_sanctions (id) {
        id -> BigInt,
        supplier_id -> BigInt,
        kind -> Text,
        ground -> Text,
        starts_at -> Timestamp,
        ends_at -> Nullable<Timestamp>,
        lifted_at -> Nullable<Timestamp>,
        lifted_reason -> Nullable<Text>,
        decided_by -> BigInt,
        lifted_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    tenders (id) {
        id -> BigInt,
        buyer_id -> BigInt,
        created_by -> BigInt,
        title -> Text,
        description -> Text,
        method -> Text,
        category -> Text,
        classification -> Text,
        currency -> Text,
        estimated_value -> BigInt,
        award_criteria -> Text,
        enquiry_deadline -> Timestamp,
        submission_deadline -> Timestamp,
        opening_at -> Timestamp,
        committee_threshold -> Integer,
        status -> Text,
        ocid -> Nullable<Text>,
        published_at -> Nullable<Timestamp>,
        cancelled_at -> Nullable<Timestamp>,
        cancellation_ground -> Nullable<Text>,
        search_text -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        electronic_auction -> Bool,
    }
}

diesel::table! {
    tender_notes (id) {
        id -> BigInt,
        buyer_id -> BigInt,
        created_by -> BigInt,
        title -> Text,
        form -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    tender_lots (id) {
        id -> BigInt,
        tender_id -> BigInt,
        number -> Integer,
        title -> Text,
        quantity -> Text,
        unit -> Text,
        estimated_value -> BigInt,
        electronic_auction -> Bool,
    }
}

diesel::table! {
    tender_criteria (tender_id, position) {
        tender_id -> BigInt,
        position -> Integer,
        kind -> Text,
        name -> Text,
        weight -> Integer,
    }
}

diesel::table! {
    tender_committee (tender_id, user_id) {
        tender_id -> BigInt,
        user_id -> BigInt,
        committee_role -> Text,
    }
}

diesel::table! {
    blobs (sha256) {
        sha256 -> Text,
        size -> BigInt,
        media_type -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    tender_documents (id) {
        id -> BigInt,
        tender_id -> BigInt,
        sha256 -> Text,
        filename -> Text,
        uploaded_by -> BigInt,
        uploaded_at -> Timestamp,
        published_at -> Nullable<Timestamp>,
        added_in -> Nullable<BigInt>,
        withdrawn_in -> Nullable<BigInt>,
    }
}

diesel::table! {
    tender_amendments (id) {
        id -> BigInt,
        tender_id -> BigInt,
        number -> Integer,
        rationale -> Text,
        material -> Bool,
        changes -> Text,
        created_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    tender_enquiries (id) {
        id -> BigInt,
        tender_id -> BigInt,
        supplier_id -> BigInt,
        asked_by -> BigInt,
        question -> Text,
        asked_at -> Timestamp,
        answer -> Nullable<Text>,
        answered_by -> Nullable<BigInt>,
        answered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    tender_followers (tender_id, user_id) {
        tender_id -> BigInt,
        user_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    alert_subscriptions (user_id, kind, value) {
        user_id -> BigInt,
        kind -> Text,
        value -> Text,
    }
}

diesel::table! {
    opening_keys (user_id) {
        user_id -> BigInt,
        recipient -> Text,
        wrapped_identity -> Binary,
        created_at -> Timestamp,
    }
}

diesel::table! {
    tender_seals (tender_id) {
        tender_id -> BigInt,
        recipient -> Text,
        threshold -> Integer,
        created_at -> Timestamp,
        frozen_at -> Nullable<Timestamp>,
        merkle_root -> Nullable<Text>,
        leaf_count -> Nullable<Integer>,
        opened_at -> Nullable<Timestamp>,
        transcript -> Nullable<Text>,
    }
}

diesel::table! {
    tender_key_shares (tender_id, user_id) {
        tender_id -> BigInt,
        user_id -> BigInt,
        sealed_share -> Binary,
        contributed_at -> Nullable<Timestamp>,
        contributed_share -> Nullable<Binary>,
    }
}

diesel::table! {
    bids (id) {
        id -> BigInt,
        tender_id -> BigInt,
        supplier_id -> BigInt,
        submitted_by -> BigInt,
        status -> Text,
        sealed_by -> Text,
        envelope -> Binary,
        envelope_sha256 -> Text,
        envelope_size -> BigInt,
        submitted_at -> Timestamp,
        confirmed_at -> Timestamp,
        receipt_signature -> Text,
        idempotency_key -> Nullable<Text>,
        replaces -> Nullable<BigInt>,
        withdrawn_at -> Nullable<Timestamp>,
        opening_result -> Nullable<Text>,
        declarations -> Nullable<Text>,
        sealed_manifest -> Nullable<Binary>,
        idempotency_fingerprint -> Nullable<Text>,
    }
}

diesel::table! {
    bid_confirmations (token) {
        token -> Text,
        tender_id -> BigInt,
        supplier_id -> BigInt,
        user_id -> BigInt,
        replaces -> Nullable<BigInt>,
        envelope -> Binary,
        sealed_manifest -> Binary,
        sealed_summary -> Binary,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    audit_checkpoints (id) {
        id -> BigInt,
        created_at -> Timestamp,
        reason -> Text,
        tree_size -> BigInt,
        root -> Text,
        last_event_id -> BigInt,
        frontier -> Text,
        public_key -> Text,
        signature -> Text,
        previous -> Nullable<Text>,
    }
}

diesel::table! {
    audit_checkpoint_heads (position) {
        position -> BigInt,
        checkpoint_id -> BigInt,
        chain -> Text,
        seq -> BigInt,
        hash -> Text,
    }
}

diesel::table! {
    bid_prices (bid_id, lot_number) {
        bid_id -> BigInt,
        lot_number -> Integer,
        amount -> BigInt,
        currency -> Text,
    }
}

diesel::table! {
    bid_documents (bid_id, position) {
        bid_id -> BigInt,
        position -> Integer,
        sha256 -> Text,
        filename -> Text,
    }
}

diesel::joinable!(tenders -> buyers (buyer_id));
diesel::joinable!(tender_lots -> tenders (tender_id));
diesel::joinable!(tender_criteria -> tenders (tender_id));
diesel::joinable!(tender_committee -> tenders (tender_id));
diesel::joinable!(tender_committee -> users (user_id));
diesel::joinable!(tender_documents -> tenders (tender_id));
diesel::joinable!(tender_documents -> blobs (sha256));
diesel::joinable!(tender_amendments -> tenders (tender_id));
diesel::joinable!(tender_enquiries -> tenders (tender_id));
diesel::joinable!(tender_followers -> tenders (tender_id));
diesel::joinable!(tender_seals -> tenders (tender_id));
diesel::joinable!(tender_key_shares -> tenders (tender_id));
diesel::joinable!(tender_key_shares -> users (user_id));
diesel::joinable!(opening_keys -> users (user_id));
diesel::joinable!(bids -> tenders (tender_id));
diesel::joinable!(bids -> suppliers (supplier_id));
diesel::table! {
    bid_evaluations (bid_id, lot_number) {
        bid_id -> BigInt,
        lot_number -> Integer,
        admissible -> Bool,
        disqualification_ground -> Nullable<Text>,
        disqualification_note -> Nullable<Text>,
        scores -> Text,
        evaluated_by -> BigInt,
        evaluated_at -> Timestamp,
    }
}

diesel::table! {
    awards (id) {
        id -> BigInt,
        tender_id -> BigInt,
        lot_number -> Integer,
        bid_id -> Nullable<BigInt>,
        status -> Text,
        amount -> Nullable<BigInt>,
        currency -> Text,
        ranking -> Text,
        justification -> Text,
        awarded_by -> BigInt,
        awarded_at -> Timestamp,
        standstill_ends_at -> Nullable<Timestamp>,
        final_at -> Nullable<Timestamp>,
        cancelled_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    award_flags (award_id, code) {
        award_id -> BigInt,
        code -> Text,
        justification -> Text,
        raised_at -> Timestamp,
    }
}

diesel::table! {
    complaints (id) {
        id -> BigInt,
        award_id -> BigInt,
        supplier_id -> BigInt,
        filed_by -> BigInt,
        grounds -> Text,
        filed_at -> Timestamp,
        status -> Text,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        reasoning -> Nullable<Text>,
    }
}

diesel::table! {
    complaint_documents (complaint_id, position) {
        complaint_id -> BigInt,
        position -> Integer,
        sha256 -> Text,
        filename -> Text,
    }
}

diesel::table! {
    contracts (id) {
        id -> BigInt,
        award_id -> BigInt,
        signed_on -> Date,
        value -> BigInt,
        currency -> Text,
        duration_days -> Integer,
        status -> Text,
        recorded_by -> BigInt,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    contract_documents (contract_id, position) {
        contract_id -> BigInt,
        position -> Integer,
        sha256 -> Text,
        filename -> Text,
    }
}

diesel::table! {
    contract_modifications (id) {
        id -> BigInt,
        contract_id -> BigInt,
        number -> Integer,
        reason -> Text,
        value_change -> BigInt,
        basis_points -> BigInt,
        recorded_by -> BigInt,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    audit_findings (id) {
        id -> BigInt,
        tender_id -> BigInt,
        auditor_id -> BigInt,
        note -> Text,
        severity -> Text,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(bid_prices -> bids (bid_id));
diesel::joinable!(auctions -> tenders (tender_id));
diesel::joinable!(auction_seats -> auctions (auction_id));
diesel::joinable!(auction_lances -> auctions (auction_id));
diesel::joinable!(auction_moves -> auctions (auction_id));
diesel::joinable!(bid_confirmations -> tenders (tender_id));
diesel::joinable!(audit_checkpoint_heads -> audit_checkpoints (checkpoint_id));
diesel::joinable!(awards -> tenders (tender_id));
diesel::joinable!(award_flags -> awards (award_id));
diesel::joinable!(complaints -> awards (award_id));
diesel::joinable!(contracts -> awards (award_id));
diesel::joinable!(contract_modifications -> contracts (contract_id));
diesel::joinable!(audit_findings -> tenders (tender_id));
diesel::joinable!(bid_documents -> bids (bid_id));
diesel::joinable!(supplier_categories -> suppliers (supplier_id));
diesel::joinable!(supplier_members -> suppliers (supplier_id));
diesel::joinable!(supplier_members -> users (user_id));
diesel::joinable!(supplier_sanctions -> suppliers (supplier_id));
diesel::table! {
    ocds_releases (seq) {
        seq -> BigInt,
        ocid -> Text,
        release_id -> Text,
        tender_id -> Nullable<BigInt>,
        buyer_id -> BigInt,
        tag -> Text,
        released_at -> Timestamp,
        body -> Text,
    }
}

diesel::table! {
    /// The compiled OCDS release of each process, rewritten at each of its releases.
    ocds_compiled (ocid) {
        tender_id -> Nullable<BigInt>,
        ocid -> Text,
        first_released_at -> Timestamp,
        last_seq -> BigInt,
        body -> Text,
    }
}

diesel::table! {
    /// The dashboard's counts of each published tender.
    tender_figures (tender_id) {
        tender_id -> BigInt,
        buyer_id -> BigInt,
        method -> Text,
        published_at -> Timestamp,
        month -> Text,
        lots_opened -> BigInt,
        lots_with_bids -> BigInt,
        single_bid_lots -> BigInt,
        bidders -> BigInt,
        evaluations -> BigInt,
        disqualified -> BigInt,
        complaints -> BigInt,
        upheld -> BigInt,
        flags -> BigInt,
        justified -> BigInt,
    }
}

diesel::table! {
    /// A published tender's standing awards per currency.
    tender_figure_amounts (tender_id, currency) {
        tender_id -> BigInt,
        currency -> Text,
        lots -> BigInt,
        estimated -> BigInt,
        awarded -> BigInt,
    }
}

diesel::table! {
    /// A published tender's standing awards by whole days from publication.
    tender_figure_days (tender_id, days) {
        tender_id -> BigInt,
        days -> BigInt,
        awards -> BigInt,
    }
}

diesel::table! {
    /// The tenders' counts summed per (buyer, Lima month, method).
    tender_figure_cells (buyer_id, month, method) {
        buyer_id -> BigInt,
        month -> Text,
        method -> Text,
        tenders -> BigInt,
        lots_opened -> BigInt,
        lots_with_bids -> BigInt,
        single_bid_lots -> BigInt,
        bidders -> BigInt,
        evaluations -> BigInt,
        disqualified -> BigInt,
        complaints -> BigInt,
        upheld -> BigInt,
        flags -> BigInt,
        justified -> BigInt,
    }
}

diesel::table! {
    /// The standing awards per currency summed per (buyer, Lima month, method).
    tender_figure_cell_amounts (buyer_id, month, method, currency) {
        buyer_id -> BigInt,
        month -> Text,
        method -> Text,
        currency -> Text,
        lots -> BigInt,
        estimated -> BigInt,
        awarded -> BigInt,
    }
}

diesel::table! {
    /// The standing awards by days from publication summed per (buyer, Lima month, method).
    tender_figure_cell_days (buyer_id, month, method, days) {
        buyer_id -> BigInt,
        month -> Text,
        method -> Text,
        days -> BigInt,
        awards -> BigInt,
    }
}

diesel::table! {
    /// The search projection: one narrow row per published tender (tenders::search).
    tender_search_rows (tender_id) {
        tender_id -> BigInt,
        revision -> BigInt,
        status -> Text,
        buyer_id -> BigInt,
        method -> Text,
        category -> Text,
        classification -> Text,
        currency -> Text,
        estimated_value -> BigInt,
        enquiry_deadline -> Timestamp,
        submission_deadline -> Timestamp,
        published_at -> Timestamp,
        terms -> Text,
    }
}

diesel::joinable!(ocds_releases -> tenders (tender_id));
diesel::joinable!(ocds_compiled -> tenders (tender_id));
diesel::joinable!(tender_figures -> tenders (tender_id));
diesel::joinable!(tender_figure_amounts -> tenders (tender_id));
diesel::joinable!(tender_figure_days -> tenders (tender_id));
diesel::joinable!(tender_search_rows -> tenders (tender_id));
diesel::allow_tables_to_appear_in_same_query!(
    catalogue_orders,
    framework_suspensions,
    catalogue_order_candidates,
    framework_agreements,
    catalogue_categories,
    catalogue_products,
    framework_parties,
    catalogue_offers,
    catalogue_offer_regions,
    catalogue_offer_versions,
    auctions,
    auction_seats,
    auction_lances,
    auction_moves,
    tender_search_rows,
    ocds_releases,
    ocds_compiled,
    tender_figures,
    tender_figure_amounts,
    tender_figure_days,
    tender_figure_cells,
    tender_figure_cell_amounts,
    tender_figure_cell_days,
    tender_notes,
    buyers,
    users,
    email_verifications,
    password_resets,
    suppliers,
    supplier_categories,
    supplier_members,
    supplier_invitations,
    supplier_sanctions,
    tenders,
    tender_lots,
    tender_criteria,
    tender_committee,
    blobs,
    tender_documents,
    tender_amendments,
    tender_enquiries,
    tender_followers,
    alert_subscriptions,
    opening_keys,
    tender_seals,
    tender_key_shares,
    bids,
    bid_prices,
    bid_documents,
    revoked_tokens,
    bid_evaluations,
    awards,
    award_flags,
    complaints,
    complaint_documents,
    contracts,
    contract_documents,
    contract_modifications,
    audit_findings,
    audit_events,
    bid_confirmations,
    audit_checkpoints,
    audit_checkpoint_heads
);

diesel::table! {
    framework_agreements (id) {
        id -> BigInt,
        ocid -> Text,
        buyer_id -> BigInt,
        title -> Text,
        description -> Text,
        currency -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        min_participants -> Integer,
        max_participants -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    catalogue_categories (id) {
        id -> BigInt,
        agreement_id -> BigInt,
        name -> Text,
    }
}

diesel::table! {
    catalogue_products (id) {
        id -> BigInt,
        category_id -> BigInt,
        name -> Text,
        unit -> Text,
        unspsc -> Text,
        attributes -> Text,
    }
}

diesel::table! {
    /// A party suspended from a framework agreement, dated, with its reason.
    framework_suspensions (id) {
        id -> BigInt,
        agreement_id -> BigInt,
        supplier_id -> BigInt,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        reason -> Text,
        decided_by -> BigInt,
        lifted_at -> Nullable<Timestamp>,
        lifted_by -> Nullable<BigInt>,
        lifted_reason -> Nullable<Text>,
    }
}

diesel::table! {
    framework_parties (agreement_id, supplier_id) {
        agreement_id -> BigInt,
        supplier_id -> BigInt,
        admitted_at -> Timestamp,
    }
}

diesel::table! {
    catalogue_offers (id) {
        id -> BigInt,
        product_id -> BigInt,
        agreement_id -> BigInt,
        supplier_id -> BigInt,
        brand -> Text,
        model -> Text,
        currency -> Text,
        unit_price -> BigInt,
        min_order_value -> BigInt,
        stock -> BigInt,
        version -> Integer,
        increased_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
        search_text -> Text,
    }
}

diesel::table! {
    catalogue_offer_regions (offer_id, department) {
        offer_id -> BigInt,
        department -> Text,
        delivery_days -> Integer,
    }
}

diesel::table! {
    catalogue_offer_versions (offer_id, version) {
        offer_id -> BigInt,
        version -> Integer,
        unit_price -> BigInt,
        stock -> BigInt,
        reason -> Nullable<Text>,
        changed_by -> Nullable<BigInt>,
        changed_at -> Timestamp,
    }
}

diesel::joinable!(framework_agreements -> buyers (buyer_id));
diesel::joinable!(catalogue_categories -> framework_agreements (agreement_id));
diesel::joinable!(catalogue_products -> catalogue_categories (category_id));
diesel::joinable!(framework_parties -> framework_agreements (agreement_id));
diesel::joinable!(framework_parties -> suppliers (supplier_id));
diesel::joinable!(catalogue_offers -> catalogue_products (product_id));
diesel::joinable!(catalogue_offers -> framework_agreements (agreement_id));
diesel::joinable!(catalogue_offers -> suppliers (supplier_id));
diesel::joinable!(catalogue_offer_regions -> catalogue_offers (offer_id));
diesel::joinable!(catalogue_offer_versions -> catalogue_offers (offer_id));
diesel::joinable!(catalogue_offer_versions -> users (changed_by));

diesel::table! {
    catalogue_orders (id) {
        id -> BigInt,
        ocid -> Text,
        agreement_id -> BigInt,
        product_id -> BigInt,
        buyer_id -> BigInt,
        ordered_by -> BigInt,
        department -> Text,
        quantity -> BigInt,
        currency -> Text,
        kind -> Text,
        status -> Text,
        lowest_value -> BigInt,
        median_price -> Nullable<BigInt>,
        choice_reason -> Nullable<Text>,
        quotes_close_at -> Nullable<Timestamp>,
        current_rank -> Nullable<Integer>,
        accept_by -> Nullable<Timestamp>,
        supplier_id -> Nullable<BigInt>,
        offer_id -> Nullable<BigInt>,
        unit_price -> Nullable<BigInt>,
        total -> Nullable<BigInt>,
        accepted_at -> Nullable<Timestamp>,
        delivery_due_at -> Nullable<Timestamp>,
        delivered_at -> Nullable<Timestamp>,
        conformity_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    catalogue_order_candidates (order_id, supplier_id) {
        order_id -> BigInt,
        supplier_id -> BigInt,
        offer_id -> BigInt,
        unit_price -> BigInt,
        quoted_at -> Nullable<Timestamp>,
        rank -> Nullable<Integer>,
        outcome -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(catalogue_orders -> catalogue_products (product_id));
diesel::joinable!(catalogue_orders -> buyers (buyer_id));
diesel::joinable!(catalogue_order_candidates -> catalogue_orders (order_id));
diesel::joinable!(catalogue_order_candidates -> suppliers (supplier_id));
diesel::joinable!(catalogue_order_candidates -> catalogue_offers (offer_id));
