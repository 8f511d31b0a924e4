//! Demo data: organisations in a few townships, one account per role, synthetic children.

use crate::demo::{self, Generator};
use shouhu_domain::role::{OrgType, Role, Scope};
use shouhu_store::{Actor, Store};
use shouhu_web::DemoLogin;

/// The password of every demo account (shown on the sign-in page with `--demo`).
pub const DEMO_PASSWORD: &str = "shouhu-demo-2026";

/// The demo's TOTP secret (base32), shared by the demo accounts whose role needs a second
/// factor and shown on the sign-in page with `--demo`: as public as the demo password.
pub const DEMO_TOTP_SECRET: &str = "SHOUHUDEMOTOTPKEYFORTIANJINCHILD";

/// Townships whose villages get demo children: 武清区梅厂镇 and 大碱厂镇, 宝坻区大口屯镇.
pub const DEMO_TOWNSHIPS: &[&str] = &["120114101", "120114102", "120115101"];
/// The demo village (郭罗庄村委会, 梅厂镇).
pub const DEMO_VILLAGE: &str = "120114101204";

/// (username, display name, role, organisation name, organisation type, region)
pub const DEMO_ACCOUNTS: &[(&str, &str, Role, &str, OrgType, &str)] = &[
    ("admin", "系统管理员", Role::Admin, "天津市民政局", OrgType::CityCivilAffairs, "12"),
    ("city", "市民政王科长", Role::CityOfficer, "天津市民政局", OrgType::CityCivilAffairs, "12"),
    ("district", "区民政李科员", Role::DistrictOfficer, "武清区民政局", OrgType::DistrictCivilAffairs, "120114"),
    ("township", "梅厂镇张干事", Role::TownshipStaff, "梅厂镇人民政府", OrgType::TownshipGovernment, "120114101"),
    (
        "director",
        "郭罗庄村儿童主任刘芳",
        Role::ChildDirector,
        "郭罗庄村民委员会",
        OrgType::VillageCommittee,
        DEMO_VILLAGE,
    ),
    (
        "supervisor",
        "梅厂镇儿童督导员周敏",
        Role::ChildSupervisor,
        "梅厂镇人民政府",
        OrgType::TownshipGovernment,
        "120114101",
    ),
    ("teacher", "梅厂镇中心小学赵老师", Role::Teacher, "梅厂镇中心小学", OrgType::School, "120114101"),
    ("doctor", "梅厂镇卫生院陈医生", Role::Doctor, "梅厂镇卫生院", OrgType::Hospital, "120114101"),
    ("police", "梅厂派出所值班民警", Role::Police, "梅厂派出所", OrgType::PoliceStation, "120114101"),
    (
        "socialworker",
        "春晖社工服务中心孙社工",
        Role::SocialWorker,
        "春晖社会工作服务中心",
        OrgType::SocialWorkAgency,
        "120114",
    ),
    // Dropout control (issue 18): the school's administrator and the district education bureau.
    ("schooladmin", "梅厂镇中心小学钱主任", Role::SchoolAdmin, "梅厂镇中心小学", OrgType::School, "120114101"),
    (
        "education",
        "武清区教育局周科员",
        Role::EducationOfficer,
        "武清区教育局",
        OrgType::DistrictEducationBureau,
        "120114",
    ),
    // Statistics and member departments (issue 20): a member unit of the city's joint meeting.
    ("fulian", "市妇联吴干事", Role::DepartmentOfficer, "天津市妇女联合会", OrgType::WomensFederation, "12"),
];

pub fn demo_logins() -> Vec<DemoLogin> {
    DEMO_ACCOUNTS
        .iter()
        .map(|(u, _, role, org, _, _)| DemoLogin {
            username: (*u).into(),
            password: DEMO_PASSWORD.into(),
            role: role.label().into(),
            org: (*org).into(),
        })
        .collect()
}

/// The actor that writes demo and synthetic data: the system, city-wide.
pub fn system_actor() -> Actor {
    Actor {
        user_id: None,
        user_name: "系统（演示数据）".into(),
        role: Role::CityOfficer,
        scope: Scope::Region("12".into()),
    }
}

