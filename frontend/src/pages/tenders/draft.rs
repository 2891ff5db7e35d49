//! The officer's drafting form: lots, criteria, schedule, committee and documents; a half-filled form is kept as a note.

use super::*;
use backend::domain::{TenderId, TenderStatus};

/// The draft form as posted: lots and criteria are repeated inputs; blank rows are ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TenderForm {
    pub(super) title: String,
    pub(super) description: String,
    pub(super) method: String,
    pub(super) procurement_category: String,
    pub(super) classification: String,
    pub(super) currency: String,
    pub(super) lot_title: Vec<String>,
    pub(super) lot_quantity: Vec<String>,
    pub(super) lot_unit: Vec<String>,
    pub(super) lot_value: Vec<String>,
    /// The rows (from 1) whose electronic-auction box is ticked (an unticked box sends
    /// nothing, so the rows are named by number).
    pub(super) lot_auction: Vec<String>,
    pub(super) award_criteria: String,
    pub(super) price_weight: String,
    pub(super) criterion_name: Vec<String>,
    pub(super) criterion_weight: Vec<String>,
    pub(super) enquiry_deadline: String,
    pub(super) submission_deadline: String,
    pub(super) opening_at: String,
    pub(super) committee: Vec<String>,
    pub(super) observer: String,
    pub(super) committee_threshold: String,
    /// Which button sent the form: empty to save, `add_lot` for one more lot row,
    /// `find_classification` to search the catalogue (nothing is saved by those two).
    pub(super) form_action: String,
    /// The lot row whose "remove" button sent the form (from 1).
    pub(super) remove_lot: String,
    /// How many lot rows the form showed.
    pub(super) lot_rows: String,
    /// Words to find a UNSPSC segment by.
    pub(super) classification_query: String,
    /// The segment chosen among those found (it replaces the classification typed).
    pub(super) classification_choice: String,
    /// The note (a half-filled tender kept as typed) this form continues.
    pub(super) note: String,
    // The amendment form adds these (not flattened: repeated keys need a flat struct).
    pub(super) rationale: String,
    pub(super) material: Option<String>,
    pub(super) withdraw_documents: Vec<String>,
}

pub(super) fn number_or_invalid(text: &str) -> Option<i64> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.parse().unwrap_or(-1))
}

pub(super) fn lots_from(form: &TenderForm) -> Vec<LotInput> {
    let at = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
    (0..form.lot_title.len().max(form.lot_value.len()))
        .map(|i| LotInput {
            title: at(&form.lot_title, i),
            quantity: at(&form.lot_quantity, i),
            unit: at(&form.lot_unit, i),
            estimated_value: at(&form.lot_value, i),
            electronic_auction: form
                .lot_auction
                .iter()
                .any(|n| n.trim() == (i + 1).to_string()),
        })
        .filter(|l| {
            !(l.title.trim().is_empty()
                && l.quantity.trim().is_empty()
                && l.estimated_value.trim().is_empty())
        })
        .collect()
}

pub(super) fn criteria_from(form: &TenderForm) -> Vec<CriterionInput> {
    (0..form.criterion_name.len())
        .map(|i| CriterionInput {
            name: form.criterion_name[i].clone(),
            weight: number_or_invalid(
                form.criterion_weight
                    .get(i)
                    .map(String::as_str)
                    .unwrap_or(""),
            )
            .unwrap_or(0),
        })
        .filter(|c| !(c.name.trim().is_empty() && c.weight == 0))
        .collect()
}

