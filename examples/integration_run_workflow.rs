//! The integration-run workflow, against the in-memory Coupa (or a real instance):
//! create a run, mark it running, report an error with `create_alert`, resolve the error, mark
//! the run successful.
//!
//! ```sh
//! cargo run -p coupa-examples --example integration_run_workflow
//! ```
//!
//! With `COUPA_URL`, `COUPA_CLIENT_ID`, `COUPA_CLIENT_SECRET` set, it talks to that instance
//! instead of starting a mock.

use coupa_api::integration_errors::{
    self as errors, IntegrationError, IntegrationErrorContactAlertType,
    IntegrationErrorDocumentType,
};
use coupa_api::integration_record_response::IntegrationRecordResponse;
use coupa_api::integration_runs::{self as runs, IntegrationRun, IntegrationRunStatus};
use coupa_api::integrations::Integration;
use coupa_runtime::client::{Client, ClientError, Config, OAuth};

/// What the workflow did, step by step.
#[derive(Debug)]
pub struct Outcome {
    /// The run's id.
    pub run_id: i64,
    /// The run's status after each step.
    pub run_statuses: Vec<IntegrationRunStatus>,
    /// The error's id.
    pub error_id: i64,
    /// Whether the error ended resolved.
    pub error_resolved: bool,
}

/// Runs the workflow with `client`.
pub async fn workflow(client: &Client) -> Result<Outcome, ClientError> {
    let mut statuses = Vec::new();

    // 1. Create the run; Coupa starts it as pending.
    let created = client
        .send(&runs::Create::new(IntegrationRun {
            integration: Some(Box::new(Integration {
                code: Some("SAP-INVOICE-EXPORT".to_owned()),
                ..Default::default()
            })),
            ..Default::default()
        }))
        .await?;
    let run_id = created
        .id
        .ok_or_else(|| ClientError::Config("Coupa assigned no id".to_owned()))?;
    statuses.extend(created.status);

    // 2. Mark it running, saying how many records it will process.
    let running = client
        .send(&runs::Run::new(run_id).with_body(IntegrationRun {
            total_records: Some(2),
            ..Default::default()
        }))
        .await?;
    statuses.extend(running.status);

    // 3. One document failed: report it, alerting the integration's technical contacts.
    let alert = client
        .send(&errors::CreateAlert::new(IntegrationError {
            contact_alert_type: Some(IntegrationErrorContactAlertType::Technical),
            integration_run_id: Some(run_id),
            document_type: Some(IntegrationErrorDocumentType::InvoiceHeader),
            document_id: Some(4711),
            document_status: Some("pending_approval".to_owned()),
            status: Some("Error".to_owned()),
            responses: Some(vec![IntegrationRecordResponse {
                response_code: Some("E-42".to_owned()),
                response_message: Some("Supplier 88 is unknown to the ERP".to_owned()),
                ..Default::default()
            }]),
            ..Default::default()
        }))
        .await?;
    let error_id = alert
        .id
        .ok_or_else(|| ClientError::Config("Coupa assigned no error id".to_owned()))?;

    // 4. The document was fixed: resolve the error.
    let resolved = client.send(&errors::Resolve::new(error_id)).await?;

    // 5. The run is done.
    let done = client.send(&runs::Success::new(run_id)).await?;
    statuses.extend(done.status);

    Ok(Outcome {
        run_id,
        run_statuses: statuses,
        error_id,
        error_resolved: resolved.resolved == Some(true),
    })
}

/// A client for the Core API at `url` with these credentials.
pub fn client(url: &str, client_id: &str, secret: &str) -> Result<Client, ClientError> {
    let mut config = Config::new(url);
    config.oauth = Some(OAuth {
        client_id: client_id.to_owned(),
        client_secret: secret.into(),
        scopes: vec![
            "core.integration.read".to_owned(),
            "core.integration.write".to_owned(),
        ],
    });
    Client::new(config)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _mock) = match std::env::var("COUPA_URL") {
        Ok(url) => {
            let id = std::env::var("COUPA_CLIENT_ID")?;
            let secret = std::env::var("COUPA_CLIENT_SECRET")?;
            (client(&url, &id, &secret)?, None)
        }
        Err(_) => {
            let mock = coupa_mock::MockServer::start(coupa_mock::MockConfig::default()).await?;
            println!("started the in-memory Coupa at {}", mock.core_url());
            (
                client(&mock.core_url(), "mock-client", "mock-secret")?,
                Some(mock),
            )
        }
    };
    let outcome = workflow(&client).await?;
    println!("run {}: {:?}", outcome.run_id, outcome.run_statuses);
    println!(
        "error {} resolved: {}",
        outcome.error_id, outcome.error_resolved
    );
    Ok(())
}
