//! Browsing the catalog: search, filters, sorts and pagination.

use std::collections::HashSet;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{
    Engine, TestApp, all_pages, create_product, expect_problem, expect_status, fields_of, ids_of,
    simple_product,
};

fn titles(items: &[Value]) -> Vec<String> {
    items.iter().map(|i| i["title"].as_str().expect("title").to_owned()).collect()
}

async fn every_sort_orders_and_pages_the_whole_catalog(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    // Equal prices and mixed case make sure ties and case are ordered the same on both engines.
    for (title, price) in [
        ("banana Bowl", 1500),
        ("Apple Tray", 900),
        ("cherry Cup", 1500),
        ("Date Dish", 3000),
        ("Elder Ewer", 100),
    ] {
        simple_product(&app, &admin, title, price, 1).await;
    }
    let no_variants =
        create_product(&app, &admin, json!({"title": "Fig Frame", "status": "published"})).await;

    let newest = all_pages(&app, "/v1/products?limit=2", None).await;
    assert_eq!(
        titles(&newest),
        ["Fig Frame", "Elder Ewer", "Date Dish", "cherry Cup", "Apple Tray", "banana Bowl"]
    );
    let by_title = all_pages(&app, "/v1/products?sort=title&limit=2", None).await;
    assert_eq!(
        titles(&by_title),
        ["Apple Tray", "banana Bowl", "cherry Cup", "Date Dish", "Elder Ewer", "Fig Frame"]
    );
    let cheap_first = all_pages(&app, "/v1/products?sort=price_asc&limit=2", None).await;
    let prices: Vec<Value> = cheap_first.iter().map(|p| p["price_range"]["min"]["amount"].clone()).collect();
    assert_eq!(prices, [json!(100), json!(900), json!(1500), json!(1500), json!(3000), Value::Null]);
    assert_eq!(cheap_first[5]["id"], no_variants["id"], "unpriced products come last");
    let dear_first = all_pages(&app, "/v1/products?sort=price_desc&limit=4", None).await;
    assert_eq!(
        titles(&dear_first)[..2],
        ["Date Dish".to_owned(), cheap_first[3]["title"].as_str().expect("t").to_owned()]
    );
    assert_eq!(titles(&dear_first)[5], "Fig Frame");
    for (name, list) in
        [("newest", &newest), ("title", &by_title), ("price_asc", &cheap_first), ("price_desc", &dear_first)]
    {
        let unique: HashSet<String> = ids_of(list).into_iter().collect();
        assert_eq!(unique.len(), 6, "{name}: every product exactly once");
    }
}

async fn pagination_stays_complete_while_products_are_added(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let mut before = Vec::new();
    for i in 0..24 {
        let p = simple_product(&app, &admin, &format!("Widget {i:02}"), 100 + (i % 5) * 100, 1).await;
        before.push(p["id"].as_str().expect("id").to_owned());
    }
    for sort in ["newest", "title", "price_asc", "price_desc"] {
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        let mut added = 0;
        loop {
            let path = match &cursor {
                Some(c) => format!("/v1/products?sort={sort}&limit=5&cursor={c}"),
                None => format!("/v1/products?sort={sort}&limit=5"),
            };
            // Each page request races against new products landing anywhere in the order.
            let (page, _) = tokio::join!(app.get(&path, None), async {
                for _ in 0..2 {
                    added += 1;
                    let title = format!("Widget {sort} {added:02}");
                    simple_product(&app, &admin, &title, 50 + added * 60, 1).await;
                }
            });
            let page = expect_status(page, StatusCode::OK).await;
            seen.extend(ids_of(page["data"].as_array().expect("data")));
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
        }
        let unique: HashSet<&String> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "{sort}: a product appeared twice");
        for id in &before {
            assert!(unique.contains(id), "{sort}: {id}, there from the start, was skipped");
        }
    }
}

