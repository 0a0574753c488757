//! Check-ins: visits with a membership, with entry passes, to events, and free.

use jiff::Timestamp;

use super::catalog::{ASSOCIATIONS, BOULDER, DENVER, EVENT_TYPES};
use super::people::Person;
use super::words::FREE_REASONS;
use super::{Generator, HOUR};
use crate::import::{ImportCheckIn, ImportEntryPass, ImportReservation};

impl Generator {
    pub(super) fn location_for(&mut self, p: &Person, only: Option<i64>) -> i64 {
        only.unwrap_or_else(|| {
            let home = p.home_location.unwrap_or(BOULDER);
            if self.rng.percent(85) { home } else { BOULDER + DENVER - home }
        })
    }

    /// A visit on day `ago` at a time the gym is open (and before now, and
    /// after they became a customer).
    pub(super) fn visit_instant(&mut self, p: &Person, ago: i64) -> Option<Timestamp> {
        let hour = self.rng.weighted(&[(15, (6, 9)), (25, (10, 15)), (60, (16, 21))]);
        let mut seconds = self.rng.between(hour.0, hour.1) * HOUR + self.rng.between(0, HOUR - 1);
        if ago == p.created_ago {
            seconds = seconds.max(p.created_seconds + 300);
        }
        if ago == 0 {
            let earliest = if p.created_ago == 0 { p.created_seconds + 300 } else { 0 }.max(6 * HOUR);
            let latest = self.cal.seconds_into_today - 60;
            if latest < earliest {
                return None;
            }
            seconds = self.rng.between(earliest, latest);
        }
        Some(self.cal.instant(-ago, seconds))
    }

    pub(super) fn check_in(
        &mut self,
        at: Timestamp,
        location: i64,
        method: &str,
        description: String,
        free_reason: Option<&str>,
    ) -> ImportCheckIn {
        let stays = self.rng.percent(30);
        let out = at.checked_add(jiff::SignedDuration::from_mins(self.rng.between(50, 180))).ok();
        ImportCheckIn {
            location_id: location,
            checked_in_at: at,
            checked_out_at: out.filter(|o| stays && *o < self.cal.now),
            entry_method: method.into(),
            entry_method_description: description,
            free_entry_reason: free_reason.map(str::to_string),
        }
    }

    pub(super) fn membership_check_ins(&mut self, p: &Person) -> Vec<ImportCheckIn> {
        let mut out = Vec::new();
        for span in &p.usable {
            let current = span.to_ago == 0;
            for n in 0..span.visits {
                // Current members' visits lean toward the last year, and the
                // latest one of most of them is within the last month.
                let ago = if current && n == 0 && self.rng.percent(70) {
                    self.rng.mostly_small(30.min(span.from_ago))
                } else if current && self.rng.percent(50) {
                    self.rng.between(0, 365.min(span.from_ago))
                } else {
                    self.rng.between(span.to_ago, span.from_ago)
                };
                let Some(at) = self.visit_instant(p, ago) else { continue };
                let location = self.location_for(p, span.location);
                out.push(self.check_in(at, location, "MEM", span.name.to_string(), None));
            }
        }
        out
    }

