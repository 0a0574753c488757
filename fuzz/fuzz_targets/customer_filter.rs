//! The customer list's filter query parser: any query string becomes a
//! typed filter or field errors naming parameters, never a panic.
#![no_main]

use frontdesk::server::filters::customer_filter;
use frontdesk::server::paging::ListRequest;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let params = form_urlencoded::parse(data).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let req = ListRequest { base: "http://127.0.0.1/api/customers/".into(), params };
    let today = jiff::civil::date(2026, 3, 10);
    if let Err(errors) = customer_filter(&req, today) {
        assert!(!errors.is_empty(), "a refusal names at least one parameter");
    }
    let _ = req.page();
});
