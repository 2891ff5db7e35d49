//! Company membership: the owner invites users by email (the link creates or attaches an
//! account), removes members and hands ownership over. A user belongs to at most one company.

use crate::domain::{SupplierId, UserId};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use super::{Member, email_owner, members_in, require_owner};
use crate::{
    accounts::{DisplayName, NewAccount, Verification, insert_account},
    app::{App, AppState},
    audit::{self, Actor, NewEvent},
    auth::CurrentUser,
    db::{DbConnection, write_transaction},
    domain::{EmailAddress, NewPassword, Role, Validator},
    error::AppError,
    i18n::{Lang, t_args},
    mail::{self, OutgoingMail},
    schema::{supplier_invitations, supplier_members, suppliers, users},
};

/// How long an invitation link works.
pub const INVITATION_DAYS: i64 = 7;

/// The company's owner invites a colleague by email ([`invite_in`]).
#[tracing::instrument(skip(app, owner, email), fields(user = owner.id.get()))]
pub async fn invite(
    app: &AppState,
    owner: &CurrentUser,
    supplier_id: SupplierId,
    email: String,
) -> Result<(), AppError> {
    let (state, owner) = (app.clone(), owner.clone());
    app.db
        .run(move |conn| invite_in(&state, conn, &owner, supplier_id, &email))
        .await
}

/// Invitations a company may send in a day.
pub const INVITATIONS_PER_DAY: i32 = 10;

/// The owner invites `email` to join supplier `supplier_id`; the invitee is emailed a link.
/// Only an owner whose own address is verified may invite, at most [`INVITATIONS_PER_DAY`] a
/// day; an address that cannot join (an officer's, a member of a company) is answered like
/// any other and mailed nothing.
pub fn invite_in(
    app: &App,
    conn: &mut DbConnection,
    owner: &CurrentUser,
    supplier_id: SupplierId,
    email: &str,
) -> Result<(), AppError> {
    require_owner(owner, supplier_id)?;
    // Licita mails on the owner's behalf only once the owner has shown a real mailbox.
    if !owner.email_verified {
        return Err(AppError::field("email", "inviter_email_unverified"));
    }
    let email = EmailAddress::parse(email, "email").map_err(|e| AppError::Validation(vec![e]))?;
    let now = app.clock.now_db();
    // A company mails at most INVITATIONS_PER_DAY invitations a day.
    crate::throttle::reserve(
        conn,
        &[crate::throttle::Rule {
            key: format!("invitations:{supplier_id}"),
            limit: INVITATIONS_PER_DAY,
            window: chrono::Duration::days(1),
            beyond: crate::throttle::Beyond::Lock,
        }],
        now,
    )?;
    let token = crate::keys::random_token();
    let link = format!("{}/invitacion?token={token}", app.settings.public_url);
    write_transaction(conn, |conn| {
        let existing: Option<(UserId, String)> = users::table
            .filter(users::email.eq(email.as_str()))
            .select((users::id, users::role))
            .first(conn)
            .optional()?;
        if let Some((user_id, role)) = existing {
            let member: bool =
                diesel::select(diesel::dsl::exists(supplier_members::table.find(user_id)))
                    .get_result(conn)?;
            // An officer's, an auditor's or another company's address gets nothing, and the
            // answer is the one any address gets: the form cannot tell them apart.
            if role != Role::Supplier.as_str() || member {
                return Ok(());
            }
        }
        diesel::insert_into(supplier_invitations::table)
            .values((
                supplier_invitations::token_hash.eq(crate::keys::token_digest(&token)),
                supplier_invitations::supplier_id.eq(supplier_id),
                supplier_invitations::email.eq(email.as_str()),
                supplier_invitations::invited_by.eq(owner.id),
                supplier_invitations::expires_at.eq(now + chrono::Duration::days(INVITATION_DAYS)),
                supplier_invitations::created_at.eq(now),
            ))
            .execute(conn)?;
        let legal_name: String = suppliers::table
            .find(supplier_id)
            .select(suppliers::legal_name)
            .first(conn)?;
        let lang = Lang::from_code(&owner.locale).unwrap_or_default();
        let args = [
            ("legal_name", legal_name),
            ("inviter", owner.display_name.clone()),
            ("link", link.clone()),
        ];
        mail::queue(
            conn,
            now,
            &OutgoingMail {
                to: email.as_str().to_owned(),
                subject: t_args(lang, "email-invitation-subject", &args),
                body: t_args(lang, "email-invitation-body", &args),
            },
        )?;
        audit::record(
            conn,
            now,
            &Actor::user(owner.id, owner.role),
            NewEvent::on(
                "supplier",
                supplier_id,
                "supplier.member_invited",
                json!({"email": email.as_str()}),
            ),
        )
    })?;
    app.wake_outbox();
    Ok(())
}

