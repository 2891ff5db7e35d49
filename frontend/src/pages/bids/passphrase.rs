//! The committee member's opening passphrase.

use super::*;

/// The opening passphrase form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PassphraseForm {
    pub(super) passphrase: String,
    pub(super) current_passphrase: String,
}

pub(super) async fn render_key(
    app: &AppState,
    ctx: &PageContext,
    errors: &[FieldError],
) -> PageResult {
    let user = ctx
        .require_role(&[Role::Officer, Role::Auditor])
        .or_page(ctx)?;
    let has_key = backend::tenders::sealing::has_opening_key(app, user)
        .await
        .or_page(ctx)?;
    let title = ctx.t("opening-key-title");
    let heading = title.clone();
    let lead = ctx.t(if has_key {
        "opening-key-change-lead"
    } else {
        "opening-key-lead"
    });
    let summary = error_summary(ctx, errors, None);
    let current = has_key.then(|| {
        text_field(
            ctx,
            Field {
                name: "current_passphrase",
                input_type: "password",
                value: String::new(),
                autocomplete: "current-password",
                errors,
                hint: None,
            },
        )
    });
    let new = text_field(
        ctx,
        Field {
            name: "passphrase",
            input_type: "password",
            value: String::new(),
            autocomplete: "new-password",
            errors,
            hint: Some("opening-key-hint"),
        },
    );
    let submit = ctx.t("opening-key-submit");
    let csrf = csrf_input(ctx);
    Ok(page(
        ctx,
        form_status(errors),
        &title,
        view! {
            <h1>{heading}</h1>
            <p>{lead}</p>
            {summary}
            <form method="post" action="/cuenta/clave-apertura">
                {csrf}{current}{new}
                <button type="submit">{submit}</button>
            </form>
        },
    ))
}

/// `GET /cuenta/clave-apertura` (officers and auditors).
pub async fn key_form(State(app): State<AppState>, ctx: PageContext) -> PageResult {
    render_key(&app, &ctx, &[]).await
}

/// `POST /cuenta/clave-apertura`.
pub async fn set_key(
    State(app): State<AppState>,
    ctx: PageContext,
    PageForm(form): PageForm<PassphraseForm>,
) -> PageResult {
    let user = ctx
        .require_role(&[Role::Officer, Role::Auditor])
        .or_page(&ctx)?
        .clone();
    let current = (!form.current_passphrase.is_empty()).then_some(form.current_passphrase.as_str());
    match backend::tenders::sealing::set_opening_passphrase(&app, &user, &form.passphrase, current)
        .await
    {
        Ok(()) => Ok(redirect(&ctx, "/cuenta?aviso=opening-key-set")),
        Err(e) => render_key(&app, &ctx, &form_errors(e).or_page(&ctx)?).await,
    }
}
