//! Statistics (issue 20): a district's figures are the sums of its townships' and agree with
//! the ledger of the same scope; the member departments' officers see statistics and never a
//! child's file.

use crate::harness::*;
use serde_json::{Value, json};
use shouhu_domain::role::{OrgType, Role};
use shouhu_store::statistics::{Statistics, StatisticsQuery};

const DISTRICT: &str = "120114";

/// A file varied by `seq`: three age bands, parents away or not, guardianship and schooling
/// given or left empty, so every chart has more than one bar.
fn varied(name: &str, village: &str, seq: u32) -> Value {
    let birth = ["2016-05-04", "2022-03-01", "2011-01-10"][seq as usize % 3];
    let mut f = child(name, village, seq);
    f["birth_date"] = json!(birth);
    f["id_number"] = json!(id_for(&village[..6], birth, true, seq));
    if seq % 4 == 3 {
        f["mother"] = json!({"name": "母亲", "away_for_work": false, "capable": true});
    }
    match seq % 3 {
        0 => f["guardianship_type"] = json!("fair"),
        1 => {
            f.as_object_mut().expect("object").remove("guardianship_type");
        }
        _ => {}
    }
    if birth == "2016-05-04" && seq.is_multiple_of(2) {
        f["schooling"] = json!("primary");
    }
    f
}

async fn statistics(app: &TestApp, username: &str, region: Option<&str>) -> Statistics {
    let (u, r) = (username.to_string(), region.map(str::to_string));
    app.store(move |s| {
        let p = s.principal_by_username(&u).expect("principal");
        s.statistics(&p, &StatisticsQuery { region: r, ..Default::default() }).expect("statistics")
    })
    .await
}

fn counts(bars: &[shouhu_store::statistics::Bar]) -> Vec<(String, i64)> {
    bars.iter().map(|b| (b.key.clone(), b.count)).collect()
}

