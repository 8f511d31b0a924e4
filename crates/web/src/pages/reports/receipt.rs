//! The receipt a reporter gets, the public's look-up of a report's progress by its receipt
//! number, and photos the public adds with the receipt.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::body::QueryParams;
use crate::client_addr::{ClientAddr, limited};
use crate::error::AppError;
use crate::pages::form::with_status;
use crate::pages::view::china_time;
use crate::pages::{Layout, PageError, PageResult, render};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use shouhu_domain::msg;
use shouhu_store::reports::ReportStatus;

#[derive(Template)]
#[template(path = "reports/report_receipt.html")]
pub struct ReceiptPage {
    pub layout: Layout,
    pub member: bool,
    /// A photo was just added; or what was wrong with the one sent.
    pub uploaded: bool,
    pub file_error: String,
    pub repeated: bool,
    pub receipt: String,
    pub reported_at: String,
    pub step: &'static str,
    pub status_link: String,
}

#[derive(Deserialize)]
pub(super) struct ReceiptQuery {
    #[serde(default)]
    receipt: String,
    #[serde(default)]
    repeated: Option<String>,
    #[serde(default)]
    uploaded: Option<String>,
}

async fn receipt_page(state: &AppState, user: Option<&CurrentUser>, q: ReceiptQuery) -> PageResult {
    receipt_page_with(state, user, q, String::new()).await
}

async fn receipt_page_with(
    state: &AppState,
    user: Option<&CurrentUser>,
    q: ReceiptQuery,
    file_error: String,
) -> PageResult {
    let status = lookup(state, &q.receipt).await?.ok_or(PageError(AppError::NotFound))?;
    let link = form_urlencoded::Serializer::new(String::new()).append_pair("receipt", &status.receipt).finish();
    Ok(render(&ReceiptPage {
        layout: Layout::new(msg::REPORT_RECEIVED, user),
        member: user.is_some(),
        uploaded: q.uploaded.is_some(),
        file_error,
        repeated: q.repeated.is_some(),
        receipt: status.receipt,
        reported_at: china_time(status.reported_at),
        step: status.step.label(),
        status_link: format!("/report/status?{link}"),
    }))
}

pub(super) async fn member_receipt(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(q): QueryParams<ReceiptQuery>,
) -> PageResult {
    receipt_page(&state, Some(&user), q).await
}

pub(super) async fn public_receipt(
    State(state): State<AppState>,
    QueryParams(q): QueryParams<ReceiptQuery>,
) -> PageResult {
    receipt_page(&state, None, q).await
}

/// A report's progress by its receipt number; `None` when there is no such receipt.
async fn lookup(state: &AppState, receipt: &str) -> Result<Option<ReportStatus>, PageError> {
    let receipt = receipt.trim().to_string();
    if receipt.is_empty() || receipt.len() > 40 {
        return Ok(None);
    }
    match state.run(move |s| s.report_status(&receipt)).await {
        Ok(s) => Ok(Some(s)),
        Err(AppError::NotFound) => Ok(None),
        Err(e) => Err(PageError(e)),
    }
}

#[derive(Template)]
#[template(path = "reports/report_status.html")]
pub struct StatusPage {
    pub layout: Layout,
    pub receipt: String,
    pub asked: bool,
    pub found: bool,
    pub step: &'static str,
    pub reported_at: String,
    pub step_at: String,
}

#[derive(Deserialize)]
pub(super) struct StatusQuery {
    #[serde(default)]
    receipt: String,
}

pub(super) async fn status(State(state): State<AppState>, QueryParams(q): QueryParams<StatusQuery>) -> PageResult {
    let asked = !q.receipt.trim().is_empty();
    let found = if asked { lookup(&state, &q.receipt).await? } else { None };
    let mut page = StatusPage {
        layout: Layout::new(msg::REPORT_STATUS_TITLE, None),
        receipt: q.receipt.trim().to_string(),
        asked,
        found: found.is_some(),
        step: "",
        reported_at: String::new(),
        step_at: String::new(),
    };
    if let Some(s) = &found {
        page.receipt = s.receipt.clone();
        page.step = s.step.label();
        page.reported_at = china_time(s.reported_at);
        page.step_at = china_time(s.step_at);
    }
    let res = render(&page);
    Ok(if asked && found.is_none() { with_status(res, StatusCode::NOT_FOUND) } else { res })
}

/// A photo or document added to a public report with its receipt number (multipart:
/// `receipt`, `file`), within a day of filing; counted in the address's allowance.
pub(super) async fn public_upload(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    mut mp: axum::extract::Multipart,
) -> PageResult {
    let bad = || PageError(AppError::BadRequest(msg::BAD_REQUEST.into(), Vec::new()));
    let (mut receipt, mut file) = (String::new(), None);
    while let Some(field) = mp.next_field().await.map_err(|_| bad())? {
        match field.name() {
            Some("receipt") => receipt = field.text().await.map_err(|_| bad())?,
            Some("file") => {
                let name = field.file_name().unwrap_or_default().to_string();
                file = Some((name, field.bytes().await.map_err(|_| PageError(AppError::TooLarge))?));
            }
            _ => {}
        }
    }
    let q = |uploaded: bool| ReceiptQuery {
        receipt: receipt.clone(),
        repeated: None,
        uploaded: uploaded.then(|| "1".to_string()),
    };
    let st = state.clone();
    let admitted =
        tokio::task::spawn_blocking(move || st.public_guard.admit(&st.store, limited(addr))).await.unwrap_or(true);
    if !admitted {
        let page = receipt_page_with(&state, None, q(false), msg::REPORT_THROTTLED.to_string()).await?;
        return Ok(with_status(page, StatusCode::TOO_MANY_REQUESTS));
    }
    let (name, data) = file.unwrap_or_default();
    let r = receipt.clone();
    match state.run_queued(move |s| s.add_public_attachment(&r, &name, data.to_vec())).await {
        Ok(_) => {
            let link = form_urlencoded::Serializer::new(String::new()).append_pair("receipt", &receipt).finish();
            Ok(Redirect::to(&format!("/report/receipt?{link}&uploaded=1")).into_response())
        }
        Err(AppError::Invalid(errs)) => {
            let message = errs.get("file").unwrap_or(msg::FORM_HAS_ERRORS).to_string();
            let page = receipt_page_with(&state, None, q(false), message).await?;
            Ok(with_status(page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(PageError(e)),
    }
}