/// Loads the demo organisations, accounts and children, once: nothing if any user exists.
pub fn demo(store: &Store) -> anyhow::Result<()> {
    if store.count_users()? > 0 {
        return Ok(());
    }
    let hash = shouhu_web::auth::hash_password(DEMO_PASSWORD).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let mut orgs: Vec<(&str, i64)> = Vec::new();
    let mut school = None;
    for (username, display, role, org, org_type, region) in DEMO_ACCOUNTS {
        let org_id = match orgs.iter().find(|(n, _)| n == org) {
            Some((_, id)) => *id,
            None => {
                let id = store.create_org(org, *org_type, region)?;
                orgs.push((org, id));
                id
            }
        };
        if *org_type == OrgType::School {
            school = Some(org_id);
        }
        let id = store.create_user(username, display, &hash, org_id, *role)?;
        if role.needs_second_factor() {
            store.start_enrolment(id, DEMO_TOTP_SECRET)?;
            store.confirm_second_factor(id, 0, &[])?;
        }
    }
    let villages = demo::villages_of(&store.regions, DEMO_TOWNSHIPS);
    let mut g = Generator::new(2016, villages, store.today());
    let mut files = Vec::new();
    for i in 0..240 {
        let mut f = g.child();
        if i < 8 {
            // Make sure the demo village director has children to look after.
            f.village_code = DEMO_VILLAGE.into();
        }
        if (4..7).contains(&i) {
            // Three who reached 16 in the last weeks: the township's 年满十六周岁待处理 has work.
            let days = 16 * 365 + 4 + 9 * (i as u64 - 4);
            f.birth_date = store.today().checked_sub_days(chrono::Days::new(days));
            f.village_code = DEMO_VILLAGE.into();
            f.id_number = None;
            f.schooling = Some(shouhu_domain::codes::Schooling::NotInSchool);
            f.school_org_id = None;
            f.school_name = None;
            // Parents generated for a younger child may be born too late for this one.
            for p in [&mut f.father, &mut f.mother] {
                if p.birth_date.zip(f.birth_date).is_some_and(|(pb, cb)| pb >= cb) {
                    p.birth_date = None;
                    p.id_number = None;
                }
            }
        }
        // Pupils in 梅厂镇 attend the demo school, so the teacher sees them.
        if f.village_code.starts_with("120114101") && f.schooling == Some(shouhu_domain::codes::Schooling::Primary) {
            f.school_org_id = school;
            f.school_name = Some("梅厂镇中心小学".into());
        }
        files.push(f);
    }
    // The demo director's village gets a carer whose entrusted care is not complete yet: the
    // papers are what the director records first (issue 17).
    if let Some(f) = files.iter_mut().skip(4).find(|f| f.entrusted_guardian.is_some()) {
        f.village_code = DEMO_VILLAGE.into();
        if let Some(g) = f.entrusted_guardian.as_mut() {
            g.confirmed_on = None;
            g.care = Default::default();
        }
    }
    let today = store.today();
    let births: Vec<_> = files
        .iter()
        .map(|f| {
            let left_behind = shouhu_domain::rules::derive(f, today, store.settings.age_rule).category
                != shouhu_domain::codes::Category::NotLeftBehind;
            (left_behind, f.birth_date)
        })
        .collect();
    let ids = store.create_children(&system_actor(), files, "demo")?;
    store.seed_contacts(&system_actor(), &demo_contacts(&ids, &births, today), "demo")?;
    demo_visits(store, &ids[..8])?;
    demo_dropout_cases(store)?;
    Ok(())
}

