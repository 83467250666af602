//! Partial fulfilment (issue 21): an order ships in parts, each shipment tracked and emailed
//! once, cancelled until delivered, and no line ever ships more units than were ordered, even
//! when admins on two server processes ship at once.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{
    Engine, ServerProcess, TestApp, TestDatabase, expect_problem, expect_status, fields_of, scalar,
    serve_process, simple_product, variant_of,
};

fn checkout_body() -> Value {
    json!({"email": "ann@example.com",
           "shipping_address": {"name": "Ann", "line1": "1 Main St", "city": "Leeds", "postal_code": "LS1", "country": "GB"},
           "payment": {"provider": "test", "payment_method": "pm_card_visa"}})
}

/// A paid order of these (variant, quantity) lines, placed through `base`.
pub(crate) async fn paid_order(client: &reqwest::Client, base: &str, lines: &[(&str, i64)]) -> Value {
    let cart = client.post(format!("{base}/v1/carts")).send().await.expect("cart");
    let cart = expect_status(cart, StatusCode::CREATED).await["id"].as_str().expect("id").to_owned();
    for (variant, quantity) in lines {
        let add = client
            .post(format!("{base}/v1/carts/{cart}/items"))
            .json(&json!({"variant_id": variant, "quantity": quantity}))
            .send()
            .await
            .expect("add");
        expect_status(add, StatusCode::OK).await;
    }
    let order = client.post(format!("{base}/v1/carts/{cart}/checkout")).json(&checkout_body()).send().await;
    expect_status(order.expect("checkout"), StatusCode::CREATED).await
}

