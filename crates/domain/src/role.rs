//! Organisations, roles and what each role may do. Where a user may act is the region of
//! their organisation (or, for a school, the children enrolled there); what they may do is
//! their role.

use crate::region::Level;

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
        // Dropout control (issue 18): the county-level education bureau ([S] 二(一)).
        DistrictEducationBureau = "district_education_bureau", "区教育局";
        // Statistics and member departments (issue 20): the joint meeting's member units
        // ([S] 四(一): education, public security, justice, health with the mass
        // organisations; the city's meeting adds human resources, finance and the others).
        // Each is city-level (region "12") or district-level (a district's code).
        EducationCommission = "education_commission", "教育委员会";
        PublicSecurityBureau = "public_security_bureau", "公安局";
        JusticeBureau = "justice_bureau", "司法局";
        HealthCommission = "health_commission", "卫生健康委员会";
        HumanResourcesBureau = "human_resources_bureau", "人力资源和社会保障局";
        FinanceBureau = "finance_bureau", "财政局";
        TradeUnion = "trade_union", "总工会";
        YouthLeague = "youth_league", "共青团委员会";
        WomensFederation = "womens_federation", "妇女联合会";
        DisabledPersonsFederation = "disabled_persons_federation", "残疾人联合会";
        CareCommittee = "care_committee", "关心下一代工作委员会";
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
        ChildSupervisor = "child_supervisor", "儿童督导员";
        Teacher = "teacher", "教师";
        Doctor = "doctor", "医务人员";
        Police = "police", "民警";
        SocialWorker = "social_worker", "社会工作者";
        // Dropout control (issue 18): the school's administrator and the education bureau's
        // officer ([S] 二(一)).
        SchoolAdmin = "school_admin", "学校管理员";
        EducationOfficer = "education_officer", "教育局工作人员";
        // Statistics and member departments (issue 20): a member unit's officer, who sees
        // statistics and its unit's tasks, never a child's file.
        DepartmentOfficer = "department_officer", "联席会议成员单位工作人员";
    }
}

impl OrgType {
    /// Schools and kindergartens see the children enrolled with them, not a region.
    pub fn scoped_by_enrolment(self) -> bool {
        matches!(self, OrgType::School | OrgType::Kindergarten)
    }

    /// The member units of the joint meeting (联席会议成员单位, [S] 四(一)) whose officers are
    /// [`Role::DepartmentOfficer`] (issue 20). The education bureau of a district takes part
    /// too, but its officer keeps the dropout role ([`Role::EducationOfficer`]).
    pub fn is_member_department(self) -> bool {
        matches!(
            self,
            OrgType::EducationCommission
                | OrgType::DistrictEducationBureau
                | OrgType::PublicSecurityBureau
                | OrgType::JusticeBureau
                | OrgType::HealthCommission
                | OrgType::HumanResourcesBureau
                | OrgType::FinanceBureau
                | OrgType::TradeUnion
                | OrgType::YouthLeague
                | OrgType::WomensFederation
                | OrgType::DisabledPersonsFederation
                | OrgType::CareCommittee
        )
    }

