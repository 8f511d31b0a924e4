//! The message catalog: every text a user reads, in Chinese (zh-CN), in one place.
//! Templates and handlers refer to these constants, so a missing text is a compile error;
//! another language would be a sibling module with the same names.

// Field errors.
pub const REQUIRED: &str = "此项为必填项";
pub const CONTROL_CHARS: &str = "含有不可见的控制字符，请删除后重新输入";
/// A census cell with bytes that are not text in the file's encoding.
pub const CELL_UNREADABLE: &str = "有无法识别的文字（文件中的字节不是有效的 GB18030 或 UTF-8 文字）。请在 Excel 中核对该单元格，\
     或“另存为”“CSV UTF-8（逗号分隔）”或 .xlsx 后再上传";
pub const NAME_CHARS: &str = "姓名中有不可见的控制字符或改变文字方向的字符（常见于从网页或聊天软件复制的文字），或有无法识别的字符“�”，请删除后重新输入";
pub const DATE_INVALID: &str = "日期格式应为 年-月-日，例如 2015-03-08";
pub const DATE_OUT_OF_RANGE: &str = "日期应在1900年至2100年之间";
pub const DATE_IN_FUTURE: &str = "日期不能晚于今天";
pub const CONTACT_BEFORE_BIRTH: &str = "联系日期不能早于儿童出生日期";
pub const NOT_A_MINOR: &str = "出生日期表明已年满十八周岁，不属于未成年人";
pub const ID_EMPTY: &str = "请填写身份证号码";
pub const ID_LENGTH: &str = "身份证号码应为18位（或旧版15位）";
pub const ID_CHARACTERS: &str = "身份证号码只能包含数字，最后一位可以是X";
pub const ID_PROVINCE: &str = "身份证号码前两位不是有效的省级行政区划代码";
pub const ID_BIRTH_DATE: &str = "身份证号码中的出生日期不存在";
pub const ID_FUTURE: &str = "身份证号码中的出生日期晚于今天";
pub const ID_BIRTH_MISMATCH: &str = "出生日期与身份证号码中的出生日期不一致";
pub const ID_SEX_MISMATCH: &str = "性别与身份证号码（第17位）不一致";
pub const PHONE_INVALID: &str = "电话号码格式不正确，应为11位手机号或带区号的固定电话";
pub const VILLAGE_CODE_FORMAT: &str = "村（居）代码应为12位数字";
pub const VILLAGE_UNKNOWN: &str = "没有这个村（居）代码，或不在您的管辖范围内";
pub const DISABILITY_REQUIRED: &str = "健康状况为残疾时，请填写残疾类别";
pub const ILLNESS_REQUIRED: &str = "健康状况为患病时，请填写所患疾病";
pub const UNKNOWN_OPTION: &str = "不是可选的选项之一";

/// A value not on a closed list, with the list ("不是可选的选项之一（可选：男、女）").
pub fn unknown_option_among(choices: &[&str]) -> String {
    format!("{UNKNOWN_OPTION}（可选：{}）", choices.join("、"))
}
pub const YES_OR_NO: &str = "应填写“是”或“否”";
pub const YES_NO_OR_NOT_FILLED_IN: &str = "应填写“是”或“否”；不清楚时留空或填“未填写”";
pub const STALE_VERSION: &str = "该档案已被他人修改，您的修改未保存。请刷新页面，查看最新内容后重新修改";
pub const DUPLICATE_ID: &str = "该身份证号码已有档案";
pub const CLOSE_REASON_REQUIRED: &str = "请选择销档原因";
pub const CLOSE_NOTE_REQUIRED: &str = "原因为“其他”时，请填写说明";
pub const PARENT_BIRTH_AFTER_CHILD: &str = "父母的出生日期应早于儿童的出生日期";
pub const SCHOOL_ORG_UNKNOWN: &str = "没有这个学校或幼儿园";

/// A text longer than `max` characters.
pub fn too_long(max: usize) -> String {
    format!("不能超过{max}个字")
}

// Guardianship intervention (监护干预).
pub const MEASURE_BEFORE_CASE: &str = "措施日期早于本案报告日期，请核对";
pub const ENDED_ONLY_FOR_REFUSAL: &str = "只有“拒不履行监护职责”的行为记录可以填写恢复履行日期";
pub const ENDED_BEFORE_START: &str = "恢复履行日期不能早于开始日期";
pub const PARTICIPANTS_REQUIRED: &str = "请填写参与评估的单位和人员";
pub const ASSESSMENT_DONE: &str = "该评估已完成";
pub const OUTCOME_REQUIRED: &str = "服务完成或中止时，请填写结果";
pub const STATE_ORDER: &str = "当前状态不能进行这一步，请刷新页面查看最新进度";
pub const ORG_UNKNOWN: &str = "没有这个单位";
pub const REASON_REQUIRED: &str = "不予受理或不符合条件时，请填写原因";
pub const APPLICANT_NOT_ALLOWED: &str = "依法不能由该申请人向法院申请撤销监护人资格";
pub const GROUNDS_REQUIRED: &str = "请选择申请所依据的撤销情形";
pub const DATE_BEFORE_PREVIOUS_STEP: &str = "日期不能早于上一环节的日期";
pub const NEW_GUARDIAN_REQUIRED: &str = "请填写法院另行指定的监护人";
pub const PLACEMENTS: &str = "国家监护";
pub const PLACEMENT_KIND: &str = "监护类型";
pub const PLACEMENT_GROUND_LABEL: &str = "法定情形";
pub const PLACED_WITH: &str = "安置机构或家庭";
pub const PLACEMENT_START: &str = "开始日期";
pub const PLACEMENT_ADD: &str = "记录国家监护";
pub const PLACEMENT_GROUND: &str = "该情形不是这类国家监护的法定情形（临时监护见未成年人保护法第92条，长期监护见第94条；法院撤销监护人资格后指定民政部门的，须先记录法院判决）";

/// A ground claimed that the conduct record does not meet.
pub fn ground_not_met(ground: &str) -> String {
    format!("行为记录尚不足以认定“{ground}”，请先记录相关行为、措施和证据")
}

