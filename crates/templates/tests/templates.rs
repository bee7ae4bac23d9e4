//! Templates from a folder of the user's and the built-ins: options checked, files rendered and
//! left out by their rules, the preview, and writing (a folder that holds files refused unless
//! asked; everything taken back on undo).

use std::collections::BTreeMap;
use std::path::Path;

use quantum_kernel::{Coded, Store};
use quantum_templates::{FolderState, NewProject, OptionKind, OptionValue, TemplateRef, Templates};

const META: &str = r#"
[template]
name = "Service"
description = "A small service"
verbatim = ["vendor/"]

[[options]]
key = "engine"
label = "Database"
kind = "choice"
choices = ["postgres", "mariadb"]

[[options]]
key = "port"
label = "Port"
kind = "number"
min = 1024
max = 65535
default = 8000

[[options]]
key = "auth"
label = "Auth"
kind = "bool"

[[options]]
key = "owner"
label = "Owner's e-mail"
kind = "text"
pattern = "[^@ ]+@[^@ ]+"
pattern_help = "Enter an e-mail address."
default = "me@example.com"

[[files]]
path = "src/auth.txt"
when = "auth"
"#;

fn write(root: &Path, path: &str, bytes: &[u8]) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("folder");
    std::fs::write(path, bytes).expect("file");
}

/// A template folder of the user's, kept while the returned dir lives.
fn user_template() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("dir");
    write(dir.path(), "template.toml", META.as_bytes());
    write(
        dir.path(),
        "files/quantum.toml",
        b"[project]\nname = {{ name|tojson }}\n\n[datasources.db]\nengine = \"{{ engine }}\"\ndatabase = \"{{ snake }}\"\n",
    );
    write(
        dir.path(),
        "files/src/{{ slug }}.txt",
        b"port {{ port }}\n{% if auth %}auth on\n{% endif %}owner {{ owner }}\n",
    );
    write(dir.path(), "files/src/auth.txt", b"token check\n");
    write(
        dir.path(),
        "files/vendor/lib.js",
        b"const x = `{{ not rendered }}`;\n",
    );
    write(dir.path(), "files/logo.bin", &[0xff, 0x00, 0xfe]);
    write(dir.path(), "files/.git/HEAD", b"ref: refs/heads/main\n");
    dir
}

async fn templates() -> (Templates, tempfile::TempDir) {
    let data = tempfile::tempdir().expect("data dir");
    let store = Store::open_in(data.path()).await.expect("store");
    (Templates::new(store), data)
}

fn input(template: &Path, folder: &Path, options: &[(&str, OptionValue)]) -> NewProject {
    NewProject {
        template: TemplateRef::Folder {
            path: template.display().to_string(),
        },
        name: "My Shop".into(),
        folder: folder.display().to_string(),
        options: options
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect::<BTreeMap<_, _>>(),
        force: false,
    }
}

#[tokio::test]
async fn a_folder_template_renders_its_options_into_paths_and_text_and_keeps_the_rest_as_it_is() {
    let (templates, _data) = templates().await;
    let template = user_template();
    let target = tempfile::tempdir().expect("target");
    let folder = target.path().join("shop");

    let preview = templates
        .preview(&input(
            template.path(),
            &folder,
            &[("port", OptionValue::Text("9000".into()))],
        ))
        .expect("preview");
    assert_eq!(preview.folder_state, FolderState::Missing);
    let paths: Vec<&str> = preview.files.iter().map(|f| f.path.as_str()).collect();
    // The path is rendered, auth.txt is left out (auth is off), .git is not a template file.
    assert_eq!(
        paths,
        [
            "logo.bin",
            "quantum.toml",
            "src/my-shop.txt",
            "vendor/lib.js"
        ]
    );
    let text = |path: &str| {
        preview
            .files
            .iter()
            .find(|f| f.path == path)
            .and_then(|f| f.text.clone())
    };
    assert_eq!(
        text("src/my-shop.txt").as_deref(),
        Some("port 9000\nowner me@example.com\n")
    );
    assert_eq!(
        text("quantum.toml").as_deref(),
        Some("[project]\nname = \"My Shop\"\n\n[datasources.db]\nengine = \"postgres\"\ndatabase = \"my_shop\"\n")
    );
    assert_eq!(
        text("vendor/lib.js").as_deref(),
        Some("const x = `{{ not rendered }}`;\n")
    );
    assert_eq!(text("logo.bin"), None, "a binary file has no text to show");

    let on = templates
        .preview(&input(
            template.path(),
            &folder,
            &[("auth", OptionValue::Bool(true))],
        ))
        .expect("preview");
    assert!(on.files.iter().any(|f| f.path == "src/auth.txt"));
}

