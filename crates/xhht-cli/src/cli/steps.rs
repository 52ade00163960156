//! The command-line definition of the workflow steps: self-study plans, reward proposals, the
//! inbox and a record's history, each taken as the local administrator or, with `--as`, as a
//! stored account.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use xhht_core::record::SubjectRef;

/// `--as USER`, on each workflow command and its subcommands.
#[derive(Debug, Clone, Args)]
pub struct Acting {
    /// Làm với tư cách tài khoản này (mặc định: quản trị viên cục bộ) / act as this stored account (default: the local administrator).
    #[arg(long = "as", value_name = "USER", global = true)]
    pub user: Option<String>,
}

/// Which proposal: the reward rule, who is proposed, the data year.
#[derive(Debug, Clone, Args)]
pub struct ProposalArgs {
    /// Mã quy tắc khen thưởng của kế hoạch, ví dụ reward.annual.individual / the plan's reward rule, e.g. reward.annual.individual.
    pub reward: String,
    /// Người hoặc đơn vị được đề nghị: person:MÃ hoặc organisation:MÃ / who is proposed: person:ID or organisation:CODE.
    #[arg(value_parser = parse_subject)]
    pub subject: SubjectRef,
    /// Năm dữ liệu / the data year.
    #[arg(long)]
    pub year: i32,
}

/// A subject as the command line names it: `person:ID` or `organisation:CODE`.
pub(crate) fn parse_subject(s: &str) -> Result<SubjectRef, String> {
    let bad = || {
        format!(
            "“{s}”: ghi person:MÃ hoặc organisation:MÃ, ví dụ person:GV001 / write person:ID or organisation:CODE, e.g. person:GV001"
        )
    };
    match s.split_once(':') {
        Some(("person", id)) if !id.trim().is_empty() => Ok(SubjectRef::Person(id.trim().to_owned())),
        Some(("organisation", code)) if !code.trim().is_empty() => Ok(SubjectRef::Organisation(code.trim().to_owned())),
        _ => Err(bad()),
    }
}

