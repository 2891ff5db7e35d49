//! `licita`: the one binary. `serve` (the default) runs the server; `migrate`, `seed`,
//! `user create` and `audit verify` are the operator's tools. Every setting is listed by
//! `licita --help`.

use anyhow::Context;
use backend::{
    App,
    accounts::{self, NewAccountInput, Verification},
    audit::{self, Actor},
    clock::SystemClock,
    config::Settings,
    seed,
};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use diesel::prelude::*;
use std::{io::BufRead, process::ExitCode, sync::Arc};

/// mimalloc returns argon2id's 19 MiB buffers to the system after each hash; glibc's malloc
/// kept them per thread (measured in BENCHMARKS.md: resident memory after a login burst
/// 381 MB with glibc, 110 MB with mimalloc).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Licita: government e-procurement marketplace (G2B).
#[derive(Parser)]
#[command(name = "licita", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (default). Applies migrations; seeds demo data on an empty database.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load the demo data in fixtures/ (idempotent) and print the demo logins.
    Seed,
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// The hash-chained audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Write the open data to files.
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
    /// The public tender search.
    Search {
        #[command(subcommand)]
        command: SearchCommand,
    },
}

#[derive(Subcommand)]
enum SearchCommand {
    /// Rebuild the search projection from the tables (rows already right are left alone;
    /// running servers pick up the rewritten ones at their next search), with its progress
    /// on stderr.
    Reindex,
}

