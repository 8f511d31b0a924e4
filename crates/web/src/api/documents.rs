//! Printable documents (文书, issue 22) from the API: the same PDFs as the pages' links.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::body::{IdPath, QueryParams};
use crate::error::{ApiErrorBody, ApiResult};
use crate::filters::LedgerQuery;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use shouhu_domain::document::DocumentKind;

/// One child's file as the 2016 census registration form (农村留守儿童信息登记表), A4 PDF,
/// numbered, with a verification code; numbers masked as the caller's role reads them. The
/// issue is audited. 404 for a file outside the caller's scope; 400 when a character of the
/// file is not in the font (the message names it).
#[utoipa::path(get, path = "/api/v1/children/{id}/documents/census-form", params(("id" = i64, Path)),
    responses((status = 200, description = "the form", content((Vec<u8> = "application/pdf"))), (status = 400, body = ApiErrorBody),
        (status = 404, body = ApiErrorBody)))]
pub async fn census_form(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    IdPath(id): IdPath,
) -> ApiResult<Response> {
    crate::documents::census_form(&state, &user, &headers, id).await
}

/// The entrusted-guardianship confirmation (委托监护确认书) of a file that names an entrusted
/// carer, for parents, carer and child director to sign. 404 when the file is outside the
/// caller's scope or names no carer.
#[utoipa::path(get, path = "/api/v1/children/{id}/documents/entrusted-confirmation", params(("id" = i64, Path)),
    responses((status = 200, description = "the confirmation", content((Vec<u8> = "application/pdf"))), (status = 400, body = ApiErrorBody),
        (status = 404, body = ApiErrorBody)))]
pub async fn entrusted_confirmation(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    IdPath(id): IdPath,
) -> ApiResult<Response> {
    crate::documents::entrusted_confirmation(&state, &user, &headers, id).await
}

/// The files `GET /api/v1/children` lists for the same query, as one PDF of census forms, a
/// form per child (each on its own pages), for the roles that keep the ledger (others 403);
/// at most `documents.batch_max_files` files (more: 400, filter first).
#[utoipa::path(get, path = "/api/v1/documents/census-forms", params(LedgerQuery),
    responses((status = 200, description = "the forms", content((Vec<u8> = "application/pdf"))), (status = 400, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody)))]
pub async fn census_forms(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    QueryParams(q): QueryParams<LedgerQuery>,
) -> ApiResult<Response> {
    crate::documents::census_forms(&state, &user, &headers, &q).await
}

/// A report's receipt (强制报告回执) as PDF, for the reporter: the receipt number, when it was
/// received, the place, the child and what was reported; the reporter is not named. 404 for a
/// report the caller may not see.
#[utoipa::path(get, path = "/api/v1/reports/{id}/documents/receipt", params(("id" = i64, Path)),
    responses((status = 200, description = "the receipt", content((Vec<u8> = "application/pdf"))), (status = 404, body = ApiErrorBody)))]
pub async fn report_receipt(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    IdPath(id): IdPath,
) -> ApiResult<Response> {
    crate::documents::report_document(&state, &user, &headers, id, DocumentKind::ReportReceipt).await
}

/// The police's hand-over notice (移交通知书) to the township, with the disposal's actions;
/// 409 before the report is handed over, 404 for a report the caller may not see.
#[utoipa::path(get, path = "/api/v1/reports/{id}/documents/handover", params(("id" = i64, Path)),
    responses((status = 200, description = "the notice", content((Vec<u8> = "application/pdf"))), (status = 404, body = ApiErrorBody),
        (status = 409, body = ApiErrorBody)))]
pub async fn handover_notice(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    IdPath(id): IdPath,
) -> ApiResult<Response> {
    crate::documents::report_document(&state, &user, &headers, id, DocumentKind::HandoverNotice).await
}

/// The school's written dropout report (辍学书面报告) of a case as PDF, under the report's own
/// number; 404 for a case the caller may not see or not yet reported.
#[utoipa::path(get, path = "/api/v1/dropout-cases/{id}/documents/report", params(("id" = i64, Path)),
    responses((status = 200, description = "the report", content((Vec<u8> = "application/pdf"))), (status = 404, body = ApiErrorBody)))]
