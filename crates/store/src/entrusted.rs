//! Entrusted care (委托监护) and the parents' contacts with the child ([UPL] 22–23, [M19]).
//!
//! The entrusted-care facts live in the child's file, beside the carer they concern
//! (decision 110): they are written here, through the file's own write, so they have its
//! version, history, audit and scope. The parents' contacts are a log of their own
//! (`parents_contacts`, registry migration 0013), appended to and never changed; the date of
//! the last one is kept on the file's row (`children.parents_contact_on`) so that the ledger
//! filters the lapse against today without reading the log (decision 112).

use crate::audit::{self, Action};
use crate::children::Source;
use crate::db::{Conn, Row};
use crate::error::StoreError;
use crate::users::Principal;
use crate::{Actor, Store};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use shouhu_domain::child::{ChildRecord, EntrustedCare, FileStatus};
use shouhu_domain::codes::Category;
use shouhu_domain::entrusted::{self, ContactChannel, ContactWho};
use shouhu_domain::error::FieldErrors;
use shouhu_domain::msg;

/// One recorded contact of the parents with the child.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ParentsContact {
    pub id: i64,
    pub child_id: i64,
    pub contact_on: NaiveDate,
    pub channel: ContactChannel,
    pub who: ContactWho,
    /// Where it was recorded: `web`, `api`, or `visit:ID` when a visit recorded the last
    /// contact the family told of.
    pub source: String,
    /// Who recorded it (the director or the township's staff).
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// A child's contact log, newest contact first, with the lapse at today ([UPL] 23).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ContactLog {
    pub child_id: i64,
    /// The last contact recorded; null when none is.
    pub last_contact_on: Option<NaiveDate>,
    /// The child is left-behind and the last contact recorded is more than 7 days before today.
    pub lapsed: bool,
    pub contacts: Vec<ParentsContact>,
}

/// A contact to record. Every field is required; a missing one is refused by its name.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct NewContact {
    /// The day of the contact: not after today, not before the child's birth.
    #[serde(with = "shouhu_domain::iso_date")]
    pub contact_on: Option<NaiveDate>,
    pub channel: Option<ContactChannel>,
    pub who: Option<ContactWho>,
}

const CONTACT_COLUMNS: &str = "id, child_id, contact_on, channel, who, source, user_name, recorded_at";

fn contact_row(r: &dyn Row) -> Result<ParentsContact, StoreError> {
    Ok(ParentsContact {
        id: r.i64(0)?,
        child_id: r.i64(1)?,
        contact_on: r.opt_date(2)?.unwrap_or_default(),
        channel: ContactChannel::parse(&r.text(3)?).unwrap_or(ContactChannel::Other),
        who: ContactWho::parse(&r.text(4)?).unwrap_or(ContactWho::Both),
        source: r.text(5)?,
        recorded_by: r.text(6)?,
        recorded_at: r.ts(7)?,
    })
}

impl Store {
    /// Records the entrusted care of a child's carer: the confirmation's date, the written
    /// notices, the signatures and who guided them, and the carer's suitability ([UPL] 22–23,
    /// [M19]). Everything else of the file stays as stored. `expected_version` is the file's
    /// version the user started from (409 `stale` otherwise). Outside the caller's scope: not
    /// found; a role that may not record entrusted care: forbidden; a file without a carer:
    /// refused on `entrusted_guardian`; a wrong fact: refused by its field. Nothing is written
    /// unless everything is right; the change goes into the file's history and the audit log.
    pub fn record_entrusted_care(
        &self,
        p: &Principal,
        id: i64,
        expected_version: i64,
        confirmed_on: Option<NaiveDate>,
        care: EntrustedCare,
        source: Source<'_>,
    ) -> Result<ChildRecord, StoreError> {
        let actor = &p.actor();
        let now = self.now();
        let rec = self.pool.write(|c| {
            let current = self.load(c, &actor.scope, id)?;
            if !entrusted::may_record_entrusted_care(actor.role) {
                return Err(StoreError::Forbidden);
            }
            if current.version != expected_version {
                return Err(StoreError::Stale { current: current.version });
            }
            if matches!(current.status, FileStatus::Closed { .. }) {
                return Err(StoreError::State(msg::ALREADY_CLOSED));
            }
            let mut file = current.file.clone();
            let Some(g) = file.entrusted_guardian.as_mut() else {
                return Err(StoreError::invalid("entrusted_guardian", msg::NO_ENTRUSTED_GUARDIAN));
            };
            g.confirmed_on = confirmed_on;
            g.care = care;
            let file = self.check_file(c, actor, file)?;
            let Some(changes) = self.write_update(c, now, actor, &current, &file, source)? else {
                return Ok(current);
            };
            audit::record(
                c,
                &self.audit_key,
                now,
                actor,
                Action::RecordEntrustedCare,
                Some((id, &current.district_code)),
                &format!("{source}: {changes} fields"),
            )?;
            self.load(c, &actor.scope, id)
        })?;
        Ok(Self::for_reader(rec, p.role))
    }