fn day(d: chrono::NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

/// Refused duties: since when, when six months are reached, and what is still missing.
pub fn refused_duties_since(
    since: chrono::NaiveDate,
    six_months: chrono::NaiveDate,
    reached: bool,
    ended: Option<chrono::NaiveDate>,
    without_means: bool,
) -> String {
    let mut s = format!("自{}起拒不履行监护职责", day(since));
    match (ended, reached) {
        (Some(e), false) => s.push_str(&format!("，{}恢复履行，未满六个月", day(e))),
        (_, true) => s.push_str(&format!("，{}已满六个月", day(six_months))),
        (None, false) => s.push_str(&format!("，将于{}满六个月", day(six_months))),
    }
    if !without_means {
        s.push_str("；尚无儿童生活无着（流离失所）的记录");
    }
    s
}

/// Not corrected after education: when educated, and when it happened again.
pub fn not_corrected(educated: Option<chrono::NaiveDate>, again: Option<chrono::NaiveDate>) -> String {
    match (educated, again) {
        (None, _) => "有相关行为记录，尚无批评教育或训诫记录".to_string(),
        (Some(e), None) => format!("{}已进行教育，之后尚无再次发生的记录", day(e)),
        (Some(e), Some(a)) => format!("{}已进行教育，{}再次发生，属经教育不改", day(e), day(a)),
    }
}

/// Harm: how many incidents, how many with serious harm.
pub fn harm_found(all: usize, serious: usize) -> String {
    if serious == 0 {
        format!("有{all}次相关行为记录，尚无身心健康严重受损的记录")
    } else {
        format!("有{all}次相关行为记录，其中{serious}次导致身心健康严重受损")
    }
}

/// Vices or imprisonment and refusing to entrust.
pub fn vices(met: bool) -> String {
    if met {
        "有恶习或服刑等无法履行监护职责，拒绝委托他人代为监护，导致儿童处于困境或危险状态".to_string()
    } else {
        "有恶习或服刑等记录，尚无拒绝委托他人代为监护并导致儿童处于困境或危险状态的记录".to_string()
    }
}

/// Begging: rounds of education so far, and begging again after the third.
pub fn begging_rounds(rounds: usize, again: Option<chrono::NaiveDate>) -> String {
    match again {
        Some(a) => format!("已进行{rounds}次批评教育，{}仍利用儿童乞讨，拒不改正", day(a)),
        None if rounds >= 3 => format!("已进行{rounds}次批评教育，之后尚无再次乞讨的记录"),
        None => format!("已进行{rounds}次批评教育（须三次以上仍不改正）"),
    }
}

/// A ground with one element: serious circumstances.
pub fn serious_or_not(met: bool) -> String {
    if met {
        "有情节恶劣或严重侵害的记录".to_string()
    } else {
        "有相关行为记录，尚无情节恶劣或严重侵害的记录".to_string()
    }
}

// Reports (强制报告).
pub const SITUATION_REQUIRED: &str = "请至少选择一种发现的情形";
pub const DISCOVERY_IN_FUTURE: &str = "发现时间不能晚于现在，请核对手机时间";
pub const CHILD_OR_DESCRIPTION: &str = "请从档案中选择儿童，或填写儿童的姓名、大致年龄等情况";
pub const REPORT_VILLAGE_REQUIRED: &str = "儿童不在档案中时，请选择儿童所在的村（居）";
/// A situation whose condition of sex or age ([MR] (2), (3)) the registered child does not
/// meet; names the situations that do, not the child's sex, age or birth date.
pub fn situation_not_for_child(situation: &str, instead: &[&str]) -> String {
    format!("档案中的儿童不符合“{situation}”的性别或年龄条件，请改选：“{}”", instead.join("”或“"))
}
pub const REPORT_CHILD_UNKNOWN: &str = "找不到该儿童的档案，或不在您的管辖范围内；可改为填写儿童情况";
pub const REPORT_REPEATED_KEY: &str = "该提交编号已用于另一份内容不同的报告，请刷新页面后重新填写";
pub const REPORT_STEP_ORDER: &str = "报告当前不处于这一步之前的环节，请刷新页面查看最新进度";
pub const REPORT_NOT_DUTY_DESK: &str = "只有派出所民警可以办理报告";
pub const REPORT_ACTIONS_MISSING: &str = "处置尚未记录以下必须的措施：";
pub const REPORT_ACTION_STEP: &str = "到达现场后才能记录处置措施";
pub const REPORT_CARER_REQUIRED: &str = "临时照料时请选择照料人或机构";
pub const REPORT_CASE_KIND_REQUIRED: &str = "请选择案件类型";
pub const REPORT_THROTTLED: &str = "同一网络提交的报告过多，请稍后再试；情况紧急请立即拨打110。您填写的内容未丢失";
pub const HUMAN_CHECK_WRONG: &str = "验证题答案不正确，请重新计算";
pub const HUMAN_CHECK_EXPIRED: &str = "验证题已过期，请刷新后重新作答；您填写的内容未丢失";
pub const REPORT_NOT_PUBLIC: &str = "只有群众报告可以表扬";
pub const REPORT_ALREADY_COMMENDED: &str = "该报告人已受到表扬";
pub const REPORT_CHILD_ALREADY_LINKED: &str = "该报告已关联儿童档案";
pub const ATTACHMENT_TYPE: &str = "只能上传照片（JPEG、PNG、WebP、HEIC）或 PDF 文档；该文件的内容不是这些格式";
pub const ATTACHMENT_EMPTY: &str = "请选择要上传的文件";
pub const ATTACHMENTS_FULL: &str = "每份报告最多上传10个附件";
pub const ATTACHMENTS: &str = "照片和材料";
pub const ATTACHMENT_ADD: &str = "添加照片或材料";
pub const ATTACHMENT_HINT: &str = "照片（JPEG、PNG、WebP、HEIC）或 PDF，每个不超过10MB";
pub const ATTACHMENT_UPLOAD: &str = "上传";
pub const GROUNDS_LIST: &str = "撤销监护资格情形清单";
pub const COMMEND_NOTE: &str = "表扬说明（可不填）";
pub const LINK_CHILD_ID: &str = "儿童档案编号";
pub const LINK_CHILD_HINT: &str = "先在台账中为该儿童建档（或找到其档案），再填写档案编号";
pub const REPORT_STATS: &str = "报告与处置统计";
pub const PERIOD_FROM: &str = "开始日期";
pub const PERIOD_TO: &str = "结束日期";
pub const STATS_TOTAL: &str = "报告总数";
pub const STATS_UNACCEPTED: &str = "尚未受理";
pub const STATS_PUBLIC: &str = "群众报告";
pub const STATS_COMMENDED: &str = "已表扬";
pub const STATS_BY_REPORTER: &str = "按报告单位";
pub const STATS_BY_STATION: &str = "按派出所";
pub const STATS_REPORTS: &str = "报告数";
pub const STATS_ACCEPTED: &str = "受理数";
pub const ATTACHMENT_RECEIVED: &str = "照片或材料已收到，已附在您的报告中";
pub const ATTACHMENT_PUBLIC_HINT: &str = "报告后24小时内可补充照片（JPEG、PNG、WebP、HEIC）或 PDF，每个不超过10MB";
pub const EVENT_ATTACHMENT: &str = "上传照片或材料";
pub const EVENT_COMMENDED: &str = "表扬报告人";
pub const EVENT_CHILD_LINKED: &str = "关联儿童档案";

/// An attachment over the size limit.
pub fn attachment_too_large(max_mb: usize) -> String {
    format!("文件不能超过{max_mb}MB")
}

pub const REPORT_NOTE_REQUIRED: &str = "请填写书面交接记录的内容";

// Whole-request errors.
pub const FORM_HAS_ERRORS: &str = "表单中有错误，请按提示修改后重新提交";
pub const NOT_FOUND: &str = "找不到该记录，或您无权查看";
pub const FORBIDDEN: &str = "您的角色无权进行此操作";
pub const UNAUTHENTICATED: &str = "请先登录";
pub const BAD_CREDENTIALS: &str = "用户名或密码错误";
/// A sign-in attempt refused for its wait (decision 81): when to try again, and that the
/// owner's own browser is not held back by others' attempts.
pub fn sign_in_wait(seconds: i64) -> String {
    let when =
        if seconds >= 120 { format!("{} 分钟", (seconds + 59) / 60) } else { format!("{} 秒", seconds.max(1)) };
    format!("登录失败次数过多，请 {when}后再试。在您曾成功登录过的浏览器上，他人的尝试不会影响您登录。")
}
pub const CSRF: &str = "页面已过期，请刷新后重新提交";
pub const BODY_TOO_LARGE: &str = "提交的内容过大";
pub const BAD_REQUEST: &str = "请求格式不正确";
pub const BUSY: &str = "系统繁忙（可能正在导入数据），请稍后再试，您填写的内容未丢失";
pub const INTERNAL: &str = "服务器内部错误，请稍后再试；如果问题持续，请联系管理员并提供请求编号";
pub const ALREADY_CLOSED: &str = "该档案已销档";
pub const NOT_CLOSED: &str = "该档案未销档，无需恢复";
pub const USERNAME_TAKEN: &str = "用户名已被使用";
pub const PASSWORD_TOO_SHORT: &str = "密码至少需要10个字符";
pub const PASSWORDS_DIFFER: &str = "两次输入的密码不一致";
pub const SETUP_DONE: &str = "系统已有管理员，无法再次初始化";
pub const SETUP_TOKEN: &str = "初始化口令不正确，请查看服务器启动时输出的口令";

// Page texts.
pub const APP_NAME: &str = "守护";
pub const APP_SUBTITLE: &str = "农村留守儿童关爱保护信息系统";
pub const LOGIN: &str = "登录";
pub const LOGOUT: &str = "退出";
pub const USERNAME: &str = "用户名";
pub const PASSWORD: &str = "密码";
pub const PASSWORD_AGAIN: &str = "再次输入密码";
pub const DEMO_ACCOUNTS: &str = "演示账号（仅演示数据，密码均相同）";
pub const LEDGER: &str = "留守儿童台账";
pub const NEW_CHILD: &str = "新建档案";
pub const EDIT_CHILD: &str = "修改档案";
pub const SEARCH_PLACEHOLDER: &str = "姓名、拼音或首字母（如 zxm）、身份证号或其后几位";
pub const SEARCH: &str = "查找";
pub const FILTER: &str = "筛选";
pub const CLEAR: &str = "清除";
pub const ALL: &str = "全部";
pub const REGION: &str = "地区";
pub const CATEGORY: &str = "留守类型";
pub const AGE_BAND: &str = "年龄段";
pub const WARNING: &str = "预警";
pub const STATUS: &str = "档案状态";
pub const STATUS_OPEN: &str = "在档";
pub const STATUS_CLOSED: &str = "已销档";
pub const AGE: &str = "年龄";
pub const YEARS_SUFFIX: &str = "周岁";
pub const NO_RESULTS: &str = "没有符合条件的档案";
pub const TOTAL_PREFIX: &str = "共";
pub const TOTAL_SUFFIX: &str = "份档案";
pub const MORE_THAN: &str = "超过";
pub const PREV_PAGE: &str = "上一页";
pub const NEXT_PAGE: &str = "下一页";
pub const PAGE: &str = "页";
pub const SAVE: &str = "保存";
pub const SAVED: &str = "已保存";
pub const CANCEL: &str = "取消";
pub const HISTORY: &str = "变更记录";
pub const BACK_TO_FILE: &str = "返回档案";
pub const BACK_TO_LEDGER: &str = "返回台账";
pub const CLOSE_FILE: &str = "销档";
pub const CLOSE_REASON: &str = "销档原因";
pub const CLOSE_NOTE: &str = "说明";
pub const REOPEN_FILE: &str = "恢复在档";
pub const CHANGED_AT: &str = "时间";
pub const CHANGED_BY: &str = "修改人";
pub const FIELD: &str = "项目";
pub const OLD_VALUE: &str = "原内容";
pub const NEW_VALUE: &str = "新内容";
pub const SOURCE: &str = "来源";
pub const DERIVED: &str = "系统自动判定";
pub const WARNINGS: &str = "违法情形预警";
pub const NONE: &str = "无";
pub const YES: &str = "是";
pub const NO: &str = "否";
/// A yes/no/unknown field (已登记户口, 农村户籍) that nobody has filled in.
pub const NOT_FILLED_IN: &str = "未填写";
pub const REQUIRED_MARK: &str = "（必填）";
pub const CHOOSE: &str = "请选择";
pub const ADMIN: &str = "系统管理";
pub const USERS: &str = "用户";
pub const ORGS: &str = "单位";
pub const AUDIT_LOG: &str = "审计日志";
pub const DISPLAY_NAME: &str = "姓名";
pub const ROLE: &str = "角色";
pub const ORG: &str = "所属单位";
pub const ORG_NAME: &str = "单位名称";
pub const ORG_TYPE: &str = "单位类型";
pub const ORG_REGION: &str = "所在地区";
pub const ORG_REGION_HINT: &str = "区、乡镇（街道）或村（居）的名称，例如 武清区梅厂镇；或区划代码";
pub const REGION_UNKNOWN: &str = "没有这个地区，请填写区、乡镇（街道）的名称，例如 武清区梅厂镇，或区划代码";
pub const REGION_AMBIGUOUS: &str = "有多个地区叫这个名字，请写上所在的区，例如 武清区梅厂镇";
pub const ACTIVE: &str = "启用";
pub const DISABLE: &str = "停用";
pub const ENABLE: &str = "启用";
pub const CREATE: &str = "创建";
pub const ACTION: &str = "操作";
pub const DETAIL: &str = "详情";
pub const CHILD_ID: &str = "档案编号";
pub const SETUP_TITLE: &str = "初始化：创建第一个管理员";
pub const SETUP_TOKEN_LABEL: &str = "初始化口令（见服务器启动时的输出）";
pub const SETUP_ORG_NAME: &str = "天津市民政局";
pub const ERROR_TITLE: &str = "出错了";
pub const REQUEST_ID_LABEL: &str = "请求编号";
pub const SECTION_CHILD: &str = "儿童基本信息";
pub const SECTION_FATHER: &str = "父亲";
pub const SECTION_MOTHER: &str = "母亲";
pub const SECTION_GRANDPARENTS: &str = "祖父母、外祖父母";
pub const SECTION_GUARDIAN: &str = "受委托监护人（如有）";
pub const SECTION_FAMILY: &str = "监护与家庭情况";
pub const VILLAGE_CODE_HINT: &str = "12位村（居）代码";
pub const FILE_CREATED: &str = "建档";

/// Where a change of a file came from (the history's `source`): "web", "api", "import:FILE"…
pub fn change_source(source: &str) -> String {
    match source {
        "web" => "网页".to_string(),
        "api" => "接口".to_string(),
        "demo" => "演示数据".to_string(),
        "system" => "系统".to_string(),
        s if s.starts_with("dropout:") => format!("控辍保学（辍学案件 {}）", &s["dropout:".len()..]),
        s if s.starts_with("roster:") => format!("在校名册（{}）", &s["roster:".len()..]),
        s => match s.strip_prefix("import:") {
            Some(file) if !file.is_empty() => format!("导入（{file}）"),
            Some(_) => "导入".to_string(),
            None => s.to_string(),
        },
    }
}

/// The n-th version of a file, in its history.
pub fn file_version(n: i64) -> String {
    format!("第{n}版")
}

/// An audit log action (`audit_log.action`), in words; `None` for a code this catalog lacks.
pub fn audit_action(code: &str) -> Option<&'static str> {
    Some(match code {
        "view_child" => "查看档案",
        "create_child" => "新建档案",
        "update_child" => "修改档案",
        "close_child" => "销档",
        "reopen_child" => "恢复在档",
        "view_history" => "查看变更记录",
        "view_ledger" => "查看台账",
        "search" => "查找",
        "login" => "登录",
        "logout" => "退出",
        "create_user" => "新建用户",
        "change_user" => "修改用户",
        "create_org" => "新建单位",
        "import" => "导入摸底排查表",
        "export" => "导出台账",
        "refused" => "被拒绝的访问",
        "retention_anonymise" => "按保存期限匿名化",
        "reset_password" => "重置密码或令牌",
        "change_role" => "变更角色或单位",
        "approve_account" => "批准账号",
        "set_password" => "通过链接设置密码",
        "change_password" => "修改本人密码",
        "sign_out_everywhere" => "退出所有登录",
        "issue_token" => "签发接口令牌",
        "revoke_token" => "撤销接口令牌",
        "reveal_number" => "查看完整号码",
        "enrol_second_factor" => "开启两步验证",
        "reset_second_factor" => "重置两步验证",
        "use_recovery_code" => "用恢复码登录",
        "new_audit_key" => "更换审计密钥",
        "view_visits" => "查看走访记录",
        "record_visit" => "记录走访",
        "correct_visit" => "更正走访记录",
        "review_visit" => "审核走访记录",
        "view_due_visits" => "查看待走访名单",
        "view_supervision" => "查看走访督导",
        "view_case_status" => "查看报告和个案进展",
        "record_entrusted_care" => "记录委托监护情况",
        "record_parents_contact" => "记录父母联系",
        "recompute_child" => "每日重算（年龄变化）",
        "keep_past_16" => "年满十六周岁后保留档案",
        "view_dropout_case" => "查看辍学案件",
        "view_dropout_list" => "查看辍学案件列表或统计",
        "view_tasks" => "查看待办事项",
        "change_dropout_case" => "记录控辍保学步骤",
        "match_roster" => "上传并比对在校留守儿童名册",
        "issue_document" => "出具文书（PDF）",
        "set_notify_channel" => "设置单位的提醒接收方式",
        // Oversight (issue 20).
        "view_accountability" => "查看问责台账的逾期事项",
        "record_measure" => "记录问责措施",
        "record_commendation" => "记录表扬奖励",
        "record_meeting" => "记录联席会议及交办任务",
        "update_meeting_task" => "报告联席会议任务进展",
        // Census rounds (issue 20).
        "open_census_round" => "发起摸底排查轮次",
        "view_census_return" => "查看摸底排查报表",
        "sign_off_census_return" => "签报摸底排查报表",
        "review_census_return" => "审核或退回摸底排查报表",
        _ => return None,
    })
}

/// The Chinese label of a field of the child's file, by its dotted path.
pub fn field_label(path: &str) -> &'static str {
    let (head, tail) = path.split_once('.').unwrap_or(("", path));
    match (head, tail) {
        ("", "*") => "档案",
        ("", "status") => "档案状态",
        ("", "name") => "姓名",
        ("", "sex") => "性别",
        ("", "ethnicity") => "民族",
        ("", "birth_date") => "出生日期",
        ("", "id_number") => "身份证号码",
        ("", "hukou_registered") => "已登记户口",
        ("", "hukou_place") => "户籍所在地",
        ("", "rural_hukou") => "农村户籍",
        ("", "address") => "现居住地址",
        ("", "village_code") => "所在村（居）",
        ("", "health") => "健康状况",
        ("", "disability_category") => "残疾类别",
        ("", "disability_grade") => "残疾等级",
        ("", "illness") => "所患疾病",
        ("", "boarding") => "寄宿",
        ("", "schooling") => "就学情况",
        ("", "school_name") => "就读学校",
        ("", "school_org_id") => "就读学校（系统内单位）",
        ("", "guardianship_type") => "监护类型",
        ("", "lives_alone") => "单独居住生活",
        ("", "unattended") => "无人照料",
        ("", "income_sources") => "家庭收入来源",
        ("", "assistance") => "享受救助情况",
        ("", "notes") => "备注",
        ("", "category") => "留守类别",
        ("", "warnings") => "警示",
        ("", "turned_16") => "年满十六周岁",
        (_, "name") => "姓名",
        (_, "birth_date") => "出生日期",
        (_, "id_number") => "身份证号码",
        (_, "work_province") => "务工地（省）",
        (_, "work_prefecture") => "务工地（市）",
        (_, "phone") => "联系电话",
        (_, "away_for_work") => "外出务工",
        (_, "capable") => "具有监护能力",
        (_, "relation") => "与儿童关系",
        (_, "address") => "住址",
        (_, "confirmed_on") => "签订委托监护确认书日期",
        (_, "disqualified") => "有法律规定不得担任被委托人的情形",
        (_, "care.school_notice_on") => "书面告知学校（幼儿园）日期",
        (_, "care.school_notice_received_by") => "学校（幼儿园）接收人",
        (_, "care.village_notice_on") => "书面告知村（居）委会日期",
        (_, "care.village_notice_received_by") => "村（居）委会接收人",
        (_, "care.signed_by_parents") => "确认书父母已签字",
        (_, "care.signed_by_carer") => "确认书被委托人已签字",
        (_, "care.guided_by") => "指导签订的儿童主任",
        (_, "care.past_offences") => CARE_PAST_OFFENCES,
        (_, "care.past_offences_evidence") => "违法犯罪行为核实依据",
        (_, "care.vices") => CARE_VICES,
        (_, "care.vices_evidence") => "恶习核实依据",
        (_, "care.neglected_duties") => CARE_NEGLECTED,
        (_, "care.neglected_duties_evidence") => "怠于履职核实依据",
        (_, "care.otherwise_unsuitable") => CARE_OTHERWISE,
        (_, "care.otherwise_unsuitable_evidence") => "其他不适宜情形依据",
        _ => "其他",
    }
}

/// "父亲 联系电话": the section and the field, for history lists and error summaries.
pub fn field_full_label(path: &str) -> String {
    let section = match path.split_once('.').map(|(h, _)| h) {
        Some("father") => "父亲",
        Some("mother") => "母亲",
        Some("paternal_grandfather") => "祖父",
        Some("paternal_grandmother") => "祖母",
        Some("maternal_grandfather") => "外祖父",
        Some("maternal_grandmother") => "外祖母",
        Some("entrusted_guardian") => "受委托监护人",
        _ => "",
    };
    if section.is_empty() { field_label(path).to_string() } else { format!("{section} {}", field_label(path)) }
}

// Census import and ledger export.
pub const IMPORTS: &str = "导入摸底排查表";
pub const IMPORT_FILE: &str = "摸底排查登记表（.xlsx 或 .csv）";
pub const IMPORT_HINT: &str = "请使用 2016 年摸底排查登记表的格式；列的顺序可以不同。系统会逐行检查，全部正确才导入；有错误时可下载标注了错误的原表格。";
pub const IMPORT_TEMPLATE: &str = "下载空白登记表";
pub const ON_EXISTING: &str = "身份证号码已有档案时";
pub const ON_EXISTING_UPDATE: &str = "用表中内容更新档案（变更记入档案变更记录）";
pub const ON_EXISTING_SKIP: &str = "跳过，不改动已有档案";
pub const ONLY_GOOD_ROWS: &str = "表中有错误时，仍导入正确的行";
pub const START_IMPORT: &str = "上传并检查";
pub const IMPORT_RUNNING: &str = "正在检查和导入，可以关闭本页面，导入不会中断";
pub const IMPORT_CHECKED: &str = "已检查";
pub const IMPORT_WRITTEN: &str = "已导入";
pub const IMPORT_INDEXING: &str = "档案已保存，正在建立姓名检索（完成前可按完整身份证号码查找）：已完成";
pub const ROWS: &str = "行";
pub const FILES: &str = "份";
pub const IMPORT_DONE: &str = "导入完成";
pub const IMPORT_NOTHING_WRITTEN: &str = "表中有错误，未导入任何档案。请下载标注了错误的表格，改正后重新上传";
pub const IMPORT_FAILED: &str = "导入失败，档案未作任何改动";
pub const DOWNLOAD_REPORT: &str = "下载标注错误的表格";
pub const CREATED: &str = "新建";
pub const UPDATED: &str = "更新";
pub const UNCHANGED: &str = "无变化";
pub const SKIPPED: &str = "跳过已有档案";
pub const ERROR_ROWS: &str = "有错误的行";
pub const BLANK_ROWS: &str = "空行";
pub const UNKNOWN_COLUMNS: &str = "未识别的列（已忽略）";
pub const EXPORT_LEDGER: &str = "导出台账（Excel）";
pub const FILE_REQUIRED: &str = "请选择要上传的文件";
pub const STATE_RUNNING: &str = "进行中";
pub const STATE_DONE: &str = "已完成";
pub const STATE_FAILED: &str = "失败";
/// An import refused for its wrong rows: nothing written.
pub const STATE_REFUSED: &str = "未导入（表中有错误）";
/// An import of the good rows only, some rows wrong.
pub const STATE_PARTLY_DONE: &str = "已导入正确的行，有错误的行未导入";
pub const STARTED_AT: &str = "开始时间";
pub const FILE_NAME: &str = "文件";

