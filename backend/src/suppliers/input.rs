//! What a company submits to register or to change its profile, parsed once: phone
//! numbers, names folded for search, and the registration and profile forms.

use super::*;

/// A phone number: 6 to 20 characters of digits, spaces, `+`, `-`, `(`, `)`, with at least six
/// digits.
pub fn parse_phone(input: &str, field: &str) -> Result<String, FieldError> {
    let text = input.trim();
    if text.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    let allowed = text
        .chars()
        .all(|c| c.is_ascii_digit() || " +-()".contains(c));
    let digits = text.chars().filter(char::is_ascii_digit).count();
    if !allowed || digits < 6 || text.chars().count() > 20 {
        return Err(FieldError::new(field, "invalid_phone"));
    }
    Ok(text.to_owned())
}

pub use crate::domain::text::fold_for_search;

/// Contact and address data an owner may edit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Profile {
    /// Trade name, if any.
    pub trade_name: Option<String>,
    /// Department.
    pub department: String,
    /// Province.
    pub province: String,
    /// District.
    pub district: String,
    /// Street address.
    pub address: String,
    /// Contact email.
    pub contact_email: String,
    /// Contact phone.
    pub contact_phone: String,
    /// UNSPSC segment codes.
    pub categories: Vec<String>,
}

/// Raw profile input (forms and JSON).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ProfileInput {
    /// Trade name (optional).
    pub trade_name: String,
    /// Department, as listed in the catalogue.
    #[schema(required = true, min_length = 1)]
    pub department: String,
    /// Province.
    #[schema(required = true, min_length = 1)]
    pub province: String,
    /// District.
    #[schema(required = true, min_length = 1)]
    pub district: String,
    /// Street address.
    #[schema(required = true, min_length = 1)]
    pub address: String,
    /// Contact email.
    #[schema(required = true, min_length = 1)]
    pub contact_email: String,
    /// Contact phone.
    #[schema(required = true, min_length = 1)]
    pub contact_phone: String,
    /// UNSPSC segment codes (two digits), 1 to 20.
    #[schema(required = true)]
    pub categories: Vec<String>,
}

impl ProfileInput {
    fn parse_into(&self, v: &mut Validator) -> Option<Profile> {
        let trade_name = v.check(TradeName::parse_name(&self.trade_name, "trade_name"));
        let department = v.check(catalogue::parse_department(&self.department, "department"));
        let province = v.check(PlaceName::parse(&self.province, "province"));
        let district = v.check(PlaceName::parse(&self.district, "district"));
        let address = v.check(StreetAddress::parse(&self.address, "address"));
        let contact_email = v.check(EmailAddress::parse(&self.contact_email, "contact_email"));
        let contact_phone = v.check(parse_phone(&self.contact_phone, "contact_phone"));
        let categories = v.check(catalogue::parse_segments(&self.categories, "categories"));
        Some(Profile {
            trade_name: Some(trade_name?.into_inner()).filter(|t| !t.is_empty()),
            department: department?,
            province: province?.into_inner(),
            district: district?.into_inner(),
            address: address?.into_inner(),
            contact_email: contact_email?.as_str().to_owned(),
            contact_phone: contact_phone?,
            categories: categories?,
        })
    }

    /// Parses, reporting every wrong field.
    pub fn parse(&self) -> Result<Profile, AppError> {
        let mut v = Validator::new();
        let profile = self.parse_into(&mut v);
        v.finish()?;
        profile.ok_or_else(|| AppError::internal("validator passed with missing values"))
    }
}

