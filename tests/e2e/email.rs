//! Email: the welcome message goes over real SMTP to a server started by the test, its link
//! verifies the address, and an outbox row is never delivered twice.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

/// A real SMTP server (mailin-embedded) on a free local port, keeping each message it receives.
#[derive(Clone, Default)]
struct Inbox {
    current: Arc<Mutex<Vec<u8>>>,
    messages: Arc<Mutex<Vec<String>>>,
}

impl mailin_embedded::Handler for Inbox {
    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.current.lock().expect("lock").extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> mailin_embedded::Response {
        let message = std::mem::take(&mut *self.current.lock().expect("lock"));
        self.messages
            .lock()
            .expect("lock")
            .push(String::from_utf8_lossy(&message).into_owned());
        mailin_embedded::response::OK
    }
}

fn start_smtp() -> (u16, Inbox) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind smtp");
    let port = listener.local_addr().expect("addr").port();
    let inbox = Inbox::default();
    let mut server = mailin_embedded::Server::new(inbox.clone());
    server
        .with_name("smtp.test.local")
        .with_tcp_listener(listener);
    server
        .with_ssl(mailin_embedded::SslConfig::None)
        .expect("no tls");
    std::thread::spawn(move || {
        let _ = server.serve();
    });
    (port, inbox)
}

