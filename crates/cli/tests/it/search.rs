//! The search box: names, pinyin, initials, ID numbers and their last digits, within scope.

use crate::harness::*;
use shouhu_domain::role::{OrgType, Role};

fn names(v: &serde_json::Value) -> Vec<String> {
    v["rows"].as_array().expect("rows").iter().filter_map(|r| r["name"].as_str().map(str::to_string)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finds_a_child_by_name_part_pinyin_initials_and_id_digits() {
    let app = TestApp::new().await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let zhen_b = app.user("zhen_b", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_B).await;
    let rec = app.create_child(&zhen, &child("张小明", VILLAGE_A, 1)).await;
    app.create_child(&zhen, &child("王小红", VILLAGE_A, 2)).await;
    app.create_child(&zhen_b, &child("张晓明", VILLAGE_B, 3)).await;
    let idn = rec["file"]["id_number"].as_str().expect("id").to_string();
    let last4 = &idn[14..];

    for q in [
        "张小明",
        "小明",
        "zxm",
        "ZXM",
        "zhangxiaoming",
        "zhangx",
        "xiaoming",
        idn.as_str(),
        &idn.to_lowercase(),
        last4,
    ] {
        let (s, p) = app.get(&zhen, &format!("/api/v1/children?q={q}")).await;
        assert_eq!(s, 200);
        assert_eq!(names(&p), vec!["张小明"], "query {q}");
    }
    let (_, p) = app.get(&zhen, "/api/v1/children?q=小").await;
    assert_eq!(names(&p), vec!["张小明", "王小红"]);
    // 张晓明 is in another township: not found by its own township's neighbour.
    let (_, p) = app.get(&zhen, "/api/v1/children?q=zxm").await;
    assert_eq!(p["rows"].as_array().expect("rows").len(), 1);
    let (_, p) = app.get(&zhen_b, "/api/v1/children?q=zxm").await;
    assert_eq!(names(&p), vec!["张晓明"]);
    // Too little to search on gives nothing rather than everything.
    let (_, p) = app.get(&zhen, "/api/v1/children?q=12").await;
    assert!(names(&p).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renamed_child_is_found_by_the_new_name_only() {
    let app = TestApp::new().await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let rec = app.create_child(&zhen, &child("刘一", VILLAGE_A, 1)).await;
    let mut file = rec["file"].clone();
    file["name"] = serde_json::json!("陈二");
    let (s, _) = app
        .put(&zhen, &format!("/api/v1/children/{}", rec["id"]), &serde_json::json!({"version": 1, "file": file}))
        .await;
    assert_eq!(s, 200);
    let (_, p) = app.get(&zhen, "/api/v1/children?q=chener").await;
    assert_eq!(names(&p), vec!["陈二"]);
    let (_, p) = app.get(&zhen, "/api/v1/children?q=刘一").await;
    assert!(names(&p).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_child_moved_to_another_township_is_found_there_only() {
    let app = TestApp::new().await;
    let qu = app.user("qu", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120114").await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let zhen_b = app.user("zhen_b", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_B).await;
    let rec = app.create_child(&zhen, &child("周迁居", VILLAGE_A, 1)).await;
    let (_, p) = app.get(&zhen, "/api/v1/children?q=zhouqianju").await;
    assert_eq!(names(&p), vec!["周迁居"]);
    // The name stays; only the village changes.
    let mut file = rec["file"].clone();
    file["village_code"] = serde_json::json!(VILLAGE_B);
    let (s, r) = app
        .put(&qu, &format!("/api/v1/children/{}", rec["id"]), &serde_json::json!({"version": 1, "file": file}))
        .await;
    assert_eq!(s, 200, "{r}");
    for q in ["zhouqianju", "周迁居", "迁居"] {
        let (_, p) = app.get(&zhen_b, &format!("/api/v1/children?q={q}")).await;
        assert_eq!(names(&p), vec!["周迁居"], "the new township finds it by {q}");
        let (_, p) = app.get(&zhen, &format!("/api/v1/children?q={q}")).await;
        assert!(names(&p).is_empty(), "the old township no longer does: {q}");
    }
}

/// `n` children named 李 and one more character, in one village.
async fn many_li(app: &TestApp, user: &User, n: u32) {
    for i in 0..n {
        let given = char::from_u32(0x5B50 + i).expect("a CJK character");
        app.create_child(user, &child(&format!("李{given}"), VILLAGE_A, 100 + i)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_that_stops_at_its_page_counts_them_all_and_says_where_the_next_starts() {
    let app = TestApp::new().await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    many_li(&app, &zhen, 3).await;
    // Exact term, prefix term (pinyin) and the whole set, each over a page of two.
    for q in ["李", "li"] {
        let (s, p) = app.get(&zhen, &format!("/api/v1/children?q={q}&per_page=2")).await;
        assert_eq!(s, 200, "{p}");
        assert_eq!((p["rows"].as_array().map(Vec::len), p["total"].as_i64()), (Some(2), Some(3)), "{q}: {p}");
        assert_eq!(p["total_capped"], false, "{q}: three match, counted: {p}");
        let next = p["next"].as_str().expect("a next page");
        let (_, p2) = app.get(&zhen, &format!("/api/v1/children?q={q}&per_page=2&after={next}&page=2")).await;
        assert_eq!(p2["rows"].as_array().map(Vec::len), Some(1), "{q}: the third on the second page: {p2}");
        assert!(p2.get("next").is_none(), "{q}: the last page: {p2}");
        let (_, p) = app.get(&zhen, &format!("/api/v1/children?q={q}&per_page=3")).await;
        assert_eq!((p["total"].as_i64(), p["total_capped"].as_bool()), (Some(3), Some(false)), "{q}: {p}");
        assert!(p.get("next").is_none(), "{q}: {p}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ledger_page_counts_a_search_past_fifty_and_links_its_next_page() {
    let app = TestApp::new().await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    many_li(&app, &zhen, 51).await;
    let (client, _) = crate::pages::browser(&app, "zhen").await;
    let html = client.get(app.url("/children?q=李")).send().await.expect("page").text().await.expect("html");
    let count = html.split("id=\"result-count\">").nth(1).and_then(|s| s.split('<').next()).unwrap_or("");
    assert_eq!(count, format!("{}51{}", shouhu_domain::msg::TOTAL_PREFIX, shouhu_domain::msg::TOTAL_SUFFIX), "{count}");
    assert!(html.contains("id=\"next-page\""), "a link to the 51st");
    let (_, p) = app.get(&zhen, "/api/v1/children?q=李&per_page=50").await;
    assert_eq!((p["total"].as_i64(), p["total_capped"].as_bool()), (Some(51), Some(false)));
}

/// `n` files named `name` in `villages` in turn, written in one transaction by `username`;
/// their ids.
async fn many_named(app: &TestApp, username: &str, name: &str, villages: &[&str], n: usize, seq0: usize) -> Vec<i64> {
    let numbers = (seq0..seq0 + n)
        .map(|i| {
            // 400 numbers a birth date, so that every file has its own.
            let birth =
                chrono::NaiveDate::from_ymd_opt(2012, 1, 1).expect("date") + chrono::Duration::days((i / 400) as i64);
            let village = villages[i % villages.len()];
            (birth, id_for(&village[..6], &birth.to_string(), true, (i % 400) as u32))
        })
        .collect();
    with_numbers(app, username, name, villages, numbers).await
}

/// Files named `name`, one for each (birth date, ID number), in `villages` in turn, written
/// in one transaction by `username`; their ids.
async fn with_numbers(
    app: &TestApp,
    username: &str,
    name: &str,
    villages: &[&str],
    numbers: Vec<(chrono::NaiveDate, String)>,
) -> Vec<i64> {
    let p = {
        let u = username.to_string();
        app.store(move |s| s.principal_by_username(&u).expect("user")).await
    };
    let (name, villages): (String, Vec<String>) = (name.to_string(), villages.iter().map(|v| v.to_string()).collect());
    app.store(move |s| {
        let files = numbers
            .into_iter()
            .enumerate()
            .map(|(i, (birth, idn))| {
                let mut f = child(&name, &villages[i % villages.len()], 0);
                f["birth_date"] = serde_json::json!(birth.to_string());
                f["id_number"] = serde_json::json!(idn);
                serde_json::from_value(f).expect("file")
            })
            .collect();
        s.create_children(&p.actor(), files, "test").expect("files")
    })
    .await
}

/// Every page of `/api/v1/children?{query}`, following `next`: the ids in order, and each
/// page's (total, total_capped).
async fn all_pages(app: &TestApp, user: &User, query: &str) -> (Vec<i64>, Vec<(i64, bool)>) {
    let (mut ids, mut counts) = (Vec::new(), Vec::new());
    let mut path = format!("/api/v1/children?{query}");
    for page in 2.. {
        let (s, p) = app.get(user, &path).await;
        assert_eq!(s, 200, "{path}: {p}");
        ids.extend(p["rows"].as_array().expect("rows").iter().map(|r| r["id"].as_i64().expect("id")));
        counts.push((p["total"].as_i64().expect("total"), p["total_capped"].as_bool().expect("capped")));
        match p["next"].as_str() {
            Some(next) => path = format!("/api/v1/children?{query}&after={next}&page={page}"),
            None => break,
        }
        assert!(page < 100, "paging does not end");
    }
    (ids, counts)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_name_shared_by_500_children_pages_through_every_one_in_a_stable_order() {
    let app = TestApp::new().await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    app.user("zhen_b", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_B).await;
    let mut mine = many_named(&app, "zhen", "王芳", &[VILLAGE_A, VILLAGE_A2], 500, 0).await;
    // The same name in the next township, and one more 王芳 closed.
    many_named(&app, "zhen_b", "王芳", &[VILLAGE_B], 30, 500).await;
    mine.sort_unstable();
    for query in ["q=王芳&per_page=45", "q=wangfang&per_page=45", "q=wf&per_page=100", "q=芳&per_page=45"] {
        let (ids, counts) = all_pages(&app, &zhen, query).await;
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), ids.len(), "{query}: a child shown twice");
        assert_eq!(sorted, mine, "{query}: every file of the township's 500, none of the next township's");
        assert!(counts.iter().all(|c| *c == (500, false)), "{query}: counted exactly on every page: {counts:?}");
        // The same pages again: the same order.
        assert_eq!(all_pages(&app, &zhen, query).await.0, ids, "{query}: a stable order");
    }
}

/// Many files whose ID numbers end in the same four characters (a city of millions has
/// about 900 for each ending) page through like a shared name: every one once, in a stable
/// order, counted on every page, none outside the reader's township.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_four_digits_shared_by_many_page_through_every_one() {
    let app = TestApp::new().await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    app.user("zhen_b", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_B).await;
    // One sequence number on many birth dates: the check character makes about one in
    // eleven end alike.
    let first = chrono::NaiveDate::from_ymd_opt(2012, 1, 1).expect("date");
    let mut numbers: Vec<(chrono::NaiveDate, String)> = (0..2000)
        .map(|d| first + chrono::Duration::days(d))
        .map(|birth| (birth, id_for("120114", &birth.to_string(), true, 123)))
        .collect();
    let tail = numbers[0].1[14..].to_string();
    numbers.retain(|(_, idn)| idn.ends_with(&tail));
    assert!(numbers.len() >= 70, "enough numbers end in {tail}: {}", numbers.len());
    let theirs = numbers.split_off(62);
    let mut mine = with_numbers(&app, "zhen", "赵丽", &[VILLAGE_A, VILLAGE_A2], numbers).await;
    with_numbers(&app, "zhen_b", "钱丽", &[VILLAGE_B], theirs).await;
    mine.sort_unstable();

    for query in [format!("q={tail}&per_page=25"), format!("q={}&per_page=7", tail.to_lowercase())] {
        let (ids, counts) = all_pages(&app, &zhen, &query).await;
        assert_eq!(ids.len(), 62, "{query}: {counts:?}");
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, mine, "{query}: every file of the township once, none of the next one's");
        assert!(counts.iter().all(|c| *c == (62, false)), "{query}: counted on every page: {counts:?}");
        assert_eq!(all_pages(&app, &zhen, &query).await.0, ids, "{query}: a stable order");
    }
    // Narrowed to one village: half of them.
    let (ids, counts) = all_pages(&app, &zhen, &format!("q={tail}&region={VILLAGE_A2}&per_page=10")).await;
    assert_eq!((ids.len(), counts[0]), (31, (31, false)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_narrows_to_a_village_and_never_leaves_the_scope_on_any_page() {
    let app = TestApp::new().await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let zhen_b = app.user("zhen_b", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_B).await;
    let qu = app.user("qu", Role::DistrictOfficer, OrgType::DistrictCivilAffairs, "120114").await;
    let in_a = many_named(&app, "zhen", "李娜", &[VILLAGE_A, VILLAGE_A2], 60, 0).await;
    let mut in_b = many_named(&app, "zhen_b", "李娜", &[VILLAGE_B], 25, 60).await;
    in_b.sort_unstable();

    // The district narrows to one village of 梅厂镇, then to 大碱厂镇.
    let (ids, counts) = all_pages(&app, &qu, &format!("q=李娜&region={VILLAGE_A2}&per_page=7")).await;
    assert_eq!(ids.len(), 30);
    assert!(counts.iter().all(|c| *c == (30, false)), "{counts:?}");
    let a2: Vec<i64> = in_a.iter().enumerate().filter(|(i, _)| i % 2 == 1).map(|(_, id)| *id).collect();
    let mut got = ids.clone();
    got.sort_unstable();
    let mut want = a2.clone();
    want.sort_unstable();
    assert_eq!(got, want, "only the village's files");
    for q in ["李娜", "lina", "ln"] {
        let (mut ids, _) = all_pages(&app, &qu, &format!("q={q}&region={TOWNSHIP_B}&per_page=10")).await;
        ids.sort_unstable();
        assert_eq!(ids, in_b, "{q} narrowed to 大碱厂镇");
        let (all, _) = all_pages(&app, &qu, &format!("q={q}&per_page=10")).await;
        assert_eq!(all.len(), 85, "{q}: the whole district");
    }

    // 大碱厂镇's officer: its own 25 on every page, whatever the region or page key says.
    let (mut ids, counts) = all_pages(&app, &zhen_b, "q=李娜&per_page=4").await;
    ids.sort_unstable();
    assert_eq!(ids, in_b);
    assert!(counts.iter().all(|c| *c == (25, false)), "{counts:?}");
    let (s, p) = app.get(&zhen_b, &format!("/api/v1/children?q=李娜&region={TOWNSHIP_A}")).await;
    assert_eq!(s, 200);
    assert!(p["rows"].as_array().expect("rows").is_empty(), "another township narrowed to is nothing: {p}");
    assert_eq!(p["total"], 0);
    // A page key taken from 梅厂镇's pages reads on from there, inside 大碱厂镇 only.
    let (_, first) = app.get(&zhen, "/api/v1/children?q=李娜&per_page=5").await;
    let key = first["next"].as_str().expect("a next page").to_string();
    let (s, p) = app.get(&zhen_b, &format!("/api/v1/children?q=李娜&per_page=100&after={key}")).await;
    assert_eq!(s, 200);
    assert!(p["rows"].as_array().expect("rows").iter().all(|r| in_b.contains(&r["id"].as_i64().expect("id"))), "{p}");
    // A key that is not one is refused, naming the field.
    let (s, p) = app.get(&zhen_b, "/api/v1/children?q=李娜&after=xyz").await;
    assert_eq!(s, 422, "{p}");
    assert!(p.to_string().contains("after"), "{p}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ledger_page_pages_through_a_search_narrowed_to_a_village() {
    let app = TestApp::new().await;
    app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let ids = many_named(&app, "zhen", "赵磊", &[VILLAGE_A, VILLAGE_A2], 120, 0).await;
    let (client, _) = crate::pages::browser(&app, "zhen").await;
    let count = |html: &str| {
        html.split("id=\"result-count\">").nth(1).and_then(|s| s.split('<').next()).unwrap_or("").to_string()
    };
    // The next page's link as a browser reads it (the page escapes its `&`).
    let next = |html: &str| {
        let link = html.split("id=\"next-page\"").next().and_then(|s| s.rsplit("href=\"").next())?;
        Some(link[..link.find('"')?].replace("&amp;", "&").replace("&#38;", "&"))
    };
    let mut url = format!("/children?q=赵磊&region={VILLAGE_A}");
    let mut seen = Vec::new();
    for page in 1.. {
        let html = client.get(app.url(&url)).send().await.expect("page").text().await.expect("html");
        assert_eq!(count(&html), format!("{}60{}", shouhu_domain::msg::TOTAL_PREFIX, shouhu_domain::msg::TOTAL_SUFFIX));
        assert!(html.contains("id=\"search-region\""), "the region is chosen beside the box");
        seen.extend(ids.iter().filter(|id| html.contains(&format!("href=\"/children/{id}\""))).copied());
        if page > 1 {
            assert!(html.contains("id=\"first-page\""), "back to the first page");
        }
        if !html.contains("id=\"next-page\"") {
            break;
        }
        url = next(&html).expect("next link");
        assert!(url.contains(&format!("region={VILLAGE_A}")), "the next page keeps the region: {url}");
        assert!(page < 10);
    }
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), 60, "every file of the village, over two pages of 50");
}

/// The ledger counts its files up to `ledger.count_limit` and then says "more than", on every
/// page, a page past the end included; a search counts its own way (`search.count_limit`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ledger_counts_up_to_its_limit_on_every_page() {
    let app = TestApp::with_settings("[ledger]\ncount_limit = 50\n").await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    let mine = many_named(&app, "zhen", "王芳", &[VILLAGE_A, VILLAGE_A2], 60, 0).await;
    let mut shown = Vec::new();
    for page in 1..=4 {
        let (s, p) = app.get(&zhen, &format!("/api/v1/children?per_page=25&page={page}")).await;
        assert_eq!(s, 200, "{p}");
        assert_eq!((p["total"].as_i64(), p["total_capped"].as_bool()), (Some(50), Some(true)), "page {page}: {p}");
        shown.extend(p["rows"].as_array().expect("rows").iter().map(|r| r["id"].as_i64().expect("id")));
    }
    shown.sort_unstable();
    let mut mine = mine;
    mine.sort_unstable();
    assert_eq!(shown, mine, "every file once, in three pages and an empty fourth");
    let (_, p) = app.get(&zhen, "/api/v1/children?per_page=25&region=999").await;
    assert_eq!((p["total"].as_i64(), p["total_capped"].as_bool()), (Some(0), Some(false)), "nothing: {p}");
    let (_, p) = app.get(&zhen, &format!("/api/v1/children?per_page=25&region={VILLAGE_A}")).await;
    assert_eq!((p["total"].as_i64(), p["total_capped"].as_bool()), (Some(30), Some(false)), "a village's: {p}");
    let (_, p) = app.get(&zhen, "/api/v1/children?q=王芳&per_page=25").await;
    assert_eq!((p["total"].as_i64(), p["total_capped"].as_bool()), (Some(60), Some(false)), "a search: {p}");
}

/// A pinyin prefix is counted in files, not in the term rows that match it: 张张 matches `zh`
/// twice (p:zhangzhang, p:zhang). Twice the cap's rows are read first, then the budget.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prefix_matching_each_file_twice_is_counted_in_files() {
    let app = TestApp::with_settings("[search]\ncount_limit = 50\ncount_budget_rows = 400\n").await;
    let zhen = app.user("zhen", Role::TownshipStaff, OrgType::TownshipGovernment, TOWNSHIP_A).await;
    many_named(&app, "zhen", "张张", &[VILLAGE_A, VILLAGE_A2], 60, 0).await;
    let counted = |query: String| {
        let (app, zhen) = (&app, &zhen);
        async move {
            let (s, p) = app.get(zhen, &format!("/api/v1/children?{query}")).await;
            assert_eq!(s, 200, "{p}");
            (p["total"].as_i64().expect("total"), p["total_capped"].as_bool().expect("capped"))
        }
    };
    // 120 rows, the first 100 of which hold 50 files: the budget's 400 find the 60.
    assert_eq!(counted("q=zh".into()).await, (50, true), "more files than the cap");
    // Narrowed to a village: 30 files, counted exactly though their rows pass the first 100.
    assert_eq!(counted(format!("q=zh&region={VILLAGE_A}")).await, (30, false));
    assert_eq!(counted("q=zhangzhang".into()).await, (50, true), "one row a file: the cap");
}
