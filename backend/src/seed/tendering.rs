//! The demo's tenders (`fixtures/tenders.json`): each drafted, given its documents,
//! published, asked, answered, amended, cancelled and bid on through the service functions,
//! at instants of the past, so the audit log reads like a real history.

use crate::domain::{BuyerId, TenderId, UserId};
use diesel::prelude::*;
use serde::Deserialize;
use std::sync::Arc;

use super::{
    History,
    awarding::{FixtureAuction, FixtureAward, seed_award},
    demo_attachment,
};
use crate::{
    app::App,
    auth,
    error::AppError,
    schema::suppliers as suppliers_table,
    schema::tenders as tenders_table,
    schema::{buyers, supplier_members, users},
    tenders,
};
/// Submission deadlines fall at these Lima hours, one tender after another.
const DEADLINE_HOURS: [u32; 5] = [10, 11, 12, 15, 16];

const DEMO_TENDERS: &str = include_str!("../../../fixtures/tenders.json");

#[derive(Deserialize)]
struct TenderFixtures {
    tenders: Vec<FixtureTender>,
}

#[derive(Deserialize)]
struct FixtureTender {
    buyer_ruc: String,
    title: String,
    description: String,
    method: String,
    procurement_category: String,
    classification: String,
    currency: String,
    lots: Vec<tenders::LotInput>,
    #[serde(default)]
    quality_criteria: Vec<tenders::CriterionInput>,
    state: String,
    published_days_ago: Option<i64>,
    enquiry_in_days: i64,
    deadline_in_days: i64,
    #[serde(default)]
    enquiries: Vec<FixtureEnquiry>,
    #[serde(default)]
    amendments: Vec<FixtureAmendment>,
    cancellation_ground: Option<String>,
    documents: Vec<String>,
    /// Sealed bids, submitted two days before the deadline.
    #[serde(default)]
    bids: Vec<FixtureBid>,
    /// After the opening: evaluation (every bid valid) and the award of lot 1.
    award: Option<FixtureAward>,
    /// A subasta's auction of lot 1, after the evaluation.
    auction: Option<FixtureAuction>,
}

#[derive(Deserialize)]
struct FixtureBid {
    supplier_ruc: String,
    /// Price per lot, in lot order.
    prices: Vec<String>,
}

#[derive(Deserialize)]
struct FixtureEnquiry {
    supplier_ruc: String,
    question: String,
    answer: Option<String>,
}

#[derive(Deserialize)]
struct FixtureAmendment {
    days_after_publication: i64,
    rationale: String,
    material: bool,
    extend_days: i64,
    #[serde(default)]
    documents: Vec<String>,
}

