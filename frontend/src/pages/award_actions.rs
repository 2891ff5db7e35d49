//! The forms after the opening, for the people who act on a tender: the buyer's officers
//! evaluate each bid (admissibility, scores), award each lot with a justification for every
//! red flag, decide complaints, and record the contract and its modifications; a bidder
//! files a complaint during the standstill. Each form re-shows what was typed with an error
//! summary naming the fields, and works without JavaScript.

use std::collections::BTreeMap;

use axum::{
    extract::{Multipart, Query, State, multipart::MultipartRejection},
    http::StatusCode,
    response::Response,
};
use backend::{
    AppError, AppState,
    auth::CurrentUser,
    awards::{
        self, AwardInput, AwardPreview, DISQUALIFICATION_GROUNDS, EvaluationInput, EvaluationSheet,
        RankedBid, ScoreInput,
        complaints::{self, ComplaintView, DecisionInput, MAX_ATTACHMENTS},
        contracts::{self, ContractInput, ModificationInput},
        oversight::{self, AwardView},
    },
    bids::opening,
    domain::Role,
    domain::money_shown,
    error::FieldError,
    http::download_response,
};
use leptos::prelude::*;

use super::{
    Notice,
    awards::{attached_documents, award_facts, award_outcome, ranking_table},
};
use crate::{
    context::{MultipartForm, PageContext, read_multipart},
    extract::{PageForm, PagePath},
    layout::{
        Field, csrf_input, error_page, error_summary, form_errors, form_status, local_time, notice,
        page, redirect, select_field, text_area, text_field,
    },
};

/// A posted form read as name → value (forms whose field names carry a number or a code).
type Posted = BTreeMap<String, String>;

fn posted(form: &Posted, name: &str) -> String {
    form.get(name).cloned().unwrap_or_default()
}

/// What a page shows of the award it acts on: the lot, the outcome and the standstill.
fn award_summary(ctx: &PageContext, tz: chrono_tz::Tz, a: &AwardView) -> impl IntoView + use<> {
    let tender = format!("{} — {}", a.ocid, a.title);
    let href = format!("/licitaciones/{}/adjudicacion", a.tender_id);
    let outcome = award_outcome(ctx, a);
    let status = format!(
        "{} — {}",
        ctx.t(&format!("award-status-{}", a.status)),
        award_facts(ctx, tz, a)
    );
    view! { <p><a href=href>{tender}</a></p><p>{outcome}</p><p>{status}</p> }
}

fn documents_field(
    ctx: &PageContext,
    hint: &'static str,
    errors: &[FieldError],
) -> impl IntoView + use<> {
    let label = ctx.t("field-documents");
    let hint = ctx.t(hint);
    let error = errors
        .iter()
        .find(|e| e.field == "documents")
        .map(|e| e.message(ctx.lang));
    let invalid = error.is_some();
    view! {
        <div class="field" class:field-invalid=invalid>
            <label for="f-documents">{label}</label>
            <p class="hint" id="f-documents-hint">{hint}</p>
            {error.map(|e| view! { <p class="field-error" id="f-documents-error">{e}</p> })}
            <input type="file" id="f-documents" name="documents" multiple=true aria-describedby="f-documents-hint"/>
        </div>
    }
}

/// The read limit of a form with attachments: every allowed file at its largest.
fn attachments_limit(app: &AppState) -> u64 {
    app.settings.upload_max_bytes * MAX_ATTACHMENTS as u64
}

fn too_large(app: &AppState) -> AppError {
    AppError::TooLarge(
        FieldError::new("documents", "file_too_large")
            .arg("max", app.settings.upload_max_bytes / (1024 * 1024)),
    )
}

/// A form page: the status follows the errors, the summary leads the form.
fn form_page(
    ctx: &PageContext,
    title: &str,
    errors: &[FieldError],
    intro: impl IntoView + 'static,
    form: impl IntoView + 'static,
) -> Response {
    let heading = title.to_owned();
    let summary = error_summary(ctx, errors, None);
    page(
        ctx,
        form_status(errors),
        title,
        view! { <h1>{heading}</h1>{intro}{summary}{form} },
    )
}

// ---------------------------------------------------------------------------------------
// Evaluation

async fn load_sheet(
    app: &AppState,
    ctx: &PageContext,
    id: i64,
) -> Result<(CurrentUser, EvaluationSheet), AppError> {
    let user = ctx.require_role(&[Role::Officer, Role::Auditor])?.clone();
    let reader = user.clone();
    let sheet = app
        .db
        .run(move |conn| awards::evaluation(conn, &reader, id))
        .await?;
    Ok((user, sheet))
}

