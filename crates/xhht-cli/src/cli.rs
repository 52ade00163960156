//! The command-line definition (clap). Help is bilingual: Vietnamese first, English beside it.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use xhht_core::Lang;

/// xhht — hệ thống quy tắc và hồ sơ phong trào thi đua xây dựng xã hội học tập
/// (rules engine and records for the learning-society emulation movement).
#[derive(Debug, Parser)]
#[command(name = "xhht", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    /// Ngôn ngữ hiển thị / display language.
    #[arg(long, global = true, value_enum, default_value_t = LangArg::Vi, env = "XHHT_LANG")]
    pub lang: LangArg,
    /// Định dạng đầu ra cho bảng / output format for tables.
    #[arg(long, global = true, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Lệnh / command.
    #[command(subcommand)]
    pub command: Command,
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
    /// Chấm điểm một tệp CSV theo bộ tiêu chí, không cần cơ sở dữ liệu / score a CSV of assessments, no database needed.
    Score(ScoreArgs),
    /// Bộ tiêu chí (rulebook): liệt kê, xem, kiểm tra, so sánh / rulebooks: list, show, check, diff.
    Rulebook {
        /// Việc cần làm / what to do.
        #[command(subcommand)]
        command: RulebookCommand,
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
    /// Tệp CSV: cột `id` rồi một cột cho mỗi chỉ tiêu / a CSV file: an `id` column, then one column per indicator.
    #[arg(required_unless_present = "template")]
    pub file: Option<std::path::PathBuf>,
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
