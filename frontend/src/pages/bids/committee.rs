//! The opening: each member's share, and the opened bids.

use super::*;
use backend::domain::{OpeningState, TenderId};

/// The share form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ShareForm {
    pub(super) passphrase: String,
}

pub(super) async fn render_opening(
    app: &AppState,
    ctx: &PageContext,
    id: TenderId,
    errors: &[FieldError],
    shown: Option<&str>,
) -> PageResult {
    let status = opening::status(app, ctx.user.as_ref(), id)
        .await
        .or_page(ctx)?;
    let tz = app.settings.timezone;
    let title = ctx.t_args("opening-title", &[("title", status.title.clone())]);
    let heading = title.clone();
    let back = format!("/licitaciones/{id}");
    let back_text = ctx.t("opening-back");
    let back_text_here = ctx.t("opening-crumb");
    let state_line = ctx.t_args(
        &format!("opening-state-{}", status.status.code().replace('_', "-")),
        &[
            ("time", local_time(status.opening_at, tz)),
            ("needed", status.still_needed.to_string()),
            ("threshold", status.threshold.to_string()),
        ],
    );
    let members = status
        .members
        .iter()
        .map(|m| {
            let state = ctx.t(if m.present {
                "opening-member-present"
            } else {
                "opening-member-absent"
            });
            view! { <li>{m.name.clone()}": "{state}</li> }
        })
        .collect_view();
    let members_heading = ctx.t("opening-members");
    let root = frozen_root(ctx, status.merkle_root.as_deref(), status.leaf_count);
    let no_bids = status.status == OpeningState::NoBids;
    let summary = error_summary(ctx, errors, None);
    let shown = notice(ctx, shown);
    let share_form = status.caller_may_contribute.then(|| {
        let field = text_field(
            ctx,
            Field {
                name: "passphrase",
                input_type: "password",
                value: String::new(),
                autocomplete: "current-password",
                errors,
                hint: Some("opening-share-hint"),
            },
        );
        let submit = ctx.t("opening-share-submit");
        let action = format!("/licitaciones/{id}/apertura");
        let csrf = csrf_input(ctx);
        view! {
            <form method="post" action=action>{csrf}{field}<button type="submit">{submit}</button></form>
        }
    });
    let transcript = status.transcript.as_ref().map(|t| {
        let heading = ctx.t("transcript-heading");
        let facts = ctx.t_args(
            "transcript-facts",
            &[
                ("time", local_time(t.opened_at, tz)),
                ("members", t.members_present.join(", ")),
                ("count", t.leaf_count.to_string()),
            ],
        );
        let root_state = ctx.t(if t.root_matches {
            "transcript-root-matches"
        } else {
            "transcript-root-differs"
        });
        let (c_bidder, c_result, c_prices, c_docs) = (
            ctx.t("transcript-bidder"),
            ctx.t("transcript-result"),
            ctx.t("transcript-prices"),
            ctx.t("field-documents"),
        );
        let rows = t
            .bids
            .iter()
            .map(|b| {
                let bidder = format!("{} ({})", b.supplier_name, b.supplier_ruc);
                let result = ctx.t(&format!("result-{}", b.result));
                let prices = b
                    .prices
                    .iter()
                    .map(|p| {
                        let text = ctx.t_args(
                            "transcript-price",
                            &[
                                ("lot", p.lot.to_string()),
                                ("amount", backend::domain::money_shown(&p.currency, &p.amount)),
                            ],
                        );
                        view! { <li>{text}</li> }
                    })
                    .collect_view();
                let withheld = b
                    .withheld_lots
                    .iter()
                    .map(|lot| {
                        let text = ctx.t_args("transcript-price-withheld", &[("lot", lot.to_string())]);
                        view! { <li>{text}</li> }
                    })
                    .collect_view();
                let docs = b
                    .documents
                    .iter()
                    .map(|d| view! { <li>{d.name.clone()}" "{crate::layout::short_hash(&d.sha256)}</li> })
                    .collect_view();
                let docs_withheld = b
                    .documents_withheld
                    .then(|| view! { <li>{ctx.t("transcript-documents-withheld")}</li> });
                let (l_bidder, l_result, l_prices, l_docs) =
                    (c_bidder.clone(), c_result.clone(), c_prices.clone(), c_docs.clone());
                view! {
                    <tr><td class="key" data-label=l_bidder>{bidder}</td><td data-label=l_result>{result}</td><td class="key" data-label=l_prices><ul>{prices}{withheld}</ul></td><td data-label=l_docs><ul>{docs}{docs_withheld}</ul></td></tr>
                }
            })
            .collect_view();
        view! {
            <section aria-labelledby="transcript-heading">
                <h2 id="transcript-heading">{heading}</h2>
                <p>{facts}</p>
                <p>{root_state}</p>
                {crate::layout::card_table(t.bids.len(), None, Some(view! { <th scope="col">{c_bidder}</th><th scope="col">{c_result}</th><th scope="col">{c_prices}</th><th scope="col">{c_docs}</th> }), rows)}
            </section>
        }
    });
    Ok(page(
        ctx,
        form_status(errors),
        &title,
        view! {
            {crate::layout::breadcrumbs(ctx, vec![(back.clone(), status.title.clone())], &back_text_here)}
            {shown}
            <h1>{heading}</h1>
            <p><a href=back>{back_text}</a></p>
            {summary}
            <p>{state_line}</p>
            {root}
            {(!no_bids).then(|| view! { <h2>{members_heading}</h2><ul>{members}</ul> })}
            {share_form}
            {transcript}
        },
    ))
}

/// `GET /licitaciones/{id}/apertura`: the opening's state and, once opened, the transcript.
pub async fn opening_page(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<TenderId>,
    Query(n): Query<Notice>,
) -> PageResult {
    render_opening(&app, &ctx, id, &[], n.aviso.as_deref()).await
}

/// `POST /licitaciones/{id}/apertura`: a committee member gives their share.
pub async fn give_share(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<TenderId>,
    PageForm(form): PageForm<ShareForm>,
) -> PageResult {
    let user = ctx.require_user().or_page(&ctx)?.clone();
    match opening::contribute(&app, &user, id, &form.passphrase).await {
        Ok(_) => Ok(redirect(
            &ctx,
            &format!("/licitaciones/{id}/apertura?aviso=share-given"),
        )),
        Err(e) => render_opening(&app, &ctx, id, &form_errors(e).or_page(&ctx)?, None).await,
    }
}