/// `GET /licitaciones/{id}/evaluacion`: every lot's bids with their evaluation and ranking,
/// and the way to evaluate each bid and award each lot (the buyer's officers; auditors read).
pub async fn sheet(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<i64>,
    Query(n): Query<Notice>,
) -> Response {
    let (user, sheet) = match load_sheet(&app, &ctx, id).await {
        Ok(loaded) => loaded,
        Err(e) => return error_page(&ctx, e),
    };
    let acts = user.role == Role::Officer;
    let title = ctx.t_args("evaluation-title", &[("title", sheet.title.clone())]);
    let heading = title.clone();
    let lead = ctx.t("evaluation-lead");
    let shown = notice(&ctx, n.aviso.as_deref());
    let back = format!("/licitaciones/{id}");
    let back_text = ctx.t("opening-back");
    let lots = sheet
        .lots
        .iter()
        .map(|lot| {
            let lot_heading = ctx.t_args(
                "award-lot",
                &[
                    ("lot", lot.lot_number.to_string()),
                    ("title", lot.lot_title.clone()),
                ],
            );
            let estimate = ctx.t_args(
                "evaluation-estimate",
                &[(
                    "amount",
                    money_shown(lot.currency.code(), &lot.estimated_value),
                )],
            );
            let open = acts && lot.award_id.is_none();
            let number = lot.lot_number;
            let (evaluate, correct, view_text) = (
                ctx.t("evaluation-evaluate"),
                ctx.t("evaluation-correct"),
                ctx.t("evaluation-view"),
            );
            let link = move |b: &RankedBid| {
                (!acts || open && b.evaluation != "excluded").then(|| {
                    let href = format!("/licitaciones/{id}/evaluacion/{number}/{}", b.bid_id);
                    let text = if !acts {
                        view_text.clone()
                    } else if b.evaluation == "pending" {
                        evaluate.clone()
                    } else {
                        correct.clone()
                    };
                    let label = format!("{text}: {}", b.supplier_name);
                    view! { <a href=href aria-label=label>{text}</a> }.into_any()
                })
            };
            let table = ranking_table(
                &ctx,
                &lot.ranking,
                lot.currency.code(),
                "evaluation-caption",
                Some(&link),
            );
            let next = if lot.award_id.is_some() {
                let href = format!("/licitaciones/{id}/adjudicacion");
                let text = ctx.t_args("evaluation-decided-link", &[("lot", number.to_string())]);
                Some(view! { <p><a href=href>{text}</a></p> }.into_any())
            } else if acts {
                let href = format!("/licitaciones/{id}/lotes/{number}/adjudicar");
                let text = ctx.t_args("evaluation-award-link", &[("lot", number.to_string())]);
                Some(view! { <p><a class="button" href=href>{text}</a></p> }.into_any())
            } else {
                None
            };
            view! { <section><h2>{lot_heading}</h2><p>{estimate}</p>{table}{next}</section> }
        })
        .collect_view();
    page(
        &ctx,
        StatusCode::OK,
        &title,
        view! { <h1>{heading}</h1>{shown}<p>{lead}</p><p><a href=back>{back_text}</a></p>{lots} },
    )
}