/// Raw registration input: the company and its first user, the owner. Flat (no
/// `#[serde(flatten)]`) so the same struct reads a JSON body and a page form whose category
/// checkboxes repeat the `categories` key.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RegistrationInput {
    /// Legal name (razón social).
    #[schema(required = true, min_length = 1)]
    pub legal_name: String,
    /// RUC.
    #[schema(required = true, min_length = 1)]
    pub ruc: String,
    /// Legal form code (see `GET /api/v1/catalogue`).
    #[schema(required = true, min_length = 1)]
    pub legal_form: String,
    /// Trade name (optional).
    pub trade_name: String,
    /// Department, as listed in the catalogue.
    #[schema(required = true, min_length = 1)]
    pub department: String,
    /// Province.
    #[schema(required = true, min_length = 1)]
    pub province: String,
    /// District.
    #[schema(required = true, min_length = 1)]
    pub district: String,
    /// Street address.
    #[schema(required = true, min_length = 1)]
    pub address: String,
    /// Contact email.
    #[schema(required = true, min_length = 1)]
    pub contact_email: String,
    /// Contact phone.
    #[schema(required = true, min_length = 1)]
    pub contact_phone: String,
    /// UNSPSC segment codes (two digits), 1 to 20.
    #[schema(required = true)]
    pub categories: Vec<String>,
    /// The owner's name.
    #[schema(required = true, min_length = 1)]
    pub owner_name: String,
    /// The owner's email (their login; must be verified before review).
    #[schema(required = true, min_length = 1)]
    pub owner_email: String,
    /// The owner's password.
    #[schema(required = true, min_length = 10, max_length = 128)]
    pub owner_password: String,
    /// The owner's language, `es` or `en`.
    pub locale: Option<String>,
}

/// A parsed registration.
#[derive(Debug, Clone)]
pub struct Registration {
    pub(super) legal_name: LegalName,
    pub(super) ruc: Ruc,
    pub(super) legal_form: String,
    pub(super) profile: Profile,
    pub(super) owner: crate::accounts::NewAccount,
}

impl RegistrationInput {
    /// The contact, address and category part.
    pub fn profile(&self) -> ProfileInput {
        ProfileInput {
            trade_name: self.trade_name.clone(),
            department: self.department.clone(),
            province: self.province.clone(),
            district: self.district.clone(),
            address: self.address.clone(),
            contact_email: self.contact_email.clone(),
            contact_phone: self.contact_phone.clone(),
            categories: self.categories.clone(),
        }
    }

    /// Parses, reporting every wrong field at once.
    pub fn parse(&self) -> Result<Registration, AppError> {
        let mut v = Validator::new();
        let legal_name = v.check(LegalName::parse_name(&self.legal_name, "legal_name"));
        let ruc = v.check(Ruc::parse(&self.ruc, "ruc"));
        let legal_form = v.check(
            catalogue::legal_form(self.legal_form.trim())
                .map(|f| f.code.clone())
                .ok_or_else(|| {
                    FieldError::new(
                        "legal_form",
                        if self.legal_form.trim().is_empty() {
                            "required"
                        } else {
                            "unknown_legal_form"
                        },
                    )
                }),
        );
        if let (Some(ruc), Some(form)) = (&ruc, &legal_form) {
            let person = ["10", "15", "17"].contains(&&ruc.as_str()[..2]);
            let mismatch = match form.as_str() {
                "natural_person" => !person,
                "other" => false,
                _ => person,
            };
            if mismatch {
                v.push(FieldError::new("legal_form", "legal_form_ruc_mismatch"));
            }
        }
        let profile = self.profile().parse_into(&mut v);
        let owner_name = v.check(DisplayName::parse_name(&self.owner_name, "owner_name"));
        let owner_email = v.check(EmailAddress::parse(&self.owner_email, "owner_email"));
        let owner_password = v.check(NewPassword::parse(&self.owner_password, "owner_password"));
        let locale = v.check(crate::domain::parse_locale(
            self.locale.as_deref(),
            "locale",
        ));
        v.finish()?;
        let missing = || AppError::internal("validator passed with missing values");
        Ok(Registration {
            legal_name: legal_name.ok_or_else(missing)?,
            ruc: ruc.ok_or_else(missing)?,
            legal_form: legal_form.ok_or_else(missing)?,
            profile: profile.ok_or_else(missing)?,
            owner: crate::accounts::NewAccount {
                email: owner_email.ok_or_else(missing)?,
                display_name: owner_name.ok_or_else(missing)?,
                password: owner_password.ok_or_else(missing)?,
                role: Role::Supplier,
                buyer_id: None,
                locale: locale.ok_or_else(missing)?,
            },
        })
    }
}
