//! The terms of a bid (oferta): whether the caller's company may bid on a tender now (a
//! supplier able to bid, a published tender, the deadline not passed), the tender's facts a
//! bid is checked against, its content checked against them, and the documents a replacement
//! keeps from the bid it replaces (read from that bid's manifest, kept encrypted in custody).

use super::*;
use crate::domain::{BidId, SupplierId, TenderId, TenderStatus};
use crate::procedure::{self, Action};

pub(super) fn manifest_context(tender_id: TenderId, supplier_id: SupplierId) -> String {
    format!("manifest:tender:{tender_id}:supplier:{supplier_id}")
}

/// The documents of one of the company's bids on a tender, from its manifest in custody
/// (`None` when the bid was sealed by its client, or under another server key).
pub(super) fn bid_manifest(
    conn: &mut DbConnection,
    keys: &ReceiptKeys,
    terms: &BidTerms,
    bid_id: BidId,
) -> Result<Option<Vec<ManifestDocument>>, AppError> {
    let sealed: Option<Option<Vec<u8>>> = bids::table
        .filter(bids::id.eq(bid_id))
        .filter(bids::tender_id.eq(terms.tender_id))
        .filter(bids::supplier_id.eq(terms.supplier_id))
        .select(bids::sealed_manifest)
        .first(conn)
        .optional()?;
    let Some(sealed) = sealed else {
        return Err(AppError::NotFound);
    };
    Ok(sealed.and_then(|s| {
        keys.custody()
            .open(&manifest_context(terms.tender_id, terms.supplier_id), &s)
            .and_then(|plain| serde_json::from_slice(&plain).ok())
    }))
}

/// The documents a replacement of bid `old` keeps: the old bid's, less those removed by
/// SHA-256 and those replaced by an upload of the same name. A SHA-256 to remove that the
/// old bid does not have is refused, naming it.
pub(super) fn kept_documents(
    old: BidId,
    old_documents: &[ManifestDocument],
    content: &BidContent,
) -> Result<Vec<CarriedDocument>, AppError> {
    let unknown: Vec<FieldError> = content
        .remove_documents
        .iter()
        .filter(|sha| !old_documents.iter().any(|d| &d.sha256 == *sha))
        .map(|sha| {
            FieldError::new("remove_documents", "document_not_in_bid")
                .arg("sha256", sha.chars().take(64).collect::<String>())
        })
        .collect();
    if !unknown.is_empty() {
        return Err(AppError::Validation(unknown));
    }
    Ok(old_documents
        .iter()
        .filter(|d| !content.remove_documents.contains(&d.sha256))
        .filter(|d| !content.documents.iter().any(|n| n.name == d.name))
        .map(|d| CarriedDocument {
            bid_id: d.kept_from_bid.unwrap_or(old),
            position: d.position,
            name: d.name.clone(),
            size: d.size,
            sha256: d.sha256.clone(),
        })
        .collect())
}

/// What a submission needs to know of the tender and the bidder.
#[derive(Debug, Clone)]
pub struct BidTerms {
    /// Tender id.
    pub tender_id: TenderId,
    /// Tender ocid.
    pub ocid: String,
    /// The tender's recipient.
    pub recipient: String,
    /// The tender's currency.
    pub currency: Currency,
    /// Lot numbers.
    pub lots: Vec<i32>,
    /// Submission deadline.
    pub deadline: NaiveDateTime,
    /// The bidding company.
    pub supplier_id: SupplierId,
    /// Its RUC.
    pub ruc: String,
    /// When these terms were read.
    pub read_at: NaiveDateTime,
}

