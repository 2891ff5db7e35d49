//! Typed row numbers: a [`TenderId`] cannot be passed where a [`BidId`] is wanted.
//!
//! Each id wraps the `BIGINT` row number the database assigned. It is stored, serialised and
//! read from a URL path exactly as that number (serde `transparent`, diesel `BigInt`), so no
//! data, JSON body or address changes meaning; only the compiler learns which table the
//! number belongs to. `Display` prints the bare number, for URLs and file names.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::BigInt;

/// Declares one id type over `BIGINT`.
macro_rules! row_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug,
            Default,
            Clone,
            Copy,
            PartialEq,
            Eq,
            Hash,
            PartialOrd,
            Ord,
            serde::Serialize,
            serde::Deserialize,
            diesel::expression::AsExpression,
            diesel::deserialize::FromSqlRow,
            utoipa::ToSchema,
        )]
        #[serde(transparent)]
        #[diesel(sql_type = BigInt)]
        #[schema(value_type = i64)]
        pub struct $name(pub i64);

        impl $name {
            /// The bare row number.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map(Self)
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }

        impl<DB: Backend> ToSql<BigInt, DB> for $name
        where
            i64: ToSql<BigInt, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                self.0.to_sql(out)
            }
        }

        impl<DB: Backend> FromSql<BigInt, DB> for $name
        where
            i64: FromSql<BigInt, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                i64::from_sql(bytes).map(Self)
            }
        }
    };
}

row_id!(
    /// A tender's number (`tenders.id`).
    TenderId
);
row_id!(
    /// A lot's row number (`tender_lots.id`); within its tender a lot is also known by its
    /// `lot_number`.
    LotId
);
row_id!(
    /// A sealed bid's number (`bids.id`).
    BidId
);
row_id!(
    /// An award's number (`awards.id`).
    AwardId
);
row_id!(
    /// A complaint's number (`complaints.id`).
    ComplaintId
);
row_id!(
    /// A signed contract's number (`contracts.id`).
    ContractId
);
row_id!(
    /// A registered company's number (`suppliers.id`).
    SupplierId
);
row_id!(
    /// A person's account number (`users.id`).
    UserId
);
row_id!(
    /// A buying entity's number (`buyers.id`).
    BuyerId
);
row_id!(
    /// A framework agreement's number (`framework_agreements.id`).
    AgreementId
);
row_id!(
    /// A catalogue product sheet's number (`catalogue_products.id`).
    ProductId
);
row_id!(
    /// A supplier's catalogue offer's number (`catalogue_offers.id`).
    OfferId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_reads_and_writes_as_its_bare_number() {
        let id: TenderId = serde_json::from_str("42").expect("a number");
        assert_eq!(id, TenderId(42));
        assert_eq!(serde_json::to_string(&BidId(7)).expect("json"), "7");
        assert_eq!(format!("/tenders/{}", TenderId(42)), "/tenders/42");
        assert_eq!("9".parse::<SupplierId>().expect("a number"), SupplierId(9));
        assert!(serde_json::from_str::<TenderId>("\"x\"").is_err());
    }
}
