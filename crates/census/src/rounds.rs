//! The figures of a census round's return (摸底排查轮次, issue 20): a township's rows (one per
//! village) compiled from the store's grouped counts of its open files, a district's from its
//! townships' frozen total rows, and the census form's 勾稽关系 checked before either is frozen.
//!
//! The columns are the summary's ([`crate::summary`]): the same 合计 and groups as the
//! ledger's summary sheet, counted the same way, so that a return signed off on a day equals
//! the summary of the township's ledger exported that day.

use crate::summary::{Counts, headers};
use shouhu_domain::codes::{Category, GuardianshipType, Health, Schooling, Sex};
use shouhu_domain::msg;
use shouhu_domain::region::Level;
use shouhu_store::census_rounds::{FileCount, FrozenRow};
use shouhu_store::regions::RegionIndex;
use std::collections::BTreeMap;

/// A return's rows before they are frozen: (code, counts) per village or township, and the
/// total row counted on its own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Compiled {
    pub rows: Vec<(String, Counts)>,
    pub total: Counts,
}

impl Compiled {
    /// The rows to freeze: each row's values, then the total row (code '').
    pub fn frozen(&self) -> Vec<FrozenRow> {
        self.rows
            .iter()
            .map(|(code, c)| FrozenRow { code: code.clone(), values: c.values() })
            .chain([FrozenRow { code: String::new(), values: self.total.values() }])
            .collect()
    }
}

/// A township's rows: every village of the township in the region tree (those without a
/// file with zeros, as the census form lists them), each counted from the grouped counts;
/// the total row is counted from the same counts on its own.
pub fn compile_township(regions: &RegionIndex, township: &str, counts: &[FileCount]) -> Compiled {
    let mut rows: BTreeMap<String, Counts> = regions
        .children(township)
        .filter(|r| r.level == Level::Village)
        .map(|r| (r.code.clone(), Counts::default()))
        .collect();
    let mut total = Counts::default();
    for f in counts {
        let category = Category::parse(&f.category).unwrap_or(Category::NotLeftBehind);
        let sex = f.sex.as_deref().and_then(Sex::parse);
        let guardianship = f.guardianship.as_deref().and_then(GuardianshipType::parse);
        let schooling = f.schooling.as_deref().and_then(Schooling::parse);
        let health = f.health.as_deref().and_then(Health::parse);
        for c in [rows.entry(f.village_code.clone()).or_default(), &mut total] {
            c.add_many(f.n, f.age_band, sex, category, guardianship, schooling, health);
        }
    }
    Compiled { rows: rows.into_iter().collect(), total }
}

/// The census form's 勾稽关系 ([M16]): in every row each group of columns adds up to 合计, and
/// the total row equals the sum of the rows column by column. The error, from the message
/// catalog, names the row (by `name`) and the groups, or the columns that disagree.
pub fn check(compiled: &Compiled, name: impl Fn(&str) -> String) -> Result<(), String> {
    let mut sum = Counts::default();
    let empty = String::new();
    for (code, counts) in compiled.rows.iter().map(|(c, n)| (c, n)).chain([(&empty, &compiled.total)]) {
        let bad = counts.unbalanced_groups();
        if !bad.is_empty() {
            let row = if code.is_empty() { msg::ROUNDS_ROW_TOTAL.to_string() } else { name(code) };
            return Err(msg::rounds_unbalanced_row(&row, &bad));
        }
    }
    for (_, counts) in &compiled.rows {
        sum.merge(counts);
    }
    if sum != compiled.total {
        let headers = headers();
        let cols: Vec<&str> = sum
            .values()
            .iter()
            .zip(compiled.total.values())
            .zip(&headers)
            .filter(|((a, b), _)| **a != *b)
            .map(|(_, h)| *h)
            .collect();
        return Err(msg::rounds_total_mismatch(&cols));
    }
    Ok(())
}

/// A township's rows checked and ready to freeze (the store's `compile` for a sign-off).
pub fn township_return(regions: &RegionIndex, township: &str, counts: &[FileCount]) -> Result<Vec<FrozenRow>, String> {
    let compiled = compile_township(regions, township, counts);
    check(&compiled, |code| regions.name(code).to_string())?;
    Ok(compiled.frozen())
}

/// Frozen rows read back (the last one the total, code ''), for the check of a district's
/// sum. A row with a number of values other than the summary's is a total that disagrees.
pub fn from_frozen(rows: &[FrozenRow]) -> Result<Compiled, String> {
    let width = || msg::rounds_total_mismatch(&[msg::ROUNDS_ROW_TOTAL]);
    let mut out = Compiled::default();
    for row in rows {
        let counts = Counts::from_values(&row.values).ok_or_else(width)?;
        if row.code.is_empty() {
            out.total = counts;
        } else {
            out.rows.push((row.code.clone(), counts));
        }
    }
    Ok(out)
}

