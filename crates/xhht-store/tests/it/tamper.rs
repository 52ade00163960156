//! Tampering behind the store's back, detected: a database with a write of every audited kind
//! (records put, imported, updated and deleted — a withdrawal among them; self-assessments;
//! results saved; users, tokens and a revocation; evidence files added and removed),
//! part of it written without an audit key and the rest with one, then ONE tampering per case
//! done directly in SQL — any column of a random row of any audited table edited, a row
//! deleted, a row inserted, a user made admin, a reward decision cleared, a token row added,
//! the last entries deleted, an entry edited (with and without the chain recomputed), a forged
//! entry appended — and every one must be found by the chain, the key, the published head or
//! the deep check. Random targets; the seed is printed (`XHHT_TAMPER_SEED` replays it,
//! `XHHT_TAMPER_CASES` sets the cases per backend).

use sqlx::Connection;
use xhht_core::access::Role;
use xhht_core::area::{AreaLevel, Succession, SuccessionKind};
use xhht_core::entity::{Clan, Community, CommunityKind, Household};
use xhht_core::period::DateRange;
use xhht_core::record::{
    Decision, DecisionOutcome, DutyReport, ReportKind, ReportSubmission, RewardProposal, SelfStudyPlan, SubjectRef,
    Verification, VerificationOutcome,
};
use xhht_scoring::year::{YearEngines, evaluate_year};
use xhht_store::{
    AuditCheck, AuditEntry, AuditKey, AuditReport, Backend, DifferenceKind, ExpectedHead, HeadCheck, Store,
    TokenRecord, UserRecord,
};

use crate::support::*;

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

pub(crate) fn key() -> AuditKey {
    AuditKey::new(b"0123456789abcdef0123456789abcdef-test-only").unwrap()
}

