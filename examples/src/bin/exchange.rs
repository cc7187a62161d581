//! `exchange`: the end-to-end Alice → Barbara exchange (see `examples::exchange`).
//!
//! With no options: starts Alice's TAXII server on a free loopback port with the shipped
//! dataset, lets Barbara check the feed pair, discover, poll (basic auth, every part) and
//! ingest, maps the dataset to MISP events and writes them as a MISP feed in `./exchange-out/`,
//! then prints a summary.
//!
//! Exit codes: 0 success; 1 the exchange failed (feed pair, TAXII, MISP, output); 2 usage.

use std::cell::RefCell;
use std::io::{IsTerminal, Write};
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Parser, ValueEnum};
use examples::exchange::{
    DEFAULT_OUTPUT_DIR, DEFAULT_PART_SIZE, ExchangeOptions, ExternalServer, Mode, Output, Progress,
    run,
};
use indicatif::{ProgressBar, ProgressStyle};
use taxii1_core::Version;
use url::Url;

#[derive(Parser)]
#[command(
    name = "exchange",
    version,
    about = "End-to-end Alice -> Barbara exchange: TAXII 1.x with EclecticIQ JSON, mapped to MISP",
    after_help = "Exit codes: 0 success; 1 the exchange failed; 2 usage error."
)]
struct Cli {
    /// How the packages travel: Barbara polls Alice's collection, or Alice pushes into
    /// Barbara's inbox.
    #[arg(long, value_enum, default_value = "poll")]
    transport: TransportArg,
    /// The TAXII version both sides speak (default: the feed definitions' own, 1.1).
    #[arg(long, value_enum)]
    taxii_version: Option<VersionArg>,
    // Not a doc comment: rustdoc would flag the bare URL that the help text should show.
    #[arg(
        long,
        value_name = "URL",
        help = "Use this external TAXII server's discovery service (e.g. OpenTAXII at \
                http://127.0.0.1:9000/services/discovery) instead of starting one. Poll: \
                Barbara polls the collection it holds. Inbox: Alice pushes the shipped dataset \
                into its inbox, then Barbara polls the collection back"
    )]
    taxii_url: Option<String>,
    /// User name for the external server (default: the feed definitions'). Ignored without
    /// --taxii-url.
    #[arg(long, env = "TAXII_USERNAME")]
    username: Option<String>,
    /// Password for the external server (prefer the environment variable). Never printed.
    /// Ignored without --taxii-url.
    #[arg(long, env = "TAXII_PASSWORD", hide_env_values = true)]
    password: Option<String>,
    /// Load the feed definitions from DIR: alice.toml and barbara.toml (inbox:
    /// alice-inbox.toml and barbara-inbox.toml). Passwords come from the variables the files
    /// name, else from this run's password.
    #[arg(long, value_name = "DIR")]
    feeds: Option<PathBuf>,
    /// The MISP feed directory to write.
    #[arg(long, value_name = "DIR", default_value = DEFAULT_OUTPUT_DIR)]
    out: PathBuf,
    /// Push the events to this MISP instance instead of writing a feed (needs --misp-key).
    #[arg(long, value_name = "URL", requires = "misp_key")]
    misp_url: Option<String>,
    /// MISP API key (prefer the environment variable). Never printed. Ignored without
    /// --misp-url.
    #[arg(long, env = "MISP_KEY", hide_env_values = true)]
    misp_key: Option<String>,
    /// Content blocks per poll result part on the embedded server.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_PART_SIZE)]
    part_size: NonZeroUsize,
    /// Creator organisation written on the MISP events.
    #[arg(long, value_name = "NAME", default_value = "Alice CERT")]
    org: String,
    /// Seconds allowed for each TAXII or MISP request.
    #[arg(long, value_name = "SECONDS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    timeout: u64,
    /// Print the summary as JSON on standard output (no progress bar).
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum TransportArg {
    Poll,
    Inbox,
}

#[derive(Clone, Copy, ValueEnum)]
enum VersionArg {
    #[value(name = "1.1")]
    V11,
    #[value(name = "1.0")]
    V10,
}

