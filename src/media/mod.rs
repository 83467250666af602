//! Pictures staff upload (product images). A file is checked by its bytes (`image`), named by
//! its content's hash (so the same picture uploaded twice is one file, and a name never
//! changes meaning: it is served as immutable), kept by a [`MediaStore`], and served from
//! `/media/uploads/{name}` as a picture that can run nothing (`routes`).
//!
//! The store is the seam where another place to keep files (object storage) would go; today it
//! is a directory under the data directory.

pub mod image;
pub mod routes;

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub use image::{ImageInfo, ImageKind};

/// Where uploaded files are served from; a stored file's URL is this and its name.
pub const URL_PREFIX: &str = "/media/uploads/";

/// How much of the hash names a file.
const DIGEST_BYTES: usize = 24;

/// Where uploaded files are kept.
#[derive(Debug, Clone)]
pub struct MediaStore {
    dir: PathBuf,
}

/// A file's name in the store: the first 192 bits of its bytes' SHA-256 (48 hex digits: no two
/// pictures will ever share one) and its kind's extension; at most 53 characters, so it fits
/// wherever an id is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaName(String);

impl MediaName {
    pub fn of(bytes: &[u8], kind: ImageKind) -> Self {
        Self(format!("{}.{}", crate::ids::hex(&Sha256::digest(bytes)[..DIGEST_BYTES]), kind.extension()))
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

impl MediaStore {
    /// Files kept in `dir` (created when the first one is stored).
    pub fn directory(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// Keeps `bytes` as `name`. Written to a temporary file and renamed into place, so a reader
    /// never sees half a picture, and storing the same picture again changes nothing.
    pub async fn put(&self, name: &MediaName, bytes: &[u8]) -> std::io::Result<()> {
        let path = self.path(name);
        if tokio::fs::try_exists(&path).await? {
            return Ok(());
        }
        tokio::fs::create_dir_all(&self.dir).await?;
        let partial = self.dir.join(format!(".{}.{}.partial", name.as_str(), crate::ids::new_token("up")));
        tokio::fs::write(&partial, bytes).await?;
        match tokio::fs::rename(&partial, &path).await {
            Ok(()) => Ok(()),
            Err(e) => {
                let _ = tokio::fs::remove_file(&partial).await;
                Err(e)
            }
        }
    }

    /// The file's bytes, or `None` when the store has no such file.
    pub async fn get(&self, name: &MediaName) -> std::io::Result<Option<Vec<u8>>> {
        match tokio::fs::read(self.path(name)).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn path(&self, name: &MediaName) -> PathBuf {
        Path::new(&self.dir).join(name.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_the_store_makes_are_read() {
        let name = MediaName::of(b"picture", ImageKind::Png);
        assert_eq!(MediaName::parse(name.as_str()), Some((name.clone(), ImageKind::Png)));
        assert!(name.url().starts_with(URL_PREFIX) && name.as_str().len() == 52);
        for bad in
            ["../oxcart.db", "x.png", "a.svg", &name.as_str().to_uppercase(), &format!("{}/", name.as_str())]
        {
            assert_eq!(MediaName::parse(bad), None, "{bad}");
        }
        let digest = &name.as_str()[..48];
        assert_eq!(MediaName::parse(&format!("{digest}.png.html")), None);
        assert_eq!(MediaName::parse(&format!("{digest}.html")), None);
    }

    #[tokio::test]
    async fn a_stored_file_reads_back_and_storing_it_again_changes_nothing() {
        let dir = tempfile::tempdir().expect("dir");
        let store = MediaStore::directory(dir.path().join("media"));
        let bytes = image::samples::png(4, 4);
        let name = MediaName::of(&bytes, ImageKind::Png);
        assert_eq!(store.get(&name).await.expect("read"), None);
        store.put(&name, &bytes).await.expect("put");
        store.put(&name, &bytes).await.expect("put again");
        assert_eq!(store.get(&name).await.expect("read"), Some(bytes));
        let files = std::fs::read_dir(dir.path().join("media")).expect("list").count();
        assert_eq!(files, 1, "no partial file is left behind");
    }
}
