//! The census summary (汇总表): per township and in total, how many children the registry
//! holds, by age band, sex, left-behind category, guardianship type, schooling and health.
//!
//! Like the 2016 summary form [M16], the table balances (勾稽关系): in every row each group of
//! columns adds up to the row's 合计, and the total row is the sum of the township rows. To
//! keep that true for every file, each group has a column for what fits none of the census
//! values:
//!
//! - 年龄段 "其他": a file still open for a child of 16 or more (the census bands stop at 16),
//!   or without a birth date;
//! - 留守类型 "非留守儿童": an open file whose child is no longer left-behind (parents back,
//!   or 16 and over);
//! - 性别, 监护类型, 就学情况, 健康状况 "未填写": the field is empty.
//!
//! Hukou (已登记户口, 农村户籍) has no column: a file is counted by its other fields whether
//! its hukou is 是, 否 or not filled in, so that 合计 is every open file of the ledger
//! (`rules::derive` says why an unknown hukou excludes nothing).
//!
//! Only open files are counted: a closed file is history, not a child in care. Closed files
//! are counted apart ([`Summary::closed`]) so that the ledger's rows can be reconciled.

use shouhu_domain::age::AgeBand;
use shouhu_domain::child::{ChildRecord, FileStatus};
use shouhu_domain::codes::{Category, GuardianshipType, Health, Schooling, Sex};
use std::collections::BTreeMap;

/// The column of a group for an empty field.
pub const NOT_STATED: &str = "未填写";
/// The age column for open files outside the census bands (16 and over, or no birth date).
pub const OTHER_AGE: &str = "其他";
/// The header of the count of all children in a row.
pub const TOTAL: &str = "合计";

const AGE: usize = AgeBand::ALL.len() + 1;
const SEX: usize = Sex::ALL.len() + 1;
const CATEGORY: usize = Category::ALL.len();
const GUARDIANSHIP: usize = GuardianshipType::ALL.len() + 1;
const SCHOOLING: usize = Schooling::ALL.len() + 1;
const HEALTH: usize = Health::ALL.len() + 1;

/// The groups of columns after 合计, in order: title and column headers.
pub fn groups() -> Vec<(&'static str, Vec<&'static str>)> {
    fn with_not_stated(labels: impl Iterator<Item = &'static str>) -> Vec<&'static str> {
        labels.chain([NOT_STATED]).collect()
    }
    vec![
        ("年龄段", AgeBand::ALL.iter().map(|b| b.label()).chain([OTHER_AGE]).collect()),
        ("性别", with_not_stated(Sex::ALL.iter().map(|s| s.label()))),
        ("留守类型", Category::ALL.iter().map(|c| c.label()).collect()),
        ("监护类型", with_not_stated(GuardianshipType::ALL.iter().map(|g| g.label()))),
        ("就学情况", with_not_stated(Schooling::ALL.iter().map(|s| s.label()))),
        ("健康状况", with_not_stated(Health::ALL.iter().map(|h| h.label()))),
    ]
}

/// The headers of all count columns: 合计, then every group's columns.
pub fn headers() -> Vec<&'static str> {
    let mut out = vec![TOTAL];
    for (_, cols) in groups() {
        out.extend(cols);
    }
    out
}

/// The position of `v` in `all`, or the column after the last (未填写) when there is none.
fn index_of<T: Copy + PartialEq>(all: &[T], v: Option<T>) -> usize {
    v.and_then(|v| all.iter().position(|x| *x == v)).unwrap_or(all.len())
}

/// One row of the summary: how many children, and how many in each column of each group.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub total: u64,
    /// 0–5, 6–13, 14–16, 其他.
    pub age: [u64; AGE],
    /// 男, 女, 未填写.
    pub sex: [u64; SEX],
    /// 父母均外出务工, 一方外出另一方无监护能力, 非留守儿童.
    pub category: [u64; CATEGORY],
    /// The five census types, 未填写.
    pub guardianship: [u64; GUARDIANSHIP],
    /// The eight census stages, 未填写.
    pub schooling: [u64; SCHOOLING],
    /// 健康, 残疾, 患病, 未填写.
    pub health: [u64; HEALTH],
}

