//! The deadline's freeze (the Merkle root of the live envelopes), inclusion proofs, and the receipt check anyone can run.

use super::*;
use crate::domain::{BidId, BidStatus, BuyerId, TenderId, TenderStatus};

/// The public sealing facts of a tender.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Sealing {
    /// The age X25519 recipient bids are sealed to.
    pub recipient: String,
    /// Committee members needed to open.
    pub threshold: i32,
    /// When the envelopes were frozen (the deadline passed).
    #[serde(with = "crate::domain::utc::option")]
    pub frozen_at: Option<NaiveDateTime>,
    /// Merkle root (RFC 6962, hex) of the frozen envelopes' SHA-256, in bid-id order.
    pub merkle_root: Option<String>,
    /// Number of envelopes frozen.
    pub leaf_count: Option<i32>,
    /// When opened.
    #[serde(with = "crate::domain::utc::option")]
    pub opened_at: Option<NaiveDateTime>,
}

/// The tender's sealing facts ([`sealing_in`]); `None` for a draft.
pub async fn sealing(app: &AppState, tender_id: TenderId) -> Result<Option<Sealing>, AppError> {
    let now = app.clock.now_db();
    app.db
        .run(move |conn| sealing_in(conn, tender_id, now))
        .await
}

/// The tender's sealing facts, freezing it first if its deadline has passed. `None` for a
/// tender without a sealing key (drafts).
pub fn sealing_in(
    conn: &mut DbConnection,
    tender_id: TenderId,
    now: NaiveDateTime,
) -> Result<Option<Sealing>, AppError> {
    freeze_if_due(conn, tender_id, now)?;
    Ok(tender_seals::table
        .find(tender_id)
        .select((
            tender_seals::recipient,
            tender_seals::threshold,
            tender_seals::frozen_at,
            tender_seals::merkle_root,
            tender_seals::leaf_count,
            tender_seals::opened_at,
        ))
        .first::<(
            String,
            i32,
            Option<NaiveDateTime>,
            Option<String>,
            Option<i32>,
            Option<NaiveDateTime>,
        )>(conn)
        .optional()?
        .map(
            |(recipient, threshold, frozen_at, merkle_root, leaf_count, opened_at)| Sealing {
                recipient,
                threshold,
                frozen_at,
                merkle_root,
                leaf_count,
                opened_at,
            },
        ))
}

/// The frozen leaves of a tender: (bid id, envelope SHA-256) of its live bids in id order.
pub(super) fn live_leaves(
    conn: &mut DbConnection,
    tender_id: TenderId,
) -> Result<Vec<(BidId, String)>, AppError> {
    Ok(bids::table
        .filter(bids::tender_id.eq(tender_id))
        .filter(bids::status.eq(BidStatus::Submitted))
        .order(bids::id)
        .select((bids::id, bids::envelope_sha256))
        .load(conn)?)
}

pub(super) fn leaf_bytes(leaves: &[(BidId, String)]) -> Result<Vec<Vec<u8>>, AppError> {
    leaves
        .iter()
        .map(|(_, h)| hex::decode(h).map_err(|_| AppError::internal("stored envelope hash")))
        .collect()
}