    /// Records a parents' contact from the form or the API: every field required, each
    /// refusal naming its field; then [`Store::record_contact`] in a transaction of its own.
    pub fn record_parents_contact(
        &self,
        p: &Principal,
        child_id: i64,
        new: NewContact,
        source: Source<'_>,
    ) -> Result<ParentsContact, StoreError> {
        let mut errs = FieldErrors::default();
        if new.contact_on.is_none() {
            errs.add("contact_on", msg::REQUIRED);
        }
        if new.channel.is_none() {
            errs.add("channel", msg::REQUIRED);
        }
        if new.who.is_none() {
            errs.add("who", msg::REQUIRED);
        }
        let (Some(on), Some(channel), Some(who)) = (new.contact_on, new.channel, new.who) else {
            return Err(StoreError::Invalid(errs));
        };
        self.pool.write(|c| self.record_contact(c, p, child_id, on, channel, who, source))
    }

    /// Records a parents' contact inside the caller's transaction: the hook another workflow
    /// (a visit that records the last contact as the family told it, `source` `visit:ID`)
    /// calls with its own transaction, so the contact and its record commit together.
    ///
    /// The child must be inside `p`'s scope (else not found), `p` a role that records
    /// entrusted care (else forbidden), the file open, and the date neither after today nor
    /// before the child's birth (else refused on `contact_on`). The contact is appended to
    /// the log, the file's last contact moves to it if it is later, and the audit log gets
    /// an entry. The file's version does not change: a contact is not a change of the file.
    #[allow(clippy::too_many_arguments)]
    pub fn record_contact(
        &self,
        c: &mut Conn<'_, '_>,
        p: &Principal,
        child_id: i64,
        date: NaiveDate,
        channel: ContactChannel,
        who: ContactWho,
        source: Source<'_>,
    ) -> Result<ParentsContact, StoreError> {
        if !entrusted::may_record_entrusted_care(p.role) {
            // Looked up first, so that a child outside the scope is not found rather than forbidden.
            self.load(c, &p.scope(), child_id)?;
            return Err(StoreError::Forbidden);
        }
        if !entrusted::who_may_be_recorded(who) {
            return Err(StoreError::invalid("who", shouhu_domain::msg::unknown_option_among(&recordable_whos())));
        }
        self.append_contact(c, p, child_id, date, channel, who, source)
    }

    /// Appends a contact to the log for a caller whose own workflow gives the right to record
    /// it: [`Store::record_contact`] after its role check, and a visit, whose recorder
    /// ([`shouhu_domain::visit::may_record_visit`]) writes down what the family told.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn append_contact(
        &self,
        c: &mut Conn<'_, '_>,
        p: &Principal,
        child_id: i64,
        date: NaiveDate,
        channel: ContactChannel,
        who: ContactWho,
        source: Source<'_>,
    ) -> Result<ParentsContact, StoreError> {
        let actor = &p.actor();
        let now = self.now();
        let rec = self.load(c, &actor.scope, child_id)?;
        if matches!(rec.status, FileStatus::Closed { .. }) {
            return Err(StoreError::State(msg::ALREADY_CLOSED));
        }
        entrusted::check_contact_date(Some(date), rec.file.birth_date, self.today()).map_err(StoreError::Invalid)?;
        let id = c
            .query_opt(
                "INSERT INTO parents_contacts (district_code, child_id, contact_on, channel, who, source, user_id, user_name, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                &[
                    rec.district_code.as_str().into(),
                    child_id.into(),
                    date.into(),
                    channel.code().into(),
                    who.code().into(),
                    source.into(),
                    actor.user_id.into(),
                    actor.user_name.as_str().into(),
                    now.into(),
                ],
                |r| r.i64(0),
            )?
            .ok_or_else(|| StoreError::Backend("parents contact: no id".into()))?;
        c.exec(
            "UPDATE children SET parents_contact_on = $1 WHERE id = $2 \
             AND (parents_contact_on IS NULL OR parents_contact_on < $1)",
            &[date.into(), child_id.into()],
        )?;
        audit::record(
            c,
            &self.audit_key,
            now,
            actor,
            Action::RecordParentsContact,
            Some((child_id, &rec.district_code)),
            &format!("{source}: {date} {} {}", channel.label(), who.label()),
        )?;
        Ok(ParentsContact {
            id,
            child_id,
            contact_on: date,
            channel,
            who,
            source: source.to_string(),
            recorded_by: actor.user_name.clone(),
            recorded_at: now,
        })
    }

    /// A child's contact log, its view recorded in the audit log (the API).
    pub fn parents_contacts(&self, p: &Principal, child_id: i64) -> Result<ContactLog, StoreError> {
        let actor = p.actor();
        let (log, district) = self.pool.read(|c| self.contact_log_in(c, &actor, child_id))?;
        self.audit_as(&actor, Action::ViewChild, Some((child_id, &district)), "父母联系记录")?;
        Ok(log)
    }

    /// A child's contact log, not audited: for the file's page, whose view
    /// ([`Store::view_child`]) is.
    pub fn contact_log(&self, p: &Principal, child_id: i64) -> Result<ContactLog, StoreError> {
        let actor = p.actor();
        Ok(self.pool.read(|c| self.contact_log_in(c, &actor, child_id))?.0)
    }

    fn contact_log_in(
        &self,
        c: &mut Conn<'_, '_>,
        actor: &Actor,
        child_id: i64,
    ) -> Result<(ContactLog, String), StoreError> {
        let rec = self.load(c, &actor.scope, child_id)?;
        let contacts = c.query(
            &format!(
                "SELECT {CONTACT_COLUMNS} FROM parents_contacts WHERE child_id = $1 ORDER BY contact_on DESC, id DESC"
            ),
            &[child_id.into()],
            contact_row,
        )?;
        let last = contacts.first().map(|k| k.contact_on);
        let log = ContactLog {
            child_id,
            last_contact_on: last,
            lapsed: entrusted::parents_contact_lapsed(rec.derived.category, last, self.today()),
            contacts,
        };
        Ok((log, rec.district_code))
    }
}

