//! Products: admins create and change them; shoppers see only what is published.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{
    Engine, TestApp, all_pages, create_category, create_product, expect_problem, expect_status, fields_of,
    ids_of, simple_product,
};

async fn admins_create_products_that_shoppers_can_read(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let tees = create_category(&app, &admin, json!({"name": "T-Shirts"})).await;
    let product = create_product(
        &app,
        &admin,
        json!({
            "title": "Classic Tee", "description": "Heavy cotton.\nMade to last.", "status": "published",
            "images": ["https://cdn.example/tee.png", "/media/demo/classic-tee.svg"],
            "category_ids": [tees["id"]],
            "variants": [
                {"sku": "TEE-M", "options": {"size": "M"}, "price": 2500, "stock": 3},
                {"sku": "TEE-XL", "title": "Extra large", "options": {"size": "XL"}, "price": 2700},
            ]
        }),
    )
    .await;
    let id = product["id"].as_str().expect("id");
    assert!(id.starts_with("prod_"));
    assert_eq!(product["handle"], "classic-tee");
    assert_eq!(product["price_range"]["min"], json!({"amount": 2500, "currency": "usd"}));
    assert_eq!(product["variants"][0]["on_hand"], 3, "admins see stock internals");

    for key in [id, "classic-tee"] {
        let seen = expect_status(app.get(&format!("/v1/products/{key}"), None).await, StatusCode::OK).await;
        assert_eq!(seen["id"], id);
        assert_eq!(seen["description"], "Heavy cotton.\nMade to last.");
        assert_eq!(seen["images"][0], "https://cdn.example/tee.png");
        assert_eq!(seen["images"][1], format!("{}/media/demo/classic-tee.svg", app.base), "served by Oxcart");
        assert_eq!(seen["categories"][0]["handle"], "t-shirts");
        assert_eq!(seen["category_ids"], json!([tees["id"]]));
        let v = &seen["variants"];
        assert!(v[0]["id"].as_str().expect("variant id").starts_with("var_"));
        assert_eq!((v[0]["sku"].clone(), v[0]["title"].clone()), (json!("TEE-M"), json!("M")));
        assert_eq!(v[0]["options"], json!({"size": "M"}));
        assert_eq!(v[0]["price"], json!({"amount": 2500, "currency": "usd"}));
        assert_eq!((v[0]["available"].clone(), v[0]["in_stock"].clone()), (json!(3), json!(true)));
        assert_eq!((v[1]["available"].clone(), v[1]["in_stock"].clone()), (json!(0), json!(false)));
        assert_eq!(v[1]["title"], "Extra large");
        assert!(v[0].get("on_hand").is_none(), "shoppers do not see stock internals");
    }
    let list = expect_status(app.get("/v1/products", None).await, StatusCode::OK).await;
    assert_eq!(ids_of(list["data"].as_array().expect("data")), [id]);
}

async fn drafts_and_archived_products_are_hidden_from_shoppers(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let live = simple_product(&app, &admin, "Live Lamp", 1000, 1).await;
    let draft = create_product(
        &app,
        &admin,
        json!({"title": "Draft Lamp", "variants": [{"sku": "DRAFT-1", "price": 1000, "stock": 1}]}),
    )
    .await;
    assert_eq!(draft["status"], "draft", "new products start as drafts");
    let archived = simple_product(&app, &admin, "Old Lamp", 1000, 1).await;
    let path = format!("/v1/admin/products/{}", archived["id"].as_str().expect("id"));
    let res = app.request(Method::DELETE, &path, Some(&admin), None).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let again = app.request(Method::DELETE, &path, Some(&admin), None).await;
    assert_eq!(again.status(), StatusCode::NO_CONTENT, "archiving twice is harmless");

    for hidden in [&draft, &archived] {
        for key in ["id", "handle"] {
            let res = app.get(&format!("/v1/products/{}", hidden[key].as_str().expect("key")), None).await;
            expect_problem(res, StatusCode::NOT_FOUND, "not_found").await;
        }
    }
    for query in ["", "?q=lamp", "?sort=title", "?sort=price_asc", "?min_price=1"] {
        let list = expect_status(app.get(&format!("/v1/products{query}"), None).await, StatusCode::OK).await;
        assert_eq!(
            ids_of(list["data"].as_array().expect("data")),
            [live["id"].as_str().expect("id")],
            "{query}"
        );
    }
    let kept = expect_status(app.get(&path, Some(&admin)).await, StatusCode::OK).await;
    assert_eq!(kept["status"], "archived", "archived, never deleted");
    let all = all_pages(&app, "/v1/admin/products?limit=1", Some(&admin)).await;
    assert_eq!(all.len(), 3);
    let drafts =
        expect_status(app.get("/v1/admin/products?status=draft", Some(&admin)).await, StatusCode::OK).await;
    assert_eq!(drafts["data"][0]["id"], draft["id"]);
    let missing = app.request(Method::DELETE, "/v1/admin/products/prod_nope", Some(&admin), None).await;
    expect_problem(missing, StatusCode::NOT_FOUND, "not_found").await;
}

