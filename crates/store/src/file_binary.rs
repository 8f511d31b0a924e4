//! A child's file in shouhu's own compact binary form, as the registry keeps it (decisions 51, 204).
//!
//! The form is a list of the fields that differ from their defaults, each as its field
//! number and its value. It is about as small as the file's JSON compressed with zstd, and
//! writing or reading it takes a small fraction of the time, which a census import of a
//! million files and every read of a file spend.
//!
//! Field numbers are forever. A new field takes a new number, and a removed field's number
//! is never used again, so that every stored file reads back. Reading starts from the
//! default file, as the JSON form does (`#[serde(default)]`), but for the yes/no/unknown
//! fields (see below); a number this build does not know is an error, as an unknown JSON
//! key is (`deny_unknown_fields`).
//!
//! Values by kind:
//! - text: its length in bytes (a varint), then its UTF-8;
//! - yes/no: one byte, 0 or 1;
//! - yes/no/unknown (已登记户口, 农村户籍): left out for 否, one byte 1 for 是, 2 for not
//!   filled in. They were yes/no fields, written only when 是, until unknown was told apart:
//!   every file stored then reads as it was, an absent field as 否 (see [`base`]);
//! - date: days from 0001-01-01 (chrono's `num_days_from_ce`), a zigzag varint;
//! - number: a zigzag varint;
//! - a code list's entry: its place in the list (`CodeList::all`, from 0), a varint, which
//!   makes the lists' order part of the form: entries are only ever added at the end (a
//!   test holds every stored list's order);
//! - a list of entries: their count, then each entry's place;
//! - a finding (yes, no or not found out, the carer's suitability): left out while not found
//!   out, else one byte, 0 or 1;
//! - a parent, grandparent or entrusted guardian, or the guardian's entrusted-care facts: its
//!   length (a varint), then its own fields, numbered apart.

use crate::error::StoreError;
use chrono::{Datelike, NaiveDate};
use shouhu_domain::child::{ChildFile, EntrustedCare, EntrustedGuardian, Grandparent, Parent};
use shouhu_domain::codes::CodeList;

/// The child's own fields.
mod child {
    pub const NAME: u8 = 1;
    pub const SEX: u8 = 2;
    pub const ETHNICITY: u8 = 3;
    pub const BIRTH_DATE: u8 = 4;
    pub const ID_NUMBER: u8 = 5;
    pub const HUKOU_REGISTERED: u8 = 6;
    pub const HUKOU_PLACE: u8 = 7;
    pub const RURAL_HUKOU: u8 = 8;
    pub const ADDRESS: u8 = 9;
    pub const VILLAGE_CODE: u8 = 10;
    pub const HEALTH: u8 = 11;
    pub const DISABILITY_CATEGORY: u8 = 12;
    pub const DISABILITY_GRADE: u8 = 13;
    pub const ILLNESS: u8 = 14;
    pub const BOARDING: u8 = 15;
    pub const SCHOOLING: u8 = 16;
    pub const SCHOOL_NAME: u8 = 17;
    pub const SCHOOL_ORG_ID: u8 = 18;
    pub const FATHER: u8 = 19;
    pub const MOTHER: u8 = 20;
    pub const PATERNAL_GRANDFATHER: u8 = 21;
    pub const PATERNAL_GRANDMOTHER: u8 = 22;
    pub const MATERNAL_GRANDFATHER: u8 = 23;
    pub const MATERNAL_GRANDMOTHER: u8 = 24;
    pub const ENTRUSTED_GUARDIAN: u8 = 25;
    pub const GUARDIANSHIP_TYPE: u8 = 26;
    pub const LIVES_ALONE: u8 = 27;
    pub const UNATTENDED: u8 = 28;
    pub const INCOME_SOURCES: u8 = 29;
    pub const ASSISTANCE: u8 = 30;
    pub const NOTES: u8 = 31;
}

/// A parent's fields; a grandparent uses the first two.
mod parent {
    pub const NAME: u8 = 1;
    pub const BIRTH_DATE: u8 = 2;
    pub const ID_NUMBER: u8 = 3;
    pub const WORK_PROVINCE: u8 = 4;
    pub const WORK_PREFECTURE: u8 = 5;
    pub const PHONE: u8 = 6;
    pub const AWAY_FOR_WORK: u8 = 7;
    pub const CAPABLE: u8 = 8;
}

/// The entrusted guardian's fields.
mod guardian {
    pub const NAME: u8 = 1;
    pub const ID_NUMBER: u8 = 2;
    pub const PHONE: u8 = 3;
    pub const RELATION: u8 = 4;
    pub const ADDRESS: u8 = 5;
    pub const CONFIRMED_ON: u8 = 6;
    pub const DISQUALIFIED: u8 = 7;
    pub const CARE: u8 = 8;
}

