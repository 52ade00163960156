//! The registers below the organisations — area successions, clans, hamlet communities, learning
//! households with their members — brought in by files: a database exported kind by kind and
//! imported into an empty one keeps its 2025 merger and its households; a big file of each kind
//! is refused, or has its bad rows skipped, alike streamed and read whole; an imported household
//! is audited as one written by the store's own writes is.

use std::path::Path;

use chrono::NaiveDate;
use xhht_core::Text;
use xhht_core::area::{AdminArea, AreaLevel, AreaRegistry, Succession, SuccessionKind};
use xhht_core::entity::{Clan, Community, CommunityKind, Household, MemberRole, Person, PersonCategory};
use xhht_core::period::DateRange;
use xhht_core::source::Provenance;
use xhht_store::{Error, ExportFormat, ImportKind, ImportOptions, ImportProgress, Progress, Store};

use crate::support::*;

fn opts() -> ImportOptions {
    ImportOptions::new("chuyen-vien")
}

fn place(
    code: &str,
    name: &str,
    level: AreaLevel,
    parent: Option<&str>,
    from: NaiveDate,
    to: Option<NaiveDate>,
) -> AdminArea {
    AdminArea {
        code: code.into(),
        name: name.into(),
        level,
        parent: parent.map(Into::into),
        valid: DateRange::new(from, to).unwrap(),
    }
}

fn resident(id: &str, area: &str) -> Person {
    Person {
        id: id.into(),
        full_name: format!("Nguyễn Thị {id}"),
        birth_year: Some(1980),
        citizen_id: None,
        category: PersonCategory::Other,
        area: Some(area.into()),
    }
}

/// A district before and after the 2025 reorganisation, with its clans, hamlets and
/// households: communes merged into one on 01/07/2025 (one succession assumed, with its note),
/// the district's tier abolished, the province merged.
async fn merged_district(store: &Store) {
    let (origin, end, reform) = (d(1976, 1, 1), d(2025, 6, 30), d(2025, 7, 1));
    let areas = [
        place("80", "Tỉnh Long An", AreaLevel::Province, None, origin, Some(end)),
        place("806", "Huyện Cần Đước", AreaLevel::District, Some("80"), origin, Some(end)),
        place("27991", "Thị trấn Cần Đước", AreaLevel::Commune, Some("806"), origin, Some(end)),
        place("27994", "Xã Long Trạch", AreaLevel::Commune, Some("806"), origin, Some(end)),
        place("72", "Tỉnh Tây Ninh", AreaLevel::Province, None, origin, None),
        place("72001", "Xã Cần Đước", AreaLevel::Commune, Some("72"), reform, None),
    ];
    store.put_areas("t", &areas).await.unwrap();
    let succession = |from: &str, to: &str, kind, provenance| Succession {
        from: from.into(),
        to: to.into(),
        date: reform,
        kind,
        provenance,
    };
    let assumed = Provenance::Assumed {
        note: Text::new("Mã xã mới là minh họa, chưa đối chiếu", "The new commune's code is illustrative, not checked"),
    };
    store
        .put_successions(
            "t",
            &[
                succession("80", "72", SuccessionKind::Merged, Provenance::Verified),
                succession("806", "72", SuccessionKind::TierAbolished, Provenance::Verified),
                succession("27991", "72001", SuccessionKind::Merged, assumed),
                succession("27994", "72001", SuccessionKind::Merged, Provenance::Verified),
            ],
        )
        .await
        .unwrap();
    store.put_organisations("t", &[school("THCS-CD", "72001")]).await.unwrap();
    let people = [resident("p1", "27991"), resident("p2", "27991"), resident("p3", "72001"), resident("p4", "72001")];
    store.put_people("t", &people).await.unwrap();
    store.put_memberships("t", &[member("p1", "THCS-CD", MemberRole::Head, d(2020, 9, 1), None)]).await.unwrap();
    let clans = [
        Clan { id: "C1".into(), name: "Họ Nguyễn (chi 2)".into(), area: "27991".into() },
        Clan { id: "C2".into(), name: "Họ Võ".into(), area: "72001".into() },
    ];
    store.put_clans("t", &clans).await.unwrap();
    let communities = [
        Community {
            id: "AP1".into(),
            name: "Ấp 1".into(),
            kind: CommunityKind::Ap,
            commune: "27991".into(),
            valid: DateRange::new(d(2000, 1, 1), Some(end)).unwrap(),
        },
        Community {
            id: "KP2".into(),
            name: "Khu phố 2".into(),
            kind: CommunityKind::KhuPho,
            commune: "72001".into(),
            valid: DateRange::starting(reform),
        },
    ];
    store.put_communities("t", &communities).await.unwrap();
    let households = [
        Household {
            id: "H1".into(),
            head: Some("p1".into()),
            community: "AP1".into(),
            clan: Some("C1".into()),
            members: vec!["p1".into(), "p2".into()],
        },
        Household { id: "H2".into(), head: None, community: "KP2".into(), clan: None, members: vec!["p3".into()] },
        Household {
            id: "H3".into(),
            head: Some("p4".into()),
            community: "KP2".into(),
            clan: Some("C2".into()),
            members: vec!["p4".into()],
        },
    ];
    store.put_households("t", &households).await.unwrap();
}

