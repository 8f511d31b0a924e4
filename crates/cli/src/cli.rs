//! Command-line interface.

use crate::{seed, server};
use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use shouhu_domain::clock::{Clock, SystemClock};
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser, Debug)]
#[command(name = "shouhu", version, about = "守护：农村留守儿童关爱保护信息系统")]
pub struct Cli {
    /// Database: sqlite://PATH or postgres://USER@HOST/DB. Default: sqlite://{data-dir}/shouhu.db
    #[arg(long, env = "SHOUHU_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Folder for the embedded SQLite database.
    #[arg(long, env = "SHOUHU_DATA_DIR", default_value = "./data", global = true)]
    pub data_dir: String,
    /// The settings document (deadlines, limits, rule choices). Default: {data-dir}/shouhu.toml,
    /// written with every default on first start.
    #[arg(long, env = "SHOUHU_SETTINGS", global = true)]
    pub settings: Option<std::path::PathBuf>,
    /// The data key file, which encrypts ID and phone numbers in the database. Default: the
    /// key in SHOUHU_DATA_KEY if set, else {data-dir}/shouhu-data.key, made on first start.
    #[arg(long, env = "SHOUHU_DATA_KEY_FILE", global = true)]
    pub data_key_file: Option<std::path::PathBuf>,
    /// The audit log's key (32 random bytes, as 64 hexadecimal digits), made on first start if
    /// missing. SHOUHU_AUDIT_KEY (the 64 digits) takes its place when set. Default: {data-dir}/audit.key
    #[arg(long, env = "SHOUHU_AUDIT_KEY_FILE", global = true)]
    pub audit_key_file: Option<std::path::PathBuf>,
    /// Log lines as text (coloured only on a terminal) or as one JSON object each, for log collectors.
    #[arg(long, env = "SHOUHU_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

/// Where notifications leave the system (issue 19).
#[derive(clap::Args, Debug, Clone)]
pub struct OutboxArgs {
    /// The server's address as users reach it, for the links in e-mails and webhooks
    /// (e.g. https://shouhu.example.gov.cn). Default: http://{bind}.
    #[arg(long, env = "SHOUHU_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// The mail relay for organisations that receive e-mail: smtp://host:port (plain),
    /// smtp://host:587?tls=required, or smtps://user:password@host. Without it no e-mail is sent.
    #[arg(long, env = "SHOUHU_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// The sender of the e-mails.
    #[arg(long, env = "SHOUHU_SMTP_FROM", default_value = "shouhu@localhost")]
    pub smtp_from: String,
}

impl OutboxArgs {
    fn config(&self, bind: &str) -> shouhu_web::delivery::DeliveryConfig {
        shouhu_web::delivery::DeliveryConfig {
            public_url: self.public_url.clone().unwrap_or_else(|| format!("http://{bind}")),
            smtp_url: self.smtp_url.clone(),
            smtp_from: self.smtp_from.clone(),
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the web server.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "SHOUHU_BIND", default_value = "127.0.0.1:8080")]
        bind: String,
        /// Load demo organisations, one account per role and synthetic children (first start only),
        /// and show the demo logins on the sign-in page.
        #[arg(long)]
        demo: bool,
        /// Mark cookies Secure (when served over HTTPS).
        #[arg(long, env = "SHOUHU_SECURE_COOKIES")]
        secure_cookies: bool,
        /// A reverse proxy (address or network, e.g. 10.0.0.2 or 10.0.0.0/8) whose
        /// X-Forwarded-For names the client, for sign-in waits and the public report limit.
        /// Repeat it, or separate with commas. Without it, the connection's address is the client's.
        #[arg(long = "trusted-proxy", env = "SHOUHU_TRUSTED_PROXIES", value_delimiter = ',',
              value_parser = shouhu_web::client_addr::parse_trusted_proxy)]
        trusted_proxies: Vec<shouhu_web::client_addr::IpNet>,
        /// A streaming replica of the PostgreSQL database (postgres://USER@HOST/DB, the same
        /// database name): lists, search and statistics are read from it once it has replayed
        /// the reader's own last write, else from the primary (decision 201).
        #[arg(long, env = "SHOUHU_REPLICA_URL")]
        replica_url: Option<String>,
        #[command(flatten)]
        outbox: OutboxArgs,
    },
    /// Send the notifications' outbox once (what `serve` does in the background): the messages
    /// due now, by each organisation's e-mail or webhook; prints what happened.
    NotifyDeliver {
        #[command(flatten)]
        outbox: OutboxArgs,
    },
    /// Demo and synthetic data.
    Demo {
        #[command(subcommand)]
        command: DemoCommand,
    },
    /// Accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Check a census file (.xlsx or .csv) and import it in a user's name and scope.
    Import {
        file: std::path::PathBuf,
        /// The user in whose name and scope the files are written.
        #[arg(long = "as")]
        user: String,
        /// Write rows over existing files with the same ID number (default: skip them).
        #[arg(long)]
        update: bool,
        /// Import the good rows even when some rows are wrong.
        #[arg(long)]
        only_good_rows: bool,
        /// Where to write the file with the errors marked, if there are errors.
        #[arg(long)]
        report: Option<std::path::PathBuf>,
    },
    /// Export what the ledger shows a user to .xlsx: by default its open files, as the ledger.
    /// Only for a role that keeps the ledger (township, district, city).
    Export {
        #[arg(long = "as")]
        user: String,
        #[arg(long)]
        out: std::path::PathBuf,
        /// The ledger's query, as in its address: a search (`q=张`) or its filters
        /// (`status=all&region=120114101&category=both_away`).
        #[arg(long, default_value = "")]
        query: String,
    },
    /// Copy both SQLite databases, while the server runs, into one encrypted file (PostgreSQL:
    /// pg_dump). The key comes from --key-file or SHOUHU_BACKUP_KEY, never from the data folder.
    Backup {
        #[arg(long)]
        out: std::path::PathBuf,
        /// The key made by `shouhu backup-key` (else the environment's SHOUHU_BACKUP_KEY).
        #[arg(long, env = "SHOUHU_BACKUP_KEY_FILE")]
        key_file: Option<std::path::PathBuf>,
    },
    /// Check a backup (its key, every chunk's tag, its format, each database's integrity and
    /// schema) and restore it into the data folder, which must be empty unless --force.
    Restore {
        #[arg(long)]
        from: std::path::PathBuf,
        #[arg(long, env = "SHOUHU_BACKUP_KEY_FILE")]
        key_file: Option<std::path::PathBuf>,
        /// Replace the databases of a data folder that is not empty (stop shouhu first).
        #[arg(long)]
        force: bool,
    },
    /// Anonymise closed files whose child turned 18 more than `retention.years_after_adulthood`
    /// years ago, with the reports and cases about them; in batches, resumable.
    Retention {
        /// Only count, per district, what would change.
        #[arg(long, conflicts_with = "apply", required_unless_present = "apply")]
        dry_run: bool,
        /// Anonymise.
        #[arg(long)]
        apply: bool,
    },
    /// Recompute what time changes in every open file (ages' consequences: category, warnings;
    /// who turned 16), as the server does daily at `recompute.hour`; prints what changed.
    /// Resumes an interrupted run; runs once a day unless --again.
    Recompute {
        /// Walk again though today's run has finished (changes nothing already right).
        #[arg(long)]
        again: bool,
        /// Open every file, not only those an age may have changed (after editing files by hand).
        #[arg(long)]
        full: bool,
        /// Stop after this many batches (run again to go on from there).
        #[arg(long)]
        max_batches: Option<u32>,
    },
    /// Make a new backup key in a new file (0600). Keep it apart from the data and the backups.
    BackupKey {
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// The data key that encrypts ID and phone numbers: a new key file, rotation, retiring.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// The audit log's chain.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// Make a new data key in a new file (0600), outside the data folder, for --data-key-file.
    New {
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Add a new key version to the key file and re-encrypt every value with it, in batches;
    /// run again after an interruption to go on. Old versions stay readable until `retire`.
    Rotate {
        /// Rows per transaction.
        #[arg(long, default_value_t = shouhu_store::rekey::BATCH)]
        batch: usize,
        /// Stop after this many transactions (run again to go on).
        #[arg(long)]
        max_batches: Option<usize>,
        /// Seconds to give a running shouhu to read a new key before re-encrypting.
        #[arg(long, default_value_t = 5)]
        wait_secs: u64,
    },
    /// Remove the key versions no value is sealed with any more from the key file.
    Retire,
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Check that every audit entry follows the one before it: prints "audit log intact: N
    /// entries", or names the first entry changed, removed or inserted and exits with 1.
    Verify,
    /// After the audit key was lost: begin a new chain with the key in use. Entries before it
    /// keep their order but their content can no longer be checked.
    NewChain,
}

#[derive(Subcommand, Debug)]
pub enum DemoCommand {
    /// Load the demo organisations, accounts and children (once).
    Seed,
    /// Add N synthetic children spread over all of Tianjin's villages, with valid ID numbers.
    Children {
        #[arg(long)]
        children: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Write a census file (CSV, the census form's columns) of N synthetic children.
    Generate {
        #[arg(long)]
        children: u64,
        /// Only villages of these regions (district, township or village codes); default: all of Tianjin.
        #[arg(long = "region")]
        regions: Vec<String>,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create an administrator. The password is read from SHOUHU_ADMIN_PASSWORD or standard input.
    CreateAdmin {
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: String,
    },
}

pub fn main() -> ExitCode {
    // Everything shouhu creates (databases, settings, uploads, exports) is its own account's
    // alone: children's data must not be readable by others on the machine (issue 21).
    #[cfg(unix)]
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    // Parsed first: the log format is one of the settings, and a wrong one stops here.
    let cli = Cli::parse();
    let format = cli.log_format;
    init_logs(format);
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if format == LogFormat::Json => {
            tracing::error!(error = format!("{e:#}"), "stopped");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("错误 / error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Logs go to standard error. Colour codes only on a terminal: in a file or a pipe they were
/// most of the bytes (200 MB for 730,000 request lines).
fn init_logs(format: LogFormat) {
    use std::io::IsTerminal;
    let logs = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => {
            let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            logs.with_ansi(colour).init()
        }
        LogFormat::Json => logs.json().with_ansi(false).init(),
    }
}

fn database_url(cli: &Cli) -> String {
    cli.database_url.clone().unwrap_or_else(|| format!("sqlite://{}/shouhu.db", cli.data_dir.trim_end_matches('/')))
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    let url = database_url(&cli);
    // With JSON logs every line on standard error is a JSON object: messages to the operator
    // become log events there.
    let json = cli.log_format == LogFormat::Json;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    // These neither open the store nor write the data folder's settings: a restore needs it
    // empty, and a backup only reads.
    match &cli.command {
        Command::Backup { out, key_file } => return crate::backup::backup(&url, out, key_file.as_deref()),
        Command::Restore { from, key_file, force } => {
            return crate::backup::restore(&url, from, key_file.as_deref(), *force);
        }
        Command::BackupKey { out } => return crate::backup::make_key(out, std::path::Path::new(&cli.data_dir)),
        Command::Keys { command: KeysCommand::New { out } } => {
            return crate::keys_cli::new_key(out, std::path::Path::new(&cli.data_dir));
        }
        _ => {}
    }
    owner_only_dir(std::path::Path::new(&cli.data_dir))?;
    let settings_path = cli.settings.clone().unwrap_or_else(|| std::path::Path::new(&cli.data_dir).join("shouhu.toml"));
    let key_path = cli.audit_key_file.clone().unwrap_or_else(|| std::path::Path::new(&cli.data_dir).join("audit.key"));
    // The audit commands need neither the settings nor a new key.
    let settings = match cli.command {
        Command::Audit { .. } => Default::default(),
        _ => crate::settings_file::load(&settings_path)?,
    };
    let keys = shouhu_store::crypto::KeySource::resolve(cli.data_key_file.clone(), std::path::Path::new(&cli.data_dir));
    let open_store = |url: &str, clock: Arc<dyn Clock>| -> anyhow::Result<shouhu_store::Store> {
        let key = crate::audit_cli::load_key(&key_path, true)?;
        server::open_store_keyed(url, clock, settings.clone(), keys.clone(), key)
    };
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    match cli.command {
        Command::Serve { bind, demo, secure_cookies, trusted_proxies, replica_url, outbox } => {
            let store = open_store(&url, clock).context("opening the database")?;
            let store = match replica_url.filter(|r| !r.is_empty()) {
                Some(r) => store.with_replica(&r).context("the replica")?,
                None => store,
            };
            let work_dir = std::path::Path::new(&cli.data_dir).join("work");
            let mut config = shouhu_web::Config {
                secure_cookies,
                work_dir,
                trusted_proxies,
                schedule_recompute: true,
                delivery: Some(outbox.config(&bind)),
                ..Default::default()
            };
            // Imports left running by a stopped server never committed: the lease keeper fails
            // them once their lease expired, and never those of a server still running (decision 196).
            if demo {
                seed::demo(&store)?;
                config.demo_logins = seed::demo_logins();
                config.demo_totp_secret = seed::DEMO_TOTP_SECRET.into();
            }
            if store.count_admins()? == 0 {
                let token = shouhu_web::auth::random_token()[..16].to_string();
                if json {
                    tracing::warn!(
                        setup = format!("http://{bind}/setup"),
                        token,
                        "no administrator yet: open the setup page and enter the token, or run `shouhu user create-admin`"
                    );
                } else {
                    eprintln!(
                        "\n尚无管理员。请在浏览器打开 http://{bind}/setup 并输入初始化口令：{token}\n\
                         No administrator yet: open http://{bind}/setup and enter the setup token above,\n\
                         or run `shouhu user create-admin`.\n"
                    );
                }
                config.setup_token = Some(token);
            }
            rt.block_on(async move {
                let running = server::start(&bind, store, config).await?;
                tracing::info!(addr = %running.addr, "shouhu is listening");
                if !json {
                    eprintln!("shouhu: http://{}", running.addr);
                }
                shutdown_signal().await?;
                let _ = running.stop.send(());
                running.done.await??;
                anyhow::Ok(())
            })
        }
        Command::Demo { command: DemoCommand::Seed } => {
            let store = open_store(&url, clock)?;
            seed::demo(&store)
        }
        Command::Demo { command: DemoCommand::Children { children, seed: s } } => {
            let store = open_store(&url, clock)?;
            let started = std::time::Instant::now();
            let n = seed::synthetic_children(&store, children, s, |done| {
                eprint!("\r{done}/{children}");
            })?;
            eprintln!("\n{n} children in {:.1} s", started.elapsed().as_secs_f64());
            Ok(())
        }
        Command::Demo { command: DemoCommand::Generate { children, regions, seed: s, out } } => {
            let store = open_store(&url, clock)?;
            let villages = if regions.is_empty() {
                crate::demo::all_villages(&store.regions)
            } else {
                let r: Vec<&str> = regions.iter().map(String::as_str).collect();
                crate::demo::villages_of(&store.regions, &r)
            };
            anyhow::ensure!(!villages.is_empty(), "no village in the regions given");
            let mut g = crate::demo::Generator::new(s, villages, store.today());
            let started = std::time::Instant::now();
            crate::census_files::write_csv(&mut g, children, &out)?;
            eprintln!("{children} rows written to {} in {:.1} s", out.display(), started.elapsed().as_secs_f64());
            Ok(())
        }
        Command::Import { file, user, update, only_good_rows, report } => {
            let store = open_store(&url, clock)?;
            crate::census_cli::import(&store, &file, &user, update, only_good_rows, report.as_deref())
        }
        Command::Export { user, out, query } => {
            let store = open_store(&url, clock)?;
            crate::census_cli::export(&store, &user, &out, &query)
        }
        Command::Retention { apply, .. } => {
            let store = open_store(&url, clock)?;
            crate::retention_cli::run(&store, apply)
        }
        Command::NotifyDeliver { outbox } => {
            let store = open_store(&url, clock)?;
            let cfg = outbox.config("127.0.0.1:8080");
            let owner = shouhu_store::recompute::this_server();
            let sum = rt.block_on(async {
                shouhu_web::delivery::deliver_once(&store, &shouhu_web::delivery::http_client(), &cfg, &owner).await
            })?;
            println!(
                "claimed {} · sent {} · retrying {} · failed {} · no channel {}",
                sum.claimed, sum.sent, sum.retrying, sum.failed, sum.no_channel
            );
            Ok(())
        }
        Command::Recompute { again, full, max_batches } => {
            let store = open_store(&url, clock)?;
            crate::recompute_cli::run(&store, again, full, max_batches)
        }
        Command::Keys { command: KeysCommand::Rotate { batch, max_batches, wait_secs } } => {
            let store = open_store(&url, clock)?;
            let opts =
                crate::keys_cli::RotateOpts { batch, max_batches, settle: std::time::Duration::from_secs(wait_secs) };
            crate::keys_cli::rotate(&store, opts).map(|_| ())
        }
        Command::Keys { command: KeysCommand::Retire } => {
            let store = open_store(&url, clock)?;
            crate::keys_cli::retire(&store).map(|_| ())
        }
        // Done before the store was opened.
        Command::Backup { .. }
        | Command::Restore { .. }
        | Command::BackupKey { .. }
        | Command::Keys { command: KeysCommand::New { .. } } => Ok(()),
        Command::Audit { command } => {
            // The key the log was written with: never a new one.
            let key = crate::audit_cli::load_key(&key_path, false)?;
            match command {
                AuditCommand::Verify => crate::audit_cli::verify(&url, &key),
                AuditCommand::NewChain => crate::audit_cli::new_chain(&url, &key, clock.now()),
            }
        }
        Command::User { command: UserCommand::CreateAdmin { username, display_name } } => {
            let store = open_store(&url, clock)?;
            let password = match std::env::var("SHOUHU_ADMIN_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    eprintln!("密码 / password (at least 10 characters, not a common one, not your name):");
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            if let Some(problem) = shouhu_web::auth::password_problem(&password, &username, &display_name) {
                anyhow::bail!("{problem}");
            }
            seed::create_admin(&store, &username, &display_name, &password)?;
            eprintln!("administrator {username} created");
            Ok(())
        }
    }
}

/// Ctrl-C or SIGTERM (what service managers send): stop taking requests, finish the open ones.
async fn shutdown_signal() -> std::io::Result<()> {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        r = tokio::signal::ctrl_c() => r,
        _ = term.recv() => Ok(()),
    }
}

/// The data folder, created if missing, open to shouhu's own account only (0700), also when
/// an older shouhu or an operator created it open to others.
fn owner_only_dir(dir: &std::path::Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("restricting {}", dir.display()))?;
    }
    Ok(())
}
