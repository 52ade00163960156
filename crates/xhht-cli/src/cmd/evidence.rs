//! `xhht evidence add|list|get|remove`: evidence files on an assessment, from the command line.
//! Each opens the database, finds who acts (`--as`, or the local administrator), makes one call
//! of `xhht_app::evidence` — which asks who may, sniffs the type and applies the bounds — and
//! says what was done.

use std::io::{Read, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use chrono::NaiveDate;
use xhht_app::evidence::MAX_FILE_BYTES;
use xhht_core::Lang;
use xhht_core::record::SubjectRef;

use crate::cli::{Acting, AssessmentArgs, EvidenceCommand, Format};
use crate::cmd::steps::act;
use crate::output::{Out, col};

fn subject_text(s: &SubjectRef) -> String {
    let kind = if matches!(s, SubjectRef::Person(_)) { "person" } else { "organisation" };
    format!("{kind}:{}", s.id())
}

/// How an assessment is named in messages: `person:GV002 cong-dan-hoc-tap 2024`.
fn assessment_name(k: &AssessmentArgs) -> String {
    format!("{} {} {}", subject_text(&k.subject), k.rulebook, k.year)
}

/// The file at `path`, refused past [`MAX_FILE_BYTES`] before it is read whole.
fn read_bounded(path: &Path) -> anyhow::Result<Vec<u8>> {
    let shown = path.display();
    let f = std::fs::File::open(path).with_context(|| format!("không đọc được {shown} / cannot read {shown}"))?;
    let mut bytes = Vec::new();
    f.take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("không đọc được {shown} / cannot read {shown}"))?;
    if bytes.len() > MAX_FILE_BYTES {
        bail!(
            "{shown}: tệp lớn hơn {m} MiB / the file is larger than {m} MiB, the most an evidence file may be",
            m = MAX_FILE_BYTES >> 20
        );
    }
    Ok(bytes)
}

/// `xhht evidence …`.
pub(crate) fn run(
    o: &mut Out<'_>,
    db: &str,
    today: NaiveDate,
    acting: &Acting,
    cmd: EvidenceCommand,
) -> anyhow::Result<ExitCode> {
    match cmd {
        EvidenceCommand::Add { key, file, name } => {
            let bytes = read_bounded(&file)?;
            let name = name.or_else(|| file.file_name().map(|n| n.to_string_lossy().into_owned())).unwrap_or_default();
            let what = assessment_name(&key);
            let done = act(db, acting, "evidence add", async |app, who| {
                app.add_evidence(who, key.subject.clone(), &key.rulebook, key.year, &name, &bytes, today).await
            })
            .with_context(|| {
                format!(
                    "không đính kèm được {name} vào đánh giá {what} / cannot attach {name} to the assessment {what}"
                )
            })?;
            let f = &done.file;
            o.line(match (o.lang, done.added) {
                (Lang::Vi, true) => {
                    format!("Đã đính kèm {} ({}, {} byte) vào đánh giá {what}.", f.name, f.media_type, f.size)
                }
                (Lang::En, true) => {
                    format!("Attached {} ({}, {} bytes) to the assessment {what}.", f.name, f.media_type, f.size)
                }
                (Lang::Vi, false) => format!("Đánh giá {what} đã có tệp {} này: không có gì thay đổi.", f.name),
                (Lang::En, false) => {
                    format!("The assessment {what} has this file {} already: nothing changed.", f.name)
                }
            })?;
        }
        EvidenceCommand::List { key } => {
            let what = assessment_name(&key);
            let files = act(db, acting, "evidence list", async |app, who| {
                app.evidence_of(who, &key.subject, &key.rulebook, key.year, today).await
            })
            .with_context(|| {
                format!("không liệt kê được minh chứng của {what} / cannot list the evidence of {what}")
            })?;
            if o.format == Format::Json {
                o.json(&files)?;
            } else if files.is_empty() && o.format == Format::Table {
                o.line(format!(
                    "{} {what}",
                    o.tr("Chưa có tệp minh chứng nào cho đánh giá", "No evidence file for the assessment")
                ))?;
            } else {
                let cols = [
                    col("name", "Tên tệp", "File"),
                    col("media_type", "Loại", "Type"),
                    col("size", "Cỡ (byte)", "Size (bytes)"),
                    col("sha256", "SHA-256", "SHA-256"),
                    col("added_by", "Người thêm", "Added by"),
                    col("added_on", "Ngày thêm", "Added on"),
                ];
                let rows: Vec<Vec<String>> = files
                    .iter()
                    .map(|f| {
                        vec![
                            f.name.clone(),
                            f.media_type.clone(),
                            f.size.to_string(),
                            f.sha256.clone(),
                            f.added_by.clone(),
                            f.added_on.to_string(),
                        ]
                    })
                    .collect();
                o.table(&cols, &rows)?;
            }
        }
        EvidenceCommand::Get { key, name, out } => {
            let what = assessment_name(&key);
            let content = act(db, acting, "evidence get", async |app, who| {
                app.evidence_file(who, &key.subject, &key.rulebook, key.year, &name, today).await
            })
            .with_context(|| {
                format!("không lấy được {name} của đánh giá {what} / cannot get {name} of the assessment {what}")
            })?;
            let shown = out.display();
            let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&out).with_context(|| {
                format!("không tạo được {shown} (đã có?) / cannot create {shown} (does it exist already?)")
            })?;
            f.write_all(&content.bytes).with_context(|| format!("không ghi được {shown} / cannot write {shown}"))?;
            o.line(match o.lang {
                Lang::Vi => {
                    format!("Đã lưu {name} ({}, {} byte) vào {shown}.", content.file.media_type, content.file.size)
                }
                Lang::En => {
                    format!("Saved {name} ({}, {} bytes) to {shown}.", content.file.media_type, content.file.size)
                }
            })?;
        }
        EvidenceCommand::Remove { key, name } => {
            let what = assessment_name(&key);
            act(db, acting, "evidence remove", async |app, who| {
                app.remove_evidence(who, &key.subject, &key.rulebook, key.year, &name, today).await
            })
            .with_context(|| {
                format!("không gỡ được {name} khỏi đánh giá {what} / cannot remove {name} from the assessment {what}")
            })?;
            o.line(match o.lang {
                Lang::Vi => format!("Đã gỡ {name} khỏi đánh giá {what}."),
                Lang::En => format!("Removed {name} from the assessment {what}."),
            })?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
