//! Unit tests of the import kinds: headers, closed lists, positions read as roles.

use super::*;

#[test]
fn every_column_and_label_is_documented() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/data-formats.md")).unwrap();
    let imports = &doc[doc.find("## Imports").expect("an Imports section")..];
    for kind in ImportKind::ALL {
        let section = imports.find(&format!("### `{}`", kind.id())).map(|i| &imports[i..]);
        let section = section.unwrap_or_else(|| panic!("no section for {kind}"));
        let section = &section[..section[4..].find("\n### ").map_or(section.len(), |e| e + 4)];
        for col in kind.spec() {
            let row = section
                .lines()
                .find(|l| l.starts_with(&format!("| `{}` |", col.id)))
                .unwrap_or_else(|| panic!("{kind}: column {} is not documented", col.id));
            assert!(row.contains(if col.required { "| yes |" } else { "| no |" }), "{kind}: {}", col.id);
            for label in col.labels {
                assert!(row.contains(label), "{kind}: {}: label {label} is not documented", col.id);
            }
        }
    }
}

#[test]
fn positions_read_as_roles() {
    for head in ["Hiệu trưởng", "Thủ trưởng", "Giám đốc", "Chủ tịch UBND", "Trưởng phòng", "head"]
    {
        assert_eq!(role(&norm(head)), MemberRole::Head, "{head}");
    }
    for member in ["Phó Hiệu trưởng", "Giáo viên", "Nhân viên", "Phó chủ tịch", "member", ""] {
        assert_eq!(role(&norm(member)), MemberRole::Member, "{member}");
    }
}

#[test]
fn kinds_read_from_ids_and_labels() {
    assert_eq!(org_kind(&norm("Trường THCS")), Some(("school".to_owned(), Some(SchoolLevel::LowerSecondary))));
    assert_eq!(org_kind(&norm("school")), Some(("school".to_owned(), None)));
    assert_eq!(org_kind(&norm("Doanh nghiệp")).map(|k| k.0), Some("enterprise".to_owned()));
    assert_eq!(area_level(&norm("Thị trấn")), Some(AreaLevel::Commune));
    assert_eq!(category(&norm("Giáo viên")), Some(PersonCategory::GiaoVien));
    assert_eq!(ImportKind::parse("self-study-plans"), Some(ImportKind::SelfStudyPlans));
    assert!(matches!(indicator_col("Chỉ tiêu 1.3"), IndicatorCol::Value(v) if v == "1 3"));
    assert!(matches!(indicator_col("Minh chứng 1.3"), IndicatorCol::Evidence(v) if v == "1 3"));
}

#[test]
fn kinds_come_parents_first_and_read_their_lists() {
    let tables = crate::schema::ALL_TABLES;
    let at = |k: ImportKind| tables.iter().position(|t| std::ptr::eq(*t, super::super::main_table(k))).unwrap();
    for pair in ImportKind::ALL.windows(2) {
        assert!(at(pair[0]) < at(pair[1]), "{} before {}", pair[0], pair[1]);
    }
    for kind in ImportKind::ALL {
        assert_eq!(ImportKind::parse(kind.id()), Some(kind));
    }
    use registers::{community_kind, kind_from_name, succession_kind};
    use xhht_core::area::SuccessionKind;
    use xhht_core::entity::CommunityKind;
    assert_eq!(succession_kind(&norm("Sáp nhập")), Some(SuccessionKind::Merged));
    assert_eq!(succession_kind("tier-abolished"), Some(SuccessionKind::TierAbolished));
    assert_eq!(succession_kind(&norm("Kết thúc cấp huyện")), Some(SuccessionKind::TierAbolished));
    assert_eq!(community_kind("khu-pho"), Some(CommunityKind::KhuPho));
    assert_eq!(community_kind(&norm("Tổ dân phố")), Some(CommunityKind::ToDanPho));
    assert_eq!(kind_from_name("Ấp 3"), Some(CommunityKind::Ap));
    assert_eq!(kind_from_name("Bản Pác Bó"), Some(CommunityKind::Thon));
    assert_eq!(kind_from_name("Tổ dân phố 5"), Some(CommunityKind::ToDanPho));
    assert_eq!(kind_from_name("Xóm Giữa"), None);
}
