//! The OCDS merge routine (standard 1.1, "Merging"), as its reference implementation
//! (`ocdsmerge`, which `ocdskit compile` runs) performs it, so that an analyst who compiles
//! Licita's releases with the standard's tools gets Licita's compiled and versioned releases
//! field for field (checked in CI by `tests/e2e/open_data.rs`).
//!
//! - Releases are taken in `date` order (ties keep their publication order; Licita never
//!   dates two releases of one process alike, see [`super::on_event`]).
//! - A release is flattened into paths: objects by field name, arrays of objects by each
//!   item's `id` (an item without one is always a new item). A value that is not an object or
//!   array, an array holding anything but objects, and an array the schema marks for whole
//!   list merge ([`WHOLE_LIST_MERGE`]) are values in themselves, replaced whole. An empty
//!   object, or an empty array of identified objects, says nothing and changes nothing.
//! - The compiled release is every path's latest value, without those set to `null`; the
//!   versioned release keeps, for every path, each value it took with the release that set
//!   it (`id`s of array items and the `ocid` are not versioned).
//! - `id`, `date` and `tag` describe a release, not the process (`omitWhenMerged`): the
//!   compiled release gets `{ocid}-{date}`, the latest date and the tag `compiled`.
//!
//! Removing an item from an identified array therefore takes a release that still names it:
//! Licita marks a lot dropped by an amendment `cancelled` and empties a withdrawn document's
//! fields (`null`), as the standard prescribes ([`super::build`]).

use std::collections::HashMap;

use serde_json::{Map, Value};

/// Fields of a release that describe the release itself (`omitWhenMerged`).
const RELEASE_FIELDS: [&str; 3] = ["id", "date", "tag"];

/// The arrays merged as whole lists in the schema Licita publishes under (OCDS 1.1.5 with the
/// Bids, Lots, Bid opening, Location, Submission terms, Techniques and Enquiries extensions):
/// `"wholeListMerge": true`, arrays of non-objects, and arrays of objects without `id`. Paths
/// without array positions. `tests/e2e/open_data.rs` derives the same list from the schema.
pub const WHOLE_LIST_MERGE: [&str; 54] = [
    "awards.amendment.changes",
    "awards.amendments.changes",
    "awards.documents.relatedLots",
    "awards.items.additionalClassifications",
    "awards.items.deliveryLocation.gazetteer.identifiers",
    "awards.items.deliveryLocation.geometry.coordinates",
    "awards.relatedLots",
    "awards.suppliers.additionalIdentifiers",
    "bids.details.documents.relatedLots",
    "bids.details.relatedLots",
    "bids.details.tenderers.additionalIdentifiers",
    "buyer.additionalIdentifiers",
    "contracts.amendment.changes",
    "contracts.amendments.changes",
    "contracts.documents.relatedLots",
    "contracts.implementation.documents.relatedLots",
    "contracts.implementation.milestones.documents.relatedLots",
    "contracts.implementation.milestones.relatedLots",
    "contracts.implementation.transactions.payee.additionalIdentifiers",
    "contracts.implementation.transactions.payer.additionalIdentifiers",
    "contracts.items.additionalClassifications",
    "contracts.items.deliveryLocation.gazetteer.identifiers",
    "contracts.items.deliveryLocation.geometry.coordinates",
    "contracts.milestones.documents.relatedLots",
    "contracts.milestones.relatedLots",
    "contracts.relatedProcesses.relationship",
    "parties.additionalIdentifiers",
    "parties.roles",
    "planning.documents.relatedLots",
    "planning.milestones.documents.relatedLots",
    "planning.milestones.relatedLots",
    "relatedProcesses.relationship",
    "tender.additionalProcurementCategories",
    "tender.amendment.changes",
    "tender.amendments.changes",
    "tender.bidOpening.location.gazetteer.identifiers",
    "tender.bidOpening.location.geometry.coordinates",
    "tender.documents.relatedLots",
    "tender.enquiries.author.additionalIdentifiers",
    "tender.items.additionalClassifications",
    "tender.items.deliveryLocation.gazetteer.identifiers",
    "tender.items.deliveryLocation.geometry.coordinates",
    "tender.lotGroups.relatedLots",
    "tender.lots.bidOpening.location.gazetteer.identifiers",
    "tender.lots.bidOpening.location.geometry.coordinates",
    "tender.lots.submissionTerms.languages",
    "tender.lots.submissionTerms.subcontractingClauses",
    "tender.milestones.documents.relatedLots",
    "tender.milestones.relatedLots",
    "tender.procuringEntity.additionalIdentifiers",
    "tender.submissionMethod",
    "tender.submissionTerms.languages",
    "tender.submissionTerms.subcontractingClauses",
    "tender.tenderers.additionalIdentifiers",
];