/// Adds `b`'s counts to `a`'s, bar by bar (the same bars in the same order).
fn add(a: &mut [(String, i64)], b: &[(String, i64)]) {
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter_mut().zip(b) {
        assert_eq!(x.0, y.0);
        x.1 += y.1;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_districts_figures_are_its_townships_sums_and_agree_with_the_ledger() {
    let app = TestApp::new().await;
    let district = app.user("qu", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, DISTRICT).await;
    let zhen_a = app.user("zhen_a", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let zhen_b = app.user("zhen_b", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_B).await;
    let baodi = app.user("baodi", Role::TownshipStaff, OrgType::TownshipGovernment, "120115101").await;
    let teacher = app.user("laoshi", Role::Teacher, OrgType::School, TOWNSHIP_A).await;
    let police = app.user("jing", Role::Police, OrgType::PoliceStation, TOWNSHIP_A).await;
    for seq in 0..9 {
        let (user, village) = match seq % 3 {
            0 => (&zhen_a, VILLAGE_A),
            1 => (&zhen_a, VILLAGE_A2),
            _ => (&zhen_b, VILLAGE_B),
        };
        app.create_child(user, &varied(&format!("儿童{seq}"), village, seq)).await;
    }
    // Another district's file counts nowhere in 武清区.
    app.create_child(&baodi, &varied("宝坻儿童", "120115101201", 20)).await;
    // A closed file is not an open one.
    let closed = app.create_child(&zhen_b, &varied("已销档", VILLAGE_B, 30)).await;
    let (s, r) = app
        .post(
            &zhen_b,
            &format!("/api/v1/children/{}/close", closed["id"]),
            &json!({"version": 1, "reason": "moved_out"}),
        )
        .await;
    assert_eq!(s, 200, "{r}");
    // Reports: two in 梅厂镇 (one accepted), one in 大碱厂镇.
    let report = |village: &str, situations: Value| {
        json!({
            "situations": situations,
            "discovered_at": "2026-11-29T03:00:00Z",
            "child_description": "男孩，约9岁",
            "village_code": village,
            "description": "孩子独自在家",
        })
    };
    let mut ids = Vec::new();
    for (village, sit) in [
        (VILLAGE_A, json!(["living_alone"])),
        (VILLAGE_A2, json!(["missing", "living_alone"])),
        (VILLAGE_B, json!(["missing"])),
    ] {
        let (s, r) = app.post(&teacher, "/api/v1/reports", &report(village, sit)).await;
        assert_eq!(s, 201, "{r}");
        ids.push(r["id"].as_i64().expect("id"));
    }
    app.clock.advance(chrono::Duration::minutes(25));
    let (_, now) = app.get(&police, &format!("/api/v1/reports/{}", ids[0])).await;
    let (s, r) = app
        .post(
            &police,
            &format!("/api/v1/reports/{}/steps", ids[0]),
            &json!({"step": "accepted", "version": now["version"]}),
        )
        .await;
    assert_eq!(s, 200, "{r}");

    let whole = statistics(&app, "qu", None).await;
    assert_eq!(whole.region, DISTRICT);
    assert_eq!(whole.children, 9, "open files of the district only");
    assert_eq!(whole.reports, 3);
    assert_eq!(counts(&whole.by_situation), [("living_alone".to_string(), 2), ("missing".to_string(), 2)]);
    assert_eq!(whole.response.count, 1);
    assert_eq!(whole.response.median_minutes, Some(25));
    assert_eq!(whole.by_month.iter().find(|b| b.key == "2026-11").map(|b| b.count), Some(3));
    for group in [&whole.by_category, &whole.by_age, &whole.by_guardianship, &whole.by_schooling] {
        assert_eq!(group.iter().map(|b| b.count).sum::<i64>(), whole.children, "every group adds up: {group:?}");
        assert!(group.iter().filter(|b| b.count > 0).count() > 1, "varied fixtures: {group:?}");
    }
    assert_eq!(whole.visits.children, 9, "every open file has a next visit");

    // The district's lines are its townships, and each is what the township's own page says.
    assert_eq!(whole.areas.iter().map(|l| l.code.as_str()).collect::<Vec<_>>(), [TOWNSHIP_A, TOWNSHIP_B]);
    assert_eq!(whole.total.children, whole.children);
    assert_eq!(whole.total.reports, whole.reports);
    let mut sums: Vec<Vec<(String, i64)>> = Vec::new();
    let mut figures = [0i64; 7];
    for line in &whole.areas {
        let t = statistics(&app, "qu", Some(&line.code)).await;
        assert_eq!(
            (t.children, t.reports, t.total.warned),
            (line.children, line.reports, line.warned),
            "{}",
            line.code
        );
        assert_eq!(t.areas.iter().map(|l| l.children).sum::<i64>(), t.children, "villages add up to the township");
        let groups = [&t.by_category, &t.by_age, &t.by_guardianship, &t.by_schooling, &t.warnings, &t.by_month];
        if sums.is_empty() {
            sums = groups.iter().map(|g| counts(g)).collect();
        } else {
            for (s, g) in sums.iter_mut().zip(groups) {
                add(s, &counts(g));
            }
        }
        for (f, v) in figures.iter_mut().zip([
            t.children,
            t.reports,
            t.dropouts.opened,
            t.dropouts.open,
            t.visits.children,
            t.visits.overdue,
            t.visits.covered,
        ]) {
            *f += v;
        }
        // The township's own staff see the same figures.
        let own = statistics(&app, if line.code == TOWNSHIP_A { "zhen_a" } else { "zhen_b" }, None).await;
        assert_eq!(counts(&own.by_category), counts(&t.by_category));
    }
    let district_groups = [
        &whole.by_category,
        &whole.by_age,
        &whole.by_guardianship,
        &whole.by_schooling,
        &whole.warnings,
        &whole.by_month,
    ];
    for (s, g) in sums.iter().zip(district_groups) {
        assert_eq!(*s, counts(g), "the townships' sums are the district's");
    }
    assert_eq!(
        figures,
        [
            whole.children,
            whole.reports,
            whole.dropouts.opened,
            whole.dropouts.open,
            whole.visits.children,
            whole.visits.overdue,
            whole.visits.covered
        ]
    );

    // The ledger of the same scope counts the same files, filter by filter.
    for b in &whole.by_category {
        let (_, page) = app.get(&district, &format!("/api/v1/children?region={DISTRICT}&category={}", b.key)).await;
        assert_eq!(page["total"], b.count, "category {}", b.key);
    }
    for b in whole.by_age.iter().filter(|b| b.key != "other") {
        let (_, page) = app.get(&district, &format!("/api/v1/children?age_band={}", b.key)).await;
        assert_eq!(page["total"], b.count, "age band {}", b.key);
    }
    for b in whole.by_guardianship.iter().filter(|b| b.key != "not_stated") {
        let (_, page) = app.get(&district, &format!("/api/v1/children?guardianship_type={}", b.key)).await;
        assert_eq!(page["total"], b.count, "guardianship {}", b.key);
    }
    let (_, page) = app.get(&district, "/api/v1/children").await;
    assert_eq!(page["total"], whole.children);

    // A region outside the caller's, or not a region, is not found; a township sees no more
    // than its own.
    let (u, p) = ("qu".to_string(), "zhen_a".to_string());
    let refused = app
        .store(move |s| {
            let qu = s.principal_by_username(&u).expect("qu");
            let zhen = s.principal_by_username(&p).expect("zhen_a");
            let q = |r: &str| StatisticsQuery { region: Some(r.into()), ..Default::default() };
            [
                s.statistics(&qu, &q("120115")).is_err(),
                s.statistics(&qu, &q("12")).is_err(),
                s.statistics(&qu, &q("1201' OR 1=1")).is_err(),
                s.statistics(&zhen, &q(TOWNSHIP_B)).is_err(),
            ]
        })
        .await;
    assert_eq!(refused, [true; 4]);

    // The page and its workbook; a teacher has neither.
    let http = reqwest::Client::new();
    let res = http.get(app.url("/statistics")).bearer_auth(&district.token).send().await.expect("page");
    assert_eq!(res.status(), 200);
    let html = res.text().await.expect("html");
    for id in ["chart-category", "table-category", "chart-month", "table-month", "table-areas"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
    }
    let res = http.get(app.url("/statistics?region=120115")).bearer_auth(&district.token).send().await.expect("page");
    assert_eq!(res.status(), 404);
    let res =
        http.get(app.url("/statistics.xlsx?region=120114101")).bearer_auth(&district.token).send().await.expect("xlsx");
    assert_eq!(res.status(), 200);
    assert!(res.bytes().await.expect("bytes").starts_with(b"PK"));
    let res = http.get(app.url("/statistics")).bearer_auth(&teacher.token).send().await.expect("page");
    assert_eq!(res.status(), 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_department_officer_sees_statistics_and_never_a_childs_file() {
    let app = TestApp::new().await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let fulian = app.user("fulian", Role::DepartmentOfficer, OrgType::WomensFederation, "12").await;
    let sifa = app.user("sifa", Role::DepartmentOfficer, OrgType::JusticeBureau, DISTRICT).await;
    let rec = app.create_child(&zhen, &child("甲乙", VILLAGE_A, 1)).await;
    let id = rec["id"].as_i64().expect("id");
    let (s, report) = app
        .post(
            &zhen,
            "/api/v1/reports",
            &json!({"situations": ["living_alone"], "discovered_at": "2026-11-29T03:00:00Z",
                    "child_id": id, "village_code": VILLAGE_A, "description": "孩子独自在家"}),
        )
        .await;
    assert_eq!(s, 201, "{report}");

    for dept in [&fulian, &sifa] {
        let (s_missing, missing) = app.get(dept, "/api/v1/children/999999").await;
        let (s, body) = app.get(dept, &format!("/api/v1/children/{id}")).await;
        assert_eq!((s_missing, s), (404, 404));
        assert_eq!(body, missing, "a file looks exactly like a missing one");
        let (s, _) = app.get(dept, &format!("/api/v1/children/{id}/history")).await;
        assert_eq!(s, 404);
        let (_, ledger) = app.get(dept, "/api/v1/children").await;
        assert_eq!(ledger["total"], 0, "no ledger");
        let (_, found) = app.get(dept, "/api/v1/children?q=%E7%94%B2%E4%B9%99").await;
        assert_eq!(found["total"], 0, "search finds nothing");
        let res =
            reqwest::Client::new().get(app.url("/api/v1/export")).bearer_auth(&dept.token).send().await.expect("x");
        assert_eq!(res.status(), 403, "no export");
        let (s, _) = app.get(dept, &format!("/api/v1/reports/{}", report["id"])).await;
        assert_eq!(s, 404, "no report of another");
        let (_, reports) = app.get(dept, "/api/v1/reports").await;
        assert_eq!(reports, json!([]), "only its own reports, and it filed none");
        for page in [format!("/children/{id}"), "/reports/stats".to_string()] {
            let res = reqwest::Client::new().get(app.url(&page)).bearer_auth(&dept.token).send().await.expect("page");
            assert!([403, 404].contains(&res.status().as_u16()), "{page}: {}", res.status());
        }
        let res = reqwest::Client::new().get(app.url("/statistics")).bearer_auth(&dept.token).send().await.expect("s");
        assert_eq!(res.status(), 200, "statistics");
    }
    // The role in an organisation that is no member department sees no statistics: an
    // account moved there before decision 211 refused such a move.
    let misplaced = app.user("cuowei", Role::DepartmentOfficer, OrgType::JusticeBureau, DISTRICT).await;
    let school = app.org("梅厂镇中心小学", OrgType::School, TOWNSHIP_A).await;
    let moved = app
        .store(move |s| {
            s.pool.write(|c| c.exec("UPDATE users SET org_id = $1 WHERE username = 'cuowei'", &[school.into()]))
        })
        .await;
    assert_eq!(moved.expect("moved"), 1);
    let res = reqwest::Client::new().get(app.url("/statistics")).bearer_auth(&misplaced.token).send().await.expect("s");
    assert_eq!(res.status(), 403);
    // The city's department sees the city; a district's its district.
    assert_eq!(statistics(&app, "fulian", None).await.region, "12");
    let district = statistics(&app, "sifa", None).await;
    assert_eq!((district.region.as_str(), district.children, district.reports), (DISTRICT, 1, 1));
    let (u,) = ("sifa".to_string(),);
    let outside = app
        .store(move |s| {
            let p = s.principal_by_username(&u).expect("sifa");
            s.statistics(&p, &StatisticsQuery { region: Some("120115".into()), ..Default::default() }).is_err()
        })
        .await;
    assert!(outside, "another district is not found");
}

/// The kept counts (decision 188), read row by row, and the same counts made afresh from the
/// open files by a query of the test's own: they must be equal after every kind of write.
async fn assert_counts_are_the_files(app: &TestApp, after: &str) {
    let (kept, fresh) = app
        .store(|s| {
            let (month, day) = if s.pool.is_sqlite() {
                ("coalesce(substr(birth_date, 1, 7), '')", "due_on")
            } else {
                ("coalesce(to_char(birth_date, 'YYYY-MM'), '')", "to_char(due_on, 'YYYY-MM-DD')")
            };
            s.pool
                .read(|c| {
                    let row = |r: &dyn shouhu_store::db::Row| Ok((r.text(0)?, r.text(1)?, r.text(2)?, r.i64(3)?));
                    let kept = c.query(
                        "SELECT area, dim, val, n FROM stat_counts WHERE n <> 0 ORDER BY area, dim, val",
                        &[],
                        row,
                    )?;
                    let fresh = c.query(
                        &format!(
                            "SELECT area, dim, val, n FROM ( \
                             SELECT substr(village_code, 1, 9) AS area, 'c' AS dim, category AS val, count(*) AS n \
                             FROM children WHERE NOT closed GROUP BY 1, 3 \
                             UNION ALL SELECT substr(village_code, 1, 9), 'g', coalesce(guardianship_type, ''), count(*) \
                             FROM children WHERE NOT closed GROUP BY 1, 3 \
                             UNION ALL SELECT substr(village_code, 1, 9), 's', coalesce(schooling, ''), count(*) \
                             FROM children WHERE NOT closed GROUP BY 1, 3 \
                             UNION ALL SELECT substr(village_code, 1, 9), 'w', CAST(warnings AS TEXT), count(*) \
                             FROM children WHERE NOT closed GROUP BY 1, 3 \
                             UNION ALL SELECT substr(village_code, 1, 6), 'm', {month}, count(*) \
                             FROM children WHERE NOT closed GROUP BY 1, 3 \
                             UNION ALL SELECT substr(village_code, 1, 6), 'v6', {day}, count(*) \
                             FROM visit_due GROUP BY 1, 3 \
                             UNION ALL SELECT substr(village_code, 1, 9), 'v9', {day}, count(*) \
                             FROM visit_due GROUP BY 1, 3 \
                             UNION ALL SELECT substr(village_code, 1, 6), 'V6', {day}, count(*) \
                             FROM visit_due WHERE last_visit_on IS NOT NULL GROUP BY 1, 3 \
                             UNION ALL SELECT substr(village_code, 1, 9), 'V9', {day}, count(*) \
                             FROM visit_due WHERE last_visit_on IS NOT NULL GROUP BY 1, 3) x"
                        ),
                        &[],
                        row,
                    )?;
                    Ok((kept, fresh))
                })
                .expect("counts")
        })
        .await;
    // Sorted here: the databases' collations order the codes differently.
    let (mut kept, mut fresh) = (kept, fresh);
    kept.sort();
    fresh.sort();
    assert!(!fresh.is_empty(), "{after}: there are open files");
    assert_eq!(kept, fresh, "after {after}, the kept counts are the files'");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kept_counts_follow_every_write_and_the_age_bands_are_exact_at_their_boundaries() {
    let app = TestApp::new().await;
    let district = app.user("qu", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, DISTRICT).await;
    let zhen_a = app.user("zhen_a", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let zhen_b = app.user("zhen_b", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_B).await;
    // Today is 2026-11-29: a child born on 2020-11-29 is six, one born a day later five; one
    // born on 2012-11-29 is fourteen. Each boundary month is split between two bands.
    let births = ["2020-11-29", "2020-11-30", "2020-11-01", "2012-11-29", "2012-11-30", "2010-11-30", "2018-06-15"];
    let mut ids = Vec::new();
    for (seq, birth) in births.iter().enumerate() {
        let seq = seq as u32 + 1;
        let mut f = varied(&format!("儿童{seq}"), if seq.is_multiple_of(2) { VILLAGE_A } else { VILLAGE_B }, seq);
        f["birth_date"] = json!(birth);
        f["id_number"] = json!(id_for(DISTRICT, birth, true, seq));
        let user = if seq.is_multiple_of(2) { &zhen_a } else { &zhen_b };
        let rec = app.create_child(user, &f).await;
        ids.push((rec["id"].as_i64().expect("id"), user.clone()));
    }
    assert_counts_are_the_files(&app, "creating files").await;
    // A visit moves the file's next visit and marks it visited.
    let director = app.user("zhuren", Role::ChildDirector, OrgType::VillageCommittee, VILLAGE_B).await;
    let visit = json!({"visited_on": "2026-11-29", "kind": "home", "child_seen": true, "lives_with": "entrusted_carer",
        "carer_state": "capable", "safety": "safe", "health": "good", "schooling": "attending", "mood": "good",
        "notes": "孩子在写作业", "guidance": "提醒注意用电安全",
        "parents_last_contact_on": "2026-11-29", "parents_contact_channel": "video"});
    let (s, r) = app.post(&director, &format!("/api/v1/children/{}/visits", ids[0].0), &visit).await;
    assert_eq!(s, 201, "{r}");
    assert_counts_are_the_files(&app, "a visit").await;

    // An edit that changes every counted column, moving the file to the other township.
    // (The district moves it: a township may not write into another.)
    let (id, user) = (ids[1].0, district.clone());
    let (_, rec) = app.get(&user, &format!("/api/v1/children/{id}")).await;
    let mut file = rec["file"].clone();
    file["village_code"] = json!(VILLAGE_B);
    file["birth_date"] = json!("2019-02-03");
    file["id_number"] = json!(id_for(DISTRICT, "2019-02-03", true, 41));
    file["guardianship_type"] = json!("good");
    file["schooling"] = json!("primary");
    file["mother"] = json!({"name": "母亲", "away_for_work": false, "capable": true});
    let (s, r) =
        app.put(&user, &format!("/api/v1/children/{id}"), &json!({"version": rec["version"], "file": file})).await;
    assert_eq!(s, 200, "{r}");
    assert_counts_are_the_files(&app, "an edit").await;

    // Closing takes a file out of every count; reopening puts it back.
    let (id, user) = ids[0].clone();
    let (_, rec) = app.get(&user, &format!("/api/v1/children/{id}")).await;
    let version = rec["version"].as_i64().expect("version");
    let (s, r) = app
        .post(&user, &format!("/api/v1/children/{id}/close"), &json!({"version": version, "reason": "moved_out"}))
        .await;
    assert_eq!(s, 200, "{r}");
    assert_counts_are_the_files(&app, "closing").await;
    let (s, r) = app.post(&user, &format!("/api/v1/children/{id}/reopen"), &json!({"version": version + 1})).await;
    assert_eq!(s, 200, "{r}");
    let (s, r) = app
        .post(&user, &format!("/api/v1/children/{}/close", ids[2].0), &json!({"version": 1, "reason": "moved_out"}))
        .await;
    assert_eq!(s, 200, "{r}");
    assert_counts_are_the_files(&app, "reopening").await;

    // A census import writes many files at once with the triggers paused, then counts its
    // districts again: a new file and an update of an existing one.
    let csv = format!(
        "姓名,性别,出生日期,身份证号码,现居住地址,所在村（居）,父亲外出务工,母亲外出务工,单独居住生活,监护类型\n\
         王五,男,2016-05-04,{},一组,{VILLAGE_A},是,是,是,监护情况较好\n\
         儿童4,男,2012-11-29,{},一组,{VILLAGE_A2},是,是,否,监护情况一般\n",
        id_for(DISTRICT, "2016-05-04", true, 77),
        id_for(DISTRICT, "2012-11-29", true, 4),
    );
    let j = app.import_sheet(&zhen_a, "普查.csv", csv.into_bytes(), &[("on_existing", "update")]).await;
    assert_eq!(j["state"], "done", "{j}");
    assert_eq!((&j["outcome"]["created"], &j["outcome"]["updated"]), (&json!(1), &json!(1)), "{j}");
    assert_counts_are_the_files(&app, "an import").await;
    // The import's pause ended with it: a file closed after it leaves the counts at once.
    let (id, user) = ids[5].clone();
    let (_, rec) = app.get(&user, &format!("/api/v1/children/{id}")).await;
    let version = rec["version"].as_i64().expect("version");
    let before = statistics(&app, "qu", None).await.children;
    let (s, r) = app
        .post(&user, &format!("/api/v1/children/{id}/close"), &json!({"version": version, "reason": "moved_out"}))
        .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(statistics(&app, "qu", None).await.children, before - 1);
    assert_counts_are_the_files(&app, "closing after an import").await;
    // An import of new files only adds what they count, without counting their district
    // again (decision 223).
    let csv = format!(
        "姓名,性别,出生日期,身份证号码,现居住地址,所在村（居）,父亲外出务工,母亲外出务工,单独居住生活,监护类型\n\
         赵六,女,2019-02-03,{},二组,{VILLAGE_A},是,否,否,监护情况较好\n\
         孙七,男,2010-08-30,{},三组,{VILLAGE_A2},是,是,否,监护情况一般\n",
        id_for(DISTRICT, "2019-02-03", false, 78),
        id_for(DISTRICT, "2010-08-30", true, 79),
    );
    let j = app.import_sheet(&zhen_a, "普查二.csv", csv.into_bytes(), &[]).await;
    assert_eq!(j["state"], "done", "{j}");
    assert_eq!((&j["outcome"]["created"], &j["outcome"]["updated"]), (&json!(2), &json!(0)), "{j}");
    assert_eq!(statistics(&app, "qu", None).await.children, before + 1);
    assert_counts_are_the_files(&app, "an import of new files").await;

    // The district's age bands, read from the counts and the boundary months, are the
    // ledger's, band by band, as are its categories.
    let whole = statistics(&app, "qu", None).await;
    for b in whole.by_age.iter().filter(|b| b.key != "other") {
        let (_, page) = app.get(&district, &format!("/api/v1/children?age_band={}", b.key)).await;
        assert_eq!(page["total"], b.count, "age band {}", b.key);
    }
    assert!(whole.by_age.iter().filter(|b| b.key != "other" && b.count > 0).count() >= 2, "{:?}", whole.by_age);
    let (_, page) = app.get(&district, "/api/v1/children").await;
    assert_eq!(page["total"], whole.children);
    let mut by_township = 0;
    for line in &whole.areas {
        by_township += statistics(&app, "qu", Some(&line.code)).await.children;
    }
    assert_eq!(by_township, whole.children);
    // The daily recompute rewrites category and warnings where they changed.
    app.clock.advance(chrono::Duration::days(400));
    app.store(|s| {
        s.recompute(&shouhu_store::recompute::Options { server: "t".into(), full: true, ..Default::default() })
            .expect("recompute")
    })
    .await;
    assert_counts_are_the_files(&app, "the daily recompute").await;
    // A year on (other boundary days), the district's bands from the counts are still its
    // townships' sums from their files.
    let later = statistics(&app, "qu", None).await;
    let mut sums = counts(&statistics(&app, "qu", Some(TOWNSHIP_A)).await.by_age);
    add(&mut sums, &counts(&statistics(&app, "qu", Some(TOWNSHIP_B)).await.by_age));
    assert_eq!(counts(&later.by_age), sums, "a year on");
}
