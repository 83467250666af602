//! The OpenAPI 3.1 document, generated from the handlers' annotations.

use utoipa::{
    Modify, OpenApi, ToResponse,
    openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme},
};

use crate::error::{FieldError, Problem};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Oxcart API",
        description = "The HTTP API of the Oxcart store backend. Errors are `application/problem+json` with a stable `code`.",
    ),
    modifiers(&SecuritySchemes),
    components(schemas(Problem, FieldError)),
    tags(
        (name = "accounts", description = "Registration, sessions and the signed-in customer"),
        (name = "catalog", description = "What the store sells: categories and products"),
        (name = "cart", description = "Carts for guests and customers, and checkout"),
        (name = "orders", description = "Orders, for their customers and guests holding the access token"),
        (name = "payments", description = "Payment provider callbacks"),
        (name = "admin", description = "Store administration (role `admin`)"),
        (name = "operations", description = "Health, readiness and metrics"),
    )
)]
pub struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::http::auth::SESSION_COOKIE))),
        );
    }
}

/// Documents `Idempotency-Key` on every `POST`: the middleware reads it on all of them, so the
/// annotations of each handler need not repeat it.
pub fn document_idempotency_key(api: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{
        Required,
        path::{ParameterBuilder, ParameterIn},
        schema::{ObjectBuilder, Type},
    };
    for item in api.paths.paths.values_mut() {
        let Some(post) = item.post.as_mut() else { continue };
        let key = ParameterBuilder::new()
            .name("Idempotency-Key")
            .parameter_in(ParameterIn::Header)
            .required(Required::False)
            .description(Some(
                "1–255 visible ASCII characters, unguessable (a UUIDv4 per attempt). A retry with the same key \
                 and the same JSON within 24 h gets the first answer back (`Idempotent-Replayed: true`); the same \
                 key with another request is `422 idempotency_key_reused`; while the first still runs, \
                 `409 idempotency_key_in_use` with `Retry-After`. Kept per signed-in customer, or per cart in \
                 the path; other guest requests and sign-in answers are not kept.",
            ))
            .schema(Some(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .min_length(Some(1))
                    .max_length(Some(255))
                    .pattern(Some("^[!-~]{1,255}$")),
            ))
            .build();
        post.parameters.get_or_insert_with(Vec::new).push(key.into());
    }
}

// The error answers many operations share, written once: `(status = 404, response =
// inline(NotFound))` documents exactly what `(status = 404, description = "`not_found`", body =
// Problem, content_type = "application/problem+json")` did. Answers whose description names
// more than the one code stay written out where they are.

/// `404 not_found`.
#[derive(ToResponse)]
#[response(description = "`not_found`", content_type = "application/problem+json")]
pub struct NotFound(pub Problem);

/// `400 validation_failed`.
#[derive(ToResponse)]
#[response(description = "`validation_failed`", content_type = "application/problem+json")]
pub struct ValidationFailed(pub Problem);

/// `401 unauthorized`.
#[derive(ToResponse)]
#[response(description = "`unauthorized`", content_type = "application/problem+json")]
pub struct Unauthorized(pub Problem);

/// `403 forbidden`.
#[derive(ToResponse)]
#[response(description = "`forbidden`", content_type = "application/problem+json")]
pub struct Forbidden(pub Problem);

/// `429 rate_limited`.
#[derive(ToResponse)]
#[response(description = "`rate_limited`; see `Retry-After`", content_type = "application/problem+json")]
pub struct RateLimited(pub Problem);

/// `503 busy`, from the password hashing queue.
#[derive(ToResponse)]
#[response(
    description = "`busy`: too many passwords are being checked at once; retry after `Retry-After` seconds",
    content_type = "application/problem+json"
)]
pub struct Busy(pub Problem);
