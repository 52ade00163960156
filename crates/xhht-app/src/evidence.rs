//! Evidence files on assessments: a PDF, a PNG or JPEG image, a Word document (DOCX) or an
//! Excel workbook (XLSX) attached to the assessment or self-assessment of a person or an
//! organisation under a rulebook for a data year (issue 28), kept in the database on either
//! backend (`xhht_store::Store::add_evidence`).
//!
//! - **Who attaches or removes one**: whoever may write that subject's assessment or
//!   self-assessment — the person through their own account, the subject's unit, the reviewer
//!   (who writes assessments), an administrator ([`App::may_add_evidence`]).
//! - **Who reads one** (the list or the bytes): whoever may read the subject's personal
//!   records — an administrator, the reviewer, the verifier, the subject's unit, the person
//!   through their own account. Anyone else is refused (403) before anything is looked up, so
//!   the answer never says whether a file exists; 404 is only for those who may read.
//! - **What is accepted**: the type is sniffed from the bytes, never taken from the name: PDF
//!   (`%PDF-`), PNG, JPEG, and ZIP packages that are a Word document or an Excel workbook by
//!   their `[Content_Types].xml`, measured first against zip bombs
//!   (`xhht_core::bounds::check_workbook`, [`WorkbookLimits::UPLOAD`](xhht_core::bounds::WorkbookLimits::UPLOAD)).
//!   Anything else (an executable renamed `.pdf`, an HTML page, a macro-enabled document) is
//!   refused, naming the field `file`. The name keeps letters, digits, `.`, `-` and `_` only,
//!   and ends with an extension of the type found (one is added when it does not).
//! - **Bounds**: [`MAX_FILE_BYTES`] per file, [`MAX_FILES_PER_ASSESSMENT`] per assessment
//!   (enforced in the store's transaction, so concurrent uploads cannot pass it),
//!   [`MAX_FILE_NAME_CHARS`] per name.
//!
//! Evidence is not read by the rules engine: attaching a file changes no result and does not
//! move the data version. Which lifecycle state the assessment is in does not matter: a file
//! may be attached before the assessment is written and after it is decided.

use chrono::NaiveDate;
use serde::Serialize;
use xhht_core::access::{Action, Resource, Role};
use xhht_core::record::SubjectRef;
use xhht_store::{EvidenceFile, EvidenceWrite, OfficeDocument};

use crate::App;
use crate::auth::AuthUser;
use crate::error::{Error, Result};
use crate::records::{check_year, is_code, require};

/// The largest evidence file, in bytes: 10 MiB (a scanned certificate, a few pages of minutes,
/// a workbook of results). The server's body limit for an upload is this too (413 past it).
pub const MAX_FILE_BYTES: usize = 10 << 20;

/// The most files one assessment (subject, rulebook, data year) may have: 20.
pub const MAX_FILES_PER_ASSESSMENT: usize = 20;

/// The longest file name kept, in characters: 200.
pub const MAX_FILE_NAME_CHARS: usize = 200;

/// Why a caller who may not read the subject's records is refused.
const READERS_ONLY: &str = "minh chứng chỉ mở cho người được đọc hồ sơ cá nhân của đối tượng / evidence is open only to those who may read the subject's personal records";

/// Why a caller who may not write the subject's assessments is refused.
const WRITERS_ONLY: &str = "chỉ người được ghi đánh giá hoặc tự đánh giá của đối tượng mới đính kèm hay gỡ minh chứng / only those who may write the subject's assessment or self-assessment attach or remove evidence";

/// What an evidence file is, as sniffed from its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MediaType {
    /// A PDF document (`%PDF-`).
    Pdf,
    /// A PNG image.
    Png,
    /// A JPEG image.
    Jpeg,
    /// A Word document (a ZIP package whose main part is a WordprocessingML document).
    Docx,
    /// An Excel workbook (a ZIP package whose main part is a SpreadsheetML workbook).
    Xlsx,
}

impl MediaType {
    /// Every type accepted.
    pub const ALL: [MediaType; 5] = [Self::Pdf, Self::Png, Self::Jpeg, Self::Docx, Self::Xlsx];