/// Loads `fixtures/tenders.json`: each tender is drafted, given its documents, published,
/// asked, answered, amended and cancelled through the service functions, at instants in the
/// past that the fixture's day offsets give, so the audit log reads like a real history.
pub(super) async fn seed_tenders(
    app: &Arc<App>,
    history: History,
    passphrase: &str,
) -> Result<usize, AppError> {
    let fixtures: TenderFixtures = serde_json::from_str(DEMO_TENDERS)
        .map_err(|e| AppError::internal(format!("fixtures/tenders.json: {e}")))?;
    let now = history.now;
    let day = chrono::Duration::days(1);
    let mut created = 0;
    let mut awarded = Vec::new();
    for (index, f) in fixtures.tenders.into_iter().enumerate() {
        let (buyer_ruc, title) = (f.buyer_ruc.clone(), f.title.clone());
        let found: (Option<TenderId>, Vec<UserId>) = app
            .db
            .run(move |conn| {
                let buyer: BuyerId = buyers::table
                    .filter(buyers::ruc.eq(&buyer_ruc))
                    .select(buyers::id)
                    .first(conn)?;
                let existing = tenders_table::table
                    .filter(tenders_table::buyer_id.eq(buyer))
                    .filter(tenders_table::title.eq(&title))
                    .select(tenders_table::id)
                    .first(conn)
                    .optional()?;
                let officers = users::table
                    .filter(users::buyer_id.eq(buyer))
                    .filter(users::role.eq("officer"))
                    .filter(users::registry_officer.eq(false))
                    .order(users::id)
                    .select(users::id)
                    .load(conn)?;
                Ok((existing, officers))
            })
            .await?;
        let (None, officers) = found else { continue };
        // Published at 09:00 on its day, drafted the afternoon before; questions close at
        // 17:00 and bids at an office hour, the opening two hours after.
        let published_at = f.published_days_ago.map(|d| history.at(-d, 9, 0));
        let base = published_at.unwrap_or(now);
        let deadline_hour = DEADLINE_HOURS[index % DEADLINE_HOURS.len()];
        let at_days = |d: i64| history.at(d, deadline_hour, 0);
        let enquiry_deadline = history.at(f.enquiry_in_days, 17, 0);
        let input = tenders::TenderInput {
            title: f.title.clone(),
            description: f.description.clone(),
            method: f.method.clone(),
            procurement_category: f.procurement_category.clone(),
            classification: f.classification.clone(),
            currency: f.currency.clone(),
            lots: f.lots.clone(),
            award_criteria: if f.quality_criteria.is_empty() {
                "lowest_price"
            } else {
                "price_quality"
            }
            .into(),
            price_weight: (!f.quality_criteria.is_empty())
                .then(|| 100 - f.quality_criteria.iter().map(|c| c.weight).sum::<i64>()),
            quality_criteria: f.quality_criteria.clone(),
            enquiry_deadline: iso(enquiry_deadline),
            submission_deadline: iso(at_days(f.deadline_in_days)),
            opening_at: iso(at_days(f.deadline_in_days) + chrono::Duration::hours(2)),
            committee: officers.clone(),
            observer: None,
            committee_threshold: Some(2),
        };
        let draft = input.parse()?;
        let officer_id = *officers
            .first()
            .ok_or_else(|| AppError::internal(format!("no officers for {}", f.buyer_ruc)))?;
        let tender_id = app
            .db
            .run(move |conn| {
                let officer = auth::load_user(conn, officer_id)?;
                tenders::create_draft_in(conn, &officer, &draft, base - chrono::Duration::hours(17))
            })
            .await?;
        for name in &f.documents {
            attach_demo_document(
                app,
                officer_id,
                tender_id,
                name,
                &f.title,
                base - chrono::Duration::minutes(16 * 60 + 30),
            )
            .await?;
        }
        if let Some(published_at) = published_at {
            let state = app.clone();
            app.db
                .run(move |conn| {
                    let officer = auth::load_user(conn, officer_id)?;
                    tenders::publish_in(conn, &state.settings, &officer, tender_id, published_at)
                        .map(|_| ())
                })
                .await?;
            for (i, e) in f.enquiries.into_iter().enumerate() {
                let asked = published_at + day * (1 + i as i32) + chrono::Duration::hours(1);
                let state = app.clone();
                app.db
                    .run(move |conn| {
                        let asker = owner_of(conn, &e.supplier_ruc)?;
                        let enquiry = tenders::ask_in(conn, &asker, tender_id, &e.question, asked)?;
                        if let Some(answer) = e.answer {
                            let officer = auth::load_user(conn, officer_id)?;
                            tenders::answer_in(
                                conn,
                                &state.settings,
                                &officer,
                                tender_id,
                                enquiry,
                                &answer,
                                asked + chrono::Duration::hours(5),
                            )?;
                        }
                        Ok(())
                    })
                    .await?;
            }
            for a in f.amendments {
                let when =
                    published_at + day * i32::try_from(a.days_after_publication).unwrap_or(0);
                for name in &a.documents {
                    attach_demo_document(
                        app,
                        officer_id,
                        tender_id,
                        name,
                        &f.title,
                        when - chrono::Duration::hours(1),
                    )
                    .await?;
                }
                let new_deadline = at_days(f.deadline_in_days + a.extend_days);
                let amendment = tenders::AmendmentInput {
                    rationale: a.rationale,
                    material: a.material,
                    submission_deadline: Some(iso(new_deadline)),
                    opening_at: Some(iso(new_deadline + chrono::Duration::hours(2))),
                    ..tenders::AmendmentInput::default()
                };
                let state = app.clone();
                app.db
                    .run(move |conn| {
                        let officer = auth::load_user(conn, officer_id)?;
                        tenders::amend_in(
                            conn,
                            &state.settings,
                            &officer,
                            tender_id,
                            &amendment,
                            &crate::clock::ManualClock::new(when.and_utc()),
                        )
                        .map(|_| ())
                    })
                    .await?;
            }
            if let Some(ground) = f.cancellation_ground {
                let state = app.clone();
                app.db
                    .run(move |conn| {
                        let officer = auth::load_user(conn, officer_id)?;
                        tenders::cancel_in(
                            conn,
                            &state.settings,
                            &officer,
                            tender_id,
                            &ground,
                            now - chrono::Duration::hours(12),
                        )
                    })
                    .await?;
            }
        }
        let deadline = at_days(f.deadline_in_days);
        for b in f.bids {
            // Bids arrive before the deadline: the service runs on a clock set back to then.
            let clock = crate::clock::ManualClock::new((deadline - day * 2).and_utc());
            let state = app.clone();
            app.db
                .run(move |conn| {
                    let bidder = owner_of(conn, &b.supplier_ruc)?;
                    let bidder_name: String = suppliers_table::table
                        .filter(suppliers_table::ruc.eq(&b.supplier_ruc))
                        .select(suppliers_table::legal_name)
                        .first(conn)?;
                    let prices = b.prices.join(" / ");
                    let content = crate::bids::BidContent {
                        lots: (1..)
                            .zip(b.prices)
                            .map(|(lot, amount)| crate::bids::PriceInput {
                                lot,
                                amount,
                                currency: None,
                            })
                            .collect(),
                        declarations: crate::bids::DECLARATIONS.map(str::to_owned).to_vec(),
                        // Each bidder's own proposal, naming the company and its prices.
                        documents: vec![demo_attachment(
                            &state.settings.data_dir,
                            "Propuesta técnica y económica.pdf",
                            &[
                                "Propuesta técnica y económica",
                                &format!("{} (RUC {})", bidder_name, b.supplier_ruc),
                                &format!("Precios: {}", prices),
                                "Documento de demostración generado por Licita.",
                            ],
                        )?],
                        remove_documents: Vec::new(),
                    };
                    crate::bids::submit_in(
                        conn,
                        &clock,
                        &state.receipts,
                        state.settings.bid_max_bytes,
                        &bidder,
                        tender_id,
                        crate::bids::Submission::Content(content),
                        crate::bids::Placement::New,
                        None,
                    )
                    .map(|_| ())
                })
                .await?;
        }
        // The status task's moves, each at its moment: questions closed, bids closed and
        // the envelopes frozen at the deadline.
        app.db
            .run(move |conn| {
                if enquiry_deadline <= now {
                    tenders::advance_status_of(conn, tender_id, enquiry_deadline)?;
                }
                if deadline <= now {
                    tenders::advance_status_of(conn, tender_id, deadline)?;
                    crate::bids::freeze_if_due(conn, tender_id, deadline)?;
                }
                Ok(())
            })
            .await?;
        if f.award.is_some() || f.auction.is_some() {
            let auction = f.auction.map(|a| {
                let opens_at = a.opens_at(&history);
                (a, opens_at)
            });
            awarded.push((
                tender_id,
                officers,
                deadline + chrono::Duration::hours(2),
                auction,
                f.award,
            ));
        }
        created += 1;
        debug_assert!(f.state == "draft" || published_at.is_some());
    }
    app.db
        .run(move |conn| tenders::advance_statuses(conn, now))
        .await?;
    for (tender_id, officers, opening_at, auction, award) in awarded {
        seed_award(
            app, passphrase, tender_id, &officers, opening_at, auction, award,
        )
        .await?;
    }
    Ok(created)
}

