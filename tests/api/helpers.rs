use std::{path::Path, time::Duration};

use oxcart::{App, Config, accounts, db::Db};
use reqwest::{Client, Method, Response, StatusCode};
use serde_json::{Value, json};
use sqlx::Connection;
use tempfile::TempDir;
use tokio::sync::oneshot;

#[derive(Clone, Copy, Debug)]
pub enum Engine {
    Sqlite,
    Postgres,
    Mysql,
}

/// Generates `sqlite::<name>`, `postgres::<name>` and `mysql::<name>` tests for each
/// `async fn <name>(Engine)`; the last two are skipped unless their test URL is set.
#[macro_export]
macro_rules! db_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name($crate::helpers::Engine::Sqlite).await }
            )*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                if $crate::helpers::postgres_url().is_none() {
                    eprintln!("skipped: set OXCART_TEST_POSTGRES_URL to run on PostgreSQL");
                    return;
                }
                super::$name($crate::helpers::Engine::Postgres).await
            })*
        }
        mod mysql {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                if $crate::helpers::mysql_url().is_none() {
                    eprintln!("skipped: set OXCART_TEST_MYSQL_URL to run on MySQL/MariaDB");
                    return;
                }
                super::$name($crate::helpers::Engine::Mysql).await
            })*
        }
    };
}

/// The `OXCART_METRICS_TOKEN` of every test server.
pub const METRICS_TOKEN: &str = "metrics-token-for-tests";

pub fn postgres_url() -> Option<String> {
    std::env::var("OXCART_TEST_POSTGRES_URL").ok().filter(|u| !u.is_empty())
}

pub fn mysql_url() -> Option<String> {
    std::env::var("OXCART_TEST_MYSQL_URL").ok().filter(|u| !u.is_empty())
}

pub struct TestApp {
    pub base: String,
    /// `http://…` of `OXCART_METRICS_LISTEN`, when the test set one.
    pub metrics_base: Option<String>,
    pub client: Client,
    pub db: Db,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    _database: TestDatabase,
}

/// A fresh database for one test: a SQLite file in a temporary directory, or a PostgreSQL or
/// MySQL database of its own, dropped when this is dropped.
pub struct TestDatabase {
    pub url: String,
    dir: TempDir,
    server_db: Option<(Engine, String, String)>,
}

impl TestDatabase {
    pub async fn create(engine: Engine) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let name = format!("oxcart_test_{}", oxcart::ids::new_id("t").trim_start_matches("t_"));
        let (url, server_db) = match engine {
            Engine::Sqlite => (format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display()), None),
            Engine::Postgres => {
                let admin = postgres_url().expect("OXCART_TEST_POSTGRES_URL");
                let mut conn =
                    sqlx::PgConnection::connect(&admin).await.expect("connect to OXCART_TEST_POSTGRES_URL");
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
                    .execute(&mut conn)
                    .await
                    .expect("create test database");
                (with_database(&admin, &name), Some((engine, admin, name)))
            }
            Engine::Mysql => {
                let admin = mysql_url().expect("OXCART_TEST_MYSQL_URL").replacen("mariadb://", "mysql://", 1);
                let mut conn =
                    sqlx::MySqlConnection::connect(&admin).await.expect("connect to OXCART_TEST_MYSQL_URL");
                let create = format!("CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
                sqlx::raw_sql(sqlx::AssertSqlSafe(create))
                    .execute(&mut conn)
                    .await
                    .expect("create test database");
                (with_database(&admin, &name), Some((engine, admin, name)))
            }
        };
        Self { url, dir, server_db }
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// A migrated pool on this database, for arranging and checking from the test.
    pub async fn connect(&self) -> Db {
        let db = Db::connect(&self.url, 4).await.expect("connect");
        db.migrate().await.expect("migrate");
        db
    }
}

impl TestApp {
    pub async fn spawn(engine: Engine) -> Self {
        Self::spawn_with(engine, |_| {}).await
    }