// Report pages.
pub const REPORTS: &str = "强制报告";
pub const NEW_REPORT: &str = "报告情况";
pub const REPORT_QUEUE: &str = "待处置的报告";
pub const ALL_REPORTS: &str = "全部报告";
pub const MY_REPORTS: &str = "我提交的报告";
pub const PUBLIC_REPORT: &str = "报告儿童情况";
pub const PUBLIC_REPORT_LINK: &str = "没有账号？报告儿童情况";
pub const REPORT_INTRO: &str =
    "发现儿童处于危险或受到侵害，请立即报告，辖区派出所会第一时间处置。情况紧急请同时拨打110。";
pub const PUBLIC_REPORT_INTRO: &str =
    "任何人发现儿童处于危险或受到侵害，都可以在这里报告，无需账号。情况紧急请立即拨打110。";
pub const REPORT_SITUATIONS: &str = "发现的情形（可多选）";
pub const REPORT_DISCOVERED_AT: &str = "发现时间（北京时间）";
pub const REPORT_CHILD_ID: &str = "儿童档案编号";
pub const REPORT_CHILD_ID_HINT: &str =
    "儿童已建档时填写（在儿童档案页点“报告情况”会自动带入）；未建档请填写下面的儿童情况和所在村（居）";
pub const REPORT_CHILD_DESCRIPTION: &str = "儿童情况（姓名、性别、大致年龄、衣着等）";
pub const REPORT_VILLAGE: &str = "儿童所在村（居）";
pub const REPORT_VILLAGE_HINT: &str = "12位村（居）代码，或区、乡镇和村名，例如 武清区梅厂镇郭罗庄村";
pub const REPORT_VILLAGE_AMBIGUOUS: &str =
    "有多个村（居）符合，请写上所在的区和乡镇（街道），例如 武清区梅厂镇郭罗庄村，或填写12位代码";
pub const REPORT_DESCRIPTION: &str = "发生了什么（地点、经过、儿童现在的情况）";
pub const REPORT_CONTACT_NAME: &str = "联系人";
pub const REPORT_CONTACT_PHONE: &str = "联系电话";
pub const REPORT_CONTACT_HINT: &str = "报告人的身份只有民警和民政部门可见，依法保密";
pub const REPORT_CONTACT_PUBLIC_HINT: &str = "可以不填；留下电话便于民警联系您。报告人的身份依法保密";
pub const REPORT_DATETIME_INVALID: &str = "时间格式应为 年-月-日 时:分，例如 2026-11-29 08:30";
pub const HUMAN_CHECK: &str = "验证题";
pub const REPORT_SUBMIT: &str = "提交报告";
pub const REPORT_RECEIVED: &str = "报告已送达派出所";
pub const REPORT_RECEIVED_DETAIL: &str = "报告已保存，辖区派出所值班民警已收到，会第一时间处置。";
pub const REPORT_REPEATED: &str = "这份报告此前已经收到，没有重复提交。";
pub const REPORT_RECEIPT: &str = "回执编号";
pub const REPORT_RECEIPT_HINT: &str = "请记下回执编号，凭它可以查询处理进度。";
pub const REPORT_ANOTHER: &str = "再报告一件";
pub const REPORT_STATUS_TITLE: &str = "查询报告进度";
pub const REPORT_STATUS_QUERY: &str = "查询";
pub const REPORT_STATUS_NOT_FOUND: &str = "没有找到这个回执编号，请核对后重新输入";
pub const REPORT_STATUS_AT: &str = "进度更新时间";
pub const URGENCY: &str = "紧急程度";
pub const STEP: &str = "进度";
pub const REPORTED_AT: &str = "报告时间";
pub const LATE_REPORT: &str = "迟报";
pub const LATE_RESPONSE: &str = "超时未受理";
pub const JUST_NOW: &str = "刚刚";
pub const MINUTES_AGO: &str = "分钟前";
pub const HOURS_AGO: &str = "小时前";
pub const DAYS_AGO: &str = "天前";
pub const NO_REPORTS: &str = "暂无报告";
pub const REPORT_LIVE: &str = "新报告和进度变化会自动显示，无需刷新页面";
pub const REPORT_CHILD: &str = "儿童";
pub const REPORTER: &str = "报告人";
pub const REPORT_CHANNEL: &str = "报告方式";
pub const TIMELINE: &str = "处理经过";
pub const CASE_KIND: &str = "案件类型";
pub const LIKELY_CASE_KIND: &str = "可能的案件类型";
pub const ACTIONS_MISSING: &str = "尚需记录的必要措施";
pub const ACTIONS_DONE: &str = "已记录的措施";
pub const RELEASE_RADIUS: &str = "失踪信息发布范围";
pub const KM: &str = "公里";
pub const HANDED_OVER_AT: &str = "通报时间";
pub const ASSESSMENT_DUE: &str = "乡镇（街道）评估期限";
pub const DUTY_DESK: &str = "值班处置";
pub const STEP_ACCEPT: &str = "受理";
pub const STEP_DISPATCH: &str = "出警";
pub const STEP_ARRIVE: &str = "到达现场";
pub const STEP_DISPOSE: &str = "处置完毕";
pub const STEP_HAND_OVER: &str = "通报乡镇（街道）";
pub const RECORD_ACTION: &str = "记录处置措施";
pub const DISPOSAL_ACTION: &str = "措施";
pub const TEMPORARY_CARER: &str = "临时照料人或机构";
pub const ACTION_NOTE: &str = "说明（书面交接时填写交接内容）";
pub const EVENT_FILED: &str = "提交报告";
pub const EVENT_ACTION: &str = "记录措施";
pub const BACK_TO_REPORTS: &str = "返回报告列表";
pub const REPORT_STALE: &str = "该报告刚被他人更新，您的操作未执行。请查看下面的最新进度后重新操作";
pub const REPORT_CHOOSE_ACTION: &str = "请选择措施";
pub const REPORT_CHILD_FOUND: &str = "档案中的儿童";
pub const REPORT_SITUATIONS_SEEN: &str = "发现的情形";

// Casework pages.
pub const ASSESSMENTS: &str = "评估帮扶";
pub const ASSESSMENTS_OPEN: &str = "待完成的评估";
pub const ASSESSMENTS_ALL: &str = "全部评估";
pub const NO_ASSESSMENTS: &str = "暂无评估任务";
pub const ASSESSMENT: &str = "评估";
pub const OPEN_ASSESSMENT: &str = "发起评估";
pub const BACK_TO_ASSESSMENTS: &str = "返回评估列表";
pub const ASSESSMENT_STATE: &str = "评估状态";
pub const ASSESSMENT_OPENED_AT: &str = "发起时间";
pub const ASSESSMENT_OVERDUE: &str = "已超期";
pub const RISK_LEVEL: &str = "风险等级";
pub const RISK_REASONS: &str = "判定依据";
pub const RISK_NOT_YET: &str = "未评估";
pub const CHILD_FILE_LINK: &str = "查看儿童档案";
pub const CHILD_NOT_REGISTERED: &str = "儿童尚未建档，情况见报告";
pub const REPORT_LINK: &str = "查看报告";
pub const ASSESSMENT_ANSWERS: &str = "评估结果";
pub const SAFETY: &str = "安全处境";
pub const GUARDIANSHIP_GRADE: &str = "监护情况";
pub const PHYSICAL_HEALTH: &str = "身体健康状况";
pub const MENTAL_HEALTH: &str = "心理健康状况";
pub const PARTICIPANTS: &str = "参与评估的单位和人员";
pub const PARTICIPANTS_HINT: &str = "每行填写一个单位或人员，空行不计；乡镇（街道）会同民政部门、公安机关评估，村（居）委会、学校、医疗机构、亲属、社会工作者协助";
pub const PARTY: &str = "类别";
pub const PARTICIPANT_NAME: &str = "单位和姓名";
pub const COMPLETED_AT: &str = "评估时间";
pub const COMPLETED_BY: &str = "评估人";
pub const COMPLETE_ASSESSMENT: &str = "完成评估";
pub const COMPLETE_ASSESSMENT_HINT: &str = "提交后系统按评估结果和儿童档案判定风险等级，评估只能完成一次";
pub const ASSESSMENT_STALE: &str = "该评估刚被他人更新，您的操作未执行。请查看下面的最新内容后重新操作";
pub const SERVICES: &str = "帮扶服务";
pub const SERVICE_KIND: &str = "服务内容";
pub const PURCHASED_SERVICE: &str = "政府购买服务";
pub const CARE_SERVICE: &str = "群团组织关爱服务";
pub const PROVIDER: &str = "服务提供方";
pub const START_DATE: &str = "开始日期";
pub const SERVICE_STATUS: &str = "服务状态";
pub const SERVICE_OUTCOME: &str = "服务结果";
pub const SERVICE_OUTCOME_HINT: &str = "完成或中止时必须填写";
pub const NEXT_STATUS: &str = "改为";
pub const MOVE_SERVICE: &str = "更新状态";
pub const ADD_SERVICE: &str = "添加服务";
pub const NO_SERVICES: &str = "尚未安排服务";
pub const REFERRALS: &str = "救助转介";
pub const ASSISTANCE_KIND: &str = "救助类别";
pub const RECEIVING_ORG: &str = "接收单位";
pub const REFERRAL_NOTE: &str = "转介说明（家庭符合条件的情况）";
pub const REFERRAL_STATE: &str = "办理情况";
pub const REFERRAL_REASON: &str = "原因";
pub const REFERRAL_REASON_HINT: &str = "不予受理或不符合条件时必须填写原因";
pub const SENT_AT: &str = "转介时间";
pub const DECIDED_AT: &str = "办理时间";
pub const ADD_REFERRAL: &str = "转介";
pub const NO_REFERRALS: &str = "尚未转介";
pub const REFERRALS_TO_ME: &str = "转介给本单位的救助";
pub const NO_REFERRALS_TO_ME: &str = "暂无转介给本单位的救助";
pub const REFERRAL_ACCEPT: &str = "受理";
pub const REFERRAL_DECLINE: &str = "不予受理";
pub const REFERRAL_GRANT: &str = "批准救助";
pub const REFERRAL_REFUSE: &str = "经审核不符合条件";
pub const REFERRAL_STALE: &str = "该转介刚被他人办理，您的操作未执行。请查看下面的最新情况";
pub const CONDUCT_RECORD: &str = "监护人及照护人行为记录";
pub const CONDUCT_GUARDIAN: &str = "行为人姓名";
pub const CONDUCT_GUARDIAN_HINT: &str = "例如：张某";
pub const CONDUCT_DATE: &str = "日期（行为发生或采取措施的日期）";
pub const RECORD_KIND: &str = "记录类别";
pub const CONDUCT_WHAT: &str = "行为";
pub const CONDUCT_FLAGS: &str = "情节";
pub const SERIOUS_HARM: &str = "严重损害（身心健康严重受损，或面临死亡、严重伤害危险；违法犯罪情节恶劣）";
pub const CHILD_WITHOUT_MEANS: &str = "儿童生活无着或流离失所";
pub const REFUSED_TO_ENTRUST: &str = "拒绝委托他人代为监护";
pub const CONDUCT_ENDED: &str = "恢复履行监护职责的日期（仅限拒不履行监护职责）";
pub const CONDUCT_EVIDENCE: &str = "证据（文书、笔录、证明及其编号）";
pub const RECORDED_BY: &str = "记录人";
pub const ADD_CONDUCT: &str = "添加记录";
pub const NO_CONDUCT: &str = "尚无行为记录";
pub const CONDUCT_RECORD_NO: &str = "记录";
pub const CONDUCT_KIND_NOT_YOURS: &str =
    "批评教育、训诫、处罚等措施由公安机关记录；乡镇（街道）和民政部门记录侵害或失职行为";
pub const CONDUCT_STANDING: &str = "与儿童的关系";
pub const CARER_NOT_GUARDIAN: &str = "受委托照护人不是监护人（未成年人保护法第二十二条，民法典第二十七条）：其行为照常记录，但不据以认定撤销监护人资格的情形；父母仍是监护人。";
pub const NOT_A_GUARDIAN: &str = "非监护人，不作为撤销依据";
pub const GROUNDS: &str = "撤销监护人资格情形";
pub const GROUNDS_HINT: &str = "由行为记录及其证据自动判定";
pub const NO_GROUNDS: &str = "行为记录尚未涉及撤销监护人资格的情形";
pub const GROUND_MET: &str = "已满足";
pub const GROUND_APPROACHING: &str = "尚未满足";
pub const GROUND_MET_ON: &str = "满足日期";
pub const GROUND_DUE_ON: &str = "届满日期";
pub const GROUND_EVIDENCE: &str = "依据的记录";
pub const GROUND_SOURCE: &str = "出处";
pub const APPLICATIONS: &str = "撤销监护人资格申请";
pub const APPLICANT: &str = "申请人";
pub const APPLICANT_NAME: &str = "申请人名称或姓名";
pub const APPLICATION_GROUNDS: &str = "申请依据的情形（只能选择已满足的情形）";
pub const COURT: &str = "法院";
pub const FILED_ON: &str = "申请日期";
pub const FILE_APPLICATION: &str = "提出申请";
pub const NO_MET_GROUNDS: &str = "尚无已满足的撤销情形，暂不能提出申请";
pub const NO_APPLICATIONS: &str = "尚无申请";
pub const APPLICATION_STATE: &str = "进度";
pub const HEARING_ON: &str = "开庭日期";
pub const DECIDED_ON: &str = "判决日期";
pub const NEW_GUARDIAN: &str = "新监护人";
pub const NEW_GUARDIAN_NAME: &str = "法院指定的新监护人姓名";
pub const NEW_GUARDIAN_RELATION: &str = "与儿童关系";
pub const NEW_GUARDIAN_PHONE: &str = "联系电话";
pub const MAINTENANCE_OWED: &str = "原监护人应继续负担的抚养费";
pub const NEXT_APPLICATION_STATE: &str = "下一环节";
pub const STEP_DATE: &str = "日期（开庭或判决日期；不填为今天）";
pub const MOVE_APPLICATION: &str = "记录进度";
pub const APPLICATION_STALE: &str = "该申请刚被他人更新，您的操作未执行。请查看下面的最新进度后重新操作";
pub const FLAG_SERIOUS_HARM: &str = "严重损害";
pub const FLAG_WITHOUT_MEANS: &str = "生活无着";
pub const FLAG_REFUSED_TO_ENTRUST: &str = "拒绝委托他人监护";
pub const CONDUCT_ENDED_ON: &str = "恢复履行";
pub const RECORDED_AT: &str = "记录时间";
pub const CHILD_REGISTERED: &str = "已建档";
pub const CHILD_UNREGISTERED: &str = "未建档";

