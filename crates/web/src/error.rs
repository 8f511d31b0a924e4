//! The one error type of handlers. API handlers answer JSON `{code, message, fields}`;
//! page handlers render the message in Chinese. Internals never reach the client: a 500 is
//! logged with its request id and the client gets only the id.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use shouhu_domain::error::{FieldError, FieldErrors};
use shouhu_domain::msg;
use shouhu_store::StoreError;
use utoipa::ToSchema;

/// The JSON body of every API error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiErrorBody {
    /// Stable machine-readable code: `invalid`, `not_found`, `stale`, `duplicate`, …
    pub code: &'static str,
    /// What went wrong, in Chinese, for the user.
    pub message: String,
    /// The fields at fault, when there are any.
    pub fields: Vec<FieldError>,
    /// For `stale`: the version now stored. For `duplicate`: the existing record's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing_id: Option<i64>,
}

#[derive(Debug)]
pub enum AppError {
    Invalid(FieldErrors),
    BadRequest(String, Vec<FieldError>),
    Unauthenticated,
    BadCredentials,
    Forbidden,
    Csrf,
    NotFound,
    Stale {
        current: i64,
    },
    Duplicate {
        field: &'static str,
        message: String,
        existing: Option<i64>,
    },
    State(&'static str),
    /// Too many attempts; the message says of what.
    Throttled(&'static str),
    /// An allowance used up for now (`StoreError::Limited`): 429 with the store's message.
    Limited(String),
    TooLarge,
    Busy,
    Internal(String),
    /// A sign-in attempt refused unheard until its wait is over (decision 81): 429 with
    /// `Retry-After`.
    SignInWait {
        seconds: i64,
    },
    /// A token request without the second factor it needs (decision 83): 401.
    SecondFactor(&'static str),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Forbidden => AppError::Forbidden,
            StoreError::Invalid(f) => AppError::Invalid(f),
            StoreError::Stale { current } => AppError::Stale { current },
            StoreError::Duplicate { field, message, existing } => AppError::Duplicate { field, message, existing },
            StoreError::State(m) => AppError::State(m),
            StoreError::Busy => AppError::Busy,
            StoreError::Limited(m) => AppError::Limited(m),
            StoreError::UniqueViolation => AppError::Internal("unique violation not mapped".into()),
            StoreError::Abandoned => AppError::Internal("an abandoned write reached a handler".into()),
            StoreError::Config(m) | StoreError::Backend(m) => AppError::Internal(m),
        }
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(e: tokio::task::JoinError) -> Self {
        AppError::Internal(format!("blocking task: {e}"))
    }
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest(..) => StatusCode::BAD_REQUEST,
            AppError::Unauthenticated | AppError::BadCredentials | AppError::SecondFactor(_) => {
                StatusCode::UNAUTHORIZED
            }
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Stale { .. } | AppError::Duplicate { .. } | AppError::State(_) => StatusCode::CONFLICT,
            AppError::Throttled(_) | AppError::Limited(_) | AppError::SignInWait { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::Invalid(_) => "invalid",
            AppError::BadRequest(..) => "bad_request",
            AppError::Unauthenticated => "unauthenticated",
            AppError::BadCredentials => "bad_credentials",
            AppError::Forbidden => "forbidden",
            AppError::Csrf => "csrf",
            AppError::NotFound => "not_found",
            AppError::Stale { .. } => "stale",
            AppError::Duplicate { .. } => "duplicate",
            AppError::State(_) => "state",
            AppError::Throttled(_) | AppError::Limited(_) | AppError::SignInWait { .. } => "throttled",
            AppError::SecondFactor(_) => "second_factor_required",
            AppError::TooLarge => "too_large",
            AppError::Busy => "busy",
            AppError::Internal(_) => "internal",
        }
    }

    /// The message for the user, in Chinese.
    pub fn message(&self) -> String {
        match self {
            AppError::Invalid(_) => msg::FORM_HAS_ERRORS.into(),
            AppError::BadRequest(m, _) => m.clone(),
            AppError::Unauthenticated => msg::UNAUTHENTICATED.into(),
            AppError::BadCredentials => msg::BAD_CREDENTIALS.into(),
            AppError::Forbidden => msg::FORBIDDEN.into(),
            AppError::Csrf => msg::CSRF.into(),
            AppError::NotFound => msg::NOT_FOUND.into(),
            AppError::Stale { .. } => msg::STALE_VERSION.into(),
            AppError::Duplicate { message, .. } => message.clone(),
            AppError::State(m) => (*m).into(),
            AppError::Throttled(m) => (*m).into(),
            AppError::Limited(m) => m.clone(),
            AppError::TooLarge => msg::BODY_TOO_LARGE.into(),
            AppError::Busy => msg::BUSY.into(),
            AppError::Internal(_) => msg::INTERNAL.into(),
            AppError::SignInWait { seconds } => msg::sign_in_wait(*seconds),
            AppError::SecondFactor(m) => (*m).into(),
        }
    }

    pub fn fields(&self) -> Vec<FieldError> {
        match self {
            AppError::Invalid(f) => f.0.clone(),
            AppError::BadRequest(_, f) => f.clone(),
            AppError::Duplicate { field, message, .. } => {
                vec![FieldError { field: (*field).into(), message: message.clone() }]
            }
            _ => Vec::new(),
        }
    }

    /// Logs server faults; never with user data, only our own message.
    pub fn log(&self) {
        if let AppError::Internal(m) = self {
            tracing::error!(error = %m, "internal error");
        }
    }

    pub fn body(&self) -> ApiErrorBody {
        ApiErrorBody {
            code: self.code(),
            message: self.message(),
            fields: self.fields(),
            current_version: match self {
                AppError::Stale { current } => Some(*current),
                _ => None,
            },
            existing_id: match self {
                AppError::Duplicate { existing, .. } => *existing,
                _ => None,
            },
        }
    }
}

/// As JSON: the API's form. Pages convert errors themselves (see `pages::PageError`).
impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        let mut res = (self.status(), Json(self.body())).into_response();
        if let AppError::SignInWait { seconds } = self {
            res.headers_mut().insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        res
    }
}

pub type ApiResult<T> = Result<T, AppError>;