/// Who accepts an invitation: the signed-in user, or a new account made from the link.
#[derive(Debug, Clone)]
pub enum AcceptInvitation {
    /// A signed-in supplier user without a company, whose email is the invited one.
    Existing(CurrentUser),
    /// No account yet: one is created for the invited email (verified by the link itself).
    NewAccount {
        /// Name.
        display_name: String,
        /// Password.
        password: String,
    },
}

struct Invitation {
    supplier_id: SupplierId,
    email: String,
}

fn open_invitation(
    conn: &mut DbConnection,
    digest: &str,
    now: NaiveDateTime,
) -> Result<Invitation, AppError> {
    let found: Option<(SupplierId, String, NaiveDateTime, Option<NaiveDateTime>)> =
        supplier_invitations::table
            .find(digest)
            .select((
                supplier_invitations::supplier_id,
                supplier_invitations::email,
                supplier_invitations::expires_at,
                supplier_invitations::accepted_at,
            ))
            .first(conn)
            .optional()?;
    match found {
        Some((supplier_id, email, expires, None)) if expires > now => {
            Ok(Invitation { supplier_id, email })
        }
        _ => Err(AppError::field("token", "invalid_invitation")),
    }
}

/// The company and email an invitation is for ([`invitation_details_in`]), to show before
/// accepting it.
pub async fn invitation_details(app: &AppState, token: &str) -> Result<(String, String), AppError> {
    let (token, now) = (token.to_owned(), app.clock.now_db());
    app.db
        .run(move |conn| invitation_details_in(conn, &token, now))
        .await
}

/// The supplier and email an invitation token is for (to show before accepting).
pub fn invitation_details_in(
    conn: &mut DbConnection,
    token: &str,
    now: NaiveDateTime,
) -> Result<(String, String), AppError> {
    let invitation = open_invitation(conn, &crate::keys::token_digest(token.trim()), now)?;
    let legal_name: String = suppliers::table
        .find(invitation.supplier_id)
        .select(suppliers::legal_name)
        .first(conn)?;
    Ok((legal_name, invitation.email))
}

/// Accepts an invitation; returns the supplier id and the user who joined.
pub async fn accept_invitation(
    app: &App,
    token: &str,
    who: AcceptInvitation,
) -> Result<(SupplierId, UserId), AppError> {
    let now = app.clock.now_db();
    let digest = crate::keys::token_digest(token.trim());
    // A new account's password is hashed before any connection or lock is taken.
    let new_account = match &who {
        AcceptInvitation::Existing(_) => None,
        AcceptInvitation::NewAccount {
            display_name,
            password,
        } => {
            let mut v = Validator::new();
            let name = v.check(DisplayName::parse_name(display_name, "display_name"));
            let password = v.check(NewPassword::parse(password, "password"));
            v.finish()?;
            let (Some(name), Some(password)) = (name, password) else {
                return Err(AppError::internal("validator passed with missing values"));
            };
            let hash = app.passwords.hash(password.expose()).await?;
            Some((name, password, hash))
        }
    };
    let public_url = app.settings.public_url.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let invitation = open_invitation(conn, &digest, now)?;
                let user_id = match (&who, new_account) {
                    (AcceptInvitation::Existing(user), _) => {
                        if user.role != Role::Supplier || user.supplier_id.is_some() {
                            return Err(AppError::field("token", "already_member"));
                        }
                        if user.email != invitation.email {
                            return Err(AppError::field("token", "invitation_for_another_email"));
                        }
                        user.id
                    }
                    (AcceptInvitation::NewAccount { .. }, Some((name, password, hash))) => {
                        let exists: bool = diesel::select(diesel::dsl::exists(
                            users::table.filter(users::email.eq(&invitation.email)),
                        ))
                        .get_result(conn)?;
                        if exists {
                            return Err(AppError::field("token", "sign_in_to_accept"));
                        }
                        let email = EmailAddress::parse(&invitation.email, "email")
                            .map_err(|e| AppError::Validation(vec![e]))?;
                        let account = NewAccount {
                            email,
                            display_name: name,
                            password,
                            role: Role::Supplier,
                            buyer_id: None,
                            locale: Lang::Es,
                        };
                        insert_account(
                            conn,
                            now,
                            &public_url,
                            &Actor::system(),
                            &account,
                            &hash,
                            Verification::AlreadyVerified,
                        )?
                        .id
                    }
                    (AcceptInvitation::NewAccount { .. }, None) => {
                        return Err(AppError::internal("new account without hash"));
                    }
                };
                diesel::insert_into(supplier_members::table)
                    .values((
                        supplier_members::user_id.eq(user_id),
                        supplier_members::supplier_id.eq(invitation.supplier_id),
                        supplier_members::member_role.eq("member"),
                        supplier_members::joined_at.eq(now),
                    ))
                    .execute(conn)
                    .map_err(|e| {
                        if crate::error::is_unique_violation(&e) {
                            AppError::field("token", "already_member")
                        } else {
                            e.into()
                        }
                    })?;
                diesel::update(supplier_invitations::table.find(&digest))
                    .set(supplier_invitations::accepted_at.eq(Some(now)))
                    .execute(conn)?;
                audit::record(
                    conn,
                    now,
                    &Actor::user(user_id, Role::Supplier),
                    NewEvent::on(
                        "supplier",
                        invitation.supplier_id,
                        "supplier.member_joined",
                        json!({"user_id": user_id, "email": invitation.email}),
                    ),
                )?;
                Ok((invitation.supplier_id, user_id))
            })
        })
        .await
}