impl Counts {
    /// Counts one child's file (open or not: [`Summary::add`] decides what is counted).
    pub fn add(&mut self, rec: &ChildRecord) {
        let f = &rec.file;
        self.add_many(1, rec.derived.age_band, f.sex, rec.derived.category, f.guardianship_type, f.schooling, f.health);
    }

    /// Counts `n` files that have the same value in every group (a grouped count of the
    /// store's: census rounds, issue 20); [`Counts::add`] is this with one file.
    #[allow(clippy::too_many_arguments)]
    pub fn add_many(
        &mut self,
        n: u64,
        age_band: Option<AgeBand>,
        sex: Option<Sex>,
        category: Category,
        guardianship: Option<GuardianshipType>,
        schooling: Option<Schooling>,
        health: Option<Health>,
    ) {
        self.total += n;
        self.age[index_of(AgeBand::ALL, age_band)] += n;
        self.sex[index_of(Sex::ALL, sex)] += n;
        // Derived, so always one of the list.
        self.category[index_of(Category::ALL, Some(category)).min(CATEGORY - 1)] += n;
        self.guardianship[index_of(GuardianshipType::ALL, guardianship)] += n;
        self.schooling[index_of(Schooling::ALL, schooling)] += n;
        self.health[index_of(Health::ALL, health)] += n;
    }

    /// The counts of [`Counts::values`] read back (a frozen return's row); `None` when the
    /// number of values is not the summary's.
    pub fn from_values(values: &[u64]) -> Option<Counts> {
        fn take<const N: usize>(v: &mut &[u64]) -> Option<[u64; N]> {
            let (head, rest) = (v.get(..N)?, v.get(N..)?);
            *v = rest;
            head.try_into().ok()
        }
        let (total, mut v) = values.split_first()?;
        let c = Counts {
            total: *total,
            age: take(&mut v)?,
            sex: take(&mut v)?,
            category: take(&mut v)?,
            guardianship: take(&mut v)?,
            schooling: take(&mut v)?,
            health: take(&mut v)?,
        };
        v.is_empty().then_some(c)
    }

    /// Adds another row's counts to this one.
    pub fn merge(&mut self, other: &Counts) {
        fn add<const N: usize>(a: &mut [u64; N], b: &[u64; N]) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        self.total += other.total;
        add(&mut self.age, &other.age);
        add(&mut self.sex, &other.sex);
        add(&mut self.category, &other.category);
        add(&mut self.guardianship, &other.guardianship);
        add(&mut self.schooling, &other.schooling);
        add(&mut self.health, &other.health);
    }

    /// The groups in the order of [`groups`]: title and counts.
    pub fn groups(&self) -> [(&'static str, &[u64]); 6] {
        [
            ("年龄段", &self.age),
            ("性别", &self.sex),
            ("留守类型", &self.category),
            ("监护类型", &self.guardianship),
            ("就学情况", &self.schooling),
            ("健康状况", &self.health),
        ]
    }

    /// Every count in the order of [`headers`]: 合计, then each group's columns.
    pub fn values(&self) -> Vec<u64> {
        let mut out = vec![self.total];
        for (_, v) in self.groups() {
            out.extend_from_slice(v);
        }
        out
    }

    /// The groups whose columns do not add up to 合计 (none, in a balanced row).
    pub fn unbalanced_groups(&self) -> Vec<&'static str> {
        self.groups().into_iter().filter(|(_, v)| v.iter().sum::<u64>() != self.total).map(|(title, _)| title).collect()
    }
}

/// One row of the table: a township (9-digit code) or, for `None`, the total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryRow {
    pub township: Option<String>,
    pub counts: Counts,
}

/// The summary, accumulated one file at a time: memory grows with the townships, not with
/// the files.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    townships: BTreeMap<String, Counts>,
    total: Counts,
    closed: u64,
}

impl Summary {
    pub fn new() -> Summary {
        Summary::default()
    }

