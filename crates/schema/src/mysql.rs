//! MySQL and MariaDB, the connection's database, from `information_schema` in six queries whatever
//! the number of tables. An ENUM belongs to its column there: each is listed as `table.column`.
//! Text columns are cast to CHAR, as the two servers type information_schema differently.

use std::collections::HashMap;

use sqlx::mysql::{MySqlConnectOptions, MySqlSslMode};
use sqlx::{ConnectOptions, MySqlConnection, Row};

use crate::model::*;
use crate::{Error, Result, Server, TlsMode};

pub async fn connect(server: &Server) -> Result<MySqlConnection> {
    let options = MySqlConnectOptions::new()
        .host(&server.host)
        .port(server.port)
        .database(&server.database)
        .username(&server.username)
        .password(server.password.expose())
        .ssl_mode(match server.tls {
            TlsMode::Disable => MySqlSslMode::Disabled,
            TlsMode::Prefer => MySqlSslMode::Preferred,
            TlsMode::Require => MySqlSslMode::Required,
            TlsMode::VerifyFull => MySqlSslMode::VerifyIdentity,
        })
        .disable_statement_logging();
    server.within_timeout(options.connect()).await
}

pub(crate) async fn inspect(server: &Server) -> Result<Schema> {
    let mut conn = connect(server).await?;
    let fail = |error| Error::from_sqlx(&server.label(), error);
    let tables_rows = sqlx::query(
        "SELECT CAST(TABLE_NAME AS CHAR) AS name, CAST(TABLE_TYPE AS CHAR) AS kind,
                CAST(TABLE_COMMENT AS CHAR) AS comment, CAST(TABLE_ROWS AS SIGNED) AS row_estimate,
                CAST(DATA_LENGTH + INDEX_LENGTH AS SIGNED) AS size_bytes
         FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME",
    )
    .fetch_all(&mut conn)
    .await
    .map_err(fail)?;
    let views = sqlx::query(
        "SELECT CAST(TABLE_NAME AS CHAR) AS name, CAST(VIEW_DEFINITION AS CHAR) AS definition
         FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE()",
    )
    .fetch_all(&mut conn)
    .await
    .map_err(fail)?;
    let columns = sqlx::query(
        "SELECT CAST(TABLE_NAME AS CHAR) AS tbl, CAST(COLUMN_NAME AS CHAR) AS name,
                CAST(COLUMN_TYPE AS CHAR) AS column_type, CAST(DATA_TYPE AS CHAR) AS data_type,
                CAST(IS_NULLABLE AS CHAR) AS nullable, CAST(COLUMN_DEFAULT AS CHAR) AS dflt,
                CAST(EXTRA AS CHAR) AS extra, CAST(GENERATION_EXPRESSION AS CHAR) AS generation,
                CAST(COLUMN_COMMENT AS CHAR) AS comment
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()
         ORDER BY TABLE_NAME, ORDINAL_POSITION",
    )
    .fetch_all(&mut conn)
    .await
    .map_err(fail)?;
    let keys = sqlx::query(
        "SELECT CAST(k.TABLE_NAME AS CHAR) AS tbl, CAST(k.CONSTRAINT_NAME AS CHAR) AS name,
                CAST(t.CONSTRAINT_TYPE AS CHAR) AS kind, CAST(k.COLUMN_NAME AS CHAR) AS col,
                CAST(k.REFERENCED_TABLE_NAME AS CHAR) AS ref_table,
                CAST(k.REFERENCED_COLUMN_NAME AS CHAR) AS ref_col,
                CAST(r.UPDATE_RULE AS CHAR) AS on_update, CAST(r.DELETE_RULE AS CHAR) AS on_delete
         FROM information_schema.KEY_COLUMN_USAGE k
         JOIN information_schema.TABLE_CONSTRAINTS t
           ON t.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND t.TABLE_NAME = k.TABLE_NAME
          AND t.CONSTRAINT_NAME = k.CONSTRAINT_NAME
         LEFT JOIN information_schema.REFERENTIAL_CONSTRAINTS r
           ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
          AND r.TABLE_NAME = k.TABLE_NAME
         WHERE k.TABLE_SCHEMA = DATABASE()
         ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION",
    )
    .fetch_all(&mut conn)
    .await
    .map_err(fail)?;
    let statistics = sqlx::query(
        "SELECT CAST(TABLE_NAME AS CHAR) AS tbl, CAST(INDEX_NAME AS CHAR) AS name,
                CAST(NON_UNIQUE AS SIGNED) AS non_unique, CAST(COLUMN_NAME AS CHAR) AS col,
                CAST(INDEX_TYPE AS CHAR) AS method
         FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()
         ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
    )
    .fetch_all(&mut conn)
    .await
    .map_err(fail)?;
    let checks = sqlx::query(
        "SELECT CAST(t.TABLE_NAME AS CHAR) AS tbl, CAST(c.CONSTRAINT_NAME AS CHAR) AS name,
                CAST(c.CHECK_CLAUSE AS CHAR) AS clause
         FROM information_schema.CHECK_CONSTRAINTS c
         JOIN information_schema.TABLE_CONSTRAINTS t
           ON t.CONSTRAINT_SCHEMA = c.CONSTRAINT_SCHEMA AND t.CONSTRAINT_NAME = c.CONSTRAINT_NAME
          AND t.CONSTRAINT_TYPE = 'CHECK'
         WHERE c.CONSTRAINT_SCHEMA = DATABASE() ORDER BY t.TABLE_NAME, c.CONSTRAINT_NAME",
    )
    .fetch_all(&mut conn)
    .await
    .map_err(fail)?;

    let definitions: HashMap<String, Option<String>> = views
        .iter()
        .map(|row| (row.get("name"), row.get("definition")))
        .collect();
    let mut tables: Vec<Table> = tables_rows
        .iter()
        .map(|row| {
            let name: String = row.get("name");
            let view = row.get::<String, _>("kind").contains("VIEW");
            Table {
                schema: None,
                kind: if view {
                    TableKind::View
                } else {
                    TableKind::Table
                },
                comment: row
                    .get::<Option<String>, _>("comment")
                    .filter(|c| !c.is_empty() && c != "VIEW"),
                columns: Vec::new(),
                primary_key: None,
                foreign_keys: Vec::new(),
                uniques: Vec::new(),
                indexes: Vec::new(),
                checks: Vec::new(),
                row_estimate: if view { None } else { row.get("row_estimate") },
                size_bytes: if view { None } else { row.get("size_bytes") },
                definition: definitions.get(&name).cloned().flatten(),
                name,
            }
        })
        .collect();
    let position: HashMap<String, usize> = tables
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), i))
        .collect();

    let mut enums = Vec::new();
    for row in &columns {
        let Some(&i) = position.get(&row.get::<String, _>("tbl")) else {
            continue;
        };
        let name: String = row.get("name");
        let column_type: String = row.get("column_type");
        let extra: String = row.get::<Option<String>, _>("extra").unwrap_or_default();
        let generation: Option<String> = row
            .get::<Option<String>, _>("generation")
            .filter(|g| !g.is_empty());
        if row.get::<String, _>("data_type") == "enum" {
            enums.push(EnumType {
                schema: None,
                name: format!("{}.{name}", tables[i].name),
                values: enum_values(&column_type),
            });
        }
        tables[i].columns.push(Column {
            data_type: column_type,
            nullable: row.get::<String, _>("nullable") == "YES",
            default: row.get("dflt"),
            generated: generation.map(|expression| Generated {
                expression,
                stored: extra.contains("STORED") || extra.contains("PERSISTENT"),
            }),
            auto_increment: extra.contains("auto_increment"),
            comment: row
                .get::<Option<String>, _>("comment")
                .filter(|c| !c.is_empty()),
            name,
        });
    }

    let mut unique_names: Vec<(usize, String)> = Vec::new();
    for row in &keys {
        let Some(&i) = position.get(&row.get::<String, _>("tbl")) else {
            continue;
        };
        let name: String = row.get("name");
        let column: String = row.get("col");
        let table = &mut tables[i];
        match row.get::<String, _>("kind").as_str() {
            "PRIMARY KEY" => table
                .primary_key
                .get_or_insert_with(|| PrimaryKey {
                    name: None,
                    columns: Vec::new(),
                })
                .columns
                .push(column),
            "UNIQUE" => {
                match table
                    .uniques
                    .iter_mut()
                    .find(|u| u.name.as_deref() == Some(&name))
                {
                    Some(unique) => unique.columns.push(column),
                    None => {
                        unique_names.push((i, name.clone()));
                        table.uniques.push(UniqueConstraint {
                            name: Some(name),
                            columns: vec![column],
                        });
                    }
                }
            }
            "FOREIGN KEY" => {
                let ref_column: String = row.get("ref_col");
                match table
                    .foreign_keys
                    .iter_mut()
                    .find(|k| k.name.as_deref() == Some(&name))
                {
                    Some(key) => {
                        key.columns.push(column);
                        key.ref_columns.push(ref_column);
                    }
                    None => table.foreign_keys.push(ForeignKey {
                        name: Some(name),
                        columns: vec![column],
                        ref_schema: None,
                        ref_table: row.get("ref_table"),
                        ref_columns: vec![ref_column],
                        on_delete: RefAction::from_sql(
                            &row.get::<Option<String>, _>("on_delete")
                                .unwrap_or_default(),
                        ),
                        on_update: RefAction::from_sql(
                            &row.get::<Option<String>, _>("on_update")
                                .unwrap_or_default(),
                        ),
                    }),
                }
            }
            _ => {}
        }
    }

    for row in &statistics {
        let Some(&i) = position.get(&row.get::<String, _>("tbl")) else {
            continue;
        };
        let name: String = row.get("name");
        // The primary key's and unique constraints' own indexes are shown as those constraints.
        if name == "PRIMARY" || unique_names.iter().any(|(t, n)| *t == i && *n == name) {
            continue;
        }
        let column: Option<String> = row.get("col");
        let table = &mut tables[i];
        match table.indexes.iter_mut().find(|index| index.name == name) {
            Some(index) => {
                index.expression |= column.is_none();
                index.columns.extend(column);
            }
            None => table.indexes.push(Index {
                name,
                expression: column.is_none(),
                columns: column.into_iter().collect(),
                unique: row.get::<i64, _>("non_unique") == 0,
                method: row.get("method"),
                predicate: None,
            }),
        }
    }
    for row in &checks {
        let Some(&i) = position.get(&row.get::<String, _>("tbl")) else {
            continue;
        };
        tables[i].checks.push(Check {
            name: Some(row.get("name")),
            expression: row.get("clause"),
        });
    }
    Ok(Schema {
        engine: SchemaEngine::Mysql,
        database: server.database.clone(),
        tables,
        enums,
    })
}

/// The labels of `enum('a','b''c')`, as information_schema.COLUMNS.COLUMN_TYPE writes them: quoted
/// with single quotes, a quote inside doubled.
pub(crate) fn enum_values(column_type: &str) -> Vec<String> {
    let inner = column_type
        .strip_prefix("enum(")
        .and_then(|rest| rest.strip_suffix(')'))
        .unwrap_or_default();
    let mut values = Vec::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\'' {
            continue;
        }
        let mut value = String::new();
        while let Some(c) = chars.next() {
            match c {
                '\'' if chars.peek() == Some(&'\'') => {
                    value.push('\'');
                    chars.next();
                }
                '\'' => break,
                c => value.push(c),
            }
        }
        values.push(value);
    }
    values
}

#[cfg(test)]
mod tests {
    #[test]
    fn enum_labels_are_read_with_their_quotes_and_commas() {
        assert_eq!(
            super::enum_values("enum('new','it''s','a,b')"),
            vec!["new", "it's", "a,b"]
        );
    }
}
