//! The command-line definition (clap). Help is bilingual: Vietnamese first, English beside it.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use xhht_core::Lang;

mod evidence;
mod steps;
mod user;

pub(crate) use evidence::{AssessmentArgs, EvidenceCommand};
pub(crate) use steps::{Acting, HistoryCommand, ProposalArgs, ProposalCommand, StudyPlanCommand};
pub(crate) use user::UserCommand;

/// xhht — hệ thống quy tắc và hồ sơ phong trào thi đua xây dựng xã hội học tập
/// (rules engine and records for the learning-society emulation movement).
#[derive(Debug, Parser)]
#[command(name = "xhht", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    /// Ngôn ngữ hiển thị / display language.
    #[arg(long, global = true, value_enum, default_value_t = LangArg::Vi, env = "XHHT_LANG")]
    pub lang: LangArg,
    /// Định dạng đầu ra: bảng (table, json, csv) hoặc báo cáo (md, html, json, csv, xlsx, docx) / output format: tables (table, json, csv) or reports (md, html, json, csv, xlsx, docx).
    #[arg(long, global = true, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Cơ sở dữ liệu: đường dẫn tệp SQLite hoặc URL postgres:// / the database: a SQLite file path or a postgres:// URL.
    #[arg(long, global = true, env = "XHHT_DATABASE_URL", default_value = "xhht.db")]
    pub db: String,
    /// Ngày tính "hôm nay" (dd/mm/yyyy hoặc yyyy-mm-dd; mặc định: hôm nay) / the day that counts as today (default: today).
    #[arg(long = "as-of", global = true, value_parser = parse_day)]
    pub as_of: Option<chrono::NaiveDate>,
    /// Lệnh / command.
    #[command(subcommand)]
    pub command: Command,
}

pub(crate) fn parse_day(s: &str) -> Result<chrono::NaiveDate, String> {
    xhht_core::date::parse_date_text(s)
}

/// A display language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    /// Tiếng Việt / Vietnamese.
    Vi,
    /// Tiếng Anh / English.
    En,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Self {
        match l {
            LangArg::Vi => Lang::Vi,
            LangArg::En => Lang::En,
        }
    }
}