impl TenderForm {
    pub(super) fn into_input(self) -> TenderInput {
        TenderInput {
            lots: lots_from(&self),
            quality_criteria: if self.award_criteria == "price_quality" {
                criteria_from(&self)
            } else {
                Vec::new()
            },
            price_weight: if self.award_criteria == "price_quality" {
                number_or_invalid(&self.price_weight)
            } else {
                None
            },
            committee: self
                .committee
                .iter()
                .filter_map(|c| c.parse().ok())
                .collect(),
            observer: self.observer.trim().parse().ok(),
            committee_threshold: number_or_invalid(&self.committee_threshold),
            title: self.title,
            description: self.description,
            method: self.method,
            procurement_category: self.procurement_category,
            classification: if self.classification_choice.trim().is_empty() {
                self.classification
            } else {
                self.classification_choice
            },
            currency: self.currency,
            award_criteria: self.award_criteria,
            enquiry_deadline: self.enquiry_deadline,
            submission_deadline: self.submission_deadline,
            opening_at: self.opening_at,
        }
    }
}

/// What the draft form shows beyond the tender's fields: how many lot rows, and the
/// catalogue search with what it found.
#[derive(Debug, Default)]
pub(super) struct FormHelp {
    pub(super) lot_rows: usize,
    pub(super) classification_query: String,
    pub(super) found: Option<Vec<&'static backend::catalogue::Coded>>,
    /// The note this form continues, and whether it was just saved.
    pub(super) note: Option<i64>,
    pub(super) note_saved: bool,
}

impl TenderForm {
    /// A button that changes the form rather than saving it: one more lot row, one row
    /// fewer, or a catalogue search. Returns the form's input and what to show, keeping
    /// everything typed.
    pub(super) fn helping(self) -> Result<(TenderInput, FormHelp), Box<Self>> {
        let shown: usize = self.lot_rows.trim().parse().unwrap_or(1).clamp(1, 200);
        let remove: Option<usize> = self.remove_lot.trim().parse().ok();
        let note = self.note.trim().parse().ok();
        let action = self.form_action.clone();
        let query = self.classification_query.clone();
        if remove.is_none() && action != "add_lot" && action != "find_classification" {
            return Err(Box::new(self));
        }
        let mut form = self;
        if let Some(n) = remove.filter(|n| *n >= 1) {
            for column in [
                &mut form.lot_title,
                &mut form.lot_quantity,
                &mut form.lot_unit,
                &mut form.lot_value,
            ] {
                if n <= column.len() {
                    column.remove(n - 1);
                }
            }
            // The rows after the removed one move up a number.
            form.lot_auction = form
                .lot_auction
                .iter()
                .filter_map(|row| row.trim().parse::<usize>().ok())
                .filter(|row| *row != n)
                .map(|row| if row > n { row - 1 } else { row }.to_string())
                .collect();
        }
        let lots = lots_from(&form).len();
        let lot_rows = match (action.as_str(), remove) {
            (_, Some(_)) => shown.saturating_sub(1).max(lots).max(1),
            ("add_lot", _) => shown.max(lots) + 1,
            _ => shown.max(lots),
        };
        let found =
            (action == "find_classification").then(|| backend::catalogue::find_segments(&query));
        Ok((
            form.into_input(),
            FormHelp {
                lot_rows,
                classification_query: query,
                found,
                note,
                note_saved: false,
            },
        ))
    }
}

