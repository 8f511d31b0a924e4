//! The message catalog: every text a user reads, in Chinese (zh-CN), in one place.
//! Templates and handlers refer to these constants, so a missing text is a compile error;
//! another language would be a sibling module with the same names.

// Field errors.
pub const REQUIRED: &str = "此项为必填项";
pub const CONTROL_CHARS: &str = "含有不可见的控制字符，请删除后重新输入";
pub const DATE_INVALID: &str = "日期格式应为 年-月-日，例如 2015-03-08";
pub const DATE_IN_FUTURE: &str = "日期不能晚于今天";
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
pub const STALE_VERSION: &str =
    "该档案已被他人修改，您的修改未保存。请刷新页面，查看最新内容后重新修改";
pub const DUPLICATE_ID: &str = "该身份证号码已有档案";
pub const CLOSE_REASON_REQUIRED: &str = "请选择销档原因";
pub const CLOSE_NOTE_REQUIRED: &str = "原因为“其他”时，请填写说明";
pub const PARENT_BIRTH_AFTER_CHILD: &str = "父母的出生日期应早于儿童的出生日期";
pub const SCHOOL_ORG_UNKNOWN: &str = "没有这个学校或幼儿园";

/// A text longer than `max` characters.
pub fn too_long(max: usize) -> String {
    format!("不能超过{max}个字")
}

// Whole-request errors.
pub const FORM_HAS_ERRORS: &str = "表单中有错误，请按提示修改后重新提交";
pub const NOT_FOUND: &str = "找不到该记录，或您无权查看";
pub const FORBIDDEN: &str = "您的角色无权进行此操作";
pub const UNAUTHENTICATED: &str = "请先登录";
pub const BAD_CREDENTIALS: &str = "用户名或密码错误";
pub const THROTTLED: &str = "登录失败次数过多，请稍后再试";
pub const CSRF: &str = "页面已过期，请刷新后重新提交";
pub const BODY_TOO_LARGE: &str = "提交的内容过大";
pub const BAD_REQUEST: &str = "请求格式不正确";
pub const INTERNAL: &str = "服务器内部错误，请稍后再试；如果问题持续，请联系管理员并提供请求编号";
pub const ALREADY_CLOSED: &str = "该档案已销档";
pub const NOT_CLOSED: &str = "该档案未销档，无需恢复";
pub const USERNAME_TAKEN: &str = "用户名已被使用";
pub const PASSWORD_TOO_SHORT: &str = "密码至少需要10个字符";
pub const PASSWORDS_DIFFER: &str = "两次输入的密码不一致";
pub const SETUP_DONE: &str = "系统已有管理员，无法再次初始化";
pub const SETUP_TOKEN: &str = "初始化口令不正确，请查看服务器启动时输出的口令";