async fn render_entry(
    app: &AppState,
    ctx: &PageContext,
    (id, lot, bid): (i64, i32, i64),
    form: Option<&Posted>,
    errors: &[FieldError],
) -> Response {
    let (user, sheet) = match load_sheet(app, ctx, id).await {
        Ok(loaded) => loaded,
        Err(e) => return error_page(ctx, e),
    };
    // Officers evaluate; auditors read the same page without the form.
    let acts = user.role == Role::Officer;
    // The bid's documents, opened with it: what the officer evaluates.
    let documents = match opening::bid_documents(app, &user, id, bid).await {
        Ok(d) => d,
        Err(e) => return error_page(ctx, e),
    };
    let Some((sheet_lot, entry)) = sheet.lots.iter().find_map(|l| {
        (l.lot_number == lot)
            .then(|| l.ranking.iter().find(|b| b.bid_id == bid).map(|b| (l, b)))
            .flatten()
    }) else {
        return error_page(ctx, AppError::NotFound);
    };
    let tz = app.settings.timezone;
    // What the form shows: what was posted, else the entry as recorded.
    let value = |name: &str, recorded: String| match form {
        Some(f) => posted(f, name),
        None => recorded,
    };
    let admissible = value(
        "admissible",
        match entry.evaluation.as_str() {
            "valid" => "yes".into(),
            "disqualified" => "no".into(),
            _ => String::new(),
        },
    );
    let ground = value(
        "disqualification_ground",
        entry.ground.clone().unwrap_or_default(),
    );
    let note = value("note", entry.note.clone().unwrap_or_default());
    let title = ctx.t_args(
        "entry-title",
        &[("bid", bid.to_string()), ("lot", lot.to_string())],
    );
    let facts = ctx.t_args(
        "entry-bid",
        &[
            (
                "bidder",
                format!("{} ({})", entry.supplier_name, entry.supplier_ruc),
            ),
            (
                "amount",
                money_shown(sheet_lot.currency.code(), &entry.price),
            ),
            ("time", local_time(entry.submitted_at, tz)),
            ("lot", sheet_lot.lot_title.clone()),
        ],
    );
    let mut verdicts = vec![(String::new(), ctx.t("entry-choose"))];
    verdicts.push(("yes".into(), ctx.t("entry-admissible-yes")));
    verdicts.push(("no".into(), ctx.t("entry-admissible-no")));
    let mut grounds = vec![(String::new(), ctx.t("entry-ground-none"))];
    grounds.extend(DISQUALIFICATION_GROUNDS.iter().map(|g| {
        (
            (*g).to_owned(),
            ctx.t(&format!("ground-{}", g.replace('_', "-"))),
        )
    }));
    let criteria = sheet
        .quality_criteria
        .iter()
        .map(|c| {
            let recorded = entry.scores.iter().find(|s| s.criterion == c.position);
            let (score_name, comment_name) = (
                format!("score_{}", c.position),
                format!("comment_{}", c.position),
            );
            let points = value(
                &score_name,
                recorded.map(|s| s.points.clone()).unwrap_or_default(),
            );
            let comment = value(
                &comment_name,
                recorded.map(|s| s.comment.clone()).unwrap_or_default(),
            );
            let legend = ctx.t_args(
                "entry-criterion",
                &[("name", c.name.clone()), ("max", c.weight.to_string())],
            );
            view! {
                <fieldset>
                    <legend>{legend}</legend>
                    {text_field(ctx, Field {
                        name: &score_name,
                        input_type: "text",
                        value: points,
                        autocomplete: "off",
                        errors,
                        hint: None,
                    })}
                    {text_area(ctx, &comment_name, comment, errors, 2)}
                </fieldset>
            }
        })
        .collect_view();
    let scores_lead = (!sheet.quality_criteria.is_empty()).then(|| {
        let text = ctx.t_args(
            "entry-scores-lead",
            &[("price", sheet.price_weight.to_string())],
        );
        view! { <p>{text}</p> }
    });
    let action = format!("/licitaciones/{id}/evaluacion/{lot}/{bid}");
    let submit = ctx.t("entry-submit");
    let back = format!("/licitaciones/{id}/evaluacion");
    let back_text = ctx.t("award-evaluation-link");
    let docs_heading = ctx.t("entry-documents");
    let docs = if documents.is_empty() {
        let none = ctx.t("entry-no-documents");
        view! { <p>{none}</p> }.into_any()
    } else {
        let items = documents
            .iter()
            .map(|d| {
                let href = format!("/licitaciones/{id}/ofertas/{bid}/documentos/{}", d.position);
                let name = d.filename.clone();
                let sha = d.sha256.clone();
                view! { <li><a href=href>{name}</a>" "<code class="hash">{sha}</code></li> }
            })
            .collect_view();
        view! { <ul>{items}</ul> }.into_any()
    };
    let intro = view! {
        <p>{facts}</p>
        <p><a href=back>{back_text}</a></p>
        <h2>{docs_heading}</h2>
        {docs}
    };
    // A decided lot's evaluation, or a bid excluded by an upheld appeal, is final.
    let closed = if !acts {
        None
    } else if sheet_lot.award_id.is_some() {
        Some("error-lot-already-decided")
    } else if entry.evaluation == "excluded" {
        Some("error-bid-excluded")
    } else {
        None
    };
    let form = match closed {
        _ if !acts => ().into_any(),
        Some(key) => {
            let text = ctx.t(key);
            view! { <p class="warning" role="status">{text}</p> }.into_any()
        }
        None => view! {
            <form method="post" action=action>
                {csrf_input(ctx)}
                {select_field(ctx, "admissible", verdicts, &admissible, errors)}
                {select_field(ctx, "disqualification_ground", grounds, &ground, errors)}
                {text_area(ctx, "note", note, errors, 3)}
                {scores_lead}
                {criteria}
                <button type="submit">{submit}</button>
            </form>
        }
        .into_any(),
    };
    form_page(ctx, &title, errors, intro, form)
}

