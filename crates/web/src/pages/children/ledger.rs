//! The ledger (台账) of a user's scope: search, filters, pages.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::body::QueryParams;
use crate::error::AppError;
pub use crate::filters::LedgerQuery;
use crate::pages::view::{Opt, opts};
use crate::pages::{Layout, PageError, PageResult, render};
use askama::Template;
use axum::extract::State;
use shouhu_domain::age::AgeBand;
use shouhu_domain::child::Warning;
use shouhu_domain::codes::{Category, CodeList, GuardianshipType, Schooling};
use shouhu_domain::msg;
use shouhu_domain::region::Level;
use shouhu_domain::role::Scope;
use shouhu_store::audit::Action;
use shouhu_store::children::{LedgerPage, LedgerRow};
use shouhu_store::{Store, StoreError};

pub struct RowView {
    pub id: i64,
    pub name: String,
    pub sex: &'static str,
    pub age: String,
    pub village: String,
    pub category: &'static str,
    pub guardianship: &'static str,
    pub schooling: &'static str,
    pub warnings: Vec<&'static str>,
    pub id_masked: String,
    pub closed: bool,
}

impl RowView {
    pub fn of(r: &LedgerRow) -> RowView {
        RowView {
            id: r.id,
            name: r.name.clone(),
            sex: r.sex.map_or("", |s| s.label()),
            age: r.age.map(|a| format!("{a}{}", msg::YEARS_SUFFIX)).unwrap_or_default(),
            village: r.village_name.clone(),
            category: r.category.label(),
            guardianship: r.guardianship_type.map_or("", |g| g.label()),
            schooling: r.schooling.map_or("", |s| s.label()),
            warnings: r.warnings.iter().map(|w| w.label()).collect(),
            id_masked: r.id_number_masked.clone().unwrap_or_default(),
            closed: r.closed,
        }
    }
}

#[derive(Template)]
#[template(path = "children/ledger.html")]
pub struct LedgerView {
    pub layout: Layout,
    pub q: String,
    pub searching: bool,
    /// A filter is set: the filter panel stays open (closed by default, to leave the phone's
    /// first screen to the list).
    pub filtering: bool,
    pub rows: Vec<RowView>,
    pub total_text: String,
    /// The search was not made (a question this reader may not ask, or their searches by
    /// whole ID number used up): `total_text` says why, as an error, and no "nothing found".
    pub refused: bool,
    /// The export link: what this page shows, as .xlsx; empty for a role that may not
    /// export (`Role::may_export`).
    pub export_link: String,
    /// The same selection as one PDF of census forms (shown with the export link).
    pub forms_link: String,
    /// The census summary of the same selection (issue 22).
    pub summary_link: String,
    pub page: u32,
    pub prev_link: String,
    pub next_link: String,
    pub regions: Vec<Opt>,
    pub categories: Vec<Opt>,
    pub age_bands: Vec<Opt>,
    pub guardianship_types: Vec<Opt>,
    pub schoolings: Vec<Opt>,
    pub warnings: Vec<Opt>,
    pub statuses: Vec<Opt>,
}

/// The regions a user can filter by: their region's subtree down to townships, and villages
/// when their region is a township.
pub fn region_options(store: &Store, scope: &Scope, current: &str) -> Vec<Opt> {
    let Scope::Region(root) = scope else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut stack = vec![(root.clone(), 0usize)];
    while let Some((code, depth)) = stack.pop() {
        let Some(r) = store.regions.get(&code) else {
            continue;
        };
        out.push(Opt {
            code: r.code.clone(),
            label: format!("{}{}", "　".repeat(depth), r.name),
            selected: r.code == current,
        });
        let root_is_township = store.regions.get(root).is_some_and(|r| r.level >= Level::Township);
        let kids: Vec<String> = store
            .regions
            .children(&code)
            .filter(|c| c.level != Level::Village || root_is_township)
            .map(|c| c.code.clone())
            .collect();
        for k in kids.into_iter().rev() {
            stack.push((k, depth + 1));
        }
    }
    out
}