/// The methods on which a lot may have an electronic auction, by name, for the lots' hint.
pub(super) fn auction_methods(app: &AppState, ctx: &PageContext) -> String {
    Method::ALL
        .into_iter()
        .filter(|m| !m.runs_auctions() && app.settings.auction_methods.contains(m))
        .map(|m| method_name(ctx, m))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn lot_rows(
    ctx: &PageContext,
    lots: &[LotInput],
    errors: &[FieldError],
    shown: usize,
    editable: bool,
    auction_methods: &str,
) -> impl IntoView + use<> {
    let blank = LotInput::default();
    let count = shown.max(lots.len()).max(1);
    let legend = ctx.t("field-lots");
    let help = ctx.t("tender-lots-help");
    let auction_help = ctx.t_args(
        "tender-lot-auction-help",
        &[("methods", auction_methods.to_owned())],
    );
    let group_error = errors
        .iter()
        .find(|e| e.field == "lots")
        .map(|e| e.message(ctx.lang));
    let rows = (0..count)
        .map(|i| {
            let lot = lots.get(i).unwrap_or(&blank);
            let n = i + 1;
            let caption = ctx.t_args("tender-lot-n", &[("n", n.to_string())]);
            let cell = |name: &'static str, value: String, kind: &'static str| {
                let id = if i == 0 { format!("f-{name}") } else { format!("f-{name}-{n}") };
                let label = ctx.t(&format!("field-{}", name.replace('_', "-")));
                let error = errors
                    .iter()
                    .find(|e| e.field == name && e.args.iter().any(|(k, v)| *k == "lot" && *v == n.to_string()))
                    .map(|e| e.message(ctx.lang));
                let invalid = error.is_some();
                let for_id = id.clone();
                view! {
                    <div class="field" class:field-invalid=invalid>
                        <label for=for_id>{label}</label>
                        {error.map(|e| view! { <p class="field-error">{e}</p> })}
                        <input type=kind id=id name=name value=value aria-invalid=invalid.then_some("true")/>
                    </div>
                }
            };
            let auction = {
                let id = if i == 0 { "f-lot_auction".to_owned() } else { format!("f-lot_auction-{n}") };
                let for_id = id.clone();
                let label = ctx.t("field-lot-auction");
                let error = errors
                    .iter()
                    .find(|e| e.field == "lot_auction" && e.args.iter().any(|(k, v)| *k == "lot" && *v == n.to_string()))
                    .map(|e| e.message(ctx.lang));
                let invalid = error.is_some();
                view! {
                    <div class="field" class:field-invalid=invalid>
                        {error.map(|e| view! { <p class="field-error">{e}</p> })}
                        <label class="check" for=for_id><input type="checkbox" id=id name="lot_auction" value=n.to_string() checked=lot.electronic_auction aria-invalid=invalid.then_some("true")/>{label}</label>
                    </div>
                }
            };
            let remove = (editable && count > 1).then(|| {
                let text = ctx.t_args("tender-lot-remove", &[("n", n.to_string())]);
                view! { <button type="submit" name="remove_lot" value=n.to_string() class="secondary" formnovalidate=true>{text}</button> }
            });
            view! {
                <fieldset class="row">
                    <legend>{caption}</legend>
                    {cell("lot_title", lot.title.clone(), "text")}
                    {cell("lot_quantity", lot.quantity.clone(), "text")}
                    {cell("lot_unit", lot.unit.clone(), "text")}
                    {cell("lot_value", lot.estimated_value.clone(), "text")}
                    {auction}
                    {remove}
                </fieldset>
            }
        })
        .collect_view();
    let add = editable.then(|| {
        let text = ctx.t("tender-lot-add");
        view! {
            <input type="hidden" name="lot_rows" value=count.to_string()/>
            <p><button type="submit" name="form_action" value="add_lot" class="button secondary" formnovalidate=true>{text}</button></p>
        }
    });
    view! {
        <fieldset id="f-lots" class="field">
            <legend>{legend}</legend>
            <p class="hint">{help}</p>
            <p class="hint">{auction_help}</p>
            {group_error.map(|e| view! { <p class="field-error">{e}</p> })}
            {rows}
            {add}
        </fieldset>
    }
}

pub(super) fn criteria_rows(
    ctx: &PageContext,
    input: &TenderInput,
    errors: &[FieldError],
) -> impl IntoView + use<> {
    let options = ["lowest_price", "price_quality"]
        .into_iter()
        .map(|c| {
            (
                c.to_owned(),
                ctx.t(&format!("criteria-{}", c.replace('_', "-"))),
            )
        })
        .collect();
    let kind = select_field(
        ctx,
        "award_criteria",
        options,
        &input.award_criteria,
        errors,
    );
    let price = text_field(
        ctx,
        Field {
            name: "price_weight",
            input_type: "number",
            value: input
                .price_weight
                .map(|w| w.to_string())
                .unwrap_or_default(),
            autocomplete: "off",
            errors,
            hint: Some("tender-price-weight-help"),
        },
    );
    let legend = ctx.t("field-quality-criteria");
    let group_error = errors
        .iter()
        .find(|e| e.field == "quality_criteria")
        .map(|e| e.message(ctx.lang));
    let blank = CriterionInput::default();
    let count = (input.quality_criteria.len() + 1).max(3);
    let rows = (0..count)
        .map(|i| {
            let c = input.quality_criteria.get(i).unwrap_or(&blank);
            let n = i + 1;
            let caption = ctx.t_args("tender-criterion-n", &[("n", n.to_string())]);
            let (name_id, weight_id) = if i == 0 {
                ("f-criterion_name".to_owned(), "f-criterion_weight".to_owned())
            } else {
                (format!("f-criterion_name-{n}"), format!("f-criterion_weight-{n}"))
            };
            let (name_label, weight_label) = (ctx.t("field-criterion-name"), ctx.t("field-criterion-weight"));
            let weight = if c.weight == 0 { String::new() } else { c.weight.to_string() };
            let (name_for, weight_for) = (name_id.clone(), weight_id.clone());
            view! {
                <fieldset class="row">
                    <legend>{caption}</legend>
                    <div class="field"><label for=name_for>{name_label}</label><input type="text" id=name_id name="criterion_name" value=c.name.clone()/></div>
                    <div class="field"><label for=weight_for>{weight_label}</label><input type="number" id=weight_id name="criterion_weight" value=weight/></div>
                </fieldset>
            }
        })
        .collect_view();
    view! {
        {kind}
        {price}
        <fieldset id="f-quality_criteria" class="field">
            <legend>{legend}</legend>
            {group_error.map(|e| view! { <p class="field-error">{e}</p> })}
            {rows}
        </fieldset>
    }
}

pub(super) fn schedule_fields(
    ctx: &PageContext,
    input: &TenderInput,
    errors: &[FieldError],
) -> impl IntoView + use<> {
    let field = |name: &'static str, value: &str| {
        text_field(
            ctx,
            Field {
                name,
                // Plain text (2026-12-10 17:00): typed the same in every browser, old or new.
                input_type: "text",
                value: value.to_owned(),
                autocomplete: "off",
                errors,
                hint: Some("tender-lima-time"),
            },
        )
    };
    view! {
        {field("enquiry_deadline", &input.enquiry_deadline)}
        {field("submission_deadline", &input.submission_deadline)}
        {field("opening_at", &input.opening_at)}
    }
}

