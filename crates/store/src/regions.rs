//! The region tree: seeded from Tianjin's division codes, held in memory for names and
//! lookups (it is small and changes only with a new data vintage).

use crate::db::{Pool, Val};
use crate::error::StoreError;
use shouhu_domain::region::{Level, Region};
use std::collections::HashMap;

/// Tianjin's divisions (NBS statistical codes, 2023 vintage): see data/README.md.
pub const TIANJIN_CSV: &str = include_str!("../../../data/tianjin-regions.csv");

/// Inserts the regions of `csv` when the table is empty. All rows or none.
pub fn seed(pool: &Pool, csv: &str) -> Result<usize, StoreError> {
    let rows = parse_csv(csv)?;
    pool.write(|c| {
        let have = c.query_opt("SELECT count(*) FROM regions", &[], |r| r.i64(0))?.unwrap_or(0);
        if have > 0 {
            return Ok(0);
        }
        for r in &rows {
            c.exec(
                "INSERT INTO regions (code, name, parent_code, level) VALUES ($1, $2, $3, $4)",
                &[
                    r.code.as_str().into(),
                    r.name.as_str().into(),
                    r.parent_code.clone().into(),
                    r.level.as_str().into(),
                ],
            )?;
        }
        Ok(rows.len())
    })
}

fn parse_csv(csv: &str) -> Result<Vec<Region>, StoreError> {
    let mut rd = csv::Reader::from_reader(csv.as_bytes());
    let mut out = Vec::new();
    for (i, rec) in rd.records().enumerate() {
        let rec = rec.map_err(|e| StoreError::Config(format!("regions row {}: {e}", i + 2)))?;
        let field = |n: usize| rec.get(n).unwrap_or("").trim().to_string();
        let level = Level::parse(&field(3))
            .ok_or_else(|| StoreError::Config(format!("regions row {}: unknown level", i + 2)))?;
        let parent = field(2);
        out.push(Region { code: field(0), name: field(1), parent_code: (!parent.is_empty()).then_some(parent), level });
    }
    Ok(out)
}

/// All regions, by code, with each region's children in code order.
#[derive(Debug, Default)]
pub struct RegionIndex {
    by_code: HashMap<String, Region>,
    children: HashMap<String, Vec<String>>,
    roots: Vec<String>,
    /// Each region's path from the district down without separators ("武清区梅厂镇郭罗庄村"),
    /// the city's own name for the city: what a typed name is matched against.
    compact: Vec<(String, String)>,
}

/// Why a typed region name gave no region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unresolved {
    /// No region of the kind asked for has that name.
    Unknown,
    /// Several have it: the user must say which (by its township or district).
    Ambiguous,
}

/// A typed name without white space, "/" separators and a leading "天津市".
fn compact_name(typed: &str) -> String {
    let t: String = typed.chars().filter(|c| !c.is_whitespace() && *c != '/').collect();
    match t.strip_prefix("天津市") {
        Some(rest) if !rest.is_empty() => rest.to_string(),
        _ => t,
    }
}

impl RegionIndex {
    pub fn load(pool: &Pool) -> Result<RegionIndex, StoreError> {
        let rows = pool.read(|c| {
            c.query("SELECT code, name, parent_code, level FROM regions ORDER BY code", &[], |r| {
                Ok(Region {
                    code: r.text(0)?,
                    name: r.text(1)?,
                    parent_code: r.opt_text(2)?,
                    level: Level::parse(&r.text(3)?).unwrap_or(Level::Village),
                })
            })
        })?;
        Ok(Self::from_regions(rows))
    }

    pub fn from_regions(rows: Vec<Region>) -> RegionIndex {
        let mut idx = RegionIndex::default();
        for r in rows {
            match &r.parent_code {
                Some(p) => idx.children.entry(p.clone()).or_default().push(r.code.clone()),
                None => idx.roots.push(r.code.clone()),
            }
            idx.by_code.insert(r.code.clone(), r);
        }
        let mut compact: Vec<(String, String)> =
            idx.by_code.keys().map(|c| (c.clone(), compact_name(&idx.path_name(c)))).collect();
        compact.sort();
        idx.compact = compact;
        idx
    }

    /// The region a person named: digits as they are (the caller checks the code), or a name
    /// that names exactly one region of `level` (any level when `None`) inside `within` (a
    /// region code; "" for all of Tianjin). The whole path ("武清区梅厂镇郭罗庄村") is tried
    /// first, then its end ("梅厂镇郭罗庄村", "郭罗庄村"), then any part of it; the first of
    /// these that some region matches decides. Spaces, "/" and "天津市" in front do not count.
    /// The report form, the census import and the organisation form all read names by this.
    pub fn resolve(&self, typed: &str, level: Option<Level>, within: &str) -> Result<Option<String>, Unresolved> {
        let t = compact_name(typed);
        if t.is_empty() {
            return Ok(None);
        }
        if t.chars().all(|c| c.is_ascii_digit()) {
            return Ok(Some(t));
        }
        let candidates: Vec<&(String, String)> = self
            .compact
            .iter()
            .filter(|(code, _)| {
                code.starts_with(within) && level.is_none_or(|l| self.get(code).is_some_and(|r| r.level == l))
            })
            .collect();
        let tiers: [&dyn Fn(&str) -> bool; 3] = [&|p| p == t, &|p| p.ends_with(&t), &|p| p.contains(&t)];
        for matches in tiers {
            let mut hits = candidates.iter().filter(|(_, p)| matches(p.as_str()));
            match (hits.next(), hits.next()) {
                (Some((code, _)), None) => return Ok(Some(code.clone())),
                (Some(_), Some(_)) => return Err(Unresolved::Ambiguous),
                (None, _) => {}
            }
        }
        Err(Unresolved::Unknown)
    }

