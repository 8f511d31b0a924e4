//! Photos and documents attached to a report: checked by their content (never their name),
//! capped in size and number, kept in the reports' database, and read only within the
//! report's scope.

use crate::Store;
use crate::db::{Conn, Row, Sql};
use crate::error::StoreError;
use crate::group_commit::writer_stopped;
use crate::reports::{push_report_scope, report_scope};
use crate::users::Principal;
use chrono::{DateTime, Utc};
use serde::Serialize;
use shouhu_domain::msg;
use shouhu_domain::report::{self as rules, AttachmentKind};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AttachmentInfo {
    pub id: i64,
    pub file_name: String,
    pub kind: AttachmentKind,
    pub content_type: &'static str,
    pub size: i64,
    pub uploaded_at: DateTime<Utc>,
}

/// The name as shown: no folders, no control characters, at most 100 characters.
fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base.chars().filter(|c| !c.is_control()).take(100).collect();
    if clean.trim().is_empty() { "附件".to_string() } else { clean.trim().to_string() }
}

fn info_from_row(r: &dyn Row) -> Result<AttachmentInfo, StoreError> {
    let kind =
        AttachmentKind::parse(&r.text(2)?).ok_or_else(|| StoreError::Backend("unknown attachment kind".into()))?;
    Ok(AttachmentInfo {
        id: r.i64(0)?,
        file_name: r.text(1)?,
        kind,
        content_type: kind.content_type(),
        size: r.i64(3)?,
        uploaded_at: r.ts(4)?,
    })
}

pub(crate) fn list_in(c: &mut Conn<'_, '_>, report_id: i64) -> Result<Vec<AttachmentInfo>, StoreError> {
    c.query(
        "SELECT id, file_name, kind, size, uploaded_at FROM report_attachments WHERE report_id = $1 ORDER BY id",
        &[report_id.into()],
        info_from_row,
    )
}

/// How long after filing a member of the public may add photos, with the receipt number.
pub const PUBLIC_ATTACH_HOURS: i64 = 24;

/// The file's checks that need no database: not empty, not too large, a known kind.
fn check_content(data: &[u8]) -> Result<(AttachmentKind, String), StoreError> {
    if data.is_empty() {
        return Err(StoreError::invalid("file", msg::ATTACHMENT_EMPTY));
    }
    if data.len() > rules::ATTACHMENT_MAX_BYTES {
        return Err(StoreError::invalid(
            "file",
            msg::attachment_too_large(rules::ATTACHMENT_MAX_BYTES / (1024 * 1024)),
        ));
    }
    let kind = rules::sniff_attachment(data).ok_or_else(|| StoreError::invalid("file", msg::ATTACHMENT_TYPE))?;
    use sha2::Digest;
    Ok((kind, hex::encode(sha2::Sha256::digest(data))))
}

/// Who attaches: stamped on the row and the report's timeline.
struct Uploader {
    name: String,
    user_id: Option<i64>,
}

/// Writes an attachment of report `id` (already found in the caller's reach), within the
/// per-report cap, and puts it on the timeline.
#[allow(clippy::too_many_arguments)]
fn attach_in(
    c: &mut Conn<'_, '_>,
    id: i64,
    name: String,
    kind: AttachmentKind,
    sha: String,
    data: Vec<u8>,
    at: DateTime<Utc>,
    who: &Uploader,
) -> Result<AttachmentInfo, StoreError> {
    let n = c
        .query_opt("SELECT count(*) FROM report_attachments WHERE report_id = $1", &[id.into()], |r| r.i64(0))?
        .unwrap_or(0);
    if n >= rules::ATTACHMENTS_PER_REPORT {
        return Err(StoreError::invalid("file", msg::ATTACHMENTS_FULL));
    }
    let size = data.len() as i64;
    let aid = c
        .query_opt(
            "INSERT INTO report_attachments (report_id, file_name, kind, size, sha256, data, uploaded_at, uploaded_by, user_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            &[
                id.into(),
                name.as_str().into(),
                kind.code().into(),
                size.into(),
                sha.into(),
                crate::db::Val::Bytes(data),
                at.into(),
                who.name.as_str().into(),
                who.user_id.into(),
            ],
            |r| r.i64(0),
        )?
        .ok_or_else(|| StoreError::Backend("insert returned no id".into()))?;
    let detail = serde_json::json!({ "attachment_id": aid, "kind": kind.code(), "size": size });
    c.exec(
        "INSERT INTO report_events (report_id, kind, at, user_id, user_name, org_id, detail) VALUES ($1, 'attachment', $2, $3, $4, NULL, $5)",
        &[id.into(), at.into(), who.user_id.into(), who.name.as_str().into(), detail.to_string().into()],
    )?;
    Ok(AttachmentInfo { id: aid, file_name: name, kind, content_type: kind.content_type(), size, uploaded_at: at })
}