/// Every register of the store, as values.
async fn registers(store: &Store) -> (Vec<Household>, Vec<Clan>, Vec<Community>) {
    (
        store.households().await.unwrap().into_iter().map(|v| v.value).collect(),
        store.clans().await.unwrap().into_iter().map(|v| v.value).collect(),
        store.communities().await.unwrap().into_iter().map(|v| v.value).collect(),
    )
}

/// `xhht export` of every kind, then `xhht import` of the files in order into an empty
/// database: 2026 is read the same (its successions carry the merged communes on), and so are
/// the households with their members, the clans and the communities.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_exported_kind_by_kind_is_rebuilt_by_importing_the_files() {
    each_backend("registers_round_trip", async |db| {
        let store = db.open().await;
        merged_district(&store).await;
        let year = store.load_year(2026).await.unwrap();
        assert_eq!(year.successions.len(), 4);
        let before = registers(&store).await;
        for format in [ExportFormat::Csv, ExportFormat::Xlsx] {
            let ext = if format == ExportFormat::Csv { "csv" } else { "xlsx" };
            let other = db.sibling(&format!("registers_round_trip_{ext}")).await;
            let target = other.open().await;
            for kind in ImportKind::ALL {
                let out = db.dir.join(format!("{}.{ext}", kind.id()));
                let n = store.export(kind, format, &out).await.unwrap();
                if n == 0 {
                    continue;
                }
                let r = target.import(kind, &out, &opts()).await.unwrap_or_else(|e| panic!("{kind} {format:?}: {e}"));
                assert_eq!((r.imported, r.written.added as usize), (n, n), "{kind} {format:?}");
                let again = store.import(kind, &out, &opts()).await.unwrap();
                assert_eq!((again.written.added, again.written.changed), (0, 0), "{kind} {format:?} into itself");
            }
            let rebuilt = target.load_year(2026).await.unwrap();
            assert_eq!(rebuilt, year, "{format:?}");
            assert_eq!(registers(&target).await, before, "{format:?}");
            let areas = AreaRegistry::new(rebuilt.areas.clone(), rebuilt.successions.clone()).unwrap();
            let on = |code: &str| -> Vec<String> {
                areas.resolve_on(code, d(2026, 12, 31)).into_iter().map(|a| a.code.clone()).collect()
            };
            assert_eq!(
                (on("27991"), on("27994"), on("806")),
                (vec!["72001".to_owned()], vec!["72001".to_owned()], vec!["72".to_owned()])
            );
            let note =
                rebuilt.successions.iter().find(|s| s.from == "27991").and_then(|s| s.provenance.note().cloned());
            assert_eq!(note.map(|n| n.en), Some("The new commune's code is illustrative, not checked".to_owned()));
            assert!(target.audit_verify().await.unwrap().is_ok());
            target.close().await;
        }
        store.close().await;
    })
    .await;
}