/// Freezes the tender's envelopes once its submission deadline has passed: computes and
/// publishes the Merkle root (one audit event). Idempotent; cheap when nothing is due.
pub fn freeze_if_due(
    conn: &mut DbConnection,
    tender_id: TenderId,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let due: Option<(Option<NaiveDateTime>, NaiveDateTime, TenderStatus)> = tender_seals::table
        .inner_join(tenders::table)
        .filter(tender_seals::tender_id.eq(tender_id))
        .select((
            tender_seals::frozen_at,
            tenders::submission_deadline,
            tenders::status,
        ))
        .first(conn)
        .optional()?;
    let Some((None, deadline, status)) = due else {
        return Ok(());
    };
    if now < deadline || status == TenderStatus::Cancelled {
        return Ok(());
    }
    write_transaction(conn, |conn| {
        exclusive_deadline_lock(conn, tender_id)?;
        let frozen: Option<NaiveDateTime> = tender_seals::table
            .find(tender_id)
            .select(tender_seals::frozen_at)
            .first(conn)?;
        if frozen.is_some() {
            return Ok(());
        }
        let leaves = live_leaves(conn, tender_id)?;
        let root = hex::encode(merkle::root(&leaf_bytes(&leaves)?));
        let count = i32::try_from(leaves.len()).map_err(AppError::internal)?;
        diesel::update(tender_seals::table.find(tender_id))
            .set((
                tender_seals::frozen_at.eq(now),
                tender_seals::merkle_root.eq(&root),
                tender_seals::leaf_count.eq(count),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            now,
            &Actor::system(),
            NewEvent::on(
                "tender",
                tender_id,
                "tender.bids_frozen",
                json!({"merkle_root": root, "leaf_count": count}),
            ),
        )
    })
}

/// Freezes every tender whose deadline has passed (the status task calls this).
pub fn freeze_due(conn: &mut DbConnection, now: NaiveDateTime) -> Result<usize, AppError> {
    let due: Vec<TenderId> = tender_seals::table
        .inner_join(tenders::table)
        .filter(tender_seals::frozen_at.is_null())
        .filter(tenders::submission_deadline.le(now))
        .filter(tenders::status.ne(TenderStatus::Cancelled))
        .select(tender_seals::tender_id)
        .load(conn)?;
    for id in &due {
        freeze_if_due(conn, *id, now)?;
    }
    Ok(due.len())
}

/// An inclusion proof of one bid's envelope in its tender's frozen Merkle tree.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InclusionProof {
    /// Bid id.
    pub bid_id: BidId,
    /// The leaf: the envelope's SHA-256 (hex).
    pub envelope_sha256: String,
    /// Position of the leaf.
    #[schema(maximum = 9223372036854775807_u64)]
    pub leaf_index: u64,
    /// Number of leaves (a tree is stored with a signed 64-bit size).
    #[schema(maximum = 9223372036854775807_u64)]
    pub tree_size: u64,
    /// Audit path (hex), from the leaf's sibling upwards.
    pub audit_path: Vec<String>,
    /// The published root (hex).
    pub merkle_root: String,
}

impl InclusionProof {
    /// Does the path lead from the leaf to the root?
    pub fn verifies(&self) -> bool {
        let (Ok(leaf), Ok(root)) = (
            hex::decode(&self.envelope_sha256),
            hex::decode(&self.merkle_root),
        ) else {
            return false;
        };
        let Ok(root) = <[u8; 32]>::try_from(root.as_slice()) else {
            return false;
        };
        let path: Option<Vec<merkle::Hash>> = self
            .audit_path
            .iter()
            .map(|h| {
                hex::decode(h)
                    .ok()
                    .and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
            })
            .collect();
        path.is_some_and(|p| {
            merkle::verify_inclusion(&leaf, self.leaf_index, self.tree_size, &p, &root)
        })
    }
}

/// A receipt and the proof of its inclusion, nothing else (an added field would not be
/// signed, yet would seem checked).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptWithProof {
    /// The receipt.
    pub receipt: Receipt,
    /// The proof.
    pub proof: InclusionProof,
}

/// The format of the bidder's copy made at sealing.
pub const BID_COPY_FORMAT: &str = "licita-bid-copy/1";

/// The one format of a bidder's copy the verifier reads (only Licita's copy carries its
/// receipt beside the bidder's own, unsigned fields, which the page checks against the
/// opened bid).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
pub enum BidCopyFormat {
    /// `licita-bid-copy/1`.
    #[serde(rename = "licita-bid-copy/1")]
    V1,
}

/// A receipt to check, optionally with an inclusion proof.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum VerifyRequest {
    /// A receipt and the proof of its inclusion.
    WithProof(ReceiptWithProof),
    /// A receipt alone.
    Receipt(Receipt),
    /// The bidder's copy made at sealing (`format` `licita-bid-copy/1`), whose `receipt` is
    /// checked.
    Copy {
        /// The copy's format.
        format: BidCopyFormat,
        /// Its receipt.
        receipt: Receipt,
    },
}

/// The answer of a receipt check.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VerifyAnswer {
    /// The signature, the record and the status.
    #[serde(flatten)]
    pub check: ReceiptCheck,
    /// With a proof: does it put this receipt's envelope under the tender's published root?
    pub included: Option<bool>,
    /// An auction's transcript: how many lances it lists.
    pub lances: Option<usize>,
    /// An auction's transcript: how many of its lances carry this server's signature.
    pub lances_valid: Option<usize>,
}

/// Checks a receipt (anyone), optionally with its inclusion proof ([`verify_in`]).
pub async fn verify(app: &AppState, request: VerifyRequest) -> Result<VerifyAnswer, AppError> {
    let (keys, now) = (app.receipts.clone(), app.clock.now_db());
    app.db
        .run(move |conn| verify_in(conn, &keys, &request, now))
        .await
}

