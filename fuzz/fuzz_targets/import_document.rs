//! The import document parser: what `frontdesk import` reads
//! (`frontdesk::import::read_document` parses a file's bytes exactly so).
//! An answer for every input; a parsed document serializes and parses back.
#![no_main]

use frontdesk::import::ImportDocument;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = serde_json::from_slice::<ImportDocument>(data) {
        let text = serde_json::to_vec(&doc).expect("a parsed document serializes");
        serde_json::from_slice::<ImportDocument>(&text).expect("and parses back");
    }
});
