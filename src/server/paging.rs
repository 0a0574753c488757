//! Query strings and DRF's page-number pagination: `page` (1-based, or
//! `last`), `page_size` (default 10, clamped to 100; zero, negative or junk
//! fall back to the default), and absolute `next`/`previous` links that keep
//! every other parameter.

use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::request::Parts;

use super::AppState;
use super::error::ApiError;
use crate::model::Page;
use crate::model::paging::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};

/// The request's path and query parameters, in order, as sent.
#[derive(Debug, Clone)]
pub struct ListRequest {
    /// Absolute URL of the path, on the server's public base.
    pub base: String,
    pub params: Vec<(String, String)>,
}

impl ListRequest {
    /// The last value of a parameter (as Django's `QueryDict` answers).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The page requested; its size is clamped and defaulted, and a page
    /// number that is not a positive integer is an invalid page.
    pub fn page(&self) -> Result<PageRequest, ApiError> {
        let page_size = self
            .get("page_size")
            .and_then(|s| s.trim().parse::<u128>().ok())
            .filter(|n| *n > 0)
            .map(|n| n.min(MAX_PAGE_SIZE as u128) as u64)
            .unwrap_or(DEFAULT_PAGE_SIZE);
        let page = match self.get("page") {
            None => PageNumber::Number(1),
            Some(s) if s.trim() == "last" => PageNumber::Last,
            Some(s) => match s.trim().parse::<u64>() {
                Ok(n) if n >= 1 => PageNumber::Number(n),
                _ => return Err(ApiError::InvalidPage),
            },
        };
        Ok(PageRequest { page, page_size })
    }

    /// The envelope for one page of `count` results; a page past the end is
    /// `404 Invalid page.` (page 1 of nothing is an empty page).
    pub fn envelope<T>(&self, page: ResolvedPage, count: u64, results: Vec<T>) -> Page<T> {
        let next = (page.number * page.size < count).then(|| self.url_with_page(Some(page.number + 1)));
        let previous =
            (page.number > 1).then(|| self.url_with_page(if page.number == 2 { None } else { Some(page.number - 1) }));
        Page { count, next, previous, results }
    }

    fn url_with_page(&self, page: Option<u64>) -> String {
        let mut serializer = form_urlencoded::Serializer::new(String::new());
        let mut placed = false;
        for (k, v) in &self.params {
            if k == "page" {
                if let (Some(n), false) = (page, placed) {
                    serializer.append_pair("page", &n.to_string());
                    placed = true;
                }
            } else {
                serializer.append_pair(k, v);
            }
        }
        if let (Some(n), false) = (page, placed) {
            serializer.append_pair("page", &n.to_string());
        }
        let query = serializer.finish();
        if query.is_empty() { self.base.clone() } else { format!("{}?{}", self.base, query) }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageNumber {
    Number(u64),
    Last,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: PageNumber,
    pub page_size: u64,
}

/// A page number checked against the total count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResolvedPage {
    pub number: u64,
    pub size: u64,
}

impl ResolvedPage {
    pub fn offset(&self) -> u64 {
        (self.number - 1) * self.size
    }
}

impl PageRequest {
    /// Where a query should start reading, before the count is known (the
    /// last page needs the count first).
    pub fn offset_hint(&self) -> Option<u64> {
        match self.page {
            PageNumber::Number(n) => Some((n - 1).saturating_mul(self.page_size)),
            PageNumber::Last => None,
        }
    }

    /// Checks the page against the total count.
    pub fn resolve(&self, count: u64) -> Result<ResolvedPage, ApiError> {
        let pages = count.div_ceil(self.page_size).max(1);
        let number = match self.page {
            PageNumber::Number(n) => n,
            PageNumber::Last => pages,
        };
        if number > pages {
            return Err(ApiError::InvalidPage);
        }
        Ok(ResolvedPage { number, size: self.page_size })
    }
}

impl FromRequestParts<AppState> for ListRequest {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let uri = parts.extensions.get::<OriginalUri>().map(|u| u.0.clone()).unwrap_or_else(|| parts.uri.clone());
        let params =
            uri.query().map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect()).unwrap_or_default();
        Ok(ListRequest { base: format!("{}{}", state.public_url(), uri.path()), params })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(q: &str) -> ListRequest {
        ListRequest {
            base: "http://h/api/customers/".into(),
            params: form_urlencoded::parse(q.as_bytes()).into_owned().collect(),
        }
    }

    #[test]
    fn page_sizes_clamp_and_fall_back() {
        assert_eq!(req("page_size=150").page().unwrap().page_size, 100);
        assert_eq!(req("page_size=10000000000").page().unwrap().page_size, 100);
        assert_eq!(req("page_size=99999999999999999999999999").page().unwrap().page_size, 100);
        for junk in ["page_size=0", "page_size=-5", "page_size=abc", "page_size=", "page_size=1.5"] {
            assert_eq!(req(junk).page().unwrap().page_size, 10, "{junk}");
        }
    }

    #[test]
    fn bad_page_numbers_are_invalid_pages() {
        for bad in ["page=0", "page=-1", "page=abc", "page="] {
            assert!(matches!(req(bad).page(), Err(ApiError::InvalidPage)), "{bad}");
        }
        let p = req("page=3").page().unwrap();
        assert!(p.resolve(20).is_err());
        assert_eq!(p.resolve(21).unwrap().offset(), 20);
        assert_eq!(req("").page().unwrap().resolve(0).unwrap().number, 1);
        assert_eq!(req("page=last").page().unwrap().resolve(25).unwrap().number, 3);
    }

    #[test]
    fn links_keep_other_parameters_and_replace_page() {
        let r = req("search=ann&page=2&page_size=5");
        let page = r.page().unwrap().resolve(12).unwrap();
        let env = r.envelope::<()>(page, 12, vec![]);
        assert_eq!(env.next.as_deref(), Some("http://h/api/customers/?search=ann&page=3&page_size=5"));
        assert_eq!(env.previous.as_deref(), Some("http://h/api/customers/?search=ann&page_size=5"));
        let first = req("search=a+b").envelope::<()>(req("").page().unwrap().resolve(11).unwrap(), 11, vec![]);
        assert_eq!(first.next.as_deref(), Some("http://h/api/customers/?search=a+b&page=2"));
        assert_eq!(first.previous, None);
    }
}
