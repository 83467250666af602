//! What the server shows browsers besides the API: the storefront (HTML, CSS and JavaScript
//! modules that talk only to the public `/v1` API), the admin dashboard at `/admin` (the same,
//! over `/v1/admin`), and the demo catalog's pictures, all compiled into the binary, so the demo
//! works offline and building needs no Node.

use axum::{
    Router,
    extract::Path,
    http::{HeaderValue, header},
    response::{Html, IntoResponse, Response},
    routing::get,
};

use crate::{error::ApiError, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Html(include_str!("index.html")) }))
        .route("/admin", get(|| async { Html(include_str!("admin.html")) }))
        .route("/assets/{file}", get(asset))
        .layer(axum::middleware::from_fn(security_headers))
        .route("/media/demo/{file}", get(demo_image))
}

/// The storefront's and the dashboard's files. `no-cache` makes browsers revalidate, so a new
/// binary's files are picked up at once (they are small).
async fn asset(Path(file): Path<String>) -> Response {
    let Some((_, body)) = ASSETS.iter().find(|(name, _)| *name == file) else {
        return ApiError::not_found().into_response();
    };
    let content_type =
        if file.ends_with(".css") { "text/css; charset=utf-8" } else { "text/javascript; charset=utf-8" };
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "no-cache")], *body).into_response()
}

/// The files under `/assets/`: the storefront's, then the dashboard's (a module per page).
const ASSETS: &[(&str, &str)] = &[
    ("app.js", include_str!("assets/app.js")),
    ("api.js", include_str!("assets/api.js")),
    ("totals.js", include_str!("assets/totals.js")),
    ("promotions.js", include_str!("assets/promotions.js")),
    ("app.css", include_str!("assets/app.css")),
    ("admin.js", include_str!("assets/admin.js")),
    ("admin-core.js", include_str!("assets/admin-core.js")),
    ("admin-home.js", include_str!("assets/admin-home.js")),
    ("admin-orders.js", include_str!("assets/admin-orders.js")),
    ("admin-people.js", include_str!("assets/admin-people.js")),
    ("admin-products.js", include_str!("assets/admin-products.js")),
    ("admin-settings.js", include_str!("assets/admin-settings.js")),
    ("admin-outbox.js", include_str!("assets/admin-outbox.js")),
    ("admin-promotions.js", include_str!("assets/admin-promotions.js")),
    ("admin-stock.js", include_str!("assets/admin-stock.js")),
    ("admin.css", include_str!("assets/admin.css")),
];

/// For the storefront's pages and files: scripts only from this origin and never inline,
/// no framing (clickjacking), no MIME sniffing, and no referrer (order links carry tokens).
async fn security_headers(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; \
             connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// `/media/demo/{handle}.svg`: a picture drawn for a demo product from its handle.
async fn demo_image(Path(file): Path<String>) -> Response {
    let Some(svg) = file.strip_suffix(".svg").and_then(demo_svg) else {
        return ApiError::not_found().into_response();
    };
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("image/svg+xml")),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400")),
            // An SVG opened on its own is a document: let it run nothing.
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
            ),
        ],
        svg,
    )
        .into_response()
}

/// A square picture: a colour from the handle, a shape for the kind of product, and the
/// name. Only handles (lower-case letters, digits, dashes) are drawn, so nothing a client
/// sends can become markup.
pub fn demo_svg(handle: &str) -> Option<String> {
    crate::catalog::parse_handle(handle).ok()?;
    let hash = handle.bytes().fold(2166136261u32, |h, b| (h ^ u32::from(b)).wrapping_mul(16777619));
    let hue = hash % 360;
    let name: Vec<String> = handle
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
        })
        .collect();
    let name = name.join(" ");
    let shape = if ["tee", "shirt", "hoodie", "sweater", "jacket", "crewneck"]
        .iter()
        .any(|k| handle.contains(k))
    {
        r#"<path d="M140 110 L200 90 Q240 120 280 90 L340 110 L380 180 L330 200 L330 320 L150 320 L150 200 L100 180 Z"/>"#
    } else if ["mug", "cup", "tumbler", "bottle"].iter().any(|k| handle.contains(k)) {
        r##"<rect x="140" y="120" width="170" height="200" rx="18"/><circle cx="325" cy="210" r="45" fill="none" stroke="#fff" stroke-width="22" stroke-opacity=".85"/>"##
    } else if ["bag", "tote", "backpack", "pouch"].iter().any(|k| handle.contains(k)) {
        r##"<rect x="130" y="160" width="220" height="170" rx="16"/><path d="M190 160 Q190 100 240 100 Q290 100 290 160" fill="none" stroke="#fff" stroke-width="16" stroke-opacity=".85"/>"##
    } else {
        r#"<circle cx="240" cy="210" r="110"/>"#
    };
    Some(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="480" height="480" viewBox="0 0 480 480" role="img" aria-label="{name}">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl({hue},70%,62%)"/><stop offset="1" stop-color="hsl({hue2},65%,42%)"/></linearGradient></defs>
<rect width="480" height="480" fill="url(#g)"/>
<g fill="#fff" fill-opacity=".85">{shape}</g>
<text x="240" y="410" font-family="system-ui,sans-serif" font-size="{size}" font-weight="600" fill="#fff" text-anchor="middle">{name}</text>
</svg>"##,
        hue2 = (hue + 40) % 360,
        // Narrow enough to fit the width (a character is about 0.6 em wide).
        size = (700 / name.chars().count().max(1)).clamp(14, 34),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_handles_are_drawn() {
        let svg = demo_svg("classic-tee").expect("svg");
        assert!(svg.contains("Classic Tee") && svg.starts_with("<svg"));
        assert!(demo_svg("<script>").is_none());
        assert!(demo_svg("a\"b").is_none());
    }
}
