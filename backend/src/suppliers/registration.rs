//! Registering a company, and its owner keeping the profile up to date.

use super::*;
use crate::domain::RegistrationStatus;

/// Registers a company and its owner: the supplier (pending), the owner's account, the
/// membership, their audit events and the owner's verify-your-address email, in one
/// transaction. A RUC already registered is a 409 naming the field (checked first, whoever
/// the owner is); two concurrent registrations of one RUC leave exactly one.
///
/// An owner email that already has an account is **not** revealed: nothing is created, the
/// existing account's owner is emailed that someone tried to register with their address
/// (at most three such emails an hour), and the answer is `None` where a new registration's
/// is `Some` — callers answer both alike (the page and the API say "check your email").
/// The password is hashed in both cases, so neither answers sooner. Registrations are
/// throttled per client address.
pub async fn register(
    app: &App,
    input: Registration,
    verification: Verification,
    client_address: &str,
) -> Result<Option<(Supplier, UserId)>, AppError> {
    register_at(app, input, verification, client_address, app.clock.now_db()).await
}

/// [`register`] at `now` (the demo data, which tells a past that could have happened).
pub async fn register_at(
    app: &App,
    input: Registration,
    verification: Verification,
    client_address: &str,
    now: NaiveDateTime,
) -> Result<Option<(Supplier, UserId)>, AppError> {
    let window = chrono::Duration::hours(1);
    // Twenty registrations an hour from one address, whatever their emails: enough for a
    // telecentre, too few to use the form to probe or to flood owners with mail.
    let rule = crate::throttle::Rule {
        key: format!("register-address:{client_address}"),
        limit: 20,
        window,
        beyond: crate::throttle::Beyond::Lock,
    };
    app.db
        .run(move |conn| crate::throttle::reserve(conn, &[rule], now))
        .await?;
    let password_hash = app.passwords.hash(input.owner.password.expose()).await?;
    let public_url = app.settings.public_url.clone();
    let result = app
        .db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let ruc_taken: bool = diesel::select(diesel::dsl::exists(
                    suppliers::table.filter(suppliers::ruc.eq(input.ruc.as_str())),
                ))
                .get_result(conn)?;
                if ruc_taken {
                    return Err(AppError::Conflict(FieldError::new("ruc", "supplier_ruc_taken")));
                }
                let existing: Option<(i64, String, String)> = users::table
                    .filter(users::email.eq(input.owner.email.as_str()))
                    .select((users::id, users::display_name, users::locale))
                    .first(conn)
                    .optional()?;
                if let Some((user_id, name, locale)) = existing {
                    let rule = crate::throttle::Rule {
                        key: format!("register-email:{user_id}"),
                        limit: 3,
                        window,
                        beyond: crate::throttle::Beyond::Lock,
                    };
                    // Beyond three an hour the owner is not emailed again; the answer stays.
                    if crate::throttle::reserve(conn, &[rule], now).is_ok() {
                        let lang = Lang::from_code(&locale).unwrap_or_default();
                        let args = [
                            ("name", name),
                            ("legal_name", input.legal_name.as_str().to_owned()),
                            ("ruc", input.ruc.as_str().to_owned()),
                            ("link", format!("{public_url}/ingresar")),
                        ];
                        mail::queue(
                            conn,
                            now,
                            &OutgoingMail {
                                to: input.owner.email.as_str().to_owned(),
                                subject: t_args(lang, "email-registration-attempt-subject", &args),
                                body: t_args(lang, "email-registration-attempt-body", &args),
                            },
                        )?;
                    }
                    return Ok(None);
                }
                let owner = crate::accounts::insert_account(conn, now, &public_url, &Actor::system(), &input.owner, &password_hash, verification)?;
                let actor = Actor::user(owner.id, Role::Supplier);
                let p = &input.profile;
                let supplier_id: SupplierId = diesel::insert_into(suppliers::table)
                    .values((
                        suppliers::ruc.eq(input.ruc.as_str()),
                        suppliers::legal_name.eq(input.legal_name.as_str()),
                        suppliers::trade_name.eq(&p.trade_name),
                        suppliers::legal_form.eq(&input.legal_form),
                        suppliers::department.eq(&p.department),
                        suppliers::province.eq(&p.province),
                        suppliers::district.eq(&p.district),
                        suppliers::address.eq(&p.address),
                        suppliers::contact_email.eq(&p.contact_email),
                        suppliers::contact_phone.eq(&p.contact_phone),
                        suppliers::status.eq(RegistrationStatus::Pending),
                        suppliers::search_text.eq(search_text(input.legal_name.as_str(), p.trade_name.as_deref(), input.ruc.as_str())),
                        suppliers::created_at.eq(now),
                        suppliers::updated_at.eq(now),
                    ))
                    .returning(suppliers::id)
                    .get_result(conn)
                    .map_err(|e| {
                        if is_unique_violation(&e) {
                            AppError::Conflict(FieldError::new("ruc", "supplier_ruc_taken"))
                        } else {
                            e.into()
                        }
                    })?;
                replace_categories(conn, supplier_id, &p.categories)?;
                diesel::insert_into(supplier_members::table)
                    .values((
                        supplier_members::user_id.eq(owner.id),
                        supplier_members::supplier_id.eq(supplier_id),
                        supplier_members::member_role.eq("owner"),
                        supplier_members::joined_at.eq(now),
                    ))
                    .execute(conn)?;
                audit::record(
                    conn,
                    now,
                    &actor,
                    NewEvent::on(
                        "supplier",
                        supplier_id,
                        "supplier.registered",
                        json!({"ruc": input.ruc.as_str(), "legal_name": input.legal_name.as_str(), "legal_form": input.legal_form, "profile": p, "owner_user_id": owner.id}),
                    ),
                )?;
                Ok(Some((find(conn, supplier_id, now)?, owner.id)))
            })
        })
        .await
        .map_err(|e| match e {
            // An account created between the check and the insert: answered as a new one
            // would be, without creating anything.
            AppError::Conflict(f) if f.field == "email" => AppError::Conflict(FieldError::new("owner_email", "email_taken")),
            other => other,
        });
    app.wake_outbox();
    match result {
        Err(AppError::Conflict(f)) if f.field == "owner_email" => Ok(None),
        other => other,
    }
}

