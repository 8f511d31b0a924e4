//! Synthetic children's files for demonstrations and load tests.
//!
//! The generator is deterministic for a seed, follows the census proportions of
//! docs/domain.md §4 (carers, ages, sex, health), and every file it makes passes
//! [`shouhu_domain::validate::child_file`] unchanged: the ID numbers carry the right district,
//! birth date, sex parity and check character (§5), and the child's ID numbers are unique
//! within one generator, however many children it makes.

use chrono::{Datelike, NaiveDate};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use shouhu_domain::age::{self, AgeBand, AgeRule};
use shouhu_domain::child::{ChildFile, EntrustedGuardian, Grandparent, Parent};
use shouhu_domain::codes::{Assistance, GuardianshipType, Health, IncomeSource, Relation, Schooling, Sex};
use shouhu_domain::id_number;
use shouhu_domain::region;
use shouhu_store::regions::RegionIndex;

/// Picks the village codes inside the given township codes (9 digits) from the index, sorted
/// and without duplicates. Any other region code works too: a district code gives all of its
/// villages, a village code the village itself.
pub fn villages_of(regions: &RegionIndex, townships: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = regions
        .villages()
        .filter(|v| townships.iter().any(|t| region::within(&v.code, t)))
        .map(|v| v.code.clone())
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// All village codes of the index, sorted.
pub fn all_villages(regions: &RegionIndex) -> Vec<String> {
    let mut out: Vec<String> = regions.villages().map(|v| v.code.clone()).collect();
    out.sort_unstable();
    out
}

/// Used when the caller gives no usable village code: a well-formed Tianjin code, which the
/// store will refuse unless such a village exists.
const PLACEHOLDER_VILLAGE: &str = "120000000000";

/// Share of boys, 2018 figures (docs/domain.md §4).
const BOYS: f64 = 0.545;

/// The census age bands and their shares in per mille: 0–5 27.8%, 6–13 62.0%, 14–15 10.2%.
const AGE_BANDS: [(AgeBand, u32); 3] =
    [(AgeBand::From0To5, 278), (AgeBand::From6To13, 620), (AgeBand::From14To16, 102)];

/// Who looks after the child, 2016 census (docs/domain.md §4), in per mille.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Carer {
    /// Both parents away, a grandparent is the entrusted guardian: 89.3%.
    Grandparent,
    /// Both parents away, a relative or friend is the entrusted guardian: 3.3%.
    RelativeOrFriend,
    /// One parent away, the other without guardianship capacity: 3.4%.
    ParentIncapable,
    /// Both parents away, nobody entrusted: 4.0%.
    Unsupervised,
}

const CARERS: [(Carer, u32); 4] =
    [(Carer::Grandparent, 893), (Carer::RelativeOrFriend, 33), (Carer::ParentIncapable, 34), (Carer::Unsupervised, 40)];

/// Chance that a child has no registered hukou (and so no ID number): higher for babies,
/// so that about 3% of all children have none.
const NO_HUKOU_AGE_0: f64 = 0.15;
const NO_HUKOU_OLDER: f64 = 0.0242;

/// Chance that a child's ID number carries a retired district code.
const RETIRED_CODE: f64 = 0.02;

/// Tianjin's districts (GB/T 2260) and the retired code a number issued before the change
/// may still carry (县 → 区, or the three districts merged into 滨海新区 in 2009).
const DISTRICTS: [(&str, &str, &[&str]); 16] = [
    ("120101", "和平区", &[]),
    ("120102", "河东区", &[]),
    ("120103", "河西区", &[]),
    ("120104", "南开区", &[]),
    ("120105", "河北区", &[]),
    ("120106", "红桥区", &[]),
    ("120110", "东丽区", &[]),
    ("120111", "西青区", &[]),
    ("120112", "津南区", &[]),
    ("120113", "北辰区", &[]),
    ("120114", "武清区", &["120222"]),
    ("120115", "宝坻区", &["120224"]),
    ("120116", "滨海新区", &["120107", "120108", "120109"]),
    ("120117", "宁河区", &["120221"]),
    ("120118", "静海区", &["120223"]),
    ("120119", "蓟州区", &["120225"]),
];

/// Retired codes used for districts that have none of their own.
const RETIRED_FALLBACK: [&str; 3] = ["120221", "120223", "120225"];

/// Counties a parent may come from outside Tianjin (mostly neighbouring Hebei).
const OUTSIDE_CODES: [&str; 11] = [
    "131022", // 河北省固安县
    "131024", // 河北省香河县
    "131025", // 河北省大城县
    "131081", // 河北省霸州市
    "131082", // 河北省三河市
    "130922", // 河北省青县
    "130983", // 河北省黄骅市
    "130229", // 河北省玉田县
    "371423", // 山东省庆云县
    "411522", // 河南省光山县
    "341221", // 安徽省临泉县
];

/// Surnames with rough North-China weights.
const SURNAMES: &[(&str, u32)] = &[
    ("王", 95),
    ("李", 90),
    ("张", 88),
    ("刘", 70),
    ("陈", 35),
    ("杨", 35),
    ("赵", 30),
    ("孙", 22),
    ("高", 18),
    ("马", 16),
    ("周", 15),
    ("徐", 14),
    ("郭", 13),
    ("黄", 12),
    ("吴", 12),
    ("韩", 10),
    ("于", 10),
    ("朱", 10),
    ("胡", 9),
    ("宋", 9),
    ("田", 8),
    ("董", 8),
    ("郑", 7),
    ("梁", 7),
    ("冯", 7),
    ("曹", 7),
    ("崔", 7),
    ("何", 6),
    ("许", 6),
    ("杜", 6),
    ("魏", 6),
    ("姜", 6),
    ("贾", 6),
    ("孟", 6),
    ("林", 5),
    ("罗", 5),
    ("谢", 5),
    ("唐", 5),
    ("苏", 5),
    ("吕", 5),
    ("丁", 5),
    ("任", 5),
    ("范", 5),
    ("石", 5),
    ("付", 5),
    ("白", 5),
    ("闫", 5),
    ("郝", 5),
    ("武", 5),
    ("邓", 4),
    ("彭", 4),
    ("肖", 4),
    ("袁", 4),
    ("潘", 4),
    ("程", 4),
    ("卢", 4),
    ("金", 4),
    ("秦", 4),
    ("薛", 4),
    ("侯", 4),
    ("史", 4),
    ("蒋", 3),
    ("蔡", 3),
    ("沈", 3),
    ("姚", 3),
    ("夏", 3),
    ("方", 3),
    ("尹", 3),
    ("段", 3),
    ("贺", 3),
    ("邵", 3),
    ("孔", 3),
    ("曾", 2),
    ("余", 2),
    ("叶", 2),
    ("钟", 2),
    ("谭", 2),
    ("陆", 2),
    ("汪", 2),
    ("邹", 2),
    ("熊", 2),
    ("邱", 2),
    ("江", 2),
    ("雷", 2),
    ("陶", 2),
    ("顾", 2),
    ("毛", 2),
    ("万", 2),
    ("钱", 2),
    ("严", 2),
    ("戴", 2),
    ("廖", 1),
    ("韦", 1),
    ("龙", 1),
    ("黎", 1),
    ("龚", 1),
    ("刁", 1),
    ("穆", 1),
    ("佟", 1),
];

