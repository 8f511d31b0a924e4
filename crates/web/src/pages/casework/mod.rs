//! Casework on pages (评估帮扶, 监护干预): the assessments of a region, one assessment with
//! its answers and risk level, the assistance plan (services and referrals), the guardian's
//! conduct record with the revocation grounds it meets, and revocation applications to the
//! court's new guardian; and the referrals an organisation receives.
//!
//! Every form posts to its own route. A refused form comes back on the assessment's page with
//! each field's error beside it and everything typed kept; an assessment outside the user's
//! region gives the same not-found page as a missing one. Everything works without JavaScript.

mod assessment;
mod intervention;
mod list;
mod plan;
mod referrals;

use crate::AppState;
use crate::error::AppError;
use crate::pages::PageError;
use crate::pages::form::{Kept, Refusal};
use axum::Router;
use axum::routing::{get, post};
use shouhu_domain::error::FieldErrors;
use shouhu_domain::msg;
use shouhu_store::casework::AssessmentSummary;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/assessments", get(list::list).post(list::open))
        .route("/assessments/{id}", get(assessment::view))
        .route("/assessments/{id}/complete", post(assessment::complete))
        .route("/assessments/{id}/services", post(plan::add_service))
        .route("/assessments/{id}/services/{item}", post(plan::move_service))
        .route("/assessments/{id}/referrals", post(plan::add_referral))
        .route("/assessments/{id}/conduct", post(intervention::add_conduct))
        .route("/assessments/{id}/applications", post(intervention::file_application))
        .route("/assessments/{id}/applications/{item}", post(intervention::move_application))
        .route("/assessments/{id}/placements", post(intervention::add_placement))
        .route("/referrals", get(referrals::referrals))
        .route("/revocation-grounds", get(list::grounds_list))
        .route("/referrals/{id}", post(referrals::decide_referral))
}

/// Participant rows the completion form offers (empty rows are ignored).
pub(super) const PARTICIPANT_ROWS: usize = 4;

/// The most rows read back from a submitted form.
pub(super) const MAX_PARTICIPANT_ROWS: usize = 20;

/// A path's second id (`/assessments/{id}/services/{item}`); anything but a number names
/// nothing, like a missing record.
pub(super) fn item_id(raw: &str) -> Result<i64, PageError> {
    raw.parse().map_err(|_| PageError(AppError::NotFound))
}

pub(super) fn two_ids((id, item): (String, String)) -> Result<(i64, i64), PageError> {
    Ok((item_id(&id)?, item_id(&item)?))
}

pub(super) fn invalid(errs: FieldErrors) -> AppError {
    AppError::Invalid(errs)
}

