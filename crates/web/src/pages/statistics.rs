//! The statistics page (统计分析, issue 20): the figures of the user's region or of a
//! sub-region of it, each chart drawn as SVG with its table beside it, and the page's
//! figures as .xlsx (`/statistics.xlsx`, the same query string).

use super::{Layout, PageError, PageResult, render};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::body::QueryParams;
use crate::charts::{self, Datum};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use shouhu_domain::msg;
use shouhu_domain::statistics::{self as rules, duration_label};
use shouhu_domain::validate::filter_day;
use shouhu_store::statistics::{AreaLine, Bar, ChartKind, Statistics, StatisticsQuery, Times};

pub fn router() -> Router<AppState> {
    Router::new().route("/statistics", get(page)).route("/statistics.xlsx", get(download))
}

/// A chart and its rows, as the template shows them.
pub struct Shown {
    pub id: &'static str,
    pub title: &'static str,
    pub svg: String,
    pub rows: Vec<Bar>,
    /// What the share column is of ([`shouhu_store::statistics::Section::base`]).
    pub sum: i64,
}

impl Shown {
    pub fn share(&self, n: &i64) -> String {
        if self.sum == 0 {
            msg::STATISTICS_NONE.to_string()
        } else {
            format!("{:.1}%", *n as f64 * 100.0 / self.sum as f64)
        }
    }
}

#[derive(Template)]
#[template(path = "statistics.html")]
pub struct StatisticsPage {
    pub layout: Layout,
    pub from: String,
    pub to: String,
    pub region: String,
    pub error: String,
    pub regions: Vec<(String, String)>,
    pub st: Statistics,
    pub charts: Vec<Shown>,
    pub times: Vec<(&'static str, Times)>,
    pub areas: Vec<AreaLine>,
    pub query: String,
}

impl StatisticsPage {
    pub fn minutes(m: &Option<i64>) -> String {
        m.map_or_else(|| msg::STATISTICS_NONE.to_string(), duration_label)
    }
}

#[derive(Deserialize, Default)]
struct Query {
    #[serde(default)]
    region: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// The store's query from the page's, and the error to show (the period then falls back to
/// the default, the region is kept).
fn parse(q: &Query) -> (StatisticsQuery, String) {
    let region = Some(q.region.trim().to_string()).filter(|r| !r.is_empty());
    match (filter_day(&q.from), filter_day(&q.to)) {
        (Ok(from), Ok(to)) if from.zip(to).is_none_or(|(f, t)| f <= t) => {
            (StatisticsQuery { region, from, to }, String::new())
        }
        (Ok(_), Ok(_)) => {
            (StatisticsQuery { region, ..Default::default() }, msg::STATISTICS_PERIOD_INVALID.to_string())
        }
        (Err(m), _) | (_, Err(m)) => (StatisticsQuery { region, ..Default::default() }, m.to_string()),
    }
}

async fn figures(state: &AppState, user: &CurrentUser, q: StatisticsQuery) -> Result<Statistics, PageError> {
    user.require(rules::may_see_statistics)?;
    let p = user.principal.clone();
    // The replica may answer (decision 201).
    Ok(state.run_read(user, move |s| s.statistics(&p, &q)).await?)
}

async fn page(State(state): State<AppState>, user: CurrentUser, QueryParams(q): QueryParams<Query>) -> PageResult {
    let (sq, error) = parse(&q);
    let st = figures(&state, &user, sq).await?;
    let p = user.principal.clone();
    let own = p.region_code.clone();
    let regions = state.run(move |s| Ok(s.statistics_regions(&p, &own))).await?;
    let charts = st
        .sections()
        .into_iter()
        .map(|s| {
            let data: Vec<Datum> = s.bars.iter().map(|b| Datum { label: &b.label, value: b.count }).collect();
            let id = format!("chart-{}", s.id);
            let svg = match s.kind {
                ChartKind::Bars => charts::bars(&id, s.title, &data),
                ChartKind::Columns => charts::columns(&id, s.title, &data),
            };
            Shown { id: s.id, title: s.title, svg, sum: s.base, rows: s.bars }
        })
        .collect();
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("region", q.region.trim())
        .append_pair("from", q.from.trim())
        .append_pair("to", q.to.trim())
        .finish();
    let mut areas = st.areas.clone();
    areas.push(st.total.clone());
    Ok(render(&StatisticsPage {
        layout: Layout::new(msg::STATISTICS, Some(&user)),
        from: q.from.trim().to_string(),
        to: q.to.trim().to_string(),
        region: q.region.trim().to_string(),
        error,
        regions,
        times: vec![(msg::STATISTICS_RESPONSE, st.response), (msg::STATISTICS_ASSESSMENT, st.assessment)],
        charts,
        areas,
        st,
        query,
    }))
}

async fn download(State(state): State<AppState>, user: CurrentUser, QueryParams(q): QueryParams<Query>) -> PageResult {
    let (sq, _) = parse(&q);
    let st = figures(&state, &user, sq).await?;
    let name = format!("{}-{}-{}.xlsx", msg::STATISTICS, st.region_name.replace([' ', '/'], ""), st.from);
    let bytes = shouhu_census::statistics::workbook(&st)
        .map_err(|e| PageError(crate::error::AppError::Internal(format!("statistics workbook: {e}"))))?;
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }
        })
        .collect();
    let mut res: Response = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, header::HeaderValue::from_static(super::imports::XLSX));
    if let Ok(v) = format!("attachment; filename=\"statistics.xlsx\"; filename*=UTF-8''{encoded}").parse() {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}
