//! The JSON API under `/api/v1`. Routes and the OpenAPI document come from one list, so
//! the document cannot drift from what is served.
//!
//! Authentication: `Authorization: Bearer <token>` (integrations), or the browser session
//! cookie with the session's CSRF token in `X-CSRF-Token` on writes.

pub mod account;
pub mod admin;
pub mod casework;
pub mod children;
pub mod documents;
pub mod dropout;
pub mod entrusted;
pub mod imports;
pub mod notifications;
pub mod reports;
pub mod tasks;
pub mod turned16;
pub mod visits;
// Oversight (issue 20).
pub mod oversight;
// Census rounds (issue 20).
pub mod census_rounds;

use crate::AppState;
use crate::auth;
use crate::body::ApiJson;
use crate::client_addr::ClientAddr;
use crate::error::{ApiErrorBody, ApiResult, AppError};
use crate::throttle::{self, Attempt, LoginOutcome};
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use shouhu_store::users::Principal;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(title = "shouhu API", description = "农村留守儿童关爱保护信息系统 · 一人一档", version = "1"),
    paths(imports::start, reports::attach, crate::rosters::api_upload),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    components(schemas(ApiErrorBody))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(c) = openapi.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

/// Every operation answers its errors with [`ApiErrorBody`]: besides the statuses an
/// operation lists, any error status it sends (400 for a malformed request, 401, 403, 413,
/// 503 when busy …) is documented as the `default` response.
fn add_error_default(api: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    let error = ResponseBuilder::new()
        .description("Any other error: what is wrong, and the fields it concerns")
        .content("application/json", ContentBuilder::new().schema(Some(Ref::from_schema_name("ApiErrorBody"))).build())
        .build();
    for item in api.paths.paths.values_mut() {
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ]
        .into_iter()
        .flatten()
        {
            op.responses.responses.entry("default".to_string()).or_insert_with(|| error.clone().into());
        }
    }
}