async fn filters_narrow_the_list(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let post = |body| app.post("/v1/admin/categories", Some(&admin), body);
    let home = expect_status(post(json!({"name": "Home"})).await, StatusCode::CREATED).await;
    let kitchen =
        expect_status(post(json!({"name": "Kitchen", "parent_id": home["id"]})).await, StatusCode::CREATED)
            .await;
    let garden = expect_status(post(json!({"name": "Garden"})).await, StatusCode::CREATED).await;
    let product = |title: &str, category: &Value, prices: &[i64]| {
        let variants: Vec<Value> = prices
            .iter()
            .enumerate()
            .map(|(i, p)| json!({"sku": format!("{title}-{i}").replace(' ', "-"), "price": p, "stock": 1}))
            .collect();
        json!({"title": title, "status": "published", "category_ids": [category["id"]], "variants": variants})
    };
    let pan = create_product(&app, &admin, product("Iron Pan", &kitchen, &[4000])).await;
    let rug = create_product(&app, &admin, product("Wool Rug", &home, &[9000, 15000])).await;
    let hose = create_product(&app, &admin, product("Garden Hose", &garden, &[2500])).await;
    let id = |p: &Value| p["id"].as_str().expect("id").to_owned();
    let cases = [
        (format!("category={}", home["id"].as_str().expect("id")), vec![id(&rug), id(&pan)]),
        ("category=home".to_owned(), vec![id(&rug), id(&pan)]),
        ("category=kitchen".to_owned(), vec![id(&pan)]),
        ("min_price=3000".to_owned(), vec![id(&rug), id(&pan)]),
        ("max_price=4000".to_owned(), vec![id(&hose), id(&pan)]),
        ("min_price=10000&max_price=20000".to_owned(), vec![id(&rug)]),
        ("min_price=4000&max_price=4000".to_owned(), vec![id(&pan)]),
        ("category=home&max_price=5000".to_owned(), vec![id(&pan)]),
        // With a price sort the range also bounds the sort's index; a product is in by any variant,
        // so the rug (9,000 and 15,000) is in from 10,000 up though its lowest price is not.
        ("max_price=9500&sort=price_desc".to_owned(), vec![id(&rug), id(&pan), id(&hose)]),
        ("min_price=10000&sort=price_asc".to_owned(), vec![id(&rug)]),
        ("max_price=4000&sort=price_asc".to_owned(), vec![id(&hose), id(&pan)]),
        ("min_price=3000&max_price=9000&sort=price_desc".to_owned(), vec![id(&rug), id(&pan)]),
        ("q=wool&category=garden".to_owned(), vec![]),
    ];
    for (query, expected) in cases {
        let list = expect_status(app.get(&format!("/v1/products?{query}"), None).await, StatusCode::OK).await;
        assert_eq!(ids_of(list["data"].as_array().expect("data")), expected, "{query}");
    }
    // A category nobody has is a mistake, not an empty shelf.
    let res = app.get("/v1/products?category=nowhere", None).await;
    let problem = crate::helpers::expect_problem(res, StatusCode::BAD_REQUEST, "validation_failed").await;
    assert_eq!(crate::helpers::fields_of(&problem), ["category"]);
}

async fn search_is_ranked_full_text(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let in_title = simple_product(&app, &admin, "Brass Lantern", 4000, 1).await;
    let in_text = create_product(
        &app,
        &admin,
        json!({"title": "Camping Hook", "status": "published",
               "description": "Hangs a lantern from any branch. Our lanterns love it.",
               "variants": [{"sku": "HOOK", "price": 800}]}),
    )
    .await;
    let newer_in_title = simple_product(&app, &admin, "Paper Lanterns", 1200, 1).await;
    simple_product(&app, &admin, "Garden Chair", 9000, 1).await;
    let id = |p: &Value| p["id"].as_str().expect("id").to_owned();

    let ranked = vec![id(&newer_in_title), id(&in_title), id(&in_text)];
    for q in ["lantern", "LANTERNS", "lant", "  lantern!  "] {
        let list = expect_status(app.get(&format!("/v1/products?q={q}"), None).await, StatusCode::OK).await;
        assert_eq!(ids_of(list["data"].as_array().expect("data")), ranked, "q={q}: title matches first");
    }
    let paged = all_pages(&app, "/v1/products?q=lantern&limit=1", None).await;
    assert_eq!(ids_of(&paged), ranked, "relevance pages in the same order");
    let both = expect_status(app.get("/v1/products?q=brass%20lantern", None).await, StatusCode::OK).await;
    assert_eq!(ids_of(both["data"].as_array().expect("data")), [id(&in_title)], "every word must match");
    let by_price =
        expect_status(app.get("/v1/products?q=lantern&sort=price_asc", None).await, StatusCode::OK).await;
    assert_eq!(
        ids_of(by_price["data"].as_array().expect("data")),
        [id(&in_text), id(&newer_in_title), id(&in_title)]
    );
    for hostile in
        ["%27%3B%20DROP%20TABLE%20products%3B%20--", "%22*%20OR%20NEAR(", "%25", "%3A*%26%7C!", "the"]
    {
        let list =
            expect_status(app.get(&format!("/v1/products?q={hostile}"), None).await, StatusCode::OK).await;
        assert_eq!(list["data"], json!([]), "q={hostile}");
    }
    let all = expect_status(app.get("/v1/products?limit=100", None).await, StatusCode::OK).await;
    assert_eq!(all["data"].as_array().expect("data").len(), 4, "the products table survived");
}

