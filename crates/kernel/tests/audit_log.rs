mod common;

use std::collections::HashSet;

use common::{input, open};
use quantum_kernel::audit::{self, AuditAction, AuditFilter, AuditPageRequest, ResourceType};
use quantum_kernel::{dashboard, projects, ErrorInfo};

#[tokio::test]
async fn paging_walks_every_entry_once_newest_first() {
    let t = open().await;
    let project = projects::create(&t.store, input("p0"))
        .await
        .expect("created");
    for n in 1..=120 {
        projects::update(&t.store, project.id, input(&format!("p{n}")))
            .await
            .expect("renamed");
    }
    let mut seen = Vec::new();
    let mut before_id = None;
    loop {
        let page = audit::page(
            &t.store,
            &AuditPageRequest {
                before_id,
                limit: 50,
                ..Default::default()
            },
        )
        .await
        .expect("page");
        seen.extend(page.entries.iter().map(|e| e.id));
        match page.next_before_id {
            Some(next) => before_id = Some(next),
            None => break,
        }
    }
    assert_eq!(seen.len(), 121);
    assert_eq!(
        seen.iter().collect::<HashSet<_>>().len(),
        121,
        "no entry twice"
    );
    assert!(seen.windows(2).all(|w| w[0] > w[1]), "newest first");
}

#[tokio::test]
async fn filters_narrow_the_log() {
    let t = open().await;
    let shop = projects::create(&t.store, input("shop"))
        .await
        .expect("shop");
    let blog = projects::create(&t.store, input("blog"))
        .await
        .expect("blog");
    projects::update(&t.store, shop.id, input("storefront"))
        .await
        .expect("rename");
    projects::delete(&t.store, blog.id).await.expect("delete");

    let page = |filter: AuditFilter| {
        let store = t.store.clone();
        async move {
            audit::page(
                &store,
                &AuditPageRequest {
                    filter,
                    limit: 10,
                    ..Default::default()
                },
            )
            .await
            .expect("page")
            .entries
        }
    };
    let of_blog = page(AuditFilter {
        project_id: Some(blog.id),
        ..Default::default()
    })
    .await;
    assert!(of_blog.iter().all(|e| e.resource_name == "blog"));
    assert_eq!(of_blog.len(), 2);

    let updates = page(AuditFilter {
        action: Some(AuditAction::ProjectUpdate),
        ..Default::default()
    })
    .await;
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0].resource_name, "storefront");

    let creates_of_shop = page(AuditFilter {
        project_id: Some(shop.id),
        action: Some(AuditAction::ProjectCreate),
        resource_type: Some(ResourceType::Project),
    })
    .await;
    assert_eq!(creates_of_shop.len(), 1);
    assert_eq!(creates_of_shop[0].resource_name, "shop");
}

#[tokio::test]
async fn a_page_size_out_of_range_is_refused() {
    let t = open().await;
    for limit in [0, 501] {
        let error = audit::page(
            &t.store,
            &AuditPageRequest {
                limit,
                ..Default::default()
            },
        )
        .await
        .expect_err("refused");
        assert_eq!(ErrorInfo::from(error).code, "validation.invalid_page_size");
    }
}

#[tokio::test]
async fn the_dashboard_counts_projects_and_recent_changes() {
    let t = open().await;
    let shop = projects::create(&t.store, input("shop"))
        .await
        .expect("shop");
    projects::create(&t.store, input("blog"))
        .await
        .expect("blog");
    projects::update(&t.store, shop.id, input("storefront"))
        .await
        .expect("rename");

    let summary = dashboard::summary(&t.store).await.expect("summary");
    assert_eq!(summary.project_count, 2);
    assert_eq!(summary.changes_last_day, 3);
    assert_eq!(summary.recent_activity.len(), 3);
    assert_eq!(
        summary.recent_activity[0].action,
        AuditAction::ProjectUpdate
    );
}