fn shipped(order: &Value) -> Vec<i64> {
    order["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["fulfilled_quantity"].as_i64().expect("n"))
        .collect()
}

async fn an_order_ships_in_parts_each_tracked_and_emailed_once(engine: Engine) {
    let app = TestApp::spawn_with(engine, |c| c.mail.outbox.poll = Duration::from_millis(20)).await;
    let admin = app.admin_token().await;
    let mug = variant_of(&simple_product(&app, &admin, "Mug", 1200, 10).await);
    let tee = variant_of(&simple_product(&app, &admin, "Tee", 2500, 10).await);
    let order = paid_order(&app.client, &app.base, &[(&mug, 3), (&tee, 1)]).await;
    let id = order["id"].as_str().expect("id");
    let (mug_line, tee_line) = (order["items"][0]["id"].clone(), order["items"][1]["id"].clone());
    let shipments = format!("/v1/admin/orders/{id}/shipments");

    let first = json!({"items": [{"order_item_id": mug_line, "quantity": 2}], "carrier": "DHL",
                       "tracking_number": "JD0001", "tracking_url": "https://track.example/JD0001"});
    let after_first =
        expect_status(app.post(&shipments, Some(&admin), first).await, StatusCode::CREATED).await;
    assert_eq!(after_first["status"], "partially_fulfilled");
    assert_eq!(shipped(&after_first), [2, 0]);
    let shipment = &after_first["shipments"][0];
    assert_eq!((shipment["status"].as_str(), shipment["carrier"].as_str()), (Some("shipped"), Some("DHL")));
    assert_eq!(shipment["items"], json!([{"order_item_id": mug_line, "quantity": 2}]));
    assert_eq!(after_first["tracking_number"], "JD0001");

    // More than is left of a line: refused whole, naming the line and what is left.
    let too_many = json!({"items": [{"order_item_id": tee_line, "quantity": 1}, {"order_item_id": mug_line, "quantity": 2}]});
    let refused = expect_problem(
        app.post(&shipments, Some(&admin), too_many).await,
        StatusCode::CONFLICT,
        "fulfillment_exceeds_order",
    )
    .await;
    assert_eq!(fields_of(&refused), ["items[1].quantity"]);
    assert!(refused["errors"][0]["message"].as_str().is_some_and(|m| m.contains("only 1 of 3")), "{refused}");
    let bad = [
        (json!({"items": [{"order_item_id": "oi_nope", "quantity": 1}]}), vec!["items[0].order_item_id"]),
        (json!({"items": [{"order_item_id": tee_line, "quantity": 0}]}), vec!["items[0].quantity"]),
        (json!({"items": [], "tracking_url": "javascript:alert(1)"}), vec!["tracking_url", "items"]),
        (
            json!({"items": [{"order_item_id": tee_line, "quantity": 1}, {"order_item_id": tee_line, "quantity": 1}]}),
            vec!["items[1].order_item_id"],
        ),
    ];
    for (body, fields) in bad {
        let problem = expect_problem(
            app.post(&shipments, Some(&admin), body.clone()).await,
            StatusCode::BAD_REQUEST,
            "validation_failed",
        )
        .await;
        let mut got = fields_of(&problem);
        got.sort();
        let mut want: Vec<String> = fields.into_iter().map(str::to_owned).collect();
        want.sort();
        assert_eq!(got, want, "{body}");
    }
    let unchanged =
        expect_status(app.get(&format!("/v1/admin/orders/{id}"), Some(&admin)).await, StatusCode::OK).await;
    assert_eq!((shipped(&unchanged), unchanged["shipments"].as_array().map(Vec::len)), (vec![2, 0], Some(1)));

    // Without items, everything left ships.
    let rest = expect_status(
        app.post(&shipments, Some(&admin), json!({"carrier": "UPS"})).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!((rest["status"].as_str(), shipped(&rest)), (Some("fulfilled"), vec![3, 1]));
    assert_eq!(
        rest["shipments"][1]["items"],
        json!([{"order_item_id": mug_line, "quantity": 1}, {"order_item_id": tee_line, "quantity": 1}])
    );
    expect_problem(
        app.post(&shipments, Some(&admin), json!({})).await,
        StatusCode::CONFLICT,
        "invalid_state",
    )
    .await;
    let cancel_order = app.post(&format!("/v1/admin/orders/{id}/cancel"), Some(&admin), json!({})).await;
    expect_problem(cancel_order, StatusCode::CONFLICT, "invalid_state").await;

    // Delivered, a shipment stays; shipped, it can be called back.
    let (one, two) =
        (rest["shipments"][0]["id"].as_str().expect("id"), rest["shipments"][1]["id"].as_str().expect("id"));
    let delivered =
        app.request(Method::POST, &format!("/v1/admin/shipments/{two}/deliver"), Some(&admin), None).await;
    assert_eq!(expect_status(delivered, StatusCode::OK).await["shipments"][1]["status"], "delivered");
    let late =
        app.request(Method::POST, &format!("/v1/admin/shipments/{two}/cancel"), Some(&admin), None).await;
    assert_eq!(
        expect_problem(late, StatusCode::CONFLICT, "invalid_state").await["shipment_status"],
        "delivered"
    );
    let back =
        app.request(Method::POST, &format!("/v1/admin/shipments/{one}/cancel"), Some(&admin), None).await;
    let back = expect_status(back, StatusCode::OK).await;
    assert_eq!((back["status"].as_str(), shipped(&back)), (Some("partially_fulfilled"), vec![1, 1]));
    assert_eq!(back["shipments"][0]["status"], "cancelled");
    let again =
        app.request(Method::POST, &format!("/v1/admin/shipments/{one}/cancel"), Some(&admin), None).await;
    expect_problem(again, StatusCode::CONFLICT, "invalid_state").await;
    let missing = app.request(Method::POST, "/v1/admin/shipments/shp_nope/deliver", Some(&admin), None).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    // The older way to fulfil ships what is left.
    let whole = app
        .post(&format!("/v1/admin/orders/{id}/fulfill"), Some(&admin), json!({"tracking_number": "1Z999"}))
        .await;
    let whole = expect_status(whole, StatusCode::OK).await;
    assert_eq!(
        (whole["status"].as_str(), shipped(&whole), whole["tracking_number"].as_str()),
        (Some("fulfilled"), vec![3, 1], Some("1Z999"))
    );

    // The customer sees the parcels; each shipment queued one email, sent once.
    let token = order["access_token"].as_str().expect("token");
    let mine =
        expect_status(app.get(&format!("/v1/orders/{id}?token={token}"), None).await, StatusCode::OK).await;
    assert_eq!(mine["shipments"].as_array().map(Vec::len), Some(3));
    assert_eq!(scalar(&app.db, "SELECT COUNT(*) FROM outbox WHERE topic = 'order.shipped'").await, 3);
    let dir = app.data_dir().join("mail");
    let mut mails = Vec::new();
    for _ in 0..400 {
        mails = std::fs::read_dir(&dir)
            .map(|d| d.flatten().filter_map(|e| std::fs::read_to_string(e.path()).ok()).collect())
            .unwrap_or_default();
        if mails.len() >= 4 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let number = order["number"].as_i64().expect("number");
    let shipped_mails: Vec<&String> =
        mails.iter().filter(|m| m.contains(&format!("Order {number} has shipped"))).collect();
    assert_eq!((mails.len(), shipped_mails.len()), (4, 3), "a confirmation and three shipment emails");
    assert!(
        shipped_mails.iter().any(|m| m.contains("Tracking number: JD0001") && m.contains("2 x Mug")),
        "{shipped_mails:?}"
    );
}

/// Two server processes, ten admins each: every request tries to ship 2 of a line of 5.
async fn two_processes_never_ship_more_than_was_ordered(engine: Engine) {
    let db = TestDatabase::create(engine).await;
    let servers: [ServerProcess; 2] = [serve_process(&db, &[]).await, serve_process(&db, &[]).await];
    let client = crate::helpers::http_client(Duration::from_secs(60));
    let (token, variant) = crate::processes::arrange(&db, &client, &servers[0], 5).await;
    let order = paid_order(&client, &servers[1].base, &[(&variant, 5)]).await;
    let id = order["id"].as_str().expect("id").to_owned();
    let line = order["items"][0]["id"].clone();

    let race = |body: Value| {
        let mut racers = tokio::task::JoinSet::new();
        for i in 0..20 {
            let request = client
                .post(format!("{}/v1/admin/orders/{id}/shipments", servers[i % 2].base))
                .bearer_auth(&token)
                .json(&body);
            racers.spawn(async move {
                let res = request.send().await.expect("sent");
                let status = res.status();
                (status, res.json::<Value>().await.ok().map(|b| b["code"].clone()))
            });
        }
        racers.join_all()
    };
    let answers = race(json!({"items": [{"order_item_id": line, "quantity": 2}]})).await;
    let made = answers.iter().filter(|(s, _)| *s == StatusCode::CREATED).count();
    let refused = answers
        .iter()
        .filter(|(s, c)| *s == StatusCode::CONFLICT && *c == Some(json!("fulfillment_exceeds_order")));
    assert_eq!((made, refused.count()), (2, 18), "{answers:?}");
    let pool = db.connect().await;
    assert_eq!(scalar(&pool, "SELECT fulfilled_quantity FROM order_items").await, 4);
    // Then everyone ships what is left at once: one shipment of the last unit.
    let answers = race(json!({})).await;
    assert_eq!(answers.iter().filter(|(s, _)| *s == StatusCode::CREATED).count(), 1, "{answers:?}");
    assert!(
        answers.iter().all(|(s, c)| *s == StatusCode::CREATED || *c == Some(json!("invalid_state"))),
        "{answers:?}"
    );
    assert_eq!(scalar(&pool, "SELECT fulfilled_quantity FROM order_items").await, 5);
    let read =
        client.get(format!("{}/v1/admin/orders/{id}", servers[0].base)).bearer_auth(&token).send().await;
    let read = expect_status(read.expect("order"), StatusCode::OK).await;
    let units: i64 = read["shipments"]
        .as_array()
        .expect("shipments")
        .iter()
        .flat_map(|s| {
            s["items"].as_array().expect("items").iter().map(|i| i["quantity"].as_i64().expect("quantity"))
        })
        .sum();
    assert_eq!((units, read["status"].as_str()), (5, Some("fulfilled")));
    assert_eq!(scalar(&pool, "SELECT COUNT(*) FROM shipments").await, 3);
    assert_eq!(scalar(&pool, "SELECT COUNT(*) FROM outbox WHERE topic = 'order.shipped'").await, 3);
    assert_eq!(scalar(&pool, "SELECT COUNT(*) FROM orders WHERE status = 'fulfilled'").await, 1);
    pool.close().await;
}

/// Staff who work on orders leave notes on them for each other; the customer never sees them;
/// read-only staff read them; each is in the audit log.
async fn staff_leave_notes_on_an_order_the_customer_never_sees(engine: Engine) {
    use oxcart::accounts::StaffRole;
    let app = TestApp::spawn(engine).await;
    let owner = app.admin_token().await;
    let support = app.staff_token(StaffRole::Support).await;
    let fulfilment = app.staff_token(StaffRole::Fulfilment).await;
    let read_only = app.staff_token(StaffRole::ReadOnly).await;
    let mug = simple_product(&app, &owner, "Noted mug", 900, 5).await;
    let order = paid_order(&app.client, &app.url(""), &[(&variant_of(&mug), 1)]).await;
    let id = order["id"].as_str().expect("id");
    let notes = format!("/v1/admin/orders/{id}/notes");

    let first = json!({"body": "  The customer called: leave it with the neighbour.  "});
    let note = expect_status(app.post(&notes, Some(&support), first).await, StatusCode::CREATED).await;
    assert_eq!(note["body"], "The customer called: leave it with the neighbour.");
    assert_eq!(note["author"]["email"], "staff.support@example.com");
    let second = json!({"body": "Box was dented:\nrepacked."});
    expect_status(app.post(&notes, Some(&fulfilment), second).await, StatusCode::CREATED).await;
    let refused = app.post(&notes, Some(&read_only), json!({"body": "hello"})).await;
    expect_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;
    let empty = expect_problem(
        app.post(&notes, Some(&support), json!({"body": " \n "})).await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    assert_eq!(fields_of(&empty), ["body"]);
    let missing = "/v1/admin/orders/ord_missing/notes";
    expect_problem(
        app.post(missing, Some(&support), json!({"body": "x"})).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    expect_problem(app.get(missing, Some(&support)).await, StatusCode::NOT_FOUND, "not_found").await;

    let listed = expect_status(app.get(&notes, Some(&read_only)).await, StatusCode::OK).await;
    let bodies: Vec<&str> =
        listed["data"].as_array().expect("data").iter().map(|n| n["body"].as_str().expect("body")).collect();
    assert_eq!(bodies, ["Box was dented:\nrepacked.", "The customer called: leave it with the neighbour."]);

    let token = order["access_token"].as_str().expect("access token");
    let seen = app.get(&format!("/v1/orders/{id}?token={token}"), None).await.text().await.expect("text");
    assert!(seen.contains(id) && !seen.contains("neighbour"), "{seen}");

    let audit = format!("/v1/admin/audit-log?object_type=order&object_id={id}");
    let entries = expect_status(app.get(&audit, Some(&owner)).await, StatusCode::OK).await;
    let actions: Vec<(&str, i64)> = entries["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|e| (e["action"].as_str().expect("action"), e["status"].as_i64().expect("status")))
        .collect();
    let add = "POST /v1/admin/orders/{id}/notes";
    assert_eq!(actions, [(add, 400), (add, 403), (add, 201), (add, 201)], "newest first");
}

crate::db_tests!(
    staff_leave_notes_on_an_order_the_customer_never_sees,
    an_order_ships_in_parts_each_tracked_and_emailed_once,
    two_processes_never_ship_more_than_was_ordered,
);
