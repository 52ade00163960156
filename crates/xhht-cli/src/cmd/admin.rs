//! `xhht backup`, `restore`, `audit verify`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use xhht_core::Lang;

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::bail;
use xhht_app::App;
use xhht_app::io::{ExportFormat, ImportKind, ImportOptions, ImportProgress, Progress};

use crate::cmd::db::{open, runtime};
use crate::output::Out;

pub(crate) fn backup(o: &mut Out<'_>, db: &str, to: &Path) -> anyhow::Result<ExitCode> {
    runtime()?.block_on(async {
        let app = open(db).await?;
        app.db().backup(to).await.with_context(|| format!("cannot back up to {}", to.display()))
    })?;
    o.line(match o.lang {
        Lang::Vi => format!("Đã sao lưu vào {}", to.display()),
        Lang::En => format!("Backed up to {}", to.display()),
    })?;
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn restore(o: &mut Out<'_>, db: &str, from: &Path) -> anyhow::Result<ExitCode> {
    runtime()?.block_on(async {
        App::restore(from, db).await.with_context(|| format!("cannot restore {} into {db}", from.display()))
    })?;
    o.line(match o.lang {
        Lang::Vi => format!("Đã khôi phục {} vào {db}", from.display()),
        Lang::En => format!("Restored {} into {db}", from.display()),
    })?;
    Ok(ExitCode::SUCCESS)
}

mod audit;

/// `xhht audit verify` (see [`audit`]).
pub(crate) fn audit_verify(o: &mut Out<'_>, db: &str, command: crate::cli::AuditCommand) -> anyhow::Result<ExitCode> {
    audit::verify(o, db, command)
}

fn kind_of(kind: &str) -> anyhow::Result<ImportKind> {
    ImportKind::parse(kind).ok_or_else(|| {
        let all: Vec<&str> = ImportKind::ALL.iter().map(|k| k.id()).collect();
        anyhow::anyhow!("unknown kind `{kind}`; use one of: {}", all.join(", "))
    })
}

/// A progress bar on a terminal, nothing otherwise.
fn progress_bar() -> Option<(indicatif::ProgressBar, Progress)> {
    if !std::io::stdout().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg:12} [{bar:40}] {pos}/{len}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let b = bar.clone();
    let progress = Progress::new(move |p| match p {
        ImportProgress::Read { rows } => {
            b.set_message("đọc / read");
            b.set_length(*rows as u64);
            b.set_position(*rows as u64);
        }
        ImportProgress::Writing { table, done, total } => {
            b.set_message(*table);
            b.set_length(*total);
            b.set_position(*done);
        }
        ImportProgress::Committed => b.finish_and_clear(),
        _ => {}
    });
    Some((bar, progress))
}