/// `xhht study-plan …`
#[derive(Debug, Subcommand)]
pub enum StudyPlanCommand {
    /// Gửi kế hoạch tự học lên thủ trưởng (hoặc lưu nháp) / send a self-study plan to the head (or keep it as a draft).
    Submit {
        /// Mã người / the person's id.
        person: String,
        /// Năm dữ liệu / the data year.
        #[arg(long)]
        year: i32,
        /// Tệp chứa nội dung kế hoạch (- : đầu vào chuẩn) / a file holding the plan's text (-: standard input).
        #[arg(long, value_name = "FILE")]
        text: Option<PathBuf>,
        /// Chỉ lưu nháp, chưa gửi / keep it as a draft, do not send it.
        #[arg(long)]
        draft: bool,
        /// Ngày gửi trên giấy (quản trị viên; mặc định: hôm nay) / the day it was sent on paper (an administrator; default: today).
        #[arg(long, value_parser = crate::cli::parse_day)]
        on: Option<chrono::NaiveDate>,
    },
    /// Phê duyệt kế hoạch tự học (thủ trưởng; quản trị viên ghi thay, kèm --by) / approve a self-study plan (the head; an administrator records it, with --by).
    Approve {
        /// Mã người / the person's id.
        person: String,
        /// Năm dữ liệu / the data year.
        #[arg(long)]
        year: i32,
        /// Mã người của thủ trưởng đã phê duyệt (quản trị viên ghi thay) / the head who approved, as a person id (an administrator recording it).
        #[arg(long, value_name = "PERSON")]
        by: Option<String>,
        /// Ngày phê duyệt trên giấy (quản trị viên, cần --reason) / the day it was approved on paper (an administrator, with --reason).
        #[arg(long, value_parser = crate::cli::parse_day, requires = "reason")]
        on: Option<chrono::NaiveDate>,
        /// Lý do ghi lùi ngày (vào nhật ký) / why it is back-dated (kept in the audit trail).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Trả lại kế hoạch tự học kèm lý do (thủ trưởng hoặc quản trị viên) / send a self-study plan back with a reason (the head or an administrator).
    Return {
        /// Mã người / the person's id.
        person: String,
        /// Năm dữ liệu / the data year.
        #[arg(long)]
        year: i32,
        /// Lý do trả lại / why it is returned.
        #[arg(long)]
        reason: String,
    },
    /// Điều chỉnh kế hoạch đã phê duyệt về trạng thái đã gửi (quản trị viên, có lý do) / take an approved plan back to submitted (an administrator, with a reason).
    Correct {
        /// Mã người / the person's id.
        person: String,
        /// Năm dữ liệu / the data year.
        #[arg(long)]
        year: i32,
        /// Lý do điều chỉnh (vào nhật ký) / why (kept in the audit trail).
        #[arg(long)]
        reason: String,
    },
}

/// `xhht proposal …`
#[derive(Debug, Subcommand)]
pub enum ProposalCommand {
    /// Đề nghị khen thưởng (thủ trưởng đơn vị hoặc quản trị viên) / propose a reward (the unit's head or an administrator).
    Propose {
        #[command(flatten)]
        key: ProposalArgs,
        /// Lý do đề nghị ngoại lệ khi không có trong danh sách đủ điều kiện / the reason for an exception, when not on the eligibility list.
        #[arg(long)]
        exception: Option<String>,
    },
    /// Thẩm định đạt (cơ quan nội vụ hoặc quản trị viên) / verify the dossier and accept it (the home-affairs office or an administrator).
    Accept {
        #[command(flatten)]
        key: ProposalArgs,
        /// Ghi chú / a note.
        #[arg(long)]
        note: Option<String>,
    },
    /// Trả lại hồ sơ kèm lý do (cơ quan nội vụ hoặc quản trị viên) / return the dossier with a reason (the home-affairs office or an administrator).
    Return {
        #[command(flatten)]
        key: ProposalArgs,
        /// Lý do trả lại / why it is returned.
        #[arg(long)]
        note: String,
    },
    /// Quyết định khen thưởng (quản trị viên) / decide to grant the reward (an administrator).
    Award {
        #[command(flatten)]
        key: ProposalArgs,
        /// Số quyết định hoặc ghi chú / the decision's number or a note.
        #[arg(long)]
        note: Option<String>,
    },
    /// Quyết định không khen thưởng (quản trị viên) / decide not to grant it (an administrator).
    Reject {
        #[command(flatten)]
        key: ProposalArgs,
        /// Lý do hoặc ghi chú / the reason or a note.
        #[arg(long)]
        note: Option<String>,
    },
    /// Điều chỉnh hồ sơ đã quyết định về chờ quyết định (quản trị viên, có lý do) / take a decided proposal back to awaiting the decision (an administrator, with a reason).
    Correct {
        #[command(flatten)]
        key: ProposalArgs,
        /// Lý do điều chỉnh (vào nhật ký) / why (kept in the audit trail).
        #[arg(long)]
        reason: String,
    },
}

/// `xhht history …`
#[derive(Debug, Subcommand)]
pub enum HistoryCommand {
    /// Quá trình xử lý kế hoạch tự học của một người / the processing history of a person's self-study plan.
    StudyPlan {
        /// Mã người / the person's id.
        person: String,
        /// Năm dữ liệu / the data year.
        #[arg(long)]
        year: i32,
    },
    /// Quá trình xử lý một hồ sơ đề nghị khen thưởng / the processing history of a reward proposal.
    Proposal {
        #[command(flatten)]
        key: ProposalArgs,
    },
}

#[cfg(test)]
mod tests {
    use super::parse_subject;
    use xhht_core::record::SubjectRef;

    #[test]
    fn a_subject_is_a_person_or_an_organisation_with_its_kind() {
        assert_eq!(parse_subject("person:GV001"), Ok(SubjectRef::Person("GV001".to_owned())));
        assert_eq!(parse_subject("organisation:TH-LT"), Ok(SubjectRef::Organisation("TH-LT".to_owned())));
        for bad in ["GV001", "person:", "org:TH-LT", "household:H1", ""] {
            assert!(parse_subject(bad).is_err(), "{bad}");
        }
    }
}
