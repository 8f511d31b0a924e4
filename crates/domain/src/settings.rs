//! shouhu's one settings document: every number the law does not fix (a deadline, a limit, a
//! choice between texts), with its default, unit and source.
//!
//! The document is a TOML file beside the data (`shouhu.toml`). A key left out takes its
//! default, so a file written by an older shouhu still starts; an unknown key or a wrong value
//! stops start-up with a message naming the key, because a typo silently ignored would leave a
//! deadline other than the one the city decided. [`SPECS`] is the one list: the parser, the
//! default document and the read-only settings page are all made from it.

use crate::age::AgeRule;
use crate::guardianship::ApplicantRule;
use crate::msg;
use chrono::Duration;

/// The reporting workflow's deadlines ([S] says "at once" and names no number).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportSettings {
    /// A report filed later than this after the discovery is counted late.
    pub late_report_limit: Duration,
    /// The police's acceptance later than this after filing is counted late.
    pub late_response_limit: Duration,
    /// Days the township has for its assessment after the police's hand-over.
    pub assessment_days: i64,
    /// How far "in the future" a discovery time may be (a phone clock running fast).
    pub discovery_clock_skew: Duration,
}

/// The public report page's guard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicReportSettings {
    /// Reports accepted from one address in an hour.
    pub per_address_per_hour: u32,
    /// How long the arithmetic question may be answered.
    pub question_valid: Duration,
}

/// Sign-in delays, known devices and sessions (decision 81, `sign_in::wait_after`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInSettings {
    /// Failed attempts of one account (or one known device) that cost no wait.
    pub free_failures_per_account: i64,
    /// Failed attempts from one address that cost no wait.
    pub free_failures_per_address: i64,
    /// The wait after the first failure beyond the free ones; each further failure doubles it.
    pub first_delay: Duration,
    /// The longest wait.
    pub max_delay: Duration,
    /// Failures older than this are forgotten.
    pub failure_memory: Duration,
    /// How long a browser stays a known device of an account after its last good sign-in.
    pub known_device_ttl: Duration,
    pub session_ttl: Duration,
    /// A session not used for this long is ended.
    pub idle_timeout: Duration,
    /// How long after the password the second factor's code (or its set-up) may be entered.
    pub second_step: Duration,
    /// Recovery codes given when a second factor is set up.
    pub recovery_codes: i64,
}

/// Size limits of what people send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitSettings {
    /// Largest ordinary request body, in bytes (uploads have their own limit).
    pub body_bytes: usize,
    /// Largest census workbook upload, in bytes.
    pub upload_bytes: usize,
    /// How long an error report or other work file is kept if nobody downloads it.
    pub work_file_age: Duration,
    /// Numbers one user may show in full ("显示完整号码") in 24 hours (decision 212).
    pub reveals_per_user_per_day: i64,
    /// Searches by a whole ID number one user who sees ID numbers masked may make in 24
    /// hours (decision 212).
    pub id_searches_per_user_per_day: i64,
}

/// The audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditSettings {
    /// Refused requests of one user written to the audit log in an hour.
    pub refusals_per_user_per_hour: i64,
}

/// How long closed files keep what identifies the child (decision 94).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionSettings {
    /// Years after the child turned 18 before a closed file is anonymised.
    pub years_after_adulthood: u32,
}

/// Accounts: set-password links and API tokens (decision 76).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountSettings {
    /// How long a set-password link can be used.
    pub set_password_link_ttl: Duration,
    /// The longest life of a person's own API token (a request may ask for less).
    pub api_token_ttl: Duration,
    /// The life of a token issued to another system's service account.
    pub service_token_ttl: Duration,
}

/// The daily recompute of what time changes (decisions 120-124).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecomputeSettings {
    /// The hour of the day, in China, from which the day's run is due.
    pub hour: u32,
    /// How long one batch may hold the database's write lock, as a target: batches are
    /// sized to it.
    pub batch_hold: Duration,
    /// How long a server's claim on the run lasts without news from it (each batch renews it).
    pub lease: Duration,
}

/// Dropout control's deadlines between steps (issue 18, `crate::dropout::due`). [S] 二(一)
/// says 及时 (in good time) and names no number; nor does [CE].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DropoutSettings {
    /// Days from the first day of absence to telling the parents or guardian.
    pub notify_days: i64,
    /// Days from the notice to the first round of persuasion, and between rounds.
    pub persuasion_days: i64,
    /// Days from a failed round to the written report.
    pub report_days: i64,
    /// Days from the written report to the first measure of the bureau or the township.
    pub measure_days: i64,
}

/// The to-do list's deadlines and spans the law leaves open (issue 19, `crate::task`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskSettings {
    /// Hours from the police's acceptance to the hand-over to the township ([S] 二(三): at once).
    pub hand_over_hours: i64,
    /// Hours for the township to open (sign for) a case the police handed over.
    pub acknowledge_hours: i64,
    /// Days for a receiving organisation to answer a referral.
    pub referral_days: i64,
    /// Days for the township to close or keep a file whose child reached 16.
    pub turned16_days: i64,
    /// Days a finished or failed import stays on its author's list.
    pub import_days: i64,
    /// Seconds a district's or the city's home-page warning counts are reused (decision 187).
    pub overview_refresh_seconds: i64,
}

/// Printable documents (issue 22, decision 165).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentSettings {
    /// Verifications (`GET /verify/{code}`) answered to one address in an hour.
    pub verify_per_address_per_hour: u32,
    /// Files at most in one PDF of a ledger selection's census forms.
    pub batch_max_files: i64,
}

/// Every setting, read once at start-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub age_rule: AgeRule,
    pub applicant_rule: ApplicantRule,
    pub reports: ReportSettings,
    pub public_reports: PublicReportSettings,
    pub sign_in: SignInSettings,
    pub limits: LimitSettings,
    pub audit: AuditSettings,
    pub retention: RetentionSettings,
    pub accounts: AccountSettings,
    /// The visit cadence (`crate::visit::visit_period`).
    pub visits: crate::visit::VisitSettings,
    pub recompute: RecomputeSettings,
    pub dropout: DropoutSettings,
    pub tasks: TaskSettings,
    pub documents: DocumentSettings,
    /// The outbox's retries and the live notifications' polling (issue 19).
    pub notify: crate::notify::NotifySettings,
    /// The register of overdue work (issue 20).
    pub oversight: OversightSettings,
    /// Census rounds (issue 20, `crate::census_round`).
    pub rounds: RoundSettings,
    /// Several servers on one database (issue 23).
    pub servers: ServerSettings,
    /// Name search (issue 24).
    pub search: SearchSettings,
    /// The ledger's pages (decision 219).
    pub ledger: LedgerSettings,
}

/// The ledger's pages (decision 219).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LedgerSettings {
    /// Files (the ledger's list, filtered) counted at most; beyond, the page says "more than".
    pub count_limit: i64,
}

/// Name search (issue 24, decision 190).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchSettings {
    /// Matches counted at most; beyond, the page says "more than" this many.
    pub count_limit: i64,
    /// Term rows a count may read where the scope is not a range of the index (a prefix, a
    /// school); beyond, the page counts only the rows shown so far.
    pub count_budget_rows: i64,
    /// Files at most read for a search by more than four last digits: those whose ID
    /// number ends in the last four, each then compared with every digit typed.
    pub id_tail_candidates: i64,
}

/// Several servers on one database (issue 23, decision 196).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerSettings {
    /// How long a server's claim on background work (a running import, the indexer's sweep)
    /// lasts without its renewal.
    pub lease: Duration,
    /// How long a read waits for a connection to the replica before the primary answers it
    /// (decision 201).
    pub replica_wait: Duration,
    /// After the replica failed, how long every read goes to the primary before the replica
    /// is tried again (decision 201).
    pub replica_retry: Duration,
}