/// `GET /licitaciones/{id}/evaluacion/{lot}/{bid}`: one bid on one lot with its documents, and
/// the evaluation form for the buyer's officers (auditors read it without the form).
pub async fn entry_form(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(key): PagePath<(i64, i32, i64)>,
) -> Response {
    render_entry(&app, &ctx, key, None, &[]).await
}

/// `POST /licitaciones/{id}/evaluacion/{lot}/{bid}`: records or corrects it.
pub async fn entry_save(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(key): PagePath<(i64, i32, i64)>,
    PageForm(form): PageForm<Posted>,
) -> Response {
    let user = match ctx.require_role(&[Role::Officer]) {
        Ok(u) => u.clone(),
        Err(e) => return error_page(&ctx, e),
    };
    let (id, lot, bid) = key;
    let verdict = posted(&form, "admissible");
    if !["yes", "no"].contains(&verdict.as_str()) {
        let errors = vec![FieldError::new("admissible", "required")];
        return render_entry(&app, &ctx, key, Some(&form), &errors).await;
    }
    let scores = form
        .iter()
        .filter_map(|(name, points)| {
            let criterion = name.strip_prefix("score_")?.parse().ok()?;
            Some(ScoreInput {
                criterion,
                points: points.clone(),
                comment: posted(&form, &format!("comment_{criterion}")),
            })
        })
        .collect();
    let ground = posted(&form, "disqualification_ground");
    let input = EvaluationInput {
        admissible: verdict == "yes",
        disqualification_ground: (!ground.is_empty()).then_some(ground),
        note: posted(&form, "note"),
        scores,
    };
    match awards::evaluate(&app, &user, id, bid, lot, input).await {
        Ok(()) => redirect(
            &ctx,
            &format!("/licitaciones/{id}/evaluacion?aviso=evaluation-saved"),
        ),
        Err(e) => match form_errors(e) {
            Ok(errors) => render_entry(&app, &ctx, key, Some(&form), &errors).await,
            Err(e) => error_page(&ctx, e),
        },
    }
}

/// `GET /licitaciones/{id}/ofertas/{bid}/documentos/{position}`: a document of an opened bid,
/// for the buyer's officers, auditors and the bidder.
pub async fn bid_document(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath((id, bid, position)): PagePath<(i64, i64, i32)>,
) -> Response {
    let user = match ctx.require_user() {
        Ok(u) => u.clone(),
        Err(e) => return error_page(&ctx, e),
    };
    match opening::bid_document(&app, &user, id, bid, position)
        .await
        .and_then(download_response)
    {
        Ok(response) => response,
        Err(e) => error_page(&ctx, e),
    }
}

// ---------------------------------------------------------------------------------------
// Award

