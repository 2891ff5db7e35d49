//! Schemathesis (the property-based API tester, from PyPI) against the running server with
//! all its default checks: anonymous, as a buyer's officer and as a supplier. It generates
//! requests from `/api/v1/openapi.json` — valid and invalid ones — and fails on any 5xx, any
//! status, content type or body the document does not describe, any invalid request
//! accepted and any valid one refused (`tests/schemathesis/schemathesis.toml` names the
//! operations whose domain rules a JSON Schema cannot state, where a 422 is a valid answer).
//!
//! `.ci/run` installs it in a virtual environment and points `LICITA_SCHEMATHESIS` at its
//! `st`; elsewhere the test looks for `st` on the PATH and skips with a reason if absent.

use crate::support::*;
use std::path::PathBuf;

/// Examples per operation and phase: enough to reach each route's validation and error
/// answers, bounded so the three runs take about two minutes together on two cores.
const EXAMPLES: &str = "10";

fn schemathesis() -> Option<PathBuf> {
    let candidates = std::env::var_os("LICITA_SCHEMATHESIS")
        .map(PathBuf::from)
        .into_iter()
        .chain(std::env::var_os("PATH").into_iter().flat_map(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join("st"))
                .collect::<Vec<_>>()
        }));
    for candidate in candidates {
        let works = std::process::Command::new(&candidate)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success() && o.stdout.starts_with(b"st, version"));
        if works {
            return Some(candidate);
        }
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_no_failure_anonymous_as_an_officer_and_as_a_supplier() {
    let Some(st) = schemathesis() else {
        missing(
            "schemathesis",
            "install it (pip install schemathesis) or set LICITA_SCHEMATHESIS to its `st`",
        );
        return;
    };
    let app = TestApp::spawn(Db::Sqlite).await;
    let config =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/schemathesis/schemathesis.toml");
    let report = tempfile::tempdir().expect("report dir");
    let schema = app.url("/api/v1/openapi.json");
    let officer = app.token(OFFICER).await;
    let supplier = app.token(SUPPLIER).await;
    let callers: [(&str, Option<&str>); 3] = [
        ("anonymous", None),
        ("officer", Some(&officer)),
        ("supplier", Some(&supplier)),
    ];
    let mut failed = Vec::new();
    for (who, token) in callers {
        let command = |seed: &str| {
            let mut command = tokio::process::Command::new(&st);
            command
                .arg("--config-file")
                .arg(&config)
                .args(["run", &schema, "--max-examples", EXAMPLES, "--seed", seed])
                .args(["--workers", "2", "--no-color", "--request-timeout", "30"])
                .arg("--report-dir")
                .arg(report.path())
                .env("SCHEMATHESIS_HOOKS", "")
                .kill_on_drop(true);
            if let Some(token) = token {
                // Signing out would end the session the rest of the run uses.
                command
                    .args(["--exclude-path", "/api/v1/auth/logout"])
                    .args(["--header", &format!("Authorization: Bearer {token}")]);
            }
            command
        };
        let mut output = command("1").output().await.expect("run schemathesis");
        // CPython 3.11's parser sometimes fails inside Hypothesis while it describes a
        // strategy ("AST constructor recursion depth mismatch"): an interpreter fault, not a
        // finding about the API. It can recur with the same seed, so the run is repeated
        // with the next seeds, twice at most; anything else fails the test.
        for seed in ["2", "3"] {
            if !String::from_utf8_lossy(&output.stdout)
                .contains("AST constructor recursion depth mismatch")
            {
                break;
            }
            eprintln!("schemathesis as {who}: the interpreter fault, running again (seed {seed})");
            output = command(seed).output().await.expect("run schemathesis");
        }
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            let tail: String = stdout
                .lines()
                .rev()
                .take(200)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<Vec<_>>()
                .join("\n");
            failed.push(format!(
                "--- {who}: {}\n{tail}\n{}",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            ));
        } else {
            eprintln!(
                "schemathesis as {who}: {}",
                stdout.lines().last().unwrap_or_default()
            );
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}