/// A district's rows (its townships' frozen totals and their sum) checked before they are
/// frozen (the store's `check` for a district's sign-off).
pub fn check_district(regions: &RegionIndex, rows: &[FrozenRow]) -> Result<(), String> {
    check(&from_frozen(rows)?, |code| regions.name(code).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::summary::Summary;
    use crate::summary::synth::Synth;
    use chrono::{NaiveDate, TimeZone, Utc};
    use shouhu_domain::age::AgeRule;
    use shouhu_domain::child::{ChildRecord, FileStatus};
    use shouhu_domain::region::Level;
    use shouhu_domain::region::Region;
    use shouhu_domain::rules;

    const TOWNSHIP: &str = "120114101";
    const VILLAGES: &[&str] = &["120114101001", "120114101204", "120114101205"];

    fn regions() -> RegionIndex {
        let r = |code: &str, name: &str, parent: Option<&str>, level| Region {
            code: code.into(),
            name: name.into(),
            parent_code: parent.map(str::to_string),
            level,
        };
        RegionIndex::from_regions(vec![
            r("12", "天津市", None, Level::City),
            r("120114", "武清区", Some("12"), Level::District),
            r(TOWNSHIP, "梅厂镇", Some("120114"), Level::Township),
            r(VILLAGES[0], "梅厂村", Some(TOWNSHIP), Level::Village),
            r(VILLAGES[1], "郭罗庄村", Some(TOWNSHIP), Level::Village),
            r(VILLAGES[2], "无档村", Some(TOWNSHIP), Level::Village),
        ])
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 29).expect("date")
    }

    /// A grouped count's key: village, band, sex, category, guardianship, schooling, health.
    type Key = (String, Option<usize>, Option<String>, String, Option<String>, Option<String>, Option<String>);

    /// The store's grouped scan, done on records: the same keys as its GROUP BY.
    fn grouped(recs: &[ChildRecord]) -> Vec<FileCount> {
        let mut m: BTreeMap<Key, u64> = BTreeMap::new();
        for r in recs.iter().filter(|r| r.status == FileStatus::Open) {
            let band = r.derived.age_band.and_then(|b| shouhu_domain::age::AgeBand::ALL.iter().position(|x| *x == b));
            let key = (
                r.file.village_code.clone(),
                band,
                r.file.sex.map(|s| s.code().to_string()),
                r.derived.category.code().to_string(),
                r.file.guardianship_type.map(|g| g.code().to_string()),
                r.file.schooling.map(|s| s.code().to_string()),
                r.file.health.map(|h| h.code().to_string()),
            );
            *m.entry(key).or_default() += 1;
        }
        m.into_iter()
            .map(|((village_code, band, sex, category, guardianship, schooling, health), n)| FileCount {
                village_code,
                age_band: band.map(|b| shouhu_domain::age::AgeBand::ALL[b]),
                sex,
                category,
                guardianship,
                schooling,
                health,
                n,
            })
            .collect()
    }

    fn records(n: usize) -> Vec<ChildRecord> {
        let at = Utc.with_ymd_and_hms(2026, 11, 29, 2, 0, 0).single().expect("valid");
        let mut g = Synth::new(7, &VILLAGES[..2], today());
        (0..n)
            .map(|i| {
                let mut file = g.file();
                if i % 31 == 0 {
                    file.sex = None;
                }
                ChildRecord {
                    id: i as i64 + 1,
                    district_code: "120114".into(),
                    version: 1,
                    status: FileStatus::Open,
                    derived: rules::derive(&file, today(), AgeRule::default()),
                    file,
                    created_at: at,
                    updated_at: at,
                    masked: Vec::new(),
                }
            })
            .collect()
    }

    #[test]
    fn a_township_return_is_the_summary_of_its_files_per_village() {
        let recs = records(2000);
        let regions = regions();
        let compiled = compile_township(&regions, TOWNSHIP, &grouped(&recs));
        check(&compiled, |c| c.to_string()).expect("balanced");
        // The export's summary of the same files: the same total row.
        let mut s = Summary::new();
        for r in &recs {
            s.add(r);
        }
        assert_eq!(&compiled.total, s.total());
        // Every village of the township has a row, the one without files with zeros.
        let codes: Vec<&str> = compiled.rows.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(codes, VILLAGES);
        assert_eq!(compiled.rows[2].1, Counts::default());
        let frozen = township_return(&regions, TOWNSHIP, &grouped(&recs)).expect("balanced");
        assert_eq!(frozen.len(), 4);
        assert_eq!(frozen[3].code, "");
        assert_eq!(frozen[3].values[0], 2000);
        assert_eq!(from_frozen(&frozen).expect("read back"), compiled);
    }

    /// The registry cannot make an unbalanced return: every open file is counted once in
    /// every group of its village's row and of the total (an unknown code falls in 未填写). The
    /// refusal is therefore shown on returns built directly.
    #[test]
    fn an_unbalanced_return_is_refused_naming_the_check() {
        let regions = regions();
        let recs = records(300);
        let good = compile_township(&regions, TOWNSHIP, &grouped(&recs));
        let name = |c: &str| regions.name(c).to_string();

        let mut row_off = good.clone();
        row_off.rows[1].1.health[0] += 1;
        let e = check(&row_off, name).expect_err("a village's groups disagree");
        assert_eq!(e, msg::rounds_unbalanced_row("郭罗庄村", &["健康状况"]));

        let mut total_off = good.clone();
        total_off.total.schooling[0] += 1;
        total_off.total.schooling[1] -= 1;
        let e = check(&total_off, name).expect_err("the total row differs");
        let h = headers();
        assert_eq!(e, msg::rounds_total_mismatch(&[h[1 + 4 + 3 + 3 + 6], h[1 + 4 + 3 + 3 + 6 + 1]]));
        assert!(e.contains("勾稽关系不符"), "{e}");

        let mut total_row = good.clone();
        total_row.total.total += 1;
        let e = check(&total_row, name).expect_err("the total row's own groups");
        assert!(e.contains("合计的年龄段、性别、留守类型、监护类型、就学情况、健康状况"), "{e}");

        // A district's sum read back with a wrong width is refused too.
        let mut frozen = good.frozen();
        frozen[0].values.pop();
        assert!(check_district(&regions, &frozen).is_err());
        assert!(check_district(&regions, &good.frozen()).is_ok());
    }
}
