//! Photos on screen with `ratatui-image`: choosing the protocol once at
//! start-up, decoding and encoding off the render loop, and a new photo
//! prepared for upload.
//!
//! Every decode goes through the shared `photo` module (the server's own):
//! [`decode_photo`] for photos shown, [`prepare_upload`] for a new one, so
//! what staff see before sending is what the server stores.

use std::sync::Arc;

use image::DynamicImage;
use ratatui::layout::Size;
use ratatui_image::Resize;
use ratatui_image::picker::{Picker, ProtocolType};
use ratatui_image::protocol::Protocol;

use crate::config::PhotoProtocol;
use crate::photo;

/// A photo encoded for the terminal at one size.
pub struct EncodedPhoto(pub Protocol);

impl std::fmt::Debug for EncodedPhoto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("EncodedPhoto").field(&self.0.size()).finish()
    }
}

/// A photo ready to upload, and its preview.
pub struct PreparedUpload {
    /// The path it was prepared from (a changed path makes it stale).
    pub path: String,
    /// The 512x512 JPEG to send.
    pub jpeg: Arc<Vec<u8>>,
    pub original_bytes: u64,
    /// The stored photo, drawn for the terminal; `None` when photos are off.
    pub preview: Option<EncodedPhoto>,
}

impl std::fmt::Debug for PreparedUpload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedUpload").field("path", &self.path).field("jpeg_bytes", &self.jpeg.len()).finish()
    }
}

/// Largest width or height accepted from a server (a profile photo is 512).
const MAX_SIDE: u32 = 4096;

/// Decodes a JPEG or PNG within limits, so a hostile file cannot exhaust
/// memory: upright (EXIF), alpha flattened onto white, through the same
/// module that prepares uploads.
pub fn decode_photo(bytes: &[u8]) -> Result<DynamicImage, String> {
    let limits = crate::photo::Limits {
        max_side: MAX_SIDE,
        max_decode_bytes: 64 * 1024 * 1024,
        ..crate::photo::Limits::default()
    };
    crate::photo::decode_rgb(bytes, &limits, None).map(DynamicImage::ImageRgb8).map_err(|e| e.to_string())
}

/// Reads a photo file and prepares it exactly as the server will store it (the 512 JPEG, upright,
/// the centred square), with that very JPEG drawn for the terminal in `cells` as the preview.
/// Blocking: run it on a blocking thread.
pub fn prepare_upload(path: &str, picker: Option<&Picker>, cells: Size) -> Result<PreparedUpload, String> {
    let home = directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf());
    let file = super::paths::expand(path, home.as_deref());
    let meta = std::fs::metadata(&file).map_err(|e| format!("Cannot open {path}: {e}"))?;
    if meta.is_dir() {
        return Err(format!("{path} is a folder: Tab lists the photos in it"));
    }
    let limits = photo::Limits::default();
    if meta.len() > limits.max_file_bytes as u64 {
        return Err(photo::PhotoError::FileTooLarge(limits.max_file_bytes).to_string());
    }
    let bytes = std::fs::read(&file).map_err(|e| format!("Cannot read {path}: {e}"))?;
    let prepared = photo::prepare_with(&bytes, &limits).map_err(|e| e.to_string())?;
    let preview = match picker {
        Some(picker) => Some(encode_photo(picker, decode_photo(&prepared.full_jpeg)?, cells)?),
        None => None,
    };
    Ok(PreparedUpload {
        path: path.trim().to_string(),
        jpeg: Arc::new(prepared.full_jpeg),
        original_bytes: meta.len(),
        preview,
    })
}

/// Scales the photo to the box (in cells) and encodes it for the terminal.
/// Blocking: run it on a blocking thread.
pub fn encode_photo(picker: &Picker, image: DynamicImage, cells: Size) -> Result<EncodedPhoto, String> {
    let font = picker.font_size();
    let (w, h) = (u32::from(cells.width) * u32::from(font.width), u32::from(cells.height) * u32::from(font.height));
    // A good filter here; the protocol's own fit would use nearest-neighbour.
    let scaled = image.resize(w.max(1), h.max(1), image::imageops::FilterType::Triangle);
    picker
        .new_protocol(scaled, cells, Resize::Fit(None))
        .map(EncodedPhoto)
        .map_err(|e| format!("cannot draw the photo: {e}"))
}