/// The label and the input's id of a wrong field of `form`, for the summary above the form.
fn label_of(form: &str, field: &str) -> (String, String) {
    let (head, item) = form.split_once('-').unwrap_or((form, ""));
    let suffix = if item.is_empty() { String::new() } else { format!("-{item}") };
    let (label, anchor): (String, String) = match (head, field) {
        ("complete", "safety") => (msg::SAFETY.into(), "f-safety".into()),
        ("complete", "guardianship") => (msg::GUARDIANSHIP_GRADE.into(), "f-guardianship".into()),
        ("complete", "physical") => (msg::PHYSICAL_HEALTH.into(), "f-physical".into()),
        ("complete", "mental") => (msg::MENTAL_HEALTH.into(), "f-mental".into()),
        ("complete", f) if f.starts_with("participants.") => {
            let mut parts = f.split('.');
            let row: usize = parts.nth(1).and_then(|r| r.parse().ok()).unwrap_or(0);
            let what = if f.ends_with(".party") { msg::PARTY } else { msg::PARTICIPANT_NAME };
            (format!("{} {} {what}", msg::PARTICIPANTS, msg::participant_row(row + 1)), format!("f-{f}"))
        }
        ("complete", _) => (msg::PARTICIPANTS.into(), "f-participants.0.party".into()),
        ("service", "kind") if item.is_empty() => (msg::SERVICE_KIND.into(), "f-service-kind".into()),
        ("service", "provider") => (msg::PROVIDER.into(), "f-provider".into()),
        ("service", "start_date") => (msg::START_DATE.into(), "f-start_date".into()),
        ("service", "status") => (msg::NEXT_STATUS.into(), format!("f-status{suffix}")),
        ("service", _) => (msg::SERVICE_OUTCOME.into(), format!("f-outcome{suffix}")),
        ("referral", "kind") => (msg::ASSISTANCE_KIND.into(), "f-referral-kind".into()),
        ("referral", "receiving_org_id") => (msg::RECEIVING_ORG.into(), "f-receiving_org_id".into()),
        ("referral", "reason") => (msg::REFERRAL_REASON.into(), format!("f-reason{suffix}")),
        ("referral", "state") => (msg::REFERRAL_STATE.into(), format!("f-reason{suffix}")),
        ("referral", _) => (msg::REFERRAL_NOTE.into(), "f-note".into()),
        ("conduct", "guardian") => (msg::CONDUCT_GUARDIAN.into(), "f-guardian".into()),
        ("conduct", "standing") => (msg::CONDUCT_STANDING.into(), "f-standing".into()),
        ("conduct", "date") => (msg::CONDUCT_DATE.into(), "f-date".into()),
        ("conduct", "kind") => (msg::RECORD_KIND.into(), "f-conduct-kind".into()),
        ("conduct", "conduct") => (msg::CONDUCT_WHAT.into(), "f-conduct".into()),
        ("conduct", "ended") => (msg::CONDUCT_ENDED.into(), "f-ended".into()),
        ("conduct", _) => (msg::CONDUCT_EVIDENCE.into(), "f-evidence".into()),
        ("application", f) if item.is_empty() => match f {
            "applicant" => (msg::APPLICANT.into(), "f-applicant".into()),
            "applicant_name" => (msg::APPLICANT_NAME.into(), "f-applicant_name".into()),
            "court" => (msg::COURT.into(), "f-court".into()),
            "filed_on" => (msg::FILED_ON.into(), "f-filed_on".into()),
            _ => (msg::APPLICATION_GROUNDS.into(), "f-grounds".into()),
        },
        ("application", "state") => (msg::NEXT_APPLICATION_STATE.into(), format!("f-state{suffix}")),
        ("application", "date") => (msg::STEP_DATE.into(), format!("f-step_date{suffix}")),
        ("application", "new_guardian.relation") => {
            (msg::NEW_GUARDIAN_RELATION.into(), format!("f-ng_relation{suffix}"))
        }
        ("application", f) if f.ends_with("phone") => (msg::NEW_GUARDIAN_PHONE.into(), format!("f-ng_phone{suffix}")),
        ("application", "maintenance_owed") => (msg::MAINTENANCE_OWED.into(), format!("f-maintenance{suffix}")),
        ("application", f) if f.starts_with("new_guardian") || f.starts_with("entrusted_guardian") => {
            (msg::NEW_GUARDIAN_NAME.into(), format!("f-ng_name{suffix}"))
        }
        _ => (msg::field_full_label(field), String::new()),
    };
    (label, anchor)
}

/// The summary of what was wrong with the refused form `k`.
fn refusal_of(k: &Kept) -> Refusal {
    k.refusal(label_of)
}

/// The page section a form belongs to (`service-12` is in `services`).
fn section_of(form: &str) -> &'static str {
    match form.split('-').next().unwrap_or("") {
        "complete" => "complete",
        "service" => "services",
        "referral" => "referrals",
        "conduct" => "conduct",
        "application" => "applications",
        "placement" => "placements",
        _ => "",
    }
}

pub struct Pair {
    pub label: &'static str,
    pub value: String,
}

/// The child as the casework pages name it: by name, or as a child not yet on file (a
/// described child of a report).
pub(super) fn child_named(a: &AssessmentSummary) -> String {
    a.child_name.clone().unwrap_or_else(|| msg::CHILD_NOT_NAMED.to_string())
}