/// An imported household is audited as the store's own write of it is: the same insert
/// entry (its members with it), and a changed member list is one update entry whose before
/// and after hold the two lists.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_imported_household_is_audited_with_its_members() {
    each_backend("registers_audit", async |db| {
        let mut seen = Vec::new();
        for by_file in [true, false] {
            let place = db.sibling(&format!("registers_audit_{by_file}")).await;
            let store = place.open().await;
            merged_district(&store).await;
            let h = Household {
                id: "H9".into(),
                head: Some("p3".into()),
                community: "KP2".into(),
                clan: None,
                members: vec!["p3".into(), "p4".into()],
            };
            let changed = Household { members: vec!["p3".into()], ..h.clone() };
            if by_file {
                for (n, members) in ["p3; p4", "p3"].into_iter().enumerate() {
                    let file = place.dir.join(format!("h{n}.csv"));
                    std::fs::write(&file, format!("id,head,community,clan,members\nH9,p3,KP2,,{members}\n")).unwrap();
                    let r = store.import(ImportKind::Households, &file, &ImportOptions::new("t")).await.unwrap();
                    assert_eq!((r.written.added, r.written.changed), if n == 0 { (1, 0) } else { (0, 1) });
                }
            } else {
                store.put_households("t", std::slice::from_ref(&h)).await.unwrap();
                store.put_households("t", std::slice::from_ref(&changed)).await.unwrap();
            }
            let history = store.audit_history("households", "H9").await.unwrap();
            let entries: Vec<(String, Option<String>, Option<String>)> =
                history.into_iter().map(|e| (e.action, e.before, e.after)).collect();
            assert_eq!(entries.len(), 2, "{entries:?}");
            assert_eq!(entries[1].0, "update");
            let (before, after) = (entries[1].1.clone().unwrap(), entries[1].2.clone().unwrap());
            assert!(before.contains("\"p4\"") && !after.contains("\"p4\""), "{before} → {after}");
            assert!(store.audit_verify().await.unwrap().is_ok());
            seen.push(entries);
            store.close().await;
        }
        assert_eq!(seen[0], seen[1], "an import audits as a write does");
    })
    .await;
}

/// A synthetic big file of `kind` (more than a block of rows, more than a streamed CSV's least
/// size) with bad rows here and there: its text, and what must be in the database first.
fn big_file(kind: ImportKind) -> String {
    let mut s = String::new();
    match kind {
        ImportKind::Successions => {
            s.push_str("from,to,date,kind,note,note_en\n");
            for i in 0..200 {
                for j in 0..100 {
                    let (mut from, mut to, mut date, mut kind, mut note) =
                        (format!("O{i:03}"), format!("N{j:03}"), "01/07/2025", "merged", "");
                    match (i, j) {
                        (10, 5) => date = "01/07/2024",
                        (50, 7) => to = "ZZZ".to_owned(),
                        (150, 99) => kind = "khong-biet",
                        (190, 1) => (from, to) = ("O003".to_owned(), "N003".to_owned()),
                        (199, 50) => note = "Minh họa",
                        _ => {}
                    }
                    s.push_str(&format!("{from},{to},{date},{kind},{note},\n"));
                }
            }
        }
        ImportKind::Clans => {
            s.push_str("id,name,area\n");
            for i in 0..20_000 {
                let line = match i {
                    7 => "C000007,Họ Trần,99999".to_owned(),
                    9_000 => "C009000,,27700".to_owned(),
                    17_000 => "C000001,Họ lặp,27700".to_owned(),
                    19_999 => format!("C019999,{},27703", "Họ Nguyễn ".repeat(60)),
                    _ => format!("C{i:06},Họ Thử {i},27700"),
                };
                s.push_str(&line);
                s.push('\n');
            }
        }
        ImportKind::Communities => {
            s.push_str("id,name,kind,commune,valid_from,valid_to\n");
            for i in 0..20_000 {
                let line = match i {
                    3 => "AP000003,Ấp 3,ap,806,,".to_owned(),
                    8_000 => "AP008000,Xóm Giữa,,27700,,".to_owned(),
                    16_500 => "AP016500,Ấp 16500,ap,99999,,".to_owned(),
                    18_000 => "AP018000,Ấp 18000,xom,27700,,".to_owned(),
                    _ => format!("AP{i:06},Ấp {i},,27700,01/01/2000,"),
                };
                s.push_str(&line);
                s.push('\n');
            }
        }
        _ => {
            s.push_str("id,head,community,clan,members\n");
            for i in 0..20_000 {
                let line = match i {
                    11 => "H000011,p1,AP-NONE,C1,p1; p2".to_owned(),
                    5_000 => "H005000,p3,AP1,C1,p1; p2".to_owned(),
                    12_000 => "H012000,p1,AP1,,p1; GV999".to_owned(),
                    16_001 => "H016001,p1,AP1,,p1; p1".to_owned(),
                    19_000 => "H000002,p1,AP1,C1,p1".to_owned(),
                    _ => format!("H{i:06},p1,AP1,C1,p1; p2; p{}", 3 + i % 3),
                };
                s.push_str(&line);
                s.push('\n');
            }
        }
    }
    s
}

