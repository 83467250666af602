//! An upload on its way into the store: written to a temporary file as it arrives and hashed on
//! the way, so a picture of any allowed size costs the server a chunk of memory and its first
//! bytes (for the check), never the whole file; then renamed to its hash's name.

use std::path::PathBuf;

use sha2::{Digest, Sha256};
use tokio::{fs::File, io::AsyncWriteExt};

use super::{image::ImageKind, name::MediaName};

/// How much of the start of a file is kept to tell what it is: a JPEG's size comes after its
/// metadata segments (EXIF, colour profiles), which can run to hundreds of kilobytes.
pub const HEAD_BYTES: usize = 1024 * 1024;

/// A file being received. Dropped without [`Upload::keep`], its temporary file is removed by
/// [`Upload::abandon`]; one left by a crash is a hidden `.partial` file nothing serves.
pub struct Upload {
    dir: PathBuf,
    partial: PathBuf,
    file: File,
    hasher: Sha256,
    head: Vec<u8>,
    len: u64,
}

impl Upload {
    pub(super) async fn begin(dir: PathBuf) -> std::io::Result<Self> {
        tokio::fs::create_dir_all(&dir).await?;
        let partial = dir.join(format!(".{}.partial", crate::ids::new_token("up")));
        let file = File::create(&partial).await?;
        Ok(Self { dir, partial, file, hasher: Sha256::new(), head: Vec::new(), len: 0 })
    }

    pub async fn write(&mut self, chunk: &[u8]) -> std::io::Result<()> {
        self.hasher.update(chunk);
        let room = HEAD_BYTES.saturating_sub(self.head.len());
        self.head.extend_from_slice(&chunk[..room.min(chunk.len())]);
        self.len += chunk.len() as u64;
        self.file.write_all(chunk).await
    }

    /// The first bytes, to tell what the file is.
    pub fn head(&self) -> &[u8] {
        &self.head
    }

    /// How many bytes have arrived.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Puts the file in place under its name (a file already there is the same picture).
    pub async fn keep(mut self, kind: ImageKind) -> std::io::Result<MediaName> {
        self.file.flush().await?;
        self.file.sync_all().await?;
        let name = MediaName::from_digest(&self.hasher.clone().finalize(), kind);
        let path = self.dir.join(name.as_str());
        match tokio::fs::rename(&self.partial, &path).await {
            Ok(()) => Ok(name),
            Err(e) => {
                self.abandon().await;
                Err(e)
            }
        }
    }

    /// Throws the file away.
    pub async fn abandon(self) {
        drop(self.file);
        if let Err(e) = tokio::fs::remove_file(&self.partial).await {
            tracing::warn!(error = %e, "could not remove an abandoned upload");
        }
    }
}
