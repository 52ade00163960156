//! The registers below the organisations, one row → one record each: area successions (the
//! 2025 merger of communes), clans, hamlet communities, and learning households with their
//! members in one cell (`GV001; GV002`: the household's child rows, replaced with it as an
//! assessment's values are). Ids, codes and names are bounded as names are
//! (`xhht_core::bounds::MAX_NAME_CHARS`), and a household's members by
//! [`MAX_HOUSEHOLD_MEMBERS`].

use xhht_core::Text;
use xhht_core::area::SuccessionKind;
use xhht_core::bounds::{MAX_NAME_CHARS, check_len};
use xhht_core::entity::CommunityKind;
use xhht_core::source::Provenance;

use super::*;
use crate::model::{check_household_head, enum_parse};

/// The most members one household may list.
pub(crate) const MAX_HOUSEHOLD_MEMBERS: usize = 100;

pub(super) static SUCCESSION_COLS: &[ColSpec] = &[
    req("from", &["Mã cũ", "Mã địa bàn cũ", "Mã ĐVHC cũ", "Địa bàn cũ", "Đơn vị hành chính cũ"]),
    req("to", &["Mã mới", "Mã địa bàn mới", "Mã ĐVHC mới", "Địa bàn mới", "Đơn vị hành chính mới", "Sáp nhập vào"]),
    req("date", &["Ngày", "Ngày hiệu lực", "Ngày sắp xếp", "Từ ngày"]),
    opt("kind", &["Hình thức", "Hình thức sắp xếp", "Loại"]),
    opt("note", &["Giả định", "Ghi chú giả định", "Chưa xác minh"]),
    opt("note_en", &["Giả định (tiếng Anh)", "Ghi chú giả định (tiếng Anh)"]),
];

pub(super) static CLAN_COLS: &[ColSpec] = &[
    req("id", &["Mã", "Mã dòng họ", "Mã họ", "Mã số"]),
    req("name", &["Tên", "Tên dòng họ", "Dòng họ", "Tên chi họ", "Chi họ"]),
    req("area", &["Xã, phường", "Xã", "Địa bàn", "Mã địa bàn", "Mã xã"]),
];

pub(super) static COMMUNITY_COLS: &[ColSpec] = &[
    req("id", &["Mã", "Mã thôn, ấp", "Mã ấp", "Mã thôn", "Mã khu phố", "Mã số"]),
    req("name", &["Tên", "Tên thôn, ấp", "Tên ấp", "Tên thôn", "Thôn, ấp", "Tên khu phố"]),
    opt("kind", &["Loại", "Loại hình"]),
    req("commune", &["Xã, phường", "Xã, phường, thị trấn", "Xã", "Mã xã", "Địa bàn", "Mã địa bàn"]),
    opt("valid_from", VALID_FROM),
    opt("valid_to", VALID_TO),
];

pub(super) static HOUSEHOLD_COLS: &[ColSpec] = &[
    req("id", &["Mã", "Mã hộ", "Mã hộ gia đình", "Mã số hộ", "Số hộ"]),
    opt("head", &["Chủ hộ", "Mã chủ hộ"]),
    req(
        "community",
        &["Thôn, ấp", "Ấp", "Thôn", "Khu phố", "Tổ dân phố", "Mã thôn, ấp", "Mã ấp", "Mã thôn", "Cộng đồng"],
    ),
    opt("clan", &["Dòng họ", "Mã dòng họ", "Chi họ"]),
    req("members", &["Thành viên", "Các thành viên", "Mã thành viên", "Nhân khẩu"]),
];

pub(super) static CARRY_SUCCESSIONS: Carry = &[(&schema::SUCCESSIONS, "kind", 3), (&schema::SUCCESSIONS, "note", 4)];
pub(super) static CARRY_COMMUNITIES: Carry = &[
    (&schema::COMMUNITIES, "kind", 2),
    (&schema::COMMUNITIES, "valid_from", 4),
    (&schema::COMMUNITIES, "valid_to", 5),
];
pub(super) static CARRY_HOUSEHOLDS: Carry = &[(&schema::HOUSEHOLDS, "head", 1), (&schema::HOUSEHOLDS, "clan", 3)];

const SUCCESSION_KINDS: &str =
    "merged (sáp nhập, hợp nhất), renamed (đổi tên), split (chia, tách), tier-abolished (kết thúc cấp huyện)";
const COMMUNITY_KINDS: &str = "ap (ấp), thon (thôn, bản, làng, buôn, sóc), khu-pho (khu phố), to-dan-pho (tổ dân phố)";

pub(super) fn succession_kind(s: &str) -> Option<SuccessionKind> {
    enum_parse(s).or(match s {
        "sap nhap" | "hop nhat" | "nhap" => Some(SuccessionKind::Merged),
        "doi ten" | "doi ma" | "doi ten doi ma" => Some(SuccessionKind::Renamed),
        "chia" | "tach" | "chia tach" => Some(SuccessionKind::Split),
        "tier abolished" | "ket thuc cap huyen" | "bo cap huyen" | "khong to chuc cap huyen" => {
            Some(SuccessionKind::TierAbolished)
        }
        _ => None,
    })
}

pub(super) fn community_kind(s: &str) -> Option<CommunityKind> {
    enum_parse(s).or(match s {
        "ap" => Some(CommunityKind::Ap),
        "thon" | "ban" | "lang" | "buon" | "soc" | "phum" => Some(CommunityKind::Thon),
        "khu pho" | "khu" | "khu dan cu" => Some(CommunityKind::KhuPho),
        "to dan pho" | "to" => Some(CommunityKind::ToDanPho),
        _ => None,
    })
}

