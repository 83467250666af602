//! Carts and orders that add up (issue 21): the shipping address picks the region, the region
//! its options and its tax, and checkout charges exactly what the cart showed.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{
    Engine, TestApp, create_product, expect_problem, expect_status, fields_of, scalar, variant_of,
};

fn money(amount: i64) -> Value {
    json!({"amount": amount, "currency": "usd"})
}

async fn made(app: &TestApp, admin: &str, path: &str, body: Value) -> Value {
    expect_status(app.post(path, Some(admin), body).await, StatusCode::CREATED).await
}

async fn product(app: &TestApp, admin: &str, title: &str, variant: Value) -> String {
    let body = json!({"title": title, "status": "published", "variants": [variant]});
    variant_of(&create_product(app, admin, body).await)
}

async fn cart_of(app: &TestApp, lines: &[(&str, i64)]) -> String {
    let cart = expect_status(app.post("/v1/carts", None, json!({})).await, StatusCode::CREATED).await;
    let id = cart["id"].as_str().expect("id").to_owned();
    for (variant, quantity) in lines {
        let body = json!({"variant_id": variant, "quantity": quantity});
        expect_status(app.post(&format!("/v1/carts/{id}/items"), None, body).await, StatusCode::OK).await;
    }
    id
}

async fn put(app: &TestApp, path: &str, body: Value) -> reqwest::Response {
    app.request(Method::PUT, path, None, Some(body)).await
}

fn checkout_body(country: &str, province: Option<&str>) -> Value {
    json!({
        "email": "ann@example.com",
        "shipping_address": {"name": "Ann Smith", "line1": "1 Main St", "city": "Somewhere",
                             "postal_code": "90001", "country": country, "province": province},
        "payment": {"provider": "test", "payment_method": "pm_card_visa"}
    })
}

fn totals(v: &Value) -> [i64; 5] {
    ["subtotal", "discount_total", "shipping_total", "tax_total", "total"]
        .map(|k| v[k]["amount"].as_i64().expect(k))
}

