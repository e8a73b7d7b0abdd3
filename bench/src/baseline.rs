//! The hand-written baseline: the same fields as the generated `IntegrationRun` and the objects
//! it nests, written the way one would by hand, with plain serde derives (`rename_all`, derived
//! enums with a `#[serde(other)]` catch-all, chrono's own serde support for datetimes). Whatever
//! the generated models cost beyond this is the cost of the generator's choices.

use chrono::{DateTime, FixedOffset};
use serde::Deserialize;
use serde_json::{Map, Value};

/// An integration run.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Run {
    pub created_at: Option<DateTime<FixedOffset>>,
    pub created_by: Option<User>,
    pub end_time: Option<DateTime<FixedOffset>>,
    pub flow: Option<Map<String, Value>>,
    pub id: Option<i64>,
    pub integration: Option<Integration>,
    pub integration_errors: Option<Vec<IntegrationError>>,
    pub records_processed: Option<i64>,
    pub start_time: Option<DateTime<FixedOffset>>,
    pub status: Option<RunStatus>,
    #[serde(alias = "total_records")]
    pub total_records: Option<i64>,
    pub updated_at: Option<DateTime<FixedOffset>>,
    pub updated_by: Option<User>,
}

/// The status of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    Pending,
    Running,
    Paused,
    Successful,
    Failed,
    #[serde(other)]
    Other,
}

/// The short user object.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct User {
    pub id: Option<i64>,
    pub login: Option<String>,
    pub employee_number: Option<String>,
    pub firstname: Option<String>,
    pub lastname: Option<String>,
    pub fullname: Option<String>,
    pub email: Option<String>,
    pub salesforce_id: Option<String>,
    pub avatar_thumb_url: Option<String>,
    pub gpo_entity: Option<Map<String, Value>>,
    pub custom_fields: Option<Map<String, Value>>,
}

/// The nested integration.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Integration {
    pub id: Option<i64>,
    pub code: Option<String>,
    pub name: Option<String>,
    pub business_object: Option<String>,
    pub end_system: Option<String>,
    pub standard: Option<bool>,
    pub direction: Option<Direction>,
    pub end_system_type: Option<EndSystemType>,
    pub integration_type: Option<IntegrationType>,
}

/// `direction`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    ToCoupa,
    FromCoupa,
    #[serde(other)]
    Other,
}

/// `end-system-type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndSystemType {
    Internal,
    Payroll,
    Erp,
    Hr,
    ThirdPartyPartner,
    ThirdPartyVendor,
    Other,
    #[serde(other)]
    Unlisted,
}

/// `integration-type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntegrationType {
    FlatFile,
    Api,
    CorporateCreditCardFile,
    Json,
    Xml,
    #[serde(other)]
    Other,
}

/// An integration error.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct IntegrationError {
    pub contact_alert_type: Option<ContactAlertType>,
    pub created_at: Option<DateTime<FixedOffset>>,
    pub created_by: Option<User>,
    pub creation_method: Option<String>,
    pub document_id: Option<i64>,
    pub document_revision: Option<i64>,
    pub document_status: Option<String>,
    pub document_type: Option<DocumentType>,
    pub external_id: Option<String>,
    pub id: Option<i64>,
    pub integration: Option<Integration>,
    pub integration_filename: Option<String>,
    pub integration_run: Option<Box<Run>>,
    pub integration_run_id: Option<i64>,
    pub resolved: Option<bool>,
    pub responses: Option<Vec<RecordResponse>>,
    pub status: Option<String>,
    pub updated_at: Option<DateTime<FixedOffset>>,
    pub updated_by: Option<User>,
}

/// `contact-alert-type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum ContactAlertType {
    Technical,
    Functional,
    Both,
    #[serde(other)]
    Other,
}

/// `document-type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum DocumentType {
    ContingentWorkOrderHeader,
    ExternalOrderHeader,
    OrderHeader,
    InventoryTransaction,
    InvoiceHeader,
    ExpenseReport,
    RequisitionHeader,
    Account,
    Supplier,
    User,
    Address,
    RemitToAddress,
    Contract,
    ExchangeRate,
    Invoice,
    Requisition,
    Payment,
    ApprovalChain,
    LookupValue,
    Item,
    SupplierInformation,
    #[serde(rename = "Asn::Header")]
    AsnHeader,
    AccountValidationRule,
    #[serde(rename = "Payables::External::Payable")]
    PayablesExternalPayable,
    Charge,
    #[serde(rename = "Payables::Invoice")]
    PayablesInvoice,
    #[serde(rename = "Payables::Expense")]
    PayablesExpense,
    #[serde(rename = "CoupaPay::Payment")]
    CoupaPayPayment,
    #[serde(rename = "CoupaPay::Statement")]
    CoupaPayStatement,
    ReceiptRequest,
    InventoryRequestHeader,
    #[serde(other)]
    Other,
}

/// A record response of an integration error.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct RecordResponse {
    pub id: Option<i64>,
    pub created_at: Option<DateTime<FixedOffset>>,
    pub updated_at: Option<DateTime<FixedOffset>>,
    pub response_code: Option<String>,
    pub response_message: Option<String>,
}