/// The entrusted-care facts' fields (decision 110), inside the guardian's `CARE`.
mod care {
    pub const SCHOOL_NOTICE_ON: u8 = 1;
    pub const SCHOOL_NOTICE_RECEIVED_BY: u8 = 2;
    pub const VILLAGE_NOTICE_ON: u8 = 3;
    pub const VILLAGE_NOTICE_RECEIVED_BY: u8 = 4;
    pub const SIGNED_BY_PARENTS: u8 = 5;
    pub const SIGNED_BY_CARER: u8 = 6;
    pub const GUIDED_BY: u8 = 7;
    pub const PAST_OFFENCES: u8 = 8;
    pub const PAST_OFFENCES_EVIDENCE: u8 = 9;
    pub const VICES: u8 = 10;
    pub const VICES_EVIDENCE: u8 = 11;
    pub const NEGLECTED_DUTIES: u8 = 12;
    pub const NEGLECTED_DUTIES_EVIDENCE: u8 = 13;
    pub const OTHERWISE_UNSUITABLE: u8 = 14;
    pub const OTHERWISE_UNSUITABLE_EVIDENCE: u8 = 15;
}

/// What an empty binary form stands for: the default file, except that the yes/no/unknown
/// fields are 否, which files written before they could be unknown leave out.
fn base() -> ChildFile {
    ChildFile { hukou_registered: Some(false), rural_hukou: Some(false), ..ChildFile::default() }
}

/// A yes/no/unknown field's byte for 是; 否 is left out.
const YES: u8 = 1;
/// A yes/no/unknown field's byte for not filled in.
const NOT_FILLED_IN: u8 = 2;

/// Appends `file`'s binary form to `out`.
pub fn write(file: &ChildFile, out: &mut Vec<u8>) {
    // Named in full, without `..`, so that a new field does not compile until it is written.
    let ChildFile {
        name,
        sex,
        ethnicity,
        birth_date,
        id_number,
        hukou_registered,
        hukou_place,
        rural_hukou,
        address,
        village_code,
        health,
        disability_category,
        disability_grade,
        illness,
        boarding,
        schooling,
        school_name,
        school_org_id,
        father,
        mother,
        paternal_grandfather,
        paternal_grandmother,
        maternal_grandfather,
        maternal_grandmother,
        entrusted_guardian,
        guardianship_type,
        lives_alone,
        unattended,
        income_sources,
        assistance,
        notes,
    } = file;
    let w = &mut Writer(out);
    w.text(child::NAME, name);
    w.code(child::SEX, *sex);
    w.text(child::ETHNICITY, ethnicity);
    w.date(child::BIRTH_DATE, *birth_date);
    w.opt_text(child::ID_NUMBER, id_number);
    w.maybe(child::HUKOU_REGISTERED, *hukou_registered);
    w.opt_text(child::HUKOU_PLACE, hukou_place);
    w.maybe(child::RURAL_HUKOU, *rural_hukou);
    w.text(child::ADDRESS, address);
    w.text(child::VILLAGE_CODE, village_code);
    w.code(child::HEALTH, *health);
    w.opt_text(child::DISABILITY_CATEGORY, disability_category);
    w.opt_text(child::DISABILITY_GRADE, disability_grade);
    w.opt_text(child::ILLNESS, illness);
    w.flag(child::BOARDING, *boarding, false);
    w.code(child::SCHOOLING, *schooling);
    w.opt_text(child::SCHOOL_NAME, school_name);
    if let Some(id) = school_org_id {
        w.number(child::SCHOOL_ORG_ID, *id);
    }
    w.nested(child::FATHER, false, |w| w.parent(father));
    w.nested(child::MOTHER, false, |w| w.parent(mother));
    w.nested(child::PATERNAL_GRANDFATHER, false, |w| w.grandparent(paternal_grandfather));
    w.nested(child::PATERNAL_GRANDMOTHER, false, |w| w.grandparent(paternal_grandmother));
    w.nested(child::MATERNAL_GRANDFATHER, false, |w| w.grandparent(maternal_grandfather));
    w.nested(child::MATERNAL_GRANDMOTHER, false, |w| w.grandparent(maternal_grandmother));
    if let Some(g) = entrusted_guardian {
        // Written even when empty: an empty guardian is not the same as none.
        w.nested(child::ENTRUSTED_GUARDIAN, true, |w| w.guardian(g));
    }
    w.code(child::GUARDIANSHIP_TYPE, *guardianship_type);
    w.flag(child::LIVES_ALONE, *lives_alone, false);
    w.flag(child::UNATTENDED, *unattended, false);
    w.codes(child::INCOME_SOURCES, income_sources);
    w.codes(child::ASSISTANCE, assistance);
    w.opt_text(child::NOTES, notes);
}

