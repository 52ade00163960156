//! `xhht backup`, `restore`, `audit verify`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use xhht_core::Lang;
use xhht_store::Store;

use crate::cmd::db::{open, runtime};
use crate::output::Out;

pub(crate) fn backup(o: &mut Out<'_>, db: &str, to: &Path) -> anyhow::Result<ExitCode> {
    runtime()?.block_on(async {
        let store = open(db).await?;
        store.backup(to).await.with_context(|| format!("cannot back up to {}", to.display()))
    })?;
    o.line(match o.lang {
        Lang::Vi => format!("Đã sao lưu vào {}", to.display()),
        Lang::En => format!("Backed up to {}", to.display()),
    })?;
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn restore(o: &mut Out<'_>, db: &str, from: &Path) -> anyhow::Result<ExitCode> {
    runtime()?.block_on(async {
        Store::restore(from, db).await.with_context(|| format!("cannot restore {} into {db}", from.display()))
    })?;
    o.line(match o.lang {
        Lang::Vi => format!("Đã khôi phục {} vào {db}", from.display()),
        Lang::En => format!("Restored {} into {db}", from.display()),
    })?;
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn audit_verify(o: &mut Out<'_>, db: &str) -> anyhow::Result<ExitCode> {
    let report = runtime()?.block_on(async {
        let store = open(db).await?;
        anyhow::Ok(store.audit_verify().await?)
    })?;
    if report.is_ok() {
        o.line(match o.lang {
            Lang::Vi => format!("Nhật ký toàn vẹn: {} mục, chuỗi băm khớp.", report.entries),
            Lang::En => format!("The audit trail is intact: {} entries, the hash chain holds.", report.entries),
        })?;
        Ok(ExitCode::SUCCESS)
    } else {
        o.line(format!("{report:?}"))?;
        Ok(ExitCode::FAILURE)
    }
}
