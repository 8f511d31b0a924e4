//! Notifications (提醒, issue 19): who hears of a new task, what the message says, and how
//! its delivery outside the browser is retried. The kinds and owners are `crate::task`'s;
//! this module adds what only the notifications need (docs/domain.md §9).

use crate::role::{OrgType, Role};
use crate::task::TaskKind;
use chrono::Duration;

crate::codes::code_list! {
    /// How an organisation receives its notifications outside the browser.
    NotifyChannel {
        Email = "email", "电子邮件";
        Webhook = "webhook", "HTTP 推送";
    }
}

crate::codes::code_list! {
    /// Where a message of the outbox stands.
    DeliveryState {
        Pending = "pending", "待发送";
        Sent = "sent", "已发送";
        Failed = "failed", "发送失败";
        NoChannel = "no_channel", "未设置接收方式";
    }
}

/// The retry and batch settings of the outbox (`notify.*`; no text fixes them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotifySettings {
    /// Attempts per message before it is marked failed.
    pub attempts: i64,
    /// The wait after the first failed attempt; it doubles after each.
    pub first_delay: Duration,
    /// The longest wait between two attempts.
    pub max_delay: Duration,
    /// Messages one delivery run claims at once.
    pub batch: i64,
    /// How long a server's claim on a message lasts (a server that stops mid-send leaves it
    /// to another after this).
    pub lease: Duration,
    /// How often a server looks for new notifications when nothing woke it.
    pub poll: Duration,
    /// How long a read notification, and an outbox message that was sent or given up (with
    /// its attempts), are kept (decision 216).
    pub keep: Duration,
    /// How often a server looks for mandatory reports left unaccepted past
    /// `reports.late_response_minutes`, to announce each again (decision 215).
    pub late_check: Duration,
}

/// The wait before the next attempt after `failed` failed attempts (1 after the first):
/// exponential backoff, `first_delay` doubled for each further failure, capped at `max_delay`.
pub fn retry_delay(failed: i64, s: &NotifySettings) -> Duration {
    let doublings = u32::try_from(failed.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
    let ms = s.first_delay.num_milliseconds().saturating_mul(1_i64 << doublings);
    Duration::milliseconds(ms.min(s.max_delay.num_milliseconds()))
}

/// Whether a message that has failed `failed` times is given up (marked failed, shown to
/// the administrator) rather than tried again.
pub fn gives_up(failed: i64, s: &NotifySettings) -> bool {
    failed >= s.attempts
}

/// Which kinds of organisation the recipients of a region's task must belong to, besides
/// having a role of [`crate::task::done_by`]: a report goes to the police station's duty desk
/// ([S] 二(二): 向公安机关报告), not to every police officer of the district.
pub fn org_types_for(kind: TaskKind) -> Option<&'static [OrgType]> {
    match kind {
        TaskKind::ReportToAccept | TaskKind::ReportToDispose => Some(&[OrgType::PoliceStation]),
        _ => None,
    }
}

/// Whether a user hears the sound of a critical report: the police duty desk only, whose
/// response is measured in minutes ([S] 二(三)); each user may turn it off.
pub fn hears_alarm(role: Role, org_type: OrgType, sound_on: bool) -> bool {
    sound_on && crate::report::may_act_as_duty_desk(role, org_type)
}

/// An address an organisation may receive notifications at: an e-mail address for e-mail,
/// an http(s) URL for a webhook. Returns the trimmed address, or why not.
pub fn check_address(channel: NotifyChannel, address: &str) -> Result<String, &'static str> {
    let a = address.trim();
    if a.is_empty() || a.chars().count() > 300 {
        return Err(crate::msg::NOTIFY_ADDRESS_BAD);
    }
    let ok = match channel {
        NotifyChannel::Email => {
            let mut parts = a.split('@');
            matches!((parts.next(), parts.next(), parts.next()), (Some(l), Some(d), None)
                if !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.'))
                && !a.chars().any(|c| c.is_whitespace() || c == '<' || c == '>' || c == ',')
        }
        NotifyChannel::Webhook => {
            (a.starts_with("http://") || a.starts_with("https://"))
                && a.split("://").nth(1).is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
                && !a.chars().any(char::is_whitespace)
        }
    };
    if ok { Ok(a.to_string()) } else { Err(crate::msg::NOTIFY_ADDRESS_BAD) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> NotifySettings {
        NotifySettings {
            attempts: 4,
            first_delay: Duration::seconds(30),
            max_delay: Duration::seconds(100),
            batch: 10,
            lease: Duration::seconds(60),
            poll: Duration::milliseconds(500),
            late_check: Duration::seconds(60),
            keep: Duration::days(90),
        }
    }

    #[test]
    fn the_wait_doubles_after_each_failure_up_to_the_cap() {
        let s = settings();
        assert_eq!(retry_delay(1, &s), Duration::seconds(30));
        assert_eq!(retry_delay(2, &s), Duration::seconds(60));
        assert_eq!(retry_delay(3, &s), Duration::seconds(100), "capped");
        assert_eq!(retry_delay(60, &s), Duration::seconds(100), "no overflow");
        assert_eq!(retry_delay(0, &s), Duration::seconds(30));
    }

    #[test]
    fn a_message_is_given_up_after_the_last_attempt_only() {
        let s = settings();
        assert!(!gives_up(3, &s));
        assert!(gives_up(4, &s));
    }

    #[test]
    fn only_the_duty_desk_hears_the_alarm_and_only_when_on() {
        assert!(hears_alarm(Role::Police, OrgType::PoliceStation, true));
        assert!(!hears_alarm(Role::Police, OrgType::PoliceStation, false));
        assert!(!hears_alarm(Role::TownshipStaff, OrgType::TownshipGovernment, true));
    }

    #[test]
    fn addresses_are_checked_for_their_channel() {
        assert_eq!(check_address(NotifyChannel::Email, " duty@pcs.tj.gov.cn ").as_deref(), Ok("duty@pcs.tj.gov.cn"));
        assert!(check_address(NotifyChannel::Email, "duty").is_err());
        assert!(check_address(NotifyChannel::Email, "a@b@c.cn").is_err());
        assert!(check_address(NotifyChannel::Email, "http://x.cn").is_err());
        assert!(check_address(NotifyChannel::Webhook, "https://sms.example.cn/hook").is_ok());
        assert!(check_address(NotifyChannel::Webhook, "http://127.0.0.1:9/x").is_ok());
        assert!(check_address(NotifyChannel::Webhook, "ftp://x").is_err());
        assert!(check_address(NotifyChannel::Webhook, "https:///x").is_err());
        assert!(check_address(NotifyChannel::Webhook, "").is_err());
    }

    #[test]
    fn reports_go_to_police_stations_only() {
        assert_eq!(org_types_for(TaskKind::ReportToAccept), Some(&[OrgType::PoliceStation][..]));
        assert_eq!(org_types_for(TaskKind::VisitToReview), None);
    }
}
