//! The SQL that turns one schema into another, for PostgreSQL and MySQL/MariaDB: the up and
//! down of a generated migration. Order matters: foreign keys that go are dropped first and the
//! new ones added last, so that tables can be created, changed and dropped in between.

use serde::Serialize;
use specta::Type;

use super::{compared_tables, diff, DiffChange, DiffPart};
use crate::model::*;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct MigrationSql {
    pub up: String,
    pub down: String,
}

/// The up SQL turns `from` into `to`; the down SQL turns `to` back into `from`.
pub fn migration_sql(from: &Schema, to: &Schema) -> MigrationSql {
    MigrationSql {
        up: statements(from, to).join("\n"),
        down: statements(to, from).join("\n"),
    }
}

struct Sql {
    engine: SchemaEngine,
}

fn statements(from: &Schema, to: &Schema) -> Vec<String> {
    let sql = Sql { engine: to.engine };
    let changes = diff(from, to);
    let table_in = |schema: &Schema, name: &str| {
        compared_tables(schema)
            .find(|t| t.qualified_name() == name)
            .cloned()
    };
    let mut first = Vec::new();
    let mut middle = Vec::new();
    let mut last = Vec::new();

    for e in &changes.enums {
        match e.change {
            DiffChange::Added => first.push(format!(
                "CREATE TYPE {} AS ENUM ({});",
                sql.qualified(&e.name),
                literals(&e.to)
            )),
            DiffChange::Changed => {
                for value in e.to.iter().filter(|v| !e.from.contains(v)) {
                    first.push(format!(
                        "ALTER TYPE {} ADD VALUE {};",
                        sql.qualified(&e.name),
                        literal(value)
                    ));
                }
            }
            DiffChange::Dropped => last.push(format!("DROP TYPE {};", sql.qualified(&e.name))),
        }
    }

    for change in &changes.tables {
        let old = table_in(from, &change.table);
        let new = table_in(to, &change.table);
        match (change.change, old, new) {
            (DiffChange::Added, _, Some(table)) => {
                if table.kind == TableKind::Table {
                    middle.push(sql.create_table(&table));
                    last.extend(table.indexes.iter().map(|i| sql.create_index(&table, i)));
                    last.extend(table.foreign_keys.iter().map(|k| sql.add_fk(&table, k)));
                } else {
                    last.push(sql.create_view(&table));
                }
            }
            (DiffChange::Dropped, Some(table), _) => {
                if table.kind == TableKind::Table {
                    // Its own keys go with it; keys pointing at it are dropped below, first.
                    middle.push(format!("DROP TABLE {};", sql.table(&table)));
                } else {
                    first.push(format!("DROP VIEW {};", sql.table(&table)));
                }
            }
            (DiffChange::Changed, Some(old), Some(new)) => {
                sql.alter_table(&old, &new, &mut first, &mut middle, &mut last);
            }
            _ => {}
        }
    }
    // Keys into a table that goes must go before it.
    for change in changes
        .tables
        .iter()
        .filter(|t| t.change == DiffChange::Dropped)
    {
        for table in compared_tables(from).filter(|t| t.qualified_name() != change.table) {
            for key in table
                .foreign_keys
                .iter()
                .filter(|k| k.ref_qualified_name() == change.table)
            {
                let drop = sql.drop_fk(table, key);
                if !first.contains(&drop) {
                    first.push(drop);
                }
            }
        }
    }
    first.into_iter().chain(middle).chain(last).collect()
}

impl Sql {
    fn postgres(&self) -> bool {
        self.engine == SchemaEngine::Postgres
    }

    fn ident(&self, name: &str) -> String {
        let plain = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && !RESERVED.contains(&name.to_ascii_uppercase().as_str());
        match (plain, self.postgres()) {
            (true, _) => name.to_owned(),
            (false, true) => format!("\"{}\"", name.replace('"', "\"\"")),
            (false, false) => format!("`{}`", name.replace('`', "``")),
        }
    }

