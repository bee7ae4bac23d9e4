//! The write-lock probe the secret-access tests rely on: it must see a write transaction that is
//! open on another connection, or those tests would pass whatever the code does.

mod common;

#[tokio::test]
async fn the_write_lock_probe_sees_an_open_write_transaction_and_its_end() {
    let t = common::open().await;
    assert!(t.store.write_lock_is_free().await.expect("probe"));
    let tx = t.store.begin_write().await.expect("begin");
    assert!(!t.store.write_lock_is_free().await.expect("probe"));
    tx.commit().await.expect("commit");
    assert!(t.store.write_lock_is_free().await.expect("probe"));
}