async fn render_award(
    app: &AppState,
    ctx: &PageContext,
    (id, lot): (i64, i32),
    form: &Posted,
    errors: &[FieldError],
) -> Response {
    let user = match ctx.require_role(&[Role::Officer, Role::Auditor]) {
        Ok(u) => u.clone(),
        Err(e) => return error_page(ctx, e),
    };
    let preview: AwardPreview = match app
        .db
        .run(move |conn| awards::preview(conn, &user, id, lot))
        .await
    {
        Ok(p) => p,
        Err(e) => return error_page(ctx, e),
    };
    let currency = preview.lot.currency.code();
    let title = ctx.t_args(
        "award-form-title",
        &[
            ("lot", lot.to_string()),
            ("title", preview.lot.lot_title.clone()),
        ],
    );
    let outcome = match &preview.winner {
        Some(w) => ctx.t_args(
            "award-form-winner",
            &[
                (
                    "winner",
                    format!("{} ({})", w.supplier_name, w.supplier_ruc),
                ),
                ("amount", money_shown(currency, &w.price)),
                (
                    "estimate",
                    money_shown(currency, &preview.lot.estimated_value),
                ),
            ],
        ),
        None => ctx.t("award-form-unsuccessful"),
    };
    let back = format!("/licitaciones/{id}/evaluacion");
    let back_text = ctx.t("award-evaluation-link");
    let table = ranking_table(
        ctx,
        &preview.lot.ranking,
        currency,
        "evaluation-caption",
        None,
    );
    let intro =
        view! { <p><a href=back>{back_text}</a></p><p><strong>{outcome}</strong></p>{table} };
    let form = if let Some(reason) = preview.blocked_by {
        let text = ctx.t(&format!("error-{}", reason.replace('_', "-")));
        let lead = ctx.t("award-form-blocked");
        view! { <div class="warning" role="status"><p>{lead}" "{text}</p></div> }.into_any()
    } else {
        let flags_heading = ctx.t("award-form-flags");
        let flags = if preview.flags.is_empty() {
            let none = ctx.t("award-form-no-flags");
            view! { <p>{none}</p> }.into_any()
        } else {
            let lead = ctx.t("award-form-flags-lead");
            let items = preview
                .flags
                .iter()
                .map(|code| {
                    let name = format!("flag_{code}");
                    let explained = ctx.t(&format!("flag-help-{}", code.replace('_', "-")));
                    let text = posted(form, &name);
                    view! {
                        <div class="flag">
                            <p class="warning">{explained}</p>
                            {text_area(ctx, &name, text, errors, 3)}
                        </div>
                    }
                })
                .collect_view();
            view! { <p>{lead}</p>{items} }.into_any()
        };
        let submit = ctx.t(if preview.winner.is_some() {
            "award-form-submit"
        } else {
            "award-form-submit-unsuccessful"
        });
        let acts = ctx.user.as_ref().map(|u| u.role) == Some(Role::Officer);
        let action = format!("/licitaciones/{id}/lotes/{lot}/adjudicar");
        let justification = posted(form, "justification");
        acts.then(|| {
            view! {
                <form method="post" action=action>
                    {csrf_input(ctx)}
                    <h2>{flags_heading}</h2>
                    {flags}
                    {text_area(ctx, "justification", justification, errors, 4)}
                    <button type="submit">{submit}</button>
                </form>
            }
        })
        .into_any()
    };
    form_page(ctx, &title, errors, intro, form)
}

/// `GET /licitaciones/{id}/lotes/{lot}/adjudicar`: the award about to be made, with every
/// red flag that applies and a justification to write for each.
pub async fn award_form(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(key): PagePath<(i64, i32)>,
) -> Response {
    render_award(&app, &ctx, key, &Posted::new(), &[]).await
}

/// `POST /licitaciones/{id}/lotes/{lot}/adjudicar`: awards the lot (or declares it
/// unsuccessful), starting the standstill and notifying every bidder.
pub async fn award_confirm(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(key): PagePath<(i64, i32)>,
    PageForm(form): PageForm<Posted>,
) -> Response {
    let user = match ctx.require_role(&[Role::Officer]) {
        Ok(u) => u.clone(),
        Err(e) => return error_page(&ctx, e),
    };
    let (id, lot) = key;
    let input = AwardInput {
        justification: posted(&form, "justification"),
        flag_justifications: form
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix("flag_")?.to_owned(), v.clone())))
            .collect(),
    };
    let result = awards::award(&app, &user, id, lot, input).await;
    match result {
        Ok(_) => redirect(
            &ctx,
            &format!("/licitaciones/{id}/adjudicacion?aviso=award-made"),
        ),
        Err(e) => match form_errors(e) {
            Ok(errors) => render_award(&app, &ctx, key, &form, &errors).await,
            Err(e) => error_page(&ctx, e),
        },
    }
}

// ---------------------------------------------------------------------------------------
// Complaints

async fn load_award(
    app: &AppState,
    ctx: &PageContext,
    id: i64,
    staff: bool,
) -> Result<AwardView, AppError> {
    let user = ctx
        .require_role(&[if staff { Role::Officer } else { Role::Supplier }])?
        .clone();
    let now = app.clock.now_db();
    app.db
        .run(move |conn| {
            if staff {
                oversight::award_for_staff(conn, &user, id, now)
            } else {
                // Only a company that bid and lost may complain: others are refused before
                // the form.
                let award = oversight::award(conn, id, now)?;
                if backend::awards::complaints::may_complain(&user, &award) {
                    Ok(award)
                } else {
                    Err(AppError::Forbidden)
                }
            }
        })
        .await
}

