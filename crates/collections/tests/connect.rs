//! What the user is told when the server cannot be reached (no MongoDB server runs here; a
//! closed port is real everywhere).

use quantum_collections::{database, Error, Server};
use quantum_kernel::TlsPolicy;
use quantum_secrets::Secret;

#[tokio::test]
async fn a_closed_port_is_reported_as_refused_with_what_to_check() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        listener.local_addr().expect("its address").port()
    };
    let server = Server {
        host: "127.0.0.1".to_owned(),
        port,
        database: "shop".to_owned(),
        username: "admin".to_owned(),
        password: Secret::new("secret"),
        tls: TlsPolicy::Off,
    };
    let error = database(&server).await.expect_err("nothing listens there");
    assert!(
        matches!(&error, Error::Refused { target } if *target == format!("127.0.0.1:{port}")),
        "{error:?}"
    );
    assert!(error.to_string().contains("Check that it is running"));
}