/// Picks how to draw photos. `query` asks the terminal (only called when
/// the config says `auto` or names a pixel protocol, which needs the font
/// size); inside tmux, `auto` means half-blocks, which always work there.
pub fn choose_picker(choice: PhotoProtocol, query: impl FnOnce() -> Option<Picker>) -> Option<Picker> {
    let forced = match choice {
        PhotoProtocol::Off => return None,
        PhotoProtocol::Halfblocks => return Some(Picker::halfblocks()),
        PhotoProtocol::Auto => None,
        PhotoProtocol::Kitty => Some(ProtocolType::Kitty),
        PhotoProtocol::Sixel => Some(ProtocolType::Sixel),
        PhotoProtocol::Iterm2 => Some(ProtocolType::Iterm2),
    };
    // In tmux, auto means half-blocks: no need to ask (tmux may not answer,
    // and the wait would delay start-up).
    let fallback = Picker::halfblocks();
    if forced.is_none() && fallback.tmux_detected() {
        return Some(fallback);
    }
    let mut picker = query().unwrap_or(fallback);
    match forced {
        Some(protocol) => picker.set_protocol_type(protocol),
        None if picker.tmux_detected() => picker.set_protocol_type(ProtocolType::Halfblocks),
        None => {}
    }
    Some(picker)
}

/// Whether the protocol's pixels live outside the cell grid, so a changed
/// photo or layout must clear the screen.
pub fn clears_on_change(picker: &Picker) -> bool {
    matches!(picker.protocol_type(), ProtocolType::Sixel | ProtocolType::Iterm2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x * 7) as u8, (y * 5) as u8, 90]));
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn photos_decode_and_encode_to_the_box_size() {
        let image = decode_photo(&png(40, 40)).unwrap();
        let protocol = encode_photo(&Picker::halfblocks(), image, Size::new(8, 4)).unwrap();
        assert_eq!(protocol.0.size(), Size::new(8, 4));
    }

    #[test]
    fn an_upload_is_prepared_as_stored_and_previewed_from_that_jpeg() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wide.png");
        std::fs::write(&path, png(900, 300)).unwrap();
        let prepared = prepare_upload(path.to_str().unwrap(), Some(&Picker::halfblocks()), Size::new(16, 8)).unwrap();
        let stored = image::load_from_memory(&prepared.jpeg).unwrap();
        assert_eq!((stored.width(), stored.height()), (photo::FULL_SIDE, photo::FULL_SIDE));
        assert_eq!(prepared.original_bytes, std::fs::metadata(&path).unwrap().len());
        assert_eq!(prepared.preview.unwrap().0.size(), Size::new(16, 8));
        let folder = prepare_upload(dir.path().to_str().unwrap(), None, Size::new(16, 8)).unwrap_err();
        assert!(folder.contains("is a folder"), "{folder}");
        std::fs::write(dir.path().join("notes.txt"), b"hello").unwrap();
        let text = prepare_upload(dir.path().join("notes.txt").to_str().unwrap(), None, Size::new(16, 8)).unwrap_err();
        assert!(text.contains("JPEG or PNG"), "{text}");
    }

    #[test]
    fn other_formats_and_garbage_are_refused() {
        assert!(decode_photo(b"GIF89a....").is_err());
        assert!(decode_photo(b"not an image").is_err());
    }

    #[test]
    fn the_config_choice_wins_and_off_means_no_photos() {
        assert!(choose_picker(PhotoProtocol::Off, || panic!("no terminal query for a chosen protocol")).is_none());
        let hb =
            choose_picker(PhotoProtocol::Halfblocks, || panic!("no terminal query for a chosen protocol")).unwrap();
        assert_eq!(hb.protocol_type(), ProtocolType::Halfblocks);
        let forced = choose_picker(PhotoProtocol::Sixel, || None).unwrap();
        assert_eq!(forced.protocol_type(), ProtocolType::Sixel);
        assert!(clears_on_change(&forced));
    }
}
