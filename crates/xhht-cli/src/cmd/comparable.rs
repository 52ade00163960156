//! `xhht progress --comparable [--year Y]`: where the rules that decide "Đơn vị học tập" changed
//! between last year and this one, last year's records judged under this year's rules.

use std::process::ExitCode;

use super::db::{open, runtime};
use crate::output::{Out, col};

/// Prints the comparable figure of data year `year` (a table, or the JSON/CSV row).
pub(crate) fn run(o: &mut Out<'_>, db: &str, year: i32) -> anyhow::Result<ExitCode> {
    let r = runtime()?.block_on(async {
        let app = open(db).await?;
        anyhow::Ok(app.comparable(year).await?)
    })?;
    let Some(r) = r else {
        o.line(o.tr(
            "Hai năm được xét theo cùng một căn cứ: không cần số liệu so sánh.",
            "Both years are judged under the same rules: no comparable figure is needed.",
        ))?;
        return Ok(ExitCode::SUCCESS);
    };
    let lang = o.lang;
    let note = if r.assessed == 0 {
        match lang {
            xhht_core::Lang::Vi => {
                format!("không tính được: không đơn vị nào có hồ sơ đánh giá năm {} theo bộ tiêu chí này", r.year)
            }
            xhht_core::Lang::En => format!("cannot be computed: no unit has a {} assessment under these rules", r.year),
        }
    } else {
        o.tr(
            "chấm lại hồ sơ theo căn cứ mới; chưa tính quyết định công nhận; đơn vị không có hồ sơ theo căn cứ này không được tính",
            "records judged again under the new rules; recognition decisions not counted; units without an assessment under them are left out",
        )
        .to_owned()
    };
    let cols = [
        col("year", "Năm hồ sơ", "Records of"),
        col("under_year", "Theo căn cứ năm", "Under the rules of"),
        col("rules", "Căn cứ xét", "Rules"),
        col("organisations", "Số đơn vị", "Units"),
        col("assessed", "Có hồ sơ theo căn cứ này", "Assessed under them"),
        col("meeting", "Đạt", "Meeting them"),
        col("share", "Tỷ lệ (%)", "Share (%)"),
        col("note", "Ghi chú", "Note"),
    ];
    let for_people = o.format == crate::cli::Format::Table;
    let row = vec![
        r.year.to_string(),
        r.under_year.to_string(),
        if for_people { r.title.get(lang).to_owned() } else { format!("{}@{}", r.rulebook, r.version) },
        r.organisations.to_string(),
        r.assessed.to_string(),
        r.meeting.to_string(),
        r.share.map(|s| s.to_string()).unwrap_or_default(),
        note,
    ];
    o.table(&cols, &[row])?;
    Ok(ExitCode::SUCCESS)
}
