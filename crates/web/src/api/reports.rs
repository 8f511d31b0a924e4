//! Mandatory reports over JSON: intake by mandatory reporters and by the public, the duty
//! desk's queue and live stream, the police's steps and actions, and the outbox of events.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::body::{ApiJson, IdPath, QueryParams};
use crate::client_addr::{ClientAddr, limited};
use crate::error::{ApiErrorBody, ApiResult, AppError};
use crate::public_guard::{Challenge, CheckError};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use serde::Deserialize;
use shouhu_domain::error::FieldErrors;
use shouhu_domain::msg;
use shouhu_domain::report::{CaseKind, DisposalAction, Intake, Situation, Step, TemporaryCarer};
use shouhu_store::report_attachments::AttachmentInfo;
use shouhu_store::report_oversight::ReportStats;
use shouhu_store::reports::{self, Receipt, ReportDetail, ReportEvent, ReportStatus, ReportSummary, Reporter};
use std::net::IpAddr;
use tokio::sync::broadcast::error::RecvError;
use utoipa::{IntoParams, ToSchema};

/// The header a client sends to make a retry of the same report safe.
pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";

fn idem_key(headers: &HeaderMap) -> Option<String> {
    headers.get(IDEMPOTENCY_HEADER).and_then(|v| v.to_str().ok()).map(str::to_string)
}

/// 201 for a new report, 200 for a repeat of one already received.
fn receipt_response(r: Receipt) -> (StatusCode, Json<Receipt>) {
    (if r.repeated { StatusCode::OK } else { StatusCode::CREATED }, Json(r))
}

/// Files a report as a signed-in reporter. The answer (the receipt) comes only once the
/// report is on disk. Send an `Idempotency-Key` header to make retries safe: the same key
/// with the same content answers with the first receipt.
#[utoipa::path(post, path = "/api/v1/reports", request_body = Intake,
    params(("Idempotency-Key" = Option<String>, Header, description = "Letters, digits, - and _; at most 100")),
    responses((status = 201, body = Receipt), (status = 200, body = Receipt, description = "A repeat"),
        (status = 422, body = ApiErrorBody)))]
pub async fn file(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    ApiJson(intake): ApiJson<Intake>,
) -> ApiResult<(StatusCode, Json<Receipt>)> {
    user.require(shouhu_domain::report::may_file_member_report)?;
    let key = idem_key(&headers);
    let reporter = Reporter::Member(user.principal);
    let checked = state.run(move |s| s.check_report(intake, reporter, key.as_deref())).await?;
    Ok(receipt_response(state.run_queued(move |s| s.file_report(checked)).await?))
}

/// A public report: what a member of the public may send (no child from the registry).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicReport {
    pub situations: Vec<Situation>,
    pub discovered_at: Option<chrono::DateTime<chrono::Utc>>,
    pub child_description: Option<String>,
    pub village_code: Option<String>,
    pub description: String,
    #[serde(default)]
    pub contact_name: Option<String>,
    #[serde(default)]
    pub contact_phone: Option<String>,
    /// From `GET /api/v1/public/challenge`.
    pub challenge_token: String,
    pub challenge_answer: String,
}

impl PublicReport {
    fn into_parts(self) -> (Intake, String, String) {
        (
            Intake {
                situations: self.situations,
                discovered_at: self.discovered_at,
                child_id: None,
                child_description: self.child_description,
                village_code: self.village_code,
                description: self.description,
                contact_name: self.contact_name,
                contact_phone: self.contact_phone,
            },
            self.challenge_token,
            self.challenge_answer,
        )
    }
}

/// A question for the public report form's human check.
#[utoipa::path(get, path = "/api/v1/public/challenge", security(()), responses((status = 200, body = Challenge)))]
pub async fn challenge(State(state): State<AppState>) -> Json<Challenge> {
    Json(state.public_guard.challenge(state.store.now()))
}

