//! Printable documents (文书, issue 22): PDF downloads from the pages and the API, and the
//! public verification of a document's code (`GET /verify/{code}`).
//!
//! Each download reads the record within the user's scope (out of scope answers 404 as a
//! missing record), refuses a document whose text the font cannot draw, issues the number
//! and code (register row and audit entry in one transaction), then lays out and writes the
//! PDF on a blocking thread.

use crate::AppState;
use crate::auth::{CurrentUser, MaybeUser};
use crate::body::{IdPath, QueryParams};
use crate::client_addr::{ClientAddr, limited};
use crate::error::{ApiErrorBody, ApiResult, AppError};
use crate::filters::LedgerQuery;
use crate::pages::{Layout, PageResult, render};
use askama::Template;
use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use shouhu_documents::template::Values;
use shouhu_documents::{DocumentError, Issue, census, dropout, entrusted, reports};
use shouhu_domain::document::{DocumentKind, display_code};
use shouhu_domain::error::FieldError;
use shouhu_domain::masking;
use shouhu_domain::msg;
use shouhu_domain::role::Role;
use shouhu_store::documents::{IssueRequest, IssuedDocument};
use shouhu_store::users::Principal;
use shouhu_store::{Store, StoreError};
use utoipa::ToSchema;

// The casework's papers and the census summary (issue 22, decisions 183–186).
pub mod casework;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/children/{id}/census-form.pdf", get(census_form_page))
        .route("/children/{id}/entrusted-confirmation.pdf", get(entrusted_page))
        .route("/children/census-forms.pdf", get(census_forms_page))
        .route("/reports/{id}/receipt.pdf", get(receipt_page))
        .route("/reports/{id}/handover.pdf", get(handover_page))
        .route("/dropout/{id}/report.pdf", get(dropout_page))
        .route("/verify", get(verify_form))
        .route("/verify/{code}", get(verify_page))
        // The casework's papers and the census summary (issue 22, decisions 183–186).
        .route("/assessments/{id}/report.pdf", get(assessment_report_page))
        .route("/assessments/{id}/plan.pdf", get(assistance_plan_page))
        .route("/assessments/{id}/referrals/{item}/letter.pdf", get(referral_letter_page))
        .route("/assessments/{id}/applications/{item}/application.pdf", get(application_page))
        .route("/children/summary.pdf", get(census_summary_page))
}

/// A path's two ids; anything but numbers names nothing, like a missing record.
fn two_ids(id: &str, item: &str) -> Result<(i64, i64), AppError> {
    Ok((id.parse().map_err(|_| AppError::NotFound)?, item.parse().map_err(|_| AppError::NotFound)?))
}

async fn assessment_report_page(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    IdPath(id): IdPath,
) -> PageResult {
    Ok(casework::case_paper(&state, &user, &headers, id, casework::CasePaper::AssessmentReport).await?)
}

async fn assistance_plan_page(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    IdPath(id): IdPath,
) -> PageResult {
    Ok(casework::case_paper(&state, &user, &headers, id, casework::CasePaper::AssistancePlan).await?)
}

async fn referral_letter_page(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path((id, item)): Path<(String, String)>,
) -> PageResult {
    let (id, item) = two_ids(&id, &item)?;
    Ok(casework::case_paper(&state, &user, &headers, id, casework::CasePaper::ReferralLetter(item)).await?)
}

async fn application_page(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path((id, item)): Path<(String, String)>,
) -> PageResult {
    let (id, item) = two_ids(&id, &item)?;
    Ok(casework::case_paper(&state, &user, &headers, id, casework::CasePaper::RevocationApplication(item)).await?)
}

async fn census_summary_page(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    QueryParams(q): QueryParams<LedgerQuery>,
) -> PageResult {
    Ok(casework::census_summary_pdf(&state, &user, &headers, &q).await?)
}

/// What a download needs once the record is read and the document issued.
struct Prepared {
    kind: DocumentKind,
    sections: Vec<Values>,
    issued: IssuedDocument,
}

/// The address printed under the code: the one the user reached the server by.
fn verify_base(state: &AppState, headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let scheme = if state.config.secure_cookies { "https" } else { "http" };
    format!("{scheme}://{host}/verify")
}

fn refused(e: &DocumentError, field: &str) -> AppError {
    let m = e.message();
    AppError::BadRequest(m.clone(), vec![FieldError { field: field.into(), message: m }])
}