/// "第2行": a row of the participants' table, for the summary of errors.
pub fn participant_row(n: usize) -> String {
    format!("第{n}行")
}

// ---------------------------------------------------------------- settings (shouhu.toml)
pub const SETTINGS_TITLE: &str = "系统设置";
pub const SETTINGS_INTRO: &str = "以下各项为法律未规定具体数值的期限、限额和适用依据，由系统设置文件 shouhu.toml 规定。如需修改，请联系系统运维人员修改该文件后重启系统。";
pub const SETTINGS_FILE: &str = "设置文件";
pub const SETTINGS_KEY: &str = "设置项";
pub const SETTINGS_VALUE: &str = "当前值";
pub const SETTINGS_DEFAULT: &str = "默认值";
pub const SETTINGS_UNIT: &str = "单位";
pub const SETTINGS_SOURCE: &str = "依据";
pub const SETTINGS_NOT_TOML: &str = "设置文件不是有效的 TOML 格式：";
pub const SETTINGS_UNKNOWN_KEY: &str = "没有这个设置项，请检查拼写";
pub const SETTINGS_INT_RANGE_PREFIX: &str = "应为 ";
pub const SETTINGS_INT_RANGE_TO: &str = " 到 ";
pub const SETTINGS_INT_RANGE_SUFFIX: &str = " 之间的整数";
pub const SETTINGS_CHOICE: &str = "应为以下之一：";
pub const SETTINGS_FOUND: &str = "现为 ";
pub const UNIT_SECONDS: &str = "秒";
pub const UNIT_MINUTES: &str = "分钟";
pub const UNIT_HOURS: &str = "小时";
pub const UNIT_DAYS: &str = "天";
pub const UNIT_COUNT: &str = "次";
pub const SETTING_AGE_RULE: &str = "周岁的计算：满一周岁之日";
pub const AGE_RULE_DAY_AFTER: &str = "生日的第二天";
pub const AGE_RULE_ON_BIRTHDAY: &str = "生日当天";
pub const SETTING_APPLICANTS: &str = "可申请撤销监护人资格的主体";
pub const APPLICANT_RULE_NATIONAL: &str = "按国家规定（法发〔2014〕24号第27条、民法典第36条）";
pub const APPLICANT_RULE_SEED: &str = "按本市实施意见（近亲属、村（居）委会、区民政局）";
pub const SETTING_LATE_REPORT: &str = "发现后超过多久报告即计为迟报";
pub const SETTING_LATE_RESPONSE: &str = "报告后超过多久未受理即计为出警迟缓";
pub const SETTING_ASSESSMENT_DAYS: &str = "公安机关通报后乡镇完成评估的期限";
pub const SETTING_CLOCK_SKEW: &str = "发现时间可晚于当前时间的容差（手机时钟偏快）";
pub const SETTING_PUBLIC_PER_ADDRESS: &str = "公众报告：同一网络地址每小时可提交的报告数";
pub const SETTING_QUESTION_VALID: &str = "公众报告：验证题的有效时间";
pub const SETTING_FREE_FAILURES_ACCOUNT: &str = "同一账号登录失败多少次后开始延时";
pub const SETTING_FREE_FAILURES_ADDRESS: &str = "同一网络地址登录失败多少次后开始延时";
pub const SETTING_FIRST_DELAY: &str = "登录延时：首次等待时间（此后每失败一次加倍）";
pub const SETTING_MAX_DELAY: &str = "登录延时：最长等待时间";
pub const SETTING_FAILURE_MEMORY: &str = "登录失败记录的保留时间";
pub const SETTING_KNOWN_DEVICE_DAYS: &str = "曾成功登录的浏览器被记住的时间";
pub const SETTING_SESSION_HOURS: &str = "登录后会话的有效时间";
pub const SETTING_BODY_LIMIT: &str = "一次提交内容的大小上限";
pub const SETTING_UPLOAD_LIMIT: &str = "上传摸底排查表的大小上限";
pub const SETTING_WORK_FILE_HOURS: &str = "导入错误说明等临时文件未下载时的保留时间";
pub const REPORT_DELETED: &str = "错误说明已下载，为保护儿童信息已从服务器删除；如需再次查看，请改正后重新导入。";
pub const SETTING_REFUSALS_AUDITED: &str = "同一用户每小时记入审计日志的被拒绝访问次数";
pub const SETTING_NOTIFY_LATE_CHECK: &str = "检查超时未受理强制报告的间隔";
pub const SETTING_NOTIFY_KEEP_DAYS: &str = "已读提醒和已发送（或放弃发送）的推送消息的保留天数";
pub const SETTING_REVEALS_PER_DAY: &str = "同一用户24小时内可显示完整号码的次数";
pub const SETTING_ID_SEARCHES_PER_DAY: &str = "看不到完整身份证号码的用户24小时内可按完整身份证号码查找的次数";
pub const REFUSALS_NOT_RECORDED: &str = "此前一小时内另有被拒绝的访问未逐条记录，次数：";
/// The audit entry of a reveal refused because the user's 24 hours are used up (decision 212).
pub const REVEAL_REFUSED_AT_LIMIT: &str = "显示完整号码已达24小时上限，未显示";
/// The same for a search by a whole ID number by a reader who sees ID numbers masked.
pub const ID_SEARCH_REFUSED_AT_LIMIT: &str = "按完整身份证号码查找已达24小时上限，未查找";
pub const PASSWORD_HAS_NAME: &str = "密码不能包含用户名或姓名";
pub const PASSWORD_GUESSABLE: &str =
    "这个密码太常见或太容易猜到（例如 1234567890、password12），请换一个更长、更不规则的密码";

// Casework pages: the child named, the referral's sender and case (issue 16).
pub const CHILD_NOT_NAMED: &str = "未建档儿童";
pub const REFERRAL_SENDER: &str = "转介单位";
pub const REFERRAL_CASE: &str = "评估编号";
pub const OPEN_CASE: &str = "查看评估";
pub const REFERRAL_SHOWS_ONLY: &str =
    "转介只告知儿童姓名、所在村（居）、转介单位和评估编号；评估内容由转介单位掌握，如需了解请与其联系。";
pub const REPORT_DISPOSAL: &str = "应急处置";
pub const REPORT_DISCOVERED_AT_HINT: &str = "已填为现在；如是之前发现的，请改为实际发现的时间";
pub const UNIT_YEARS: &str = "年";
pub const SETTING_RETENTION_YEARS: &str = "已销档档案在儿童年满十八周岁后保留身份信息的年数（期满匿名化）";
pub const ANONYMISED_FILE: &str = "该档案已按保存期限匿名化，不能恢复在档";

// Accounts (issue 21): set-password links, second approval, one's own account.
pub const SETTING_IDLE_MINUTES: &str = "多久未操作即自动退出登录";
pub const SETTING_LINK_HOURS: &str = "设置密码链接的有效时间";
pub const SETTING_API_TOKEN_DAYS: &str = "个人接口令牌的最长有效期";
pub const SETTING_SERVICE_TOKEN_DAYS: &str = "系统对接账号令牌的有效期";
pub const MY_ACCOUNT: &str = "我的账号";
pub const CHANGE_PASSWORD: &str = "修改密码";
pub const CURRENT_PASSWORD: &str = "当前密码";
pub const NEW_PASSWORD: &str = "新密码";
pub const WRONG_CURRENT_PASSWORD: &str = "当前密码不正确";
pub const PASSWORD_CHANGED: &str = "密码已修改，其他电脑和手机上的登录已退出";
pub const MY_TOKENS: &str = "我的接口令牌";
pub const NO_TOKENS: &str = "没有有效的接口令牌";
pub const TOKEN_NAME: &str = "用途";
pub const ISSUED_AT: &str = "签发时间";
pub const EXPIRES_AT: &str = "到期时间";
pub const REVOKE: &str = "撤销";
pub const TOKEN_REVOKED: &str = "令牌已撤销";
pub const SIGN_OUT_EVERYWHERE: &str = "退出所有登录";
pub const SIGN_OUT_EVERYWHERE_HINT: &str =
    "结束您在所有电脑和手机上的登录（包括这一台）。接口令牌不受影响，除非勾选下面一项。";
pub const ALSO_REVOKE_TOKENS: &str = "同时撤销我的全部接口令牌";
pub const SET_PASSWORD_TITLE: &str = "设置密码";
pub const SET_PASSWORD_FOR: &str = "为以下账号设置密码：";
pub const LINK_INVALID: &str = "链接无效、已使用或已过期，请联系系统管理员重新发放";
pub const ACCOUNT_KIND: &str = "账号类型";
pub const ACCOUNT_STATUS: &str = "状态";
pub const STATUS_READY: &str = "正常";
pub const STATUS_DISABLED: &str = "已停用";
pub const STATUS_AWAITING: &str = "待审核：";
pub const STATUS_NO_PASSWORD: &str = "待本人设置密码";
pub const RESET_PASSWORD: &str = "重置密码";
pub const RESET_TOKEN: &str = "重新签发令牌";
pub const CHANGE_ROLE: &str = "变更角色或单位";
pub const APPROVALS: &str = "账号审核";
pub const APPROVE: &str = "批准";
pub const NO_APPROVALS: &str = "没有待审核的账号";
pub const REQUESTED_BY: &str = "申请人";
pub const REQUESTED_AT: &str = "申请时间";
pub const CHANGE_TO: &str = "变更为";
pub const APPROVED_BY_ANOTHER: &str =
    "须由申请人以外的系统管理员或市民政工作人员批准；系统对接账号须由市民政工作人员批准";
pub const AWAITING_APPROVAL_SENT: &str = "已提交审核：须由另一位系统管理员或市民政工作人员在「账号审核」中批准（系统对接账号须由市民政工作人员批准）。批准人会看到设置密码链接或令牌，由其交给本人或对接系统的负责人。";
pub const LINK_HAND_OVER: &str =
    "请把下面的链接交给本人（只显示这一次），由本人设置密码。链接只能使用一次，有效时间（小时）：";
pub const SERVICE_TOKEN_SHOWN_ONCE: &str = "系统对接账号的令牌只显示这一次，请交给对接系统的负责人妥善保存：";
pub const REQUEST_OPEN: &str = "该账号已有待审核的申请，请等审核后再操作";
pub const ROLE_CHANGED: &str = "角色和单位已变更";
pub const SERVICE_NOT_ADMIN: &str = "系统对接账号不能是系统管理员";

/// The numbers a user may show in full in 24 hours are used up (decision 212): until when,
/// and who sees them in full when it cannot wait.
pub fn reveals_used_up(limit: i64, until: &str) -> String {
    format!(
        "您24小时内显示完整号码已达{limit}次上限，{until}后可再显示。情况紧急时，请联系乡镇（街道）工作人员或公安机关，他们可查看完整号码。"
    )
}

/// A reader who sees ID numbers masked has used up their searches by a whole ID number
/// (decision 212).
pub fn id_searches_used_up(limit: i64, until: &str) -> String {
    format!("您24小时内按完整身份证号码查找已达{limit}次上限，{until}后可再查找；现在可按姓名或拼音查找。")
}

/// A role given in a kind of organisation it does not belong in (decision 211), with the
/// kinds it belongs in.
pub fn role_not_in_org(role: &str, kinds: &[&str]) -> String {
    format!("{role}只能设在这些单位：{}", kinds.join("、"))
}

/// The administrator's list of accounts: how many have a role their unit's kind does not
/// take (accounts made before decision 211).
pub fn misfit_accounts(n: usize) -> String {
    format!(
        "有{n}个账号的角色与所在单位的类型不符（在此规则之前建立）。请在账号页把它们变更为合适的角色或单位，或停用。"
    )
}

/// An organisation placed at a level of division its kind does not stand at (decision 211).
pub fn org_not_at_level(org_type: &str, levels: &[&str]) -> String {
    format!("{org_type}只能设在{}一级，请选择这一级的地区", levels.join("、"))
}
pub const ACCOUNT_ENDED: &str = "该账号的登录和接口令牌已全部失效。";
pub const ROLE_CHANGE_NOTE: &str =
    "变更为可查看儿童档案的角色须经第二人批准；批准前仍按原角色使用。如需立即收回权限，请停用账号。";

/// The range a token's life may be asked for in.
pub fn token_days(max: i64) -> String {
    format!("有效天数须为1到{max}天")
}

// Masked numbers, "show" and the export's watermark (issue 21).
pub const SHOW_FULL_NUMBER: &str = "显示完整号码";
pub const REVEAL_REASON: &str = "查看理由";
pub const REVEAL_REASON_HINT: &str = "写明为什么需要完整号码（例如：急诊需联系监护人）；本次查看和理由将记入审计日志";
pub const REVEAL_SUBMIT: &str = "显示";
pub const REVEALED_NOTE: &str = "完整号码，仅本次显示；已记入审计日志";
pub const REVEAL_FIELD_UNKNOWN: &str = "只能显示身份证号码或电话号码";
pub const NUMBERS_MASKED: &str =
    "按岗位权限，部分身份证号码和电话号码已隐藏；确需完整号码时，可点击“显示完整号码”并写明理由。";
pub const HISTORY_NUMBERS_MASKED: &str = "按岗位权限，变更记录中的部分身份证号码和电话号码已隐藏。";
pub const SEARCH_ID_WHOLE: &str = "请输入完整的身份证号码查找；按号码末几位查找仅限可查看完整身份证号码的岗位";
pub const WATERMARK_NOTICE: &str = "内部资料 注意保密 仅限工作使用";

// The second factor (issue 21, decision 83).
pub const SETTING_SECOND_STEP: &str = "输入密码后输入验证码（或设置两步验证）的时限";
pub const SETTING_RECOVERY_CODES: &str = "开启两步验证时发给的恢复码个数";
pub const SETTING_VISIT_ALONE: &str = "独居或无人照料儿童的走访周期";
pub const SETTING_VISIT_HIGH_RISK: &str = "有高风险个案儿童的走访周期";
pub const SETTING_VISIT_UNSUITABLE_CARER: &str = "受委托照护人不符合条件的儿童的走访周期";
pub const SETTING_VISIT_DROPOUT: &str = "辍学儿童的走访周期";
pub const SETTING_VISIT_LEFT_BEHIND: &str = "留守儿童的走访周期";
pub const SETTING_VISIT_OTHER: &str = "其他在档儿童的走访周期";
pub const SETTING_VISIT_DUE_SOON: &str = "提前列入今日走访的天数";
pub const SECOND_FACTOR: &str = "两步验证";
pub const SECOND_FACTOR_CODE_TITLE: &str = "输入验证码";
pub const SECOND_FACTOR_CODE_HINT: &str = "请打开手机上的验证器应用，输入“守护”账号当前显示的 6 位数字。";
pub const SECOND_FACTOR_CODE: &str = "验证码";
pub const SECOND_FACTOR_VERIFY: &str = "验证";
pub const SECOND_FACTOR_RECOVERY_HINT: &str = "手机不在身边？可输入一个恢复码代替验证码，每个恢复码只能用一次。";
pub const SECOND_FACTOR_BAD_CODE: &str = "验证码不正确或已用过，请输入验证器当前显示的 6 位数字";
pub const SECOND_FACTOR_START_AGAIN: &str = "重新输入用户名和密码";
pub const SECOND_FACTOR_ENROL_TITLE: &str = "设置两步验证";
pub const SECOND_FACTOR_REQUIRED: &str =
    "您的账号可以查看全市或全区儿童的信息或管理账号，须先设置两步验证才能使用系统。设置完成前不能进行其他操作。";