/// The register of overdue work and its trend (issue 20, decision 169).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OversightSettings {
    /// Weeks the trend spans.
    pub trend_weeks: i64,
    /// The oldest items shown per kind on a unit's page.
    pub oldest_items: i64,
    /// Days back the register lists late reports.
    pub late_report_days: i64,
}

/// Census rounds (issue 20): the district's time after the townships' deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundSettings {
    /// Days after a round's deadline (the townships') by which the district's return is due.
    pub district_days: i64,
}

impl Default for Settings {
    fn default() -> Self {
        let mut s = Settings {
            age_rule: AgeRule::default(),
            applicant_rule: ApplicantRule::default(),
            reports: ReportSettings {
                late_report_limit: Duration::zero(),
                late_response_limit: Duration::zero(),
                assessment_days: 0,
                discovery_clock_skew: Duration::zero(),
            },
            public_reports: PublicReportSettings { per_address_per_hour: 0, question_valid: Duration::zero() },
            sign_in: SignInSettings {
                free_failures_per_account: 0,
                free_failures_per_address: 0,
                first_delay: Duration::zero(),
                max_delay: Duration::zero(),
                failure_memory: Duration::zero(),
                known_device_ttl: Duration::zero(),
                session_ttl: Duration::zero(),
                idle_timeout: Duration::zero(),
                second_step: Duration::zero(),
                recovery_codes: 0,
            },
            limits: LimitSettings {
                body_bytes: 0,
                upload_bytes: 0,
                work_file_age: Duration::zero(),
                reveals_per_user_per_day: 0,
                id_searches_per_user_per_day: 0,
            },
            audit: AuditSettings { refusals_per_user_per_hour: 0 },
            retention: RetentionSettings { years_after_adulthood: 0 },
            accounts: AccountSettings {
                set_password_link_ttl: Duration::zero(),
                api_token_ttl: Duration::zero(),
                service_token_ttl: Duration::zero(),
            },
            visits: crate::visit::VisitSettings {
                alone_or_unattended_days: 0,
                high_risk_case_days: 0,
                unsuitable_carer_days: 0,
                dropout_days: 0,
                left_behind_days: 0,
                other_days: 0,
                due_soon_days: 0,
            },
            recompute: RecomputeSettings { hour: 0, batch_hold: Duration::zero(), lease: Duration::zero() },
            dropout: DropoutSettings { notify_days: 0, persuasion_days: 0, report_days: 0, measure_days: 0 },
            tasks: TaskSettings {
                hand_over_hours: 0,
                acknowledge_hours: 0,
                referral_days: 0,
                turned16_days: 0,
                import_days: 0,
                overview_refresh_seconds: 0,
            },
            documents: DocumentSettings { verify_per_address_per_hour: 0, batch_max_files: 0 },
            notify: crate::notify::NotifySettings {
                attempts: 0,
                first_delay: Duration::zero(),
                max_delay: Duration::zero(),
                batch: 0,
                lease: Duration::zero(),
                poll: Duration::zero(),
                late_check: Duration::zero(),
                keep: Duration::zero(),
            },
            oversight: OversightSettings { trend_weeks: 0, oldest_items: 0, late_report_days: 0 },
            rounds: RoundSettings { district_days: 0 },
            servers: ServerSettings {
                lease: Duration::zero(),
                replica_wait: Duration::zero(),
                replica_retry: Duration::zero(),
            },
            search: SearchSettings { count_limit: 0, count_budget_rows: 0, id_tail_candidates: 0 },
            ledger: LedgerSettings { count_limit: 0 },
        };
        // The defaults are written once, in SPECS, so the document and the code cannot disagree.
        for spec in SPECS {
            match spec.kind {
                Kind::Int { default, set, .. } => set(&mut s, default),
                Kind::Choice { default, set, .. } => set(&mut s, default),
            }
        }
        s
    }
}

/// The unit a setting's number is in, as the document and the page name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Seconds,
    Minutes,
    Hours,
    Days,
    Count,
    Years,
    Kilobytes,
    Megabytes,
    Milliseconds,
    /// An hour of the day (0-23), China time.
    HourOfDay,
    /// One of named choices.
    Choice,
}

impl Unit {
    pub fn label(self) -> &'static str {
        match self {
            Unit::Seconds => msg::UNIT_SECONDS,
            Unit::Minutes => msg::UNIT_MINUTES,
            Unit::Hours => msg::UNIT_HOURS,
            Unit::Days => msg::UNIT_DAYS,
            Unit::Count => msg::UNIT_COUNT,
            Unit::Years => msg::UNIT_YEARS,
            Unit::Kilobytes => "KB",
            Unit::Megabytes => "MB",
            Unit::Milliseconds => msg::UNIT_MILLISECONDS,
            Unit::HourOfDay => msg::UNIT_HOUR_OF_DAY,
            Unit::Choice => "",
        }
    }

    fn english(self) -> &'static str {
        match self {
            Unit::Seconds => "seconds",
            Unit::Minutes => "minutes",
            Unit::Hours => "hours",
            Unit::Days => "days",
            Unit::Count => "count",
            Unit::Years => "years",
            Unit::Kilobytes => "kilobytes",
            Unit::Megabytes => "megabytes",
            Unit::Milliseconds => "milliseconds",
            Unit::HourOfDay => "hour of the day, China time",
            Unit::Choice => "one of the choices",
        }
    }
}

/// How a setting's value is read and written.
#[derive(Clone, Copy)]
pub enum Kind {
    /// A whole number from `min` to `max`.
    Int { min: i64, max: i64, default: i64, get: fn(&Settings) -> i64, set: fn(&mut Settings, i64) },
    /// One of `choices` (code, Chinese label).
    Choice {
        choices: &'static [(&'static str, &'static str)],
        default: &'static str,
        get: fn(&Settings) -> &'static str,
        set: fn(&mut Settings, &str),
    },
}

/// One setting: its key in the document, what it means, its unit and where its default
/// comes from.
#[derive(Clone, Copy)]
pub struct Spec {
    /// `section.name` in the TOML document.
    pub key: &'static str,
    /// What it is, in Chinese, for the settings page.
    pub label: &'static str,
    pub unit: Unit,
    /// The text of the law behind it, or [U] where no text fixes the number.
    pub source: &'static str,
    /// Why the default is what it is (English, for the document and docs).
    pub reason: &'static str,
    pub kind: Kind,
}

impl Spec {
    /// The current value as the page shows it.
    pub fn shown(&self, s: &Settings) -> String {
        match self.kind {
            Kind::Int { get, .. } => get(s).to_string(),
            Kind::Choice { choices, get, .. } => {
                let code = get(s);
                choices.iter().find(|(c, _)| *c == code).map_or(code, |(_, l)| l).to_string()
            }
        }
    }

    /// The default as the page shows it.
    pub fn default_shown(&self) -> String {
        self.shown(&Settings::default())
    }
}

fn minutes(d: Duration) -> i64 {
    d.num_minutes()
}

fn hours(d: Duration) -> i64 {
    d.num_hours()
}

