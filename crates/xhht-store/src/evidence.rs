//! Evidence files on assessments (schema 9): a PDF, an image, a Word document or a workbook
//! attached to the assessment (or self-assessment) of a person or an organisation under a
//! rulebook for a data year, by name.
//!
//! Two tables:
//! - `evidence_files` ([`EvidenceFile`]): the name, the media type, the size, the SHA-256, who
//!   added it and when — an audited record table like the others (upserts, the audit trail,
//!   backups, the deep check all come from its description in `crate::schema`), so the trail
//!   holds the hash, never the bytes;
//! - `evidence_blobs`: the bytes, base64 text keyed by their SHA-256 (content-addressed: a
//!   file attached twice is kept once), not audited, removed with the last file that names
//!   them. The deep check ([`Store::audit_deep`]) hashes every row again and reports any whose
//!   bytes are not those of its hash, and a file whose bytes are missing; reading a file back
//!   ([`Store::evidence_bytes`]) checks its hash too, so altered bytes are never served.
//!
//! The store keeps what it is given: which files are acceptable (their types, sizes and names)
//! and who may attach or read them are `xhht-app`'s. It enforces the one bound that must hold
//! under concurrent writes — the most files an assessment may have — in the transaction that
//! adds a file. [`office_document`] tells a Word document from a workbook for the caller that
//! sniffs the bytes.

pub(crate) mod blobs;
mod package;

use chrono::NaiveDate;
use xhht_core::record::SubjectRef;

pub use package::{OfficeDocument, office_document};

use crate::db::{Conn, Ty, Val};
use crate::error::{Error, Result};
use crate::model::{FieldError, FieldResult, Record, Ref, Row, subject_kind, subject_ref};
use crate::schema::{self, Table};
use crate::store::{Store, Versioned, read_tx, write_tx};
use crate::write;

/// A file attached to an assessment: which assessment (subject, rulebook, data year), its name
/// there, what it is and who added it. The bytes are apart ([`Store::evidence_bytes`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceFile {
    /// Whose assessment: a person or an organisation.
    pub subject: SubjectRef,
    /// The rulebook of the assessment.
    pub rulebook: String,
    /// The data year.
    pub year: i32,
    /// The file's name, unique within the assessment.
    pub name: String,
    /// Its media type (`application/pdf`…), as the caller found it from the bytes.
    pub media_type: String,
    /// Its size in bytes.
    pub size: u64,
    /// The SHA-256 of its bytes, 64 lower-case hex digits ([`EvidenceFile::digest`]).
    pub sha256: String,
    /// Who added it (a user name).
    pub added_by: String,
    /// The day it was added.
    pub added_on: NaiveDate,
}

impl EvidenceFile {
    /// The SHA-256 of `bytes` as this record holds it (64 lower-case hex digits).
    pub fn digest(bytes: &[u8]) -> String {
        xhht_core::rulebook::sha256_hex(bytes)
    }
}

/// What [`Store::add_evidence`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EvidenceWrite {
    /// The file was added (one audit entry; its bytes kept under their hash).
    Added,
    /// The assessment has these very bytes under this name already: nothing was written.
    Unchanged,
    /// The assessment has other bytes under this name: nothing was written.
    NameTaken,
    /// The assessment has as many files as it may: nothing was written.
    Full,
}

/// The key of an assessment's files: subject kind, subject id, rulebook, year.
fn assessment_key(subject: &SubjectRef, rulebook: &str, year: i32) -> Vec<Val> {
    vec![Val::text(subject_kind(subject)), Val::text(subject.id()), Val::text(rulebook), Val::int(year)]
}

const OF_ASSESSMENT: &str = "p.subject_kind = $1 AND p.subject_id = $2 AND p.rulebook = $3 AND p.year = $4";
const ONE_FILE: &str = "p.subject_kind = $1 AND p.subject_id = $2 AND p.rulebook = $3 AND p.year = $4 AND p.name = $5";

fn subject_table(s: &SubjectRef) -> Option<&'static Table> {
    match s {
        SubjectRef::Person(_) => Some(&schema::PEOPLE),
        SubjectRef::Organisation(_) => Some(&schema::ORGANISATIONS),
        _ => None,
    }
}

impl Record for EvidenceFile {
    const TABLE: &'static Table = &schema::EVIDENCE_FILES;