    /// The levels of division an organisation of this kind stands at (decision 211). Its
    /// region is where its staff act ([`Scope::of`]), so a kind set above where it exists
    /// would open more files than its staff serve: a township government at the city's code
    /// would read every child of the city. Civil affairs and the governments stand at their
    /// own level ([S] 三(一): the city and districts oversee, the townships and street
    /// offices keep the ledger, [M19] the village and residents' committees hold the child
    /// directors). The joint meeting's member units are the city's or a district's ([S]
    /// 四(一)); relief and welfare institutions are run by civil affairs of the city or a
    /// district. A school, kindergarten or hospital stands in a district, a township or a
    /// village (a village school, a village clinic); a police station and a social-work
    /// agency serve a district or a township.
    pub fn levels(self) -> &'static [Level] {
        use Level::{City, District, Township, Village};
        match self {
            OrgType::CityCivilAffairs => &[City],
            OrgType::DistrictCivilAffairs | OrgType::DistrictEducationBureau => &[District],
            OrgType::TownshipGovernment | OrgType::StreetOffice => &[Township],
            OrgType::VillageCommittee | OrgType::ResidentsCommittee => &[Village],
            OrgType::School | OrgType::Kindergarten | OrgType::Hospital => &[District, Township, Village],
            OrgType::PoliceStation | OrgType::SocialWorkAgency => &[District, Township],
            OrgType::ReliefAgency | OrgType::WelfareInstitution => &[City, District],
            // The rest are the member units; a kind added later that is none of them fails
            // `each_kind_of_organisation_stands_at_its_level` until it is placed here.
            _ => &[City, District],
        }
    }

    /// Why a unit of this kind may not stand at `level` ([`OrgType::levels`]), naming the
    /// levels it stands at; `None` when it may.
    pub fn misfit_at(self, level: Level) -> Option<String> {
        if self.levels().contains(&level) {
            return None;
        }
        let levels: Vec<&str> = self.levels().iter().map(|l| l.label()).collect();
        Some(crate::msg::org_not_at_level(self.label(), &levels))
    }
}

impl Role {
    /// The kinds of organisation a role belongs in (decision 211): what a user may do is
    /// their role and where is their organisation's ([`Scope::of`]), so a role in the wrong
    /// kind of unit mixes the two: a teacher of the city's civil affairs would read every
    /// child of the city. [S] 三(一) gives the ledger to the townships' staff and the
    /// oversight to civil affairs of the districts and the city; [M19] [UPL] 43 put the child
    /// director in the village (residents') committee and the supervisor in the township
    /// government or street office; [S] [13] names the reporters by their units (schools and
    /// kindergartens, medical institutions, the police station that answers, social-work,
    /// relief and welfare agencies); [S] 二(一) the district education bureau follows
    /// dropouts; [S] 四(一) the member units' officers. The administrator runs the city's
    /// system for the city's civil affairs, who lead it ([S] 四(一)).
    pub fn belongs_in(self, org: OrgType) -> bool {
        match self {
            Role::Admin | Role::CityOfficer => org == OrgType::CityCivilAffairs,
            Role::DistrictOfficer => org == OrgType::DistrictCivilAffairs,
            Role::TownshipStaff | Role::ChildSupervisor => {
                matches!(org, OrgType::TownshipGovernment | OrgType::StreetOffice)
            }
            Role::ChildDirector => matches!(org, OrgType::VillageCommittee | OrgType::ResidentsCommittee),
            Role::Teacher | Role::SchoolAdmin => org.scoped_by_enrolment(),
            Role::Doctor => org == OrgType::Hospital,
            Role::Police => org == OrgType::PoliceStation,
            Role::SocialWorker => {
                matches!(org, OrgType::SocialWorkAgency | OrgType::ReliefAgency | OrgType::WelfareInstitution)
            }
            Role::EducationOfficer => org == OrgType::DistrictEducationBureau,
            Role::DepartmentOfficer => org.is_member_department(),
        }
    }

    /// Why this role may not be given in a unit of this kind ([`Role::belongs_in`]), naming
    /// the kinds it belongs in; `None` when it may.
    pub fn misfit_in(self, org: OrgType) -> Option<String> {
        if self.belongs_in(org) {
            return None;
        }
        let kinds: Vec<&str> = OrgType::ALL.iter().filter(|t| self.belongs_in(**t)).map(|t| t.label()).collect();
        Some(crate::msg::role_not_in_org(self.label(), &kinds))
    }
}

impl Role {
    /// [S] 三(一): townships keep the ledger, one file per child; village child directors keep
    /// it current [M19]; district and city civil affairs oversee it.
    pub fn may_write_children(self) -> bool {
        matches!(self, Role::CityOfficer | Role::DistrictOfficer | Role::TownshipStaff | Role::ChildDirector)
    }

