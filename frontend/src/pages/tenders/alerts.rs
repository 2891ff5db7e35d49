//! Lists and alerts: the buyer's tenders and a company's alert subscriptions.

use super::*;

/// `GET /mis-licitaciones`: the officer's entity's tenders, drafts included.
pub async fn mine(
    State(app): State<AppState>,
    ctx: PageContext,
    Query(n): Query<Notice>,
) -> PageResult {
    let user = ctx.require_role(&[Role::Officer]).or_page(&ctx)?.clone();
    let loaded = tokio::try_join!(
        tenders::buyer_tenders(&app, &user),
        tenders::notes::notes(&app, &user)
    );
    let (list, notes) = loaded.or_page(&ctx)?;
    let tz = app.settings.timezone;
    let notes_view = (!notes.is_empty()).then(|| {
        let heading = ctx.t("tender-notes-heading");
        let help = ctx.t("tender-notes-help");
        let untitled = ctx.t("tender-note-untitled");
        let items = notes
            .iter()
            .map(|n| {
                let href = format!("/licitaciones/nueva?nota={}", n.id);
                let title = if n.title.is_empty() {
                    untitled.clone()
                } else {
                    n.title.clone()
                };
                let saved = ctx.t_args(
                    "tender-note-saved-at",
                    &[("time", local_time(n.updated_at, tz))],
                );
                view! { <li><a href=href>{title}</a>" · "{saved}</li> }
            })
            .collect_view();
        view! { <section><h2>{heading}</h2><p>{help}</p><ul class="cards">{items}</ul></section> }
    });
    let title = ctx.t("my-tenders-title");
    let heading = title.clone();
    let new_label = ctx.t("tender-new-title");
    let shown = notice(&ctx, n.aviso.as_deref());
    let rows = list
        .iter()
        .map(|t| {
            let href = format!("/licitaciones/{}", t.id);
            let (name, status, deadline) = (
                t.title.clone(),
                status_name(&ctx, t.status),
                local_deadline(t.submission_deadline, tz),
            );
            view! { <tr><td><a href=href>{name}</a></td><td>{status}</td><td>{deadline}</td></tr> }
        })
        .collect_view();
    let (c_title, c_status, c_deadline) = (
        ctx.t("field-title"),
        ctx.t("field-status"),
        ctx.t("field-submission-deadline"),
    );
    Ok(page(
        &ctx,
        StatusCode::OK,
        &title,
        view! {
            {shown}
            <h1>{heading}</h1>
            <p><a class="button" href="/licitaciones/nueva">{new_label}</a></p>
            {notes_view}
            {data_table(list.len(), Some(view! { <th scope="col">{c_title}</th><th scope="col">{c_status}</th><th scope="col">{c_deadline}</th> }), rows)}
        },
    ))
}

/// The alerts form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AlertsForm {
    pub(super) segments: Vec<String>,
    pub(super) buyers: Vec<String>,
}

pub(super) async fn render_alerts(
    app: &AppState,
    ctx: &PageContext,
    chosen: AlertSubscriptions,
    errors: Vec<FieldError>,
    shown: Option<&str>,
) -> PageResult {
    ctx.require_role(&[Role::Supplier]).or_page(ctx)?;
    let buyers = accounts::list_buyers(app).await.or_page(ctx)?;
    let title = ctx.t("alerts-title");
    let heading = title.clone();
    let lead = ctx.t("alerts-lead");
    let summary = error_summary(ctx, &errors, None);
    let shown = notice(ctx, shown);
    let segment_boxes = catalogue::catalogue()
        .unspsc_segments
        .iter()
        .map(|s| {
            let id = format!("f-segments-{}", s.code);
            let for_id = id.clone();
            let checked = chosen.segments.contains(&s.code);
            let label = format!("{} {}", s.code, s.name(ctx.lang));
            view! { <label class="check" for=for_id><input type="checkbox" id=id name="segments" value=s.code.clone() checked=checked/>{label}</label> }
        })
        .collect_view();
    let buyer_boxes = buyers
        .iter()
        .map(|b| {
            let id = format!("f-buyers-{}", b.id);
            let for_id = id.clone();
            let checked = chosen.buyers.contains(&b.id.get());
            let name = b.name.clone();
            view! { <label class="check" for=for_id><input type="checkbox" id=id name="buyers" value=b.id.to_string() checked=checked/>{name}</label> }
        })
        .collect_view();
    let (segments_legend, buyers_legend, submit) = (
        ctx.t("field-segments"),
        ctx.t("field-buyers"),
        ctx.t("alerts-save"),
    );
    let csrf = csrf_input(ctx);
    Ok(page(
        ctx,
        form_status(&errors),
        &title,
        view! {
            {shown}
            <h1>{heading}</h1>
            <p>{lead}</p>
            {summary}
            <form method="post" action="/empresa/alertas">
                {csrf}
                <fieldset id="f-buyers" class="field checks"><legend>{buyers_legend}</legend>{buyer_boxes}</fieldset>
                <fieldset id="f-segments" class="field checks"><legend>{segments_legend}</legend><div class="check-grid">{segment_boxes}</div></fieldset>
                <button type="submit">{submit}</button>
            </form>
        },
    ))
}

/// `GET /empresa/alertas`.
pub async fn alerts(
    State(app): State<AppState>,
    ctx: PageContext,
    Query(n): Query<Notice>,
) -> PageResult {
    let Some(user) = ctx.user.clone() else {
        return Err(PageFailure::new(&ctx, AppError::Unauthenticated));
    };
    let chosen = tenders::alert_subscriptions(&app, &user)
        .await
        .or_page(&ctx)?;
    render_alerts(&app, &ctx, chosen, Vec::new(), n.aviso.as_deref()).await
}

/// `POST /empresa/alertas`.
pub async fn save_alerts(
    State(app): State<AppState>,
    ctx: PageContext,
    PageForm(form): PageForm<AlertsForm>,
) -> PageResult {
    let Some(user) = ctx.user.clone() else {
        return Err(PageFailure::new(&ctx, AppError::Unauthenticated));
    };
    let wanted = AlertSubscriptions {
        segments: form.segments,
        buyers: form.buyers.iter().filter_map(|b| b.parse().ok()).collect(),
    };
    let keep = wanted.clone();
    match tenders::set_alert_subscriptions(&app, &user, wanted).await {
        Ok(_) => Ok(redirect(&ctx, "/empresa/alertas?aviso=alerts-saved")),
        Err(e) => render_alerts(&app, &ctx, keep, form_errors(e).or_page(&ctx)?, None).await,
    }
}
