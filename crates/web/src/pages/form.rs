//! Forms on pages, the one way: what a refused form brings back ([`Kept`]: what was typed,
//! what was wrong, why), the summary of errors above it ([`Refusal`], rendered by
//! `templates/partials/refusal.html`), and the readers of typed fields. Every workflow's
//! pages use these, so a refused form never loses what a person entered and always says
//! which field is wrong, in the same words and the same place.

use super::{PageError, PageResult, render};
use crate::body::FormPairs;
use crate::error::AppError;
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use shouhu_domain::error::FieldErrors;
use shouhu_domain::msg;
use std::collections::HashMap;

/// A submitted form kept to be shown again with what went wrong.
#[derive(Default)]
pub struct Kept {
    /// Which of the page's forms was sent (`complete`, `service-12`, …; empty when the page
    /// has one form, or when nothing was sent).
    pub form: String,
    pairs: Vec<(String, String)>,
    pub errs: FieldErrors,
    /// The sentence above the form.
    pub banner: String,
    /// A duplicate's existing record, when the user may open it.
    pub existing: Option<i64>,
}

impl Kept {
    /// What `form` sent.
    pub fn new(form: impl Into<String>, pairs: FormPairs) -> Kept {
        Kept { form: form.into(), pairs: pairs.0, ..Default::default() }
    }

    /// Pairs a page made itself (a form shown for the first time with values filled in).
    pub fn with_pairs(form: impl Into<String>, pairs: Vec<(String, String)>) -> Kept {
        Kept { form: form.into(), pairs, ..Default::default() }
    }

    pub fn is(&self, form: &str) -> bool {
        self.form == form
    }

    /// The value typed into `name` of `form`, or `default` when another form was sent.
    pub fn val_or(&self, form: &str, name: &str, default: &str) -> String {
        if self.is(form) {
            self.pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
        } else {
            default.to_string()
        }
    }

    pub fn val(&self, form: &str, name: &str) -> String {
        self.val_or(form, name, "")
    }

    /// Every value of a field sent several times (check boxes).
    pub fn vals(&self, form: &str, name: &str) -> Vec<String> {
        if !self.is(form) {
            return Vec::new();
        }
        self.pairs.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
    }

    /// The names of the fields sent (rows of a repeated group are `participants.0.party`, …).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.pairs.iter().map(|(k, _)| k.as_str())
    }

    pub fn checked(&self, form: &str, name: &str) -> bool {
        self.is(form) && self.pairs.iter().any(|(k, _)| k == name)
    }

    /// Every field's value, several values joined by commas (the child's form reads its
    /// multi-choice fields so).
    pub fn values(&self) -> HashMap<String, String> {
        let mut values: HashMap<String, String> = HashMap::new();
        for (k, v) in &self.pairs {
            values
                .entry(k.clone())
                .and_modify(|e| {
                    e.push(',');
                    e.push_str(v);
                })
                .or_insert_with(|| v.clone());
        }
        values
    }

    /// The message of `field` when `form` was the one refused.
    pub fn err(&self, form: &str, field: &str) -> String {
        if self.is(form) { self.errs.get(field).unwrap_or("").to_string() } else { String::new() }
    }

    /// Every message of the fields that start with `prefix` (`grounds`, `grounds.0`, …).
    pub fn errs_under(&self, form: &str, prefix: &str) -> String {
        if !self.is(form) {
            return String::new();
        }
        let mut out: Vec<&str> = Vec::new();
        for e in &self.errs.0 {
            if (e.field == prefix || e.field.starts_with(&format!("{prefix}."))) && !out.contains(&e.message.as_str()) {
                out.push(&e.message);
            }
        }
        out.join("；")
    }

    /// Takes in what went wrong, with the status the page is answered with. `stale` is what
    /// the page says when someone else saved first. Errors that are not the form's (not
    /// found, forbidden, a forged token) are the error page's.
    pub fn refused(mut self, e: AppError, stale: &'static str) -> Result<(Kept, StatusCode), PageError> {
        let status = e.status();
        match e {
            AppError::Invalid(f) => {
                // A retry key sent with other content is a message about the whole form.
                self.banner = f.get("idempotency_key").unwrap_or(msg::FORM_HAS_ERRORS).to_string();
                self.errs = f;
            }
            AppError::Duplicate { field, message, existing } => {
                self.errs.add(field, message.clone());
                self.banner = message;
                self.existing = existing;
            }
            AppError::Stale { .. } => self.banner = stale.to_string(),
            AppError::State(m) => self.banner = m.to_string(),
            AppError::Busy => self.banner = msg::BUSY.to_string(),
            AppError::Throttled(m) => self.banner = m.to_string(),
            other => return Err(PageError(other)),
        }
        Ok((self, status))
    }

    /// The summary above the form; `label` gives each wrong field's label and the id of its
    /// input (for the link that jumps to it).
    pub fn refusal(&self, label: impl Fn(&str, &str) -> (String, String)) -> Refusal {
        Refusal {
            banner: self.banner.clone(),
            errors: self
                .errs
                .0
                .iter()
                .map(|e| {
                    let (label, anchor) = label(&self.form, &e.field);
                    ErrorLine { anchor, label, message: e.message.clone() }
                })
                .collect(),
            existing_link: self.existing.map(|id| format!("/children/{id}")).unwrap_or_default(),
        }
    }
}

