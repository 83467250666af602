//! Uploaded pictures (issue 23): staff who edit the catalog upload a picture as the request
//! body; it is checked by its bytes, stored under the data directory by its content's hash, and
//! served from `/media/uploads/` as something that can run nothing. A product's `images` take
//! its URL.

use oxcart::accounts::StaffRole;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Engine, TestApp, create_product, expect_problem, expect_status};

/// A PNG's signature and header chunk: enough for the check, which reads no further.
fn png(width: u32, height: u32) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    b.extend(width.to_be_bytes());
    b.extend(height.to_be_bytes());
    b.extend([8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89]);
    b
}

async fn upload(app: &TestApp, token: &str, content_type: &str, bytes: Vec<u8>) -> Response {
    let req = app.client.post(app.url("/v1/admin/media")).bearer_auth(token);
    req.header("content-type", content_type).body(bytes).send().await.expect("upload")
}

async fn a_picture_is_stored_once_served_safely_and_shown_on_a_product(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let owner = app.admin_token().await;
    let picture = png(640, 480);
    let file =
        expect_status(upload(&app, &owner, "image/png", picture.clone()).await, StatusCode::CREATED).await;
    assert_eq!(
        (&file["content_type"], &file["width"], &file["height"]),
        (&json!("image/png"), &json!(640), &json!(480))
    );
    assert_eq!(file["bytes"], picture.len());
    let url = file["url"].as_str().expect("url").to_owned();
    assert_eq!(url, format!("/media/uploads/{}", file["id"].as_str().expect("id")));
    // The same bytes, declared loosely, are the same file.
    let again = upload(&app, &owner, "application/octet-stream", picture.clone()).await;
    assert_eq!(expect_status(again, StatusCode::CREATED).await["id"], file["id"]);
    let stored = std::fs::read_dir(app.data_dir().join("media")).expect("media dir").count();
    assert_eq!(stored, 1);
    // A picture over the API's 1 MiB body limit is still a picture (uploads have their own).
    let big = [png(4000, 3000), vec![0; 3 * 1024 * 1024]].concat();
    let big_file =
        expect_status(upload(&app, &owner, "image/png", big.clone()).await, StatusCode::CREATED).await;
    assert_eq!(big_file["bytes"], big.len());

    let served = app.client.get(app.url(&url)).send().await.expect("get");
    assert_eq!(served.status(), StatusCode::OK);
    let header = |name: &str| served.headers()[name].to_str().expect("header").to_owned();
    assert_eq!(header("content-type"), "image/png");
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert!(header("content-security-policy").contains("default-src 'none'"));
    assert!(header("cache-control").contains("immutable"));
    assert_eq!(served.bytes().await.expect("bytes").to_vec(), picture);

    let product = create_product(
        &app,
        &owner,
        json!({"title": "Pictured mug", "status": "published", "images": [url],
               "variants": [{"sku": "PIC-1", "title": "One", "price": 900, "stock": 1}]}),
    )
    .await;
    let public = app.get(&format!("/v1/products/{}", product["id"].as_str().expect("id")), None).await;
    // Shown as an absolute URL on this server, as every image is.
    assert_eq!(expect_status(public, StatusCode::OK).await["images"], json!([app.url(&url)]));

    // The upload is in the audit log by its type and size, not its bytes.
    let log = app.get("/v1/admin/audit-log?object_type=media", Some(&owner)).await;
    let log = expect_status(log, StatusCode::OK).await;
    let entry = &log["data"][0];
    let first = log["data"].as_array().expect("data").iter().find(|e| e["object"]["id"] == file["id"]);
    assert_eq!(
        first.expect("the first upload's entry")["request"]["content_length"],
        picture.len(),
        "{log:#}"
    );
    assert_eq!(entry["object"]["id"], big_file["id"], "newest first: {log:#}");
}

async fn anything_but_a_picture_is_refused_and_nothing_is_stored(engine: Engine) {
    let app = TestApp::spawn_with(engine, |config| config.media_max_bytes = 4096).await;
    let owner = app.admin_token().await;
    let svg = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>".to_vec();
    let cases: Vec<(&str, Vec<u8>, StatusCode, &str)> = vec![
        ("image/svg+xml", svg.clone(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
        ("image/png", svg, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
        ("text/html", png(2, 2), StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
        ("application/json", b"{}".to_vec(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
        ("image/png", Vec::new(), StatusCode::BAD_REQUEST, "validation_failed"),
        ("image/png", png(20_000, 10), StatusCode::BAD_REQUEST, "validation_failed"),
        (
            "image/png",
            [png(2, 2), vec![0; 5000]].concat(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
    ];
    for (content_type, bytes, status, code) in cases {
        let problem = expect_problem(upload(&app, &owner, content_type, bytes).await, status, code).await;
        assert!(!problem["detail"].as_str().unwrap_or("").is_empty(), "{problem}");
    }
    let fulfilment = app.staff_token(StaffRole::Fulfilment).await;
    expect_problem(
        upload(&app, &fulfilment, "image/png", png(2, 2)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let anonymous = app.client.post(app.url("/v1/admin/media")).header("content-type", "image/png");
    let anonymous = anonymous.body(png(2, 2)).send().await.expect("send");
    expect_problem(anonymous, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let left = std::fs::read_dir(app.data_dir().join("media")).map_or(0, |files| files.count());
    assert_eq!(left, 0, "nothing was stored, not even half a file");

    let digest = "a".repeat(48);
    for path in [
        format!("/media/uploads/{digest}.png"),
        format!("/media/uploads/{digest}.svg"),
        format!("/media/uploads/{}.png", "A".repeat(48)),
        "/media/uploads/..%2Foxcart.db".to_owned(),
    ] {
        let res = app.client.get(app.url(&path)).send().await.expect("get");
        let problem: Value = expect_problem(res, StatusCode::NOT_FOUND, "not_found").await;
        assert_eq!(problem["status"], 404, "{path}");
    }
}

crate::db_tests!(
    a_picture_is_stored_once_served_safely_and_shown_on_a_product,
    anything_but_a_picture_is_refused_and_nothing_is_stored
);
