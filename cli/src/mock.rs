//! `coupa mock`: the in-memory Coupa of `coupa-mock` on 127.0.0.1 until Ctrl-C.

use std::io::Write;
use std::path::PathBuf;

/// The options of `coupa mock`.
#[derive(Debug, clap::Args)]
pub struct MockArgs {
    /// The port (0 picks a free one; the address is printed).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// A JSON file of records to start with: {"integration-runs": [...], "events": [...]}.
    #[arg(long)]
    seed: Option<PathBuf>,
    /// Switch off Coupa's rate limit (25 requests per second, burst 20).
    #[arg(long)]
    no_rate_limit: bool,
    /// The OAuth 2.0 client id accepted by /oauth2/token.
    #[arg(long, default_value = "mock-client")]
    client_id: String,
    /// Its secret.
    #[arg(long, default_value = "mock-secret")]
    client_secret: String,
    /// The X-CSO-API-KEY accepted by the CSO routes.
    #[arg(long, default_value = "mock-cso-key")]
    cso_key: String,
}

/// Runs the mock; 2 when it cannot start.
pub fn run(a: MockArgs) -> u8 {
    let MockArgs {
        port,
        seed,
        no_rate_limit,
        client_id,
        client_secret,
        cso_key,
    } = a;
    let mut config = coupa_mock::MockConfig::default();
    if no_rate_limit {
        config.rate_limit = None;
    }
    config.cso_api_key = cso_key;
    for c in &mut config.oauth_clients {
        c.client_id = client_id.clone();
        c.client_secret = client_secret.clone();
    }
    if let Some(path) = seed {
        match coupa_mock::load_seed(&path) {
            Ok(v) => config.seed = Some(v),
            Err(e) => {
                eprintln!("error: {e}");
                return 2;
            }
        }
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return 2;
        }
    };
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("error: cannot listen on 127.0.0.1:{port}: {e}");
                return 2;
            }
        };
        let addr = match listener.local_addr() {
            Ok(a) => a,
            Err(e) => {
                eprintln!("error: {e}");
                return 2;
            }
        };
        println!("listening on http://{addr} (Core at /, CSO under /cso); Ctrl-C stops");
        let _ = std::io::stdout().flush();
        let stop = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        match coupa_mock::serve(listener, config, stop).await {
            Ok(()) => {
                eprintln!("stopped");
                0
            }
            Err(e) => {
                eprintln!("error: {e}");
                1
            }
        }
    })
}
