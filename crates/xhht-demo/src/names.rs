//! Names: the real communes of Cần Đước (criteria.md §6.1, source S66), the district bodies the
//! plan names and the bodies that took over their duties on 2025-07-01 (assumed), and the pieces
//! of synthetic personal names.

use xhht_core::entity::OrgKind;

use crate::Rng;

/// The township and the 16 communes of Cần Đước before 2025-07-01: (name, is the township).
pub(crate) const CAN_DUOC_COMMUNES: &[(&str, bool)] = &[
    ("Thị trấn Cần Đước", true),
    ("Xã Long Định", false),
    ("Xã Long Cang", false),
    ("Xã Phước Vân", false),
    ("Xã Long Sơn", false),
    ("Xã Tân Trạch", false),
    ("Xã Long Hòa", false),
    ("Xã Long Khê", false),
    ("Xã Long Trạch", false),
    ("Xã Mỹ Lệ", false),
    ("Xã Tân Lân", false),
    ("Xã Phước Đông", false),
    ("Xã Tân Ân", false),
    ("Xã Tân Chánh", false),
    ("Xã Phước Tuy", false),
    ("Xã Long Hựu Đông", false),
    ("Xã Long Hựu Tây", false),
];

/// Where a district body's duties and staff went on 2025-07-01, when the district tier ended
/// (after-2025.md, the reading marked [I]: local duties to the commune People's Committee and its
/// culture–society office, district-wide ones to the province). **Assumed**: no text names the
/// holder of the plan's duties after the reform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum After {
    /// To the province body of [`PROVINCE_BODIES`] with this code prefix.
    Province(&'static str),
    /// To the culture–society office of the new communes' People's Committees, its staff spread
    /// over the new communes the district's communes passed into.
    CommuneOffice,
    /// To the new communes' People's Committees themselves, staff spread likewise.
    Commune,
}

/// The district bodies of the plan (section VIII.1): code prefix, name, kind, plan actor, where
/// they went on 2025-07-01.
pub(crate) const DISTRICT_BODIES: &[(&str, &str, OrgKind, &str, After)] = &[
    ("PGDDT", "Phòng Giáo dục và Đào tạo", OrgKind::Agency, "actor.phong-gddt", After::Province("SGDDT")),
    ("PLDTBXH", "Phòng Lao động - Thương binh và Xã hội", OrgKind::Agency, "actor.phong-ldtbxh", After::CommuneOffice),
    ("PVHTT", "Phòng Văn hóa và Thông tin", OrgKind::Agency, "actor.phong-vhtt", After::CommuneOffice),
    ("PNV", "Phòng Nội vụ", OrgKind::Agency, "actor.phong-noivu", After::Province("SNV")),
    ("PTCKH", "Phòng Tài chính - Kế hoạch", OrgKind::Agency, "actor.phong-tckh", After::Commune),
    ("LDLD", "Liên đoàn Lao động", OrgKind::MassOrganisation, "actor.ldld", After::Commune),
    ("HKH", "Hội Khuyến học", OrgKind::MassOrganisation, "actor.hkh", After::Province("HKH")),
    ("TTVHTT", "Trung tâm Văn hóa - Thông tin và Truyền thanh", OrgKind::Centre, "actor.ttvhtt", After::CommuneOffice),
    ("MTTQ", "Ủy ban Mặt trận Tổ quốc Việt Nam", OrgKind::MassOrganisation, "actor.mttq", After::Commune),
];

/// The province's bodies that took over the district-wide duties on 2025-07-01 (assumed, as
/// [`After`]): code prefix, name (followed by the province's), kind, the plan actor whose duties
/// they hold.
pub(crate) const PROVINCE_BODIES: &[(&str, &str, OrgKind, &str)] = &[
    ("SGDDT", "Sở Giáo dục và Đào tạo", OrgKind::Agency, "actor.phong-gddt"),
    ("SNV", "Sở Nội vụ", OrgKind::Agency, "actor.phong-noivu"),
    ("HKH", "Hội Khuyến học", OrgKind::MassOrganisation, "actor.hkh"),
];

/// The culture–society office of a new commune's People's Committee (from 2025-07-01): code
/// prefix, name (followed by the commune's), the plan actor whose duties it holds (assumed).
pub(crate) const COMMUNE_OFFICE: (&str, &str, &str) = ("PVHXH", "Phòng Văn hóa - Xã hội", "actor.phong-vhtt");

const FAMILY: &[&str] =
    &["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Trương", "Bùi", "Đặng", "Đỗ", "Ngô", "Hồ", "Dương", "Lý"];
const MIDDLE: &[&str] = &["Văn", "Thị", "Ngọc", "Minh", "Thanh", "Hoàng", "Quốc", "Kim", "Hữu", "Thị Thu"];
const GIVEN: &[&str] = &[
    "An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Hương", "Khánh", "Lan", "Linh", "Long",
    "Mai", "Nam", "Nga", "Phúc", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Trung", "Tuấn", "Vy",
    "Yến",
];

/// A synthetic full name.
pub(crate) fn full_name(rng: &mut Rng) -> String {
    let f = rng.pick(FAMILY).copied().unwrap_or("Nguyễn");
    let m = rng.pick(MIDDLE).copied().unwrap_or("Văn");
    let g = rng.pick(GIVEN).copied().unwrap_or("An");
    format!("{f} {m} {g}")
}
