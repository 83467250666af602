//! "Unknown fields are `400 validation_failed`" for every request body the server documents,
//! at every level: the test reads `/openapi.json`, builds a well-typed body for each operation
//! and sends it once per object in it with one field too many.

use reqwest::{Method, StatusCode};
use serde_json::{Map, Value, json};

use crate::helpers::{Engine, TestApp, expect_status, fields_of};

const EXTRA: &str = "zz_not_a_field";

async fn every_object_of_every_request_body_refuses_unknown_fields(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let spec = expect_status(app.get("/openapi.json", None).await, StatusCode::OK).await;
    let mut checked = Vec::new();
    for (path, operations) in spec["paths"].as_object().expect("paths") {
        for (method, operation) in operations.as_object().expect("operations") {
            let Some(schema) = operation.pointer("/requestBody/content/application~1json/schema") else {
                continue;
            };
            let body = example(&spec, schema);
            let url = path.replace('{', "x_").replace('}', "");
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            for (at, field) in object_paths(&spec, schema, &body, "") {
                let mut sent = body.clone();
                insert_extra(&mut sent, &at);
                let res = app.request(method.clone(), &url, Some(&admin), Some(sent.clone())).await;
                let status = res.status();
                let problem: Value = res.json().await.unwrap_or(Value::Null);
                assert_eq!(
                    (status, problem["code"].as_str()),
                    (StatusCode::BAD_REQUEST, Some("validation_failed")),
                    "{method} {path} with {sent}: {problem}"
                );
                assert_eq!(fields_of(&problem), std::slice::from_ref(&field), "{method} {path} with {sent}");
                checked.push(format!("{method} {path} {field}"));
            }
        }
    }
    for expected in [
        "POST /v1/carts/{id}/checkout shipping_address.zz_not_a_field",
        "POST /v1/carts/{id}/checkout payment.zz_not_a_field",
        "POST /v1/admin/products variants[0].zz_not_a_field",
        "POST /v1/admin/products variants[0].price.zz_not_a_field",
        "POST /v1/auth/register zz_not_a_field",
    ] {
        assert!(checked.iter().any(|c| c == expected), "{expected} was not tried: {checked:#?}");
    }
}

fn resolve<'a>(spec: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.trim_start_matches("#/components/schemas/");
            resolve(spec, &spec["components"]["schemas"][name])
        }
        None => schema,
    }
}

/// The branch of a `oneOf`/`anyOf` to follow: an object when there is one (so that its fields
/// are tried too), else the first that is not `null`.
fn branch<'a>(spec: &'a Value, schema: &'a Value) -> &'a Value {
    let schema = resolve(spec, schema);
    let choices = schema["oneOf"].as_array().or_else(|| schema["anyOf"].as_array());
    let Some(choices) = choices else { return schema };
    let resolved: Vec<&Value> = choices.iter().map(|c| branch(spec, c)).collect();
    resolved
        .iter()
        .find(|c| c.get("properties").is_some())
        .or_else(|| resolved.iter().find(|c| c["type"] != "null"))
        .copied()
        .unwrap_or(schema)
}

fn type_of(schema: &Value) -> &str {
    match &schema["type"] {
        Value::String(t) => t,
        Value::Array(types) => {
            types.iter().filter_map(Value::as_str).find(|t| *t != "null").unwrap_or("null")
        }
        _ if schema.get("properties").is_some() => "object",
        _ => "",
    }
}

/// A well-typed value for `schema`, with every property of every object filled in.
fn example(spec: &Value, schema: &Value) -> Value {
    let schema = branch(spec, schema);
    if let Some(first) = schema["enum"].as_array().and_then(|e| e.first()) {
        return first.clone();
    }
    match type_of(schema) {
        "object" => {
            let properties = schema["properties"].as_object().cloned().unwrap_or_default();
            Value::Object(properties.iter().map(|(name, s)| (name.clone(), example(spec, s))).collect())
        }
        "array" => json!([example(spec, &schema["items"])]),
        "integer" | "number" => schema.get("example").cloned().unwrap_or(json!(1)),
        "boolean" => json!(true),
        _ => json!("x"),
    }
}

/// Where in `body` an object with declared fields sits (a JSON pointer), and how the server
/// should name a field added there.
fn object_paths(spec: &Value, schema: &Value, body: &Value, name: &str) -> Vec<(String, String)> {
    let schema = branch(spec, schema);
    let mut found = Vec::new();
    match (type_of(schema), body) {
        ("object", Value::Object(fields)) if schema.get("properties").is_some() => {
            let named = if name.is_empty() { EXTRA.to_owned() } else { format!("{name}.{EXTRA}") };
            found.push((String::new(), named));
            for (field, value) in fields {
                let inner = if name.is_empty() { field.clone() } else { format!("{name}.{field}") };
                for (at, named) in object_paths(spec, &schema["properties"][field], value, &inner) {
                    found.push((format!("/{field}{at}"), named));
                }
            }
        }
        ("array", Value::Array(items)) if !items.is_empty() => {
            for (at, named) in object_paths(spec, &schema["items"], &items[0], &format!("{name}[0]")) {
                found.push((format!("/0{at}"), named));
            }
        }
        _ => {}
    }
    found
}

fn insert_extra(body: &mut Value, at: &str) {
    let target = body.pointer_mut(at).and_then(Value::as_object_mut).expect("an object at the pointer");
    let extra: &mut Map<String, Value> = target;
    extra.insert(EXTRA.to_owned(), json!(true));
}

crate::db_tests!(every_object_of_every_request_body_refuses_unknown_fields);
