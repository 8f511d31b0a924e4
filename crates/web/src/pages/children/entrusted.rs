//! Entrusted care (委托监护) and the parents' contacts on the child's file: the checklist and
//! the contact log shown on the file's page, the entrusted-care form, and the contact form
//! on the file's page ([UPL] 22–23, [M19]).

use crate::AppState;
use crate::auth::CurrentUser;
use crate::body::{FormPairs, IdPath};
use crate::error::AppError;
use crate::pages::form::{self, Kept, Refusal, refused_page};
use crate::pages::view::{Opt, day, opts};
use crate::pages::{Layout, PageError, PageResult, render};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use shouhu_domain::child::{ChildRecord, EntrustedCare, EntrustedGuardian, FileStatus};
use shouhu_domain::codes::CodeList;
use shouhu_domain::entrusted::{self, CareItem, ContactChannel, ContactWho};
use shouhu_domain::error::FieldErrors;
use shouhu_domain::msg;
use shouhu_store::entrusted::{ContactLog, NewContact};

/// One paper of the checklist: there or missing, with its date and who.
pub struct CareLine {
    pub code: &'static str,
    pub label: &'static str,
    pub present: bool,
    pub detail: String,
}

/// One finding of [UPL] 22: the question, the answer in words, its evidence.
pub struct FindingLine {
    pub label: &'static str,
    pub answer: &'static str,
    pub unsuitable: bool,
    pub evidence: String,
}

/// The entrusted-care checklist of a file with a carer.
pub struct CareView {
    pub complete: bool,
    pub carer: String,
    pub lines: Vec<CareLine>,
    pub findings: Vec<FindingLine>,
    pub can_record: bool,
}

fn answer_label(a: Option<bool>) -> &'static str {
    match a {
        Some(true) => msg::CARE_FOUND_YES,
        Some(false) => msg::CARE_FOUND_NO,
        None => msg::CARE_FOUND_UNKNOWN,
    }
}

fn notice(on: Option<chrono::NaiveDate>, by: Option<&str>) -> String {
    match on {
        Some(d) => format!("{}；{}：{}", day(d), msg::CARE_RECEIVED_BY, by.unwrap_or("")),
        None => String::new(),
    }
}

/// The checklist of `g`: what is there, what is missing, with dates and who.
pub fn care_view(g: &EntrustedGuardian, can_record: bool) -> CareView {
    let missing = entrusted::missing_items(g);
    let c = &g.care;
    let yes_no = |b: bool| if b { msg::YES } else { msg::NO };
    let confirmation = match g.confirmed_on {
        Some(d) => format!(
            "{} {}；{}：{}；{}：{}；{}：{}",
            msg::CARE_CONFIRMED_ON,
            day(d),
            msg::CARE_SIGNED_BY_PARENTS,
            yes_no(c.signed_by_parents),
            msg::CARE_SIGNED_BY_CARER,
            yes_no(c.signed_by_carer),
            msg::CARE_GUIDED_BY,
            c.guided_by.as_deref().unwrap_or("")
        ),
        None => String::new(),
    };
    let lines = CareItem::ALL
        .iter()
        .map(|&item| CareLine {
            code: item.code(),
            label: item.label(),
            present: !missing.contains(&item),
            detail: match item {
                CareItem::SchoolNotice => notice(c.school_notice_on, c.school_notice_received_by.as_deref()),
                CareItem::VillageNotice => notice(c.village_notice_on, c.village_notice_received_by.as_deref()),
                CareItem::Confirmation => confirmation.clone(),
            },
        })
        .collect();
    let findings = entrusted::findings(c)
        .into_iter()
        .map(|(_, answer, evidence, label)| FindingLine {
            label,
            answer: answer_label(answer),
            unsuitable: answer == Some(true),
            evidence: evidence.unwrap_or("").to_string(),
        })
        .collect();
    CareView { complete: missing.is_empty(), carer: g.name.clone(), lines, findings, can_record }
}

/// One contact in the log.
pub struct ContactLine {
    pub date: String,
    pub channel: &'static str,
    pub who: &'static str,
    pub by: String,
    pub from_visit: bool,
}

