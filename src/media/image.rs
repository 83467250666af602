//! What an uploaded file is, decided by its bytes and never by its name or declared type: a
//! PNG, JPEG, GIF or WebP picture, and how large it is. Nothing else is accepted, SVG least of
//! all (it can carry script).

/// The picture formats a shop's images may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Png,
    Jpeg,
    Gif,
    Webp,
}

impl ImageKind {
    pub const ALL: [Self; 4] = [Self::Png, Self::Jpeg, Self::Gif, Self::Webp];

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Gif => "image/gif",
            Self::Webp => "image/webp",
        }
    }

    /// The file name's extension, which is also how a stored file's type is known again.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Jpeg => "jpg",
            Self::Gif => "gif",
            Self::Webp => "webp",
        }
    }

    pub fn from_extension(extension: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.extension() == extension)
    }
}

/// A picture's kind and size in pixels, read from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageInfo {
    pub kind: ImageKind,
    pub width: u32,
    pub height: u32,
}

/// The picture these bytes are, if they are one of the accepted kinds with a readable size.
pub fn inspect(bytes: &[u8]) -> Option<ImageInfo> {
    let (kind, width, height) = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        // The first chunk is IHDR: width and height, big-endian, right after its type.
        (bytes.get(12..16) == Some(b"IHDR")).then_some(())?;
        (ImageKind::Png, be32(bytes, 16)?, be32(bytes, 20)?)
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        (ImageKind::Gif, u32::from(le16(bytes, 6)?), u32::from(le16(bytes, 8)?))
    } else if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        let (width, height) = webp_size(bytes)?;
        (ImageKind::Webp, width, height)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        let (width, height) = jpeg_size(bytes)?;
        (ImageKind::Jpeg, width, height)
    } else {
        return None;
    };
    (width > 0 && height > 0).then_some(ImageInfo { kind, width, height })
}

fn be16(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn le16(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

fn le24(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at + 3)?;
    Some(u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16)
}

/// The size in a WebP's first chunk: lossy (`VP8 `), lossless (`VP8L`) or extended (`VP8X`).
fn webp_size(bytes: &[u8]) -> Option<(u32, u32)> {
    match bytes.get(12..16)? {
        b"VP8 " => {
            // A key frame: its start code, then 14-bit width and height.
            (bytes.get(23..26)? == [0x9D, 0x01, 0x2A]).then_some(())?;
            Some((u32::from(le16(bytes, 26)? & 0x3FFF), u32::from(le16(bytes, 28)? & 0x3FFF)))
        }
        b"VP8L" => {
            (*bytes.get(20)? == 0x2F).then_some(())?;
            let bits = u32::from_le_bytes(bytes.get(21..25)?.try_into().ok()?);
            Some(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
        }
        b"VP8X" => Some((le24(bytes, 24)? + 1, le24(bytes, 27)? + 1)),
        _ => None,
    }
}

/// The size in a JPEG's first start-of-frame segment, walking the segments before it.
fn jpeg_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let mut at = 2;
    loop {
        // Fill bytes may pad before a marker.
        while *bytes.get(at)? == 0xFF && *bytes.get(at + 1)? == 0xFF {
            at += 1;
        }
        (*bytes.get(at)? == 0xFF).then_some(())?;
        let marker = *bytes.get(at + 1)?;
        let length = usize::from(be16(bytes, at + 2)?);
        // SOF0–SOF15 but DHT (C4), JPG (C8) and DAC (CC): precision, height, width.
        if (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
            return Some((u32::from(be16(bytes, at + 7)?), u32::from(be16(bytes, at + 5)?)));
        }
        // The image data began without a frame header, or a segment claims no room.
        if marker == 0xDA || length < 2 {
            return None;
        }
        at += 2 + length;
    }
}

#[cfg(test)]
pub mod samples {
    /// A 3×2 PNG (its header; a decoder would want the rest, the check does not).
    pub fn png(width: u32, height: u32) -> Vec<u8> {
        let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        b.extend(width.to_be_bytes());
        b.extend(height.to_be_bytes());
        b.extend([8, 6, 0, 0, 0, 0, 0, 0, 0]);
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_is_known_by_its_bytes_with_its_size() {
        let png = inspect(&samples::png(3, 2)).expect("png");
        assert_eq!((png.kind, png.width, png.height), (ImageKind::Png, 3, 2));
        let gif = inspect(b"GIF89a\x05\x00\x07\x00\xf0\x00\x00").expect("gif");
        assert_eq!((gif.kind, gif.width, gif.height), (ImageKind::Gif, 5, 7));
        // APP0 (JFIF), then SOF0 with height 480 and width 640.
        let jpeg = [
            &[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x4A, 0x46][..],
            &[0xFF, 0xC0, 0x00, 0x11, 0x08, 0x01, 0xE0, 0x02, 0x80, 0x03],
        ]
        .concat();
        let jpeg = inspect(&jpeg).expect("jpeg");
        assert_eq!((jpeg.kind, jpeg.width, jpeg.height), (ImageKind::Jpeg, 640, 480));
        let mut webp = b"RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0\0\0\0\0".to_vec();
        webp.extend([99, 0, 0, 49, 0, 0]);
        let webp = inspect(&webp).expect("webp");
        assert_eq!((webp.kind, webp.width, webp.height), (ImageKind::Webp, 100, 50));
    }

    #[test]
    fn script_capable_or_truncated_files_are_not_pictures() {
        assert_eq!(inspect(b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>"), None);
        assert_eq!(inspect(b"<html><script>alert(1)</script>"), None);
        assert_eq!(inspect(b"\x89PNG\r\n\x1a\n"), None);
        assert_eq!(inspect(&samples::png(0, 5)), None);
        assert_eq!(inspect(&[0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02]), None);
        // A segment length that points nowhere ends the walk rather than looping.
        assert_eq!(inspect(&[0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x00]), None);
        assert_eq!(inspect(b""), None);
    }

    #[test]
    fn a_stored_file_is_known_again_by_its_extension() {
        for kind in ImageKind::ALL {
            assert_eq!(ImageKind::from_extension(kind.extension()), Some(kind));
        }
        assert_eq!(ImageKind::from_extension("svg"), None);
    }
}
