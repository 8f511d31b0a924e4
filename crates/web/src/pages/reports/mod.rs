//! Mandatory reports on pages: a reporter's form and receipt, the public page with its human
//! check and progress look-up, the queue of a duty desk (live, by server-sent events, when
//! JavaScript runs) or a reporter's own list, and a report's page with the desk's next step
//! and the disposal's actions. Everything works without JavaScript.

mod form;
mod queue;
mod receipt;
mod report;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};
use shouhu_domain::msg;

pub fn router() -> Router<AppState> {
    let attachment_limit = axum::extract::DefaultBodyLimit::max(crate::api::reports::ATTACHMENT_REQUEST_LIMIT);
    Router::new()
        .route("/reports", get(queue::list))
        .route("/reports/new", get(form::new_form).post(form::file))
        .route("/reports/receipt", get(receipt::member_receipt))
        .route("/reports/{id}", get(report::view))
        .route("/reports/{id}/step", post(report::step))
        .route("/reports/{id}/action", post(report::action))
        .route("/reports/{id}/commend", post(report::commend))
        .route("/reports/{id}/child", post(report::link_child))
        .route("/reports/{id}/attachments", post(report::upload).layer(attachment_limit))
        .route("/reports/{id}/attachments/{attachment_id}", get(report::download))
        .route("/report", get(form::public_form).post(form::file_public))
        .route("/report/receipt", get(receipt::public_receipt))
        .route("/report/attachments", post(receipt::public_upload).layer(attachment_limit))
        .route("/report/status", get(receipt::status))
}

/// The label of a report form's field, for the summary of errors above the form.
pub(super) fn field_label(field: &str) -> &'static str {
    match field {
        "situations" => msg::REPORT_SITUATIONS,
        "discovered_at" => msg::REPORT_DISCOVERED_AT,
        "child_id" => msg::REPORT_CHILD_ID,
        "child_description" => msg::REPORT_CHILD_DESCRIPTION,
        "village_code" => msg::REPORT_VILLAGE,
        "description" => msg::REPORT_DESCRIPTION,
        "contact_name" => msg::REPORT_CONTACT_NAME,
        "contact_phone" => msg::REPORT_CONTACT_PHONE,
        "challenge_answer" => msg::HUMAN_CHECK,
        "case_kind" => msg::CASE_KIND,
        "action" => msg::DISPOSAL_ACTION,
        "carer" => msg::TEMPORARY_CARER,
        "note" => msg::ACTION_NOTE,
        "file" => msg::ATTACHMENTS,
        _ => msg::REPORT_SUBMIT,
    }
}