/// The contact log on the file's page, with its form.
pub struct ContactsView {
    pub last: String,
    pub lapsed: bool,
    pub lapsed_label: &'static str,
    pub lines: Vec<ContactLine>,
    pub can_record: bool,
    pub date: String,
    pub channels: Vec<Opt>,
    pub whos: Vec<Opt>,
    pub e_date: String,
    pub e_channel: String,
    pub e_who: String,
}

/// The log as the page shows it; `kept` is a refused contact form to show again.
pub fn contacts_view(log: &ContactLog, can_record: bool, today: chrono::NaiveDate, kept: &Kept) -> ContactsView {
    let f = "contact";
    ContactsView {
        last: log.last_contact_on.map(day).unwrap_or_else(|| msg::NO_CONTACT_RECORDED.to_string()),
        lapsed: log.lapsed,
        lapsed_label: shouhu_domain::child::Warning::ParentsContactLapsed.label(),
        lines: log
            .contacts
            .iter()
            .map(|k| ContactLine {
                date: day(k.contact_on),
                channel: k.channel.label(),
                who: k.who.label(),
                by: k.recorded_by.clone(),
                from_visit: k.source.starts_with("visit"),
            })
            .collect(),
        can_record,
        date: kept.val_or(f, "contact_on", &day(today)),
        channels: opts(ContactChannel::options(), &kept.val(f, "channel")),
        whos: opts(
            ContactWho::options()
                .into_iter()
                .filter(|(c, _)| ContactWho::parse(c).is_some_and(entrusted::who_may_be_recorded))
                .collect(),
            &kept.val(f, "who"),
        ),
        e_date: kept.err(f, "contact_on"),
        e_channel: kept.err(f, "channel"),
        e_who: kept.err(f, "who"),
    }
}

/// The summary above the contact form when it was refused.
pub fn contact_refusal(kept: &Kept) -> Refusal {
    if kept.is("contact") {
        kept.refusal(|_, field| (contact_label(field).to_string(), format!("f-{field}")))
    } else {
        Refusal::default()
    }
}

fn contact_label(field: &str) -> &'static str {
    match field {
        "contact_on" => msg::CONTACT_ON,
        "channel" => msg::CONTACT_CHANNEL,
        "who" => msg::CONTACT_WHO,
        _ => "",
    }
}

/// "记录一次联系" on the file's page: saved, back to the page; refused, the page again with
/// what was typed and what is wrong beside it.
pub(super) async fn record_contact(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    pairs: FormPairs,
) -> PageResult {
    user.check_csrf(pairs.get("csrf"))?;
    let mut errs = FieldErrors::default();
    let new = NewContact {
        contact_on: form::date_field(&pairs, "contact_on", true, &mut errs),
        channel: form::pick(&pairs, "channel", ContactChannel::parse, &mut errs),
        who: form::pick(&pairs, "who", ContactWho::parse, &mut errs),
    };
    let result = if errs.is_empty() {
        let p = user.principal.clone();
        state.run(move |s| s.record_parents_contact(&p, id, new, "web")).await.map(|_| ())
    } else {
        Err(AppError::Invalid(errs))
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/children/{id}?saved=1#contacts")).into_response()),
        Err(e @ (AppError::NotFound | AppError::Forbidden)) => Err(PageError(e)),
        Err(e) => {
            let (kept, status) = Kept::new("contact", pairs).refused(e, msg::STALE_VERSION)?;
            let page = super::file::page_with(&state, &user, id, &kept).await?;
            refused_page(&page, status)
        }
    }
}

#[derive(Template)]
#[template(path = "entrusted/care_form.html")]
pub struct CareForm {
    pub layout: Layout,
    pub id: i64,
    pub child: String,
    pub carer: String,
    pub version: i64,
    pub refusal: Refusal,
    pub fields: CareFields,
}

/// The form's values as typed (or as stored), and the message beside each.
pub struct CareFields {
    pub confirmed_on: String,
    pub signed_by_parents: bool,
    pub signed_by_carer: bool,
    pub guided_by: String,
    pub school_notice_on: String,
    pub school_notice_received_by: String,
    pub village_notice_on: String,
    pub village_notice_received_by: String,
    pub findings: Vec<FindingField>,
    pub errors: std::collections::HashMap<String, String>,
}