pub async fn dropout_report(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    IdPath(id): IdPath,
) -> ApiResult<Response> {
    crate::documents::dropout_report(&state, &user, &headers, id).await
}

// The casework's papers and the census summary (issue 22, decisions 183–186).

/// The assessment report (调查评估报告) of a completed assessment: the child, who took part,
/// the answers, the risk level and its reasons, signature lines. 404 for a case the caller may
/// not see; 409 before the assessment is completed.
#[utoipa::path(get, path = "/api/v1/assessments/{id}/documents/report", params(("id" = i64, Path)),
    responses((status = 200, description = "the report", content((Vec<u8> = "application/pdf"))), (status = 404, body = ApiErrorBody),
        (status = 409, body = ApiErrorBody)))]
pub async fn assessment_report(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    IdPath(id): IdPath,
) -> ApiResult<Response> {
    use crate::documents::casework::{CasePaper, case_paper};
    case_paper(&state, &user, &headers, id, CasePaper::AssessmentReport).await
}

/// The plan (帮扶计划) of a case: its services and referrals with their state. 404 for a case
/// the caller may not see; 409 while the plan has neither.
#[utoipa::path(get, path = "/api/v1/assessments/{id}/documents/plan", params(("id" = i64, Path)),
    responses((status = 200, description = "the plan", content((Vec<u8> = "application/pdf"))), (status = 404, body = ApiErrorBody),
        (status = 409, body = ApiErrorBody)))]
pub async fn assistance_plan(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    IdPath(id): IdPath,
) -> ApiResult<Response> {
    use crate::documents::casework::{CasePaper, case_paper};
    case_paper(&state, &user, &headers, id, CasePaper::AssistancePlan).await
}

/// The letter (转介函) of a referral of a case, to the receiving organisation: only what a
/// referral discloses (the child's name, the village, the case's number, the sender), the
/// kind of assistance and the sender's note. 404 for a case or referral the caller may not see.
#[utoipa::path(get, path = "/api/v1/assessments/{id}/referrals/{referral_id}/documents/letter",
    params(("id" = i64, Path), ("referral_id" = i64, Path)),
    responses((status = 200, description = "the letter", content((Vec<u8> = "application/pdf"))), (status = 404, body = ApiErrorBody)))]
pub async fn referral_letter(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path((id, referral_id)): Path<(i64, i64)>,
) -> ApiResult<Response> {
    use crate::documents::casework::{CasePaper, case_paper};
    case_paper(&state, &user, &headers, id, CasePaper::ReferralLetter(referral_id)).await
}

/// The application to the court (撤销监护人资格申请书) of a revocation application: the
/// applicant, the respondents, the child, the grounds with the day each was met, the evidence
/// list, the applicant's signature lines. 404 for a case or application the caller may not see.
#[utoipa::path(get, path = "/api/v1/assessments/{id}/applications/{application_id}/documents/application",
    params(("id" = i64, Path), ("application_id" = i64, Path)),
    responses((status = 200, description = "the application", content((Vec<u8> = "application/pdf"))), (status = 404, body = ApiErrorBody)))]
pub async fn revocation_application(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path((id, application_id)): Path<(i64, i64)>,
) -> ApiResult<Response> {
    use crate::documents::casework::{CasePaper, case_paper};
    case_paper(&state, &user, &headers, id, CasePaper::RevocationApplication(application_id)).await
}

/// The census summary (摸底排查汇总表) of the caller's scope as an A4-landscape PDF: a row per
/// township and the total, the 32 columns of the ledger export's summary sheet; the same
/// query as `GET /api/v1/children` narrows the files counted. For the roles that keep the
/// ledger (others 403).
#[utoipa::path(get, path = "/api/v1/documents/census-summary", params(LedgerQuery),
    responses((status = 200, description = "the summary", content((Vec<u8> = "application/pdf"))), (status = 403, body = ApiErrorBody)))]
pub async fn census_summary(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    QueryParams(q): QueryParams<LedgerQuery>,
) -> ApiResult<Response> {
    crate::documents::casework::census_summary_pdf(&state, &user, &headers, &q).await
}
