//! Request bodies: size-limited, parsed with the field named in every error.

use crate::error::AppError;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;
use shouhu_domain::error::FieldError;
use shouhu_domain::msg;

/// The raw body, or 413 with our message when it is over the limit.
pub async fn bytes(req: Request, state: &crate::AppState) -> Result<Bytes, AppError> {
    Bytes::from_request(req, state).await.map_err(|e| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge
        } else {
            AppError::BadRequest(msg::BAD_REQUEST.into(), Vec::new())
        }
    })
}

/// A JSON body whose errors name the field at fault (unknown fields are refused).
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<crate::AppState> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &crate::AppState) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !is_json {
            return Err(AppError::BadRequest("请求须为 JSON（Content-Type: application/json）".into(), Vec::new()));
        }
        let b = bytes(req, state).await?;
        parse_json(&b).map(ApiJson)
    }
}

pub fn parse_json<T: DeserializeOwned>(b: &[u8]) -> Result<T, AppError> {
    let de = &mut serde_json::Deserializer::from_slice(b);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let field = e.path().to_string();
        let inner = e.inner().to_string();
        let message = if inner.contains("unknown field") {
            "不认识的字段".to_string()
        } else if inner.contains("premature end") || inner.contains("expected value") || inner.contains("EOF") {
            "JSON 格式不正确".to_string()
        } else if inner.contains("unknown variant") {
            msg::UNKNOWN_OPTION.to_string()
        } else if inner.contains("input contains invalid characters") || inner.contains("premature end of input") {
            msg::DATE_INVALID.to_string()
        } else {
            "类型或格式不正确".to_string()
        };
        let field = if field == "." { String::new() } else { field };
        let fields = vec![FieldError { field: field.clone(), message: message.clone() }];
        AppError::BadRequest(
            format!("{}：{}", msg::BAD_REQUEST, if field.is_empty() { message } else { format!("{field} {message}") }),
            fields,
        )
    })
}

/// An URL-encoded form as ordered (name, value) pairs.
pub struct FormPairs(pub Vec<(String, String)>);

impl FromRequest<crate::AppState> for FormPairs {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &crate::AppState) -> Result<Self, Self::Rejection> {
        let b = bytes(req, state).await?;
        serde_urlencoded::from_bytes(&b)
            .map(FormPairs)
            .map_err(|_| AppError::BadRequest(msg::BAD_REQUEST.into(), Vec::new()))
    }
}

impl FormPairs {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// Answers an extractor's failure the way the request expects: JSON under `/api/`, a Chinese
/// page elsewhere.
pub(crate) fn reject(path: &str, e: AppError) -> axum::response::Response {
    use axum::response::IntoResponse;
    if path.starts_with("/api/") { e.into_response() } else { crate::pages::PageError(e).into_response() }
}

/// A record id from the path. A path that is not a number names nothing: 404, like a
/// missing record, rather than a parser's message.
pub struct IdPath(pub i64);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for IdPath {
    type Rejection = axum::response::Response;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<i64>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(id)) => Ok(IdPath(id)),
            Err(_) => Err(reject(parts.uri.path(), AppError::NotFound)),
        }
    }
}

/// Query parameters; a value of the wrong type names the parameter in a 400.
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> axum::extract::FromRequestParts<S> for QueryParams<T> {
    type Rejection = axum::response::Response;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let q = parts.uri.query().unwrap_or("");
        let de = serde_urlencoded::Deserializer::new(form_urlencoded_parse(q));
        serde_path_to_error::deserialize(de).map(QueryParams).map_err(|e| {
            let field = e.path().to_string();
            let message = "参数格式不正确".to_string();
            let fields = vec![FieldError { field: field.clone(), message: message.clone() }];
            reject(parts.uri.path(), AppError::BadRequest(format!("{}：{field} {message}", msg::BAD_REQUEST), fields))
        })
    }
}

fn form_urlencoded_parse(q: &str) -> form_urlencoded::Parse<'_> {
    form_urlencoded::parse(q.as_bytes())
}
