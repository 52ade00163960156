//! Access control as data: who may do what to which record.
//!
//! One pure function, [`decide`], answers every question, so the CLI and the HTTP server apply
//! the same rules. Roles follow the plan's division of duties:
//!
//! | role | who | may |
//! |---|---|---|
//! | `admin` | the education office (Phòng GD&ĐT, standing body) | everything |
//! | `reviewer` | the study-promotion association (Hội Khuyến học) | read all; write recognitions (it inspects and recognises the learning models) and assessments — nothing else |
//! | `verifier` | the home-affairs office (Phòng Nội vụ) | read all; verify reward proposals |
//! | `unit` | one organisation | read and write its own organisation's records, assessments and report; approve self-study plans only as that organisation's head; propose rewards for its own people; never its organisation's governance fields |
//! | `member` | one person (a civil servant, a teacher) | read figures; read and write their own registration, commitment, self-study plan and self-assessment ([`Resource::Own`]) — nothing else |
//! | `viewer` | anyone else with an account | read figures, no personal data |
//!
//! Which *step* of a record's lifecycle each of them may take — the head of a unit apart from
//! its other accounts — is `crate::workflow`'s table, asked after this one.
//!
//! An organisation's governance fields — its kind, managing level, area, parent and the plan
//! actor it acts as ([`Resource::Governance`]) — and new reference data are the
//! administrator's: a unit that could make itself the education office could file that
//! office's reports.
//!
//! Personal data (names, birth years, citizen ids) is readable only by `admin`, `reviewer`,
//! `verifier`, and by a `unit` for its own people (Nghị định 13/2023/NĐ-CP: only roles that need
//! it).

use std::fmt;

use serde::{Deserialize, Serialize};

/// A role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Role {
    /// The education office: everything.
    Admin,
    /// The study-promotion association: recognises titles.
    Reviewer,
    /// The home-affairs office: verifies reward dossiers.
    Verifier,
    /// One organisation: its own records.
    Unit,
    /// Read-only, without personal data.
    Viewer,
    /// One person's own account: their own records only.
    Member,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 6] = [Self::Admin, Self::Reviewer, Self::Verifier, Self::Unit, Self::Viewer, Self::Member];

    /// The id used in files and the API.
    pub fn id(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Reviewer => "reviewer",
            Self::Verifier => "verifier",
            Self::Unit => "unit",
            Self::Viewer => "viewer",
            Self::Member => "member",
        }
    }

    /// Parses an id.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.id() == s)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Who is asking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principal {
    /// The user name or token name.
    pub user: String,
    /// The role.
    pub role: Role,
    /// For a `unit`, its organisation's code.
    pub organisation: Option<String>,
    /// The person in the records the account is (a `member`'s own person; a unit account's
    /// person, by which its head is known).
    #[serde(default)]
    pub person: Option<String>,
}

/// What is being done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Action {
    /// Read figures and records without personal data.
    Read,
    /// Read or export personal data (names, birth years, citizen ids).
    ReadPersonal,
    /// Create or change a record.
    Write,
    /// Approve a self-study plan.
    Approve,
    /// Verify a reward dossier.
    Verify,
    /// Decide (recognise a title, decide a reward).
    Decide,
    /// Manage users, restore backups, run evaluations.
    Administer,
}

/// What it is done to. Records that belong to an organisation say which.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "organisation", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Resource {
    /// The plan, rulebooks, areas: reference data.
    Reference,
    /// An organisation's own record.
    Organisation(String),
    /// A record belonging to an organisation: its people, memberships, registrations,
    /// commitments, self-study plans, report submissions and duty reports.
    OrganisationRecord(String),
    /// An assessment of an organisation or of one of its people.
    Assessment(String),
    /// An organisation's governance fields: its kind, managing level, area, parent and plan
    /// actor.
    Governance(String),
    /// A recognition decision.
    Recognition,
    /// A reward proposal for someone of an organisation.
    RewardProposal(String),
    /// Evaluation results and reports.
    Results,
    /// The audit log.
    Audit,
    /// Users and tokens.
    Users,
    /// One person's own records — their registration, commitment, self-study plan and
    /// self-assessment — as their own (`member`) account touches them.
    Own(String),
}