/// Dropout cases of the demo school (issue 18): one just opened, one reported in writing
/// after a failed persuasion with a measure of the bureau, one closed when the child returned.
fn demo_dropout_cases(store: &Store) -> anyhow::Result<()> {
    use chrono::Duration;
    use shouhu_domain::dropout::{
        AbsenceReason, DropoutClose, DropoutMeasure, DropoutStepKind, NoticeChannel, PersuasionOutcome,
        PersuasionParty, Told,
    };
    use shouhu_store::dropout::{DropoutStepInput, NewDropoutCase};
    let school = store.principal_by_username("schooladmin")?;
    let bureau = store.principal_by_username("education")?;
    let today = store.today();
    let day = |n: i64| Some(today - Duration::days(n));
    let pupils: Vec<i64> = store.dropout_candidates(&school)?.into_iter().map(|(id, _)| id).collect();
    let mut opened = Vec::new();
    for (i, id) in pupils.into_iter().enumerate() {
        let reasons =
            [vec![AbsenceReason::Work], vec![AbsenceReason::Family, AbsenceReason::StudyDifficulty]][i % 2].clone();
        let new = NewDropoutCase { child_id: id, first_absent_on: day(30 - i as i64 * 10), reasons, note: None };
        // A pupil outside compulsory-education age is refused: take the next.
        if let Ok(case) = store.open_dropout_case(&school, new) {
            opened.push(case);
        }
        if opened.len() == 3 {
            break;
        }
    }
    let step = |who: &shouhu_store::users::Principal, case: i64, input: DropoutStepInput| -> anyhow::Result<()> {
        let version = store.dropout_case(who, case)?.summary.version;
        Ok(store.record_dropout_step(who, case, version, input)?)
    };
    let notify = |on| DropoutStepInput {
        step: Some(DropoutStepKind::Notified),
        date: on,
        channel: Some(NoticeChannel::Phone),
        told: vec![Told::Father, Told::Mother, Told::EntrustedCarer],
        ..Default::default()
    };
    let round = |on, outcome| DropoutStepInput {
        step: Some(DropoutStepKind::Persuasion),
        date: on,
        parties: vec![PersuasionParty::School, PersuasionParty::Family, PersuasionParty::Village],
        outcome: Some(outcome),
        ..Default::default()
    };
    if let Some(&case) = opened.first() {
        step(&school, case, notify(day(28)))?;
        step(&school, case, round(day(25), PersuasionOutcome::Failed))?;
        step(
            &school,
            case,
            DropoutStepInput { step: Some(DropoutStepKind::Reported), date: day(24), ..Default::default() },
        )?;
        step(
            &bureau,
            case,
            DropoutStepInput {
                step: Some(DropoutStepKind::Measure),
                date: day(20),
                measure: Some(DropoutMeasure::FinancialAid),
                ..Default::default()
            },
        )?;
    }
    if let Some(&case) = opened.get(1) {
        step(&school, case, notify(day(19)))?;
        step(&school, case, round(day(17), PersuasionOutcome::Returned))?;
        step(
            &school,
            case,
            DropoutStepInput {
                step: Some(DropoutStepKind::Closed),
                date: day(16),
                close: Some(DropoutClose::ReturnedToSchool),
                ..Default::default()
            },
        )?;
    }
    Ok(())
}