/// Reads a file written by [`write`].
pub fn read(bytes: &[u8]) -> Result<ChildFile, StoreError> {
    let mut f = base();
    let mut r = Reader { bytes, at: 0 };
    while let Some(n) = r.field() {
        match n {
            child::NAME => f.name = r.text()?,
            child::SEX => f.sex = Some(r.code()?),
            child::ETHNICITY => f.ethnicity = r.text()?,
            child::BIRTH_DATE => f.birth_date = Some(r.date()?),
            child::ID_NUMBER => f.id_number = Some(r.text()?),
            child::HUKOU_REGISTERED => f.hukou_registered = r.maybe()?,
            child::HUKOU_PLACE => f.hukou_place = Some(r.text()?),
            child::RURAL_HUKOU => f.rural_hukou = r.maybe()?,
            child::ADDRESS => f.address = r.text()?,
            child::VILLAGE_CODE => f.village_code = r.text()?,
            child::HEALTH => f.health = Some(r.code()?),
            child::DISABILITY_CATEGORY => f.disability_category = Some(r.text()?),
            child::DISABILITY_GRADE => f.disability_grade = Some(r.text()?),
            child::ILLNESS => f.illness = Some(r.text()?),
            child::BOARDING => f.boarding = r.flag()?,
            child::SCHOOLING => f.schooling = Some(r.code()?),
            child::SCHOOL_NAME => f.school_name = Some(r.text()?),
            child::SCHOOL_ORG_ID => f.school_org_id = Some(r.number()?),
            child::FATHER => f.father = read_parent(r.nested()?)?,
            child::MOTHER => f.mother = read_parent(r.nested()?)?,
            child::PATERNAL_GRANDFATHER => f.paternal_grandfather = read_grandparent(r.nested()?)?,
            child::PATERNAL_GRANDMOTHER => f.paternal_grandmother = read_grandparent(r.nested()?)?,
            child::MATERNAL_GRANDFATHER => f.maternal_grandfather = read_grandparent(r.nested()?)?,
            child::MATERNAL_GRANDMOTHER => f.maternal_grandmother = read_grandparent(r.nested()?)?,
            child::ENTRUSTED_GUARDIAN => f.entrusted_guardian = Some(read_guardian(r.nested()?)?),
            child::GUARDIANSHIP_TYPE => f.guardianship_type = Some(r.code()?),
            child::LIVES_ALONE => f.lives_alone = r.flag()?,
            child::UNATTENDED => f.unattended = r.flag()?,
            child::INCOME_SOURCES => f.income_sources = r.codes()?,
            child::ASSISTANCE => f.assistance = r.codes()?,
            child::NOTES => f.notes = Some(r.text()?),
            _ => return Err(r.unknown(n)),
        }
    }
    Ok(f)
}

fn read_parent(mut r: Reader) -> Result<Parent, StoreError> {
    let mut p = Parent::default();
    while let Some(n) = r.field() {
        match n {
            parent::NAME => p.name = r.text()?,
            parent::BIRTH_DATE => p.birth_date = Some(r.date()?),
            parent::ID_NUMBER => p.id_number = Some(r.text()?),
            parent::WORK_PROVINCE => p.work_province = Some(r.text()?),
            parent::WORK_PREFECTURE => p.work_prefecture = Some(r.text()?),
            parent::PHONE => p.phone = Some(r.text()?),
            parent::AWAY_FOR_WORK => p.away_for_work = r.flag()?,
            parent::CAPABLE => p.capable = r.flag()?,
            _ => return Err(r.unknown(n)),
        }
    }
    Ok(p)
}

fn read_grandparent(mut r: Reader) -> Result<Grandparent, StoreError> {
    let mut g = Grandparent::default();
    while let Some(n) = r.field() {
        match n {
            parent::NAME => g.name = r.text()?,
            parent::BIRTH_DATE => g.birth_date = Some(r.date()?),
            _ => return Err(r.unknown(n)),
        }
    }
    Ok(g)
}

fn read_guardian(mut r: Reader) -> Result<EntrustedGuardian, StoreError> {
    let mut g = EntrustedGuardian::default();
    while let Some(n) = r.field() {
        match n {
            guardian::NAME => g.name = r.text()?,
            guardian::ID_NUMBER => g.id_number = Some(r.text()?),
            guardian::PHONE => g.phone = Some(r.text()?),
            guardian::RELATION => g.relation = Some(r.code()?),
            guardian::ADDRESS => g.address = Some(r.text()?),
            guardian::CONFIRMED_ON => g.confirmed_on = Some(r.date()?),
            guardian::DISQUALIFIED => g.disqualified = r.flag()?,
            guardian::CARE => g.care = read_care(r.nested()?)?,
            _ => return Err(r.unknown(n)),
        }
    }
    Ok(g)
}