pub const SECOND_FACTOR_OPTIONAL: &str =
    "开启后，登录时除密码外还要输入手机验证器上的验证码，他人即使知道您的密码也无法登录。";
pub const ENROL_STEP_APP: &str =
    "在手机上安装支持 TOTP 的验证器应用（如 Google Authenticator、Microsoft Authenticator、FreeOTP）。";
pub const ENROL_STEP_SCAN: &str = "在应用中添加账号，扫描下面的二维码：";
pub const ENROL_STEP_KEY: &str = "无法扫码时，手动输入密钥：";
pub const ENROL_STEP_CODE: &str = "输入应用显示的 6 位验证码，完成设置。";
pub const RECOVERY_CODES_TITLE: &str = "恢复码";
pub const SECOND_FACTOR_ON: &str = "两步验证已开启。";
pub const RECOVERY_CODES_SHOWN_ONCE: &str =
    "以下恢复码只显示这一次，请抄写或打印后妥善保管：手机丢失时，每个恢复码可代替验证码登录一次。";
pub const CONTINUE: &str = "继续";
pub const SECOND_FACTOR_ALREADY: &str = "两步验证已经开启";
pub const RECOVERY_CODES_LEFT: &str = "剩余恢复码个数：";
pub const SECOND_FACTOR_LOST: &str = "手机丢失或更换时，请联系系统管理员重置两步验证，下次登录时重新设置。";
pub const RESET_SECOND_FACTOR: &str = "重置两步验证";
pub const SECOND_FACTOR_NEEDED: &str = "此账号已开启两步验证：请同时提供验证器上的验证码或一个恢复码（code）";
pub const SECOND_FACTOR_BAD_CODE_API: &str = "用户名、密码或验证码错误";
pub const SECOND_FACTOR_ENROL_FIRST: &str = "此账号须先在网页上登录并设置两步验证，之后才能申请接口令牌";
pub const DEMO_SECOND_FACTOR: &str =
    "系统管理员、市、区账号登录时还要输入验证码：在手机验证器应用中扫描下面的二维码（或输入密钥），所有演示账号共用：";

// The audit log's filters (issue 21).
pub const AUDIT_USER: &str = "用户（姓名或用户名）";
pub const AUDIT_FROM: &str = "起始日期";
pub const AUDIT_TO: &str = "截止日期";
pub const AUDIT_TO_BEFORE_FROM: &str = "截止日期不能早于起始日期";
pub const AUDIT_NOT_A_NUMBER: &str = "档案编号应为数字";
pub const AUDIT_NONE: &str = "没有符合条件的记录";
pub const AUDIT_CHILD_BY_NUMBER: &str = "管理员不查看儿童档案：记录中的儿童只以档案编号表示。";
pub const AUDIT_SEQ: &str = "序号";

// Visits (走访), issue 17.
pub const VISIT_FILE_CLOSED: &str = "该档案已销档，不能再记录走访";
pub const VISIT_BEFORE_BIRTH: &str = "走访日期不能早于儿童的出生日期";
pub const VISIT_DUE_BEFORE_VISIT: &str = "下次走访日期不能早于本次走访日期";
pub const VISIT_CONTACT_AFTER_VISIT: &str = "父母最近联系日期不能晚于本次走访日期";
pub const VISIT_REPORT_REQUIRED: &str = "走访发现未满十六周岁儿童独自居住，或未满八周岁儿童无人照料：请先向公安机关强制报告并填写回执号，或说明无需报告的理由";
pub const VISIT_RECEIPT_UNKNOWN: &str = "没有这个回执号的强制报告，或该报告不是关于这名儿童的";
pub const VISIT_SEND_BACK_REASON: &str = "退回时请说明理由";
pub const VISIT_ALREADY_REVIEWED: &str = "该走访记录已审核，请刷新页面";
pub const VISIT_REPEATED_KEY: &str = "同一个幂等键已用于内容不同的走访记录";
pub const VISIT_STALE: &str = "该走访记录已被更正，您的更正未保存。请刷新页面后重新更正";
pub const VISITS_TODAY: &str = "今日走访";
pub const VISITS_TODAY_HINT: &str = "已到期或七日内到期的走访，按到期日期排列；点儿童姓名开始走访";
pub const VISITS_NONE_DUE: &str = "近期没有需要走访的儿童";
pub const VISIT: &str = "走访记录";
pub const VISITS: &str = "走访记录";
pub const VISIT_NEW: &str = "走访";
pub const VISIT_CORRECT: &str = "更正走访记录";
pub const VISIT_SAVE: &str = "保存走访";
pub const VISIT_SAVED: &str = "走访记录已保存";
pub const VISIT_OVERDUE: &str = "已逾期";
pub const VISIT_DUE_ON: &str = "到期";
pub const VISIT_LAST: &str = "上次走访";
pub const VISIT_NEVER: &str = "从未走访";
pub const VISIT_CHILD: &str = "儿童";
pub const VISIT_DATE: &str = "走访日期";
pub const VISIT_KIND: &str = "走访方式";
pub const VISIT_CHILD_SEEN: &str = "见到儿童本人";
pub const VISIT_CHILD_NOT_SEEN: &str = "未见到儿童";
pub const VISIT_LIVES_WITH: &str = "当天与谁同住";
pub const VISIT_LIVES_WITH_NOTE: &str = "同住人姓名、关系";
pub const VISIT_CARER_STATE: &str = "照护人状况";
pub const VISIT_SAFETY: &str = "安全";
pub const VISIT_HEALTH: &str = "健康";
pub const VISIT_SCHOOLING: &str = "上学";
pub const VISIT_MOOD: &str = "情绪";
pub const VISIT_NOTES: &str = "走访情况";
pub const VISIT_GUIDANCE: &str = "给予的指导";
pub const VISIT_PARENTS_CONTACT: &str = "父母最近一次联系儿童（据告知）";
pub const VISIT_CONTACT_CHANNEL: &str = "联系方式";
pub const VISIT_NEXT_DUE: &str = "下次走访日期";
pub const VISIT_NEXT_DUE_HINT: &str = "可不填；按儿童情况确定的走访周期更早到期时，以周期为准";
pub const VISIT_REPORT_SECTION: &str = "强制报告";
pub const VISIT_REPORT_RECEIPT: &str = "强制报告回执号";
pub const VISIT_NO_REPORT_REASON: &str = "无需报告的理由";
pub const VISIT_REPORT_OFFER: &str =
    "本次走访发现儿童独自居住或无人照料，应当立即向公安机关报告。报告后把回执号填在下面；确实无需报告的，写明理由。";
pub const VISIT_FILE_REPORT: &str = "填写强制报告（已按走访情况预填）";
pub const VISIT_REPORT_FOUND: &str = "走访发现，当天同住";
pub const VISIT_RECORDED_BY: &str = "记录人";
pub const VISIT_REVIEW: &str = "督导审核";
pub const VISIT_VERSION: &str = "版本";
pub const VISIT_IN_FORCE: &str = "现行";
pub const VISIT_ACCEPT: &str = "通过";
pub const VISIT_SEND_BACK: &str = "退回";
pub const VISIT_SEND_BACK_REASON_LABEL: &str = "退回理由（退回时必填）";
pub const VISIT_OLDEST_DUE: &str = "最早到期";
pub const VISITS_TO_REVIEW: &str = "待审核的走访记录";
pub const VISITS_NONE_TO_REVIEW: &str = "没有待审核的走访记录";
pub const VISITS_OVERDUE_DIRECTORS: &str = "有逾期走访的儿童主任";
pub const VISITS_COVERAGE: &str = "各村（居）走访覆盖率";
pub const VISITS_COVERAGE_HINT: &str = "在档儿童中，已按走访周期走访、尚未逾期的比例";
pub const SUPERVISION: &str = "走访督导";
pub const CASE_STATUS: &str = "报告和个案进展";
pub const CASE_STATUS_HINT: &str = "只显示进展，不显示报告人和报告内容";
pub const CASE_STATUS_REPORTS: &str = "强制报告";
pub const CASE_STATUS_CASES: &str = "评估帮扶";
pub const CASE_STATUS_ASKED: &str = "转介给本单位的事项";
pub const VISIT_NEW_FOR_CHILD: &str = "记录走访";
// Entrusted care (委托监护) and the parents' contacts ([UPL] 22–23, [M19]).
pub const ENTRUSTED_CARE: &str = "委托监护";
pub const CARE_CARER: &str = "被委托人";
pub const ENTRUSTED_CARE_COMPLETE: &str = "手续齐全";
pub const ENTRUSTED_CARE_INCOMPLETE: &str = "手续不全";
pub const RECORD_ENTRUSTED_CARE: &str = "记录委托监护情况";
pub const ENTRUSTED_CARE_HINT: &str = "父母应书面告知学校（幼儿园）和村（居）民委员会，并在儿童主任指导下与被委托人签订委托监护确认书（《未成年人保护法》第二十二、二十三条）。";
pub const NO_ENTRUSTED_GUARDIAN: &str = "该档案没有受委托监护人，请先在档案中填写受委托监护人";
pub const CARE_PRESENT: &str = "已有";
pub const CARE_MISSING: &str = "缺";
pub const CARE_SCHOOL_NOTICE: &str = "书面告知学校（幼儿园）";
pub const CARE_VILLAGE_NOTICE: &str = "书面告知村（居）民委员会";
pub const CARE_CONFIRMATION: &str = "委托监护确认书";
pub const CARE_NOTICE_ON: &str = "告知日期";
pub const CARE_RECEIVED_BY: &str = "接收人（姓名、职务）";
pub const CARE_CONFIRMED_ON: &str = "签订日期";
pub const CARE_SIGNED_BY_PARENTS: &str = "父母已签字";
pub const CARE_SIGNED_BY_CARER: &str = "被委托人已签字";
pub const CARE_GUIDED_BY: &str = "指导签订的儿童主任";
pub const CARE_SUITABILITY: &str = "被委托人情况核实（《未成年人保护法》第二十二条）";
pub const CARE_PAST_OFFENCES: &str = "曾实施性侵害、虐待、遗弃、拐卖、暴力伤害等违法犯罪行为";
pub const CARE_VICES: &str = "有吸毒、酗酒、赌博等恶习";
pub const CARE_NEGLECTED: &str = "曾拒不履行或者长期怠于履行监护、照护职责";
pub const CARE_OTHERWISE: &str = "有其他不适宜担任被委托人的情形";
pub const CARE_EVIDENCE: &str = "依据";
pub const CARE_FOUND_YES: &str = "是（不适宜）";
pub const CARE_FOUND_NO: &str = "否";
pub const CARE_FOUND_UNKNOWN: &str = "未核实";
pub const CARE_RECEIVER_REQUIRED: &str = "填写了告知日期，请填写接收人";
pub const CARE_DATE_REQUIRED: &str = "填写了接收人，请填写告知日期";
pub const CARE_CONFIRMATION_DATE_REQUIRED: &str = "签字和指导人须有确认书的签订日期";
pub const CARE_EVIDENCE_REQUIRED: &str = "认定为“是”时请写明依据";
pub const SAVE_ENTRUSTED_CARE: &str = "保存委托监护情况";
pub const PARENTS_CONTACTS: &str = "父母联系记录";
pub const PARENTS_CONTACTS_HINT: &str = "父母应至少每周与儿童和被委托人联系一次（《未成年人保护法》第二十三条）。";
pub const LAST_CONTACT: &str = "最近一次联系";
pub const NO_CONTACT_RECORDED: &str = "尚无记录";
pub const CONTACT_ON: &str = "联系日期";
pub const CONTACT_CHANNEL: &str = "联系方式";
pub const CONTACT_WHO: &str = "联系人";
pub const CONTACT_RECORDED_BY: &str = "记录人";
pub const RECORD_CONTACT: &str = "记录一次联系";
pub const CONTACT_SOURCE_VISIT: &str = "走访";
// The daily recompute and the turned-16 decision (issue 17, decisions 120-124).
pub const SETTING_RECOMPUTE_HOUR: &str = "每日重算年龄、警示等随时间变化内容的时间（北京时间，几点）";
pub const SETTING_RECOMPUTE_BATCH_MS: &str = "每日重算：每批写入占用数据库的目标时长";
pub const SETTING_RECOMPUTE_LEASE_SECONDS: &str = "每日重算：执行中的服务器停止响应多久后由其他服务器接续";
pub const UNIT_HOUR_OF_DAY: &str = "点";
pub const UNIT_MILLISECONDS: &str = "毫秒";
pub const SYSTEM_ACTOR: &str = "系统";
pub const NO_WARNINGS: &str = "无";
pub const RECOMPUTE_LAST_RUN: &str = "每日重算";
pub const RECOMPUTE_NEVER_RUN: &str = "尚未运行";
pub const RECOMPUTE_RUNNING: &str = "进行中";
pub const RECOMPUTE_STARTED: &str = "开始";
pub const RECOMPUTE_FINISHED: &str = "完成";
pub const RECOMPUTE_FILES_SEEN: &str = "检查档案";
pub const RECOMPUTE_CHANGED: &str = "有变化";
pub const RECOMPUTE_SERVER: &str = "服务器";
pub const TURNED_16_TITLE: &str = "年满十六周岁待处理";
pub const TURNED_16_INTRO: &str =
    "以下儿童已年满十六周岁，不再属于农村留守儿童。请逐一销档（原因：年满十六周岁），或说明理由后保留档案。";
