//! The Redis keyspace browser on a real Redis server of the app's: keys grouped by prefix with
//! their types, TTLs and sampled memory, a level below, and values read by type.

use quantum_connections::{ConnectionInput, ConnectionKind, Connections, Endpoint};
use quantum_datasources::Engine;
use quantum_integration_tests::TestApp;
use quantum_kernel::input::NumberInput;
use quantum_kernel::TlsPolicy;
use quantum_keyspace::{keyspace, value, RedisValue, Server};
use quantum_schema::TlsMode;

#[tokio::test(flavor = "multi_thread")]
async fn the_keyspace_groups_keys_by_prefix_and_reads_values_by_type() {
    let app = TestApp::start("keyspace").await;
    let datasource = app.ready(Engine::Redis).await;
    let server = Server {
        host: quantum_datasources::connection::HOST.into(),
        port: datasource.host_port,
        username: String::new(),
        password: app
            .secrets
            .get(&datasource.keychain_account)
            .expect("password"),
        tls: TlsPolicy::Off,
    };
    let mut redis = redis::Client::open(app.url(&datasource))
        .expect("client")
        .get_multiplexed_async_connection()
        .await
        .expect("connect");
    let mut pipe = redis::pipe();
    for i in 0..1_500 {
        pipe.hset_multiple(
            format!("user:{i}:profile"),
            &[("name", format!("user {i}")), ("plan", "free".into())],
        );
    }
    for i in 0..300 {
        pipe.set_ex(format!("session:{i}"), "x".repeat(100), 3_600);
    }
    pipe.rpush("queue:jobs", &["a", "b", "c"])
        .sadd("tags", &["red", "green"])
        .zadd_multiple("leaderboard", &[(10.5, "ada"), (7.0, "bob")])
        .set("greeting", "héllo")
        .set("blob", &[0xffu8, 0x00, 0x10][..])
        .cmd("XADD")
        .arg("events")
        .arg("1-1")
        .arg("kind")
        .arg("signup");
    let _: () = pipe.query_async(&mut redis).await.expect("load");

    let top = keyspace(&server, "", ":").await.expect("top level");
    assert!(top.complete);
    assert_eq!(top.total_keys, 1_500 + 300 + 1 + 5);
    let prefixes: Vec<_> = top.groups.iter().map(|g| g.prefix.as_str()).collect();
    assert_eq!(prefixes, ["user:", "session:", "queue:"], "most keys first");
    let users = &top.groups[0];
    assert_eq!(users.keys, 1_500);
    assert_eq!(users.types[0].kind, "hash");
    assert_eq!(users.with_ttl, 0);
    assert_eq!(users.sampled, 20);
    assert!(
        users.estimated_bytes > users.sampled_bytes * 50,
        "estimated from the sample for all 1,500: {users:?}"
    );
    let sessions = &top.groups[1];
    assert_eq!((sessions.keys, sessions.with_ttl), (300, 300));
    let leaves: Vec<_> = top.keys.iter().map(|k| k.key.as_str()).collect();
    assert_eq!(
        leaves,
        ["blob", "events", "greeting", "leaderboard", "tags"]
    );
    let kinds: Vec<_> = top.keys.iter().map(|k| k.kind.as_str()).collect();
    assert_eq!(kinds, ["string", "stream", "string", "zset", "set"]);
    assert!(top.keys.iter().all(|k| k.bytes.unwrap_or(0) > 0));

    // One level down: user:<id>: groups, 1,500 of them.
    let below = keyspace(&server, "user:", ":").await.expect("below");
    assert_eq!(below.groups.len(), 1_500);
    assert!(below.groups.iter().all(|g| g.keys == 1));
    let deepest = keyspace(&server, "user:7:", ":").await.expect("deepest");
    assert_eq!(deepest.keys.len(), 1);
    assert_eq!(deepest.keys[0].key, "user:7:profile");

    let profile = value(&server, "user:7:profile").await.expect("hash");
    assert_eq!(profile.length, 2);
    let RedisValue::Hash { mut fields } = profile.value else {
        panic!("a hash: {profile:?}")
    };
    fields.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(
        (fields[0].name.as_str(), fields[0].value.as_str()),
        ("name", "user 7")
    );
    let session = value(&server, "session:1").await.expect("string");
    assert!(session.ttl_ms.is_some_and(|ttl| ttl > 3_000_000));
    assert_eq!(
        value(&server, "greeting").await.expect("text").value,
        RedisValue::String {
            text: "héllo".into(),
            binary: false
        }
    );
    assert_eq!(
        value(&server, "blob").await.expect("bytes").value,
        RedisValue::String {
            text: "ff0010".into(),
            binary: true
        }
    );
    let RedisValue::Zset { members } = value(&server, "leaderboard").await.expect("zset").value
    else {
        panic!("a sorted set")
    };
    assert_eq!(
        (members[1].member.as_str(), members[1].score),
        ("ada", 10.5)
    );
    let RedisValue::Stream { entries } = value(&server, "events").await.expect("stream").value
    else {
        panic!("a stream")
    };
    assert_eq!(entries[0].id, "1-1");
    let missing = value(&server, "nope").await.expect_err("no such key");
    assert_eq!(
        quantum_kernel::Coded::code(&missing),
        "keyspace.no_such_key"
    );
    let wrong = Server {
        password: quantum_secrets::Secret::new("wrong"),
        ..server.clone()
    };
    let refused = keyspace(&wrong, "", ":").await.expect_err("wrong password");
    assert_eq!(
        quantum_kernel::Coded::code(&refused),
        "keyspace.auth_failed"
    );

    // The same server as an external connection: tested from the form, then browsed.
    let connections = Connections::new(app.store.clone(), app.secrets.clone());
    let input = ConnectionInput {
        project_id: app.project_id,
        name: "cache".into(),
        kind: Some(ConnectionKind::Redis),
        host: Some("127.0.0.1".into()),
        port: Some(NumberInput::Whole(i64::from(datasource.host_port))),
        password: Some(server.password.expose().to_owned()),
        ..Default::default()
    };
    connections.test(&input).await.expect("the form's test");
    let connection = connections.create(input.clone()).await.expect("created");
    let Endpoint::Redis(external) = connections.endpoint(connection.id).await.expect("endpoint")
    else {
        panic!("a Redis endpoint")
    };
    let through = keyspace(&external, "", ":").await.expect("browsed");
    assert_eq!(through.total_keys, top.total_keys);

    let plain_as_tls = connections
        .test(&ConnectionInput {
            tls_mode: Some(TlsMode::Require),
            ..input.clone()
        })
        .await
        .expect_err("the server speaks no TLS");
    assert_eq!(
        quantum_kernel::Coded::code(&plain_as_tls),
        "keyspace.tls",
        "{plain_as_tls}"
    );
    let prefer = connections
        .test(&ConnectionInput {
            tls_mode: Some(TlsMode::Prefer),
            ..input.clone()
        })
        .await
        .expect_err("no such mode for Redis");
    assert_eq!(quantum_kernel::Coded::field(&prefer), Some("tlsMode"));

    app.datasources
        .remove(datasource.id, true)
        .await
        .expect("cleanup");
}