#[derive(Subcommand)]
enum ExportCommand {
    /// Every contracting process's compiled OCDS release, one JSON line each, gzip-compressed
    /// (the same file as /api/v1/ocds/bulk/full.jsonl.gz), with its progress on stderr.
    Ocds {
        /// The file to write.
        #[arg(long, default_value = "full.jsonl.gz")]
        output: std::path::PathBuf,
        /// Only the processes whose first release is of this year.
        #[arg(long)]
        year: Option<i32>,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account (admin, auditor, officer of a buyer entity, or supplier user).
    Create {
        /// Email address (the login).
        #[arg(long)]
        email: String,
        /// Name shown in the interface.
        #[arg(long)]
        name: String,
        /// supplier, officer, auditor or admin.
        #[arg(long)]
        role: String,
        /// RUC of the officer's buyer entity.
        #[arg(long)]
        buyer_ruc: Option<String>,
        /// Language for emails: es or en.
        #[arg(long, default_value = "es")]
        locale: String,
        /// Read the password from the first line of standard input; otherwise one is generated and printed.
        #[arg(long)]
        password_stdin: bool,
        /// Mark the email address verified instead of emailing a verification link.
        #[arg(long)]
        verified: bool,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute every hash chain and check it against the latest signed checkpoint (or the
    /// one in --against); exit 1 naming what does not match.
    Verify {
        /// A checkpoint an outside witness saved (the JSON of /api/v1/audit/checkpoints/{id},
        /// or of /api/v1/audit/checkpoints): check the log against it instead of the latest
        /// on record.
        #[arg(long, value_name = "FILE")]
        against: Option<std::path::PathBuf>,
    },
    /// Sign a checkpoint of the audit log now (the server makes them by itself) and print it.
    Checkpoint,
}

fn main() -> ExitCode {
    let command = Cli::command().after_help(Settings::help_table());
    let cli = match Cli::from_arg_matches(&command.get_matches()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let settings = match Settings::load() {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("licita: {e}");
            return ExitCode::from(2);
        }
    };
    init_tracing(&settings.log_filter);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("licita: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command.unwrap_or(Command::Serve), settings)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("licita: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}

/// The app, its database migrated and its public projections caught up with the tables (a
/// database from before a projection gets it here, once).
fn start(settings: Settings) -> anyhow::Result<Arc<App>> {
    let app = App::start(settings, Arc::new(SystemClock)).map_err(anyhow::Error::msg)?;
    let mut conn = app.db.get().map_err(|e| anyhow::anyhow!("{e}"))?;
    let written = backend::projection::catch_up(&mut conn)?;
    if written > 0 {
        tracing::info!(
            processes = written,
            "public projections caught up with the tables"
        );
    }
    let started = std::time::Instant::now();
    let read = app.search.refresh(&mut conn)?;
    tracing::info!(
        tenders = read,
        seconds = started.elapsed().as_secs_f64(),
        "search image loaded"
    );
    drop(conn);
    Ok(Arc::new(app))
}

async fn run(command: Command, settings: Settings) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve => serve(settings).await,
        Command::Migrate => {
            let app = start(settings)?;
            println!("Database {} is up to date.", app.db.redacted_url());
            Ok(ExitCode::SUCCESS)
        }
        Command::Seed => {
            let app = start(settings)?;
            let (logins, created) = seed::seed(&app).await?;
            println!("Demo data: {created} records created.");
            print_logins(&logins);
            Ok(ExitCode::SUCCESS)
        }
        Command::User {
            command:
                UserCommand::Create {
                    email,
                    name,
                    role,
                    buyer_ruc,
                    locale,
                    password_stdin,
                    verified,
                },
        } => {
            let app = start(settings)?;
            let (password, generated) = if password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .lock()
                    .read_line(&mut line)
                    .context("reading the password from standard input")?;
                (line.trim_end_matches(['\r', '\n']).to_owned(), false)
            } else {
                (backend::keys::random_token()[..20].to_owned(), true)
            };
            let shown_password = password.clone();
            let buyer_id = match buyer_ruc {
                Some(ruc) => Some(
                    app.db
                        .run(move |conn| {
                            backend::schema::buyers::table
                                .filter(backend::schema::buyers::ruc.eq(ruc.trim()))
                                .select(backend::schema::buyers::id)
                                .first::<i64>(conn)
                                .optional()?
                                .ok_or_else(|| {
                                    backend::AppError::field("buyer_id", "invalid_buyer")
                                })
                        })
                        .await?
                        .to_string(),
                ),
                None => None,
            };
            let mode = if verified {
                Verification::AlreadyVerified
            } else {
                Verification::SendEmail
            };
            let input = NewAccountInput {
                email,
                display_name: name,
                password,
                role,
                buyer_id,
                locale: Some(locale),
            };
            let created = match input.parse() {
                Ok(input) => accounts::create_account(&app, Actor::system(), input, mode).await,
                Err(e) => Err(e),
            };
            match created {
                Ok(account) => {
                    println!(
                        "Created {} account {} (id {}).",
                        account.role, account.email, account.id
                    );
                    if generated {
                        println!("Password: {shown_password}");
                    }
                    if !verified {
                        println!("A verification email is queued; `licita serve` delivers it.");
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    for field in e.field_errors() {
                        eprintln!(
                            "licita: {}: {}",
                            field.field,
                            field.message(backend::i18n::Lang::En)
                        );
                    }
                    if e.field_errors().is_empty() {
                        eprintln!("licita: {e}");
                    }
                    Ok(ExitCode::from(2))
                }
            }
        }
        Command::Audit {
            command: AuditCommand::Verify { against },
        } => {
            let saved = match against {
                Some(path) => {
                    let text = std::fs::read_to_string(&path)
                        .with_context(|| format!("--against {}", path.display()))?;
                    Some(
                        audit::checkpoints::parse_saved(&text)
                            .map_err(|e| anyhow::anyhow!("--against {}: {e}", path.display()))?,
                    )
                }
                None => None,
            };
            let app = start(settings)?;
            let mut chains = audit::verify(&backend::app::AppState(app.clone()), saved).await?;
            let check = chains
                .checkpoint
                .take()
                .ok_or_else(|| anyhow::anyhow!("the checkpoint check is missing"))?;
            let mut intact = true;
            match &chains.first_mismatch {
                None => println!(
                    "Hash chains intact: {} events in {} chains verified.",
                    chains.events_checked, chains.chains
                ),
                Some(m) => {
                    intact = false;
                    println!(
                        "Audit log ALTERED: event {} (chain {}, seq {}) does not match ({}); {} events checked.",
                        m.id, m.chain, m.seq, m.reason, chains.events_checked
                    );
                }
            }
            match &check.checkpoint {
                None if check.problems.is_empty() => println!(
                    "No signed checkpoint yet: the ends of the chains are not yet protected (the log is younger than two checkpoint intervals)."
                ),
                None => {
                    intact = false;
                    println!("Audit log ALTERED: no checkpoint is on record, yet");
                    for p in &check.problems {
                        println!("  - {}", p.describe());
                    }
                }
                Some(c) if check.problems.is_empty() => println!(
                    "Checkpoint #{} ({}, {} chain heads, root {}) verified: signed by this deployment's key, chained to the checkpoints before it, every head it covers is on record ({} checkpoints checked).",
                    c.id,
                    backend::domain::utc::format(c.created_at),
                    c.tree_size,
                    c.root,
                    check.checkpoints_checked
                ),
                Some(c) => {
                    intact = false;
                    println!(
                        "Audit log ALTERED after checkpoint #{} ({}):",
                        c.id,
                        backend::domain::utc::format(c.created_at)
                    );
                    for p in &check.problems {
                        println!("  - {}", p.describe());
                    }
                }
            }
            if intact {
                println!("Audit log intact.");
                Ok(ExitCode::SUCCESS)
            } else {
                Ok(ExitCode::FAILURE)
            }
        }
        Command::Audit {
            command: AuditCommand::Checkpoint,
        } => {
            let app = start(settings)?;
            let state = app.clone();
            let made = app
                .db
                .run(move |conn| {
                    audit::checkpoints::sign(conn, &state, state.clock.now_db(), "operator")
                })
                .await?;
            match made {
                Some(c) => println!(
                    "{}",
                    serde_json::to_string_pretty(&c).context("checkpoint as JSON")?
                ),
                None => println!("No event since the latest checkpoint: nothing to sign."),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Export {
            command: ExportCommand::Ocds { output, year },
        } => export_ocds(settings, &output, year).await,
        Command::Search {
            command: SearchCommand::Reindex,
        } => search_reindex(settings).await,
    }
}

/// `licita search reindex`: every published tender's search row recomputed from the tables,
/// with a progress bar over the tenders.
async fn search_reindex(settings: Settings) -> anyhow::Result<ExitCode> {
    use backend::search_index as search;
    let app = App::start(settings, Arc::new(SystemClock)).map_err(anyhow::Error::msg)?;
    let started = std::time::Instant::now();
    let done = app
        .db
        .run(|conn| {
            let bar = indicatif::ProgressBar::new(search::tender_count(conn)?).with_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} tenders · {elapsed} · {eta} left",
                )
                .map_err(backend::error::AppError::internal)?,
            );
            let done = search::reindex(conn, &|walked| bar.set_position(walked))?;
            bar.finish_and_clear();
            Ok::<_, backend::error::AppError>(done)
        })
        .await?;
    println!(
        "Search projection rebuilt in {:.1} s: {} published tenders, {} rows rewritten.",
        started.elapsed().as_secs_f64(),
        done.tenders,
        done.rewritten
    );
    Ok(ExitCode::SUCCESS)
}

/// `licita export ocds`: the bulk file of compiled releases, streamed to `output` as it is
/// made (memory stays flat), with a progress bar over the processes.
async fn export_ocds(
    settings: Settings,
    output: &std::path::Path,
    year: Option<i32>,
) -> anyhow::Result<ExitCode> {
    use backend::ocds::bulk::{self, Bulk};
    use futures_util::StreamExt;
    use std::io::Write;
    use std::sync::atomic::{AtomicU64, Ordering};
    let app = backend::AppState(start(settings)?);
    let total = bulk::process_count(&app).await?;
    let bar = indicatif::ProgressBar::new(total).with_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} processes · {elapsed} · {eta} left",
        )
        .context("progress template")?,
    );
    let read = Arc::new(AtomicU64::new(0));
    let which = year.map_or(Bulk::Full, Bulk::Year);
    // This process's own app: its one place is always free.
    let place = bulk::admit_export(&app)?;
    let mut stream = std::pin::pin!(bulk::compiled(
        &app,
        place,
        which,
        bulk::Format::JsonLinesGz,
        Some(read.clone()),
    ));
    let mut file = std::io::BufWriter::new(
        std::fs::File::create(output).with_context(|| format!("{}", output.display()))?,
    );
    let mut bytes = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.context("reading the releases")?;
        file.write_all(&chunk)
            .with_context(|| format!("writing {}", output.display()))?;
        bytes += chunk.len() as u64;
        bar.set_position(read.load(Ordering::Relaxed));
    }
    file.flush()
        .with_context(|| format!("writing {}", output.display()))?;
    bar.finish_and_clear();
    println!(
        "{}: {} processes read, {} bytes written.",
        output.display(),
        read.load(Ordering::Relaxed),
        bytes
    );
    Ok(ExitCode::SUCCESS)
}