    /// Counts an open file in its township and in the total; a closed file is only counted
    /// in [`Summary::closed`]. Returns whether the file entered the table.
    pub fn add(&mut self, rec: &ChildRecord) -> bool {
        if !matches!(rec.status, FileStatus::Open) {
            self.closed += 1;
            return false;
        }
        let village = rec.file.village_code.as_str();
        let township = village.get(..9).unwrap_or(village);
        match self.townships.get_mut(township) {
            Some(c) => c.add(rec),
            None => {
                let mut c = Counts::default();
                c.add(rec);
                self.townships.insert(township.to_string(), c);
            }
        }
        self.total.add(rec);
        true
    }

    /// Closed files seen by [`Summary::add`] and left out of the table.
    pub fn closed(&self) -> u64 {
        self.closed
    }

    /// The total row.
    pub fn total(&self) -> &Counts {
        &self.total
    }

    /// The township rows in code order, then the total row (`township: None`).
    pub fn rows(&self) -> Vec<SummaryRow> {
        self.townships
            .iter()
            .map(|(code, counts)| SummaryRow { township: Some(code.clone()), counts: counts.clone() })
            .chain([SummaryRow { township: None, counts: self.total.clone() }])
            .collect()
    }

    /// The table's 勾稽关系: every row balances, and the total row, counted on its own, equals
    /// the sum of the township rows column by column. The error names what does not agree.
    pub fn check(&self) -> Result<(), String> {
        let mut sum = Counts::default();
        for row in self.rows() {
            let name = row.township.as_deref().unwrap_or(TOTAL);
            let bad = row.counts.unbalanced_groups();
            if !bad.is_empty() {
                return Err(format!("{name}：{} 之和不等于合计", bad.join("、")));
            }
            if row.township.is_some() {
                sum.merge(&row.counts);
            }
        }
        if sum != self.total {
            let headers = headers();
            let cols: Vec<&str> = sum
                .values()
                .iter()
                .zip(self.total.values())
                .zip(&headers)
                .filter(|((a, b), _)| **a != *b)
                .map(|(_, h)| *h)
                .collect();
            return Err(format!("合计行与各乡镇之和不符：{}", cols.join("、")));
        }
        Ok(())
    }
}

/// Synthetic files for tests: varied, valid for the store, with unique ID numbers.
#[cfg(test)]
pub(crate) mod synth {
    use chrono::{Datelike, Days, NaiveDate};
    use shouhu_domain::child::{ChildFile, EntrustedGuardian, Grandparent, Parent};
    use shouhu_domain::codes::{Assistance, GuardianshipType, Health, IncomeSource, Relation, Schooling, Sex};
    use shouhu_domain::id_number;

    const SURNAMES: &[&str] = &["张", "王", "李", "赵", "刘", "陈", "杨", "周", "吴", "孙"];
    const GIVEN: &[&str] = &["明", "华", "丽", "强", "芳", "伟", "静", "磊", "娜", "涛"];
    const PROVINCES: &[(&str, &str)] = &[
        ("北京市", "北京市"),
        ("河北省", "廊坊市"),
        ("广东省", "深圳市"),
        ("江苏省", "苏州市"),
        ("天津市", "滨海新区"),
    ];

    /// A deterministic generator (xorshift64*): the same seed gives the same files.
    pub(crate) struct Synth {
        state: u64,
        n: u64,
        today: NaiveDate,
        villages: Vec<String>,
    }

    impl Synth {
        pub(crate) fn new(seed: u64, villages: &[&str], today: NaiveDate) -> Synth {
            Synth {
                state: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1,
                n: 0,
                today,
                villages: villages.iter().map(|v| v.to_string()).collect(),
            }
        }

        fn next(&mut self) -> u64 {
            let mut x = self.state;
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            self.state = x;
            x.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
            xs[self.below(xs.len())]
        }

        fn chance(&mut self, percent: u64) -> bool {
            self.next() % 100 < percent
        }

        fn maybe<T>(&mut self, percent: u64, v: T) -> Option<T> {
            self.chance(percent).then_some(v)
        }

        fn name(&mut self) -> String {
            let mut s = self.pick(SURNAMES).to_string();
            for _ in 0..1 + self.below(2) {
                s.push_str(self.pick(GIVEN));
            }
            s
        }

        fn mobile(&mut self) -> String {
            format!("13{:09}", self.next() % 1_000_000_000)
        }

