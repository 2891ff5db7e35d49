//! The table of every setting ([`SETTINGS`]): its variable, its default and its help, the
//! one source `licita --help`, the README and the defaults are read from.

use super::Settings;

/// One documented setting.
pub struct SettingSpec {
    /// Environment variable name, e.g. `LICITA_BIND`.
    pub env: &'static str,
    /// Default value as text, or a sentence saying how it is derived.
    pub default: &'static str,
    /// What the setting controls.
    pub help: &'static str,
}

/// Every setting Licita reads.
pub const SETTINGS: &[SettingSpec] = &[
    SettingSpec {
        env: "LICITA_CONFIG",
        default: "licita.toml",
        help: "Path of the optional TOML configuration file (read if it exists).",
    },
    SettingSpec {
        env: "LICITA_DATABASE_URL",
        default: "sqlite://data/licita.db",
        help: "Database: sqlite://PATH (created on first run) or postgres://USER:PASS@HOST:PORT/DB.",
    },
    SettingSpec {
        env: "LICITA_BIND",
        default: "127.0.0.1:8080",
        help: "Address and port the HTTP server listens on.",
    },
    SettingSpec {
        env: "LICITA_PUBLIC_URL",
        default: "http://<LICITA_BIND>",
        help: "Public base URL used in links inside emails.",
    },
    SettingSpec {
        env: "LICITA_DATA_DIR",
        default: "data",
        help: "Directory for the outbox (.eml files), documents and the generated signing secret.",
    },
    SettingSpec {
        env: "LICITA_JWT_SECRET",
        default: "generated once into <LICITA_DATA_DIR>/jwt-secret",
        help: "Secret (at least 32 bytes) that signs session tokens. Set the same value on every server behind a load balancer.",
    },
    SettingSpec {
        env: "LICITA_SESSION_HOURS",
        default: "8",
        help: "Lifetime of a login session (token) in hours, 1 to 720.",
    },
    SettingSpec {
        env: "LICITA_COOKIE_SECURE",
        default: "false",
        help: "Mark the session cookie Secure; always on when LICITA_PUBLIC_URL is https.",
    },
    SettingSpec {
        env: "LICITA_DB_POOL_SIZE",
        default: "8",
        help: "Maximum database connections in the pool, 1 to 256.",
    },
    SettingSpec {
        env: "LICITA_MAIL_TRANSPORT",
        default: "file",
        help: "How email leaves: file (.eml files under <LICITA_DATA_DIR>/outbox), smtp, or memory (tests).",
    },
    SettingSpec {
        env: "LICITA_SMTP_URL",
        default: "(none; required when LICITA_MAIL_TRANSPORT=smtp)",
        help: "SMTP server, e.g. smtps://user:pass@mail.example.gob.pe:465 or smtp://127.0.0.1:2525.",
    },
    SettingSpec {
        env: "LICITA_MAIL_FROM",
        default: "Licita <no-reply@licita.localhost>",
        help: "Sender address of every email.",
    },
    SettingSpec {
        env: "LICITA_MAIL_MAX_ATTEMPTS",
        default: "8",
        help: "Delivery attempts per outbox message before it is marked failed, 1 to 50.",
    },
    SettingSpec {
        env: "LICITA_MAIL_CLAIM_TIMEOUT_SECS",
        default: "300",
        help: "Seconds a mail worker holds the messages it claimed; a message claimed by a server that died is sent again after this, 5 to 86400.",
    },
    SettingSpec {
        env: "LICITA_CHECKPOINT_MINUTES",
        default: "5",
        help: "Minutes between signed checkpoints of the audit log when events were recorded (freezes, openings and awards checkpoint at once), 1 to 1440.",
    },
    SettingSpec {
        env: "LICITA_LOGIN_MAX_FAILURES",
        default: "5",
        help: "Failed logins per account within the window before the account is locked for a while.",
    },
    SettingSpec {
        env: "LICITA_LOGIN_MAX_FAILURES_PER_ADDRESS",
        default: "30",
        help: "Failed logins from one client address within the window before that address is locked.",
    },
    SettingSpec {
        env: "LICITA_LOGIN_LOCKOUT_MINUTES",
        default: "15",
        help: "Length of the failure window and of the lock, in minutes.",
    },
    SettingSpec {
        env: "LICITA_TRUSTED_PROXIES",
        default: "(none)",
        help: "Load balancers (comma-separated IPs or CIDRs) whose X-Forwarded-For names the client; login throttling per address uses it.",
    },
    SettingSpec {
        env: "LICITA_SEED_DEMO",
        default: "true",
        help: "Load the demo data (fixtures/) when `serve` finds an empty database.",
    },
    SettingSpec {
        env: "LICITA_TIMEZONE",
        default: "America/Lima",
        help: "Time zone in which times are shown (storage is always UTC).",
    },
    SettingSpec {
        env: "LICITA_HOLIDAYS",
        default: "Peru's national holidays of 2026 and 2027",
        help: "Non-working days (comma-separated YYYY-MM-DD) that business-day periods skip, besides weekends.",
    },
    SettingSpec {
        env: "LICITA_OCID_PREFIX",
        default: "licita",
        help: "OCDS prefix: a published tender's ocid is ocds-<prefix>-<id>. Use the prefix registered with the Open Contracting Partnership.",
    },
    SettingSpec {
        env: "LICITA_MIN_SUBMISSION_DAYS",
        default: "licitacion_publica=22,concurso_publico=22,adjudicacion_simplificada=8,subasta_inversa_electronica=8,comparacion_precios=5,contratacion_directa=1",
        help: "Minimum calendar days (Lima dates) from publication to the submission deadline, per method; listed methods override the defaults.",
    },
    SettingSpec {
        env: "LICITA_AUCTION_METHODS",
        default: "licitacion_publica,adjudicacion_simplificada,comparacion_precios",
        help: "Methods on which an officer may give a lot an electronic reverse auction of the admitted offers' prices (lowest-price tenders only); every lot of a subasta_inversa_electronica has one. Empty: none.",
    },
    SettingSpec {
        env: "LICITA_AUCTION_NOTICE_MINUTES",
        default: "30",
        help: "Least time, in minutes (0 to 10080), from an auction's scheduling to its start: its bidders hear of it by mail when it is scheduled.",
    },
    SettingSpec {
        env: "LICITA_CATALOGUE_MAX_INCREASE_PERCENT",
        default: "10",
        help: "Largest rise, in percent (0 to 100), of a catalogue offer's unit price in one step; a supplier lowers its prices at will.",
    },
    SettingSpec {
        env: "LICITA_CATALOGUE_INCREASE_DAYS",
        default: "90",
        help: "Least days (0 to 3650) between two rises of one catalogue offer's unit price.",
    },
    SettingSpec {
        env: "LICITA_CATALOGUE_QUOTE_THRESHOLD",
        default: "100000.00",
        help: "Value of a catalogue order, in soles, from which it is a quote request to every supplier delivering there (open two business days or more) instead of a direct order to the lowest price.",
    },
    SettingSpec {
        env: "LICITA_CATALOGUE_SPLIT_DAYS",
        default: "30",
        help: "Red flag: direct catalogue orders of one entity for one product within this many days (0 to 365), each below the quote threshold and together at or above it, are a split order.",
    },
    SettingSpec {
        env: "LICITA_CATALOGUE_ABOVE_MEDIAN_PERCENT",
        default: "20",
        help: "Red flag: a catalogue order's unit price more than this percent (0 to 1000) above the product's median catalogue price when it was placed.",
    },
    SettingSpec {
        env: "LICITA_CATALOGUE_SUPPLIER_SHARE_PERCENT",
        default: "60",
        help: "Red flag: one supplier holding more than this percent (1 to 100) of an entity's accepted catalogue orders' value (from its third order).",
    },
    SettingSpec {
        env: "LICITA_STANDSTILL_DAYS",
        default: "licitacion_publica=8,concurso_publico=8,adjudicacion_simplificada=5,subasta_inversa_electronica=5,comparacion_precios=5,contratacion_directa=5",
        help: "Standstill after an award, in business days (weekends and LICITA_HOLIDAYS skipped), per method; listed methods override the defaults.",
    },
    SettingSpec {
        env: "LICITA_OCDS_PUBLISHER",
        default: "Licita",
        help: "The publisher named in every OCDS package (the organisation responsible for the open data).",
    },
    SettingSpec {
        env: "LICITA_OCDS_PUBLISHER_RUC",
        default: "",
        help: "The publisher's RUC, given as its PE-RUC uid in every OCDS package; empty for none.",
    },
    SettingSpec {
        env: "LICITA_OCDS_LICENSE",
        default: "https://creativecommons.org/licenses/by/4.0/",
        help: "The URL of the licence the OCDS data is published under.",
    },
    SettingSpec {
        env: "LICITA_OCDS_REQUESTS_PER_MINUTE",
        default: "600",
        help: "Requests a minute each client address may make to the open-data API (/api/v1/ocds); beyond it a 429 with Retry-After, 1 to 1000000.",
    },
    SettingSpec {
        env: "LICITA_OCDS_BULK_AT_ONCE",
        default: "2",
        help: "Bulk open-data files made at once (each keeps every core busy while it streams); one more gets a 429 with Retry-After, 1 to 64.",
    },
    SettingSpec {
        env: "LICITA_MODIFICATION_FLAG_PERCENT",
        default: "25",
        help: "A contract whose modifications together raise its value by more than this percentage of the original gets a red flag, 1 to 100.",
    },
    SettingSpec {
        env: "LICITA_AMENDMENT_EXTENSION_DAYS",
        default: "3",
        help: "An amendment made less than this many days before the submission deadline must move the deadline to at least this many days after the amendment, 0 to 60.",
    },
    SettingSpec {
        env: "LICITA_REQUEST_TIMEOUT_SECS",
        default: "60",
        help: "Longest a request that uploads nothing may take before it is answered 408, and longest its headers may take to arrive (then the connection is closed), 1 to 3600. Uploads have an hour, and are cut sooner when they stall (see LICITA_UPLOAD_IDLE_SECS).",
    },
    SettingSpec {
        env: "LICITA_UPLOAD_IDLE_SECS",
        default: "30",
        help: "An upload that sends nothing for this many seconds is dropped (answered 400, interrupted; nothing recorded); one that keeps arriving has an hour, however slow the link, 1 to 600.",
    },
    SettingSpec {
        env: "LICITA_UPLOAD_MAX_MB",
        default: "25",
        help: "Largest tender document accepted, in MB (enforced while the upload streams), 1 to 2048.",
    },
    SettingSpec {
        env: "LICITA_BID_MAX_MB",
        default: "50",
        help: "Largest sealed bid (all its documents together), in MB, 1 to 1024.",
    },
    SettingSpec {
        env: "LICITA_OPENING_KEY_WORK_FACTOR",
        default: "17",
        help: "scrypt work factor (log2 N) protecting committee members' opening keys with their passphrases, 10 to 22; each opening step costs about 2^N × 1 KiB of memory.",
    },
    SettingSpec {
        env: "LICITA_RECEIPT_KEY",
        default: "generated into <data dir>/receipt-signing-key on first run",
        help: "Ed25519 seed (64 hex digits) the server signs bid receipts with; set it on every server of one deployment.",
    },
    SettingSpec {
        env: "LICITA_LOG",
        default: "info",
        help: "Log filter (tracing EnvFilter syntax), e.g. info or licita=debug,tower_http=info.",
    },
];

impl Settings {
    /// A table of every setting for `--help` and the README.
    pub fn help_table() -> String {
        let mut out = String::from(
            "Settings (environment variable, or the same key in lower case without LICITA_ in licita.toml):\n",
        );
        for s in SETTINGS {
            out.push_str(&format!(
                "  {}\n      {} [default: {}]\n",
                s.env, s.help, s.default
            ));
        }
        out
    }
}

/// The default of setting `name`, as text (empty for a setting with none).
pub(super) fn default_of(name: &str) -> &'static str {
    SETTINGS
        .iter()
        .find(|s| s.env == name)
        .map(|s| s.default)
        .unwrap_or_default()
}
