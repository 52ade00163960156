//! `xhht plan show | targets | timeline | actors [ID]`.

use std::process::ExitCode;

use anyhow::{Context, bail};
use xhht_core::format_date;
use xhht_core::plan::{DutyRole, Plan, PlanElement, ReviewKind};
use xhht_core::rulebook::{MilestoneScope, RulebookSet};

use crate::cli::{Format, PlanCommand};
use crate::output::{Out, col};

pub(crate) fn run(o: &mut Out<'_>, cmd: PlanCommand) -> anyhow::Result<ExitCode> {
    let plan = Plan::can_duoc_2024();
    match cmd {
        PlanCommand::Check { paths } => return check(o, &paths),
        PlanCommand::Show => show(o, plan)?,
        PlanCommand::Targets => targets(o, plan)?,
        PlanCommand::Timeline => timeline(o, plan)?,
        PlanCommand::Actors { id: None } => actors(o, plan)?,
        PlanCommand::Actors { id: Some(id) } => actor(o, plan, &id)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn show(o: &mut Out<'_>, plan: &Plan) -> anyhow::Result<()> {
    if o.format == Format::Json {
        return o.json(plan);
    }
    let lang = o.lang;
    o.line(format!("{} — {}", plan.meta.number, plan.meta.title.get(lang)))?;
    o.line(format!("{} · {}", plan.meta.issuer.get(lang), plan.meta.place_date.get(lang)))?;
    let mut last_section = "";
    for (id, el) in plan.elements() {
        let section = id.split('.').next().unwrap_or(id);
        if section != last_section {
            last_section = section;
            o.line("")?;
            o.line(format!("## {}", section_title(o, section)))?;
        }
        let text = el.text().get(lang);
        match el {
            PlanElement::Duty(_, d) => {
                let role = role_label(o, d.role);
                o.line(format!("    - [{id}] ({role}) {text}"))?;
            }
            PlanElement::Basis(b) => {
                o.line(format!("- [{id}] {} ({}): {text}", b.document, format_date(b.date, lang)))?
            }
            _ => o.line(format!("- [{id}] {text}"))?,
        }
    }
    Ok(())
}

fn section_title<'a>(o: &Out<'_>, section: &'a str) -> &'a str {
    match section {
        "basis" => o.tr("Căn cứ", "Legal bases"),
        "purpose" => o.tr("I.1 Mục đích", "I.1 Purposes"),
        "requirement" => o.tr("I.2 Yêu cầu", "I.2 Requirements"),
        "target" => o.tr("II. Mục tiêu đến năm 2030", "II. Targets for 2030"),
        "content" => o.tr("III. Nội dung phong trào thi đua", "III. Emulation contents"),
        "criterion" => o.tr("IV.1 Tiêu chí thi đua", "IV.1 Emulation criteria"),
        "reward" => o.tr("IV.2 Hình thức khen thưởng", "IV.2 Rewards"),
        "solution" => o.tr("V. Giải pháp thực hiện", "V. Solutions"),
        "phase" => o.tr("VI. Tiến độ thực hiện", "VI. Timeline"),
        "funding" => o.tr("VII. Kinh phí thực hiện", "VII. Funding"),
        "actor" => o.tr("VIII.1 Phân công nhiệm vụ", "VIII.1 Responsibilities"),
        "reporting" => o.tr("VIII.2 Chế độ báo cáo", "VIII.2 Reporting"),
        "recipient" => o.tr("Nơi nhận", "Recipients"),
        other => other,
    }
}

fn role_label(o: &Out<'_>, role: DutyRole) -> String {
    match role {
        DutyRole::Lead => o.tr("chủ trì", "lead"),
        DutyRole::Coordinate => o.tr("phối hợp", "coordinate"),
        DutyRole::Perform => o.tr("thực hiện", "perform"),
    }
    .to_owned()
}

fn targets(o: &mut Out<'_>, plan: &Plan) -> anyhow::Result<()> {
    let lang = o.lang;
    let rules = &RulebookSet::builtin().get(xhht_scoring::year::PLAN_RULEBOOK)?.rulebook;
    let cols = [
        col("id", "Mã", "Id"),
        col("scope", "Phạm vi", "Scope"),
        col("year", "Năm", "Year"),
        col("share", "Tỷ lệ (%)", "Share (%)"),
        col("what", "Nội dung", "What"),
        col("source", "Nguồn", "Source"),
        col("provenance", "Độ tin cậy", "Provenance"),
    ];
    let mut rows = Vec::new();
    for t in &plan.targets {
        rows.push(vec![
            t.id.clone(),
            o.tr("kế hoạch", "plan").to_owned(),
            t.by_year.to_string(),
            t.share.to_string(),
            format!("{} — {}", t.text.get(lang), t.measured_over.get(lang)),
            t.id.clone(),
            o.tr("kiểm chứng", "verified").to_owned(),
        ]);
        let Some(rule) = rules.targets.iter().find(|r| r.id == t.id) else { continue };
        for m in &rule.milestones {
            let scope = match m.scope {
                MilestoneScope::Plan => o.tr("kế hoạch", "plan"),
                MilestoneScope::Provincial => o.tr("tỉnh", "provincial"),
                MilestoneScope::National => o.tr("quốc gia (tham chiếu)", "national (reference)"),
            };
            rows.push(vec![
                t.id.clone(),
                scope.to_owned(),
                m.year.to_string(),
                m.share.to_string(),
                m.note.as_ref().map_or_else(String::new, |n| n.get(lang).to_owned()),
                m.citation.to_string(),
                provenance(o, m.provenance.is_assumed()),
            ]);
        }
    }
    o.table(&cols, &rows)
}

fn provenance(o: &Out<'_>, assumed: bool) -> String {
    if assumed { o.tr("giả định", "assumed") } else { o.tr("kiểm chứng", "verified") }.to_owned()
}

fn timeline(o: &mut Out<'_>, plan: &Plan) -> anyhow::Result<()> {
    let lang = o.lang;
    let set = RulebookSet::builtin();
    let reporting = set
        .get(xhht_scoring::year::PLAN_RULEBOOK)?
        .rulebook
        .reporting
        .iter()
        .find(|r| r.id == "reporting.annual")
        .context("the plan rulebook has no reporting.annual rule")?;
    let cols = [
        col("year", "Năm", "Year"),
        col("phase", "Giai đoạn", "Phase"),
        col("review", "Sơ kết / tổng kết", "Review"),
        col("annual_report_due", "Hạn báo cáo năm", "Annual report due"),
        col("learning_unit_dossier_due", "Hạn hồ sơ Đơn vị học tập", "Learning Unit dossier due"),
    ];
    let mut rows = Vec::new();
    for year in plan.meta.years[0]..=plan.meta.years[1] {
        let phase = plan.phase_of(year);
        let review = phase.filter(|p| p.review_year == year).map(|p| match p.review {
            ReviewKind::Preliminary => o.tr("sơ kết giai đoạn 1", "preliminary review of phase 1"),
            ReviewKind::Final => o.tr("tổng kết 2023–2030", "final review 2023–2030"),
        });
        let due = reporting.deadline.in_year(year).map(|d| reporting.reading.describe(d, lang)).unwrap_or_default();
        let dossier = set
            .regime_for(xhht_core::Title::DonViHocTap, xhht_core::rulebook::Subject::Organisation, year)
            .and_then(|b| {
                let v = b.rulebook.version_for_year(year)?;
                let r = v.recognition.as_ref()?;
                let d = r.dossier_deadline?.in_year(year)?;
                Some(format!("{} ({})", r.reading.unwrap_or_default().describe(d, lang), b.rulebook.id()))
            })
            .unwrap_or_default();
        rows.push(vec![
            year.to_string(),
            phase.map(|p| p.id.clone()).unwrap_or_default(),
            review.unwrap_or_default().to_owned(),
            due,
            dossier,
        ]);
    }
    o.table(&cols, &rows)?;
    if o.format == Format::Table {
        o.line(format!(
            "{}: {}",
            o.tr("Cách đọc hạn", "Deadline reading"),
            reporting.provenance.note().map_or_else(String::new, |n| n.get(lang).to_owned())
        ))?;
    }
    Ok(())
}

fn actors(o: &mut Out<'_>, plan: &Plan) -> anyhow::Result<()> {
    let lang = o.lang;
    let cols = [
        col("id", "Mã", "Id"),
        col("section", "Mục", "Section"),
        col("name", "Tên", "Name"),
        col("duties", "Số nhiệm vụ", "Duties"),
        col("leads", "Chủ trì", "Leads"),
        col("reports_annually", "Báo cáo năm", "Reports yearly"),
    ];
    let reporters = &plan.reporting.annual.reporters;
    let rows: Vec<Vec<String>> = plan
        .actors
        .iter()
        .map(|a| {
            let reports = if a.standing_body {
                o.tr("tổng hợp", "synthesises")
            } else if reporters.contains(&a.id) {
                o.tr("có", "yes")
            } else {
                o.tr("không", "no")
            };
            vec![
                a.id.clone(),
                a.section.clone(),
                a.name.get(lang).to_owned(),
                a.duties.len().to_string(),
                a.duties.iter().filter(|d| d.role == DutyRole::Lead).count().to_string(),
                reports.to_owned(),
            ]
        })
        .collect();
    o.table(&cols, &rows)
}

fn actor(o: &mut Out<'_>, plan: &Plan, id: &str) -> anyhow::Result<()> {
    let Some(a) = plan.actor(id).or_else(|| plan.actor(&format!("actor.{id}"))) else {
        let known: Vec<&str> = plan.actors.iter().map(|a| a.id.as_str()).collect();
        bail!("no actor `{id}` in the plan; known actors: {}", known.join(", "));
    };
    if o.format == Format::Json {
        return o.json(a);
    }
    let lang = o.lang;
    o.line(format!("{} — {} [{}]", a.id, a.name.get(lang), a.section))?;
    for d in &a.duties {
        o.line("")?;
        o.line(format!("[{}] ({}) {}", d.id, role_label(o, d.role), d.text.get(lang)))?;
        let mut partners: Vec<String> = d
            .partners
            .iter()
            .map(|p| plan.actor(p).map_or_else(|| p.clone(), |a| a.short.get(lang).to_owned()))
            .collect();
        partners.extend(d.partners_other.iter().map(|t| t.get(lang).to_owned()));
        if !partners.is_empty() {
            o.line(format!("    {}: {}", o.tr("Phối hợp với", "With"), partners.join("; ")))?;
        }
        for f in &d.report_fields {
            let kind = if f.numeric { o.tr("số", "number") } else { o.tr("văn bản", "text") };
            o.line(format!("    • {} ({kind})", f.label.get(lang)))?;
        }
    }
    Ok(())
}

/// `xhht plan check FILE…`: each file parsed and checked; its plan and the days it is in force,
/// or its problems with their lines.
fn check(o: &mut Out<'_>, paths: &[std::path::PathBuf]) -> anyhow::Result<ExitCode> {
    let lang = o.lang;
    let mut failed = false;
    for path in paths {
        let shown = path.display().to_string();
        let text = match std::fs::metadata(path) {
            Ok(m) if m.len() > MAX_PLAN_BYTES => {
                o.line(format!("{shown}: {}", t(lang, "tệp quá lớn (tối đa 1 MB)", "file too large (at most 1 MB)")))?;
                failed = true;
                continue;
            }
            _ => std::fs::read_to_string(path).with_context(|| format!("cannot read {shown}"))?,
        };
        match Plan::from_toml(&text, &shown) {
            Ok(p) => {
                let (from, until) = p.in_force();
                o.line(format!(
                    "{shown}: {} — {} ({} {} {} {})",
                    p.meta.id,
                    p.meta.title.get(lang),
                    t(lang, "hiệu lực từ", "in force from"),
                    format_date(from, lang),
                    t(lang, "đến", "to"),
                    format_date(until, lang),
                ))?;
                if let Some(n) = &p.meta.notice {
                    o.line(format!("  {}", n.get(lang)))?;
                }
            }
            Err(xhht_core::Error::InvalidPlan { problems, .. }) => {
                failed = true;
                for p in problems {
                    o.line(p)?;
                }
            }
            Err(e) => {
                failed = true;
                o.line(e.to_string())?;
            }
        }
    }
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// The largest plan file read (the Cần Đước plan is about 80 KB).
const MAX_PLAN_BYTES: u64 = 1 << 20;

fn t(lang: xhht_core::Lang, vi: &'static str, en: &'static str) -> &'static str {
    match lang {
        xhht_core::Lang::Vi => vi,
        xhht_core::Lang::En => en,
    }
}
