//! The OpenAPI 3.1 document, generated from the handlers' annotations.

use utoipa::{
    Modify, OpenApi,
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