    /// The township's child supervisor (儿童督导员, [M19]; [UPL] 43): one per township
    /// government or street office, who manages and checks the village child directors. They
    /// read what the township reads (the township's children, the directors' visits, and the
    /// status of the cases about a child, [`crate::visit::may_see_case_status`]) and review
    /// visits ([`crate::visit::may_review_visits`]). They keep no ledger: [S] 三(一) gives the
    /// files to the township's staff and the directors, so a supervisor edits, closes and
    /// exports nothing, and, checking work rather than reaching families, sees ID and phone
    /// numbers masked like any other reader (with "show" for the occasion).
    pub fn is_child_supervisor(self) -> bool {
        self == Role::ChildSupervisor
    }

    /// Who may read children's files within their scope. The administrator manages accounts
    /// and reads the audit log, but does not read children's files: least privilege.
    ///
    /// The education bureau's officer reads no file either: only the dropout cases of its
    /// district, and of each the little the case needs (`crate::dropout`, decision 131).
    ///
    /// A member department's officer (issue 20) reads statistics and its unit's tasks, never
    /// a file ([S] 四(一): the joint meeting coordinates; the files stay with civil affairs).
    ///
    /// Named one by one, so that a role added later reads no file until it is listed here.
    pub fn may_read_children(self) -> bool {
        matches!(
            self,
            Role::CityOfficer
                | Role::DistrictOfficer
                | Role::TownshipStaff
                | Role::ChildDirector
                | Role::ChildSupervisor
                | Role::Teacher
                | Role::Doctor
                | Role::Police
                | Role::SocialWorker
                | Role::SchoolAdmin
        )
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

    /// Sees ID numbers (the child's, the parents', the entrusted guardian's) in full; every
    /// other reader sees them masked ([`crate::masking::mask_id_number`]). Those who keep
    /// the ledger: [S] 三(一) the township keeps it, one file per child, and district and
    /// city civil affairs oversee it; the village child director types the census form's
    /// numbers and keeps them current [M19] (whoever edits a file must see what they
    /// save). The police: [S] 三(一) they verify the census's hukou data, and [S] 二(三) they
    /// identify a missing or endangered child and find the parents. A teacher, a doctor
    /// and a social worker know the child in person and need no number to teach, treat or
    /// serve them; when one does, "show" asks for the reason ([`Role::may_reveal_numbers`]).
    pub fn sees_full_id_numbers(self) -> bool {
        matches!(
            self,
            Role::CityOfficer | Role::DistrictOfficer | Role::TownshipStaff | Role::ChildDirector | Role::Police
        )
    }

    /// Sees the parents' and the entrusted guardian's phone numbers in full: those who see
    /// ID numbers ([`Role::sees_full_id_numbers`]: the police must reach the parents at
    /// once, [S] 二(三)), and the teacher, whose school tells the parents or guardian of a
    /// dropout and brings the child back with them ([S] 二(一)) and is told of an
    /// entrustment by the parents ([UPL] 22): reaching the guardian is a school's routine,
    /// and a teacher's scope is the children enrolled with them. A doctor or a social worker
    /// reaches a guardian now and then, for one child, across a whole township or district:
    /// masked, with "show" for the occasion (an emergency admission, [S] 三(二)).
    ///
    /// The school administrator as the teacher; the education bureau's officer, who must
    /// reach the guardian of a dropout to criticise, educate and order them ([CE] 58), sees
    /// the guardians' phones of the cases it reads (and nothing else of the file).
    pub fn sees_full_phone_numbers(self) -> bool {
        self.sees_full_id_numbers() || matches!(self, Role::Teacher | Role::SchoolAdmin | Role::EducationOfficer)
    }

    /// May ask to see a masked number in full ("显示完整号码"), giving a reason that goes
    /// into the audit log with the field's name: every reader of children's files. Masking
    /// guards against a glance over the shoulder and against collecting numbers in bulk,
    /// not against a reader's real need, which is occasional and cannot wait (a doctor
    /// reaching the guardian of a child brought in hurt); the stated reason and the audit
    /// entry hold the reader to account. The administrator reads no file and may not.
    pub fn may_reveal_numbers(self) -> bool {
        self.may_read_children()
    }

    /// May export the ledger as a workbook (and so carry every file of a scope out of the
    /// system): those who keep the ledger, [S] 三(一) (the township; district and city civil
    /// affairs, who compile and oversee it), as for closing files. A workbook leaves the
    /// audit log behind: a reader who needs one file opens it; a child director, a teacher,
    /// a doctor, the police and a social worker read files one at a time.
    pub fn may_export(self) -> bool {
        matches!(self, Role::CityOfficer | Role::DistrictOfficer | Role::TownshipStaff)
    }
}

crate::codes::code_list! {
    /// Who an account is for (decision 78): a person, who signs in with a password they set
    /// themselves, or another system, which has no password, cannot sign in to pages and
    /// uses only the tokens issued to it.
    AccountKind {
        Person = "person", "个人账号";
        Service = "service", "系统对接账号";
    }
}

crate::codes::code_list! {
    /// What waits for a second person's approval on an account (decision 77).
    Awaiting {
        Create = "create", "新建账号";
        Reset = "reset", "重置密码或令牌";
        RoleChange = "role", "变更角色或单位";
    }
}

impl Role {
    /// Giving an account this role (creating it so, changing it to it, or handing it a new
    /// password or token) needs a second person's approval: the administrator reads no
    /// child's file (decision 6), and an account that reads children, made or reset by the
    /// administrator alone, would let them read through it (issue 21). The administrator's
    /// own role reads nothing, so making another administrator needs no second approval.
    ///
    /// The education bureau's officer reads children's names and guardians' phones through
    /// the dropout cases: the same approval.
    ///
    /// A member department's officer reads statistics of a whole district or the city: how
    /// many children of each township suffered violence or live alone. Aggregates of
    /// minors' sensitive information ([PIPL] 28): the same approval (issue 20).
    pub fn needs_second_approval(self) -> bool {
        self.may_read_children() || matches!(self, Role::EducationOfficer | Role::DepartmentOfficer)
    }

