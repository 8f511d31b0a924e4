//! Printable documents (文书, issue 22; docs/domain.md §10): templates kept here
//! (templates/*.tpl, one per document), filled from records the caller has already read
//! within the user's scope, laid out on A4 and written as PDF with the embedded CJK font.
//!
//! No I/O: the store issues the number and the verification code and records the issue;
//! this crate makes the bytes.

pub mod casework;
pub mod census;
pub mod dropout;
pub mod entrusted;
pub mod font;
pub mod layout;
mod pdf;
pub mod reports;
pub mod summary;
pub mod template;

use layout::Layout;
use shouhu_domain::document::{DocumentKind, chinese_date, display_code};
use shouhu_domain::msg;
use template::{Block, Values};

/// The template of a document.
pub fn template_source(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::CensusForm | DocumentKind::CensusForms => include_str!("../templates/census_form.tpl"),
        DocumentKind::EntrustedConfirmation => include_str!("../templates/entrusted_confirmation.tpl"),
        DocumentKind::ReportReceipt => include_str!("../templates/report_receipt.tpl"),
        DocumentKind::HandoverNotice => include_str!("../templates/handover_notice.tpl"),
        DocumentKind::DropoutReport => include_str!("../templates/dropout_report.tpl"),
        DocumentKind::AssessmentReport => include_str!("../templates/assessment_report.tpl"),
        DocumentKind::AssistancePlan => include_str!("../templates/assistance_plan.tpl"),
        DocumentKind::ReferralLetter => include_str!("../templates/referral_letter.tpl"),
        DocumentKind::RevocationApplication => include_str!("../templates/revocation_application.tpl"),
        DocumentKind::CensusSummary => include_str!("../templates/census_summary.tpl"),
    }
}

/// What the register gave the document: printed in it and on every page's footer.
#[derive(Debug, Clone)]
pub struct Issue {
    pub number: String,
    /// As stored (no separators); printed in groups of four.
    pub code: String,
    /// Where the code can be checked, e.g. `https://shouhu.example/verify`.
    pub verify_base: String,
    pub issued_on: chrono::NaiveDate,
    /// The issuing unit (the user's organisation).
    pub unit: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    /// A value has a character the font cannot draw: the document is refused rather than
    /// printed with a blank box in a child's name (decision 162).
    #[error("missing glyph {ch:?} in {field}")]
    MissingGlyph { field: String, ch: char },
    #[error("template: {0}")]
    Template(String),
    #[error("pdf: {0}")]
    Pdf(String),
}

impl DocumentError {
    /// What to tell the user, in Chinese.
    pub fn message(&self) -> String {
        match self {
            DocumentError::MissingGlyph { field, ch } => msg::document_missing_glyph(field, *ch),
            e => e.to_string(),
        }
    }
}

/// The first value (in `sections` order) with a character the font lacks, named by its
/// label (`label_of` maps a value's key to what the user calls it).
pub fn check_glyphs(sections: &[Values], label_of: impl Fn(&str) -> String) -> Result<(), DocumentError> {
    for v in sections {
        for (key, value) in v.all() {
            if let Some(ch) = font::first_missing(value) {
                return Err(DocumentError::MissingGlyph { field: label_of(&key), ch });
            }
        }
    }
    Ok(())
}

/// A written PDF and its page count.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub pages: usize,
}

/// Renders `kind` once per section (each section starts on a new page: a page per child in
/// the ledger's forms), with `issue`'s number and code in it and on every page.
pub fn render(kind: DocumentKind, sections: &[Values], issue: &Issue) -> Result<Rendered, DocumentError> {
    let blocks = template::parse(template_source(kind)).map_err(|e| DocumentError::Template(e.to_string()))?;
    check_glyphs(sections, str::to_string)?;
    let mut lay = Layout::default();
    for s in sections {
        let mut v = s.clone();
        v.set("number", issue.number.clone());
        v.set("unit", issue.unit.clone());
        v.text.entry("date".into()).or_insert_with(|| chinese_date(issue.issued_on));
        lay.section();
        lay.blocks(&blocks, &v, None).map_err(|e| DocumentError::Template(e.to_string()))?;
    }
    if sections.is_empty() {
        lay.new_page();
    }
    let code = display_code(&issue.code);
    lay.footers(&msg::document_footer(&issue.number, &code, &issue.verify_base), msg::document_page);
    let pages = lay.pages.len();
    let bytes = pdf::write(&lay.pages, kind.title()).map_err(DocumentError::Pdf)?;
    Ok(Rendered { bytes, pages })
}

