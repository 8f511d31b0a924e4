//! Organisations, roles and what each role may do. Where a user may act is the region of
//! their organisation (or, for a school, the children enrolled there); what they may do is
//! their role.

crate::codes::code_list! {
    /// Kinds of organisation ([S], [MR], docs/domain.md §2.2 and §3).
    OrgType {
        CityCivilAffairs = "city_civil_affairs", "市民政局";
        DistrictCivilAffairs = "district_civil_affairs", "区民政局";
        TownshipGovernment = "township_government", "乡镇人民政府";
        StreetOffice = "street_office", "街道办事处";
        VillageCommittee = "village_committee", "村民委员会";
        ResidentsCommittee = "residents_committee", "居民委员会";
        School = "school", "学校";
        Kindergarten = "kindergarten", "幼儿园";
        Hospital = "hospital", "医疗机构";
        PoliceStation = "police_station", "公安派出所";
        SocialWorkAgency = "social_work_agency", "社会工作服务机构";
        ReliefAgency = "relief_agency", "救助管理机构";
        WelfareInstitution = "welfare_institution", "儿童福利机构";
    }
}

crate::codes::code_list! {
    /// A user's role within their organisation.
    Role {
        Admin = "admin", "系统管理员";
        CityOfficer = "city_officer", "市民政工作人员";
        DistrictOfficer = "district_officer", "区民政工作人员";
        TownshipStaff = "township_staff", "乡镇（街道）工作人员";
        ChildDirector = "child_director", "儿童主任";
        Teacher = "teacher", "教师";
        Doctor = "doctor", "医务人员";
        Police = "police", "民警";
        SocialWorker = "social_worker", "社会工作者";
    }
}

impl OrgType {
    /// Schools and kindergartens see the children enrolled with them, not a region.
    pub fn scoped_by_enrolment(self) -> bool {
        matches!(self, OrgType::School | OrgType::Kindergarten)
    }
}

impl Role {
    /// [S] 三(一): townships keep the ledger, one file per child; village child directors keep
    /// it current [M19]; district and city civil affairs oversee it.
    pub fn may_write_children(self) -> bool {
        matches!(self, Role::CityOfficer | Role::DistrictOfficer | Role::TownshipStaff | Role::ChildDirector)
    }

    /// Who may read children's files within their scope. The administrator manages accounts
    /// and reads the audit log, but does not read children's files: least privilege.
    pub fn may_read_children(self) -> bool {
        !matches!(self, Role::Admin)
    }

    /// Managing organisations and users, and reading the audit log.
    pub fn is_admin(self) -> bool {
        matches!(self, Role::Admin)
    }

    /// May read the settings document: the city that decides its values with the joint
    /// meeting ([S] 四(一)), and the administrator who keeps the system running.
    pub fn may_see_settings(self) -> bool {
        matches!(self, Role::CityOfficer | Role::Admin)
    }

    /// May close and reopen a file: those who keep the ledger ([S] 三(一)).
    pub fn may_close_files(self) -> bool {
        matches!(self, Role::CityOfficer | Role::DistrictOfficer | Role::TownshipStaff)
    }

    /// Must sign in with a second factor (TOTP) besides the password (decision 83): the
    /// administrator, who makes accounts and roles, and civil affairs of the city and the
    /// districts, who read every child of the city or of a district. A stolen password there
    /// opens thousands of minors' files, which PIPL 28 makes sensitive personal information
    /// and PIPL 51 asks to protect by measures in proportion (issue 21). Other roles may
    /// add one; their scope is a township or less.
    pub fn needs_second_factor(self) -> bool {
        matches!(self, Role::Admin | Role::CityOfficer | Role::DistrictOfficer)
    }
}

/// Where a user may see and change children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every child whose village code starts with this region code.
    Region(String),
    /// The children enrolled at this school or kindergarten (organisation id).
    School(i64),
    /// No child at all.
    Nothing,
}

impl Scope {
    /// The scope a user has, from their role and their organisation's type and region.
    pub fn of(role: Role, org_type: OrgType, org_id: i64, region_code: &str) -> Scope {
        if !role.may_read_children() {
            Scope::Nothing
        } else if org_type.scoped_by_enrolment() {
            Scope::School(org_id)
        } else {
            Scope::Region(region_code.to_string())
        }
    }

    /// Whether a child in `village_code` enrolled at `school_org_id` is in this scope.
    pub fn covers(&self, village_code: &str, school_org_id: Option<i64>) -> bool {
        match self {
            Scope::Region(r) => crate::region::within(village_code, r),
            Scope::School(id) => school_org_id == Some(*id),
            Scope::Nothing => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_sees_no_child() {
        assert_eq!(Scope::of(Role::Admin, OrgType::CityCivilAffairs, 1, "12"), Scope::Nothing);
    }

    #[test]
    fn school_staff_see_their_enrolled_children_only() {
        let s = Scope::of(Role::Teacher, OrgType::School, 7, "120114001");
        assert!(s.covers("120115001001", Some(7)));
        assert!(!s.covers("120114001001", Some(8)));
        assert!(!s.covers("120114001001", None));
    }

    #[test]
    fn region_scope_is_a_subtree() {
        let s = Scope::of(Role::TownshipStaff, OrgType::TownshipGovernment, 3, "120114001");
        assert!(s.covers("120114001002", None));
        assert!(!s.covers("120114002001", None));
    }

    #[test]
    fn wide_roles_need_a_second_factor_and_local_ones_may_add_one() {
        let needs: Vec<Role> = Role::ALL.iter().copied().filter(|r| r.needs_second_factor()).collect();
        assert_eq!(needs, [Role::Admin, Role::CityOfficer, Role::DistrictOfficer]);
        assert!(!Role::TownshipStaff.needs_second_factor());
        assert!(!Role::Police.needs_second_factor());
    }

    #[test]
    fn only_ledger_keepers_write() {
        assert!(Role::ChildDirector.may_write_children());
        assert!(!Role::Teacher.may_write_children());
        assert!(!Role::Police.may_write_children());
        assert!(!Role::Admin.may_write_children());
    }
}
