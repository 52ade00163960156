//! Opening the database for a command: the use cases of `xhht-app` over it.

use anyhow::Context;
use xhht_app::App;

/// A runtime for the use cases' async API (the CLI itself is synchronous).
pub(crate) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the async runtime")
}

/// Opens (and migrates) the database, with the deployment's letterheads when `XHHT_ISSUERS`
/// names a file of them.
pub(crate) async fn open(db: &str) -> anyhow::Result<App> {
    let app = App::open(db)
        .await
        .with_context(|| format!("cannot open the database `{db}` (give another with --db or XHHT_DATABASE_URL)"))?;
    match std::env::var_os("XHHT_ISSUERS") {
        Some(path) if !path.is_empty() => {
            let issuers = App::issuers_from_file(std::path::Path::new(&path))
                .context("cannot read the issuers named by XHHT_ISSUERS")?;
            Ok(app.with_issuers(issuers))
        }
        _ => Ok(app),
    }
}

/// Who runs the command, for the audit trail: `xhht <what> (<OS user>)`.
pub(crate) fn local_user(what: &str) -> xhht_app::auth::AuthUser {
    xhht_app::auth::AuthUser::local(format!("xhht {what} ({})", whoami()))
}

fn whoami() -> String {
    std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_else(|_| "unknown".to_owned())
}

/// Who a workflow command acts as: the stored account `name` (`--as`), or the local
/// administrator named after `what`.
pub(crate) async fn acting(app: &App, name: Option<&str>, what: &str) -> anyhow::Result<xhht_app::auth::AuthUser> {
    let Some(name) = name else { return Ok(local_user(what)) };
    let user = app.db().user(name).await.with_context(|| format!("cannot read the account `{name}`"))?;
    user.ok_or_else(|| {
        anyhow::anyhow!("không có tài khoản “{name}” (thêm bằng xhht user add) / no account named “{name}” (add it with xhht user add)")
    })
}
