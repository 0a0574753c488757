//! Photos for the profile pane with `ratatui-image`: choosing the protocol
//! once at start-up, decoding and encoding off the render loop.
//!
//! [`decode_photo`] is the one place that turns bytes into pixels, through
//! `crate::photo`'s bounded decoder.

use image::DynamicImage;
use ratatui::layout::Size;
use ratatui_image::Resize;
use ratatui_image::picker::{Picker, ProtocolType};
use ratatui_image::protocol::Protocol;

use crate::config::PhotoProtocol;

/// A photo encoded for the terminal at one size.
pub struct EncodedPhoto(pub Protocol);

impl std::fmt::Debug for EncodedPhoto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("EncodedPhoto").field(&self.0.size()).finish()
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
    fn other_formats_and_garbage_are_refused() {
        assert!(decode_photo(b"GIF89a....").is_err());
        assert!(decode_photo(b"not an image").is_err());
    }

    #[test]
    fn the_config_choice_wins_and_off_means_no_photos() {
        assert!(choose_picker(PhotoProtocol::Off, || unreachable!()).is_none());
        let hb = choose_picker(PhotoProtocol::Halfblocks, || unreachable!()).unwrap();
        assert_eq!(hb.protocol_type(), ProtocolType::Halfblocks);
        let forced = choose_picker(PhotoProtocol::Sixel, || None).unwrap();
        assert_eq!(forced.protocol_type(), ProtocolType::Sixel);
        assert!(clears_on_change(&forced));
    }
}
