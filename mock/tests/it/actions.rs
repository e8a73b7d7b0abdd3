//! Every kind of action over real HTTP on loopback, in JSON and XML.

use crate::common;

use common::{Answer, JSON, Mock, XML, start, start_default, token};
use coupa_mock::MockConfig;
use coupa_runtime::CoupaErrors;
use coupa_runtime::error::NO_RESULTS;
use coupa_runtime::{DateTime, Format};
use serde_json::{Value, json};

#[tokio::test]
async fn an_integration_run_goes_through_its_life_in_json() {
    let m = start_default().await;

    // create: 201, assigned id and timestamps, status pending (the action's `sets`).
    let a = m
        .call(
            "POST",
            "/api/integration_runs",
            Some(json!({"integration": {"code": "SAP-1"}})),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.text);
    let run = a.json();
    assert_eq!(run["id"], json!(1));
    assert_eq!(run["status"], "pending");
    assert_eq!(run["integration"]["code"], "SAP-1");
    assert_eq!(run["created-by"], json!({"id": 1, "login": "api-user"}));
    let created = run["created-at"].as_str().expect("created-at");
    assert!(
        DateTime::parse(created).is_ok(),
        "RFC 3339 with offset: {created}"
    );
    assert_eq!(run["updated-at"], run["created-at"]);

    // status with the guides' snake_case body.
    let a = m
        .call(
            "PUT",
            "/api/integration_runs/1/run",
            Some(json!({"total_records": 10})),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.json()["status"], "running");
    assert_eq!(a.json()["total-records"], 10);

    // status without a body.
    let a = m.call("PUT", "/api/integration_runs/1/success", None).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.json()["status"], "successful");
    assert_eq!(a.json()["total-records"], 10, "the earlier write stays");

    // update (PATCH and PUT) merges.
    let a = m
        .call(
            "PATCH",
            "/api/integration_runs/1",
            Some(json!({"records-processed": 7})),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.json()["records-processed"], 7);
    assert_eq!(a.json()["status"], "successful");
    let a = m
        .call(
            "PUT",
            "/api/integration_runs/1",
            Some(json!({"end-time": "2021-03-18T11:20:50-07:00"})),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.json()["end-time"], "2021-03-18T11:20:50-07:00");
    assert_eq!(a.json()["records-processed"], 7);

    // an update may not send output-only elements.
    let a = m
        .call(
            "PUT",
            "/api/integration_runs/1",
            Some(json!({"status": "failed"})),
        )
        .await;
    assert_eq!(a.status, 400);
    assert!(
        a.errors("integration-run")[0].starts_with("/status: "),
        "{}",
        a.text
    );

    // show and index.
    let a = m.call("GET", "/api/integration_runs/1", None).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.json()["records-processed"], 7);
    let a = m.call("GET", "/api/integration_runs", None).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.json().as_array().map(Vec::len), Some(1));

    // the store holds what was answered.
    let stored = m.server.records("integration-runs");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["status"], "successful");
    m.server.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn xml_in_and_out() {
    let m = start_default().await;
    let body = r#"<?xml version="1.0" encoding="UTF-8"?>
<integration-run>
  <integration><code>SAP-X</code></integration>
  <total-records type="integer">3</total-records>
</integration-run>"#;
    let a = m
        .call_raw("POST", "/api/integration_runs", XML, XML, body)
        .await;
    assert_eq!(a.status, 201, "{}", a.text);
    assert_eq!(a.header("content-type").as_deref(), Some(XML));
    assert!(a.text.contains("<integration-run>"), "{}", a.text);
    assert!(
        a.text.contains(r#"<id type="integer">1</id>"#),
        "{}",
        a.text
    );
    assert!(a.text.contains("<status>pending</status>"), "{}", a.text);
    assert!(
        a.text.contains(r#"<created-at type="dateTime">"#),
        "{}",
        a.text
    );

    // Lists under the plural root.
    let a = m
        .call_raw("GET", "/api/integration_runs", JSON, XML, "")
        .await;
    assert_eq!(a.status, 200);
    assert!(
        a.text.contains(r#"<integration-runs type="array">"#),
        "{}",
        a.text
    );

    // JSON in, XML out.
    let a = m
        .call_raw(
            "PUT",
            "/api/integration_runs/1/pause",
            JSON,
            XML,
            r#"{"records-processed": 2}"#,
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert!(a.text.contains("<status>paused</status>"), "{}", a.text);

    // No results: 404 with Coupa's XML body (JSON answers []).
    let a = m
        .call_raw("GET", "/api/integration_runs?status=failed", JSON, XML, "")
        .await;
    assert_eq!(a.status, 404);
    let e = CoupaErrors::parse(Format::Xml, a.text.as_bytes()).expect("an XML error body");
    assert!(e.is_no_results(), "{}", a.text);
    assert!(a.text.contains(NO_RESULTS));
    let a = m
        .call("GET", "/api/integration_runs?status=failed", None)
        .await;
    assert_eq!((a.status, a.text.as_str()), (200, "[]"));

    // Validation errors in XML.
    let a = m
        .call_raw(
            "POST",
            "/api/integration_runs",
            XML,
            XML,
            "<integration-run><status>x</status></integration-run>",
        )
        .await;
    assert_eq!(a.status, 400, "{}", a.text);
    let e = CoupaErrors::parse(Format::Xml, a.text.as_bytes()).expect("an XML error body");
    let msgs: Vec<&str> = e.messages().collect();
    assert!(
        msgs.iter().any(|m| m.starts_with("/integration: ")),
        "{msgs:?}"
    );
    assert!(msgs.iter().any(|m| m.starts_with("/status: ")), "{msgs:?}");
    assert_eq!(m.server.records("integration-runs").len(), 1);
}

#[tokio::test]
async fn bodies_that_do_not_decode_say_where() {
    let m = start_default().await;
    let a = m
        .call_raw(
            "POST",
            "/api/integration_runs",
            JSON,
            JSON,
            "{\n  \"integration\": {\"code\": 5}\n}",
        )
        .await;
    assert_eq!(a.status, 400, "{}", a.text);
    let msg = &a.errors("integration-run")[0];
    assert!(msg.contains("line 2"), "{msg}");
    assert!(msg.contains("/integration/code"), "{msg}");

    let a = m
        .call_raw(
            "POST",
            "/api/integration_runs",
            XML,
            XML,
            "<integration-run><integration>",
        )
        .await;
    assert_eq!(a.status, 400, "{}", a.text);
    assert!(a.text.contains("invalid xml"), "{}", a.text);

    let a = m
        .call_raw("POST", "/api/integration_runs", JSON, JSON, "")
        .await;
    assert_eq!(a.status, 400, "{}", a.text);
    let a = m
        .call_raw("POST", "/api/integration_runs", "text/plain", JSON, "hello")
        .await;
    assert_eq!(a.status, 415, "{}", a.text);
    assert!(m.server.records("integration-runs").is_empty());
}

#[tokio::test]
async fn validation_reports_every_violation() {
    let m = start_default().await;
    let a = m
        .call(
            "POST",
            "/api/integration_errors",
            Some(json!({
                "document-type": "Spaceship",
                "resolved": true,
                "status": "x".repeat(300),
            })),
        )
        .await;
    assert_eq!(a.status, 400, "{}", a.text);
    let msgs = a.errors("integration-error");
    for p in [
        "/contact-alert-type: ",
        "/integration-run: ",
        "/document-type: ",
        "/resolved: ",
        "/status: ",
    ] {
        assert!(msgs.iter().any(|m| m.starts_with(p)), "{p} in {msgs:?}");
    }
    assert!(m.server.records("integration-errors").is_empty());
}

#[tokio::test]
async fn status_actions_set_booleans_and_404_for_unknown_ids() {
    let m = start_default().await;
    let a = m
        .call(
            "POST",
            "/api/integration_errors/create_alert",
            Some(json!({"contact-alert-type": "Both", "integration-run-id": 4, "status": "Error"})),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.text);
    let id = a.json()["id"].as_i64().expect("id");
    let a = m
        .call(
            "PUT",
            &format!("/api/integration_errors/{id}/resolve"),
            None,
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.json()["resolved"], json!(true));
    let a = m
        .call(
            "PUT",
            &format!("/api/integration_errors/{id}/unresolve"),
            None,
        )
        .await;
    assert_eq!(a.json()["resolved"], json!(false));
    // created-at is accepted in requests, but Coupa keeps its own.
    let created = a.json()["created-at"].clone();
    let a = m
        .call(
            "PATCH",
            &format!("/api/integration_errors/{id}"),
            Some(json!({"created-at": "2001-01-01T00:00:00+00:00", "status": "Fixed"})),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.json()["created-at"], created);
    assert_eq!(a.json()["status"], "Fixed");
    let a = m
        .call("PUT", "/api/integration_errors/999/resolve", None)
        .await;
    assert_eq!(a.status, 404);
    assert!(
        a.errors("integration-error")[0].contains("999"),
        "{}",
        a.text
    );
}

#[tokio::test]
async fn unknown_and_ill_typed_ids_are_404() {
    let m = start_default().await;
    for path in [
        "/api/integration_runs/1",
        "/api/integration_runs/abc",
        "/api/integration_runs/99999999999999999999999999",
        "/api/integration_runs/-",
        "/api/integration_runs/%FF",
    ] {
        let a = m.call("GET", path, None).await;
        assert_eq!(a.status, 404, "{path}: {}", a.text);
        assert_eq!(a.errors("integration-run").len(), 1, "{path}");
    }
    for path in [
        "/api/events/12a",
        "/api/events/92200000000000000011",
        "/api/events/9220000000000000001",
    ] {
        let a = m.cso_call("GET", path, None).await;
        assert_eq!(a.status, 404, "{path}: {}", a.text);
        assert_eq!(a.errors("event").len(), 1, "{path}");
    }
    // No route: still a Coupa body.
    let a = m.call("GET", "/api/widgets", None).await;
    assert_eq!(a.status, 404);
    assert!(a.json()["errors"].is_object(), "{}", a.text);
    let a = m.call("DELETE", "/api/integration_runs/1", None).await;
    assert_eq!(a.status, 405, "{}", a.text);
    assert!(a.json()["errors"].is_object(), "{}", a.text);
}

#[tokio::test]
async fn nested_comment_routes_bind_their_parent() {
    let m = start_default().await;
    let a = m
        .call(
            "POST",
            "/api/invoices/5/comments",
            Some(json!({"comments": "Looks right"})),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.text);
    let c = a.json();
    // The Comments page marks to-supplier api-out only.
    let refused = m
        .call(
            "POST",
            "/api/invoices/5/comments",
            Some(json!({"comments": "For the supplier", "to-supplier": true})),
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.text);
    assert!(
        refused.errors("comment")[0].starts_with("/to-supplier: "),
        "{}",
        refused.text
    );
    assert_eq!(c["commentable-type"], "InvoiceHeader");
    assert_eq!(c["commentable-id"], 5);
    let id = c["id"].as_i64().expect("id");
    let a = m
        .call(
            "POST",
            "/api/invoices/6/comments",
            Some(json!({"comments": "Other invoice"})),
        )
        .await;
    assert_eq!(a.status, 201);
    let a = m
        .call(
            "POST",
            "/api/users/5/comments",
            Some(json!({"comments": "A user"})),
        )
        .await;
    assert_eq!(a.json()["commentable-type"], "User");
    // The payload may name the commentable itself.
    let a = m
        .call(
            "POST",
            "/api/comments",
            Some(json!({"comments": "@[User:1] see", "commentable-type": "InvoiceHeader", "commentable-id": 5})),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.text);

    // The index of invoice 5 holds only its comments.
    let a = m.call("GET", "/api/invoices/5/comments", None).await;
    let list = a.json();
    let texts: Vec<&str> = list
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|c| c["comments"].as_str())
        .collect();
    assert_eq!(texts, ["Looks right", "@[User:1] see"]);
    // Show through its own parent only.
    let a = m
        .call("GET", &format!("/api/invoices/5/comments/{id}"), None)
        .await;
    assert_eq!(a.status, 200);
    let a = m
        .call("GET", &format!("/api/invoices/6/comments/{id}"), None)
        .await;
    assert_eq!(a.status, 404);
    let a = m
        .call("GET", &format!("/api/users/5/comments/{id}"), None)
        .await;
    assert_eq!(a.status, 404);
    // The Comments page marks no element required, `comments` included: a comment without text
    // is created, on the route's parent.
    let a = m
        .call("POST", "/api/invoices/5/comments", Some(json!({})))
        .await;
    assert_eq!(a.status, 201, "{}", a.text);
    assert_eq!(a.json()["commentable-id"], 5);
    assert!(a.json().get("comments").is_none(), "{}", a.text);
    // XML bodies, as the page's examples.
    let a = m
        .call_raw(
            "POST",
            "/api/requisitions/3/comments",
            XML,
            XML,
            "<comment><comments>Approved</comments></comment>",
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.text);
    assert!(
        a.text
            .contains("<commentable-type>RequisitionHeader</commentable-type>"),
        "{}",
        a.text
    );
}

/// A comment's attachments: since the R39 import the routes into them are the Attachment
/// resource's (`index-for-comment`, `show-for-comment`, `create-for-comment`: the Swagger files
/// them there, and schema/overrides/comments.yaml keeps them there), so a file is uploaded as a
/// multipart form, listed and downloaded through them. (Before, they were the Comment
/// resource's, reaching into the comment's `attachments` element.)
#[tokio::test]
async fn comment_attachments_upload_list_and_download() {
    let m = start(MockConfig {
        rate_limit: None,
        seed: Some(json!({
            "comments": [{"id": 40, "comments": "With files", "commentable-type": "InvoiceHeader", "commentable-id": 5}],
            "attachments": [{"id": 2, "type": "url", "url": "https://example.com/x", "@parent": {"comments": 40}}],
        })),
        ..MockConfig::default()
    })
    .await;
    let upload =
        coupa_runtime::Upload::new("invoice-5.pdf", "application/pdf", b"%PDF-1.7 ...".to_vec());
    let a = attach_file(&m, "/api/comments/40/attachments", &upload).await;
    assert_eq!(a.status, 201, "{}", a.text);
    let made = a.json();
    assert_eq!(made["type"], "file", "{}", a.text);
    assert_eq!(made["file-file-name"], "invoice-5.pdf", "{}", a.text);
    assert_eq!(made["file-content-type"], "application/pdf", "{}", a.text);
    let id = made["id"].as_i64().expect("an id");

    let a = m.call("GET", "/api/comments/40/attachments", None).await;
    assert_eq!(a.status, 200, "{}", a.text);
    let ids: Vec<i64> = a
        .json()
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|a| a["id"].as_i64())
        .collect();
    assert_eq!(ids, [2, id]);
    let a = m
        .call_raw("GET", "/api/comments/40/attachments", JSON, XML, "")
        .await;
    assert!(
        a.text.contains(r#"<attachments type="array">"#),
        "{}",
        a.text
    );

    // The file route answers the file's bytes, as uploaded.
    let a = m
        .call("GET", &format!("/api/comments/40/attachments/{id}"), None)
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.header("content-type").as_deref(), Some("application/pdf"));
    assert_eq!(a.text, "%PDF-1.7 ...");
    assert_eq!(
        a.header("content-disposition").as_deref(),
        Some(r#"attachment; filename="invoice-5.pdf""#)
    );
    // An attachment that holds a URL has no file: a Coupa-shaped 404.
    let a = m.call("GET", "/api/comments/40/attachments/2", None).await;
    assert_eq!(a.status, 404, "{}", a.text);
    assert_eq!(a.errors("attachment").len(), 1, "{}", a.text);
    for path in [
        "/api/comments/40/attachments/999".to_owned(),
        "/api/comments/40/attachments/abc".to_owned(),
    ] {
        let a = m.call("GET", &path, None).await;
        assert_eq!(a.status, 404, "{path}: {}", a.text);
        assert_eq!(a.errors("attachment").len(), 1, "{path}");
    }
    // The form's required fields.
    let (content_type, body) = coupa_runtime::Form::new()
        .text("attachment[type]", "file")
        .encode();
    let a = m
        .call_raw(
            "POST",
            "/api/comments/40/attachments",
            &content_type,
            JSON,
            body,
        )
        .await;
    assert_eq!(a.status, 400, "{}", a.text);
}

/// The routes into a comment's attachments are the Attachment resource's since the R39 import,
/// and Attachment has no element naming its comment (nor do the routes bind one): the mock keeps
/// the link beside the records (a create through the comment's route makes it; a seed gives it
/// with `"@parent"`), so each comment lists and reads only its own attachments, an unknown
/// comment is a 404, and the record's wire shape gains nothing. A URL attachment's download is
/// the 404 schema/overrides/attachments.yaml quotes from the Comments API page.
#[tokio::test]
async fn comment_attachments_belong_to_their_comment() {
    let mut m = start(MockConfig {
        rate_limit: None,
        seed: Some(json!({
            "comments": [
                {"id": 40, "comments": "With files", "commentable-type": "InvoiceHeader", "commentable-id": 5},
                {"id": 41, "comments": "Without"},
            ],
        })),
        ..MockConfig::default()
    })
    .await;
    let upload = coupa_runtime::Upload::new("invoice-5.pdf", "application/pdf", b"%PDF".to_vec());
    let a = attach_file(&m, "/api/comments/40/attachments", &upload).await;
    assert_eq!(a.status, 201, "{}", a.text);
    let made = a.json();
    let id = made["id"].as_i64().expect("an id");
    // The link is not in the record: what is stored is what the plain route stores.
    let stored = m.server.state().record("attachments", &id.to_string());
    assert_eq!(stored.as_ref(), Some(&made));
    assert!(
        made.as_object()
            .expect("an object")
            .keys()
            .all(|k| !k.contains("comment")),
        "{made}"
    );
    // An attachment created through the plain route (scope core.common.write) belongs to no
    // comment.
    let scopes = coupa_mock::registry_scopes();
    let scopes: Vec<&str> = scopes.iter().map(String::as_str).collect();
    m.token = m.server.state().issue_token(&scopes).expect("a token");
    let a = attach_file(&m, "/api/attachments", &upload).await;
    assert_eq!(a.status, 201, "{}", a.text);
    let plain = a.json()["id"].as_i64().expect("an id");
    assert_eq!(
        m.call("GET", &format!("/api/attachments/{plain}"), None)
            .await
            .status,
        200
    );
    // Comment 40 lists its one attachment; comment 41 none: [] in JSON.
    let a = m.call("GET", "/api/comments/40/attachments", None).await;
    let ids: Vec<i64> = a
        .json()
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|a| a["id"].as_i64())
        .collect();
    assert_eq!(ids, [id], "{}", a.text);
    let a = m.call("GET", "/api/comments/41/attachments", None).await;
    assert_eq!((a.status, a.text.as_str()), (200, "[]"));
    for path in [
        "/api/comments/999/attachments".to_owned(),
        "/api/comments/abc/attachments".to_owned(),
        "/api/comments/99999999999999999999999/attachments".to_owned(),
        format!("/api/comments/999/attachments/{id}"),
        format!("/api/comments/41/attachments/{id}"),
        format!("/api/comments/40/attachments/{plain}"),
    ] {
        let a = m.call("GET", &path, None).await;
        assert_eq!(a.status, 404, "{path}: {}", a.text);
        assert_eq!(a.errors("attachment").len(), 1, "{path}");
    }
    let a = m.call("GET", "/api/comments/999/attachments", None).await;
    assert_eq!(
        a.errors("attachment"),
        ["Couldn't find Comment with 'id'=999"]
    );
    // A create under a comment that does not exist creates nothing.
    let before = m.server.records("attachments").len();
    let (content_type, body) = coupa_runtime::Form::new()
        .file("attachment[file]", &upload)
        .text("attachment[type]", "file")
        .encode();
    let a = m
        .call_raw(
            "POST",
            "/api/comments/999/attachments",
            &content_type,
            JSON,
            body,
        )
        .await;
    assert_eq!(a.status, 404, "{}", a.text);
    assert_eq!(m.server.records("attachments").len(), before);

    // A seed links an attachment to its comment with "@parent".
    let m = start(MockConfig {
        rate_limit: None,
        seed: Some(json!({
            "comments": [{"id": 40, "comments": "With a link"}, {"id": 41, "comments": "Without"}],
            "attachments": [{"id": 2, "type": "url", "url": "https://example.com/x", "@parent": {"comments": 40}}],
        })),
        ..MockConfig::default()
    })
    .await;
    assert!(m.server.records("attachments")[0].get("@parent").is_none());
    let a = m.call("GET", "/api/comments/41/attachments/2", None).await;
    assert_eq!(a.status, 404, "{}", a.text);
    let a = m.call("GET", "/api/comments/40/attachments/2", None).await;
    assert_eq!(a.status, 404);
    assert_eq!(
        a.errors("attachment"),
        ["Attachment does not have a file attached"]
    );
}

/// The scoping of nested routes is the registry's, not the comments': a supplier item created
/// under item 1 (`/api/items/{item_id}/supplier_items`, routes of SupplierItem, which bind no
/// element to `item_id`) is listed, read, changed and deleted under item 1 only, and nothing is
/// created under an item that does not exist. Under a collection the registry does not describe
/// (`/api/charges/{charge_id}/attachments`) the records are scoped all the same, and no charge is
/// looked for.
#[tokio::test]
async fn nested_routes_are_scoped_by_their_parent() {
    let mut m = start(MockConfig {
        rate_limit: None,
        seed: Some(json!({
            "items": [{"id": 1, "name": "Pen"}, {"id": 2, "name": "Ink"}],
            "suppliers": [{"id": 7, "name": "Acme"}],
            "supplier-items": [{"id": 5, "supplier-part-num": "SEEDED", "supplier": {"id": 7}, "@parent": {"items": 2}}],
            "attachments": [{"id": 3, "type": "url", "url": "https://example.com/c", "@parent": {"charges": 9}}],
        })),
        ..MockConfig::default()
    })
    .await;
    let scopes = coupa_mock::registry_scopes();
    let scopes: Vec<&str> = scopes.iter().map(String::as_str).collect();
    m.token = m.server.state().issue_token(&scopes).expect("a token");
    let body = json!({"supplier-part-num": "P-1", "supplier": {"id": 7}});
    let a = m
        .call("POST", "/api/items/1/supplier_items", Some(body.clone()))
        .await;
    assert_eq!(a.status, 201, "{}", a.text);
    let id = a.json()["id"].as_i64().expect("an id");
    let ids = |a: &common::Answer| -> Vec<i64> {
        let list = a.json();
        let list = list
            .as_array()
            .unwrap_or_else(|| panic!("a list: {}", a.text));
        list.iter().filter_map(|v| v["id"].as_i64()).collect()
    };
    assert_eq!(
        ids(&m.call("GET", "/api/items/1/supplier_items", None).await),
        [id]
    );
    assert_eq!(
        ids(&m.call("GET", "/api/items/2/supplier_items", None).await),
        [5]
    );
    assert_eq!(
        ids(&m.call("GET", "/api/supplier_items", None).await),
        [5, id]
    );
    let mine = format!("/api/items/1/supplier_items/{id}");
    let other = format!("/api/items/2/supplier_items/{id}");
    assert_eq!(m.call("GET", &mine, None).await.status, 200);
    let change = Some(json!({"supplier-part-num": "P-2"}));
    for (method, body) in [("GET", None), ("PUT", change.clone()), ("DELETE", None)] {
        let a = m.call(method, &other, body).await;
        assert_eq!(a.status, 404, "{method} {other}: {}", a.text);
    }
    assert_eq!(m.call("PUT", &mine, change).await.status, 200);
    for path in ["/api/items/3/supplier_items", "/api/items/x/supplier_items"] {
        let a = m.call("POST", path, Some(body.clone())).await;
        assert_eq!(a.status, 404, "{path}: {}", a.text);
    }
    assert_eq!(m.server.records("supplier-items").len(), 2);
    assert_eq!(m.call("DELETE", &mine, None).await.status, 200);
    assert_eq!(
        m.call("GET", "/api/items/1/supplier_items", None)
            .await
            .text,
        "[]"
    );

    // A parent the registry does not describe: scoped by its segment, never looked for.
    assert_eq!(
        ids(&m.call("GET", "/api/charges/9/attachments", None).await),
        [3]
    );
    assert_eq!(
        m.call("GET", "/api/charges/8/attachments", None).await.text,
        "[]"
    );
    assert_eq!(
        m.call("GET", "/api/charges/8/attachments/3", None)
            .await
            .status,
        404
    );
}

/// A seed's `"@parent"` must name a parent one of the resource's nested routes has, by a key.
#[test]
fn seeded_parents_are_checked() {
    for (parent, want) in [
        (
            json!({"users": 1}),
            "no route of attachments is nested under `users`",
        ),
        (json!({"comments": "x"}), "`x` is not a key of `comments`"),
        (
            json!({"comments": [1]}),
            "the key of `comments` is not a key",
        ),
        (json!(40), "is an object naming parents"),
    ] {
        let seed = json!({"attachments": [{"id": 2, "type": "url", "@parent": parent}]});
        let e = coupa_mock::MockState::new(MockConfig {
            seed: Some(seed),
            ..MockConfig::unlimited()
        })
        .expect_err("a bad parent");
        let e = e.to_string();
        assert!(e.contains("attachments[0]") && e.contains(want), "{e}");
    }
}

#[tokio::test]
async fn filters_paging_order_and_shaping() {
    let runs: Vec<Value> = (1..=60)
        .map(|i| {
            let status = ["pending", "running", "successful"][i % 3];
            json!({
                "id": i,
                "status": status,
                "records-processed": i * 10,
                "created-at": format!("2021-03-18T{:02}:{:02}:00-07:00", 10 + i / 60, i % 60),
                "integration": {"id": 100 + i % 2, "code": if i % 2 == 0 { "SAP-EVEN" } else { "SAP-ODD" }},
            })
        })
        .collect();
    let m = start(MockConfig {
        rate_limit: None,
        seed: Some(json!({"integration-runs": runs})),
        ..MockConfig::default()
    })
    .await;
    let ids = |a: &common::Answer| -> Vec<i64> {
        a.json()
            .as_array()
            .unwrap_or_else(|| panic!("a list: {}", a.text))
            .iter()
            .filter_map(|r| r["id"].as_i64())
            .collect()
    };
    let mr = &m;
    let get = |q: &str| {
        let path = format!("/api/integration_runs?{q}");
        async move { mr.call("GET", &path, None).await }
    };

    // Paging: 50 at most.
    assert_eq!(ids(&get("").await), (1..=50).collect::<Vec<_>>());
    assert_eq!(ids(&get("limit=100").await).len(), 50);
    assert_eq!(ids(&get("offset=55").await), (56..=60).collect::<Vec<_>>());
    assert_eq!(ids(&get("limit=2&offset=10").await), [11, 12]);
    // Order.
    assert_eq!(
        ids(&get("order_by=created_at&dir=desc&limit=3").await),
        [60, 59, 58]
    );
    assert_eq!(
        ids(&get("order_by=records_processed&dir=desc&limit=2").await),
        [60, 59]
    );
    assert_eq!(ids(&get("dir=desc&limit=1").await), [60]);
    // Filters, typed.
    assert_eq!(ids(&get("id[gt]=57").await), [58, 59, 60]);
    assert_eq!(ids(&get("id[lt_or_eq]=2").await), [1, 2]);
    assert_eq!(ids(&get("records_processed[gt_or_eq]=590").await), [59, 60]);
    assert_eq!(ids(&get("id[in]=3,9,100").await), [3, 9]);
    assert_eq!(ids(&get("id[not_in]=1,2&limit=1").await), [3]);
    assert_eq!(ids(&get("status=running&id[lt]=8").await), [1, 4, 7]);
    assert_eq!(ids(&get("status[not_eq]=running&id[lt]=5").await), [2, 3]);
    assert_eq!(ids(&get("status[starts_with]=succ&id[lt]=7").await), [2, 5]);
    assert_eq!(ids(&get("status[ends_with]=ing&id[lt]=4").await), [1, 3]);
    assert_eq!(ids(&get("status[contains]=unn&id[lt]=4").await), [1]);
    // Datetimes compare as instants, whatever the offset.
    assert_eq!(
        ids(&get("created_at[gt]=2021-03-18T17:58:00%2B00:00").await),
        [59, 60]
    );
    assert_eq!(ids(&get("created_at=2021-03-18T17:59:00Z").await), [59]);
    // Associations.
    assert_eq!(
        ids(&get("integration[code]=SAP-EVEN&id[lt]=7").await),
        [2, 4, 6]
    );
    assert_eq!(ids(&get("integration[id]=101&id[lt]=4").await), [1, 3]);
    // Blank.
    assert_eq!(ids(&get("total_records[blank]=true&limit=1").await), [1]);
    assert!(ids(&get("total_records[blank]=false").await).is_empty());
    assert_eq!(ids(&get("status[blank]=false&limit=1").await), [1]);

    // Bad filters: 400 with a Coupa body.
    for q in [
        "created_at[contains]=2021",
        "created_at[blank]=true",
        "nope=1",
        "id=abc",
        "order_by=nope",
        "limit=-1",
        "dir=sideways",
        "return_object=all",
        "fields=id",
        "integration=1",
    ] {
        let a = get(q).await;
        assert_eq!(a.status, 400, "{q}: {}", a.text);
        assert_eq!(a.errors("integration-run").len(), 1, "{q}");
    }

    // Shaping.
    // `none` is for PUT and POST only (Coupa's API Return Formats page).
    let a = get("id=1&return_object=none").await;
    assert_eq!(a.status, 400, "{}", a.text);
    assert!(a.errors("integration-run")[0].contains("PUT and POST"));
    let a = get("id=1&return_object=shallow").await;
    let one = &a.json()[0];
    assert!(
        one.get("integration").is_none() && one.get("created-by").is_none(),
        "{one}"
    );
    assert_eq!(one["status"], "running");
    let a = get("id=1&return_object=limited").await;
    assert_eq!(a.json()[0]["integration"], json!({"id": 101}));
    let a = get(r#"id=1&fields=["id",{"integration":["code"]}]"#).await;
    assert_eq!(
        a.json(),
        json!([{"id": 1, "integration": {"code": "SAP-ODD"}}])
    );
    let a = m
        .call(
            "GET",
            "/api/integration_runs/2?fields=[\"id\",\"status\"]",
            None,
        )
        .await;
    assert_eq!(a.json(), json!({"id": 2, "status": "successful"}));
}

#[tokio::test]
async fn cso_events_bulk_writes_are_lenient() {
    let m = start_default().await;
    // Create: two valid, one invalid.
    let a = m
        .cso_call(
            "POST",
            "/api/events",
            Some(json!({"events": [
                {"market-id": "9220538753220565329", "name": "IT Hardware and Services 2021", "settings": {"currency": "USD"}},
                {"market-id": "9220538753220565329", "state": "Bogus", "name": "Broken"},
                {"market-id": "9220538753220565329", "state": "Setup", "name": "Services ONLY", "time-zone": "Europe/Stockholm"},
            ]})),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.text);
    let v = a.json();
    assert_eq!(v["added"], 2);
    assert_eq!(
        v["events"],
        json!([{"id": "9220000000000000001"}, {"id": "9220000000000000002"}])
    );
    let result = v["result"].as_array().expect("result");
    assert_eq!(
        result[0],
        json!({"type": "api.post.added", "description": "2 objects created."})
    );
    assert_eq!(result[1]["type"], "api.post.error");
    assert!(
        result[1]["description"]
            .as_str()
            .unwrap_or_default()
            .starts_with("/events/1/state: "),
        "{v}"
    );
    let stored = m.server.records("events");
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0]["event-number"], 1);
    assert_eq!(stored[1]["event-number"], 2);

    // Every item invalid: 400, nothing written.
    let a = m
        .cso_call(
            "POST",
            "/api/events",
            Some(json!({"events": [{"id": "1"}, {"event-number": 4}]})),
        )
        .await;
    assert_eq!(a.status, 400, "{}", a.text);
    let msgs = a.errors("event");
    assert!(
        msgs.iter().any(|m| m.starts_with("/events/0/id: ")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.starts_with("/events/1/event-number: ")),
        "{msgs:?}"
    );
    assert_eq!(m.server.records("events").len(), 2);
    let a = m
        .cso_call("POST", "/api/events", Some(json!({"nothing": []})))
        .await;
    assert_eq!(a.status, 400, "{}", a.text);

    // Bulk update: one existing, one unknown, one changing market-id (immutable).
    let a = m
        .cso_call(
            "PUT",
            "/api/events",
            Some(json!({"events": [
                {"id": "9220000000000000001", "state": "Active", "name": "IT Hardware and Services 2021-ABC"},
                {"id": "9229999999999999999", "name": "Nobody"},
                {"id": "9220000000000000002", "market-id": "1"},
            ]})),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    let v = a.json();
    assert_eq!(v["updated"], 1);
    assert_eq!(
        v["result"][0],
        json!({"type": "api.put.updated", "description": "1 object updated."})
    );
    assert_eq!(v["result"].as_array().map(Vec::len), Some(3), "{v}");
    let e = m
        .server
        .state()
        .record("events", "9220000000000000001")
        .expect("event");
    assert_eq!(
        (e["state"].as_str(), e["event-number"].as_i64()),
        (Some("Active"), Some(1))
    );

    // Show, update one, list envelope.
    let a = m
        .cso_call("GET", "/api/events/9220000000000000002", None)
        .await;
    assert_eq!(a.status, 200);
    assert_eq!(a.json()["name"], "Services ONLY");
    let a = m
        .cso_call(
            "PUT",
            "/api/events/9220000000000000002",
            Some(json!({"description": "same market"})),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(
        a.json(),
        json!({"result": [{"type": "api.put.updated", "description": "1 object updated."}], "updated": 1})
    );
    let a = m.cso_call("GET", "/api/events?state=Active", None).await;
    assert_eq!(a.status, 200);
    let v = a.json();
    assert_eq!(v["total"], 1);
    assert_eq!(v["events"][0]["id"], "9220000000000000001");
    let a = m
        .cso_call(
            "GET",
            "/api/events?limit=1&order_by=event_number&dir=desc",
            None,
        )
        .await;
    assert_eq!(
        (
            a.json()["total"].as_i64(),
            a.json()["events"][0]["event-number"].as_i64()
        ),
        (Some(2), Some(2))
    );

    // Bulk delete, then delete one.
    let a = m
        .cso_call(
            "DELETE",
            "/api/events",
            Some(json!({"events": [{"id": "9220000000000000001"}, {"id": "9220000000000000009"}]})),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    let v = a.json();
    assert_eq!(v["deleted"], 1);
    assert_eq!(
        v["result"][0],
        json!({"type": "event.deleted.logMsg", "description": "The event IT Hardware and Services 2021-ABC was deleted."})
    );
    let a = m
        .cso_call("DELETE", "/api/events/9220000000000000002", None)
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.json()["deleted"], 1);
    let a = m
        .cso_call("DELETE", "/api/events/9220000000000000002", None)
        .await;
    assert_eq!(a.status, 404);
    assert!(m.server.records("events").is_empty());
    let a = m.cso_call("GET", "/api/events", None).await;
    assert_eq!(a.json(), json!({"total": 0, "events": []}));

    // The next event keeps counting.
    let a = m
        .cso_call(
            "POST",
            "/api/events",
            Some(json!({"events": [{"name": "Later"}]})),
        )
        .await;
    assert_eq!(a.json()["events"], json!([{"id": "9220000000000000003"}]));
    assert_eq!(m.server.records("events")[0]["event-number"], 3);
}

#[tokio::test]
async fn cso_speaks_xml_too() {
    let m = start_default().await;
    let body = r#"<event-bulk-request><events type="array"><event><name>X</name><market-id>42</market-id></event></events></event-bulk-request>"#;
    let a = common::answer(
        m.http
            .post(m.cso("/api/events"))
            .header("X-CSO-API-KEY", "mock-cso-key")
            .header("Content-Type", XML)
            .header("Accept", XML)
            .body(body),
    )
    .await;
    assert_eq!(a.status, 201, "{}", a.text);
    assert!(
        a.text.contains("<added type=\"integer\">1</added>"),
        "{}",
        a.text
    );
    let a = common::answer(
        m.http
            .get(m.cso("/api/events"))
            .header("X-CSO-API-KEY", "mock-cso-key")
            .header("Accept", XML),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert!(
        a.text.contains("<total type=\"integer\">1</total>"),
        "{}",
        a.text
    );
    assert!(a.text.contains("<market-id>42</market-id>"), "{}", a.text);
}

#[tokio::test]
async fn delegations_are_read_only_and_served_from_the_seed() {
    let m = start(MockConfig {
        rate_limit: None,
        seed: Some(json!({"delegations": [{
            "id": 3,
            "reason": "Vacation",
            "start-date": "2021-03-18T00:00:00-07:00",
            "end-date": "2021-03-25T00:00:00-07:00",
            "approval-delegate": true,
            "delegator": {"id": 272, "login": "boss"},
            "delegate": {"id": 273, "login": "deputy"},
        }]})),
        ..MockConfig::default()
    })
    .await;
    let a = m
        .call("GET", "/api/delegations?approval_delegate=true", None)
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    let v = a.json();
    assert_eq!(v[0]["reason"], "Vacation");
    assert_eq!(
        v[0]["created-by"]["login"], "api-user",
        "seeds get assigned elements"
    );
    let a = m
        .call("GET", "/api/delegations?delegator[login]=boss", None)
        .await;
    assert_eq!(a.json().as_array().map(Vec::len), Some(1), "{}", a.text);
    let a = m
        .call("GET", "/api/delegations?start_date[gt]=2021-03-18", None)
        .await;
    assert_eq!(a.json().as_array().map(Vec::len), Some(1), "{}", a.text);
    let a = m.call("POST", "/api/delegations", Some(json!({}))).await;
    assert_eq!(a.status, 405);
}

/// Posts `upload` to an attachment route as Coupa's form takes it: the file and `type` `file`.
async fn attach_file(m: &Mock, path: &str, upload: &coupa_runtime::Upload) -> Answer {
    let (content_type, body) = coupa_runtime::Form::new()
        .file("attachment[file]", upload)
        .text("attachment[type]", "file")
        .encode();
    m.call_raw("POST", path, &content_type, JSON, body).await
}

/// Business groups are assigned to a user by `PUT /api/users/{user_id}/business_groups/{id}/add`
/// and taken back by `.../remove`; the user's listing shows what is assigned. (Suppliers and
/// contracts have the same routes, and `remove_all`.)
#[tokio::test]
async fn business_groups_are_added_to_and_removed_from_a_user() {
    let mut m = start(MockConfig {
        rate_limit: None,
        seed: Some(json!({
            "users": [{"id": 7, "login": "ann"}],
            "suppliers": [{"id": 3, "name": "Acme"}],
            "business-groups": [{"id": 1, "name": "North"}, {"id": 2, "name": "South"}],
        })),
        ..MockConfig::default()
    })
    .await;
    let scopes = "core.user.read core.user.write core.supplier.read core.supplier.write";
    m.token = token(&m.http, &m.server.core_url(), scopes).await;
    let (user, supplier) = ("/api/users/7", "/api/suppliers/3");
    assert!(groups_of(&m, user).await.is_empty());
    for id in [1, 2] {
        put_group(&m, user, &format!("{id}/add"), 200).await;
    }
    assert_eq!(groups_of(&m, user).await, ["North", "South"]);
    put_group(&m, user, "1/remove", 200).await;
    assert_eq!(groups_of(&m, user).await, ["South"]);
    // A user or a group that does not exist is a 404.
    let listed = m.call("GET", "/api/users/8/business_groups", None).await;
    assert_eq!(listed.status, 404, "{}", listed.text);
    put_group(&m, user, "9/add", 404).await;
    put_group(&m, "/api/users/8", "1/add", 404).await;
    // A supplier's groups, all taken back at once; the user keeps its own.
    for id in [1, 2] {
        put_group(&m, supplier, &format!("{id}/add"), 200).await;
    }
    assert_eq!(groups_of(&m, supplier).await, ["North", "South"]);
    put_group(&m, supplier, "remove_all", 200).await;
    assert!(groups_of(&m, supplier).await.is_empty());
    assert_eq!(groups_of(&m, user).await, ["South"]);
}

/// The names of the business groups `GET {parent}/business_groups` lists.
async fn groups_of(m: &Mock, parent: &str) -> Vec<String> {
    let a = m
        .call("GET", &format!("{parent}/business_groups"), None)
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    let list = a.json();
    let items = list
        .as_array()
        .unwrap_or_else(|| panic!("a list: {}", a.text));
    items
        .iter()
        .map(|g| g["name"].as_str().unwrap_or("").to_owned())
        .collect()
}

/// `PUT {parent}/business_groups/{route}` (`1/add`, `remove_all`) answers `want` (the body is
/// shown when it does not).
async fn put_group(m: &Mock, parent: &str, route: &str, want: u16) {
    let a = m
        .call("PUT", &format!("{parent}/business_groups/{route}"), None)
        .await;
    assert_eq!(
        a.status, want,
        "PUT {parent}/business_groups/{route}: {}",
        a.text
    );
}

/// A route two levels down needs both records above it: an expense line's artifacts under a
/// report that does not exist are a 404 naming the report.
#[tokio::test]
async fn an_expense_lines_artifacts_need_its_report() {
    let mut m = start(MockConfig {
        rate_limit: None,
        seed: Some(json!({
            "expense-reports": [{"id": 1}],
            "expense-lines": [{"id": 2}],
        })),
        ..MockConfig::default()
    })
    .await;
    m.token = token(&m.http, &m.server.core_url(), "core.expense.read").await;
    for (report, line, missing) in [
        (1, 2, None),
        (9, 2, Some("ExpenseReport")),
        (1, 9, Some("ExpenseLine")),
    ] {
        let path = format!("/api/expense_reports/{report}/expense_lines/{line}/expense_artifacts");
        let a = m.call("GET", &path, None).await;
        match missing {
            None => assert_eq!(a.status, 200, "{path}: {}", a.text),
            Some(what) => {
                assert_eq!(a.status, 404, "{path}: {}", a.text);
                let said = format!("Couldn't find {what} with 'id'=9");
                assert!(a.text.contains(&said), "{path}: {}", a.text);
            }
        }
    }
}