    pub async fn spawn_with(engine: Engine, tweak: impl FnOnce(&mut Config)) -> Self {
        let database = TestDatabase::create(engine).await;
        let mut config = Config::for_database(&database.url, database.dir().to_path_buf());
        config.metrics.token = Some(oxcart::config::Secret::new(METRICS_TOKEN.to_owned()));
        tweak(&mut config);
        let mut app = App::build(config).await.expect("app builds");
        let db = app.state().db.clone();
        let listener = app.bind().await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let metrics_base = app.metrics_address().map(|addr| format!("http://{addr}"));
        let (tx, rx) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            app.serve(listener, async move {
                let _ = rx.await;
            })
            .await
            .expect("server runs");
        });
        Self {
            base,
            metrics_base,
            client: http_client(Duration::from_secs(30)),
            db,
            shutdown: Some(tx),
            server: Some(server),
            _database: database,
        }
    }

    /// The app's data directory (the `.eml` files of the default mail transport live here).
    pub fn data_dir(&self) -> &Path {
        self._database.dir()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        let mut req = self.client.request(method, self.url(path));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        req.send().await.expect("request sent")
    }

    /// `/metrics` as Prometheus reads it, with the test servers' metrics token.
    pub async fn metrics(&self) -> String {
        let res = self.get("/metrics", Some(METRICS_TOKEN)).await;
        assert_eq!(res.status(), StatusCode::OK);
        res.text().await.expect("metrics")
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        self.request(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Response {
        self.request(Method::POST, path, token, Some(body)).await
    }

    /// Registers a customer and returns (token, customer json).
    pub async fn register(&self, email: &str) -> (String, Value) {
        let res = self
            .post(
                "/v1/auth/register",
                None,
                json!({"email": email, "password": "correct horse", "name": "Test Customer"}),
            )
            .await;
        let body = expect_status(res, StatusCode::CREATED).await;
        (body["token"].as_str().expect("token").to_owned(), body["customer"].clone())
    }

    /// A login as the client at `ip` behind one trusted proxy: the client wrote `claimed` (may
    /// be empty), and the proxy appended the address it saw.
    pub async fn login_via_proxy(&self, claimed: &str, ip: &str, email: &str, password: &str) -> Response {
        let body = json!({"email": email, "password": password});
        let forwarded = if claimed.is_empty() { ip.to_owned() } else { format!("{claimed}, {ip}") };
        let req = self.client.post(self.url("/v1/auth/login")).header("x-forwarded-for", forwarded);
        req.json(&body).send().await.expect("sent")
    }

    /// Creates an admin the way `oxcart admin create` does and signs in.
    pub async fn admin_token(&self) -> String {
        let input =
            accounts::Registration::parse("boss@example.com", "admin password", "Boss").expect("valid");
        accounts::create_admin(&self.db, input).await.expect("admin created");
        let res = self
            .post("/v1/auth/login", None, json!({"email": "boss@example.com", "password": "admin password"}))
            .await;
        expect_status(res, StatusCode::OK).await["token"].as_str().expect("token").to_owned()
    }

    /// Creates an admin with the staff role `role` (`staff.<role>@example.com`) and signs in.
    pub async fn staff_token(&self, role: accounts::StaffRole) -> String {
        let email = format!("staff.{}@example.com", role.as_str());
        let input = accounts::Registration::parse(&email, "staff password", "Staff").expect("valid");
        accounts::create_staff(&self.db, input, role).await.expect("staff created");
        let res =
            self.post("/v1/auth/login", None, json!({"email": email, "password": "staff password"})).await;
        let body = expect_status(res, StatusCode::OK).await;
        assert_eq!(body["customer"]["staff_role"], role.as_str());
        body["token"].as_str().expect("token").to_owned()
    }

    async fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = tokio::time::timeout(Duration::from_secs(10), server).await;
        }
        self.db.close().await;
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some((engine, admin, name)) = self.server_db.take() else { return };
        // Drop can't await: drop the test database from a helper thread with its own runtime.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
            rt.block_on(async {
                if matches!(engine, Engine::Mysql) {
                    if let Ok(mut conn) = sqlx::MySqlConnection::connect(&admin).await {
                        let sql = format!("DROP DATABASE IF EXISTS `{name}`");
                        let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await;
                    }
                } else if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                    let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                    let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await;
                }
            });
        })
        .join();
    }
}

/// Stops the server and closes the pool; used where a test needs the app gone.
pub async fn shut_down(app: &mut TestApp) {
    app.stop().await;
}

/// `postgres://u@h:5432/db?x` with `db` replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let root = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{root}/{name}?{q}"),
        None => format!("{root}/{name}"),
    }
}

/// Asserts the status and returns the JSON body (Null when empty).
pub async fn expect_status(res: Response, status: StatusCode) -> Value {
    let actual = res.status();
    let text = res.text().await.expect("body");
    assert_eq!(actual, status, "unexpected status; body: {text}");
    if text.is_empty() { Value::Null } else { serde_json::from_str(&text).expect("JSON body") }
}

/// Asserts a problem+json answer with this status and code; returns its body.
pub async fn expect_problem(res: Response, status: StatusCode, code: &str) -> Value {
    let content_type =
        res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let body = expect_status(res, status).await;
    assert_eq!(content_type, "application/problem+json", "body: {body}");
    assert_eq!(body["code"], code, "body: {body}");
    assert_eq!(body["status"], status.as_u16());
    for key in ["type", "title", "detail"] {
        assert!(body[key].is_string(), "problem lacks {key}: {body}");
    }
    body
}

