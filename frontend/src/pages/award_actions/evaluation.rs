//! Evaluation: each bid's admissibility and scores, with its documents.

use super::*;
use backend::domain::{BidId, Evaluation, TenderId};

pub(super) async fn load_sheet(
    app: &AppState,
    ctx: &PageContext,
    id: TenderId,
) -> Result<(CurrentUser, EvaluationSheet), AppError> {
    let user = ctx.require_role(&[Role::Officer, Role::Auditor])?.clone();
    let sheet = awards::evaluation(app, &user, id).await?;
    Ok((user, sheet))
}

/// `GET /licitaciones/{id}/evaluacion`: every lot's bids with their evaluation and ranking,
/// and the way to evaluate each bid and award each lot (the buyer's officers; auditors read).
pub async fn sheet(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<TenderId>,
    Query(n): Query<Notice>,
) -> PageResult {
    let (user, sheet) = load_sheet(&app, &ctx, id).await.or_page(&ctx)?;
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
                (!acts || open && b.evaluation != Evaluation::Excluded).then(|| {
                    let href = format!("/licitaciones/{id}/evaluacion/{number}/{}", b.bid_id);
                    let text = if !acts {
                        view_text.clone()
                    } else if b.evaluation == Evaluation::Pending {
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
    Ok(page(
        &ctx,
        StatusCode::OK,
        &title,
        view! { <h1>{heading}</h1>{shown}<p>{lead}</p><p><a href=back>{back_text}</a></p>{lots} },
    ))
}

pub(super) async fn render_entry(
    app: &AppState,
    ctx: &PageContext,
    (id, lot, bid): (TenderId, i32, BidId),
    form: Option<&Posted>,
    errors: &[FieldError],
) -> PageResult {
    let (user, sheet) = load_sheet(app, ctx, id).await.or_page(ctx)?;
    // Officers evaluate; auditors read the same page without the form.
    let acts = user.role == Role::Officer;
    // The bid's documents, opened with it: what the officer evaluates.
    let documents = opening::bid_documents(app, &user, id, bid)
        .await
        .or_page(ctx)?;
    let Some((sheet_lot, entry)) = sheet.lots.iter().find_map(|l| {
        (l.lot_number == lot)
            .then(|| l.ranking.iter().find(|b| b.bid_id == bid).map(|b| (l, b)))
            .flatten()
    }) else {
        return Err(PageFailure::new(ctx, AppError::NotFound));
    };
    let tz = app.settings.timezone;
    // What the form shows: what was posted, else the entry as recorded.
    let value = |name: &str, recorded: String| match form {
        Some(f) => posted(f, name),
        None => recorded,
    };
    let admissible = value(
        "admissible",
        match entry.evaluation {
            Evaluation::Valid => "yes".into(),
            Evaluation::Disqualified => "no".into(),
            Evaluation::Pending | Evaluation::Excluded => String::new(),
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
    } else if entry.evaluation == Evaluation::Excluded {
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
    Ok(form_page(ctx, &title, errors, intro, form))
}

/// `GET /licitaciones/{id}/evaluacion/{lot}/{bid}`: one bid on one lot with its documents, and
/// the evaluation form for the buyer's officers (auditors read it without the form).
pub async fn entry_form(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(key): PagePath<(TenderId, i32, BidId)>,
) -> PageResult {
    render_entry(&app, &ctx, key, None, &[]).await
}

/// `POST /licitaciones/{id}/evaluacion/{lot}/{bid}`: records or corrects it.
pub async fn entry_save(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(key): PagePath<(TenderId, i32, BidId)>,
    PageForm(form): PageForm<Posted>,
) -> PageResult {
    let user = ctx.require_role(&[Role::Officer]).or_page(&ctx)?.clone();
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
        Ok(()) => Ok(redirect(
            &ctx,
            &format!("/licitaciones/{id}/evaluacion?aviso=evaluation-saved"),
        )),
        Err(e) => render_entry(&app, &ctx, key, Some(&form), &form_errors(e).or_page(&ctx)?).await,
    }
}

/// `GET /licitaciones/{id}/ofertas/{bid}/documentos/{position}`: a document of an opened bid,
/// for the buyer's officers, auditors and the bidder.
pub async fn bid_document(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath((id, bid, position)): PagePath<(TenderId, BidId, i32)>,
) -> PageResult {
    let user = ctx.require_user().or_page(&ctx)?.clone();
    opening::bid_document(&app, &user, id, bid, position)
        .await
        .and_then(download_response)
        .or_page(&ctx)
}
