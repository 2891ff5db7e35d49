//! Complaints against an award during its standstill, and their decisions.

use super::*;
use backend::domain::{AwardId, AwardStatus, ComplaintId, ComplaintStatus};

pub(super) async fn load_award(
    app: &AppState,
    ctx: &PageContext,
    id: AwardId,
    staff: bool,
) -> Result<AwardView, AppError> {
    let user = ctx.require_role(&[if staff { Role::Officer } else { Role::Supplier }])?;
    if staff {
        oversight::award_for_staff(app, user, id).await
    } else {
        oversight::award_for_complainant(app, user, id).await
    }
}

pub(super) async fn render_complaint(
    app: &AppState,
    ctx: &PageContext,
    id: AwardId,
    grounds: String,
    errors: &[FieldError],
) -> PageResult {
    let award = load_award(app, ctx, id, false).await.or_page(ctx)?;
    let tz = app.settings.timezone;
    let title = ctx.t_args(
        "complaint-form-title",
        &[
            ("lot", award.lot_number.to_string()),
            ("title", award.lot_title.clone()),
        ],
    );
    let intro = award_summary(ctx, tz, &award);
    let form = if award.status == AwardStatus::Pending {
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
    Ok(form_page(ctx, &title, errors, intro, form))
}

/// `GET /adjudicaciones/{id}/apelacion`: a bidder's complaint form, while the standstill runs.
pub async fn complaint_form(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<AwardId>,
) -> PageResult {
    render_complaint(&app, &ctx, id, String::new(), &[]).await
}

/// `POST /adjudicaciones/{id}/apelacion` (multipart): files it with its documents.
pub async fn complaint_file(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<AwardId>,
    multipart: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let user = ctx.require_role(&[Role::Supplier]).or_page(&ctx)?.clone();
    // Refused before reading any upload, as the form page refuses.
    let award = load_award(&app, &ctx, id, false).await.or_page(&ctx)?;
    let form: MultipartForm = read_multipart(
        &ctx,
        multipart,
        &app.settings.data_dir,
        attachments_limit(&app),
    )
    .await
    .or_page(&ctx)?;
    let grounds = form.value("grounds");
    let result = if form.too_large {
        Err(too_large(&app))
    } else {
        complaints::file(&app, &user, id, grounds.clone(), form.files).await
    };
    match result {
        Ok(_) => Ok(to_record(&ctx, &award, "complaint-filed")),
        Err(e) => render_complaint(&app, &ctx, id, grounds, &form_errors(e).or_page(&ctx)?).await,
    }
}

/// Back to the tender's award record with a notice.
pub(super) fn to_record(ctx: &PageContext, award: &AwardView, key: &str) -> Response {
    redirect(
        ctx,
        &format!("/licitaciones/{}/adjudicacion?aviso={key}", award.tender_id),
    )
}

pub(super) fn complaint_of(
    award: &AwardView,
    complaint: ComplaintId,
) -> Result<&ComplaintView, AppError> {
    award
        .complaints
        .iter()
        .find(|c| c.id == complaint)
        .ok_or(AppError::NotFound)
}

pub(super) async fn render_decision(
    app: &AppState,
    ctx: &PageContext,
    (id, complaint): (AwardId, ComplaintId),
    form: &DecisionInput,
    errors: &[FieldError],
) -> PageResult {
    let award = load_award(app, ctx, id, true).await.or_page(ctx)?;
    let c = complaint_of(&award, complaint).or_page(ctx)?.clone();
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
    let docs = attached_documents("complaints", c.id.get(), &c.documents);
    let grounds = c.grounds.clone();
    let intro = view! {
        {award_summary(ctx, tz, &award)}
        <h2>{filed}</h2>
        <p>{grounds}</p>
        {docs}
    };
    let form = if c.status != ComplaintStatus::Filed {
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
    Ok(form_page(ctx, &title, errors, intro, form))
}

/// `GET /adjudicaciones/{id}/apelaciones/{complaint}`: the complaint and its decision form
/// (officers of the buyer other than the one who awarded).
pub async fn decision_form(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(key): PagePath<(AwardId, ComplaintId)>,
) -> PageResult {
    render_decision(&app, &ctx, key, &DecisionInput::default(), &[]).await
}

/// `POST /adjudicaciones/{id}/apelaciones/{complaint}`: upheld (the award is cancelled) or
/// dismissed, with reasoning; the complainant is emailed.
pub async fn decide(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(key): PagePath<(AwardId, ComplaintId)>,
    PageForm(input): PageForm<DecisionInput>,
) -> PageResult {
    let user = ctx.require_role(&[Role::Officer]).or_page(&ctx)?.clone();
    let (id, complaint) = key;
    // The complaint must be one of this award's: the path names both.
    let award = load_award(&app, &ctx, id, true).await.or_page(&ctx)?;
    complaint_of(&award, complaint).or_page(&ctx)?;
    match complaints::decide(&app, &user, complaint, input.clone()).await {
        Ok(()) => Ok(to_record(&ctx, &award, "complaint-decided")),
        Err(e) => render_decision(&app, &ctx, key, &input, &form_errors(e).or_page(&ctx)?).await,
    }
}
