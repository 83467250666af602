//! Uploads over HTTP: `POST /v1/admin/media` (staff who edit the catalog) and the files
//! themselves at `/media/uploads/{name}` (anyone, like the storefront's pictures).

use axum::{
    Router,
    body::Body,
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use http_body_util::BodyExt;

use super::{ImageInfo, ImageKind, MediaName, Upload, image};
use crate::{
    error::{ApiError, Problem},
    http::{
        json::{media_type, unread_body},
        openapi::{Forbidden, Unauthorized, ValidationFailed},
    },
    state::AppState,
};

/// A picture's longest side, in pixels: anything larger would be a burden to every browser
/// that shows it (or a decompression bomb).
pub const MAX_SIDE: u32 = 16_384;

/// Whether an upload may declare this content type: a picture kind's own, or none in
/// particular. What the file is, its bytes decide.
fn may_declare(media_type: &str) -> bool {
    media_type == "application/octet-stream" || ImageKind::ALL.iter().any(|k| k.content_type() == media_type)
}

pub fn admin_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(upload))
}

/// The files, for everyone.
pub fn router() -> Router<AppState> {
    Router::new().route("/media/uploads/{file}", get(serve))
}

/// A picture's bytes, as a request body (for the API's description only).
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct PictureBytes(#[allow(dead_code)] Vec<u8>);

/// A stored picture.
#[derive(Debug, Serialize, ToSchema)]
pub struct MediaFile {
    /// The file's name: a hash of its bytes (the first 192 bits of their SHA-256, in hex) and its
    /// kind's extension.
    pub id: String,
    /// Where it is served (`/media/uploads/{id}`), as a product's `images` take it.
    pub url: String,
    /// `image/png`, `image/jpeg`, `image/gif` or `image/webp`, from the file's bytes.
    pub content_type: String,
    pub bytes: u64,
    pub width: u32,
    pub height: u32,
}

/// Upload a picture: the request body is the file itself, with its `Content-Type` (or
/// `application/octet-stream`). Uploading the same bytes again answers the same file, so a
/// retry is safe without an `Idempotency-Key` (which this route does not keep).
#[utoipa::path(post, path = "/v1/admin/media", tag = "admin",
    request_body(content = PictureBytes, content_type = "application/octet-stream",
        description = "The picture's bytes: PNG, JPEG, GIF or WebP, declared as `application/octet-stream` or its own `image/…` type"),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 201, body = MediaFile),
        (status = 400, response = inline(ValidationFailed)),
        (status = 401, response = inline(Unauthorized)),
        (status = 403, response = inline(Forbidden)),
        (status = 413, description = "`payload_too_large`: over `OXCART_MEDIA_MAX_BYTES`", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "`unsupported_media_type`: not a PNG, JPEG, GIF or WebP picture", body = Problem, content_type = "application/problem+json"),
    ))]
async fn upload(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Result<Response, ApiError> {
    if !media_type(headers.get(header::CONTENT_TYPE)).is_some_and(|t| may_declare(&t)) {
        return Err(not_a_picture());
    }
    let mut upload = state.media.begin().await.map_err(not_stored)?;
    let info = match receive(&mut upload, body, state.config.media_max_bytes).await {
        Ok(info) => info,
        Err(e) => {
            upload.abandon().await;
            return Err(e);
        }
    };
    let bytes = upload.len();
    let name = upload.keep(info.kind).await.map_err(not_stored)?;
    let file = MediaFile {
        url: name.url(),
        id: name.as_str().to_owned(),
        content_type: info.kind.content_type().to_owned(),
        bytes,
        width: info.width,
        height: info.height,
    };
    Ok((StatusCode::CREATED, axum::Json(file)).into_response())
}

/// Writes the body into `upload` as it arrives, and says what picture it is.
async fn receive(upload: &mut Upload, mut body: Body, max: usize) -> Result<ImageInfo, ApiError> {
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| unread_body(&e))?;
        let Ok(chunk) = frame.into_data() else { continue };
        if upload.len() + chunk.len() as u64 > max as u64 {
            return Err(too_large(max));
        }
        upload.write(&chunk).await.map_err(not_stored)?;
    }
    if upload.is_empty() {
        return Err(ApiError::field("body", "is empty: send the picture's bytes"));
    }
    let info = image::inspect(upload.head()).ok_or_else(not_a_picture)?;
    check_size(&info)?;
    Ok(info)
}

fn not_stored(e: std::io::Error) -> ApiError {
    tracing::error!(error = %e, "could not store an upload");
    ApiError::internal("the picture could not be stored")
}

fn check_size(info: &ImageInfo) -> Result<(), ApiError> {
    if info.width > MAX_SIDE || info.height > MAX_SIDE {
        return Err(ApiError::field(
            "body",
            format!("is {}×{} pixels; a side may be at most {MAX_SIDE}", info.width, info.height),
        ));
    }
    Ok(())
}

fn not_a_picture() -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        "Upload a PNG, JPEG, GIF or WebP picture, as the request body with its image/… content type \
         (or application/octet-stream). Other files, SVG among them, are not accepted.",
    )
}

fn too_large(max: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!("The picture is larger than {max} bytes (OXCART_MEDIA_MAX_BYTES)."),
    )
}

/// A stored picture, as the type its bytes were checked to be. Its name is its content, so it
/// never changes: cached for a year. It is never a document: no sniffing, and a policy that
/// lets it load and run nothing, should it be opened on its own.
async fn serve(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some((name, kind)) = MediaName::parse(&file) else {
        return ApiError::not_found().into_response();
    };
    let bytes = match state.media.get(&name).await {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return ApiError::not_found().into_response(),
        Err(e) => {
            tracing::error!(error = %e, "could not read an upload");
            return ApiError::internal("the picture could not be read").into_response();
        }
    };
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(kind.content_type())),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable")),
            (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
            (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox")),
            (header::CONTENT_DISPOSITION, HeaderValue::from_static("inline")),
        ],
        bytes,
    )
        .into_response()
}