async fn serve(settings: Settings) -> anyhow::Result<ExitCode> {
    let bind = settings.bind;
    let seed_demo = settings.seed_demo;
    let app = start(settings)?;
    if seed_demo {
        let (logins, created) = seed::seed(&app).await?;
        if created > 0 {
            println!("Empty database: loaded the demo data ({created} records).");
        }
        print_logins(&logins);
    }
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("LICITA_BIND: cannot listen on {bind}"))?;
    println!(
        "Licita is serving on http://{} (database {}).",
        listener.local_addr()?,
        app.db.redacted_url()
    );
    licita::serve(app, listener, licita::shutdown_signal()).await?;
    println!("Licita stopped.");
    Ok(ExitCode::SUCCESS)
}

fn print_logins(logins: &[seed::DemoLogin]) {
    if logins.is_empty() {
        return;
    }
    println!(
        "Demo logins (password as loaded from fixtures/demo.json unless changed since; \"registry\" is an officer who reviews suppliers):"
    );
    for login in logins {
        let buyer = login
            .buyer
            .as_deref()
            .map(|b| format!(" — {b}"))
            .unwrap_or_default();
        println!(
            "  {:<9} {:<32} {}{}",
            login.role, login.email, login.password, buyer
        );
    }
    if let Some(passphrase) = logins.iter().find_map(|l| l.opening_passphrase.as_deref()) {
        println!(
            "Opening passphrase of every demo officer and auditor (to open sealed bids as a committee member): {passphrase}"
        );
    }
}
