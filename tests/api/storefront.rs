//! The storefront's files as the server serves them. The pages themselves are tested in a real
//! browser by `.ci/browser/storefront.test.mjs`.

use reqwest::StatusCode;

use crate::helpers::{Engine, TestApp};

async fn pages_come_with_strict_security_headers(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    for (path, content_type) in [
        ("/", "text/html"),
        ("/assets/app.js", "text/javascript"),
        ("/assets/api.js", "text/javascript"),
        ("/assets/app.css", "text/css"),
    ] {
        let res = app.get(path, None).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let headers = res.headers();
        assert!(headers["content-type"].to_str().unwrap_or("").starts_with(content_type), "{path}");
        let csp = headers["content-security-policy"].to_str().unwrap_or("");
        assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: no inline script or style");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["referrer-policy"], "no-referrer");
    }
    let html = app.get("/", None).await.text().await.expect("html");
    assert!(!html.contains("<script>") && !html.contains("style="), "no inline script or style in the page");
    assert_eq!(app.get("/assets/nope.js", None).await.status(), StatusCode::NOT_FOUND);
}

crate::db_tests!(pages_come_with_strict_security_headers);
