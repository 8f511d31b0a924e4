//! The stylesheet and script, embedded in the binary.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

const CSS: &str = include_str!("../static/app.css");
const JS: &str = include_str!("../static/app.js");
/// The tab's and home screen's icon, drawn for shouhu. Browsers ask for /favicon.ico of
/// every page; an SVG answers there as well as at its own name.
const ICON: &str = include_str!("../static/favicon.svg");

pub fn router() -> Router<crate::AppState> {
    Router::new()
        .route("/static/app.css", get(|| async { asset("text/css; charset=utf-8", CSS) }))
        .route("/static/app.js", get(|| async { asset("text/javascript; charset=utf-8", JS) }))
        .route("/favicon.ico", get(|| async { asset("image/svg+xml", ICON) }))
        .route("/static/favicon.svg", get(|| async { asset("image/svg+xml", ICON) }))
        .route("/healthz", get(|| async { "ok" }))
}

fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=3600")], body)
}
