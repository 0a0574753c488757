//! The JPEG path: header reading, the DCT-scaled baseline decoder, and the
//! `image` crate's for the other kinds, within small limits (so a run spends
//! its time on parsing, not on legitimately large pictures). Whatever the
//! bytes, the answer is pixels or a `PhotoError`, never a panic or a hang.
#![no_main]

use frontdesk::photo::{Limits, decode_rgb};
use libfuzzer_sys::fuzz_target;

const LIMITS: Limits =
    Limits { max_file_bytes: 1 << 20, max_side: 4096, max_pixels: 4_000_000, max_decode_bytes: 64 << 20 };

fuzz_target!(|data: &[u8]| {
    // Every input is a JPEG to the sniffer: the start-of-image marker first.
    let mut bytes = vec![0xFF, 0xD8, 0xFF];
    bytes.extend_from_slice(data.strip_prefix(&[0xFF, 0xD8, 0xFF][..]).unwrap_or(data));
    for scale in [None, Some(64)] {
        if let Ok(img) = decode_rgb(&bytes, &LIMITS, scale) {
            assert!(img.width() > 0 && img.height() > 0);
        }
    }
});