pub(super) fn tender_form(
    ctx: &PageContext,
    action: String,
    input: &TenderInput,
    errors: &[FieldError],
    candidates: &tenders::CommitteeCandidates,
    help: &FormHelp,
    auction_methods: &str,
) -> impl IntoView + use<> {
    let text = |name: &'static str, value: &str, hint: Option<&'static str>| {
        plain_field(ctx, name, value, errors, hint)
    };
    let methods = Method::ALL
        .into_iter()
        .map(|m| (m.code().to_owned(), method_name(ctx, m)))
        .collect();
    let categories = Category::ALL
        .into_iter()
        .map(|c| (c.code().to_owned(), category_name(ctx, c)))
        .collect();
    let currencies = vec![
        ("PEN".to_owned(), "PEN (S/)".to_owned()),
        ("USD".to_owned(), "USD (US$)".to_owned()),
    ];
    let (officers, auditors) = candidates;
    let committee_legend = ctx.t("field-committee");
    let committee_help = ctx.t("tender-committee-help");
    let committee_error = errors
        .iter()
        .find(|e| e.field == "committee")
        .map(|e| e.message(ctx.lang));
    let first_committee = errors.first().is_some_and(|e| e.field == "committee");
    let boxes = officers
        .iter()
        .enumerate()
        .map(|(i, (id, name))| {
            let box_id = format!("f-committee-{id}");
            let for_id = box_id.clone();
            let checked = input.committee.contains(id);
            let name = name.clone();
            view! { <label class="check" for=for_id><input type="checkbox" id=box_id name="committee" value=id.to_string() checked=checked autofocus=first_committee && i == 0/>{name}</label> }
        })
        .collect_view();
    let mut observer_options = vec![(String::new(), ctx.t("tender-no-observer"))];
    observer_options.extend(
        auditors
            .iter()
            .map(|(id, name)| (id.to_string(), name.clone())),
    );
    let observer = select_field(
        ctx,
        "observer",
        observer_options,
        &input.observer.map(|o| o.to_string()).unwrap_or_default(),
        errors,
    );
    let threshold = text_field(
        ctx,
        Field {
            name: "committee_threshold",
            input_type: "number",
            value: input
                .committee_threshold
                .map(|k| k.to_string())
                .unwrap_or_default(),
            autocomplete: "off",
            errors,
            hint: None,
        },
    );
    let submit = ctx.t("tender-save-draft");
    let csrf = csrf_input(ctx);
    // Enter in a field presses a form's first submit button: saving comes first (off
    // screen, out of the tab order), before the lot and catalogue buttons.
    let default_save = submit.clone();
    view! {
        <form method="post" action=action class="tender-form">
            <button type="submit" class="default-action" tabindex="-1">{default_save}</button>
            {csrf}
            {help.note.map(|id| view! { <input type="hidden" name="note" value=id.to_string()/> })}
            {text("title", &input.title, None)}
            {text_area(ctx, "description", input.description.clone(), errors, 8)}
            {select_field(ctx, "method", methods, &input.method, errors)}
            {select_field(ctx, "procurement_category", categories, &input.procurement_category, errors)}
            {text("classification", &input.classification, Some("tender-classification-help"))}
            {classification_finder(ctx, help)}
            {select_field(ctx, "currency", currencies, &input.currency, errors)}
            {lot_rows(ctx, &input.lots, errors, help.lot_rows, true, auction_methods)}
            {criteria_rows(ctx, input, errors)}
            {schedule_fields(ctx, input, errors)}
            <fieldset id="f-committee" class="field checks" class:field-invalid=committee_error.is_some()>
                <legend>{committee_legend}</legend>
                <p class="hint">{committee_help}</p>
                {committee_error.clone().map(|e| view! { <p class="field-error">{e}</p> })}
                {boxes}
            </fieldset>
            {observer}
            {threshold}
            <button type="submit" class="save">{submit}</button>
        </form>
    }
}

