//! Regions and tax classes (issue 21): where the shop ships, and the tax rates there.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Engine, TestApp, expect_problem, expect_status, fields_of};

fn eu() -> Value {
    json!({
        "name": "European Union",
        "countries": [{"code": "de"}, {"code": "FR"}],
        "tax_mode": "inclusive",
        "tax_rates": [
            {"tax_class": "standard", "name": "VAT", "rate_bps": 1900},
            {"tax_class": "reduced", "name": "VAT reduced", "rate_bps": 700},
        ],
    })
}

fn us() -> Value {
    json!({
        "name": "United States",
        "countries": [{"code": "US", "provinces": ["CA", "ny"]}],
        "tax_mode": "exclusive",
        "tax_rounding": "per_total",
        "tax_rates": [
            {"tax_class": "standard", "province": "CA", "name": "CA state tax", "rate_bps": 725},
            {"tax_class": "standard", "province": "NY", "name": "NY state tax", "rate_bps": 400},
            {"tax_class": "standard", "province": "NY", "name": "NYC tax", "rate_bps": 450},
        ],
    })
}

async fn an_admin_sets_up_regions_and_shoppers_see_where_the_shop_ships(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let eu =
        expect_status(app.post("/v1/admin/regions", Some(&admin), eu()).await, StatusCode::CREATED).await;
    assert!(eu["id"].as_str().is_some_and(|id| id.starts_with("reg_")), "{eu}");
    assert_eq!(
        eu["countries"],
        json!([{"code": "DE", "provinces": null}, {"code": "FR", "provinces": null}])
    );
    assert_eq!((eu["tax_mode"].as_str(), eu["tax_inclusive"].as_bool()), (Some("inclusive"), Some(true)));
    assert_eq!((eu["tax_rounding"].as_str(), eu["rounding"].as_str()), (Some("per_line"), Some("half_up")));
    assert_eq!((eu["currency"].as_str(), eu["tax_provider"].as_str()), (Some("usd"), Some("table")));
    assert_eq!(
        eu["tax_rates"][1],
        json!({"tax_class": "reduced", "province": null, "name": "VAT reduced", "rate_bps": 700})
    );
    let us =
        expect_status(app.post("/v1/admin/regions", Some(&admin), us()).await, StatusCode::CREATED).await;
    assert_eq!(us["countries"], json!([{"code": "US", "provinces": ["CA", "NY"]}]));
    assert_eq!(us["tax_rates"].as_array().map(Vec::len), Some(3));

    let id = eu["id"].as_str().expect("id");
    let read =
        expect_status(app.get(&format!("/v1/admin/regions/{id}"), Some(&admin)).await, StatusCode::OK).await;
    assert_eq!(read, eu);
    // Page by page, each region once (two made in the same millisecond may come either way).
    let listed =
        expect_status(app.get("/v1/admin/regions?limit=1", Some(&admin)).await, StatusCode::OK).await;
    let cursor = listed["next_cursor"].as_str().expect("a second page");
    let rest = expect_status(
        app.get(&format!("/v1/admin/regions?cursor={cursor}"), Some(&admin)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(rest["next_cursor"], Value::Null);
    let mut seen = vec![listed["data"][0]["id"].clone(), rest["data"][0]["id"].clone()];
    seen.sort_by_key(ToString::to_string);
    let mut made = vec![eu["id"].clone(), us["id"].clone()];
    made.sort_by_key(ToString::to_string);
    assert_eq!(seen, made);

    // Shoppers see where the shop ships and whether prices include tax, not the rates' table.
    let public = expect_status(app.get("/v1/regions", None).await, StatusCode::OK).await;
    let shown = public["data"]
        .as_array()
        .expect("data")
        .iter()
        .find(|r| r["id"] == eu["id"])
        .expect("the EU")
        .clone();
    assert_eq!(
        shown,
        json!({"id": eu["id"], "name": "European Union", "currency": "usd",
        "countries": eu["countries"], "tax_inclusive": true})
    );

    // A change replaces the lists it names and keeps the rest.
    let patch = json!({"name": "EU", "countries": [{"code": "DE"}, {"code": "AT"}], "rounding": "half_even"});
    let changed = expect_status(
        app.request(Method::PATCH, &format!("/v1/admin/regions/{id}"), Some(&admin), Some(patch)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(changed["name"], "EU");
    assert_eq!(
        changed["countries"],
        json!([{"code": "AT", "provinces": null}, {"code": "DE", "provinces": null}])
    );
    assert_eq!(
        (changed["rounding"].as_str(), changed["tax_rates"].clone()),
        (Some("half_even"), eu["tax_rates"].clone())
    );
    // France left the region: another may have it now.
    let fr = json!({"name": "France", "countries": [{"code": "FR"}], "tax_mode": "inclusive"});
    expect_status(app.post("/v1/admin/regions", Some(&admin), fr).await, StatusCode::CREATED).await;

    let delete = app.request(Method::DELETE, &format!("/v1/admin/regions/{id}"), Some(&admin), None).await;
    expect_status(delete, StatusCode::NO_CONTENT).await;
    expect_problem(
        app.get(&format!("/v1/admin/regions/{id}"), Some(&admin)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let again = app.request(Method::DELETE, &format!("/v1/admin/regions/{id}"), Some(&admin), None).await;
    expect_problem(again, StatusCode::NOT_FOUND, "not_found").await;
}

async fn a_country_or_province_is_in_one_region_at_most(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    expect_status(app.post("/v1/admin/regions", Some(&admin), eu()).await, StatusCode::CREATED).await;
    let germany = json!({"name": "Germany", "countries": [{"code": "DE"}], "tax_mode": "inclusive"});
    let taken = expect_problem(
        app.post("/v1/admin/regions", Some(&admin), germany).await,
        StatusCode::CONFLICT,
        "territory_taken",
    )
    .await;
    assert!(
        taken["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("DE") && m.contains("European Union")),
        "{taken}"
    );
    let same_name = json!({"name": "European Union", "countries": [{"code": "IT"}], "tax_mode": "inclusive"});
    expect_problem(
        app.post("/v1/admin/regions", Some(&admin), same_name).await,
        StatusCode::CONFLICT,
        "region_name_taken",
    )
    .await;

    // Provinces of one country can be in different regions, but not the same province twice.
    let west =
        json!({"name": "West", "countries": [{"code": "US", "provinces": ["CA"]}], "tax_mode": "exclusive"});
    expect_status(app.post("/v1/admin/regions", Some(&admin), west).await, StatusCode::CREATED).await;
    let east =
        json!({"name": "East", "countries": [{"code": "US", "provinces": ["NY"]}], "tax_mode": "exclusive"});
    expect_status(app.post("/v1/admin/regions", Some(&admin), east).await, StatusCode::CREATED).await;
    let again =
        json!({"name": "Again", "countries": [{"code": "US", "provinces": ["ca"]}], "tax_mode": "exclusive"});
    expect_problem(
        app.post("/v1/admin/regions", Some(&admin), again).await,
        StatusCode::CONFLICT,
        "territory_taken",
    )
    .await;

    // Two admins creating regions with the same country at once: one wins, the other is told.
    let body = |name: &str| json!({"name": name, "countries": [{"code": "JP"}], "tax_mode": "inclusive"});
    let (a, b) = tokio::join!(
        app.post("/v1/admin/regions", Some(&admin), body("Japan A")),
        app.post("/v1/admin/regions", Some(&admin), body("Japan B")),
    );
    let mut statuses = [a.status(), b.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::CREATED, StatusCode::CONFLICT]);
    let public = expect_status(app.get("/v1/regions?limit=100", None).await, StatusCode::OK).await;
    let japan =
        public["data"].as_array().expect("data").iter().filter(|r| r["countries"][0]["code"] == "JP").count();
    assert_eq!(japan, 1);
}

async fn region_bodies_are_checked_field_by_field(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let refused = |body: Value, fields: &'static [&'static str]| {
        let app = &app;
        let admin = &admin;
        async move {
            let res = app.post("/v1/admin/regions", Some(admin), body.clone()).await;
            let problem = expect_problem(res, StatusCode::BAD_REQUEST, "validation_failed").await;
            assert_eq!(fields_of(&problem), fields, "{body}: {problem}");
        }
    };
    refused(json!({}), &["name", "countries", "tax_mode"]).await;
    refused(
        json!({"name": "UK", "countries": [{"code": "UK"}], "tax_mode": "inclusive"}),
        &["countries[0].code"],
    )
    .await;
    refused(
        json!({"name": "X", "countries": [{"code": "US", "provinces": []}], "tax_mode": "exclusive"}),
        &["countries[0].provinces"],
    )
    .await;
    refused(
        json!({"name": "X", "countries": [{"code": "US"}, {"code": "us"}], "tax_mode": "exclusive"}),
        &["countries[1].code"],
    )
    .await;
    refused(json!({"name": "X", "countries": [{"code": "US"}, {"code": "US", "provinces": ["CA"]}], "tax_mode": "exclusive"}), &["countries"]).await;
    let rate = |class: &str, province: Option<&str>, bps: i64| json!({"tax_class": class, "province": province, "name": format!("{class} {bps}"), "rate_bps": bps});
    let with_rates = |rates: Vec<Value>| json!({"name": "X", "countries": [{"code": "US", "provinces": ["CA"]}], "tax_mode": "exclusive", "tax_rates": rates});
    refused(with_rates(vec![rate("standard", None, 10_001)]), &["tax_rates[0].rate_bps"]).await;
    refused(with_rates(vec![rate("standard", None, -1)]), &["tax_rates[0].rate_bps"]).await;
    refused(
        with_rates(vec![rate("standard", None, 6_000), rate("standard", Some("CA"), 5_000)]),
        &["tax_rates"],
    )
    .await;
    refused(with_rates(vec![rate("standard", Some("NY"), 400)]), &["tax_rates[0].province"]).await;
    refused(with_rates(vec![rate("exempt", None, 100)]), &["tax_rates[0].rate_bps"]).await;
    refused(with_rates(vec![rate("Standard!", None, 100)]), &["tax_rates[0].tax_class"]).await;
    refused(with_rates(vec![rate("luxury", None, 100)]), &["tax_rates[0].tax_class"]).await;
    refused(json!({"name": "X", "countries": [{"code": "US"}], "tax_mode": "gross"}), &["tax_mode"]).await;
    // Nothing of a refused region was kept.
    let listed = expect_status(app.get("/v1/admin/regions", Some(&admin)).await, StatusCode::OK).await;
    assert_eq!(listed["data"], json!([]));
    let customer = app.register("shopper@example.com").await.0;
    expect_problem(
        app.post("/v1/admin/regions", Some(&customer), eu()).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    expect_problem(app.get("/v1/admin/regions", None).await, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

async fn admins_add_tax_classes_for_rates_of_their_own(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let classes = expect_status(app.get("/v1/admin/tax-classes", Some(&admin)).await, StatusCode::OK).await;
    let codes: Vec<&str> =
        classes["data"].as_array().expect("data").iter().filter_map(|c| c["code"].as_str()).collect();
    for built_in in ["standard", "reduced", "zero", "exempt"] {
        assert!(codes.contains(&built_in), "{codes:?}");
    }
    let books = json!({"code": "books", "name": "Books"});
    let made = expect_status(
        app.post("/v1/admin/tax-classes", Some(&admin), books.clone()).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(made, books);
    expect_problem(
        app.post("/v1/admin/tax-classes", Some(&admin), books).await,
        StatusCode::CONFLICT,
        "tax_class_taken",
    )
    .await;
    let bad =
        app.post("/v1/admin/tax-classes", Some(&admin), json!({"code": "Books Class", "name": ""})).await;
    let problem = expect_problem(bad, StatusCode::BAD_REQUEST, "validation_failed").await;
    assert_eq!(fields_of(&problem), ["code", "name"]);
    let uk = json!({"name": "United Kingdom", "countries": [{"code": "GB"}], "tax_mode": "inclusive",
                    "tax_rates": [{"tax_class": "standard", "name": "VAT", "rate_bps": 2000},
                                  {"tax_class": "books", "name": "VAT", "rate_bps": 0}]});
    let uk = expect_status(app.post("/v1/admin/regions", Some(&admin), uk).await, StatusCode::CREATED).await;
    assert_eq!(uk["tax_rates"][1]["tax_class"], "books");
}

crate::db_tests!(
    an_admin_sets_up_regions_and_shoppers_see_where_the_shop_ships,
    a_country_or_province_is_in_one_region_at_most,
    region_bodies_are_checked_field_by_field,
    admins_add_tax_classes_for_rates_of_their_own,
);