/// Given names by generation and sex: two-character names, and single characters.
struct Names {
    double: &'static [&'static str],
    single: &'static [&'static str],
}

const BOYS_NAMES: Names = Names {
    double: &[
        "子轩", "浩然", "宇轩", "梓豪", "俊杰", "浩宇", "一鸣", "博文", "子墨", "天佑", "皓轩", "铭泽", "睿泽", "宇航",
        "明轩", "嘉豪", "晨阳", "泽宇", "奕辰", "俊熙", "思远", "家豪", "文博", "宇辰", "子豪", "浩轩", "梓睿", "锦程",
        "天宇", "振宇", "昊天", "志远", "俊豪", "云飞", "嘉懿", "佳乐", "子健", "浩博", "雨泽", "宏宇",
    ],
    single: &[
        "浩", "宇", "轩", "杰", "博", "睿", "鑫", "磊", "航", "晨", "昊", "铭", "阳", "凯", "涛", "鹏", "帅", "硕",
        "琦", "辰",
    ],
};

const GIRLS_NAMES: Names = Names {
    double: &[
        "梓涵", "欣怡", "子涵", "诗涵", "雨桐", "可馨", "佳怡", "若汐", "语嫣", "思琪", "欣妍", "梦瑶", "紫萱", "雨涵",
        "一诺", "佳琪", "艺涵", "诗琪", "梓萱", "可欣", "欣然", "雨欣", "思雨", "若曦", "馨怡", "佳宁", "婉清", "梦琪",
        "安琪", "雅琪", "子萱", "晨曦", "静怡", "悦彤", "雨萱", "佳慧", "诗雨", "语桐", "心怡", "梓琪",
    ],
    single: &[
        "欣", "怡", "涵", "琪", "萱", "悦", "婷", "妍", "彤", "雪", "佳", "颖", "瑶", "璐", "菲", "蕊", "楠", "畅",
        "娇", "宁",
    ],
};

const MEN_NAMES: Names = Names {
    double: &[
        "建军", "志刚", "海涛", "晓东", "建华", "俊峰", "文杰", "立伟", "志勇", "海龙", "永强", "国辉", "宏伟", "振宇",
        "金龙", "春雷", "明亮", "晓明", "建新", "卫东", "立军", "海军", "志强", "红旗", "福生", "学军", "新华", "东升",
        "长青", "宝军",
    ],
    single: &[
        "伟", "磊", "军", "勇", "涛", "强", "鹏", "杰", "超", "亮", "刚", "斌", "辉", "峰", "鑫", "浩", "波", "龙",
        "明", "健",
    ],
};

const WOMEN_NAMES: Names = Names {
    double: &[
        "丽娜", "晓燕", "春梅", "海燕", "秀丽", "丽丽", "红梅", "玉洁", "艳红", "晓丽", "美玲", "小红", "雪梅", "丽华",
        "桂芳", "静静", "婷婷", "佳慧", "翠翠", "彩霞", "金花", "玉红", "晓红", "春燕", "立新", "淑华", "丽红", "艳霞",
        "凤霞", "亚楠",
    ],
    single: &[
        "丽", "静", "敏", "燕", "娟", "艳", "芳", "霞", "红", "莉", "萍", "娜", "玲", "慧", "颖", "洁", "琳", "倩",
        "英", "梅",
    ],
};

const OLD_MEN_NAMES: Names = Names {
    double: &[
        "建国", "国华", "志强", "德明", "永福", "春生", "长林", "振华", "宝山", "国庆", "福海", "文明", "玉林", "树林",
        "桂林", "凤山", "连生", "庆丰", "广田", "金柱", "宝林", "德胜", "占江", "振江", "学文", "玉成", "万福", "福贵",
        "永顺", "全友",
    ],
    single: &["军", "明", "林", "华", "山", "成", "祥", "福", "贵", "海", "生", "忠", "才", "义", "良"],
};

const OLD_WOMEN_NAMES: Names = Names {
    double: &[
        "秀英", "桂兰", "玉兰", "秀兰", "淑珍", "凤英", "玉珍", "桂英", "秀珍", "素芬", "淑兰", "玉梅", "桂芝", "凤兰",
        "秀芝", "春兰", "玉芬", "淑芳", "金凤", "翠英", "秀云", "桂荣", "淑英", "玉凤", "秀荣", "桂珍", "凤琴", "素珍",
        "玉华", "秀芳",
    ],
    single: &["英", "兰", "珍", "芬", "霞", "荣", "凤", "梅", "琴", "云", "芝", "娥", "秀", "香", "清"],
};

/// Ethnic groups in per mille: Tianjin is overwhelmingly 汉族, with 回族 and 满族 the
/// largest minorities.
const ETHNICITIES: [(&str, u32); 6] =
    [("汉族", 970), ("回族", 17), ("满族", 8), ("蒙古族", 3), ("朝鲜族", 1), ("壮族", 1)];

/// Where parents work (province, prefecture) with weights.
const WORKPLACES: &[((&str, &str), u32)] = &[
    (("北京市", "北京市"), 25),
    (("天津市", "滨海新区"), 14),
    (("天津市", "西青区"), 5),
    (("天津市", "东丽区"), 4),
    (("河北省", "廊坊市"), 8),
    (("河北省", "唐山市"), 5),
    (("河北省", "沧州市"), 3),
    (("河北省", "石家庄市"), 2),
    (("山东省", "青岛市"), 3),
    (("山东省", "济南市"), 2),
    (("江苏省", "苏州市"), 6),
    (("江苏省", "南京市"), 2),
    (("上海市", "上海市"), 6),
    (("浙江省", "杭州市"), 3),
    (("浙江省", "宁波市"), 2),
    (("广东省", "深圳市"), 6),
    (("广东省", "广州市"), 3),
    (("广东省", "东莞市"), 3),
    (("辽宁省", "大连市"), 2),
    (("内蒙古自治区", "鄂尔多斯市"), 1),
];

