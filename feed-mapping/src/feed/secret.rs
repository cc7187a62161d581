//! Secrets in feed definitions: passwords, API keys and private keys.
//!
//! A feed file names a secret either inline (`{ value = "..." }`, for local setups and tests) or
//! through an environment variable (`{ env = "ALICE_TAXII_PASSWORD" }`). The library never reads
//! the environment itself: the caller hands a [`SecretResolver`] to the loader, usually a closure
//! over `std::env::var`. A resolved [`Secret`] prints as `<redacted>` in `Debug` and `Display`,
//! and no error message of this module ever contains a secret value.

use std::fmt;

/// The text printed in place of a secret value.
pub const REDACTED: &str = "<redacted>";

/// A secret value (password, API key, private key) that never shows up in `Debug`, `Display` or
/// errors; read it deliberately with [`Secret::expose`].
///
/// ```
/// use feed_mapping::feed::Secret;
///
/// let key = Secret::new("hunter2");
/// assert_eq!(format!("{key:?} {key}"), "<redacted> <redacted>");
/// assert_eq!(key.expose(), "hunter2");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps `value` so that it is redacted from then on.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret value itself, for the one place that must send it (an HTTP header, a TLS key).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is the empty string (an unset password is a configuration mistake).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// Looks up secrets named by `{ env = "NAME" }` in a feed file.
///
/// The library is Sans-IO, so environment access is injected: any `Fn(&str) -> Option<String>`
/// is a resolver, e.g. `|name: &str| std::env::var(name).ok()` in a client, or a fixed table in
/// tests. Returning `None` means "not set" and makes loading fail with
/// [`Error::MissingSecret`](super::Error::MissingSecret).
pub trait SecretResolver {
    /// The value of the variable `name`, or `None` when it is not set.
    fn resolve(&self, name: &str) -> Option<String>;
}

impl<F> SecretResolver for F
where
    F: Fn(&str) -> Option<String>,
{
    fn resolve(&self, name: &str) -> Option<String> {
        self(name)
    }
}

/// A resolver that knows no variables: every `{ env = ... }` secret is reported as missing.
///
/// Useful when a feed file must be self-contained (tests, `--check` runs without secrets).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoSecrets;

impl SecretResolver for NoSecrets {
    fn resolve(&self, _name: &str) -> Option<String> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_value() {
        let secret = Secret::new("s3cr3t-value");
        assert_eq!(format!("{secret:?}"), REDACTED);
        assert_eq!(format!("{secret}"), REDACTED);
        assert_eq!(format!("{:?}", Some(secret.clone())), "Some(<redacted>)");
        assert_eq!(secret.expose(), "s3cr3t-value");
        assert!(!secret.is_empty());
        assert!(Secret::new("").is_empty());
    }

    #[test]
    fn closures_and_no_secrets_resolve() {
        let table = |name: &str| (name == "KEY").then(|| "v".to_owned());
        assert_eq!(table.resolve("KEY").as_deref(), Some("v"));
        assert_eq!(table.resolve("OTHER"), None);
        assert_eq!(NoSecrets.resolve("KEY"), None);
    }
}
