//! Sealed bids end to end on SQLite and PostgreSQL: sealing (nothing readable at rest before
//! the opening), receipts, withdraw and resubmit, idempotent retries, the deadline at its
//! edge, the Merkle freeze and inclusion proofs, the opening by k of n members (k − 1 opens
//! nothing, a wrong passphrase reveals nothing), tampering, concurrency, a SIGKILL during a
//! burst of submissions, and who may call what.

use crate::support::*;
use crate::tenders::{LIMA_OFFICER_2, MINSA_OFFICER, TECHPERU_OWNER, error_codes};
use base64::Engine as _;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// The third officer of the Municipalidad de Lima: the demo committees are 2 of 3.
pub const LIMA_OFFICER_3: &str = "tesoreria@munlima.gob.pe";
/// Every demo officer's and auditor's opening passphrase.
pub const PASSPHRASE: &str = "apertura-demo-2026";
/// The columns of the bid route and page matrices: each role and who signs in as it.
const ROLES: [(&str, Option<&str>); 7] = [
    ("anonymous", None),
    ("admin", Some(ADMIN)),
    ("auditor", Some(AUDITOR)),
    ("Lima officer", Some(OFFICER)),
    ("MINSA officer", Some(MINSA_OFFICER)),
    ("other supplier", Some(OTHER_OWNER)),
    ("pending supplier", Some(TECHPERU_OWNER)),
];
/// A price no other data contains, to look for in the database and the data directory.
pub const SECRET_PRICE: &str = "987654.32";
/// [`SECRET_PRICE`] as pages show an amount (grouped in thousands).
pub const SECRET_PRICE_SHOWN: &str = "987,654.32";

/// Does a page's text show the secret price, in either form?
pub fn shows_secret_price(text: &str) -> bool {
    text.contains(SECRET_PRICE) || text.contains(SECRET_PRICE_SHOWN)
}
/// Text inside the bid's document, to look for likewise.
const SECRET_TEXT: &str = "PROPUESTA-CONFIDENCIAL-7Q3Z";

pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Seals the bid a review page (the bid form's answer) shows, with the page's session;
/// asserts the bid was sealed and returns the sealed page.
pub async fn seal_reviewed(
    app: &TestApp,
    client: &reqwest::Client,
    tender: i64,
    review: &str,
) -> String {
    let token = review
        .split("name=\"token\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_else(|| panic!("a review page with its token: {review}"));
    let sealed = client
        .post(app.url(&format!("/licitaciones/{tender}/oferta/sellar")))
        .form(&[("csrf_token", csrf_from(review).as_str()), ("token", token)])
        .send()
        .await
        .expect("seal");
    assert_eq!(sealed.status(), 200);
    let sealed = sealed.text().await.expect("text");
    assert!(
        sealed.contains("fue sellada y registrada") || sealed.contains("was sealed and recorded"),
        "{sealed}"
    );
    sealed
}

pub fn b64_decode(text: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .expect("base64")
}

pub fn all_declarations() -> Value {
    json!([
        "truthful",
        "not_debarred",
        "no_conflict_of_interest",
        "accepts_terms"
    ])
}

fn bid_body(price: &str, document: Option<(&str, Vec<u8>)>) -> Value {
    let documents: Vec<Value> = document
        .into_iter()
        .map(|(name, bytes)| json!({"name": name, "content_base64": b64(&bytes)}))
        .collect();
    json!({
        "lots": [{"lot": 1, "amount": price}, {"lot": 2, "amount": "20000.00", "currency": "PEN"}],
        "declarations": all_declarations(),
        "documents": documents,
    })
}

/// A real PDF whose text no other data contains.
pub fn secret_pdf() -> Vec<u8> {
    backend::tenders::documents::demo_pdf(&["Propuesta tecnica", SECRET_TEXT])
}

pub fn naive(text: &str) -> NaiveDateTime {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|at| at.naive_utc())
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f"))
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
        .unwrap_or_else(|e| panic!("{text}: {e}"))
}

impl TestApp {
    /// Sets the test clock to `at` (UTC).
    pub fn set_clock(&self, at: NaiveDateTime) {
        let now = backend::clock::Clock::now_db(&self.clock);
        self.clock.advance(at - now);
    }

    /// Publishes a new Lima tender with the 2-of-3 committee (through the builders, making
    /// its officers if the test started without them); returns (id, deadline, opening).
    pub async fn sealed_tender(&self, title: &str) -> (i64, NaiveDateTime, NaiveDateTime) {
        let build = self.build();
        let officer = build.person(OFFICER).await;
        let second = build.person(LIMA_OFFICER_2).await;
        let third = build.person(LIMA_OFFICER_3).await;
        let (id, deadline, opening) = build
            .published_tender(&officer, title, &[&officer, &second, &third])
            .await;
        (id.get(), deadline, opening)
    }

    /// Submits a bid; the response.
    pub async fn bid(
        &self,
        token: &str,
        tender: i64,
        body: &Value,
        key: Option<&str>,
    ) -> reqwest::Response {
        let mut request = self
            .client()
            .post(self.url(&format!("/api/v1/tenders/{tender}/bids")))
            .bearer_auth(token)
            .json(body);
        if let Some(k) = key {
            request = request.header("Idempotency-Key", k);
        }
        request.send().await.expect("bid")
    }

    /// A committee member gives their share; the response.
    pub async fn give_share(
        &self,
        email: &str,
        tender: i64,
        passphrase: &str,
    ) -> reqwest::Response {
        let token = self.token(email).await;
        self.post_json(
            &format!("/api/v1/tenders/{tender}/opening"),
            &token,
            &json!({"passphrase": passphrase}),
        )
        .await
    }

    /// Every byte at rest: the database (the SQLite file with its WAL, or a `pg_dump`) and
    /// the data directory.
    pub fn everything_at_rest(&self) -> Vec<u8> {
        let mut bytes = Vec::new();
        match self.db {
            Db::Sqlite => {
                for f in ["licita.db", "licita.db-wal"] {
                    bytes.extend(std::fs::read(self.dir.path().join(f)).unwrap_or_default());
                }
            }
            Db::Postgres => {
                let dump = std::process::Command::new("pg_dump")
                    .arg("--data-only")
                    .arg(&self.database_url)
                    .output()
                    .expect("pg_dump runs");
                assert!(
                    dump.status.success(),
                    "{}",
                    String::from_utf8_lossy(&dump.stderr)
                );
                bytes.extend(dump.stdout);
            }
        }
        for entry in walk(&self.dir.path().join("data")) {
            bytes.extend(std::fs::read(entry).unwrap_or_default());
        }
        bytes
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn a_sealed_bid_stays_unreadable_until_two_of_three_members_open_it() {
    for db in backends() {
        let app = TestApp::spawn_cast(db, crate::build::BIDDING_CAST).await;
        let (id, deadline, opening_at) = app
            .sealed_tender("Computadoras portátiles para bibliotecas municipales")
            .await;
        let sealing = app
            .get_public(&format!("/api/v1/tenders/{id}/sealing"))
            .await;
        assert!(
            sealing["recipient"]
                .as_str()
                .is_some_and(|r| r.starts_with("age1")),
            "{sealing}"
        );

        // Andina bids, withdraws, bids again; Constructora Sol bids (its retry is one bid).
        let andina = app.token(SUPPLIER).await;
        let first = app
            .bid(
                &andina,
                id,
                &bid_body("1000.00", Some(("tecnica.pdf", secret_pdf()))),
                None,
            )
            .await;
        assert_eq!(first.status(), 201);
        let first: Value = first.json().await.expect("receipt");
        let withdrawn = app
            .client()
            .delete(app.url(&format!("/api/v1/tenders/{id}/bids/{}", first["bid_id"])))
            .bearer_auth(&andina)
            .send()
            .await
            .expect("withdraw");
        assert_eq!(withdrawn.status(), 204);
        let again = app
            .bid(
                &andina,
                id,
                &bid_body(SECRET_PRICE, Some(("tecnica.pdf", secret_pdf()))),
                None,
            )
            .await;
        assert_eq!(again.status(), 201);
        let receipt: Value = again.json().await.expect("receipt");
        assert_ne!(receipt["bid_id"], first["bid_id"]);
        let twice = app.bid(&andina, id, &bid_body("1.00", None), None).await;
        assert_eq!(twice.status(), 409, "one live bid per company");
        let sol = app.token(OTHER_OWNER).await;
        let sol_first = app
            .bid(&sol, id, &bid_body("150000.00", None), Some("sol-1"))
            .await;
        assert_eq!(sol_first.status(), 201);
        let sol_receipt: Value = sol_first.json().await.expect("receipt");
        let sol_retry: Value = app
            .bid(&sol, id, &bid_body("150000.00", None), Some("sol-1"))
            .await
            .json()
            .await
            .expect("receipt");
        assert_eq!(sol_retry, sol_receipt, "a retry returns the first receipt");
        // The same key with the body's keys reordered is still the same request.
        let mut reordered = serde_json::Map::new();
        let body = bid_body("150000.00", None);
        for (k, v) in body.as_object().expect("object").iter().rev() {
            reordered.insert(k.clone(), v.clone());
        }
        let retry = app
            .bid(&sol, id, &Value::Object(reordered), Some("sol-1"))
            .await;
        assert_eq!(retry.status(), 201);
        assert_eq!(retry.json::<Value>().await.expect("receipt"), sol_receipt);
        // The same key with another price is not the same request: refused, nothing stored.
        let bids_of_sol = |app: &TestApp| {
            let app = app.app.clone();
            async move {
                app.db
                    .run(move |conn| {
                        use diesel::prelude::*;
                        Ok(backend::schema::bids::table
                            .filter(backend::schema::bids::tender_id.eq(id))
                            .count()
                            .get_result::<i64>(conn)?)
                    })
                    .await
                    .expect("count")
            }
        };
        let stored = bids_of_sol(&app).await;
        for (lang, words) in [("es", "otra solicitud"), ("en", "different request")] {
            let other_price = app
                .client()
                .post(app.url(&format!("/api/v1/tenders/{id}/bids")))
                .bearer_auth(&sol)
                .header("Idempotency-Key", "sol-1")
                .header("accept-language", lang)
                .json(&bid_body("149000.00", None))
                .send()
                .await
                .expect("bid");
            assert_eq!(other_price.status(), 422);
            let problem: Value = other_price.json().await.expect("problem");
            assert_eq!(
                problem["errors"][0]["field"], "idempotency_key",
                "{problem}"
            );
            assert_eq!(problem["errors"][0]["code"], "idempotency_key_conflict");
            assert!(
                problem["detail"].as_str().unwrap_or("").contains(words),
                "{problem}"
            );
        }
        assert_eq!(bids_of_sol(&app).await, stored, "nothing stored twice");

        // The receipt verifies; any changed field does not.
        let verify = |body: Value| {
            let app = &app;
            async move {
                app.client()
                    .post(app.url("/api/v1/receipts/verify"))
                    .json(&body)
                    .send()
                    .await
                    .expect("verify")
                    .json::<Value>()
                    .await
                    .expect("json")
            }
        };
        let ok = verify(receipt.clone()).await;
        assert_eq!(ok["signature_valid"], true, "{ok}");
        assert_eq!(ok["on_record"], true);
        for (field, value) in [
            ("server_time", json!("2026-11-23T13:59:59.000000Z")),
            ("envelope_sha256", json!("00".repeat(32))),
            ("supplier_ruc", json!(TECHPERU_RUC)),
            ("bid_id", json!(first["bid_id"])),
        ] {
            let mut changed = receipt.clone();
            changed[field] = value;
            assert_eq!(verify(changed).await["signature_valid"], false, "{field}");
        }
        // A field the receipt does not have is not signed: it is refused, not read as valid.
        let mut added = receipt.clone();
        added["price"] = json!("1.00");
        let answer = verify(added).await;
        assert_eq!(answer["status"], 400, "{answer}");
        assert!(answer.get("signature_valid").is_none(), "{answer}");
        // Only Licita's own copy wraps a receipt with the bidder's unsigned fields.
        let answer = verify(json!({"format": "anything-at-all", "receipt": receipt,
                                   "prices": [{"lot": 1, "amount": "1.00"}]}))
        .await;
        assert_eq!(answer["status"], 400, "{answer}");
        assert!(answer.get("signature_valid").is_none(), "{answer}");

        // Before the opening nothing anywhere holds the price or the document in clear.
        let at_rest = app.everything_at_rest();
        assert!(
            !contains(&at_rest, "tecnica.pdf"),
            "file names are sealed too"
        );
        assert!(!contains(&at_rest, SECRET_PRICE), "price at rest on {db:?}");
        assert!(
            !contains(&at_rest, SECRET_TEXT),
            "document at rest on {db:?}"
        );
        for who in [OFFICER, AUDITOR, ADMIN] {
            let token = app.token(who).await;
            for path in [
                format!("/api/v1/tenders/{id}"),
                format!("/api/v1/tenders/{id}/opening"),
                format!("/api/v1/tenders/{id}/sealing"),
                format!("/api/v1/audit/chains/bid:{}", receipt["bid_id"]),
                format!("/api/v1/tenders/{id}/bids/{}/documents", receipt["bid_id"]),
                format!(
                    "/api/v1/tenders/{id}/bids/{}/documents/0",
                    receipt["bid_id"]
                ),
            ] {
                let text = app
                    .client()
                    .get(app.url(&path))
                    .bearer_auth(&token)
                    .send()
                    .await
                    .expect("get")
                    .text()
                    .await
                    .expect("text");
                assert!(
                    !text.contains(SECRET_PRICE) && !text.contains(SECRET_TEXT),
                    "{path} as {who}"
                );
            }
        }

        // Someone with the database alters Constructora Sol's envelope.
        {
            let mut conn = app.app.db.get().expect("conn");
            let bid_id = sol_receipt["bid_id"].as_i64().expect("id");
            let mut envelope: Vec<u8> = backend::schema::bids::table
                .find(bid_id)
                .select(backend::schema::bids::envelope)
                .first(&mut *conn)
                .expect("envelope");
            let last = envelope.len() - 1;
            envelope[last] ^= 1;
            diesel::update(backend::schema::bids::table.find(bid_id))
                .set(backend::schema::bids::envelope.eq(envelope))
                .execute(&mut *conn)
                .expect("tamper");
        }

        // Proofs exist from the deadline; bids stop exactly at it.
        let proof_path = format!("/api/v1/bids/{}/proof", receipt["bid_id"]);
        let early = app
            .client()
            .get(app.url(&proof_path))
            .bearer_auth(&andina)
            .send()
            .await
            .expect("proof");
        assert_eq!(early.status(), 422);
        app.set_clock(deadline);
        let late = app
            .bid(
                &app.token(SUPPLIER).await,
                id,
                &bid_body("5.00", None),
                None,
            )
            .await;
        assert_eq!(late.status(), 422);
        let late: Value = late.json().await.expect("problem");
        assert_eq!(
            error_codes(&late),
            [("bid".to_owned(), "deadline_passed".to_owned())]
        );
        let andina = app.token(SUPPLIER).await;
        let proof: Value = app
            .client()
            .get(app.url(&proof_path))
            .bearer_auth(&andina)
            .send()
            .await
            .expect("proof")
            .json()
            .await
            .expect("json");
        assert_eq!(
            proof["tree_size"], 2,
            "the withdrawn bid is not frozen: {proof}"
        );
        let proof_struct: backend::bids::InclusionProof =
            serde_json::from_value(proof.clone()).expect("proof shape");
        assert!(proof_struct.verifies());
        let included = verify(json!({"receipt": receipt, "proof": proof})).await;
        assert_eq!(included["included"], true, "{included}");
        let mut forged = proof.clone();
        forged["envelope_sha256"] = json!("11".repeat(32));
        assert_eq!(
            verify(json!({"receipt": receipt, "proof": forged})).await["included"],
            false
        );
        let root = app
            .get_json(&format!("/api/v1/tenders/{id}/sealing"), &andina)
            .await["merkle_root"]
            .clone();
        assert_eq!(root, proof["merkle_root"]);

        // The opening: not before its time; a wrong passphrase says nothing; k − 1 opens nothing.
        let not_yet = app.give_share(OFFICER, id, PASSPHRASE).await;
        assert_eq!(not_yet.status(), 422);
        app.set_clock(opening_at);
        let wrong = app.give_share(OFFICER, id, "not-the-passphrase").await;
        assert_eq!(wrong.status(), 422);
        let wrong = wrong.text().await.expect("text");
        assert!(
            wrong.contains("passphrase_wrong") && !wrong.contains(SECRET_PRICE),
            "{wrong}"
        );
        let outsider = app.give_share(MINSA_OFFICER, id, PASSPHRASE).await;
        assert_eq!(outsider.status(), 403, "not on the committee");
        let one = app.give_share(LIMA_OFFICER_3, id, PASSPHRASE).await;
        assert_eq!(one.status(), 200);
        let one: Value = one.json().await.expect("status");
        assert_eq!(one["still_needed"], 1, "{one}");
        assert!(one["transcript"].is_null());
        assert!(!one.to_string().contains(SECRET_PRICE));
        let again = app.give_share(LIMA_OFFICER_3, id, PASSPHRASE).await;
        assert_eq!(again.status(), 422, "a member gives one share");
        assert!(
            !contains(&app.everything_at_rest(), SECRET_PRICE),
            "k - 1 shares open nothing"
        );
        let two = app.give_share(OFFICER, id, PASSPHRASE).await;
        assert_eq!(two.status(), 200);
        let opened: Value = two.json().await.expect("status");
        assert_eq!(opened["status"], "opened", "{opened}");
        let transcript = &opened["transcript"];
        assert_eq!(transcript["merkle_root"], root);
        assert_eq!(transcript["root_matches"], true);
        let bids = transcript["bids"].as_array().expect("bids");
        assert_eq!(bids.len(), 2, "{transcript}");
        assert_eq!(bids[0]["supplier_ruc"], ANDINA_RUC);
        assert_eq!(bids[0]["result"], "opened");
        assert_eq!(bids[0]["prices"][0]["amount"], SECRET_PRICE);
        assert_eq!(bids[0]["documents"][0]["name"], "tecnica.pdf");
        assert_eq!(
            bids[1]["result"], "tampered",
            "the altered envelope is caught"
        );
        assert!(bids[1]["prices"].as_array().is_some_and(Vec::is_empty));
        let members = transcript["members_present"].as_array().expect("members");
        assert_eq!(members.len(), 2);
        let third = app.give_share(LIMA_OFFICER_2, id, PASSPHRASE).await;
        assert_eq!(third.status(), 422, "already opened");
        // The public sees the transcript, signed in or not.
        let public: Value = app
            .get_public(&format!("/api/v1/tenders/{id}/opening"))
            .await;
        assert_eq!(
            public["transcript"]["bids"][0]["prices"][0]["amount"],
            SECRET_PRICE
        );
        // Now the evaluating officer reads the technical document as it was sent; the
        // public does not.
        let document = format!(
            "/api/v1/tenders/{id}/bids/{}/documents/0",
            receipt["bid_id"]
        );
        let read = app
            .client()
            .get(app.url(&document))
            .bearer_auth(app.token(OFFICER).await)
            .send()
            .await
            .expect("get");
        assert_eq!(read.status(), 200);
        // An opened bid's document is never kept by the browser of a shared PC.
        assert_eq!(read.headers()["cache-control"], "no-store");
        assert_eq!(read.bytes().await.expect("bytes").to_vec(), secret_pdf());
        let anonymous = app
            .client()
            .get(app.url(&document))
            .send()
            .await
            .expect("get");
        assert_eq!(anonymous.status(), 401);
        app.stop().await;
    }
}

#[tokio::test]
async fn the_deadline_is_exact_and_the_refusal_names_the_server_time() {
    for db in backends() {
        let app = TestApp::spawn_cast(db, crate::build::BIDDING_CAST).await;
        let (id, deadline, _) = app
            .sealed_tender("Mobiliario escolar para instituciones educativas")
            .await;
        app.set_clock(deadline - Duration::milliseconds(1));
        let token = app.token(SUPPLIER).await;
        let before = app
            .bid(
                &token,
                id,
                &bid_body("100.00", None),
                Some("ultimo-segundo"),
            )
            .await;
        assert_eq!(before.status(), 201, "one millisecond before the deadline");
        let receipt: Value = before.json().await.expect("receipt");
        let expected = (deadline - Duration::milliseconds(1))
            .format("%Y-%m-%dT%H:%M:%S%.6fZ")
            .to_string();
        assert_eq!(
            receipt["server_time"],
            expected.as_str(),
            "the receipt carries the server time"
        );
        app.set_clock(deadline);
        let sol = app.token(OTHER_OWNER).await;
        for at in [
            Duration::zero(),
            Duration::microseconds(1),
            Duration::minutes(5),
        ] {
            app.set_clock(deadline + at);
            let refused = app.bid(&sol, id, &bid_body("99.00", None), None).await;
            assert_eq!(refused.status(), 422, "{at} after");
            let text = refused.text().await.expect("text");
            assert!(text.contains("deadline_passed"), "{text}");
            let lima_deadline = (deadline - Duration::hours(5))
                .format("%Y-%m-%d %H:%M")
                .to_string();
            assert!(
                text.contains(&lima_deadline),
                "names the deadline in Lima: {text}"
            );
        }
        // The company's client lost the answer and retries after the deadline with the same
        // key: it gets its receipt back, not a refusal that would say the bid is not in.
        let retried = app
            .bid(
                &token,
                id,
                &bid_body("100.00", None),
                Some("ultimo-segundo"),
            )
            .await;
        assert_eq!(retried.status(), 201);
        assert_eq!(retried.json::<Value>().await.expect("receipt"), receipt);
        let fresh = app
            .bid(&token, id, &bid_body("100.00", None), Some("otra-clave"))
            .await;
        assert_eq!(
            fresh.status(),
            422,
            "a new key after the deadline is refused"
        );
        let withdraw = app
            .client()
            .delete(app.url(&format!("/api/v1/tenders/{id}/bids/{}", receipt["bid_id"])))
            .bearer_auth(&app.token(SUPPLIER).await)
            .send()
            .await
            .expect("withdraw");
        assert_eq!(withdraw.status(), 422, "no withdrawal after the deadline");
        app.stop().await;
    }
}

#[tokio::test]
async fn a_material_amendment_requires_reconfirmation_or_the_bid_is_not_opened() {
    for db in backends() {
        let app = TestApp::spawn_cast(db, crate::build::BIDDING_CAST).await;
        let (id, deadline, opening_at) = app
            .sealed_tender("Equipos de cómputo para el archivo central")
            .await;
        let andina = app.token(SUPPLIER).await;
        let sol = app.token(OTHER_OWNER).await;
        let a: Value = app
            .bid(&andina, id, &bid_body("111.00", None), None)
            .await
            .json()
            .await
            .expect("a");
        let s: Value = app
            .bid(&sol, id, &bid_body("222.00", None), None)
            .await
            .json()
            .await
            .expect("s");
        app.advance(Duration::hours(1));
        let officer = app.token(OFFICER).await;
        let amended = app
            .post_json(
                &format!("/api/v1/tenders/{id}/amendments"),
                &officer,
                &json!({"rationale": "Se corrigen las especificaciones técnicas del ítem 1.", "material": true,
                        "description": "Adquisición de computadoras portátiles con garantía de cinco años para las oficinas de atención."}),
            )
            .await;
        assert_eq!(amended.status(), 200, "{:?}", amended.text().await);
        let mine = app
            .get_json(&format!("/api/v1/tenders/{id}/bids"), &andina)
            .await;
        assert_eq!(mine[0]["needs_confirmation"], true, "{mine}");
        let confirmed = app
            .post_json(
                &format!("/api/v1/tenders/{id}/bids/{}/confirm", a["bid_id"]),
                &andina,
                &json!({}),
            )
            .await;
        assert_eq!(confirmed.status(), 204);
        let mine = app
            .get_json(&format!("/api/v1/tenders/{id}/bids"), &andina)
            .await;
        assert_eq!(mine[0]["needs_confirmation"], false);
        app.set_clock(opening_at.max(deadline));
        app.give_share(OFFICER, id, PASSPHRASE).await;
        let opened: Value = app
            .give_share(LIMA_OFFICER_2, id, PASSPHRASE)
            .await
            .json()
            .await
            .expect("opened");
        let bids = opened["transcript"]["bids"]
            .as_array()
            .expect("bids")
            .clone();
        let result = |bid: &Value| {
            bids.iter()
                .find(|b| b["bid_id"] == bid["bid_id"])
                .map(|b| b["result"].as_str().unwrap_or("").to_owned())
        };
        assert_eq!(result(&a).as_deref(), Some("opened"));
        assert_eq!(result(&s).as_deref(), Some("unconfirmed"));
        app.stop().await;
    }
}

/// An amendment racing bids is ordered with them: a bid the record holds before a material
/// amendment must be confirmed again, and the tender's chain never goes back in time (the
/// attack: an amendment that read its time before waiting for the bids in flight was dated
/// before bids it committed after, which then counted as made on the new terms).
#[tokio::test]
async fn an_amendment_racing_bids_is_ordered_with_them_and_its_record_never_goes_back_in_time() {
    for db in backends() {
        let app = TestApp::spawn_cast(db, crate::build::BIDDING_CAST).await;
        let (id, _, _) = app
            .sealed_tender("Mobiliario para las agencias municipales")
            .await;
        let andina = app.token(SUPPLIER).await;
        let sol = app.token(OTHER_OWNER).await;
        let officer = app.token(OFFICER).await;
        let second = app.token(LIMA_OFFICER_2).await;
        let mut first = Vec::new();
        for token in [&andina, &sol] {
            let receipt: Value = app
                .bid(token, id, &bid_body("150.00", None), None)
                .await
                .json()
                .await
                .expect("receipt");
            first.push(receipt["bid_id"].as_i64().expect("bid id"));
        }
        // The clock moves while the requests wait for one another.
        let ticking = {
            let clock = app.clock.clone();
            tokio::spawn(async move {
                loop {
                    clock.advance(Duration::milliseconds(1));
                    tokio::time::sleep(std::time::Duration::from_millis(1)).await;
                }
            })
        };
        let mut racers = tokio::task::JoinSet::new();
        for (token, mut live) in [(andina.clone(), first[0]), (sol.clone(), first[1])] {
            let (client, base) = (app.client(), app.url(""));
            racers.spawn(async move {
                for round in 0..6 {
                    let body = bid_body(&format!("{}.00", 140 - round), None);
                    let replaced = client
                        .put(format!("{base}/api/v1/tenders/{id}/bids/{live}"))
                        .bearer_auth(&token)
                        .json(&body)
                        .send()
                        .await
                        .expect("replace");
                    let status = replaced.status().as_u16();
                    let answer: Value = replaced.json().await.expect("json");
                    match status {
                        201 => live = answer["bid_id"].as_i64().expect("bid id"),
                        409 => assert_eq!(
                            answer["errors"][0]["code"], "tender_amended_while_sealing",
                            "{answer}"
                        ),
                        other => panic!("replacement answered {other}: {answer}"),
                    }
                }
            });
        }
        for (n, (token, material)) in [
            (officer.clone(), true),
            (second.clone(), false),
            (officer.clone(), true),
        ]
        .into_iter()
        .enumerate()
        {
            let (client, base) = (app.client(), app.url(""));
            racers.spawn(async move {
                let amended = client
                    .post(format!("{base}/api/v1/tenders/{id}/amendments"))
                    .bearer_auth(&token)
                    .json(&json!({"rationale": "Se precisan las medidas del mobiliario.", "material": material,
                                  "description": format!("Adquisición de {} escritorios y sillas ergonómicas para las agencias municipales de atención.", 20 + n)}))
                    .send()
                    .await
                    .expect("amend");
                assert_eq!(amended.status(), 200, "{:?}", amended.text().await);
            });
        }
        while let Some(done) = racers.join_next().await {
            done.expect("racer");
        }
        ticking.abort();
        let auditor = app.token(AUDITOR).await;
        let timeline = app
            .get_json(&format!("/api/v1/audit/tenders/{id}/timeline"), &auditor)
            .await;
        let events = timeline["events"].as_array().expect("events").clone();
        let time = |e: &Value| {
            chrono::DateTime::parse_from_rfc3339(e["occurred_at"].as_str().expect("time"))
                .expect("an RFC 3339 time")
        };
        let tender_chain = format!("tender:{id}");
        let mut chain: Vec<&Value> = events
            .iter()
            .filter(|e| e["chain"] == tender_chain)
            .collect();
        chain.sort_by_key(|e| e["seq"].as_i64());
        for pair in chain.windows(2) {
            assert!(
                time(pair[0]) <= time(pair[1]),
                "{db:?}: the tender's record goes back in time: {} then {}",
                pair[0],
                pair[1]
            );
        }
        let last_material = chain
            .iter()
            .filter(|e| e["action"] == "tender.amended" && e["payload"]["material"] == true)
            .map(|e| e["id"].as_i64().expect("id"))
            .max()
            .expect("a material amendment");
        for token in [&andina, &sol] {
            let mine = app
                .get_json(&format!("/api/v1/tenders/{id}/bids"), token)
                .await;
            let live = mine
                .as_array()
                .expect("bids")
                .iter()
                .find(|b| b["status"] == "submitted")
                .expect("a live bid")
                .clone();
            let recorded = events
                .iter()
                .filter(|e| e["chain"] == format!("bid:{}", live["id"]))
                .map(|e| e["id"].as_i64().expect("id"))
                .min()
                .expect("the bid's first event");
            assert_eq!(
                live["needs_confirmation"],
                recorded < last_material,
                "{db:?}: a bid recorded before the material amendment must be confirmed again: {live}"
            );
        }
        app.stop().await;
    }
}

/// Registers and verifies `n` companies; their owners' tokens.
pub async fn verified_companies(app: &TestApp, n: u32) -> Vec<String> {
    let registry = {
        let state = app.app.clone();
        state
            .db
            .run(|conn| {
                let id: backend::domain::UserId = backend::schema::users::table
                    .filter(backend::schema::users::email.eq(REGISTRY_OFFICER))
                    .select(backend::schema::users::id)
                    .first(conn)?;
                backend::auth::load_user(conn, id)
            })
            .await
            .expect("registry officer")
    };
    let mut tokens = Vec::new();
    for i in 0..n {
        let email = format!("ventas{i}@rush.pe");
        let input: backend::suppliers::RegistrationInput = serde_json::from_value(registration(
            &ruc("20", 70_000 + i),
            &format!("Proveedora Rush {i} SAC"),
            &email,
        ))
        .expect("registration");
        let (supplier, _) = backend::suppliers::register(
            &app.app,
            input.parse().expect("valid"),
            backend::accounts::Verification::AlreadyVerified,
            &format!("test-{i}"),
        )
        .await
        .expect("register")
        .expect("a new owner");
        let state = app.app.clone();
        let officer = registry.clone();
        app.app
            .db
            .run(move |conn| {
                backend::suppliers::decide_in(
                    &state,
                    conn,
                    &officer,
                    supplier.id,
                    &backend::suppliers::Decision::Verify,
                )
                .map(|_| ())
            })
            .await
            .expect("verify");
        tokens.push(app.token_with(&email, "clave de prueba larga").await);
    }
    tokens
}

#[tokio::test]
async fn concurrent_bids_all_land_once_and_a_retried_key_makes_one_bid() {
    for db in backends() {
        let app = TestApp::spawn_cast(db, crate::build::BIDDING_CAST).await;
        let (id, _, _) = app
            .sealed_tender("Servicio de limpieza de locales municipales")
            .await;
        let tokens = verified_companies(&app, 12).await;
        let runs = tokens.iter().enumerate().map(|(i, t)| {
            let app = &app;
            async move {
                let r = app
                    .bid(t, id, &bid_body(&format!("{}.00", 1000 + i), None), None)
                    .await;
                (
                    r.status().as_u16(),
                    r.json::<Value>().await.expect("receipt"),
                )
            }
        });
        let results = futures_util::future::join_all(runs).await;
        assert!(results.iter().all(|(s, _)| *s == 201), "{results:?}");
        let mut ids: Vec<i64> = results
            .iter()
            .map(|(_, r)| r["bid_id"].as_i64().expect("id"))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 12);
        // One company retries one request eight times at once.
        let andina = app.token(SUPPLIER).await;
        let retries = (0..8).map(|_| {
            let (app, andina) = (&app, &andina);
            async move {
                let r = app
                    .bid(andina, id, &bid_body("777.00", None), Some("andina-rush-1"))
                    .await;
                (r.status().as_u16(), r.json::<Value>().await.expect("json"))
            }
        });
        let retried = futures_util::future::join_all(retries).await;
        assert!(retried.iter().all(|(s, _)| *s == 201), "{retried:?}");
        assert!(
            retried
                .iter()
                .all(|(_, r)| r["bid_id"] == retried[0].1["bid_id"]),
            "{retried:?}"
        );
        let state = app.app.clone();
        let count: i64 = state
            .db
            .run(move |conn| {
                Ok(backend::schema::bids::table
                    .filter(backend::schema::bids::tender_id.eq(id))
                    .count()
                    .get_result(conn)?)
            })
            .await
            .expect("count");
        assert_eq!(count, 13, "12 companies and one retried request");
        app.stop().await;
    }
}

#[tokio::test]
async fn every_bid_and_opening_route_answers_each_role_as_it_should() {
    for db in backends() {
        let app = TestApp::spawn_cast(db, crate::build::BIDDING_CAST).await;
        let (id, _, _) = app
            .sealed_tender("Útiles de oficina para las gerencias municipales")
            .await;
        let andina = app.token(SUPPLIER).await;
        let receipt: Value = app
            .bid(&andina, id, &bid_body("10.00", None), None)
            .await
            .json()
            .await
            .expect("r");
        let bid = receipt["bid_id"].as_i64().expect("id");
        let body = bid_body("12.00", None);
        let share = json!({"passphrase": "not-the-passphrase"});
        // Columns: ROLES.
        let api: Vec<(&str, String, Value, [u16; 7])> = vec![
            (
                "POST",
                format!("/api/v1/tenders/{id}/bids"),
                body.clone(),
                [401, 403, 403, 403, 403, 201, 422],
            ),
            (
                "GET",
                format!("/api/v1/tenders/{id}/bids"),
                Value::Null,
                [401, 403, 403, 403, 403, 200, 200],
            ),
            (
                "PUT",
                format!("/api/v1/tenders/{id}/bids/{bid}"),
                body.clone(),
                [401, 403, 403, 403, 403, 404, 422],
            ),
            (
                "DELETE",
                format!("/api/v1/tenders/{id}/bids/{bid}"),
                Value::Null,
                [401, 403, 403, 403, 403, 404, 404],
            ),
            (
                "POST",
                format!("/api/v1/tenders/{id}/bids/{bid}/confirm"),
                json!({}),
                [401, 403, 403, 403, 403, 404, 404],
            ),
            (
                "GET",
                format!("/api/v1/bids/{bid}/proof"),
                Value::Null,
                // Before the opening only the bidder may learn the bid exists.
                [401, 404, 404, 404, 404, 404, 404],
            ),
            (
                "GET",
                "/api/v1/me/bids".into(),
                Value::Null,
                [401, 403, 403, 403, 403, 200, 200],
            ),
            (
                "GET",
                "/api/v1/me/opening-key".into(),
                Value::Null,
                [401, 403, 200, 200, 200, 403, 403],
            ),
            (
                "PUT",
                "/api/v1/me/opening-key".into(),
                json!({"passphrase": "corta"}),
                [401, 403, 422, 422, 422, 403, 403],
            ),
            (
                "GET",
                format!("/api/v1/tenders/{id}/opening"),
                Value::Null,
                [200, 200, 200, 200, 200, 200, 200],
            ),
            (
                "POST",
                format!("/api/v1/tenders/{id}/opening"),
                share.clone(),
                [401, 403, 403, 422, 403, 403, 403],
            ),
            (
                "GET",
                format!("/api/v1/tenders/{id}/sealing"),
                Value::Null,
                [200, 200, 200, 200, 200, 200, 200],
            ),
            (
                "GET",
                "/api/v1/receipts/key".into(),
                Value::Null,
                [200, 200, 200, 200, 200, 200, 200],
            ),
            (
                "POST",
                "/api/v1/receipts/verify".into(),
                receipt.clone(),
                [200, 200, 200, 200, 200, 200, 200],
            ),
        ];
        let none = reqwest::Client::new();
        for (column, (role, email)) in ROLES.iter().enumerate() {
            let token = match email {
                Some(e) => Some(app.token(e).await),
                None => None,
            };
            assert_role_column(
                &app,
                column,
                role,
                token.as_deref(),
                &none,
                &api,
                &[] as &[(&str, [u16; 7])],
            )
            .await;
        }
        // The bid's own company may do what the others may not (before the deadline).
        let replaced = app
            .client()
            .put(app.url(&format!("/api/v1/tenders/{id}/bids/{bid}")))
            .bearer_auth(&andina)
            .json(&body)
            .send()
            .await
            .expect("replace");
        assert_eq!(replaced.status(), 201);
        app.stop().await;
    }
}

/// A page's form post in a matrix: path, fields, whether multipart, status per role.
type PagePost<'a> = (String, Vec<(&'a str, &'a str)>, bool, [u16; 7]);

/// A form post through the pages as `client`, with a CSRF token of its own session; the
/// status. `multipart` sends the fields as the bid form does.
async fn page_post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
    multipart: bool,
) -> u16 {
    let csrf = csrf_from(&page_text(client, app.url("/recibos/verificar")).await);
    let request = client.post(app.url(path));
    let request = if multipart {
        let mut form = reqwest::multipart::Form::new().text("csrf_token", csrf);
        for (k, v) in fields {
            form = form.text((*k).to_owned(), (*v).to_owned());
        }
        request.multipart(form)
    } else {
        let mut all = vec![("csrf_token", csrf.as_str())];
        all.extend_from_slice(fields);
        request.form(&all)
    };
    request.send().await.expect("post").status().as_u16()
}

#[tokio::test]
async fn every_bid_and_opening_page_answers_each_role_as_it_should() {
    for db in backends() {
        let app = TestApp::spawn_cast(db, crate::build::BIDDING_CAST).await;
        let (id, _, _) = app
            .sealed_tender("Papelería para las agencias municipales")
            .await;
        let andina = app.token(SUPPLIER).await;
        let bid = app
            .bid(&andina, id, &bid_body("10.00", None), None)
            .await
            .json::<Value>()
            .await
            .expect("receipt")["bid_id"]
            .as_i64()
            .expect("id");
        let form = format!("/licitaciones/{id}/oferta");
        let bid_fields = [
            ("price_1", "11.00"),
            ("declaration_truthful", "1"),
            ("declaration_not_debarred", "1"),
            ("declaration_no_conflict_of_interest", "1"),
            ("declaration_accepts_terms", "1"),
        ];
        // Columns: ROLES.
        let gets: Vec<(String, [u16; 7])> = vec![
            (form.clone(), [303, 403, 403, 403, 403, 200, 200]),
            (format!("/licitaciones/{id}/apertura"), [200; 7]),
            ("/mis-ofertas".into(), [303, 403, 403, 403, 403, 200, 200]),
            (
                format!("/mis-ofertas/{bid}/constancia.json"),
                [303, 403, 403, 403, 403, 404, 404],
            ),
            (
                // As in the API: the buyer's officers and auditors may fetch a proof too,
                // once the bids are opened (until then, the answer to no such bid).
                format!("/mis-ofertas/{bid}/prueba.json"),
                [303, 404, 404, 404, 404, 404, 404],
            ),
            ("/recibos/verificar".into(), [200; 7]),
            (
                "/cuenta/clave-apertura".into(),
                [303, 403, 200, 200, 200, 403, 403],
            ),
        ];
        let posts: Vec<PagePost> = vec![
            // A bid is sealed and shown back for review (200); a pending company may not bid.
            (
                form.clone(),
                bid_fields.to_vec(),
                true,
                [303, 403, 403, 403, 403, 200, 422],
            ),
            (
                format!("{form}/sellar"),
                vec![("token", "no-es-una-revision")],
                false,
                [303, 403, 403, 403, 403, 422, 422],
            ),
            (
                format!("{form}/{bid}/retirar"),
                vec![],
                false,
                [303, 403, 403, 403, 403, 404, 404],
            ),
            (
                format!("{form}/{bid}/confirmar"),
                vec![],
                false,
                [303, 403, 403, 403, 403, 404, 404],
            ),
            (
                format!("/licitaciones/{id}/apertura"),
                vec![("passphrase", "no-es-la-frase")],
                false,
                [303, 403, 403, 422, 403, 403, 403],
            ),
            (
                "/cuenta/clave-apertura".into(),
                vec![("passphrase", "corta")],
                false,
                [303, 403, 422, 422, 422, 403, 403],
            ),
            (
                "/recibos/verificar".into(),
                vec![("receipt", "{}"), ("proof", "")],
                false,
                [422; 7],
            ),
        ];
        let mut wrong = Vec::new();
        for (column, (role, email)) in ROLES.iter().enumerate() {
            let client = match email {
                Some(e) => page_login(&app, e, DEMO_PASSWORD).await,
                None => app.client(),
            };
            assert_role_column(
                &app,
                column,
                role,
                None,
                &client,
                &[] as &[(&str, &str, Value, [u16; 7])],
                &gets,
            )
            .await;
            for (path, fields, multipart, expected) in &posts {
                let got = page_post(&app, &client, path, fields, *multipart).await;
                if got != expected[column] {
                    wrong.push(format!(
                        "POST {path} as {role}: {got}, not {}",
                        expected[column]
                    ));
                }
            }
        }
        assert!(wrong.is_empty(), "{:?}:\n{}", app.db, wrong.join("\n"));
        // Nobody else touched Andina's bid; Andina itself may withdraw it.
        let mine = app
            .get_json(&format!("/api/v1/tenders/{id}/bids"), &andina)
            .await;
        assert_eq!(mine[0]["status"], "submitted", "{mine}");
        let owner = page_login(&app, SUPPLIER, DEMO_PASSWORD).await;
        assert_eq!(
            page_post(&app, &owner, &format!("{form}/{bid}/retirar"), &[], false).await,
            303
        );
        let mine = app
            .get_json(&format!("/api/v1/tenders/{id}/bids"), &andina)
            .await;
        assert_eq!(mine[0]["status"], "withdrawn", "{mine}");
        app.stop().await;
    }
}

/// Starts `licita serve` on `database_url` and waits for /health; the child and its port.
fn serve(dir: &std::path::Path, database_url: &str) -> (std::process::Child, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    std::fs::write(dir.join("none.toml"), "").expect("config");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_licita"))
        .env("LICITA_CONFIG", dir.join("none.toml"))
        .env("LICITA_DATA_DIR", dir.join("data"))
        .env("LICITA_DATABASE_URL", database_url)
        .env("LICITA_BIND", format!("127.0.0.1:{port}"))
        .env("LICITA_MAIL_TRANSPORT", "file")
        .env("LICITA_MAIL_CLAIM_TIMEOUT_SECS", "5")
        .env("LICITA_OPENING_KEY_WORK_FACTOR", "10")
        .env("LICITA_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn licita serve");
    for _ in 0..600 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return (child, port);
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("licita serve did not listen on {port}");
}

async fn login(client: &reqwest::Client, base: &str, email: &str) -> String {
    let body: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": email, "password": DEMO_PASSWORD}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("json");
    body["token"].as_str().expect("token").to_owned()
}

#[tokio::test]
async fn after_a_sigkill_mid_burst_every_receipted_bid_is_there_and_opens() {
    for db in backends() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (database_url, _) = fresh_database(db, dir.path());
        let (mut child, port) = serve(dir.path(), &database_url);
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        let page: Value = client
            .get(format!("{base}/api/v1/tenders?status=open&per_page=50"))
            .send()
            .await
            .expect("search")
            .json()
            .await
            .expect("json");
        let tenders: Vec<i64> = page["tenders"]
            .as_array()
            .expect("tenders")
            .iter()
            .filter_map(|t| t["id"].as_i64())
            .collect();
        assert!(tenders.len() >= 5, "{page}");
        let tokens = [
            login(&client, &base, SUPPLIER).await,
            login(&client, &base, OTHER_OWNER).await,
        ];
        // Every (tender, company) pair submits at once; the server dies part-way through.
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Value>();
        let mut tasks = Vec::new();
        for (i, t) in tenders.iter().enumerate() {
            for token in &tokens {
                let (client, base, token, tx, t) =
                    (client.clone(), base.clone(), token.clone(), tx.clone(), *t);
                tasks.push(tokio::spawn(async move {
                    tokio::time::sleep(std::time::Duration::from_millis(15 * i as u64)).await;
                    let body = json!({"lots": [{"lot": 1, "amount": format!("{}.50", 1000 + i)}],
                                      "declarations": all_declarations()});
                    if let Ok(r) = client
                        .post(format!("{base}/api/v1/tenders/{t}/bids"))
                        .bearer_auth(&token)
                        .json(&body)
                        .send()
                        .await
                        && r.status() == 201
                        && let Ok(receipt) = r.json::<Value>().await
                    {
                        let _ = tx.send(receipt);
                    }
                }));
            }
        }
        drop(tx);
        let mut receipts = Vec::new();
        while receipts.len() < 6 {
            receipts.push(rx.recv().await.expect("some bids land before the kill"));
        }
        let killed = std::process::Command::new("kill")
            .arg("-KILL")
            .arg(child.id().to_string())
            .status()
            .expect("kill");
        assert!(killed.success());
        let _ = child.wait();
        for t in tasks {
            let _ = t.await;
        }
        while let Ok(r) = rx.try_recv() {
            receipts.push(r);
        }
        assert!(
            receipts.len() < tenders.len() * 2,
            "the kill came mid-burst ({} of {})",
            receipts.len(),
            tenders.len() * 2
        );

        // The mail worker was busy too. Whatever it had claimed when it died stays claimed
        // ("sending") until its lease ends; make that state certain rather than lucky: the
        // last 10 messages claimed by the dead worker, the first 3 of them already written.
        let outbox = dir.path().join("data").join("outbox");
        let database = backend::db::Database::connect(&database_url, 1).expect("db");
        let claimed: Vec<i64> = {
            use backend::schema::outbox::dsl::*;
            let mut conn = database.get().expect("conn");
            let ids: Vec<i64> = outbox
                .order(id.desc())
                .limit(10)
                .select(id)
                .load(&mut *conn)
                .expect("rows");
            diesel::update(outbox.filter(id.eq_any(&ids)))
                .set((
                    status.eq("sending"),
                    next_attempt_at.eq(chrono::Utc::now().naive_utc() + Duration::seconds(5)),
                ))
                .execute(&mut *conn)
                .expect("claimed by the dead worker");
            ids
        };
        assert!(claimed.len() >= 6, "the burst queued receipts: {claimed:?}");
        std::fs::create_dir_all(&outbox).expect("outbox dir");
        for row in &claimed[..3] {
            std::fs::write(
                outbox.join(format!("outbox-{row}.eml")),
                "Message-ID: <written-before-the-crash>\r\n\r\nwritten by the worker that died",
            )
            .expect("file");
        }

        // After a restart each receipted bid is there, as its receipt says.
        let (mut child, port) = serve(dir.path(), &database_url);
        let base = format!("http://127.0.0.1:{port}");
        for r in &receipts {
            let check: Value = client
                .post(format!("{base}/api/v1/receipts/verify"))
                .json(r)
                .send()
                .await
                .expect("verify")
                .json()
                .await
                .expect("json");
            assert_eq!(check["signature_valid"], true, "{r}");
            assert_eq!(check["on_record"], true, "{r}");
            assert_eq!(check["status"], "submitted", "{r}");
        }
        // Every message is delivered once its dead worker's lease ends; none twice.
        let mut waiting = i64::MAX;
        for _ in 0..300 {
            use backend::schema::outbox::dsl::*;
            let mut conn = database.get().expect("conn");
            waiting = outbox
                .filter(status.ne("sent"))
                .count()
                .get_result(&mut *conn)
                .expect("count");
            if waiting == 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(
            waiting, 0,
            "every outbox row is delivered after the restart on {db:?}"
        );
        let rows: Vec<i64> = {
            use backend::schema::outbox::dsl::*;
            let mut conn = database.get().expect("conn");
            outbox.order(id).select(id).load(&mut *conn).expect("rows")
        };
        let mut files: Vec<String> = std::fs::read_dir(&outbox)
            .expect("outbox dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        let mut expected: Vec<String> = rows.iter().map(|r| format!("outbox-{r}.eml")).collect();
        expected.sort();
        assert_eq!(
            files, expected,
            "one file per outbox row, no temporary left"
        );
        for row in &claimed[..3] {
            let text =
                std::fs::read_to_string(outbox.join(format!("outbox-{row}.eml"))).expect("file");
            assert!(
                text.contains("written by the worker that died"),
                "not written twice"
            );
        }
        let redelivered =
            std::fs::read_to_string(outbox.join(format!("outbox-{}.eml", claimed[4])))
                .expect("file");
        assert!(
            redelivered.contains(&format!("Message-ID: <outbox-{}@", claimed[4])),
            "the same Message-ID as the first attempt had: {redelivered}"
        );
        let _ = std::process::Command::new("kill")
            .arg("-TERM")
            .arg(child.id().to_string())
            .status();
        let _ = child.wait();

        // Weeks later the committees open: every receipted bid opens.
        let settings = backend::config::Settings::from_lookup(|k| match k {
            "LICITA_CONFIG" => Some(dir.path().join("none.toml").display().to_string()),
            "LICITA_DATA_DIR" => Some(dir.path().join("data").display().to_string()),
            "LICITA_DATABASE_URL" => Some(database_url.clone()),
            "LICITA_MAIL_TRANSPORT" => Some("memory".into()),
            _ => None,
        })
        .expect("settings");
        let later = chrono::Utc::now() + Duration::days(90);
        let app = std::sync::Arc::new(
            tokio::task::spawn_blocking(move || {
                backend::App::start(
                    settings,
                    std::sync::Arc::new(backend::clock::ManualClock::new(later)),
                )
            })
            .await
            .expect("start")
            .expect("app"),
        );
        let mut with_bids: Vec<String> = receipts
            .iter()
            .map(|r| r["ocid"].as_str().unwrap_or("").to_owned())
            .collect();
        with_bids.sort();
        with_bids.dedup();
        for ocid in with_bids {
            let tender: backend::domain::TenderId = ocid
                .rsplit('-')
                .next()
                .and_then(|n| n.parse().ok())
                .expect("id");
            let members: Vec<backend::domain::UserId> = app
                .db
                .run(move |conn| {
                    Ok(backend::schema::tender_key_shares::table
                        .filter(backend::schema::tender_key_shares::tender_id.eq(tender))
                        .select(backend::schema::tender_key_shares::user_id)
                        .order(backend::schema::tender_key_shares::user_id)
                        .load(conn)?)
                })
                .await
                .expect("members");
            for m in &members[..2] {
                let m = *m;
                let user = app
                    .db
                    .run(move |conn| backend::auth::load_user(conn, m))
                    .await
                    .expect("member");
                backend::bids::opening::contribute(&app, &user, tender, PASSPHRASE)
                    .await
                    .expect("share");
            }
        }
        for r in &receipts {
            let id = r["bid_id"].as_i64().expect("id");
            let result: Option<String> = app
                .db
                .run(move |conn| {
                    Ok(backend::schema::bids::table
                        .find(id)
                        .select(backend::schema::bids::opening_result)
                        .first(conn)?)
                })
                .await
                .expect("result");
            assert_eq!(result.as_deref(), Some("opened"), "bid {id} on {db:?}");
        }
    }
}

#[tokio::test]
async fn through_the_pages_a_supplier_bids_and_two_members_open_in_spanish_and_english() {
    for db in backends() {
        let app = TestApp::spawn_cast(db, crate::build::BIDDING_CAST).await;
        let (id, deadline, opening_at) = app
            .sealed_tender("Mantenimiento de parques y jardines del Cercado")
            .await;
        let supplier = page_login(&app, SUPPLIER, DEMO_PASSWORD).await;
        let form = page_text(&supplier, app.url(&format!("/licitaciones/{id}/oferta"))).await;
        assert!(
            form.contains("name=\"price_1\"") && form.contains("declaration_truthful"),
            "{form}"
        );
        let csrf = csrf_from(&form);
        let multipart = |fields: &[(&str, &str)], files: &[(&str, Vec<u8>)]| {
            let mut form = reqwest::multipart::Form::new().text("csrf_token", csrf.clone());
            for (k, v) in fields {
                form = form.text(k.to_string(), v.to_string());
            }
            for (name, bytes) in files {
                form = form.part(
                    "documents",
                    reqwest::multipart::Part::bytes(bytes.clone()).file_name(name.to_string()),
                );
            }
            form
        };
        let declared = [
            ("declaration_truthful", "1"),
            ("declaration_not_debarred", "1"),
            ("declaration_no_conflict_of_interest", "1"),
            ("declaration_accepts_terms", "1"),
        ];
        let with = |extra: &[(&'static str, String)]| -> Vec<(&'static str, String)> {
            declared
                .iter()
                .map(|(k, v)| (*k, v.to_string()))
                .chain(extra.iter().cloned())
                .collect()
        };
        let post = |fields: Vec<(&'static str, String)>, files: Vec<(&'static str, Vec<u8>)>| {
            let borrowed: Vec<(&str, &str)> =
                fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            supplier
                .post(app.url(&format!("/licitaciones/{id}/oferta")))
                .multipart(multipart(&borrowed, &files))
                .send()
        };
        let review_of = |fields: Vec<(&'static str, String)>,
                         files: Vec<(&'static str, Vec<u8>)>| {
            let request = post(fields, files);
            async move { request.await.expect("post").text().await.expect("text") }
        };
        let live_bids = || async {
            app.get_json(
                &format!("/api/v1/tenders/{id}/bids"),
                &app.token(SUPPLIER).await,
            )
            .await
        };
        // A forgotten declaration and a price written the European way: the form comes back
        // naming both (450.000,00 was once sealed as 450.00).
        let refused = supplier
            .post(app.url(&format!("/licitaciones/{id}/oferta")))
            .multipart(multipart(
                &[("price_1", "987.654,32")],
                &[("propuesta-tecnica.pdf", crate::tenders::REAL_PDF.to_vec())],
            ))
            .send()
            .await
            .expect("post");
        assert_eq!(refused.status(), 422);
        let refused = refused.text().await.expect("text");
        assert!(
            refused.contains("error-summary")
                && refused.contains("Debe aceptar")
                && refused.contains("puede leerse como otro importe"),
            "{refused}"
        );
        // The file chosen is not silently lost: the form says to attach it again.
        assert!(
            refused.contains("vuelva a adjuntar sus archivos (propuesta-tecnica.pdf)"),
            "{refused}"
        );

        // The form is sealed at once but shown back: the price in figures and in words, the
        // documents with size and SHA-256. Nothing counts yet.
        let proposal = secret_pdf();
        let annex = crate::tenders::REAL_PDF.to_vec();
        let review = post(
            with(&[("price_1", SECRET_PRICE.to_owned())]),
            vec![
                ("propuesta.pdf", proposal.clone()),
                ("anexo.pdf", annex.clone()),
            ],
        )
        .await
        .expect("post");
        assert_eq!(review.status(), 200);
        let review = review.text().await.expect("text");
        assert!(review.contains("S/ 987,654.32"), "{review}");
        assert!(
            review.contains(
                "novecientos ochenta y siete mil seiscientos cincuenta y cuatro con 32/100 soles"
            ),
            "{review}"
        );
        let proposal_sha = hex::encode(Sha256::digest(&proposal));
        assert!(
            review.contains("propuesta.pdf") && review.contains(&proposal_sha),
            "{review}"
        );
        assert!(
            review.contains("Acepto las bases"),
            "the declarations are shown"
        );
        assert_eq!(
            live_bids().await.as_array().map(Vec::len),
            Some(0),
            "not yet a bid"
        );
        let token = |page: &str| {
            page.split("name=\"token\" value=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .expect("confirmation token")
                .to_owned()
        };
        let seal = |token: String| {
            supplier
                .post(app.url(&format!("/licitaciones/{id}/oferta/sellar")))
                .form(&[("csrf_token", csrf.clone()), ("token", token)])
                .send()
        };
        let first_token = token(&review);
        let sealed = seal(first_token.clone()).await.expect("seal");
        assert_eq!(sealed.status(), 200);
        let sealed = sealed.text().await.expect("text");
        assert!(sealed.contains("fue sellada y registrada"), "{sealed}");
        // The bidder's copy comes in this answer, and only in it.
        let copy_b64 = sealed
            .split("href=\"data:application/json;base64,")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("copy link");
        let copy: Value = serde_json::from_slice(&b64_decode(copy_b64)).expect("copy json");
        assert_eq!(copy["sealed"]["prices"][0]["amount"], SECRET_PRICE);
        assert_eq!(
            copy["sealed"]["documents"][0]["sha256"],
            proposal_sha.as_str()
        );
        let bids_now = live_bids().await;
        assert_eq!(bids_now.as_array().map(Vec::len), Some(1), "{bids_now}");
        assert_eq!(copy["receipt"], bids_now[0]["receipt"]);
        // The copy is checked as it was handed out: pasted, and uploaded as its file; a copy
        // whose receipt was edited is not.
        let copy_text = String::from_utf8(b64_decode(copy_b64)).expect("utf-8 copy");
        let mut tampered: Value = serde_json::from_str(&copy_text).expect("copy");
        tampered["receipt"]["supplier_ruc"] = json!("20100070970");
        let public = app.client();
        let csrf_public = csrf_from(&page_text(&public, app.url("/recibos/verificar")).await);
        let pasted = public
            .post(app.url("/recibos/verificar"))
            .form(&[
                ("csrf_token", csrf_public.as_str()),
                ("receipt", copy_text.as_str()),
                ("proof", ""),
            ])
            .send()
            .await
            .expect("verify")
            .text()
            .await
            .expect("text");
        assert!(
            pasted.contains("La firma es válida") && pasted.contains("está registrada"),
            "{db:?}: {pasted}"
        );
        for (file, valid) in [(copy_text.clone(), true), (tampered.to_string(), false)] {
            let verdict = upload_to_the_check(
                &public,
                &app,
                &csrf_public,
                file.into_bytes(),
                "oferta-copia.json",
                "application/json",
            )
            .await;
            assert_eq!(
                verdict.contains("La firma es válida"),
                valid,
                "{db:?} valid={valid}: {verdict}"
            );
            assert_eq!(verdict.contains("La firma NO es válida"), !valid, "{db:?}");
        }
        // A PDF chosen by mistake is named as not a receipt, never echoed back as bytes.
        let verdict = upload_to_the_check(
            &public,
            &app,
            &csrf_public,
            crate::tenders::REAL_PDF.to_vec(),
            "constancia.pdf",
            "application/pdf",
        )
        .await;
        assert!(
            verdict.contains("El archivo elegido no es una constancia")
                && !verdict.contains("%PDF"),
            "{db:?}: {verdict}"
        );
        // A file far larger than any receipt is called too large, not unreadable.
        let verdict = upload_to_the_check(
            &public,
            &app,
            &csrf_public,
            vec![b'{'; 300 * 1024],
            "constancia.json",
            "application/json",
        )
        .await;
        assert!(verdict.contains("demasiado grande"), "{db:?}: {verdict}");
        // A copy whose listed price was edited keeps a valid receipt: the page says what the
        // signature covers, and that the prices cannot be compared before the opening.
        let mut edited: Value = serde_json::from_str(&copy_text).expect("copy");
        edited["sealed"]["prices"][0]["amount"] = json!("1.00");
        let verdict = public
            .post(app.url("/recibos/verificar"))
            .form(&[
                ("csrf_token", csrf_public.as_str()),
                ("receipt", edited.to_string().as_str()),
                ("proof", ""),
            ])
            .send()
            .await
            .expect("verify")
            .text()
            .await
            .expect("text");
        assert!(
            verdict.contains("no los precios que la copia lista"),
            "{db:?}: {verdict}"
        );
        // The API takes the copy as it was handed out, too.
        let api = public
            .post(app.url("/api/v1/receipts/verify"))
            .json(&serde_json::from_str::<Value>(&copy_text).expect("copy"))
            .send()
            .await
            .expect("api verify");
        assert_eq!(api.status(), 200, "{db:?}");
        assert_eq!(
            api.json::<Value>().await.expect("json")["signature_valid"],
            true
        );
        let first_bid = bids_now[0]["id"].as_i64().expect("id");
        // Sealing again (a double click, a reload) makes no second bid.
        let again = seal(first_token)
            .await
            .expect("again")
            .text()
            .await
            .expect("text");
        assert!(again.contains("ya estaba sellada"), "{again}");
        assert_eq!(live_bids().await.as_array().map(Vec::len), Some(1));
        let mine = page_text(&supplier, app.url("/mis-ofertas")).await;
        assert!(
            mine.contains("propuesta.pdf") && mine.contains("anexo.pdf"),
            "{mine}"
        );

        // A replacement without files keeps both documents, and says so before sealing.
        let form = page_text(&supplier, app.url(&format!("/licitaciones/{id}/oferta"))).await;
        assert!(form.contains("Documentos de su oferta vigente"), "{form}");
        let review = review_of(
            with(&[
                ("price_1", "987,000.00".to_owned()),
                ("replaces", first_bid.to_string()),
            ]),
            Vec::new(),
        )
        .await;
        assert!(
            review.contains(&format!("conservado de su oferta n.º {first_bid}"))
                && review.contains("anexo.pdf"),
            "{review}"
        );
        assert!(
            review.contains(&format!("Reemplazará a su oferta n.º {first_bid}")),
            "{review}"
        );
        let sealed = seal_reviewed(&app, &supplier, id, &review).await;
        // Once sealed, the page says what happened, not what will.
        assert!(
            sealed.contains(&format!("Reemplazó a su oferta n.º {first_bid}"))
                && !sealed.contains("Reemplazará"),
            "{sealed}"
        );
        let second_bid = live_bids().await[0]["id"].as_i64().expect("id");
        assert_ne!(second_bid, first_bid);
        // A second replacement removes the annex explicitly and keeps the proposal.
        let annex_sha = hex::encode(Sha256::digest(&annex));
        let review = review_of(
            with(&[
                ("price_1", SECRET_PRICE.to_owned()),
                ("replaces", second_bid.to_string()),
                ("remove_document", annex_sha.clone()),
            ]),
            Vec::new(),
        )
        .await;
        assert!(
            review.contains("propuesta.pdf") && !review.contains("anexo.pdf"),
            "{review}"
        );
        seal_reviewed(&app, &supplier, id, &review).await;
        let count = live_bids().await;
        assert_eq!(
            count.as_array().map(Vec::len),
            Some(3),
            "three bids, one live: {count}"
        );
        assert_eq!(count[0]["status"], "submitted");
        assert_eq!(
            count[0]["documents"].as_array().map(Vec::len),
            Some(1),
            "{count}"
        );
        let live_id = count[0]["id"].as_i64().expect("id");
        let count = json!([count[0].clone()]);
        let receipt = serde_json::to_string(&count[0]["receipt"]).expect("receipt");
        let public = app.client();
        let checked = public
            .get(app.url("/recibos/verificar"))
            .send()
            .await
            .expect("verify page")
            .text()
            .await
            .expect("text");
        let csrf_public = csrf_from(&checked);
        let verdict = public
            .post(app.url("/recibos/verificar"))
            .form(&[
                ("csrf_token", csrf_public.as_str()),
                ("receipt", receipt.as_str()),
                ("proof", ""),
            ])
            .send()
            .await
            .expect("verify")
            .text()
            .await
            .expect("text");
        assert!(verdict.contains("La firma es válida"), "{verdict}");
        let tender_page = page_text(&public, app.url(&format!("/licitaciones/{id}"))).await;
        assert!(tender_page.contains("age1") && !shows_secret_price(&tender_page));

        // The opening, through the pages: one member in Spanish, the other in English.
        app.set_clock(opening_at.max(deadline));
        let first = page_login(&app, OFFICER, DEMO_PASSWORD).await;
        let opening = page_text(&first, app.url(&format!("/licitaciones/{id}/apertura"))).await;
        assert!(
            opening.contains("faltan 2 de 2") && !shows_secret_price(&opening),
            "{opening}"
        );
        let csrf = csrf_from(&opening);
        let wrong = first
            .post(app.url(&format!("/licitaciones/{id}/apertura")))
            .form(&[
                ("csrf_token", csrf.as_str()),
                ("passphrase", "equivocada-123"),
            ])
            .send()
            .await
            .expect("wrong");
        assert_eq!(wrong.status(), 422);
        assert!(
            wrong
                .text()
                .await
                .expect("text")
                .contains("La frase de apertura no es correcta")
        );
        let given = first
            .post(app.url(&format!("/licitaciones/{id}/apertura")))
            .form(&[("csrf_token", csrf.as_str()), ("passphrase", PASSPHRASE)])
            .send()
            .await
            .expect("share");
        assert_eq!(given.status(), 303);
        let given = page_text(&first, app.url(&format!("/licitaciones/{id}/apertura"))).await;
        assert!(
            given.contains("falta 1 de 2") && !shows_secret_price(&given),
            "{given}"
        );
        let second = page_login(&app, LIMA_OFFICER_2, DEMO_PASSWORD).await;
        second
            .get(app.url("/idioma/en"))
            .send()
            .await
            .expect("english");
        let opening = page_text(&second, app.url(&format!("/licitaciones/{id}/apertura"))).await;
        let csrf = csrf_from(&opening);
        let opened = second
            .post(app.url(&format!("/licitaciones/{id}/apertura")))
            .form(&[("csrf_token", csrf.as_str()), ("passphrase", PASSPHRASE)])
            .send()
            .await
            .expect("share");
        assert_eq!(opened.status(), 303);
        let opened = page_text(&second, app.url(&format!("/licitaciones/{id}/apertura"))).await;
        assert!(
            opened.contains("Opening transcript") && opened.contains(SECRET_PRICE_SHOWN),
            "{opened}"
        );
        assert!(
            opened.contains("propuesta.pdf") && opened.contains("Opened"),
            "{opened}"
        );
        assert!(
            !opened.contains("anexo.pdf"),
            "the removed annex is not opened: {opened}"
        );
        // The proposal the live bid kept (sealed two bids earlier) opens byte for byte.
        let officer = app.token(OFFICER).await;
        let docs = app
            .get_json(
                &format!("/api/v1/tenders/{id}/bids/{live_id}/documents"),
                &officer,
            )
            .await;
        assert_eq!(docs.as_array().map(Vec::len), Some(1), "{docs}");
        assert_eq!(docs[0]["sha256"], proposal_sha.as_str());
        let bytes = app
            .client()
            .get(app.url(&format!("/api/v1/tenders/{id}/bids/{live_id}/documents/0")))
            .bearer_auth(&officer)
            .send()
            .await
            .expect("download")
            .bytes()
            .await
            .expect("bytes");
        assert_eq!(bytes.as_ref(), proposal.as_slice());
        let anyone = page_text(&public, app.url(&format!("/licitaciones/{id}/apertura"))).await;
        assert!(anyone.contains("Acta de apertura") && anyone.contains(SECRET_PRICE_SHOWN));
        app.stop().await;
    }
}

#[tokio::test]
async fn an_api_replacement_keeps_the_documents_unless_removed_and_the_opening_reveals_them() {
    for db in backends() {
        let app = TestApp::spawn_cast(db, crate::build::BIDDING_CAST).await;
        let (id, deadline, opening_at) = app
            .sealed_tender("Uniformes para el personal de serenazgo")
            .await;
        let andina = app.token(SUPPLIER).await;
        let first = app
            .bid(
                &andina,
                id,
                &bid_body("100.00", Some(("propuesta.pdf", secret_pdf()))),
                None,
            )
            .await;
        assert_eq!(first.status(), 201);
        let first = first.json::<Value>().await.expect("receipt")["bid_id"]
            .as_i64()
            .expect("id");
        let replace = |bid: i64, body: Value| {
            let (app, andina) = (&app, andina.clone());
            async move {
                app.client()
                    .put(app.url(&format!("/api/v1/tenders/{id}/bids/{bid}")))
                    .bearer_auth(&andina)
                    .json(&body)
                    .send()
                    .await
                    .expect("put")
            }
        };
        let documents = || async {
            let mine = app
                .get_json(
                    &format!("/api/v1/tenders/{id}/bids"),
                    &app.token(SUPPLIER).await,
                )
                .await;
            let live = mine
                .as_array()
                .expect("bids")
                .iter()
                .find(|b| b["status"] == "submitted")
                .cloned()
                .expect("a live bid");
            (live["id"].as_i64().expect("id"), live["documents"].clone())
        };
        // Replaced with a new price and an annex only: the proposal is kept, by reference.
        let annex = crate::tenders::REAL_PDF.to_vec();
        let second = replace(first, bid_body("90.00", Some(("anexo.pdf", annex.clone())))).await;
        assert_eq!(second.status(), 201, "{:?}", second.text().await);
        let (second, docs) = documents().await;
        let names: Vec<&str> = docs
            .as_array()
            .expect("docs")
            .iter()
            .filter_map(|d| d["name"].as_str())
            .collect();
        assert_eq!(names, vec!["propuesta.pdf", "anexo.pdf"], "{docs}");
        assert_eq!(docs[0]["kept_from_bid"], first);
        // Removing a document the bid does not have is refused, naming it.
        let mut unknown = bid_body("90.00", None);
        unknown["remove_documents"] = json!(["00".repeat(32)]);
        let refused = replace(second, unknown).await;
        assert_eq!(refused.status(), 422);
        let problem: Value = refused.json().await.expect("problem");
        assert_eq!(
            problem["errors"][0]["code"], "document_not_in_bid",
            "{problem}"
        );
        // Removing the annex explicitly keeps the proposal alone.
        let mut without_annex = bid_body("95.00", None);
        without_annex["remove_documents"] = json!([hex::encode(Sha256::digest(&annex))]);
        let third = replace(second, without_annex).await;
        assert_eq!(third.status(), 201, "{:?}", third.text().await);
        let (third, docs) = documents().await;
        assert_eq!(docs.as_array().map(Vec::len), Some(1), "{docs}");
        assert_eq!(docs[0]["name"], "propuesta.pdf");

        // A competitor seals its own envelope claiming Andina's proposal by reference: an
        // envelope may only keep documents of its own company's bids.
        let sealing = app
            .get_public(&format!("/api/v1/tenders/{id}/sealing"))
            .await;
        let ocid = app.get_public(&format!("/api/v1/tenders/{id}")).await["ocid"]
            .as_str()
            .expect("ocid")
            .to_owned();
        let stolen = backend::bids::SealedBid {
            format: backend::bids::ENVELOPE_FORMAT.into(),
            ocid,
            supplier_ruc: "20601234565".into(),
            lots: vec![backend::bids::SealedPrice {
                lot: 1,
                amount: "80.00".into(),
                currency: "PEN".into(),
            }],
            declarations: backend::bids::DECLARATIONS.map(str::to_owned).to_vec(),
            documents: Vec::new(),
            carried_documents: vec![backend::bids::CarriedDocument {
                bid_id: backend::domain::BidId(first),
                position: 0,
                name: "propuesta.pdf".into(),
                size: secret_pdf().len() as i64,
                sha256: hex::encode(Sha256::digest(secret_pdf())),
            }],
        };
        let envelope =
            backend::bids::seal(&stolen, sealing["recipient"].as_str().expect("recipient"))
                .expect("seal");
        let sol = app
            .bid(
                &app.token(OTHER_OWNER).await,
                id,
                &json!({"envelope": b64(&envelope)}),
                None,
            )
            .await;
        assert_eq!(sol.status(), 201, "{:?}", sol.text().await);

        // The opening takes the proposal from the first envelope, checked by its SHA-256.
        app.set_clock(opening_at.max(deadline));
        for member in [OFFICER, LIMA_OFFICER_2] {
            let given = app.give_share(member, id, PASSPHRASE).await;
            assert!(given.status().is_success(), "{:?}", given.text().await);
        }
        let status = app
            .get_public(&format!("/api/v1/tenders/{id}/opening"))
            .await;
        let bids = status["transcript"]["bids"].as_array().expect("bids");
        let opened = bids
            .iter()
            .find(|b| b["bid_id"] == third)
            .expect("Andina's bid");
        let thief = bids
            .iter()
            .find(|b| b["bid_id"] != third)
            .expect("Sol's bid");
        assert_eq!(thief["result"], "invalid", "{status}");
        assert_eq!(thief["documents"], json!([]), "{status}");
        assert_eq!(opened["result"], "opened", "{status}");
        let names: Vec<&str> = opened["documents"]
            .as_array()
            .expect("docs")
            .iter()
            .filter_map(|d| d["name"].as_str())
            .collect();
        assert_eq!(names, vec!["propuesta.pdf"], "{status}");
        assert_eq!(
            opened["documents"][0]["sha256"],
            hex::encode(Sha256::digest(secret_pdf())).as_str()
        );
        app.stop().await;
    }
}

/// Sends the head and the first 64 KiB of a bid whose declared body is `length` bytes, and
/// returns the status line the server answered with before the rest was sent (or panics
/// after 10 s: the server was waiting to read it all).
async fn status_before_the_body(app: &TestApp, tender: i64, token: &str, length: u64) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(app.addr)
        .await
        .expect("connect");
    let head = format!(
        "POST /api/v1/tenders/{tender}/bids HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n{{\"prices\": \"",
        app.addr
    );
    stream.write_all(head.as_bytes()).await.expect("head");
    stream.write_all(&[b'A'; 64 * 1024]).await.expect("start");
    let mut answer = vec![0u8; 512];
    let read = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read(&mut answer))
        .await
        .expect("the server answered without waiting for the whole body")
        .expect("read");
    String::from_utf8_lossy(&answer[..read])
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn a_large_bid_is_refused_before_its_body_is_read() {
    let app = TestApp::spawn_cast(Db::Sqlite, crate::build::BIDDING_CAST).await;
    let (id, _, _) = app.sealed_tender("Equipos de cómputo para colegios").await;
    // A company that registered itself minutes ago and is pending review may not bid: its
    // 30 MB body is refused from the request's head, with the reasons (422, as for any
    // company that cannot bid yet).
    let owner = "gerencia@nuevaempresa.pe";
    let registered = app
        .client()
        .post(app.url("/api/v1/suppliers"))
        .json(&registration("20604445559", "Nueva Empresa S.A.C.", owner))
        .send()
        .await
        .expect("register");
    assert_eq!(registered.status(), 202);
    let pending = app.token_with(owner, "clave de prueba larga").await;
    let thirty_mb = 30 * 1024 * 1024;
    assert_eq!(
        status_before_the_body(&app, id, &pending, thirty_mb).await,
        "HTTP/1.1 422 Unprocessable Entity"
    );
    // An officer may never bid: 403 from the head.
    let officer = app.token(OFFICER).await;
    assert_eq!(
        status_before_the_body(&app, id, &officer, thirty_mb).await,
        "HTTP/1.1 403 Forbidden"
    );
    // A company that may bid, declaring more than the limit: 413 before reading it.
    let andina = app.token(SUPPLIER).await;
    let over = app.app.settings.bid_max_bytes / 3 * 4 + 64 * 1024 + 1;
    assert_eq!(
        status_before_the_body(&app, id, &andina, over).await,
        "HTTP/1.1 413 Payload Too Large"
    );
    // A streamed body (no declared length) stops being read at the limit, with a 413 that
    // names the limit.
    let limit = app.app.settings.bid_max_bytes / 3 * 4 + 64 * 1024;
    let chunks = futures_util::stream::iter(
        (0..=(limit / (1024 * 1024)) + 1).map(|_| Ok::<_, std::io::Error>(vec![b' '; 1024 * 1024])),
    );
    let streamed = app
        .client()
        .post(app.url(&format!("/api/v1/tenders/{id}/bids")))
        .bearer_auth(&andina)
        .header("content-type", "application/json")
        .header("accept-language", "en")
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .expect("streamed");
    assert_eq!(streamed.status(), 413);
    let problem: Value = streamed.json().await.expect("problem");
    assert_eq!(problem["errors"][0]["field"], "documents");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("MB"),
        "{problem}"
    );
    // Other JSON bodies over their limit are a 413 too, not a 400.
    let big = vec![b' '; 3 * 1024 * 1024];
    let oversized = app
        .client()
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .expect("login");
    assert_eq!(oversized.status(), 413);
    // A million empty prices and declarations are one error each, not a million: the answer
    // stays small (it was 120 MB), and nothing is recorded.
    let lots = vec![json!({}); 1_000_000];
    let flood = app
        .bid(
            &andina,
            id,
            &json!({"lots": lots, "declarations": vec![""; 1000], "documents": []}),
            None,
        )
        .await;
    assert_eq!(flood.status(), 422);
    let answer = flood.bytes().await.expect("body");
    assert!(answer.len() < 4096, "{} bytes", answer.len());
    let problem: Value = serde_json::from_slice(&answer).expect("problem");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["lots", "declarations"], "{problem}");
    // A document whose content is not what its name says is named, with both types.
    let mut body = crate::awards::bid_body("1000.00", None);
    body["documents"] =
        json!([{"name": "propuesta.docx", "content_base64": b64(crate::tenders::REAL_PDF)}]);
    let mismatch = app.bid(&andina, id, &body, None).await;
    assert_eq!(mismatch.status(), 422);
    let problem: Value = mismatch.json().await.expect("problem");
    let message = problem["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(".docx") && message.contains(".pdf") && !message.contains("localization"),
        "{problem}"
    );
}

#[tokio::test]
async fn before_the_opening_only_the_bidder_can_tell_its_bid_exists() {
    for db in backends() {
        let app = TestApp::spawn_cast(db, crate::build::BIDDING_CAST).await;
        let (id, deadline, _) = app.sealed_tender("Servicio de limpieza de mercados").await;
        let andina = app.token(SUPPLIER).await;
        let sent = app
            .bid(
                &andina,
                id,
                &bid_body("98000.00", Some(("oferta.pdf", secret_pdf()))),
                None,
            )
            .await;
        assert_eq!(sent.status(), 201, "{db:?}");
        let receipt: Value = sent.json().await.expect("receipt");
        let bid = receipt["bid_id"].as_i64().expect("bid id");
        let missing = bid + 1000;
        let answer = |token: String, path: String| {
            let app = &app;
            async move {
                let response = app
                    .client()
                    .get(app.url(&path))
                    .bearer_auth(token)
                    .send()
                    .await
                    .expect("get");
                let status = response.status();
                (status, response.text().await.expect("body"))
            }
        };
        let check = |when: &'static str| {
            let answer = &answer;
            let app = &app;
            async move {
                // Signed in now (the clock moves past sessions' lifetime).
                let officer = app.token(OFFICER).await;
                let auditor = app.token(AUDITOR).await;
                let admin = app.token(ADMIN).await;
                let competitor = app.token(OTHER_OWNER).await;
                for (who, token) in [
                    ("buyer's officer", &officer),
                    ("auditor", &auditor),
                    ("admin", &admin),
                    ("competitor", &competitor),
                ] {
                    for path in [
                        "/api/v1/tenders/{id}/bids/{bid}/documents",
                        "/api/v1/tenders/{id}/bids/{bid}/documents/0",
                        "/api/v1/bids/{bid}/proof",
                    ] {
                        let real = path
                            .replace("{id}", &id.to_string())
                            .replace("{bid}", &bid.to_string());
                        let none = path
                            .replace("{id}", &id.to_string())
                            .replace("{bid}", &missing.to_string());
                        let existing = answer(token.clone(), real).await;
                        let absent = answer(token.clone(), none).await;
                        assert_eq!(existing, absent, "{db:?} {when} {who} {path}");
                    }
                }
            }
        };
        check("before the deadline").await;
        let auditor = app.token(AUDITOR).await;
        let admin = app.token(ADMIN).await;
        // The bidder is told what there is.
        let own = answer(
            andina.clone(),
            format!("/api/v1/tenders/{id}/bids/{bid}/documents"),
        )
        .await;
        assert_eq!(own.0, 200, "{db:?}");
        let own_proof = answer(andina.clone(), format!("/api/v1/bids/{bid}/proof")).await;
        assert_eq!(own_proof.0, 422, "{db:?} {}", own_proof.1);
        // The audit log shows that a bid was sealed, not who sent it.
        let ruc_and_names = [ANDINA_RUC, "Andina", "supplier_id"];
        let chain = answer(auditor.clone(), format!("/api/v1/audit/chains/bid:{bid}")).await;
        assert_eq!(chain.0, 200, "{db:?}");
        let timeline = answer(
            admin.clone(),
            format!("/api/v1/audit/tenders/{id}/timeline"),
        )
        .await;
        for text in [&chain.1, &timeline.1] {
            assert!(text.contains("bid.submitted"), "{db:?} {text}");
            for secret in ruc_and_names {
                assert!(!text.contains(secret), "{db:?} {secret} in {text}");
            }
        }
        // After the deadline, frozen but not opened: still one answer for everyone else.
        app.set_clock(deadline + Duration::minutes(1));
        check("after the deadline").await;
        let auditor = app.token(AUDITOR).await;
        let chain = answer(auditor.clone(), format!("/api/v1/audit/chains/bid:{bid}")).await;
        assert!(!chain.1.contains("supplier_id"), "{db:?} {}", chain.1);
        app.stop().await;
    }
}

#[tokio::test]
async fn a_bid_arriving_at_telecentre_speed_is_accepted_and_a_stalled_one_records_nothing() {
    use futures_util::StreamExt as _;
    // A request that uploads nothing must answer within a second here; an upload is cut only
    // when it stalls for two.
    let app = TestApp::spawn_cast_with(
        Db::Sqlite,
        &[
            ("LICITA_REQUEST_TIMEOUT_SECS", "1"),
            ("LICITA_UPLOAD_IDLE_SECS", "2"),
        ],
        crate::build::BIDDING_CAST,
    )
    .await;
    let (id, _, _) = app.sealed_tender("Uniformes para el serenazgo").await;
    let andina = app.token(SUPPLIER).await;
    let mut body = crate::awards::bid_body("150000.00", Some("20000.00"));
    body["documents"] = json!([{
        "name": "propuesta.pdf",
        "content_base64": base64::engine::general_purpose::STANDARD.encode(crate::tenders::REAL_PDF),
    }]);
    let bytes = serde_json::to_vec(&body).expect("json");
    // 5 KB every 200 ms: 25 KB/s, a telecentre's link.
    let slowly = |bytes: Vec<u8>, stall_after: Option<usize>| {
        let chunks: Vec<Vec<u8>> = bytes.chunks(5 * 1024).map(<[u8]>::to_vec).collect();
        futures_util::stream::iter(chunks.into_iter().enumerate()).then(
            move |(n, chunk)| async move {
                let pause = if stall_after == Some(n) { 4000 } else { 200 };
                tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
                Ok::<_, std::io::Error>(chunk)
            },
        )
    };
    let url = app.url(&format!("/api/v1/tenders/{id}/bids"));
    let started = std::time::Instant::now();
    let accepted = app
        .client()
        .post(&url)
        .bearer_auth(&andina)
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(slowly(bytes.clone(), None)))
        .send()
        .await
        .expect("a slow bid");
    let took = started.elapsed();
    assert_eq!(
        accepted.status(),
        201,
        "after {took:?}: {:?}",
        accepted.text().await
    );
    assert!(
        took > std::time::Duration::from_secs(3),
        "the body took {took:?}, longer than the request timeout"
    );
    let receipt: Value = accepted.json().await.expect("receipt");
    assert!(receipt["signature"].is_string(), "{receipt}");
    // Its mail names the tender in the subject and the time as every page shows it.
    app.settle_mail().await;
    let mail = app
        .app
        .mailer
        .sent()
        .into_iter()
        .find(|m| m.to == SUPPLIER && m.subject.contains("Uniformes para el serenazgo"))
        .expect("the receipt mail names the tender");
    assert!(
        mail.body.contains("(hora de Lima)") && !mail.body.contains("(UTC)"),
        "{}",
        mail.body
    );

    // A bid that stops arriving is dropped before anything of it is stored.
    let sol = app.token(OTHER_OWNER).await;
    let stalled = app
        .client()
        .post(&url)
        .bearer_auth(&sol)
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(slowly(bytes, Some(3))))
        .send()
        .await;
    if let Ok(answer) = stalled {
        assert!(
            answer.status().is_client_error() && answer.status() != 413,
            "a stalled upload is refused as interrupted, not as too large: {}",
            answer.status()
        );
    }
    let mine: Value = app.get_json("/api/v1/me/bids", &sol).await;
    assert_eq!(mine.as_array().map(Vec::len), Some(0), "{mine}");
    // A request that uploads nothing is still bound by the request timeout: it answers.
    let quick = app
        .client()
        .get(app.url("/api/v1/tenders"))
        .send()
        .await
        .expect("search");
    assert_eq!(quick.status(), 200);
    app.stop().await;
}

/// The receipt check's answer (its page) to a file uploaded as `receipt_file`.
async fn upload_to_the_check(
    client: &reqwest::Client,
    app: &TestApp,
    csrf: &str,
    bytes: Vec<u8>,
    name: &str,
    mime: &str,
) -> String {
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", csrf.to_owned())
        .text("receipt", "")
        .part(
            "receipt_file",
            reqwest::multipart::Part::bytes(bytes)
                .file_name(name.to_owned())
                .mime_str(mime)
                .expect("mime"),
        )
        .text("proof", "");
    client
        .post(app.url("/recibos/verificar"))
        .multipart(form)
        .send()
        .await
        .expect("upload")
        .text()
        .await
        .expect("text")
}