/// The human check and the per-address limit of the public page, in that order: a wrong
/// answer does not use up the address's allowance.
/// The human check's verdict on a public report, as the field error the form shows.
pub async fn check_human(state: &AppState, token: &str, answer: &str, key: Option<&str>) -> Result<(), FieldErrors> {
    let (st, token, answer, key) = (state.clone(), token.to_string(), answer.to_string(), key.map(str::to_string));
    let verdict = tokio::task::spawn_blocking(move || {
        st.public_guard.check(&st.store, &token, &answer, key.as_deref(), st.store.now())
    })
    .await
    .unwrap_or(Ok(()));
    verdict.map_err(|e| {
        let mut errs = FieldErrors::default();
        errs.add(
            "challenge_answer",
            match e {
                CheckError::Wrong => msg::HUMAN_CHECK_WRONG,
                CheckError::Expired => msg::HUMAN_CHECK_EXPIRED,
            },
        );
        errs
    })
}

/// Lets a checked public report in: counts it against its address's allowance (only
/// reports that are let in count, issue 21) and uses up its question.
pub async fn admit_public(state: &AppState, addr: IpAddr, token: &str, key: Option<&str>) -> Result<(), AppError> {
    let (st, token, key) = (state.clone(), token.to_string(), key.map(str::to_string));
    let admitted = tokio::task::spawn_blocking(move || {
        let admitted = st.public_guard.admit(&st.store, limited(addr));
        if admitted {
            st.public_guard.redeem(&st.store, &token, key.as_deref());
        }
        admitted
    })
    .await
    .unwrap_or(true);
    if !admitted {
        return Err(AppError::Throttled(msg::REPORT_THROTTLED));
    }
    Ok(())
}

/// Files a report without an account. Contact details are optional. Limited per address;
/// answers 429 `throttled` beyond it.
#[utoipa::path(post, path = "/api/v1/public/reports", request_body = PublicReport, security(()),
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = Receipt), (status = 200, body = Receipt, description = "A repeat"),
        (status = 422, body = ApiErrorBody), (status = 429, body = ApiErrorBody)))]
pub async fn file_public(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    ApiJson(report): ApiJson<PublicReport>,
) -> ApiResult<(StatusCode, Json<Receipt>)> {
    let (intake, token, answer) = report.into_parts();
    let key = idem_key(&headers);
    // The question first (a wrong guess uses it up), then the report, and only a report let
    // in counts against the address.
    check_human(&state, &token, &answer, key.as_deref()).await.map_err(AppError::Invalid)?;
    let k = key.clone();
    let checked = state.run(move |s| s.check_report(intake, Reporter::Public, k.as_deref())).await?;
    admit_public(&state, addr, &token, key.as_deref()).await?;
    Ok(receipt_response(state.run_queued(move |s| s.file_report(checked)).await?))
}

/// How far a report has got, by its receipt number (for the public reporter).
#[utoipa::path(get, path = "/api/v1/public/reports/{receipt}", security(()), params(("receipt" = String, Path)),
    responses((status = 200, body = ReportStatus), (status = 404, body = ApiErrorBody)))]