/// Mobile number prefixes (1[3-9]x).
const MOBILE_PREFIXES: [&str; 36] = [
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155", "156",
    "157", "158", "159", "166", "170", "173", "175", "176", "177", "178", "180", "181", "182", "183", "185", "186",
    "187", "188", "189", "199",
];

const DISABILITY_CATEGORIES: [(&str, u32); 7] = [
    ("肢体残疾", 30),
    ("智力残疾", 25),
    ("言语残疾", 10),
    ("听力残疾", 10),
    ("视力残疾", 8),
    ("精神残疾", 7),
    ("多重残疾", 10),
];

const DISABILITY_GRADES: [(&str, u32); 4] = [("一级", 15), ("二级", 25), ("三级", 30), ("四级", 30)];

const ILLNESSES: [&str; 8] =
    ["先天性心脏病", "白血病", "癫痫", "哮喘", "肾病综合征", "1型糖尿病", "血友病", "再生障碍性贫血"];

/// Why the parent at home cannot look after the child (notes of the 3.4% group).
const INCAPACITY_NOTES: [&str; 5] = [
    "患重病，长期住院治疗",
    "重度肢体残疾，生活不能自理",
    "精神残疾，无监护能力",
    "智力残疾，无监护能力",
    "患尿毒症，需定期透析",
];

const ORDINALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/// Relatives who may be entrusted: the title, and whether they share the father's surname.
const RELATIVES: [(&str, bool); 6] =
    [("伯父", true), ("叔叔", true), ("姑姑", true), ("舅舅", false), ("姨妈", false), ("表哥", false)];

/// How many sequence numbers an address code and birth date give each sex:
/// odd 001–999 for men, even 002–998 for women.
const MALE_SEQUENCES: u32 = 500;
const FEMALE_SEQUENCES: u32 = 499;

/// A village with its indexes into the generator's address codes.
struct Village {
    code: String,
    district: u16,
    retired: u16,
    district_name: &'static str,
    /// A village (村委会, codes 200–399 in the last three digits) rather than a community.
    rural: bool,
}

/// A deterministic generator of realistic synthetic children's files.
pub struct Generator {
    rng: StdRng,
    today: NaiveDate,
    today_day: i32,
    villages: Vec<Village>,
    /// The address codes ID numbers are built from; indexes are used everywhere else.
    codes: Vec<[u8; 6]>,
    /// Indexes of `OUTSIDE_CODES` in `codes`.
    outside: Vec<u16>,
    /// The first day (days from the common era) the sequence counters cover.
    base_day: i32,
    days: usize,
    /// Sequence numbers handed out per (address code, birth date, sex), so that no two
    /// people of this generator share an ID number.
    used: Vec<u16>,
    /// The birth dates (days from the common era, inclusive) of each age band at `today`.
    bands: [(i32, i32); 3],
    surnames: Vec<&'static str>,
}

impl Generator {
    /// `villages`: 12-digit village codes to spread children over (caller picks them from
    /// [`RegionIndex`]). Codes that are not 12 digits of a province are dropped; with none
    /// left, children get the placeholder `120000000000`.
    pub fn new(seed: u64, villages: Vec<String>, today: NaiveDate) -> Generator {
        let mut codes: Vec<[u8; 6]> = Vec::new();
        let mut vs: Vec<Village> =
            villages.into_iter().filter(|v| usable_village(v)).map(|code| village(&mut codes, code)).collect();
        if vs.is_empty() {
            vs.push(village(&mut codes, PLACEHOLDER_VILLAGE.to_string()));
        }
        let outside = OUTSIDE_CODES.iter().map(|c| code_index(&mut codes, c)).collect();
        let ty = today.year();
        // Grandparents are at most 76, parents at most 45 + 15 years older than `today`'s
        // youngest children: every adult is born after 1 January of `ty - 77`.
        let base_day = NaiveDate::from_ymd_opt(ty - 77, 1, 1).map_or(0, |d| d.num_days_from_ce());
        let today_day = today.num_days_from_ce();
        let days = usize::try_from(today_day - base_day + 1).unwrap_or(0);
        let used = vec![0u16; codes.len() * days * 2];
        let rule = AgeRule::default();
        let bands = AGE_BANDS.map(|(band, _)| {
            let (earliest, latest) = band.birth_range(today, rule);
            (earliest.num_days_from_ce(), latest.num_days_from_ce())
        });
        let surnames = SURNAMES.iter().flat_map(|&(s, w)| std::iter::repeat_n(s, w as usize)).collect();
        Generator {
            rng: StdRng::seed_from_u64(seed),
            today,
            today_day,
            villages: vs,
            codes,
            outside,
            base_day,
            days,
            used,
            bands,
            surnames,
        }
    }

