//! The audit record read as a story: each event of a tender's timeline as one sentence in
//! the reader's language ("Ana Mamani (funcionaria de compras) otorgó la buena pro del lote 1
//! a Constructora Sol por S/ 420,000.00"), with what a person wrote (a question, a ground, a
//! justification) quoted beneath it and the recorded fields behind a disclosure.

use backend::{awards::oversight::TimelineEvent, domain::money_shown};
use leptos::prelude::*;

use crate::{context::PageContext, layout::local_time};

/// The payload fields that hold what a person wrote, in the order they are quoted.
const WRITTEN: [&str; 7] = [
    "question",
    "answer",
    "justification",
    "ground",
    "note",
    "reason",
    "rationale",
];

/// An audit event's sentence: the message `event-{action}` (dots and underscores as
/// hyphens) with who acted, the lot, amount, company, file and count the event names.
pub fn sentence(ctx: &PageContext, e: &TimelineEvent, currency: &str) -> String {
    let who = match &e.actor {
        Some(name) => ctx.t_args(
            "event-who",
            &[
                ("name", name.clone()),
                ("role", ctx.t(&format!("role-{}", e.role))),
            ],
        ),
        None if e.role == "system" => ctx.t("event-who-system"),
        // Withheld until the opening (a bidder's identity) or a removed account.
        None => ctx.t("event-who-withheld"),
    };
    let p = &e.payload;
    let text = |key: &str| p.get(key).and_then(serde_json::Value::as_str);
    let number = |key: &str| p.get(key).and_then(serde_json::Value::as_i64);
    let amount = text("amount")
        .or_else(|| text("value"))
        .or_else(|| text("value_change"))
        .map(|a| money_shown(currency, a))
        .unwrap_or_default();
    let count = number("leaf_count")
        .or_else(|| {
            p.get("members")
                .and_then(|m| m.as_array())
                .map(|m| m.len() as i64)
        })
        .unwrap_or(0);
    let file = text("filename")
        .map(str::to_owned)
        .or_else(|| {
            p.get("documents").and_then(|d| d.as_array()).map(|d| {
                d.iter()
                    .filter_map(|x| x.get("name").or_else(|| x.get("filename")))
                    .filter_map(serde_json::Value::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            })
        })
        .unwrap_or_default();
    let bidder = e.bidder.clone().unwrap_or_else(|| ctx.t("event-a-company"));
    // A disqualification says so, with its ground in words (the stored ground is a code).
    let disqualified = e.action == "bid.evaluated"
        && p.get("admissible").and_then(serde_json::Value::as_bool) == Some(false);
    let key = if disqualified {
        "event-bid-disqualified".to_owned()
    } else {
        format!("event-{}", e.action.replace(['.', '_'], "-"))
    };
    let ground = text("ground")
        .filter(|_| disqualified)
        .map(|g| ctx.t(&format!("ground-{}", g.replace('_', "-"))))
        .unwrap_or_default();
    let args = [
        ("who", who.clone()),
        ("lot", e.lot.unwrap_or(0).to_string()),
        ("amount", amount),
        ("bidder", bidder),
        ("file", file),
        ("count", count.to_string()),
        ("number", number("number").unwrap_or(0).to_string()),
        ("ground", ground),
        (
            "flag",
            text("code")
                .map(|c| ctx.t(&format!("flag-{}", c.replace('_', "-"))))
                .unwrap_or_default(),
        ),
    ];
    let mut said = backend::i18n::t_args_opt(ctx.lang, &key, &args)
        .unwrap_or_else(|| ctx.t_args("event-other", &[("who", who)]));
    // A name ending in a period ("S.A.C.") closes the sentence itself.
    if said.ends_with("..") {
        said.pop();
    }
    said
}

/// A timeline as an ordered list: the local time, the sentence, what was written, and the
/// recorded action, entity, chain position and fields behind "Technical detail".
pub fn timeline_list(
    ctx: &PageContext,
    events: &[TimelineEvent],
    currency: &str,
    tz: chrono_tz::Tz,
) -> impl IntoView + use<> {
    let detail = ctx.t("event-technical");
    let items = events
        .iter()
        .map(|e| {
            let when = local_time(e.occurred_at, tz);
            let datetime = backend::domain::utc::format(e.occurred_at);
            let said = sentence(ctx, e, currency);
            // An evaluation's ground is a code, said in words by the sentence above.
            let written = WRITTEN
                .iter()
                .filter(|k| !(e.action == "bid.evaluated" && **k == "ground"))
                .filter_map(|k| e.payload.get(*k).and_then(serde_json::Value::as_str))
                .filter(|t| !t.is_empty())
                .map(|t| view! { <blockquote class="prewrap">{t.to_owned()}</blockquote> })
                .collect_view();
            let technical = format!(
                "{} · {} · {} #{}\n{}",
                e.action,
                e.entity,
                e.chain,
                e.seq,
                serde_json::to_string_pretty(&e.payload).unwrap_or_default()
            );
            let summary = detail.clone();
            view! {
                <li>
                    <time datetime=datetime>{when}</time>
                    <p>{said}</p>
                    {written}
                    <details class="technical"><summary>{summary}</summary><pre>{technical}</pre></details>
                </li>
            }
        })
        .collect_view();
    view! { <ol class="timeline">{items}</ol> }
}