async fn us_sales_tax_is_added_and_checkout_charges_what_the_cart_showed(engine: Engine) {
    let app = TestApp::spawn_with(engine, |c| c.mail.outbox.poll = Duration::from_millis(20)).await;
    let admin = app.admin_token().await;
    let us = json!({"name": "United States", "countries": [{"code": "US", "provinces": ["CA", "NY"]}], "tax_mode": "exclusive",
        "tax_rates": [{"tax_class": "standard", "province": "CA", "name": "CA sales tax", "rate_bps": 725},
                      {"tax_class": "standard", "province": "NY", "name": "NY state tax", "rate_bps": 400}]});
    let us = made(&app, &admin, "/v1/admin/regions", us).await;
    let region = us["id"].as_str().expect("id");
    let options = format!("/v1/admin/regions/{region}/shipping-options");
    made(&app, &admin, &options, json!({"name": "Ground", "price_type": "flat", "amount": 500})).await;
    let express = json!({"name": "Express", "price_type": "weight_tiers", "position": 1,
                         "tiers": [{"up_to": 1000, "amount": 1500}, {"up_to": 5000, "amount": 2500}]});
    let express = made(&app, &admin, &options, express).await;
    let mug =
        product(&app, &admin, "Mug", json!({"sku": "MUG", "price": 1999, "weight": 400, "stock": 20})).await;
    let card =
        json!({"sku": "CARD", "price": 2500, "stock": 10, "requires_shipping": false, "tax_class": "exempt"});
    let card = product(&app, &admin, "Gift Card", card).await;
    let cart = cart_of(&app, &[(&mug, 2), (&card, 1)]).await;
    let path = format!("/v1/carts/{cart}");

    // Before an address: no region, no tax, no shipping; the total is the subtotal.
    let bare = expect_status(app.get(&path, None).await, StatusCode::OK).await;
    assert_eq!(totals(&bare), [6498, 0, 0, 0, 6498]);
    assert_eq!((bare["tax_status"].as_str(), bare["region"].clone()), (Some("not_applicable"), Value::Null));
    // A US address needs its state here: the shop ships to two states; Texas is not one.
    let stateless = put(&app, &format!("{path}/shipping-address"), json!({"country": "US"})).await;
    assert_eq!(
        fields_of(&expect_problem(stateless, StatusCode::BAD_REQUEST, "validation_failed").await),
        ["province"]
    );
    let abroad = put(&app, &format!("{path}/shipping-address"), json!({"country": "FR"})).await;
    assert_eq!(
        fields_of(&expect_problem(abroad, StatusCode::BAD_REQUEST, "validation_failed").await),
        ["country"]
    );
    let texas =
        put(&app, &format!("{path}/shipping-address"), json!({"country": "US", "province": "TX"})).await;
    assert_eq!(
        fields_of(&expect_problem(texas, StatusCode::BAD_REQUEST, "validation_failed").await),
        ["country"]
    );

    let placed =
        put(&app, &format!("{path}/shipping-address"), json!({"country": "us", "province": "ca"})).await;
    let placed = expect_status(placed, StatusCode::OK).await;
    assert_eq!(placed["shipping_address"]["province"], "CA");
    assert_eq!(
        (placed["region"]["name"].as_str(), placed["region"]["tax_inclusive"].as_bool()),
        (Some("United States"), Some(false))
    );
    // 2 × 19.99 = 39.98, taxed 7.25% = 2.89855, rounded half-up to 2.90; the gift card is exempt
    // and needs no shipping; Ground (the region's first option) is 5.00 plus 0.3625 → 0.36 tax.
    assert_eq!(totals(&placed), [6498, 0, 500, 326, 7324]);
    assert_eq!(placed["tax_status"], "calculated");
    assert_eq!(
        placed["items"][0]["tax_lines"],
        json!([{"name": "CA sales tax", "rate_bps": 725, "amount": money(290)}])
    );
    assert_eq!(
        (placed["items"][0]["total"].clone(), placed["items"][1]["tax_lines"].clone()),
        (money(4288), json!([]))
    );
    let ground = &placed["shipping_option"];
    assert_eq!(
        (ground["name"].as_str(), ground["chosen"].as_bool(), ground["available"].as_bool()),
        (Some("Ground"), Some(false), Some(true))
    );
    assert_eq!((ground["tax"].clone(), ground["total"].clone()), (money(36), money(536)));

    // The options that can take the cart, priced for it: 800 g goes Express for 15.00.
    let listed =
        expect_status(app.get(&format!("{path}/shipping-options"), None).await, StatusCode::OK).await;
    let offered: Vec<(String, i64, bool)> = listed["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|o| {
            (
                o["name"].as_str().expect("name").to_owned(),
                o["amount"]["amount"].as_i64().expect("amount"),
                o["selected"] == true,
            )
        })
        .collect();
    assert_eq!(offered, [("Ground".to_owned(), 500, true), ("Express".to_owned(), 1500, false)]);
    let chosen =
        put(&app, &format!("{path}/shipping-option"), json!({"shipping_option_id": express["id"]})).await;
    let chosen = expect_status(chosen, StatusCode::OK).await;
    assert_eq!(chosen["shipping_option"]["chosen"], true);
    // 15.00 shipping taxed 1.0875 → 1.09: 2.90 + 1.09 = 3.99.
    assert_eq!(totals(&chosen), [6498, 0, 1500, 399, 8397]);

    // 13 mugs weigh 5.2 kg, beyond Express's last tier: shown as unavailable, never swapped.
    let line = chosen["items"][0]["id"].as_str().expect("line");
    let heavy = app
        .request(Method::PATCH, &format!("{path}/items/{line}"), None, Some(json!({"quantity": 13})))
        .await;
    let heavy = expect_status(heavy, StatusCode::OK).await;
    assert_eq!(
        (
            heavy["shipping_option"]["available"].as_bool(),
            heavy["shipping_option"]["unavailable_reason"].as_str()
        ),
        (Some(false), Some("weight_over_limit"))
    );
    assert_eq!(heavy["shipping_option"]["name"], "Express");
    let refused = app.post(&format!("{path}/checkout"), None, checkout_body("US", Some("CA"))).await;
    let refused = expect_problem(refused, StatusCode::CONFLICT, "shipping_option_unavailable").await;
    assert_eq!(
        (refused["reason"].as_str(), refused["shipping_option_id"].clone()),
        (Some("weight_over_limit"), express["id"].clone())
    );
    assert_eq!(scalar(&app.db, "SELECT COUNT(*) FROM orders").await, 0, "nothing was placed");
    let back =
        app.request(Method::PATCH, &format!("{path}/items/{line}"), None, Some(json!({"quantity": 2}))).await;
    expect_status(back, StatusCode::OK).await;

    // Checkout charges the cart's total, and the order keeps how it was priced.
    let order = app.post(&format!("{path}/checkout"), None, checkout_body("US", Some("CA"))).await;
    let order = expect_status(order, StatusCode::CREATED).await;
    assert_eq!(totals(&order), [6498, 0, 1500, 399, 8397]);
    assert_eq!(
        scalar(&app.db, "SELECT amount FROM payments").await,
        8397,
        "the payment is the order's total"
    );
    assert_eq!(
        (order["tax_included"].as_bool(), order["tax_provider"].as_str()),
        (Some(false), Some("table"))
    );
    assert_eq!(
        (order["region"]["name"].as_str(), order["region"]["tax_mode"].as_str()),
        (Some("United States"), Some("exclusive"))
    );
    assert_eq!(order["shipping_option"]["name"], "Express");
    assert_eq!(
        order["shipping_option"]["tax_lines"],
        json!([{"name": "CA sales tax", "rate_bps": 725, "amount": money(109)}])
    );
    assert_eq!(order["shipping_address"]["province"], "CA");
    assert_eq!(order["items"][0]["tax_lines"][0]["amount"], money(290));
    assert_eq!(
        (order["items"][1]["tax_class"].as_str(), order["items"][1]["total"].clone()),
        (Some("exempt"), money(2500))
    );
    let sum: i64 = order["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["total"]["amount"].as_i64().expect("total"))
        .sum();
    assert_eq!(sum + order["shipping_option"]["total"]["amount"].as_i64().expect("total"), 8397);

    // The confirmation shows the same breakdown.
    let mail = crate::helpers::first_mail(&app).await;
    for row in [
        "Subtotal: 64.98 USD",
        "Shipping (Express): 15.00 USD",
        "CA sales tax 7.25%: 3.99 USD",
        "Total: 83.97 USD",
    ] {
        assert!(mail.contains(row), "{row} in {mail}");
    }

    // A later rate change never alters a placed order.
    let patch = json!({"tax_rates": [{"tax_class": "standard", "province": "CA", "name": "CA sales tax", "rate_bps": 1000}]});
    expect_status(
        app.request(Method::PATCH, &format!("/v1/admin/regions/{region}"), Some(&admin), Some(patch)).await,
        StatusCode::OK,
    )
    .await;
    let id = order["id"].as_str().expect("id");
    let again =
        expect_status(app.get(&format!("/v1/admin/orders/{id}"), Some(&admin)).await, StatusCode::OK).await;
    assert_eq!(totals(&again), [6498, 0, 1500, 399, 8397]);
    assert_eq!(again["items"], order["items"]);
}