    /// Who may give that approval: another administrator (a second pair of eyes on the
    /// accounts), or the city civil affairs (市民政), who answer for the registry as a whole
    /// ([S] 三(一)).
    pub fn may_approve_accounts(self) -> bool {
        matches!(self, Role::Admin | Role::CityOfficer)
    }
}

impl AccountKind {
    /// A system reads or writes children within its scope for another system (an
    /// education or police database); administration stays with people, so no service
    /// account is an administrator.
    pub fn may_have(self, role: Role) -> bool {
        self == AccountKind::Person || role.needs_second_approval()
    }
}

/// A change to an account waiting for a second approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountRequest {
    pub account_id: i64,
    pub kind: AccountKind,
    /// The administrator who asked.
    pub requested_by: i64,
}

impl AccountRequest {
    /// Whether this user may approve it: a role that may approve, someone other than who
    /// asked (or the approval would be no second look) and than the account itself. A
    /// system's token is shown once to whoever approves, so for a service account only the
    /// city civil affairs may: an administrator holding it would read children through it
    /// (decision 6), and the city already reads them all.
    pub fn may_be_approved_by(&self, role: Role, user_id: i64) -> bool {
        role.may_approve_accounts()
            && user_id != self.requested_by
            && user_id != self.account_id
            && (self.kind == AccountKind::Person || role == Role::CityOfficer)
    }
}

impl Role {
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