/// Writes of every audited kind: the district of the year tests without a key, then (with
/// `key`) the samples imported, registers, households, updates, results saved twice (the
/// second time without one person: a delete), accounts and tokens.
pub(crate) async fn fixture(store: &mut Store, key: Option<AuditKey>, engines: &YearEngines) {
    crate::year::district(store).await;
    store.set_audit_key(key);
    crate::import::import_samples(store).await;
    let y = 2024;
    store.put_areas("t", &[area("27799", AreaLevel::Commune, Some("806"))]).await.unwrap();
    let succession = Succession {
        from: "27703".into(),
        to: "27799".into(),
        date: d(2025, 7, 1),
        kind: SuccessionKind::Merged,
        provenance: Default::default(),
    };
    store.put_successions("t", &[succession]).await.unwrap();
    store
        .put_clans("t", &[Clan { id: "C1".into(), name: "Họ Nguyễn (chi 2)".into(), area: "27700".into() }])
        .await
        .unwrap();
    let community = Community {
        id: "AP1".into(),
        name: "Ấp 1".into(),
        kind: CommunityKind::Ap,
        commune: "27700".into(),
        valid: DateRange::starting(d(2000, 1, 1)),
    };
    store.put_communities("t", &[community]).await.unwrap();
    let mut household = Household {
        id: "HH1".into(),
        head: Some("p1".into()),
        community: "AP1".into(),
        clan: Some("C1".into()),
        members: vec!["p1".into(), "p2".into()],
    };
    store.put_households("t", std::slice::from_ref(&household)).await.unwrap();
    household.members.push("p3".into());
    store.update_household("t", &household, 1).await.unwrap();
    let submission = ReportSubmission {
        actor: "actor.phong-gddt".into(),
        organisation: "A".into(),
        year: y,
        kind: ReportKind::Annual,
        submitted_on: d(y, 12, 5),
        document_number: Some("12/BC".into()),
    };
    store.put_report_submissions("t", std::slice::from_ref(&submission)).await.unwrap();
    let later = ReportSubmission { submitted_on: d(y, 12, 9), ..submission };
    store.update_report_submission("t", &later, 1).await.unwrap();
    let duty = |value: &str| DutyReport {
        actor: "actor.phong-ldtbxh".into(),
        organisation: "A".into(),
        year: y,
        duty: "actor.phong-ldtbxh.2".into(),
        field: "classes-opened".into(),
        value: value.into(),
    };
    store.put_duty_reports("t", &[duty("12")]).await.unwrap();
    store.put_duty_reports("t", &[duty("14")]).await.unwrap();
    let proposal = |who: &str| {
        RewardProposal::new("reward.annual.individual", SubjectRef::Person(who.into()), y, "u", d(y, 11, 20)).unwrap()
    };
    store.put_reward_proposals("t", &[proposal("p1"), proposal("p2")]).await.unwrap();
    let verified = proposal("p1")
        .verify(Verification { by: "nv".into(), on: d(y, 11, 25), outcome: VerificationOutcome::Accepted, note: None })
        .unwrap();
    store.update_reward_proposal("t", &verified, 1).await.unwrap();
    let decided = verified
        .decide(Decision {
            by: "ct".into(),
            on: d(y, 12, 2),
            outcome: DecisionOutcome::Approved,
            note: Some("QĐ 7".into()),
        })
        .unwrap();
    store.put_reward_proposals("t", &[decided]).await.unwrap();
    // Schema 8: a proposal's exception, a self-assessment, a returned plan with its text, a
    // withdrawn registration.
    let exception = proposal("p3").with_exception(Some("Thành tích đột xuất".into()));
    store.put_reward_proposals("t", &[exception]).await.unwrap();
    store.put_self_assessments("p1", &[crate::workflow::self_scores("p1", 9)]).await.unwrap();
    let plan = SelfStudyPlan::submitted("p1", 2025, d(2025, 1, 10)).unwrap();
    let plan = plan.with_content(Some("Học ngoại ngữ".into())).unwrap().return_with("Thiếu mục tiêu").unwrap();
    store.put_self_study_plans("t", &[plan]).await.unwrap();
    let p2 = SubjectRef::Person("p2".into());
    assert!(store.delete_registration("t", &p2, xhht_core::Title::CongDanHocTap, y).await.unwrap());
    let mut p1 = teacher("p1");
    p1.full_name = "Lê Thị Hoa".into();
    store.update_person("t", &p1, 1).await.unwrap();
    let ended = member("p3", "A", xhht_core::entity::MemberRole::Member, d(2015, 1, 1), Some(d(2024, 12, 31)));
    let version = store.memberships_of("p3").await.unwrap()[0].row_version;
    store.update_membership("t", &ended, version).await.unwrap();
    // Schema 9: evidence files, one added and removed (its bytes go with it), one kept.
    for (name, text) in [("minh-chung.pdf", "%PDF-1.4 minh chung"), ("nhap.pdf", "%PDF-1.4 nhap")] {
        let f = crate::evidence::file("p1", name, text.as_bytes());
        store.add_evidence("p1", &f, text.as_bytes(), 20).await.unwrap();
    }
    let p1s = SubjectRef::Person("p1".into());
    assert!(store.remove_evidence("t", &p1s, "cong-dan-hoc-tap", 2024, "nhap.pdf").await.unwrap());
    // Results: saved, then saved again without one person (its row deleted).
    let data = store.load_year(y).await.unwrap();
    let mut results = evaluate_year(engines, data.input()).unwrap();
    store.save_results("engine", y, &data, &results, engines).await.unwrap();
    results.people.retain(|p| p.id != "p4");
    store.save_results("engine", y, &data, &results, engines).await.unwrap();
    // Accounts: users (one linked to a person), two tokens, one revoked.
    let user = |name: &str, role: Role, password: Option<&str>| UserRecord {
        name: name.into(),
        role,
        organisation: None,
        person: None,
        password_hash: password.map(Into::into),
        created: 1_700_000_000,
    };
    store.put_user("t", &user("ana", Role::Viewer, None)).await.unwrap();
    store.put_user("t", &user("root", Role::Admin, Some("$argon2id$v=19$x"))).await.unwrap();
    store.link_user_person("t", "ana", Some("p1")).await.unwrap();
    for (prefix, name) in [("0a1b2c3d", "laptop"), ("4e5f6a7b", "script")] {
        let token = TokenRecord {
            hash: format!("{prefix}{}", "0".repeat(56)),
            prefix: prefix.into(),
            name: name.into(),
            user: "ana".into(),
            created: 1_700_000_100,
        };
        store.add_token("t", &token).await.unwrap();
    }
    store.revoke_tokens("t", "4e5f6a7b", 1_700_000_200).await.unwrap();
    // A token of root's, revoked by a new password; ana's last one revoked as hers.
    let token = TokenRecord {
        hash: format!("9c8d7e6f{}", "1".repeat(56)),
        prefix: "9c8d7e6f".into(),
        name: "ci".into(),
        user: "root".into(),
        created: 1_700_000_300,
    };
    store.add_token("t", &token).await.unwrap();
    store.put_user("t", &user("root", Role::Admin, Some("$argon2id$v=19$y"))).await.unwrap();
    assert_eq!(store.revoke_user_tokens("t", "ana", 1_700_000_400).await.unwrap(), 1);
}