impl CareFields {
    /// The message beside `field`, empty when it is right.
    pub fn err(&self, field: &str) -> String {
        self.errors.get(field).cloned().unwrap_or_default()
    }
}

pub struct FindingField {
    pub name: &'static str,
    pub label: &'static str,
    pub options: Vec<Opt>,
    pub evidence: String,
    pub e_answer: String,
    pub e_evidence: String,
}

/// The form's field names: the file's paths without `entrusted_guardian.` and `care.`.
fn short(field: &str) -> &str {
    let f = field.strip_prefix("entrusted_guardian.").unwrap_or(field);
    f.strip_prefix("care.").unwrap_or(f)
}

fn care_label(field: &str) -> String {
    match field {
        "entrusted_guardian" => msg::SECTION_GUARDIAN.to_string(),
        "confirmed_on" => msg::field_label("entrusted_guardian.confirmed_on").to_string(),
        f => msg::field_label(&format!("entrusted_guardian.care.{f}")).to_string(),
    }
}

fn finding_code(a: Option<bool>) -> &'static str {
    match a {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    }
}

fn finding_options(current: &str) -> Vec<Opt> {
    opts(vec![("", msg::CARE_FOUND_UNKNOWN), ("no", msg::CARE_FOUND_NO), ("yes", msg::CARE_FOUND_YES)], current)
}

/// The form filled from the stored facts.
fn fields_of(g: &EntrustedGuardian, director: &str) -> CareFields {
    let c = &g.care;
    let date = |d: Option<chrono::NaiveDate>| d.map(day).unwrap_or_default();
    CareFields {
        confirmed_on: date(g.confirmed_on),
        signed_by_parents: c.signed_by_parents,
        signed_by_carer: c.signed_by_carer,
        // The director who opens the form is, most often, the one who guided the signing.
        guided_by: c.guided_by.clone().unwrap_or_else(|| director.to_string()),
        school_notice_on: date(c.school_notice_on),
        school_notice_received_by: c.school_notice_received_by.clone().unwrap_or_default(),
        village_notice_on: date(c.village_notice_on),
        village_notice_received_by: c.village_notice_received_by.clone().unwrap_or_default(),
        findings: entrusted::findings(c)
            .into_iter()
            .map(|(name, answer, evidence, label)| FindingField {
                name,
                label,
                options: finding_options(finding_code(answer)),
                evidence: evidence.unwrap_or("").to_string(),
                e_answer: String::new(),
                e_evidence: String::new(),
            })
            .collect(),
        errors: Default::default(),
    }
}

/// The form as it was sent, with the messages beside its fields.
fn fields_sent(pairs: &FormPairs, errs: &FieldErrors) -> CareFields {
    let v = |n: &str| pairs.get(n).unwrap_or("").to_string();
    let errors: std::collections::HashMap<String, String> =
        errs.0.iter().map(|e| (short(&e.field).to_string(), e.message.clone())).collect();
    let err = |n: &str| errors.get(n).cloned().unwrap_or_default();
    CareFields {
        confirmed_on: v("confirmed_on"),
        signed_by_parents: pairs.get("signed_by_parents").is_some(),
        signed_by_carer: pairs.get("signed_by_carer").is_some(),
        guided_by: v("guided_by"),
        school_notice_on: v("school_notice_on"),
        school_notice_received_by: v("school_notice_received_by"),
        village_notice_on: v("village_notice_on"),
        village_notice_received_by: v("village_notice_received_by"),
        findings: entrusted::findings(&EntrustedCare::default())
            .into_iter()
            .map(|(name, _, _, label)| FindingField {
                name,
                label,
                options: finding_options(&v(name)),
                evidence: v(&format!("{name}_evidence")),
                e_answer: err(name),
                e_evidence: err(&format!("{name}_evidence")),
            })
            .collect(),
        errors: errors.clone(),
    }
}

fn form_page(user: &CurrentUser, rec: &ChildRecord, version: i64, fields: CareFields, refusal: Refusal) -> CareForm {
    let carer = rec.file.entrusted_guardian.as_ref().map(|g| g.name.clone()).unwrap_or_default();
    CareForm {
        layout: Layout::new(format!("{} · {}", msg::RECORD_ENTRUSTED_CARE, rec.file.name), Some(user)),
        id: rec.id,
        child: rec.file.name.clone(),
        carer,
        version,
        refusal,
        fields,
    }
}

