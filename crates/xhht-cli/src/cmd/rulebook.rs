//! `xhht rulebook list | show | check | diff`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use serde_json::json;
use xhht_core::plan::Plan;
use xhht_core::rulebook::{
    BUILTIN_FILES, Diagnostic, LoadedRulebook, Rulebook, RulebookSet, Scoring, Severity, diff, diff_versions, validate,
    validate_set,
};

use crate::cli::{Format, RulebookCommand};
use crate::output::{Out, col};

pub(crate) fn run(o: &mut Out<'_>, cmd: RulebookCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        RulebookCommand::List => list(o).map(|()| ExitCode::SUCCESS),
        RulebookCommand::Show { id } => show(o, &id).map(|()| ExitCode::SUCCESS),
        RulebookCommand::Check { paths } => check(o, &paths),
        RulebookCommand::Diff { left, right } => diff_cmd(o, &left, &right).map(|()| ExitCode::SUCCESS),
    }
}

fn plans() -> [&'static Plan; 1] {
    [Plan::can_duoc_2024()]
}

/// A rulebook named by id (shipped) or by path, and an optional `@version`.
fn resolve(spec: &str) -> anyhow::Result<(LoadedRulebook, Option<String>)> {
    let (name, version) = match spec.rsplit_once('@') {
        Some((n, v)) => (n, Some(v.to_owned())),
        None => (spec, None),
    };
    let path = Path::new(name);
    let book = if name.ends_with(".toml") || path.is_file() {
        LoadedRulebook::from_path(path, &plans())?
    } else {
        let set = RulebookSet::builtin();
        set.get(name)
            .with_context(|| {
                let ids: Vec<&str> = set.iter().map(|b| b.rulebook.id()).collect();
                format!("known rulebooks: {}; or give a path to a .toml file", ids.join(", "))
            })?
            .clone()
    };
    if let Some(v) = &version
        && book.rulebook.version(v).is_none()
    {
        let ids: Vec<&str> = book.rulebook.versions.iter().map(|v| v.id.as_str()).collect();
        bail!("rulebook `{}` has no version `{v}`; its versions: {}", book.rulebook.id(), ids.join(", "));
    }
    Ok((book, version))
}

fn list(o: &mut Out<'_>) -> anyhow::Result<()> {
    let lang = o.lang;
    let cols = [
        col("id", "Mã", "Id"),
        col("title", "Tên", "Title"),
        col("source", "Văn bản", "Source"),
        col("in_force", "Hiệu lực", "In force"),
        col("versions", "Phiên bản", "Versions"),
        col("indicators", "Chỉ tiêu", "Indicators"),
        col("assumed", "Giả định", "Assumed"),
        col("content_hash", "Mã băm", "Content hash"),
    ];
    let rows: Vec<Vec<String>> = RulebookSet::builtin()
        .iter()
        .map(|b| {
            let r = &b.rulebook;
            let in_force = r.in_force().map_or_else(String::new, |(from, to)| {
                let f = xhht_core::format_date(from, lang);
                to.map_or_else(|| format!("{f} –"), |t| format!("{f} – {}", xhht_core::format_date(t, lang)))
            });
            vec![
                r.id().to_owned(),
                r.rulebook.title.get(lang).to_owned(),
                r.rulebook.source.document.clone(),
                in_force,
                r.versions.iter().map(|v| v.id.as_str()).collect::<Vec<_>>().join(", "),
                r.indicators().count().to_string(),
                r.assumed_items().len().to_string(),
                b.content_hash.get(..12).unwrap_or_default().to_owned(),
            ]
        })
        .collect();
    o.table(&cols, &rows)
}