    /// Every role, and what it sees of the numbers in a file, may reveal, may export.
    #[test]
    fn numbers_and_export_per_role() {
        use Role::*;
        // (role, full ID numbers, full phone numbers, may reveal, may export)
        let table = [
            (Admin, false, false, false, false),
            (CityOfficer, true, true, true, true),
            (DistrictOfficer, true, true, true, true),
            (TownshipStaff, true, true, true, true),
            (ChildDirector, true, true, true, false),
            (ChildSupervisor, false, false, true, false),
            (Teacher, false, true, true, false),
            (Doctor, false, false, true, false),
            (Police, true, true, true, false),
            (SocialWorker, false, false, true, false),
            (SchoolAdmin, false, true, true, false),
            (EducationOfficer, false, true, false, false),
            (DepartmentOfficer, false, false, false, false),
        ];
        assert_eq!(table.len(), Role::ALL.len(), "every role is decided");
        for (role, id, phone, reveal, export) in table {
            assert_eq!(role.sees_full_id_numbers(), id, "{role:?} ID numbers");
            assert_eq!(role.sees_full_phone_numbers(), phone, "{role:?} phone numbers");
            assert_eq!(role.may_reveal_numbers(), reveal, "{role:?} reveal");
            assert_eq!(role.may_export(), export, "{role:?} export");
        }
    }

    /// The rules hold together: whoever edits a file sees every number in it (a masked value
    /// would be saved back over the real one); an export carries full numbers, so only
    /// roles that see them export; whoever sees a case (its new guardian's phone) sees phones.
    #[test]
    fn writers_and_exporters_see_numbers_in_full() {
        for &role in Role::ALL {
            if role.may_write_children() || role.may_export() {
                assert!(role.sees_full_id_numbers() && role.sees_full_phone_numbers(), "{role:?}");
            }
            if crate::report::may_see_area_reports(role) {
                assert!(role.sees_full_phone_numbers(), "{role:?} sees cases");
            }
            if role.sees_full_id_numbers() {
                assert!(role.sees_full_phone_numbers(), "{role:?}");
            }
        }
    }

    #[test]
    fn wide_roles_need_a_second_factor_and_local_ones_may_add_one() {
        let needs: Vec<Role> = Role::ALL.iter().copied().filter(|r| r.needs_second_factor()).collect();
        assert_eq!(needs, [Role::Admin, Role::CityOfficer, Role::DistrictOfficer]);
        assert!(!Role::TownshipStaff.needs_second_factor());
        assert!(!Role::Police.needs_second_factor());
    }

    #[test]
    fn the_child_supervisor_reads_the_township_and_writes_nothing() {
        let s = Role::ChildSupervisor;
        assert!(s.is_child_supervisor() && s.may_read_children() && s.needs_second_approval());
        assert!(!s.may_write_children() && !s.may_close_files() && !s.may_export() && !s.needs_second_factor());
        let scope = Scope::of(s, OrgType::TownshipGovernment, 3, "120114101");
        assert!(scope.covers("120114101204", None) && !scope.covers("120114102201", None));
    }

    /// The roles that read no file: the administrator, the education bureau's officer and the
    /// member departments'. A new role is among them until it is given files on purpose.
    #[test]
    fn only_the_roles_named_read_files() {
        let none: Vec<Role> = Role::ALL.iter().copied().filter(|r| !r.may_read_children()).collect();
        assert_eq!(none, [Role::Admin, Role::EducationOfficer, Role::DepartmentOfficer]);
    }

    /// Issue 20: a member department's officer reads no file, exports nothing and writes
    /// nothing; their account needs a second approval, and their scope has no child.
    #[test]
    fn a_department_officer_reads_no_file() {
        let d = Role::DepartmentOfficer;
        assert!(!d.may_read_children() && !d.may_write_children() && !d.may_export() && !d.may_close_files());
        assert!(!d.may_reveal_numbers() && !d.sees_full_phone_numbers() && !d.may_see_settings());
        assert!(d.needs_second_approval() && !d.may_approve_accounts());
        assert_eq!(Scope::of(d, OrgType::WomensFederation, 9, "12"), Scope::Nothing);
        assert!(OrgType::WomensFederation.is_member_department() && !OrgType::School.is_member_department());
    }