pub const TURNED_16_NONE: &str = "没有待处理的档案";
pub const TURNED_16_ON: &str = "年满十六周岁之日";
pub const TURNED_16_CLOSE: &str = "销档（年满十六周岁）";
pub const TURNED_16_KEEP: &str = "保留档案";
pub const TURNED_16_KEEP_REASON: &str = "保留理由";
pub const TURNED_16_KEEP_REASON_REQUIRED: &str = "请填写保留档案的理由";
pub const TURNED_16_KEPT: &str = "年满十六周岁后保留档案";
pub const TURNED_16_NOT_DUE: &str = "该儿童未满十六周岁，或档案已销档、已决定保留";
pub const TURNED_16_MORE: &str = "仅显示最早年满十六周岁的部分，处理后再显示其余";
// Dropout control (控辍保学, issue 18). Kept together, below every other block.
pub const DROPOUT: &str = "控辍保学";
pub const DROPOUT_CASE: &str = "辍学案件";
pub const DROPOUT_CASES: &str = "辍学案件";
pub const DROPOUT_OPEN_CASES: &str = "未结辍学案件";
pub const DROPOUT_ALL_CASES: &str = "全部辍学案件";
pub const DROPOUT_INBOX: &str = "辍学书面报告";
pub const DROPOUT_TABLE: &str = "辍学情况统计";
pub const DROPOUT_NEW: &str = "登记辍学";
pub const FATHER: &str = "父亲";
pub const MOTHER: &str = "母亲";
pub const ENTRUSTED_CARER: &str = "受委托监护人";
pub const TOTAL: &str = "合计";
pub const DROPOUT_REPORT_NEEDS_FAILED_ROUND: &str = "至少记录一次“劝返无效”的劝返后，才能书面报告";
pub const DROPOUT_CASE_CLOSED: &str = "案件已结案；儿童返校后再次辍学的，请“重新立案”";
pub const DROPOUT_REOPEN_ONLY_RETURNED: &str = "只有以“已返校复学”结案的案件可以重新立案";
pub const DROPOUT_NOTIFY_FIRST: &str = "请先记录通知家长或监护人";
pub const DROPOUT_MEASURE_AFTER_REPORT: &str = "书面报告之后才能记录教育局或乡镇采取的措施";
pub const DROPOUT_STEP_OUT_OF_ORDER: &str = "此步骤不能在案件的当前阶段记录";
pub const DROPOUT_DATE_BEFORE_LAST: &str = "日期不能早于上一步骤的日期";
pub const DROPOUT_TELL_CARER_AND_PARENT: &str = "委托监护的儿童，须同时通知受委托监护人和父母中的至少一方";
pub const DROPOUT_OTHER_NEEDS_NOTE: &str = "原因选“其他”时，请写明情况";
pub const DROPOUT_NOT_ENROLLED: &str = "没有这名儿童，或其档案未登记在本校就读";
pub const DROPOUT_NO_BIRTH_DATE: &str = "儿童档案中没有出生日期，无法确认是否属于义务教育适龄儿童";
pub const DROPOUT_NOT_COMPULSORY_AGE: &str = "儿童不在义务教育年龄（6至16周岁）内";
pub const DROPOUT_STILL_COMPULSORY_AGE: &str = "儿童尚在义务教育年龄（16周岁及以下）内";
pub const DROPOUT_ALREADY_OPEN: &str = "这名儿童已有未结的辍学案件";
pub const DROPOUT_NAME_OTHER_SCHOOL: &str = "请选择就读的学校，或在备注中写明学校名称";
pub const DROPOUT_STALE: &str = "案件已被他人更新，请查看最新记录后再提交";
pub const DROPOUT_NEXT_NOTIFY: &str = "通知家长或监护人";
pub const DROPOUT_NEXT_PERSUADE: &str = "劝返";
pub const DROPOUT_NEXT_REPORT: &str = "书面报告区教育局和乡镇政府";
pub const DROPOUT_NEXT_MEASURES: &str = "教育局或乡镇采取措施";
pub const DROPOUT_NEXT_CLOSE: &str = "结案";
pub const DROPOUT_NEXT_NOTHING: &str = "已结案";
pub const DROPOUT_PERSUADED: &str = "开展劝返";
pub const DROPOUT_REPORTED_TEXT: &str = "书面报告区教育局和乡镇人民政府";
pub const DROPOUT_OPENED_TEXT: &str = "学校登记辍学";
pub const DROPOUT_REOPENED_TEXT: &str = "返校后再次辍学，重新立案";
pub const DROPOUT_REPORT_TITLE: &str = "关于义务教育适龄儿童辍学劝返无效的书面报告";
/// The written report's addressees: the district's education bureau and the township.
pub fn dropout_report_to(district: &str, township: &str) -> String {
    format!("{district}教育局、{township}人民政府：")
}
/// The written report's first paragraph: who, where from, since when.
pub fn dropout_report_absence(name: &str, sex: &str, age: Option<u32>, home: &str, since: &str) -> String {
    let age = age.map(|a| format!("，{a}周岁")).unwrap_or_default();
    format!("我校学生{name}（{sex}{age}，家住{home}）自{since}起未到校上学。")
}
/// A notice in words: how, and whom.
pub fn dropout_notified(channel: Option<&str>, told: &str) -> String {
    let how = channel.map(|c| format!("以{c}方式")).unwrap_or_default();
    format!("{how}通知了{told}")
}
/// A date as the written report writes it.
pub const DROPOUT_DATE_FORMAT: &str = "%Y年%m月%d日";
pub const DROPOUT_REPORT_REQUEST: &str =
    "经学校与家长（监护人）共同劝返无效。根据辍学信息通报制度，特此书面报告，请依法采取措施劝返复学。";
pub const SETTING_DROPOUT_NOTIFY_DAYS: &str = "辍学后学校通知家长或监护人的期限";
pub const SETTING_DROPOUT_PERSUASION_DAYS: &str = "通知后首次劝返的期限，及两次劝返的间隔";
pub const SETTING_DROPOUT_REPORT_DAYS: &str = "劝返无效后书面报告的期限";
pub const SETTING_DROPOUT_MEASURE_DAYS: &str = "书面报告后教育局或乡镇采取措施的期限";
pub const DROPOUT_FIRST_ABSENT: &str = "首次缺课日期";
pub const DROPOUT_REASONS: &str = "已知原因";
pub const DROPOUT_NOTE: &str = "情况说明";
pub const DROPOUT_STEP: &str = "步骤";
pub const DROPOUT_DATE: &str = "日期";
pub const DROPOUT_CHANNEL: &str = "通知方式";
pub const DROPOUT_TOLD_WHO: &str = "通知对象";
pub const DROPOUT_PARTIES: &str = "参加劝返的各方";
pub const DROPOUT_OUTCOME: &str = "劝返结果";
pub const DROPOUT_MEASURE: &str = "措施";
pub const DROPOUT_CLOSE_OUTCOME: &str = "结案情形";
pub const DROPOUT_SCHOOL: &str = "就读学校";
pub const DROPOUT_CONTACTS: &str = "家长或监护人";
pub const DROPOUT_NEXT: &str = "下一步";
pub const DROPOUT_DUE: &str = "期限";
pub const DROPOUT_OVERDUE: &str = "已超期";
pub const DROPOUT_NO_CASES: &str = "没有辍学案件";
pub const DROPOUT_NEW_HINT: &str =
    "本校在读、处于义务教育年龄（6至16周岁）的儿童未到校上学的，登记后学校应及时通知家长或监护人，并与家长共同劝返。";
pub const DROPOUT_OPEN_BUTTON: &str = "登记辍学";
pub const DROPOUT_BACK_TO_CASE: &str = "返回案件";
pub const DROPOUT_WRITTEN_REPORT: &str = "书面报告";
pub const DROPOUT_REPORT_HINT: &str = "系统将根据案件记录生成书面报告并编号，同时送达区教育局和乡镇政府。";
pub const DROPOUT_SEND_REPORT: &str = "生成并报送书面报告";
pub const DROPOUT_RECORD: &str = "记录";
pub const DROPOUT_TIMELINE: &str = "办理经过";
pub const DROPOUT_WHERE: &str = "乡镇或学校";
pub const DROPOUT_COUNT_OPENED: &str = "辍学登记";
pub const DROPOUT_COUNT_RETURNED: &str = "已返校";
pub const DROPOUT_COUNT_OPEN: &str = "未结";
pub const DROPOUT_COUNT_OVERDUE: &str = "超期未办";
pub const DROPOUT_SINCE: &str = "首次缺课日期不早于";
pub const DROPOUT_FILTER: &str = "统计";
pub const DROPOUT_BY_TOWNSHIP: &str = "按乡镇（街道）";
pub const DROPOUT_BY_SCHOOL: &str = "按学校";
pub const YEARS_OF_AGE: &str = "周岁";
pub const ROSTER_NO_HEADER: &str =
    "找不到表头：名册的前几行中须有“姓名”和“身份证号码”两列（“年级”“班级”可选），请按名册模板填写后再上传";
/// A roll with more rows than a school has pupils.
pub fn roster_too_many_rows(found: usize, max: usize) -> String {
    format!("名册有 {found} 行，超过上限 {max} 行：请按学校分别上传")
}
pub const ROSTERS: &str = "在校留守儿童名册";
pub const ROSTER_TERM: &str = "学期";
pub const ROSTER_TERM_HINT: &str = "例如 2026年秋季学期";
pub const ROSTER_FILE: &str = "名册文件（.xlsx 或 .csv：姓名、身份证号码、年级、班级）";
pub const ROSTER_UPLOAD: &str = "上传并比对";
pub const ROSTER_ENROLLED: &str = "在册且有档案的儿童";
pub const ROSTER_ENROLLED_HINT: &str = "这些儿童的档案已登记为在本校就读（有变更记录）。";
pub const ROSTER_UNKNOWN: &str = "在册但本乡镇没有档案的儿童";
pub const ROSTER_UNKNOWN_HINT: &str =
    "已提交乡镇（街道）核实，确属留守儿童的由乡镇建档。身份证号码只显示前6位，完整号码以学校名册为准。";
pub const ROSTER_MISSING: &str = "档案登记在本校、但不在名册中的儿童";
pub const ROSTER_MISSING_HINT: &str = "可能已辍学：请核实，确属辍学的登记辍学案件。";
pub const ROSTER_ERRORS: &str = "有错误的行（未比对）";
pub const ROSTER_LINE: &str = "行";
pub const ROSTER_NONE: &str = "没有名册";
pub const ROSTER_GRADE: &str = "年级";
pub const ROSTER_CLASS: &str = "班级";
pub const ROSTER_FILE_UPDATED: &str = "档案已更新为本校";
pub const ROSTER_UPLOADED_BY: &str = "上传";
pub const ROSTER_NAME: &str = "姓名";
pub const ROSTER_ID: &str = "身份证号码";
pub const ROSTER_ID_TWICE: &str = "名册中已有这个身份证号码";
/// A matched roll in numbers.
pub fn roster_counts(rows: i64, enrolled: i64, unknown: i64, missing: i64, errors: i64) -> String {
    format!("共 {rows} 行：在册有档案 {enrolled}，无档案 {unknown}，不在册 {missing}，有错误 {errors}")
}
pub const ROSTER_OPEN_CASE: &str = "登记辍学";
/// A referral to assessment with the assessment it opened.
pub fn dropout_referred(summary: &str, assessment: &str) -> String {
    format!("{summary}（已开启评估帮扶，编号 {assessment}）")
}

// The home page and the to-do list (工作台, 待办; issue 19).
pub const HOME: &str = "工作台";
pub const TASKS: &str = "待办";
pub const TASKS_OPEN: &str = "待办事项";
pub const TASKS_DUE_TODAY: &str = "今日到期";
pub const TASKS_OVERDUE: &str = "已逾期";
pub const TASKS_NEW: &str = "新增";
pub const TASKS_ALL: &str = "全部";
pub const TASKS_NONE: &str = "没有待办事项";
pub const TASKS_BY_KIND: &str = "按类别";
pub const TASKS_DUE: &str = "期限";
pub const TASKS_SINCE: &str = "起始";
pub const TASKS_NO_DEADLINE: &str = "无期限";
pub const TASKS_PER_TOWNSHIP: &str = "各乡镇（街道）";
pub const TASKS_PER_DISTRICT: &str = "各区";
pub const TASKS_REGION: &str = "地区";
pub const TASKS_TOTAL: &str = "合计";
pub const TASKS_MORE: &str = "仅显示前 200 项，请按类别或状态筛选。";
pub const TASKS_BADGE_TITLE: &str = "待办事项数";
pub const HOME_WARNINGS: &str = "预警";
pub const HOME_WARNINGS_HINT: &str = "点击查看台账中的相应儿童";
pub const HOME_ADMIN_HINT: &str = "系统管理员不查看儿童档案：请在下列页面管理账号、机构和审计日志。";
pub const TASK_UNNAMED_CHILD: &str = "未登记儿童";
pub const TASK_IMPORT: &str = "导入";
pub const TASK_ACCOUNT: &str = "账号";
/// A count with its unit, as the home page shows it.
pub fn tasks_count(n: i64) -> String {
    format!("{n} 项")
}
/// The settings of the to-do list.
pub const SETTING_TASKS_HAND_OVER_HOURS: &str = "公安受理后处置并通报乡镇的期限";
pub const SETTING_TASKS_ACKNOWLEDGE_HOURS: &str = "乡镇签收公安移交案件的期限";
pub const SETTING_TASKS_REFERRAL_DAYS: &str = "接收单位答复转介的期限";
pub const SETTING_TASKS_TURNED16_DAYS: &str = "年满十六周岁档案的处理期限";
pub const SETTING_TASKS_IMPORT_DAYS: &str = "完成或失败的导入在待办中保留的天数";
pub const SETTING_TASKS_OVERVIEW_REFRESH: &str = "区、市工作台预警人数的更新间隔";
/// Under the home page's warnings of a district or the city, when they were counted.
pub fn overview_as_of(hh_mm: &str) -> String {
    format!("截至{hh_mm}的统计，定时更新；点击查看实时名单")
}
// Printable documents (文书, issue 22).
/// A document's printed title.
pub fn document_title(kind: crate::document::DocumentKind) -> &'static str {
    use crate::document::DocumentKind as K;
    match kind {
        K::CensusForm | K::CensusForms => "农村留守儿童信息登记表",
        K::EntrustedConfirmation => "委托监护确认书",
        K::ReportReceipt => "强制报告回执",
        K::HandoverNotice => "移交通知书",
        K::DropoutReport => "辍学书面报告",
        k => document_title_casework(k),
    }
}
/// The first characters of a document's number (文号).
pub fn document_number_prefix(kind: crate::document::DocumentKind) -> &'static str {
    use crate::document::DocumentKind as K;
    match kind {
        K::CensusForm | K::CensusForms => "留登",
        K::EntrustedConfirmation => "委监",
        K::ReportReceipt => "报执",
        K::HandoverNotice => "移通",
        K::DropoutReport => "辍报",
        k => document_number_prefix_casework(k),
    }
}
/// A document refused because the font has no glyph for a character of it.
pub fn document_missing_glyph(field: &str, ch: char) -> String {
    format!(
        "无法打印：{field}中的“{ch}”（U+{:04X}）不在文书字库中。请联系管理员补充字库后再打印，或在纸质文书上手写此字。",
        ch as u32
    )
}
pub const DOCUMENT_TOO_MANY: &str = "所选档案太多，无法合并为一个文书：请先筛选（例如按村）再打印。";
pub const DOCUMENT_NONE_SELECTED: &str = "没有符合条件的档案可打印。";
pub const DOCUMENT_PRINT: &str = "打印";
pub const DOCUMENT_PRINT_CENSUS_FORM: &str = "打印登记表（PDF）";
pub const DOCUMENT_PRINT_CENSUS_FORMS: &str = "打印所选档案的登记表（PDF）";
pub const DOCUMENT_PRINT_ENTRUSTED: &str = "打印委托监护确认书（PDF）";
pub const DOCUMENT_PRINT_RECEIPT: &str = "打印强制报告回执（PDF）";
pub const DOCUMENT_PRINT_HANDOVER: &str = "打印移交通知书（PDF）";
pub const DOCUMENT_PRINT_DROPOUT_REPORT: &str = "打印书面报告（PDF）";
pub const VERIFY_TITLE: &str = "文书核验";
pub const VERIFY_ISSUED: &str = "此验证码对应的文书确由本系统出具。";
pub const VERIFY_NOT_ISSUED: &str =
    "没有找到此验证码对应的文书。请核对验证码；纸质文书与核验结果不符的，请向出具单位核实。";
