//! The public list of awards and contracts, for anyone: every lot decided, newest first, with
//! its winner, amount, red flags and contract; filtered by buyer or by supplier, which makes
//! the buyer's page and the supplier's page ("what it won, and from whom").
//!
//! Awards exist only after the opening, so nothing here can reveal a sealed bid.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{
    app::AppState,
    awards::{effective_award_status, minor_text},
    db::DbConnection,
    domain::{
        AwardId, AwardStatus, BuyerId, ComplaintStatus, ContractStatus, SupplierId, TenderId,
        Validator,
    },
    error::{AppError, FieldError},
    schema::{
        award_flags, awards, bids, buyers, complaints, contract_modifications, contracts,
        suppliers, tender_lots, tenders,
    },
    tenders::search::present,
};

/// Awards per page.
pub const PER_PAGE: i64 = 50;

/// The list's filter, as the pages and the API send it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct AwardsQuery {
    /// Buyer entity id.
    #[param(pattern = "^[0-9]{0,18}$")]
    pub buyer: Option<String>,
    /// Supplier (winner) id.
    #[param(pattern = "^[0-9]{0,18}$")]
    pub supplier: Option<String>,
    /// Page, from 1.
    #[param(minimum = 1, maximum = 10000)]
    pub page: Option<u32>,
}

/// A contract as the public list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PublicContract {
    /// Signed on (Lima date).
    pub signed_on: NaiveDate,
    /// Value as signed (decimal text).
    pub value: String,
    /// Value now, after its modifications (decimal text).
    pub value_now: String,
    /// active, completed or terminated.
    pub status: ContractStatus,
    /// How many modifications it had.
    pub modifications: i64,
}

/// One decided lot.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PublicAward {
    /// Award id.
    pub award_id: AwardId,
    /// Tender id.
    pub tender_id: TenderId,
    /// Tender ocid.
    pub ocid: Option<String>,
    /// Tender title.
    pub title: String,
    /// Buyer entity id.
    pub buyer_id: BuyerId,
    /// Buyer entity.
    pub buyer_name: String,
    /// Lot number.
    pub lot_number: i32,
    /// Lot title.
    pub lot_title: String,
    /// pending (standstill), final, cancelled or unsuccessful — as of now.
    pub status: AwardStatus,
    /// Winner's id.
    pub supplier_id: Option<SupplierId>,
    /// Winner's RUC.
    pub supplier_ruc: Option<String>,
    /// Winner's legal name.
    pub supplier_name: Option<String>,
    /// Awarded amount (decimal text).
    pub amount: Option<String>,
    /// Estimated value of the lot (decimal text).
    pub estimated_value: String,
    /// Currency.
    pub currency: String,
    /// When (UTC).
    #[serde(with = "crate::domain::utc")]
    pub awarded_at: NaiveDateTime,
    /// Red flags raised (codes).
    pub flags: Vec<String>,
    /// The contract, once signed.
    pub contract: Option<PublicContract>,
}

/// One page of the list.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AwardsPage {
    /// The awards, newest first.
    pub awards: Vec<PublicAward>,
    /// How many match.
    pub total: i64,
    /// This page, from 1.
    pub page: u32,
    /// Awards per page.
    pub per_page: i64,
}

/// A checked filter.
#[derive(Debug, Clone, Copy, Default)]
pub struct AwardsFilter {
    /// One buyer.
    pub buyer: Option<BuyerId>,
    /// One winner.
    pub supplier: Option<SupplierId>,
    /// Page, from 1.
    pub page: u32,
}

impl AwardsQuery {
    /// The filter, or an error naming each field that is not understood.
    pub fn parse(&self) -> Result<AwardsFilter, AppError> {
        let mut v = Validator::new();
        let buyer = present(&self.buyer).and_then(|b| {
            v.check(
                b.trim()
                    .parse()
                    .map_err(|_| FieldError::new("buyer", "invalid_choice")),
            )
        });
        let supplier = present(&self.supplier).and_then(|s| {
            v.check(
                s.trim()
                    .parse()
                    .map_err(|_| FieldError::new("supplier", "invalid_choice")),
            )
        });
        let page = self.page.unwrap_or(1);
        if !(1..=10_000).contains(&page) {
            v.push(FieldError::new("page", "out_of_range"));
        }
        v.finish()?;
        Ok(AwardsFilter {
            buyer,
            supplier,
            page,
        })
    }
}