/// Every template parses (a test helper and a start-up check).
pub fn parse_all() -> Result<Vec<(DocumentKind, Vec<Block>)>, template::TemplateError> {
    DocumentKind::ALL.iter().map(|k| Ok((*k, template::parse(template_source(*k))?))).collect()
}

/// A demo-like file and issue, for the tests and the benchmark (`shouhu-bench documents`).
pub mod sample {
    use chrono::{NaiveDate, TimeZone, Utc};
    use shouhu_domain::child::{ChildFile, ChildRecord, Derived, EntrustedGuardian, FileStatus, Grandparent, Parent};
    use shouhu_domain::codes::{Category, GuardianshipType, Health, IncomeSource, Relation, Schooling, Sex};

    fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    /// A demo-like file: both parents away, a grandmother entrusted, a rare character.
    pub fn record() -> ChildRecord {
        let parent = |name: &str, phone: &str| Parent {
            name: name.into(),
            birth_date: day(1988, 3, 9),
            id_number: Some("120114198803090018".into()),
            work_province: Some("广东省".into()),
            work_prefecture: Some("东莞市".into()),
            phone: Some(phone.into()),
            away_for_work: true,
            capable: true,
        };
        let gp = |name: &str| Grandparent { name: name.into(), birth_date: day(1955, 6, 1) };
        let file = ChildFile {
            name: "李喆堃".into(),
            sex: Some(Sex::Male),
            ethnicity: "汉族".into(),
            birth_date: day(2016, 5, 4),
            id_number: Some("120114201605040011".into()),
            hukou_registered: Some(true),
            rural_hukou: Some(true),
            hukou_place: Some("天津市武清区梅厂镇".into()),
            address: "天津市武清区梅厂镇王三庄村三组12号".into(),
            village_code: "120114101204".into(),
            health: Some(Health::Healthy),
            boarding: false,
            schooling: Some(Schooling::Primary),
            school_name: Some("梅厂镇中心小学".into()),
            father: parent("李建国", "138****5678"),
            mother: parent("张秀英", "139****1234"),
            paternal_grandfather: gp("李德福"),
            paternal_grandmother: gp("王桂兰"),
            maternal_grandfather: gp("张𠇔"),
            maternal_grandmother: Grandparent::default(),
            entrusted_guardian: Some(EntrustedGuardian {
                name: "王桂兰".into(),
                relation: Some(Relation::PaternalGrandparent),
                phone: Some("137****0000".into()),
                address: Some("王三庄村三组12号".into()),
                confirmed_on: day(2026, 11, 20),
                ..Default::default()
            }),
            guardianship_type: Some(GuardianshipType::Fair),
            income_sources: vec![IncomeSource::Wages, IncomeSource::Farming],
            notes: Some("祖母年老，需定期走访".into()),
            ..Default::default()
        };
        ChildRecord {
            id: 1,
            district_code: "120114".into(),
            version: 1,
            status: FileStatus::Open,
            file,
            derived: Derived {
                age: Some(10),
                age_band: None,
                category: Category::BothAway,
                warnings: Vec::new(),
                as_of: NaiveDate::default(),
            },
            created_at: Utc.timestamp_opt(0, 0).single().unwrap_or_default(),
            updated_at: Utc.timestamp_opt(0, 0).single().unwrap_or_default(),
            masked: Vec::new(),
        }
    }