pub const VERIFY_KIND: &str = "文书种类";
pub const VERIFY_NUMBER: &str = "文号";
pub const VERIFY_UNIT: &str = "出具单位";
pub const VERIFY_AT: &str = "出具时间";
pub const VERIFY_CODE: &str = "验证码";
pub const VERIFY_THROTTLED: &str = "核验过于频繁，请稍后再试。";
/// The footer of every page of a document: its number, how to verify it.
pub fn document_footer(number: &str, code: &str, verify_base: &str) -> String {
    format!("文号：{number}　验证码：{code}　核验网址：{verify_base}")
}
/// A document's page number.
pub fn document_page(page: usize, pages: usize) -> String {
    format!("第 {page} 页 共 {pages} 页")
}
/// A yes/no fact of a printed form as two boxes, the chosen one ticked.
pub fn document_yes_no(v: Option<bool>) -> String {
    let (y, n) = match v {
        Some(true) => ('☑', '□'),
        Some(false) => ('□', '☑'),
        None => ('□', '□'),
    };
    format!("{y}{YES} {n}{NO}")
}
/// A date on a printed form (2015年3月8日).
pub fn date_cn(d: chrono::NaiveDate) -> String {
    day(d)
}
pub const DOCUMENT_AWAY: (&str, &str) = ("外出务工", "未外出");
pub const DOCUMENT_CAPABLE: (&str, &str) = ("有", "无");
/// The father's and mother's fact of one kind, as boxes on a printed form.
pub fn document_parents_facts(father: bool, mother: bool, (yes, no): (&str, &str)) -> String {
    let b = |on: bool| if on { '☑' } else { '□' };
    format!("父亲：{}{yes} {}{no}　　母亲：{}{yes} {}{no}", b(father), b(!father), b(mother), b(!mother))
}
/// A written notice of entrusted care as given ([UPL] 23).
pub fn document_notice_given(on: &str, by: &str) -> String {
    if by.is_empty() {
        format!("已于{on}书面告知")
    } else {
        format!("已于{on}书面告知（接收人：{by}）")
    }
}
pub const DOCUMENT_NOTICE_NOT_GIVEN: &str = "尚未书面告知";
/// A date left blank for the hand that signs.
pub const DOCUMENT_DATE_BLANK: &str = "　　　　年　　月　　日";
/// Who of the parents is away, as the confirmation says it.
pub fn document_who_away(father: bool, mother: bool) -> &'static str {
    match (father, mother) {
        (true, true) => "双方",
        (true, false) => "中父亲",
        (false, true) => "中母亲",
        (false, false) => "",
    }
}
/// The committee that witnesses the confirmation, under the village's name.
pub fn document_village_committee(village: &str) -> String {
    // The division codes name villages "王三庄村委会" and communities "…社区居委会".
    let name = village.trim_end_matches("村委会").trim_end_matches("居委会");
    let committee =
        if village.ends_with("居委会") || name.ends_with("社区") { "居民委员会" } else { "村民委员会" };
    format!("{name}{committee}（盖章）")
}
pub const SETTING_DOCUMENTS_VERIFY_PER_ADDRESS: &str = "每个地址每小时可核验文书的次数";
pub const SETTING_DOCUMENTS_BATCH_MAX: &str = "一次合并打印登记表的档案数上限";
/// The township government or street office a hand-over notice is addressed to.
pub fn document_township(name: &str) -> String {
    if name.ends_with("街道") { format!("{name}办事处") } else { format!("{name}人民政府") }
}
pub const DOCUMENT_NOT_HANDED_OVER: &str = "报告尚未移交乡镇（街道），不能打印移交通知书。";
// Notifications (提醒, issue 19). A message leaves the system by e-mail or webhook: it names
// no child, no reporter and no ID number, only what waits and a link.
pub const NOTIFICATIONS: &str = "提醒";
pub const NOTIFICATIONS_NONE: &str = "暂无提醒";
pub const NOTIFICATIONS_UNREAD: &str = "未读";
pub const NOTIFICATIONS_READ: &str = "已读";
pub const NOTIFICATIONS_MARK_READ: &str = "标为已读";
pub const NOTIFICATIONS_MARK_ALL_READ: &str = "全部标为已读";
pub const NOTIFICATIONS_OPEN: &str = "查看";
pub const NOTIFICATIONS_NEW: &str = "新提醒";
pub const NOTIFICATIONS_CRITICAL: &str = "紧急";
pub const NOTIFY_SOUND: &str = "紧急强制报告提示音";
pub const NOTIFY_SOUND_HINT: &str = "派出所值班台收到紧急强制报告时播放提示音。";
pub const NOTIFY_SOUND_ON: &str = "播放提示音";
pub const NOTIFY_SOUND_SAVED: &str = "提示音设置已保存";
pub const NOTIFY_SAVE: &str = "保存";
pub const NOTIFY_CHANNEL: &str = "提醒接收方式";
pub const NOTIFY_CHANNEL_NONE: &str = "不发送";
pub const NOTIFY_ADDRESS: &str = "接收地址";
pub const NOTIFY_ADDRESS_BAD: &str =
    "地址格式不正确：电子邮件填写邮箱地址，HTTP 推送填写以 http:// 或 https:// 开头的网址";
pub const NOTIFY_CHANNEL_SAVED: &str = "提醒接收方式已保存";
pub const NOTIFY_OUTBOX: &str = "提醒发送记录";
pub const NOTIFY_MAIL_SUBJECT: &str = "守护系统提醒";
pub const NOTIFY_OPEN_LINK: &str = "请登录系统查看：";
pub const SETTING_NOTIFY_ATTEMPTS: &str = "提醒发送的最多尝试次数";
pub const SETTING_NOTIFY_FIRST_DELAY: &str = "提醒首次重试前的等待";
pub const SETTING_NOTIFY_MAX_DELAY: &str = "提醒两次重试之间的最长等待";
pub const SETTING_NOTIFY_BATCH: &str = "每轮发送的提醒条数";
pub const SETTING_NOTIFY_LEASE: &str = "服务器认领一条待发提醒的时长";
pub const SETTING_NOTIFY_POLL_MS: &str = "未被唤醒时查看新提醒的间隔";
pub const NOTE_REPORT_FILED: &str = "辖区内有新的强制报告待受理";
pub const NOTE_REPORT_FILED_CRITICAL: &str = "紧急：辖区内有新的强制报告待受理";
/// A report still unaccepted past `reports.late_response_minutes` (decision 215).
pub const NOTE_REPORT_LATE: &str = "紧急：辖区内有强制报告已超过受理时限仍未受理，请立即受理";
pub const NOTE_HAND_OVER: &str = "公安机关移交了一份强制报告，待乡镇签收并开展调查评估";
pub const NOTE_REFERRAL: &str = "收到一份新的转介，待答复";
pub const NOTE_VISIT_SUBMITTED: &str = "有一份走访记录待审核";
pub const NOTE_VISIT_SENT_BACK: &str = "您的一份走访记录被退回修改";
pub const NOTE_IMPORT_FINISHED: &str = "您的导入已完成";
pub const NOTE_IMPORT_FAILED: &str = "您的导入未能完成";
pub const NOTE_MEETING_TASK: &str = "联席会议向您交办了一项任务";
pub const NOTE_DROPOUT_REPORTED: &str = "收到一份控辍保学书面报告，待采取措施";

// Oversight: the register of overdue work, accountability, the joint meeting (issue 20).
pub const ACCOUNTABILITY_TITLE: &str = "问责台账（逾期事项）";
pub const ACCOUNTABILITY_NAV: &str = "问责台账";
pub const OVERSIGHT_DISTRICT: &str = "区";
pub const OVERSIGHT_UNIT: &str = "责任单位";
pub const OVERSIGHT_KIND: &str = "事项";
pub const OVERSIGHT_COUNT: &str = "逾期件数";
pub const OVERSIGHT_OLDEST: &str = "最早的期限";
pub const OVERSIGHT_TREND: &str = "每周新增逾期（由近及远）";
pub const OVERSIGHT_ITEMS: &str = "逾期事项（最久的在前）";
pub const OVERSIGHT_ABOUT: &str = "涉及";
pub const OVERSIGHT_DUE: &str = "期限";
pub const OVERSIGHT_VILLAGE: &str = "村（居）";
pub const OVERSIGHT_NONE: &str = "没有逾期事项";
pub const OVERSIGHT_ALL_DISTRICTS: &str = "各区逾期事项";
pub const OVERSIGHT_UNITS: &str = "各责任单位逾期事项";
pub const OVERSIGHT_OPEN: &str = "查看";
pub const OVERSIGHT_BACK: &str = "返回问责台账";
pub const OVERSIGHT_POLICE_OF: &str = "（辖区公安派出所）";
pub const OVERSIGHT_LATE_REPORTERS: &str = "有迟报的强制报告责任单位";
pub const OVERSIGHT_LATE_REPORTS: &str = "迟报的强制报告";
pub const OVERSIGHT_DISCOVERED: &str = "发现时间";
pub const OVERSIGHT_REPORTED: &str = "报告时间";
pub const OVERSIGHT_MEASURES: &str = "问责记录";
pub const OVERSIGHT_MEASURE_NEW: &str = "记录问责措施";
pub const OVERSIGHT_MEASURE_KIND: &str = "措施";
pub const OVERSIGHT_REFERENCE: &str = "文号";
pub const OVERSIGHT_ON: &str = "日期";
pub const OVERSIGHT_BASIS: &str = "依据";
pub const OVERSIGHT_ITEMS_REF: &str = "所涉逾期事项";
pub const OVERSIGHT_CORRECTS: &str = "更正的记录";
pub const OVERSIGHT_CORRECTED_BY: &str = "已被更正";
pub const OVERSIGHT_RECORDED_BY: &str = "记录人";
pub const OVERSIGHT_SAVE: &str = "保存";
pub const OVERSIGHT_SAVED: &str = "已保存";
pub const OVERSIGHT_COMMENDATIONS: &str = "表扬奖励记录";
pub const OVERSIGHT_COMMEND_NEW: &str = "记录表扬奖励";
pub const OVERSIGHT_COMMEND_KIND: &str = "表扬或奖励";
pub const OVERSIGHT_REPORTER_ORG: &str = "报告单位";
pub const OVERSIGHT_REPORTER_NAME: &str = "报告人（个人姓名或单位名称）";
pub const OVERSIGHT_REPORT_ID: &str = "相关强制报告编号";
pub const OVERSIGHT_DATE_FUTURE: &str = "日期不能晚于今天";
pub const OVERSIGHT_TEXT_TOO_LONG: &str = "内容过长";
pub const OVERSIGHT_REFERENCE_REQUIRED: &str = "追责须填写文号";
pub const OVERSIGHT_REPORTER_REQUIRED: &str = "请选择报告单位或填写报告人";
pub const OVERSIGHT_UNIT_UNKNOWN: &str = "没有这个责任单位";
pub const OVERSIGHT_CORRECTS_UNKNOWN: &str = "被更正的记录不存在";
pub const OVERSIGHT_ITEM_UNKNOWN: &str = "事项应写作 种类:编号，例如 assessment_overdue:12";
pub const OVERSIGHT_REPORT_UNKNOWN: &str = "没有这份强制报告";
pub const OVERSIGHT_ORG_UNKNOWN: &str = "没有这个单位";
pub const MEETINGS_TITLE: &str = "联席会议";
pub const MEETING_NEW: &str = "记录联席会议";
pub const MEETING_HELD_ON: &str = "会议日期";
pub const MEETING_NAME: &str = "会议名称";
pub const MEETING_ATTENDEES: &str = "参会单位";
pub const MEETING_DECISION: &str = "议定事项";
pub const MEETING_DECISIONS: &str = "议定事项及交办任务";
pub const MEETING_TASK: &str = "任务";
pub const MEETING_TASK_UNIT: &str = "责任单位";
pub const MEETING_TASK_OWNER: &str = "责任人";
pub const MEETING_TASK_DUE: &str = "完成期限";
pub const MEETING_TASK_STATUS: &str = "进展状态";
pub const MEETING_TASK_PROGRESS: &str = "进展情况";
pub const MEETING_TASK_UPDATE: &str = "报告进展";
pub const MEETING_TASK_UPDATES: &str = "进展记录";
pub const MEETING_TASK_NONE_YET: &str = "尚未报告进展";
pub const MEETING_OVERDUE_TASKS: &str = "逾期未完成的联席会议任务";
pub const MEETING_LIST: &str = "会议记录";
pub const MEETING_NO_OVERDUE: &str = "没有逾期未完成的任务";
pub const MEETING_CHOOSE: &str = "请选择";
pub const MEETING_TASK_UNIT_REQUIRED: &str = "请选择任务的责任单位";
pub const MEETING_TASK_OWNER_REQUIRED: &str = "请选择任务的责任人（责任单位的一名工作人员）";
pub const MEETING_TASK_OWNER_NOT_OF_UNIT: &str = "责任人须是所选责任单位的工作人员";
pub const MEETING_ATTENDEES_REQUIRED: &str = "请选择参会单位";
pub const MEETING_DECISIONS_REQUIRED: &str = "请至少填写一项议定事项";
pub const MEETING_DECISION_TASKS_REQUIRED: &str = "每项议定事项至少分解为一项任务";
pub const MEETING_TASK_DONE_ALREADY: &str = "任务已完成，不能再修改进展";
pub const SETTING_OVERSIGHT_TREND_WEEKS: &str = "问责台账趋势显示的周数";
pub const SETTING_OVERSIGHT_OLDEST_ITEMS: &str = "问责台账每类显示的最久逾期事项数";
pub const SETTING_OVERSIGHT_LATE_REPORT_DAYS: &str = "问责台账列出迟报的回溯天数";

/// The trend's heading: how many weeks it spans.
pub fn oversight_trend_weeks(weeks: i64) -> String {
    format!("近 {weeks} 周每周新增逾期（由近及远）")
}
// Statistics and member departments (issue 20).
pub const STATISTICS: &str = "统计分析";
pub const STATISTICS_PERIOD_INVALID: &str = "统计期间的开始日期须不晚于结束日期";
pub const STATISTICS_REGION: &str = "统计范围";
pub const STATISTICS_WHOLE: &str = "全部";
pub const STATISTICS_SHOW: &str = "查看";
pub const STATISTICS_PERIOD_HINT: &str =
    "强制报告和调查评估按期间统计（默认本年初至今）；儿童档案、辍学和走访为当前数。";
