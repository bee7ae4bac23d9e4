//! The `[environments.*]` tables, the shared `[variables]`, and the secrets an environment names.

use super::*;

impl Checker<'_> {
    pub(super) fn environments(&mut self, item: &Item, spans: &Spans) -> Vec<EnvironmentDecl> {
        let what = "`environments` must hold one table per environment, such as [environments.dev]"
            .to_owned();
        let Some(table) = self.table(item, spans, what) else {
            return Vec::new();
        };
        let mut environments = Vec::new();
        for (name, item) in table.iter() {
            let spans = locate(table, name);
            if !schema::is_environment_name(name) {
                self.error(
                    spans.key.clone(),
                    "config.invalid_name",
                    format!(
                        "`{name}` is not a valid environment name: {}.",
                        schema::ENVIRONMENT_NAME_RULE
                    ),
                );
            }
            let what =
                format!("Environment `{name}` must be a table such as [environments.{name}]");
            let Some(table) = self.table(item, &spans, what) else {
                continue;
            };
            let mut environment = EnvironmentDecl {
                name: name.to_owned(),
                ..EnvironmentDecl::default()
            };
            for (key, item) in table.iter() {
                let spans = locate(table, key);
                match key {
                    "variables" => {
                        environment.variables =
                            self.variables(item, &spans, &format!("the variables of `{name}`"));
                    }
                    "secrets" => environment.secrets = self.secrets(item, &spans),
                    _ => self.unknown_key(
                        key,
                        spans.key,
                        schema::ENVIRONMENT_KEYS,
                        &format!("in environment `{name}`"),
                    ),
                }
            }
            environments.push(environment);
        }
        environments
    }

    pub(super) fn variables(
        &mut self,
        item: &Item,
        spans: &Spans,
        place: &str,
    ) -> BTreeMap<String, String> {
        let what = "`variables` must be a table of NAME = \"value\"".to_owned();
        let Some(table) = self.table(item, spans, what) else {
            return BTreeMap::new();
        };
        let mut variables = BTreeMap::new();
        for (name, item) in table.iter() {
            let spans = locate(table, name);
            if !schema::is_variable_name(name) {
                self.error(
                    spans.key.clone(),
                    "config.invalid_name",
                    format!(
                        "`{name}` in {place} is not a valid variable name: {}.",
                        schema::VARIABLE_NAME_RULE
                    ),
                );
            }
            let value = match item.as_value() {
                Some(Value::String(s)) => Some(s.value().clone()),
                Some(Value::Integer(i)) => Some(i.value().to_string()),
                Some(Value::Float(f)) => Some(f.value().to_string()),
                Some(Value::Boolean(b)) => Some(b.value().to_string()),
                _ => None,
            };
            let Some(value) = value else {
                self.wrong_type(
                    spans.value,
                    format!("Variable `{name}` must be a string, number or boolean"),
                    type_name(item),
                );
                continue;
            };
            if schema::looks_secret(name) && !value.is_empty() {
                self.warning(
                    spans.value.clone(),
                    "config.secret_in_variable",
                    format!(
                        "`{name}` looks like a secret, and this file is shared. Move it to secrets: store its value in the keychain and list \"{name}\" in the environment's `secrets`."
                    ),
                );
            }
            variables.insert(name.to_owned(), value);
        }
        variables
    }

    pub(super) fn secrets(&mut self, item: &Item, spans: &Spans) -> Vec<String> {
        let Some(array) = item.as_array() else {
            self.wrong_type(
                spans.value.clone(),
                "`secrets` must be an array of secret names, such as [\"STRIPE_KEY\"]".to_owned(),
                type_name(item),
            );
            return Vec::new();
        };
        let mut names = Vec::new();
        let mut seen = HashSet::new();
        for value in array.iter() {
            let span = value.span().unwrap_or(spans.value.clone());
            let Some(name) = value.as_str() else {
                self.wrong_type(
                    span,
                    "Each secret must be a name in quotes, such as \"STRIPE_KEY\"".to_owned(),
                    value_type_name(value),
                );
                continue;
            };
            if !schema::is_variable_name(name) {
                self.error(
                    span,
                    "config.invalid_name",
                    format!(
                        "`{name}` is not a valid secret name: {}. List secrets by name; their values stay in the keychain.",
                        schema::VARIABLE_NAME_RULE
                    ),
                );
                continue;
            }
            if !seen.insert(name) {
                self.warning(
                    span,
                    "config.duplicate_secret",
                    format!("Secret `{name}` is listed twice. Remove one."),
                );
                continue;
            }
            if let Some(known) = self.known_secrets {
                if !known.iter().any(|k| k == name) {
                    self.warning(
                        span,
                        "config.unknown_secret",
                        format!(
                            "Secret `{name}` is not in the keychain on this machine. Set its value in the project's secrets before using this environment."
                        ),
                    );
                }
            }
            names.push(name.to_owned());
        }
        names
    }
}
