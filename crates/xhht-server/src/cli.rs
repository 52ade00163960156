//! The binary's arguments and what it does with them.

use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};
use xhht_server::{AppState, Config, init_logging, serve, shutdown_signal};

/// Serve the xhht API and dashboard.
#[derive(Debug, Parser)]
#[command(name = "xhht-server", version)]
pub(crate) struct Args {
    /// The database: a SQLite file, `sqlite:PATH` or `postgres://…`.
    #[arg(long, env = "XHHT_DATABASE_URL", default_value = "xhht.db", global = true)]
    db: String,
    /// A TOML file of the deployment's letterheads: who issues the reports, day by day
    /// (default: the plan's embedded ones; docs/report-schema.md).
    #[arg(long, env = "XHHT_ISSUERS")]
    issuers: Option<std::path::PathBuf>,
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Mark the session cookie Secure (behind TLS).
    #[arg(long)]
    secure_cookies: bool,
    /// Allow cross-origin requests from these origins (CORS is off by default).
    #[arg(long = "cors-origin")]
    cors_origins: Vec<String>,
    /// Log JSON lines instead of text.
    #[arg(long)]
    json_logs: bool,
    /// The day that counts as today (YYYY-MM-DD; default: the clock).
    #[arg(long)]
    as_of: Option<chrono::NaiveDate>,
    /// Login attempts and writes allowed per client address and minute (burst: a fifteenth of
    /// that, at least 20).
    #[arg(long, default_value_t = 300)]
    rate_limit_per_minute: u32,
    /// Reads that build or render (reports, progress, deadlines, reward eligibility,
    /// explanations, results, the dashboard's pages) allowed per client address and minute
    /// (burst: a fifteenth of that, at least 20).
    #[arg(long, default_value_t = 240)]
    read_rate_limit_per_minute: u32,
    /// Disable both per-address rate limits, on login and writes and on reads that build or
    /// render (benchmarks).
    #[arg(long)]
    no_rate_limit: bool,
    /// The most MiB each report cache keeps: the built reports, and their renderings (the least
    /// recently used go first).
    #[arg(long, default_value_t = 128)]
    report_cache_mib: usize,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the OpenAPI document (what docs/openapi.json holds).
    Openapi,
    /// Add or replace a user.
    AddUser {
        /// The user name.
        name: String,
        /// admin, reviewer, verifier, unit or viewer.
        role: String,
        /// For a unit, its organisation's code.
        #[arg(long)]
        organisation: Option<String>,
        /// Read the password from this environment variable.
        #[arg(long)]
        password_env: Option<String>,
    },
    /// Create an API token for a user and print it (once).
    Token {
        /// The user name.
        user: String,
        /// What the token is for.
        #[arg(long, default_value = "api")]
        name: String,
    },
}

pub(crate) async fn run(args: Args) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match args.command {
        Some(Command::Openapi) => {
            writeln!(out, "{}", xhht_server::api::openapi_json()).context("cannot write")?;
            return Ok(());
        }
        Some(Command::AddUser { name, role, organisation, password_env }) => {
            let password = match password_env {
                Some(v) => Some(std::env::var(&v).with_context(|| format!("the variable {v} is not set"))?),
                None => None,
            };
            xhht_server::auth::add_user(&args.db, &name, &role, organisation.as_deref(), password.as_deref())
                .await
                .context("cannot add the user")?;
            return Ok(());
        }
        Some(Command::Token { user, name }) => {
            let token =
                xhht_server::auth::create_token(&args.db, &user, &name).await.context("cannot create the token")?;
            writeln!(out, "{token}").context("cannot write")?;
            return Ok(());
        }
        None => {}
    }
    init_logging(args.json_logs);
    let mut config = Config::new(&args.db);
    config.secure_cookies = args.secure_cookies;
    config.cors_origins = args.cors_origins;
    config.json_logs = args.json_logs;
    config.today = args.as_of;
    config.issuers = args.issuers.clone();
    let limit = |per_minute: u32| {
        (!args.no_rate_limit).then_some(xhht_server::RateLimit { per_minute, burst: (per_minute / 15).max(20) })
    };
    config.rate_limit = limit(args.rate_limit_per_minute);
    config.read_rate_limit = limit(args.read_rate_limit_per_minute);
    let bytes = args.report_cache_mib.saturating_mul(1 << 20);
    config.cache.reports.bytes = bytes;
    config.cache.latest.bytes = bytes;
    config.cache.rendered.bytes = bytes;
    let state = AppState::new(config).await.with_context(|| format!("cannot open the database `{}`", args.db))?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    tracing::info!(addr = %args.listen, "listening");
    serve(listener, state, shutdown_signal(), Duration::from_secs(30)).await.context("the server failed")?;
    Ok(())
}