/// How tabular output is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Bảng cho người đọc / a table for people.
    Table,
    /// JSON cho chương trình / JSON for programs.
    Json,
    /// CSV cho bảng tính / CSV for spreadsheets.
    Csv,
    /// Markdown (báo cáo / reports).
    Md,
    /// HTML có biểu đồ (báo cáo / reports).
    Html,
    /// Excel (báo cáo, xuất dữ liệu / reports, exports).
    Xlsx,
    /// Word (báo cáo / reports).
    Docx,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Kế hoạch: mục tiêu, tiến độ, các cơ quan và nhiệm vụ / the plan: targets, timeline, actors and duties.
    Plan {
        /// Việc cần làm / what to show.
        #[command(subcommand)]
        command: PlanCommand,
    },
    /// Chấm điểm một tệp CSV hoặc XLSX theo bộ tiêu chí, không cần cơ sở dữ liệu / score a CSV or XLSX of assessments, no database needed.
    Score(ScoreArgs),
    /// Bộ tiêu chí (rulebook): liệt kê, xem, kiểm tra, so sánh / rulebooks: list, show, check, diff.
    Rulebook {
        /// Việc cần làm / what to do.
        #[command(subcommand)]
        command: RulebookCommand,
    },
    /// Tạo CSDL mô phỏng huyện Cần Đước, chấm mọi năm, viết báo cáo / build a synthetic Cần Đước database, evaluate every year, write the reports.
    Demo(DemoArgs),
    /// Chấm một năm dữ liệu, lưu kết quả và bản tổng hợp cho báo cáo / evaluate a data year, store the results and the year's digest for reports.
    Evaluate {
        /// Năm dữ liệu (mặc định: năm của --as-of) / the data year (default: the year of --as-of).
        #[arg(long)]
        year: Option<i32>,
    },
    /// Giải thích kết quả của một người hoặc đơn vị / explain the results of a person or unit.
    Explain {
        /// Mã người hoặc mã đơn vị / a person id or an organisation code.
        entity: String,
        /// Năm dữ liệu / the data year.
        #[arg(long)]
        year: Option<i32>,
    },
    /// Tiến độ các mục tiêu / progress on the plan's targets.
    Progress {
        /// Năm dữ liệu / the data year.
        #[arg(long)]
        year: Option<i32>,
        /// Chi tiết theo xã hoặc loại hình / break down by commune or kind of organisation.
        #[arg(long, value_parser = ["commune", "kind"])]
        by: Option<String>,
        /// Số liệu so sánh khi đổi căn cứ xét: hồ sơ năm trước chấm lại theo căn cứ của năm này / the comparable figure across a change of rules: last year's records judged under this year's rules.
        #[arg(long, conflicts_with = "by")]
        comparable: bool,
    },
    /// Tình hình nộp báo cáo năm so với hạn / annual reports received against the deadline.
    Deadlines {
        /// Năm dữ liệu / the data year.
        #[arg(long)]
        year: Option<i32>,
    },
    /// Danh sách đủ điều kiện khen thưởng / who is eligible for a reward.
    Rewards {
        /// Khen thưởng hằng năm của năm này / the annual reward of this year.
        #[arg(long, conflicts_with = "phase")]
        year: Option<i32>,
        /// Khen thưởng giai đoạn (1: sơ kết 2025, 2: tổng kết 2030) / the phase reward (1 or 2).
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=2))]
        phase: Option<u8>,
    },
    /// Xuất báo cáo năm hoặc báo cáo giai đoạn / write the annual report or a phase review.
    Report(ReportArgs),
    /// Mẫu báo cáo năm của một cơ quan theo nhiệm vụ trong kế hoạch (xlsx/docx để điền) / an actor's annual report form, from its duties in the plan (xlsx or docx to fill).
    Form {
        /// Mã cơ quan trong kế hoạch, ví dụ phong-ldtbxh / the plan actor, e.g. phong-ldtbxh.
        actor: String,
        /// Mã đơn vị báo cáo / the reporting organisation's code.
        #[arg(long)]
        org: String,
        /// Tên đơn vị (mặc định: theo mã) / the organisation's name (default: its code).
        #[arg(long)]
        name: Option<String>,
        /// Năm dữ liệu / the data year.
        #[arg(long)]
        year: Option<i32>,
        /// Tệp đích (.xlsx hoặc .docx) / the output file (.xlsx or .docx).
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Nhập tệp CSV/XLSX của đơn vị (tất cả hoặc không) / import an officials' CSV or XLSX file (all or nothing).
    Import {
        /// Loại dữ liệu / what the file holds: areas, successions, organisations, people, memberships, clans, communities, households, registrations, commitments, self-study-plans, assessments, recognitions, report-submissions; duty-reports (a filled `xhht form`, .xlsx, or a JSON list).
        kind: String,
        /// Tệp CSV hoặc XLSX (duty-reports: XLSX hoặc JSON) / the CSV or XLSX file (duty-reports: XLSX or JSON).
        file: std::path::PathBuf,
        /// Nhập các dòng đúng, ghi các dòng lỗi ra tệp / import the good rows and write the bad ones to a file.
        #[arg(long)]
        skip_bad_rows: bool,
        /// Tệp ghi các dòng bị từ chối (mặc định: TỆP.rejected.csv) / where the rejected rows go (default: FILE.rejected.csv).
        #[arg(long)]
        rejected: Option<std::path::PathBuf>,
    },
    /// Xuất dữ liệu ra CSV hoặc XLSX (định dạng nhập lại được) / export records as CSV or XLSX (in the import format).
    Export {
        /// Loại dữ liệu (như `import`) / what to export (as for `import`).
        kind: String,
        /// Tệp đích (.csv hoặc .xlsx; duty-reports: .json) / the output file (.csv or .xlsx; duty-reports: .json).
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Sao lưu CSDL ra tệp / back the database up to a file.
    Backup {
        /// Tệp (SQLite) hoặc thư mục (PostgreSQL) đích / the target file (SQLite) or folder (PostgreSQL).
        file: std::path::PathBuf,
    },
    /// Khôi phục CSDL từ bản sao lưu vào --db / restore a backup into --db.
    Restore {
        /// Bản sao lưu / the backup.
        file: std::path::PathBuf,
    },
    /// Nhật ký thay đổi / the audit trail.
    Audit {
        /// Việc cần làm / what to do.
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Kế hoạch tự học: gửi, phê duyệt, trả lại, điều chỉnh / self-study plans: submit, approve, return, correct.
    StudyPlan {
        #[command(flatten)]
        acting: Acting,
        /// Việc cần làm / what to do.
        #[command(subcommand)]
        command: StudyPlanCommand,
    },
    /// Hồ sơ đề nghị khen thưởng: đề nghị, thẩm định, quyết định, điều chỉnh / reward proposals: propose, verify, decide, correct.
    Proposal {
        #[command(flatten)]
        acting: Acting,
        /// Việc cần làm / what to do.
        #[command(subcommand)]
        command: ProposalCommand,
    },
    /// Tệp minh chứng của đánh giá: đính kèm, liệt kê, lưu, gỡ / evidence files on assessments: add, list, get, remove.
    Evidence {
        #[command(flatten)]
        acting: Acting,
        /// Việc cần làm / what to do.
        #[command(subcommand)]
        command: EvidenceCommand,
    },
    /// Việc đang chờ tài khoản (mặc định: quản trị viên cục bộ) / what awaits an account (default: the local administrator).
    Inbox {
        #[command(flatten)]
        acting: Acting,
        /// Năm dữ liệu (mặc định: năm của --as-of) / the data year (default: the year of --as-of).
        #[arg(long)]
        year: Option<i32>,
    },
    /// Quá trình xử lý một hồ sơ, từ nhật ký / the processing history of a record, from the audit trail.
    History {
        #[command(flatten)]
        acting: Acting,
        /// Hồ sơ nào / which record.
        #[command(subcommand)]
        command: HistoryCommand,
    },
    /// Tài khoản và mã truy cập API của máy chủ / server accounts and API tokens.
    User {
        /// Việc cần làm / what to do.
        #[command(subcommand)]
        command: UserCommand,
    },
    /// In mã tự hoàn thành lệnh cho shell / print shell completions.
    Completions {
        /// Shell: bash, zsh, fish, powershell, elvish.
        shell: clap_complete::Shell,
    },
    /// In tài liệu lệnh dạng Markdown (docs/cli.md) / print the command reference as Markdown.
    #[command(hide = true)]
    HelpMarkdown,
}

/// `xhht score …`
#[derive(Debug, clap::Args)]
pub struct ScoreArgs {
    /// Mã bộ tiêu chí / the rulebook id, e.g. cong-dan-hoc-tap.
    #[arg(long)]
    pub rulebook: String,
    /// Năm dữ liệu (mặc định: năm nay) / the data year (default: this year).
    #[arg(long)]
    pub year: Option<i32>,
    /// Dùng phiên bản này thay cho phiên bản hiệu lực của năm / use this version instead of the one in force.
    #[arg(long = "rulebook-version")]
    pub rulebook_version: Option<String>,
    /// Đối tượng đánh giá khi bộ tiêu chí có nhiều cấp / who is evaluated, when the rulebook has several tiers.
    #[arg(long, value_parser = ["person", "organisation", "household", "clan", "community", "commune", "district", "province"])]
    pub subject: Option<String>,
    /// Kèm giải thích và điều còn thiếu / include the explanation and what is missing.
    #[arg(long)]
    pub explain: bool,
    /// In dòng tiêu đề CSV cần có rồi thoát / print the expected CSV header line and exit.
    #[arg(long)]
    pub template: bool,
    /// Tệp CSV hoặc sổ tính (.xlsx, .xls, .ods; trang đầu): cột `id` rồi một cột cho mỗi chỉ tiêu / a CSV file or a workbook (.xlsx, .xls, .ods; its first sheet): an `id` column, then one column per indicator.
    #[arg(required_unless_present = "template")]
    pub file: Option<std::path::PathBuf>,
}

/// `xhht demo …`
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Quy mô / size: district (huyện), province (tỉnh), tiny (thử nghiệm).
    #[arg(long, value_parser = ["district", "province", "tiny"], default_value = "district")]
    pub size: String,
    /// Hạt giống ngẫu nhiên / the seed.
    #[arg(long, default_value_t = 2024)]
    pub seed: u64,
    /// Thư mục ghi báo cáo / the folder for the reports.
    #[arg(long, default_value = "xhht-demo")]
    pub out: std::path::PathBuf,
    /// Ghi đè tệp CSDL đã có / replace an existing database file.
    #[arg(long)]
    pub force: bool,
}

/// `xhht report …`
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Loại báo cáo / which report: annual (năm) or phase (giai đoạn).
    #[arg(value_parser = ["annual", "phase"])]
    pub kind: String,
    /// Năm dữ liệu (báo cáo năm) / the data year (annual).
    #[arg(long)]
    pub year: Option<i32>,
    /// Giai đoạn (1: sơ kết 2023–2025, 2: tổng kết 2023–2030) / the phase.
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=2))]
    pub phase: Option<u8>,
    /// Phạm vi: district, commune:MÃ, org:MÃ, actor:MÃ / the scope.
    #[arg(long, default_value = "district")]
    pub scope: String,
    /// Tệp đích (csv: một thư mục, mỗi bảng một tệp) / the output file (csv: a folder with one file per table).
    #[arg(long)]
    pub out: std::path::PathBuf,
}

