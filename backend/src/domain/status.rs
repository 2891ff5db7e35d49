//! The closed sets a procurement record moves through: each status (tender, bid, award,
//! complaint, contract, a bid's evaluation on a lot, a company's registration, a finding) is
//! an enum, stored and sent as the same lower-case code as before (`"pending"`, `"final"`, …), so no row or JSON body changes meaning. A code
//! that is not in the set fails when the row is read, instead of being compared as a string
//! that nothing matches.

use diesel::sql_types::Text;

/// Stores a closed set (an enum with `code()` and `from_code()`, deriving `AsExpression` and
/// `FromSqlRow` over `TEXT`) as its code: a row whose code is not in the set fails when it is
/// read, so nothing re-parses a stored code at run time.
macro_rules! stored_as_code {
    ($name:ident) => {
        impl<DB: diesel::backend::Backend> diesel::serialize::ToSql<diesel::sql_types::Text, DB>
            for $name
        where
            str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, DB>,
            ) -> diesel::serialize::Result {
                self.code().to_sql(out)
            }
        }

        impl<DB: diesel::backend::Backend> diesel::deserialize::FromSql<diesel::sql_types::Text, DB>
            for $name
        where
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                let code = String::from_sql(bytes)?;
                Self::from_code(&code).ok_or_else(|| {
                    format!(concat!("'{}' is not a ", stringify!($name)), code).into()
                })
            }
        }
    };
}
pub(crate) use stored_as_code;

/// Declares one closed set over `TEXT`: each variant with its stored code.
macro_rules! code_set {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $code:literal,)+ }) => {
        $(#[$doc])*
        #[derive(
            Debug,
            Clone,
            Copy,
            PartialEq,
            Eq,
            Hash,
            PartialOrd,
            Ord,
            serde::Serialize,
            serde::Deserialize,
            utoipa::ToSchema,
            diesel::expression::AsExpression,
            diesel::deserialize::FromSqlRow,
        )]
        #[serde(rename_all = "snake_case")]
        #[diesel(sql_type = Text)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
        }

        impl $name {
            /// Every value, in the order of a record's life.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The stored (and sent) code.
            pub const fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)+
                }
            }

            /// From a stored or submitted code.
            pub fn from_code(code: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|s| s.code() == code)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }

        stored_as_code!($name);
    };
}

code_set! {
    /// A tender's status, stored as its code. The clock task moves `open` to
    /// `enquiries_closed` and `closed` as the deadlines pass; every rule also asks
    /// [`super::procurement::effective_status`], so a late tick never lets a bid in.
    TenderStatus {
        /// Being written by its buyer's officers; nobody else sees it.
        Draft => "draft",
        /// Published: enquiries and bids are received.
        Open => "open",
        /// The enquiry deadline has passed; bids are still received.
        EnquiriesClosed => "enquiries_closed",
        /// The submission deadline has passed.
        Closed => "closed",
        /// Cancelled by its buyer before award.
        Cancelled => "cancelled",
        /// Every lot decided, at least one awarded.
        Awarded => "awarded",
        /// Every lot declared void (desierto).
        Unsuccessful => "unsuccessful",
    }
}

impl TenderStatus {
    /// Are bids received (before the submission deadline)?
    pub fn receives_bids(self) -> bool {
        matches!(self, TenderStatus::Open | TenderStatus::EnquiriesClosed)
    }
}

code_set! {
    /// A sealed bid's status.
    BidStatus {
        /// The company's live bid.
        Submitted => "submitted",
        /// Replaced by a later bid of the same company.
        Superseded => "superseded",
        /// Withdrawn by the company before the deadline.
        Withdrawn => "withdrawn",
    }
}

code_set! {
    /// An award's status.
    AwardStatus {
        /// In its standstill period: complaints may still be filed.
        Pending => "pending",
        /// Final (consentida): the standstill ended with no complaint left undecided.
        Final => "final",
        /// Cancelled by an upheld complaint, or with its tender.
        Cancelled => "cancelled",
        /// The lot was declared void (desierto).
        Unsuccessful => "unsuccessful",
    }
}

code_set! {
    /// A complaint's status.
    ComplaintStatus {
        /// Filed, waiting for a decision.
        Filed => "filed",
        /// Upheld: the award is cancelled.
        Upheld => "upheld",
        /// Dismissed: the award stands.
        Dismissed => "dismissed",
    }
}

