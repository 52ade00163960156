//! An import never takes a record back in its lifecycle: an approved plan made submitted again
//! by a file is refused on its line (the whole-file import and the streamed one, all or nothing
//! and skipping bad rows), a recognition changed by a file is refused, and the same rows again
//! change nothing.

use std::fmt::Write as _;
use std::path::PathBuf;

use xhht_core::record::{PlanState, SelfStudyPlan};
use xhht_store::{Error, ImportKind, ImportOptions, RowError, Store};

use crate::support::*;
use crate::workflow::assert_deep_clean;
use crate::year::district;

fn write(db: &TestDb, name: &str, text: &str) -> PathBuf {
    let path = db.dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn refused(r: Result<xhht_store::ImportReport, Error>) -> Vec<RowError> {
    match r {
        Err(Error::Import { errors }) => errors,
        other => panic!("expected the import refused, got {other:?}"),
    }
}

fn is_back_in_lifecycle(e: &RowError, line: u64) -> bool {
    e.line == line && e.field == "state" && e.message.contains(" / ") && e.message.contains("back to")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_that_takes_an_approved_plan_back_to_submitted_is_refused_on_its_line() {
    each_backend("import_plan_back", async |db| {
        let store = db.open().await;
        district(&store).await;
        let before = store.self_study_plan("p2", 2024).await.unwrap().unwrap();
        assert_eq!(before.value.state(), PlanState::Approved);

        // Line 3 takes p2 back to submitted (no approval, state submitted); line 2 is p1 as is.
        let text = "person,year,submitted,approved_by,approved_on,state\n\
                    p1,2024,15/01/2024,h1,01/02/2024,approved\n\
                    p2,2024,15/01/2024,,,submitted\n";
        for whole_file in [false, true] {
            let path = write(&db, "plans-back.csv", text);
            let mut opts = ImportOptions::new("t");
            opts.whole_file = whole_file;
            let errors = refused(store.import(ImportKind::SelfStudyPlans, &path, &opts).await);
            assert!(errors.len() == 1 && is_back_in_lifecycle(&errors[0], 3), "{errors:?}");
            assert!(errors[0].message.starts_with("tệp không được"), "Vietnamese first: {}", errors[0].message);
            assert!(errors[0].to_string().contains("plans-back.csv:3: state:"), "{}", errors[0]);
        }
        // A file without a state column and with empty approval cells says the same.
        let path =
            write(&db, "plans-no-state.csv", "person,year,submitted,approved_by,approved_on\np2,2024,15/01/2024,,\n");
        let errors = refused(store.import(ImportKind::SelfStudyPlans, &path, &ImportOptions::new("t")).await);
        assert!(errors.len() == 1 && is_back_in_lifecycle(&errors[0], 2), "{errors:?}");
        // Skipping bad rows: the row is rejected, the others imported.
        let path = write(&db, "plans-skip.csv", text);
        let mut opts = ImportOptions::new("t");
        opts.skip_bad_rows = true;
        let report = store.import(ImportKind::SelfStudyPlans, &path, &opts).await.unwrap();
        assert_eq!((report.imported, report.rejected, report.written.unchanged), (1, 1, 1));
        assert!(is_back_in_lifecycle(&report.errors[0], 3), "{:?}", report.errors);
        assert_eq!(store.self_study_plan("p2", 2024).await.unwrap().unwrap(), before, "untouched");

        // Forward is fine: p1 (approved) unchanged, a new plan for h1 as a draft, and a file
        // without state or approval columns keeps the stored states and approvals.
        let text = "person,year,submitted,state,content\n\
                    h1,2024,10/01/2024,bản nháp,Học tin học\n";
        let path = write(&db, "plans-draft.csv", text);
        let r = store.import(ImportKind::SelfStudyPlans, &path, &ImportOptions::new("t")).await.unwrap();
        assert_eq!(r.written.added, 1);
        let h1 = store.self_study_plan("h1", 2024).await.unwrap().unwrap().value;
        assert_eq!((h1.state(), h1.content()), (PlanState::Draft, Some("Học tin học")));
        let path = write(&db, "plans-dates.csv", "person,year,submitted\nh1,2024,11/01/2024\np2,2024,15/01/2024\n");
        let r = store.import(ImportKind::SelfStudyPlans, &path, &ImportOptions::new("t")).await.unwrap();
        assert_eq!((r.written.changed, r.written.unchanged), (1, 1), "{r:?}");
        let h1 = store.self_study_plan("h1", 2024).await.unwrap().unwrap().value;
        assert_eq!(
            (h1.state(), h1.content(), h1.submitted_on()),
            (PlanState::Draft, Some("Học tin học"), d(2024, 1, 11))
        );
        assert_eq!(store.self_study_plan("p2", 2024).await.unwrap().unwrap().value, before.value);
        // Draft → submitted → approved by files; then back to a draft is refused.
        let text = "person,year,submitted,approved_by,approved_on,state\nh1,2024,12/01/2024,,,submitted\n";
        store.import(ImportKind::SelfStudyPlans, &write(&db, "s.csv", text), &ImportOptions::new("t")).await.unwrap();
        let text = "person,year,submitted,approved_by,approved_on\nh1,2024,12/01/2024,h5,15/01/2024\n";
        store.import(ImportKind::SelfStudyPlans, &write(&db, "a.csv", text), &ImportOptions::new("t")).await.unwrap();
        let h1 = store.self_study_plan("h1", 2024).await.unwrap().unwrap().value;
        assert_eq!((h1.state(), h1.content()), (PlanState::Approved, Some("Học tin học")));
        let text = "person,year,submitted,state\nh1,2024,12/01/2024,nháp\n";
        let errors = refused(
            store.import(ImportKind::SelfStudyPlans, &write(&db, "d.csv", text), &ImportOptions::new("t")).await,
        );
        assert!(is_back_in_lifecycle(&errors[0], 2), "{errors:?}");
        // An approved plan in a file names its approval.
        let text = "person,year,submitted,approved_by,approved_on,state\np3,2023,12/01/2023,,,approved\n";
        let errors = refused(
            store.import(ImportKind::SelfStudyPlans, &write(&db, "x.csv", text), &ImportOptions::new("t")).await,
        );
        assert!(errors[0].field == "approved_by" && errors[0].line == 2, "{errors:?}");
        // An export imports back unchanged, the plans' line breaks included.
        let text = SelfStudyPlan::submitted("p3", 2025, d(2025, 1, 5)).unwrap();
        let text = text.with_content(Some("Mục tiêu:\n- đọc sách".into())).unwrap();
        store.put_self_study_plans("t", &[text]).await.unwrap();
        let out = db.dir.join("export.csv");
        store.export(ImportKind::SelfStudyPlans, xhht_store::ExportFormat::Csv, &out).await.unwrap();
        let r = store.import(ImportKind::SelfStudyPlans, &out, &ImportOptions::new("t")).await.unwrap();
        assert_eq!((r.written.added, r.written.changed), (0, 0), "{r:?}");
        assert_eq!(
            store.self_study_plan("p3", 2025).await.unwrap().unwrap().value.content(),
            Some("Mục tiêu:\n- đọc sách")
        );
        assert_deep_clean(&store).await;
        store.close().await;
    })
    .await;
}

/// More than a block of plans (a streamed re-import), approved; the last row takes one back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_streamed_import_refuses_a_plan_taken_back_too() {
    const N: usize = 17_000;
    each_backend("import_plan_back_streamed", async |db| {
        let store = db.open().await;
        store.put_areas("t", &areas()).await.unwrap();
        let ids: Vec<String> = (0..N).map(|n| format!("P{n:05}")).collect();
        let mut people: Vec<_> = ids.iter().map(|id| teacher(id)).collect();
        people.push(teacher("HEAD"));
        store.put_people("t", &people).await.unwrap();
        let plans: Vec<SelfStudyPlan> = ids
            .iter()
            .map(|id| {
                SelfStudyPlan::submitted(id, 2024, d(2024, 1, 15)).unwrap().approve("HEAD", d(2024, 2, 1)).unwrap()
            })
            .collect();
        store.put_self_study_plans("t", &plans).await.unwrap();
        let mut text = String::from("person,year,submitted,approved_by,approved_on,state,content\n");
        for (n, id) in ids.iter().enumerate() {
            if n + 1 == N {
                writeln!(text, "{id},2024,15/01/2024,,,submitted,").unwrap();
            } else {
                writeln!(text, "{id},2024,15/01/2024,HEAD,01/02/2024,approved,").unwrap();
            }
        }
        assert!(text.len() > 256 * 1024, "big enough to stream");
        let path = write(&db, "plans-big.csv", &text);
        let errors = refused(store.import(ImportKind::SelfStudyPlans, &path, &ImportOptions::new("t")).await);
        let last_line = N as u64 + 1;
        assert!(errors.len() == 1 && is_back_in_lifecycle(&errors[0], last_line), "{errors:?}");
        let mut opts = ImportOptions::new("t");
        opts.skip_bad_rows = true;
        let r = store.import(ImportKind::SelfStudyPlans, &path, &opts).await.unwrap();
        assert_eq!((r.rejected, r.written.unchanged, r.written.changed), (1, N as u64 - 1, 0), "{r:?}");
        assert!(is_back_in_lifecycle(&r.errors[0], last_line), "{:?}", r.errors);
        let last = store.self_study_plan(&ids[N - 1], 2024).await.unwrap().unwrap().value;
        assert_eq!(last.state(), PlanState::Approved, "untouched");
        assert_deep_clean(&store).await;
        store.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recognition_changed_by_a_reimport_is_refused() {
    each_backend("import_recognition_changed", async |db| {
        let store = db.open().await;
        district(&store).await;
        let header = "decision_number,subject_kind,subject,title,level,year,decision_date,authority\n";
        let same = "15/QĐ-UBND,organisation,B,don-vi-hoc-tap,1,2024,10/02/2025,Chủ tịch UBND huyện Cần Đước\n";
        // The same row again: nothing changes.
        let path = write(&db, "rec-same.csv", &format!("{header}{same}"));
        let r = store.import(ImportKind::Recognitions, &path, &ImportOptions::new("t")).await.unwrap();
        assert_eq!((r.written.unchanged, r.written.changed), (1, 0));
        // Another authority on line 3 (a new recognition on line 2 is fine).
        let new = "16/QĐ-UBND,organisation,A,don-vi-hoc-tap,1,2024,10/02/2025,Chủ tịch UBND huyện Cần Đước\n";
        let changed = "15/QĐ-UBND,organisation,B,don-vi-hoc-tap,2,2024,10/02/2025,Chủ tịch UBND huyện Cần Đước\n";
        for whole_file in [false, true] {
            let path = write(&db, "rec-changed.csv", &format!("{header}{new}{changed}"));
            let mut opts = ImportOptions::new("t");
            opts.whole_file = whole_file;
            let errors = refused(store.import(ImportKind::Recognitions, &path, &opts).await);
            assert_eq!(errors.len(), 1, "{errors:?}");
            let e = &errors[0];
            assert!(e.line == 3 && e.field == "decision_number", "{e}");
            assert!(
                e.message.contains("administrator's correction, with a reason") && e.message.contains("`level`"),
                "{e}"
            );
        }
        let year = store.load_year(2024).await.unwrap();
        assert_eq!(year.recognitions.len(), 1, "nothing written");
        assert_eq!(year.recognitions[0].level(), Some(1));
        assert_deep_clean(&store).await;
        store.close().await;
    })
    .await;
}

/// New plans from a file: a returned one with its reason (a Vietnamese state), an approved one
/// by its approval; a returned plan without a reason is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_plans_take_their_state_from_the_file() {
    each_backend("import_plans_first", async |db| {
        let store: Store = db.open().await;
        store.put_areas("t", &areas()).await.unwrap();
        store.put_people("t", &["h1", "p1", "p2"].map(teacher)).await.unwrap();
        let text = "person,year,submitted,approved_by,approved_on,state,note\n\
                    p1,2024,15/01/2024,,,trả lại,Thiếu mục tiêu\n\
                    p2,2024,15/01/2024,h1,01/02/2024,,\n";
        let path = write(&db, "first.csv", text);
        let r = store.import(ImportKind::SelfStudyPlans, &path, &ImportOptions::new("t")).await.unwrap();
        assert_eq!(r.written.added, 2);
        let p1 = store.self_study_plan("p1", 2024).await.unwrap().unwrap().value;
        assert_eq!((p1.state(), p1.note()), (PlanState::Returned, Some("Thiếu mục tiêu")));
        assert_eq!(store.self_study_plan("p2", 2024).await.unwrap().unwrap().value.state(), PlanState::Approved);
        // A returned plan names its reason.
        let text = "person,year,submitted,state,note\np2,2025,15/01/2025,returned,\n";
        let errors = refused(
            store.import(ImportKind::SelfStudyPlans, &write(&db, "r.csv", text), &ImportOptions::new("t")).await,
        );
        assert!(errors[0].field == "note" && errors[0].line == 2, "{errors:?}");
        assert_deep_clean(&store).await;
        store.close().await;
    })
    .await;
}
