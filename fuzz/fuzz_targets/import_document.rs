//! The import document parser: what `frontdesk import` reads
//! (`frontdesk::import::parse_document`, which `read_document` uses for a file's bytes).
//! An answer for every input; a parsed document serializes and parses back.
#![no_main]

use frontdesk::import::parse_document;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = parse_document(data) {
        let text = serde_json::to_vec(&doc).expect("a parsed document serializes");
        parse_document(&text).expect("and parses back");
    }
});
