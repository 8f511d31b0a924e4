//! What an account operation hands over (issue 21, decisions 76-80): a one-time
//! set-password link for a person, a token for another system, or nothing yet while a second
//! approval is awaited. The secret is made here, stored only as its hash, and shown once to
//! whoever completes the account.

use crate::auth;
use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use serde::Serialize;
use shouhu_domain::msg;
use shouhu_store::accounts::Issued;
use utoipa::ToSchema;

/// A new secret and its hash; the secret is used only if the store issued it.
pub struct Secret {
    pub plain: String,
    pub hash: String,
}

impl Secret {
    pub fn new() -> Secret {
        let plain = auth::random_token();
        let hash = auth::token_hash(&plain);
        Secret { plain, hash }
    }
}

impl Default for Secret {
    fn default() -> Self {
        Secret::new()
    }
}

/// The address of a set-password link, on the host the request came to (as a proxy in front
/// names it, if there is one: the administrator's own request, so nobody else chooses it).
pub fn link_url(headers: &HeaderMap, https: bool, token: &str) -> String {
    let host = ["x-forwarded-host", "host"]
        .into_iter()
        .filter_map(|h| headers.get(h).and_then(|v| v.to_str().ok()))
        .map(|v| v.split(',').next().unwrap_or("").trim())
        .find(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c)))
        .unwrap_or("127.0.0.1:8080");
    let scheme = if https { "https" } else { "http" };
    format!("{scheme}://{host}/set-password/{token}")
}

/// What an account operation answers over the API.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountOutcome {
    pub id: i64,
    /// The change waits for a second approval (another administrator, or the city); the
    /// approver is given the link or token.
    pub awaiting_approval: bool,
    /// A person's one-time link to set their own password: hand it to them; shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub set_password_link: Option<String>,
    /// A service account's token, for the other system: shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// When the link or token stops working.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
}

impl AccountOutcome {
    pub fn new(id: i64, issued: Issued, secret: &Secret, headers: &HeaderMap, https: bool) -> AccountOutcome {
        let mut out =
            AccountOutcome { id, awaiting_approval: false, set_password_link: None, token: None, expires_at: None };
        match issued {
            Issued::Link { expires_at } => {
                out.set_password_link = Some(link_url(headers, https, &secret.plain));
                out.expires_at = Some(expires_at);
            }
            Issued::Token { expires_at, .. } => {
                out.token = Some(secret.plain.clone());
                out.expires_at = Some(expires_at);
            }
            Issued::AwaitingApproval => out.awaiting_approval = true,
            Issued::Nothing => {}
        }
        out
    }
}

/// The same on a page: the sentence, and the secret to copy (empty when there is none).
#[derive(Default)]
pub struct Handover {
    pub message: String,
    pub secret: String,
}

impl Handover {
    /// What to tell whoever made the request, with the link's life from the settings.
    pub fn new(state: &crate::AppState, issued: Issued, secret: &Secret, headers: &HeaderMap) -> Handover {
        let link_hours = state.store.settings.accounts.set_password_link_ttl.num_hours();
        let o = AccountOutcome::new(0, issued, secret, headers, state.config.secure_cookies);
        match issued {
            Issued::Link { .. } => Handover {
                message: format!("{}{link_hours}", msg::LINK_HAND_OVER),
                secret: o.set_password_link.unwrap_or_default(),
            },
            Issued::Token { .. } => {
                Handover { message: msg::SERVICE_TOKEN_SHOWN_ONCE.into(), secret: o.token.unwrap_or_default() }
            }
            Issued::AwaitingApproval => Handover { message: msg::AWAITING_APPROVAL_SENT.into(), secret: String::new() },
            Issued::Nothing => Handover { message: msg::ROLE_CHANGED.into(), secret: String::new() },
        }
    }

    /// After a reset: the account's sessions and tokens ended, then what follows.
    pub fn after_reset(mut self) -> Handover {
        self.message = format!("{}{}", msg::ACCOUNT_ENDED, self.message);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::link_url;
    use axum::http::HeaderMap;

    #[test]
    fn a_link_is_on_the_host_the_administrator_used() {
        let mut h = HeaderMap::new();
        h.insert("host", "127.0.0.1:8080".parse().expect("header"));
        assert_eq!(link_url(&h, false, "ab"), "http://127.0.0.1:8080/set-password/ab");
        h.insert("x-forwarded-host", "shouhu.example.cn, proxy".parse().expect("header"));
        assert_eq!(link_url(&h, true, "ab"), "https://shouhu.example.cn/set-password/ab");
        h.insert("x-forwarded-host", "evil/\"x".parse().expect("header"));
        assert_eq!(link_url(&h, false, "ab"), "http://127.0.0.1:8080/set-password/ab");
    }
}