        /// An ID number for a birth date and a sequence (odd for a man).
        pub(crate) fn id(birth: NaiveDate, seq: u64) -> String {
            let first17 = format!("120114{}{:03}", birth.format("%Y%m%d"), seq % 1000);
            let check = id_number::check_character(&first17).unwrap_or('0');
            format!("{first17}{check}")
        }

        fn adult(&mut self, male: bool) -> (NaiveDate, String) {
            let year = 1975 + self.below(20) as i32;
            let birth = NaiveDate::from_ymd_opt(year, 1 + self.below(12) as u32, 1 + self.below(28) as u32)
                .unwrap_or(NaiveDate::MIN);
            let seq = 2 * (self.next() % 500) + u64::from(male);
            (birth, Self::id(birth, seq))
        }

        fn parent(&mut self, male: bool, child_birth: NaiveDate) -> Parent {
            let (birth, id) = self.adult(male);
            let away = self.chance(80);
            let (province, prefecture) = self.pick(PROVINCES);
            Parent {
                name: self.name(),
                birth_date: Some(birth).filter(|b| *b < child_birth),
                id_number: Some(id).filter(|_| birth < child_birth),
                work_province: away.then(|| province.to_string()),
                work_prefecture: away.then(|| prefecture.to_string()),
                phone: Some(self.mobile()),
                away_for_work: away,
                capable: self.chance(90),
            }
        }

        fn grandparent(&mut self) -> Grandparent {
            Grandparent { name: self.name(), birth_date: NaiveDate::from_ymd_opt(1950 + self.below(15) as i32, 6, 1) }
        }