    fn qualified(&self, name: &str) -> String {
        name.split('.')
            .map(|part| self.ident(part))
            .collect::<Vec<_>>()
            .join(".")
    }

    fn table(&self, table: &Table) -> String {
        match &table.schema {
            Some(schema) if self.postgres() => {
                format!("{}.{}", self.ident(schema), self.ident(&table.name))
            }
            _ => self.ident(&table.name),
        }
    }

    fn columns(&self, columns: &[String]) -> String {
        columns
            .iter()
            .map(|c| self.ident(c))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A column as CREATE TABLE and ADD COLUMN write it. A PostgreSQL column filled from a
    /// sequence is written `serial` (its sequence made with it); an identity one as identity.
    fn column(&self, c: &Column) -> String {
        let serial = c
            .default
            .as_deref()
            .is_some_and(|d| d.starts_with("nextval("));
        let mut text = format!("{} ", self.ident(&c.name));
        match (self.postgres(), serial, c.auto_increment) {
            (true, true, _) => text.push_str(match c.data_type.as_str() {
                "bigint" => "bigserial",
                "smallint" => "smallserial",
                _ => "serial",
            }),
            _ => text.push_str(&c.data_type),
        }
        if let Some(generated) = &c.generated {
            let stored = if generated.stored || self.postgres() {
                "STORED"
            } else {
                "VIRTUAL"
            };
            text.push_str(&format!(
                " GENERATED ALWAYS AS ({}) {stored}",
                generated.expression
            ));
        }
        if !c.nullable {
            text.push_str(" NOT NULL");
        }
        if let Some(default) = c.default.as_deref().filter(|_| !serial) {
            text.push_str(&format!(" DEFAULT {default}"));
        }
        if c.auto_increment && !serial {
            text.push_str(if self.postgres() {
                " GENERATED BY DEFAULT AS IDENTITY"
            } else {
                " AUTO_INCREMENT"
            });
        }
        text
    }

    fn create_table(&self, table: &Table) -> String {
        let mut parts: Vec<String> = table
            .columns
            .iter()
            .map(|c| format!("    {}", self.column(c)))
            .collect();
        if let Some(pk) = &table.primary_key {
            parts.push(format!("    PRIMARY KEY ({})", self.columns(&pk.columns)));
        }
        parts.extend(
            table
                .uniques
                .iter()
                .map(|u| format!("    {}", self.unique(u))),
        );
        parts.extend(
            table
                .checks
                .iter()
                .map(|c| format!("    {}", self.check(c))),
        );
        format!(
            "CREATE TABLE {} (\n{}\n);",
            self.table(table),
            parts.join(",\n")
        )
    }

    fn create_view(&self, view: &Table) -> String {
        let materialized = if view.kind == TableKind::MaterializedView {
            "MATERIALIZED "
        } else {
            ""
        };
        let body = view
            .definition
            .as_deref()
            .unwrap_or_default()
            .trim()
            .trim_end_matches(';');
        format!("CREATE {materialized}VIEW {} AS {body};", self.table(view))
    }

    fn unique(&self, u: &UniqueConstraint) -> String {
        match &u.name {
            Some(name) => format!(
                "CONSTRAINT {} UNIQUE ({})",
                self.ident(name),
                self.columns(&u.columns)
            ),
            None => format!("UNIQUE ({})", self.columns(&u.columns)),
        }
    }

    fn check(&self, c: &Check) -> String {
        let expression = c.expression.trim();
        let body = if expression.starts_with('(') {
            expression.to_owned()
        } else {
            format!("({expression})")
        };
        match &c.name {
            Some(name) => format!("CONSTRAINT {} CHECK {body}", self.ident(name)),
            None => format!("CHECK {body}"),
        }
    }

    fn create_index(&self, table: &Table, index: &Index) -> String {
        let keys = index
            .columns
            .iter()
            .map(|k| {
                if table.column(k).is_some() {
                    self.ident(k)
                } else {
                    format!("({k})")
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        let unique = if index.unique { "UNIQUE " } else { "" };
        if self.postgres() {
            let method = index
                .method
                .as_deref()
                .filter(|m| *m != "btree")
                .map(|m| format!(" USING {m}"))
                .unwrap_or_default();
            let predicate = index
                .predicate
                .as_deref()
                .map(|p| format!(" WHERE {p}"))
                .unwrap_or_default();
            format!(
                "CREATE {unique}INDEX {} ON {}{method} ({keys}){predicate};",
                self.ident(&index.name),
                self.table(table)
            )
        } else {
            let kind = match index.method.as_deref() {
                Some("FULLTEXT") => "FULLTEXT ",
                Some("SPATIAL") => "SPATIAL ",
                _ => unique,
            };
            format!(
                "CREATE {kind}INDEX {} ON {} ({keys});",
                self.ident(&index.name),
                self.table(table)
            )
        }
    }

    fn drop_index(&self, table: &Table, index: &Index) -> String {
        match (&table.schema, self.postgres()) {
            (Some(schema), true) => format!(
                "DROP INDEX {}.{};",
                self.ident(schema),
                self.ident(&index.name)
            ),
            (_, true) => format!("DROP INDEX {};", self.ident(&index.name)),
            (_, false) => format!(
                "DROP INDEX {} ON {};",
                self.ident(&index.name),
                self.table(table)
            ),
        }
    }

    fn add_fk(&self, table: &Table, k: &ForeignKey) -> String {
        let name = k
            .name
            .as_deref()
            .map(|n| format!("CONSTRAINT {} ", self.ident(n)))
            .unwrap_or_default();
        let target = match (&k.ref_schema, self.postgres()) {
            (Some(schema), true) => format!("{}.{}", self.ident(schema), self.ident(&k.ref_table)),
            _ => self.ident(&k.ref_table),
        };
        format!(
            "ALTER TABLE {} ADD {name}FOREIGN KEY ({}) REFERENCES {target} ({}) ON DELETE {} ON UPDATE {};",
            self.table(table),
            self.columns(&k.columns),
            self.columns(&k.ref_columns),
            k.on_delete.sql(),
            k.on_update.sql()
        )
    }

    fn drop_fk(&self, table: &Table, k: &ForeignKey) -> String {
        let name = self.ident(k.name.as_deref().unwrap_or_default());
        let verb = if self.postgres() {
            "DROP CONSTRAINT"
        } else {
            "DROP FOREIGN KEY"
        };
        format!("ALTER TABLE {} {verb} {name};", self.table(table))
    }

    fn drop_constraint(&self, table: &Table, name: Option<&str>, mysql_verb: &str) -> String {
        let verb = if self.postgres() {
            "DROP CONSTRAINT"
        } else {
            mysql_verb
        };
        format!(
            "ALTER TABLE {} {verb} {};",
            self.table(table),
            self.ident(name.unwrap_or_default())
        )
    }

    /// A changed table's statements: keys and indexes that go, first; columns and the primary
    /// key, in the middle; indexes and keys that come, last.
    fn alter_table(
        &self,
        old: &Table,
        new: &Table,
        first: &mut Vec<String>,
        middle: &mut Vec<String>,
        last: &mut Vec<String>,
    ) {
        let name = self.table(new);
        if old.kind != TableKind::Table || new.kind != TableKind::Table {
            first.push(format!("DROP VIEW {};", self.table(old)));
            last.push(self.create_view(new));
            return;
        }
        let items = super::table_items(old, new);
        let gone = |part: DiffPart, text: &str| {
            items.iter().any(|i| {
                i.part == part && i.change == DiffChange::Dropped && i.from.as_deref() == Some(text)
            })
        };
        let came = |part: DiffPart, text: &str| {
            items.iter().any(|i| {
                i.part == part && i.change == DiffChange::Added && i.to.as_deref() == Some(text)
            })
        };
        for k in old
            .foreign_keys
            .iter()
            .filter(|k| gone(DiffPart::ForeignKey, &super::describe_fk(k)))
        {
            first.push(self.drop_fk(old, k));
        }
        for i in old
            .indexes
            .iter()
            .filter(|i| gone(DiffPart::Index, &super::describe_index(i)))
        {
            first.push(self.drop_index(old, i));
        }
        for u in old
            .uniques
            .iter()
            .filter(|u| gone(DiffPart::Unique, &u.columns.join(", ")))
        {
            first.push(self.drop_constraint(old, u.name.as_deref(), "DROP INDEX"));
        }
        for c in old
            .checks
            .iter()
            .filter(|c| gone(DiffPart::Check, &c.expression))
        {
            first.push(self.drop_constraint(old, c.name.as_deref(), "DROP CHECK"));
        }
        if items.iter().any(|i| i.part == DiffPart::PrimaryKey) && old.primary_key.is_some() {
            first.push(if self.postgres() {
                let pk = old
                    .primary_key
                    .as_ref()
                    .and_then(|k| k.name.clone())
                    .unwrap_or_else(|| format!("{}_pkey", old.name));
                format!("ALTER TABLE {name} DROP CONSTRAINT {};", self.ident(&pk))
            } else {
                format!("ALTER TABLE {name} DROP PRIMARY KEY;")
            });
        }
        for item in items.iter().filter(|i| i.part == DiffPart::Column) {
            match item.change {
                DiffChange::Added => {
                    if let Some(c) = new.column(&item.name) {
                        middle.push(format!("ALTER TABLE {name} ADD COLUMN {};", self.column(c)));
                    }
                }
                DiffChange::Dropped => middle.push(format!(
                    "ALTER TABLE {name} DROP COLUMN {};",
                    self.ident(&item.name)
                )),
                DiffChange::Changed => {
                    if let (Some(a), Some(b)) = (old.column(&item.name), new.column(&item.name)) {
                        middle.extend(self.alter_column(&name, a, b));
                    }
                }
            }
        }
        if let Some(pk) = new
            .primary_key
            .as_ref()
            .filter(|_| items.iter().any(|i| i.part == DiffPart::PrimaryKey))
        {
            middle.push(format!(
                "ALTER TABLE {name} ADD PRIMARY KEY ({});",
                self.columns(&pk.columns)
            ));
        }
        for u in new
            .uniques
            .iter()
            .filter(|u| came(DiffPart::Unique, &u.columns.join(", ")))
        {
            last.push(format!("ALTER TABLE {name} ADD {};", self.unique(u)));
        }
        for c in new
            .checks
            .iter()
            .filter(|c| came(DiffPart::Check, &c.expression))
        {
            last.push(format!("ALTER TABLE {name} ADD {};", self.check(c)));
        }
        for i in new
            .indexes
            .iter()
            .filter(|i| came(DiffPart::Index, &super::describe_index(i)))
        {
            last.push(self.create_index(new, i));
        }
        for k in new
            .foreign_keys
            .iter()
            .filter(|k| came(DiffPart::ForeignKey, &super::describe_fk(k)))
        {
            last.push(self.add_fk(new, k));
        }
    }

    fn alter_column(&self, table: &str, a: &Column, b: &Column) -> Vec<String> {
        if !self.postgres() {
            return vec![format!(
                "ALTER TABLE {table} MODIFY COLUMN {};",
                self.column(b)
            )];
        }
        let column = self.ident(&b.name);
        let mut out = Vec::new();
        if a.generated != b.generated || a.auto_increment != b.auto_increment {
            // Neither can be changed in place: the column is made again (its data with it).
            out.push(format!("ALTER TABLE {table} DROP COLUMN {column};"));
            out.push(format!(
                "ALTER TABLE {table} ADD COLUMN {};",
                self.column(b)
            ));
            return out;
        }
        if a.data_type != b.data_type {
            out.push(format!(
                "ALTER TABLE {table} ALTER COLUMN {column} TYPE {} USING {column}::{};",
                b.data_type, b.data_type
            ));
        }
        if a.nullable != b.nullable {
            let verb = if b.nullable { "DROP" } else { "SET" };
            out.push(format!(
                "ALTER TABLE {table} ALTER COLUMN {column} {verb} NOT NULL;"
            ));
        }
        if a.default != b.default {
            out.push(match &b.default {
                Some(default) => {
                    format!("ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT {default};")
                }
                None => format!("ALTER TABLE {table} ALTER COLUMN {column} DROP DEFAULT;"),
            });
        }
        out
    }
}

/// Words PostgreSQL or MySQL reserve: a name spelled like one is quoted. Other keywords
/// (`name`, `id`, `public`) are fine as names in both.
const RESERVED: &[&str] = &[
    "ADD",
    "ALL",
    "ALTER",
    "ANALYSE",
    "ANALYZE",
    "AND",
    "ANY",
    "ARRAY",
    "AS",
    "ASC",
    "ASYMMETRIC",
    "AUTHORIZATION",
    "BETWEEN",
    "BINARY",
    "BOTH",
    "BY",
    "CASE",
    "CAST",
    "CHANGE",
    "CHECK",
    "COLLATE",
    "COLLATION",
    "COLUMN",
    "CONCURRENTLY",
    "CONDITION",
    "CONSTRAINT",
    "CREATE",
    "CROSS",
    "CURRENT_CATALOG",
    "CURRENT_DATE",
    "CURRENT_ROLE",
    "CURRENT_SCHEMA",
    "CURRENT_TIME",
    "CURRENT_TIMESTAMP",
    "CURRENT_USER",
    "DATABASE",
    "DEFAULT",
    "DEFERRABLE",
    "DELETE",
    "DESC",
    "DESCRIBE",
    "DISTINCT",
    "DIV",
    "DO",
    "DROP",
    "ELSE",
    "END",
    "EXCEPT",
    "EXISTS",
    "EXPLAIN",
    "FALSE",
    "FETCH",
    "FOR",
    "FORCE",
    "FOREIGN",
    "FREEZE",
    "FROM",
    "FULL",
    "FULLTEXT",
    "GRANT",
    "GROUP",
    "GROUPS",
    "HAVING",
    "ILIKE",
    "IN",
    "INDEX",
    "INITIALLY",
    "INNER",
    "INSERT",
    "INTERSECT",
    "INTERVAL",
    "INTO",
    "IS",
    "ISNULL",
    "JOIN",
    "KEY",
    "KEYS",
    "KILL",
    "LATERAL",
    "LEADING",
    "LEFT",
    "LIKE",
    "LIMIT",
    "LOCALTIME",
    "LOCALTIMESTAMP",
    "LOCK",
    "MATCH",
    "NATURAL",
    "NOT",
    "NOTNULL",
    "NULL",
    "OFFSET",
    "ON",
    "ONLY",
    "OPTION",
    "OR",
    "ORDER",
    "OUTER",
    "OVERLAPS",
    "PARTITION",
    "PLACING",
    "PRIMARY",
    "RANGE",
    "RANK",
    "READ",
    "REFERENCES",
    "RENAME",
    "REPLACE",
    "RETURNING",
    "RIGHT",
    "ROW",
    "ROWS",
    "SELECT",
    "SESSION_USER",
    "SET",
    "SHOW",
    "SIMILAR",
    "SOME",
    "SYMMETRIC",
    "SYSTEM_USER",
    "TABLE",
    "TABLESAMPLE",
    "THEN",
    "TO",
    "TRAILING",
    "TRUE",
    "UNION",
    "UNIQUE",
    "UPDATE",
    "USAGE",
    "USE",
    "USER",
    "USING",
    "VALUES",
    "VARIADIC",
    "VERBOSE",
    "WHEN",
    "WHERE",
    "WINDOW",
    "WITH",
    "WRITE",
];

fn literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

fn literals(values: &[String]) -> String {
    values
        .iter()
        .map(|v| literal(v))
        .collect::<Vec<_>>()
        .join(", ")
}
