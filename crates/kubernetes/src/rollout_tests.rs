use super::*;

fn parse<K: DeserializeOwned>(value: serde_json::Value) -> K {
    serde_json::from_value(value).expect("test input")
}

fn waiting(text: &str) -> Progress {
    Progress::Waiting(text.to_owned())
}

#[test]
fn a_deployment_is_rolled_out_when_every_new_pod_is_ready_and_no_old_one_runs() {
    let base = |status: serde_json::Value| -> Deployment {
        parse(serde_json::json!({
            "metadata": { "name": "shop", "generation": 3 },
            "spec": { "replicas": 2, "selector": {}, "template": {} },
            "status": status,
        }))
    };
    let progress = |status| base(status).progress();
    assert_eq!(
        progress(serde_json::json!({ "observedGeneration": 2 })),
        waiting(OBSERVING)
    );
    assert_eq!(
        progress(
            serde_json::json!({ "observedGeneration": 3, "replicas": 3, "updatedReplicas": 1 })
        ),
        waiting("1 of 2 new pods started")
    );
    assert_eq!(
        progress(
            serde_json::json!({ "observedGeneration": 3, "replicas": 3, "updatedReplicas": 2 })
        ),
        waiting("1 old pods still running")
    );
    assert_eq!(
        progress(
            serde_json::json!({ "observedGeneration": 3, "replicas": 2, "updatedReplicas": 2, "availableReplicas": 1 })
        ),
        waiting("1 of 2 new pods ready")
    );
    assert_eq!(
        progress(
            serde_json::json!({ "observedGeneration": 3, "replicas": 2, "updatedReplicas": 2, "availableReplicas": 2 })
        ),
        Progress::Done
    );
    assert_eq!(
        progress(serde_json::json!({
            "observedGeneration": 3, "replicas": 3, "updatedReplicas": 1,
            "conditions": [{ "type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded" }],
        })),
        Progress::Stalled("the cluster's progress deadline passed".to_owned())
    );
}

#[test]
fn a_stateful_set_is_rolled_out_when_its_pods_are_ready_at_the_new_revision() {
    let base = |strategy: serde_json::Value, status: serde_json::Value| -> StatefulSet {
        parse(serde_json::json!({
            "metadata": { "name": "db", "generation": 2 },
            "spec": { "replicas": 3, "selector": {}, "template": {}, "serviceName": "db", "updateStrategy": strategy },
            "status": status,
        }))
    };
    let rolling = serde_json::json!({ "type": "RollingUpdate" });
    let progress = |status| base(rolling.clone(), status).progress();
    assert_eq!(
        progress(serde_json::json!({ "observedGeneration": 1, "replicas": 3 })),
        waiting(OBSERVING)
    );
    assert_eq!(
        progress(serde_json::json!({ "observedGeneration": 2, "replicas": 3, "readyReplicas": 2 })),
        waiting("2 of 3 pods ready")
    );
    assert_eq!(
        progress(serde_json::json!({
            "observedGeneration": 2, "replicas": 3, "readyReplicas": 3, "updatedReplicas": 1,
            "currentRevision": "db-1", "updateRevision": "db-2",
        })),
        waiting("1 of 3 new pods started")
    );
    assert_eq!(
        progress(serde_json::json!({
            "observedGeneration": 2, "replicas": 3, "readyReplicas": 3, "updatedReplicas": 3,
            "currentRevision": "db-2", "updateRevision": "db-2",
        })),
        Progress::Done
    );
    // A partition keeps the pods below it on the old release: done once the others are new.
    let partitioned =
        serde_json::json!({ "type": "RollingUpdate", "rollingUpdate": { "partition": 1 } });
    let status = serde_json::json!({
        "observedGeneration": 2, "replicas": 3, "readyReplicas": 3, "updatedReplicas": 2,
        "currentRevision": "db-1", "updateRevision": "db-2",
    });
    assert_eq!(base(partitioned, status).progress(), Progress::Done);
    let on_delete = base(
        serde_json::json!({ "type": "OnDelete" }),
        serde_json::json!({}),
    );
    assert!(matches!(on_delete.progress(), Progress::NotRolled(_)));
}

#[test]
fn a_daemon_set_is_rolled_out_when_every_node_runs_a_ready_new_pod() {
    let base = |status: serde_json::Value| -> DaemonSet {
        parse(serde_json::json!({
            "metadata": { "name": "agent", "generation": 4 },
            "spec": { "selector": {}, "template": {} },
            "status": status,
        }))
    };
    let status = |observed: i64, updated: i32, available: i32| {
        serde_json::json!({
            "observedGeneration": observed, "desiredNumberScheduled": 3, "currentNumberScheduled": 3,
            "numberMisscheduled": 0, "numberReady": available, "updatedNumberScheduled": updated,
            "numberAvailable": available,
        })
    };
    assert_eq!(base(status(3, 3, 3)).progress(), waiting(OBSERVING));
    assert_eq!(
        base(status(4, 1, 3)).progress(),
        waiting("1 of 3 nodes' pods updated")
    );
    assert_eq!(
        base(status(4, 3, 2)).progress(),
        waiting("2 of 3 updated pods ready")
    );
    assert_eq!(base(status(4, 3, 3)).progress(), Progress::Done);
}
