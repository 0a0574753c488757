//! How much image work runs at once, across the whole process: at most one
//! decode per core, and at most a fixed number of bytes of decoder memory
//! (pixels and coefficient buffers, estimated from the header before a byte
//! of them is allocated).
//!
//! A decode that finds no room waits a little (uploads arriving together
//! queue behind each other), then gives up with [`PhotoError::Busy`], which
//! the server answers with `503` and `Retry-After`. So sixteen hostile
//! uploads at once cost what two cost, never sixteen times one.

use std::sync::{Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use super::PhotoError;

/// Most decoder memory reserved at once by the whole process.
pub const DEFAULT_MEMORY_BYTES: u64 = 384 * 1024 * 1024;
/// How long a decode waits for room before the upload is answered `503`.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(3);
/// What the `503` suggests as `Retry-After`, in seconds.
pub const RETRY_AFTER_SECS: u64 = 2;

/// A pool of decode slots and decoder memory.
#[derive(Debug)]
pub struct Budget {
    slots: usize,
    memory: u64,
    wait: Duration,
    state: Mutex<Used>,
    freed: Condvar,
}

#[derive(Debug, Default)]
struct Used {
    slots: usize,
    memory: u64,
    /// The most memory ever reserved at once (for tests and load scripts).
    peak_memory: u64,
    /// The most decodes ever running at once.
    peak_slots: usize,
}

/// Room reserved for one decode, given back when dropped.
#[derive(Debug)]
pub struct Reservation<'a> {
    budget: &'a Budget,
    bytes: u64,
}

impl Budget {
    pub fn new(slots: usize, memory: u64, wait: Duration) -> Budget {
        Budget { slots: slots.max(1), memory, wait, state: Mutex::new(Used::default()), freed: Condvar::new() }
    }

    /// The process's budget: one slot per core, [`DEFAULT_MEMORY_BYTES`].
    pub fn global() -> &'static Budget {
        static GLOBAL: OnceLock<Budget> = OnceLock::new();
        GLOBAL.get_or_init(|| {
            let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
            Budget::new(cores, DEFAULT_MEMORY_BYTES, DEFAULT_WAIT)
        })
    }

    /// Reserves a slot and `bytes` of memory, waiting up to the budget's wait.
    /// A single decode larger than the whole budget is let through alone
    /// (the per-file [`super::Limits`] bound it already), so it cannot wait forever.
    pub fn reserve(&self, bytes: u64) -> Result<Reservation<'_>, PhotoError> {
        let deadline = Instant::now() + self.wait;
        let mut used = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        loop {
            let fits = used.slots < self.slots && (used.memory + bytes <= self.memory || used.memory == 0);
            if fits {
                used.slots += 1;
                used.memory += bytes;
                used.peak_slots = used.peak_slots.max(used.slots);
                used.peak_memory = used.peak_memory.max(used.memory);
                return Ok(Reservation { budget: self, bytes });
            }
            let now = Instant::now();
            if now >= deadline {
                tracing::warn!(bytes, in_use = used.memory, running = used.slots, "image work budget full");
                return Err(PhotoError::Busy);
            }
            used = self.freed.wait_timeout(used, deadline - now).unwrap_or_else(|e| e.into_inner()).0;
        }
    }

    /// The most memory ever reserved at once, and the most decodes at once.
    pub fn peaks(&self) -> (u64, usize) {
        let used = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        (used.peak_memory, used.peak_slots)
    }

    /// Decodes allowed at once.
    pub fn slots(&self) -> usize {
        self.slots
    }

    /// Decoder memory allowed at once.
    pub fn memory(&self) -> u64 {
        self.memory
    }
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        let mut used = self.budget.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        used.slots -= 1;
        used.memory -= self.bytes;
        drop(used);
        self.budget.freed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_budget_refuses_after_its_wait_and_room_comes_back_when_a_decode_ends() {
        let budget = Budget::new(2, 100, Duration::from_millis(10));
        let a = budget.reserve(60).unwrap();
        // Memory is short although a slot is free.
        assert_eq!(budget.reserve(50).unwrap_err(), PhotoError::Busy);
        let b = budget.reserve(40).unwrap();
        // Both slots taken, although nothing more is asked.
        assert_eq!(budget.reserve(0).unwrap_err(), PhotoError::Busy);
        drop(a);
        let c = budget.reserve(60).unwrap();
        assert_eq!(budget.peaks(), (100, 2));
        drop((b, c));
        // A decode larger than the budget runs, alone.
        let big = budget.reserve(500).unwrap();
        assert_eq!(budget.reserve(1).unwrap_err(), PhotoError::Busy);
        drop(big);
    }

    #[test]
    fn a_waiting_decode_gets_the_room_another_gives_back() {
        let budget = std::sync::Arc::new(Budget::new(1, 100, Duration::from_secs(30)));
        let held = budget.reserve(100).unwrap();
        let waiter = {
            let budget = budget.clone();
            std::thread::spawn(move || budget.reserve(100).map(|_| ()))
        };
        // The waiter is parked on the condition variable until the room is given back.
        std::thread::sleep(Duration::from_millis(20));
        drop(held);
        assert_eq!(waiter.join().unwrap(), Ok(()));
    }
}