pub(super) async fn ledger(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(q): QueryParams<LedgerQuery>,
) -> PageResult {
    // The administrator sees no file; their home is administration (pages::home).
    user.require(shouhu_domain::role::Role::may_read_children)?;
    let scope = user.principal.scope();
    let actor = user.principal.clone();
    let filter = q.filter();
    let page_no = q.page.unwrap_or(1).max(1);
    let query_text = q.q.trim().to_string();
    let searching = !query_text.is_empty();
    // A masked reader's searches by whole ID numbers are counted first, on the primary
    // (decision 212); when used up, the page says until when, as it says why a question
    // may not be asked.
    let used_up = match crate::filters::spend_id_search(&state, &actor, &query_text).await {
        Ok(()) => None,
        Err(AppError::Limited(m)) => Some(m),
        Err(e) => return Err(PageError(e)),
    };
    let (rows, total_text, has_next, next_key, refused) = {
        let filter = filter.clone();
        let qt = query_text.clone();
        let query = q.clone();
        // The replica may answer the list (decision 201); the audit writer is the primary's.
        state
            .run_read(&user, move |s| {
                if let Some(m) = &used_up {
                    return Ok((Vec::new(), m.clone(), false, None, true));
                }
                if !qt.is_empty() {
                    let found = match s.search_page(&actor, &query.search(&qt, crate::filters::SEARCH_ROWS)) {
                        // A question this reader may not ask (the last digits of an ID
                        // number, for a role that sees them masked), or a page key that is
                        // not one: the page says why.
                        Err(StoreError::Invalid(f)) => {
                            let why = f.get("q").or_else(|| f.get("after")).unwrap_or(msg::FORM_HAS_ERRORS);
                            return Ok((Vec::new(), why.to_string(), false, None, true));
                        }
                        other => other?,
                    };
                    s.audit(&actor, Action::Search, None, &shouhu_domain::id_number::mask_id(&qt))?;
                    let text = if found.total_capped {
                        format!("{}{}{}", msg::MORE_THAN, found.total, msg::TOTAL_SUFFIX)
                    } else {
                        format!("{}{}{}", msg::TOTAL_PREFIX, found.total, msg::TOTAL_SUFFIX)
                    };
                    Ok((found.rows, text, found.more, found.next, false))
                } else {
                    let p: LedgerPage = s.ledger(&actor, &filter, page_no, 20)?;
                    s.audit(&actor, Action::ViewLedger, None, &format!("page {page_no}"))?;
                    let more = p.total_capped || i64::from(p.page) * i64::from(p.per_page) < p.total;
                    let text = if p.total_capped {
                        format!("{}{}{}{}", msg::MORE_THAN, p.total, "", msg::TOTAL_SUFFIX)
                    } else {
                        format!("{}{}{}", msg::TOTAL_PREFIX, p.total, msg::TOTAL_SUFFIX)
                    };
                    Ok((p.rows, text, more, None, false))
                }
            })
            .await?
    };
    // A search pages by the key of its last row (the next page) and goes back to its first;
    // the ledger pages by number.
    let (prev_link, next_link) = if searching {
        (
            if page_no > 1 { format!("/children?{}", q.search_first()) } else { String::new() },
            next_key.map(|k| format!("/children?{}", q.search_next(&k, page_no.saturating_add(1)))).unwrap_or_default(),
        )
    } else {
        (
            if page_no > 1 { format!("/children?{}", q.with_page(page_no - 1)) } else { String::new() },
            if has_next { format!("/children?{}", q.with_page(page_no.saturating_add(1))) } else { String::new() },
        )
    };
    let view = LedgerView {
        layout: Layout::new(msg::LEDGER, Some(&user)),
        q: query_text,
        searching,
        filtering: [&q.region, &q.category, &q.age_band, &q.guardianship_type, &q.schooling, &q.warning, &q.status]
            .iter()
            .any(|v| !v.is_empty()),
        rows: rows.iter().map(RowView::of).collect(),
        total_text,
        refused,
        export_link: if user.principal.role.may_export() {
            format!("/export.xlsx?{}", q.export_query()).trim_end_matches('?').to_string()
        } else {
            String::new()
        },
        forms_link: format!("/children/census-forms.pdf?{}", q.export_query()).trim_end_matches('?').to_string(),
        summary_link: format!("/children/summary.pdf?{}", q.export_query()).trim_end_matches('?').to_string(),
        page: page_no,
        prev_link,
        next_link,
        regions: region_options(&state.store, &scope, &q.region),
        categories: opts(Category::options(), &q.category),
        age_bands: AgeBand::ALL
            .iter()
            .map(|b| Opt { code: b.code().into(), label: b.label().into(), selected: b.code() == q.age_band })
            .collect(),
        guardianship_types: opts(GuardianshipType::options(), &q.guardianship_type),
        schoolings: opts(Schooling::options(), &q.schooling),
        warnings: Warning::ALL
            .iter()
            .map(|w| Opt { code: w.code().into(), label: w.label().into(), selected: w.code() == q.warning })
            .collect(),
        statuses: opts(
            vec![("open", msg::STATUS_OPEN), ("closed", msg::STATUS_CLOSED), ("all", msg::ALL)],
            if q.status.is_empty() { "open" } else { &q.status },
        ),
    };
    Ok(render(&view))
}