fn show(o: &mut Out<'_>, spec: &str) -> anyhow::Result<()> {
    let (book, version) = resolve(spec)?;
    let r = &book.rulebook;
    if o.format == Format::Json {
        let indicators: Vec<_> = r
            .indicators()
            .map(|(g, i)| {
                json!({
                    "id": i.id,
                    "group": g.id,
                    "subject": r.subject_of(g),
                    "kind": i.kind,
                    "max": i.max,
                    "title": i.title,
                    "source": i.source.as_deref().unwrap_or("recorded"),
                    "evidence_required": i.evidence_required,
                    "applies_to": i.applies_to,
                    "thresholds": i.thresholds,
                    "citation": i.citation,
                    "provenance": i.provenance,
                })
            })
            .collect();
        let versions: Vec<_> = r.versions.iter().filter(|v| version.as_deref().is_none_or(|x| x == v.id)).collect();
        return o.json(&json!({
            "id": r.id(),
            "title": r.rulebook.title,
            "decides": r.rulebook.decides,
            "source": r.rulebook.source,
            "citation": r.rulebook.citation,
            "provenance": r.rulebook.provenance,
            "content_hash": book.content_hash,
            "origin": book.origin,
            "indicators": indicators,
            "versions": versions,
            "targets": r.targets,
            "rewards": r.rewards,
            "reporting": r.reporting,
            "assumed": r.assumed_items().into_iter().map(|(path, note)| json!({"rule": path, "note": note})).collect::<Vec<_>>(),
        }));
    }
    let lang = o.lang;
    o.line(format!("{} — {}", r.id(), r.rulebook.title.get(lang)))?;
    o.line(format!("{}: {} ({})", o.tr("Văn bản", "Source"), r.rulebook.source.document, r.rulebook.citation))?;
    o.line(format!("{}: {}", o.tr("Mã băm nội dung", "Content hash"), book.content_hash))?;
    if let Some(n) = &r.rulebook.notes {
        o.line(n.get(lang))?;
    }
    o.line("")?;
    let cols = [
        col("group", "Nhóm", "Group"),
        col("id", "Mã", "Id"),
        col("kind", "Loại", "Kind"),
        col("max", "Tối đa", "Max"),
        col("thresholds", "Ngưỡng", "Thresholds"),
        col("title", "Nội dung", "Indicator"),
        col("citation", "Nguồn", "Citation"),
    ];
    let rows: Vec<Vec<String>> = r
        .indicators()
        .map(|(g, i)| {
            let th: Vec<String> = i
                .thresholds
                .iter()
                .map(|t| {
                    let lvl = t.level.map_or_else(String::new, |l| format!("L{l} "));
                    let min = t.min.map_or_else(|| "✓".to_owned(), |m| format!("≥{m}"));
                    format!("{lvl}{min}")
                })
                .collect();
            let mut title = i.title.get(lang).to_owned();
            if i.provenance.is_assumed() {
                title.push_str(o.tr(" [giả định]", " [assumed]"));
            }
            vec![
                g.id.clone(),
                i.id.clone(),
                i.kind.id().to_owned(),
                i.max.map(|m| m.to_string()).unwrap_or_default(),
                th.join(", "),
                title,
                i.citation.to_string(),
            ]
        })
        .collect();
    o.table(&cols, &rows)?;
    for v in r.versions.iter().filter(|v| version.as_deref().is_none_or(|x| x == v.id)) {
        o.line("")?;
        let to = v.valid_to.map_or_else(String::new, |d| xhht_core::format_date(d, lang));
        o.line(format!(
            "{} {} ({} – {to}) {}",
            o.tr("Phiên bản", "Version"),
            v.id,
            xhht_core::format_date(v.valid_from, lang),
            v.citation
        ))?;
        match &v.scoring {
            Scoring::Points(p) => {
                for b in &p.bands {
                    let floor = b
                        .floor
                        .map_or_else(String::new, |f| format!(", {} ≥ {f}", o.tr("mỗi chỉ số", "every indicator")));
                    o.line(format!(
                        "  {} ({}): {} ≥ {}{floor}",
                        b.label.get(lang),
                        b.id,
                        o.tr("tổng", "total"),
                        b.min_total
                    ))?;
                }
                o.line(format!("  {} ({}): {}", p.fail.label.get(lang), p.fail.id, o.tr("còn lại", "otherwise")))?;
            }
            Scoring::Levels(l) => {
                for lv in &l.levels {
                    o.line(format!("  {} ({})", lv.label.get(lang), lv.id))?;
                }
                o.line(format!("  {} ({})", l.fail.label.get(lang), l.fail.id))?;
            }
            _ => {}
        }
        if let Some(rec) = &v.recognition {
            if let Some(y) = rec.validity_years {
                o.line(format!("  {}: {y}", o.tr("Số năm hiệu lực", "Validity (years)")))?;
            }
            if let Some(m) = rec.upgrade_wait_months {
                o.line(format!("  {}: {m}", o.tr("Chờ nâng mức (tháng)", "Wait before upgrade (months)")))?;
            }
        }
    }
    Ok(())
}

fn collect_paths(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut v: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("cannot read the folder {}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "toml"))
                .collect();
            v.sort();
            files.extend(v);
        } else {
            files.push(p.clone());
        }
    }
    Ok(files)
}

