//! The MISP half of the exchange: a feed directory written atomically, or a push to a MISP
//! instance that updates events on a re-run instead of duplicating them.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use feed_mapping::sync::sync_plan;
use misp_model::feed::{FeedFile, FeedOptions, FeedWriter};
use misp_model::rest::{AddOutcome, ApiErrorKind, MispClient};
use misp_model::{Event, Limits};

use super::Error;
use crate::misp_http::MispTransport;

/// What was written to a feed directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedWritten {
    /// The directory.
    pub dir: PathBuf,
    /// The files written, in writing order (`<uuid>.json`…, `hashes.csv`, `manifest.json`).
    pub files: Vec<String>,
    /// Lines of `hashes.csv`.
    pub hashes: usize,
    /// Event files of an earlier run that are no longer in the feed, removed.
    pub removed: Vec<String>,
}

/// Whether `name` is `<uuid>.json`, the only kind of file a re-run removes.
fn is_event_file(name: &str) -> bool {
    name.strip_suffix(".json")
        .is_some_and(misp_model::validate::is_uuid)
}

/// Writes `bytes` to `dir/name` through a temporary file in `dir`, flushed, then renamed (the
/// temporary file is removed when that fails).
///
/// # Errors
/// The first I/O error.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, dir.join(name))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// A MISP feed directory written one event at a time, so the exchange never holds every
/// event: [`FeedDir::add`] writes an event's file as soon as it is mapped, and
/// [`FeedDir::finish`] writes `hashes.csv`, then `manifest.json` (last: a reader that goes by
/// the manifest never sees a half-written feed), then removes the event files of an earlier
/// run that the new manifest no longer lists. Every file is written atomically; `now` is
/// stamped on items without a timestamp, so the same input gives the same bytes. An error
/// part way leaves the earlier manifest in place (new event files it does not list are
/// removed by the next complete run).
pub struct FeedDir {
    dir: PathBuf,
    writer: FeedWriter,
    /// The files written so far, in writing order.
    files: Vec<String>,
}

impl FeedDir {
    /// Creates `dir` if missing, for a feed stamped with `now`.
    ///
    /// # Errors
    /// [`Error::Output`] when the directory cannot be created.
    pub fn create(dir: &Path, now: u64) -> Result<Self, Error> {
        std::fs::create_dir_all(dir).map_err(|source| Error::Output {
            what: format!("cannot create {}", dir.display()),
            source,
        })?;
        Ok(Self {
            dir: dir.to_owned(),
            writer: FeedWriter::new(FeedOptions::new(now)),
            files: Vec::new(),
        })
    }

    /// Writes the event's file, `<uuid>.json` (none when the feed leaves the event out for
    /// its distribution).
    ///
    /// # Errors
    /// [`Error::Misp`] for an event the feed format cannot carry, [`Error::Output`] for I/O.
    pub fn add(&mut self, event: &Event) -> Result<(), Error> {
        match self.writer.add(event).map_err(Error::Misp)? {
            Some(file) => write_listed(&self.dir, &mut self.files, file),
            None => Ok(()),
        }
    }

    /// Writes `hashes.csv` and `manifest.json`, then removes stale event files.
    ///
    /// # Errors
    /// [`Error::Output`] for I/O.
    pub fn finish(self) -> Result<FeedWritten, Error> {
        let Self {
            dir,
            writer,
            mut files,
        } = self;
        let [hashes, manifest] = writer.finish();
        let hash_lines = hashes.bytes.iter().filter(|b| **b == b'\n').count();
        write_listed(&dir, &mut files, hashes)?;
        write_listed(&dir, &mut files, manifest)?;
        let io = |what: String| move |source| Error::Output { what, source };
        let mut removed = Vec::new();
        let entries =
            std::fs::read_dir(&dir).map_err(io(format!("cannot list {}", dir.display())))?;
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if is_event_file(&name) && !files.contains(&name) {
                std::fs::remove_file(entry.path()).map_err(io(format!(
                    "cannot remove stale {}",
                    entry.path().display()
                )))?;
                removed.push(name);
            }
        }
        removed.sort();
        Ok(FeedWritten {
            dir,
            files,
            hashes: hash_lines,
            removed,
        })
    }
}

