//! Names: the real communes of Cần Đước (criteria.md §6.1, source S66), the district bodies the
//! plan names, and the pieces of synthetic personal names.

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

/// The district bodies of the plan (section VIII.1): code prefix, name, kind, plan actor.
pub(crate) const DISTRICT_BODIES: &[(&str, &str, OrgKind, &str)] = &[
    ("PGDDT", "Phòng Giáo dục và Đào tạo", OrgKind::Agency, "actor.phong-gddt"),
    ("PLDTBXH", "Phòng Lao động - Thương binh và Xã hội", OrgKind::Agency, "actor.phong-ldtbxh"),
    ("PVHTT", "Phòng Văn hóa và Thông tin", OrgKind::Agency, "actor.phong-vhtt"),
    ("PNV", "Phòng Nội vụ", OrgKind::Agency, "actor.phong-noivu"),
    ("PTCKH", "Phòng Tài chính - Kế hoạch", OrgKind::Agency, "actor.phong-tckh"),
    ("LDLD", "Liên đoàn Lao động", OrgKind::MassOrganisation, "actor.ldld"),
    ("HKH", "Hội Khuyến học", OrgKind::MassOrganisation, "actor.hkh"),
    ("TTVHTT", "Trung tâm Văn hóa - Thông tin và Truyền thanh", OrgKind::Centre, "actor.ttvhtt"),
    ("MTTQ", "Ủy ban Mặt trận Tổ quốc Việt Nam", OrgKind::MassOrganisation, "actor.mttq"),
];

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
