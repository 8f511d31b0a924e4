//! What the search-term index alone costs to fill at the scale of a city (issue 3): the
//! terms of N synthetic names and ID numbers (`search_terms::terms`, 11–13 per child) inserted
//! into a fresh `child_search` table of the current schema (migration 0003), in one transaction.
//!
//! `cargo run --release -p shouhu-bench --example search_terms_insert -- N CACHE MODE`
//! - CACHE: SQLite `cache_size` (negative: KiB), e.g. -65536 (shouhu's) or -2000000;
//! - MODE: `child` (in child order, as an import writes them) or `sorted` (in index order).
use shouhu_domain::clock::{Clock, SystemClock};
use std::sync::Arc;
use std::time::Instant;
fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    assert!(args.len() == 4, "usage: search_terms_insert N CACHE child|sorted");
    let n: usize = args[1].parse()?;
    let cache: i64 = args[2].parse()?;
    let mode = args[3].clone();
    // A fresh registry made by shouhu's own migrations, so the table is the one the import fills.
    let dir = std::env::temp_dir().join(format!("shouhu-search-terms-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("shouhu.db");
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let key = shouhu_store::audit_chain::AuditKey::random();
    drop(shouhu::server::open_store(&format!("sqlite://{}", path.display()), clock, key)?);
    let c = rusqlite::Connection::open(&path)?;
    c.execute_batch(&format!(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size={cache}; PRAGMA temp_store=MEMORY;"
    ))?;
    let surnames: Vec<char> = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段漕钱汤尹黎易常武乔贺赖龚文".chars().collect();
    let given: Vec<char> = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉力永健世广志义兴良海山仁波宁贵福生龙元全胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘".chars().collect();
    let mut seed: u64 = 42;
    let mut rnd = |m: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % m as u64) as usize
    };
    let mut rows: Vec<(String, String, i64)> = Vec::new();
    let t0 = Instant::now();
    for id in 0..n {
        let mut name = String::new();
        name.push(surnames[rnd(surnames.len())]);
        name.push(given[rnd(given.len())]);
        if rnd(3) > 0 {
            name.push(given[rnd(given.len())]);
        }
        let idn: String = (0..18).map(|_| char::from(b'0' + rnd(10) as u8)).collect();
        // The ID number's term is a keyed hash of its last digits (decision 96): 18 characters.
        let id_term = format!("s:{}", &idn[..16]);
        for t in shouhu_store::search_terms::terms(&name, Some(&id_term)) {
            rows.push((t, name.clone(), id as i64 + 1));
        }
    }
    eprintln!("{} terms generated in {:?}", rows.len(), t0.elapsed());
    if mode == "sorted" {
        rows.sort();
    }
    let t = Instant::now();
    c.execute_batch("BEGIN")?;
    {
        let mut st = c.prepare(
            "INSERT INTO child_search (term, closed, name, child_id, district_code, village_code, school_org_id) \
             VALUES (?1, 0, ?2, ?3, '120114', '120114001001', NULL)",
        )?;
        for (i, (term, name, id)) in rows.iter().enumerate() {
            st.execute(rusqlite::params![term, name, id])?;
            if i % 2_000_000 == 0 {
                eprintln!("{i} at {:?}", t.elapsed());
            }
        }
    }
    c.execute_batch("COMMIT")?;
    eprintln!("mode {mode} cache {cache}: {} rows in {:?}", rows.len(), t.elapsed());
    drop(c);
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