    /// Its media type (`Content-Type`).
    pub fn mime(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// The file name extensions of the type, the usual one first.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Self::Pdf => &["pdf"],
            Self::Png => &["png"],
            Self::Jpeg => &["jpg", "jpeg"],
            Self::Docx => &["docx"],
            Self::Xlsx => &["xlsx"],
        }
    }
}

/// What a file is, from its bytes (never its name): PDF, PNG, JPEG, or a ZIP package that is a
/// Word document or an Excel workbook — measured first with
/// `xhht_core::bounds::check_workbook` ([`WorkbookLimits::UPLOAD`](xhht_core::bounds::WorkbookLimits::UPLOAD)),
/// so a zip bomb is refused before any part is read.
///
/// # Errors
/// [`Error::Invalid`] naming `file`: an empty file, any other type, a damaged package or a bomb.
pub fn sniff(bytes: &[u8]) -> Result<MediaType> {
    if bytes.is_empty() {
        return Err(Error::invalid("file", "tệp rỗng / the file is empty"));
    }
    if bytes.starts_with(b"%PDF-") {
        return Ok(MediaType::Pdf);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(MediaType::Png);
    }
    if bytes.starts_with(b"\xff\xd8\xff") {
        return Ok(MediaType::Jpeg);
    }
    if xhht_core::bounds::is_zip(bytes) {
        return match xhht_store::office_document(bytes) {
            Ok(Some(OfficeDocument::Word)) => Ok(MediaType::Docx),
            Ok(Some(OfficeDocument::Spreadsheet)) => Ok(MediaType::Xlsx),
            Ok(Some(_) | None) => Err(Error::invalid(
                "file",
                "tệp nén không phải văn bản Word (.docx) hay bảng tính Excel (.xlsx) / the ZIP package is neither a Word document (.docx) nor an Excel workbook (.xlsx)",
            )),
            Err(e) => Err(Error::invalid("file", e.to_string())),
        };
    }
    Err(Error::invalid(
        "file",
        "chỉ nhận PDF, ảnh PNG hoặc JPEG, văn bản Word (.docx) hoặc bảng tính Excel (.xlsx), nhận ra từ nội dung tệp chứ không từ tên / only PDF, PNG or JPEG images, Word documents (.docx) and Excel workbooks (.xlsx) are accepted, told from the file's bytes, not its name",
    ))
}

/// A file name as it is kept: its last path component, composed (NFC), with letters, digits,
/// `.`, `-` and `_` only, no leading or trailing dot, at most [`MAX_FILE_NAME_CHARS`]
/// characters, ending with an extension of `media` (the usual one is added when it does not:
/// `bao-cao.docx` that is a PDF is kept as `bao-cao.docx.pdf`).
///
/// # Errors
/// [`Error::Invalid`] naming `file`: nothing left of the name, or too long.
pub fn clean_file_name(name: &str, media: MediaType) -> Result<String> {
    let long = |e: xhht_core::bounds::BoundError| Error::invalid("file", e.to_string());
    xhht_core::bounds::check_len(name, MAX_FILE_NAME_CHARS * 4).map_err(long)?;
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let kept: String = xhht_core::bounds::clean(base)
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .collect();
    let kept = kept.trim_matches('.');
    if kept.is_empty() {
        return Err(Error::invalid(
            "file",
            "cần tên tệp (chữ, số, “.”, “-”, “_”) / the file needs a name (letters, digits, `.`, `-`, `_`)",
        ));
    }
    let ext = kept.rsplit_once('.').map(|(_, e)| e.to_lowercase());
    let name = match ext {
        Some(e) if media.extensions().contains(&e.as_str()) => kept.to_owned(),
        _ => format!("{kept}.{}", media.extensions()[0]),
    };
    xhht_core::bounds::check_len(&name, MAX_FILE_NAME_CHARS).map_err(long)?;
    Ok(name)
}

/// An evidence file as a front-end shows it (not its bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// `person` or `organisation`.
    pub subject_kind: &'static str,
    /// The person's id or the organisation's code.
    pub subject: String,
    /// The rulebook of the assessment.
    pub rulebook: String,
    /// The data year.
    pub year: i32,
    /// The file's name within the assessment.
    pub name: String,
    /// Its media type, sniffed from its bytes when it was added.
    pub media_type: String,
    /// Its size in bytes.
    pub size: u64,
    /// The SHA-256 of its bytes (hex): what the audit trail holds.
    pub sha256: String,
    /// Who added it.
    pub added_by: String,
    /// The day it was added.
    pub added_on: NaiveDate,
    /// Its row version.
    pub version: i64,
}