/// What `templates/partials/refusal.html` shows above a refused form.
#[derive(Default)]
pub struct Refusal {
    pub banner: String,
    pub errors: Vec<ErrorLine>,
    /// The existing file a duplicate names.
    pub existing_link: String,
}

/// One wrong field in the summary: its label, a link to its input, the message.
pub struct ErrorLine {
    pub anchor: String,
    pub label: String,
    pub message: String,
}

/// The page with the status of the refusal (422, 409, 503, …).
pub fn refused_page(page: &impl Template, status: StatusCode) -> PageResult {
    Ok(with_status(render(page), status))
}

pub fn with_status(mut res: Response, status: StatusCode) -> Response {
    *res.status_mut() = status;
    res
}

/// A text left empty or blank is no value.
pub fn non_empty(s: Option<&str>) -> Option<String> {
    s.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

/// A required choice from a code list: "请选择" left as it was is a missing answer.
pub fn pick<T>(form: &FormPairs, name: &str, parse: fn(&str) -> Option<T>, errs: &mut FieldErrors) -> Option<T> {
    let v = form.get(name).unwrap_or("").trim();
    if v.is_empty() {
        errs.add(name, msg::REQUIRED);
        return None;
    }
    let parsed = parse(v);
    if parsed.is_none() {
        errs.add(name, msg::UNKNOWN_OPTION);
    }
    parsed
}

/// A date field (`<input type="date">`, 2026-11-29).
pub fn date_field(form: &FormPairs, name: &str, required: bool, errs: &mut FieldErrors) -> Option<NaiveDate> {
    match form.get(name).unwrap_or("").trim() {
        "" => {
            if required {
                errs.add(name, msg::REQUIRED);
            }
            None
        }
        s => {
            let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
            if d.is_none() {
                errs.add(name, msg::DATE_INVALID);
            }
            d
        }
    }
}

/// A text that must not be left empty (kept as typed, for the form to show again).
pub fn required_text(form: &FormPairs, name: &str, errs: &mut FieldErrors) -> String {
    let v = form.get(name).unwrap_or("").to_string();
    if v.trim().is_empty() {
        errs.add(name, msg::REQUIRED);
    }
    v
}

/// The version a form was started from; a missing or garbled one can match no record.
pub fn version(form: &FormPairs) -> i64 {
    form.get("version").and_then(|v| v.parse().ok()).unwrap_or(-1)
}