fn read_care(mut r: Reader) -> Result<EntrustedCare, StoreError> {
    let mut c = EntrustedCare::default();
    while let Some(n) = r.field() {
        match n {
            care::SCHOOL_NOTICE_ON => c.school_notice_on = Some(r.date()?),
            care::SCHOOL_NOTICE_RECEIVED_BY => c.school_notice_received_by = Some(r.text()?),
            care::VILLAGE_NOTICE_ON => c.village_notice_on = Some(r.date()?),
            care::VILLAGE_NOTICE_RECEIVED_BY => c.village_notice_received_by = Some(r.text()?),
            care::SIGNED_BY_PARENTS => c.signed_by_parents = r.flag()?,
            care::SIGNED_BY_CARER => c.signed_by_carer = r.flag()?,
            care::GUIDED_BY => c.guided_by = Some(r.text()?),
            care::PAST_OFFENCES => c.past_offences = Some(r.flag()?),
            care::PAST_OFFENCES_EVIDENCE => c.past_offences_evidence = Some(r.text()?),
            care::VICES => c.vices = Some(r.flag()?),
            care::VICES_EVIDENCE => c.vices_evidence = Some(r.text()?),
            care::NEGLECTED_DUTIES => c.neglected_duties = Some(r.flag()?),
            care::NEGLECTED_DUTIES_EVIDENCE => c.neglected_duties_evidence = Some(r.text()?),
            care::OTHERWISE_UNSUITABLE => c.otherwise_unsuitable = Some(r.flag()?),
            care::OTHERWISE_UNSUITABLE_EVIDENCE => c.otherwise_unsuitable_evidence = Some(r.text()?),
            _ => return Err(r.unknown(n)),
        }
    }
    Ok(c)
}

struct Writer<'a>(&'a mut Vec<u8>);

