//! Amendment and cancellation of a published tender.

use super::*;
use backend::domain::TenderId;

pub(super) async fn load_for_staff(
    app: &AppState,
    ctx: &PageContext,
    id: TenderId,
) -> Result<Tender, AppError> {
    let tender = tenders::view(app, ctx.user.as_ref(), id).await?;
    if !tenders::is_buyer_staff(ctx.user.as_ref(), tender.buyer_id) {
        return Err(if ctx.user.is_none() {
            AppError::Unauthenticated
        } else {
            AppError::Forbidden
        });
    }
    Ok(tender)
}

/// What the amendment form keeps as typed beyond the tender's fields.
pub(super) struct AmendTyped<'a> {
    pub(super) rationale: &'a str,
    pub(super) material: bool,
    pub(super) withdraw: &'a [i64],
}

pub(super) fn render_amend(
    ctx: &PageContext,
    t: &Tender,
    input: &TenderInput,
    typed: AmendTyped<'_>,
    errors: &[FieldError],
    auction_methods: &str,
) -> Response {
    let AmendTyped {
        rationale,
        material,
        withdraw,
    } = typed;
    let title = ctx.t_args("amend-title", &[("title", t.title.clone())]);
    let heading = title.clone();
    let lead = ctx.t("amend-lead");
    let summary = error_summary(ctx, errors, None);
    let action = format!("/licitaciones/{}/enmienda", t.id);
    let material_label = ctx.t("amend-material");
    let material_help = ctx.t("amend-material-help");
    let staged: Vec<String> = t
        .documents
        .iter()
        .filter(|d| d.published_at.is_none())
        .map(|d| d.filename.clone())
        .collect();
    let staged_text = (!staged.is_empty()).then(|| {
        let text = ctx.t_args("amend-staged", &[("files", staged.join(", "))]);
        view! { <p class="notice">{text}</p> }
    });
    let withdraw_legend = ctx.t("field-withdraw-documents");
    let boxes = t
        .documents
        .iter()
        .filter(|d| d.published_at.is_some() && d.withdrawn_in.is_none())
        .map(|d| {
            let id = format!("f-withdraw-{}", d.id);
            let for_id = id.clone();
            let checked = withdraw.contains(&d.id);
            let name = d.filename.clone();
            view! { <label class="check" for=for_id><input type="checkbox" id=id name="withdraw_documents" value=d.id.to_string() checked=checked/>{name}</label> }
        })
        .collect_view();
    let description = text_area(ctx, "description", input.description.clone(), errors, 8);
    let rationale_field = text_area(ctx, "rationale", rationale.to_owned(), errors, 4);
    let schedule = schedule_fields(ctx, input, errors);
    let lots = lot_rows(
        ctx,
        &input.lots,
        errors,
        input.lots.len() + 1,
        false,
        auction_methods,
    );
    let criteria = criteria_rows(ctx, input, errors);
    let submit = ctx.t("amend-submit");
    let csrf = csrf_input(ctx);
    page(
        ctx,
        form_status(errors),
        &title,
        view! {
            <h1>{heading}</h1>
            <p>{lead}</p>
            {summary}
            {staged_text}
            <form method="post" action=action>
                {csrf}
                {rationale_field}
                <div class="field">
                    <label class="check" for="f-material"><input type="checkbox" id="f-material" name="material" value="1" checked=material/>{material_label}</label>
                    <p class="hint">{material_help}</p>
                </div>
                {description}
                {schedule}
                {lots}
                {criteria}
                <fieldset id="f-withdraw_documents" class="field checks">
                    <legend>{withdraw_legend}</legend>
                    {boxes}
                </fieldset>
                <button type="submit">{submit}</button>
            </form>
        },
    )
}

/// `GET /licitaciones/{id}/enmienda`.
pub async fn amend_form(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<TenderId>,
) -> PageResult {
    let t = load_for_staff(&app, &ctx, id).await.or_page(&ctx)?;
    t.require(backend::procedure::Action::Amend).or_page(&ctx)?;
    Ok(render_amend(
        &ctx,
        &t,
        &t.to_input(tenders::lima_input_value),
        AmendTyped {
            rationale: "",
            material: false,
            withdraw: &[],
        },
        &[],
        &auction_methods(&app, &ctx),
    ))
}