/// The check behind [`verify`]: the signature, the record and, with a proof, its inclusion.
pub fn verify_in(
    conn: &mut DbConnection,
    keys: &ReceiptKeys,
    request: &VerifyRequest,
    now: NaiveDateTime,
) -> Result<VerifyAnswer, AppError> {
    let (receipt, proof) = match request {
        VerifyRequest::WithProof(ReceiptWithProof { receipt, proof }) => (receipt, Some(proof)),
        VerifyRequest::Receipt(r) | VerifyRequest::Copy { receipt: r, .. } => (r, None),
    };
    if let Some(p) = proof {
        let range = |field: &str, n: u64| {
            (i64::try_from(n).is_err()).then(|| {
                FieldError::new(format!("proof.{field}"), "out_of_range")
                    .arg("min", 0)
                    .arg("max", i64::MAX)
            })
        };
        let errors: Vec<FieldError> = [
            range("leaf_index", p.leaf_index),
            range("tree_size", p.tree_size),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
    }
    let check = check_receipt(conn, keys, receipt)?;
    let included = match proof {
        None => None,
        Some(p) => {
            let published = if check.on_record {
                published_root(conn, receipt.bid_id, now)?
            } else {
                None
            };
            Some(
                p.verifies()
                    && p.bid_id == receipt.bid_id
                    && p.envelope_sha256 == receipt.envelope_sha256
                    && published.as_deref() == Some(p.merkle_root.as_str()),
            )
        }
    };
    Ok(VerifyAnswer {
        check,
        included,
        lances: None,
        lances_valid: None,
    })
}

/// The inclusion proof of bid `bid_id` for the caller ([`inclusion_proof_in`]).
pub async fn inclusion_proof(
    app: &AppState,
    user: &CurrentUser,
    bid_id: BidId,
) -> Result<InclusionProof, AppError> {
    let (user, now) = (user.clone(), app.clock.now_db());
    app.db
        .run(move |conn| inclusion_proof_in(conn, &user, bid_id, now))
        .await
}

/// A tender's sealing facts ([`sealing`]), `NotFound` for a tender not yet published.
pub async fn sealing_of(app: &AppState, tender_id: TenderId) -> Result<Sealing, AppError> {
    sealing(app, tender_id).await?.ok_or(AppError::NotFound)
}

/// The inclusion proof of a bid, for its company once the tender is frozen, and for the
/// buyer's officers and auditors once the bids are opened (before, whether a bid exists is
/// its company's secret).
pub fn inclusion_proof_in(
    conn: &mut DbConnection,
    user: &CurrentUser,
    bid_id: BidId,
    now: NaiveDateTime,
) -> Result<InclusionProof, AppError> {
    let (tender_id, supplier_id, buyer_id): (TenderId, SupplierId, BuyerId) = bids::table
        .inner_join(tenders::table)
        .filter(bids::id.eq(bid_id))
        .select((bids::tender_id, bids::supplier_id, tenders::buyer_id))
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)?;
    let own = user.role == Role::Supplier && user.supplier_id == Some(supplier_id);
    if !(own || user.role == Role::Auditor || tender_rules::is_buyer_staff(Some(user), buyer_id)) {
        return Err(AppError::NotFound);
    }
    // Only the bidder learns why there is no proof yet (not frozen, withdrawn, replaced);
    // for anyone else a bid without a proof answers as a bid that does not exist.
    let unless_own = |e: AppError| if own { e } else { AppError::NotFound };
    if !own && !opening::is_opened(conn, tender_id)? {
        return Err(AppError::NotFound);
    }
    let Some(sealing) = sealing_in(conn, tender_id, now)? else {
        return Err(AppError::NotFound);
    };
    let Some(root) = sealing.merkle_root else {
        return Err(unless_own(AppError::field("bid", "not_frozen_yet")));
    };
    let leaves = live_leaves(conn, tender_id)?;
    let Some(index) = leaves.iter().position(|(id, _)| *id == bid_id) else {
        return Err(unless_own(AppError::field("bid", "bid_not_in_tree")));
    };
    let path = merkle::inclusion_proof(&leaf_bytes(&leaves)?, index)
        .ok_or_else(|| AppError::internal("leaf index"))?;
    Ok(InclusionProof {
        bid_id,
        envelope_sha256: leaves[index].1.clone(),
        leaf_index: index as u64,
        tree_size: leaves.len() as u64,
        audit_path: path.iter().map(hex::encode).collect(),
        merkle_root: root,
    })
}

/// The published Merkle root of the tender a bid belongs to (once frozen).
pub fn published_root(
    conn: &mut DbConnection,
    bid_id: BidId,
    now: NaiveDateTime,
) -> Result<Option<String>, AppError> {
    let tender_id: Option<TenderId> = bids::table
        .find(bid_id)
        .select(bids::tender_id)
        .first(conn)
        .optional()?;
    match tender_id {
        Some(t) => Ok(sealing_in(conn, t, now)?.and_then(|s| s.merkle_root)),
        None => Ok(None),
    }
}

