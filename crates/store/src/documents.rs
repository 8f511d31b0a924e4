//! The register of issued documents (文书, issue 22, decision 163): each generation draws a
//! number (文号) and a random verification code, and is recorded with its audit entry in one
//! transaction. `GET /verify/{code}` reads only the kind, number, unit and time.

use crate::audit::{self, Action};
use crate::db::Conn;
use crate::error::StoreError;
use crate::users::Principal;
use crate::{Actor, Store};
use chrono::{DateTime, Datelike, Utc};
use serde::Serialize;
use shouhu_domain::document::{self, DocumentKind};

/// A document as issued: what it prints and what verification answers.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IssuedDocument {
    pub kind: DocumentKind,
    pub number: String,
    /// The verification code as stored (no separators).
    #[serde(skip)]
    pub code: String,
    pub unit: String,
    pub issued_at: DateTime<Utc>,
}

/// What is asked to be issued: the kind, whom and what it is about (for the audit trail and
/// the number's district), and a number when the record has its own (the dropout report's).
#[derive(Debug, Clone)]
pub struct IssueRequest {
    pub kind: DocumentKind,
    /// The child and the file's district, when the document is about one child.
    pub child: Option<(i64, String)>,
    /// The district whose sequence numbers the document.
    pub district: String,
    /// The record printed, e.g. `report 12` (kept, never shown by verification).
    pub record: Option<String>,
    pub number: Option<String>,
    /// Added to the audit entry's detail (e.g. how many files a ledger's forms hold).
    pub detail: String,
}

impl IssueRequest {
    /// A document about one child's file: numbered in the file's district.
    pub fn for_child(kind: DocumentKind, child_id: i64, district: &str) -> IssueRequest {
        IssueRequest {
            kind,
            child: Some((child_id, district.to_string())),
            district: district.to_string(),
            record: Some(format!("child {child_id}")),
            number: None,
            detail: String::new(),
        }
    }
}

impl Store {
    /// Issues a document: its number (from the district's sequence of its kind for the year,
    /// China's date), a fresh code, the register row and the audit entry, committed together.
    /// The caller has read what it prints within the user's scope.
    pub fn issue_document(&self, p: &Principal, req: IssueRequest) -> Result<IssuedDocument, StoreError> {
        let actor = p.actor();
        let now = self.now();
        let today = self.today();
        // A code collision is astronomically unlikely; one retry makes it impossible in practice.
        for _ in 0..3 {
            let code = document::code_from_bits(rand::random::<u64>());
            let res = self.pool.write(|c| {
                let number = match &req.number {
                    Some(n) => n.clone(),
                    None => {
                        let seq = next_number(c, document::sequence_key(req.kind), &req.district, today.year())?;
                        document::number(req.kind, &req.district, today, seq)
                    }
                };
                insert(c, &actor, &req, &number, &code, &p.org_name, now)?;
                let detail = format!("{} {number} {}", req.kind.code(), req.detail).trim_end().to_string();
                audit::record(
                    c,
                    &self.audit_key,
                    now,
                    &actor,
                    Action::IssueDocument,
                    req.child.as_ref().map(|(id, d)| (*id, d.as_str())),
                    &detail,
                )?;
                Ok(IssuedDocument {
                    kind: req.kind,
                    number,
                    code: code.clone(),
                    unit: p.org_name.clone(),
                    issued_at: now,
                })
            });
            match res {
                Err(StoreError::UniqueViolation) => continue,
                other => return other,
            }
        }
        Err(StoreError::Backend("no free verification code".into()))
    }

    /// The document a verification code was printed on, if any (public: no child, no
    /// person). A code that cannot be one answers `None` without a query.
    pub fn verify_document(&self, typed: &str) -> Result<Option<IssuedDocument>, StoreError> {
        let Some(code) = document::normalise_code(typed) else { return Ok(None) };
        self.pool.read(|c| {
            c.query_opt(
                "SELECT kind, number, unit, issued_at FROM issued_documents WHERE code = $1",
                &[code.as_str().into()],
                |r| {
                    Ok(DocumentKind::parse(&r.text(0)?).map(|kind| IssuedDocument {
                        kind,
                        number: r.text(1).unwrap_or_default(),
                        code: code.clone(),
                        unit: r.text(2).unwrap_or_default(),
                        issued_at: r.ts(3).unwrap_or_default(),
                    }))
                },
            )
            .map(Option::flatten)
        })
    }
}

/// The next number of a sequence: an upsert under the counter row's lock, so two users
/// never get one number.
fn next_number(c: &mut Conn<'_, '_>, sequence: &str, district: &str, year: i32) -> Result<i64, StoreError> {
    c.query_opt(
        "INSERT INTO document_numbers (sequence, district_code, year, last) VALUES ($1, $2, $3, 1) \
         ON CONFLICT (sequence, district_code, year) DO UPDATE SET last = document_numbers.last + 1 RETURNING last",
        &[sequence.into(), district.into(), i64::from(year).into()],
        |r| r.i64(0),
    )?
    .ok_or_else(|| StoreError::Backend("no document number".into()))
}

fn insert(
    c: &mut Conn<'_, '_>,
    actor: &Actor,
    req: &IssueRequest,
    number: &str,
    code: &str,
    unit: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    c.exec(
        "INSERT INTO issued_documents (code, number, kind, district_code, child_id, record_ref, unit, issued_at, \
         user_id, user_name) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        &[
            code.into(),
            number.into(),
            req.kind.code().into(),
            req.district.as_str().into(),
            req.child.as_ref().map(|(id, _)| *id).into(),
            req.record.clone().into(),
            unit.into(),
            now.into(),
            actor.user_id.into(),
            actor.user_name.as_str().into(),
        ],
    )?;
    Ok(())
}