pub fn fields_of(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errs| errs.iter().filter_map(|e| e["field"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

pub fn binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_oxcart"))
}

#[test]
fn database_name_is_swapped_in_the_url() {
    assert_eq!(with_database("postgres://p@127.0.0.1:5432/test", "x"), "postgres://p@127.0.0.1:5432/x");
    assert_eq!(with_database("postgres://p@h/test?sslmode=disable", "x"), "postgres://p@h/x?sslmode=disable");
    assert_eq!(with_database("postgres://p@h", "x"), "postgres://p@h/x");
}

/// Creates a product as `admin` and returns it.
pub async fn create_product(app: &TestApp, admin: &str, body: Value) -> Value {
    expect_status(app.post("/v1/admin/products", Some(admin), body).await, StatusCode::CREATED).await
}

/// A published product with one variant at `price` and `stock` units.
pub async fn simple_product(app: &TestApp, admin: &str, title: &str, price: i64, stock: i64) -> Value {
    let sku = format!("SKU-{}", oxcart::ids::new_id("s").trim_start_matches("s_"));
    create_product(
        app,
        admin,
        json!({"title": title, "description": format!("All about {title}."), "status": "published",
               "variants": [{"sku": sku, "price": price, "stock": stock}]}),
    )
    .await
}

/// Follows `next_cursor` from `path` (which already has a query string) to the end.
pub async fn all_pages(app: &TestApp, path: &str, token: Option<&str>) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..1000 {
        let url = match &cursor {
            Some(c) => format!("{path}&cursor={c}"),
            None => path.to_owned(),
        };
        let page = expect_status(app.get(&url, token).await, StatusCode::OK).await;
        items.extend(page["data"].as_array().expect("data").iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return items,
        }
    }
    panic!("pagination never ended");
}

pub fn ids_of(items: &[Value]) -> Vec<String> {
    items.iter().map(|i| i["id"].as_str().expect("id").to_owned()).collect()
}

pub async fn create_category(app: &TestApp, admin: &str, body: Value) -> Value {
    expect_status(app.post("/v1/admin/categories", Some(admin), body).await, StatusCode::CREATED).await
}

/// The `oxcart` binary as an operator runs it: a clean environment, data under `dir`.
pub fn oxcart_command(dir: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(binary());
    cmd.current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("OXCART_DATA_DIR", dir.join("data"))
        .env("OXCART_LOG_LEVEL", "warn")
        .stdin(std::process::Stdio::null());
    cmd
}

/// Starts `oxcart` serving on a random port; returns it, its base URL and its banner.
pub async fn start_server(cmd: &mut std::process::Command) -> (std::process::Child, String, String) {
    let mut child = cmd
        .env("OXCART_LISTEN", "127.0.0.1:0")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("starts");
    let stdout = child.stdout.take().expect("stdout");
    let lines = tokio::task::spawn_blocking(move || {
        let mut seen = Vec::new();
        for line in std::io::BufRead::lines(std::io::BufReader::new(stdout)).map_while(Result::ok) {
            let done = line.contains("stop with Ctrl-C");
            seen.push(line);
            if done {
                break;
            }
        }
        seen
    });
    let lines =
        tokio::time::timeout(Duration::from_secs(60), lines).await.expect("banner in time").expect("read");
    let text = lines.join("\n");
    let base = lines
        .iter()
        .find_map(|l| l.split_whitespace().find(|w| w.starts_with("http://")).map(str::to_owned))
        .expect(&text);
    (child, base, text)
}

/// `oxcart serve` as a process of its own on `db`, killed when dropped.
pub struct ServerProcess {
    pub child: std::process::Child,
    pub base: String,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `oxcart serve` on `db` with these extra environment variables.
pub async fn serve_process(db: &TestDatabase, env: &[(&str, &str)]) -> ServerProcess {
    let mut cmd = oxcart_command(db.dir());
    cmd.env("OXCART_DATABASE_URL", &db.url);
    for (key, value) in env {
        cmd.env(key, value);
    }
    let (child, base, _) = start_server(&mut cmd).await;
    ServerProcess { child, base }
}

/// An HTTP client for the tests. reqwest is built without a default TLS crypto provider (the
/// app installs ring's), so the tests install it too before making clients.
pub fn http_client(timeout: Duration) -> Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    Client::builder().timeout(timeout).build().expect("client")
}

/// One number from the database, for checks the API does not show (charges, outbox rows).
/// Runs through Oxcart's own statements, so the text is rendered for the engine (its
/// placeholders, its casts) like any of the app's.
pub async fn scalar(db: &Db, sql: &'static str) -> i64 {
    oxcart::db::sql("test.scalar", sql).scalar_one::<i64>(db).await.expect("query")
}

/// The id of a product's first variant.
pub fn variant_of(product: &Value) -> String {
    product["variants"][0]["id"].as_str().expect("variant").to_owned()
}

/// The first email the app wrote to its mail folder (the `.eml` files of a store without SMTP),
/// waiting up to five seconds for it; empty if none came.
/// The body as a person reads it: quoted-printable soft breaks and `=3D` undone.
pub fn readable(message: &str) -> String {
    message.replace("=\n", "").replace("=3D", "=")
}

pub async fn first_mail(app: &TestApp) -> String {
    let dir = app.data_dir().join("mail");
    for _ in 0..200 {
        let found: Vec<_> =
            std::fs::read_dir(&dir).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
        if let Some(file) = found.first() {
            return std::fs::read_to_string(file).expect("eml");
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    String::new()
}
