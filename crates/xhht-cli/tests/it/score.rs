//! `xhht score`: stateless scoring of a CSV or a workbook.

use std::io::Write;

use super::{stderr, stdout, xhht};

fn csv(text: &str) -> tempfile_path::TempCsv {
    tempfile_path::TempCsv::new(text)
}

/// A CSV written to a unique temporary file, removed on drop.
mod tempfile_path {
    use super::Write;

    pub(crate) struct TempCsv(pub(crate) std::path::PathBuf);

    impl TempCsv {
        pub(crate) fn new(text: &str) -> Self {
            static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let path = std::env::temp_dir().join(format!("xhht-score-{}-{n}.csv", std::process::id()));
            let mut f = std::fs::File::create(&path).unwrap();
            f.write_all(text.as_bytes()).unwrap();
            Self(path)
        }

        pub(crate) fn path(&self) -> &str {
            self.0.to_str().unwrap()
        }
    }

    impl Drop for TempCsv {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }
}

#[test]
fn the_template_is_the_header_a_file_needs() {
    let o = xhht(&["score", "--rulebook", "cong-dan-hoc-tap", "--template"]);
    assert!(o.status.success());
    assert_eq!(stdout(&o), "id,1,2,3,4,5,6,7,8,9,10,minh_chung\n");
}

#[test]
fn json_lines_give_one_object_per_row_with_the_outcome_and_what_is_missing() {
    let f = csv("\u{feff}id,1,2,3,4,5,6,7,8,9,10\nA,8,8,8,8,8,8,8,8,8,8\nB,8,8,8,8,8,8,\"4,5\",8,9,\"9,5\"\n");
    let o = xhht(&[
        "--format",
        "json",
        "--lang",
        "en",
        "score",
        "--rulebook",
        "cong-dan-hoc-tap",
        "--year",
        "2024",
        "--explain",
        f.path(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows: Vec<serde_json::Value> = stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["id"], "A");
    assert_eq!(rows[0]["rulebook"], "cong-dan-hoc-tap");
    assert_eq!(rows[0]["version"], "qd324-2023");
    assert_eq!(rows[0]["total"], "80");
    assert_eq!(rows[0]["outcome"], "dat");
    assert_eq!(rows[0]["label"], "Achieved");
    assert_eq!(rows[0]["missing"], "");
    assert_eq!(rows[1]["total"], "79");
    assert_eq!(rows[1]["outcome"], "khong_dat");
    assert_eq!(rows[1]["missing"], "total 79/80: 1 point short; indicator 7 at 4.5 is below the floor of 5");
    assert!(rows[1]["explanation"].as_array().unwrap().len() >= 12);
}

#[test]
fn the_pilot_year_uses_the_pilot_threshold() {
    let f = csv("id,1,2,3,4,5,6,7,8,9,10\nA,7,7,7,7,7,7,7,7,7,7\n");
    let o = xhht(&["--format", "csv", "score", "--rulebook", "cong-dan-hoc-tap", "--year", "2022", f.path()]);
    assert!(stdout(&o).contains("A,70,dat,Đạt"), "{}", stdout(&o));
}

#[test]
fn a_bad_cell_is_reported_with_file_line_and_column_and_the_other_rows_are_scored() {
    let f = csv("id,1,2,3,4,5,6,7,8,9,10\nA,8,8,8,8,8,8,8,8,8,8\nB,8,8,8,8,8,8,8,8,8,tám\nC,8,8,8,8,8,8,8,8,8,11\n");
    let o = xhht(&["--format", "csv", "score", "--rulebook", "cong-dan-hoc-tap", "--year", "2024", f.path()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains(&format!("{}:3: 10: `tám` is not a number", f.path())), "{err}");
    assert!(err.contains(&format!("{}:4: 10: 11 is outside [0, 10]", f.path())), "{err}");
    assert_eq!(err.lines().count(), 2, "one line per problem: {err}");
    let out = stdout(&o);
    assert!(out.contains("A,80,dat,"), "{out}");
    assert!(out.contains("B,,undetermined,"), "{out}");
}

#[test]
fn an_unknown_column_or_rulebook_is_a_clear_error() {
    let f = csv("id,1,2,99\nA,8,8,8\n");
    let o = xhht(&["score", "--rulebook", "cong-dan-hoc-tap", "--year", "2024", f.path()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains(":1: 99: rulebook `cong-dan-hoc-tap` has no indicator `99`"), "{}", stderr(&o));
    let o = xhht(&["score", "--rulebook", "nope", "--template"]);
    assert!(stderr(&o).contains("unknown rulebook `nope`"));
    let several = xhht(&["score", "--rulebook", "cong-dong-hoc-tap.tt25-2023", "--template"]);
    assert!(stderr(&several).contains("say which with --subject"), "{}", stderr(&several));
}

#[test]
fn the_example_file_scores() {
    let path = format!("{}/../../examples/cong-dan-hoc-tap-scores.csv", env!("CARGO_MANIFEST_DIR"));
    let o = xhht(&["--format", "csv", "score", "--rulebook", "cong-dan-hoc-tap", "--year", "2024", &path]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("CB-0001,80,dat"), "{}", stdout(&o));
}

#[test]
fn the_example_workbook_scores_as_the_example_csv() {
    let dir = format!("{}/../../examples", env!("CARGO_MANIFEST_DIR"));
    let run = |file: &str| {
        let path = format!("{dir}/{file}");
        let o = xhht(&["--format", "csv", "score", "--rulebook", "cong-dan-hoc-tap", "--year", "2024", &path]);
        assert!(o.status.success(), "{file}: {}", stderr(&o));
        stdout(&o)
    };
    // The workbook has a title above its header and numbers as numbers; the CSV has text.
    assert_eq!(run("cong-dan-hoc-tap-scores.xlsx"), run("cong-dan-hoc-tap-scores.csv"));
}

#[test]
fn a_ragged_row_is_a_bad_row_not_the_end_of_the_file() {
    let f = csv("id,1,2,3,4,5,6,7,8,9,10\nA,8,8\nB,8,8,8,8,8,8,8,8,8,8\nC,8,8,8,8,8,8,8,8,8,8,8\n");
    let o = xhht(&["--format", "csv", "score", "--rulebook", "cong-dan-hoc-tap", "--year", "2024", f.path()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    let p = f.path();
    assert!(
        err.contains(&format!("{p}:2: -: dòng có 3 trường, tiêu đề có 11 / the row has 3 fields, the header has 11")),
        "{err}"
    );
    assert!(err.contains(&format!("{p}:4: -: dòng có 12 trường, tiêu đề có 11")), "{err}");
    let out = stdout(&o);
    assert!(out.contains("A,,undetermined,") && out.contains("B,80,dat,") && out.contains("C,,undetermined,"), "{out}");
}

#[test]
fn a_formula_in_an_id_is_quoted_in_the_csv_output() {
    let f = csv("id,1,2,3,4,5,6,7,8,9,10\n=1+1,8,8,8,8,8,8,8,8,8,8\n");
    let o = xhht(&["--format", "csv", "score", "--rulebook", "cong-dan-hoc-tap", "--year", "2024", f.path()]);
    assert!(stdout(&o).contains("'=1+1,80,dat,"), "{}", stdout(&o));
}
