//! Where an indicator's value comes from.
//!
//! Most indicators are **recorded**: an evaluator enters the value in an assessment. Some are
//! **derived** from the yearly records (registrations, commitments, self-study plans) or **rolled
//! up** from members and sub-units; an indicator names its source with a short string in the
//! rulebook (`source = "members.holding:cong-dan-hoc-tap"`), parsed into a [`FactSource`].

use std::fmt;

use crate::title::Title;

/// The source of an indicator's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FactSource {
    /// `recorded` (the default): entered by an evaluator in an assessment.
    Recorded,
    /// `registered:<title>`: the subject registered for the title in the year.
    Registered(Title),
    /// `committed`: the person signed a lifelong-learning commitment for the year.
    Committed,
    /// `self-study-plan-approved-by-head`: the person's self-study plan for the year was
    /// approved by the person holding the head position of the person's own organisation on
    /// the approval date.
    SelfStudyPlanApprovedByHead,
    /// `participates`: the person took part in building the learning society at the unit or
    /// locality during the year (recorded by the unit).
    Participates,
    /// `supports-staff-learning`: the organisation supported its staff's learning in the year.
    SupportsStaffLearning,
    /// `members.registered-and-committed:<title>`: share of the organisation's members who
    /// registered for the title and signed the commitment.
    MembersRegisteredAndCommitted(Title),
    /// `members.holding:<title>`: share of the organisation's members holding the title.
    MembersHolding(Title),
    /// `citizens.holding:<title>`: share of an area's citizens holding the title.
    CitizensHolding(Title),
    /// `sub-units.recognised:<title>`: share of the area's sub-units (e.g. the communes of a
    /// district) recognised for the title at the level being evaluated or higher.
    SubUnitsRecognised(Title),
}

impl FactSource {
    /// Parses the rulebook spelling; the error says what is accepted.
    pub fn parse(s: &str) -> Result<Self, String> {
        let title = |rest: &str| rest.parse::<Title>();
        let s = s.trim();
        let out = match s.split_once(':') {
            None => match s {
                "recorded" => Self::Recorded,
                "committed" => Self::Committed,
                "self-study-plan-approved-by-head" => Self::SelfStudyPlanApprovedByHead,
                "participates" => Self::Participates,
                "supports-staff-learning" => Self::SupportsStaffLearning,
                _ => return Err(unknown(s)),
            },
            Some((head, rest)) => match head {
                "registered" => Self::Registered(title(rest)?),
                "members.registered-and-committed" => Self::MembersRegisteredAndCommitted(title(rest)?),
                "members.holding" => Self::MembersHolding(title(rest)?),
                "citizens.holding" => Self::CitizensHolding(title(rest)?),
                "sub-units.recognised" => Self::SubUnitsRecognised(title(rest)?),
                _ => return Err(unknown(s)),
            },
        };
        Ok(out)
    }

    /// True when the value is a share (percent) rather than a yes/no fact.
    pub fn is_share(self) -> bool {
        matches!(
            self,
            Self::MembersRegisteredAndCommitted(_)
                | Self::MembersHolding(_)
                | Self::CitizensHolding(_)
                | Self::SubUnitsRecognised(_)
        )
    }
}

fn unknown(s: &str) -> String {
    format!(
        "unknown source `{s}`; expected recorded, registered:<title>, committed, \
         self-study-plan-approved-by-head, participates, supports-staff-learning, \
         members.registered-and-committed:<title>, members.holding:<title>, \
         citizens.holding:<title> or sub-units.recognised:<title>"
    )
}

impl fmt::Display for FactSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Recorded => f.write_str("recorded"),
            Self::Registered(t) => write!(f, "registered:{t}"),
            Self::Committed => f.write_str("committed"),
            Self::SelfStudyPlanApprovedByHead => f.write_str("self-study-plan-approved-by-head"),
            Self::Participates => f.write_str("participates"),
            Self::SupportsStaffLearning => f.write_str("supports-staff-learning"),
            Self::MembersRegisteredAndCommitted(t) => write!(f, "members.registered-and-committed:{t}"),
            Self::MembersHolding(t) => write!(f, "members.holding:{t}"),
            Self::CitizensHolding(t) => write!(f, "citizens.holding:{t}"),
            Self::SubUnitsRecognised(t) => write!(f, "sub-units.recognised:{t}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_spelling() {
        for s in [
            "recorded",
            "registered:cong-dan-hoc-tap",
            "committed",
            "self-study-plan-approved-by-head",
            "participates",
            "supports-staff-learning",
            "members.registered-and-committed:cong-dan-hoc-tap",
            "members.holding:cong-dan-hoc-tap",
            "citizens.holding:cong-dan-hoc-tap",
            "sub-units.recognised:cong-dong-hoc-tap",
        ] {
            let f = FactSource::parse(s).unwrap();
            assert_eq!(f.to_string(), s);
        }
    }

    #[test]
    fn rejects_unknown_source_and_title() {
        assert!(FactSource::parse("members.holding:nope").unwrap_err().contains("unknown title"));
        assert!(FactSource::parse("whatever").unwrap_err().contains("unknown source"));
    }
}