impl Store {
    /// Attaches a file to a report the caller may see (their own, or their region's).
    pub fn add_attachment(
        &self,
        p: &Principal,
        id: i64,
        file_name: &str,
        data: Vec<u8>,
    ) -> Result<AttachmentInfo, StoreError> {
        let (kind, sha) = check_content(&data)?;
        let (scope, name, at) = (report_scope(p), clean_name(file_name), self.now());
        let who = Uploader { name: p.actor().user_name, user_id: Some(p.user_id) };
        let rx = self.report_writer.submit(move |c| {
            let mut sql = Sql::new("SELECT r.id FROM reports r WHERE r.id = ");
            sql.bind(id);
            push_report_scope(&mut sql, &scope);
            c.query_opt(&sql.text, &sql.params, |r| r.i64(0))?.ok_or(StoreError::NotFound)?;
            attach_in(c, id, name, kind, sha, data, at, &who)
        });
        rx.blocking_recv().unwrap_or_else(|_| Err(writer_stopped()))
    }

    /// A member of the public adds a photo or document to their report with its receipt
    /// number, within a day of filing; after that (or for a receipt that is not a public
    /// report) there is nothing to attach to.
    pub fn add_public_attachment(
        &self,
        receipt: &str,
        file_name: &str,
        data: Vec<u8>,
    ) -> Result<AttachmentInfo, StoreError> {
        let (kind, sha) = check_content(&data)?;
        let (name, at) = (clean_name(file_name), self.now());
        let receipt = receipt.trim().to_ascii_uppercase();
        let since = at - chrono::Duration::hours(PUBLIC_ATTACH_HOURS);
        let who = Uploader { name: rules::Channel::Public.label().to_string(), user_id: None };
        let rx = self.report_writer.submit(move |c| {
            let id = c
                .query_opt(
                    "SELECT id FROM reports WHERE receipt = $1 AND channel = 'public' AND reported_at >= $2",
                    &[receipt.into(), since.into()],
                    |r| r.i64(0),
                )?
                .ok_or(StoreError::NotFound)?;
            attach_in(c, id, name, kind, sha, data, at, &who)
        });
        rx.blocking_recv().unwrap_or_else(|_| Err(writer_stopped()))
    }

    /// An attachment's content, if its report is within the caller's reach; the read is
    /// recorded before the content is returned.
    pub fn read_attachment(&self, p: &Principal, id: i64, aid: i64) -> Result<(AttachmentInfo, Vec<u8>), StoreError> {
        let scope = report_scope(p);
        let found = self
            .reports
            .read(|c| {
                let mut sql = Sql::new(
                    "SELECT a.id, a.file_name, a.kind, a.size, a.uploaded_at, a.data FROM report_attachments a \
                     JOIN reports r ON r.id = a.report_id WHERE a.id = ",
                );
                sql.bind(aid).push(" AND r.id = ").bind(id);
                push_report_scope(&mut sql, &scope);
                c.query_opt(&sql.text, &sql.params, |r| Ok((info_from_row(r)?, r.bytes(5)?)))
            })?
            .ok_or(StoreError::NotFound)?;
        self.record_case_view(p, "view_attachment", id)?;
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::clean_name;

    #[test]
    fn a_name_keeps_no_folders_or_control_characters() {
        assert_eq!(clean_name("C:\\\\Users\\\\x\\\\照片.jpg"), "照片.jpg");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\u{0}b\n.png"), "ab.png");
        assert_eq!(clean_name(""), "附件");
    }
}