    /// A number and code of the register's shape.
    pub fn issue() -> crate::Issue {
        crate::Issue {
            number: "留登〔2026〕120114-0001".into(),
            code: "K7QX2M9D4TRE".into(),
            verify_base: "https://shouhu.example/verify".into(),
            issued_on: NaiveDate::from_ymd_opt(2026, 12, 6).unwrap_or_default(),
            unit: "梅厂镇人民政府".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    /// Writes `bytes` to `$SHOUHU_DOCUMENTS_OUT/name` when set, to look at (pdftoppm).
    fn keep(name: &str, bytes: &[u8]) {
        if let Ok(dir) = std::env::var("SHOUHU_DOCUMENTS_OUT") {
            let _ = std::fs::write(std::path::Path::new(&dir).join(name), bytes);
        }
    }

    #[test]
    fn every_template_parses() {
        let all = parse_all().expect("templates parse");
        assert_eq!(all.len(), DocumentKind::ALL.len());
    }

    #[test]
    fn the_census_form_fits_one_page_and_embeds_a_subset() {
        let rec = sample::record();
        let v = census::values(&rec, "梅厂镇王三庄村");
        let out = render(DocumentKind::CensusForm, &[v], &sample::issue()).expect("renders");
        keep("census_form.pdf", &out.bytes);
        assert_eq!(out.pages, 1);
        assert!(out.bytes.len() < 200 * 1024, "{} bytes: the font is subset", out.bytes.len());
    }

    #[test]
    fn the_ledgers_forms_start_a_page_per_child() {
        let rec = sample::record();
        let v = census::values(&rec, "梅厂镇王三庄村");
        let out = render(DocumentKind::CensusForms, &[v.clone(), v.clone(), v], &sample::issue()).expect("renders");
        assert_eq!(out.pages, 3);
    }

    #[test]
    fn the_entrusted_confirmation_renders() {
        let rec = sample::record();
        let v = entrusted::values(&rec, "王三庄村").expect("a carer");
        let out = render(DocumentKind::EntrustedConfirmation, &[v], &sample::issue()).expect("renders");
        keep("entrusted_confirmation.pdf", &out.bytes);
        assert_eq!(out.pages, 1);
    }

    #[test]
    fn the_receipt_and_the_handover_render_with_their_actions() {
        let f = reports::ReportFacts {
            receipt: "R7KQ2M".into(),
            received_at: "2026年12月6日 08:30".into(),
            place: "梅厂镇王三庄村".into(),
            child: "李喆堃".into(),
            situations: "单独居住生活、无人照料".into(),
            township: "梅厂镇人民政府".into(),
            actions: vec![
                ("12月6日 09:10".into(), "联系并通知父母".into(), "父亲当日返回".into()),
                ("12月6日 10:00".into(), "书面交接".into(), "交村委会主任".into()),
            ],
        };
        let out =
            render(DocumentKind::ReportReceipt, &[reports::receipt_values(&f)], &sample::issue()).expect("renders");
        keep("report_receipt.pdf", &out.bytes);
        assert_eq!(out.pages, 1);
        let out =
            render(DocumentKind::HandoverNotice, &[reports::handover_values(&f)], &sample::issue()).expect("renders");
        keep("handover_notice.pdf", &out.bytes);
        assert_eq!(out.pages, 1);
    }

    #[test]
    fn the_dropout_report_renders_its_snapshot() {
        let text = "关于义务教育适龄儿童辍学劝返无效的书面报告　辍报〔2026〕120114-0001\n武清区教育局、梅厂镇人民政府：\n　　我校学生李喆堃，男，10周岁，自2026年11月2日起未到校。\n　　2026年11月5日，已通知父亲。\n　　请予依法处理。\n梅厂镇中心小学　2026年11月20日";
        let v = dropout::values(
            Some(text),
            "辍报〔2026〕120114-0001",
            "梅厂镇中心小学",
            NaiveDate::from_ymd_opt(2026, 11, 20),
        )
        .expect("a report");
        assert_eq!(v.lists["body"].len(), 3);
        let out = render(DocumentKind::DropoutReport, &[v], &sample::issue()).expect("renders");
        keep("dropout_report.pdf", &out.bytes);
        assert_eq!(out.pages, 1);
        assert!(dropout::values(None, "", "", None).is_none());
    }

    #[test]
    fn a_character_the_font_lacks_is_refused_by_name() {
        let mut rec = sample::record();
        rec.file.mother.name = "王𠀀".into();
        let v = census::values(&rec, "村");
        let e = render(DocumentKind::CensusForm, &[v], &sample::issue()).expect_err("refused");
        assert_eq!(e, DocumentError::MissingGlyph { field: "mother_name".into(), ch: '𠀀' });
        let e = check_glyphs(&[census::values(&rec, "村")], census::label).expect_err("refused");
        assert!(e.message().contains("母亲姓名") && e.message().contains("U+20000"), "{}", e.message());
    }

    fn case_head() -> casework::CaseHead {
        casework::CaseHead {
            case_no: "评估第12号".into(),
            child: "李喆堃".into(),
            child_info: "男，2016年5月4日出生".into(),
            village: "武清区梅厂镇王三庄村".into(),
        }
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn the_assessment_report_and_the_plan_render() {
        use shouhu_domain::assessment::*;
        let f = casework::AssessmentFacts {
            head: case_head(),
            from_report: true,
            opened_at: "2026年11月20日 09:00".into(),
            due_at: "2026年11月27日 09:00".into(),
            completed_at: "2026年11月25日 16:30".into(),
            completed_by: "张干事".into(),
            participants: vec![
                (Party::Township, "梅厂镇人民政府 张干事".into()),
                (Party::CivilAffairs, "武清区民政局 王科长".into()),
                (Party::VillageCommittee, "王三庄村儿童主任 刘芳".into()),
            ],
            answers: Answers {
                safety: Safety::AtRisk,
                guardianship: GuardianshipGrade::Poor,
                physical: HealthFinding::Good,
                mental: HealthFinding::Concern,
            },
            risk: RiskLevel::High,
            reasons: vec![RiskReason::YoungWithPoorCare, RiskReason::AtRisk, RiskReason::PoorCare],
        };
        let out = render(DocumentKind::AssessmentReport, &[casework::assessment_values(&f)], &sample::issue())
            .expect("renders");
        keep("assessment_report.pdf", &out.bytes);
        assert_eq!(out.pages, 1);
        let p = casework::PlanFacts {
            head: case_head(),
            risk: Some(RiskLevel::High),
            services: vec![
                casework::PlanService {
                    kind: ServiceKind::GuardianshipGuidance,
                    provider: "武清区阳光社会工作服务中心".into(),
                    start: d(2026, 11, 26),
                    status: ServiceStatus::InProgress,
                    outcome: None,
                },
                casework::PlanService {
                    kind: ServiceKind::HomeworkHelp,
                    provider: "梅厂镇团委".into(),
                    start: d(2026, 11, 28),
                    status: ServiceStatus::Completed,
                    outcome: Some("每周二、四课后辅导，期中成绩提高".into()),
                },
            ],
            referrals: Vec::new(),
        };
        let out =
            render(DocumentKind::AssistancePlan, &[casework::plan_values(&p)], &sample::issue()).expect("renders");
        keep("assistance_plan.pdf", &out.bytes);
        assert_eq!(out.pages, 1);
    }

    #[test]
    fn the_referral_letter_and_the_application_render() {
        use shouhu_domain::assessment::AssistanceKind;
        use shouhu_domain::guardianship::*;
        let r = casework::ReferralFacts {
            org: "武清区民政局".into(),
            kind: AssistanceKind::MinimumLiving,
            child: "李喆堃".into(),
            village: "武清区梅厂镇王三庄村".into(),
            case_no: "评估第12号".into(),
            note: "祖母年老多病，家庭无稳定收入".into(),
            sender: "梅厂镇人民政府".into(),
            sent_by: "张干事".into(),
            sent_on: d(2026, 11, 26),
            reply_days: 15,
        };
        let out =
            render(DocumentKind::ReferralLetter, &[casework::referral_values(&r)], &sample::issue()).expect("renders");
        keep("referral_letter.pdf", &out.bytes);
        assert_eq!(out.pages, 1);
        let entry = |id, date, kind, conduct, evidence: &str| casework::EvidenceEntry {
            id,
            date,
            kind,
            conduct,
            evidence: evidence.into(),
            recorded_by: "梅厂派出所 赵警官".into(),
        };
        let a = casework::ApplicationFacts {
            applicant: "武清区民政局".into(),
            applicant_kind: Applicant::CivilAffairs,
            respondents: vec![("李建国".into(), Some(Standing::Father))],
            child: "李喆堃".into(),
            child_info: "男，2016年5月4日出生".into(),
            child_address: "天津市武清区梅厂镇王三庄村三组12号".into(),
            grounds: vec![casework::GroundFacts {
                ground: Ground::S1Unsupervised,
                on: Some(d(2026, 10, 3)),
                explanation: "2026年9月1日批评教育后，2026年10月3日再次发生".into(),
                evidence: vec![1, 2],
            }],
            evidence: vec![
                entry(
                    1,
                    d(2026, 9, 1),
                    RecordKind::CriticismEducation,
                    Conduct::Unsupervised,
                    "批评教育记录（武公梅字〔2026〕15号）",
                ),
                entry(2, d(2026, 10, 3), RecordKind::Incident, Conduct::Unsupervised, "出警记录、邻居证言两份"),
                entry(3, d(2026, 10, 9), RecordKind::Incident, Conduct::Abuse, "不在清单中"),
            ],
            court: "天津市武清区人民法院".into(),
            filed_on: d(2026, 12, 1),
        };
        let v = casework::application_values(&a);
        assert_eq!(v.lists["evidence"].len(), 2, "only the evidence the grounds cite");
        let mut rare = a.clone();
        rare.evidence[0].evidence = "王𠀀的证言".into();
        let e = check_glyphs(&[casework::application_values(&rare)], casework::label).expect_err("refused");
        assert!(e.message().contains("证据") && e.message().contains("U+20000"), "{}", e.message());
        let out = render(DocumentKind::RevocationApplication, &[v], &sample::issue()).expect("renders");
        keep("revocation_application.pdf", &out.bytes);
        assert!(out.pages <= 2, "{} pages", out.pages);
    }

    #[test]
    fn the_census_summary_prints_across_a4_and_refuses_another_shape() {
        let groups: Vec<(String, Vec<String>)> = summary::GROUP_WIDTHS
            .iter()
            .enumerate()
            .map(|(i, n)| (format!("组{i}"), (0..*n).map(|j| format!("一方外出另一方无监护能力{j}")).collect()))
            .collect();
        let row = |name: &str, code: &str, k: u64| summary::SummaryLine {
            name: name.into(),
            code: code.into(),
            counts: (0..30).map(|i| k * 1000 + i).collect(),
        };
        let mut rows: Vec<summary::SummaryLine> =
            (0..40).map(|i| row(&format!("梅厂镇{i}"), &format!("120114{:03}", 100 + i), 1)).collect();
        rows.push(row("合计", "", 40));
        let t = summary::SummaryTable {
            groups,
            rows,
            scope: "天津市武清区".into(),
            filter: String::new(),
            as_of: "2026年12月6日".into(),
            closed: 3,
        };
        let out = render(DocumentKind::CensusSummary, &[summary::values(&t).expect("shape")], &sample::issue())
            .expect("renders");
        keep("census_summary.pdf", &out.bytes);
        assert!(out.pages >= 2, "40 townships go on to a second page: {}", out.pages);
        let mut bad = t.clone();
        bad.rows[0].counts.pop();
        assert!(summary::values(&bad).is_err());
    }
}