/// The API's routes and its OpenAPI document.
pub fn router() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, api) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(create_token, account::list_tokens))
        .routes(routes!(account::revoke_token))
        .routes(routes!(account::change_password))
        .routes(routes!(account::sign_out_everywhere))
        .routes(routes!(me))
        .routes(routes!(tasks::list))
        .routes(routes!(tasks::counts))
        .routes(routes!(children::list, children::create))
        .routes(routes!(children::get, children::update))
        .routes(routes!(children::close))
        .routes(routes!(children::reopen))
        .routes(routes!(children::reveal))
        .routes(routes!(children::history))
        .routes(routes!(children::regions))
        .routes(routes!(entrusted::record_care))
        .routes(routes!(entrusted::contacts, entrusted::record_contact))
        .routes(routes!(admin::list_orgs, admin::create_org))
        .routes(routes!(admin::list_users, admin::create_user))
        .routes(routes!(admin::reset_user))
        .routes(routes!(admin::change_role))
        .routes(routes!(admin::approve))
        .routes(routes!(admin::approvals))
        .routes(routes!(admin::audit))
        .routes(routes!(imports::status))
        .routes(routes!(imports::report))
        .routes(routes!(imports::export))
        .routes(routes!(reports::file, reports::list))
        .routes(routes!(reports::stream))
        .routes(routes!(reports::stats))
        .routes(routes!(reports::commend))
        .routes(routes!(reports::link_child))
        .routes(routes!(reports::attachment))
        .routes(routes!(reports::get))
        .routes(routes!(reports::step))
        .routes(routes!(reports::action))
        .routes(routes!(reports::events))
        .routes(routes!(reports::challenge))
        .routes(routes!(reports::file_public))
        .routes(routes!(reports::status))
        .routes(routes!(casework::list, casework::open))
        .routes(routes!(casework::get))
        .routes(routes!(casework::complete))
        .routes(routes!(casework::add_service))
        .routes(routes!(casework::move_service))
        .routes(routes!(casework::add_referral))
        .routes(routes!(casework::referrals))
        .routes(routes!(casework::decide_referral))
        .routes(routes!(casework::add_conduct))
        .routes(routes!(casework::file_application))
        .routes(routes!(casework::move_application))
        .routes(routes!(casework::add_placement))
        .routes(routes!(casework::grounds))
        .routes(routes!(crate::second_factor::api_reset))
        .routes(routes!(visits::record, visits::list))
        .routes(routes!(visits::correct))
        .routes(routes!(visits::versions))
        .routes(routes!(visits::due))
        .routes(routes!(visits::to_review))
        .routes(routes!(visits::review))
        .routes(routes!(visits::supervision))
        .routes(routes!(visits::case_status))
        .routes(routes!(turned16::list))
        .routes(routes!(turned16::keep))
        .routes(routes!(turned16::status))
        // Dropout control (issue 18).
        .routes(routes!(dropout::list, dropout::open))
        .routes(routes!(dropout::get))
        .routes(routes!(dropout::step))
        .routes(routes!(dropout::table))
        .routes(routes!(crate::rosters::api_list))
        .routes(routes!(crate::rosters::api_get))
        // Printable documents (issue 22).
        .routes(routes!(documents::census_form))
        .routes(routes!(documents::census_forms))
        .routes(routes!(documents::entrusted_confirmation))
        .routes(routes!(documents::report_receipt))
        .routes(routes!(documents::handover_notice))
        .routes(routes!(documents::dropout_report))
        .routes(routes!(crate::documents::api_verify))
        // Notifications (issue 19).
        .routes(routes!(notifications::list))
        .routes(routes!(notifications::stream))
        .routes(routes!(notifications::mark_read))
        .routes(routes!(notifications::mark_all_read))
        .routes(routes!(notifications::get_settings, notifications::put_settings))
        .routes(routes!(notifications::get_channel, notifications::put_channel))
        .routes(routes!(notifications::outbox))
        .routes(routes!(notifications::attempts))
        // Oversight (issue 20).
        .routes(routes!(oversight::register))
        .routes(routes!(oversight::unit))
        .routes(routes!(oversight::measures, oversight::record_measure))
        .routes(routes!(oversight::commendations, oversight::record_commendation))
        .routes(routes!(oversight::meetings, oversight::record_meeting))
        .routes(routes!(oversight::people))
        .routes(routes!(oversight::meeting))
        .routes(routes!(oversight::overdue_tasks))
        .routes(routes!(oversight::task))
        .routes(routes!(oversight::progress))
        // Census rounds (issue 20).
        .routes(routes!(census_rounds::list, census_rounds::open))
        .routes(routes!(census_rounds::trends))
        .routes(routes!(census_rounds::get))
        .routes(routes!(census_rounds::get_return))
        .routes(routes!(census_rounds::sign_off_return))
        .routes(routes!(census_rounds::review))
        // The casework's papers and the census summary (issue 22).
        .routes(routes!(documents::assessment_report))
        .routes(routes!(documents::assistance_plan))
        .routes(routes!(documents::referral_letter))
        .routes(routes!(documents::revocation_application))
        .routes(routes!(documents::census_summary))
        .split_for_parts();
    let mut api = api;
    add_error_default(&mut api);
    let doc = api.clone();
    let router = router
        .route("/api/v1/openapi.json", get(move || async move { Json(doc) }))
        // Documented through ApiDoc's `paths`; registered here for its own body limit.
        .route(
            "/api/v1/imports",
            axum::routing::post(imports::start)
                // The upload's limit is a setting: checked from the declared length by the
                // middleware and again while the file is spooled.
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        // Documented through ApiDoc's `paths`; an upload, with the upload's limit (issue 18).
        .route(
            "/api/v1/school-rosters",
            axum::routing::post(crate::rosters::api_upload).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/api/v1/reports/{id}/attachments",
            axum::routing::post(reports::attach)
                .layer(axum::extract::DefaultBodyLimit::max(reports::ATTACHMENT_REQUEST_LIMIT)),
        );
    (router, api)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    pub username: String,
    pub password: String,
    /// What the token is for, e.g. the name of the integration.
    #[serde(default)]
    pub name: Option<String>,
    /// Days the token lives: at most the setting `accounts.api_token_days`, which is also
    /// the default.
    #[serde(default)]
    pub expires_in_days: Option<i64>,
    /// For an account with a second factor: the authenticator's current 6-digit code, or one
    /// of the account's recovery codes (each used once).
    #[serde(default)]
    pub code: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// Send as `Authorization: Bearer <token>`. Shown once; stored only as a hash.
    pub token: String,
    /// To list it (`GET /api/v1/tokens`) and revoke it (`DELETE /api/v1/tokens/{id}`).
    pub id: i64,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// Exchanges a username and password (and, for an account with a second factor, its code)
/// for an API token of one's own; it expires after the days asked for, at most the
/// setting's. A role that must have a second factor gets none before setting it up in the
/// browser (401 `second_factor_required`). Failed attempts make later ones wait as on the
/// sign-in page: 429 with `Retry-After` until then (decisions 79, 81, 83).
#[utoipa::path(post, path = "/api/v1/tokens", request_body = TokenRequest, security(()),
    responses((status = 201, body = TokenResponse), (status = 401, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
        (status = 429, body = ApiErrorBody, headers(("Retry-After" = i64, description = "Seconds until an attempt is heard again")))))]