/// Checks a bid's content against the tender, naming every wrong field at once, and returns
/// the plaintext to seal (its documents read only for their type: they stay spooled).
pub fn check_content(
    content: &BidContent,
    terms: &BidTerms,
    max_bytes: u64,
    carried: Vec<CarriedDocument>,
) -> Result<CheckedBid, AppError> {
    check_counts(
        content.lots.len(),
        content.declarations.len(),
        content.documents.len(),
        content.remove_documents.len(),
    )?;
    let mut errors = Vec::new();
    let mut prices = Vec::new();
    if content.lots.is_empty() {
        errors.push(FieldError::new("lots", "bid_no_price"));
    }
    for p in &content.lots {
        if !terms.lots.contains(&p.lot) {
            errors.push(FieldError::new("lots", "lot_unknown").arg("lot", p.lot));
            continue;
        }
        if prices.iter().any(|s: &SealedPrice| s.lot == p.lot) {
            errors.push(FieldError::new("lots", "lot_repeated").arg("lot", p.lot));
            continue;
        }
        if let Some(c) = p.currency.as_deref().filter(|c| !c.is_empty())
            && c != terms.currency.code()
        {
            errors.push(
                FieldError::new("currency", "currency_mismatch")
                    .arg("currency", terms.currency.code()),
            );
            continue;
        }
        match Money::parse(&p.amount, terms.currency, "price") {
            Ok(m) if m.minor() > 0 => prices.push(SealedPrice {
                lot: p.lot,
                amount: format!("{:.2}", m.amount()),
                currency: terms.currency.code().to_owned(),
            }),
            Ok(_) => errors.push(FieldError::new("price", "price_not_positive").arg("lot", p.lot)),
            Err(e) => errors.push(e.arg("lot", p.lot)),
        }
    }
    for d in &content.declarations {
        if !DECLARATIONS.contains(&d.as_str()) {
            errors.push(FieldError::new("declarations", "declaration_unknown"));
        }
    }
    for required in DECLARATIONS {
        if !content.declarations.iter().any(|d| d == required) {
            errors.push(FieldError::new(
                format!("declaration_{required}"),
                "declaration_missing",
            ));
        }
    }
    if content.documents.len() + carried.len() > MAX_DOCUMENTS {
        errors.push(FieldError::new("documents", "too_many_documents").arg("max", MAX_DOCUMENTS));
    }
    let total: u64 = content.documents.iter().map(|d| d.file.size).sum();
    if total > max_bytes {
        return Err(AppError::TooLarge(
            FieldError::new("documents", "bid_too_large").arg("max", max_bytes / (1024 * 1024)),
        ));
    }
    let mut names = Vec::new();
    for d in &content.documents {
        let checked = crate::blobs::check_filename(&d.name)
            .map_err(|e| e.for_field("documents"))
            .and_then(|name| {
                if d.file.size == 0 {
                    return Err(FieldError::new("documents", "file_empty"));
                }
                crate::blobs::sniff(&d.file.head, &name)
                    .map(|_| name)
                    .map_err(|e| e.for_field("documents"))
            });
        match checked {
            Ok(name) => names.push(name),
            Err(e) => errors.push(e.arg("name", d.name.chars().take(80).collect::<String>())),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(CheckedBid {
        bid: SealedBid {
            format: ENVELOPE_FORMAT.to_owned(),
            ocid: terms.ocid.clone(),
            supplier_ruc: terms.ruc.clone(),
            lots: prices,
            declarations: content.declarations.clone(),
            documents: Vec::new(),
            carried_documents: carried,
        },
        names,
    })
}

/// A bid's content checked against the tender: the plaintext to seal, whose documents are
/// still in their spool files (`names` are their checked names, in order).
#[derive(Debug)]
pub struct CheckedBid {
    /// The plaintext, its `documents` empty until it is sealed.
    pub bid: SealedBid,
    /// The documents' names as they will be sealed.
    pub names: Vec<String>,
}

/// Refuses, before a bid's body is read, a caller who may not bid on the tender now (not a
/// supplier whose company may bid, a draft, a closed deadline): checked again when it is
/// recorded, but an ineligible company's 30 MB upload is never buffered.
pub async fn may_bid(
    app: &crate::app::App,
    user: &CurrentUser,
    tender_id: TenderId,
) -> Result<(), AppError> {
    let now = app.clock.now_db();
    let user = user.clone();
    app.db
        .run(move |conn| terms(conn, &user, tender_id, now).map(|_| ()))
        .await
}

/// Has the caller's company a bid recorded under `key` (so a request with it is a retry,
/// answered from that bid even after the deadline)?
pub async fn is_retry(
    app: &crate::app::App,
    user: &CurrentUser,
    key: Option<&str>,
) -> Result<bool, AppError> {
    let (Some(key), Some(supplier_id)) = (key.map(str::to_owned), user.supplier_id) else {
        return Ok(false);
    };
    app.db
        .run(move |conn| {
            Ok(bids::table
                .filter(bids::supplier_id.eq(supplier_id))
                .filter(bids::idempotency_key.eq(&key))
                .count()
                .get_result::<i64>(conn)?
                > 0)
        })
        .await
}

/// The tender and bidder facts a submission needs, after checking that the caller may bid
/// on this tender now: a supplier user whose company `can_bid`, on a published tender still
/// taking bids.
pub fn terms(
    conn: &mut DbConnection,
    user: &CurrentUser,
    tender_id: TenderId,
    now: NaiveDateTime,
) -> Result<BidTerms, AppError> {
    let Some(supplier_id) = user.supplier_id.filter(|_| user.role == Role::Supplier) else {
        return Err(if user.role == Role::Supplier {
            AppError::Forbidden
        } else {
            forbidden_or_hidden(conn, tender_id)?
        });
    };
    // The tender's state and its seal in one statement: this runs once per bid in a rush.
    type Row = (
        procedure::PhaseRow,
        (Option<String>, Currency, Option<String>),
        (Option<NaiveDateTime>, Option<NaiveDateTime>, Option<i32>),
    );
    let (phase, (ocid, currency, recipient), (opened_at, frozen_at, leaf_count)): Row =
        tenders::table
            .left_join(tender_seals::table)
            .filter(tenders::id.eq(tender_id))
            .select((
                procedure::PHASE_COLUMNS,
                (
                    tenders::ocid,
                    tenders::currency,
                    tender_seals::recipient.nullable(),
                ),
                (
                    tender_seals::opened_at.nullable(),
                    tender_seals::frozen_at.nullable(),
                    tender_seals::leaf_count.nullable(),
                ),
            ))
            .first(conn)?;
    let facts = procedure::Facts::from_row(
        tender_id,
        phase,
        procedure::Facts::opened_from(opened_at, frozen_at, leaf_count),
    );
    if facts.status == TenderStatus::Draft {
        return Err(AppError::NotFound);
    }
    taking_bids(&facts, Action::Bid, now)?;
    let recipient =
        recipient.ok_or_else(|| AppError::internal("a published tender without its seal"))?;
    if !supplier_registry::can_bid(conn, supplier_id, now)?.can_bid {
        return Err(AppError::field("bid", "supplier_cannot_bid"));
    }
    let lots = tender_lots::table
        .filter(tender_lots::tender_id.eq(tender_id))
        .order(tender_lots::number)
        .select(tender_lots::number)
        .load(conn)?;
    let ruc = suppliers::table
        .find(supplier_id)
        .select(suppliers::ruc)
        .first(conn)?;
    Ok(BidTerms {
        tender_id,
        ocid: ocid.unwrap_or_default(),
        recipient,
        currency,
        lots,
        deadline: facts.submission_deadline,
        supplier_id,
        ruc,
        read_at: now,
    })
}

pub(super) fn forbidden_or_hidden(
    conn: &mut DbConnection,
    tender_id: TenderId,
) -> Result<AppError, AppError> {
    let st = tender_rules::state(conn, tender_id)?;
    Ok(if st.status == TenderStatus::Draft {
        AppError::NotFound
    } else {
        AppError::Forbidden
    })
}

/// `Ok` when the tender's procedure takes `action` (a bid, a withdrawal) now, else its
/// refusal; one that comes after the deadline names the server's time and the deadline
/// (Lima), so a bidder whose upload ended a second late sees why.
pub(super) fn taking_bids(
    facts: &procedure::Facts,
    action: Action,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let phase = facts.phase(now);
    match facts.procedure().check(phase, action) {
        Ok(()) => Ok(()),
        Err(refusal) if matches!(refusal.code, "deadline_passed" | "withdrawal_closed") => {
            Err(AppError::Validation(vec![
                FieldError::new(refusal.field, refusal.code)
                    .arg("server_time", lima_seconds(now))
                    .arg("deadline", lima_input_value(facts.submission_deadline)),
            ]))
        }
        Err(refusal) => Err(refusal.error(phase.status())),
    }
}

pub(crate) fn lima_seconds(at: NaiveDateTime) -> String {
    at.and_utc()
        .with_timezone(&chrono_tz::America::Lima)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// What sealing a submission needs from the database: the terms (the caller may bid now)
/// and, for a replacement of server-sealed content, the replaced bid's documents it keeps.
pub type SealingTerms = (BidTerms, Option<(BidId, Vec<ManifestDocument>)>);

/// Reads a submission's [`SealingTerms`].
pub fn sealing_terms(
    conn: &mut DbConnection,
    keys: &ReceiptKeys,
    user: &CurrentUser,
    tender_id: TenderId,
    submission: &Submission,
    placement: Placement,
    now: NaiveDateTime,
) -> Result<SealingTerms, AppError> {
    let terms = terms(conn, user, tender_id, now)?;
    let replaces = match (placement, submission) {
        (Placement::Replaces(old), Submission::Content(_)) => Some((
            old,
            bid_manifest(conn, keys, &terms, old)?.unwrap_or_default(),
        )),
        _ => None,
    };
    Ok((terms, replaces))
}