/// Every setting. Keys are permanent: renaming one makes existing documents refuse to start.
pub static SPECS: &[Spec] = &[
    Spec {
        key: "age.rule",
        label: msg::SETTING_AGE_RULE,
        unit: Unit::Choice,
        source: "[U] 法释〔2006〕1号 第二条（类推）",
        reason: "no text fixes the day a year of age is reached outside criminal law; the Supreme \
                 People's Court's rule (the day after the birthday) is the only written one",
        kind: Kind::Choice {
            choices: &[("day_after_birthday", msg::AGE_RULE_DAY_AFTER), ("on_birthday", msg::AGE_RULE_ON_BIRTHDAY)],
            default: "day_after_birthday",
            get: |s| match s.age_rule {
                AgeRule::DayAfterBirthday => "day_after_birthday",
                AgeRule::OnBirthday => "on_birthday",
            },
            set: |s, v| s.age_rule = if v == "on_birthday" { AgeRule::OnBirthday } else { AgeRule::DayAfterBirthday },
        },
    },
    Spec {
        key: "guardianship.applicants",
        label: msg::SETTING_APPLICANTS,
        unit: Unit::Choice,
        source: "[G14] 27、[CC] 36；[S] 二(五)",
        reason: "where the Tianjin draft and national law differ, national law is the default",
        kind: Kind::Choice {
            choices: &[("national", msg::APPLICANT_RULE_NATIONAL), ("seed", msg::APPLICANT_RULE_SEED)],
            default: "national",
            get: |s| match s.applicant_rule {
                ApplicantRule::National => "national",
                ApplicantRule::Seed => "seed",
            },
            set: |s, v| s.applicant_rule = if v == "seed" { ApplicantRule::Seed } else { ApplicantRule::National },
        },
    },
    Spec {
        key: "reports.late_report_hours",
        label: msg::SETTING_LATE_REPORT,
        unit: Unit::Hours,
        source: "[U] [S] 二(二)“第一时间”",
        reason: "the law says at once; a day separates a report made the same day from one put off",
        kind: Kind::Int {
            min: 1,
            max: 24 * 30,
            default: 24,
            get: |s| hours(s.reports.late_report_limit),
            set: |s, v| s.reports.late_report_limit = Duration::hours(v),
        },
    },
    Spec {
        key: "reports.late_response_minutes",
        label: msg::SETTING_LATE_RESPONSE,
        unit: Unit::Minutes,
        source: "[U] [S] 二(三)“立即出警”",
        reason: "the law says at once; half an hour is a duty desk's usual acceptance time",
        kind: Kind::Int {
            min: 1,
            max: 24 * 60,
            default: 30,
            get: |s| minutes(s.reports.late_response_limit),
            set: |s, v| s.reports.late_response_limit = Duration::minutes(v),
        },
    },
    Spec {
        key: "reports.assessment_days",
        label: msg::SETTING_ASSESSMENT_DAYS,
        unit: Unit::Days,
        source: "[U] [S] 二(四)",
        reason: "the draft names the assessment but no deadline; a week lets the township gather \
                 the police, school and village",
        kind: Kind::Int {
            min: 1,
            max: 90,
            default: 7,
            get: |s| s.reports.assessment_days,
            set: |s, v| s.reports.assessment_days = v,
        },
    },
    Spec {
        key: "reports.discovery_clock_skew_minutes",
        label: msg::SETTING_CLOCK_SKEW,
        unit: Unit::Minutes,
        source: "[U]",
        reason: "a phone clock running a few minutes fast must not make a genuine report fail",
        kind: Kind::Int {
            min: 0,
            max: 60,
            default: 5,
            get: |s| minutes(s.reports.discovery_clock_skew),
            set: |s, v| s.reports.discovery_clock_skew = Duration::minutes(v),
        },
    },
    Spec {
        key: "public_reports.per_address_per_hour",
        label: msg::SETTING_PUBLIC_PER_ADDRESS,
        unit: Unit::Count,
        source: "[U]",
        reason: "enough for a family or a shop sharing an address, few enough to stop a flood",
        kind: Kind::Int {
            min: 1,
            max: 10_000,
            default: 10,
            get: |s| i64::from(s.public_reports.per_address_per_hour),
            set: |s, v| s.public_reports.per_address_per_hour = u32::try_from(v).unwrap_or(u32::MAX),
        },
    },
    Spec {
        key: "public_reports.question_valid_minutes",
        label: msg::SETTING_QUESTION_VALID,
        unit: Unit::Minutes,
        source: "[U]",
        reason: "long enough to write a report on a phone, short enough that answers are not collected",
        kind: Kind::Int {
            min: 5,
            max: 24 * 60,
            default: 120,
            get: |s| minutes(s.public_reports.question_valid),
            set: |s, v| s.public_reports.question_valid = Duration::minutes(v),
        },
    },
    Spec {
        key: "sign_in.free_failures_per_account",
        label: msg::SETTING_FREE_FAILURES_ACCOUNT,
        unit: Unit::Count,
        source: "[U] NIST SP 800-63B 5.2.2",
        reason: "a person mistyping does not wait; after that each failure doubles the wait, so guessing \
                 is slowed without ever locking the account",
        kind: Kind::Int {
            min: 1,
            max: 1000,
            default: 5,
            get: |s| s.sign_in.free_failures_per_account,
            set: |s, v| s.sign_in.free_failures_per_account = v,
        },
    },
    Spec {
        key: "sign_in.free_failures_per_address",
        label: msg::SETTING_FREE_FAILURES_ADDRESS,
        unit: Unit::Count,
        source: "[U] NIST SP 800-63B 5.2.2",
        reason: "an office sharing one address may mistype several times; one address trying many \
                 accounts is slowed",
        kind: Kind::Int {
            min: 1,
            max: 100_000,
            default: 20,
            get: |s| s.sign_in.free_failures_per_address,
            set: |s, v| s.sign_in.free_failures_per_address = v,
        },
    },
    Spec {
        key: "sign_in.first_delay_seconds",
        label: msg::SETTING_FIRST_DELAY,
        unit: Unit::Seconds,
        source: "[U] NIST SP 800-63B 5.2.2",
        reason: "short enough for a person to barely notice, doubling from there",
        kind: Kind::Int {
            min: 1,
            max: 3600,
            default: 15,
            get: |s| s.sign_in.first_delay.num_seconds(),
            set: |s, v| s.sign_in.first_delay = Duration::seconds(v),
        },
    },
    Spec {
        key: "sign_in.max_delay_minutes",
        label: msg::SETTING_MAX_DELAY,
        unit: Unit::Minutes,
        source: "[U] NIST SP 800-63B 5.2.2",
        reason: "at most about a hundred guesses a day per account or address, while the owner waits \
                 minutes, never hours, from a browser they have not used before",
        kind: Kind::Int {
            min: 1,
            max: 24 * 60,
            default: 15,
            get: |s| minutes(s.sign_in.max_delay),
            set: |s, v| s.sign_in.max_delay = Duration::minutes(v),
        },
    },
    Spec {
        key: "sign_in.failure_memory_hours",
        label: msg::SETTING_FAILURE_MEMORY,
        unit: Unit::Hours,
        source: "[U]",
        reason: "a day's failures decide the wait; yesterday's mistakes are forgotten",
        kind: Kind::Int {
            min: 1,
            max: 24 * 30,
            default: 24,
            get: |s| hours(s.sign_in.failure_memory),
            set: |s, v| s.sign_in.failure_memory = Duration::hours(v),
        },
    },
    Spec {
        key: "sign_in.known_device_days",
        label: msg::SETTING_KNOWN_DEVICE_DAYS,
        unit: Unit::Days,
        source: "[U] OWASP device cookies",
        reason: "a browser used at least once a quarter stays known, so others' failed attempts never \
                 keep its owner out",
        kind: Kind::Int {
            min: 1,
            max: 3650,
            default: 90,
            get: |s| s.sign_in.known_device_ttl.num_days(),
            set: |s, v| s.sign_in.known_device_ttl = Duration::days(v),
        },
    },
    Spec {
        key: "sign_in.session_hours",
        label: msg::SETTING_SESSION_HOURS,
        unit: Unit::Hours,
        source: "[U]",
        reason: "a working day; a shared office computer does not stay signed in overnight",
        kind: Kind::Int {
            min: 1,
            max: 24 * 7,
            default: 8,
            get: |s| hours(s.sign_in.session_ttl),
            set: |s, v| s.sign_in.session_ttl = Duration::hours(v),
        },
    },
    Spec {
        key: "sign_in.idle_minutes",
        label: msg::SETTING_IDLE_MINUTES,
        unit: Unit::Minutes,
        source: "[U] PIPL 51",
        reason: "a computer left signed in at a township office or a village committee is signed out \
                 after half an hour unused (OWASP's guide: 15 to 30 minutes for sensitive data)",
        kind: Kind::Int {
            min: 1,
            max: 24 * 60,
            default: 30,
            get: |s| minutes(s.sign_in.idle_timeout),
            set: |s, v| s.sign_in.idle_timeout = Duration::minutes(v),
        },
    },
    Spec {
        key: "sign_in.second_step_minutes",
        label: msg::SETTING_SECOND_STEP,
        unit: Unit::Minutes,
        source: "[U]",
        reason: "time to find the phone, or to install an authenticator app and set it up; then the \
                 password is asked again",
        kind: Kind::Int {
            min: 1,
            max: 120,
            default: 15,
            get: |s| minutes(s.sign_in.second_step),
            set: |s, v| s.sign_in.second_step = Duration::minutes(v),
        },
    },
    Spec {
        key: "sign_in.recovery_codes",
        label: msg::SETTING_RECOVERY_CODES,
        unit: Unit::Count,
        source: "[U]",
        reason: "enough for a lost phone or two until an administrator resets the second factor; \
                 each code is used once",
        kind: Kind::Int {
            min: 1,
            max: 50,
            default: 10,
            get: |s| s.sign_in.recovery_codes,
            set: |s, v| s.sign_in.recovery_codes = v,
        },
    },
    Spec {
        key: "limits.body_kb",
        label: msg::SETTING_BODY_LIMIT,
        unit: Unit::Kilobytes,
        source: "[U]",
        reason: "the largest form (a child's file) is a few kilobytes; more is refused before it is read",
        kind: Kind::Int {
            min: 16,
            max: 64 * 1024,
            default: 256,
            get: |s| i64::try_from(s.limits.body_bytes / 1024).unwrap_or(i64::MAX),
            set: |s, v| s.limits.body_bytes = usize::try_from(v).unwrap_or(0) * 1024,
        },
    },
    Spec {
        key: "limits.upload_mb",
        label: msg::SETTING_UPLOAD_LIMIT,
        unit: Unit::Megabytes,
        source: "[U]",
        reason: "a census workbook of a million rows is about 150 MB",
        kind: Kind::Int {
            min: 1,
            max: 4096,
            default: 200,
            get: |s| i64::try_from(s.limits.upload_bytes / (1024 * 1024)).unwrap_or(i64::MAX),
            set: |s, v| s.limits.upload_bytes = usize::try_from(v).unwrap_or(0) * 1024 * 1024,
        },
    },
    Spec {
        key: "limits.work_file_hours",
        label: msg::SETTING_WORK_FILE_HOURS,
        unit: Unit::Hours,
        source: "[U] PIPL 19",
        reason: "an error report repeats a whole uploaded sheet of children's data; it is deleted once \
                 downloaded, and a day is enough to download it",
        kind: Kind::Int {
            min: 1,
            max: 24 * 30,
            default: 24,
            get: |s| hours(s.limits.work_file_age),
            set: |s, v| s.limits.work_file_age = Duration::hours(v),
        },
    },
    Spec {
        key: "limits.reveals_per_user_per_day",
        label: msg::SETTING_REVEALS_PER_DAY,
        unit: Unit::Count,
        source: "[U] PIPL 28, 51",
        reason: "a doctor or social worker shows a number now and then, for one child, and a supervisor \
                 checking work a few; thirty in a day is more than a busy day needs and far fewer than \
                 collecting a village's numbers, which masking is there to stop",
        kind: Kind::Int {
            min: 1,
            max: 10_000,
            default: 30,
            get: |s| s.limits.reveals_per_user_per_day,
            set: |s, v| s.limits.reveals_per_user_per_day = v,
        },
    },
    Spec {
        key: "limits.id_searches_per_user_per_day",
        label: msg::SETTING_ID_SEARCHES_PER_DAY,
        unit: Unit::Count,
        source: "[U] PIPL 28, 51",
        reason: "a doctor or teacher finds a child by ID number a few times a day; a masked number's \
                 unknown digits leave about 500 candidates, each confirmed or ruled out by one search, so \
                 fifty a day makes guessing one number take days, every try in the audit log",
        kind: Kind::Int {
            min: 1,
            max: 100_000,
            default: 50,
            get: |s| s.limits.id_searches_per_user_per_day,
            set: |s, v| s.limits.id_searches_per_user_per_day = v,
        },
    },
    Spec {
        key: "audit.refusals_per_user_per_hour",
        label: msg::SETTING_REFUSALS_AUDITED,
        unit: Unit::Count,
        source: "[U] PIPL 51",
        reason: "enough to see who probes for records outside their area, few enough that a \
                 probe cannot flood the audit log; the rest are counted in the next entry",
        kind: Kind::Int {
            min: 1,
            max: 100_000,
            default: 30,
            get: |s| s.audit.refusals_per_user_per_hour,
            set: |s, v| s.audit.refusals_per_user_per_hour = v,
        },
    },
    Spec {
        key: "retention.years_after_adulthood",
        label: msg::SETTING_RETENTION_YEARS,
        unit: Unit::Years,
        source: "[U] PIPL 19、47；[CC] 188、191",
        reason: "no text read fixes how long a closed file is kept; PIPL keeps data only as long as its \
                 purpose needs, and a minor's claim for sexual harm may be brought until 3 years after \
                 turning 18, so the file's evidence is kept that long, then anonymised",
        kind: Kind::Int {
            min: 1,
            max: 50,
            default: 3,
            get: |s| i64::from(s.retention.years_after_adulthood),
            set: |s, v| s.retention.years_after_adulthood = u32::try_from(v).unwrap_or(u32::MAX),
        },
    },
    Spec {
        key: "accounts.set_password_link_hours",
        label: msg::SETTING_LINK_HOURS,
        unit: Unit::Hours,
        source: "[U]",
        reason: "a link handed over on a Friday still works on Monday; one forgotten in a chat \
                 stops working within days",
        kind: Kind::Int {
            min: 1,
            max: 24 * 14,
            default: 72,
            get: |s| hours(s.accounts.set_password_link_ttl),
            set: |s, v| s.accounts.set_password_link_ttl = Duration::hours(v),
        },
    },
    Spec {
        key: "accounts.api_token_days",
        label: msg::SETTING_API_TOKEN_DAYS,
        unit: Unit::Days,
        source: "[U]",
        reason: "a person's script asks for a new token with their password each month; a lost \
                 token works a month at most",
        kind: Kind::Int {
            min: 1,
            max: 366,
            default: 30,
            get: |s| s.accounts.api_token_ttl.num_days(),
            set: |s, v| s.accounts.api_token_ttl = Duration::days(v),
        },
    },
    Spec {
        key: "accounts.service_token_days",
        label: msg::SETTING_SERVICE_TOKEN_DAYS,
        unit: Unit::Days,
        source: "[U]",
        reason: "another system has no password to renew its token with; a new one, approved \
                 like the account, each year",
        kind: Kind::Int {
            min: 1,
            max: 3 * 366,
            default: 365,
            get: |s| s.accounts.service_token_ttl.num_days(),
            set: |s, v| s.accounts.service_token_ttl = Duration::days(v),
        },
    },
    Spec {
        key: "visits.alone_or_unattended_days",
        label: msg::SETTING_VISIT_ALONE,
        unit: Unit::Days,
        source: "[U] [M19]；[UPL] 21、23",
        reason: "no text fixes a cadence; a child under 16 living alone or under 8 without care is a breach of \
                 [UPL] 21 in progress, so the director sees the child every week, the rhythm [UPL] 23 asks of \
                 the parents' own contact",
        kind: Kind::Int {
            min: 1,
            max: 90,
            default: 7,
            get: |s| s.visits.alone_or_unattended_days,
            set: |s, v| s.visits.alone_or_unattended_days = v,
        },
    },
    Spec {
        key: "visits.high_risk_case_days",
        label: msg::SETTING_VISIT_HIGH_RISK,
        unit: Unit::Days,
        source: "[U] [M19]；[S] 二(四)",
        reason: "no text fixes a cadence; a case assessed high risk (a present danger, a serious health finding, \
                 a young child in poor care) is followed weekly while the township's plan runs",
        kind: Kind::Int {
            min: 1,
            max: 90,
            default: 7,
            get: |s| s.visits.high_risk_case_days,
            set: |s, v| s.visits.high_risk_case_days = v,
        },
    },
    Spec {
        key: "visits.unsuitable_carer_days",
        label: msg::SETTING_VISIT_UNSUITABLE_CARER,
        unit: Unit::Days,
        source: "[U] [M19]；[UPL] 22",
        reason: "no text fixes a cadence; a carer who falls under [UPL] 22's exclusions or lacks the capacity \
                 to care is checked every two weeks until the parents entrust someone else",
        kind: Kind::Int {
            min: 1,
            max: 90,
            default: 14,
            get: |s| s.visits.unsuitable_carer_days,
            set: |s, v| s.visits.unsuitable_carer_days = v,
        },
    },
    Spec {
        key: "visits.dropout_days",
        label: msg::SETTING_VISIT_DROPOUT,
        unit: Unit::Days,
        source: "[U] [M19]；[S] 二(一)",
        reason: "no text fixes a cadence; the director helps bring a dropout back to school ([M19]) and sees \
                 the family every two weeks while persuasion goes on",
        kind: Kind::Int {
            min: 1,
            max: 90,
            default: 14,
            get: |s| s.visits.dropout_days,
            set: |s, v| s.visits.dropout_days = v,
        },
    },
    Spec {
        key: "visits.left_behind_days",
        label: msg::SETTING_VISIT_LEFT_BEHIND,
        unit: Unit::Days,
        source: "[U] [M19]",
        reason: "no text fixes a cadence; a monthly visit to every left-behind child is the usual practice \
                 of the 2019 child-director system and keeps the file current ([S] 三(一) 动态管理)",
        kind: Kind::Int {
            min: 7,
            max: 366,
            default: 30,
            get: |s| s.visits.left_behind_days,
            set: |s, v| s.visits.left_behind_days = v,
        },
    },
    Spec {
        key: "visits.other_days",
        label: msg::SETTING_VISIT_OTHER,
        unit: Unit::Days,
        source: "[U] [M19]",
        reason: "no text fixes a cadence; a child in the ledger who is not left-behind (a parent came home, \
                 turned 16) is seen each quarter until the file is closed",
        kind: Kind::Int {
            min: 7,
            max: 366,
            default: 90,
            get: |s| s.visits.other_days,
            set: |s, v| s.visits.other_days = v,
        },
    },
    Spec {
        key: "visits.due_soon_days",
        label: msg::SETTING_VISIT_DUE_SOON,
        unit: Unit::Days,
        source: "[U]",
        reason: "a director plans the week: visits falling due within seven days are on the list already",
        kind: Kind::Int {
            min: 0,
            max: 60,
            default: 7,
            get: |s| s.visits.due_soon_days,
            set: |s, v| s.visits.due_soon_days = v,
        },
    },
    Spec {
        key: "recompute.hour",
        label: msg::SETTING_RECOMPUTE_HOUR,
        unit: Unit::HourOfDay,
        source: "[U]",
        reason: "the ages change at midnight; at 2 o'clock nobody works on the files, so the \
                 day's warnings and lists are right before the first person signs in",
        kind: Kind::Int {
            min: 0,
            max: 23,
            default: 2,
            get: |s| i64::from(s.recompute.hour),
            set: |s, v| s.recompute.hour = u32::try_from(v).unwrap_or(0),
        },
    },
    Spec {
        key: "recompute.batch_ms",
        label: msg::SETTING_RECOMPUTE_BATCH_MS,
        unit: Unit::Milliseconds,
        source: "[U]",
        reason: "a save waits at most this long behind one batch; a quarter of a second is not \
                 felt on a phone, and leaves the run four times inside the one second allowed",
        kind: Kind::Int {
            min: 10,
            max: 1000,
            default: 250,
            get: |s| s.recompute.batch_hold.num_milliseconds(),
            set: |s, v| s.recompute.batch_hold = Duration::milliseconds(v),
        },
    },
    Spec {
        key: "recompute.lease_seconds",
        label: msg::SETTING_RECOMPUTE_LEASE_SECONDS,
        unit: Unit::Seconds,
        source: "[U]",
        reason: "each batch renews the claim in well under a second; two minutes of silence \
                 means the server stopped, and another one goes on from where it was",
        kind: Kind::Int {
            min: 10,
            max: 3600,
            default: 120,
            get: |s| s.recompute.lease.num_seconds(),
            set: |s, v| s.recompute.lease = Duration::seconds(v),
        },
    },
    // Dropout control (issue 18). No text fixes these days ([S] 二(一) says 及时): defaults
    // in docs/domain.md.
    Spec {
        key: "dropout.notify_days",
        label: msg::SETTING_DROPOUT_NOTIFY_DAYS,
        unit: Unit::Days,
        source: "[U] [S] 二(一)“及时通报”",
        reason: "the law says in good time; three days let the class teacher try the family \
                 and a home visit before the school tells the parents formally",
        kind: Kind::Int {
            min: 1,
            max: 30,
            default: 3,
            get: |s| s.dropout.notify_days,
            set: |s, v| s.dropout.notify_days = v,
        },
    },
    Spec {
        key: "dropout.persuasion_days",
        label: msg::SETTING_DROPOUT_PERSUASION_DAYS,
        unit: Unit::Days,
        source: "[U] [S] 二(一)",
        reason: "a week from the notice to the first round of persuasion, and between rounds, \
                 lets a parent working in another province come home or join by phone",
        kind: Kind::Int {
            min: 1,
            max: 60,
            default: 7,
            get: |s| s.dropout.persuasion_days,
            set: |s, v| s.dropout.persuasion_days = v,
        },
    },
    Spec {
        key: "dropout.report_days",
        label: msg::SETTING_DROPOUT_REPORT_DAYS,
        unit: Unit::Days,
        source: "[U] [S] 二(一)“劝返无效的，应书面报告”",
        reason: "once persuasion has failed, a week to write and send the report: every day \
                 out of school makes the return harder",
        kind: Kind::Int {
            min: 1,
            max: 30,
            default: 7,
            get: |s| s.dropout.report_days,
            set: |s, v| s.dropout.report_days = v,
        },
    },
    Spec {
        key: "dropout.measure_days",
        label: msg::SETTING_DROPOUT_MEASURE_DAYS,
        unit: Unit::Days,
        source: "[U] [S] 二(一)、三(二)；[CE] 58",
        reason: "fifteen days for the bureau or the township to act (aid, a school place, an \
                 order to the guardian): about the time an order under [CE] 58 gives to comply",
        kind: Kind::Int {
            min: 1,
            max: 90,
            default: 15,
            get: |s| s.dropout.measure_days,
            set: |s, v| s.dropout.measure_days = v,
        },
    },
    Spec {
        key: "tasks.hand_over_hours",
        label: msg::SETTING_TASKS_HAND_OVER_HOURS,
        unit: Unit::Hours,
        source: "[U] [S] 二(三)",
        reason: "the police go out at once and then notify the township; a day covers a night's \
                 disposal and the written hand-over without leaving a case with no one for longer",
        kind: Kind::Int {
            min: 1,
            max: 168,
            default: 24,
            get: |s| s.tasks.hand_over_hours,
            set: |s, v| s.tasks.hand_over_hours = v,
        },
    },
    Spec {
        key: "tasks.acknowledge_hours",
        label: msg::SETTING_TASKS_ACKNOWLEDGE_HOURS,
        unit: Unit::Hours,
        source: "[U] [S] 二(四)",
        reason: "the township receives the case the police hand over and starts the assessment; \
                 a working day to open it",
        kind: Kind::Int {
            min: 1,
            max: 168,
            default: 24,
            get: |s| s.tasks.acknowledge_hours,
            set: |s, v| s.tasks.acknowledge_hours = v,
        },
    },
    Spec {
        key: "tasks.referral_days",
        label: msg::SETTING_TASKS_REFERRAL_DAYS,
        unit: Unit::Days,
        source: "[U] [S] 二(四)",
        reason: "a referred child waits on the answer; seven days, like the assessment itself",
        kind: Kind::Int {
            min: 1,
            max: 60,
            default: 7,
            get: |s| s.tasks.referral_days,
            set: |s, v| s.tasks.referral_days = v,
        },
    },
    Spec {
        key: "tasks.turned16_days",
        label: msg::SETTING_TASKS_TURNED16_DAYS,
        unit: Unit::Days,
        source: "[U]",
        reason: "a month for the township to close the file of a child who reached 16 or keep it \
                 with a reason (decision 123)",
        kind: Kind::Int {
            min: 1,
            max: 365,
            default: 30,
            get: |s| s.tasks.turned16_days,
            set: |s, v| s.tasks.turned16_days = v,
        },
    },
    Spec {
        key: "tasks.import_days",
        label: msg::SETTING_TASKS_IMPORT_DAYS,
        unit: Unit::Days,
        source: "[U]",
        reason: "an import's author sees its outcome (the rows refused) for a week, then it leaves the list",
        kind: Kind::Int {
            min: 1,
            max: 60,
            default: 7,
            get: |s| s.tasks.import_days,
            set: |s, v| s.tasks.import_days = v,
        },
    },
    Spec {
        key: "tasks.overview_refresh_seconds",
        label: msg::SETTING_TASKS_OVERVIEW_REFRESH,
        unit: Unit::Seconds,
        source: "[U]",
        reason: "0: a district's or the city's warning counts on the home page are read at every visit from \
                 the counts every write keeps (decision 188), exact and a few hundred rows; a number of seconds \
                 reuses them that long (decision 187), for a deployment that would rather spare the reads",
        kind: Kind::Int {
            min: 0,
            max: 3600,
            default: 0,
            get: |s| s.tasks.overview_refresh_seconds,
            set: |s, v| s.tasks.overview_refresh_seconds = v,
        },
    },
    // Printable documents (issue 22). No text fixes these: decision 165.
    Spec {
        key: "documents.verify_per_address_per_hour",
        label: msg::SETTING_DOCUMENTS_VERIFY_PER_ADDRESS,
        unit: Unit::Count,
        source: "[U]",
        reason: "a clerk checking a pile of papers from one office checks a few dozen in an hour; \
                 guessing a 60-bit code needs billions of tries",
        kind: Kind::Int {
            min: 1,
            max: 100_000,
            default: 120,
            get: |s| i64::from(s.documents.verify_per_address_per_hour),
            set: |s, v| s.documents.verify_per_address_per_hour = u32::try_from(v).unwrap_or(u32::MAX),
        },
    },
    Spec {
        key: "documents.batch_max_files",
        label: msg::SETTING_DOCUMENTS_BATCH_MAX,
        unit: Unit::Count,
        source: "[U]",
        reason: "a village's or a township's files print as one PDF (a township has a few hundred to \
                 two thousand); a district's tens of thousands are printed village by village, so one \
                 request never builds a PDF of hundreds of megabytes",
        kind: Kind::Int {
            min: 1,
            max: 20_000,
            default: 2_000,
            get: |s| s.documents.batch_max_files,
            set: |s, v| s.documents.batch_max_files = v,
        },
    },
    // Notifications (issue 19): the outbox's retries. No text fixes these.
    Spec {
        key: "notify.attempts",
        label: msg::SETTING_NOTIFY_ATTEMPTS,
        unit: Unit::Count,
        source: "[U]",
        reason: "eight attempts with the wait doubling from half a minute reach about an hour \
                 apart and span about a day with the cap: a mail server or SMS gateway down for \
                 maintenance overnight still gets the message",
        kind: Kind::Int { min: 1, max: 50, default: 8, get: |s| s.notify.attempts, set: |s, v| s.notify.attempts = v },
    },
    Spec {
        key: "notify.first_delay_seconds",
        label: msg::SETTING_NOTIFY_FIRST_DELAY,
        unit: Unit::Seconds,
        source: "[U]",
        reason: "half a minute rides out a receiver restarting without hammering one that is down",
        kind: Kind::Int {
            min: 1,
            max: 3600,
            default: 30,
            get: |s| s.notify.first_delay.num_seconds(),
            set: |s, v| s.notify.first_delay = Duration::seconds(v),
        },
    },
    Spec {
        key: "notify.max_delay_seconds",
        label: msg::SETTING_NOTIFY_MAX_DELAY,
        unit: Unit::Seconds,
        source: "[U]",
        reason: "at most an hour between attempts: a message about a child at risk must not wait \
                 half a day once the receiver is back",
        kind: Kind::Int {
            min: 1,
            max: 86400,
            default: 3600,
            get: |s| s.notify.max_delay.num_seconds(),
            set: |s, v| s.notify.max_delay = Duration::seconds(v),
        },
    },
    Spec {
        key: "notify.batch",
        label: msg::SETTING_NOTIFY_BATCH,
        unit: Unit::Count,
        source: "[U]",
        reason: "fifty messages a run keep one slow receiver from holding many claims at once",
        kind: Kind::Int { min: 1, max: 1000, default: 50, get: |s| s.notify.batch, set: |s, v| s.notify.batch = v },
    },
    Spec {
        key: "notify.lease_seconds",
        label: msg::SETTING_NOTIFY_LEASE,
        unit: Unit::Seconds,
        source: "[U]",
        reason: "a send times out well within two minutes; a claim older than that belongs to a \
                 server that stopped, and another one sends the message",
        kind: Kind::Int {
            min: 10,
            max: 3600,
            default: 120,
            get: |s| s.notify.lease.num_seconds(),
            set: |s, v| s.notify.lease = Duration::seconds(v),
        },
    },
    Spec {
        key: "notify.poll_ms",
        label: msg::SETTING_NOTIFY_POLL_MS,
        unit: Unit::Milliseconds,
        source: "[U]",
        reason: "a commit wakes the server at once (on PostgreSQL every server, by NOTIFY); the \
                 poll is only the fallback if a wake-up is lost, and one read a second costs nothing",
        kind: Kind::Int {
            min: 50,
            max: 60000,
            default: 1000,
            get: |s| s.notify.poll.num_milliseconds(),
            set: |s, v| s.notify.poll = Duration::milliseconds(v),
        },
    },
    Spec {
        key: "notify.late_check_seconds",
        label: msg::SETTING_NOTIFY_LATE_CHECK,
        unit: Unit::Seconds,
        source: "[S] 二(三) (at once); [U]",
        reason: "a report no duty desk has accepted by its deadline is announced again, critical, within \
                 this many seconds of the deadline; a check reads only the open reports",
        kind: Kind::Int {
            min: 5,
            max: 3600,
            default: 60,
            get: |s| s.notify.late_check.num_seconds(),
            set: |s, v| s.notify.late_check = Duration::seconds(v),
        },
    },
    Spec {
        key: "notify.keep_days",
        label: msg::SETTING_NOTIFY_KEEP_DAYS,
        unit: Unit::Days,
        source: "[U] PIPL 19",
        reason: "a notification read, or a message sent or given up, has served: the record it points to \
                 keeps its own history and audit; a quarter lets a user and the administrator look back, \
                 and the tables of a province's servers do not grow without end",
        kind: Kind::Int {
            min: 7,
            max: 3650,
            default: 90,
            get: |s| s.notify.keep.num_days(),
            set: |s, v| s.notify.keep = Duration::days(v),
        },
    },
    // Oversight (issue 20): the register of overdue work. No text fixes these: decision 169.
    Spec {
        key: "oversight.trend_weeks",
        label: msg::SETTING_OVERSIGHT_TREND_WEEKS,
        unit: Unit::Count,
        source: "[U] [S] 四(二)",
        reason: "a quarter of weeks shows whether a unit's delays grow or shrink since the last \
                 joint meeting, and stays readable on a phone",
        kind: Kind::Int {
            min: 1,
            max: 52,
            default: 12,
            get: |s| s.oversight.trend_weeks,
            set: |s, v| s.oversight.trend_weeks = v,
        },
    },
    Spec {
        key: "oversight.oldest_items",
        label: msg::SETTING_OVERSIGHT_OLDEST_ITEMS,
        unit: Unit::Count,
        source: "[U]",
        reason: "the oldest items of each kind are the ones a measure is about; a page of them per \
                 kind, the counts give the rest",
        kind: Kind::Int {
            min: 1,
            max: 500,
            default: 20,
            get: |s| s.oversight.oldest_items,
            set: |s, v| s.oversight.oldest_items = v,
        },
    },
    Spec {
        key: "oversight.late_report_days",
        label: msg::SETTING_OVERSIGHT_LATE_REPORT_DAYS,
        unit: Unit::Days,
        source: "[U] [S] 二(二)",
        reason: "a year of late reports, the span of a yearly review of the units with a duty to report",
        kind: Kind::Int {
            min: 1,
            max: 3660,
            default: 365,
            get: |s| s.oversight.late_report_days,
            set: |s, v| s.oversight.late_report_days = v,
        },
    },
    // Census rounds (issue 20, decision 147).
    Spec {
        key: "rounds.district_days",
        label: msg::SETTING_ROUNDS_DISTRICT_DAYS,
        unit: Unit::Days,
        source: "[U]",
        reason: "the townships' returns are due on the round's deadline; the district then reviews \
                 each (a send-back and a second sign-off included) before it signs off its own: a week",
        kind: Kind::Int {
            min: 0,
            max: 90,
            default: 7,
            get: |s| s.rounds.district_days,
            set: |s, v| s.rounds.district_days = v,
        },
    },
    // Several servers on one database (issue 23, decision 196).
    Spec {
        key: "servers.lease_seconds",
        label: msg::SETTING_SERVERS_LEASE_SECONDS,
        unit: Unit::Seconds,
        source: "[U]",
        reason: "a live server renews its claims every quarter of this; a minute without renewal \
                 means it stopped, and another server fails its import (nothing was written) or \
                 takes the work over",
        kind: Kind::Int {
            min: 10,
            max: 3600,
            default: 60,
            get: |s| s.servers.lease.num_seconds(),
            set: |s, v| s.servers.lease = Duration::seconds(v),
        },
    },
    // Reads from a replica (issue 23, decision 201).
    Spec {
        key: "servers.replica_wait_ms",
        label: msg::SETTING_SERVERS_REPLICA_WAIT_MS,
        unit: Unit::Milliseconds,
        source: "[U]",
        reason: "a replica on the same network gives a connection in a few milliseconds; one that has not \
                 in half a second is down or overloaded, and the primary answers the read instead of the \
                 user waiting",
        kind: Kind::Int {
            min: 50,
            max: 10_000,
            default: 500,
            get: |s| s.servers.replica_wait.num_milliseconds(),
            set: |s, v| s.servers.replica_wait = Duration::milliseconds(v),
        },
    },
    Spec {
        key: "servers.replica_retry_seconds",
        label: msg::SETTING_SERVERS_REPLICA_RETRY_SECONDS,
        unit: Unit::Seconds,
        source: "[U]",
        reason: "a failed replica costs each server one wait per period instead of one per read; ten \
                 seconds brings reads back to a restarted replica soon after it is up",
        kind: Kind::Int {
            min: 1,
            max: 3600,
            default: 10,
            get: |s| s.servers.replica_retry.num_seconds(),
            set: |s, v| s.servers.replica_retry = Duration::seconds(v),
        },
    },
    // Name search (issue 24, decision 190).
    Spec {
        key: "search.count_limit",
        label: msg::SETTING_SEARCH_COUNT_LIMIT,
        unit: Unit::Count,
        source: "[U]",
        reason: "a search that matches more than a thousand files is narrowed by region or by more of the \
                 name rather than read through; \"more than 1,000\" says so, and counting further would cost \
                 more than the page",
        kind: Kind::Int {
            min: 50,
            max: 100_000,
            default: 1_000,
            get: |s| s.search.count_limit,
            set: |s, v| s.search.count_limit = v,
        },
    },
    Spec {
        key: "search.count_budget_rows",
        label: msg::SETTING_SEARCH_COUNT_BUDGET,
        unit: Unit::Count,
        source: "[U]",
        reason: "a pinyin prefix or a school's scope is counted by reading term rows one by one; five \
                 thousand take a few milliseconds, about what the page itself costs",
        kind: Kind::Int {
            min: 100,
            max: 1_000_000,
            default: 5_000,
            get: |s| s.search.count_budget_rows,
            set: |s, v| s.search.count_budget_rows = v,
        },
    },
    Spec {
        key: "search.id_tail_candidates",
        label: msg::SETTING_SEARCH_ID_TAIL,
        unit: Unit::Count,
        source: "[U]",
        reason: "a search by five or more last digits reads the files whose number ends in the last four \
                 (about 90 in a city of a million) and opens each; two thousand leaves room for a province \
                 while bounding what one search opens and sorts in memory (four digits are paged as names are)",
        kind: Kind::Int {
            min: 100,
            max: 100_000,
            default: 2_000,
            get: |s| s.search.id_tail_candidates,
            set: |s, v| s.search.id_tail_candidates = v,
        },
    },
    // The ledger (issue 23).
    Spec {
        key: "ledger.count_limit",
        label: msg::SETTING_LEDGER_COUNT_LIMIT,
        unit: Unit::Count,
        source: "[U]",
        reason: "a ledger of more than a thousand files is narrowed by its filters rather than paged through, \
                 and the statistics page gives a district's or the city's exact figures; every page of the \
                 ledger counts its files again, reading an index entry for each file it counts",
        kind: Kind::Int {
            min: 50,
            max: 100_000,
            default: 1_000,
            get: |s| s.ledger.count_limit,
            set: |s, v| s.ledger.count_limit = v,
        },
    },
];