#[tokio::test]
async fn options_outside_what_the_template_declares_are_refused_with_what_to_fix() {
    let (templates, _data) = templates().await;
    let template = user_template();
    let folder = tempfile::tempdir().expect("target");
    let refused = |options: &[(&str, OptionValue)]| {
        let error = templates
            .preview(&input(template.path(), folder.path(), options))
            .expect_err("refused");
        assert_eq!(error.code(), "template.invalid_option");
        assert_eq!(error.field(), Some("options"));
        error.to_string()
    };
    assert!(
        refused(&[("port", OptionValue::Number(80))]).contains("80 is not between 1024 and 65535")
    );
    assert!(
        refused(&[("engine", OptionValue::Text("oracle".into()))]).contains("postgres, mariadb")
    );
    assert!(refused(&[("owner", OptionValue::Text("nobody".into()))])
        .contains("Enter an e-mail address."));
    assert!(refused(&[("auth", OptionValue::Text("maybe".into()))]).contains("yes or no"));
    assert!(refused(&[("colour", OptionValue::Text("red".into()))])
        .contains("engine, port, auth, owner"));
    let error = templates
        .preview(&NewProject {
            name: "-bad".into(),
            ..input(template.path(), folder.path(), &[])
        })
        .expect_err("refused");
    assert_eq!(error.field(), Some("name"));
}

#[tokio::test]
async fn a_template_naming_an_unknown_variable_fails_with_the_file_and_line() {
    let (templates, _data) = templates().await;
    let template = user_template();
    write(
        template.path(),
        "files/README.md",
        b"# {{ name }}\n\nRun on {{ prot }}.\n",
    );
    let folder = tempfile::tempdir().expect("target");
    let error = templates
        .preview(&input(template.path(), folder.path(), &[]))
        .expect_err("refused");
    assert_eq!(error.code(), "template.render_failed");
    let message = error.to_string();
    assert!(
        message.contains("README.md") && message.contains("line 3"),
        "{message}"
    );

    std::fs::write(
        template.path().join("template.toml"),
        "[template]\nname = \"x\"\ncolour = 1\n",
    )
    .expect("meta");
    let error = templates
        .preview(&input(template.path(), folder.path(), &[]))
        .expect_err("refused");
    assert_eq!(error.code(), "template.invalid");
    assert!(error.to_string().contains("colour"), "{error}");
}

#[tokio::test]
async fn a_folder_holding_files_is_refused_unless_asked_and_undo_takes_everything_back() {
    let (templates, _data) = templates().await;
    let template = user_template();
    let target = tempfile::tempdir().expect("target");
    std::fs::write(target.path().join("quantum.toml"), "mine\n").expect("file");
    std::fs::write(target.path().join("notes.txt"), "keep\n").expect("file");

    let asked = input(template.path(), target.path(), &[]);
    let error = templates.write(&asked).expect_err("refused");
    assert_eq!(error.code(), "template.folder_not_empty");
    assert_eq!(error.field(), Some("folder"));
    assert!(error.to_string().contains("2 files or folders"), "{error}");
    assert_eq!(
        std::fs::read_to_string(target.path().join("quantum.toml")).expect("kept"),
        "mine\n"
    );

    let preview = templates.preview(&asked).expect("preview");
    assert_eq!(preview.folder_state, FolderState::NotEmpty { entries: 2 });
    assert!(preview
        .files
        .iter()
        .any(|f| f.path == "quantum.toml" && f.replaces));

    let forced = NewProject {
        force: true,
        ..asked
    };
    let written = templates.write(&forced).expect("written");
    assert_eq!(written.files(), 4);
    assert!(std::fs::read_to_string(target.path().join("quantum.toml"))
        .expect("new")
        .contains("My Shop"));
    written.undo();
    assert_eq!(
        std::fs::read_to_string(target.path().join("quantum.toml")).expect("back"),
        "mine\n"
    );
    assert_eq!(
        std::fs::read_to_string(target.path().join("notes.txt")).expect("kept"),
        "keep\n"
    );
    assert!(
        !target.path().join("src").exists(),
        "folders it made are gone"
    );
    assert!(!target.path().join("logo.bin").exists());

    // A new folder is made, and undone whole.
    let fresh = target.path().join("fresh");
    let written = templates
        .write(&input(template.path(), &fresh, &[]))
        .expect("written");
    assert!(fresh.join("src/my-shop.txt").is_file());
    written.undo();
    assert!(!fresh.exists());
}

