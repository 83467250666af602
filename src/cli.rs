//! The `oxcart` command line: `serve` (the default), `migrate`, `seed`, `admin create`.

use std::{path::Path, process::ExitCode};

use clap::{Parser, Subcommand};

use crate::{
    accounts::{self, Registration, StaffRole},
    config::Config,
    db::Db,
    seed,
    server::{self, App},
    shutdown, telemetry,
};

#[derive(Parser)]
#[command(
    name = "oxcart",
    version,
    about = "Oxcart: the backend of an online store.",
    long_about = "Oxcart: the backend of an online store.\n\n\
        With no command it serves the store. Configure it with OXCART_* environment variables or\n\
        an oxcart.toml file (see README.md). By default it keeps its data in ./oxcart-data/."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the HTTP API and the storefront (the default). Migrates the database first.
    Serve,
    /// Bring the database schema up to date, then exit.
    Migrate,
    /// Run only the background jobs (email delivery from the outbox, settling interrupted
    /// checkouts), for deployments that keep them apart from `serve` (then set
    /// OXCART_WORKER=false on the servers).
    Worker,
    /// Fill the store with data: the demo catalog, or many generated products for benchmarks.
    Seed {
        /// Load the demo catalog (45 products in 12 categories) into an empty store.
        #[arg(long, required_unless_present = "products")]
        demo: bool,
        /// Add this many generated products (published, 1–3 variants each).
        #[arg(long, value_name = "N")]
        products: Option<u64>,
    },
    /// Manage administrators.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an admin account. The password comes from OXCART_ADMIN_PASSWORD, or is asked
    /// for twice on the terminal; it is never taken from the command line.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// owner (the default), manager, fulfilment, support or read_only.
        #[arg(long, default_value = "owner", value_parser = parse_staff_role)]
        role: StaffRole,
    },
}

fn parse_staff_role(text: &str) -> Result<StaffRole, String> {
    StaffRole::parse(text)
        .ok_or_else(|| "must be owner, manager, fulfilment, support or read_only".to_owned())
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load() {
        Ok(config) => config,
        Err(e) => return fail(&e),
    };
    telemetry::init(&config);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => return fail(&format_args!("cannot start the async runtime: {e}")),
    };
    let result = runtime.block_on(async move {
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => serve(config).await,
            Command::Migrate => migrate(config).await,
            Command::Worker => worker(config).await,
            Command::Seed { demo, products } => seed(config, demo, products).await,
            Command::Admin { command: AdminCommand::Create { email, name, role } } => {
                create_admin(config, &email, &name, role).await
            }
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => fail(&message),
    }
}

fn fail(message: &dyn std::fmt::Display) -> ExitCode {
    eprintln!("oxcart: {message}");
    ExitCode::FAILURE
}

async fn serve(config: Config) -> Result<(), String> {
    let mut app = App::build(config).await.map_err(|e| e.to_string())?;
    let listener = app.bind().await.map_err(|e| e.to_string())?;
    let state = app.state().clone();
    let demo_note = if state.config.uses_default_database() {
        // Only the embedded default database is ever filled by itself, and only when new.
        if seed::store_is_empty(&state.db).await.map_err(|e| e.to_string())? {
            let report = seed::seed_demo(&state.db, &state.config.currency).await?;
            println!(
                "Loaded the demo catalog: {} products in {} categories, {} regions, {} promotions \
                 (try the code WELCOME10 on a first order).",
                report.products, report.categories, report.regions, report.promotions
            );
        }
        ensure_demo_admin(&state.db, &state.config.data_dir).await?
    } else {
        String::new()
    };
    let public_url = state.config.public_url.clone();
    let engine = state.db.engine_name();
    println!("\nOxcart is serving on {public_url} ({engine} database)");
    println!("  storefront:     {public_url}/");
    println!("  admin:          {public_url}/admin");
    println!("  API reference:  {public_url}/docs");
    print!("{demo_note}");
    if state.config.mail.smtp_url.is_none() {
        let mail_dir = state.config.data_dir.join("mail");
        println!("  emails:         written to {}/ (set OXCART_SMTP_URL to send them)", mail_dir.display());
    }
    let metrics = &state.config.metrics;
    match (app.metrics_address(), &metrics.token) {
        (Some(addr), token) => {
            let guard = if token.is_some() { " (with the bearer token in OXCART_METRICS_TOKEN)" } else { "" };
            println!("  metrics:        http://{addr}/metrics{guard}");
        }
        (None, Some(_)) => {
            println!("  metrics:        {public_url}/metrics with the bearer token in OXCART_METRICS_TOKEN")
        }
        (None, None) => println!("  metrics:        off (set OXCART_METRICS_TOKEN or OXCART_METRICS_LISTEN)"),
    }
    println!("  stop with Ctrl-C\n");
    tracing::info!(listen = %state.config.listen, engine, "listening");
    app.serve(listener, shutdown::signal()).await.map_err(|e| format!("server failed: {e}"))
}