/// A connection straight to the database, as someone with its file or password has.
enum Raw {
    Lite(sqlx::SqliteConnection),
    Pg(sqlx::PgConnection),
}

impl Raw {
    async fn open(db: &TestDb) -> Raw {
        match db.backend {
            Backend::Sqlite => {
                let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.target)).await.unwrap();
                // Someone editing the file by hand is not held by the foreign keys.
                sqlx::raw_sql("PRAGMA foreign_keys = OFF").execute(&mut c).await.unwrap();
                Raw::Lite(c)
            }
            Backend::Postgres => Raw::Pg(sqlx::PgConnection::connect(&db.target).await.unwrap()),
        }
    }

    fn pg(&self) -> bool {
        matches!(self, Raw::Pg(_))
    }

    /// Runs statements; the rows they changed, or the error.
    async fn exec(&mut self, sql: &str) -> Result<u64, String> {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        match self {
            Raw::Lite(c) => sqlx::raw_sql(sql).execute(c).await.map(|d| d.rows_affected()),
            Raw::Pg(c) => sqlx::raw_sql(sql).execute(c).await.map(|d| d.rows_affected()),
        }
        .map_err(|e| e.to_string())
    }

    /// The rows of a query whose columns are all text.
    async fn rows(&mut self, sql: &str) -> Vec<Vec<Option<String>>> {
        use sqlx::Row;
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        match self {
            Raw::Lite(c) => sqlx::query(sql)
                .fetch_all(c)
                .await
                .unwrap()
                .iter()
                .map(|r| (0..r.len()).map(|i| r.get::<Option<String>, _>(i)).collect())
                .collect(),
            Raw::Pg(c) => sqlx::query(sql)
                .fetch_all(c)
                .await
                .unwrap()
                .iter()
                .map(|r| (0..r.len()).map(|i| r.get::<Option<String>, _>(i)).collect())
                .collect(),
        }
    }

    async fn close(self) {
        match self {
            Raw::Lite(c) => c.close().await.unwrap(),
            Raw::Pg(c) => c.close().await.unwrap(),
        }
    }

    /// A table's columns, `(name, type, part of the primary key)`, the type as `text`, `int`
    /// or `date`.
    async fn columns(&mut self, table: &str) -> Vec<(String, &'static str, bool)> {
        let sql = if self.pg() {
            format!(
                "SELECT c.column_name::text, c.data_type::text, \
                 CASE WHEN EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid \
                 AND a.attnum = ANY(i.indkey) WHERE i.indrelid = '{table}'::regclass AND i.indisprimary \
                 AND a.attname = c.column_name) THEN '1' ELSE '0' END \
                 FROM information_schema.columns c WHERE c.table_schema = current_schema() \
                 AND c.table_name = '{table}' ORDER BY c.ordinal_position"
            )
        } else {
            format!("SELECT name, type, CAST(pk AS TEXT) FROM pragma_table_info('{table}') ORDER BY pk, cid")
        };
        self.rows(&sql)
            .await
            .into_iter()
            .map(|r| {
                let ty = r[1].clone().unwrap_or_default().to_ascii_lowercase();
                let ty = if ty.contains("int") {
                    "int"
                } else if ty.contains("date") {
                    "date"
                } else {
                    "text"
                };
                (r[0].clone().unwrap_or_default(), ty, r[2].as_deref().is_some_and(|p| p != "0"))
            })
            .collect()
    }

    async fn drop_audit_guards(&mut self) {
        let sql = if self.pg() {
            "DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log; \
             DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log"
        } else {
            "DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete"
        };
        self.exec(sql).await.unwrap();
    }

    /// Every entry from `from` on, in order.
    async fn entries(&mut self, from: i64) -> Vec<AuditEntry> {
        let sql = format!(
            "SELECT CAST(seq AS TEXT), at, actor, table_name, row_key, action, before, after, prev_hash, hash \
             FROM audit_log WHERE seq >= {from} ORDER BY seq"
        );
        self.rows(&sql)
            .await
            .into_iter()
            .map(|r| {
                let s = |i: usize| r[i].clone().unwrap_or_default();
                AuditEntry {
                    seq: s(0).parse().unwrap(),
                    at: s(1),
                    actor: s(2),
                    table_name: s(3),
                    row_key: s(4),
                    action: s(5),
                    before: r[6].clone(),
                    after: r[7].clone(),
                    prev_hash: s(8),
                    hash: s(9),
                }
            })
            .collect()
    }
}