/// The awards of `query` ([`awards_in`]); public.
pub async fn public_awards(app: &AppState, query: &AwardsQuery) -> Result<AwardsPage, AppError> {
    let (filter, now) = (query.parse()?, app.clock.now_db());
    app.db.run(move |conn| awards_in(conn, filter, now)).await
}

type Row = (
    (
        AwardId,
        TenderId,
        Option<String>,
        String,
        BuyerId,
        String,
        i32,
        String,
    ),
    (
        AwardStatus,
        Option<NaiveDateTime>,
        Option<i64>,
        i64,
        String,
        NaiveDateTime,
    ),
    (Option<SupplierId>, Option<String>, Option<String>),
    Option<(i64, NaiveDate, i64, ContractStatus)>,
);

/// One page of the awards of `filter`, newest first, their status as of `now`.
pub fn awards_in(
    conn: &mut DbConnection,
    filter: AwardsFilter,
    now: NaiveDateTime,
) -> Result<AwardsPage, AppError> {
    macro_rules! matching {
        () => {{
            let mut q = awards::table
                .inner_join(tenders::table.inner_join(buyers::table))
                .inner_join(
                    tender_lots::table.on(tender_lots::tender_id
                        .eq(awards::tender_id)
                        .and(tender_lots::number.eq(awards::lot_number))),
                )
                .left_join(bids::table.on(bids::id.nullable().eq(awards::bid_id)))
                .left_join(suppliers::table.on(suppliers::id.eq(bids::supplier_id)))
                .left_join(contracts::table.on(contracts::award_id.eq(awards::id)))
                .into_boxed();
            if let Some(buyer) = filter.buyer {
                q = q.filter(tenders::buyer_id.eq(buyer));
            }
            if let Some(supplier) = filter.supplier {
                q = q.filter(bids::supplier_id.nullable().eq(supplier));
            }
            q
        }};
    }
    let total: i64 = matching!().count().get_result(conn)?;
    let rows: Vec<Row> = matching!()
        .order((awards::awarded_at.desc(), awards::id.desc()))
        .limit(PER_PAGE)
        .offset((i64::from(filter.page) - 1) * PER_PAGE)
        .select((
            (
                awards::id,
                awards::tender_id,
                tenders::ocid,
                tenders::title,
                tenders::buyer_id,
                buyers::name,
                awards::lot_number,
                tender_lots::title,
            ),
            (
                awards::status,
                awards::standstill_ends_at,
                awards::amount,
                tender_lots::estimated_value,
                awards::currency,
                awards::awarded_at,
            ),
            (
                suppliers::id.nullable(),
                suppliers::ruc.nullable(),
                suppliers::legal_name.nullable(),
            ),
            (
                contracts::id,
                contracts::signed_on,
                contracts::value,
                contracts::status,
            )
                .nullable(),
        ))
        .load(conn)?;
    let ids: Vec<AwardId> = rows.iter().map(|r| r.0.0).collect();
    let mut flags: BTreeMap<AwardId, Vec<String>> = BTreeMap::new();
    for (award, code) in award_flags::table
        .filter(award_flags::award_id.eq_any(&ids))
        .order((award_flags::award_id, award_flags::code))
        .select((award_flags::award_id, award_flags::code))
        .load::<(AwardId, String)>(conn)?
    {
        flags.entry(award).or_default().push(code);
    }
    let open_complaints: BTreeMap<AwardId, i64> = complaints::table
        .filter(complaints::award_id.eq_any(&ids))
        .filter(complaints::status.eq(ComplaintStatus::Filed))
        .group_by(complaints::award_id)
        .select((complaints::award_id, diesel::dsl::count_star()))
        .load::<(AwardId, i64)>(conn)?
        .into_iter()
        .collect();
    let contract_ids: Vec<i64> = rows.iter().filter_map(|r| r.3.map(|c| c.0)).collect();
    // Per contract: (how many modifications, Σ value change).
    let mut modifications: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
    for (contract, change) in contract_modifications::table
        .filter(contract_modifications::contract_id.eq_any(&contract_ids))
        .select((
            contract_modifications::contract_id,
            contract_modifications::value_change,
        ))
        .load::<(i64, i64)>(conn)?
    {
        let entry = modifications.entry(contract).or_default();
        entry.0 += 1;
        entry.1 += change;
    }
    let awards = rows
        .into_iter()
        .map(|(a, b, s, contract)| {
            let (award_id, tender_id, ocid, title, buyer_id, buyer_name, lot_number, lot_title) = a;
            let (status, standstill, amount, estimate, currency, awarded_at) = b;
            let open = open_complaints.get(&award_id).copied().unwrap_or(0);
            PublicAward {
                award_id,
                tender_id,
                ocid,
                title,
                buyer_id,
                buyer_name,
                lot_number,
                lot_title,
                status: effective_award_status(
                    status,
                    standstill,
                    usize::try_from(open).unwrap_or(usize::MAX),
                    now,
                ),
                supplier_id: s.0,
                supplier_ruc: s.1,
                supplier_name: s.2,
                amount: amount.map(minor_text),
                estimated_value: minor_text(estimate),
                currency,
                awarded_at,
                flags: flags.remove(&award_id).unwrap_or_default(),
                contract: contract.map(|(id, signed_on, value, status)| {
                    let (count, change) = modifications.get(&id).copied().unwrap_or((0, 0));
                    PublicContract {
                        signed_on,
                        value: minor_text(value),
                        value_now: minor_text(value + change),
                        status,
                        modifications: count,
                    }
                }),
            }
        })
        .collect();
    Ok(AwardsPage {
        awards,
        total,
        page: filter.page,
        per_page: PER_PAGE,
    })
}

