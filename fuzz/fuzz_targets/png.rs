//! The PNG path: the chunk walk that skips compressed extras (iCCP, zTXt,
//! iTXt) and the decoder behind it, then the stored photo's crop, resample
//! and encode. Pixels or a `PhotoError`, never a panic or a hang.
#![no_main]

use frontdesk::photo::{Limits, prepare_with};
use libfuzzer_sys::fuzz_target;

const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
const LIMITS: Limits =
    Limits { max_file_bytes: 1 << 20, max_side: 4096, max_pixels: 4_000_000, max_decode_bytes: 64 << 20 };

fuzz_target!(|data: &[u8]| {
    let mut bytes = SIGNATURE.to_vec();
    bytes.extend_from_slice(data.strip_prefix(SIGNATURE).unwrap_or(data));
    let _ = prepare_with(&bytes, &LIMITS);
});
