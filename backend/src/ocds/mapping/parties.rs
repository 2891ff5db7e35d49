//! The parties of a release: an organisation as an OCDS party (its RUC under `PE-RUC`), and
//! each party's address and contact point as registered.

use diesel::prelude::*;
use serde_json::{Value, json};

use crate::{
    db::DbConnection,
    error::AppError,
    schema::{buyers, suppliers},
};

/// The OCDS party id of a Peruvian organisation: its RUC under the `PE-RUC` scheme.
pub fn party_id(ruc: &str) -> String {
    format!("PE-RUC-{ruc}")
}

/// An organisation as an OCDS party with `roles`, identified by its RUC.
pub fn party(ruc: &str, name: &str, roles: &[&str]) -> Value {
    json!({
        "id": party_id(ruc),
        "name": name,
        "identifier": {"scheme": "PE-RUC", "id": ruc, "legalName": name},
        "roles": roles,
    })
}

/// Each party's address and contact point as registered — a company's in the suppliers'
/// registry, a buyer's procurement office as its administrator entered it — so an outside
/// analyst can tell organisations apart and reach them.
pub fn add_registered_contacts(
    conn: &mut DbConnection,
    parties: &mut [Value],
) -> Result<(), AppError> {
    let rucs: Vec<String> = parties
        .iter()
        .filter_map(|p| p["identifier"]["id"].as_str().map(str::to_owned))
        .collect();
    type Contact = (String, String, String, String, String, String, String);
    let mut contacts: Vec<Contact> = suppliers::table
        .filter(suppliers::ruc.eq_any(&rucs))
        .select((
            suppliers::ruc,
            suppliers::address,
            suppliers::district,
            suppliers::province,
            suppliers::department,
            suppliers::contact_email,
            suppliers::contact_phone,
        ))
        .load(conn)?;
    // A buyer's procurement office as its administrator registered it (no province kept).
    let offices: Vec<(String, String, String, String, String, String)> = buyers::table
        .filter(buyers::ruc.eq_any(&rucs))
        .select((
            buyers::ruc,
            buyers::address,
            buyers::district,
            buyers::department,
            buyers::contact_email,
            buyers::contact_phone,
        ))
        .load(conn)?;
    contacts.extend(offices.into_iter().map(
        |(ruc, street, district, department, email, telephone)| {
            (
                ruc,
                street,
                district,
                String::new(),
                department,
                email,
                telephone,
            )
        },
    ));
    for (ruc, street, district, province, department, email, telephone) in contacts {
        let Some(party) = parties
            .iter_mut()
            .find(|p| p["identifier"]["id"].as_str() == Some(ruc.as_str()))
        else {
            continue;
        };
        // A field the registry left empty is left out, not published as "".
        let filled = |pairs: &[(&str, String)]| -> Value {
            pairs
                .iter()
                .filter(|(_, v)| !v.trim().is_empty())
                .map(|(k, v)| ((*k).to_owned(), Value::from(v.trim())))
                .collect::<serde_json::Map<String, Value>>()
                .into()
        };
        let locality = [district, province]
            .into_iter()
            .filter(|s| !s.trim().is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        // No address at all rather than a country alone.
        if [&street, &locality, &department]
            .iter()
            .any(|part| !part.trim().is_empty())
        {
            party["address"] = filled(&[
                ("streetAddress", street),
                ("locality", locality),
                ("region", department),
                ("countryName", "Perú".to_owned()),
            ]);
        }
        let contact = filled(&[("email", email), ("telephone", telephone)]);
        if contact.as_object().is_some_and(|c| !c.is_empty()) {
            party["contactPoint"] = contact;
        }
    }
    Ok(())
}