/// Keys of settings that no longer exist: read and ignored, so that a document written by an
/// older shouhu (which writes every key) still starts. The sign-in lock-out's three were
/// replaced by growing delays (decision 81).
pub static RETIRED: &[&str] =
    &["sign_in.max_failures_per_user", "sign_in.max_failures_per_address", "sign_in.failure_window_minutes"];

/// What is wrong with a settings document; the message names the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SettingsError(pub String);

impl Settings {
    /// Reads a settings document. Keys left out take their defaults.
    pub fn from_toml(text: &str) -> Result<Settings, SettingsError> {
        let table: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| SettingsError(format!("{}{}", msg::SETTINGS_NOT_TOML, e.message().trim())))?;
        let mut s = Settings::default();
        for (section, value) in &table {
            let toml::Value::Table(entries) = value else {
                return Err(SettingsError(format!("{section}：{}", msg::SETTINGS_UNKNOWN_KEY)));
            };
            for (name, value) in entries {
                let key = format!("{section}.{name}");
                if RETIRED.contains(&key.as_str()) {
                    continue;
                }
                let Some(spec) = SPECS.iter().find(|s| s.key == key) else {
                    return Err(SettingsError(format!("{key}：{}", msg::SETTINGS_UNKNOWN_KEY)));
                };
                spec.apply(&mut s, value)?;
            }
        }
        Ok(s)
    }

    /// The document with every setting at its default, each with its unit, source and reason
    /// as a comment: what shouhu writes when there is none yet.
    pub fn default_document() -> String {
        let mut out = String::from(
            "# shouhu's settings. Every number the law does not fix is here, with its default,\n\
             # unit and source ([U]: no text fixes it). Change a value and restart shouhu; a key\n\
             # left out takes its default; an unknown key or a wrong value stops start-up.\n",
        );
        let mut section = "";
        for spec in SPECS {
            let (sec, name) = spec.key.split_once('.').unwrap_or(("", spec.key));
            if sec != section {
                out.push_str(&format!("\n[{sec}]\n"));
                section = sec;
            }
            let (value, range) = match spec.kind {
                Kind::Int { min, max, default, .. } => (default.to_string(), format!("{min}..{max}")),
                Kind::Choice { choices, default, .. } => (
                    format!("\"{default}\""),
                    choices.iter().map(|(c, _)| format!("\"{c}\"")).collect::<Vec<_>>().join(" | "),
                ),
            };
            out.push_str(&format!(
                "# {}. Unit: {}; allowed: {range}. Source: {}. Why: {}.\n{name} = {value}\n",
                spec.label,
                spec.unit.english(),
                spec.source,
                spec.reason
            ));
        }
        out
    }
}