pub const STATISTICS_DOWNLOAD: &str = "下载本页数据（Excel）";
pub const STATISTICS_CHILDREN: &str = "在档儿童";
pub const STATISTICS_BY_CATEGORY: &str = "按留守类型";
pub const STATISTICS_BY_AGE: &str = "按年龄段";
pub const STATISTICS_BY_GUARDIANSHIP: &str = "按监护类型";
pub const STATISTICS_BY_SCHOOLING: &str = "按就学情况";
pub const STATISTICS_WARNINGS: &str = "预警（同一儿童可有多项）";
pub const STATISTICS_REPORTS: &str = "强制报告";
pub const STATISTICS_BY_SITUATION: &str = "强制报告按情形（一份报告可有多种情形）";
pub const STATISTICS_BY_MONTH: &str = "强制报告按月份";
pub const STATISTICS_TIMES: &str = "处置用时";
pub const STATISTICS_RESPONSE: &str = "接报至受理";
pub const STATISTICS_ASSESSMENT: &str = "调查评估（开始至完成）";
pub const STATISTICS_MEDIAN: &str = "中位数";
pub const STATISTICS_P90: &str = "90%在此用时内";
pub const STATISTICS_COUNTED: &str = "计入件数";
pub const STATISTICS_DROPOUTS: &str = "控辍保学";
pub const STATISTICS_DROPOUT_OPENED: &str = "登记辍学";
pub const STATISTICS_DROPOUT_RETURNED: &str = "已返校";
pub const STATISTICS_DROPOUT_OPEN: &str = "未结案";
pub const STATISTICS_DROPOUT_OVERDUE: &str = "未结案且超期";
pub const STATISTICS_VISITS: &str = "走访覆盖";
pub const STATISTICS_VISIT_CHILDREN: &str = "应走访儿童";
pub const STATISTICS_VISIT_COVERED: &str = "已按周期走访";
pub const STATISTICS_VISIT_OVERDUE: &str = "走访逾期";
pub const STATISTICS_AREAS: &str = "分区域";
pub const STATISTICS_ITEM: &str = "项目";
pub const STATISTICS_COUNT: &str = "数量";
pub const STATISTICS_SHARE: &str = "占比";
pub const STATISTICS_WARNED: &str = "有预警";
pub const STATISTICS_NONE: &str = "—";
pub const STATISTICS_CHART: &str = "图表";
pub const STATISTICS_TABLE: &str = "数据表";
pub const STATISTICS_SHEET: &str = "统计";
pub const STATISTICS_EMPTY: &str = "暂无数据";
// Census rounds (摸底排查轮次, issue 20).
pub const ROUNDS: &str = "摸底排查轮次";
pub const ROUNDS_INTRO: &str = "市民政局发起每一轮摸底排查；乡镇（街道）按村（居）汇总本辖区档案并签报，区民政局审核各乡镇（街道）的报表后汇总上报，市民政局审核各区的报表。已签报的报表冻结，此后修改档案不改变报表。";
pub const ROUNDS_NONE: &str = "暂无摸底排查轮次";
pub const ROUNDS_OPEN: &str = "发起新一轮摸底排查";
pub const ROUNDS_NAME: &str = "轮次名称";
pub const ROUNDS_NAME_HINT: &str = "例如：2027年上半年";
pub const ROUNDS_REFERENCE_DATE: &str = "标准时点";
pub const ROUNDS_DEADLINE: &str = "报送截止日期";
pub const ROUNDS_DISTRICT_DUE: &str = "区报表截止日期";
pub const ROUNDS_OPENED: &str = "已发起新一轮摸底排查";
pub const ROUNDS_OPENED_BY: &str = "发起人";
pub const ROUNDS_DEADLINE_BEFORE_REFERENCE: &str = "报送截止日期不能早于标准时点";
pub const ROUNDS_NAME_TAKEN: &str = "已有同名的轮次，请换一个名称";
pub const ROUNDS_ALREADY_SIGNED_OFF: &str = "该报表已签报，等待上级审核；被退回后才能重新签报";
pub const ROUNDS_ALREADY_ACCEPTED: &str = "该报表已审核通过，不能再修改";
pub const ROUNDS_NOT_SIGNED_OFF: &str = "该报表尚未签报，不能审核或退回";
pub const ROUNDS_DISTRICT_SUBMITTED: &str =
    "本区报表已上报市民政局，不能再审核或退回乡镇（街道）报表；市民政局退回后才能修改";
pub const ROUNDS_TOWNSHIPS_NOT_ACCEPTED: &str = "还有乡镇（街道）的报表未审核通过，区报表暂不能签报";
pub const ROUNDS_STALE: &str = "该报表已被他人处理，您的操作未保存。请查看最新状态后重试";
pub const ROUNDS_STATE: &str = "状态";
pub const ROUNDS_UNIT: &str = "单位";
pub const ROUNDS_TOWNSHIPS: &str = "各乡镇（街道）报表";
pub const ROUNDS_DISTRICTS: &str = "各区报表";
pub const ROUNDS_RETURN: &str = "报表";
pub const ROUNDS_MY_RETURN: &str = "本单位报表";
pub const ROUNDS_VILLAGE: &str = "村（居）";
pub const ROUNDS_TOWNSHIP: &str = "乡镇（街道）";
pub const ROUNDS_ROW_TOTAL: &str = "合计";
pub const ROUNDS_LIVE: &str = "当前档案汇总（尚未签报，签报时冻结）";
pub const ROUNDS_FROZEN: &str = "签报时冻结的报表";
pub const ROUNDS_BALANCED: &str = "勾稽关系：各行各组之和等于合计，合计行等于各行之和";
pub const ROUNDS_UNIT_HEAD: &str = "单位负责人";
pub const ROUNDS_REVIEWER: &str = "审核人";
pub const ROUNDS_FILLER: &str = "填表人";
pub const ROUNDS_SIGNED_ON: &str = "填报日期";
pub const ROUNDS_SIGN_OFF: &str = "签报";
pub const ROUNDS_SIGN_OFF_DISTRICT: &str = "汇总签报本区报表";
pub const ROUNDS_SIGNED_OFF: &str = "报表已签报";
pub const ROUNDS_ACCEPT: &str = "审核通过";
pub const ROUNDS_ACCEPTED: &str = "已审核通过";
pub const ROUNDS_SEND_BACK: &str = "退回";
pub const ROUNDS_SENT_BACK: &str = "报表已退回";
pub const ROUNDS_SEND_BACK_REASON: &str = "退回原因";
pub const ROUNDS_HISTORY: &str = "办理记录";
pub const ROUNDS_SIGNED_BY: &str = "签报账号";
pub const ROUNDS_REVIEWED_BY: &str = "审核人账号";
pub const ROUNDS_LATE: &str = "逾期";
pub const ROUNDS_DUE: &str = "截止";
pub const ROUNDS_PROGRESS: &str = "进度";
pub const ROUNDS_OPEN_ROUND: &str = "查看";
pub const ROUNDS_TRENDS: &str = "历轮数据趋势";
pub const ROUNDS_TRENDS_HINT: &str = "每一轮已签报的报表的各项数字；选择单位查看。";
pub const ROUNDS_TRENDS_NONE: &str = "该单位还没有已签报的报表";
pub const ROUNDS_TRENDS_UNIT: &str = "单位";
pub const ROUNDS_TRENDS_SHOW: &str = "查看";
pub const ROUNDS_ROUND: &str = "轮次";
pub const ROUNDS_BACK: &str = "返回轮次";
pub const ROUNDS_HOME_LINK: &str = "摸底排查报表";
pub const ROUNDS_FIGURES: &str = "报表数字";
pub const ROUNDS_NOT_FROZEN_YET: &str = "尚未签报";
pub const ROUNDS_OWN_DISTRICT: &str = "本区报表";
/// A round's progress for a district or the city: how many returns below are accepted.
pub fn rounds_progress(accepted: i64, all: i64) -> String {
    format!("已审核通过 {accepted} / {all}")
}
/// A row of a return does not balance: which row and which groups ([M16] 勾稽关系).
pub fn rounds_unbalanced_row(row: &str, groups: &[&str]) -> String {
    format!("勾稽关系不符：{row}的{}各列之和不等于合计，报表不能签报", groups.join("、"))
}
/// The total row is not the sum of the rows: which columns.
pub fn rounds_total_mismatch(columns: &[&str]) -> String {
    format!("勾稽关系不符：合计行与各行之和不符（{}），报表不能签报", columns.join("、"))
}
/// The townships whose returns are not yet accepted, by name.
pub fn rounds_townships_waiting(names: &[String]) -> String {
    format!("{}：{}", ROUNDS_TOWNSHIPS_NOT_ACCEPTED, names.join("、"))
}
pub const SETTING_ROUNDS_DISTRICT_DAYS: &str = "区报表在报送截止日期后的天数";
// Printable documents of the casework and the census summary (issue 22, decisions 183–186).
/// The titles of the documents added for the casework and the summary.
pub fn document_title_casework(kind: crate::document::DocumentKind) -> &'static str {
    use crate::document::DocumentKind as K;
    match kind {
        K::AssessmentReport => "调查评估报告",
        K::AssistancePlan => "帮扶计划",
        K::ReferralLetter => "转介函",
        K::RevocationApplication => "撤销监护人资格申请书",
        K::CensusSummary => "农村留守儿童摸底排查汇总表",
        _ => "",
    }
}
/// Their numbers' prefixes.
pub fn document_number_prefix_casework(kind: crate::document::DocumentKind) -> &'static str {
    use crate::document::DocumentKind as K;
    match kind {
        K::AssessmentReport => "评估",
        K::AssistancePlan => "帮扶",
        K::ReferralLetter => "转介",
        K::RevocationApplication => "撤监",
        K::CensusSummary => "留汇",
        _ => "",
    }
}
pub const DOCUMENT_PRINT_ASSESSMENT_REPORT: &str = "打印调查评估报告（PDF）";
pub const DOCUMENT_PRINT_ASSISTANCE_PLAN: &str = "打印帮扶计划（PDF）";
pub const DOCUMENT_PRINT_REFERRAL_LETTER: &str = "打印转介函（PDF）";
pub const DOCUMENT_PRINT_REVOCATION_APPLICATION: &str = "打印申请书（PDF）";
pub const DOCUMENT_PRINT_CENSUS_SUMMARY: &str = "打印汇总表（PDF）";
pub const DOCUMENT_ASSESSMENT_NOT_DONE: &str = "调查评估尚未完成，不能打印调查评估报告。";
pub const DOCUMENT_PLAN_EMPTY: &str = "帮扶计划还没有服务或转介，不能打印。请先添加服务或转介。";
/// Where a case came from, as the assessment report says it.
pub const DOCUMENT_CASE_FROM_REPORT: &str = "公安机关处置强制报告后移交";
pub const DOCUMENT_CASE_FROM_TOWNSHIP: &str = "乡镇（街道）在排查、走访中发现";
/// A case's number as printed (the case's id in the register of assessments).
pub fn document_case_number(id: i64) -> String {
    format!("评估第{id}号")
}
pub const DOCUMENT_NONE_YET: &str = "（无）";
pub const DOCUMENT_NOT_DISCLOSED: &str = "（依法不随函提供）";
pub const DOCUMENT_NOT_REGISTERED: &str = "（未建档）";
/// The request of a revocation application.
pub fn document_revocation_request(respondents: &str, child: &str) -> String {
    format!("一、依法撤销被申请人{respondents}对{child}的监护人资格；二、依法为{child}另行指定监护人。")
}
/// One ground of a revocation application, as its reasons state it.
pub fn document_ground_reason(n: usize, label: &str, source: &str, explanation: &str, on: &str) -> String {
    let when = if on.is_empty() { String::new() } else { format!("该情形于{on}成立。") };
    format!("（{n}）{label}（{source}）：{explanation}。{when}")
}
/// A referral letter's request, with the days within which an answer is expected.
pub fn document_referral_request(kind: &str, days: i64) -> String {
    format!(
        "现将下列儿童的家庭转介你单位，申请{kind}。请依照《天津市农村留守儿童关爱保护工作实施意见》的规定及时核实情况，符合条件的依法纳入保障范围，并于收到本函之日起{days}日内将受理情况告知我单位（也可在守护系统中直接答复）。"
    )
}
pub const DOCUMENT_REFERRAL_CONFIDENTIAL: &str =
    "本函仅载明转介所需的信息。儿童档案、调查评估结果、监护人行为记录和强制报告内容依法保密，不随函提供。";
/// The census summary's scope line.
pub fn document_summary_scope(scope: &str, filter: &str, as_of: &str) -> String {
    if filter.is_empty() {
        format!("统计范围：{scope}　　统计日期：{as_of}")
    } else {
        format!("统计范围：{scope}（{filter}）　　统计日期：{as_of}")
    }
}
/// The census summary's notes, as the ledger export's summary sheet has them.
pub fn document_summary_notes(closed: u64) -> Vec<String> {
    vec![
        format!("说明：1. 统计{STATUS_OPEN}的儿童档案；{STATUS_CLOSED}档案 {closed} 份不计入本表。"),
        "2. 年龄段“其他”为已满16周岁（或出生日期不详）仍在档的儿童；留守类型“非留守儿童”为仍在档但已不符合留守儿童条件的儿童。".to_string(),
        "3. 各分组之和等于合计；合计行等于各乡镇（街道）之和。".to_string(),
    ]
}
pub const DOCUMENT_SUMMARY_FILTERED: &str = "按台账筛选条件";
/// The evidence a ground of an application rests on, by its numbers in the evidence list.
pub fn document_ground_evidence(numbers: &str) -> String {
    format!("（见证据清单第{numbers}项）")
}
pub const DOCUMENT_SUMMARY_UNBALANCED: &str = "汇总表的勾稽关系不符，不能打印：";
// Several servers on one database (issue 23).
pub const SETTING_SERVERS_LEASE_SECONDS: &str = "多台服务器：运行导入等后台工作的服务器停止响应多久后视为已停止";
pub const SETTING_SERVERS_REPLICA_WAIT_MS: &str = "只读副本：读取等待副本连接的最长时间，超过即由主库应答";
pub const SETTING_SERVERS_REPLICA_RETRY_SECONDS: &str = "只读副本：副本出错后，所有读取改由主库应答多久再重试副本";
// Name search that pages (issue 24).
pub const SEARCH_AFTER_INVALID: &str = "翻页位置无效，请从第一页重新查找";
pub const FIRST_PAGE: &str = "第一页";
pub const SEARCH_REGION: &str = "查找范围";
pub const PAGE_PREFIX: &str = "第";
pub const PAGE_SUFFIX: &str = "页";
pub const SETTING_SEARCH_COUNT_LIMIT: &str = "查找：统计匹配档案数的上限（超过时显示“超过……份”）";
pub const SETTING_LEDGER_COUNT_LIMIT: &str = "台账：统计档案数的上限（超过时显示“超过……份档案”）";
pub const SETTING_SEARCH_COUNT_BUDGET: &str = "查找：按拼音或学校范围统计时最多读取的索引行数";
pub const SETTING_SEARCH_ID_TAIL: &str = "查找：按身份证号码末几位查找时最多比对的档案数";