/// The answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Allowed.
    Allow,
    /// Refused, with the reason (for the error message; it names no personal data).
    Deny(&'static str),
}

impl Decision {
    /// True for [`Decision::Allow`].
    pub fn allowed(&self) -> bool {
        matches!(self, Self::Allow)
    }
}

/// Whether `who` may do `action` to `what`. `is_head` says whether `who` is, on the day that
/// matters (the approval date), the head of the organisation the record belongs to — only
/// [`Action::Approve`] uses it.
pub fn decide(who: &Principal, action: Action, what: &Resource, is_head: bool) -> Decision {
    use Action as A;
    use Resource as R;
    use Role as Ro;
    let own = |org: &str| who.organisation.as_deref() == Some(org);
    match (who.role, action, what) {
        (Ro::Admin, _, _) => Decision::Allow,
        (_, A::Administer, _) | (_, _, R::Users) => {
            Decision::Deny("only an administrator manages users, evaluations and backups")
        }
        (Ro::Member, A::Read | A::ReadPersonal | A::Write, R::Own(p)) if who.person.as_deref() == Some(p.as_str()) => {
            Decision::Allow
        }
        (Ro::Member, A::Read, R::Audit | R::Own(_)) => {
            Decision::Deny("a person's own account reads only their own records")
        }
        (Ro::Member, A::Read, _) => Decision::Allow,
        (Ro::Member, _, _) => Decision::Deny(
            "a person's own account writes only their own registration, commitment, self-study plan and self-assessment",
        ),
        (_, A::Read, R::Audit) if who.role != Ro::Viewer => Decision::Allow,
        (_, A::Read, R::Audit) => Decision::Deny("the audit log is not open to viewers"),
        (_, A::Read, _) => Decision::Allow,
        (Ro::Reviewer | Ro::Verifier, A::ReadPersonal, _) => Decision::Allow,
        (
            Ro::Unit,
            A::ReadPersonal,
            R::OrganisationRecord(o) | R::Organisation(o) | R::RewardProposal(o) | R::Assessment(o),
        ) if own(o) => Decision::Allow,
        (_, A::ReadPersonal, _) => Decision::Deny("personal data is open only to the roles that need it"),
        (_, A::Write, R::Governance(_)) => {
            Decision::Deny("an organisation's kind, level, area, parent and plan actor are changed by an administrator")
        }
        (Ro::Reviewer, A::Write, R::Recognition | R::Assessment(_)) => Decision::Allow,
        (Ro::Reviewer, A::Decide, R::Recognition) => Decision::Allow,
        (Ro::Verifier, A::Verify, R::RewardProposal(_)) => Decision::Allow,
        (
            Ro::Unit,
            A::Write,
            R::Organisation(o) | R::OrganisationRecord(o) | R::RewardProposal(o) | R::Assessment(o),
        ) if own(o) => Decision::Allow,
        (
            Ro::Unit,
            A::Write,
            R::Organisation(_) | R::OrganisationRecord(_) | R::RewardProposal(_) | R::Assessment(_),
        ) => Decision::Deny("a unit may write only its own organisation's records"),
        (Ro::Unit, A::Approve, R::OrganisationRecord(o)) if own(o) && is_head => Decision::Allow,
        (Ro::Unit, A::Approve, R::OrganisationRecord(o)) if own(o) => {
            Decision::Deny("a self-study plan is approved only by the head of the person's organisation")
        }
        (_, A::Approve, _) => {
            Decision::Deny("a self-study plan is approved only by the head of the person's organisation")
        }
        (_, A::Verify, _) => Decision::Deny("reward dossiers are verified by the home-affairs office"),
        (_, A::Decide, _) => Decision::Deny("this decision belongs to another body"),
        (Ro::Viewer, _, _) => Decision::Deny("a viewer cannot change anything"),
        _ => Decision::Deny("this role may not change this record"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(role: Role, org: Option<&str>) -> Principal {
        // A member's own person is `A`, as a unit's own organisation is.
        let person = (role == Role::Member).then(|| "A".to_owned());
        Principal { user: "u".into(), role, organisation: org.map(Into::into), person }
    }

    const ACTIONS: [Action; 7] = [
        Action::Read,
        Action::ReadPersonal,
        Action::Write,
        Action::Approve,
        Action::Verify,
        Action::Decide,
        Action::Administer,
    ];

    fn resources() -> Vec<Resource> {
        vec![
            Resource::Reference,
            Resource::Organisation("A".into()),
            Resource::OrganisationRecord("A".into()),
            Resource::Organisation("B".into()),
            Resource::OrganisationRecord("B".into()),
            Resource::Recognition,
            Resource::RewardProposal("A".into()),
            Resource::RewardProposal("B".into()),
            Resource::Results,
            Resource::Audit,
            Resource::Users,
        ]
    }

    #[test]
    fn a_viewer_never_changes_anything_nor_reads_personal_data() {
        let v = p(Role::Viewer, None);
        for r in resources() {
            for a in ACTIONS {
                let d = decide(&v, a, &r, true);
                assert_eq!(
                    d.allowed(),
                    a == Action::Read && r != Resource::Audit && r != Resource::Users,
                    "{a:?} {r:?}"
                );
            }
        }
    }

    #[test]
    fn a_unit_writes_only_its_own_records_and_approves_only_as_head() {
        let u = p(Role::Unit, Some("A"));
        assert!(decide(&u, Action::Write, &Resource::OrganisationRecord("A".into()), false).allowed());
        assert!(!decide(&u, Action::Write, &Resource::OrganisationRecord("B".into()), true).allowed());
        assert!(!decide(&u, Action::Write, &Resource::Recognition, true).allowed());
        assert!(decide(&u, Action::Approve, &Resource::OrganisationRecord("A".into()), true).allowed());
        assert_eq!(
            decide(&u, Action::Approve, &Resource::OrganisationRecord("A".into()), false),
            Decision::Deny("a self-study plan is approved only by the head of the person's organisation")
        );
        assert!(!decide(&u, Action::Approve, &Resource::OrganisationRecord("B".into()), true).allowed());
        assert!(decide(&u, Action::ReadPersonal, &Resource::OrganisationRecord("A".into()), false).allowed());
        assert!(!decide(&u, Action::ReadPersonal, &Resource::OrganisationRecord("B".into()), false).allowed());
    }

    #[test]
    fn the_reviewer_recognises_and_the_verifier_verifies() {
        let r = p(Role::Reviewer, None);
        let v = p(Role::Verifier, None);
        assert!(decide(&r, Action::Decide, &Resource::Recognition, false).allowed());
        assert!(!decide(&v, Action::Decide, &Resource::Recognition, false).allowed());
        assert!(decide(&v, Action::Verify, &Resource::RewardProposal("A".into()), false).allowed());
        assert!(!decide(&r, Action::Verify, &Resource::RewardProposal("A".into()), false).allowed());
        for who in [&r, &v, &p(Role::Unit, Some("A"))] {
            assert!(!decide(who, Action::Administer, &Resource::Users, true).allowed());
        }
        assert!(decide(&p(Role::Admin, None), Action::Administer, &Resource::Users, false).allowed());
    }

    /// Whose organisation a resource is, for the matrix.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Scope {
        Own,
        Other,
        None,
    }

    /// Every resource kind, on the unit's own organisation `A`, on another `B`, or on none.
    fn scoped() -> Vec<(Resource, &'static str, Scope)> {
        let mut out = vec![
            (Resource::Reference, "reference", Scope::None),
            (Resource::Recognition, "recognition", Scope::None),
            (Resource::Results, "results", Scope::None),
            (Resource::Audit, "audit", Scope::None),
            (Resource::Users, "users", Scope::None),
        ];
        type Make = fn(String) -> Resource;
        let kinds: [(Make, &str); 6] = [
            (Resource::Own, "own-person"),
            (Resource::Organisation, "organisation"),
            (Resource::OrganisationRecord, "organisation-record"),
            (Resource::Assessment, "assessment"),
            (Resource::Governance, "governance"),
            (Resource::RewardProposal, "reward-proposal"),
        ];
        for (make, name) in kinds {
            out.push((make("A".into()), name, Scope::Own));
            out.push((make("B".into()), name, Scope::Other));
        }
        out
    }

    /// The role table of this module's doc, written out as data: what each role may do to each
    /// kind of resource (`own`: only its own organisation's; `any`: every one), apart from the
    /// administrator, who may do everything.
    const SPEC: &[(&str, &str, &str, &str)] = &[
        // role, action, resource kind, scope
        ("reviewer", "read", "*", "any"),
        ("verifier", "read", "*", "any"),
        ("unit", "read", "*", "any"),
        ("viewer", "read", "*", "any"),
        ("reviewer", "read-personal", "*", "any"),
        ("verifier", "read-personal", "*", "any"),
        ("unit", "read-personal", "organisation", "own"),
        ("unit", "read-personal", "organisation-record", "own"),
        ("unit", "read-personal", "assessment", "own"),
        ("unit", "read-personal", "reward-proposal", "own"),
        ("reviewer", "write", "recognition", "any"),
        ("reviewer", "write", "assessment", "any"),
        ("reviewer", "decide", "recognition", "any"),
        ("verifier", "verify", "reward-proposal", "any"),
        ("unit", "write", "organisation", "own"),
        ("unit", "write", "organisation-record", "own"),
        ("unit", "write", "assessment", "own"),
        ("unit", "write", "reward-proposal", "own"),
        ("unit", "approve", "organisation-record", "own-head"),
        ("member", "read", "*", "any"),
        ("member", "read", "own-person", "own"),
        ("member", "read-personal", "own-person", "own"),
        ("member", "write", "own-person", "own"),
    ];

    fn action_id(a: Action) -> &'static str {
        match a {
            Action::Read => "read",
            Action::ReadPersonal => "read-personal",
            Action::Write => "write",
            Action::Approve => "approve",
            Action::Verify => "verify",
            Action::Decide => "decide",
            Action::Administer => "administer",
        }
    }

    fn expected(role: Role, action: Action, kind: &str, scope: Scope, head: bool) -> bool {
        if role == Role::Admin {
            return true;
        }
        // Users are the administrator's alone; the audit log is closed to viewers.
        if kind == "users" || (kind == "audit" && matches!(role, Role::Viewer | Role::Member)) {
            return false;
        }
        // A person's own account reads another person's own records no more than it writes them.
        if role == Role::Member && kind == "own-person" {
            return scope == Scope::Own && matches!(action, Action::Read | Action::ReadPersonal | Action::Write);
        }
        SPEC.iter().any(|(r, a, k, sc)| {
            *r == role.id()
                && *a == action_id(action)
                && (*k == "*" || *k == kind)
                && match *sc {
                    "any" => true,
                    "own" => scope == Scope::Own,
                    "own-head" => scope == Scope::Own && head,
                    _ => false,
                }
        })
    }

    #[test]
    fn every_role_action_and_resource_follows_the_role_table() {
        let mut checked = 0;
        for role in Role::ALL {
            let org = (role == Role::Unit).then_some("A");
            let who = p(role, org);
            for action in ACTIONS {
                for (res, kind, scope) in scoped() {
                    for head in [false, true] {
                        let got = decide(&who, action, &res, head).allowed();
                        assert_eq!(
                            got,
                            expected(role, action, kind, scope, head),
                            "{role} {action:?} {res:?} head={head}"
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert_eq!(checked, 6 * 7 * 17 * 2);
    }

    proptest::proptest! {
        #[test]
        fn no_unit_can_change_another_units_records(own in "[A-Z]{1,3}", other in "[A-Z]{1,3}", head: bool) {
            proptest::prop_assume!(own != other);
            let u = p(Role::Unit, Some(&own));
            for res in [Resource::Organisation(other.clone()), Resource::OrganisationRecord(other.clone()), Resource::RewardProposal(other.clone())] {
                for a in [Action::Write, Action::Approve, Action::Verify, Action::Decide, Action::Administer, Action::ReadPersonal] {
                    proptest::prop_assert!(!decide(&u, a, &res, head).allowed());
                }
            }
        }
    }
}
