//! School rosters (在校留守儿童名册, issue 18) on pages and over the API: a school uploads its
//! roll for a term (.xlsx or CSV), shouhu matches it to the files and shows what it found.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::body::IdPath;
use crate::error::{ApiErrorBody, ApiResult, AppError};
use crate::imports::Spool;
use crate::pages::view::china_time;
use crate::pages::{Layout, PageError, PageResult, render};
use askama::Template;
use axum::Json;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use shouhu_domain::dropout as rules;
use shouhu_domain::msg;
use shouhu_store::StoreError;
use shouhu_store::roster::{RosterDetail, RosterKind, RosterRow, RosterSummary};
use std::path::PathBuf;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/dropout/rosters", get(list).post(upload).layer(DefaultBodyLimit::disable()))
        .route("/dropout/rosters/{id}", get(show))
}

/// An uploaded roll: where it was spooled, its name, the term and the form's token.
pub struct Upload {
    spooled: PathBuf,
    file_name: String,
    term: String,
    csrf: Option<String>,
}

async fn read_upload(state: &AppState, mp: Multipart) -> Result<Upload, AppError> {
    let got = crate::imports::read_multipart(state, mp, "roster", "roster", &["term", "csrf"]).await?;
    if got.bytes == 0 {
        let mut errs = shouhu_domain::error::FieldErrors::default();
        errs.add("file", msg::FILE_REQUIRED);
        return Err(AppError::Invalid(errs));
    }
    Ok(Upload {
        term: got.field("term").unwrap_or_default().to_string(),
        csrf: got.field("csrf").map(str::to_string),
        spooled: got.path,
        file_name: got.file_name,
    })
}

/// Reads the spooled roll and matches it, then removes the file.
async fn match_upload(state: &AppState, user: &CurrentUser, up: Upload) -> Result<i64, AppError> {
    let p = user.principal.clone();
    let (path, name, term) = (up.spooled.clone(), up.file_name, up.term);
    let res = state
        .run(move |s| {
            if !rules::is_school_staff(p.role, p.org_type) {
                return Err(StoreError::Forbidden);
            }
            let lines =
                shouhu_census::roster::read_roster(&path).map_err(|e| StoreError::invalid("file", e.message()))?;
            let rows = lines
                .into_iter()
                .map(|l| RosterRow {
                    line: l.line,
                    name: l.name,
                    id_number: l.id_number,
                    grade: l.grade,
                    class: l.class,
                })
                .collect();
            s.match_roster(&p, &term, &name, rows)
        })
        .await;
    Spool::discard(&up.spooled).await;
    res
}

/// Uploads a school's roll for a term (multipart/form-data: `file`, .xlsx or CSV with the
/// columns 姓名, 身份证号码, 年级, 班级; `term`, e.g. 2026年秋季学期) and matches it to the files
/// by ID number: pupils with a file in the school's region (their files get the school, with
/// history), pupils without one (for the township to check), and files enrolled at the school
/// whose child is not on the roll (a possible dropout). Rows with an error are listed, not
/// matched. Teachers and school administrators.
#[utoipa::path(post, path = "/api/v1/school-rosters",
    responses((status = 201, body = RosterDetail), (status = 400, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 413, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn api_upload(
    State(state): State<AppState>,
    user: CurrentUser,
    mp: Multipart,
) -> ApiResult<(StatusCode, Json<RosterDetail>)> {
    let up = read_upload(&state, mp).await?;
    let id = match_upload(&state, &user, up).await?;
    let p = user.principal.clone();
    Ok((StatusCode::CREATED, Json(state.run(move |s| s.roster(&p, id)).await?)))
}

/// The rolls the caller reads: a school its own, the township and civil affairs those of
/// their region's schools. Newest first.
#[utoipa::path(get, path = "/api/v1/school-rosters",
    responses((status = 200, body = Vec<RosterSummary>), (status = 403, body = ApiErrorBody)))]
