//! The award of a lot, with its red flags and their justifications.

use super::*;
use backend::domain::TenderId;

pub(super) async fn render_award(
    app: &AppState,
    ctx: &PageContext,
    (id, lot): (TenderId, i32),
    form: &Posted,
    errors: &[FieldError],
) -> PageResult {
    let user = ctx
        .require_role(&[Role::Officer, Role::Auditor])
        .or_page(ctx)?
        .clone();
    let preview: AwardPreview = awards::preview(app, &user, id, lot).await.or_page(ctx)?;
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
    // A lot bid down in its auction is ranked on the final prices: say so, and where the
    // auction's record is.
    let auctions = backend::auction::of_tender(app, id).await.or_page(ctx)?;
    let auction_note = auctions
        .iter()
        .find(|(l, _)| *l == lot)
        .map(|(_, auction)| {
            let href = format!("/subastas/{auction}");
            let text = ctx.t("award-auction-prices");
            let link = ctx.t_args("tender-auction-link", &[("lot", lot.to_string())]);
            view! { <p class="hint">{text}" "<a href=href>{link}</a></p> }
        });
    let intro = view! { <p><a href=back>{back_text}</a></p><p><strong>{outcome}</strong></p>{auction_note}{table} };
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
    Ok(form_page(ctx, &title, errors, intro, form))
}

/// `GET /licitaciones/{id}/lotes/{lot}/adjudicar`: the award about to be made, with every
/// red flag that applies and a justification to write for each.
pub async fn award_form(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(key): PagePath<(TenderId, i32)>,
) -> PageResult {
    render_award(&app, &ctx, key, &Posted::new(), &[]).await
}

/// `POST /licitaciones/{id}/lotes/{lot}/adjudicar`: awards the lot (or declares it
/// unsuccessful), starting the standstill and notifying every bidder.
pub async fn award_confirm(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(key): PagePath<(TenderId, i32)>,
    PageForm(form): PageForm<Posted>,
) -> PageResult {
    let user = ctx.require_role(&[Role::Officer]).or_page(&ctx)?.clone();
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
        Ok(_) => Ok(redirect(
            &ctx,
            &format!("/licitaciones/{id}/adjudicacion?aviso=award-made"),
        )),
        Err(e) => render_award(&app, &ctx, key, &form, &form_errors(e).or_page(&ctx)?).await,
    }
}