        /// The next file: ages 0 to 17 (some past 16, as open files can be), every census
        /// value and some empty fields.
        pub(crate) fn file(&mut self) -> ChildFile {
            let i = self.n;
            self.n += 1;
            // Unique (birth date, sequence) pairs, so unique ID numbers.
            // 1009 is prime to 6500: each block of 6500 files spreads over every age.
            let days = 1 + (i * 1009) % 6500;
            let seq = 2 * (i / 6500) + i % 2;
            let birth = self.today.checked_sub_days(Days::new(days)).unwrap_or(self.today);
            let male = seq % 2 == 1;
            let age = self.today.year() - birth.year();
            let health = {
                let h = self.pick(Health::ALL);
                self.maybe(95, h)
            };
            let health = match health {
                Some(Health::Healthy) if self.chance(90) => Some(Health::Healthy),
                Some(Health::Healthy) => None,
                h => h,
            };
            let schooling = {
                let s = self.pick(Schooling::ALL);
                self.maybe(90, s)
            };
            let guardianship = {
                let g = self.pick(GuardianshipType::ALL);
                self.maybe(90, g)
            };
            let v = self.below(self.villages.len());
            let village = self.villages[v].clone();
            let entrusted = self.chance(40).then(|| {
                let (_, id) = self.adult(false);
                EntrustedGuardian {
                    name: self.name(),
                    id_number: Some(id),
                    phone: Some(if self.chance(50) {
                        format!("022-{:08}", 20_000_000 + self.next() % 70_000_000)
                    } else {
                        self.mobile()
                    }),
                    relation: Some(self.pick(Relation::ALL)),
                    address: Some("同村".into()),
                    confirmed_on: self.today.checked_sub_days(Days::new(30)),
                    disqualified: self.chance(2),
                    care: Default::default(),
                }
            });
            ChildFile {
                name: self.name(),
                sex: Some(if male { Sex::Male } else { Sex::Female }),
                ethnicity: if self.chance(90) { "汉族" } else { "回族" }.into(),
                birth_date: Some(birth),
                id_number: Some(Self::id(birth, seq)),
                // Without a draw, so that the other fields stay as they were for a seed.
                hukou_registered: if i % 17 == 3 { None } else { Some(true) },
                hukou_place: Some("天津市武清区".into()),
                rural_hukou: match i % 13 {
                    5 => None,
                    6 => Some(false),
                    _ => Some(true),
                },
                address: format!("天津市武清区某村{}号", 1 + i % 300),
                village_code: village,
                disability_category: (health == Some(Health::Disabled)).then(|| "肢体".into()),
                disability_grade: (health == Some(Health::Disabled)).then(|| "三级".into()),
                illness: (health == Some(Health::Ill)).then(|| "先天性心脏病".into()),
                health,
                boarding: age >= 12 && self.chance(30),
                schooling,
                school_name: matches!(schooling, Some(Schooling::Primary | Schooling::JuniorHigh))
                    .then(|| "梅厂镇中心小学".into()),
                school_org_id: None,
                father: self.parent(true, birth),
                mother: self.parent(false, birth),
                paternal_grandfather: self.grandparent(),
                paternal_grandmother: self.grandparent(),
                maternal_grandfather: self.grandparent(),
                maternal_grandmother: Grandparent::default(),
                entrusted_guardian: entrusted,
                guardianship_type: guardianship,
                lives_alone: self.chance(3),
                unattended: self.chance(3),
                income_sources: if self.chance(80) { vec![IncomeSource::Farming, IncomeSource::Wages] } else { vec![] },
                assistance: if self.chance(10) { vec![Assistance::MinimumLiving] } else { vec![] },
                notes: self.maybe(10, "需重点关注".into()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::synth::Synth;
    use super::*;
    use chrono::{NaiveDate, TimeZone, Utc};
    use shouhu_domain::age::AgeRule;
    use shouhu_domain::codes::CloseReason;
    use shouhu_domain::rules;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 29).expect("valid date")
    }

    const VILLAGES: &[&str] = &["120114101204", "120114101001", "120114102201", "120101001001", "120221100200"];

    fn record(id: i64, file: shouhu_domain::child::ChildFile, closed: bool) -> ChildRecord {
        let at = Utc.with_ymd_and_hms(2026, 11, 29, 2, 0, 0).single().expect("valid");
        ChildRecord {
            id,
            district_code: file.village_code.get(..6).unwrap_or("").to_string(),
            version: 1,
            status: if closed {
                FileStatus::Closed { reason: CloseReason::MovedOut, note: None, closed_at: at }
            } else {
                FileStatus::Open
            },
            derived: rules::derive(&file, today(), AgeRule::default()),
            file,
            created_at: at,
            updated_at: at,
            masked: Vec::new(),
        }
    }

    fn records(n: usize, seed: u64) -> Vec<ChildRecord> {
        let mut g = Synth::new(seed, VILLAGES, today());
        (0..n)
            .map(|i| {
                let mut f = g.file();
                // Some fields left empty, so that every 未填写 column is used.
                if i % 97 == 0 {
                    f.sex = None;
                }
                record(i as i64 + 1, f, i % 50 == 7)
            })
            .collect()
    }

    #[test]
    fn headers_match_the_counts() {
        let c = Counts::default();
        assert_eq!(headers().len(), c.values().len());
        let g = groups();
        for ((title, cols), (title2, counts)) in g.iter().zip(c.groups()) {
            assert_eq!(*title, title2);
            assert_eq!(cols.len(), counts.len(), "{title}");
        }
        assert_eq!(headers()[0], "合计");
        assert_eq!(g[0].1, vec!["0–5岁", "6–13岁", "14–16岁", "其他"]);
        assert_eq!(g[3].1.len(), 6);
        assert_eq!(g[4].1.len(), 9);
        assert_eq!(g[5].1, vec!["健康", "残疾", "患病", "未填写"]);
        // 合计 and 30 counts: with the township's name and code, the form's 32 columns.
        assert_eq!(headers().len(), 30);
    }

    #[test]
    fn rows_and_columns_agree_over_thousands_of_files() {
        for seed in [1, 2, 3] {
            let recs = records(4000, seed);
            let mut s = Summary::new();
            let mut counted = 0;
            for r in &recs {
                if s.add(r) {
                    counted += 1;
                }
            }
            s.check().expect("balanced");
            let rows = s.rows();
            let total = rows.last().expect("total row");
            assert_eq!(total.township, None);
            assert_eq!(total.counts.total, counted);
            assert_eq!(counted + s.closed(), recs.len() as u64);
            assert_eq!(s.closed(), recs.iter().filter(|r| r.id % 50 == 8).count() as u64);
            // Every row balances, group by group.
            for row in &rows {
                for (title, v) in row.counts.groups() {
                    assert_eq!(v.iter().sum::<u64>(), row.counts.total, "{title} {row:?}");
                }
            }
            // The total row is the column sums of the township rows.
            let n = headers().len();
            let mut sums = vec![0u64; n];
            for row in &rows[..rows.len() - 1] {
                for (s, v) in sums.iter_mut().zip(row.counts.values()) {
                    *s += v;
                }
            }
            assert_eq!(sums, total.counts.values());
            // Townships in code order, one per distinct 9-digit prefix.
            let codes: Vec<&str> = rows[..rows.len() - 1].iter().filter_map(|r| r.township.as_deref()).collect();
            assert_eq!(codes, vec!["120101001", "120114101", "120114102", "120221100"]);
            // Every kind of column is used, including 其他 and 未填写.
            for (title, v) in total.counts.groups() {
                assert!(v.iter().all(|x| *x > 0), "{title}: {v:?}");
            }
        }
    }

    #[test]
    fn counts_follow_the_files() {
        let recs = records(3000, 9);
        let mut s = Summary::new();
        for r in &recs {
            s.add(r);
        }
        let open: Vec<&ChildRecord> = recs.iter().filter(|r| r.status == FileStatus::Open).collect();
        let t = s.total();
        let count = |f: &dyn Fn(&ChildRecord) -> bool| open.iter().filter(|r| f(r)).count() as u64;
        assert_eq!(t.age[0], count(&|r| r.derived.age_band == Some(AgeBand::From0To5)));
        assert_eq!(t.age[3], count(&|r| r.derived.age.is_none_or(|a| a >= 16)));
        assert_eq!(t.sex[2], count(&|r| r.file.sex.is_none()));
        assert_eq!(t.category[2], count(&|r| r.derived.category == Category::NotLeftBehind));
        assert_eq!(t.guardianship[0], count(&|r| r.file.guardianship_type == Some(GuardianshipType::NoGuardian)));
        assert_eq!(t.schooling[8], count(&|r| r.file.schooling.is_none()));
        assert_eq!(t.health[1], count(&|r| r.file.health == Some(Health::Disabled)));
    }

    #[test]
    fn hukou_not_filled_in_or_not_rural_is_counted_like_any_other_file() {
        let recs = records(3000, 5);
        assert!(recs.iter().any(|r| r.file.rural_hukou.is_none() && r.status == FileStatus::Open));
        assert!(recs.iter().any(|r| r.file.hukou_registered.is_none() && r.status == FileStatus::Open));
        assert!(recs.iter().any(|r| r.file.rural_hukou == Some(false) && r.status == FileStatus::Open));
        let mut s = Summary::new();
        let mut rural = Summary::new();
        for r in &recs {
            s.add(r);
            let mut known = r.clone();
            known.file.hukou_registered = Some(true);
            known.file.rural_hukou = Some(true);
            known.derived = rules::derive(&known.file, today(), AgeRule::default());
            rural.add(&known);
        }
        s.check().expect("balanced");
        assert_eq!(s.rows(), rural.rows(), "the same table as if every hukou were rural and registered");
        assert_eq!(s.total().total, recs.iter().filter(|r| r.status == FileStatus::Open).count() as u64);
    }

    #[test]
    fn a_wrong_total_is_named() {
        let recs = records(200, 4);
        let mut s = Summary::new();
        for r in &recs {
            s.add(r);
        }
        s.check().expect("balanced");
        let mut broken = s.clone();
        broken.total.health[0] += 1;
        let e = broken.check().expect_err("unbalanced");
        assert!(e.contains("健康状况"), "{e}");
        let mut broken = s.clone();
        broken.total.total += 1;
        broken.total.age[0] += 1;
        broken.total.sex[0] += 1;
        broken.total.category[0] += 1;
        broken.total.guardianship[0] += 1;
        broken.total.schooling[0] += 1;
        broken.total.health[0] += 1;
        let e = broken.check().expect_err("total differs");
        assert!(e.contains("合计行"), "{e}");
    }

    #[test]
    fn an_empty_summary_has_a_zero_total_row() {
        let s = Summary::new();
        let rows = s.rows();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].counts, Counts::default());
        s.check().expect("balanced");
    }
}
