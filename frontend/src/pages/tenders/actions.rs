//! Actions from the tender page: uploads, publication, questions, answers and following.

use super::*;
use backend::domain::TenderId;

pub(super) async fn after_action(
    app: &AppState,
    ctx: &PageContext,
    id: TenderId,
    result: Result<(), AppError>,
    notice_key: &str,
    anchor: &str,
) -> Response {
    match result {
        Ok(()) => redirect(
            ctx,
            &format!("/licitaciones/{id}?aviso={notice_key}{anchor}"),
        ),
        Err(e) => match form_errors(e) {
            Ok(errors) => render_detail(app, ctx, id, errors, None).await,
            Err(e) => error_page(ctx, e),
        },
    }
}

/// `POST /licitaciones/{id}/documentos` (multipart: `csrf_token` first, then `file`).
pub async fn upload(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<TenderId>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let user = match ctx.require_role(&[Role::Officer]) {
        Ok(u) => u.clone(),
        Err(e) => return error_page(&ctx, e),
    };
    let Ok(mut multipart) = multipart else {
        return error_page(
            &ctx,
            AppError::unreadable(RequestPart::Form, UnreadableReason::ContentType),
        );
    };
    let mut csrf_ok = false;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => {
                return error_page(
                    &ctx,
                    AppError::unreadable(RequestPart::Form, UnreadableReason::Interrupted),
                );
            }
        };
        match field.name() {
            Some("csrf_token") => {
                let sent = field.text().await.unwrap_or_default();
                csrf_ok = backend::keys::secrets_equal(&sent, &ctx.csrf);
            }
            Some("file") if csrf_ok => {
                let filename = field.file_name().unwrap_or("").to_owned();
                let result = tenders::receive_document(&app, &user, id, &filename, field)
                    .await
                    .map(|_| ());
                return after_action(&app, &ctx, id, result, "document-uploaded", "#documentos")
                    .await;
            }
            _ => break,
        }
    }
    if csrf_ok {
        after_action(
            &app,
            &ctx,
            id,
            Err(AppError::Validation(vec![FieldError::new(
                "file",
                "file_missing",
            )])),
            "",
            "",
        )
        .await
    } else {
        error_page(&ctx, AppError::Csrf)
    }
}

/// `POST /licitaciones/{id}/publicar`.
pub async fn publish(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<TenderId>,
    PageForm(_): PageForm<NoFields>,
) -> Response {
    let user = match ctx.require_user() {
        Ok(u) => u.clone(),
        Err(e) => return error_page(&ctx, e),
    };
    let result = tenders::publish(&app, &user, id).await.map(|_| ());
    after_action(&app, &ctx, id, result, "tender-published", "").await
}

/// A question form.
#[derive(Debug, Deserialize)]
pub struct QuestionForm {
    pub(super) question: String,
}

/// `POST /licitaciones/{id}/consultas`.
pub async fn ask(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<TenderId>,
    PageForm(form): PageForm<QuestionForm>,
) -> Response {
    let user = match ctx.require_user() {
        Ok(u) => u.clone(),
        Err(e) => return error_page(&ctx, e),
    };
    let result = tenders::ask(&app, &user, id, form.question)
        .await
        .map(|_| ());
    after_action(&app, &ctx, id, result, "enquiry-sent", "#consultas").await
}

/// An answer form.
#[derive(Debug, Deserialize)]
pub struct AnswerForm {
    pub(super) answer: String,
}

/// `POST /licitaciones/{id}/consultas/{enquiry}/respuesta`.
pub async fn answer(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath((id, enquiry)): PagePath<(TenderId, i64)>,
    PageForm(form): PageForm<AnswerForm>,
) -> Response {
    let user = match ctx.require_user() {
        Ok(u) => u.clone(),
        Err(e) => return error_page(&ctx, e),
    };
    let result = tenders::answer(&app, &user, id, enquiry, form.answer).await;
    after_action(&app, &ctx, id, result, "enquiry-answered", "#consultas").await
}

/// The follow button.
#[derive(Debug, Deserialize)]
pub struct FollowForm {
    pub(super) following: String,
}

/// `POST /licitaciones/{id}/seguir`.
pub async fn follow(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<TenderId>,
    PageForm(form): PageForm<FollowForm>,
) -> Response {
    let user = match ctx.require_user() {
        Ok(u) => u.clone(),
        Err(e) => return error_page(&ctx, e),
    };
    let on = form.following == "1";
    let result = tenders::follow(&app, &user, id, on).await;
    after_action(
        &app,
        &ctx,
        id,
        result,
        if on {
            "tender-followed"
        } else {
            "tender-unfollowed"
        },
        "",
    )
    .await
}