/// The audited tables (children and accounts included).
const TABLES: &[&str] = &[
    "areas",
    "successions",
    "organisations",
    "people",
    "memberships",
    "clans",
    "communities",
    "households",
    "household_members",
    "registrations",
    "commitments",
    "self_study_plans",
    "assessments",
    "assessment_values",
    "self_assessments",
    "self_assessment_values",
    "evidence_files",
    "recognitions",
    "report_submissions",
    "duty_reports",
    "reward_proposals",
    "results",
    "result_evaluations",
    "users",
    "api_tokens",
];

/// Columns the trail does not describe (hashes of secrets, creation times of accounts): an
/// edit there is not what the deep check is for (see docs/audit.md).
const NOT_AUDITED: &[(&str, &str)] =
    &[("users", "password_hash"), ("users", "created"), ("api_tokens", "hash"), ("api_tokens", "created")];

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// `WHERE` naming one row by its primary key.
fn where_key(cols: &[(String, &'static str, bool)], row: &[Option<String>]) -> String {
    let parts: Vec<String> = cols
        .iter()
        .zip(row)
        .filter(|((_, _, pk), _)| *pk)
        .map(|((name, _, _), v)| match v {
            Some(v) => format!("CAST({name} AS TEXT) = {}", quote(v)),
            None => format!("{name} IS NULL"),
        })
        .collect();
    format!("WHERE {}", parts.join(" AND "))
}

/// A new value for a column, from its old one: text gets a letter, numbers one more, dates a
/// day later; NULL becomes a value.
fn changed(pg: bool, name: &str, ty: &str, days: i64) -> String {
    match (ty, pg) {
        ("int", _) => format!("COALESCE({name}, 0) + {days}"),
        ("date", true) => format!("COALESCE({name}, DATE '2001-02-03') + {days}"),
        ("date", false) => format!("date(COALESCE({name}, '2001-02-03'), '+{days} days')"),
        _ => format!("COALESCE({name}, '') || 'x'"),
    }
}

/// One tampering, chosen at random among its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    EditColumn,
    DeleteRow,
    InsertRow,
    UserToAdmin,
    ClearDecision,
    InsertToken,
    DeleteLastEntries,
    EditEntry,
    EditEntryRecomputed,
    AppendForged,
}

const KINDS: &[Kind] = &[
    Kind::EditColumn,
    Kind::DeleteRow,
    Kind::InsertRow,
    Kind::UserToAdmin,
    Kind::ClearDecision,
    Kind::InsertToken,
    Kind::DeleteLastEntries,
    Kind::EditEntry,
    Kind::EditEntryRecomputed,
    Kind::AppendForged,
];

/// What was done, for the messages and the checks.
#[derive(Debug)]
struct Done {
    what: String,
    /// The table whose rows changed, if one did.
    table: Option<String>,
    /// The first entry rewritten, if any.
    entry: Option<i64>,
}

/// Tampers with a row of a table: tries random targets until one takes (a constraint may
/// refuse an edit).
async fn tamper_row(raw: &mut Raw, rng: &mut Rng, kind: Kind) -> Done {
    for _ in 0..200 {
        let table = *rng.pick(TABLES);
        let cols = raw.columns(table).await;
        let list: Vec<String> = cols.iter().map(|(n, _, _)| format!("CAST({n} AS TEXT)")).collect();
        let rows = raw.rows(&format!("SELECT {} FROM {table}", list.join(", "))).await;
        if rows.is_empty() {
            continue;
        }
        let row = rng.pick(&rows).clone();
        let at = where_key(&cols, &row);
        let (sql, what) = match kind {
            Kind::EditColumn => {
                let (name, ty, _) = rng.pick(&cols).clone();
                if NOT_AUDITED.contains(&(table, name.as_str())) {
                    continue;
                }
                let new = changed(raw.pg(), &name, ty, 1);
                (format!("UPDATE {table} SET {name} = {new} {at}"), format!("{table}.{name} edited, {at}"))
            }
            Kind::DeleteRow => (format!("DELETE FROM {table} {at}"), format!("{table}: row deleted, {at}")),
            _ => {
                // A copy of the row under another key (its last key column changed).
                let last_pk = cols.iter().rposition(|(_, _, pk)| *pk).unwrap();
                let values: Vec<String> = cols
                    .iter()
                    .enumerate()
                    .map(|(i, (n, ty, _))| if i == last_pk { changed(raw.pg(), n, ty, 1000) } else { n.clone() })
                    .collect();
                let names: Vec<&str> = cols.iter().map(|(n, _, _)| n.as_str()).collect();
                let sql = format!(
                    "INSERT INTO {table} ({}) SELECT {} FROM {table} {at}",
                    names.join(", "),
                    values.join(", ")
                );
                (sql, format!("{table}: row inserted, a copy of the row {at}"))
            }
        };
        if let Ok(1) = raw.exec(&sql).await {
            return Done { what, table: Some(table.to_owned()), entry: None };
        }
    }
    panic!("no tampering of kind {kind:?} could be done");
}

async fn tamper(raw: &mut Raw, rng: &mut Rng, kind: Kind, last: i64) -> Done {
    let table = |t: &str, what: &str| Done { what: what.to_owned(), table: Some(t.to_owned()), entry: None };
    match kind {
        Kind::EditColumn | Kind::DeleteRow | Kind::InsertRow => tamper_row(raw, rng, kind).await,
        Kind::UserToAdmin => {
            assert_eq!(raw.exec("UPDATE users SET role = 'admin' WHERE name = 'ana'").await, Ok(1));
            table("users", "users.role of ana: viewer → admin")
        }
        Kind::ClearDecision => {
            let sql = "UPDATE reward_proposals SET decided_by = NULL, decided_on = NULL, decision = NULL, \
                       decision_note = NULL WHERE decision IS NOT NULL";
            assert_eq!(raw.exec(sql).await, Ok(1));
            table("reward_proposals", "a reward decision cleared")
        }
        Kind::InsertToken => {
            let sql = format!(
                "INSERT INTO api_tokens (hash, prefix, name, user_name, created) \
                 VALUES ('{}', 'deadbeef', 'backdoor', 'root', 1700000300)",
                "f".repeat(64)
            );
            assert_eq!(raw.exec(&sql).await, Ok(1));
            table("api_tokens", "a token row inserted for root")
        }
        Kind::DeleteLastEntries => {
            raw.drop_audit_guards().await;
            let n = 1 + rng.below(10) as i64;
            assert_eq!(raw.exec(&format!("DELETE FROM audit_log WHERE seq > {}", last - n)).await, Ok(n as u64));
            Done { what: format!("the audit entries after {} deleted ({n})", last - n), table: None, entry: None }
        }
        Kind::EditEntry => {
            raw.drop_audit_guards().await;
            let seq = 1 + rng.below(last as usize) as i64;
            let sql = format!("UPDATE audit_log SET actor = actor || ' (edited)' WHERE seq = {seq}");
            assert_eq!(raw.exec(&sql).await, Ok(1));
            Done { what: format!("entry {seq}'s actor edited"), table: None, entry: Some(seq) }
        }
        Kind::EditEntryRecomputed => {
            raw.drop_audit_guards().await;
            let seq = 1 + rng.below(last as usize) as i64;
            let mut entries = raw.entries(seq).await;
            entries[0].actor = "someone else".to_owned();
            let mut prev = entries[0].prev_hash.clone();
            let mut sql = String::new();
            for e in &mut entries {
                e.prev_hash = prev;
                e.hash = e.compute_hash();
                prev = e.hash.clone();
                sql.push_str(&format!(
                    "UPDATE audit_log SET actor = {}, prev_hash = '{}', hash = '{}' WHERE seq = {};",
                    quote(&e.actor),
                    e.prev_hash,
                    e.hash,
                    e.seq
                ));
            }
            raw.exec(&sql).await.unwrap();
            Done {
                what: format!("entry {seq}'s actor edited, the chain recomputed unkeyed"),
                table: None,
                entry: Some(seq),
            }
        }
        Kind::AppendForged => {
            raw.drop_audit_guards().await;
            let last_entry = raw.entries(last).await.remove(0);
            let mut forged = AuditEntry {
                seq: last + 1,
                at: last_entry.at.clone(),
                actor: "root".to_owned(),
                table_name: "users".to_owned(),
                row_key: "ana".to_owned(),
                action: "update".to_owned(),
                before: Some(
                    r#"{"name":"ana","role":"viewer","organisation":null,"person":"p1","password":false}"#.into(),
                ),
                after: Some(
                    r#"{"name":"ana","role":"admin","organisation":null,"person":"p1","password":false}"#.into(),
                ),
                prev_hash: last_entry.hash.clone(),
                hash: String::new(),
            };
            forged.hash = forged.compute_hash();
            let sql = format!(
                "INSERT INTO audit_log (seq, at, actor, table_name, row_key, action, before, after, prev_hash, hash) \
                 VALUES ({}, {}, 'root', 'users', 'ana', 'update', {}, {}, '{}', '{}'); \
                 UPDATE users SET role = 'admin' WHERE name = 'ana'",
                forged.seq,
                quote(&forged.at),
                quote(forged.before.as_deref().unwrap()),
                quote(forged.after.as_deref().unwrap()),
                forged.prev_hash,
                forged.hash
            );
            raw.exec(&sql).await.unwrap();
            Done {
                what: "a forged entry appended (ana made admin, the table too)".to_owned(),
                table: None,
                entry: None,
            }
        }
    }
}

/// A readable account of a report, for failure messages.
fn summary(r: &AuditReport) -> String {
    let deep = r.deep.as_ref().map(|d| {
        d.differences.iter().take(5).map(|x| format!("{} {}: {:?}", x.table, x.key, x.kind)).collect::<Vec<_>>()
    });
    format!(
        "entries {}, broken {:?}, head {}, keyed {}, unkeyed {}, unchecked {}, expected {:?}, deep {:?}",
        r.entries, r.broken, r.head, r.keyed, r.unkeyed, r.unchecked, r.expected, deep
    )
}

/// The head as published: it must stay the head.
fn published(r: &AuditReport) -> ExpectedHead {
    ExpectedHead { seq: Some(r.head.seq), hash: r.head.hash.clone(), later_entries_allowed: false }
}

fn check(keyed: bool, expect: ExpectedHead) -> AuditCheck {
    let c = AuditCheck::new().expect(expect).deep(true);
    if keyed { c.key(key()) } else { c }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_untouched_database_verifies_deep_with_and_without_a_key() {
    let engines = YearEngines::builtin().unwrap();
    each_backend("audit_clean", async |db| {
        let mut store = db.open().await;
        fixture(&mut store, Some(key()), &engines).await;
        let r = store.audit_check(&AuditCheck::new().deep(true)).await.unwrap();
        assert!(r.is_verified(), "{}", summary(&r));
        assert!(r.keyed > 0 && r.unkeyed > 0 && r.unchecked == 0, "a chain begun unkeyed: {}", summary(&r));
        assert_eq!(r.key_id.as_deref(), Some(key().id()));
        let deep = r.deep.as_ref().unwrap();
        assert_eq!(deep.tables.len(), 22, "19 record tables, users, tokens and the evidence files' bytes");
        for t in [
            "people",
            "results",
            "users",
            "api_tokens",
            "households",
            "reward_proposals",
            "evidence_files",
            "evidence_blobs",
        ] {
            let t = deep.tables.iter().find(|x| x.table == t).unwrap();
            assert!(t.expected_rows > 0 && t.expected_rows == t.actual_rows, "{t:?}");
        }
        let r = store.audit_check(&check(true, published(&r))).await.unwrap();
        assert!(r.is_verified(), "{}", summary(&r));
        assert_eq!(r.expected.as_ref().unwrap().1, HeadCheck::Found { seq: r.head.seq, after: 0 });
        // Without the key: the keyed entries' links are checked, not their hashes.
        store.set_audit_key(None);
        let r = store.audit_verify().await.unwrap();
        assert!(r.is_ok() && !r.is_verified() && r.unchecked == r.keyed, "{}", summary(&r));
        store.close().await;
    })
    .await;
    each_backend("audit_clean_unkeyed", async |db| {
        let mut store = db.open().await;
        fixture(&mut store, None, &engines).await;
        let r = store.audit_check(&AuditCheck::new().deep(true)).await.unwrap();
        assert!(r.is_verified() && r.keyed == 0, "{}", summary(&r));
        store.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_keyed_trail_is_extended_only_with_its_key() {
    each_backend("audit_key_writes", async |db| {
        let mut store = db.open().await;
        store.put_areas("a", &areas()).await.unwrap();
        store.set_audit_key(Some(key()));
        store.put_people("a", &[teacher("p1")]).await.unwrap();
        let head = store.audit_verify().await.unwrap().head;
        assert!(head.hash.starts_with("hmac:") && head.seq == 2, "{head}");
        // Without the key, or with another, nothing is written.
        store.set_audit_key(None);
        let e = store.put_people("a", &[teacher("p2")]).await.unwrap_err().to_string();
        assert!(e.contains("XHHT_AUDIT_KEY_FILE") && e.contains("nothing was written"), "{e}");
        store.set_audit_key(AuditKey::new(&[9u8; 32]));
        let e = store.put_people("a", &[teacher("p2")]).await.unwrap_err().to_string();
        assert!(e.contains("does not verify with this store's audit key"), "{e}");
        assert!(store.person("p2").await.unwrap().is_none());
        // A verifier with another key finds the first keyed entry.
        let r = store.audit_verify().await.unwrap();
        assert_eq!(r.broken.as_ref().map(|b| (b.seq, b.check)), Some((2, "hash")), "{}", summary(&r));
        store.set_audit_key(Some(key()));
        store.put_people("a", &[teacher("p2")]).await.unwrap();
        assert!(store.audit_verify().await.unwrap().is_verified());
        store.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_random_tampering_is_detected() {
    let seed = std::env::var("XHHT_TAMPER_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(1)
    });
    let cases: usize = std::env::var("XHHT_TAMPER_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(2 * KINDS.len());
    eprintln!("tampering: seed {seed} (XHHT_TAMPER_SEED={seed} replays it), {cases} cases per backend");
    let engines = YearEngines::builtin().unwrap();
    let mut rng = Rng(seed);
    for backend in backends() {
        for case in 0..cases {
            let kind = KINDS[case % KINDS.len()];
            // Half the databases keyed (a chain begun unkeyed), half never keyed.
            let keyed = rng.below(2) == 0;
            let db = fresh(backend, "audit_tamper_random").await;
            let mut store = db.open().await;
            fixture(&mut store, keyed.then(key), &engines).await;
            let before = store.audit_verify().await.unwrap();
            assert!(before.is_verified());
            store.close().await;
            let mut raw = Raw::open(&db).await;
            let done = tamper(&mut raw, &mut rng, kind, before.head.seq).await;
            raw.close().await;
            let store = db.open().await;
            let r = store.audit_check(&check(keyed, published(&before))).await.unwrap();
            let at = format!("{} case {case} (seed {seed}, keyed {keyed}): {}", backend.id(), done.what);
            assert!(!r.is_ok(), "undetected: {at}\n{}", summary(&r));
            let by = [
                (r.broken.is_some(), "chain"),
                (!r.head_ok(), "head"),
                (r.deep.as_ref().is_some_and(|d| !d.is_clean()), "deep"),
            ];
            let by: Vec<&str> = by.iter().filter(|(hit, _)| *hit).map(|(_, name)| *name).collect();
            eprintln!("{at}: found by {}", by.join(" + "));
            // Each is found where it should be.
            let deep = r.deep.as_ref().unwrap();
            if let Some(t) = &done.table {
                assert!(deep.differences.iter().any(|d| d.table == *t), "{at}: not named by the deep check");
            }
            match kind {
                Kind::DeleteLastEntries => {
                    assert!(matches!(r.expected, Some((_, HeadCheck::Missing { .. }))), "{at}: {}", summary(&r));
                }
                Kind::EditEntry => assert_eq!(r.broken.as_ref().map(|b| b.seq), done.entry, "{at}"),
                Kind::EditEntryRecomputed => {
                    assert!(!r.head_ok(), "the published head no longer matches: {at}");
                    // With the key, an unkeyed entry after keyed ones is a break too.
                    if keyed && done.entry.is_some_and(|s| s > before.unkeyed as i64 + 1) {
                        assert!(r.broken.is_some(), "{at}: {}", summary(&r));
                    }
                }
                Kind::AppendForged => {
                    if keyed {
                        let b = r.broken.as_ref().unwrap();
                        assert_eq!((b.seq, b.check), (before.head.seq + 1, "unkeyed"), "{at}");
                    }
                    assert!(
                        matches!(r.expected, Some((_, HeadCheck::Found { after: 1, .. }))),
                        "the published head is no longer the head: {at}"
                    );
                }
                _ => {
                    assert!(r.broken.is_none() && r.head_ok(), "{at}: the trail itself is intact");
                    assert!(!deep.is_clean(), "{at}");
                }
            }
            // Messages name rows and columns, never a dump of the database.
            for d in &deep.differences {
                if let DifferenceKind::Column { expected, actual, .. } = &d.kind {
                    assert!(expected.chars().count() <= 42 && actual.chars().count() <= 42, "{at}: {d:?}");
                }
            }
            store.close().await;
        }
    }
}