impl Writer<'_> {
    fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push(v as u8 | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }

    fn bytes(&mut self, b: &[u8]) {
        self.varint(b.len() as u64);
        self.0.extend_from_slice(b);
    }

    /// A text field, left out when empty (its default).
    fn text(&mut self, n: u8, s: &str) {
        if !s.is_empty() {
            self.0.push(n);
            self.bytes(s.as_bytes());
        }
    }

    /// An optional text, written when present even if empty: `Some("")` is not `None`.
    fn opt_text(&mut self, n: u8, s: &Option<String>) {
        if let Some(s) = s {
            self.0.push(n);
            self.bytes(s.as_bytes());
        }
    }

    fn flag(&mut self, n: u8, v: bool, default: bool) {
        if v != default {
            self.0.extend_from_slice(&[n, v as u8]);
        }
    }

    /// A yes/no/unknown field: left out for 否, as it always was (see [`base`]).
    fn maybe(&mut self, n: u8, v: Option<bool>) {
        match v {
            Some(false) => {}
            Some(true) => self.0.extend_from_slice(&[n, YES]),
            None => self.0.extend_from_slice(&[n, NOT_FILLED_IN]),
        }
    }

    fn number(&mut self, n: u8, v: i64) {
        self.0.push(n);
        self.varint(((v << 1) ^ (v >> 63)) as u64);
    }

    fn date(&mut self, n: u8, d: Option<NaiveDate>) {
        if let Some(d) = d {
            self.number(n, i64::from(d.num_days_from_ce()));
        }
    }

    fn place<C: CodeList + PartialEq>(&mut self, c: C) {
        let place = C::all().iter().position(|x| *x == c).unwrap_or_default();
        self.varint(place as u64);
    }

    fn code<C: CodeList + PartialEq>(&mut self, n: u8, c: Option<C>) {
        if let Some(c) = c {
            self.0.push(n);
            self.place(c);
        }
    }

    fn codes<C: CodeList + PartialEq>(&mut self, n: u8, cs: &[C]) {
        if !cs.is_empty() {
            self.0.push(n);
            self.varint(cs.len() as u64);
            for &c in cs {
                self.place(c);
            }
        }
    }

    /// A nested part: its fields written by `fields`, after their length. Left out when it
    /// has no field unless `always`.
    fn nested(&mut self, n: u8, always: bool, fields: impl FnOnce(&mut Self)) {
        let start = self.0.len();
        self.0.push(n);
        // Room for a one-byte length, which nearly every part needs; a longer one is moved in.
        self.0.push(0);
        fields(self);
        let len = self.0.len() - start - 2;
        if len == 0 && !always {
            self.0.truncate(start);
        } else if len < 0x80 {
            self.0[start + 1] = len as u8;
        } else {
            let mut prefix = Vec::with_capacity(4);
            Writer(&mut prefix).varint(len as u64);
            self.0.splice(start + 1..start + 2, prefix);
        }
    }

    fn parent(&mut self, p: &Parent) {
        let Parent { name, birth_date, id_number, work_province, work_prefecture, phone, away_for_work, capable } = p;
        self.text(parent::NAME, name);
        self.date(parent::BIRTH_DATE, *birth_date);
        self.opt_text(parent::ID_NUMBER, id_number);
        self.opt_text(parent::WORK_PROVINCE, work_province);
        self.opt_text(parent::WORK_PREFECTURE, work_prefecture);
        self.opt_text(parent::PHONE, phone);
        self.flag(parent::AWAY_FOR_WORK, *away_for_work, false);
        self.flag(parent::CAPABLE, *capable, true);
    }

    fn grandparent(&mut self, g: &Grandparent) {
        let Grandparent { name, birth_date } = g;
        self.text(parent::NAME, name);
        self.date(parent::BIRTH_DATE, *birth_date);
    }

    /// A finding: left out while not found out, else 0 or 1.
    fn finding(&mut self, n: u8, v: Option<bool>) {
        if let Some(v) = v {
            self.0.extend_from_slice(&[n, v as u8]);
        }
    }

    fn care(&mut self, c: &EntrustedCare) {
        let EntrustedCare {
            school_notice_on,
            school_notice_received_by,
            village_notice_on,
            village_notice_received_by,
            signed_by_parents,
            signed_by_carer,
            guided_by,
            past_offences,
            past_offences_evidence,
            vices,
            vices_evidence,
            neglected_duties,
            neglected_duties_evidence,
            otherwise_unsuitable,
            otherwise_unsuitable_evidence,
        } = c;
        self.date(care::SCHOOL_NOTICE_ON, *school_notice_on);
        self.opt_text(care::SCHOOL_NOTICE_RECEIVED_BY, school_notice_received_by);
        self.date(care::VILLAGE_NOTICE_ON, *village_notice_on);
        self.opt_text(care::VILLAGE_NOTICE_RECEIVED_BY, village_notice_received_by);
        self.flag(care::SIGNED_BY_PARENTS, *signed_by_parents, false);
        self.flag(care::SIGNED_BY_CARER, *signed_by_carer, false);
        self.opt_text(care::GUIDED_BY, guided_by);
        self.finding(care::PAST_OFFENCES, *past_offences);
        self.opt_text(care::PAST_OFFENCES_EVIDENCE, past_offences_evidence);
        self.finding(care::VICES, *vices);
        self.opt_text(care::VICES_EVIDENCE, vices_evidence);
        self.finding(care::NEGLECTED_DUTIES, *neglected_duties);
        self.opt_text(care::NEGLECTED_DUTIES_EVIDENCE, neglected_duties_evidence);
        self.finding(care::OTHERWISE_UNSUITABLE, *otherwise_unsuitable);
        self.opt_text(care::OTHERWISE_UNSUITABLE_EVIDENCE, otherwise_unsuitable_evidence);
    }

    fn guardian(&mut self, g: &EntrustedGuardian) {
        let EntrustedGuardian { name, id_number, phone, relation, address, confirmed_on, disqualified, care } = g;
        self.text(guardian::NAME, name);
        self.opt_text(guardian::ID_NUMBER, id_number);
        self.opt_text(guardian::PHONE, phone);
        self.code(guardian::RELATION, *relation);
        self.opt_text(guardian::ADDRESS, address);
        self.date(guardian::CONFIRMED_ON, *confirmed_on);
        self.flag(guardian::DISQUALIFIED, *disqualified, false);
        // Left out when every fact is at its default, as files written before it were.
        self.nested(guardian::CARE, false, |w| w.care(care));
    }
}

