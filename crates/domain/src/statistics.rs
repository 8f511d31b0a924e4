//! Statistics (统计, issue 20): who sees the figures of which region, and how a few of them
//! are computed. [S] 三(一): the census is compiled and reported upward (乡镇 → 区 → 市);
//! [S] 四(一): the city's civil affairs leads the joint meeting of departments, which
//! coordinates, guides and checks the work, and so needs the figures, not the files.

use crate::region::Level;
use crate::role::{OrgType, Role};

/// The age column for open files outside the census bands (16 and over, or no birth date),
/// as in the census summary.
pub const OTHER_AGE: &str = "其他";
/// The column of a group for an empty field, as in the census summary.
pub const NOT_STATED: &str = "未填写";

/// The region whose statistics a role sees, from its organisation's region; `None` for a
/// role without statistics. Civil affairs of the city, a district and a township compile
/// and oversee the ledger ([S] 三(一)); a member department of the joint meeting sees the
/// figures of its level ([S] 四(一): the city's departments the city, a district's its
/// district) and never a file ([`Role::may_read_children`]), and only in a member
/// department ([`OrgType::is_member_department`]): the role given by mistake in another
/// organisation sees nothing.
pub fn statistics_region(role: Role, org_type: OrgType, region_code: &str) -> Option<&str> {
    let sees = match role {
        Role::CityOfficer | Role::DistrictOfficer | Role::TownshipStaff => true,
        Role::DepartmentOfficer => org_type.is_member_department(),
        _ => false,
    };
    sees.then_some(region_code)
}

/// Whether a role has the statistics page (the menu entry).
pub fn may_see_statistics(role: Role) -> bool {
    matches!(role, Role::CityOfficer | Role::DistrictOfficer | Role::TownshipStaff | Role::DepartmentOfficer)
}

/// The length of the codes of a region's sub-regions: the city's districts, a district's
/// townships, a township's villages (a village is its own sub-region).
pub fn area_len(region: &str) -> usize {
    match region.len() {
        0..=2 => Level::District.code_len(),
        3..=6 => Level::Township.code_len(),
        _ => Level::Village.code_len(),
    }
}

/// The nearest-rank percentile `p` (1–100) of sorted values: the smallest value with at
/// least `p` per cent of the values at or below it; none of no values.
pub fn nearest_rank(sorted: &[i64], p: u32) -> Option<i64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let rank = (u64::from(p.clamp(1, 100)) * n as u64).div_ceil(100) as usize;
    sorted.get(rank.clamp(1, n) - 1).copied()
}

/// "2027-03" as "2027年3月".
pub fn month_label(key: &str) -> String {
    match key.split_once('-') {
        Some((y, m)) => format!("{y}年{}月", m.trim_start_matches('0')),
        None => key.to_string(),
    }
}

/// Minutes as "3天4小时", "5小时12分钟" or "40分钟".
pub fn duration_label(minutes: i64) -> String {
    let (d, h, m) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
    if d > 0 {
        format!("{d}天{h}小时")
    } else if h > 0 {
        format!("{h}小时{m}分钟")
    } else {
        format!("{m}分钟")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_sees_which_region() {
        let d = OrgType::DistrictCivilAffairs;
        assert_eq!(statistics_region(Role::DistrictOfficer, d, "120114"), Some("120114"));
        assert_eq!(statistics_region(Role::DepartmentOfficer, OrgType::WomensFederation, "12"), Some("12"));
        assert_eq!(statistics_region(Role::DepartmentOfficer, OrgType::School, "120114101"), None);
        for r in [Role::Admin, Role::Teacher, Role::Police, Role::ChildDirector, Role::EducationOfficer] {
            assert!(!may_see_statistics(r), "{r:?}");
        }
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let v: Vec<i64> = (1..=10).collect();
        assert_eq!(nearest_rank(&v, 50), Some(5));
        assert_eq!(nearest_rank(&v, 90), Some(9));
        assert_eq!(nearest_rank(&[7], 90), Some(7));
        assert_eq!(nearest_rank(&[], 50), None);
    }

    #[test]
    fn sub_regions_and_labels() {
        assert_eq!(area_len("12"), 6);
        assert_eq!(area_len("120114"), 9);
        assert_eq!(area_len("120114101"), 12);
        assert_eq!(month_label("2027-03"), "2027年3月");
        assert_eq!(duration_label(40), "40分钟");
        assert_eq!(duration_label(312), "5小时12分钟");
        assert_eq!(duration_label(1440 * 3 + 240), "3天4小时");
    }
}