pub(crate) fn search_text(legal_name: &str, trade_name: Option<&str>, ruc: &str) -> String {
    fold_for_search(&format!("{legal_name} {} {ruc}", trade_name.unwrap_or("")))
}

pub(super) fn replace_categories(
    conn: &mut DbConnection,
    supplier_id: SupplierId,
    categories: &[String],
) -> Result<(), AppError> {
    diesel::delete(
        supplier_categories::table.filter(supplier_categories::supplier_id.eq(supplier_id)),
    )
    .execute(conn)?;
    for segment in categories {
        diesel::insert_into(supplier_categories::table)
            .values((
                supplier_categories::supplier_id.eq(supplier_id),
                supplier_categories::segment.eq(segment),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The company's owner (or a registry officer) updates its profile ([`update_profile_in`]).
#[tracing::instrument(skip(app, actor, profile), fields(user = actor.id.get()))]
pub async fn update_profile(
    app: &AppState,
    actor: &CurrentUser,
    supplier_id: SupplierId,
    profile: Profile,
) -> Result<Supplier, AppError> {
    let (state, actor) = (app.clone(), actor.clone());
    app.db
        .run(move |conn| update_profile_in(&state, conn, &actor, supplier_id, &profile))
        .await
}

/// The owner edits contact data, address and categories; the audit event keeps before and
/// after. RUC and legal name change only through a registry officer ([`change_identity`]).
pub fn update_profile_in(
    app: &App,
    conn: &mut DbConnection,
    actor: &CurrentUser,
    supplier_id: SupplierId,
    profile: &Profile,
) -> Result<Supplier, AppError> {
    require_owner(actor, supplier_id)?;
    let now = app.clock.now_db();
    write_transaction(conn, |conn| {
        let before = find(conn, supplier_id, now)?;
        let before_profile = profile_of(&before);
        diesel::update(suppliers::table.find(supplier_id))
            .set((
                suppliers::trade_name.eq(&profile.trade_name),
                suppliers::department.eq(&profile.department),
                suppliers::province.eq(&profile.province),
                suppliers::district.eq(&profile.district),
                suppliers::address.eq(&profile.address),
                suppliers::contact_email.eq(&profile.contact_email),
                suppliers::contact_phone.eq(&profile.contact_phone),
                suppliers::search_text.eq(search_text(
                    &before.legal_name,
                    profile.trade_name.as_deref(),
                    &before.ruc,
                )),
                suppliers::updated_at.eq(now),
            ))
            .execute(conn)?;
        replace_categories(conn, supplier_id, &profile.categories)?;
        audit::record(
            conn,
            now,
            &Actor::user(actor.id, actor.role),
            NewEvent::on(
                "supplier",
                supplier_id,
                "supplier.profile_updated",
                json!({"before": before_profile, "after": profile}),
            ),
        )?;
        find(conn, supplier_id, now)
    })
}

/// The editable part of a supplier.
pub fn profile_of(s: &Supplier) -> Profile {
    Profile {
        trade_name: s.trade_name.clone(),
        department: s.department.clone(),
        province: s.province.clone(),
        district: s.district.clone(),
        address: s.address.clone(),
        contact_email: s.contact_email.clone(),
        contact_phone: s.contact_phone.clone(),
        categories: s.categories.clone(),
    }
}

/// Fails unless `user` owns supplier `supplier_id`.
pub fn require_owner(user: &CurrentUser, supplier_id: SupplierId) -> Result<(), AppError> {
    if user.supplier_id == Some(supplier_id) && user.supplier_owner {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}
