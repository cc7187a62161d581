//! `taxii-server`: an example TAXII 1.1/1.0 server on loopback, built on
//! `taxii1_core::binding::server` (see `examples::taxii_server`).
//!
//! ```text
//! taxii-server [--bind 127.0.0.1:9000] [--dir [NAME=]DIR]... [--collection NAME]...
//!              [--accept NAME=BINDING]... [--username U --password P] [--max-part-size N]
//! ```
//!
//! Collections are in memory; `--dir` loads one from a directory (each `.json` or `.xml` file
//! one content block). Exit codes: 0 after a clean stop, 2 for usage or start-up errors.

use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use examples::taxii_server::{
    COLLECTION_MANAGEMENT_PATH, CollectionConfig, DISCOVERY_PATH, INBOX_PATH, POLL_PATH,
    ServerConfig, TaxiiServer,
};
use taxii1_core::binding::Credentials;
use taxii1_core::message::CollectionType;
use taxii1_core::size::SizeLimit;
use taxii1_core::{ContentBinding, ContentBindingId, Limits};

#[derive(Parser)]
#[command(
    name = "taxii-server",
    version,
    about = "Example TAXII 1.1/1.0 server: discovery, collection management with \
             subscriptions, inbox and poll with result parts"
)]
struct Cli {
    /// Address to listen on (loopback by default; port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:9000")]
    bind: SocketAddr,
    /// A collection loaded from a directory: every .json file (EclecticIQ JSON) and .xml file
    /// (see --xml-binding) is one content block. NAME defaults to the directory's name.
    #[arg(long = "dir", value_name = "[NAME=]DIR")]
    dirs: Vec<String>,
    /// An empty in-memory collection.
    #[arg(long = "collection", value_name = "NAME")]
    collections: Vec<String>,
    /// Restricts collection NAME to content binding BINDING (repeat for more; a collection
    /// without --accept takes any binding).
    #[arg(long = "accept", value_name = "NAME=BINDING")]
    accepts: Vec<String>,
    /// Collections that are data sets rather than data feeds.
    #[arg(long = "data-set", value_name = "NAME")]
    data_sets: Vec<String>,
    /// Content binding of .xml files loaded with --dir.
    #[arg(long, default_value = "urn:stix.mitre.org:xml:1.2")]
    xml_binding: String,
    /// Where inbox messages without a destination collection go (default: the only
    /// collection, if there is just one).
    #[arg(long, value_name = "NAME")]
    default_collection: Option<String>,
    /// Require HTTP basic credentials: user name.
    #[arg(long, env = "TAXII_SERVER_USERNAME", requires = "password")]
    username: Option<String>,
    /// Require HTTP basic credentials: password.
    #[arg(
        long,
        env = "TAXII_SERVER_PASSWORD",
        hide_env_values = true,
        requires = "username"
    )]
    password: Option<String>,
    /// Content blocks per poll result part.
    #[arg(long, default_value = "100")]
    max_part_size: NonZeroUsize,
    /// Largest accepted message (and content file) in bytes; at most 100 MiB.
    #[arg(long, default_value_t = SizeLimit::FEED_DEFAULT.bytes())]
    max_message_bytes: usize,
    /// Most connections served at once.
    #[arg(long, default_value = "32")]
    max_connections: usize,
}

fn config(cli: Cli) -> Result<ServerConfig, String> {
    let limit = SizeLimit::new(cli.max_message_bytes).map_err(|e| e.to_string())?;
    let xml_binding = ContentBindingId::new(cli.xml_binding);
    let mut collections: Vec<CollectionConfig> = Vec::new();
    for spec in &cli.dirs {
        let (name, dir) = match spec.split_once('=') {
            Some((name, dir)) => (name.to_owned(), PathBuf::from(dir)),
            None => {
                let dir = PathBuf::from(spec);
                let name = dir
                    .canonicalize()
                    .ok()
                    .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
                    .ok_or_else(|| format!("--dir {spec}: cannot name a collection after it"))?;
                (name, dir)
            }
        };
        let collection = CollectionConfig::new(name)
            .with_description(format!("content files of {}", dir.display()))
            .load_dir(&dir, &xml_binding, limit)
            .map_err(|e| e.to_string())?;
        collections.push(collection);
    }
    for name in &cli.collections {
        collections.push(CollectionConfig::new(name.clone()));
    }
    if collections.is_empty() {
        collections.push(CollectionConfig::new("default"));
    }
    for spec in &cli.accepts {
        let (name, binding) = spec
            .split_once('=')
            .ok_or_else(|| format!("--accept {spec}: expected NAME=BINDING"))?;
        let collection = collections
            .iter_mut()
            .find(|c| c.name == name)
            .ok_or_else(|| format!("--accept {spec}: no collection `{name}`"))?;
        collection
            .content_bindings
            .push(ContentBinding::new(ContentBindingId::new(binding)));
    }
    for collection in &collections {
        let excluded = collection.blocks.iter().enumerate().find(|(_, b)| {
            !collection.content_bindings.is_empty()
                && !collection
                    .content_bindings
                    .iter()
                    .any(|a| a.binding_id == b.content_binding.binding_id)
        });
        if let Some((n, block)) = excluded {
            return Err(format!(
                "collection `{}`: loaded block {n} has binding {}, which its --accept list \
                 excludes",
                collection.name, block.content_binding.binding_id
            ));
        }
    }
    for name in &cli.data_sets {
        let collection = collections
            .iter_mut()
            .find(|c| &c.name == name)
            .ok_or_else(|| format!("--data-set {name}: no such collection"))?;
        collection.collection_type = CollectionType::DataSet;
    }
    let mut config = ServerConfig::default()
        .with_bind(cli.bind)
        .with_max_part_size(cli.max_part_size);
    config.collections = collections;
    config.limits.taxii = Limits::default().with_max_message(limit);
    config.limits.max_connections = cli.max_connections.max(1);
    if let Some(name) = cli.default_collection {
        config = config.with_default_inbox_collection(name);
    }
    if let (Some(username), Some(password)) = (cli.username, cli.password) {
        config = config.with_credentials(Credentials::new(username, password));
    }
    Ok(config)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match config(cli) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("taxii-server: {e}");
            return ExitCode::from(2);
        }
    };
    if !config.bind.ip().is_loopback() {
        eprintln!(
            "taxii-server: warning: listening on {} (not loopback) over plain HTTP",
            config.bind
        );
    }
    let auth = config.credentials.is_some();
    let names: Vec<String> = config
        .collections
        .iter()
        .map(|c| format!("{} ({} blocks)", c.name, c.blocks.len()))
        .collect();
    let server = match TaxiiServer::new(config) {
        Ok(server) => server,
        Err(e) => {
            eprintln!("taxii-server: {e}");
            return ExitCode::from(2);
        }
    };
    let service = server.service();
    println!(
        "taxii-server listening on {} ({})",
        server.base_url(),
        if auth {
            "HTTP basic auth required"
        } else {
            "no auth"
        }
    );
    for path in [
        DISCOVERY_PATH,
        COLLECTION_MANAGEMENT_PATH,
        INBOX_PATH,
        POLL_PATH,
    ] {
        println!("  {}", service.address(path));
    }
    println!("  collections: {}", names.join(", "));
    println!("TAXII_SERVER_BASE_URL={}", server.base_url());
    server.wait();
    ExitCode::SUCCESS
}
