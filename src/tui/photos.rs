//! Photos on screen: encoded photos kept per customer and size (newest last, at most
//! [`PHOTO_CACHE`]), and the one fetch in flight (the newest wanted photo waits for it).

use std::collections::VecDeque;

use super::msg::{Command, PhotoKey};
use super::photo_view::EncodedPhoto;
use super::request::{RequestId, Requests};

/// Encoded photos kept (per customer and size).
pub const PHOTO_CACHE: usize = 16;

#[derive(Debug)]
pub enum PhotoEntry {
    Ready(EncodedPhoto),
    Failed(String),
}

/// Encoded photos, newest last, at most [`PHOTO_CACHE`], and the fetch in flight.
#[derive(Default)]
pub struct PhotoCache {
    entries: VecDeque<(PhotoKey, PhotoEntry)>,
    in_flight: Option<(RequestId, PhotoKey)>,
    waiting: Option<PhotoKey>,
}

impl std::fmt::Debug for PhotoCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhotoCache").field("len", &self.entries.len()).finish()
    }
}

impl PhotoCache {
    pub fn get(&self, key: &PhotoKey) -> Option<&PhotoEntry> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, e)| e)
    }

    fn insert(&mut self, key: PhotoKey, entry: PhotoEntry) {
        self.entries.retain(|(k, _)| *k != key);
        self.entries.push_back((key, entry));
        while self.entries.len() > PHOTO_CACHE {
            self.entries.pop_front();
        }
    }

    /// Photos that could not be shown are fetched again next time (a retry).
    pub fn forget_failures(&mut self) {
        self.entries.retain(|(_, e)| !matches!(e, PhotoEntry::Failed(_)));
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// A photo is on its way.
    pub fn is_loading(&self) -> bool {
        self.in_flight.is_some()
    }

    /// Fetches the photo on screen, unless it is cached or on its way; one fetch at a time, the
    /// newest wanted photo waiting for it.
    pub fn want(&mut self, key: PhotoKey, requests: &mut Requests, out: &mut Vec<Command>) {
        if self.get(&key).is_some() || self.in_flight.as_ref().is_some_and(|(_, k)| *k == key) {
            return;
        }
        if self.in_flight.is_some() {
            self.waiting = Some(key);
        } else {
            self.issue(key, requests, out);
        }
    }

    fn issue(&mut self, key: PhotoKey, requests: &mut Requests, out: &mut Vec<Command>) {
        let request = requests.issue();
        self.in_flight = Some((request, key.clone()));
        out.push(Command::FetchPhoto { request, key });
    }

    /// A fetched (or failed) photo, while `on_screen` is the photo the screen shows now. Returns
    /// whether it is that one (the screen then changes); a stale answer is dropped.
    pub fn on_photo(
        &mut self,
        request: RequestId,
        key: PhotoKey,
        result: Result<EncodedPhoto, String>,
        on_screen: Option<&PhotoKey>,
        requests: &mut Requests,
        out: &mut Vec<Command>,
    ) -> bool {
        if self.in_flight.as_ref().is_some_and(|(id, _)| *id == request) {
            self.in_flight = None;
        } else {
            return false;
        }
        let shown = on_screen == Some(&key);
        let entry = match result {
            Ok(photo) => PhotoEntry::Ready(photo),
            Err(message) => PhotoEntry::Failed(message),
        };
        self.insert(key, entry);
        if let Some(waiting) = self.waiting.take()
            && self.get(&waiting).is_none()
            && on_screen == Some(&waiting)
        {
            self.issue(waiting, requests, out);
        }
        shown
    }
}