async fn list_parameters_are_checked(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    for i in 0..3 {
        simple_product(&app, &admin, &format!("Thing {i}"), 100, 1).await;
    }
    let page = expect_status(app.get("/v1/products?limit=1&sort=title", None).await, StatusCode::OK).await;
    let title_cursor = page["next_cursor"].as_str().expect("cursor").to_owned();
    let cases = [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("sort=cheapest", "sort"),
        ("min_price=-1", "min_price"),
        ("min_price=500&max_price=100", "max_price"),
        ("max_price=abc", "max_price"),
        ("cursor=garbage", "cursor"),
        ("status=draft", "status"),
    ];
    for (query, field) in cases {
        let res = app.get(&format!("/v1/products?{query}"), None).await;
        let problem = expect_problem(res, StatusCode::BAD_REQUEST, "validation_failed").await;
        assert_eq!(fields_of(&problem), [field], "{query}");
    }
    let res = app.get(&format!("/v1/products?sort=price_asc&cursor={title_cursor}"), None).await;
    assert_eq!(
        fields_of(&expect_problem(res, StatusCode::BAD_REQUEST, "validation_failed").await),
        ["cursor"]
    );
    let long = "x".repeat(201);
    let res = app.get(&format!("/v1/products?q={long}"), None).await;
    assert_eq!(fields_of(&expect_problem(res, StatusCode::BAD_REQUEST, "validation_failed").await), ["q"]);
}

/// The same words find the same products on every engine, whatever each engine's index makes
/// of them: plurals (stemmed), words of one or two letters (MySQL's FULLTEXT index leaves them
/// out), words some engines list as stopwords, accents, and any mix of those.
async fn search_words_find_the_same_products_everywhere(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let lamp = simple_product(&app, &admin, "Lamp XL", 5000, 1).await;
    let shade = create_product(
        &app,
        &admin,
        json!({"title": "Linen Shade", "status": "published",
               "description": "Fits a lamp up to 3 m tall; about café height.",
               "variants": [{"sku": "SHADE", "price": 900}]}),
    )
    .await;
    let id = |p: &Value| p["id"].as_str().expect("id").to_owned();
    let cases: [(&str, Vec<String>); 9] = [
        ("lamps", vec![id(&lamp), id(&shade)]),
        ("xl", vec![id(&lamp)]),
        ("XL%20lamp", vec![id(&lamp)]),
        ("lamp%20m", vec![id(&shade)]),
        ("3", vec![id(&shade)]),
        ("caf%C3%A9", vec![id(&shade)]),
        ("height%20lamp", vec![id(&shade)]),
        ("x", vec![id(&lamp)]),
        ("xxl", vec![]),
    ];
    for (q, expected) in cases {
        let list = expect_status(app.get(&format!("/v1/products?q={q}"), None).await, StatusCode::OK).await;
        assert_eq!(ids_of(list["data"].as_array().expect("data")), expected, "q={q}");
    }
}

/// A page of search results first looks through the newest products only (a bounded walk that
/// a common word fills at once) and sorts every match when that falls short. Both ways must give
/// the same pages, with matches on either side of that window.
async fn search_reaches_past_the_newest_products(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let id = |p: &Value| p["id"].as_str().expect("id").to_owned();
    let old_in_title = simple_product(&app, &admin, "Old Lantern", 500, 1).await;
    let old_in_text = create_product(
        &app,
        &admin,
        json!({"title": "Camping Hook", "status": "published", "description": "Holds a lantern.",
               "variants": [{"sku": "HOOK", "price": 800}]}),
    )
    .await;
    // More than the window of a one-item page (fifty times the rows it asks for).
    let mut widgets = Vec::new();
    for i in 0..110 {
        widgets.push(id(&simple_product(&app, &admin, &format!("Widget {i}"), 100, 1).await));
    }
    let new_in_title = simple_product(&app, &admin, "New Lantern", 500, 1).await;

    let paged = all_pages(&app, "/v1/products?q=lantern&limit=1", None).await;
    assert_eq!(ids_of(&paged), [id(&new_in_title), id(&old_in_title), id(&old_in_text)]);
    let paged = all_pages(&app, "/v1/products?q=widget&limit=1", None).await;
    widgets.reverse();
    assert_eq!(ids_of(&paged), widgets, "newest first, each widget once");
}

crate::db_tests!(
    every_sort_orders_and_pages_the_whole_catalog,
    pagination_stays_complete_while_products_are_added,
    filters_narrow_the_list,
    search_is_ranked_full_text,
    search_reaches_past_the_newest_products,
    search_words_find_the_same_products_everywhere,
    list_parameters_are_checked,
);