/// Checks the font covers `sections`, then issues the document.
fn issue(
    s: &Store,
    p: &Principal,
    sections: Vec<Values>,
    label: impl Fn(&str) -> String,
    req: IssueRequest,
) -> Result<Result<Prepared, AppError>, StoreError> {
    let kind = req.kind;
    if let Err(e) = shouhu_documents::check_glyphs(&sections, label) {
        let field = match &e {
            DocumentError::MissingGlyph { field, .. } => field.clone(),
            _ => String::new(),
        };
        return Ok(Err(refused(&e, &field)));
    }
    let issued = s.issue_document(p, req)?;
    Ok(Ok(Prepared { kind, sections, issued }))
}

/// Writes the PDF on a blocking thread and answers it as a download.
/// The shape of every document's handler: `make` reads the record as the user (in their
/// scope, 404 outside it) and issues the paper on a database thread; the PDF is then sent.
async fn produce(
    state: &AppState,
    user: &CurrentUser,
    headers: &HeaderMap,
    make: impl FnOnce(&Store, &Principal) -> Result<Result<Prepared, AppError>, StoreError> + Send + 'static,
) -> Result<Response, AppError> {
    let p = user.principal.clone();
    let prepared = state.run(move |s| make(s, &p)).await??;
    deliver(state, headers, prepared).await
}

async fn deliver(state: &AppState, headers: &HeaderMap, prepared: Prepared) -> Result<Response, AppError> {
    let issue = Issue {
        number: prepared.issued.number.clone(),
        code: prepared.issued.code.clone(),
        verify_base: verify_base(state, headers),
        issued_on: shouhu_domain::clock::china_date(prepared.issued.issued_at),
        unit: prepared.issued.unit.clone(),
    };
    let kind = prepared.kind;
    let prepared_code = prepared.issued.code.clone();
    let rendered = tokio::task::spawn_blocking(move || shouhu_documents::render(kind, &prepared.sections, &issue))
        .await
        .map_err(AppError::from)?
        .map_err(|e| match e {
            DocumentError::MissingGlyph { .. } => refused(&e, ""),
            e => AppError::Internal(e.to_string()),
        })?;
    tracing::info!(kind = kind.code(), pages = rendered.pages, bytes = rendered.bytes.len(), "document issued");
    Ok(pdf_response(rendered.bytes, &format!("{}.pdf", kind.title()), &display_code(&prepared_code)))
}

/// The header naming a document's verification code, for API clients (and the browser test).
pub const CODE_HEADER: &str = "x-verification-code";

/// A PDF as an attachment, its Chinese name per RFC 5987, its verification code in a header.
pub fn pdf_response(bytes: Vec<u8>, name: &str, code: &str) -> Response {
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }
        })
        .collect();
    let disposition = format!("attachment; filename=\"document.pdf\"; filename*=UTF-8''{encoded}");
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::HeaderName::from_static(CODE_HEADER), code.to_string()),
        ],
        bytes,
    )
        .into_response()
}

fn village_of(s: &Store, village_code: &str) -> String {
    s.regions.path_name(village_code).replace(" / ", "")
}

/// One child's file as the census registration form.
pub async fn census_form(
    state: &AppState,
    user: &CurrentUser,
    headers: &HeaderMap,
    id: i64,
) -> Result<Response, AppError> {
    produce(state, user, headers, move |s, p| {
        let rec = s.get_child(p, id)?;
        let v = census::values(&rec, &village_of(s, &rec.file.village_code));
        let req = IssueRequest::for_child(DocumentKind::CensusForm, rec.id, &rec.district_code);
        issue(s, p, vec![v], census::label, req)
    })
    .await
}

/// The entrusted-guardianship confirmation of a child's file that names a carer.
pub async fn entrusted_confirmation(
    state: &AppState,
    user: &CurrentUser,
    headers: &HeaderMap,
    id: i64,
) -> Result<Response, AppError> {
    produce(state, user, headers, move |s, p| {
        let rec = s.get_child(p, id)?;
        let Some(v) = entrusted::values(&rec, &village_of(s, &rec.file.village_code)) else {
            return Ok(Err(AppError::NotFound));
        };
        let req = IssueRequest::for_child(DocumentKind::EntrustedConfirmation, rec.id, &rec.district_code);
        issue(s, p, vec![v], census::label, req)
    })
    .await
}