/// The owner removes a member (not themselves); answers the members left.
#[tracing::instrument(skip(app, owner), fields(user = owner.id.get()))]
pub async fn remove_member(
    app: &AppState,
    owner: &CurrentUser,
    supplier_id: SupplierId,
    user_id: UserId,
) -> Result<Vec<Member>, AppError> {
    let (state, owner) = (app.clone(), owner.clone());
    let members = app
        .db
        .run(move |conn| remove_member_in(&state, conn, &owner, supplier_id, user_id))
        .await?;
    app.wake_outbox();
    Ok(members)
}

/// The step of [`remove_member`], in the caller's connection.
pub fn remove_member_in(
    app: &App,
    conn: &mut DbConnection,
    owner: &CurrentUser,
    supplier_id: SupplierId,
    user_id: UserId,
) -> Result<Vec<Member>, AppError> {
    require_owner(owner, supplier_id)?;
    if user_id == owner.id {
        return Err(AppError::field("user_id", "cannot_remove_owner"));
    }
    let now = app.clock.now_db();
    write_transaction(conn, |conn| {
        let removed = diesel::delete(
            supplier_members::table
                .filter(supplier_members::user_id.eq(user_id))
                .filter(supplier_members::supplier_id.eq(supplier_id))
                .filter(supplier_members::member_role.eq("member")),
        )
        .execute(conn)?;
        if removed == 0 {
            return Err(AppError::NotFound);
        }
        audit::record(
            conn,
            now,
            &Actor::user(owner.id, owner.role),
            NewEvent::on(
                "supplier",
                supplier_id,
                "supplier.member_removed",
                json!({"user_id": user_id}),
            ),
        )?;
        members_in(conn, supplier_id)
    })
}

/// The owner hands the company to a member and becomes a member; answers the members.
#[tracing::instrument(skip(app, owner), fields(user = owner.id.get()))]
pub async fn transfer_ownership(
    app: &AppState,
    owner: &CurrentUser,
    supplier_id: SupplierId,
    new_owner: UserId,
) -> Result<Vec<Member>, AppError> {
    let (state, owner) = (app.clone(), owner.clone());
    let members = app
        .db
        .run(move |conn| transfer_ownership_in(&state, conn, &owner, supplier_id, new_owner))
        .await?;
    app.wake_outbox();
    Ok(members)
}

/// The step of [`transfer_ownership`], in the caller's connection.
pub fn transfer_ownership_in(
    app: &App,
    conn: &mut DbConnection,
    owner: &CurrentUser,
    supplier_id: SupplierId,
    new_owner: UserId,
) -> Result<Vec<Member>, AppError> {
    require_owner(owner, supplier_id)?;
    if new_owner == owner.id {
        return Err(AppError::field("user_id", "already_owner"));
    }
    let now = app.clock.now_db();
    write_transaction(conn, |conn| {
        let is_member: bool = diesel::select(diesel::dsl::exists(
            supplier_members::table
                .filter(supplier_members::user_id.eq(new_owner))
                .filter(supplier_members::supplier_id.eq(supplier_id)),
        ))
        .get_result(conn)?;
        if !is_member {
            return Err(AppError::field("user_id", "not_a_member"));
        }
        // Demote first: the database allows one owner per company at any moment.
        diesel::update(supplier_members::table.find(owner.id))
            .set(supplier_members::member_role.eq("member"))
            .execute(conn)?;
        diesel::update(supplier_members::table.find(new_owner))
            .set(supplier_members::member_role.eq("owner"))
            .execute(conn)?;
        audit::record(
            conn,
            now,
            &Actor::user(owner.id, owner.role),
            NewEvent::on(
                "supplier",
                supplier_id,
                "supplier.ownership_transferred",
                json!({"from": owner.id, "to": new_owner}),
            ),
        )?;
        email_owner(conn, now, supplier_id, "ownership-received", &[])?;
        members_in(conn, supplier_id)
    })
}
