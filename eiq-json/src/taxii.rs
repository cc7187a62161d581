//! Putting a package into a TAXII 1.x content block and taking it out again.
//!
//! The binding id is the package's content type URN (`urn:eclecticiq.com:json:1.0` or `:2.0`,
//! named by [`taxii1_core::ContentBindingId::EIQ_JSON_1_0`] / `EIQ_JSON_2_0`); the payload is
//! the JSON as text.

use taxii1_core::{Content, ContentBinding, ContentBlock, ContentKind};

use crate::error::{Error, Result};
use crate::limits::Limits;
use crate::package::{ContentType, Package};

impl Package {
    /// A content block carrying this package, bound to its content type.
    ///
    /// ```
    /// use eiq_json::{ContentType, Limits, Package};
    /// use taxii1_core::ContentBindingId;
    ///
    /// let package = Package::new(ContentType::V1);
    /// let block = package.to_content_block()?;
    /// assert_eq!(block.content_binding.binding_id, ContentBindingId::EIQ_JSON_1_0);
    /// assert_eq!(Package::from_content_block(&block, &Limits::default())?, package);
    /// # Ok::<(), eiq_json::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Write`] (not expected for values this crate built or parsed).
    pub fn to_content_block(&self) -> Result<ContentBlock> {
        let text =
            String::from_utf8(self.to_json()?).map_err(|err| Error::Write(err.to_string()))?;
        Ok(ContentBlock::new(
            ContentBinding::new(self.content_type.binding_id()),
            Content::text(text),
        ))
    }

    /// The package a content block carries.
    ///
    /// The binding must be EclecticIQ JSON 1.0 or 2.0 and the payload text within
    /// `limits.size()`. A package whose `content-type` differs from the binding's version is
    /// still accepted: the package's own declaration wins.
    ///
    /// # Errors
    /// [`Error::UnexpectedBinding`] naming the binding found, [`Error::XmlContent`],
    /// [`Error::TooLarge`], then anything [`Package::from_json_with`] reports.
    pub fn from_content_block(block: &ContentBlock, limits: &Limits) -> Result<Self> {
        let binding_id = &block.content_binding.binding_id;
        if ContentType::from_binding_id(binding_id).is_none() {
            return Err(Error::UnexpectedBinding {
                found: binding_id.as_str().to_string(),
            });
        }
        if block.content.kind() == ContentKind::Xml {
            return Err(Error::XmlContent {
                binding: binding_id.as_str().to_string(),
            });
        }
        let bytes = block.content.as_bytes();
        limits.size().check(bytes.len())?;
        Self::from_json_with(bytes, limits)
    }
}