async fn worker(config: Config) -> Result<(), String> {
    let app = App::build(config).await.map_err(|e| e.to_string())?;
    println!("Oxcart worker: delivering the outbox and settling interrupted checkouts. Stop with Ctrl-C.");
    server::run_worker(app, shutdown::signal()).await;
    Ok(())
}

async fn migrate(config: Config) -> Result<(), String> {
    let db = server::open_database(&config).await.map_err(|e| e.to_string())?;
    println!("The {} database is up to date.", db.engine_name());
    db.close().await;
    Ok(())
}

async fn seed(config: Config, demo: bool, products: Option<u64>) -> Result<(), String> {
    let db = server::open_database(&config).await.map_err(|e| e.to_string())?;
    if demo {
        let report = seed::seed_demo(&db, &config.currency).await?;
        println!(
            "Loaded the demo catalog: {} products in {} categories, {} regions, {} promotions.",
            report.products, report.categories, report.regions, report.promotions
        );
    }
    if let Some(count) = products {
        let started = std::time::Instant::now();
        seed::seed_products(&db, &config.currency, count, |done| {
            if done.is_multiple_of(10_000) || done == count {
                println!("  {done} of {count} products");
            }
        })
        .await?;
        println!("Added {count} products in {:.1} s.", started.elapsed().as_secs_f64());
    }
    db.refresh_statistics().await.map_err(|e| format!("cannot refresh planner statistics: {e}"))?;
    db.close().await;
    Ok(())
}

async fn create_admin(config: Config, email: &str, name: &str, role: StaffRole) -> Result<(), String> {
    let password = admin_password()?;
    let input = Registration::parse(email, &password, name).map_err(|e| e.to_string())?;
    let db = server::open_database(&config).await.map_err(|e| e.to_string())?;
    let admin = accounts::create_staff(&db, input, role).await.map_err(|e| e.to_string())?;
    println!("Created admin {} ({}), {}.", admin.email, admin.id, role.as_str());
    db.close().await;
    Ok(())
}

fn admin_password() -> Result<String, String> {
    if let Ok(password) = std::env::var("OXCART_ADMIN_PASSWORD") {
        return Ok(password);
    }
    let first = rpassword::prompt_password("Password for the new admin: ")
        .map_err(|e| format!("cannot read the password ({e}); set OXCART_ADMIN_PASSWORD instead"))?;
    let second = rpassword::prompt_password("The same password again: ")
        .map_err(|e| format!("cannot read the password ({e}); set OXCART_ADMIN_PASSWORD instead"))?;
    if first != second {
        return Err("the two passwords differ".into());
    }
    Ok(first)
}

const DEMO_ADMIN_EMAIL: &str = "admin@example.com";
const DEMO_ADMIN_FILE: &str = "demo-admin.txt";

/// On the embedded default database only: makes sure a demo admin exists, keeping its
/// generated password in a file under the data directory (readable only by this user), and
/// returns the lines telling how to sign in.
async fn ensure_demo_admin(db: &Db, data_dir: &Path) -> Result<String, String> {
    let file = data_dir.join(DEMO_ADMIN_FILE);
    if accounts::any_admin(db).await.map_err(|e| e.to_string())? {
        return Ok(match std::fs::read_to_string(&file) {
            Ok(text) => format!("  demo admin:     {}\n", text.trim().replace('\n', "  ")),
            Err(_) => String::new(),
        });
    }
    let password = crate::ids::new_token("demo").replace(['_', '-'], "");
    let input = Registration::parse(DEMO_ADMIN_EMAIL, &password, "Demo Admin").map_err(|e| e.to_string())?;
    accounts::create_admin(db, input).await.map_err(|e| e.to_string())?;
    let text = format!("email: {DEMO_ADMIN_EMAIL}\npassword: {password}\n");
    write_private(&file, &text).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    Ok(format!(
        "  demo admin:     email: {DEMO_ADMIN_EMAIL}  password: {password}\n                  (kept in {}; sign in at /admin)\n",
        file.display()
    ))
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(text.as_bytes())
}
