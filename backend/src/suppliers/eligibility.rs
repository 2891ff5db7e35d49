//! May this supplier bid now? What still stands in the way (the answer the bids module asks).

use super::*;
use crate::domain::RegistrationStatus;

/// What still stands between a supplier and bidding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Missing {
    /// The owner has not verified their email address.
    OwnerEmailUnverified,
    /// A registry officer has not reviewed the registration yet.
    PendingReview,
    /// The registration was rejected.
    Rejected,
    /// Suspended until reinstated.
    Suspended,
    /// Debarred until the given instant (UTC).
    Debarred {
        /// End of the debarment.
        #[serde(with = "crate::domain::utc::option")]
        until: Option<NaiveDateTime>,
    },
}

/// Whether a supplier may bid, and if not, why.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Eligibility {
    /// May it bid at the instant asked?
    pub can_bid: bool,
    /// What is missing (empty when it may bid).
    pub missing: Vec<Missing>,
}

/// Whether supplier `supplier_id` may bid now and what is missing ([`can_bid`]), for its
/// members and for staff (officers, auditors, administrators).
pub async fn eligibility(
    app: &crate::app::AppState,
    user: &CurrentUser,
    supplier_id: SupplierId,
) -> Result<Eligibility, AppError> {
    if !(user.supplier_id == Some(supplier_id)
        || matches!(user.role, Role::Officer | Role::Auditor | Role::Admin))
    {
        return Err(AppError::Forbidden);
    }
    let now = app.clock.now_db();
    app.db
        .run(move |conn| can_bid(conn, supplier_id, now))
        .await
}

/// May supplier `supplier_id` bid at `at`? Verified, owner's email verified, not suspended,
/// not debarred at that instant. The bids module asks exactly this.
pub fn can_bid(
    conn: &mut DbConnection,
    supplier_id: SupplierId,
    at: NaiveDateTime,
) -> Result<Eligibility, AppError> {
    let status: RegistrationStatus = suppliers::table
        .find(supplier_id)
        .select(suppliers::status)
        .first(conn)?;
    let owner_verified: Option<Option<NaiveDateTime>> = supplier_members::table
        .inner_join(users::table)
        .filter(supplier_members::supplier_id.eq(supplier_id))
        .filter(supplier_members::member_role.eq("owner"))
        .select(users::email_verified_at)
        .first(conn)
        .optional()?;
    let mut missing = Vec::new();
    if owner_verified.flatten().is_none() {
        missing.push(Missing::OwnerEmailUnverified);
    }
    match status {
        RegistrationStatus::Pending => missing.push(Missing::PendingReview),
        RegistrationStatus::Rejected => missing.push(Missing::Rejected),
        RegistrationStatus::Verified => {}
    }
    for sanction in active_sanctions(conn, &[supplier_id], at)? {
        missing.push(match sanction.kind.as_str() {
            "debarment" => Missing::Debarred {
                until: sanction.ends_at,
            },
            _ => Missing::Suspended,
        });
    }
    Ok(Eligibility {
        can_bid: missing.is_empty(),
        missing,
    })
}