/// What a big file of `kind` refers to.
async fn big_file_world(store: &Store, kind: ImportKind) {
    let mut all = areas();
    if kind == ImportKind::Successions {
        let (from, end, reform) = (d(2000, 1, 1), d(2025, 6, 30), d(2025, 7, 1));
        all.extend((0..200).map(|i| {
            place(&format!("O{i:03}"), &format!("Xã cũ {i}"), AreaLevel::Commune, Some("806"), from, Some(end))
        }));
        all.extend(
            (0..100).map(|j| {
                place(&format!("N{j:03}"), &format!("Xã mới {j}"), AreaLevel::Commune, Some("80"), reform, None)
            }),
        );
    }
    store.put_areas("t", &all).await.unwrap();
    if kind == ImportKind::Households {
        store.put_people("t", &["p1", "p2", "p3", "p4", "p5"].map(teacher)).await.unwrap();
        store
            .put_clans("t", &[Clan { id: "C1".into(), name: "Họ Nguyễn".into(), area: "27700".into() }])
            .await
            .unwrap();
        let ap = Community {
            id: "AP1".into(),
            name: "Ấp 1".into(),
            kind: CommunityKind::Ap,
            commune: "27700".into(),
            valid: DateRange::starting(d(2000, 1, 1)),
        };
        store.put_communities("t", &[ap]).await.unwrap();
    }
}

/// The bad rows of each big file: (line, column).
fn big_file_problems(kind: ImportKind) -> Vec<(u64, &'static str)> {
    match kind {
        ImportKind::Successions => {
            vec![(1_007, "date"), (5_009, "to"), (15_101, "kind"), (19_003, "from"), (19_952, "note_en")]
        }
        ImportKind::Clans => vec![(9, "area"), (9_002, "name"), (17_002, "id"), (20_001, "name")],
        ImportKind::Communities => vec![(5, "commune"), (8_002, "kind"), (16_502, "commune"), (18_002, "kind")],
        _ => vec![(13, "community"), (5_002, "head"), (12_002, "members"), (16_003, "members"), (19_002, "id")],
    }
}