    /// One child's file; the child's ID numbers are unique within this generator.
    #[allow(clippy::needless_update)] // fields added to the file later keep their defaults
    pub fn child(&mut self) -> ChildFile {
        let male = self.rng.random_bool(BOYS);
        let band = pick_index(&mut self.rng, &AGE_BANDS.map(|(_, w)| w));
        let vi = self.rng.random_range(0..self.villages.len());
        let (district, retired, district_name, rural) = {
            let v = &self.villages[vi];
            (v.district, v.retired, v.district_name, v.rural)
        };

        // Birth date, hukou and ID number.
        let mut birth = self.birth_in_band(band);
        let mut age = self.age(birth);
        let no_hukou = if age == 0 { NO_HUKOU_AGE_0 } else { NO_HUKOU_OLDER };
        let hukou_registered = !self.rng.random_bool(no_hukou);
        let mut id_number = None;
        if hukou_registered {
            let code = if self.rng.random_bool(RETIRED_CODE) { retired } else { district };
            // A full (district, date, sex) is all but impossible; another date in the band
            // is then taken.
            for _ in 0..64 {
                id_number = self.allocate_id(code, birth, male);
                if id_number.is_some() {
                    break;
                }
                birth = self.birth_in_band(band);
            }
            age = self.age(birth);
        }

        let surname = self.surname();
        let name = self.name(surname, if male { &BOYS_NAMES } else { &GIRLS_NAMES });
        let ethnicity = pick(&mut self.rng, &ETHNICITIES).to_string();
        let address = self.address(rural);

        // Health and schooling.
        let (health, disability_category, disability_grade, illness) = match self.rng.random_range(0..1000) {
            0..994 => (Health::Healthy, None, None, None),
            994..999 => (
                Health::Disabled,
                Some(pick(&mut self.rng, &DISABILITY_CATEGORIES).to_string()),
                Some(pick(&mut self.rng, &DISABILITY_GRADES).to_string()),
                None,
            ),
            _ => (Health::Ill, None, None, Some(self.choose(&ILLNESSES).to_string())),
        };
        let severe = matches!(disability_grade.as_deref(), Some("一级" | "二级"));
        let schooling = self.schooling(age, severe);
        let school_name = self.school_name(schooling, district_name);
        let boarding = self.rng.random_bool(match schooling {
            Schooling::Primary if age >= 9 => 0.08,
            Schooling::JuniorHigh => 0.45,
            Schooling::SeniorHigh => 0.75,
            Schooling::Vocational => 0.6,
            _ => 0.0,
        });

        // Parents and grandparents.
        let carer = pick(&mut self.rng, &CARERS);
        let father_code = self.origin(district, 0.9);
        let mother_code = self.origin(district, 0.75);
        let father_age = self.parent_age();
        let mother_age = (father_age - self.rng.random_range(0..=4)).max(20);
        let mut father = self.parent(surname, true, birth, father_age, father_code);
        let mother_surname = self.surname();
        let mut mother = self.parent(mother_surname, false, birth, mother_age, mother_code);
        let father_born = father.birth_date.map_or(birth, |d| d.num_days_from_ce());
        let mother_born = mother.birth_date.map_or(birth, |d| d.num_days_from_ce());
        let (pgf_day, pgm_day) = self.grandparents_born(father_born);
        let (mgf_day, mgm_day) = self.grandparents_born(mother_born);
        let paternal_grandfather =
            Grandparent { name: self.name(surname, &OLD_MEN_NAMES), birth_date: Some(date(pgf_day)) };
        let paternal_grandmother =
            Grandparent { name: self.full_name(&OLD_WOMEN_NAMES), birth_date: Some(date(pgm_day)) };
        let maternal_grandfather =
            Grandparent { name: self.name(mother_surname, &OLD_MEN_NAMES), birth_date: Some(date(mgf_day)) };
        let maternal_grandmother =
            Grandparent { name: self.full_name(&OLD_WOMEN_NAMES), birth_date: Some(date(mgm_day)) };
        let mut grandparents = [paternal_grandfather, paternal_grandmother, maternal_grandfather, maternal_grandmother];

        // Who looks after the child.
        let mut entrusted_guardian = None;
        let mut lives_alone = false;
        let mut unattended = false;
        let mut notes = None;
        let guardianship_type;
        match carer {
            Carer::Grandparent | Carer::RelativeOrFriend | Carer::Unsupervised => {
                self.away(&mut father, None);
                let with =
                    self.rng.random_bool(0.6).then(|| (father.work_province.clone(), father.work_prefecture.clone()));
                self.away(&mut mother, with);
            }
            Carer::ParentIncapable => {
                let (away, home, who) = if self.rng.random_bool(0.7) {
                    (&mut father, &mut mother, "母亲")
                } else {
                    (&mut mother, &mut father, "父亲")
                };
                home.capable = false;
                self.away(away, None);
                notes = Some(format!("{who}{}", self.choose(&INCAPACITY_NOTES)));
            }
        }
        match carer {
            Carer::Grandparent => {
                entrusted_guardian = Some(self.grandparent_guardian(
                    &grandparents,
                    [pgf_day, pgm_day, mgf_day, mgm_day],
                    [father_code, mother_code],
                    &address,
                    birth,
                ));
                guardianship_type = pick(
                    &mut self.rng,
                    &[
                        (GuardianshipType::Good, 55),
                        (GuardianshipType::Fair, 38),
                        (GuardianshipType::EntrustedLacksCapacity, 7),
                    ],
                );
            }
            Carer::RelativeOrFriend => {
                entrusted_guardian = Some(self.other_guardian(surname, district, birth, rural));
                guardianship_type = pick(
                    &mut self.rng,
                    &[
                        (GuardianshipType::Good, 45),
                        (GuardianshipType::Fair, 45),
                        (GuardianshipType::EntrustedLacksCapacity, 10),
                    ],
                );
            }
            Carer::ParentIncapable => {
                if self.rng.random_bool(0.5) {
                    entrusted_guardian = Some(self.grandparent_guardian(
                        &grandparents,
                        [pgf_day, pgm_day, mgf_day, mgm_day],
                        [father_code, mother_code],
                        &address,
                        birth,
                    ));
                }
                guardianship_type = GuardianshipType::ParentIncapable;
            }
            Carer::Unsupervised => {
                if age >= 10 && self.rng.random_bool(0.45) {
                    lives_alone = true;
                } else {
                    unattended = self.rng.random_bool(0.6);
                }
                guardianship_type = GuardianshipType::NoGuardian;
            }
        }
        // Some grandparents are dead or unknown: left blank, unless entrusted.
        let guardian_name = entrusted_guardian.as_ref().map(|g| g.name.as_str());
        for g in &mut grandparents {
            if Some(g.name.as_str()) != guardian_name && self.rng.random_bool(0.05) {
                *g = Grandparent::default();
            }
        }
        let [paternal_grandfather, paternal_grandmother, maternal_grandfather, maternal_grandmother] = grandparents;

        let troubled = health != Health::Healthy;
        let (income_sources, assistance) = self.support(carer, troubled);

        ChildFile {
            name,
            sex: Some(if male { Sex::Male } else { Sex::Female }),
            ethnicity,
            birth_date: Some(date(birth)),
            id_number,
            // Demo files are fully filled in: 未填写 comes from census sheets with blank cells.
            hukou_registered: Some(hukou_registered),
            hukou_place: hukou_registered.then(|| format!("天津市{district_name}")),
            rural_hukou: Some(true),
            address,
            village_code: self.villages[vi].code.clone(),
            health: Some(health),
            disability_category,
            disability_grade,
            illness,
            boarding,
            schooling: Some(schooling),
            school_name,
            school_org_id: None,
            father,
            mother,
            paternal_grandfather,
            paternal_grandmother,
            maternal_grandfather,
            maternal_grandmother,
            entrusted_guardian,
            guardianship_type: Some(guardianship_type),
            lives_alone,
            unattended,
            income_sources,
            assistance,
            notes,
            ..ChildFile::default()
        }
    }

    /// A birth date (days from the common era) uniform within an age band at `today`.
    fn birth_in_band(&mut self, band: usize) -> i32 {
        let (earliest, latest) = self.bands[band];
        self.rng.random_range(earliest..=latest)
    }

