use quantum_kernel::projects::ProjectInput;
use quantum_kernel::Store;

/// A store on a fresh database in its own temporary folder, removed when dropped.
pub struct TestStore {
    pub store: Store,
    // Each test file compiles this module on its own; not all of them read the folder.
    #[allow(dead_code)]
    pub dir: tempfile::TempDir,
}

pub async fn open() -> TestStore {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open_in(dir.path()).await.expect("store opens");
    TestStore { store, dir }
}

// Each test file compiles this module on its own; not all of them make projects.
#[allow(dead_code)]
pub fn input(name: &str) -> ProjectInput {
    ProjectInput {
        name: name.to_owned(),
        ..Default::default()
    }
}
