//! A stored file's name, which is also its URL's last part and its id in the API.

use sha2::{Digest, Sha256};

use super::image::ImageKind;

/// Where uploaded files are served from; a stored file's URL is this and its name.
pub const URL_PREFIX: &str = "/media/uploads/";

/// How much of the hash names a file.
const DIGEST_BYTES: usize = 24;

/// A file's name in the store: the first 192 bits of its bytes' SHA-256 (48 hex digits: no two
/// pictures will ever share one) and its kind's extension; at most 53 characters, so it fits
/// wherever an id is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaName(String);

impl MediaName {
    pub fn of(bytes: &[u8], kind: ImageKind) -> Self {
        Self::from_digest(&Sha256::digest(bytes), kind)
    }

    /// The name of a file whose bytes' SHA-256 is `digest`.
    pub fn from_digest(digest: &[u8], kind: ImageKind) -> Self {
        Self(format!("{}.{}", crate::ids::hex(&digest[..DIGEST_BYTES]), kind.extension()))
    }

    /// A name as a URL gives it back, if it is one this store could have made: nothing else
    /// (no dots, slashes or other names) ever reaches the file system.
    pub fn parse(text: &str) -> Option<(Self, ImageKind)> {
        let (digest, extension) = text.split_once('.')?;
        let kind = ImageKind::from_extension(extension)?;
        let hex = digest.len() == 2 * DIGEST_BYTES
            && digest.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        hex.then(|| (Self(text.to_owned()), kind))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn url(&self) -> String {
        format!("{URL_PREFIX}{}", self.0)
    }
}
