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
    /// The audit log's chain.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
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
    owner_only_dir(std::path::Path::new(&cli.data_dir))?;
    let settings_path = cli.settings.clone().unwrap_or_else(|| std::path::Path::new(&cli.data_dir).join("shouhu.toml"));
    let key_path = cli.audit_key_file.clone().unwrap_or_else(|| std::path::Path::new(&cli.data_dir).join("audit.key"));
    // The audit commands need neither the settings nor a new key.
    let settings = match cli.command {
        Command::Audit { .. } => Default::default(),
        _ => crate::settings_file::load(&settings_path)?,
    };
    let open_store = |url: &str, clock: Arc<dyn Clock>| -> anyhow::Result<shouhu_store::Store> {
        let key = crate::audit_cli::load_key(&key_path, true)?;
        server::open_store_with(url, clock, settings.clone(), key)
    };
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    match cli.command {
        Command::Serve { bind, demo, secure_cookies } => {
            let store = open_store(&url, clock).context("opening the database")?;
            let work_dir = std::path::Path::new(&cli.data_dir).join("work");
            let mut config = shouhu_web::Config { secure_cookies, work_dir, ..Default::default() };
            // Imports left running by a stopped server never committed: say so.
            store.fail_interrupted_jobs("服务器重启，导入已中断；档案未作任何改动，请重新上传")?;
            if demo {
                seed::demo(&store)?;
                config.demo_logins = seed::demo_logins();
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