/// What one supplier won from one buyer.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct WonFrom {
    /// Buyer entity id.
    pub buyer_id: BuyerId,
    /// Buyer entity.
    pub buyer_name: String,
    /// Lots won that stand (in standstill or final).
    pub lots: i64,
    /// Σ amount of those awards (decimal text).
    pub amount: String,
    /// Currency.
    pub currency: String,
}

/// A supplier's public page: who it is, what it won from which buyers, and its awards.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SupplierRecord {
    /// Supplier id.
    pub supplier_id: SupplierId,
    /// RUC.
    pub ruc: String,
    /// Legal name.
    pub name: String,
    /// Per buyer and currency, by amount won.
    pub won_from: Vec<WonFrom>,
    /// Its awards (first page).
    pub awards: AwardsPage,
}

/// The public record of supplier `id` ([`supplier_record_in`]).
pub async fn supplier_record(
    app: &AppState,
    id: SupplierId,
    page: u32,
) -> Result<SupplierRecord, AppError> {
    let now = app.clock.now_db();
    app.db
        .run(move |conn| supplier_record_in(conn, id, page, now))
        .await
}

/// The public record of supplier `id`: 404 when there is no such supplier.
pub fn supplier_record_in(
    conn: &mut DbConnection,
    id: SupplierId,
    page: u32,
    now: NaiveDateTime,
) -> Result<SupplierRecord, AppError> {
    let (ruc, name): (String, String) = suppliers::table
        .find(id)
        .select((suppliers::ruc, suppliers::legal_name))
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)?;
    let won: Vec<(BuyerId, String, String, Option<i64>)> = awards::table
        .inner_join(bids::table.on(bids::id.nullable().eq(awards::bid_id)))
        .inner_join(tenders::table.on(tenders::id.eq(awards::tender_id)))
        .inner_join(buyers::table.on(buyers::id.eq(tenders::buyer_id)))
        .filter(bids::supplier_id.eq(id))
        .filter(awards::status.eq_any([AwardStatus::Pending, AwardStatus::Final]))
        .select((
            tenders::buyer_id,
            buyers::name,
            awards::currency,
            awards::amount,
        ))
        .load(conn)?;
    let mut sums: BTreeMap<(BuyerId, String, String), (i64, i64)> = BTreeMap::new();
    for (buyer, buyer_name, currency, amount) in won {
        let entry = sums.entry((buyer, buyer_name, currency)).or_default();
        entry.0 += 1;
        entry.1 += amount.unwrap_or(0);
    }
    let mut won_from: Vec<WonFrom> = sums
        .into_iter()
        .map(
            |((buyer_id, buyer_name, currency), (lots, amount))| WonFrom {
                buyer_id,
                buyer_name,
                lots,
                amount: minor_text(amount),
                currency,
            },
        )
        .collect();
    won_from.sort_by(|a, b| b.lots.cmp(&a.lots).then(a.buyer_name.cmp(&b.buyer_name)));
    let awards = awards_in(
        conn,
        AwardsFilter {
            buyer: None,
            supplier: Some(id),
            page,
        },
        now,
    )?;
    Ok(SupplierRecord {
        supplier_id: id,
        ruc,
        name,
        won_from,
        awards,
    })
}
