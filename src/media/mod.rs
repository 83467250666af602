//! Pictures staff upload (product images). A file is checked by its bytes (`image`), named by
//! its content's hash (so the same picture uploaded twice is one file, and a name never
//! changes meaning: it is served as immutable), kept by a [`MediaStore`], and served from
//! `/media/uploads/{name}` as a picture that can run nothing (`routes`).
//!
//! The store is the seam where another place to keep files (object storage) would go; today it
//! is a directory under the data directory.

pub mod image;
mod name;
pub mod routes;
mod upload;

use std::path::{Path, PathBuf};

pub use image::{ImageInfo, ImageKind};
pub use name::{MediaName, URL_PREFIX};
pub use upload::Upload;

/// Where uploaded files are kept.
#[derive(Debug, Clone)]
pub struct MediaStore {
    dir: PathBuf,
}

impl MediaStore {
    /// Files kept in `dir` (created when the first one is stored).
    pub fn directory(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// A new file, to be written as it arrives and then kept under its name (or abandoned).
    pub async fn begin(&self) -> std::io::Result<Upload> {
        Upload::begin(self.dir.clone()).await
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
        let bytes = [image::samples::png(4, 4), vec![7; 3 * upload::HEAD_BYTES]].concat();
        let name = MediaName::of(&bytes, ImageKind::Png);
        assert_eq!(store.get(&name).await.expect("read"), None);
        for _ in 0..2 {
            let mut upload = store.begin().await.expect("begin");
            for chunk in bytes.chunks(100_000) {
                upload.write(chunk).await.expect("write");
            }
            assert_eq!((upload.len(), upload.head().len()), (bytes.len() as u64, upload::HEAD_BYTES));
            assert_eq!(upload.keep(ImageKind::Png).await.expect("keep"), name);
        }
        assert_eq!(store.get(&name).await.expect("read"), Some(bytes));
        let abandoned = store.begin().await.expect("begin");
        abandoned.abandon().await;
        let files = std::fs::read_dir(dir.path().join("media")).expect("list").count();
        assert_eq!(files, 1, "no partial file is left behind");
    }
}