    fn age(&self, birth: i32) -> u32 {
        age::full_years(date(birth), self.today, AgeRule::default()).unwrap_or(0)
    }

    /// The next unused ID number of an address code, birth date and sex, or `None` when the
    /// 500 (499) sequence numbers are all taken or the date lies outside the covered range.
    fn allocate_id(&mut self, code: u16, birth: i32, male: bool) -> Option<String> {
        let day = usize::try_from(birth - self.base_day).ok().filter(|&d| d < self.days)?;
        let slot = (usize::from(code) * self.days + day) * 2 + usize::from(male);
        let k = u32::from(*self.used.get(slot)?);
        let (n, first) = if male { (MALE_SEQUENCES, 1) } else { (FEMALE_SEQUENCES, 2) };
        if k >= n {
            return None;
        }
        self.used[slot] += 1;
        // A fixed permutation of the sequence numbers, so that they do not simply count up.
        let offset = (day as u32).wrapping_mul(7919).wrapping_add(u32::from(code) * 104_729) % n;
        let seq = 2 * ((k * 193 + offset) % n) + first;
        let d = date(birth);
        let mut s = String::with_capacity(18);
        for &b in &self.codes[usize::from(code)] {
            s.push(char::from(b));
        }
        push_digits(&mut s, d.year().unsigned_abs(), 4);
        push_digits(&mut s, d.month(), 2);
        push_digits(&mut s, d.day(), 2);
        push_digits(&mut s, seq, 3);
        s.push(id_number::check_character(&s)?);
        Some(s)
    }

    /// An adult's ID number near `born`: the day before is taken when the day is full.
    fn adult_id(&mut self, code: u16, born: i32, male: bool) -> (i32, Option<String>) {
        for back in 0..64 {
            if let Some(id) = self.allocate_id(code, born - back, male) {
                return (born - back, Some(id));
            }
        }
        (born, None)
    }