async fn create_token(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: axum::http::HeaderMap,
    ApiJson(req): ApiJson<TokenRequest>,
) -> ApiResult<(axum::http::StatusCode, Json<TokenResponse>)> {
    let ttl = account::token_life(&state, req.expires_in_days)?;
    let attempt = Attempt::new(&req.username, addr, &headers);
    match throttle::check_password(&state, &attempt, &req.password).await? {
        LoginOutcome::Ok(passed) => {
            second_step(&state, &passed.principal, req.code).await?;
            throttle::finish(&state, &passed).await?;
            let p = passed.principal;
            let token = auth::random_token();
            let h = auth::token_hash(&token);
            let name = req.name.unwrap_or_else(|| "api".into()).chars().take(100).collect::<String>();
            let expires_at = state.store.now() + ttl;
            let id = state.run(move |s| s.issue_api_token(&p, &h, &name, expires_at)).await?;
            Ok((axum::http::StatusCode::CREATED, Json(TokenResponse { token, id, expires_at })))
        }
        LoginOutcome::BadCredentials => Err(AppError::BadCredentials),
        LoginOutcome::Wait(seconds) => Err(AppError::SignInWait { seconds }),
    }
}

/// The token request's second step: the code of an account with a second factor, used up;
/// refused for a role that must have one and has none yet. A refusal leaves the attempt
/// counted as a failure.
async fn second_step(state: &AppState, p: &Principal, code: Option<String>) -> Result<(), AppError> {
    use crate::second_factor::{Passed, check_and_use};
    use shouhu_domain::msg;
    use shouhu_store::audit::Action;
    let uid = p.user_id;
    if !state.run(move |s| s.has_second_factor(uid)).await? {
        return if p.role.needs_second_factor() {
            Err(AppError::SecondFactor(msg::SECOND_FACTOR_ENROL_FIRST))
        } else {
            Ok(())
        };
    }
    let Some(code) = code.filter(|c| !c.trim().is_empty()) else {
        return Err(AppError::SecondFactor(msg::SECOND_FACTOR_NEEDED));
    };
    let actor = p.clone();
    let used = state
        .run(move |s| {
            let used = check_and_use(s, uid, &code)?;
            if used == Some(Passed::RecoveryCode) {
                let left = s.recovery_codes_left(uid)?;
                s.audit(&actor, Action::UseRecoveryCode, None, &format!("{}{left}", msg::RECOVERY_CODES_LEFT))?;
            }
            Ok(used)
        })
        .await?;
    used.map(|_| ()).ok_or(AppError::SecondFactor(msg::SECOND_FACTOR_BAD_CODE_API))
}

/// The signed-in user, their organisation and role.
#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = Principal), (status = 401, body = ApiErrorBody)))]
async fn me(user: auth::CurrentUser) -> Json<Principal> {
    Json(user.principal)
}