/// The daily recompute's hook: makes the file's last contact agree with its log again
/// (idempotent; the log is the truth) and says whether the parents' contact has lapsed
/// at `today` ([UPL] 23). A system job's call, not a user's: no scope, no audit entry.
/// The ledger and the file decide the lapse against the date they are read on, so
/// nothing goes stale between two runs; the job uses the answer to count or notify.
pub fn refresh_contact_flag(c: &mut Conn<'_, '_>, child_id: i64, today: NaiveDate) -> Result<bool, StoreError> {
    c.exec(
        "UPDATE children SET parents_contact_on = \
         (SELECT max(k.contact_on) FROM parents_contacts k WHERE k.child_id = $1) WHERE id = $1",
        &[child_id.into()],
    )?;
    let row =
        c.query_opt("SELECT category, parents_contact_on FROM children WHERE id = $1", &[child_id.into()], |r| {
            Ok((r.text(0)?, r.opt_date(1)?))
        })?;
    let Some((category, last)) = row else {
        return Err(StoreError::NotFound);
    };
    let category = Category::parse(&category).unwrap_or(Category::NotLeftBehind);
    Ok(entrusted::parents_contact_lapsed(category, last, today))
}

impl Store {
    /// Appends contacts in one transaction, with one audit entry: a bulk path for demo and
    /// synthetic data, written by `actor` (the system's stamp), unchecked. Each file's last
    /// contact moves to the latest of its own and the new ones.
    pub fn seed_contacts(
        &self,
        actor: &Actor,
        contacts: &[(i64, NaiveDate, ContactChannel, ContactWho)],
        source: Source<'_>,
    ) -> Result<usize, StoreError> {
        let now = self.now();
        self.pool.write(|c| {
            for (child_id, date, channel, who) in contacts {
                c.exec(
                    "INSERT INTO parents_contacts (district_code, child_id, contact_on, channel, who, source, user_id, user_name, recorded_at) \
                     SELECT district_code, id, $1, $2, $3, $4, $5, $6, $7 FROM children WHERE id = $8",
                    &[
                        (*date).into(),
                        channel.code().into(),
                        who.code().into(),
                        source.into(),
                        actor.user_id.into(),
                        actor.user_name.as_str().into(),
                        now.into(),
                        (*child_id).into(),
                    ],
                )?;
                c.exec(
                    "UPDATE children SET parents_contact_on = $1 WHERE id = $2 \
                     AND (parents_contact_on IS NULL OR parents_contact_on < $1)",
                    &[(*date).into(), (*child_id).into()],
                )?;
            }
            audit::record(
                c,
                &self.audit_key,
                now,
                actor,
                Action::RecordParentsContact,
                None,
                &format!("{source}: {} contacts", contacts.len()),
            )?;
            Ok(contacts.len())
        })
    }
}

/// The labels of the parents a contact recorded on its own may name.
pub fn recordable_whos() -> Vec<&'static str> {
    ContactWho::ALL.iter().filter(|w| entrusted::who_may_be_recorded(**w)).map(|w| w.label()).collect()
}
