//! A tender's timeline from the audit log, with each chain's verification.

use super::*;

/// One event of a tender's timeline.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TimelineEvent {
    /// Event id.
    pub id: i64,
    /// When (UTC).
    #[serde(with = "crate::domain::utc")]
    pub occurred_at: NaiveDateTime,
    /// Chain and position.
    pub chain: String,
    /// Position in the chain.
    pub seq: i64,
    /// Who (name), none for the system.
    pub actor: Option<String>,
    /// Role acted in.
    pub role: String,
    /// What happened.
    pub action: String,
    /// Entity kind and id.
    pub entity: String,
    /// Details.
    pub payload: serde_json::Value,
    /// The company whose bid the event concerns (its own chain, or the bid a payload
    /// names), once the bids are opened; none before, as for everyone but the bidder.
    pub bidder: Option<String>,
    /// The lot the event concerns (named in its fields, or its award's lot).
    pub lot: Option<i32>,
}

/// The verification of one chain.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChainStatus {
    /// Chain key.
    pub chain: String,
    /// Events in it.
    pub events: usize,
    /// Does every event match?
    pub ok: bool,
    /// The first event that does not.
    pub first_mismatch: Option<Mismatch>,
}

/// A tender's whole life from the audit log.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Timeline {
    /// Tender id.
    pub tender_id: TenderId,
    /// Title.
    pub title: String,
    /// ocid.
    pub ocid: Option<String>,
    /// The tender's currency (ISO 4217), the currency of the amounts in its events.
    pub currency: String,
    /// Every event of the tender's chain, its bids' and its auctions', in time order.
    pub events: Vec<TimelineEvent>,
    /// Each chain's verification.
    pub chains: Vec<ChainStatus>,
    /// Are all of them intact?
    pub intact: bool,
    /// Auditors' findings on the tender.
    pub findings: Vec<FindingView>,
}

/// A tender's timeline (auditors and admins).
pub async fn timeline(
    app: &AppState,
    user: &CurrentUser,
    tender_id: TenderId,
) -> Result<Timeline, AppError> {
    let user = user.clone();
    app.db
        .run(move |conn| timeline_in(conn, &user, tender_id))
        .await
}

/// The step of [`timeline`], in the caller's connection.
pub fn timeline_in(
    conn: &mut DbConnection,
    user: &CurrentUser,
    tender_id: TenderId,
) -> Result<Timeline, AppError> {
    require_auditor(user)?;
    let (title, ocid, currency): (String, Option<String>, String) = tenders::table
        .find(tender_id)
        .select((tenders::title, tenders::ocid, tenders::currency))
        .first(conn)?;
    let bid_rows: Vec<(i64, String)> = bids::table
        .inner_join(crate::schema::suppliers::table)
        .filter(bids::tender_id.eq(tender_id))
        .order(bids::id)
        .select((bids::id, crate::schema::suppliers::legal_name))
        .load(conn)?;
    let bid_ids: Vec<i64> = bid_rows.iter().map(|(id, _)| *id).collect();
    let bidders: std::collections::BTreeMap<i64, String> =
        if crate::bids::opening::is_opened(conn, tender_id)? {
            bid_rows.into_iter().collect()
        } else {
            Default::default()
        };
    // The lots' auctions too: their scheduling, every lance, each move of the close.
    let auction_ids: Vec<i64> = crate::schema::auctions::table
        .filter(crate::schema::auctions::tender_id.eq(tender_id))
        .order(crate::schema::auctions::id)
        .select(crate::schema::auctions::id)
        .load(conn)?;
    let chain_keys: Vec<String> = std::iter::once(format!("tender:{tender_id}"))
        .chain(bid_ids.iter().map(|b| format!("bid:{b}")))
        .chain(auction_ids.iter().map(|a| format!("auction:{a}")))
        .collect();
    let mut events: Vec<AuditEvent> = Vec::new();
    let mut chains = Vec::new();
    for key in &chain_keys {
        let chain = audit::chain_events(conn, key)?;
        let mismatch = audit::check_chain(&chain);
        let chain = crate::bids::opening::withhold_bidders(conn, chain)?;
        chains.push(ChainStatus {
            chain: key.clone(),
            events: chain.len(),
            ok: mismatch.is_none(),
            first_mismatch: mismatch,
        });
        events.extend(chain);
    }
    events.sort_by_key(|e| (e.occurred_at, e.id));
    // An award's events name neither lot nor bid in their fields: its row does.
    let award_rows: std::collections::BTreeMap<String, (i32, Option<i64>)> =
        crate::schema::awards::table
            .filter(crate::schema::awards::tender_id.eq(tender_id))
            .select((
                crate::schema::awards::id,
                crate::schema::awards::lot_number,
                crate::schema::awards::bid_id,
            ))
            .load::<(i64, i32, Option<i64>)>(conn)?
            .into_iter()
            .map(|(id, lot, bid)| (id.to_string(), (lot, bid)))
            .collect();
    let actors: Vec<UserId> = events.iter().filter_map(|e| e.actor_id).collect();
    let names = crate::bids::user_names(conn, &actors)?;
    Ok(Timeline {
        tender_id,
        title,
        ocid,
        currency,
        intact: chains.iter().all(|c| c.ok),
        chains,
        events: events
            .into_iter()
            .map(|e| {
                let payload: serde_json::Value =
                    serde_json::from_str(&e.payload).unwrap_or(serde_json::Value::Null);
                // An award's own events, and a complaint's (its payload names the award).
                let award = if e.entity_type == "award" {
                    award_rows.get(&e.entity_id)
                } else {
                    payload
                        .get("award")
                        .and_then(serde_json::Value::as_i64)
                        .and_then(|a| award_rows.get(&a.to_string()))
                };
                let bid = e
                    .chain
                    .strip_prefix("bid:")
                    .or((e.entity_type == "bid").then_some(e.entity_id.as_str()))
                    .and_then(|b| b.parse::<i64>().ok())
                    .or_else(|| payload.get("bid").and_then(serde_json::Value::as_i64))
                    .or_else(|| award.and_then(|(_, bid)| *bid));
                let lot = payload
                    .get("lot")
                    .and_then(serde_json::Value::as_i64)
                    .and_then(|l| i32::try_from(l).ok())
                    .or_else(|| award.map(|(lot, _)| *lot));
                TimelineEvent {
                    id: e.id,
                    occurred_at: e.occurred_at,
                    chain: e.chain,
                    seq: e.seq,
                    actor: e.actor_id.and_then(|a| names.get(&a).cloned()),
                    role: e.actor_role,
                    action: e.action,
                    entity: format!("{}:{}", e.entity_type, e.entity_id),
                    bidder: bid.and_then(|b| bidders.get(&b).cloned()),
                    lot,
                    payload,
                }
            })
            .collect(),
        findings: findings_of(conn, &[tender_id])?,
    })
}

/// Severities of a finding.
pub const SEVERITIES: [&str; 3] = ["low", "medium", "high"];