async fn render_complaint(
    app: &AppState,
    ctx: &PageContext,
    id: i64,
    grounds: String,
    errors: &[FieldError],
) -> Response {
    let award = match load_award(app, ctx, id, false).await {
        Ok(a) => a,
        Err(e) => return error_page(ctx, e),
    };
    let tz = app.settings.timezone;
    let title = ctx.t_args(
        "complaint-form-title",
        &[
            ("lot", award.lot_number.to_string()),
            ("title", award.lot_title.clone()),
        ],
    );
    let intro = award_summary(ctx, tz, &award);
    let form = if award.status == "pending" {
        let lead = ctx.t_args(
            "complaint-form-lead",
            &[(
                "time",
                award
                    .standstill_ends_at
                    .map(|t| local_time(t, tz))
                    .unwrap_or_default(),
            )],
        );
        let action = format!("/adjudicaciones/{id}/apelacion");
        let submit = ctx.t("complaint-submit");
        view! {
            <p>{lead}</p>
            <form method="post" action=action enctype="multipart/form-data">
                {csrf_input(ctx)}
                {text_area(ctx, "grounds", grounds, errors, 6)}
                {documents_field(ctx, "complaint-documents-hint", errors)}
                <button type="submit">{submit}</button>
            </form>
        }
        .into_any()
    } else {
        let text = ctx.t("error-standstill-over");
        view! { <p class="warning" role="status">{text}</p> }.into_any()
    };
    form_page(ctx, &title, errors, intro, form)
}

/// `GET /adjudicaciones/{id}/apelacion`: a bidder's complaint form, while the standstill runs.
pub async fn complaint_form(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<i64>,
) -> Response {
    render_complaint(&app, &ctx, id, String::new(), &[]).await
}

/// `POST /adjudicaciones/{id}/apelacion` (multipart): files it with its documents.
pub async fn complaint_file(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<i64>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let user = match ctx.require_role(&[Role::Supplier]) {
        Ok(u) => u.clone(),
        Err(e) => return error_page(&ctx, e),
    };
    // Refused before reading any upload, as the form page refuses.
    let award = match load_award(&app, &ctx, id, false).await {
        Ok(a) => a,
        Err(e) => return error_page(&ctx, e),
    };
    let form: MultipartForm = match read_multipart(&ctx, multipart, attachments_limit(&app)).await {
        Ok(form) => form,
        Err(e) => return error_page(&ctx, e),
    };
    let grounds = form.value("grounds");
    let result = if form.too_large {
        Err(too_large(&app))
    } else {
        complaints::file(&app, &user, id, grounds.clone(), form.files).await
    };
    match result {
        Ok(_) => to_record(&ctx, &award, "complaint-filed"),
        Err(e) => match form_errors(e) {
            Ok(errors) => render_complaint(&app, &ctx, id, grounds, &errors).await,
            Err(e) => error_page(&ctx, e),
        },
    }
}

/// Back to the tender's award record with a notice.
fn to_record(ctx: &PageContext, award: &AwardView, key: &str) -> Response {
    redirect(
        ctx,
        &format!("/licitaciones/{}/adjudicacion?aviso={key}", award.tender_id),
    )
}

fn complaint_of(award: &AwardView, complaint: i64) -> Result<&ComplaintView, AppError> {
    award
        .complaints
        .iter()
        .find(|c| c.id == complaint)
        .ok_or(AppError::NotFound)
}

