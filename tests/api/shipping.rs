//! Shipping (issue 21): what variants say about shipping and tax, and each region's shipping
//! options as admins set them up.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Engine, TestApp, expect_problem, expect_status, fields_of};

async fn region(app: &TestApp, admin: &str, name: &str, country: &str) -> String {
    let body = json!({"name": name, "countries": [{"code": country}], "tax_mode": "inclusive",
                      "tax_rates": [{"tax_class": "standard", "name": "VAT", "rate_bps": 2000}]});
    let made =
        expect_status(app.post("/v1/admin/regions", Some(admin), body).await, StatusCode::CREATED).await;
    made["id"].as_str().expect("id").to_owned()
}

async fn variants_say_how_they_are_taxed_and_shipped(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let body = json!({"title": "Card and Mug", "variants": [
        {"sku": "MUG", "price": 1200, "weight": 350},
        {"sku": "CARD", "price": 2500, "requires_shipping": false, "tax_class": "exempt"},
    ]});
    let product =
        expect_status(app.post("/v1/admin/products", Some(&admin), body).await, StatusCode::CREATED).await;
    let shipping = |v: &Value| (v["tax_class"].clone(), v["weight"].clone(), v["requires_shipping"].clone());
    assert_eq!(shipping(&product["variants"][0]), (json!("standard"), json!(350), json!(true)));
    assert_eq!(shipping(&product["variants"][1]), (json!("exempt"), json!(0), json!(false)));

    let mug = product["variants"][0]["id"].as_str().expect("id");
    let path = format!("/v1/admin/variants/{mug}");
    let patch = json!({"weight": 400, "tax_class": "reduced", "requires_shipping": false});
    let changed =
        expect_status(app.request(Method::PATCH, &path, Some(&admin), Some(patch)).await, StatusCode::OK)
            .await;
    assert_eq!(shipping(&changed), (json!("reduced"), json!(400), json!(false)));
    // Left out, they stay; a price change keeps them.
    let repriced = app.request(Method::PATCH, &path, Some(&admin), Some(json!({"price": 1300}))).await;
    assert_eq!(
        shipping(&expect_status(repriced, StatusCode::OK).await),
        (json!("reduced"), json!(400), json!(false))
    );

    // A class that does not exist is named where it was sent, and nothing is written.
    let bad = json!({"title": "Book", "variants": [{"sku": "B1", "price": 1}, {"sku": "B2", "price": 1, "tax_class": "books"}]});
    let problem = expect_problem(
        app.post("/v1/admin/products", Some(&admin), bad).await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    assert_eq!(fields_of(&problem), ["variants[1].tax_class"]);
    let books = app.get("/v1/admin/products/book", Some(&admin)).await;
    assert_eq!(books.status(), StatusCode::NOT_FOUND);
    let unknown = app.request(Method::PATCH, &path, Some(&admin), Some(json!({"tax_class": "books"}))).await;
    assert_eq!(
        fields_of(&expect_problem(unknown, StatusCode::BAD_REQUEST, "validation_failed").await),
        ["tax_class"]
    );
    let heavy = app
        .request(Method::PATCH, &path, Some(&admin), Some(json!({"weight": -1, "tax_class": "Not A Code"})))
        .await;
    let problem = expect_problem(heavy, StatusCode::BAD_REQUEST, "validation_failed").await;
    assert_eq!(fields_of(&problem), ["tax_class", "weight"]);
    // Once the class exists, variants can use it.
    expect_status(
        app.post("/v1/admin/tax-classes", Some(&admin), json!({"code": "books", "name": "Books"})).await,
        StatusCode::CREATED,
    )
    .await;
    let added = app
        .post(
            &format!("/v1/admin/products/{}/variants", product["id"].as_str().expect("id")),
            Some(&admin),
            json!({"sku": "BOOK", "price": 900, "tax_class": "books", "weight": 500}),
        )
        .await;
    assert_eq!(
        shipping(&expect_status(added, StatusCode::CREATED).await),
        (json!("books"), json!(500), json!(true))
    );
    // Shoppers see the same facts (a storefront hides the shipping step for gift cards).
    expect_status(
        app.request(
            Method::PATCH,
            &format!("/v1/admin/products/{}", product["id"].as_str().expect("id")),
            Some(&admin),
            Some(json!({"status": "published"})),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let public = expect_status(app.get("/v1/products/card-and-mug", None).await, StatusCode::OK).await;
    assert_eq!(shipping(&public["variants"][1]), (json!("exempt"), json!(0), json!(false)));
}

async fn admins_set_up_shipping_options_per_region(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let uk = region(&app, &admin, "United Kingdom", "GB").await;
    let options = format!("/v1/admin/regions/{uk}/shipping-options");
    let standard = json!({"name": "Standard", "price_type": "flat", "amount": 399,
                          "free_over": {"amount": 5000, "currency": "usd"}, "position": 1});
    let standard = expect_status(app.post(&options, Some(&admin), standard).await, StatusCode::CREATED).await;
    assert!(standard["id"].as_str().is_some_and(|id| id.starts_with("ship_")), "{standard}");
    assert_eq!(standard["region_id"], json!(uk));
    assert_eq!(standard["amount"], json!({"amount": 399, "currency": "usd"}));
    assert_eq!(
        (standard["tiers"].clone(), standard["free_over"]["amount"].clone()),
        (Value::Null, json!(5000))
    );
    assert_eq!(standard["free_over_basis"], "after_discounts", "the default basis is what the shopper pays");
    assert_eq!(
        (standard["tax_class"].as_str(), standard["enabled"].as_bool()),
        (Some("standard"), Some(true))
    );
    let parcel = json!({"name": "Parcel by weight", "price_type": "weight_tiers", "tax_class": "zero",
                        "tiers": [{"up_to": 2000, "amount": 490}, {"up_to": 30000, "amount": 990}]});
    let parcel = expect_status(app.post(&options, Some(&admin), parcel).await, StatusCode::CREATED).await;
    assert_eq!(parcel["amount"], Value::Null);
    assert_eq!(
        parcel["tiers"],
        json!([{"up_to": 2000, "amount": {"amount": 490, "currency": "usd"}},
               {"up_to": 30000, "amount": {"amount": 990, "currency": "usd"}}])
    );
    assert_eq!((parcel["free_over"].clone(), parcel["free_over_basis"].clone()), (Value::Null, Value::Null));

    // Listed in the order shoppers will see them: by position, then name.
    let listed = expect_status(app.get(&options, Some(&admin)).await, StatusCode::OK).await;
    let names: Vec<&str> =
        listed["data"].as_array().expect("data").iter().filter_map(|o| o["name"].as_str()).collect();
    assert_eq!(names, ["Parcel by weight", "Standard"]);
    assert_eq!(listed["next_cursor"], Value::Null);

    // A change keeps what it leaves out; switching to tiers needs tiers, and drops the amount.
    let path = format!("/v1/admin/shipping-options/{}", standard["id"].as_str().expect("id"));
    let cheaper = app.request(Method::PATCH, &path, Some(&admin), Some(json!({"amount": 299}))).await;
    let cheaper = expect_status(cheaper, StatusCode::OK).await;
    assert_eq!(
        (cheaper["amount"]["amount"].clone(), cheaper["free_over"]["amount"].clone()),
        (json!(299), json!(5000))
    );
    let no_tiers =
        app.request(Method::PATCH, &path, Some(&admin), Some(json!({"price_type": "subtotal_tiers"}))).await;
    assert_eq!(
        fields_of(&expect_problem(no_tiers, StatusCode::BAD_REQUEST, "validation_failed").await),
        ["tiers"]
    );
    let tiered = json!({"price_type": "subtotal_tiers", "tiers": [{"up_to": 2500, "amount": 499}, {"amount": 199}],
                        "free_over": null, "enabled": false});
    let tiered =
        expect_status(app.request(Method::PATCH, &path, Some(&admin), Some(tiered)).await, StatusCode::OK)
            .await;
    assert_eq!((tiered["amount"].clone(), tiered["free_over"].clone()), (Value::Null, Value::Null));
    assert_eq!(tiered["tiers"][1], json!({"up_to": null, "amount": {"amount": 199, "currency": "usd"}}));
    assert_eq!(tiered["enabled"], false);
    let read = expect_status(app.get(&path, Some(&admin)).await, StatusCode::OK).await;
    assert_eq!(read, tiered);

    // Names are unique within a region, not across regions.
    let taken =
        app.request(Method::PATCH, &path, Some(&admin), Some(json!({"name": "Parcel by weight"}))).await;
    expect_problem(taken, StatusCode::CONFLICT, "shipping_option_name_taken").await;
    let de = region(&app, &admin, "Germany", "DE").await;
    let elsewhere = json!({"name": "Parcel by weight", "price_type": "flat", "amount": 590});
    let elsewhere =
        app.post(&format!("/v1/admin/regions/{de}/shipping-options"), Some(&admin), elsewhere).await;
    expect_status(elsewhere, StatusCode::CREATED).await;

    // Deleting an option, then its region with the rest.
    expect_status(app.request(Method::DELETE, &path, Some(&admin), None).await, StatusCode::NO_CONTENT).await;
    assert_eq!(app.get(&path, Some(&admin)).await.status(), StatusCode::NOT_FOUND);
    let parcel_path = format!("/v1/admin/shipping-options/{}", parcel["id"].as_str().expect("id"));
    let region_path = format!("/v1/admin/regions/{uk}");
    expect_status(
        app.request(Method::DELETE, &region_path, Some(&admin), None).await,
        StatusCode::NO_CONTENT,
    )
    .await;
    assert_eq!(app.get(&parcel_path, Some(&admin)).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get(&options, Some(&admin)).await.status(), StatusCode::NOT_FOUND);
    let orphan = json!({"name": "Late", "price_type": "flat", "amount": 1});
    assert_eq!(app.post(&options, Some(&admin), orphan).await.status(), StatusCode::NOT_FOUND);
}

async fn shipping_option_bodies_are_checked_field_by_field(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let us = region(&app, &admin, "United States", "US").await;
    let options = format!("/v1/admin/regions/{us}/shipping-options");
    let cases = [
        (json!({}), vec!["name", "price_type"]),
        (json!({"name": "Flat", "price_type": "flat"}), vec!["amount"]),
        (
            json!({"name": "Flat", "price_type": "flat", "amount": -1, "tiers": [{"amount": 1}]}),
            vec!["amount", "tiers"],
        ),
        (json!({"name": "Tiers", "price_type": "weight_tiers", "amount": 5}), vec!["amount", "tiers"]),
        (json!({"name": "Tiers", "price_type": "weight_tiers", "tiers": []}), vec!["tiers"]),
        (
            json!({"name": "Tiers", "price_type": "subtotal_tiers",
                   "tiers": [{"up_to": 500, "amount": 1}, {"up_to": 500, "amount": 1}, {"amount": 1}, {"up_to": 900, "amount": -2}]}),
            vec!["tiers[1].up_to", "tiers[2].up_to", "tiers[3].amount"],
        ),
        (
            json!({"name": " ", "price_type": "flat", "amount": {"amount": 5, "currency": "eur"},
                   "free_over_basis": "before_discounts", "tax_class": "Nope", "position": -1}),
            vec!["name", "amount", "free_over_basis", "tax_class", "position"],
        ),
        (json!({"name": "Flat", "price_type": "flat", "amount": 5, "tax_class": "books"}), vec!["tax_class"]),
    ];
    for (body, fields) in cases {
        let res = app.post(&options, Some(&admin), body.clone()).await;
        let problem = expect_problem(res, StatusCode::BAD_REQUEST, "validation_failed").await;
        assert_eq!(fields_of(&problem), fields, "{body}");
    }
    let unknown = app.post(&options, Some(&admin), json!({"name": "X", "price_type": "by_mood"})).await;
    expect_problem(unknown, StatusCode::BAD_REQUEST, "validation_failed").await;
    let listed = expect_status(app.get(&options, Some(&admin)).await, StatusCode::OK).await;
    assert_eq!(listed["data"], json!([]), "nothing half-written");
    // Shoppers and anonymous callers cannot touch them.
    let anonymous =
        app.post(&options, None, json!({"name": "Flat", "price_type": "flat", "amount": 5})).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let missing = app
        .request(Method::PATCH, "/v1/admin/shipping-options/ship_nope", Some(&admin), Some(json!({})))
        .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

crate::db_tests!(
    variants_say_how_they_are_taxed_and_shipped,
    admins_set_up_shipping_options_per_region,
    shipping_option_bodies_are_checked_field_by_field,
);
