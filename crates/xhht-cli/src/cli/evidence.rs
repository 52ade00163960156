//! The command-line definition of `xhht evidence …`: files attached to an assessment as its
//! evidence, added, listed, saved and removed as the local administrator or, with `--as`, as a
//! stored account.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use xhht_core::record::SubjectRef;

use super::steps::parse_subject;

/// Which assessment: whose, under which rulebook, for which data year.
#[derive(Debug, Clone, Args)]
pub struct AssessmentArgs {
    /// Đánh giá của ai: person:MÃ hoặc organisation:MÃ / whose assessment: person:ID or organisation:CODE.
    #[arg(value_parser = parse_subject)]
    pub subject: SubjectRef,
    /// Mã bộ tiêu chí của đánh giá, ví dụ cong-dan-hoc-tap / the assessment's rulebook, e.g. cong-dan-hoc-tap.
    pub rulebook: String,
    /// Năm dữ liệu / the data year.
    #[arg(long)]
    pub year: i32,
}

/// `xhht evidence …`
#[derive(Debug, Subcommand)]
pub enum EvidenceCommand {
    /// Đính kèm tệp minh chứng (PDF, PNG, JPEG, DOCX, XLSX; tối đa 10 MiB, 20 tệp mỗi đánh giá) / attach an evidence file (PDF, PNG, JPEG, DOCX, XLSX; at most 10 MiB, 20 files per assessment).
    Add {
        #[command(flatten)]
        key: AssessmentArgs,
        /// Tệp cần đính kèm / the file to attach.
        file: PathBuf,
        /// Tên lưu trong hồ sơ (mặc định: tên của tệp) / the name to keep it under (default: the file's name).
        #[arg(long)]
        name: Option<String>,
    },
    /// Liệt kê tệp minh chứng của một đánh giá / list an assessment's evidence files.
    List {
        #[command(flatten)]
        key: AssessmentArgs,
    },
    /// Lưu một tệp minh chứng ra đĩa / save one evidence file to disk.
    Get {
        #[command(flatten)]
        key: AssessmentArgs,
        /// Tên tệp trong hồ sơ (như `list` in ra) / the file's name in the assessment (as `list` prints it).
        name: String,
        /// Tệp đích (chưa có) / where to write it (a file that does not exist yet).
        #[arg(long)]
        out: PathBuf,
    },
    /// Gỡ một tệp minh chứng (nhật ký giữ lại dấu vết) / remove an evidence file (the audit trail keeps a record of it).
    Remove {
        #[command(flatten)]
        key: AssessmentArgs,
        /// Tên tệp trong hồ sơ / the file's name in the assessment.
        name: String,
    },
}