pub async fn api_list(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<RosterSummary>>> {
    let p = user.principal;
    Ok(Json(state.run(move |s| s.rosters(&p)).await?))
}

/// A roll with what the match found. A township (or civil affairs) sees only the pupils
/// without a file, which it is to check.
#[utoipa::path(get, path = "/api/v1/school-rosters/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = RosterDetail), (status = 404, body = ApiErrorBody)))]
pub async fn api_get(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> ApiResult<Json<RosterDetail>> {
    let p = user.principal;
    Ok(Json(state.run(move |s| s.roster(&p, id)).await?))
}

pub struct RosterRowView {
    pub id: i64,
    pub school: String,
    pub term: String,
    pub file_name: String,
    pub at: String,
    pub by: String,
    pub counts: String,
}

#[derive(Template)]
#[template(path = "dropout/rosters.html")]
pub struct RostersPage {
    pub layout: Layout,
    pub school: bool,
    pub error: String,
    pub term: String,
    pub rows: Vec<RosterRowView>,
}

async fn rosters_page(state: &AppState, user: &CurrentUser, error: String, term: String) -> PageResult {
    let p = user.principal.clone();
    let list = state.run(move |s| s.rosters(&p)).await?;
    Ok(render(&RostersPage {
        layout: Layout::new(msg::ROSTERS, Some(user)),
        school: rules::is_school_staff(user.principal.role, user.principal.org_type),
        error,
        term,
        rows: list
            .iter()
            .map(|r| RosterRowView {
                id: r.id,
                school: r.school_name.clone(),
                term: r.term.clone(),
                file_name: r.file_name.clone(),
                at: china_time(r.uploaded_at),
                by: r.uploaded_by.clone(),
                counts: msg::roster_counts(r.rows, r.enrolled, r.unknown, r.missing, r.errors),
            })
            .collect(),
    }))
}

async fn list(State(state): State<AppState>, user: CurrentUser) -> PageResult {
    rosters_page(&state, &user, String::new(), String::new()).await
}

async fn upload(State(state): State<AppState>, user: CurrentUser, mp: Multipart) -> PageResult {
    let up = match read_upload(&state, mp).await {
        Ok(up) => up,
        Err(AppError::Invalid(f)) => {
            let m = f.0.first().map(|e| e.message.clone()).unwrap_or_default();
            return rosters_page(&state, &user, m, String::new()).await;
        }
        Err(e) => return Err(PageError(e)),
    };
    if let Err(e) = user.check_csrf(up.csrf.as_deref()) {
        Spool::discard(&up.spooled).await;
        return Err(PageError(e));
    }
    let term = up.term.clone();
    match match_upload(&state, &user, up).await {
        Ok(id) => Ok(Redirect::to(&format!("/dropout/rosters/{id}")).into_response()),
        Err(AppError::Invalid(f)) => {
            let m = f.0.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("；");
            let mut res = rosters_page(&state, &user, m, term).await?;
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(e) => Err(PageError(e)),
    }
}

pub struct LineView {
    pub line: String,
    pub child_id: Option<i64>,
    pub name: String,
    pub id_masked: String,
    pub grade: String,
    pub class: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "dropout/roster.html")]
pub struct RosterPage {
    pub layout: Layout,
    pub school: bool,
    pub summary: String,
    pub enrolled: Vec<LineView>,
    pub unknown: Vec<LineView>,
    pub missing: Vec<LineView>,
    pub errors: Vec<LineView>,
}

async fn show(State(state): State<AppState>, user: CurrentUser, IdPath(id): IdPath) -> PageResult {
    let p = user.principal.clone();
    let d = state.run(move |s| s.roster(&p, id)).await?;
    let of = |k: RosterKind| -> Vec<LineView> {
        d.lines
            .iter()
            .filter(|l| l.kind == k)
            .map(|l| LineView {
                line: l.line.map(|n| n.to_string()).unwrap_or_default(),
                child_id: l.child_id,
                name: l.name.clone(),
                id_masked: l.id_masked.clone().unwrap_or_default(),
                grade: l.grade.clone(),
                class: l.class.clone(),
                note: l.note.clone().unwrap_or_default(),
            })
            .collect()
    };
    let s = &d.summary;
    Ok(render(&RosterPage {
        layout: Layout::new(format!("{} {} {}", s.school_name, s.term, msg::ROSTERS), Some(&user)),
        school: rules::is_school_staff(user.principal.role, user.principal.org_type),
        summary: msg::roster_counts(s.rows, s.enrolled, s.unknown, s.missing, s.errors),
        enrolled: of(RosterKind::Enrolled),
        unknown: of(RosterKind::Unknown),
        missing: of(RosterKind::Missing),
        errors: of(RosterKind::Error),
    }))
}