/// One step of a path: a field of an object, or an item of an array by its identity.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Part {
    Field(String),
    /// The item's identity (its `id` as text, or a fresh one when it has none) and its `id`.
    Item(String, Option<Value>),
}

type Path = Vec<Part>;

/// Paths and values in the order they first appeared (a later value of a path keeps the
/// path's place, as a Python dict does).
#[derive(Default)]
struct Flat {
    entries: Vec<(Path, Value)>,
    index: HashMap<Path, usize>,
}

impl Flat {
    fn set(&mut self, path: Path, value: Value) {
        match self.index.get(&path) {
            Some(&i) => self.entries[i].1 = value,
            None => {
                self.index.insert(path.clone(), self.entries.len());
                self.entries.push((path, value));
            }
        }
    }

    fn get_mut(&mut self, path: &Path) -> Option<&mut Value> {
        self.index.get(path).map(|&i| &mut self.entries[i].1)
    }
}

fn whole_list(rule_path: &[String]) -> bool {
    !rule_path.is_empty() && WHOLE_LIST_MERGE.contains(&rule_path.join(".").as_str())
}

/// Flattens one release's fields (`id`, `date` and `tag` left out) into `out`; `fresh`
/// numbers the items that have no `id`.
fn flatten(
    value: &Value,
    path: &mut Path,
    rule_path: &mut Vec<String>,
    fresh: &mut u64,
    out: &mut Vec<(Path, Value)>,
) {
    match value {
        Value::Object(fields) => {
            for (key, child) in fields {
                rule_path.push(key.clone());
                path.push(Part::Field(key.clone()));
                let omitted = rule_path.len() == 1 && RELEASE_FIELDS.contains(&key.as_str());
                if !omitted {
                    visit(child, path, rule_path, fresh, out);
                }
                path.pop();
                rule_path.pop();
            }
        }
        Value::Array(items) => {
            for item in items {
                let id = item.get("id").cloned();
                let identity = match &id {
                    Some(Value::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                    None => {
                        *fresh += 1;
                        format!("\u{0}{fresh}")
                    }
                };
                path.push(Part::Item(identity, id));
                visit(item, path, rule_path, fresh, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// One member at `path`: a value in itself (kept whole), or a non-empty object or array of
/// objects to flatten further; an empty one says nothing.
fn visit(
    child: &Value,
    path: &mut Path,
    rule_path: &mut Vec<String>,
    fresh: &mut u64,
    out: &mut Vec<(Path, Value)>,
) {
    let literal = whole_list(rule_path)
        || !(child.is_object() || child.is_array())
        || child
            .as_array()
            .is_some_and(|items| items.iter().any(|i| !i.is_object()));
    if literal {
        out.push((path.clone(), child.clone()));
    } else if child.as_object().is_some_and(|o| !o.is_empty())
        || child.as_array().is_some_and(|a| !a.is_empty())
    {
        flatten(child, path, rule_path, fresh, out);
    }
}

fn sorted(releases: &[Value]) -> Vec<&Value> {
    let mut out: Vec<&Value> = releases.iter().collect();
    // Stable, on the text of `date`, as ocdsmerge sorts.
    out.sort_by(|a, b| {
        a["date"]
            .as_str()
            .unwrap_or_default()
            .cmp(b["date"].as_str().unwrap_or_default())
    });
    out
}

fn field(name: &str) -> Path {
    vec![Part::Field(name.to_owned())]
}

/// A tree being rebuilt from paths: objects and arrays keep the order their members first
/// appeared in, arrays find their items by identity.
enum Node {
    Object(Vec<(String, Node)>, HashMap<String, usize>),
    Array(Vec<Node>, HashMap<String, usize>),
    Leaf(Value),
}

impl Node {
    fn object() -> Self {
        Self::Object(Vec::new(), HashMap::new())
    }

    fn into_value(self) -> Value {
        match self {
            Self::Object(fields, _) => Value::Object(
                fields
                    .into_iter()
                    .map(|(k, v)| (k, v.into_value()))
                    .collect::<Map<String, Value>>(),
            ),
            Self::Array(items, _) => {
                Value::Array(items.into_iter().map(Node::into_value).collect())
            }
            Self::Leaf(v) => v,
        }
    }

    /// Places `value` at `path` as ocdsmerge's `unflatten` does: a path that meets a value
    /// of another shape is left out, and a `null` is not written.
    fn place(&mut self, path: &[Part], value: &Value) {
        let Some((first, rest)) = path.split_first() else {
            return;
        };
        match (self, first) {
            (Self::Array(items, index), Part::Item(identity, id)) => {
                let at = *index.entry(identity.clone()).or_insert_with(|| {
                    let mut node = Node::object();
                    if let (Node::Object(fields, names), Some(id)) = (&mut node, id) {
                        names.insert("id".into(), 0);
                        fields.push(("id".into(), Node::Leaf(id.clone())));
                    }
                    items.push(node);
                    items.len() - 1
                });
                items[at].place(rest, value);
            }
            (Self::Object(fields, names), Part::Field(name)) => {
                if let Some(&at) = names.get(name) {
                    fields[at].1.place(rest, value);
                    return;
                }
                let node = match rest.first() {
                    None if value.is_null() => return,
                    None => Node::Leaf(value.clone()),
                    Some(Part::Item(..)) => Node::Array(Vec::new(), HashMap::new()),
                    Some(Part::Field(_)) => Node::object(),
                };
                names.insert(name.clone(), fields.len());
                fields.push((name.clone(), node));
                let last = fields.len() - 1;
                fields[last].1.place(rest, value);
            }
            _ => {}
        }
    }
}

fn unflatten(flat: Flat) -> Value {
    let mut root = Node::object();
    for (path, value) in &flat.entries {
        root.place(path, value);
    }
    root.into_value()
}

/// Flattens each release in date order, with its `ocid`, `id`, `date` and `tag`.
fn flattened(releases: &[Value]) -> Vec<(&Value, Vec<(Path, Value)>)> {
    let mut fresh = 0;
    sorted(releases)
        .into_iter()
        .map(|release| {
            let mut out = Vec::new();
            flatten(
                release,
                &mut Vec::new(),
                &mut Vec::new(),
                &mut fresh,
                &mut out,
            );
            (release, out)
        })
        .collect()
}

/// The compiled release of one ocid's releases: the process as it stands after the last.
pub fn compile(releases: &[Value]) -> Value {
    let mut data = Flat::default();
    data.set(field("tag"), Value::from(vec!["compiled"]));
    for (release, paths) in flattened(releases) {
        let ocid = release["ocid"].as_str().unwrap_or_default();
        let date = release["date"].as_str().unwrap_or_default();
        data.set(field("id"), Value::from(format!("{ocid}-{date}")));
        data.set(field("date"), Value::from(date));
        data.set(field("ocid"), release["ocid"].clone());
        for (path, value) in paths {
            data.set(path, value);
        }
    }
    unflatten(data)
}

/// The versioned release: every path's values over time, each with the release that set it.
pub fn versioned(releases: &[Value]) -> Value {
    let mut data = Flat::default();
    let ocid = field("ocid");
    for (release, paths) in flattened(releases) {
        data.set(ocid.clone(), release["ocid"].clone());
        for (path, value) in paths {
            if path == ocid {
                continue;
            }
            let version = serde_json::json!({
                "releaseID": release["id"],
                "releaseDate": release["date"],
                "releaseTag": release["tag"],
                "value": value,
            });
            match data.get_mut(&path) {
                Some(Value::Array(versions)) => {
                    if versions.last().is_none_or(|v| v["value"] != value) {
                        versions.push(version);
                    }
                }
                Some(_) => {}
                None => data.set(path, Value::Array(vec![version])),
            }
        }
    }
    unflatten(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
        assert_eq!(compiled["id"], "ocds-x-1-2026-01-02T00:00:00Z");
        let versions = versioned(&[first, second]);
        let status = &versions["tender"]["lots"][0]["status"];
        assert_eq!(status.as_array().map(Vec::len), Some(2));
        assert_eq!(status[0]["releaseID"], "a");
        assert_eq!(status[1]["value"], "complete");
        assert_eq!(
            versions["tender"]["lots"][0]["id"], "lot-1",
            "ids are not versioned"
        );
        // An unchanged value keeps its first version only.
        assert_eq!(
            versions["tender"]["title"].as_array().map(Vec::len),
            Some(1)
        );
    }

    #[test]
    fn empty_objects_and_empty_identified_lists_change_nothing() {
        let first = json!({"ocid": "o", "id": "a", "date": "2026-01-01T00:00:00Z", "tag": ["tender"],
            "tender": {"documents": [{"id": "d1", "title": "Bases"}], "value": {"amount": 10}},
            "parties": [{"id": "p", "roles": ["buyer"], "additionalIdentifiers": [{"id": "x", "scheme": "A"}]}]});
        let second = json!({"ocid": "o", "id": "b", "date": "2026-01-02T00:00:00Z", "tag": ["tenderAmendment"],
            "tender": {"documents": [], "value": {}, "planning": {}},
            "parties": [{"id": "p", "additionalIdentifiers": [{"id": "y", "scheme": "B"}]}]});
        let compiled = compile(&[first.clone(), second.clone()]);
        assert_eq!(compiled["tender"]["documents"][0]["title"], "Bases");
        assert_eq!(compiled["tender"]["value"]["amount"], 10);
        assert!(compiled["tender"].get("planning").is_none(), "{compiled}");
        // additionalIdentifiers is replaced whole, not merged by id.
        assert_eq!(
            compiled["parties"][0]["additionalIdentifiers"],
            json!([{"id": "y", "scheme": "B"}])
        );
        let versions = versioned(&[first, second]);
        let documents = versions["tender"]["documents"]
            .as_array()
            .expect("documents");
        assert!(documents.iter().all(Value::is_object), "{versions}");
    }

    #[test]
    fn nulls_remove_fields_and_items_without_id_are_new_each_time() {
        let first = json!({"ocid": "o", "id": "a", "date": "2026-01-01T00:00:00Z", "tag": ["tender"],
            "tender": {"title": "T", "documents": [{"id": "d1", "title": "Bases", "url": "/x"}],
                       "milestones": [{"title": "sin id"}]}});
        let second = json!({"ocid": "o", "id": "b", "date": "2026-01-02T00:00:00Z", "tag": ["tenderAmendment"],
            "tender": {"documents": [{"id": "d1", "title": null, "url": null}],
                       "milestones": [{"title": "sin id"}]}});
        let compiled = compile(&[first, second]);
        assert_eq!(compiled["tender"]["documents"], json!([{"id": "d1"}]));
        assert_eq!(
            compiled["tender"]["milestones"].as_array().map(Vec::len),
            Some(2)
        );
    }
}