async fn render_decision(
    app: &AppState,
    ctx: &PageContext,
    (id, complaint): (i64, i64),
    form: &DecisionInput,
    errors: &[FieldError],
) -> Response {
    let award = match load_award(app, ctx, id, true).await {
        Ok(a) => a,
        Err(e) => return error_page(ctx, e),
    };
    let c = match complaint_of(&award, complaint) {
        Ok(c) => c.clone(),
        Err(e) => return error_page(ctx, e),
    };
    let tz = app.settings.timezone;
    let title = ctx.t_args("decision-title", &[("bidder", c.supplier_name.clone())]);
    let filed = ctx.t_args(
        "complaint-line",
        &[
            ("bidder", c.supplier_name.clone()),
            ("time", local_time(c.filed_at, tz)),
            ("status", ctx.t(&format!("complaint-status-{}", c.status))),
        ],
    );
    let docs = attached_documents("complaints", c.id, &c.documents);
    let grounds = c.grounds.clone();
    let intro = view! {
        {award_summary(ctx, tz, &award)}
        <h2>{filed}</h2>
        <p>{grounds}</p>
        {docs}
    };
    let form = if c.status != "filed" {
        let text = ctx.t("error-complaint-already-decided");
        view! { <p class="warning" role="status">{text}</p> }.into_any()
    } else if ctx.user.as_ref().map(|u| u.id) == Some(award.awarded_by_id) {
        let text = ctx.t("error-decider-made-the-award");
        view! { <p class="warning" role="status">{text}</p> }.into_any()
    } else {
        let choices = vec![
            (String::new(), ctx.t("entry-choose")),
            ("upheld".into(), ctx.t("decision-upheld")),
            ("dismissed".into(), ctx.t("decision-dismissed")),
        ];
        let action = format!("/adjudicaciones/{id}/apelaciones/{complaint}");
        let submit = ctx.t("decision-submit");
        view! {
            <form method="post" action=action>
                {csrf_input(ctx)}
                {select_field(ctx, "decision", choices, &form.decision, errors)}
                {text_area(ctx, "reasoning", form.reasoning.clone(), errors, 5)}
                <button type="submit">{submit}</button>
            </form>
        }
        .into_any()
    };
    form_page(ctx, &title, errors, intro, form)
}

/// `GET /adjudicaciones/{id}/apelaciones/{complaint}`: the complaint and its decision form
/// (officers of the buyer other than the one who awarded).
pub async fn decision_form(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(key): PagePath<(i64, i64)>,
) -> Response {
    render_decision(&app, &ctx, key, &DecisionInput::default(), &[]).await
}

/// `POST /adjudicaciones/{id}/apelaciones/{complaint}`: upheld (the award is cancelled) or
/// dismissed, with reasoning; the complainant is emailed.
pub async fn decide(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(key): PagePath<(i64, i64)>,
    PageForm(input): PageForm<DecisionInput>,
) -> Response {
    let user = match ctx.require_role(&[Role::Officer]) {
        Ok(u) => u.clone(),
        Err(e) => return error_page(&ctx, e),
    };
    let (id, complaint) = key;
    // The complaint must be one of this award's: the path names both.
    let award = match load_award(&app, &ctx, id, true).await {
        Ok(a) => a,
        Err(e) => return error_page(&ctx, e),
    };
    if let Err(e) = complaint_of(&award, complaint) {
        return error_page(&ctx, e);
    }
    match complaints::decide(&app, &user, complaint, input.clone()).await {
        Ok(()) => to_record(&ctx, &award, "complaint-decided"),
        Err(e) => match form_errors(e) {
            Ok(errors) => render_decision(&app, &ctx, key, &input, &errors).await,
            Err(e) => error_page(&ctx, e),
        },
    }
}

// ---------------------------------------------------------------------------------------
// Contract and modifications

async fn render_contract(
    app: &AppState,
    ctx: &PageContext,
    id: i64,
    form: &ContractInput,
    errors: &[FieldError],
) -> Response {
    let award = match load_award(app, ctx, id, true).await {
        Ok(a) => a,
        Err(e) => return error_page(ctx, e),
    };
    let tz = app.settings.timezone;
    let title = ctx.t_args(
        "contract-title",
        &[
            ("lot", award.lot_number.to_string()),
            ("title", award.lot_title.clone()),
        ],
    );
    let intro = award_summary(ctx, tz, &award);
    let form = if award.contract.is_some() {
        let text = ctx.t("error-contract-already-recorded");
        view! { <p class="warning" role="status">{text}</p> }.into_any()
    } else if award.status != "final" || award.bid_id.is_none() {
        let text = ctx.t("error-award-not-final");
        view! { <p class="warning" role="status">{text}</p> }.into_any()
    } else {
        let field = |name: &'static str, input_type: &'static str, value: &str| {
            text_field(
                ctx,
                Field {
                    name,
                    input_type,
                    value: value.to_owned(),
                    autocomplete: "off",
                    errors,
                    hint: None,
                },
            )
        };
        let action = format!("/adjudicaciones/{id}/contrato");
        let submit = ctx.t("contract-submit");
        view! {
            <form method="post" action=action enctype="multipart/form-data">
                {csrf_input(ctx)}
                {field("signed_on", "date", &form.signed_on)}
                {field("value", "text", &form.value)}
                {field("duration_days", "number", &form.duration_days)}
                {documents_field(ctx, "contract-documents-hint", errors)}
                <button type="submit">{submit}</button>
            </form>
        }
        .into_any()
    };
    form_page(ctx, &title, errors, intro, form)
}

