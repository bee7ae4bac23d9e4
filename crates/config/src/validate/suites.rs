//! The `[tests.*]` tables: the test suites the app runs.

use super::*;

impl Checker<'_> {
    pub(super) fn test_suites(&mut self, item: &Item, spans: &Spans) -> Vec<TestSuiteDecl> {
        let what = "`tests` must hold one table per suite, such as [tests.unit]".to_owned();
        let Some(table) = self.table(item, spans, what) else {
            return Vec::new();
        };
        let mut suites = Vec::new();
        for (name, item) in table.iter() {
            let spans = locate(table, name);
            if !schema::is_environment_name(name) {
                self.error(
                    spans.key.clone(),
                    "config.invalid_name",
                    format!(
                        "`{name}` is not a valid suite name: {}.",
                        schema::ENVIRONMENT_NAME_RULE
                    ),
                );
            }
            let what = format!("Suite `{name}` must be a table such as [tests.{name}]");
            let Some(table) = self.table(item, &spans, what) else {
                continue;
            };
            suites.extend(self.test_suite(name, table, &spans));
        }
        suites
    }

    fn test_suite(
        &mut self,
        name: &str,
        table: &dyn TableLike,
        spans: &Spans,
    ) -> Option<TestSuiteDecl> {
        let mut suite = TestSuiteDecl {
            name: name.to_owned(),
            ..TestSuiteDecl::default()
        };
        let mut valid = true;
        for (key, item) in table.iter() {
            let spans = locate(table, key);
            match key {
                "command" => match self.string(item, &spans, key).map(shell_words::split) {
                    Some(Ok(words)) if !words.is_empty() => suite.command = words,
                    Some(Ok(_)) => {
                        valid = false;
                        self.error(
                            spans.value,
                            "config.invalid_command",
                            format!("Suite `{name}` has an empty `command`. Write the command line that runs its tests."),
                        );
                    }
                    Some(Err(error)) => {
                        valid = false;
                        self.error(
                            spans.value,
                            "config.invalid_command",
                            format!("The `command` of suite `{name}` cannot be split into words ({error}). Check its quotes."),
                        );
                    }
                    None => valid = false,
                },
                "dir" => {
                    if let Some(dir) = self.string(item, &spans, key) {
                        if schema::is_project_folder(dir) {
                            suite.dir = Some(dir.to_owned());
                        } else {
                            self.error(
                                spans.value,
                                "config.invalid_folder",
                                format!("`dir` must be a folder inside the project, relative, without `..`, such as \"backend\"; `{dir}` is not."),
                            );
                        }
                    }
                }
                "env" => {
                    suite.env = self.variables(item, &spans, &format!("the env of suite `{name}`"))
                }
                "format" => {
                    if let Some(format) = self.string(item, &spans, key) {
                        if schema::TEST_FORMATS.contains(&format) {
                            suite.format = Some(format.to_owned());
                        } else {
                            let hint =
                                schema::did_you_mean(format, schema::TEST_FORMATS.iter().copied())
                                    .map_or_else(
                                        || {
                                            format!(
                                                "Use one of: {}.",
                                                schema::TEST_FORMATS.join(", ")
                                            )
                                        },
                                        |s| format!("Did you mean `{s}`?"),
                                    );
                            self.error(
                                spans.value,
                                "config.invalid_format",
                                format!("Unknown result format `{format}`. {hint}"),
                            );
                        }
                    }
                }
                "report" => {
                    if let Some(report) = self.string(item, &spans, key) {
                        if schema::is_project_folder(report) {
                            suite.report = Some(report.to_owned());
                        } else {
                            self.error(
                                spans.value,
                                "config.invalid_folder",
                                format!("`report` must be a file inside the suite's folder, relative, without `..`; `{report}` is not."),
                            );
                        }
                    }
                }
                "timeout" => match item.as_integer() {
                    Some(secs) if (1..=86_400).contains(&secs) => {
                        suite.timeout = u32::try_from(secs).ok();
                    }
                    Some(secs) => self.error(
                        spans.value,
                        "config.invalid_timeout",
                        format!(
                            "`timeout` is {secs}: give the seconds a run may take, 1 to 86400."
                        ),
                    ),
                    None => self.wrong_type(
                        spans.value,
                        "`timeout` must be a whole number of seconds".to_owned(),
                        type_name(item),
                    ),
                },
                _ => self.unknown_key(
                    key,
                    spans.key,
                    schema::TEST_KEYS,
                    &format!("in suite `{name}`"),
                ),
            }
        }
        if suite.command.is_empty() {
            if valid {
                self.error(
                    spans.key.clone(),
                    "config.missing_command",
                    format!("Suite `{name}` needs a `command`, such as command = \"npm test\"."),
                );
            }
            return None;
        }
        if matches!(suite.format.as_deref(), Some("junit" | "jest-json")) && suite.report.is_none()
        {
            self.error(
                spans.key.clone(),
                "config.missing_report",
                format!("Suite `{name}` reads a {} report: say where the command writes it with `report`.", suite.format.as_deref().unwrap_or_default()),
            );
        }
        Some(suite)
    }
}

#[cfg(test)]
mod tests {
    use crate::{parse, validate};

    #[test]
    fn a_suite_is_read_with_its_command_split_as_a_shell_would() {
        let text = "[tests.unit]\ncommand = \"cargo nextest run -E 'test(=a b)'\"\ndir = \"backend\"\nenv = { RUST_LOG = \"warn\" }\ntimeout = 600\n\n[tests.e2e]\ncommand = \"make e2e\"\nformat = \"junit\"\nreport = \"out/junit.xml\"\n";
        let config = parse(text).expect("valid");
        assert_eq!(config.tests.len(), 2);
        let unit = &config.tests[0];
        assert_eq!(
            unit.command,
            ["cargo", "nextest", "run", "-E", "test(=a b)"]
        );
        assert_eq!(unit.dir.as_deref(), Some("backend"));
        assert_eq!(unit.env.get("RUST_LOG").map(String::as_str), Some("warn"));
        assert_eq!(unit.timeout, Some(600));
        assert_eq!(config.tests[1].report.as_deref(), Some("out/junit.xml"));
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
            codes("[tests.unit]\ndir = \"x\"\n"),
            [(1, "config.missing_command".to_owned())]
        );
        assert_eq!(
            codes("[tests.unit]\ncommand = \"a 'b\"\n"),
            [(2, "config.invalid_command".to_owned())]
        );
        assert_eq!(
            codes("[tests.unit]\ncommand = \"a\"\nformat = \"junt\"\n"),
            [(3, "config.invalid_format".to_owned())]
        );
        assert_eq!(
            codes("[tests.unit]\ncommand = \"a\"\nformat = \"junit\"\n"),
            [(1, "config.missing_report".to_owned())]
        );
        assert_eq!(
            codes("[tests.unit]\ncommand = \"a\"\ntimeout = 0\n"),
            [(3, "config.invalid_timeout".to_owned())]
        );
        assert_eq!(
            codes("[tests.unit]\ncommand = \"a\"\ndir = \"../x\"\n"),
            [(3, "config.invalid_folder".to_owned())]
        );
        assert_eq!(
            codes("[tests.unit]\ncomand = \"a\"\n"),
            [
                (1, "config.missing_command".to_owned()),
                (2, "config.unknown_key".to_owned())
            ]
        );
    }
}
