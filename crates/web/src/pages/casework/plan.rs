//! The assistance plan (帮扶): services by mass organisations and social-work agencies, and
//! referrals to social assistance.

use super::assessment::*;
use super::*;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::body::{FormPairs, IdPath};
use crate::pages::PageResult;
use crate::pages::form::{Kept, date_field, non_empty, pick, required_text};
use crate::pages::view::{Opt, day, options};
use axum::extract::{Path, State};
use shouhu_domain::assessment::{self as rules, AssistanceKind, ServiceKind, ServiceStatus};
use shouhu_domain::error::FieldErrors;
use shouhu_domain::msg;
use shouhu_domain::role::OrgType;
use shouhu_store::users::Organisation;

pub struct ServiceView {
    pub id: i64,
    pub kind: &'static str,
    pub purchased: bool,
    pub provider: String,
    pub start_date: String,
    pub status_code: &'static str,
    pub status: &'static str,
    pub outcome: String,
    pub next: Vec<Opt>,
    pub outcome_input: String,
    pub e_status: String,
    pub e_outcome: String,
}

pub struct ServiceForm {
    pub kinds: Vec<Opt>,
    pub provider: String,
    pub start_date: String,
    pub e_kind: String,
    pub e_provider: String,
    pub e_start_date: String,
}

pub struct ReferralView {
    pub id: i64,
    pub kind: &'static str,
    pub org: String,
    pub note: String,
    pub state_code: &'static str,
    pub state: &'static str,
    pub reason: String,
    pub sent_at: String,
    pub decided_at: String,
}

pub struct ReferralForm {
    pub kinds: Vec<Opt>,
    pub orgs: Vec<Opt>,
    pub note: String,
    pub e_kind: String,
    pub e_org: String,
    pub e_note: String,
}

/// Organisations a family may be referred to: civil affairs, townships and street offices,
/// relief and welfare institutions, of the case's city, district or township.
pub(super) fn referral_targets<'a>(orgs: &'a [Organisation], village: &str) -> Vec<&'a Organisation> {
    orgs.iter()
        .filter(|o| {
            matches!(
                o.org_type,
                OrgType::CityCivilAffairs
                    | OrgType::DistrictCivilAffairs
                    | OrgType::TownshipGovernment
                    | OrgType::StreetOffice
                    | OrgType::ReliefAgency
                    | OrgType::WelfareInstitution
            ) && village.starts_with(&o.region_code)
        })
        .collect()
}

pub(super) fn service_view(s: &shouhu_store::casework::Service, can_assess: bool, k: &Kept) -> ServiceView {
    let f = format!("service-{}", s.id);
    let next: Vec<ServiceStatus> =
        ServiceStatus::ALL.iter().copied().filter(|to| can_assess && rules::may_move_service(s.status, *to)).collect();
    let current = k.val(&f, "status");
    ServiceView {
        id: s.id,
        kind: s.kind.label(),
        purchased: s.purchased,
        provider: s.provider.clone(),
        start_date: day(s.start_date),
        status_code: s.status.code(),
        status: s.status.label(),
        outcome: s.outcome.clone().unwrap_or_default(),
        next: options(&next, ServiceStatus::code, ServiceStatus::label, &current),
        outcome_input: k.val(&f, "outcome"),
        e_status: k.err(&f, "status"),
        e_outcome: k.err(&f, "outcome"),
    }
}

pub(super) async fn add_service(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    form: FormPairs,
) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    let mut errs = FieldErrors::default();
    let kind = pick(&form, "kind", ServiceKind::parse, &mut errs);
    let provider = required_text(&form, "provider", &mut errs);
    let start = date_field(&form, "start_date", true, &mut errs);
    let result = match (kind, start) {
        (Some(kind), Some(start)) if errs.is_empty() => {
            state.queued_as(&user.principal, move |s, p| s.add_service(p, id, kind, &provider, start)).await.map(drop)
        }
        _ => Err(invalid(errs)),
    };
    finish(&state, &user, id, result, Kept::new("service", form), msg::ASSESSMENT_STALE).await
}

pub(super) async fn move_service(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(ids): Path<(String, String)>,
    form: FormPairs,
) -> PageResult {
    let (id, service) = two_ids(ids)?;
    user.check_csrf(form.get("csrf"))?;
    let mut errs = FieldErrors::default();
    let to = pick(&form, "status", ServiceStatus::parse, &mut errs);
    let outcome = non_empty(form.get("outcome"));
    let result = match to {
        Some(to) => state.queued_as(&user.principal, move |s, p| s.move_service(p, id, service, to, outcome)).await,
        None => Err(invalid(errs)),
    };
    finish(&state, &user, id, result, Kept::new(format!("service-{service}"), form), msg::ASSESSMENT_STALE).await
}

pub(super) async fn add_referral(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    form: FormPairs,
) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    let mut errs = FieldErrors::default();
    let kind = pick(&form, "kind", AssistanceKind::parse, &mut errs);
    let org = match form.get("receiving_org_id").unwrap_or("").trim() {
        "" => {
            errs.add("receiving_org_id", msg::REQUIRED);
            None
        }
        s => {
            let id = s.parse::<i64>().ok();
            if id.is_none() {
                errs.add("receiving_org_id", msg::ORG_UNKNOWN);
            }
            id
        }
    };
    let note = non_empty(form.get("note"));
    let result = match (kind, org) {
        (Some(kind), Some(org)) if errs.is_empty() => {
            state.queued_as(&user.principal, move |s, p| s.add_referral(p, id, kind, org, note)).await.map(drop)
        }
        _ => Err(invalid(errs)),
    };
    finish(&state, &user, id, result, Kept::new("referral", form), msg::ASSESSMENT_STALE).await
}