    /// Entry passes, and the check-ins that used them, for someone without a
    /// current membership.
    pub(super) fn entry_passes(
        &mut self,
        p: &Person,
        associations: &[i64],
        check_ins: &mut Vec<ImportCheckIn>,
    ) -> Vec<ImportEntryPass> {
        if let Some(&association) = associations.first()
            && self.rng.percent(60)
        {
            return self.association_pass(p, association, true, check_ins);
        }
        let plan = self.rng.weighted(&[(35, "none"), (45, "punch"), (20, "day")]);
        let tenure = p.created_ago;
        match plan {
            "punch" => {
                let shape = self.rng.weighted(&[(20, "one left"), (20, "used up"), (15, "expired"), (45, "in use")]);
                let (purchased_ago, left) = match shape {
                    "expired" if tenure > 400 => (self.rng.between(366, tenure.min(900)), self.rng.between(1, 6)),
                    "one left" => (self.rng.between(0, tenure.min(300)), 1),
                    "used up" => (self.rng.between(0, tenure.min(364)), 0),
                    _ => (self.rng.between(0, tenure.min(300)), self.rng.between(2, 10)),
                };
                let expires = 365 - purchased_ago;
                let name = "10-Punch Pass";
                let used = 10 - left;
                let last_usable_ago = (-expires).max(0);
                self.pass_check_ins(p, name, 10, used, purchased_ago, last_usable_ago, check_ins);
                vec![ImportEntryPass {
                    name: name.into(),
                    uses_total: 10,
                    uses_remaining: left,
                    expiration_date: Some(self.cal.date(expires)),
                    is_association_pass: false,
                    created_at: Some(self.cal.instant(-purchased_ago, 6 * HOUR)),
                    association_id: None,
                }]
            }
            "day" => {
                let count = self.rng.between(1, 3);
                (0..count)
                    .map(|_| {
                        let bought_ago = self.rng.between(0, tenure);
                        self.pass_check_ins(p, "Day Pass", 1, 1, bought_ago, bought_ago, check_ins);
                        ImportEntryPass {
                            name: "Day Pass".into(),
                            uses_total: 1,
                            uses_remaining: 0,
                            expiration_date: Some(self.cal.date(-bought_ago)),
                            is_association_pass: false,
                            created_at: Some(self.cal.instant(-bought_ago, 6 * HOUR)),
                            association_id: None,
                        }
                    })
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    pub(super) fn association_pass(
        &mut self,
        p: &Person,
        association: i64,
        with_visits: bool,
        check_ins: &mut Vec<ImportCheckIn>,
    ) -> Vec<ImportEntryPass> {
        let name = format!("{} Pass", ASSOCIATIONS[association as usize - 1]);
        let left = match self.rng.weighted(&[(20, 0), (20, 1), (60, 2)]) {
            _ if !with_visits => 20,
            2 => self.rng.between(2, 20),
            left => left,
        };
        let purchased_ago = self.rng.between(0, p.created_ago.min(120));
        self.pass_check_ins(p, &name, 20, 20 - left, purchased_ago, 0, check_ins);
        vec![ImportEntryPass {
            name,
            uses_total: 20,
            uses_remaining: left,
            expiration_date: Some(self.cal.date(self.rng.between(-20, 150))),
            is_association_pass: true,
            created_at: Some(self.cal.instant(-purchased_ago, 6 * HOUR)),
            association_id: Some(association),
        }]
    }

    /// `used` check-ins with a pass usable from `from_ago` to `to_ago` days
    /// ago, each describing the uses it left.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn pass_check_ins(
        &mut self,
        p: &Person,
        name: &str,
        total: i64,
        used: i64,
        from_ago: i64,
        to_ago: i64,
        check_ins: &mut Vec<ImportCheckIn>,
    ) {
        let mut instants: Vec<Timestamp> = (0..used)
            .filter_map(|_| {
                let ago = self.rng.between(to_ago, from_ago);
                self.visit_instant(p, ago)
            })
            .collect();
        instants.sort();
        for (n, at) in instants.into_iter().enumerate() {
            let location = self.location_for(p, None);
            let left = total - n as i64 - 1;
            check_ins.push(self.check_in(at, location, "ENT", format!("{name} ({left} remaining)"), None));
        }
    }

    pub(super) fn event_check_ins(&mut self, reservations: &[ImportReservation]) -> Vec<ImportCheckIn> {
        let now = self.cal.now;
        reservations
            .iter()
            .filter(|r| r.status == "CON" && r.starts_at < now)
            .map(|r| {
                let location = r.location_id.unwrap_or(BOULDER);
                let name = EVENT_TYPES[r.event_type_id as usize - 1].to_string();
                let early = r.starts_at.checked_sub(jiff::SignedDuration::from_mins(10)).unwrap_or(r.starts_at);
                self.check_in(early, location, "EVE", name, None)
            })
            .collect()
    }

    /// A visit or two without a pass: a free first visit, a comp, a guest.
    pub(super) fn free_check_ins(&mut self, p: &Person, index: usize) -> Vec<ImportCheckIn> {
        if !self.rng.percent(60) {
            return Vec::new();
        }
        let count = self.rng.between(1, 3);
        let mut out = Vec::new();
        for _ in 0..count {
            let ago = self.rng.between(0, p.created_ago);
            let Some(at) = self.visit_instant(p, ago) else { continue };
            let location = self.location_for(p, None);
            if self.rng.percent(50) {
                let reason = self.rng.pick(&FREE_REASONS);
                out.push(self.check_in(at, location, "FRE", "Free entry".into(), Some(reason)));
            } else {
                let host = self.host_for(index);
                out.push(self.check_in(at, location, "GUE", format!("Guest pass from {host}"), None));
            }
        }
        out
    }

    /// A current member who could have brought a guest.
    pub(super) fn host_for(&mut self, guest: usize) -> String {
        for _ in 0..8 {
            let candidate = self.rng.below(self.people.len() as u64) as usize;
            if candidate != guest && self.people[candidate].has_current_membership {
                return self.people[candidate].display_name();
            }
        }
        "a member".into()
    }
}