    /// A surname, by frequency.
    fn surname(&mut self) -> &'static str {
        let i = self.rng.random_range(0..self.surnames.len());
        self.surnames[i]
    }

    fn name(&mut self, surname: &str, names: &Names) -> String {
        let given = if self.rng.random_bool(0.8) { self.choose(names.double) } else { self.choose(names.single) };
        let mut s = String::with_capacity(surname.len() + given.len());
        s.push_str(surname);
        s.push_str(given);
        s
    }

    /// A name with a surname of its own.
    fn full_name(&mut self, names: &Names) -> String {
        let surname = self.surname();
        self.name(surname, names)
    }

    fn choose(&mut self, list: &[&'static str]) -> &'static str {
        list.choose(&mut self.rng).copied().unwrap_or_default()
    }

    /// "3组27号" in a village, "5号楼2门301" in a community.
    fn address(&mut self, rural: bool) -> String {
        if rural {
            format!("{}组{}号", self.rng.random_range(1..=12), self.rng.random_range(1..=80))
        } else {
            format!(
                "{}号楼{}门{}0{}",
                self.rng.random_range(1..=30),
                self.rng.random_range(1..=4),
                self.rng.random_range(1..=6),
                self.rng.random_range(1..=4)
            )
        }
    }

    /// Schooling consistent with age; a few drop out from 12, some severely disabled
    /// children are not in school.
    fn schooling(&mut self, age: u32, severe: bool) -> Schooling {
        if (6..=15).contains(&age) && severe && self.rng.random_bool(0.4) {
            return Schooling::NotInSchool;
        }
        match age {
            0..=2 => Schooling::NotInKindergarten,
            3..=5 => {
                if self.rng.random_bool(0.93) {
                    Schooling::Kindergarten
                } else {
                    Schooling::NotInKindergarten
                }
            }
            6..=11 => Schooling::Primary,
            12..=14 => {
                if self.rng.random_bool(0.015) {
                    Schooling::DroppedOut
                } else {
                    Schooling::JuniorHigh
                }
            }
            _ => pick(
                &mut self.rng,
                &[
                    (Schooling::SeniorHigh, 55),
                    (Schooling::Vocational, 35),
                    (Schooling::JuniorHigh, 6),
                    (Schooling::DroppedOut, 4),
                ],
            ),
        }
    }

    fn school_name(&mut self, schooling: Schooling, district: &str) -> Option<String> {
        if self.rng.random_bool(0.1) {
            return None;
        }
        let n = self.choose(&ORDINALS);
        match schooling {
            Schooling::Kindergarten => Some(match self.rng.random_range(0..3) {
                0 => format!("{district}中心幼儿园"),
                1 => format!("{district}实验幼儿园"),
                _ => format!("{district}第{n}幼儿园"),
            }),
            Schooling::Primary => Some(if self.rng.random_bool(0.3) {
                format!("{district}实验小学")
            } else {
                format!("{district}第{n}小学")
            }),
            Schooling::JuniorHigh | Schooling::SeniorHigh => Some(format!("{district}第{n}中学")),
            Schooling::Vocational => Some(format!("{district}职业教育中心")),
            _ => None,
        }
    }

    /// The address code of a parent: the child's district with probability `local`, else
    /// another Tianjin district or a county outside Tianjin.
    fn origin(&mut self, district: u16, local: f64) -> u16 {
        if self.rng.random_bool(local) {
            return district;
        }
        if self.rng.random_bool(0.4) {
            let vi = self.rng.random_range(0..self.villages.len());
            self.villages[vi].district
        } else {
            let i = self.rng.random_range(0..self.outside.len());
            self.outside[i]
        }
    }

    /// A father's age at the child's birth: mostly 22–34, from 20 to 45.
    fn parent_age(&mut self) -> i32 {
        if self.rng.random_bool(0.05) {
            self.rng.random_range(36..=45)
        } else {
            22 + self.rng.random_range(0..=6) + self.rng.random_range(0..=6)
        }
    }

    /// A parent born `years` (20–45) before the child, with ID number and phone; at home and
    /// capable until the carer decides otherwise.
    #[allow(clippy::needless_update)] // fields added later keep their defaults
    fn parent(&mut self, surname: &str, male: bool, child_born: i32, years: i32, code: u16) -> Parent {
        let names = if male { &MEN_NAMES } else { &WOMEN_NAMES };
        let name = self.name(surname, names);
        let born = child_born - (years * 365 + years / 4 + self.rng.random_range(0..365));
        let (born, id_number) = self.adult_id(code, born, male);
        let phone = self.rng.random_bool(0.95).then(|| self.mobile());
        Parent {
            name,
            birth_date: Some(date(born)),
            id_number,
            work_province: None,
            work_prefecture: None,
            phone,
            away_for_work: false,
            capable: true,
            ..Parent::default()
        }
    }

    /// Sends a parent away for work, to `with` (another parent's workplace) or elsewhere.
    fn away(&mut self, p: &mut Parent, with: Option<(Option<String>, Option<String>)>) {
        p.away_for_work = true;
        match with {
            Some((province, prefecture)) if province.is_some() => {
                p.work_province = province;
                p.work_prefecture = prefecture;
            }
            _ => {
                let (province, prefecture) = pick(&mut self.rng, WORKPLACES);
                p.work_province = Some(province.to_string());
                p.work_prefecture = Some(prefecture.to_string());
            }
        }
    }

    /// Birth days of a grandfather and grandmother of a parent born on `parent_born`:
    /// 20–35 years older than the parent, and 51–76 years old at `today` (born 1950–1975 when
    /// `today` is in 2026).
    fn grandparents_born(&mut self, parent_born: i32) -> (i32, i32) {
        let ty = self.today.year();
        let (lo, hi) = (ty - 76, ty - 51);
        let py = date(parent_born).year();
        let from = lo.max(py - 35);
        let to = hi.min(py - 20);
        let gf = if from <= to {
            self.rng.random_range(from..=to)
        } else if py - 20 < lo {
            lo
        } else {
            hi
        };
        let gm = (gf + self.rng.random_range(-1..=4)).min(hi).min(py - 18).max(lo);
        (self.day_in_year(gf), self.day_in_year(gm))
    }

    /// A day of `year` (days from the common era), never after `today`.
    fn day_in_year(&mut self, year: i32) -> i32 {
        let ordinal = self.rng.random_range(1..=365);
        NaiveDate::from_yo_opt(year, ordinal).map_or(self.today_day, |d| d.num_days_from_ce()).min(self.today_day)
    }

    /// One of the four grandparents as the entrusted guardian: mostly on the father's side,
    /// with an ID number from the side's address code and the grandparent's birth date.
    fn grandparent_guardian(
        &mut self,
        grandparents: &[Grandparent; 4],
        born: [i32; 4],
        codes: [u16; 2],
        address: &str,
        child_born: i32,
    ) -> EntrustedGuardian {
        let paternal = self.rng.random_bool(0.75);
        let grandmother = self.rng.random_bool(0.55);
        let i = usize::from(!paternal) * 2 + usize::from(grandmother);
        let code = codes[usize::from(!paternal)];
        // Born exactly on the grandparent's recorded birth date: none if that day is full.
        let id_number = self.allocate_id(code, born[i], !grandmother);
        let phone = match self.rng.random_range(0..100) {
            0..80 => Some(self.mobile()),
            80..85 => Some(self.landline()),
            _ => None,
        };
        let confirmed_on = self.confirmed_on(child_born);
        let relation = if paternal { Relation::PaternalGrandparent } else { Relation::MaternalGrandparent };
        EntrustedGuardian {
            name: grandparents[i].name.clone(),
            id_number,
            phone,
            relation: Some(relation),
            address: Some(address.to_string()),
            confirmed_on,
            disqualified: self.rng.random_bool(0.002),
            care: demo_care(confirmed_on),
        }
    }

    /// A relative or friend aged 25–59 as the entrusted guardian.
    fn other_guardian(
        &mut self,
        surname: &'static str,
        district: u16,
        child_born: i32,
        rural: bool,
    ) -> EntrustedGuardian {
        let relative = self.rng.random_bool(0.75);
        let male = self.rng.random_bool(0.5);
        let names = if male { &MEN_NAMES } else { &WOMEN_NAMES };
        let (relation, name) = if relative {
            let &(_, same_surname) = RELATIVES.choose(&mut self.rng).unwrap_or(&RELATIVES[0]);
            let s = if same_surname { surname } else { self.surname() };
            (Relation::OtherRelative, self.name(s, names))
        } else {
            (Relation::Friend, self.full_name(names))
        };
        let years = self.rng.random_range(25..=59);
        let born = self.today_day - (years * 365 + years / 4 + self.rng.random_range(0..365));
        let code = self.origin(district, 0.9);
        let (_, id_number) = self.adult_id(code, born, male);
        let phone = self.rng.random_bool(0.95).then(|| self.mobile());
        let address = self.address(rural);
        let confirmed_on = self.confirmed_on(child_born);
        EntrustedGuardian {
            name,
            id_number,
            phone,
            relation: Some(relation),
            address: Some(address),
            confirmed_on,
            disqualified: self.rng.random_bool(0.005),
            care: demo_care(confirmed_on),
        }
    }

    /// The day the entrusted-guardianship confirmation was signed: in two cases of three,
    /// within the last three years and not before the child's birth.
    fn confirmed_on(&mut self, child_born: i32) -> Option<NaiveDate> {
        if !self.rng.random_bool(0.65) {
            return None;
        }
        let from = child_born.max(self.today_day - 3 * 365);
        Some(date(self.rng.random_range(from..=self.today_day)))
    }

    fn mobile(&mut self) -> String {
        let prefix = self.choose(&MOBILE_PREFIXES);
        format!("{prefix}{:08}", self.rng.random_range(0..100_000_000u32))
    }

    /// A Tianjin landline: 022 and 8 digits.
    fn landline(&mut self) -> String {
        format!("022-{}{:07}", self.rng.random_range(2..=8), self.rng.random_range(0..10_000_000u32))
    }

    /// Income sources and assistance, each in code order (as validation stores them).
    fn support(&mut self, carer: Carer, troubled: bool) -> (Vec<IncomeSource>, Vec<Assistance>) {
        let incapable = carer == Carer::ParentIncapable;
        let mut income = Vec::with_capacity(3);
        if self.rng.random_bool(if incapable { 0.55 } else { 0.45 }) {
            income.push(IncomeSource::Farming);
        }
        let aid = match (incapable, troubled, carer == Carer::Unsupervised) {
            (true, _, _) => 0.45,
            (_, true, _) => 0.35,
            (_, _, true) => 0.10,
            _ => 0.05,
        };
        if self.rng.random_bool(aid) {
            income.push(IncomeSource::GovernmentAid);
        }
        if self.rng.random_bool(0.02) {
            income.push(IncomeSource::Other);
        }
        let relatives = if carer == Carer::RelativeOrFriend { 0.2 } else { 0.04 };
        if self.rng.random_bool(relatives) {
            income.push(IncomeSource::Relatives);
        }
        if income.is_empty() || self.rng.random_bool(0.97) {
            income.push(IncomeSource::Wages);
        }

        let mut assistance = Vec::new();
        if self.rng.random_bool(0.005) {
            assistance.push(Assistance::Housing);
        }
        if self.rng.random_bool(if troubled { 0.6 } else { 0.005 }) {
            assistance.push(Assistance::Medical);
        }
        let minimum = match (incapable, troubled) {
            (true, _) => 0.4,
            (_, true) => 0.25,
            _ => 0.03,
        };
        if self.rng.random_bool(minimum) {
            assistance.push(Assistance::MinimumLiving);
        }
        if self.rng.random_bool(0.01) {
            assistance.push(Assistance::Other);
        }
        let temporary = if carer == Carer::Unsupervised { 0.05 } else { 0.02 };
        if self.rng.random_bool(temporary) {
            assistance.push(Assistance::Temporary);
        }
        (income, assistance)
    }
}

/// A 12-digit code whose first two digits name a province.
fn usable_village(code: &str) -> bool {
    region::is_village_code(code) && code.get(..2).and_then(|p| p.parse().ok()).is_some_and(id_number::is_province_code)
}

/// Registers a village's district and retired codes.
fn village(codes: &mut Vec<[u8; 6]>, code: String) -> Village {
    let district_code = region::district_of(&code);
    let known = DISTRICTS.iter().find(|(c, _, _)| *c == district_code);
    let district = code_index(codes, district_code);
    let retired_codes: &[&str] = match known {
        Some((_, _, r)) if !r.is_empty() => r,
        _ => &RETIRED_FALLBACK,
    };
    // The first retired code: deterministic, and the only one for most districts.
    let retired = code_index(codes, retired_codes[0]);
    let rural = code.get(9..).and_then(|s| s.parse::<u32>().ok()).is_some_and(|n| (200..400).contains(&n));
    Village { district, retired, district_name: known.map_or("", |(_, n, _)| n), rural, code }
}

/// The index of a 6-digit address code in `codes`, added if new.
fn code_index(codes: &mut Vec<[u8; 6]>, code: &str) -> u16 {
    let mut c = [b'0'; 6];
    for (d, s) in c.iter_mut().zip(code.bytes()) {
        *d = s;
    }
    match codes.iter().position(|x| *x == c) {
        Some(i) => u16::try_from(i).unwrap_or(u16::MAX),
        None => {
            codes.push(c);
            u16::try_from(codes.len() - 1).unwrap_or(u16::MAX)
        }
    }
}

/// A date from days since the common era; all days used here are valid.
fn date(day: i32) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(day).unwrap_or(NaiveDate::MIN)
}

