//! How fast the Activity page stays with 1,000,000 audit entries. Prints figures; asserts nothing.
//! Run with `cargo bench -p quantum-kernel --bench audit_paging`.

use std::time::{Duration, Instant};

use quantum_kernel::audit::{self, AuditAction, AuditFilter, AuditPageRequest};
use quantum_kernel::{dashboard, Store};

const ENTRIES: i64 = 1_000_000;
const PROJECTS: i64 = 200;
const RUNS: usize = 25;
const PAGE: u32 = 100;

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open_in(dir.path()).await.expect("store");

    let started = Instant::now();
    // One statement fills the log: project ids cycle, and one write in ten is a create.
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
         INSERT INTO audit_log (action, resource_type, resource_id, resource_name, project_id, details)
         SELECT CASE WHEN i % 10 = 0 THEN 'project.create' ELSE 'project.update' END,
                'project', i % ?, 'project-' || (i % ?), i % ?,
                json_object('name', json_object('old', 'a' || i, 'new', 'b' || i))
         FROM n",
    )
    .bind(ENTRIES)
    .bind(PROJECTS)
    .bind(PROJECTS)
    .bind(PROJECTS)
    .execute(store.pool())
    .await
    .expect("fill");
    println!(
        "filled {ENTRIES} entries in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let request = |filter: AuditFilter, before_id: Option<i64>| AuditPageRequest {
        filter,
        before_id,
        limit: PAGE,
    };
    let cases = [
        (
            "first page, no filter",
            request(AuditFilter::default(), None),
        ),
        (
            "page at depth 500,000",
            request(AuditFilter::default(), Some(ENTRIES / 2)),
        ),
        (
            "first page, one project (0.5% of entries)",
            request(
                AuditFilter {
                    project_id: Some(7),
                    ..Default::default()
                },
                None,
            ),
        ),
        (
            "deep page, one project",
            request(
                AuditFilter {
                    project_id: Some(7),
                    ..Default::default()
                },
                Some(ENTRIES / 10),
            ),
        ),
        (
            "first page, action = project.create",
            request(
                AuditFilter {
                    action: Some(AuditAction::ProjectCreate),
                    ..Default::default()
                },
                None,
            ),
        ),
        (
            "first page, project + action",
            request(
                AuditFilter {
                    project_id: Some(10),
                    action: Some(AuditAction::ProjectCreate),
                    ..Default::default()
                },
                None,
            ),
        ),
    ];
    println!("{:<45} {:>10} {:>10}", "audit page of 100", "median", "max");
    for (name, req) in &cases {
        let times = measure(|| async {
            let page = audit::page(&store, req).await.expect("page");
            assert!(!page.entries.is_empty(), "{name} returned nothing");
        })
        .await;
        report(name, &times);
    }
    let times = measure(|| async {
        dashboard::summary(&store).await.expect("summary");
    })
    .await;
    report("dashboard summary", &times);
}

async fn measure<F, Fut>(f: F) -> Vec<Duration>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    f().await; // warm the page cache
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        f().await;
        times.push(started.elapsed());
    }
    times.sort();
    times
}

fn report(name: &str, times: &[Duration]) {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name:<45} {:>8.2}ms {:>8.2}ms",
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1])
    );
}
