//! The SQLite and PostgreSQL migrations produce the same tables and columns.

use crate::support::*;
use backend::db::Database;
use diesel::{QueryableByName, RunQueryDsl, sql_types::Text};
use std::collections::BTreeSet;

#[derive(QueryableByName, Debug)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    nullable: String,
}

fn columns(db: Db, dir: &std::path::Path) -> BTreeSet<(String, String, String)> {
    let (url, _name) = fresh_database(db, dir);
    let database = Database::connect(&url, 1).expect("connect");
    database.migrate().expect("migrate");
    let mut conn = database.get().expect("conn");
    let rows: Vec<Column> = match &mut *conn {
        backend::db::DbConnection::Sqlite(c) => diesel::sql_query(
            "SELECT m.name AS table_name, p.name AS column_name, CASE WHEN p.\"notnull\" = 1 OR p.pk = 1 THEN 'NO' ELSE 'YES' END AS nullable \
             FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations'",
        )
        .load(c)
        .expect("sqlite columns"),
        backend::db::DbConnection::Postgresql(c) => diesel::sql_query(
            "SELECT table_name::text AS table_name, column_name::text AS column_name, is_nullable::text AS nullable \
             FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'",
        )
        .load(c)
        .expect("pg columns"),
    };
    if let Some(name) = _name {
        drop(conn);
        drop(database);
        if let Ok(mut admin) =
            <diesel::PgConnection as diesel::Connection>::establish(&postgres_admin_url())
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin);
        }
    }
    // Full-text search is engine-specific by design (see backend/src/tenders/search.rs): an
    // FTS5 table and its shadow tables on SQLite, a generated tsvector column on PostgreSQL.
    rows.into_iter()
        .filter(|c| !c.table_name.starts_with("tender_search"))
        .filter(|c| !(c.table_name == "tenders" && c.column_name == "search_vector"))
        .map(|c| (c.table_name, c.column_name, c.nullable))
        .collect()
}

#[test]
fn sqlite_and_postgres_schemas_have_the_same_tables_and_columns() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sqlite = columns(Db::Sqlite, dir.path());
    assert!(
        sqlite
            .iter()
            .any(|(t, c, _)| t == "audit_events" && c == "prev_hash"),
        "{sqlite:?}"
    );
    if !backends().contains(&Db::Postgres) {
        return;
    }
    let postgres = columns(Db::Postgres, dir.path());
    let only_sqlite: Vec<_> = sqlite.difference(&postgres).collect();
    let only_postgres: Vec<_> = postgres.difference(&sqlite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "only in SQLite: {only_sqlite:?}\nonly in PostgreSQL: {only_postgres:?}"
    );
}