/// `xhht audit …`
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Kiểm tra chuỗi băm của nhật ký, in đầu chuỗi để công bố / walk the hash chain, report the first broken link and print the head to publish.
    Verify {
        /// Đầu chuỗi đã công bố (SỐ:BĂM hoặc BĂM): phải còn là đầu chuỗi / a head published before (SEQ:HASH or HASH): it must still be the head.
        #[arg(long, value_name = "SEQ:HASH", conflicts_with = "checkpoint")]
        expect: Option<String>,
        /// Một mục đã công bố trước (SỐ:BĂM): phải còn nguyên, sau nó có thể có mục mới / an entry published before (SEQ:HASH): it must be there unchanged; later entries may follow it.
        #[arg(long, value_name = "SEQ:HASH")]
        checkpoint: Option<String>,
        /// Tệp khóa kiểm toán để kiểm các mục có khóa / the audit key file, to check keyed entries.
        #[arg(long, value_name = "FILE", env = "XHHT_AUDIT_KEY_FILE")]
        audit_key: Option<PathBuf>,
        /// Dựng lại các bảng từ nhật ký và so với dữ liệu thật / also replay the trail into the tables and compare them with what they hold.
        #[arg(long)]
        deep: bool,
    },
}

/// `xhht plan …`
#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Toàn văn kế hoạch theo mục, kèm mã / the whole plan, section by section, with ids.
    Show,
    /// Các mục tiêu đến năm 2030 và mốc quốc gia tham chiếu / the targets for 2030 and national milestones.
    Targets,
    /// Giai đoạn, sơ kết/tổng kết và hạn báo cáo hằng năm / phases, reviews and yearly report deadlines.
    Timeline,
    /// Các cơ quan, đơn vị và nhiệm vụ; có ID thì xem chi tiết / actors and duties; with an ID, one actor in detail.
    Actors {
        /// Mã cơ quan, ví dụ actor.phong-gddt / an actor id, e.g. actor.phong-gddt.
        id: Option<String>,
    },
    /// Kiểm tra tệp kế hoạch (TOML) như một bộ tiêu chí: lỗi kèm dòng / check plan files (TOML) like a rulebook: errors with their line.
    ///
    /// Prints each file's plan and the days it is in force, or every problem as FILE:LINE;
    /// exits 1 when a file has a problem.
    Check {
        /// Tệp TOML / TOML files.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

/// `xhht rulebook …`
#[derive(Debug, Subcommand)]
pub enum RulebookCommand {
    /// Liệt kê các bộ tiêu chí đi kèm / list the shipped rulebooks.
    List,
    /// Xem một bộ tiêu chí (mã, mã@phiên-bản hoặc đường dẫn) / show one rulebook (id, id@version or path).
    Show {
        /// Mã bộ tiêu chí, mã@phiên-bản, hoặc đường dẫn tệp TOML / a rulebook id, id@version, or a TOML file path.
        id: String,
    },
    /// Kiểm tra tĩnh; không có PATH thì kiểm tra các bộ đi kèm / static check; without PATH, the shipped rulebooks.
    ///
    /// Prints every problem and every `assumed` item; exits 1 when there is an error.
    Check {
        /// Tệp hoặc thư mục TOML / TOML files or folders.
        paths: Vec<PathBuf>,
    },
    /// So sánh hai bộ tiêu chí hoặc hai phiên bản (ID@PHIÊN-BẢN) / what changed between two rulebooks or versions (ID@VERSION).
    Diff {
        /// Bên trái: mã, đường dẫn, hoặc mã@phiên-bản / left: id, path, or id@version.
        left: String,
        /// Bên phải / right.
        right: String,
    },
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
