//! The contract of a final award, and its modifications.

use super::*;
use backend::domain::{AwardId, AwardStatus};

pub(super) async fn render_contract(
    app: &AppState,
    ctx: &PageContext,
    id: AwardId,
    form: &ContractInput,
    errors: &[FieldError],
) -> PageResult {
    let award = load_award(app, ctx, id, true).await.or_page(ctx)?;
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
    } else if award.status != AwardStatus::Final || award.bid_id.is_none() {
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
    Ok(form_page(ctx, &title, errors, intro, form))
}

/// `GET /adjudicaciones/{id}/contrato`: the contract form of a final award.
pub async fn contract_form(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<AwardId>,
) -> PageResult {
    render_contract(&app, &ctx, id, &ContractInput::default(), &[]).await
}

/// `POST /adjudicaciones/{id}/contrato` (multipart): records the contract with its documents.
pub async fn contract_record(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<AwardId>,
    multipart: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let user = ctx.require_role(&[Role::Officer]).or_page(&ctx)?.clone();
    let award = load_award(&app, &ctx, id, true).await.or_page(&ctx)?;
    let form = read_multipart(
        &ctx,
        multipart,
        &app.settings.data_dir,
        attachments_limit(&app),
    )
    .await
    .or_page(&ctx)?;
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
        Ok(_) => Ok(to_record(&ctx, &award, "contract-recorded")),
        Err(e) => render_contract(&app, &ctx, id, &input, &form_errors(e).or_page(&ctx)?).await,
    }
}

pub(super) async fn render_modification(
    app: &AppState,
    ctx: &PageContext,
    id: AwardId,
    form: &ModificationInput,
    errors: &[FieldError],
) -> PageResult {
    let award = load_award(app, ctx, id, true).await.or_page(ctx)?;
    let Some(contract) = award.contract.clone() else {
        return Err(PageFailure::new(ctx, AppError::NotFound));
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
    Ok(form_page(ctx, &title, errors, intro, form))
}

/// `GET /adjudicaciones/{id}/modificacion`: the form for a modification of the award's
/// contract.
pub async fn modification_form(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<AwardId>,
) -> PageResult {
    render_modification(&app, &ctx, id, &ModificationInput::default(), &[]).await
}

/// `POST /adjudicaciones/{id}/modificacion`: records it; a cumulative increase above the
/// threshold flags the award.
pub async fn modification_record(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<AwardId>,
    PageForm(input): PageForm<ModificationInput>,
) -> PageResult {
    let user = ctx.require_role(&[Role::Officer]).or_page(&ctx)?.clone();
    let award = load_award(&app, &ctx, id, true).await.or_page(&ctx)?;
    let Some(contract) = award.contract.as_ref().map(|c| c.id) else {
        return Err(PageFailure::new(&ctx, AppError::NotFound));
    };
    match contracts::modify(&app, &user, contract, input.clone()).await {
        Ok(_) => Ok(to_record(&ctx, &award, "modification-recorded")),
        Err(e) => render_modification(&app, &ctx, id, &input, &form_errors(e).or_page(&ctx)?).await,
    }
}
