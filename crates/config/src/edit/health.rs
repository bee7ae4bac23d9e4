//! `[[health]]` checks edited from the Health page: the check's table changed in place (its
//! comments and any other keys kept), added at the end, or removed.

use toml_edit::{Array, ArrayOfTables, Item, Table, Value};

use super::{invalid, load, set_fields};
use crate::{HealthCheckDecl, Result};

/// Writes `check` over the table named `previous` (a rename), or over its own name's, or adds it.
pub fn set_health_check(
    text: &str,
    check: &HealthCheckDecl,
    previous: Option<&str>,
) -> Result<String> {
    let alone = write(&mut load("")?, check, None)?;
    if let Some(problem) = crate::validate(&alone, &[])
        .into_iter()
        .find(|d| d.severity == crate::Severity::Error)
    {
        return Err(invalid(problem.message));
    }
    let mut document = load(text)?;
    let taken = checks(&document)
        .into_iter()
        .any(|name| name == check.name && Some(name.as_str()) != previous);
    if taken && previous.is_some_and(|p| p != check.name) {
        return Err(invalid(format!(
            "A check named `{}` exists already: choose another name.",
            check.name
        )));
    }
    write(&mut document, check, previous)
}

/// Removes the check's table; an unknown name changes nothing.
pub fn remove_health_check(text: &str, name: &str) -> Result<String> {
    let mut document = load(text)?;
    if let Some(array) = document
        .get_mut("health")
        .and_then(Item::as_array_of_tables_mut)
    {
        array.retain(|table| table.get("name").and_then(Item::as_str) != Some(name));
        if array.is_empty() {
            document.remove("health");
        }
    }
    Ok(document.to_string())
}

fn checks(document: &toml_edit::DocumentMut) -> Vec<String> {
    document
        .get("health")
        .and_then(Item::as_array_of_tables)
        .map(|array| {
            array
                .iter()
                .filter_map(|t| t.get("name").and_then(Item::as_str).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn write(
    document: &mut toml_edit::DocumentMut,
    check: &HealthCheckDecl,
    previous: Option<&str>,
) -> Result<String> {
    if !document.contains_key("health") {
        document.insert("health", Item::ArrayOfTables(ArrayOfTables::new()));
    }
    let array = document
        .get_mut("health")
        .and_then(Item::as_array_of_tables_mut)
        .ok_or_else(|| invalid("`health` in quantum.toml is not a list of [[health]] tables: fix it on the Configuration page first.".to_owned()))?;
    let wanted = previous.unwrap_or(&check.name);
    let index = array
        .iter()
        .position(|table| table.get("name").and_then(Item::as_str) == Some(wanted));
    let index = match index {
        Some(index) => index,
        None => {
            array.push(Table::new());
            array.len() - 1
        }
    };
    let table = array
        .get_mut(index)
        .ok_or_else(|| invalid("the check's table went missing".to_owned()))?;
    let conditions = (!check.conditions.is_empty()).then(|| {
        let mut list = Array::new();
        for condition in &check.conditions {
            list.push(condition.as_str());
        }
        Value::Array(list)
    });
    let number = |n: Option<u32>| n.map(|n| Value::from(i64::from(n)));
    set_fields(
        table,
        [
            ("name", Some(Value::from(check.name.as_str()))),
            ("target", Some(Value::from(check.target.as_str()))),
            ("interval", number(check.interval)),
            ("timeout", number(check.timeout)),
            ("failures", number(check.failures)),
            ("conditions", conditions),
            ("insecure", check.insecure.then(|| Value::from(true))),
        ],
    );
    Ok(document.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(name: &str, target: &str) -> HealthCheckDecl {
        HealthCheckDecl {
            name: name.into(),
            target: target.into(),
            conditions: vec!["[STATUS] == 200".into()],
            ..HealthCheckDecl::default()
        }
    }

    #[test]
    fn a_check_is_added_changed_in_place_renamed_and_removed_with_comments_kept() {
        let text = "[project]\nname = \"shop\"\n\n# the API\n[[health]]\nname = \"api\" # public\ntarget = \"http://127.0.0.1:8000/health\"\n";
        let changed = set_health_check(
            text,
            &HealthCheckDecl {
                interval: Some(30),
                ..check("api", "http://127.0.0.1:9000/health")
            },
            None,
        )
        .expect("set");
        assert!(changed.contains("# the API\n[[health]]\nname = \"api\" # public\ntarget = \"http://127.0.0.1:9000/health\"\ninterval = 30\nconditions = [\"[STATUS] == 200\"]\n"), "{changed}");
        let added =
            set_health_check(&changed, &check("db", "datasource:shop-db"), None).expect("added");
        assert_eq!(crate::parse(&added).expect("valid").health.len(), 2);
        let tls = HealthCheckDecl {
            insecure: true,
            ..check("tls", "https://127.0.0.1:8443/")
        };
        let with_tls = set_health_check(&added, &tls, None).expect("added");
        assert!(
            with_tls.ends_with("conditions = [\"[STATUS] == 200\"]\ninsecure = true\n"),
            "{with_tls}"
        );
        let renamed = set_health_check(&added, &check("web", "tcp://127.0.0.1:80"), Some("db"))
            .expect("renamed");
        let names: Vec<String> = crate::parse(&renamed)
            .expect("valid")
            .health
            .into_iter()
            .map(|c| c.name)
            .collect();
        assert_eq!(names, ["api", "web"]);
        let refused =
            set_health_check(&renamed, &check("api", "tcp://h:1"), Some("web")).expect_err("taken");
        assert!(refused.to_string().contains("exists already"), "{refused}");
        let bad = set_health_check(&renamed, &check("x", "ftp://h"), None).expect_err("invalid");
        assert!(bad.to_string().contains("not a target"), "{bad}");
        let removed = remove_health_check(
            &remove_health_check(&renamed, "web").expect("removed"),
            "api",
        )
        .expect("removed");
        assert_eq!(removed, "[project]\nname = \"shop\"\n");
    }
}