/// Progress on standard error with indicatif; hidden for --json or when stderr is no terminal.
struct Bar {
    visible: bool,
    bar: RefCell<Option<ProgressBar>>,
}

impl Progress for Bar {
    fn begin(&self, step: &str) {
        if !self.visible {
            return;
        }
        let bar = ProgressBar::new_spinner();
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} [{elapsed}]") {
            bar.set_style(style);
        }
        bar.set_prefix(step.to_owned());
        bar.set_message(step.to_owned());
        bar.enable_steady_tick(Duration::from_millis(100));
        self.bar.replace(Some(bar));
    }

    fn set_total(&self, total: u64) {
        if let Some(bar) = self.bar.borrow().as_ref() {
            bar.set_length(total);
            bar.set_message(String::new());
            if let Ok(style) =
                ProgressStyle::with_template("{prefix} {wide_bar} {pos}/{len} {msg} [{elapsed}]")
            {
                bar.set_style(style);
            }
        }
    }

    fn advance(&self, units: u64, message: &str) {
        if let Some(bar) = self.bar.borrow().as_ref() {
            bar.inc(units);
            bar.set_message(message.to_owned());
        }
    }

    fn end(&self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

fn options(cli: &Cli) -> Result<ExchangeOptions, String> {
    let mut options = ExchangeOptions::default().with_mode(match cli.transport {
        TransportArg::Poll => Mode::Poll,
        TransportArg::Inbox => Mode::Inbox,
    });
    if let Some(version) = cli.taxii_version {
        options = options.with_taxii_version(match version {
            VersionArg::V11 => Version::V1_1,
            VersionArg::V10 => Version::V1_0,
        });
    }
    if let Some(url) = &cli.taxii_url {
        let discovery_url = Url::parse(url).map_err(|e| format!("--taxii-url `{url}`: {e}"))?;
        if !matches!(discovery_url.scheme(), "http" | "https") {
            return Err(format!("--taxii-url `{url}`: scheme must be http or https"));
        }
        if !discovery_url.username().is_empty() || discovery_url.password().is_some() {
            return Err(
                "put credentials in --username/--password (or TAXII_USERNAME/TAXII_PASSWORD), \
                 not in the URL"
                    .into(),
            );
        }
        let credentials = match (&cli.username, &cli.password) {
            (Some(user), Some(password)) => Some((user.clone(), password.clone())),
            (None, None) => None,
            _ => return Err("--username and --password go together".into()),
        };
        options = options.with_external(ExternalServer {
            discovery_url,
            credentials,
        });
    }
    if let Some(dir) = &cli.feeds {
        options = options.with_feeds_dir(dir);
    }
    options = options.with_output(match (&cli.misp_url, &cli.misp_key) {
        (Some(url), Some(key)) => Output::Misp {
            url: url.clone(),
            key: key.clone(),
        },
        _ => Output::FeedDir(cli.out.clone()),
    });
    options.part_size = cli.part_size;
    options.org_name.clone_from(&cli.org);
    options.timeout = Duration::from_secs(cli.timeout);
    Ok(options)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let options = match options(&cli) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("exchange: {message}");
            return ExitCode::from(2);
        }
    };
    let progress = Bar {
        visible: !cli.json && std::io::stderr().is_terminal(),
        bar: RefCell::new(None),
    };
    let started = Instant::now();
    let result = run(&options, &progress);
    progress.end();
    let mut stdout = std::io::stdout().lock();
    match result {
        Ok(report) => {
            let written = if cli.json {
                writeln!(stdout, "{}", report.to_json())
            } else {
                writeln!(
                    stdout,
                    "{report}  done in {:.2} s",
                    started.elapsed().as_secs_f64()
                )
            };
            // A closed stdout (e.g. `| head`) is not a failed exchange.
            let _ = written.and_then(|()| stdout.flush());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("exchange: {error}");
            if cli.json {
                let _ = writeln!(
                    stdout,
                    "{}",
                    serde_json::json!({"error": error.to_string()})
                );
            }
            ExitCode::from(1)
        }
    }
}
