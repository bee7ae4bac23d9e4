-- Template folders the user added to the list beside the built-in templates.
CREATE TABLE IF NOT EXISTS user_templates (
    id       INTEGER PRIMARY KEY,
    path     TEXT    NOT NULL UNIQUE,
    added_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