impl Spec {
    fn apply(&self, s: &mut Settings, value: &toml::Value) -> Result<(), SettingsError> {
        match self.kind {
            Kind::Int { min, max, set, .. } => match value.as_integer() {
                Some(v) if (min..=max).contains(&v) => {
                    set(s, v);
                    Ok(())
                }
                _ => Err(SettingsError(format!(
                    "{}：{}{min}{}{max}{}（{}{value}）",
                    self.key,
                    msg::SETTINGS_INT_RANGE_PREFIX,
                    msg::SETTINGS_INT_RANGE_TO,
                    msg::SETTINGS_INT_RANGE_SUFFIX,
                    msg::SETTINGS_FOUND,
                ))),
            },
            Kind::Choice { choices, set, .. } => match value.as_str() {
                Some(v) if choices.iter().any(|(c, _)| *c == v) => {
                    set(s, v);
                    Ok(())
                }
                _ => Err(SettingsError(format!(
                    "{}：{}{}（{}{value}）",
                    self.key,
                    msg::SETTINGS_CHOICE,
                    choices.iter().map(|(c, _)| format!("\"{c}\"")).collect::<Vec<_>>().join("、"),
                    msg::SETTINGS_FOUND,
                ))),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_document_reads_back_as_the_defaults() {
        assert_eq!(Settings::from_toml(&Settings::default_document()), Ok(Settings::default()));
    }

    #[test]
    fn defaults_are_those_the_decisions_name() {
        let s = Settings::default();
        assert_eq!(s.age_rule, AgeRule::DayAfterBirthday);
        assert_eq!(s.applicant_rule, ApplicantRule::National);
        assert_eq!(s.reports.late_report_limit, Duration::hours(24));
        assert_eq!(s.reports.late_response_limit, Duration::minutes(30));
        assert_eq!(s.reports.assessment_days, 7);
        assert_eq!(s.reports.discovery_clock_skew, Duration::minutes(5));
        assert_eq!(s.public_reports.per_address_per_hour, 10);
        assert_eq!(s.sign_in.session_ttl, Duration::hours(8));
        assert_eq!(s.sign_in.idle_timeout, Duration::minutes(30));
        assert_eq!(s.accounts.set_password_link_ttl, Duration::hours(72));
        assert_eq!(s.accounts.api_token_ttl, Duration::days(30));
        assert_eq!(s.limits.body_bytes, 256 * 1024);
        assert_eq!(s.limits.upload_bytes, 200 * 1024 * 1024);
        assert_eq!(s.retention.years_after_adulthood, 3);
    }

    #[test]
    fn a_value_changes_only_its_setting() {
        let s = Settings::from_toml("[reports]\nassessment_days = 10\n[age]\nrule = \"on_birthday\"\n").expect("valid");
        assert_eq!(s.reports.assessment_days, 10);
        assert_eq!(s.age_rule, AgeRule::OnBirthday);
        assert_eq!(s.reports.late_report_limit, Duration::hours(24));
        assert_eq!(Settings::from_toml(""), Ok(Settings::default()));
    }

    #[test]
    fn a_wrong_value_names_its_key() {
        let e = Settings::from_toml("[reports]\nassessment_days = 0\n").expect_err("out of range");
        assert!(e.0.starts_with("reports.assessment_days："), "{e}");
        assert!(e.0.contains("1") && e.0.contains("90"), "{e}");
        assert!(Settings::from_toml("[reports]\nassessment_days = 90\n").is_ok());
        assert!(Settings::from_toml("[reports]\nassessment_days = 91\n").is_err());
        let e = Settings::from_toml("[reports]\nassessment_days = \"7\"\n").expect_err("a string");
        assert!(e.0.starts_with("reports.assessment_days："), "{e}");
        let e = Settings::from_toml("[age]\nrule = \"birthday\"\n").expect_err("no such choice");
        assert!(e.0.starts_with("age.rule：") && e.0.contains("on_birthday"), "{e}");
    }

    #[test]
    fn an_unknown_key_is_refused_by_name() {
        let e = Settings::from_toml("[reports]\nassesment_days = 7\n").expect_err("typo");
        assert!(e.0.starts_with("reports.assesment_days："), "{e}");
        let e = Settings::from_toml("colour = 1\n").expect_err("not a section");
        assert!(e.0.starts_with("colour："), "{e}");
        assert!(Settings::from_toml("[reports\n").is_err());
    }

    #[test]
    fn a_retired_key_is_ignored() {
        let s = Settings::from_toml("[sign_in]\nmax_failures_per_user = 5\nfailure_window_minutes = 15\n");
        assert_eq!(s, Ok(Settings::default()));
        assert!(SPECS.iter().all(|s| !RETIRED.contains(&s.key)));
    }

    #[test]
    fn every_key_is_unique_and_every_default_in_its_range() {
        for (i, a) in SPECS.iter().enumerate() {
            assert!(SPECS[i + 1..].iter().all(|b| b.key != a.key), "{} twice", a.key);
            if let Kind::Int { min, max, default, get, .. } = a.kind {
                assert!((min..=max).contains(&default), "{}", a.key);
                assert_eq!(get(&Settings::default()), default, "{} does not read back", a.key);
            }
        }
    }
}