/// The catalogue search beside the classification: words, a button that sends the form
/// back with the matching segments (nothing saved), and the matches as choices.
pub(super) fn classification_finder(ctx: &PageContext, help: &FormHelp) -> impl IntoView + use<> {
    let label = ctx.t("field-classification-query");
    let hint = ctx.t("tender-classification-query-help");
    let button = ctx.t("tender-classification-find");
    let query = help.classification_query.clone();
    let found = help.found.as_ref().map(|found| {
        if found.is_empty() {
            let text = ctx.t("tender-classification-none");
            return view! { <p role="status">{text}</p> }.into_any();
        }
        let legend = ctx.t("tender-classification-found");
        let choices = found
            .iter()
            .map(|s| {
                let code = format!("{}000000", s.code);
                let id = format!("f-classification-{}", s.code);
                let text = format!("{code} — {}", s.name(ctx.lang));
                let for_id = id.clone();
                view! {
                    <label class="check" for=for_id>
                        <input type="radio" id=id name="classification_choice" value=code/>
                        {text}
                    </label>
                }
            })
            .collect_view();
        view! {
            <fieldset class="checks" role="status">
                <legend>{legend}</legend>
                {choices}
            </fieldset>
        }
        .into_any()
    });
    view! {
        <div class="finder">
            <div class="field">
                <label for="f-classification_query">{label}</label>
                <p class="hint" id="f-classification_query-hint">{hint}</p>
                <input type="search" id="f-classification_query" name="classification_query" value=query aria-describedby="f-classification_query-hint"/>
            </div>
            <button type="submit" name="form_action" value="find_classification" class="button secondary" formnovalidate=true>{button}</button>
            {found}
        </div>
    }
}

