//! Request ids: every request the app sends carries one, and an answer is taken only while its id
//! is the one awaited.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub u64);

/// Hands out request ids, one counter for the whole app.
#[derive(Debug, Default)]
pub struct Requests {
    last: u64,
}

impl Requests {
    pub fn issue(&mut self) -> RequestId {
        self.last += 1;
        RequestId(self.last)
    }
}
