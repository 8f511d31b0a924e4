//! The outbox's delivery worker (issue 19, decision 154): claims due messages with a lease,
//! sends each by its organisation's channel (SMTP e-mail through `lettre`, or a JSON POST
//! through `reqwest`), and records every attempt. A failure leaves the message pending, to
//! be tried again after the backoff (`notify.*`); after the last attempt it is marked failed
//! for the administrator. `shouhu serve` runs it in the background; `shouhu notify-deliver`
//! runs it once.

use serde::Serialize;
use shouhu_domain::msg;
use shouhu_domain::notify::{DeliveryState, NotifyChannel};
use shouhu_store::notify::OutboxItem;
use shouhu_store::{Store, StoreError};
use std::time::Duration;

/// Where messages go out, and the address their links point to.
#[derive(Debug, Clone, Default)]
pub struct DeliveryConfig {
    /// The server's public address, e.g. `https://shouhu.tj.gov.cn` (the links' start).
    pub public_url: String,
    /// The mail relay: `smtp://host:port` (plain), `smtp://host:587?tls=required`,
    /// `smtps://user:password@host` (lettre's connection URL). None: e-mail is not sent
    /// (a message for an organisation with e-mail fails, and is retried).
    pub smtp_url: Option<String>,
    /// The sender's address.
    pub smtp_from: String,
}

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunSummary {
    pub claimed: usize,
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
    pub no_channel: usize,
}

/// How long one send may take (well inside `notify.lease_seconds`).
const SEND_TIMEOUT: Duration = Duration::from_secs(30);

/// The JSON a webhook receives: a short text and a link, never a name or an ID number.
#[derive(Debug, Serialize)]
pub struct WebhookBody<'a> {
    /// The message's id in the outbox: the same id may arrive twice if a server stopped
    /// between sending and recording, so a receiver that must not repeat keeps it.
    pub id: i64,
    pub kind: &'static str,
    pub text: &'a str,
    pub link: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

fn link(cfg: &DeliveryConfig, item: &OutboxItem) -> String {
    format!("{}{}", cfg.public_url.trim_end_matches('/'), item.link)
}

async fn send_mail(cfg: &DeliveryConfig, to: &str, item: &OutboxItem) -> Result<(), String> {
    use lettre::message::header::ContentType;
    use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
    let url = cfg.smtp_url.as_deref().ok_or("no mail relay configured (serve --smtp-url)")?;
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map_err(|e| format!("mail relay URL: {e}"))?
        .timeout(Some(SEND_TIMEOUT))
        .build();
    let body = format!("{}\n{}{}\n", item.text, msg::NOTIFY_OPEN_LINK, link(cfg, item));
    let message = Message::builder()
        .from(cfg.smtp_from.parse().map_err(|e| format!("sender address: {e}"))?)
        .to(to.parse().map_err(|e| format!("recipient address: {e}"))?)
        .subject(msg::NOTIFY_MAIL_SUBJECT)
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| format!("message: {e}"))?;
    transport.send(message).await.map(|_| ()).map_err(|e| format!("smtp: {e}"))
}

async fn send_webhook(
    http: &reqwest::Client,
    cfg: &DeliveryConfig,
    url: &str,
    item: &OutboxItem,
) -> Result<(), String> {
    let body = WebhookBody {
        id: item.id,
        kind: item.kind.code(),
        text: &item.text,
        link: link(cfg, item),
        created_at: item.created_at,
    };
    let res = http.post(url).json(&body).timeout(SEND_TIMEOUT).send().await.map_err(|e| format!("webhook: {e}"))?;
    if res.status().is_success() { Ok(()) } else { Err(format!("webhook answered {}", res.status())) }
}

async fn blocking<T: Send + 'static>(
    store: &Store,
    f: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    let s = store.clone();
    tokio::task::spawn_blocking(move || f(&s)).await.map_err(|e| StoreError::Backend(format!("delivery task: {e}")))?
}

/// Claims the messages due now (at the store's clock) and sends them, once.
pub async fn deliver_once(
    store: &Store,
    http: &reqwest::Client,
    cfg: &DeliveryConfig,
    owner: &str,
) -> Result<RunSummary, StoreError> {
    let o = owner.to_string();
    let items = blocking(store, move |s| s.claim_outbox(&o)).await?;
    let mut sum = RunSummary { claimed: items.len(), ..RunSummary::default() };
    for item in items {
        let outcome = match &item.route {
            None => Ok(()),
            Some((NotifyChannel::Email, to)) => send_mail(cfg, to, &item).await,
            Some((NotifyChannel::Webhook, url)) => send_webhook(http, cfg, url, &item).await,
        };
        if let Err(e) = &outcome {
            tracing::warn!(message = item.id, org = item.org_id, error = %e, "a notification was not delivered; retrying later");
        }
        let o = owner.to_string();
        let state = blocking(store, move |s| s.record_attempt(&o, &item, outcome)).await?;
        match state {
            DeliveryState::Sent => sum.sent += 1,
            DeliveryState::Pending => sum.retrying += 1,
            DeliveryState::Failed => sum.failed += 1,
            DeliveryState::NoChannel => sum.no_channel += 1,
        }
    }
    Ok(sum)
}

/// A client for webhooks: rustls, no proxy from the environment, no redirects (a receiver
/// answers where it is).
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap_or_else(|_| reqwest::Client::new())
}

/// Delivers in the background every `notify.poll_ms` until `stop` resolves.
pub async fn run(store: Store, cfg: DeliveryConfig, stop: impl std::future::Future<Output = ()>) {
    let owner = shouhu_store::recompute::this_server();
    let http = http_client();
    let every = store.settings.notify.poll.to_std().unwrap_or(Duration::from_secs(1));
    tokio::pin!(stop);
    loop {
        match deliver_once(&store, &http, &cfg, &owner).await {
            Ok(s) if s.claimed > 0 => {
                tracing::info!(sent = s.sent, retrying = s.retrying, failed = s.failed, "outbox run")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "outbox run; trying again"),
        }
        tokio::select! {
            _ = &mut stop => return,
            _ = tokio::time::sleep(every) => {}
        }
    }
}