    /// Decision 211: every role belongs in at least one kind of organisation, and the wide
    /// scopes only in the units the law gives them.
    #[test]
    fn each_role_belongs_in_its_kind_of_organisation() {
        for &role in Role::ALL {
            assert!(OrgType::ALL.iter().any(|t| role.belongs_in(*t)), "{role:?} has a home");
        }
        assert!(Role::Teacher.belongs_in(OrgType::Kindergarten));
        assert!(!Role::Teacher.belongs_in(OrgType::CityCivilAffairs), "a teacher reads no city");
        assert!(!Role::Police.belongs_in(OrgType::VillageCommittee));
        assert!(!Role::CityOfficer.belongs_in(OrgType::DistrictCivilAffairs));
        assert!(!Role::DepartmentOfficer.belongs_in(OrgType::School));
        assert!(Role::DepartmentOfficer.belongs_in(OrgType::WomensFederation));
        assert!(Role::ChildDirector.belongs_in(OrgType::ResidentsCommittee));
    }

    /// Decision 211: a region-scoped unit never stands above its level; only the units that
    /// answer for the whole city stand at its code.
    #[test]
    fn each_kind_of_organisation_stands_at_its_level() {
        for &t in OrgType::ALL {
            assert!(!t.levels().is_empty(), "{t:?}");
        }
        let at_city: Vec<OrgType> =
            OrgType::ALL.iter().copied().filter(|t| t.levels().contains(&Level::City)).collect();
        for t in &at_city {
            let city_wide = *t == OrgType::CityCivilAffairs
                || t.is_member_department()
                || matches!(t, OrgType::ReliefAgency | OrgType::WelfareInstitution);
            assert!(city_wide, "{t:?} at the city's code");
        }
        assert_eq!(OrgType::TownshipGovernment.levels(), [Level::Township]);
        assert_eq!(OrgType::VillageCommittee.levels(), [Level::Village]);
        assert!(!OrgType::PoliceStation.levels().contains(&Level::City));
        assert!(!OrgType::DistrictEducationBureau.levels().contains(&Level::City));
    }

    #[test]
    fn only_ledger_keepers_write() {
        assert!(Role::ChildDirector.may_write_children());
        assert!(!Role::Teacher.may_write_children());
        assert!(!Role::Police.may_write_children());
        assert!(!Role::Admin.may_write_children());
    }

    #[test]
    fn accounts_that_read_children_need_a_second_approval() {
        assert!(!Role::Admin.needs_second_approval());
        for r in Role::ALL.iter().filter(|r| **r != Role::Admin) {
            assert!(r.needs_second_approval(), "{r:?}");
        }
    }

    #[test]
    fn a_second_person_approves_and_only_the_city_a_system() {
        let person = AccountRequest { account_id: 5, kind: AccountKind::Person, requested_by: 1 };
        assert!(person.may_be_approved_by(Role::Admin, 2));
        assert!(person.may_be_approved_by(Role::CityOfficer, 3));
        assert!(!person.may_be_approved_by(Role::Admin, 1), "not who asked");
        assert!(!person.may_be_approved_by(Role::CityOfficer, 5), "not the account itself");
        assert!(!person.may_be_approved_by(Role::DistrictOfficer, 4));
        let system = AccountRequest { kind: AccountKind::Service, ..person };
        assert!(system.may_be_approved_by(Role::CityOfficer, 3));
        assert!(!system.may_be_approved_by(Role::Admin, 2), "an administrator would hold its token");
        assert!(!AccountKind::Service.may_have(Role::Admin));
        assert!(AccountKind::Service.may_have(Role::Police));
        assert!(AccountKind::Person.may_have(Role::Admin));
    }
}