/// The kind a community's name begins with (`Ấp 3`, `Thôn Đông`, `Khu phố 2`, `Tổ dân phố 5`).
pub(super) fn kind_from_name(name: &str) -> Option<CommunityKind> {
    let n = norm(name);
    let starts = |p: &str| n == p || n.starts_with(&format!("{p} "));
    if starts("to dan pho") {
        Some(CommunityKind::ToDanPho)
    } else if starts("khu pho") {
        Some(CommunityKind::KhuPho)
    } else if starts("ap") {
        Some(CommunityKind::Ap)
    } else {
        ["thon", "ban", "lang", "buon", "soc", "phum"].into_iter().any(starts).then_some(CommunityKind::Thon)
    }
}

/// A required id, code or name, at most [`MAX_NAME_CHARS`] long.
fn name(ctx: &mut RowCtx<'_>, id: &str) -> Option<String> {
    let v = ctx.text(id)?;
    bounded(ctx, id, v)
}

/// An optional id, at most [`MAX_NAME_CHARS`] long: `Err(())` when too long (reported).
fn opt_name(ctx: &mut RowCtx<'_>, id: &str) -> Result<Option<String>, ()> {
    match ctx.opt_text(id) {
        None => Ok(None),
        Some(v) => bounded(ctx, id, v).map(Some).ok_or(()),
    }
}

fn bounded(ctx: &mut RowCtx<'_>, id: &str, v: String) -> Option<String> {
    match check_len(&v, MAX_NAME_CHARS) {
        Ok(()) => Some(v),
        Err(e) => {
            ctx.err(id, e.to_string());
            None
        }
    }
}

pub(super) fn succession(ctx: &mut RowCtx<'_>) -> Option<Succession> {
    let from = name(ctx, "from");
    let to = name(ctx, "to");
    let date = ctx.date("date");
    let kind = match ctx.get("kind") {
        None => Some(SuccessionKind::Merged),
        Some(_) => ctx.choice("kind", true, succession_kind, SUCCESSION_KINDS),
    };
    let provenance = match (ctx.opt_text("note"), ctx.opt_text("note_en")) {
        (None, None) => Some(Provenance::Verified),
        (Some(vi), Some(en)) => Some(Provenance::Assumed { note: Text::new(vi, en) }),
        (Some(_), None) => {
            ctx.err("note_en", "missing: an assumed succession's note is given in English too");
            None
        }
        (None, Some(_)) => {
            ctx.err("note", "missing: an assumed succession's note is given in Vietnamese too");
            None
        }
    };
    let (from, to) = (from?, to?);
    if from == to {
        ctx.err("to", format!("`{to}` is the area that ended (`from`): a succession leads to another area"));
        return None;
    }
    Some(Succession { from, to, date: date?, kind: kind?, provenance: provenance? })
}

pub(super) fn clan(ctx: &mut RowCtx<'_>) -> Option<Clan> {
    let id = name(ctx, "id");
    let clan_name = name(ctx, "name");
    let area = name(ctx, "area");
    Some(Clan { id: id?, name: clan_name?, area: area? })
}

pub(super) fn community(ctx: &mut RowCtx<'_>) -> Option<Community> {
    let id = name(ctx, "id");
    let community_name = name(ctx, "name");
    let kind = match (ctx.get("kind"), &community_name) {
        (Some(_), _) => ctx.choice("kind", true, community_kind, COMMUNITY_KINDS),
        (None, Some(n)) => {
            let kind = kind_from_name(n);
            if kind.is_none() {
                ctx.err("kind", format!("missing, and the name `{n}` does not say it: give one of {COMMUNITY_KINDS}"));
            }
            kind
        }
        (None, None) => None,
    };
    let commune = name(ctx, "commune");
    let from = match ctx.get("valid_from") {
        None => NaiveDate::from_ymd_opt(1900, 1, 1),
        Some(_) => ctx.date("valid_from"),
    };
    let to = ctx.opt_date("valid_to");
    let valid = ctx.range(from, to);
    Some(Community { id: id?, name: community_name?, kind: kind?, commune: commune?, valid: valid? })
}

pub(super) fn household(ctx: &mut RowCtx<'_>) -> Option<Household> {
    let id = name(ctx, "id");
    let head = opt_name(ctx, "head");
    let community = name(ctx, "community");
    let clan = opt_name(ctx, "clan");
    let members = members(ctx);
    let household = Household { id: id?, head: head.ok()?, community: community?, clan: clan.ok()?, members: members? };
    match check_household_head(&household) {
        Ok(()) => Some(household),
        Err(e) => {
            ctx.err(&e.field, e.message);
            None
        }
    }
}

/// The members of a household: person ids separated by `;` (or `,`), each once, at least one and
/// at most [`MAX_HOUSEHOLD_MEMBERS`].
fn members(ctx: &mut RowCtx<'_>) -> Option<Vec<String>> {
    let cell = ctx.req("members")?;
    let ids: Vec<&str> = cell.split([';', ',']).map(str::trim).filter(|s| !s.is_empty()).collect();
    if ids.is_empty() {
        ctx.err("members", "missing: the person ids of the members, separated by `;`");
        return None;
    }
    if ids.len() > MAX_HOUSEHOLD_MEMBERS {
        ctx.err(
            "members",
            format!("{} members, over the limit of {MAX_HOUSEHOLD_MEMBERS} for one household", ids.len()),
        );
        return None;
    }
    let mut out: Vec<String> = Vec::with_capacity(ids.len());
    for m in ids {
        if check_len(m, MAX_NAME_CHARS).is_err() {
            ctx.err("members", format!("a person id is over {MAX_NAME_CHARS} characters"));
            return None;
        }
        if out.iter().any(|x| x == m) {
            ctx.err("members", format!("`{m}` is listed twice"));
            return None;
        }
        out.push(m.to_owned());
    }
    Some(out)
}
