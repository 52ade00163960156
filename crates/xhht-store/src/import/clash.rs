//! The import's check that no one would belong to two organisations on the same day: each
//! membership a file writes (a memberships file, or a people file with an `organisation`
//! column) is compared with the person's other memberships — those on record, as the file
//! leaves them, and the file's own — and a clash is an error on the file's line. The store
//! checks the same after every write ([`crate::write::check_clashes`]); this check is what
//! names the line.

use std::collections::{HashMap, HashSet};

use xhht_core::entity::Membership;

use super::DataRow;
use crate::db::Val;
use crate::error::{Result, RowError};
use crate::model::Record;
use crate::schema::MEMBERSHIPS;
use crate::store::{Store, read_tx};
use crate::write;

impl Store {
    /// Adds an error to every row of `data` whose membership clashes with another of the
    /// person's (see the module documentation).
    pub(super) async fn check_membership_clashes(&self, data: &mut [DataRow], file: &str) -> Result<()> {
        // The file's memberships: (row index, membership).
        let mut in_file: Vec<(usize, Membership)> = Vec::new();
        for (n, d) in data.iter().enumerate().filter(|(_, d)| d.errors.is_empty()) {
            for (t, r) in &d.rows {
                if std::ptr::eq(*t, &MEMBERSHIPS)
                    && let Ok(m) = Membership::from_row(r.clone())
                {
                    in_file.push((n, m));
                }
            }
        }
        if in_file.is_empty() {
            return Ok(());
        }
        let people: Vec<Val> =
            in_file.iter().map(|(_, m)| m.person.as_str()).collect::<HashSet<_>>().into_iter().map(Val::text).collect();
        let mut held: Vec<Membership> = Vec::new();
        for chunk in people.chunks(1000) {
            let filter = format!("p.person IN ({})", crate::db::placeholders(1, chunk.len()));
            let args = chunk.to_vec();
            let rows = read_tx!(self, |c| { write::select::<_, Membership>(c, &filter, args).await? });
            held.extend(rows.into_iter().map(|(m, _)| m));
        }
        // What is on record, as the file leaves it: a row the file rewrites is the file's.
        let key = |m: &Membership| (m.person.clone(), m.organisation.clone(), m.role, m.period.from());
        let rewritten: HashSet<_> = in_file.iter().map(|(_, m)| key(m)).collect();
        let mut by_person: HashMap<&str, Vec<(Option<usize>, &Membership)>> = HashMap::new();
        for m in held.iter().filter(|m| !rewritten.contains(&key(m))) {
            by_person.entry(m.person.as_str()).or_default().push((None, m));
        }
        for (n, m) in &in_file {
            by_person.entry(m.person.as_str()).or_default().push((Some(*n), m));
        }
        let mut errors: Vec<(usize, RowError)> = Vec::new();
        for list in by_person.values() {
            for (at, m) in list.iter().filter_map(|(at, m)| at.map(|a| (a, *m))) {
                let other = list.iter().find(|(o_at, o)| {
                    *o_at != Some(at) && o.organisation != m.organisation && o.period.overlaps(&m.period)
                });
                if let Some((o_at, o)) = other {
                    let line = o_at.and_then(|n| data.get(n)).map(|d| d.line);
                    let also = match line {
                        Some(l) => format!(" (dòng {l} / line {l})"),
                        None => " (đã lưu / on record)".to_owned(),
                    };
                    errors.push((
                        at,
                        RowError {
                            file: file.to_owned(),
                            line: data.get(at).map_or(0, |d| d.line),
                            field: "organisation".to_owned(),
                            message: format!(
                                "{} thuộc {} ({}) cùng lúc với {} ({}){also}; một người chỉ thuộc một \
                                 đơn vị tại một thời điểm: kết thúc tư cách thành viên cũ trước / \
                                 {} belongs to {} ({}) at the same time as {} ({}){also}; a person \
                                 belongs to one organisation at a time: end the old membership first",
                                m.person,
                                m.organisation,
                                m.period,
                                o.organisation,
                                o.period,
                                m.person,
                                m.organisation,
                                m.period,
                                o.organisation,
                                o.period,
                            ),
                        },
                    ));
                }
            }
        }
        for (n, e) in errors {
            if let Some(d) = data.get_mut(n) {
                d.errors.push(e);
            }
        }
        Ok(())
    }
}