/// The demo village's visits: some accepted, one sent back, some waiting for review, so that
/// the director's list has due and overdue children and the supervisor's page is full.
fn demo_visits(store: &Store, children: &[i64]) -> anyhow::Result<()> {
    use shouhu_domain::visit::*;
    let director = store.principal_by_username("director")?;
    let supervisor = store.principal_by_username("supervisor")?;
    let today = store.today();
    // (child, days ago, next visit planned in days from the visit, review)
    let plan: [(usize, i64, Option<i64>, Option<bool>); 6] = [
        (0, 40, None, Some(false)),
        (1, 26, None, Some(true)),
        (2, 3, None, None),
        (3, 12, Some(10), Some(true)),
        (4, 9, None, None),
        (5, 60, None, Some(true)),
    ];
    for (i, ago, planned, review) in plan {
        let Some(&child) = children.get(i) else { continue };
        let on = today - chrono::Duration::days(ago);
        let visit = VisitInput {
            visited_on: on,
            kind: if i % 3 == 2 { VisitKind::Phone } else { VisitKind::Home },
            child_seen: i % 3 != 2,
            lives_with: LivesWith::EntrustedCarer,
            lives_with_note: Some("祖母".into()),
            carer_state: if i == 4 { CarerState::Struggling } else { CarerState::Capable },
            safety: VisitSafety::Safe,
            health: VisitHealth::Good,
            schooling: VisitSchooling::Attending,
            mood: if i == 0 { VisitMood::Low } else { VisitMood::Good },
            notes: Some("入户查看生活起居，与照护人交谈".into()),
            guidance: Some("提醒照护人注意冬季取暖安全".into()),
            parents_last_contact_on: Some(on - chrono::Duration::days(i as i64 + 2)),
            parents_contact_channel: Some(ContactChannel::Video),
            next_due_on: planned.map(|d| on + chrono::Duration::days(d)),
            report_receipt: None,
            no_report_reason: None,
        };
        let rec = match store.record_visit(&director, child, visit, None) {
            Ok(r) => r,
            // A demo child born after the visit's day has no visit.
            Err(shouhu_store::StoreError::Invalid(_)) => continue,
            Err(e) => return Err(e.into()),
        };
        match review {
            Some(true) => {
                store.review_visit(&supervisor, rec.id, rec.version, true, None)?;
            }
            Some(false) => {
                store.review_visit(
                    &supervisor,
                    rec.id,
                    rec.version,
                    false,
                    Some("未写明儿童情绪低落的原因，请补充".into()),
                )?;
            }
            None => {}
        }
    }
    Ok(())
}

/// The parents' contacts of the demo's left-behind children ([UPL] 23): most called or
/// video-called within the week, one in five last heard from 12 days ago (a lapse), one in
/// five with nothing recorded yet; none before the child's birth.
fn demo_contacts(
    ids: &[i64],
    births: &[(bool, Option<chrono::NaiveDate>)],
    today: chrono::NaiveDate,
) -> Vec<(i64, chrono::NaiveDate, shouhu_domain::entrusted::ContactChannel, shouhu_domain::entrusted::ContactWho)> {
    use shouhu_domain::entrusted::{ContactChannel, ContactWho};
    let mut out = Vec::new();
    for (i, (id, (left_behind, born))) in ids.iter().zip(births).enumerate() {
        if !left_behind || i % 5 == 0 {
            continue;
        }
        let last = if i % 5 == 1 { 12 } else { (i % 7) as u64 };
        for days in [last + 9, last] {
            let Some(on) = today.checked_sub_days(chrono::Days::new(days)) else { continue };
            if born.is_some_and(|b| on < b) {
                continue;
            }
            let channel = ContactChannel::ALL[i % ContactChannel::ALL.len()];
            let who = ContactWho::ALL[(i / 2) % ContactWho::ALL.len()];
            out.push((*id, on, channel, who));
        }
    }
    out
}

/// Adds `n` synthetic children over all of Tianjin's villages, in batches of one transaction each.
pub fn synthetic_children(store: &Store, n: u64, seed: u64, mut progress: impl FnMut(u64)) -> anyhow::Result<u64> {
    let mut g = Generator::new(seed, demo::all_villages(&store.regions), store.today());
    let actor = system_actor();
    let mut done = 0;
    while done < n {
        let batch = (n - done).min(10_000);
        let files = (0..batch).map(|_| g.child()).collect();
        store.create_children(&actor, files, "synthetic")?;
        done += batch;
        progress(done);
    }
    Ok(done)
}

/// Creates an administrator in the city civil-affairs organisation (created if missing).
pub fn create_admin(store: &Store, username: &str, display_name: &str, password: &str) -> anyhow::Result<i64> {
    let hash = shouhu_web::auth::hash_password(password).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let org =
        match store.list_orgs()?.into_iter().find(|o| o.org_type == OrgType::CityCivilAffairs && o.region_code == "12")
        {
            Some(o) => o.id,
            None => store.create_org(shouhu_domain::msg::SETUP_ORG_NAME, OrgType::CityCivilAffairs, "12")?,
        };
    Ok(store.create_user(username, display_name, &hash, org, Role::Admin)?)
}