impl From<xhht_store::Versioned<EvidenceFile>> for Evidence {
    fn from(v: xhht_store::Versioned<EvidenceFile>) -> Self {
        let f = v.value;
        Evidence {
            subject_kind: kind_of(&f.subject),
            subject: f.subject.id().to_owned(),
            rulebook: f.rulebook,
            year: f.year,
            name: f.name,
            media_type: f.media_type,
            size: f.size,
            sha256: f.sha256,
            added_by: f.added_by,
            added_on: f.added_on,
            version: v.row_version,
        }
    }
}

/// What [`App::add_evidence`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceAdded {
    /// The file as kept.
    pub file: Evidence,
    /// False when these very bytes were attached under this name already (nothing written).
    pub added: bool,
}

/// An evidence file with its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceContent {
    /// The file (its `media_type` is the one sniffed when it was added).
    pub file: Evidence,
    /// Its bytes, checked against its SHA-256.
    pub bytes: Vec<u8>,
}

fn kind_of(s: &SubjectRef) -> &'static str {
    match s {
        SubjectRef::Person(_) => "person",
        _ => "organisation",
    }
}

/// Refuses a subject evidence cannot be about, and ids that are not codes.
fn check_subject(subject: &SubjectRef) -> Result<()> {
    if !matches!(subject, SubjectRef::Person(_) | SubjectRef::Organisation(_)) {
        return Err(Error::invalid(
            "subject_kind",
            "minh chứng gắn với đánh giá của một người hoặc một đơn vị / evidence is attached to a person's or an organisation's assessment",
        ));
    }
    let id = subject.id();
    if xhht_core::bounds::check_len(id, xhht_core::bounds::MAX_NAME_CHARS).is_err() || !is_code(id) {
        return Err(Error::invalid("subject", "mã không hợp lệ / not a valid id or code"));
    }
    Ok(())
}

/// Refuses a rulebook that is not one of the built-in ones, or that does not assess `subject`'s
/// kind.
fn check_rulebook(rulebook: &str, subject: &SubjectRef) -> Result<()> {
    use xhht_core::rulebook::{RulebookSet, Subject};
    let book = RulebookSet::builtin()
        .get(rulebook)
        .map_err(|_| Error::invalid("rulebook", "không có bộ tiêu chí này / no such rulebook"))?;
    let kind = if matches!(subject, SubjectRef::Person(_)) { Subject::Person } else { Subject::Organisation };
    let r = &book.rulebook;
    if r.groups.iter().any(|g| r.subject_of(g) == Some(kind)) {
        Ok(())
    } else {
        Err(Error::invalid(
            "rulebook",
            "bộ tiêu chí này không đánh giá loại đối tượng này / this rulebook does not assess this kind of subject",
        ))
    }
}

/// Refuses a name no stored file can have (over-long).
fn check_lookup_name(name: &str) -> Result<()> {
    xhht_core::bounds::check_len(name, MAX_FILE_NAME_CHARS).map_err(|e| Error::invalid("name", e.to_string()))
}

impl App {
    /// Refuses ([`Error::Forbidden`]) unless `who` may attach evidence to `subject`'s
    /// assessments on `today`: whoever may write its self-assessment (the person through their
    /// own account, its unit, an administrator) or its official assessment (the reviewer).
    /// Asked before the upload is read.
    pub async fn may_add_evidence(&self, who: &AuthUser, subject: &SubjectRef, today: NaiveDate) -> Result<()> {
        check_subject(subject)?;
        match self.require_own_records(who, subject, today).await {
            Ok(()) => return Ok(()),
            Err(Error::Forbidden(_)) => {}
            Err(other) => return Err(other),
        }
        let res = match self.subject_resource(subject, today).await? {
            Resource::OrganisationRecord(o) => Resource::Assessment(o),
            other => other,
        };
        require(who, Action::Write, &res, false).map_err(|_| Error::Forbidden(WRITERS_ONLY.to_owned()))
    }