/// Writes `file` into `dir` atomically and lists its name in `files`.
fn write_listed(dir: &Path, files: &mut Vec<String>, file: FeedFile) -> Result<(), Error> {
    write_atomic(dir, &file.name, &file.bytes).map_err(|source| Error::Output {
        what: format!("cannot write {}", dir.join(&file.name).display()),
        source,
    })?;
    files.push(file.name);
    Ok(())
}

/// What happened to one event on the MISP instance.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PushAction {
    /// Not there before: added.
    Added,
    /// There before and different: edited (attributes added or updated, event fields and
    /// objects replaced) and attributes no longer mapped deleted.
    Updated {
        /// Attributes added.
        added: usize,
        /// Attributes updated.
        updated: usize,
        /// Attributes deleted.
        deleted: usize,
    },
    /// There before and identical: nothing sent.
    Unchanged,
}

/// One pushed event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pushed {
    /// The event UUID.
    pub uuid: String,
    /// What was done.
    pub action: PushAction,
}

/// Pushes events to a MISP instance: fetch the event by UUID; add it when MISP does not know
/// it; otherwise compare with [`sync_plan`] and send only a real change (an edit carrying the
/// whole event, then a delete for each attribute no longer mapped).
pub struct MispPush {
    client: MispClient,
    transport: MispTransport,
}

impl MispPush {
    /// A pusher for the instance at `url` with API key `key`.
    ///
    /// # Errors
    /// [`Error::Misp`] for a malformed URL or key (the key is never echoed).
    pub fn new(url: &str, key: &str, timeout: Duration) -> Result<Self, Error> {
        let client = MispClient::new(url, key)
            .map_err(Error::Misp)?
            .with_user_agent(concat!("exchange/", env!("CARGO_PKG_VERSION")));
        let transport = MispTransport::new(timeout, Limits::default().max_document_bytes());
        Ok(Self { client, transport })
    }

    fn send(&self, request: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, Error> {
        self.transport
            .send(request)
            .map_err(|e| Error::Transport(e.to_string()))
    }

    /// Pushes one event (it must carry a UUID).
    ///
    /// # Errors
    /// [`Error::Misp`] for any error answer, [`Error::Transport`].
    pub fn push(&self, event: &Event) -> Result<Pushed, Error> {
        let uuid = event.uuid.clone().unwrap_or_default();
        let response = self.send(self.client.view_event(&uuid).map_err(Error::Misp)?)?;
        let previous = match self.client.parse_event(&response) {
            Ok(saved) => Some(saved.event),
            Err(misp_model::Error::Api(api)) if api.kind == ApiErrorKind::NotFound => None,
            Err(other) => return Err(Error::Misp(other)),
        };
        let Some(previous) = previous else {
            let response = self.send(self.client.add_event(event).map_err(Error::Misp)?)?;
            return match self
                .client
                .parse_add_event(&response)
                .map_err(Error::Misp)?
            {
                AddOutcome::Added { .. } => Ok(Pushed {
                    uuid,
                    action: PushAction::Added,
                }),
                // Created between our look-up and the add (another pusher): let the next run
                // reconcile rather than edit blindly.
                _ => Err(Error::Usage(format!(
                    "MISP reported event {uuid} as already existing right after not finding it"
                ))),
            };
        };
        let plan = sync_plan(&previous, event);
        if plan.is_empty() {
            return Ok(Pushed {
                uuid,
                action: PushAction::Unchanged,
            });
        }
        // MISP refuses an edit that is not newer than its copy.
        let mut next = event.clone();
        let floor = previous.timestamp.map_or(0, |t| t.saturating_add(1));
        next.timestamp = Some(next.timestamp.unwrap_or(0).max(floor));
        let response = self.send(self.client.edit_event(&uuid, &next).map_err(Error::Misp)?)?;
        self.client.parse_event(&response).map_err(Error::Misp)?;
        for attribute in &plan.delete {
            let response = self.send(
                self.client
                    .delete_attribute(attribute, false)
                    .map_err(Error::Misp)?,
            )?;
            self.client.parse_ack(&response).map_err(Error::Misp)?;
        }
        Ok(Pushed {
            uuid,
            action: PushAction::Updated {
                added: plan.add.len(),
                updated: plan.update.len(),
                deleted: plan.delete.len(),
            },
        })
    }
}