    pub fn get(&self, code: &str) -> Option<&Region> {
        self.by_code.get(code)
    }

    pub fn name(&self, code: &str) -> &str {
        self.get(code).map_or("", |r| r.name.as_str())
    }

    pub fn children(&self, code: &str) -> impl Iterator<Item = &Region> {
        self.children.get(code).into_iter().flatten().filter_map(|c| self.by_code.get(c))
    }

    pub fn roots(&self) -> impl Iterator<Item = &Region> {
        self.roots.iter().filter_map(|c| self.by_code.get(c))
    }

    /// "武清区 / 下朱庄街道 / 东蒲洼村": the path from the district down, for display; the
    /// city's own name ("天津市") for the city.
    pub fn path_name(&self, code: &str) -> String {
        if let Some(r) = self.get(code).filter(|r| r.level == Level::City) {
            return r.name.clone();
        }
        let mut parts = Vec::new();
        let mut cur = self.get(code);
        while let Some(r) = cur {
            if r.level != Level::City {
                parts.push(r.name.as_str());
            }
            cur = r.parent_code.as_deref().and_then(|p| self.get(p));
        }
        parts.reverse();
        parts.join(" / ")
    }

    pub fn villages(&self) -> impl Iterator<Item = &Region> {
        self.by_code.values().filter(|r| r.level == Level::Village)
    }

    pub fn len(&self) -> usize {
        self.by_code.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_code.is_empty()
    }

    pub fn count(&self, level: Level) -> usize {
        self.by_code.values().filter(|r| r.level == level).count()
    }
}

impl From<Level> for Val {
    fn from(l: Level) -> Val {
        Val::Text(l.as_str().into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tianjin() -> RegionIndex {
        RegionIndex::from_regions(parse_csv(TIANJIN_CSV).expect("parses"))
    }

    #[test]
    fn the_city_is_named() {
        assert_eq!(tianjin().path_name("12"), "天津市");
        assert_eq!(tianjin().path_name("120114101"), "武清区 / 梅厂镇");
    }

    #[test]
    fn names_resolve_to_the_one_region_they_name() {
        let idx = tianjin();
        let village = Some(Level::Village);
        assert_eq!(idx.resolve("武清区梅厂镇郭罗庄村", village, ""), Ok(Some("120114101204".into())));
        assert_eq!(idx.resolve("天津市 武清区 / 梅厂镇 / 郭罗庄村", village, ""), Ok(Some("120114101204".into())));
        assert_eq!(idx.resolve("郭罗庄村", village, "120114101"), Ok(Some("120114101204".into())));
        assert_eq!(idx.resolve("120114101204", village, ""), Ok(Some("120114101204".into())));
        assert_eq!(idx.resolve("  ", village, ""), Ok(None));
        assert_eq!(idx.resolve("没有这个村", village, ""), Err(Unresolved::Unknown));
        // Outside the township it was asked within.
        assert_eq!(idx.resolve("郭罗庄村", village, "120114102"), Err(Unresolved::Unknown));
        // Any level: the township, not its villages whose paths also contain its name.
        assert_eq!(idx.resolve("武清区梅厂镇", None, ""), Ok(Some("120114101".into())));
        assert_eq!(idx.resolve("天津市", None, ""), Ok(Some("12".into())));
        assert_eq!(idx.resolve("武清区", None, ""), Ok(Some("120114".into())));
    }

    #[test]
    fn a_name_of_several_regions_is_ambiguous() {
        let idx = tianjin();
        assert_eq!(idx.resolve("村委会", Some(Level::Village), ""), Err(Unresolved::Ambiguous));
        assert_eq!(idx.resolve("梅厂镇", Some(Level::Village), ""), Err(Unresolved::Ambiguous));
    }

    #[test]
    fn bundled_tianjin_file_has_the_expected_counts() {
        let idx = RegionIndex::from_regions(parse_csv(TIANJIN_CSV).expect("parses"));
        assert_eq!(idx.count(Level::City), 1);
        assert_eq!(idx.count(Level::District), 16);
        assert_eq!(idx.count(Level::Township), 299);
        assert_eq!(idx.count(Level::Village), 5617);
        for r in idx.by_code.values() {
            if let Some(p) = &r.parent_code {
                assert!(r.code.starts_with(p.as_str()), "{} under {p}", r.code);
                assert_eq!(r.code.len(), r.level.code_len());
            }
        }
    }
}