/// Decodes quoted-printable (soft line breaks and =XX), as a mail reader would.
fn decode_quoted_printable(text: &str) -> String {
    let joined = text.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Some(byte) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn welcome_email_travels_over_smtp_and_its_link_verifies_the_address() {
    let (port, inbox) = start_smtp();
    let smtp_url = format!("smtp://127.0.0.1:{port}");
    for db in backends() {
        let app = TestApp::spawn_with(
            db,
            &[
                ("LICITA_MAIL_TRANSPORT", "smtp"),
                ("LICITA_SMTP_URL", &smtp_url),
            ],
        )
        .await;
        let before = inbox.messages.lock().expect("lock").len();
        let admin = app.token(ADMIN).await;
        let created = app.post_json("/api/v1/users", &admin, &json!({"email": "Nueva.Auditora@Contraloria.gob.pe", "display_name": "Nueva Auditora Ñuñez", "password": "clave de prueba larga", "role": "auditor"})).await;
        assert_eq!(created.status(), StatusCode::CREATED, "{db:?}");
        // The worker is woken by the queueing; wait for the message to arrive.
        let mut message = None;
        for _ in 0..100 {
            if let Some(m) = inbox.messages.lock().expect("lock").get(before) {
                message = Some(m.clone());
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let raw = message.expect("the SMTP server received the welcome message");
        let decoded = decode_quoted_printable(&raw);
        assert!(
            decoded.contains("To: nueva.auditora@contraloria.gob.pe"),
            "{decoded}"
        );
        assert!(decoded.contains("Hola, Nueva Auditora Ñuñez"), "{decoded}");
        let start = decoded.find("http://").expect("link in body");
        let link = decoded[start..]
            .split_whitespace()
            .next()
            .expect("link")
            .to_owned();
        assert!(
            link.starts_with(&app.url("/verificar-correo?token=")),
            "{link}"
        );

        // Delivering again sends nothing more: the row is marked sent.
        assert_eq!(app.deliver_mail().await, 0);
        assert_eq!(
            inbox.messages.lock().expect("lock").len(),
            before + 1,
            "exactly one message per outbox row"
        );

        // Follow the link as the person would: the page asks to confirm, the post verifies.
        let client = app.client();
        let page = client
            .get(&link)
            .send()
            .await
            .expect("get")
            .text()
            .await
            .expect("text");
        let csrf = csrf_from(&page);
        let token = link.split("token=").nth(1).expect("token");
        let confirmed = post_form(
            &client,
            app.url("/verificar-correo"),
            &[("csrf_token", csrf.as_str()), ("token", token)],
        )
        .await;
        assert_eq!(confirmed.status(), StatusCode::SEE_OTHER);
        assert_eq!(confirmed.headers()["location"], "/?aviso=email-verified");
        let users: Value = app.get_json("/api/v1/users", &admin).await;
        let user = users
            .as_array()
            .expect("users")
            .iter()
            .find(|u| u["email"] == "nueva.auditora@contraloria.gob.pe")
            .expect("user")
            .clone();
        assert!(!user["email_verified_at"].is_null(), "{user}");
        // The link works once.
        let again = post_form(
            &client,
            app.url("/verificar-correo"),
            &[("csrf_token", csrf.as_str()), ("token", token)],
        )
        .await;
        assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
        app.stop().await;
    }
}

#[tokio::test]
async fn failed_deliveries_back_off_and_give_up_after_the_limit() {
    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let smtp_url = format!("smtp://127.0.0.1:{closed}");
    let app = TestApp::spawn_with(
        Db::Sqlite,
        &[
            ("LICITA_MAIL_TRANSPORT", "smtp"),
            ("LICITA_SMTP_URL", &smtp_url),
            ("LICITA_MAIL_MAX_ATTEMPTS", "2"),
        ],
    )
    .await;
    let admin = app.token(ADMIN).await;
    let created = app.post_json("/api/v1/users", &admin, &json!({"email": "sin.correo@x.pe", "display_name": "Sin Correo", "password": "clave de prueba larga", "role": "auditor"})).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let counts = |app: &TestApp| {
        let app = app.app.clone();
        // Only the messages not yet sent: the demo data's own mail went out at start.
        async move {
            let all = app
                .db
                .run(backend::mail::outbox_counts)
                .await
                .expect("counts");
            all.into_iter()
                .filter(|(status, _)| status != "sent")
                .collect::<Vec<_>>()
        }
    };
    // Let the worker make its first attempt (it is woken by the queueing).
    for _ in 0..100 {
        if app.deliver_mail().await == 0 && counts(&app).await.iter().any(|(s, _)| s == "pending") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(
        counts(&app).await,
        vec![("pending".to_owned(), 1)],
        "retried later, not lost"
    );
    assert_eq!(app.deliver_mail().await, 0, "not due yet: backing off");
    app.clock.advance(chrono::Duration::minutes(2));
    let mut last = Vec::new();
    for _ in 0..100 {
        assert_eq!(app.deliver_mail().await, 0, "nothing can be delivered");
        last = counts(&app).await;
        if last == vec![("failed".to_owned(), 1)] {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(
        last,
        vec![("failed".to_owned(), 1)],
        "gives up after LICITA_MAIL_MAX_ATTEMPTS"
    );
}

#[tokio::test]
async fn the_default_file_transport_writes_eml_files() {
    let app = TestApp::spawn_with(Db::Sqlite, &[("LICITA_MAIL_TRANSPORT", "file")]).await;
    let admin = app.token(ADMIN).await;
    let created = app.post_json("/api/v1/users", &admin, &json!({"email": "archivo@x.pe", "display_name": "Archivo", "password": "clave de prueba larga", "role": "auditor", "locale": "en"})).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    // Wait until the outbox row is marked sent: only then is the file completely written.
    for _ in 0..100 {
        app.deliver_mail().await;
        let counts = app
            .app
            .db
            .run(backend::mail::outbox_counts)
            .await
            .expect("counts");
        if counts == vec![("sent".to_owned(), 1)] {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let outbox = app.dir.path().join("data/outbox");
    let found = std::fs::read_dir(&outbox)
        .expect("outbox dir")
        .flatten()
        .find(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .map(|entry| std::fs::read_to_string(entry.path()).expect("read"));
    let eml = decode_quoted_printable(&found.expect("an .eml file"));
    assert!(
        eml.contains("Subject: Welcome to Licita"),
        "English for an English-speaking user: {eml}"
    );
}

/// Waits for the SMTP server to hold more than `before` messages and returns the next one,
/// decoded as a mail reader would.
async fn next_message(inbox: &Inbox, before: usize) -> String {
    for _ in 0..200 {
        if let Some(m) = inbox.messages.lock().expect("lock").get(before) {
            return decode_quoted_printable(m);
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("the SMTP server received no message");
}

/// The reset link in a decoded message, as an absolute URL.
fn reset_link(message: &str) -> String {
    let start = message
        .find("/cuenta/restablecer?token=")
        .expect("a reset link");
    let begin = message[..start].rfind("http").expect("absolute link");
    message[begin..]
        .split_whitespace()
        .next()
        .expect("link")
        .to_owned()
}

#[tokio::test]
async fn a_forgotten_password_is_reset_by_a_link_that_works_once_and_expires() {
    let (port, inbox) = start_smtp();
    let smtp_url = format!("smtp://127.0.0.1:{port}");
    for db in backends() {
        let app = TestApp::spawn_with(
            db,
            &[
                ("LICITA_MAIL_TRANSPORT", "smtp"),
                ("LICITA_SMTP_URL", &smtp_url),
            ],
        )
        .await;
        let old_session = app.token(SUPPLIER).await;
        app.clock.advance(chrono::Duration::minutes(1));
        let ask = |email: &str| {
            let body = json!({ "email": email });
            let client = app.client();
            let url = app.url("/api/v1/auth/password-reset");
            async move {
                client
                    .post(url)
                    .json(&body)
                    .send()
                    .await
                    .expect("post")
                    .status()
            }
        };

        // An unknown address gets the same answer and no mail.
        let before = inbox.messages.lock().expect("lock").len();
        assert_eq!(ask("nadie@ninguna-empresa.pe").await, StatusCode::ACCEPTED);
        app.settle_mail().await;
        assert_eq!(
            inbox.messages.lock().expect("lock").len(),
            before,
            "{db:?}: no mail for an address without an account"
        );

        // The owner asks through the page, typing the address in capitals.
        let client = app.client();
        let page = page_text(&client, app.url("/ingresar")).await;
        assert!(
            page.contains("href=\"/cuenta/olvido\""),
            "login links the reset"
        );
        let form = page_text(&client, app.url("/cuenta/olvido")).await;
        let csrf = csrf_from(&form);
        let asked = post_form(
            &client,
            app.url("/cuenta/olvido"),
            &[
                ("csrf_token", csrf.as_str()),
                ("email", "Ventas@AndinaSAC.com.pe"),
            ],
        )
        .await;
        assert_eq!(asked.status(), StatusCode::SEE_OTHER);
        assert_eq!(asked.headers()["location"], "/ingresar?aviso=reset-sent");
        let message = next_message(&inbox, before).await;
        assert!(message.contains(&format!("To: {SUPPLIER}")), "{message}");
        assert!(
            message.contains("pidió restablecer la contraseña"),
            "in the account's Spanish: {message}"
        );
        let link = reset_link(&message);
        assert!(
            link.starts_with(&app.url("/cuenta/restablecer?token=")),
            "{link}"
        );
        let token = link.split("token=").nth(1).expect("token").to_owned();

        // A session opened in the same second as the reset, just before it, ends too.
        let same_second = app.token(SUPPLIER).await;
        app.clock.advance(chrono::Duration::milliseconds(300));
        // Opening the link spends nothing; a weak password is refused naming the field.
        let form = page_text(&client, link.clone()).await;
        let csrf = csrf_from(&form);
        let weak = post_form(
            &client,
            app.url("/cuenta/restablecer"),
            &[
                ("csrf_token", csrf.as_str()),
                ("token", token.as_str()),
                ("new_password", "corta"),
            ],
        )
        .await;
        assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(weak.text().await.expect("text").contains("f-new_password"));
        let done = post_form(
            &client,
            app.url("/cuenta/restablecer"),
            &[
                ("csrf_token", csrf.as_str()),
                ("token", token.as_str()),
                ("new_password", "una clave nueva y larga"),
            ],
        )
        .await;
        assert_eq!(done.status(), StatusCode::SEE_OTHER, "{db:?}");
        assert_eq!(done.headers()["location"], "/ingresar?aviso=password-reset");

        // Every earlier session ended; the old password no longer works, the new one does.
        let me = app
            .client()
            .get(app.url("/api/v1/me"))
            .bearer_auth(&old_session)
            .send()
            .await
            .expect("me");
        assert_eq!(me.status(), StatusCode::UNAUTHORIZED, "{db:?}");
        let me = app
            .client()
            .get(app.url("/api/v1/me"))
            .bearer_auth(&same_second)
            .send()
            .await
            .expect("me");
        assert_eq!(
            me.status(),
            StatusCode::UNAUTHORIZED,
            "{db:?}: a session of the reset's second"
        );
        let login = |password: &str| {
            let body = json!({ "email": SUPPLIER, "password": password });
            let url = app.url("/api/v1/auth/login");
            let client = app.client();
            async move {
                client
                    .post(url)
                    .json(&body)
                    .send()
                    .await
                    .expect("login")
                    .status()
            }
        };
        assert_eq!(login(DEMO_PASSWORD).await, StatusCode::UNAUTHORIZED);
        assert_eq!(login("una clave nueva y larga").await, StatusCode::OK);

        // Opened again, the spent link says so at once and offers a new one, with no form.
        let spent = page_text(&client, link.clone()).await;
        assert!(
            spent.contains("Pedir un enlace nuevo") && !spent.contains("f-new_password"),
            "{db:?}: {spent}"
        );
        // The link works once.
        let confirm = |token: String| {
            let body = json!({ "token": token, "new_password": "otra clave distinta" });
            let url = app.url("/api/v1/auth/password-reset/confirm");
            let client = app.client();
            async move { client.post(url).json(&body).send().await.expect("confirm") }
        };
        let reused = confirm(token.clone()).await;
        assert_eq!(reused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let problem: Value = reused.json().await.expect("problem");
        assert_eq!(problem["errors"][0]["field"], "token", "{problem}");
        assert_eq!(problem["errors"][0]["code"], "invalid_reset_token");

        // A link asked for later expires after an hour.
        let before = inbox.messages.lock().expect("lock").len();
        assert_eq!(ask(SUPPLIER).await, StatusCode::ACCEPTED);
        let late = reset_link(&next_message(&inbox, before).await);
        app.clock.advance(chrono::Duration::minutes(61));
        let expired = confirm(late.split("token=").nth(1).expect("token").to_owned()).await;
        assert_eq!(expired.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(login("una clave nueva y larga").await, StatusCode::OK);

        // Of two links, only the newest works.
        let before = inbox.messages.lock().expect("lock").len();
        assert_eq!(ask(SUPPLIER).await, StatusCode::ACCEPTED);
        let first = reset_link(&next_message(&inbox, before).await);
        assert_eq!(ask(SUPPLIER).await, StatusCode::ACCEPTED);
        let second = reset_link(&next_message(&inbox, before + 1).await);
        let token_of = |link: &str| link.split("token=").nth(1).expect("token").to_owned();
        assert_eq!(
            confirm(token_of(&first)).await.status(),
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(
            confirm(token_of(&second)).await.status(),
            StatusCode::NO_CONTENT
        );
        assert_eq!(login("otra clave distinta").await, StatusCode::OK);

        // Throttled per typed address, alike whether it has an account or not.
        for email in [SUPPLIER, "nadie@ninguna-empresa.pe"] {
            let mut statuses = Vec::new();
            for _ in 0..4 {
                statuses.push(ask(email).await);
            }
            assert_eq!(
                statuses.last(),
                Some(&StatusCode::TOO_MANY_REQUESTS),
                "{db:?} {email}: {statuses:?}"
            );
        }
        app.stop().await;
    }
}