code_set! {
    /// A signed contract's status.
    ContractStatus {
        /// Being performed.
        Active => "active",
        /// Performed.
        Completed => "completed",
        /// Ended early.
        Terminated => "terminated",
    }
}

code_set! {
    /// Where an opened bid stands in a lot's evaluation.
    Evaluation {
        /// Not evaluated yet.
        Pending => "pending",
        /// Admissible: it is ranked.
        Valid => "valid",
        /// Disqualified on a ground.
        Disqualified => "disqualified",
        /// Out of the ranking: its award was cancelled.
        Excluded => "excluded",
    }
}

code_set! {
    /// A company's registration, as the registry stored it (`suppliers.status`).
    RegistrationStatus {
        /// Registered, waiting for a registry officer.
        Pending => "pending",
        /// Verified: it may bid unless sanctioned.
        Verified => "verified",
        /// Rejected by a registry officer.
        Rejected => "rejected",
    }
}

code_set! {
    /// Where a company stands as everyone sees it: its registration, or the sanction in force
    /// on a verified company.
    SupplierStanding {
        /// Registered, waiting for a registry officer.
        Pending => "pending",
        /// Verified and not sanctioned.
        Verified => "verified",
        /// Rejected by a registry officer.
        Rejected => "rejected",
        /// Verified, suspended for now.
        Suspended => "suspended",
        /// Verified, debarred for now.
        Debarred => "debarred",
    }
}

code_set! {
    /// An auditor's finding on a tender.
    FindingStatus {
        /// Raised, not yet answered.
        Open => "open",
        /// The buyer has answered it.
        Addressed => "addressed",
        /// The auditor closed it.
        Closed => "closed",
    }
}

code_set! {
    /// Where an outbox message stands.
    OutboxStatus {
        /// Waiting for its next attempt.
        Pending => "pending",
        /// Claimed by a worker (until its lease ends).
        Sending => "sending",
        /// Delivered to the SMTP server.
        Sent => "sent",
        /// Given up after the most attempts.
        Failed => "failed",
    }
}

code_set! {
    /// Where a tender's opening stands (not stored: read from its seal and transcript).
    OpeningState {
        /// The opening time has not come.
        BeforeOpening => "before_opening",
        /// The committee is giving its shares.
        AwaitingShares => "awaiting_shares",
        /// Opened: the transcript is published.
        Opened => "opened",
        /// The tender was cancelled.
        Cancelled => "cancelled",
        /// Frozen empty: nothing to open, no share asked for.
        NoBids => "no_bids",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The JSON name serde gives each value is its stored code, for every set.
    fn codes_round_trip<T>(all: &[T], code: fn(T) -> &'static str, from: fn(&str) -> Option<T>)
    where
        T: Copy + PartialEq + std::fmt::Debug + serde::Serialize + serde::de::DeserializeOwned,
    {
        for &value in all {
            let json = serde_json::to_string(&value).expect("json");
            assert_eq!(json, format!("\"{}\"", code(value)));
            assert_eq!(serde_json::from_str::<T>(&json).expect("back"), value);
            assert_eq!(from(code(value)), Some(value));
        }
        assert_eq!(from("no-such-code"), None);
    }

    #[test]
    fn every_status_is_sent_and_stored_as_its_code() {
        codes_round_trip(
            TenderStatus::ALL,
            TenderStatus::code,
            TenderStatus::from_code,
        );
        codes_round_trip(BidStatus::ALL, BidStatus::code, BidStatus::from_code);
        codes_round_trip(AwardStatus::ALL, AwardStatus::code, AwardStatus::from_code);
        codes_round_trip(
            ComplaintStatus::ALL,
            ComplaintStatus::code,
            ComplaintStatus::from_code,
        );
        codes_round_trip(
            ContractStatus::ALL,
            ContractStatus::code,
            ContractStatus::from_code,
        );
        codes_round_trip(Evaluation::ALL, Evaluation::code, Evaluation::from_code);
        codes_round_trip(
            RegistrationStatus::ALL,
            RegistrationStatus::code,
            RegistrationStatus::from_code,
        );
        codes_round_trip(
            SupplierStanding::ALL,
            SupplierStanding::code,
            SupplierStanding::from_code,
        );
        codes_round_trip(
            OutboxStatus::ALL,
            OutboxStatus::code,
            OutboxStatus::from_code,
        );
        codes_round_trip(
            FindingStatus::ALL,
            FindingStatus::code,
            FindingStatus::from_code,
        );
    }
}
