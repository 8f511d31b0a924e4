//! The referrals an organisation has received, to accept or decline with a reason.

use super::*;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::body::{FormPairs, IdPath, QueryParams};
use crate::error::AppError;
use crate::pages::form::{Kept, non_empty, pick, with_status};
use crate::pages::view::china_time;
use crate::pages::{Layout, PageError, PageResult, render};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use shouhu_domain::assessment::{self as rules, ReferralState};
use shouhu_domain::error::FieldErrors;
use shouhu_domain::msg;
use shouhu_store::casework::ReceivedReferral as Received;

pub struct ReceivedReferral {
    pub id: i64,
    pub kind: &'static str,
    /// What the referral passes on of its case (empty where it passes nothing).
    pub child: String,
    pub village: String,
    pub sender: String,
    pub case_id: Option<i64>,
    /// The receiver may open the case itself.
    pub case_link: bool,
    pub note: String,
    pub state_code: &'static str,
    pub state: &'static str,
    pub reason: String,
    pub sent_at: String,
    pub decided_at: String,
    /// The decisions open to the organisation now: (state, button text).
    pub buttons: Vec<Pair>,
    pub needs_reason: bool,
    pub reason_input: String,
    pub e_reason: String,
}

#[derive(Template)]
#[template(path = "casework/referrals.html")]
pub struct ReferralList {
    pub layout: Layout,
    pub saved: bool,
    pub refused: i64,
    pub banner: String,
    pub rows: Vec<ReceivedReferral>,
}

pub(super) fn decision_button(to: ReferralState) -> &'static str {
    match to {
        ReferralState::Accepted => msg::REFERRAL_ACCEPT,
        ReferralState::Declined => msg::REFERRAL_DECLINE,
        ReferralState::Granted => msg::REFERRAL_GRANT,
        ReferralState::Refused | ReferralState::Sent => msg::REFERRAL_REFUSE,
    }
}

pub(super) fn received(x: &Received, k: &Kept) -> ReceivedReferral {
    let r = &x.referral;
    let f = format!("referral-{}", r.id);
    let sender = [r.sender_org_name.as_deref(), r.sent_by.as_deref()].into_iter().flatten().collect::<Vec<_>>();
    let next: Vec<ReferralState> =
        ReferralState::ALL.iter().copied().filter(|to| rules::may_move_referral(r.state, *to)).collect();
    ReceivedReferral {
        id: r.id,
        kind: r.kind.label(),
        child: x.child_name.clone().unwrap_or_else(|| msg::CHILD_NOT_NAMED.to_string()),
        village: x.village_name.clone().unwrap_or_default(),
        sender: sender.join(" "),
        case_id: x.assessment_id,
        case_link: x.case_visible && x.assessment_id.is_some(),
        note: r.note.clone().unwrap_or_default(),
        state_code: r.state.code(),
        state: r.state.label(),
        reason: r.reason.clone().unwrap_or_default(),
        sent_at: china_time(r.sent_at),
        decided_at: r.decided_at.map(china_time).unwrap_or_default(),
        needs_reason: next.iter().any(|to| rules::needs_reason(*to)),
        buttons: next.iter().map(|to| Pair { label: decision_button(*to), value: to.code().to_string() }).collect(),
        reason_input: k.val(&f, "reason"),
        e_reason: [k.err(&f, "reason"), k.err(&f, "state")].into_iter().find(|e| !e.is_empty()).unwrap_or_default(),
    }
}

pub(super) async fn referral_page(
    state: &AppState,
    user: &CurrentUser,
    saved: bool,
    refused: i64,
    k: Kept,
) -> PageResult {
    if user.principal.role.is_admin() {
        return Err(PageError(AppError::Forbidden));
    }
    let p = user.principal.clone();
    let rows = state.run(move |s| s.referrals_for_org(&p)).await?;
    Ok(render(&ReferralList {
        layout: Layout::new(msg::REFERRALS_TO_ME, Some(user)),
        saved,
        refused,
        banner: k.banner.clone(),
        rows: rows.iter().map(|r| received(r, &k)).collect(),
    }))
}

pub(super) async fn referrals(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(q): QueryParams<crate::pages::view::Saved>,
) -> PageResult {
    referral_page(&state, &user, q.saved.is_some(), 0, Kept::default()).await
}

pub(super) async fn decide_referral(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    form: FormPairs,
) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    let mut errs = FieldErrors::default();
    let to = pick(&form, "state", ReferralState::parse, &mut errs);
    let reason = non_empty(form.get("reason"));
    let result = match to {
        Some(to) => state.queued_as(&user.principal, move |s, p| s.decide_referral(p, id, to, reason)).await,
        None => Err(invalid(errs)),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/referrals?saved=1#referral-{id}")).into_response()),
        Err(e) => {
            let (kept, status) = Kept::new(format!("referral-{id}"), form).refused(e, msg::REFERRAL_STALE)?;
            Ok(with_status(referral_page(&state, &user, false, id, kept).await?, status))
        }
    }
}