pub(crate) fn import(
    o: &mut Out<'_>,
    db: &str,
    kind: &str,
    file: &Path,
    skip_bad_rows: bool,
    rejected: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    if kind == DUTY_REPORTS {
        if skip_bad_rows {
            bail!("--skip-bad-rows does not apply to {DUTY_REPORTS}: a report form is taken whole or not at all");
        }
        return import_duty_reports(o, db, file);
    }
    let kind = kind_of(kind)?;
    let mut opts = ImportOptions::new(crate::cmd::db::local_user("import").principal.user);
    opts.skip_bad_rows = skip_bad_rows;
    if skip_bad_rows {
        opts.rejected_to = Some(rejected.unwrap_or_else(|| PathBuf::from(format!("{}.rejected.csv", file.display()))));
    }
    let bar = progress_bar();
    opts.progress = bar.as_ref().map(|(_, p)| p.clone());
    let report = runtime()?.block_on(async {
        let app = open(db).await?;
        anyhow::Ok(app.db().import(kind, file, &opts).await?)
    });
    if let Some((b, _)) = &bar {
        b.finish_and_clear();
    }
    let report = report?;
    let w = &report.written;
    o.line(match o.lang {
        Lang::Vi => format!(
            "{}: {} dòng, nhập {}: thêm {}, sửa {}, không đổi {}; từ chối {}.",
            report.file, report.rows, report.imported, w.added, w.changed, w.unchanged, report.rejected
        ),
        Lang::En => format!(
            "{}: {} rows, {} imported: {} added, {} changed, {} unchanged; {} rejected.",
            report.file, report.rows, report.imported, w.added, w.changed, w.unchanged, report.rejected
        ),
    })?;
    if report.rows == 0 {
        o.line(o.tr(
            "Tệp không có dòng dữ liệu nào: chỉ có dòng tiêu đề, không nhập gì.",
            "The file holds no data rows: only the header; nothing was imported.",
        ))?;
    }
    for (table, w) in &report.also {
        o.line(format!("  {table}: +{} ~{} ={}", w.added, w.changed, w.unchanged))?;
    }
    if !report.ignored_columns.is_empty() {
        o.line(format!("{}: {}", o.tr("Cột bỏ qua", "Ignored columns"), report.ignored_columns.join(", ")))?;
    }
    for e in &report.errors {
        #[allow(clippy::print_stderr, reason = "rejected rows are reported on stderr")]
        {
            eprintln!("{e}");
        }
    }
    if let Some(to) = &opts.rejected_to
        && report.rejected > 0
    {
        o.line(format!("{}: {}", o.tr("Các dòng bị từ chối ghi tại", "Rejected rows written to"), to.display()))?;
    }
    Ok(if report.rejected > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// The import kind of filled actor report forms (not a table import of the store: the file is
/// the XLSX form of `xhht form` or a JSON list of duty reports).
const DUTY_REPORTS: &str = xhht_report::forms::IMPORT_KIND;

/// `xhht import duty-reports FILE.xlsx|FILE.json`: an actor's filled report form, checked against
/// the plan and the organisations on record, stored whole or not at all.
fn import_duty_reports(o: &mut Out<'_>, db: &str, file: &Path) -> anyhow::Result<ExitCode> {
    let name = file.display().to_string();
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {name}"))?;
    let who = crate::cmd::db::local_user("import");
    let outcome = runtime()?.block_on(async {
        let app = open(db).await?;
        let stored = match app.read_duty_reports(&name, &bytes) {
            Ok(items) => {
                let n = items.len();
                app.put_duty_reports(&who, items).await.map(|w| (n, w))
            }
            Err(e) => Err(e),
        };
        anyhow::Ok(stored)
    })?;
    let (n, w) = match outcome {
        Ok(done) => done,
        Err(xhht_app::Error::Invalid(problems)) => {
            for p in &problems {
                let line = if p.field.is_empty() { p.message.clone() } else { format!("{}: {}", p.field, p.message) };
                #[allow(clippy::print_stderr, reason = "problems are reported on stderr")]
                {
                    eprintln!("{line}");
                }
            }
            o.line(match o.lang {
                Lang::Vi => format!("{name}: {} lỗi; không nhập gì.", problems.len()),
                Lang::En => format!("{name}: {} problems; nothing imported.", problems.len()),
            })?;
            return Ok(ExitCode::FAILURE);
        }
        Err(e) => return Err(e.into()),
    };
    o.line(match o.lang {
        Lang::Vi => {
            format!("{name}: {n} kết quả nhiệm vụ: thêm {}, sửa {}, không đổi {}.", w.added, w.changed, w.unchanged)
        }
        Lang::En => {
            format!("{name}: {n} duty results: {} added, {} changed, {} unchanged.", w.added, w.changed, w.unchanged)
        }
    })?;
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn export(o: &mut Out<'_>, db: &str, kind: &str, out: &Path) -> anyhow::Result<ExitCode> {
    if kind == DUTY_REPORTS {
        if out.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() != Some("json") {
            bail!("name the output .json: {DUTY_REPORTS} are exported as the JSON list `xhht import` takes back");
        }
        let reports = runtime()?.block_on(async {
            let app = open(db).await?;
            anyhow::Ok(app.db().duty_reports().await?.into_iter().map(|v| v.value).collect::<Vec<_>>())
        })?;
        let json = serde_json::to_vec_pretty(&reports).context("cannot write the duty reports as JSON")?;
        std::fs::write(out, json).with_context(|| format!("cannot write {}", out.display()))?;
        o.line(format!("{}: {}", out.display(), reports.len()))?;
        return Ok(ExitCode::SUCCESS);
    }
    let kind = kind_of(kind)?;
    let format = match out.extension().and_then(|e| e.to_str()) {
        Some("csv") => ExportFormat::Csv,
        Some("xlsx") => ExportFormat::Xlsx,
        _ => bail!("name the output .csv or .xlsx"),
    };
    let n = runtime()?.block_on(async {
        let app = open(db).await?;
        anyhow::Ok(app.db().export(kind, format, out).await?)
    })?;
    o.line(format!("{}: {n}", out.display()))?;
    Ok(ExitCode::SUCCESS)
}

/// `xhht user add|token`: the accounts of `xhht-server`, kept in the same database.
pub(crate) fn user(o: &mut Out<'_>, db: &str, cmd: crate::cli::UserCommand) -> anyhow::Result<ExitCode> {
    use crate::cli::UserCommand;
    let rt = runtime()?;
    let actor = crate::cmd::db::local_user("user").principal.user;
    match cmd {
        UserCommand::Add { name, role, organisation, password_env, person } => {
            let password = match &password_env {
                Some(var) => {
                    Some(std::env::var(var).with_context(|| format!("the environment variable {var} is not set"))?)
                }
                None => None,
            };
            rt.block_on(async {
                let app = open(db).await?;
                match (role.as_str(), person.as_deref()) {
                    ("member", _) if organisation.is_some() => anyhow::bail!(
                        "tài khoản cá nhân không thuộc đơn vị nào: bỏ --organisation / a member account belongs to no organisation: leave out --organisation"
                    ),
                    // A person's own account: linked to a person on record, in one write.
                    ("member", Some(p)) => app.add_member(&actor, &name, p, password.as_deref()).await?,
                    _ => {
                        app.add_user(&actor, &name, &role, organisation.as_deref(), password.as_deref()).await?;
                        if person.is_some() {
                            app.link_person(&actor, &name, person.as_deref()).await?;
                        }
                    }
                }
                anyhow::Ok(())
            })
            .with_context(|| format!("không thêm được tài khoản `{name}` / cannot add the user `{name}`"))?;
            o.line(match o.lang {
                Lang::Vi => format!("Đã thêm tài khoản {name} ({role})."),
                Lang::En => format!("Added the user {name} ({role})."),
            })?;
        }
        UserCommand::Password { name, password_env } => {
            let password = std::env::var(&password_env)
                .with_context(|| format!("the environment variable {password_env} is not set"))?;
            rt.block_on(async { anyhow::Ok(open(db).await?.set_password(&actor, &name, Some(&password)).await?) })
                .with_context(|| format!("cannot set the password of `{name}`"))?;
            o.line(match o.lang {
                Lang::Vi => format!("Đã đặt mật khẩu mới cho {name}; mọi phiên và mã truy cập cũ đã chấm dứt."),
                Lang::En => format!("Set a new password for {name}; every session and token it held has ended."),
            })?;
        }
        UserCommand::Disable { name } => {
            rt.block_on(async { anyhow::Ok(open(db).await?.disable_user(&actor, &name).await?) })
                .with_context(|| format!("cannot disable `{name}`"))?;
            o.line(match o.lang {
                Lang::Vi => format!("Đã khóa tài khoản {name}: không còn đăng nhập được (mở lại: xhht user password)."),
                Lang::En => format!("Disabled {name}: it can no longer log in (enable it again: xhht user password)."),
            })?;
        }
        UserCommand::Revoke { prefix } => {
            let n = rt
                .block_on(async { anyhow::Ok(open(db).await?.revoke_token(&actor, &prefix).await?) })
                .with_context(|| format!("cannot revoke the tokens `{prefix}`"))?;
            o.line(match o.lang {
                Lang::Vi => format!("Đã thu hồi {n} mã truy cập."),
                Lang::En => format!("Revoked {n} token(s)."),
            })?;
        }
        UserCommand::Token { user, name } => {
            let token = rt
                .block_on(async {
                    let app = open(db).await?;
                    anyhow::Ok(app.create_token(&actor, &user, &name).await?)
                })
                .with_context(|| format!("cannot create a token for `{user}`"))?;
            o.line(token)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