async fn product_input_is_checked(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let (customer, _) = app.register("shopper@example.com").await;
    let body = json!({"title": "Mug", "variants": [{"sku": "MUG-1", "price": 1200}]});
    expect_problem(
        app.post("/v1/admin/products", None, body.clone()).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    expect_problem(
        app.post("/v1/admin/products", Some(&customer), body.clone()).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    create_product(&app, &admin, body.clone()).await;

    let taken = app.post("/v1/admin/products", Some(&admin), json!({"title": "Mug"})).await;
    expect_problem(taken, StatusCode::CONFLICT, "handle_taken").await;
    let sku = app
        .post(
            "/v1/admin/products",
            Some(&admin),
            json!({"title": "Cup", "variants": [{"sku": "MUG-1", "price": 1}]}),
        )
        .await;
    assert_eq!(fields_of(&expect_problem(sku, StatusCode::CONFLICT, "sku_taken").await), ["variants[0].sku"]);
    // The variants are written in one statement; the error still names the one whose SKU is taken.
    let sku = app
        .post(
            "/v1/admin/products",
            Some(&admin),
            json!({"title": "Cup", "variants": [{"sku": "CUP-1", "price": 1}, {"sku": "MUG-1", "price": 1}]}),
        )
        .await;
    assert_eq!(fields_of(&expect_problem(sku, StatusCode::CONFLICT, "sku_taken").await), ["variants[1].sku"]);
    let cup = app.get("/v1/admin/products/cup", Some(&admin)).await;
    expect_problem(cup, StatusCode::NOT_FOUND, "not_found").await;

    let bad = app
        .post(
            "/v1/admin/products",
            Some(&admin),
            json!({
                "title": "", "handle": "Not A Handle", "images": ["ftp://x"], "category_ids": ["cat_nope"],
                "variants": [
                    {"sku": "A 1", "price": -5, "options": {"size": ""}},
                    {"sku": "DUP", "price": 1}, {"sku": "dup", "price": 1},
                ]
            }),
        )
        .await;
    let fields = fields_of(&expect_problem(bad, StatusCode::BAD_REQUEST, "validation_failed").await);
    for field in [
        "title",
        "handle",
        "images",
        "variants[0].sku",
        "variants[0].options",
        "variants[0].price",
        "variants[2].sku",
    ] {
        assert!(fields.contains(&field.to_owned()), "{field} missing from {fields:?}");
    }
    let unknown_category = app
        .post("/v1/admin/products", Some(&admin), json!({"title": "Bowl", "category_ids": ["cat_nope"]}))
        .await;
    assert_eq!(
        fields_of(&expect_problem(unknown_category, StatusCode::BAD_REQUEST, "validation_failed").await),
        ["category_ids[0]"]
    );
    for (extra, field) in [(json!({"price": 5}), "price"), (json!({"status": "sold"}), "status")] {
        let mut body = json!({"title": "Plate"});
        body.as_object_mut().expect("object").extend(extra.as_object().expect("object").clone());
        let res = app.post("/v1/admin/products", Some(&admin), body).await;
        let problem = expect_problem(res, StatusCode::BAD_REQUEST, "validation_failed").await;
        assert!(fields_of(&problem).iter().any(|f| f.contains(field)), "{problem}");
    }
    let many = json!({"title": "Many", "variants": (0..101).map(|i| json!({"sku": format!("M-{i}"), "price": 1})).collect::<Vec<_>>()});
    let res = app.post("/v1/admin/products", Some(&admin), many).await;
    assert_eq!(
        fields_of(&expect_problem(res, StatusCode::BAD_REQUEST, "validation_failed").await),
        ["variants"]
    );
    let list = expect_status(app.get("/v1/admin/products", Some(&admin)).await, StatusCode::OK).await;
    assert_eq!(list["data"].as_array().expect("data").len(), 1, "nothing half-written");
}

async fn products_and_variants_change(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let product = simple_product(&app, &admin, "Blue Kettle", 3000, 2).await;
    let id = product["id"].as_str().expect("id");
    let path = format!("/v1/admin/products/{id}");
    let patched = app
        .request(
            Method::PATCH,
            &path,
            Some(&admin),
            Some(json!({"title": "Copper Kettle", "handle": "copper-kettle", "description": "Hammered."})),
        )
        .await;
    let patched = expect_status(patched, StatusCode::OK).await;
    assert_eq!(
        (patched["title"].clone(), patched["handle"].clone()),
        (json!("Copper Kettle"), json!("copper-kettle"))
    );
    assert_eq!(patched["status"], "published", "fields not sent are kept");
    assert_eq!(patched["variants"], product["variants"]);
    let found = expect_status(app.get("/v1/products?q=copper", None).await, StatusCode::OK).await;
    assert_eq!(ids_of(found["data"].as_array().expect("data")), [id], "search follows the new title");
    let gone = expect_status(app.get("/v1/products?q=blue", None).await, StatusCode::OK).await;
    assert_eq!(gone["data"], json!([]));
    let with_variants = app.request(Method::PATCH, &path, Some(&admin), Some(json!({"variants": []}))).await;
    expect_problem(with_variants, StatusCode::BAD_REQUEST, "validation_failed").await;

    let added = app
        .post(
            &format!("{path}/variants"),
            Some(&admin),
            json!({"sku": "KETTLE-BIG", "options": {"size": "2 l"}, "price": 4500, "stock": 7}),
        )
        .await;
    let added = expect_status(added, StatusCode::CREATED).await;
    assert_eq!((added["product_id"].as_str(), added["available"].clone()), (Some(id), json!(7)));
    let missing = app
        .post("/v1/admin/products/prod_nope/variants", Some(&admin), json!({"sku": "X", "price": 1}))
        .await;
    expect_problem(missing, StatusCode::NOT_FOUND, "not_found").await;

    let variant_path =
        format!("/v1/admin/variants/{}", product["variants"][0]["id"].as_str().expect("variant"));
    let cheaper = app.request(Method::PATCH, &variant_path, Some(&admin), Some(json!({"price": 1500}))).await;
    assert_eq!(expect_status(cheaper, StatusCode::OK).await["price"]["amount"], 1500);
    let seen = expect_status(app.get(&format!("/v1/products/{id}"), None).await, StatusCode::OK).await;
    assert_eq!(seen["price_range"]["min"]["amount"], 1500);
    assert_eq!(seen["price_range"]["max"]["amount"], 4500);
    assert_eq!(seen["variants"].as_array().expect("variants").len(), 2);
    let stock = app.request(Method::PATCH, &variant_path, Some(&admin), Some(json!({"stock": 100}))).await;
    expect_problem(stock, StatusCode::BAD_REQUEST, "validation_failed").await;
    let taken =
        app.request(Method::PATCH, &variant_path, Some(&admin), Some(json!({"sku": "KETTLE-BIG"}))).await;
    expect_problem(taken, StatusCode::CONFLICT, "sku_taken").await;
    let unknown = app
        .request(Method::PATCH, "/v1/admin/variants/var_nope", Some(&admin), Some(json!({"price": 1})))
        .await;
    expect_problem(unknown, StatusCode::NOT_FOUND, "not_found").await;
}

/// A client that reads a variant and sends its `price` back (a money object) is understood; a
/// money object in another currency is refused on that field, and nothing changes.
async fn prices_are_taken_as_minor_units_or_as_money(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let product = create_product(
        &app,
        &admin,
        json!({"title": "Tin Cup", "status": "published",
               "variants": [{"sku": "CUP-1", "price": {"amount": 1250, "currency": "usd"}}]}),
    )
    .await;
    assert_eq!(product["variants"][0]["price"], json!({"amount": 1250, "currency": "usd"}));
    let variant = &product["variants"][0];
    let path = format!("/v1/admin/variants/{}", variant["id"].as_str().expect("id"));
    let read_back = json!({"sku": variant["sku"], "title": variant["title"], "options": variant["options"],
                           "price": variant["price"]});
    let same = app.request(Method::PATCH, &path, Some(&admin), Some(read_back)).await;
    assert_eq!(expect_status(same, StatusCode::OK).await["price"]["amount"], 1250);
    let dearer = json!({"price": {"amount": 1400, "currency": "usd"}});
    let dearer = app.request(Method::PATCH, &path, Some(&admin), Some(dearer)).await;
    assert_eq!(expect_status(dearer, StatusCode::OK).await["price"]["amount"], 1400);

    for (price, field) in [
        (json!({"amount": 900, "currency": "eur"}), "price"),
        (json!({"amount": -1, "currency": "usd"}), "price"),
        (json!(12.5), "price"),
        (json!({"amount": 900}), "price.currency"),
        (json!({"amount": 900, "currency": "usd", "tax": 1}), "price.tax"),
    ] {
        let res = app.request(Method::PATCH, &path, Some(&admin), Some(json!({"price": price}))).await;
        let problem = expect_problem(res, StatusCode::BAD_REQUEST, "validation_failed").await;
        assert_eq!(fields_of(&problem), [field], "{price}: {problem}");
    }
    let euro = json!({"title": "Euro Cup", "variants": [{"sku": "CUP-EU", "price": {"amount": 1, "currency": "eur"}}]});
    let res = app.post("/v1/admin/products", Some(&admin), euro).await;
    let problem = expect_problem(res, StatusCode::BAD_REQUEST, "validation_failed").await;
    assert_eq!(fields_of(&problem), ["variants[0].price"]);
    let seen = expect_status(app.get("/v1/products/tin-cup", None).await, StatusCode::OK).await;
    assert_eq!(seen["variants"][0]["price"]["amount"], 1400, "refused changes changed nothing");
}

crate::db_tests!(
    prices_are_taken_as_minor_units_or_as_money,
    admins_create_products_that_shoppers_can_read,
    drafts_and_archived_products_are_hidden_from_shoppers,
    product_input_is_checked,
    products_and_variants_change,
);