/// `GET /adjudicaciones/{id}/contrato`: the contract form of a final award.
pub async fn contract_form(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<i64>,
) -> Response {
    render_contract(&app, &ctx, id, &ContractInput::default(), &[]).await
}

/// `POST /adjudicaciones/{id}/contrato` (multipart): records the contract with its documents.
pub async fn contract_record(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<i64>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let user = match ctx.require_role(&[Role::Officer]) {
        Ok(u) => u.clone(),
        Err(e) => return error_page(&ctx, e),
    };
    let award = match load_award(&app, &ctx, id, true).await {
        Ok(a) => a,
        Err(e) => return error_page(&ctx, e),
    };
    let form = match read_multipart(&ctx, multipart, attachments_limit(&app)).await {
        Ok(form) => form,
        Err(e) => return error_page(&ctx, e),
    };
    let input = ContractInput {
        signed_on: form.value("signed_on"),
        value: form.value("value"),
        duration_days: form.value("duration_days"),
        documents: Vec::new(),
    };
    let result = if form.too_large {
        Err(too_large(&app))
    } else {
        contracts::record(&app, &user, id, input.clone(), form.files).await
    };
    match result {
        Ok(_) => to_record(&ctx, &award, "contract-recorded"),
        Err(e) => match form_errors(e) {
            Ok(errors) => render_contract(&app, &ctx, id, &input, &errors).await,
            Err(e) => error_page(&ctx, e),
        },
    }
}

async fn render_modification(
    app: &AppState,
    ctx: &PageContext,
    id: i64,
    form: &ModificationInput,
    errors: &[FieldError],
) -> Response {
    let award = match load_award(app, ctx, id, true).await {
        Ok(a) => a,
        Err(e) => return error_page(ctx, e),
    };
    let Some(contract) = award.contract.clone() else {
        return error_page(ctx, AppError::NotFound);
    };
    let tz = app.settings.timezone;
    let title = ctx.t_args(
        "modification-title",
        &[
            ("lot", award.lot_number.to_string()),
            ("title", award.lot_title.clone()),
        ],
    );
    let lead = ctx.t_args(
        "modification-lead",
        &[
            ("value", money_shown(&award.currency, &contract.value)),
            (
                "current",
                money_shown(&award.currency, &contract.current_value),
            ),
            ("percent", contract.cumulative_percent.clone()),
            (
                "threshold",
                app.settings.modification_flag_percent.to_string(),
            ),
        ],
    );
    let intro = view! { {award_summary(ctx, tz, &award)}<p>{lead}</p> };
    let action = format!("/adjudicaciones/{id}/modificacion");
    let submit = ctx.t("modification-submit");
    let form = view! {
        <form method="post" action=action>
            {csrf_input(ctx)}
            {text_field(ctx, Field {
                name: "value_change",
                input_type: "text",
                value: form.value_change.clone(),
                autocomplete: "off",
                errors,
                hint: Some("modification-value-hint"),
            })}
            {text_area(ctx, "reason", form.reason.clone(), errors, 4)}
            <button type="submit">{submit}</button>
        </form>
    };
    form_page(ctx, &title, errors, intro, form)
}

/// `GET /adjudicaciones/{id}/modificacion`: the form for a modification of the award's
/// contract.
pub async fn modification_form(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<i64>,
) -> Response {
    render_modification(&app, &ctx, id, &ModificationInput::default(), &[]).await
}

/// `POST /adjudicaciones/{id}/modificacion`: records it; a cumulative increase above the
/// threshold flags the award.
pub async fn modification_record(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<i64>,
    PageForm(input): PageForm<ModificationInput>,
) -> Response {
    let user = match ctx.require_role(&[Role::Officer]) {
        Ok(u) => u.clone(),
        Err(e) => return error_page(&ctx, e),
    };
    let award = match load_award(&app, &ctx, id, true).await {
        Ok(a) => a,
        Err(e) => return error_page(&ctx, e),
    };
    let Some(contract) = award.contract.as_ref().map(|c| c.id) else {
        return error_page(&ctx, AppError::NotFound);
    };
    match contracts::modify(&app, &user, contract, input.clone()).await {
        Ok(_) => to_record(&ctx, &award, "modification-recorded"),
        Err(e) => match form_errors(e) {
            Ok(errors) => render_modification(&app, &ctx, id, &input, &errors).await,
            Err(e) => error_page(&ctx, e),
        },
    }
}