/// `POST /licitaciones/{id}/enmienda`: only what differs from the tender is sent as changed.
pub async fn amend(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<TenderId>,
    PageForm(form): PageForm<TenderForm>,
) -> PageResult {
    let tender = load_for_staff(&app, &ctx, id).await.or_page(&ctx)?;
    let Some(user) = ctx.user.clone() else {
        return Err(PageFailure::new(&ctx, AppError::Unauthenticated));
    };
    let current = tender.to_input(tenders::lima_input_value);
    let material = form.material.is_some();
    let withdraw: Vec<i64> = form
        .withdraw_documents
        .iter()
        .filter_map(|d| d.parse().ok())
        .collect();
    let rationale = form.rationale.clone();
    let wanted = form.into_input();
    let differs = |a: &str, b: &str| (a.trim() != b.trim()).then(|| a.to_owned());
    let lots_changed =
        serde_json::to_value(&wanted.lots).ok() != serde_json::to_value(&current.lots).ok();
    let criteria_changed = wanted.award_criteria != current.award_criteria
        || wanted.price_weight != current.price_weight
        || serde_json::to_value(&wanted.quality_criteria).ok()
            != serde_json::to_value(&current.quality_criteria).ok();
    let input = AmendmentInput {
        rationale: rationale.clone(),
        material,
        description: differs(&wanted.description, &current.description),
        enquiry_deadline: differs(&wanted.enquiry_deadline, &current.enquiry_deadline),
        submission_deadline: differs(&wanted.submission_deadline, &current.submission_deadline),
        opening_at: differs(&wanted.opening_at, &current.opening_at),
        lots: lots_changed.then(|| wanted.lots.clone()),
        award_criteria: criteria_changed.then(|| wanted.award_criteria.clone()),
        price_weight: wanted.price_weight,
        quality_criteria: wanted.quality_criteria.clone(),
        withdraw_documents: withdraw.clone(),
    }
    .with_lima_offsets();
    match tenders::amend(&app, &user, id, input.clone()).await {
        Ok(_) => Ok(redirect(
            &ctx,
            &format!("/licitaciones/{id}?aviso=tender-amended#enmiendas"),
        )),
        Err(e) => Ok(render_amend(
            &ctx,
            &tender,
            &wanted,
            AmendTyped {
                rationale: &rationale,
                material,
                withdraw: &withdraw,
            },
            &form_errors(e).or_page(&ctx)?,
            &auction_methods(&app, &ctx),
        )),
    }
}

/// The cancellation form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CancelForm {
    pub(super) ground: String,
}

pub(super) fn render_cancel(
    ctx: &PageContext,
    t: &Tender,
    ground: &str,
    errors: &[FieldError],
) -> Response {
    let title = ctx.t_args("cancel-title", &[("title", t.title.clone())]);
    let heading = title.clone();
    let lead = ctx.t("cancel-lead");
    let summary = error_summary(ctx, errors, None);
    let action = format!("/licitaciones/{}/cancelar", t.id);
    let field = text_area(ctx, "ground", ground.to_owned(), errors, 5);
    let submit = ctx.t("cancel-submit");
    let csrf = csrf_input(ctx);
    page(
        ctx,
        form_status(errors),
        &title,
        view! {
            <h1>{heading}</h1>
            <p>{lead}</p>
            {summary}
            <form method="post" action=action>{csrf}{field}<button type="submit" class="danger">{submit}</button></form>
        },
    )
}

/// `GET /licitaciones/{id}/cancelar`.
pub async fn cancel_form(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<TenderId>,
) -> PageResult {
    let t = load_for_staff(&app, &ctx, id).await.or_page(&ctx)?;
    t.require(backend::procedure::Action::Cancel)
        .or_page(&ctx)?;
    Ok(render_cancel(&ctx, &t, "", &[]))
}

/// `POST /licitaciones/{id}/cancelar`.
pub async fn cancel(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<TenderId>,
    PageForm(form): PageForm<CancelForm>,
) -> PageResult {
    let tender = load_for_staff(&app, &ctx, id).await.or_page(&ctx)?;
    let Some(user) = ctx.user.clone() else {
        return Err(PageFailure::new(&ctx, AppError::Unauthenticated));
    };
    match tenders::cancel(&app, &user, id, form.ground.clone()).await {
        Ok(()) => Ok(redirect(
            &ctx,
            &format!("/licitaciones/{id}?aviso=tender-cancelled"),
        )),
        Err(e) => Ok(render_cancel(
            &ctx,
            &tender,
            &form.ground,
            &form_errors(e).or_page(&ctx)?,
        )),
    }
}
