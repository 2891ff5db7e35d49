//! The flat CSV of the bulk downloads, for spreadsheet users: one row per lot, per award of
//! the lot and per contract of the award, read from each process's compiled release — so it
//! says exactly what the OCDS data says, and nothing of a bid before the opening (the
//! compiled release has no bid statistics until then).

use serde_json::Value;

/// The columns of the flat CSV.
pub const COLUMNS: [&str; 27] = [
    "ocid",
    "buyer_id",
    "buyer_name",
    "tender_title",
    "procurement_method",
    "procurement_method_details",
    "main_procurement_category",
    "tender_status",
    "tender_period_start",
    "tender_period_end",
    "lot_id",
    "lot_title",
    "lot_status",
    "lot_value",
    "currency",
    "bids_received",
    "award_id",
    "award_status",
    "award_date",
    "award_value",
    "supplier_ids",
    "supplier_names",
    "contract_id",
    "contract_status",
    "contract_signed",
    // With every modification (the compiled release's value); the auditors' CSV also gives
    // the original.
    "contract_value_current",
    "contract_amendments",
];

fn text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The rows of one compiled release.
pub fn rows(compiled: &Value) -> Vec<[String; 27]> {
    let tender = &compiled["tender"];
    let empty = Vec::new();
    let list = |v: &Value| v.as_array().cloned().unwrap_or_default();
    let lots = list(&tender["lots"]);
    let awards = list(&compiled["awards"]);
    let contracts = list(&compiled["contracts"]);
    let statistics = list(&compiled["bids"]["statistics"]);
    let head = [
        text(&compiled["ocid"]),
        text(&compiled["buyer"]["id"]),
        text(&compiled["buyer"]["name"]),
        text(&tender["title"]),
        text(&tender["procurementMethod"]),
        text(&tender["procurementMethodDetails"]),
        text(&tender["mainProcurementCategory"]),
        text(&tender["status"]),
        text(&tender["tenderPeriod"]["startDate"]),
        text(&tender["tenderPeriod"]["endDate"]),
    ];
    let mut out = Vec::new();
    for lot in &lots {
        let lot_id = text(&lot["id"]);
        let received = statistics
            .iter()
            .find(|s| s["measure"] == "bids" && text(&s["relatedLot"]) == lot_id)
            .map(|s| text(&s["value"]))
            .unwrap_or_default();
        let lot_part = [
            lot_id.clone(),
            text(&lot["title"]),
            // A lot an amendment dropped stays in the data as `cancelled`.
            text(&lot["status"]),
            text(&lot["value"]["amount"]),
            text(&lot["value"]["currency"]),
            received,
        ];
        let of_lot: Vec<&Value> = awards
            .iter()
            .filter(|a| {
                a["relatedLots"]
                    .as_array()
                    .unwrap_or(&empty)
                    .iter()
                    .any(|l| text(l) == lot_id)
            })
            .collect();
        let mut award_parts: Vec<[String; 6]> = Vec::new();
        let mut contract_parts: Vec<[String; 5]> = Vec::new();
        if of_lot.is_empty() {
            award_parts.push(Default::default());
            contract_parts.push(Default::default());
        }
        for award in of_lot {
            let suppliers = award["suppliers"].as_array().unwrap_or(&empty);
            let award_part = [
                text(&award["id"]),
                text(&award["status"]),
                text(&award["date"]),
                text(&award["value"]["amount"]),
                suppliers
                    .iter()
                    .map(|s| text(&s["id"]))
                    .collect::<Vec<_>>()
                    .join("; "),
                suppliers
                    .iter()
                    .map(|s| text(&s["name"]))
                    .collect::<Vec<_>>()
                    .join("; "),
            ];
            let of_award: Vec<&Value> = contracts
                .iter()
                .filter(|c| c["awardID"] == award["id"])
                .collect();
            if of_award.is_empty() {
                award_parts.push(award_part.clone());
                contract_parts.push(Default::default());
            }
            for contract in of_award {
                award_parts.push(award_part.clone());
                contract_parts.push([
                    text(&contract["id"]),
                    text(&contract["status"]),
                    text(&contract["dateSigned"]),
                    text(&contract["value"]["amount"]),
                    contract["amendments"]
                        .as_array()
                        .map_or(0, Vec::len)
                        .to_string(),
                ]);
            }
        }
        for (award_part, contract_part) in award_parts.into_iter().zip(contract_parts) {
            let mut row: [String; 27] = Default::default();
            for (cell, value) in row.iter_mut().zip(
                head.iter()
                    .chain(&lot_part)
                    .chain(&award_part)
                    .chain(&contract_part),
            ) {
                *cell = value.clone();
            }
            out.push(row);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_lot_gives_a_row_per_contract_of_each_award_or_one_row_alone() {
        let compiled = json!({
            "ocid": "ocds-x-1",
            "buyer": {"id": "PE-RUC-20131380951", "name": "Lima"},
            "tender": {"title": "Mobiliario", "status": "complete", "lots": [
                {"id": "lot-1", "title": "Mesas", "value": {"amount": 100.0, "currency": "PEN"}},
                {"id": "lot-2", "title": "Sillas", "value": {"amount": 50.0, "currency": "PEN"}},
                {"id": "lot-3", "title": "Bancas", "value": {"amount": 10.0, "currency": "PEN"}}
            ]},
            "bids": {"statistics": [{"id": "s", "measure": "bids", "relatedLot": "lot-1", "value": 2}]},
            "awards": [
                {"id": "award-1", "status": "cancelled", "relatedLots": ["lot-1"]},
                {"id": "award-2", "status": "active", "relatedLots": ["lot-1"],
                 "value": {"amount": 90.0}, "suppliers": [{"id": "PE-RUC-1", "name": "Sol"}]},
                {"id": "award-3", "status": "active", "relatedLots": ["lot-2"]}
            ],
            "contracts": [{"id": "contract-1", "awardID": "award-2", "amendments": [{"id": "a"}]}]
        });
        let rows = rows(&compiled);
        let cells: Vec<(String, String, String, String, String)> = rows
            .iter()
            .map(|r| {
                (
                    r[10].clone(),
                    r[15].clone(),
                    r[16].clone(),
                    r[22].clone(),
                    r[26].clone(),
                )
            })
            .collect();
        let owned = |a: &str, b: &str, c: &str, d: &str, e: &str| {
            (
                a.to_owned(),
                b.to_owned(),
                c.to_owned(),
                d.to_owned(),
                e.to_owned(),
            )
        };
        assert_eq!(
            cells,
            [
                owned("lot-1", "2", "award-1", "", ""),
                owned("lot-1", "2", "award-2", "contract-1", "1"),
                owned("lot-2", "", "award-3", "", ""),
                owned("lot-3", "", "", "", ""),
            ]
        );
        assert_eq!(rows[1][19], "90.0");
        assert_eq!(rows[1][21], "Sol");
        assert!(rows.iter().all(|r| r[0] == "ocds-x-1" && r[2] == "Lima"));
    }
}