pub(super) async fn candidates_for(
    app: &AppState,
    ctx: &PageContext,
) -> Result<tenders::CommitteeCandidates, AppError> {
    tenders::committee_candidates(app, ctx.require_role(&[Role::Officer])?).await
}

pub(super) async fn render_form(
    app: &AppState,
    ctx: &PageContext,
    tender_id: Option<TenderId>,
    input: TenderInput,
    errors: Vec<FieldError>,
) -> PageResult {
    let help = FormHelp {
        lot_rows: input.lots.len() + 1,
        ..FormHelp::default()
    };
    render_form_with(app, ctx, tender_id, input, errors, &help).await
}

pub(super) async fn render_form_with(
    app: &AppState,
    ctx: &PageContext,
    tender_id: Option<TenderId>,
    input: TenderInput,
    errors: Vec<FieldError>,
    help: &FormHelp,
) -> PageResult {
    let candidates = candidates_for(app, ctx).await.or_page(ctx)?;
    let title = ctx.t(if tender_id.is_some() {
        "tender-edit-title"
    } else {
        "tender-new-title"
    });
    let heading = title.clone();
    let lead = ctx.t("tender-new-lead");
    let action = match tender_id {
        Some(id) => format!("/licitaciones/{id}/editar"),
        None => "/licitaciones/nueva".to_owned(),
    };
    let summary = error_summary(ctx, &errors, None);
    let kept = help.note_saved.then(|| {
        let text = ctx.t("tender-note-kept");
        view! { <div class="notice" role="status">{text}</div> }
    });
    let methods = auction_methods(app, ctx);
    let form = tender_form(ctx, action, &input, &errors, &candidates, help, &methods);
    Ok(page(
        ctx,
        form_status(&errors),
        &title,
        view! { <h1>{heading}</h1><p>{lead}</p>{kept}{summary}{form} },
    ))
}

/// `GET /licitaciones/nueva`: an empty draft form (officers).
pub async fn new_form(
    State(app): State<AppState>,
    ctx: PageContext,
    Query(q): Query<NoteQuery>,
) -> PageResult {
    // `?nota=N` continues a half-filled tender kept as typed.
    if let Some(id) = q.nota.as_deref().and_then(|n| n.trim().parse::<i64>().ok()) {
        let user = ctx.require_role(&[Role::Officer]).or_page(&ctx)?;
        let input = tenders::notes::note(&app, user, id).await.or_page(&ctx)?;
        let help = FormHelp {
            lot_rows: input.lots.len() + 1,
            note: Some(id),
            ..FormHelp::default()
        };
        return render_form_with(&app, &ctx, None, input, Vec::new(), &help).await;
    }
    let input = TenderInput {
        currency: "PEN".into(),
        award_criteria: "lowest_price".into(),
        committee_threshold: Some(2),
        ..TenderInput::default()
    };
    render_form(&app, &ctx, None, input, Vec::new()).await
}

/// `?nota=N` on the new-tender form.
#[derive(Debug, Default, Deserialize)]
pub struct NoteQuery {
    pub(super) nota: Option<String>,
}