/// The ledger's selection (its filters or a search's matches) as one PDF, a form per child,
/// for those who keep the ledger; at most `documents.batch_max_files` files.
pub async fn census_forms(
    state: &AppState,
    user: &CurrentUser,
    headers: &HeaderMap,
    q: &LedgerQuery,
) -> Result<Response, AppError> {
    user.require(Role::may_export)?;
    let q = q.clone();
    let max = state.store.settings.documents.batch_max_files;
    produce(state, user, headers, move |s, p| {
        let filter = q.selection(s, p)?;
        let limit = u32::try_from(max + 1).unwrap_or(u32::MAX);
        let mut recs = Vec::new();
        let mut after: Option<(bool, String, i64)> = None;
        loop {
            let key = after.as_ref().map(|(c, v, i)| (*c, v.as_str(), *i));
            let batch = s.children_batch(&p.scope(), &filter, key, limit.min(1_000))?;
            let done = batch.len() < limit.min(1_000) as usize;
            if let Some(last) = batch.last() {
                after = Some((
                    !matches!(last.status, shouhu_domain::child::FileStatus::Open),
                    last.file.village_code.clone(),
                    last.id,
                ));
            }
            recs.extend(batch);
            if done || recs.len() as i64 > max {
                break;
            }
        }
        if recs.is_empty() {
            return Ok(Err(AppError::BadRequest(msg::DOCUMENT_NONE_SELECTED.into(), Vec::new())));
        }
        if recs.len() as i64 > max {
            return Ok(Err(AppError::BadRequest(msg::DOCUMENT_TOO_MANY.into(), Vec::new())));
        }
        let sections: Vec<Values> = recs
            .into_iter()
            .map(|mut rec| {
                masking::mask_file(&mut rec.file, p.role);
                census::values(&rec, &village_of(s, &rec.file.village_code))
            })
            .collect();
        let district = ledger_district(p);
        let req = IssueRequest {
            kind: DocumentKind::CensusForms,
            child: None,
            district,
            record: Some(format!("ledger {}", q.export_query())),
            number: None,
            detail: format!("{} files", sections.len()),
        };
        issue(s, p, sections, census::label, req)
    })
    .await
}

/// A report's receipt (强制报告回执) or, once handed over, the police's hand-over notice
/// (移交通知书) with the disposal's actions. 404 for a report the user may not see.
pub async fn report_document(
    state: &AppState,
    user: &CurrentUser,
    headers: &HeaderMap,
    id: i64,
    kind: DocumentKind,
) -> Result<Response, AppError> {
    use shouhu_domain::report::DisposalAction;
    produce(state, user, headers, move |s, p| {
        let d = s.report_detail(p, id)?;
        if kind == DocumentKind::HandoverNotice && d.handed_over_at.is_none() {
            return Ok(Err(AppError::State(msg::DOCUMENT_NOT_HANDED_OVER)));
        }
        let village = d.summary.village_code.clone();
        let district = shouhu_domain::region::district_of(&village).to_string();
        let actions = d
            .events
            .iter()
            .filter(|e| e.kind == "action")
            .map(|e| {
                let action = e.detail.get("action").and_then(|a| a.as_str()).and_then(DisposalAction::parse);
                let note = e.detail.get("note").and_then(|n| n.as_str()).unwrap_or("");
                (
                    shouhu_domain::clock::china_time(e.at),
                    action.map(|a| a.label()).unwrap_or_default().to_string(),
                    note.to_string(),
                )
            })
            .collect();
        let facts = reports::ReportFacts {
            receipt: d.summary.receipt.clone(),
            received_at: shouhu_domain::clock::china_time(d.summary.reported_at),
            place: village_of(s, &village),
            child: d.summary.child_name.clone().or_else(|| d.child_description.clone()).unwrap_or_default(),
            situations: d.summary.situations.iter().map(|x| x.label()).collect::<Vec<_>>().join("、"),
            township: msg::document_township(s.regions.name(village.get(..9).unwrap_or(""))),
            actions,
        };
        let v = if kind == DocumentKind::HandoverNotice {
            reports::handover_values(&facts)
        } else {
            reports::receipt_values(&facts)
        };
        let req = IssueRequest {
            kind,
            child: d.summary.child_id.map(|c| (c, district.clone())),
            district,
            record: Some(format!("report {id}")),
            number: None,
            detail: String::new(),
        };
        issue(s, p, vec![v], str::to_string, req)
    })
    .await
}

/// The school's written dropout report (辍学书面报告) of a case, once sent, under its own
/// number (decision 133). 404 for a case the user may not see or without a report.
pub async fn dropout_report(
    state: &AppState,
    user: &CurrentUser,
    headers: &HeaderMap,
    id: i64,
) -> Result<Response, AppError> {
    produce(state, user, headers, move |s, p| {
        let d = s.dropout_case(p, id)?;
        let no = d.summary.report_no.clone().unwrap_or_default();
        let Some(v) = dropout::values(d.report_text.as_deref(), &no, &d.summary.school_name, d.summary.reported_on)
        else {
            return Ok(Err(AppError::NotFound));
        };
        let district = shouhu_domain::region::district_of(&d.summary.village_code).to_string();
        let req = IssueRequest {
            kind: DocumentKind::DropoutReport,
            child: Some((d.summary.child_id, district.clone())),
            district,
            record: Some(format!("dropout case {id}")),
            number: Some(no),
            detail: String::new(),
        };
        issue(s, p, vec![v], str::to_string, req)
    })
    .await
}