async fn vat_is_included_and_shipping_is_free_from_the_threshold(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let de = json!({"name": "Germany", "countries": [{"code": "DE"}], "tax_mode": "inclusive",
        "tax_rates": [{"tax_class": "standard", "name": "MwSt.", "rate_bps": 1900},
                      {"tax_class": "reduced", "name": "MwSt. ermäßigt", "rate_bps": 700}]});
    let de = made(&app, &admin, "/v1/admin/regions", de).await;
    let options = format!("/v1/admin/regions/{}/shipping-options", de["id"].as_str().expect("id"));
    made(
        &app,
        &admin,
        &options,
        json!({"name": "DHL", "price_type": "flat", "amount": 490, "free_over": 5000}),
    )
    .await;
    let shirt =
        product(&app, &admin, "Shirt", json!({"sku": "SHIRT", "price": 2380, "weight": 200, "stock": 10}))
            .await;
    let book = product(
        &app,
        &admin,
        "Book",
        json!({"sku": "BOOK", "price": 1070, "weight": 300, "stock": 10, "tax_class": "reduced"}),
    )
    .await;
    let cart = cart_of(&app, &[(&shirt, 1), (&book, 1)]).await;
    let path = format!("/v1/carts/{cart}");
    let placed = expect_status(
        put(&app, &format!("{path}/shipping-address"), json!({"country": "DE"})).await,
        StatusCode::OK,
    )
    .await;
    // The tax is the part of each gross price that is tax: 23.80 holds 3.80, 10.70 holds 0.70,
    // and the 4.90 shipping holds 0.78 (0.7823…). The total is what the shelf prices say.
    assert_eq!(totals(&placed), [3450, 0, 490, 528, 3940]);
    assert_eq!(placed["tax_included"], true);
    assert_eq!(
        placed["items"][1]["tax_lines"],
        json!([{"name": "MwSt. ermäßigt", "rate_bps": 700, "amount": money(70)}])
    );
    assert_eq!(placed["shipping_option"]["tax"], money(78));

    // A second shirt takes the items to 58.30: from 50.00, shipping is free.
    let added = app.post(&format!("{path}/items"), None, json!({"variant_id": shirt, "quantity": 1})).await;
    let free = expect_status(added, StatusCode::OK).await;
    assert_eq!(totals(&free), [5830, 0, 0, 830, 5830]);
    assert_eq!(
        (free["shipping_option"]["name"].as_str(), free["shipping_option"]["amount"].clone()),
        (Some("DHL"), money(0))
    );
    let order = expect_status(
        app.post(&format!("{path}/checkout"), None, checkout_body("DE", None)).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(totals(&order), [5830, 0, 0, 830, 5830]);
    assert_eq!(order["tax_included"], true);
    assert_eq!(
        order["items"][0]["tax_lines"],
        json!([{"name": "MwSt.", "rate_bps": 1900, "amount": money(760)}])
    );
    assert_eq!(scalar(&app.db, "SELECT amount FROM payments").await, 5830);
    // The cart remembers the address it was checked out with.
    let done = expect_status(app.get(&path, None).await, StatusCode::OK).await;
    assert_eq!(done["shipping_address"]["city"], "Somewhere");
}

async fn shipping_choices_are_checked_against_the_cart_as_it_stands(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let mug =
        product(&app, &admin, "Mug", json!({"sku": "MUG", "price": 1000, "weight": 400, "stock": 50})).await;
    let card = product(
        &app,
        &admin,
        "Card",
        json!({"sku": "CARD", "price": 2500, "stock": 5, "requires_shipping": false}),
    )
    .await;
    // A store without regions charges neither tax nor shipping, wherever the address is.
    let cart = cart_of(&app, &[(&mug, 1)]).await;
    let path = format!("/v1/carts/{cart}");
    let anywhere = expect_status(
        put(&app, &format!("{path}/shipping-address"), json!({"country": "JP"})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!((anywhere["region"].clone(), anywhere["shipping_option"].clone()), (Value::Null, Value::Null));
    assert_eq!(totals(&anywhere), [1000, 0, 0, 0, 1000]);
    let unknown =
        put(&app, &format!("{path}/shipping-address"), json!({"country": "JP", "street": "1-1"})).await;
    expect_problem(unknown, StatusCode::BAD_REQUEST, "validation_failed").await;

    let uk = json!({"name": "UK", "countries": [{"code": "GB"}], "tax_mode": "inclusive",
                    "tax_rates": [{"tax_class": "standard", "name": "VAT", "rate_bps": 2000}]});
    let uk = made(&app, &admin, "/v1/admin/regions", uk).await;
    let fr = json!({"name": "France", "countries": [{"code": "FR"}], "tax_mode": "inclusive",
                    "tax_rates": [{"tax_class": "standard", "name": "TVA", "rate_bps": 2000}]});
    let fr = made(&app, &admin, "/v1/admin/regions", fr).await;
    let uk_options = format!("/v1/admin/regions/{}/shipping-options", uk["id"].as_str().expect("id"));
    let fr_options = format!("/v1/admin/regions/{}/shipping-options", fr["id"].as_str().expect("id"));
    let royal = made(&app, &admin, &uk_options, json!({"name": "Royal Mail", "price_type": "weight_tiers", "tiers": [{"up_to": 2000, "amount": 350}]})).await;
    let courier = made(
        &app,
        &admin,
        &uk_options,
        json!({"name": "Courier", "price_type": "flat", "amount": 900, "position": 5}),
    )
    .await;
    let colissimo =
        made(&app, &admin, &fr_options, json!({"name": "Colissimo", "price_type": "flat", "amount": 700}))
            .await;

    // Now Japan is nowhere the shop ships; the cart still shows what it was, checkout refuses.
    let choose = |id: &Value| json!({"shipping_option_id": id});
    let early = put(&app, &format!("{path}/shipping-option"), choose(&royal["id"])).await;
    let refused = app.post(&format!("{path}/checkout"), None, checkout_body("JP", None)).await;
    assert_eq!(
        fields_of(&expect_problem(refused, StatusCode::BAD_REQUEST, "validation_failed").await),
        ["shipping_address.country"]
    );
    assert_eq!(
        fields_of(&expect_problem(early, StatusCode::BAD_REQUEST, "validation_failed").await),
        ["shipping_option_id"]
    );

    expect_status(
        put(&app, &format!("{path}/shipping-address"), json!({"country": "GB"})).await,
        StatusCode::OK,
    )
    .await;
    let elsewhere = put(&app, &format!("{path}/shipping-option"), choose(&colissimo["id"])).await;
    assert_eq!(
        fields_of(&expect_problem(elsewhere, StatusCode::BAD_REQUEST, "validation_failed").await),
        ["shipping_option_id"]
    );
    let chosen = expect_status(
        put(&app, &format!("{path}/shipping-option"), choose(&courier["id"])).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (chosen["shipping_option"]["name"].as_str(), chosen["shipping_total"].clone()),
        (Some("Courier"), money(900))
    );
    // Disabled, the choice shows as such; moved to France, it is another region's.
    let courier_path = format!("/v1/admin/shipping-options/{}", courier["id"].as_str().expect("id"));
    let off = app.request(Method::PATCH, &courier_path, Some(&admin), Some(json!({"enabled": false}))).await;
    expect_status(off, StatusCode::OK).await;
    let read = expect_status(app.get(&path, None).await, StatusCode::OK).await;
    assert_eq!(read["shipping_option"]["unavailable_reason"], "disabled");
    assert_eq!((read["shipping_total"].clone(), read["total"].clone()), (money(0), money(1000)));
    let disabled = put(&app, &format!("{path}/shipping-option"), choose(&courier["id"])).await;
    let disabled = expect_problem(disabled, StatusCode::CONFLICT, "shipping_option_unavailable").await;
    assert_eq!(disabled["reason"], "disabled");
    expect_status(
        put(&app, &format!("{path}/shipping-address"), json!({"country": "FR"})).await,
        StatusCode::OK,
    )
    .await;
    let moved = expect_status(app.get(&path, None).await, StatusCode::OK).await;
    assert_eq!(moved["shipping_option"]["unavailable_reason"], "other_region");
    expect_status(
        app.request(Method::DELETE, &courier_path, Some(&admin), None).await,
        StatusCode::NO_CONTENT,
    )
    .await;
    let gone = expect_status(app.get(&path, None).await, StatusCode::OK).await;
    assert_eq!(
        (gone["shipping_option"]["unavailable_reason"].as_str(), gone["shipping_option"]["name"].clone()),
        (Some("deleted"), Value::Null)
    );
    // Back to the default: France's first option.
    let reset = expect_status(
        put(&app, &format!("{path}/shipping-option"), json!({"shipping_option_id": null})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (reset["shipping_option"]["name"].as_str(), reset["shipping_option"]["chosen"].as_bool()),
        (Some("Colissimo"), Some(false))
    );

    // 6 kg is more than Royal Mail takes, and nothing else is left in the UK.
    let heavy = cart_of(&app, &[(&mug, 15)]).await;
    expect_status(
        put(&app, &format!("/v1/carts/{heavy}/shipping-address"), json!({"country": "GB"})).await,
        StatusCode::OK,
    )
    .await;
    let none = app.post(&format!("/v1/carts/{heavy}/checkout"), None, checkout_body("GB", None)).await;
    expect_problem(none, StatusCode::CONFLICT, "no_shipping_option").await;

    // Nothing to ship: no option, none to choose, and checkout needs none.
    let digital = cart_of(&app, &[(&card, 1)]).await;
    let dpath = format!("/v1/carts/{digital}");
    let set = expect_status(
        put(&app, &format!("{dpath}/shipping-address"), json!({"country": "GB"})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (set["requires_shipping"].as_bool(), set["shipping_option"].clone()),
        (Some(false), Value::Null)
    );
    let listed =
        expect_status(app.get(&format!("{dpath}/shipping-options"), None).await, StatusCode::OK).await;
    assert_eq!(listed["data"], json!([]));
    let pointless = put(&app, &format!("{dpath}/shipping-option"), choose(&royal["id"])).await;
    expect_problem(pointless, StatusCode::BAD_REQUEST, "validation_failed").await;
    let order = expect_status(
        app.post(&format!("{dpath}/checkout"), None, checkout_body("GB", None)).await,
        StatusCode::CREATED,
    )
    .await;
    // 25.00 with 20% VAT included: 4.17 of it is tax.
    assert_eq!(totals(&order), [2500, 0, 0, 417, 2500]);
    assert_eq!(order["shipping_option"], Value::Null);

    // A "rest of the world" region (`*`) takes every country no other region has.
    let world = json!({"name": "Rest of the world", "countries": [{"code": "*"}], "tax_mode": "exclusive"});
    let world = made(&app, &admin, "/v1/admin/regions", world).await;
    assert_eq!(world["countries"], json!([{"code": "*", "provinces": null}]));
    let world_options = format!("/v1/admin/regions/{}/shipping-options", world["id"].as_str().expect("id"));
    made(
        &app,
        &admin,
        &world_options,
        json!({"name": "International", "price_type": "flat", "amount": 1999}),
    )
    .await;
    let far = expect_status(
        put(&app, &format!("{path}/shipping-address"), json!({"country": "JP"})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (far["region"]["name"].as_str(), far["shipping_option"]["name"].as_str()),
        (Some("Rest of the world"), Some("International"))
    );
    let near = expect_status(
        put(&app, &format!("{path}/shipping-address"), json!({"country": "GB"})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(near["region"]["name"], "UK", "a country's own region comes first");
    let twice = json!({"name": "Elsewhere", "countries": [{"code": "*"}], "tax_mode": "exclusive"});
    expect_problem(
        app.post("/v1/admin/regions", Some(&admin), twice).await,
        StatusCode::CONFLICT,
        "territory_taken",
    )
    .await;
}

async fn a_tax_provider_that_cannot_answer_fails_checkout_closed(engine: Engine) {
    let app = TestApp::spawn_with(engine, |c| c.faults.tax_provider_down = true).await;
    let admin = app.admin_token().await;
    let de = json!({"name": "Germany", "countries": [{"code": "DE"}], "tax_mode": "inclusive",
                    "tax_rates": [{"tax_class": "standard", "name": "MwSt.", "rate_bps": 1900}]});
    let de = made(&app, &admin, "/v1/admin/regions", de).await;
    let options = format!("/v1/admin/regions/{}/shipping-options", de["id"].as_str().expect("id"));
    made(&app, &admin, &options, json!({"name": "DHL", "price_type": "flat", "amount": 490})).await;
    let shirt = product(&app, &admin, "Shirt", json!({"sku": "SHIRT", "price": 2380, "stock": 3})).await;
    let cart = cart_of(&app, &[(&shirt, 1)]).await;
    let path = format!("/v1/carts/{cart}");
    let read = expect_status(
        put(&app, &format!("{path}/shipping-address"), json!({"country": "DE"})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!((read["tax_status"].as_str(), read["tax_total"].clone()), (Some("unavailable"), money(0)));
    let res = app.post(&format!("{path}/checkout"), None, checkout_body("DE", None)).await;
    assert_eq!(res.headers().get("retry-after").and_then(|v| v.to_str().ok()), Some("5"));
    expect_problem(res, StatusCode::SERVICE_UNAVAILABLE, "tax_unavailable").await;
    // Nothing was reserved, placed or charged; the cart is still the shopper's.
    assert_eq!(scalar(&app.db, "SELECT COUNT(*) FROM orders").await, 0);
    assert_eq!(scalar(&app.db, "SELECT COUNT(*) FROM payments").await, 0);
    assert_eq!(scalar(&app.db, "SELECT reserved FROM inventory_levels").await, 0);
    let more = app.post(&format!("{path}/items"), None, json!({"variant_id": shirt, "quantity": 1})).await;
    expect_status(more, StatusCode::OK).await;
}

crate::db_tests!(
    us_sales_tax_is_added_and_checkout_charges_what_the_cart_showed,
    vat_is_included_and_shipping_is_free_from_the_threshold,
    shipping_choices_are_checked_against_the_cart_as_it_stands,
    a_tax_provider_that_cannot_answer_fails_checkout_closed,
);
