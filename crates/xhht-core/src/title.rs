//! The learning titles (danh hiệu) of the movement.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::rulebook::Subject;
use crate::text::Text;

/// A title the movement recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Title {
    /// "Công dân học tập" — Learning Citizen, for a person.
    CongDanHocTap,
    /// "Đơn vị học tập" — Learning Unit, for an agency, unit, school or enterprise.
    DonViHocTap,
    /// "Gia đình học tập" — Learning Family, for a household.
    GiaDinhHocTap,
    /// "Dòng họ học tập" — Learning Clan.
    DongHoHocTap,
    /// "Cộng đồng học tập" — Learning Community (hamlet, commune, district or province).
    CongDongHocTap,
}

impl Title {
    /// Every title, in the order the plan names them.
    pub const ALL: [Title; 5] =
        [Self::CongDanHocTap, Self::DonViHocTap, Self::GiaDinhHocTap, Self::DongHoHocTap, Self::CongDongHocTap];

    /// The stable id, e.g. `cong-dan-hoc-tap`.
    pub fn id(self) -> &'static str {
        match self {
            Self::CongDanHocTap => "cong-dan-hoc-tap",
            Self::DonViHocTap => "don-vi-hoc-tap",
            Self::GiaDinhHocTap => "gia-dinh-hoc-tap",
            Self::DongHoHocTap => "dong-ho-hoc-tap",
            Self::CongDongHocTap => "cong-dong-hoc-tap",
        }
    }

    /// The bilingual name.
    pub fn label(self) -> Text {
        let (vi, en) = match self {
            Self::CongDanHocTap => ("Công dân học tập", "Learning Citizen"),
            Self::DonViHocTap => ("Đơn vị học tập", "Learning Unit"),
            Self::GiaDinhHocTap => ("Gia đình học tập", "Learning Family"),
            Self::DongHoHocTap => ("Dòng họ học tập", "Learning Clan"),
            Self::CongDongHocTap => ("Cộng đồng học tập", "Learning Community"),
        };
        Text::new(vi, en)
    }

    /// The subjects that can hold the title.
    pub fn subjects(self) -> &'static [Subject] {
        match self {
            Self::CongDanHocTap => &[Subject::Person],
            Self::DonViHocTap => &[Subject::Organisation],
            Self::GiaDinhHocTap => &[Subject::Household],
            Self::DongHoHocTap => &[Subject::Clan],
            Self::CongDongHocTap => &[Subject::Community, Subject::Commune, Subject::District, Subject::Province],
        }
    }
}

impl fmt::Display for Title {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Title {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|t| t.id() == s)
            .ok_or_else(|| format!("unknown title `{s}` (known: {})", Self::ALL.map(Title::id).join(", ")))
    }
}
