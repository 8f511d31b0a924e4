//! Field-level validation errors: which field, and what is wrong with it, in the user's words.

use serde::Serialize;

/// One wrong field: a dotted path into the form (`father.id_number`) and a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// All the wrong fields of one submission, in form order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError { field: field.into(), message: message.into() });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }

    pub fn into_result<T>(self, ok: T) -> Result<T, FieldErrors> {
        if self.0.is_empty() { Ok(ok) } else { Err(self) }
    }
}
