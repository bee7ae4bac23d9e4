//! What the app's tools (schema inspector, migrations) connect to for a datasource of its own.

use quantum_datasources::Datasources;
use quantum_kernel::ErrorInfo;
use quantum_schema::{Server, Target, TlsMode};

/// Its port on this machine, its database and user, its password from the keychain.
pub async fn datasource_target(
    datasources: &Datasources,
    datasource_id: i64,
) -> Result<Target, ErrorInfo> {
    let (datasource, password) = datasources.connection_details(datasource_id).await?;
    let server = Server {
        host: quantum_datasources::connection::HOST.to_owned(),
        port: datasource.host_port,
        database: datasource.database_name,
        username: datasource.username,
        password,
        // The app's own containers listen on this machine only, without TLS.
        tls: TlsMode::Disable,
    };
    Ok(Target::for_engine(datasource.engine, server)?)
}