    fn to_row(&self) -> FieldResult<Row> {
        if subject_table(&self.subject).is_none() {
            return Err(FieldError::new(
                "subject_kind",
                "evidence is attached to a person's or an organisation's assessment",
            ));
        }
        let size = i64::try_from(self.size).map_err(|_| FieldError::new("size", "too large"))?;
        let vals = vec![
            Val::text(subject_kind(&self.subject)),
            Val::text(self.subject.id()),
            Val::text(&self.rulebook),
            Val::int(self.year),
            Val::text(&self.name),
            Val::text(&self.media_type),
            Val::int(size),
            Val::text(&self.sha256),
            Val::text(&self.added_by),
            Val::date(self.added_on),
        ];
        Ok(Row { vals, children: Vec::new() })
    }

    fn from_row(row: Row) -> FieldResult<Self> {
        let vals: [Val; 10] = row.vals.try_into().map_err(|_| FieldError::new("-", "not a row of evidence_files"))?;
        let [kind, id, rulebook, year, name, media_type, size, sha256, added_by, added_on] = vals;
        let text = |v: Val, col: &str| v.into_string().ok_or_else(|| FieldError::new(col, "missing"));
        let kind = text(kind, "subject_kind")?;
        let subject = subject_ref(&kind, text(id, "subject_id")?)
            .ok_or_else(|| FieldError::new("subject_kind", format!("unknown subject kind `{kind}`")))?;
        Ok(EvidenceFile {
            subject,
            rulebook: text(rulebook, "rulebook")?,
            year: year
                .as_int()
                .and_then(|y| i32::try_from(y).ok())
                .ok_or_else(|| FieldError::new("year", "missing"))?,
            name: text(name, "name")?,
            media_type: text(media_type, "media_type")?,
            size: size
                .as_int()
                .and_then(|s| u64::try_from(s).ok())
                .ok_or_else(|| FieldError::new("size", "missing"))?,
            sha256: text(sha256, "sha256")?,
            added_by: text(added_by, "added_by")?,
            added_on: added_on.as_date().ok_or_else(|| FieldError::new("added_on", "missing"))?,
        })
    }

    fn refs(&self) -> Vec<Ref> {
        subject_table(&self.subject)
            .map(|table| Ref { field: "subject_id", table, key: self.subject.id().to_owned() })
            .into_iter()
            .collect()
    }
}

/// `file` checked against `bytes`: its size and hash must be theirs.
fn check_bytes(file: &EvidenceFile, bytes: &[u8]) -> Result<()> {
    let invalid = |field: &str, message: &str| Error::Invalid {
        table: schema::EVIDENCE_FILES.name,
        key: file.name.clone(),
        field: field.to_owned(),
        message: message.to_owned(),
    };
    if u64::try_from(bytes.len()).ok() != Some(file.size) {
        return Err(invalid("size", "is not the size of the bytes given"));
    }
    if EvidenceFile::digest(bytes) != file.sha256 {
        return Err(invalid("sha256", "is not the SHA-256 of the bytes given"));
    }
    Ok(())
}

/// The bytes of `file` read back under its hash, checked: the base64 must decode, to the size
/// and the hash the record holds. Altered or missing bytes are [`Error::Corrupt`].
async fn bytes_of<C: Conn>(c: &mut C, file: &EvidenceFile) -> Result<Vec<u8>> {
    let corrupt = |message: &str| Error::corrupt(blobs::TABLE, file.sha256.clone(), message);
    let (_, content) = blobs::read(c, &file.sha256).await?.ok_or_else(|| corrupt("the file's bytes are missing"))?;
    let bytes = blobs::decode(&content).ok_or_else(|| corrupt("the stored bytes are not base64"))?;
    if u64::try_from(bytes.len()).ok() != Some(file.size) || EvidenceFile::digest(&bytes) != file.sha256 {
        return Err(corrupt("the stored bytes are not those of their SHA-256"));
    }
    Ok(bytes)
}