/// Each new kind's big file, imported streamed and read whole, all or nothing and skipping
/// bad rows: the same outcome, problems (named by line and column), rejected rows' file, table
/// and audit entries every way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn big_register_files_give_the_same_outcome_streamed_and_whole() {
    each_backend("registers_stream", async |db| {
        for kind in [ImportKind::Successions, ImportKind::Clans, ImportKind::Communities, ImportKind::Households] {
            let file = db.dir.join(format!("big-{}.csv", kind.id()));
            std::fs::write(&file, big_file(kind)).unwrap();
            for skip in [false, true] {
                let mut seen = Vec::new();
                for whole in [false, true] {
                    let place = db.sibling(&format!("registers_stream_{}_{skip}_{whole}", kind.id())).await;
                    let store = place.open().await;
                    big_file_world(&store, kind).await;
                    let rejected = place.dir.join("rejected.csv");
                    let (o, streamed) = options(skip, whole, &rejected);
                    let outcome = match store.import(kind, &file, &o).await {
                        Ok(r) => Ok((r.rows, r.imported, r.rejected, r.written, r.errors)),
                        Err(Error::Import { errors }) => Err(errors),
                        Err(e) => panic!("{kind}: {e}"),
                    };
                    if skip {
                        assert_eq!(streamed(), !whole, "{kind} whole {whole}: the way it went");
                    }
                    let errors = match &outcome {
                        Ok((.., errors)) | Err(errors) => errors,
                    };
                    let problems: Vec<(u64, &str)> = errors.iter().map(|e| (e.line, e.field.as_str())).collect();
                    assert_eq!(problems, big_file_problems(kind), "{kind} skip {skip} whole {whole}: {errors:?}");
                    assert_eq!(outcome.is_ok(), skip, "{kind}");
                    let table = place.dir.join("table.csv");
                    store.export(kind, ExportFormat::Csv, &table).await.unwrap();
                    let key = if kind == ImportKind::Successions { "O000/N000" } else { "" };
                    let audit = audit_of(&store, kind, key).await;
                    assert!(store.audit_verify().await.unwrap().is_ok());
                    let rejected_rows = if skip { std::fs::read(&rejected).ok() } else { None };
                    seen.push((outcome, std::fs::read(&table).unwrap(), rejected_rows, audit));
                    store.close().await;
                }
                assert!(seen[0] == seen[1], "{kind}, skip {skip}: streamed and whole differ");
                if skip {
                    let Ok((rows, imported, ..)) = &seen[0].0 else { unreachable!() };
                    assert_eq!((*rows, rows - imported), (20_000, big_file_problems(kind).len()), "{kind}");
                }
            }
        }
    })
    .await;
}

/// Import options (skipping bad rows, read whole), and whether the import went streamed (the
/// ordinary way tells `Checked` before it writes).
fn options(skip: bool, whole: bool, rejected: &Path) -> (ImportOptions, impl Fn() -> bool) {
    let said = std::sync::Arc::new(std::sync::Mutex::new(false));
    let mut o = opts();
    let to = said.clone();
    o.progress = Some(Progress::new(move |p: &ImportProgress| {
        if matches!(p, ImportProgress::Checked { .. }) {
            *to.lock().unwrap() = true;
        }
    }));
    o.skip_bad_rows = skip;
    o.rejected_to = skip.then(|| rejected.to_owned());
    o.whole_file = whole;
    (o, move || !*said.lock().unwrap())
}

/// The audit entries about the first row of `kind`'s big file, and about one far into it.
async fn audit_of(store: &Store, kind: ImportKind, first: &str) -> Vec<(String, String, Option<String>)> {
    let table = match kind {
        ImportKind::Successions => "successions",
        ImportKind::Clans => "clans",
        ImportKind::Communities => "communities",
        _ => "households",
    };
    let keys: Vec<String> = match kind {
        ImportKind::Successions => vec![first.to_owned(), "O120/N040".to_owned()],
        ImportKind::Clans => vec!["C000000".to_owned(), "C017500".to_owned()],
        ImportKind::Communities => vec!["AP000000".to_owned(), "AP017500".to_owned()],
        _ => vec!["H000000".to_owned(), "H017500".to_owned()],
    };
    let mut out = Vec::new();
    for key in keys {
        for e in store.audit_history(table, &key).await.unwrap() {
            out.push((e.row_key, e.action, e.after));
        }
    }
    out
}