pub async fn status(State(state): State<AppState>, Path(receipt): Path<String>) -> ApiResult<Json<ReportStatus>> {
    if receipt.len() > 40 {
        return Err(AppError::NotFound);
    }
    Ok(Json(state.run(move |s| s.report_status(&receipt)).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// `queue`: open reports, most urgent first (the duty desk); `unregistered`: reports of
    /// children not yet in the registry (files for the township to complete); otherwise
    /// all, newest first.
    #[serde(default)]
    pub view: Option<String>,
    #[serde(default)]
    pub page: Option<u32>,
}

/// Reports the caller may see: the police, the township and civil affairs those of their
/// region; anyone else the reports they filed.
#[utoipa::path(get, path = "/api/v1/reports", params(ListQuery),
    responses((status = 200, body = Vec<ReportSummary>), (status = 401, body = ApiErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(q): QueryParams<ListQuery>,
) -> ApiResult<Json<Vec<ReportSummary>>> {
    let p = user.principal;
    let page = i64::from(q.page.unwrap_or(1).max(1));
    let view = q.view.unwrap_or_default();
    Ok(Json(
        state
            .run(move |s| match view.as_str() {
                "queue" => s.report_queue(&p),
                "unregistered" => s.unregistered_reports(&p),
                _ => s.list_reports(&p, 50, crate::filters::page_offset(page, 50)),
            })
            .await?,
    ))
}

/// A report in full: the reporter only for the police and civil affairs. The view is audited.
#[utoipa::path(get, path = "/api/v1/reports/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = ReportDetail), (status = 404, body = ApiErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> ApiResult<Json<ReportDetail>> {
    let p = user.principal.clone();
    let detail = state.run(move |s| s.report_detail(&p, id)).await?;
    state.queued_as(&user.principal, move |s, p| s.record_report_view(p, id)).await?;
    Ok(Json(detail))
}

/// The report as the caller now sees it, after a change.
async fn detail_after(state: &AppState, user: CurrentUser, id: i64) -> ApiResult<Json<ReportDetail>> {
    let p = user.principal;
    Ok(Json(state.run(move |s| s.report_detail(&p, id)).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepRequest {
    /// The next step; steps go one at a time.
    pub step: Step,
    /// The version the officer saw; another version answers 409 `stale`.
    pub version: i64,
    /// Required for `disposed`.
    #[serde(default)]
    pub case_kind: Option<CaseKind>,
}

/// Moves a report to its next step (duty desk of the child's area only).
#[utoipa::path(post, path = "/api/v1/reports/{id}/steps", params(("id" = i64, Path)), request_body = StepRequest,
    responses((status = 200, body = ReportDetail), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn step(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<StepRequest>,
) -> ApiResult<Json<ReportDetail>> {
    state.queued_as(&user.principal, move |s, p| s.advance_report(p, id, req.step, req.version, req.case_kind)).await?;
    detail_after(&state, user, id).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionRequest {
    pub action: DisposalAction,
    /// Required for `temporary_care`.
    #[serde(default)]
    pub carer: Option<TemporaryCarer>,
    /// Required for `hand_over_record` (the written hand-over).
    #[serde(default)]
    pub note: Option<String>,
}

/// Records an action of the disposal (on scene only).
#[utoipa::path(post, path = "/api/v1/reports/{id}/actions", params(("id" = i64, Path)), request_body = ActionRequest,
    responses((status = 200, body = ReportDetail), (status = 404, body = ApiErrorBody), (status = 409, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)))]
pub async fn action(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<ActionRequest>,
) -> ApiResult<Json<ReportDetail>> {
    state
        .queued_as(&user.principal, move |s, p| s.record_report_action(p, id, req.action, req.carer, req.note))
        .await?;
    detail_after(&state, user, id).await
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct EventsQuery {
    /// The last event id processed; 0 from the start.
    #[serde(default)]
    pub after: i64,
    /// At most 1000.
    #[serde(default)]
    pub limit: Option<i64>,
}

/// The outbox: events (filed, each step, each action, hand-over) of the caller's region
/// after `after`, oldest first. Ids grow in commit order: a consumer keeps the last id it
/// processed and asks again from there after any failure, and misses nothing.
#[utoipa::path(get, path = "/api/v1/report-events", params(EventsQuery),
    responses((status = 200, body = Vec<ReportEvent>), (status = 403, body = ApiErrorBody)))]
pub async fn events(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(q): QueryParams<EventsQuery>,
) -> ApiResult<Json<Vec<ReportEvent>>> {
    let p = user.principal;
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    Ok(Json(state.run(move |s| s.report_events_after(&p, q.after, limit)).await?))
}

/// The duty desk's live feed (server-sent events): `report` events carry a report summary
/// as JSON when a report of the caller's area is filed or changes; `reload` means events
/// were missed (and could not be read again) and the queue should be fetched again. Each
/// event's id is the report event's (`hello`'s the latest at connecting): a client that
/// reconnects, to this server or any other on the same database, with `Last-Event-ID` gets
/// every change after it first.
#[utoipa::path(get, path = "/api/v1/reports/stream",
    params(("Last-Event-ID" = Option<i64>, Header, description = "Resume after this event")),
    responses((status = 200, content_type = "text/event-stream", description = "Server-sent events"),
        (status = 403, body = ApiErrorBody)))]
pub async fn stream(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
) -> ApiResult<Sse<impl futures_util::Stream<Item = Result<Event, std::convert::Infallible>>>> {
    user.require(shouhu_domain::report::may_see_area_reports)?;
    let resume = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|a| *a >= 0);
    // Subscribe before reading, so that nothing committed in between is lost (the ids tell
    // the copies apart).
    let rx = state.store.desk_events();
    let p = user.principal;
    let p2 = p.clone();
    let (latest, backlog) = state
        .run(move |s| {
            let latest = s.latest_desk_event_id()?;
            let backlog = match resume {
                Some(after) => s.desk_events_after(&p2, after)?,
                None => Vec::new(),
            };
            Ok((latest, backlog))
        })
        .await?;
    let last = resume.unwrap_or(latest);
    let st = DeskStream { state, rx, p, last, backlog: backlog.into(), hello: Some(last) };
    let s = futures_util::stream::unfold(st, |mut st| async move {
        if let Some(id) = st.hello.take() {
            return Some((Ok(Event::default().event("hello").id(id.to_string()).data("{}")), st));
        }
        loop {
            if let Some(e) = st.backlog.pop_front() {
                if e.id > st.last {
                    st.last = e.id;
                    return Some((Ok(desk_event(&e)), st));
                }
                continue;
            }
            match st.rx.recv().await {
                Ok(e) if e.id > st.last && reports::desk_sees(&st.p, &e) => {
                    st.last = e.id;
                    return Some((Ok(desk_event(&e)), st));
                }
                Ok(_) => continue,
                // Too slow to follow: read what was missed from the database, or, failing
                // that, have the queue fetched again.
                Err(RecvError::Lagged(_)) => {
                    let (p, after) = (st.p.clone(), st.last);
                    match st.state.run(move |s| s.desk_events_after(&p, after)).await {
                        Ok(missed) => st.backlog.extend(missed),
                        Err(_) => return Some((Ok(Event::default().event("reload").data("")), st)),
                    }
                }
                Err(RecvError::Closed) => return None,
            }
        }
    });
    Ok(Sse::new(s).keep_alive(KeepAlive::default()))
}

/// A desk's stream: what it has sent up to, and what it must send first.
struct DeskStream {
    state: AppState,
    rx: tokio::sync::broadcast::Receiver<std::sync::Arc<reports::DeskEvent>>,
    p: shouhu_store::users::Principal,
    last: i64,
    backlog: std::collections::VecDeque<reports::DeskEvent>,
    hello: Option<i64>,
}

fn desk_event(e: &reports::DeskEvent) -> Event {
    let data = serde_json::to_string(e).unwrap_or_default();
    Event::default().event("report").id(e.id.to_string()).data(data)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct StatsQuery {
    /// First day (China time), inclusive.
    #[serde(default)]
    pub from: Option<chrono::NaiveDate>,
    /// Last day (China time), inclusive.
    #[serde(default)]
    pub to: Option<chrono::NaiveDate>,
}

/// Accountability of the caller's region: reports and late reports per reporting unit,
/// accepted and late-accepted reports per station, unaccepted reports, public reports and
/// commendations.
#[utoipa::path(get, path = "/api/v1/reports/stats", params(StatsQuery),
    responses((status = 200, body = ReportStats), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn stats(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(q): QueryParams<StatsQuery>,
) -> ApiResult<Json<ReportStats>> {
    crate::filters::check_days(&[("from", q.from), ("to", q.to)])?;
    let p = user.principal;
    let from = q.from.map(shouhu_domain::clock::china_day_start);
    let to = q.to.and_then(|d| d.succ_opt()).map(shouhu_domain::clock::china_day_start);
    Ok(Json(state.run(move |s| s.report_stats(&p, from, to)).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommendRequest {
    #[serde(default)]
    pub note: Option<String>,
}

/// Commends the member of the public who filed a report (police and civil affairs).
#[utoipa::path(post, path = "/api/v1/reports/{id}/commend", params(("id" = i64, Path)), request_body = CommendRequest,
    responses((status = 200, body = ReportDetail), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
pub async fn commend(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<CommendRequest>,
) -> ApiResult<Json<ReportDetail>> {
    state.queued_as(&user.principal, move |s, p| s.commend_report(p, id, req.note)).await?;
    detail_after(&state, user, id).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkChildRequest {
    /// The file the township created or found for the child the report described.
    pub child_id: i64,
}

/// Links a report of an unregistered child, and its assessment, to the child's file.
#[utoipa::path(post, path = "/api/v1/reports/{id}/child", params(("id" = i64, Path)), request_body = LinkChildRequest,
    responses((status = 200, body = ReportDetail), (status = 404, body = ApiErrorBody), (status = 409, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)))]
pub async fn link_child(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<LinkChildRequest>,
) -> ApiResult<Json<ReportDetail>> {
    state.queued_as(&user.principal, move |s, p| s.link_report_child(p, id, req.child_id)).await?;
    detail_after(&state, user, id).await
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AttachmentQuery {
    /// The file's name as the user knows it (shown only; the type comes from the content).
    #[serde(default)]
    pub name: String,
}

/// The largest request that can carry an attachment (the file and a multipart envelope).
pub const ATTACHMENT_REQUEST_LIMIT: usize = shouhu_domain::report::ATTACHMENT_MAX_BYTES + 64 * 1024;

/// Attaches a photo (JPEG, PNG, WebP, HEIC) or a PDF to a report the caller may see: the
/// body is the file itself. The type is recognised from the content; anything else, an
/// empty file or one over 10 MB is refused, and a report holds at most 10.
#[utoipa::path(post, path = "/api/v1/reports/{id}/attachments", params(("id" = i64, Path), AttachmentQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = AttachmentInfo), (status = 404, body = ApiErrorBody), (status = 413, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)))]
pub async fn attach(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    QueryParams(q): QueryParams<AttachmentQuery>,
    body: axum::body::Bytes,
) -> ApiResult<(StatusCode, Json<AttachmentInfo>)> {
    let info = state.queued_as(&user.principal, move |s, p| s.add_attachment(p, id, &q.name, body.to_vec())).await?;
    Ok((StatusCode::CREATED, Json(info)))
}

/// An attachment's content, served as a download with its recognised type (never sniffed
/// by the browser). The read is audited.
#[utoipa::path(get, path = "/api/v1/reports/{id}/attachments/{attachment_id}",
    params(("id" = i64, Path), ("attachment_id" = i64, Path)),
    responses((status = 200, description = "The file, with the type it was recognised as",
        content((Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"), (Vec<u8> = "image/webp"), (Vec<u8> = "image/heic"),
            (Vec<u8> = "application/pdf"))),
        (status = 404, body = ApiErrorBody)))]
pub async fn attachment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, aid)): Path<(i64, i64)>,
) -> ApiResult<axum::response::Response> {
    let (info, data) = state.queued_as(&user.principal, move |s, p| s.read_attachment(p, id, aid)).await?;
    Ok(attachment_response(&info, data))
}

/// The download response of an attachment, for the API and the pages alike.
pub fn attachment_response(info: &AttachmentInfo, data: Vec<u8>) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    let disposition = format!(
        "attachment; filename=\"report-{}-{}\"; filename*=UTF-8''{}",
        info.id,
        info.kind.code(),
        form_urlencoded::byte_serialize(info.file_name.as_bytes()).collect::<String>()
    );
    (
        [
            (header::CONTENT_TYPE, info.content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        data,
    )
        .into_response()
}