/// The file as the form needs it: in scope (else not found), open, with a carer.
async fn file_for_form(state: &AppState, user: &CurrentUser, id: i64) -> Result<ChildRecord, PageError> {
    user.require(entrusted::may_record_entrusted_care)?;
    let p = user.principal.clone();
    let rec = state.run(move |s| s.view_child(&p, id)).await?;
    if matches!(rec.status, FileStatus::Closed { .. }) {
        return Err(PageError(AppError::State(msg::ALREADY_CLOSED)));
    }
    if rec.file.entrusted_guardian.is_none() {
        return Err(PageError(AppError::State(msg::NO_ENTRUSTED_GUARDIAN)));
    }
    Ok(rec)
}

pub(super) async fn care_form(State(state): State<AppState>, user: CurrentUser, IdPath(id): IdPath) -> PageResult {
    let rec = file_for_form(&state, &user, id).await?;
    let g = rec.file.entrusted_guardian.clone().unwrap_or_default();
    let director = user.principal.display_name.clone();
    Ok(render(&form_page(&user, &rec, rec.version, fields_of(&g, &director), Refusal::default())))
}

/// Reads the form: a date that is no date, or an answer not on the list, is refused by its
/// field; the rest is the store's to check.
fn read_care(pairs: &FormPairs, errs: &mut FieldErrors) -> (Option<chrono::NaiveDate>, EntrustedCare) {
    let text = |n: &str| form::non_empty(pairs.get(n));
    let mut finding = |n: &str| match pairs.get(n).unwrap_or("") {
        "yes" => Some(true),
        "no" => Some(false),
        "" => None,
        _ => {
            errs.add(n, msg::UNKNOWN_OPTION);
            None
        }
    };
    let past_offences = finding("past_offences");
    let vices = finding("vices");
    let neglected_duties = finding("neglected_duties");
    let otherwise_unsuitable = finding("otherwise_unsuitable");
    let care = EntrustedCare {
        school_notice_on: form::date_field(pairs, "school_notice_on", false, errs),
        school_notice_received_by: text("school_notice_received_by"),
        village_notice_on: form::date_field(pairs, "village_notice_on", false, errs),
        village_notice_received_by: text("village_notice_received_by"),
        signed_by_parents: pairs.get("signed_by_parents").is_some(),
        signed_by_carer: pairs.get("signed_by_carer").is_some(),
        guided_by: text("guided_by"),
        past_offences,
        past_offences_evidence: text("past_offences_evidence"),
        vices,
        vices_evidence: text("vices_evidence"),
        neglected_duties,
        neglected_duties_evidence: text("neglected_duties_evidence"),
        otherwise_unsuitable,
        otherwise_unsuitable_evidence: text("otherwise_unsuitable_evidence"),
    };
    (form::date_field(pairs, "confirmed_on", false, errs), care)
}

pub(super) async fn save_care(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    pairs: FormPairs,
) -> PageResult {
    user.check_csrf(pairs.get("csrf"))?;
    let rec = file_for_form(&state, &user, id).await?;
    let version = form::version(&pairs);
    let mut errs = FieldErrors::default();
    let (confirmed_on, care) = read_care(&pairs, &mut errs);
    let sent = FormPairs(pairs.0.clone());
    let result = if errs.is_empty() {
        let p = user.principal.clone();
        state.run(move |s| s.record_entrusted_care(&p, id, version, confirmed_on, care, "web")).await.map(|_| ())
    } else {
        Err(AppError::Invalid(errs))
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/children/{id}?saved=1#entrusted-care")).into_response()),
        Err(e @ (AppError::NotFound | AppError::Forbidden)) => Err(PageError(e)),
        Err(e) => {
            let (kept, status) = Kept::new("", pairs).refused(e, msg::STALE_VERSION)?;
            let refusal = kept.refusal(|_, field| (care_label(short(field)), format!("f-{}", short(field))));
            let fields = fields_sent(&sent, &kept.errs);
            refused_page(&form_page(&user, &rec, version, fields, refusal), status)
        }
    }
}