/// Appends `n` as exactly `width` decimal digits.
fn push_digits(s: &mut String, n: u32, width: u32) {
    let mut div = 10u32.pow(width - 1);
    while div > 0 {
        s.push(char::from(b'0' + ((n / div) % 10) as u8));
        div /= 10;
    }
}

/// A weighted choice.
fn pick<T: Copy>(rng: &mut StdRng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut r = rng.random_range(0..total);
    for &(item, w) in items {
        if r < w {
            return item;
        }
        r -= w;
    }
    items[items.len() - 1].0
}

/// A weighted choice of an index.
fn pick_index(rng: &mut StdRng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut r = rng.random_range(0..total);
    for (i, &w) in weights.iter().enumerate() {
        if r < w {
            return i;
        }
        r -= w;
    }
    weights.len() - 1
}

/// The entrusted-care facts of a demo carer, from the confirmation's date alone (no draw of
/// the generator, so every other fact of the demo stays as it was): a signed confirmation
/// came with both written notices, handed in the same day, except one in five, whose village
/// notice is not recorded; without a confirmation nothing is recorded.
/// The suitability was checked where the confirmation was signed.
fn demo_care(confirmed_on: Option<NaiveDate>) -> shouhu_domain::child::EntrustedCare {
    use shouhu_domain::child::EntrustedCare;
    let Some(on) = confirmed_on else {
        return EntrustedCare::default();
    };
    let day = on.num_days_from_ce();
    let checked = |evidence: &str| (Some(false), Some(evidence.to_string()));
    let (past_offences, past_offences_evidence) = checked("派出所出具无违法犯罪记录证明");
    let (vices, vices_evidence) = checked("走访邻里核实");
    let (neglected_duties, neglected_duties_evidence) = checked("走访核实，一直照料儿童");
    EntrustedCare {
        school_notice_on: Some(on),
        school_notice_received_by: Some("班主任".into()),
        village_notice_on: (day % 5 != 0).then_some(on),
        village_notice_received_by: (day % 5 != 0).then(|| "村委会文书".into()),
        signed_by_parents: true,
        signed_by_carer: true,
        guided_by: Some("村儿童主任".into()),
        past_offences,
        past_offences_evidence,
        vices,
        vices_evidence,
        neglected_duties,
        neglected_duties_evidence,
        otherwise_unsuitable: None,
        otherwise_unsuitable_evidence: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shouhu_domain::child::Warning;
    use shouhu_domain::codes::Category;
    use shouhu_domain::region::{Level, Region};
    use shouhu_domain::{rules, validate};
    use std::collections::HashSet;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 6, 1).expect("valid date")
    }

    /// The bundled Tianjin division codes.
    fn tianjin() -> RegionIndex {
        let rows = shouhu_store::regions::TIANJIN_CSV
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let f: Vec<&str> = l.trim().split(',').collect();
                Region {
                    code: f[0].to_string(),
                    name: f[1].to_string(),
                    parent_code: (!f[2].is_empty()).then(|| f[2].to_string()),
                    level: Level::parse(f[3]).expect("level"),
                }
            })
            .collect();
        RegionIndex::from_regions(rows)
    }

    fn share(n: usize, total: usize) -> f64 {
        100.0 * n as f64 / total as f64
    }

    fn assert_near(what: &str, got: f64, want: f64, tolerance: f64) {
        assert!((got - want).abs() <= tolerance, "{what}: {got:.2}% instead of {want}% ± {tolerance}");
    }

    #[test]
    fn village_lists_come_from_the_index() {
        let idx = tianjin();
        let all = all_villages(&idx);
        assert_eq!(all.len(), 5617);
        assert!(all.windows(2).all(|w| w[0] < w[1]));
        let some = villages_of(&idx, &["120114001", "120119100"]);
        assert!(!some.is_empty());
        assert!(some.iter().all(|v| v.starts_with("120114001") || v.starts_with("120119100")));
        assert!(some.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(some.len(), idx.children("120114001").count() + idx.children("120119100").count());
        assert!(villages_of(&idx, &["999999999"]).is_empty());
    }

    #[test]
    fn twenty_thousand_children_are_valid_unique_and_proportioned() {
        const N: usize = 20_000;
        let idx = tianjin();
        let mut g = Generator::new(2016, all_villages(&idx), today());
        let rule = AgeRule::default();
        let mut ids = HashSet::new();
        let mut bands = [0usize; 3];
        let (mut boys, mut no_id, mut healthy, mut disabled, mut ill) = (0, 0, 0, 0, 0);
        let (mut grand, mut other, mut incapable, mut alone) = (0, 0, 0, 0);
        for _ in 0..N {
            let f = g.child();
            let valid =
                validate::child_file(f.clone(), today(), rule).unwrap_or_else(|e| panic!("invalid file {f:?}: {e:?}"));
            assert_eq!(valid, f, "validation changes nothing");
            let derived = rules::derive(&f, today(), rule);
            let band = derived.age_band.expect("under 16");
            bands[AgeBand::ALL.iter().position(|b| *b == band).expect("band")] += 1;
            assert_ne!(derived.category, Category::NotLeftBehind);
            if f.sex == Some(Sex::Male) {
                boys += 1;
            }
            match &f.id_number {
                Some(id) => {
                    assert!(ids.insert(id.clone()), "duplicate ID number");
                    assert_eq!(f.hukou_registered, Some(true));
                    let district = &f.village_code[..6];
                    let code = &id[..6];
                    assert!(
                        code == district || code.starts_with("1202") || code.starts_with("12010"),
                        "{code} for a child of {district}"
                    );
                }
                None => {
                    no_id += 1;
                    assert_eq!(f.hukou_registered, Some(false));
                }
            }
            for p in [&f.father, &f.mother] {
                let pb = p.birth_date.expect("parent born");
                let cb = f.birth_date.expect("child born");
                let years = age::full_years(pb, cb, rule).expect("older");
                assert!((20..=45).contains(&years), "parent {years} at birth");
                assert!(p.id_number.is_some());
            }
            match f.health {
                Some(Health::Healthy) => healthy += 1,
                Some(Health::Disabled) => disabled += 1,
                _ => ill += 1,
            }
            match f.guardianship_type {
                Some(GuardianshipType::NoGuardian) => {
                    alone += 1;
                    assert!(f.entrusted_guardian.is_none());
                    assert!(derived.warnings.contains(&Warning::NoGuardian));
                }
                Some(GuardianshipType::ParentIncapable) => {
                    incapable += 1;
                    assert_eq!(derived.category, Category::OneAwayOtherIncapable);
                }
                _ => {
                    let eg = f.entrusted_guardian.as_ref().expect("entrusted");
                    match eg.relation {
                        Some(Relation::PaternalGrandparent | Relation::MaternalGrandparent) => {
                            grand += 1;
                            let id = id_number::parse(eg.id_number.as_deref().expect("guardian ID"), today())
                                .expect("valid guardian ID");
                            let y = id.birth_date().year();
                            assert!((1950..=1975).contains(&y), "grandparent born {y}");
                        }
                        _ => other += 1,
                    }
                    assert!(!derived.warnings.contains(&Warning::EntrustedGuardianMinor));
                }
            }
        }
        let bands = bands.map(|n| share(n, N));
        let boys = share(boys, N);
        eprintln!(
            "ages 0–5 {:.2}%, 6–13 {:.2}%, 14–15 {:.2}%; boys {boys:.2}%; no ID {:.2}%",
            bands[0],
            bands[1],
            bands[2],
            share(no_id, N)
        );
        eprintln!(
            "grandparents {:.2}%, relatives/friends {:.2}%, parent incapable {:.2}%, \
             unsupervised {:.2}%; healthy {:.2}%, disabled {:.2}%, ill {:.2}%",
            share(grand, N),
            share(other, N),
            share(incapable, N),
            share(alone, N),
            share(healthy, N),
            share(disabled, N),
            share(ill, N)
        );
        assert_near("ages 0–5", bands[0], 27.8, 2.0);
        assert_near("ages 6–13", bands[1], 62.0, 2.0);
        assert_near("ages 14–15", bands[2], 10.2, 2.0);
        assert_near("boys", boys, 54.5, 2.0);
        assert_near("no ID number", share(no_id, N), 3.0, 1.0);
        assert_near("grandparents", share(grand, N), 89.3, 2.0);
        assert_near("relatives or friends", share(other, N), 3.3, 1.0);
        // Half of the 3.4% with an incapable parent also have a grandparent entrusted.
        assert_near("parent incapable", share(incapable, N), 3.4, 1.0);
        assert_near("unsupervised", share(alone, N), 4.0, 1.0);
        assert_near("healthy", share(healthy, N), 99.4, 0.3);
    }

    #[test]
    fn the_same_seed_gives_the_same_children() {
        let villages = vec!["120114001201".to_string(), "120119100202".to_string()];
        let mut a = Generator::new(7, villages.clone(), today());
        let mut b = Generator::new(7, villages.clone(), today());
        let mut c = Generator::new(8, villages, today());
        let xs: Vec<ChildFile> = (0..500).map(|_| a.child()).collect();
        let ys: Vec<ChildFile> = (0..500).map(|_| b.child()).collect();
        let zs: Vec<ChildFile> = (0..500).map(|_| c.child()).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs, zs);
    }

    #[test]
    fn one_village_never_repeats_an_id_number() {
        // 200,000 children in one village: about 35 per birth date, all in one district.
        let mut g = Generator::new(1, vec!["120114001201".to_string()], today());
        let mut ids = HashSet::new();
        for _ in 0..200_000 {
            if let Some(id) = g.child().id_number {
                assert!(ids.insert(id), "duplicate ID number");
            }
        }
    }

    #[test]
    fn unusable_village_codes_fall_back_to_a_placeholder() {
        let mut g = Generator::new(1, vec!["12011400".to_string()], today());
        let f = g.child();
        assert_eq!(f.village_code, PLACEHOLDER_VILLAGE);
        validate::child_file(f, today(), AgeRule::default()).expect("valid");
    }

    /// `cargo test --release -- --ignored million`: the time for 1,000,000 children.
    #[test]
    #[ignore = "timing; run in release mode"]
    fn a_million_children() {
        let mut g = Generator::new(1_000_000, all_villages(&tianjin()), today());
        let start = std::time::Instant::now();
        let mut with_id = 0usize;
        for _ in 0..1_000_000 {
            with_id += usize::from(g.child().id_number.is_some());
        }
        let took = start.elapsed();
        eprintln!("1,000,000 children in {took:?} ({with_id} with ID numbers)");
        assert!(took.as_secs() < 10);
    }
}