#[tokio::test]
async fn user_folders_are_listed_after_the_built_ins_and_a_broken_one_says_why() {
    let (templates, _data) = templates().await;
    let template = user_template();
    let added = templates
        .add_folder(&template.path().display().to_string())
        .await
        .expect("added");
    assert_eq!(added.name, "Service");
    let again = templates
        .add_folder(&template.path().display().to_string())
        .await
        .expect_err("refused");
    assert_eq!(again.code(), "template.folder_listed");
    let not_one = tempfile::tempdir().expect("dir");
    let refused = templates
        .add_folder(&not_one.path().display().to_string())
        .await
        .expect_err("refused");
    assert_eq!(refused.code(), "template.not_a_template");

    std::fs::remove_file(template.path().join("template.toml")).expect("removed");
    let listed = templates.list().await.expect("list");
    let ids: Vec<String> = listed.iter().map(|t| t.reference.to_string()).collect();
    assert_eq!(
        &ids[..5],
        ["rest-api", "blog", "dashboard", "landing", "blank"]
    );
    let broken = listed.last().expect("the folder");
    assert_eq!(broken.user_id, added.user_id);
    assert!(broken
        .problem
        .as_deref()
        .is_some_and(|p| p.contains("template.toml")));
    templates
        .remove_folder(added.user_id.expect("id"))
        .await
        .expect("removed");
    assert_eq!(templates.list().await.expect("list").len(), 5);
}

/// Every built-in with each value of its choices and each yes/no: it renders, has what the
/// issue asks of every template, and its quantum.toml passes the app's own validator.
#[tokio::test]
async fn every_built_in_renders_with_every_choice_into_a_valid_project() {
    let (templates, _data) = templates().await;
    let folder = tempfile::tempdir().expect("target");
    for template in templates.list().await.expect("list") {
        let mut variants: Vec<BTreeMap<String, OptionValue>> = vec![BTreeMap::new()];
        for option in &template.options {
            let values = match &option.kind {
                OptionKind::Choice { choices } => choices
                    .iter()
                    .map(|c| OptionValue::Text(c.clone()))
                    .collect(),
                OptionKind::Bool => vec![OptionValue::Bool(true), OptionValue::Bool(false)],
                _ => Vec::new(),
            };
            for value in values {
                variants.push(BTreeMap::from([(option.key.clone(), value)]));
            }
        }
        for options in variants {
            let preview = templates
                .preview(&NewProject {
                    template: template.reference.clone(),
                    name: "Café Shop 2".into(),
                    folder: folder.path().display().to_string(),
                    options: options.clone(),
                    force: false,
                })
                .unwrap_or_else(|error| panic!("{} {options:?}: {error}", template.name));
            let text = |path: &str| {
                preview
                    .files
                    .iter()
                    .find(|f| f.path == path)
                    .and_then(|f| f.text.clone())
                    .unwrap_or_else(|| panic!("{} {options:?} has no {path}", template.name))
            };
            for required in ["Dockerfile", "README.md", ".gitignore"] {
                text(required);
            }
            let diagnostics = quantum_config::validate(&text("quantum.toml"), &[]);
            assert!(
                diagnostics.is_empty(),
                "{} {options:?}: quantum.toml: {diagnostics:?}",
                template.name
            );
        }
    }
}