    /// Refuses ([`Error::Forbidden`]) unless `who` may read `subject`'s personal records on
    /// `today`: an administrator, the reviewer, the verifier, the subject's unit, the person
    /// through their own account.
    async fn may_read_evidence(&self, who: &AuthUser, subject: &SubjectRef, today: NaiveDate) -> Result<()> {
        check_subject(subject)?;
        let allowed = match (who.principal.role, subject) {
            (Role::Member, SubjectRef::Person(p)) => {
                require(who, Action::ReadPersonal, &Resource::Own(p.clone()), false)
            }
            _ => require(who, Action::ReadPersonal, &self.subject_resource(subject, today).await?, false),
        };
        allowed.map_err(|_| Error::Forbidden(READERS_ONLY.to_owned()))
    }

    /// Attaches `bytes`, named `file_name`, to the assessment of `subject` under `rulebook` for
    /// `year`, as `who` on `today` (see the module documentation for who may, what is accepted
    /// and the bounds). Sent again with the same bytes and name, nothing is written
    /// (`added: false`); other bytes under a name already attached are a conflict.
    ///
    /// # Errors
    /// [`Error::Forbidden`]; [`Error::Invalid`] naming `file` (type, size, name, the
    /// assessment full), `year`, `rulebook` or `subject`; [`Error::NotFound`] for a subject not
    /// on record; [`Error::Conflict`] for a name taken.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_evidence(
        &self,
        who: &AuthUser,
        subject: SubjectRef,
        rulebook: &str,
        year: i32,
        file_name: &str,
        bytes: &[u8],
        today: NaiveDate,
    ) -> Result<EvidenceAdded> {
        check_year(year)?;
        self.may_add_evidence(who, &subject, today).await?;
        check_rulebook(rulebook, &subject)?;
        if bytes.len() > MAX_FILE_BYTES {
            return Err(Error::invalid(
                "file",
                format!(
                    "tệp lớn hơn {m} MiB / the file is larger than {m} MiB, the most an evidence file may be",
                    m = MAX_FILE_BYTES >> 20
                ),
            ));
        }
        // Unpacking a package and hashing are work for a blocking thread.
        let owned = bytes.to_vec();
        let (media, sha256) =
            tokio::task::spawn_blocking(move || sniff(&owned).map(|m| (m, EvidenceFile::digest(&owned))))
                .await
                .map_err(|e| Error::Task(e.to_string()))??;
        let name = clean_file_name(file_name, media)?;
        let exists = match &subject {
            SubjectRef::Person(p) => self.store().person(p).await?.is_some(),
            _ => self.store().organisation(subject.id()).await?.is_some(),
        };
        if !exists {
            return Err(Error::NotFound("không có đối tượng này / no such person or organisation".to_owned()));
        }
        let file = EvidenceFile {
            subject,
            rulebook: rulebook.to_owned(),
            year,
            name,
            media_type: media.mime().to_owned(),
            size: bytes.len() as u64,
            sha256,
            added_by: who.principal.user.clone(),
            added_on: today,
        };
        let added = match self.store().add_evidence(&who.principal.user, &file, bytes, MAX_FILES_PER_ASSESSMENT).await?
        {
            EvidenceWrite::Added => true,
            EvidenceWrite::Unchanged => false,
            EvidenceWrite::NameTaken => {
                return Err(Error::Conflict(format!(
                    "đã có tệp khác tên “{n}” trong hồ sơ này; đổi tên hoặc gỡ tệp cũ trước / another file named “{n}” is attached to this assessment: rename this one or remove that one first",
                    n = file.name
                )));
            }
            EvidenceWrite::Full => {
                return Err(Error::invalid(
                    "file",
                    format!(
                        "hồ sơ đã có {MAX_FILES_PER_ASSESSMENT} tệp minh chứng, mức tối đa / the assessment already has {MAX_FILES_PER_ASSESSMENT} evidence files, the most it may have"
                    ),
                ));
            }
            _ => return Err(Error::Conflict("the file was not attached".to_owned())),
        };
        let stored = self
            .store()
            .evidence_file(&file.subject, &file.rulebook, file.year, &file.name)
            .await?
            .ok_or_else(|| Error::Conflict("the file was removed meanwhile".to_owned()))?;
        Ok(EvidenceAdded { file: stored.into(), added })
    }

    /// The evidence files of the assessment of `subject` under `rulebook` for `year`, by name,
    /// for whoever may read the subject's personal records (403 for anyone else, whether or not
    /// there are files).
    pub async fn evidence_of(
        &self,
        who: &AuthUser,
        subject: &SubjectRef,
        rulebook: &str,
        year: i32,
        today: NaiveDate,
    ) -> Result<Vec<Evidence>> {
        check_year(year)?;
        self.may_read_evidence(who, subject, today).await?;
        check_rulebook(rulebook, subject)?;
        Ok(self.store().evidence_of(subject, rulebook, year).await?.into_iter().map(Evidence::from).collect())
    }

    /// One evidence file with its bytes (checked against its SHA-256), for whoever may read the
    /// subject's personal records; [`Error::NotFound`] when there is no such file (for them
    /// only: anyone else is refused first).
    pub async fn evidence_file(
        &self,
        who: &AuthUser,
        subject: &SubjectRef,
        rulebook: &str,
        year: i32,
        name: &str,
        today: NaiveDate,
    ) -> Result<EvidenceContent> {
        check_year(year)?;
        self.may_read_evidence(who, subject, today).await?;
        check_rulebook(rulebook, subject)?;
        check_lookup_name(name)?;
        let (file, bytes) = self
            .store()
            .evidence_bytes(subject, rulebook, year, name)
            .await?
            .ok_or_else(|| Error::NotFound("không có tệp minh chứng này / no such evidence file".to_owned()))?;
        Ok(EvidenceContent { file: file.into(), bytes })
    }

    /// Removes an evidence file (whoever may attach one); the audit trail keeps the row as it
    /// was. [`Error::NotFound`] when there is no such file.
    pub async fn remove_evidence(
        &self,
        who: &AuthUser,
        subject: &SubjectRef,
        rulebook: &str,
        year: i32,
        name: &str,
        today: NaiveDate,
    ) -> Result<()> {
        check_year(year)?;
        self.may_add_evidence(who, subject, today).await?;
        check_rulebook(rulebook, subject)?;
        check_lookup_name(name)?;
        if self.store().remove_evidence(&who.principal.user, subject, rulebook, year, name).await? {
            Ok(())
        } else {
            Err(Error::NotFound("không có tệp minh chứng này / no such evidence file".to_owned()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_told_from_the_bytes_and_names_keep_only_safe_characters() {
        assert_eq!(sniff(b"%PDF-1.7\n").ok(), Some(MediaType::Pdf));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n....").ok(), Some(MediaType::Png));
        assert_eq!(sniff(b"\xff\xd8\xff\xe0JFIF").ok(), Some(MediaType::Jpeg));
        for bad in [&b"MZ\x90\x00"[..], b"<!DOCTYPE html><script>", b"", b"PK\x03\x04broken"] {
            assert!(matches!(sniff(bad), Err(Error::Invalid(p)) if p[0].field == "file"), "{bad:?}");
        }
        let pdf = MediaType::Pdf;
        assert_eq!(clean_file_name("C:\\Users\\a\\Bảng điểm (1).pdf", pdf).ok().as_deref(), Some("Bảngđiểm1.pdf"));
        assert_eq!(clean_file_name("../../etc/passwd", pdf).ok().as_deref(), Some("passwd.pdf"));
        assert_eq!(clean_file_name("..hidden.PDF", pdf).ok().as_deref(), Some("hidden.PDF"));
        assert_eq!(clean_file_name("bao-cao.docx", pdf).ok().as_deref(), Some("bao-cao.docx.pdf"));
        assert_eq!(clean_file_name("anh.jpeg", MediaType::Jpeg).ok().as_deref(), Some("anh.jpeg"));
        assert_eq!(clean_file_name("a\u{202e}fdp.exe", pdf).ok().as_deref(), Some("afdp.exe.pdf"));
        assert!(clean_file_name("../..", pdf).is_err());
        assert!(clean_file_name(&"a".repeat(300), pdf).is_err());
    }
}
