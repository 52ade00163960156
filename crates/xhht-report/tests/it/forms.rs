//! Actor report forms: generated from the plan's duties, filled, read back.

use chrono::NaiveDate;
use xhht_core::Lang;
use xhht_core::plan::Plan;
use xhht_report::doc::Cell;
use xhht_report::forms::{actor_form, read_filled_xlsx};
use xhht_report::render::{docx, xlsx};

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

#[test]
fn a_filled_form_comes_back_as_duty_reports() {
    let plan = Plan::can_duoc_2024();
    for lang in [Lang::Vi, Lang::En] {
        let mut doc = actor_form(
            plan,
            "actor.phong-ldtbxh",
            2026,
            ("PLDTBXH-CANDUOC", "Phòng LĐ-TB&XH huyện Cần Đước"),
            lang,
            day(),
        )
        .unwrap();
        assert!(!docx::render(&doc).unwrap().is_empty(), "the form also renders as DOCX");
        let a = plan.actor("actor.phong-ldtbxh").unwrap();
        // Fill every numeric field with 12 and every text field with a sentence.
        let rows = &mut doc.sections[0].tables[0].rows;
        for r in rows.iter_mut() {
            let Cell::Text(field) = r[7].clone() else { panic!() };
            let Cell::Text(duty) = r[4].clone() else { panic!() };
            let numeric = a
                .duties
                .iter()
                .find(|d| d.id == duty)
                .unwrap()
                .report_fields
                .iter()
                .find(|f| f.id == field)
                .unwrap()
                .numeric;
            r[9] = if numeric { Cell::Int(12) } else { Cell::Text("Đã tổ chức 3 lớp".into()) };
        }
        let n = rows.len();
        let bytes = xlsx::render(&doc).unwrap();
        let back = read_filled_xlsx(&bytes, "form.xlsx", plan).unwrap();
        assert_eq!(back.len(), n);
        assert!(
            back.iter()
                .all(|r| r.actor == "actor.phong-ldtbxh" && r.organisation == "PLDTBXH-CANDUOC" && r.year == 2026)
        );
        assert!(back.iter().any(|r| r.value == "12"));
    }
}

#[test]
fn a_word_in_a_numeric_field_is_reported_with_its_row() {
    let plan = Plan::can_duoc_2024();
    let mut doc =
        actor_form(plan, "actor.phong-ldtbxh", 2026, ("PLDTBXH-CANDUOC", "Phòng LĐ-TB&XH"), Lang::Vi, day()).unwrap();
    let a = plan.actor("actor.phong-ldtbxh").unwrap();
    let rows = &mut doc.sections[0].tables[0].rows;
    let idx = rows
        .iter()
        .position(|r| {
            let (Cell::Text(duty), Cell::Text(field)) = (&r[4], &r[7]) else { return false };
            a.duties
                .iter()
                .find(|d| d.id == *duty)
                .unwrap()
                .report_fields
                .iter()
                .find(|f| f.id == *field)
                .unwrap()
                .numeric
        })
        .expect("the labour office has a numeric field");
    rows[idx][9] = Cell::Text("mười hai".into());
    let bytes = xlsx::render(&doc).unwrap();
    let errors = read_filled_xlsx(&bytes, "form.xlsx", plan).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with(&format!("form.xlsx:{}: Kết quả (điền vào đây): `mười hai` is not a number", idx + 3)),
        "{errors:?}"
    );
}
