//! The OCDS merge rules (standard 1.1, "Merging"): releases in date order; objects merge field
//! by field; an array of objects with `id`s merges item by item on that id; any other array
//! is replaced whole; `null` removes a field. The compiled release is the result; the
//! versioned release keeps, for every value, the list of the values it took with the release
//! that set each.

use serde_json::{Map, Value, json};

/// Fields of a release that describe the release itself, not the process (omitted when
/// merged).
const RELEASE_FIELDS: [&str; 3] = ["id", "date", "tag"];

fn identified(items: &[Value]) -> bool {
    !items.is_empty()
        && items.iter().all(|v| {
            v.get("id")
                .is_some_and(|id| id.is_string() || id.is_number())
        })
}

fn sorted(releases: &[Value]) -> Vec<&Value> {
    let mut out: Vec<&Value> = releases.iter().collect();
    // Stable: releases of the same instant keep their publication order.
    out.sort_by(|a, b| {
        a["date"]
            .as_str()
            .unwrap_or_default()
            .cmp(b["date"].as_str().unwrap_or_default())
    });
    out
}

fn merge_into(target: &mut Map<String, Value>, source: &Map<String, Value>) {
    for (key, value) in source {
        match value {
            Value::Null => {
                target.remove(key);
            }
            Value::Object(inner) => {
                let slot = target
                    .entry(key.clone())
                    .or_insert_with(|| Value::Object(Map::new()));
                if !slot.is_object() {
                    *slot = Value::Object(Map::new());
                }
                if let Value::Object(t) = slot {
                    merge_into(t, inner);
                }
            }
            Value::Array(items) if identified(items) => {
                let slot = target
                    .entry(key.clone())
                    .or_insert_with(|| Value::Array(Vec::new()));
                if !slot.is_array() {
                    *slot = Value::Array(Vec::new());
                }
                if let Value::Array(existing) = slot {
                    for item in items {
                        let id = &item["id"];
                        match existing.iter_mut().find(|e| &e["id"] == id) {
                            Some(Value::Object(e)) => {
                                if let Value::Object(i) = item {
                                    merge_into(e, i);
                                }
                            }
                            _ => existing.push(item.clone()),
                        }
                    }
                }
            }
            other => {
                target.insert(key.clone(), other.clone());
            }
        }
    }
}

/// The compiled release of one ocid's releases: the process as it stands after the last.
pub fn compile(releases: &[Value]) -> Value {
    let ordered = sorted(releases);
    let mut compiled = Map::new();
    for release in &ordered {
        if let Value::Object(r) = release {
            let mut fields = r.clone();
            for f in RELEASE_FIELDS {
                fields.remove(f);
            }
            merge_into(&mut compiled, &fields);
        }
    }
    let last = ordered.last();
    let ocid = compiled
        .get("ocid")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let date = last
        .and_then(|r| r["date"].as_str())
        .unwrap_or_default()
        .to_owned();
    compiled.insert("id".into(), Value::from(format!("{ocid}-compiled")));
    compiled.insert("date".into(), Value::from(date));
    compiled.insert("tag".into(), json!(["compiled"]));
    Value::Object(compiled)
}

/// One version of a value: the release that gave it.
fn version(release: &Value, value: Value) -> Value {
    json!({
        "releaseID": release["id"],
        "releaseDate": release["date"],
        "releaseTag": release["tag"],
        "value": value,
    })
}

fn version_into(target: &mut Map<String, Value>, source: &Map<String, Value>, release: &Value) {
    for (key, value) in source {
        match value {
            Value::Object(inner) => {
                let slot = target
                    .entry(key.clone())
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(t) = slot {
                    version_into(t, inner, release);
                }
            }
            Value::Array(items) if identified(items) => {
                let slot = target
                    .entry(key.clone())
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(existing) = slot {
                    for item in items {
                        let id = &item["id"];
                        let position = existing.iter().position(|e| &e["id"] == id);
                        let index = position.unwrap_or_else(|| {
                            existing.push(json!({"id": id.clone()}));
                            existing.len() - 1
                        });
                        if let (Value::Object(e), Value::Object(i)) = (&mut existing[index], item) {
                            let mut fields = i.clone();
                            fields.remove("id");
                            version_into(e, &fields, release);
                        }
                    }
                }
            }
            leaf => {
                let history = target
                    .entry(key.clone())
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(versions) = history {
                    let changed = versions.last().is_none_or(|v| &v["value"] != leaf);
                    if changed {
                        versions.push(version(release, leaf.clone()));
                    }
                }
            }
        }
    }
}

/// The versioned release: every field's values over time, each with its release.
pub fn versioned(releases: &[Value]) -> Value {
    let mut out = Map::new();
    for release in sorted(releases) {
        if let Value::Object(r) = release {
            let mut fields = r.clone();
            for f in RELEASE_FIELDS.iter().chain(&["ocid"]) {
                fields.remove(*f);
            }
            version_into(&mut out, &fields, release);
        }
    }
    if let Some(ocid) = releases.first().and_then(|r| r.get("ocid")) {
        out.insert("ocid".into(), ocid.clone());
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_with_ids_merge_and_other_lists_are_replaced() {
        let first = json!({"ocid": "ocds-x-1", "id": "a", "date": "2026-01-01T00:00:00Z", "tag": ["tender"],
            "tender": {"title": "Sillas", "lots": [{"id": "lot-1", "status": "active"}], "submissionMethod": ["electronicSubmission"]}});
        let second = json!({"ocid": "ocds-x-1", "id": "b", "date": "2026-01-02T00:00:00Z", "tag": ["award"],
            "tender": {"lots": [{"id": "lot-1", "status": "complete"}, {"id": "lot-2", "status": "active"}], "submissionMethod": ["written"]},
            "awards": [{"id": "award-1", "status": "pending"}]});
        let compiled = compile(&[second.clone(), first.clone()]);
        assert_eq!(compiled["tender"]["title"], "Sillas");
        assert_eq!(compiled["tender"]["lots"][0]["status"], "complete");
        assert_eq!(compiled["tender"]["lots"][1]["id"], "lot-2");
        assert_eq!(compiled["tender"]["submissionMethod"], json!(["written"]));
        assert_eq!(compiled["tag"], json!(["compiled"]));
        assert_eq!(compiled["date"], "2026-01-02T00:00:00Z");
        let versions = versioned(&[first, second]);
        let status = &versions["tender"]["lots"][0]["status"];
        assert_eq!(status.as_array().map(Vec::len), Some(2));
        assert_eq!(status[0]["releaseID"], "a");
        assert_eq!(status[1]["value"], "complete");
        // An unchanged value keeps its first version only.
        assert_eq!(
            versions["tender"]["title"].as_array().map(Vec::len),
            Some(1)
        );
    }
}