impl Store {
    /// Attaches `file` with its `bytes` to its assessment, unless the assessment has
    /// `max_per_assessment` files already or another file of that name.
    ///
    /// One transaction: the bytes are kept under their SHA-256 (once, however many files have
    /// them) and the file is written with one audit entry naming `actor` (the hash and size, not
    /// the bytes). The subject must exist; `file.size` and `file.sha256` must be those of
    /// `bytes` ([`Error::Invalid`] otherwise). Concurrent writers are serialised, so no
    /// assessment ever holds more than `max_per_assessment` files.
    pub async fn add_evidence(
        &self,
        actor: &str,
        file: &EvidenceFile,
        bytes: &[u8],
        max_per_assessment: usize,
    ) -> Result<EvidenceWrite> {
        check_bytes(file, bytes)?;
        let key = assessment_key(&file.subject, &file.rulebook, file.year);
        Ok(write_tx!(self, actor, |c, audit| {
            let sql = format!("SELECT p.name, p.sha256 FROM {} p WHERE {OF_ASSESSMENT}", schema::EVIDENCE_FILES.name);
            let held = c.fetch(sql, key, vec![Ty::Text, Ty::Text]).await?;
            let same_name = held.iter().find(|r| r.first().and_then(Val::as_str) == Some(file.name.as_str()));
            match same_name {
                Some(r) if r.get(1).and_then(Val::as_str) == Some(file.sha256.as_str()) => EvidenceWrite::Unchanged,
                Some(_) => EvidenceWrite::NameTaken,
                None if held.len() >= max_per_assessment => EvidenceWrite::Full,
                None => {
                    let rows = write::prepare(c, std::slice::from_ref(file)).await?;
                    blobs::put(c, &file.sha256, bytes).await?;
                    write::upsert(c, &schema::EVIDENCE_FILES, rows, &mut audit, None).await?;
                    EvidenceWrite::Added
                }
            }
        }))
    }

    /// The files of the assessment of `subject` under `rulebook` for `year`, by name, with
    /// their versions (not their bytes).
    pub async fn evidence_of(
        &self,
        subject: &SubjectRef,
        rulebook: &str,
        year: i32,
    ) -> Result<Vec<Versioned<EvidenceFile>>> {
        self.list(OF_ASSESSMENT, assessment_key(subject, rulebook, year)).await
    }

    /// One file of an assessment by name, with its version (not its bytes).
    pub async fn evidence_file(
        &self,
        subject: &SubjectRef,
        rulebook: &str,
        year: i32,
        name: &str,
    ) -> Result<Option<Versioned<EvidenceFile>>> {
        let mut key = assessment_key(subject, rulebook, year);
        key.push(Val::text(name));
        Ok(self.list(ONE_FILE, key).await?.into_iter().next())
    }

    /// One file of an assessment by name with its bytes, read in one snapshot; `None` when
    /// there is no such file. The bytes are checked against the record's size and SHA-256:
    /// bytes altered behind the store's back are [`Error::Corrupt`], never returned.
    pub async fn evidence_bytes(
        &self,
        subject: &SubjectRef,
        rulebook: &str,
        year: i32,
        name: &str,
    ) -> Result<Option<(Versioned<EvidenceFile>, Vec<u8>)>> {
        let mut key = assessment_key(subject, rulebook, year);
        key.push(Val::text(name));
        read_tx!(self, |c| {
            let Some((file, row_version)) =
                write::select::<_, EvidenceFile>(c, ONE_FILE, key).await?.into_iter().next()
            else {
                return Ok(None);
            };
            let bytes = bytes_of(c, &file).await?;
            Ok(Some((Versioned { value: file, row_version }, bytes)))
        })
    }

    /// Removes a file from its assessment: the row is deleted with a `delete` audit entry
    /// naming `actor` (the row as it was), and its bytes with it unless another file has them.
    /// True when there was such a file; false, and nothing written, otherwise.
    pub async fn remove_evidence(
        &self,
        actor: &str,
        subject: &SubjectRef,
        rulebook: &str,
        year: i32,
        name: &str,
    ) -> Result<bool> {
        let mut key = assessment_key(subject, rulebook, year);
        key.push(Val::text(name));
        let n = write_tx!(self, actor, |c, audit| {
            let sql = format!("SELECT p.sha256 FROM {} p WHERE {ONE_FILE}", schema::EVIDENCE_FILES.name);
            let held = c.fetch(sql, key.clone(), vec![Ty::Text]).await?;
            match held.into_iter().next().and_then(|r| r.into_iter().next()).and_then(Val::into_string) {
                None => 0,
                Some(sha256) => {
                    let n = write::delete_rows(c, &schema::EVIDENCE_FILES, &[key], &mut audit).await?;
                    blobs::drop_unused(c, &sha256).await?;
                    n
                }
            }
        });
        Ok(n > 0)
    }
}