/// Reads one part's fields; each error says what was wrong and where.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn error(&self, what: &str) -> StoreError {
        StoreError::Backend(format!("child file data: {what} at byte {}", self.at))
    }

    fn unknown(&self, n: u8) -> StoreError {
        self.error(&format!("unknown field {n}"))
    }

    /// The next field's number, or `None` at the end.
    fn field(&mut self) -> Option<u8> {
        let n = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(n)
    }

    fn byte(&mut self) -> Result<u8, StoreError> {
        let b = *self.bytes.get(self.at).ok_or_else(|| self.error("cut short"))?;
        self.at += 1;
        Ok(b)
    }

    fn varint(&mut self) -> Result<u64, StoreError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err(self.error("number too long"))
    }

    fn slice(&mut self) -> Result<&'a [u8], StoreError> {
        let len = self.varint()?;
        let end = usize::try_from(len)
            .ok()
            .and_then(|len| self.at.checked_add(len))
            .filter(|&end| end <= self.bytes.len())
            .ok_or_else(|| self.error("length past the end"))?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn str(&mut self) -> Result<&'a str, StoreError> {
        let b = self.slice()?;
        std::str::from_utf8(b).map_err(|_| self.error("text not UTF-8"))
    }

    fn text(&mut self) -> Result<String, StoreError> {
        self.str().map(str::to_owned)
    }

    fn flag(&mut self) -> Result<bool, StoreError> {
        match self.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(self.error("yes/no neither 0 nor 1")),
        }
    }

    fn maybe(&mut self) -> Result<Option<bool>, StoreError> {
        match self.byte()? {
            // 0 is never written, but is what it would mean.
            0 => Ok(Some(false)),
            YES => Ok(Some(true)),
            NOT_FILLED_IN => Ok(None),
            _ => Err(self.error("yes/no/unknown neither 0, 1 nor 2")),
        }
    }

    fn number(&mut self) -> Result<i64, StoreError> {
        let z = self.varint()?;
        Ok((z >> 1) as i64 ^ -((z & 1) as i64))
    }

    fn date(&mut self) -> Result<NaiveDate, StoreError> {
        let days = self.number()?;
        i32::try_from(days)
            .ok()
            .and_then(NaiveDate::from_num_days_from_ce_opt)
            .ok_or_else(|| self.error("date out of range"))
    }

    fn code<C: CodeList>(&mut self) -> Result<C, StoreError> {
        let place = self.varint()?;
        usize::try_from(place).ok().and_then(|i| C::all().get(i)).copied().ok_or_else(|| self.error("unknown code"))
    }

    fn codes<C: CodeList>(&mut self) -> Result<Vec<C>, StoreError> {
        let count = self.varint()?;
        // Each entry takes at least a byte: a larger count is corrupt, not an allocation.
        if count > (self.bytes.len() - self.at) as u64 {
            return Err(self.error("list longer than its data"));
        }
        (0..count).map(|_| self.code()).collect()
    }

    /// A nested part's reader, which counts bytes from the start of the whole file.
    fn nested(&mut self) -> Result<Reader<'a>, StoreError> {
        let part = self.slice()?;
        let end = self.at;
        Ok(Reader { bytes: &self.bytes[..end], at: end - part.len() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shouhu_domain::codes::{Assistance, GuardianshipType, Health, IncomeSource, Relation, Schooling, Sex};

    fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    fn parent(name: &str, id: &str) -> Parent {
        Parent {
            name: name.into(),
            birth_date: date(1985, 3, 9),
            id_number: Some(id.into()),
            work_province: Some("江苏省".into()),
            work_prefecture: Some("苏州市".into()),
            phone: Some("13912345678".into()),
            away_for_work: true,
            capable: false,
        }
    }

    fn grandparent(name: &str) -> Grandparent {
        Grandparent { name: name.into(), birth_date: date(1950, 12, 31) }
    }

    /// A file in which every field, nested ones too, differs from its default.
    fn full() -> ChildFile {
        ChildFile {
            name: "张小明".into(),
            sex: Some(Sex::Male),
            ethnicity: "汉族".into(),
            birth_date: date(2012, 5, 17),
            id_number: Some("12011420120517001X".into()),
            hukou_registered: Some(true),
            hukou_place: Some("天津市北辰区".into()),
            rural_hukou: Some(true),
            address: "天津市北辰区西堤头镇东赵庄村三排5号".into(),
            village_code: "120113102201".into(),
            health: Some(Health::Disabled),
            disability_category: Some("肢体".into()),
            disability_grade: Some("三级".into()),
            illness: Some("哮喘".into()),
            boarding: true,
            schooling: Some(Schooling::NotInKindergarten),
            school_name: Some("西堤头镇中心小学".into()),
            school_org_id: Some(-42),
            father: parent("张建华", "120113198503090011"),
            mother: parent("李秀英", "120113198503090022"),
            paternal_grandfather: grandparent("张德"),
            paternal_grandmother: grandparent("王桂兰"),
            maternal_grandfather: grandparent("李福"),
            maternal_grandmother: grandparent("赵淑珍"),
            entrusted_guardian: Some(EntrustedGuardian {
                name: "王桂兰".into(),
                id_number: Some("120113195012310028".into()),
                phone: Some("13812345678".into()),
                relation: Some(Relation::PaternalGrandparent),
                address: Some("同住".into()),
                confirmed_on: date(2016, 6, 1),
                disqualified: true,
                care: EntrustedCare {
                    school_notice_on: date(2016, 6, 2),
                    school_notice_received_by: Some("刘老师（班主任）".into()),
                    village_notice_on: date(2016, 6, 3),
                    village_notice_received_by: Some("村委会张主任".into()),
                    signed_by_parents: true,
                    signed_by_carer: true,
                    guided_by: Some("赵敏".into()),
                    past_offences: Some(true),
                    past_offences_evidence: Some("2010年因虐待被判刑".into()),
                    vices: Some(false),
                    vices_evidence: Some("邻居证实".into()),
                    neglected_duties: Some(true),
                    neglected_duties_evidence: Some("曾长期不管孩子".into()),
                    otherwise_unsuitable: Some(false),
                    otherwise_unsuitable_evidence: Some("无".into()),
                },
            }),
            guardianship_type: Some(GuardianshipType::NoGuardian),
            lives_alone: true,
            unattended: true,
            income_sources: vec![IncomeSource::Wages, IncomeSource::Wages],
            assistance: vec![Assistance::MinimumLiving],
            notes: Some("父母均在苏州务工".into()),
        }
    }

    fn bytes(f: &ChildFile) -> Vec<u8> {
        let mut out = Vec::new();
        write(f, &mut out);
        out
    }

    /// Every key of `v` holds something other than in `default`, at every depth.
    fn differs_everywhere(path: &str, v: &serde_json::Value, default: &serde_json::Value) {
        let (serde_json::Value::Object(v), serde_json::Value::Object(d)) = (v, default) else {
            assert_ne!(v, default, "{path} is its default");
            return;
        };
        for (k, dv) in d {
            let path = format!("{path}.{k}");
            match (&v[k], dv) {
                // An absent guardian's default is null: the guardian's own fields are checked
                // against an empty guardian.
                (serde_json::Value::Object(_), serde_json::Value::Null) => {
                    let empty = serde_json::to_value(EntrustedGuardian::default()).expect("json");
                    differs_everywhere(&path, &v[k], &empty)
                }
                (vk, dv) => differs_everywhere(&path, vk, dv),
            }
        }
    }

    #[test]
    fn the_sample_sets_every_field() {
        // Else a field added to the file could be left out of `write` and `read` unnoticed.
        let v = serde_json::to_value(full()).expect("json");
        differs_everywhere("file", &v, &serde_json::to_value(ChildFile::default()).expect("json"));
    }

    #[test]
    fn every_field_reads_back_as_written() {
        assert_eq!(read(&bytes(&full())).expect("read"), full());
    }

    #[test]
    fn defaults_are_left_out_but_empty_values_that_are_not_defaults_are_kept() {
        assert!(bytes(&base()).is_empty());
        assert_eq!(read(&[]).expect("read"), base());
        let f = ChildFile {
            id_number: Some(String::new()),
            entrusted_guardian: Some(EntrustedGuardian::default()),
            ..Default::default()
        };
        assert_eq!(read(&bytes(&f)).expect("read"), f);
    }

    #[test]
    fn a_part_longer_than_a_length_byte_reads_back() {
        let mut f = full();
        f.father.name = "张".repeat(100);
        f.mother.work_province = Some("省".repeat(50_000));
        assert_eq!(read(&bytes(&f)).expect("read"), f);
    }

    #[test]
    fn field_numbers_and_values_keep_their_bytes() {
        // Stored files need exactly these bytes to read back: a change here is a new format.
        let f = ChildFile {
            name: "张".into(),
            sex: Some(Sex::Female),
            birth_date: date(2012, 5, 17),
            school_org_id: Some(-3),
            father: Parent { capable: false, ..Default::default() },
            income_sources: vec![IncomeSource::Wages],
            lives_alone: true,
            ..base()
        };
        let expected: &[u8] = &[
            1, 3, 0xe5, 0xbc, 0xa0, // name
            2, 1, // sex: female
            4, 0xe0, 0xd6, 0x59, // birth date: day 734,640 (0001-01-01 is day 1), zigzagged
            18, 5, // school org id -3
            19, 2, 8, 0, // father: not capable
            27, 1, // lives alone
            29, 1, 0, // income sources: wages
        ];
        assert_eq!(bytes(&f), expected);
        assert_eq!(read(expected).expect("read"), f);
    }

    #[test]
    fn entrusted_care_keeps_its_bytes_and_files_without_it_read_as_before() {
        // A guardian written before the entrusted-care facts: no field 8, reads with none.
        let old: &[u8] = &[25, 3, 1, 1, b'W'];
        let f = read(old).expect("read");
        assert_eq!(f.entrusted_guardian.as_ref().map(|g| g.care.clone()), Some(EntrustedCare::default()));
        assert_eq!(bytes(&f), old, "empty care is left out");
        let mut g = EntrustedGuardian { name: "W".into(), ..Default::default() };
        g.care.school_notice_on = date(2012, 5, 17);
        g.care.signed_by_carer = true;
        g.care.vices = Some(false);
        let f = ChildFile { entrusted_guardian: Some(g), ..base() };
        let expected: &[u8] = &[
            25, 13, 1, 1, b'W', // guardian: name W
            8, 8, // its entrusted care, 8 bytes
            1, 0xe0, 0xd6, 0x59, // school notice on 2012-05-17
            6, 1, // signed by the carer
            10, 0, // vices: found not to apply
        ];
        assert_eq!(bytes(&f), expected);
        assert_eq!(read(expected).expect("read"), f);
    }

    #[test]
    fn hukou_reads_as_it_was_stored_before_it_could_be_unknown() {
        // Rows written when these were yes/no: 是 as [6, 1], 否 left out. They read unchanged.
        let old_yes: &[u8] = &[1, 3, 0xe5, 0xbc, 0xa0, 6, 1, 8, 1];
        let f = read(old_yes).expect("read");
        assert_eq!((f.hukou_registered, f.rural_hukou), (Some(true), Some(true)));
        assert_eq!(bytes(&f), old_yes, "是 is written as it always was");
        let old_no: &[u8] = &[1, 3, 0xe5, 0xbc, 0xa0];
        let f = read(old_no).expect("read");
        assert_eq!((f.hukou_registered, f.rural_hukou), (Some(false), Some(false)), "absent is 否, as it was");
        assert_eq!(bytes(&f), old_no);
        // Not filled in is a value of its own, and reads back.
        let unknown = ChildFile { name: "张".into(), hukou_registered: None, rural_hukou: Some(false), ..base() };
        assert_eq!(bytes(&unknown), [1, 3, 0xe5, 0xbc, 0xa0, 6, 2]);
        assert_eq!(read(&bytes(&unknown)).expect("read"), unknown);
        let both = ChildFile { hukou_registered: None, rural_hukou: None, ..full() };
        assert_eq!(read(&bytes(&both)).expect("read"), both);
        assert_eq!(read(&[6, 0]).expect("read").hukou_registered, Some(false), "0, never written, is 否");
    }

    #[test]
    fn the_stored_lists_keep_their_order() {
        // Entries are stored by their place: a list may grow at its end, never be reordered.
        fn codes<C: CodeList>() -> Vec<&'static str> {
            C::all().iter().map(|c| c.code()).collect()
        }
        assert_eq!(codes::<Sex>(), ["male", "female"]);
        assert_eq!(codes::<Health>(), ["healthy", "disabled", "ill"]);
        assert_eq!(
            codes::<Schooling>(),
            [
                "not_in_kindergarten",
                "kindergarten",
                "primary",
                "junior_high",
                "senior_high",
                "vocational",
                "dropped_out",
                "not_in_school"
            ]
        );
        assert_eq!(
            codes::<GuardianshipType>(),
            ["no_guardian", "parent_incapable", "entrusted_lacks_capacity", "fair", "good"]
        );
        assert_eq!(codes::<IncomeSource>(), ["wages", "farming", "government_aid", "relatives", "other"]);
        assert_eq!(codes::<Assistance>(), ["minimum_living", "temporary", "medical", "housing", "other"]);
        assert_eq!(
            codes::<Relation>(),
            ["paternal_grandparent", "maternal_grandparent", "sibling", "other_relative", "friend", "other"]
        );
    }

    #[test]
    fn corrupt_data_is_an_error_naming_its_place_not_a_panic() {
        let good = bytes(&full());
        for cut in 0..good.len() {
            // A cut at a field's end is a shorter file; anywhere else an error. Never a panic.
            let _ = read(&good[..cut]);
        }
        let cases: &[(&[u8], &str)] = &[
            (&[99, 0], "unknown field 99 at byte 1"),
            (&[19, 2, 99, 0], "unknown field 99 at byte 3"),
            (&[1, 5, b'a'], "length past the end at byte 2"),
            (&[1, 2, 0xff, 0xfe], "text not UTF-8 at byte 4"),
            (&[15, 2], "yes/no neither 0 nor 1 at byte 2"),
            (&[6, 3], "yes/no/unknown neither 0, 1 nor 2 at byte 2"),
            (&[2, 2], "unknown code at byte 2"),
            (&[29, 0xff, 0xff, 0x7f], "list longer than its data at byte 4"),
            (&[4, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], "number too long at byte 11"),
            (&[4, 0xff, 0xff, 0xff, 0x7f], "date out of range at byte 5"),
            (&[1], "cut short at byte 1"),
        ];
        for (data, message) in cases {
            let e = read(data).expect_err("corrupt");
            assert_eq!(e.to_string(), format!("database: child file data: {message}"), "{data:?}");
        }
    }
}