/// A new tender's form that does not pass the checks yet: kept as typed (a note of the
/// entity), then shown back with its errors and the note's id, so nothing typed is lost.
pub(super) async fn keep_half_filled(
    app: &AppState,
    ctx: &PageContext,
    user: backend::auth::CurrentUser,
    note: Option<i64>,
    input: TenderInput,
    e: AppError,
) -> PageResult {
    let mut errors = form_errors(e).or_page(ctx)?;
    let typed = input.clone();
    // A form with nothing typed yet keeps nothing.
    let blank = input.title.trim().is_empty()
        && input.description.trim().is_empty()
        && input.classification.trim().is_empty()
        && input.lots.is_empty();
    let kept = if blank && note.is_none() {
        None
    } else {
        match tenders::notes::keep(app, &user, note, typed).await {
            Ok(id) => Some(id),
            // Too much to keep (too long, or the entity's limit of notes): said with the
            // form's other errors.
            Err(e) if !e.field_errors().is_empty() => {
                errors.extend(e.field_errors());
                None
            }
            Err(e) => {
                // The errors are still shown; only the keeping failed.
                tracing::warn!(error = %e, "a half-filled tender could not be kept");
                None
            }
        }
    };
    let help = FormHelp {
        lot_rows: input.lots.len() + 1,
        note: kept.or(note),
        note_saved: kept.is_some(),
        ..FormHelp::default()
    };
    render_form_with(app, ctx, None, input, errors, &help).await
}

/// `POST /licitaciones/nueva`: saves a new draft and shows it.
pub async fn create(
    State(app): State<AppState>,
    ctx: PageContext,
    PageForm(form): PageForm<TenderForm>,
) -> PageResult {
    let user = ctx.require_role(&[Role::Officer]).or_page(&ctx)?.clone();
    let form = match form.helping() {
        Ok((input, help)) => {
            return render_form_with(&app, &ctx, None, input, Vec::new(), &help).await;
        }
        Err(form) => *form,
    };
    let note: Option<i64> = form.note.trim().parse().ok();
    let input = form.into_input();
    let draft = match input.with_lima_offsets().parse() {
        Ok(d) => d,
        Err(e) => return keep_half_filled(&app, &ctx, user, note, input, e).await,
    };
    match tenders::create_draft(&app, &user, draft, note).await {
        Ok(id) => Ok(redirect(
            &ctx,
            &format!("/licitaciones/{id}?aviso=tender-drafted"),
        )),
        Err(e) => keep_half_filled(&app, &ctx, user, note, input, e).await,
    }
}

pub(super) async fn form_error(
    app: &AppState,
    ctx: &PageContext,
    id: Option<TenderId>,
    input: TenderInput,
    e: AppError,
) -> PageResult {
    render_form(app, ctx, id, input, form_errors(e).or_page(ctx)?).await
}

/// `GET /licitaciones/{id}/editar`: the draft form filled in.
pub async fn edit_form(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<TenderId>,
) -> PageResult {
    let tender = tenders::view(&app, ctx.user.as_ref(), id)
        .await
        .or_page(&ctx)?;
    if !tenders::is_buyer_staff(ctx.user.as_ref(), tender.buyer_id) {
        return Err(PageFailure::new(&ctx, AppError::Forbidden));
    }
    if tender.status != TenderStatus::Draft {
        return Ok(redirect(&ctx, &format!("/licitaciones/{id}/enmienda")));
    }
    render_form(
        &app,
        &ctx,
        Some(id),
        tender.to_input(tenders::lima_input_value),
        Vec::new(),
    )
    .await
}

/// `POST /licitaciones/{id}/editar`.
pub async fn update(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<TenderId>,
    PageForm(form): PageForm<TenderForm>,
) -> PageResult {
    let user = ctx.require_role(&[Role::Officer]).or_page(&ctx)?.clone();
    let form = match form.helping() {
        Ok((input, help)) => {
            return render_form_with(&app, &ctx, Some(id), input, Vec::new(), &help).await;
        }
        Err(form) => *form,
    };
    let input = form.into_input();
    let draft = match input.with_lima_offsets().parse() {
        Ok(d) => d,
        Err(e) => return form_error(&app, &ctx, Some(id), input, e).await,
    };
    match tenders::update_draft(&app, &user, id, draft).await {
        Ok(()) => Ok(redirect(
            &ctx,
            &format!("/licitaciones/{id}?aviso=tender-saved"),
        )),
        Err(e) => form_error(&app, &ctx, Some(id), input, e).await,
    }
}
