//! `coupa mock`: the in-memory Coupa of `coupa-mock` on 127.0.0.1 until Ctrl-C, with faults on
//! request (`--faults`).

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use coupa_mock::{FaultKind, Faults, Storm};

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
    #[command(flatten)]
    faults: FaultArgs,
}

/// The fault options of `coupa mock`.
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Faults")]
struct FaultArgs {
    /// Answer this share of requests (0 to 1; 0.1 when no value is given) with a fault: 500,
    /// 502, 503, 503 with Retry-After, a connection closed before or in the middle of the
    /// answer (after acting on the request), or a late answer.
    #[arg(long, value_name = "SHARE", num_args = 0..=1, default_missing_value = "0.1")]
    faults: Option<f64>,
    /// The seed of the faults: the same seed and the same requests give the same faults
    /// (default: a random one, printed on stderr).
    #[arg(long, value_name = "N")]
    fault_seed: Option<u64>,
    /// The kinds of fault to draw from, comma-separated (default: all): 500, 502, 503,
    /// 503-retry-after, close-before, close-midway, slow.
    #[arg(long, value_name = "KIND,...", value_delimiter = ',', value_parser = parse_kind)]
    fault_kinds: Vec<FaultKind>,
    /// How late a `slow` answer is, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 250)]
    fault_latency: u64,
    /// Only requests whose path (and query) starts with this get faults: `/api/` spares the
    /// token endpoint.
    #[arg(long, value_name = "PREFIX")]
    fault_prefix: Option<String>,
    /// A 429 storm: after this many requests, answer every request 429 (Retry-After: 1).
    #[arg(long, value_name = "N")]
    storm_after: Option<u64>,
    /// How many requests the storm answers (default: it never ends).
    #[arg(long, value_name = "N", requires = "storm_after")]
    storm_length: Option<u64>,
}

fn parse_kind(s: &str) -> Result<FaultKind, String> {
    s.parse()
}

impl FaultArgs {
    /// The faults asked for, if any, and a line that tells them.
    fn faults(&self) -> Result<Option<(Faults, String)>, String> {
        if self.faults.is_none() && self.storm_after.is_none() {
            if !self.fault_kinds.is_empty() || self.fault_seed.is_some() {
                return Err("--fault-seed and --fault-kinds need --faults".to_owned());
            }
            return Ok(None);
        }
        let rate = self.faults.unwrap_or(0.0);
        if !(0.0..=1.0).contains(&rate) {
            return Err(format!("--faults takes a share from 0 to 1, not {rate}"));
        }
        let seed = self.fault_seed.unwrap_or_else(|| {
            use std::hash::BuildHasher;
            std::collections::hash_map::RandomState::new().hash_one(std::process::id())
        });
        let faults = Faults {
            rate,
            seed,
            kinds: if self.fault_kinds.is_empty() {
                FaultKind::ALL.to_vec()
            } else {
                self.fault_kinds.clone()
            },
            latency: Duration::from_millis(self.fault_latency),
            storm: self.storm_after.map(|after| Storm {
                after,
                length: self.storm_length,
                retry_after: 1,
            }),
            prefix: self.fault_prefix.clone(),
        };
        let kinds: Vec<&str> = faults.kinds.iter().map(|k| k.name()).collect();
        let mut told = format!(
            "faults: {:.1}% of requests{} ({}), seed {seed} (--fault-seed {seed} repeats them)",
            rate * 100.0,
            faults
                .prefix
                .as_deref()
                .map(|p| format!(" under {p}"))
                .unwrap_or_default(),
            kinds.join(", ")
        );
        if let Some(s) = faults.storm {
            let end = s
                .length
                .map_or("for good".to_owned(), |n| format!("for {n} requests"));
            told.push_str(&format!("; a 429 storm after {} requests, {end}", s.after));
        }
        Ok(Some((faults, told)))
    }
}

/// The mock's configuration from the options; the faults are told on stderr.
fn config(a: MockArgs) -> Result<(coupa_mock::MockConfig, u16), String> {
    let MockArgs {
        port,
        seed,
        no_rate_limit,
        client_id,
        client_secret,
        cso_key,
        faults,
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
    if let Some((f, told)) = faults.faults()? {
        eprintln!("{told}");
        config.faults = Some(f);
    }
    if let Some(path) = seed {
        config.seed = Some(coupa_mock::load_seed(&path).map_err(|e| e.to_string())?);
    }
    Ok((config, port))
}

/// Runs the mock; 2 when it cannot start.
pub fn run(a: MockArgs) -> u8 {
    let (config, port) = match config(a) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
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