/// What `POST /api/v1/receipts/verify` answers.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReceiptCheck {
    /// The signature is this server's, over exactly these fields.
    pub signature_valid: bool,
    /// A bid with this id, tender, company and envelope hash is on record.
    pub on_record: bool,
    /// The bid's status now (submitted, superseded, withdrawn), when on record.
    pub status: Option<String>,
}

/// Checks a receipt: its signature, and whether the bid it names is on record as stated.
pub fn check_receipt(
    conn: &mut DbConnection,
    keys: &ReceiptKeys,
    receipt: &Receipt,
) -> Result<ReceiptCheck, AppError> {
    let signature_valid = keys.verify(receipt);
    let row: Option<(String, String, Option<String>, String)> = bids::table
        .inner_join(tenders::table)
        .inner_join(suppliers::table)
        .filter(bids::id.eq(receipt.bid_id))
        .select((
            bids::envelope_sha256,
            bids::status,
            tenders::ocid,
            suppliers::ruc,
        ))
        .first(conn)
        .optional()?;
    let on_record = signature_valid
        && row.as_ref().is_some_and(|(sha, _, ocid, ruc)| {
            *sha == receipt.envelope_sha256
                && ocid.as_deref() == Some(receipt.ocid.as_str())
                && *ruc == receipt.supplier_ruc
        });
    Ok(ReceiptCheck {
        signature_valid,
        on_record,
        status: row.filter(|_| on_record).map(|(_, s, _, _)| s),
    })
}

/// What a bidder's copy says beyond its signed receipt, checked as far as it can be: the
/// signature covers the receipt (tender, bid, company, time, the envelope's SHA-256), not the
/// prices the copy lists beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyCheck {
    /// The copy's tender or company is not its receipt's: it is not this bid's copy.
    NotThisBid,
    /// The bid is not opened yet: nobody, Licita included, can read its prices to compare.
    NotYetOpened,
    /// Opened: the copy's prices are the bid's, lot by lot.
    PricesMatch,
    /// Opened: the copy's prices are not the bid's.
    PricesDiffer,
}

/// The summary a bidder's copy carries beside its receipt (`sealed`), if it has one.
pub fn copy_summary(text: &str) -> Option<BidSummary> {
    let value: serde_json::Value =
        serde_json::from_str(text.trim().trim_start_matches('\u{feff}')).ok()?;
    serde_json::from_value(value.get("sealed")?.clone()).ok()
}

/// Checks a copy's summary against its (signature-checked) receipt and, once the bid is
/// opened, against the prices the opening read from the envelope.
pub async fn check_copy(
    app: &AppState,
    receipt: &Receipt,
    sealed: &BidSummary,
) -> Result<CopyCheck, AppError> {
    if sealed.ocid != receipt.ocid || sealed.supplier_ruc != receipt.supplier_ruc {
        return Ok(CopyCheck::NotThisBid);
    }
    let bid = receipt.bid_id;
    let stored: Vec<(i32, i64)> = app
        .db
        .run(move |conn| {
            let opened: Option<chrono::NaiveDateTime> = bids::table
                .inner_join(tender_seals::table.on(tender_seals::tender_id.eq(bids::tender_id)))
                .filter(bids::id.eq(bid))
                .select(tender_seals::opened_at)
                .first::<Option<chrono::NaiveDateTime>>(conn)
                .optional()?
                .flatten();
            if opened.is_none() {
                return Ok(Vec::new());
            }
            Ok(crate::schema::bid_prices::table
                .filter(crate::schema::bid_prices::bid_id.eq(bid))
                .order(crate::schema::bid_prices::lot_number)
                .select((
                    crate::schema::bid_prices::lot_number,
                    crate::schema::bid_prices::amount,
                ))
                .load(conn)?)
        })
        .await?;
    if stored.is_empty() {
        return Ok(CopyCheck::NotYetOpened);
    }
    let copied: Option<Vec<(i32, i64)>> = sealed
        .prices
        .iter()
        .map(|p| {
            // Read as every price is read: the domain's parser, which refuses what it could
            // take two ways.
            let currency = crate::domain::Currency::parse(&p.currency, "currency").ok()?;
            crate::domain::Money::parse(&p.amount, currency, "price")
                .ok()
                .map(|m| (p.lot, m.minor()))
        })
        .collect();
    let mut copied = copied.unwrap_or_default();
    copied.sort_unstable();
    Ok(if copied == stored {
        CopyCheck::PricesMatch
    } else {
        CopyCheck::PricesDiffer
    })
}