fn check(o: &mut Out<'_>, paths: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let plans = plans();
    let sources: Vec<(String, String)> = if paths.is_empty() {
        BUILTIN_FILES.iter().map(|(id, src)| (format!("{id}.toml (embedded)"), (*src).to_owned())).collect()
    } else {
        collect_paths(paths)?
            .into_iter()
            .map(|p| {
                let name = p.display().to_string();
                std::fs::read_to_string(&p).map(|s| (name.clone(), s)).with_context(|| format!("cannot read {name}"))
            })
            .collect::<anyhow::Result<_>>()?
    };
    let mut diags: Vec<Diagnostic> = Vec::new();
    let mut parse_errors: Vec<String> = Vec::new();
    let mut loaded = Vec::new();
    for (name, src) in &sources {
        match Rulebook::from_toml(src, name) {
            Err(e) => parse_errors.push(e.to_string()),
            Ok(rb) => {
                let d = validate(&rb, name, &plans);
                let ok = d.iter().all(|d| d.severity != Severity::Error);
                diags.extend(d);
                if ok {
                    loaded.push(LoadedRulebook::from_toml(src, name, &plans)?);
                }
            }
        }
    }
    if loaded.len() > 1 {
        // The whole-set checks (one id twice, two regimes in force together).
        let set_diags = match RulebookSet::new(loaded) {
            Ok(set) => validate_set(&set),
            Err(xhht_core::Error::InvalidRulebook { diagnostics, .. }) => diagnostics,
            Err(e) => return Err(e.into()),
        };
        diags.extend(set_diags);
    }
    let count = |s: Severity| diags.iter().filter(|d| d.severity == s).count();
    let (errors, warnings, assumed) =
        (count(Severity::Error) + parse_errors.len(), count(Severity::Warning), count(Severity::Assumed));
    if o.format == Format::Json {
        let items: Vec<_> = parse_errors
            .iter()
            .map(|m| json!({"severity": "error", "code": "parse", "message": m}))
            .chain(diags.iter().map(|d| {
                json!({"severity": d.severity.as_str(), "file": d.file, "rule": d.rule, "code": d.code, "message": d.message})
            }))
            .collect();
        o.json(&json!({"rulebooks": sources.len(), "errors": errors, "warnings": warnings, "assumed": assumed, "diagnostics": items}))?;
    } else {
        for m in &parse_errors {
            o.line(format!("error: {m}"))?;
        }
        for d in diags.iter().filter(|d| d.severity != Severity::Assumed) {
            o.line(d.to_string())?;
        }
        if assumed > 0 {
            o.line("")?;
            o.line(o.tr("Các mục giả định (nguồn chưa cho biết):", "Assumed items (not given by the sources):"))?;
            let lang = o.lang;
            for (name, src) in &sources {
                let Ok(rb) = Rulebook::from_toml(src, name) else { continue };
                for (path, note) in rb.assumed_items() {
                    o.line(format!("  {path}: {}", note.get(lang)))?;
                }
            }
        }
        o.line("")?;
        o.line(match o.lang {
            xhht_core::Lang::Vi => {
                format!("{} bộ tiêu chí: {errors} lỗi, {warnings} cảnh báo, {assumed} mục giả định", sources.len())
            }
            xhht_core::Lang::En => {
                format!("{} rulebooks: {errors} errors, {warnings} warnings, {assumed} assumed items", sources.len())
            }
        })?;
    }
    Ok(if errors > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

fn diff_cmd(o: &mut Out<'_>, left: &str, right: &str) -> anyhow::Result<()> {
    let (a, av) = resolve(left)?;
    let (b, bv) = resolve(right)?;
    let changes = match (av, bv) {
        (Some(x), Some(y)) => {
            let (Some(vx), Some(vy)) = (a.rulebook.version(&x), b.rulebook.version(&y)) else {
                bail!("version not found");
            };
            diff_versions(vx, vy)
        }
        (None, None) => diff(&a.rulebook, &b.rulebook),
        _ => bail!("give a version on both sides (ID@VERSION) or on neither"),
    };
    let cols = [
        col("change", "Thay đổi", "Change"),
        col("path", "Vị trí", "Path"),
        col("before", "Trước", "Before"),
        col("after", "Sau", "After"),
    ];
    let rows: Vec<Vec<String>> = changes
        .iter()
        .map(|c| {
            let kind = match c.kind {
                xhht_core::rulebook::ChangeKind::Added => "+",
                xhht_core::rulebook::ChangeKind::Removed => "-",
                _ => "~",
            };
            vec![
                kind.to_owned(),
                c.path.clone(),
                c.before.clone().unwrap_or_default(),
                c.after.clone().unwrap_or_default(),
            ]
        })
        .collect();
    if rows.is_empty() && o.format == Format::Table {
        return o.line(o.tr("Không có khác biệt.", "No differences."));
    }
    o.table(&cols, &rows)
}
