//! The `[[health]]` tables: the project's health checks.

use quantum_health::{Condition, Target};

use super::*;

impl Checker<'_> {
    pub(super) fn health_checks(&mut self, item: &Item, spans: &Spans) -> Vec<HealthCheckDecl> {
        let Some(array) = item.as_array_of_tables() else {
            self.wrong_type(
                spans.value.clone(),
                "`health` must be a list of tables, each written [[health]]".to_owned(),
                type_name(item),
            );
            return Vec::new();
        };
        let mut checks: Vec<HealthCheckDecl> = Vec::new();
        for table in array.iter() {
            let at = table.span().unwrap_or(spans.key.clone());
            let Some(check) = self.health_check(table, at.clone()) else {
                continue;
            };
            if checks.iter().any(|c| c.name == check.name) {
                self.error(
                    at,
                    "config.duplicate_key",
                    format!(
                        "Two health checks are named `{}`. Names must be unique: rename one.",
                        check.name
                    ),
                );
                continue;
            }
            checks.push(check);
        }
        checks
    }

    fn health_check(
        &mut self,
        table: &toml_edit::Table,
        at: Range<usize>,
    ) -> Option<HealthCheckDecl> {
        let mut check = HealthCheckDecl::default();
        let mut valid = true;
        for (key, item) in table.iter() {
            let spans = locate(table, key);
            match key {
                "name" => match self.string(item, &spans, key) {
                    Some(name) if schema::is_environment_name(name) => check.name = name.to_owned(),
                    Some(name) => {
                        valid = false;
                        self.error(
                            spans.value,
                            "config.invalid_name",
                            format!(
                                "`{name}` is not a valid check name: {}.",
                                schema::ENVIRONMENT_NAME_RULE
                            ),
                        );
                    }
                    None => valid = false,
                },
                "target" => match self.string(item, &spans, key) {
                    Some(target) => match Target::parse(target) {
                        Ok(_) => check.target = target.trim().to_owned(),
                        Err(message) => {
                            valid = false;
                            self.error(spans.value, "config.invalid_target", format!("{message}."));
                        }
                    },
                    None => valid = false,
                },
                "interval" | "timeout" | "failures" => {
                    let (range, what) = match key {
                        "interval" => (1..=86_400, "the seconds between two runs, 1 to 86400"),
                        "timeout" => (1..=300, "the seconds to wait for an answer, 1 to 300"),
                        _ => (
                            1..=100,
                            "the failures in a row that open an incident, 1 to 100",
                        ),
                    };
                    match item.as_integer() {
                        Some(n) if range.contains(&n) => {
                            let n = u32::try_from(n).ok();
                            match key {
                                "interval" => check.interval = n,
                                "timeout" => check.timeout = n,
                                _ => check.failures = n,
                            }
                        }
                        Some(n) => self.error(
                            spans.value,
                            "config.out_of_range",
                            format!("`{key}` is {n}: give {what}."),
                        ),
                        None => self.wrong_type(
                            spans.value,
                            format!("`{key}` must be a whole number: {what}"),
                            type_name(item),
                        ),
                    }
                }
                "insecure" => match item.as_bool() {
                    Some(insecure) => check.insecure = insecure,
                    None => self.wrong_type(
                        spans.value,
                        "`insecure` must be true or false".to_owned(),
                        type_name(item),
                    ),
                },
                "conditions" => {
                    match item.as_array() {
                        Some(conditions) => {
                            for value in conditions.iter() {
                                let span = value.span().unwrap_or(spans.value.clone());
                                match value.as_str().map(Condition::parse) {
                                Some(Ok(_)) => check.conditions.push(value.as_str().unwrap_or_default().trim().to_owned()),
                                Some(Err(message)) => self.error(span, "config.invalid_condition", format!("{message}.")),
                                None => self.wrong_type(
                                    span,
                                    "Each condition must be a string such as \"[STATUS] == 200\"".to_owned(),
                                    value_type_name(value),
                                ),
                            }
                            }
                        }
                        None => self.wrong_type(
                            spans.value,
                            "`conditions` must be a list of strings such as [\"[STATUS] == 200\"]"
                                .to_owned(),
                            type_name(item),
                        ),
                    }
                }
                _ => self.unknown_key(key, spans.key, schema::HEALTH_KEYS, "in a [[health]] check"),
            }
        }
        for (missing, example) in [
            ("name", "name = \"api\""),
            ("target", "target = \"http://127.0.0.1:8000/health\""),
        ] {
            let absent = if missing == "name" {
                check.name.is_empty()
            } else {
                check.target.is_empty()
            };
            if absent && valid {
                self.error(
                    at.clone(),
                    "config.missing_key",
                    format!("A [[health]] check needs `{missing}`, such as {example}."),
                );
            }
            valid &= !absent;
        }
        valid.then_some(check)
    }
}

#[cfg(test)]
mod tests {
    use crate::{parse, validate};

    #[test]
    fn checks_are_read_with_their_defaults_left_to_the_runner() {
        let text = "[[health]]\nname = \"api\"\ntarget = \"https://127.0.0.1:8443/health\"\ninterval = 30\ninsecure = true\nconditions = [\"[STATUS] == 200\", \"[BODY].status == UP\"]\n\n[[health]]\nname = \"db\"\ntarget = \"datasource:shop-db\"\n";
        let config = parse(text).expect("valid");
        assert_eq!(config.health.len(), 2);
        assert_eq!(config.health[0].interval, Some(30));
        assert!(config.health[0].insecure);
        assert!(config.health[0].to_spec().expect("spec").insecure);
        assert_eq!(
            config.health[0].conditions,
            ["[STATUS] == 200", "[BODY].status == UP"]
        );
        assert_eq!(config.health[1].target, "datasource:shop-db");
        let spec = config.health[1].to_spec().expect("spec");
        assert_eq!(spec.interval_secs, quantum_health::DEFAULT_INTERVAL_SECS);
        assert_eq!(spec.conditions.len(), 1, "a default condition");
    }

    #[test]
    fn mistakes_are_reported_where_they_are() {
        let codes = |text: &str| {
            validate(text, &[])
                .into_iter()
                .map(|d| (d.line, d.code))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            codes("[[health]]\nname = \"api\"\ntarget = \"ftp://x\"\n"),
            [(3, "config.invalid_target".to_owned())]
        );
        assert_eq!(
            codes("[[health]]\nname = \"api\"\ntarget = \"tcp://h:1\"\nconditions = [\"[STATUS]==200\"]\n"),
            [(4, "config.invalid_condition".to_owned())]
        );
        assert_eq!(
            codes("[[health]]\nname = \"api\"\ntarget = \"tcp://h:1\"\ninterval = 0\n"),
            [(4, "config.out_of_range".to_owned())]
        );
        assert_eq!(
            codes("[[health]]\ntarget = \"tcp://h:1\"\n"),
            [(1, "config.missing_key".to_owned())]
        );
        assert_eq!(
            codes("[[health]]\nname = \"a\"\ntarget = \"tcp://h:1\"\n[[health]]\nname = \"a\"\ntarget = \"tcp://h:2\"\n"),
            [(4, "config.duplicate_key".to_owned())]
        );
        assert_eq!(
            codes("[[health]]\nname = \"a\"\ntarget = \"tcp://h:1\"\nintervall = 3\n"),
            [(4, "config.unknown_key".to_owned())]
        );
    }
}
