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
) -> PageResult {
    match result {
        Ok(()) => Ok(redirect(
            ctx,
            &format!("/licitaciones/{id}?aviso={notice_key}{anchor}"),
        )),
        Err(e) => render_detail(app, ctx, id, form_errors(e).or_page(ctx)?, None).await,
    }
}

/// `POST /licitaciones/{id}/documentos` (multipart: `csrf_token` first, then `file`).
pub async fn upload(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<TenderId>,
    multipart: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let user = ctx.require_role(&[Role::Officer]).or_page(&ctx)?.clone();
    let Ok(mut multipart) = multipart else {
        return Err(PageFailure::new(
            &ctx,
            AppError::unreadable(RequestPart::Form, UnreadableReason::ContentType),
        ));
    };
    let mut csrf_ok = false;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => {
                return Err(PageFailure::new(
                    &ctx,
                    AppError::unreadable(RequestPart::Form, UnreadableReason::Interrupted),
                ));
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
        Err(PageFailure::new(&ctx, AppError::Csrf))
    }
}

/// `POST /licitaciones/{id}/publicar`.
pub async fn publish(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<TenderId>,
    PageForm(_): PageForm<NoFields>,
) -> PageResult {
    let user = ctx.require_user().or_page(&ctx)?.clone();
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
) -> PageResult {
    let user = ctx.require_user().or_page(&ctx)?.clone();
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
) -> PageResult {
    let user = ctx.require_user().or_page(&ctx)?.clone();
    // An error about the answer names this question's field (`answer_<id>`).
    let result = tenders::answer(&app, &user, id, enquiry, form.answer)
        .await
        .map_err(|e| match e {
            AppError::Validation(errors) => AppError::Validation(
                errors
                    .into_iter()
                    .map(|x| {
                        if x.field == "answer" {
                            x.for_field(format!("answer_{enquiry}"))
                        } else {
                            x
                        }
                    })
                    .collect(),
            ),
            other => other,
        });
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
) -> PageResult {
    let user = ctx.require_user().or_page(&ctx)?.clone();
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