pub(super) fn owner_of(
    conn: &mut crate::db::DbConnection,
    ruc: &str,
) -> Result<auth::CurrentUser, AppError> {
    let owner: UserId = supplier_members::table
        .inner_join(suppliers_table::table)
        .filter(suppliers_table::ruc.eq(ruc))
        .filter(supplier_members::member_role.eq("owner"))
        .select(supplier_members::user_id)
        .first(conn)?;
    auth::load_user(conn, owner)
}

fn iso(at: chrono::NaiveDateTime) -> String {
    crate::domain::utc::format(at)
}

async fn attach_demo_document(
    app: &Arc<App>,
    officer_id: UserId,
    tender_id: TenderId,
    name: &str,
    title: &str,
    at: chrono::NaiveDateTime,
) -> Result<(), AppError> {
    let pdf = tenders::documents::demo_pdf(&[
        name.trim_end_matches(".pdf"),
        title,
        "Documento de demostración generado por Licita.",
    ]);
    let body = futures_util::stream::iter([Ok::<_, std::convert::Infallible>(
        axum::body::Bytes::from(pdf),
    )]);
    let blob = crate::blobs::store_upload(
        &app.settings.data_dir,
        name,
        app.settings.upload_max_bytes,
        body,
    )
    .await?;
    app.db
        .run(move |conn| {
            let officer = auth::load_user(conn, officer_id)?;
            tenders::attach_document(conn, &officer, tender_id, &blob, at).map(|_| ())
        })
        .await
}
