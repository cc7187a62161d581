//! HTTP transport for the `misp` CLI: sends the `http::Request`s that `misp_model::rest` builds
//! with ureq and hands back `http::Response`s with the body read up to a size limit.

use std::time::Duration;

use taxii1_core::size::SizeLimit;

/// Why a request could not be exchanged (the server's own error answers are not errors here:
/// they come back as responses for `misp_model::rest` to classify).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// Connecting, TLS, or reading/writing the HTTP exchange failed.
    #[error("HTTP exchange with {uri} failed: {source}")]
    Exchange {
        /// The request URI.
        uri: String,
        /// ureq's error.
        #[source]
        source: Box<ureq::Error>,
    },
}

/// A blocking HTTP transport: one ureq agent, status codes passed through, no redirects
/// (MISP answers a bad key on some endpoints with a redirect to the login page; following it
/// would hide the error).
#[derive(Debug, Clone)]
pub struct MispTransport {
    agent: ureq::Agent,
    max_body: SizeLimit,
}

impl MispTransport {
    /// A transport with an overall per-request `timeout` and a response body limit.
    pub fn new(timeout: Duration, max_body: SizeLimit) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(timeout))
            .build()
            .into();
        Self { agent, max_body }
    }

    /// Sends `request` and reads the whole response body (at most the body limit).
    ///
    /// # Errors
    /// [`TransportError::Exchange`] for connection, TLS, protocol or body-limit failures.
    pub fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        let uri = request.uri().to_string();
        let fail = |source: ureq::Error| TransportError::Exchange {
            uri: uri.clone(),
            source: Box::new(source),
        };
        let response = self.agent.run(request).map_err(fail)?;
        let (parts, mut body) = response.into_parts();
        let limit = u64::try_from(self.max_body.bytes()).unwrap_or(u64::MAX);
        let bytes = body
            .with_config()
            .limit(limit)
            .read_to_vec()
            .map_err(fail)?;
        Ok(http::Response::from_parts(parts, bytes))
    }
}
