//! The registry on pages (一人一档): the ledger, a child's file, its form and its history.

mod edit;
mod entrusted;
mod file;
mod history;
mod ledger;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};

pub use ledger::region_options;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/children", get(ledger::ledger))
        .route("/children/new", get(edit::new_form).post(edit::create))
        .route("/children/{id}", get(file::view))
        .route("/children/{id}/edit", get(edit::edit_form).post(edit::update))
        .route("/children/{id}/close", post(file::close))
        .route("/children/{id}/reopen", post(file::reopen))
        .route("/children/{id}/reveal", post(file::reveal))
        .route("/children/{id}/history", get(history::history))
        .route("/children/{id}/entrusted-care", get(entrusted::care_form).post(entrusted::save_care))
        .route("/children/{id}/contacts", post(entrusted::record_contact))
}

/// The form's and the file's sections, by the first segment of each field's path.
fn section_of(path: &str) -> &'static str {
    use shouhu_domain::msg;
    match path.split_once('.').map(|(h, _)| h) {
        Some("father") => msg::SECTION_FATHER,
        Some("mother") => msg::SECTION_MOTHER,
        Some("paternal_grandfather" | "paternal_grandmother" | "maternal_grandfather" | "maternal_grandmother") => {
            msg::SECTION_GRANDPARENTS
        }
        Some("entrusted_guardian") => msg::SECTION_GUARDIAN,
        _ => match path {
            "guardianship_type" | "lives_alone" | "unattended" | "income_sources" | "assistance" | "notes" => {
                msg::SECTION_FAMILY
            }
            _ => msg::SECTION_CHILD,
        },
    }
}

/// A field's label in its section: the section names the person, except the grandparents'
/// section, which holds four ("祖父 姓名").
fn label_in_section(path: &str) -> String {
    use shouhu_domain::msg;
    if section_of(path) == msg::SECTION_GRANDPARENTS {
        msg::field_full_label(path)
    } else {
        msg::field_label(path).to_string()
    }
}
