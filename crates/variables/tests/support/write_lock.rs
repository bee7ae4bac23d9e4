//! Watches where secrets are read and written: a keychain access can wait minutes on an unlock
//! prompt, and one made while the database's write lock is held stalls every other writer (they
//! give up after 5 s and statuses stick). Shared by the variables, bundle and datasource tests.

use std::sync::{Arc, Mutex};

use quantum_kernel::Store;
use quantum_secrets::{SecretAccess, SecretStore};

#[derive(Default)]
pub struct Accesses {
    pub all: Vec<SecretAccess>,
    /// Those made while some connection held a write transaction open.
    pub under_write_lock: Vec<SecretAccess>,
}

/// From now on, records every access to `secrets` and whether `store`'s write lock was held then.
pub fn watch(store: &Store, secrets: &SecretStore) -> Arc<Mutex<Accesses>> {
    let seen = Arc::new(Mutex::new(Accesses::default()));
    let (store, record) = (store.clone(), Arc::clone(&seen));
    secrets.observe(Arc::new(move |access| {
        let store = store.clone();
        // The access happens on an async worker; the probe needs a runtime of its own.
        let free = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime")
                .block_on(store.write_lock_is_free())
        })
        .join()
        .expect("probe thread")
        .expect("probe");
        let mut seen = record.lock().expect("accesses");
        seen.all.push(access);
        if !free {
            seen.under_write_lock.push(access);
        }
    }));
    seen
}