async fn dropout_page(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    IdPath(id): IdPath,
) -> PageResult {
    Ok(dropout_report(&state, &user, &headers, id).await?)
}

async fn receipt_page(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    IdPath(id): IdPath,
) -> PageResult {
    Ok(report_document(&state, &user, &headers, id, DocumentKind::ReportReceipt).await?)
}

async fn handover_page(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    IdPath(id): IdPath,
) -> PageResult {
    Ok(report_document(&state, &user, &headers, id, DocumentKind::HandoverNotice).await?)
}

/// The district whose sequence numbers a ledger's forms: the user's region's district.
fn ledger_district(p: &Principal) -> String {
    shouhu_domain::region::district_of(&p.region_code).to_string()
}

async fn census_form_page(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    IdPath(id): IdPath,
) -> PageResult {
    Ok(census_form(&state, &user, &headers, id).await?)
}

async fn entrusted_page(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    IdPath(id): IdPath,
) -> PageResult {
    Ok(entrusted_confirmation(&state, &user, &headers, id).await?)
}

async fn census_forms_page(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    QueryParams(q): QueryParams<LedgerQuery>,
) -> PageResult {
    Ok(census_forms(&state, &user, &headers, &q).await?)
}

/// What verification answers: whether a document with this code was issued, and if so its
/// kind, number, unit and time. Nothing about the child.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Verification {
    pub issued: bool,
    pub kind: Option<DocumentKind>,
    /// The document's title (农村留守儿童信息登记表 …).
    pub title: Option<String>,
    pub number: Option<String>,
    pub unit: Option<String>,
    pub issued_at: Option<DateTime<Utc>>,
}

async fn verification(state: &AppState, addr: std::net::IpAddr, code: String) -> Result<Verification, AppError> {
    let limit = state.store.settings.documents.verify_per_address_per_hour;
    let st = state.clone();
    let admitted =
        tokio::task::spawn_blocking(move || st.public_guard.admit_verification(&st.store, limited(addr), limit))
            .await
            .unwrap_or(true);
    if !admitted {
        return Err(AppError::Throttled(msg::VERIFY_THROTTLED));
    }
    let found = state.run(move |s| s.verify_document(&code)).await?;
    Ok(match found {
        Some(d) => Verification {
            issued: true,
            kind: Some(d.kind),
            title: Some(d.kind.title().to_string()),
            number: Some(d.number),
            unit: Some(d.unit),
            issued_at: Some(d.issued_at),
        },
        None => Verification { issued: false, kind: None, title: None, number: None, unit: None, issued_at: None },
    })
}

/// Whether a document with this verification code was issued (no sign-in; limited per
/// address by `documents.verify_per_address_per_hour`, then 429). Case, hyphens and spaces
/// in the code do not matter.
#[utoipa::path(get, path = "/api/v1/verify/{code}", security(()), params(("code" = String, Path)),
    responses((status = 200, body = Verification), (status = 429, body = ApiErrorBody)))]
pub async fn api_verify(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Path(code): Path<String>,
) -> ApiResult<Json<Verification>> {
    Ok(Json(verification(&state, addr, code).await?))
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    layout: Layout,
    code: String,
    result: Option<Verification>,
    issued_at: String,
}

#[derive(Debug, Deserialize)]
struct VerifyQuery {
    #[serde(default)]
    code: String,
}

async fn verify_form(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    ClientAddr(addr): ClientAddr,
    QueryParams(q): QueryParams<VerifyQuery>,
) -> PageResult {
    if q.code.trim().is_empty() {
        let page = VerifyPage {
            layout: Layout::new(msg::VERIFY_TITLE, user.as_ref()),
            code: String::new(),
            result: None,
            issued_at: String::new(),
        };
        return Ok(render(&page));
    }
    show(&state, user.as_ref(), addr, q.code).await
}

async fn verify_page(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    ClientAddr(addr): ClientAddr,
    Path(code): Path<String>,
) -> PageResult {
    show(&state, user.as_ref(), addr, code).await
}

async fn show(state: &AppState, user: Option<&CurrentUser>, addr: std::net::IpAddr, code: String) -> PageResult {
    let code = code.chars().take(40).collect::<String>();
    let v = verification(state, addr, code.clone()).await?;
    let issued_at = v.issued_at.map(shouhu_domain::clock::china_time).unwrap_or_default();
    let shown = shouhu_domain::document::normalise_code(&code).map_or(code, |c| display_code(&c));
    Ok(render(&VerifyPage { layout: Layout::new(msg::VERIFY_TITLE, user), code: shown, result: Some(v), issued_at }))
}
