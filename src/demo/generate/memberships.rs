//! Memberships: who holds which kind, in what standing, and the spans of
//! days each member could check in with it.

use super::Generator;
use super::catalog::{ANNUAL, DENVER, FAMILY, KIDS_CLUB, Kind, MONTHLY, OFF_PEAK, STUDENT, YOUTH_TEAM};
use crate::import::{ImportMember, ImportMembership};
use crate::model::terms;

/// A span of days (as days ago, `from >= to`) in which a customer could
/// check in with a membership.
#[derive(Debug, Clone)]
pub(super) struct Usable {
    pub(super) from_ago: i64,
    pub(super) to_ago: i64,
    pub(super) name: &'static str,
    pub(super) location: Option<i64>,
    pub(super) visits: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Standing {
    Active,
    Frozen,
    Ended,
    Cancelled,
    Future,
}

/// A membership's dates, as offsets from today in days.
pub(super) struct MembershipDates {
    pub(super) status: &'static str,
    pub(super) start: i64,
    pub(super) end: Option<i64>,
    pub(super) unfreeze: Option<i64>,
    /// Days (ago) it could be used for check-ins, if any.
    pub(super) usable: Option<(i64, i64)>,
    /// For a frozen one: how many days ago the freeze began.
    pub(super) frozen_since: Option<i64>,
}

impl Generator {
    pub(super) fn standing(&mut self) -> Standing {
        self.rng.weighted(&[
            (68, Standing::Active),
            (8, Standing::Frozen),
            (13, Standing::Ended),
            (7, Standing::Cancelled),
            (4, Standing::Future),
        ])
    }

    /// The last day (as an offset from today) of the billing period of a
    /// membership of `kind` started on day `start` that holds day `on`: a
    /// recurring membership's end date, as Capitan keeps it.
    fn term_end(&self, kind: Kind, start: i64, on: i64) -> Option<i64> {
        let end = terms::period_end_covering(kind.interval, self.cal.date(start), self.cal.date(on))?;
        Some(self.cal.today.until(end).ok()?.get_days() as i64)
    }

    /// An ended membership's last day: the end of the period holding day
    /// `-ended_ago`, if that is past, else `-ended_ago` itself.
    fn ended_on(&self, kind: Kind, start: i64, ended_ago: i64) -> i64 {
        self.term_end(kind, start, -ended_ago).filter(|end| *end < 0).unwrap_or(-ended_ago)
    }

    pub(super) fn membership_dates(&mut self, standing: Standing, tenure: i64, kind: Kind) -> MembershipDates {
        let standing = match standing {
            Standing::Frozen if tenure < 40 => Standing::Active,
            Standing::Ended | Standing::Cancelled if tenure < 100 => Standing::Active,
            other => other,
        };
        // Running memberships carry the end of their current billing period
        // (a future one its first period's); ended ones the last day paid for.
        match standing {
            Standing::Active => {
                // An annual plan is mostly in its first year (renewed ones
                // run on); monthly ones run for years.
                let start_ago = if kind.interval == "YRL" {
                    let longest = if self.rng.percent(70) { 364 } else { tenure };
                    let latest = longest.min(tenure);
                    self.rng.between(latest.min(1), latest)
                } else {
                    self.rng.between(0, tenure)
                };
                MembershipDates {
                    status: "ACT",
                    start: -start_ago,
                    end: self.term_end(kind, -start_ago, 0),
                    unfreeze: None,
                    usable: Some((start_ago, 0)),
                    frozen_since: None,
                }
            }
            Standing::Frozen => {
                let start_ago = self.rng.between(40, tenure);
                let frozen_since = self.rng.between(2, 45);
                MembershipDates {
                    status: "FRZ",
                    start: -start_ago,
                    end: self.term_end(kind, -start_ago, 0),
                    unfreeze: Some(self.rng.between(3, 60)),
                    usable: Some((start_ago, frozen_since)),
                    frozen_since: Some(frozen_since),
                }
            }
            Standing::Ended | Standing::Cancelled => {
                let start_ago = self.rng.between(100, tenure);
                let ended_ago = self.rng.between(1, start_ago - 30);
                let end = self.ended_on(kind, -start_ago, ended_ago);
                MembershipDates {
                    status: if standing == Standing::Ended { "END" } else { "CAN" },
                    start: -start_ago,
                    end: Some(end),
                    unfreeze: None,
                    usable: Some((start_ago, -end)),
                    frozen_since: None,
                }
            }
            Standing::Future => {
                let start = self.rng.between(1, 30);
                MembershipDates {
                    status: "FUT",
                    start,
                    end: self.term_end(kind, start, start),
                    unfreeze: None,
                    usable: None,
                    frozen_since: None,
                }
            }
        }
    }

    /// How often a member came during a span of `days` days.
    pub(super) fn visits(&mut self, days: i64, current: bool) -> i64 {
        let visits = if current {
            let (lo, hi) = self.rng.weighted(&[(30, (0, 5)), (42, (6, 14)), (23, (15, 35)), (5, (36, 100))]);
            self.rng.between(lo, hi)
        } else {
            self.rng.between(0, 25)
        };
        visits.min(days + 1)
    }

    /// Adds a membership of `kind` owned by `owner` covering `members`
    /// (index, individually frozen).
    pub(super) fn add_membership(&mut self, kind: Kind, owner: usize, members: &[(usize, bool)], standing: Standing) {
        let tenure = members.iter().map(|(m, _)| self.people[*m].created_ago).min().unwrap_or(0);
        let dates = self.membership_dates(standing, tenure, kind);
        let current = dates.usable.is_some_and(|(_, to)| to == 0);
        // An individually frozen member stopped coming when their freeze began.
        let member_frozen_since = dates.frozen_since.unwrap_or_else(|| self.rng.between(2, 30));
        for &(member, frozen) in members {
            let person = &mut self.people[member];
            person.has_any_membership = true;
            if kind.id == YOUTH_TEAM.id {
                person.youth_team = true;
            }
            let Some((from_ago, to_ago)) = dates.usable else { continue };
            let to_ago = if frozen { to_ago.max(member_frozen_since).min(from_ago) } else { to_ago };
            let current = current && !frozen;
            if current {
                self.people[member].has_current_membership = true;
            }
            let visits = self.visits(from_ago - to_ago, current);
            self.people[member].usable.push(Usable {
                from_ago,
                to_ago,
                name: kind.name,
                location: kind.location,
                visits,
            });
        }
        self.doc.memberships.push(ImportMembership {
            membership_type_id: kind.id,
            owner_id: owner as i64 + 1,
            status: dates.status.into(),
            start_date: self.cal.date(dates.start),
            end_date: dates.end.map(|e| self.cal.date(e)),
            interval: None,
            billing_amount: None,
            unfreeze_date: dates.unfreeze.map(|u| self.cal.date(u)),
            members: members
                .iter()
                .map(|&(m, frozen)| ImportMember { customer_id: m as i64 + 1, is_individually_frozen: frozen })
                .collect(),
        });
    }

    pub(super) fn personal_membership(&mut self, p: usize) {
        if self.rng.percent(34) {
            return;
        }
        let person = &self.people[p];
        let (age, home) = (person.age, person.home_location);
        let kind = if age < 26 && self.rng.percent(45) {
            STUDENT
        } else if home == Some(DENVER) && self.rng.percent(25) {
            OFF_PEAK
        } else if self.rng.percent(15) {
            ANNUAL
        } else {
            MONTHLY
        };
        let standing = self.standing();
        // Long-time members often switched plans: an older, ended one first.
        let tenure = self.people[p].created_ago;
        if standing == Standing::Active && tenure > 400 && self.rng.percent(30) {
            let start_ago = self.rng.between(200, tenure);
            let ended_ago = self.rng.between(1, start_ago - 100);
            let end_ago = -self.ended_on(STUDENT, -start_ago, ended_ago);
            self.doc.memberships.push(ImportMembership {
                membership_type_id: STUDENT.id,
                owner_id: p as i64 + 1,
                status: "END".into(),
                start_date: self.cal.date(-start_ago),
                end_date: Some(self.cal.date(-end_ago)),
                interval: None,
                billing_amount: None,
                unfreeze_date: None,
                members: Vec::new(),
            });
            let visits = self.visits(start_ago - end_ago, false);
            let person = &mut self.people[p];
            person.has_any_membership = true;
            person.usable.push(Usable {
                from_ago: start_ago,
                to_ago: end_ago,
                name: STUDENT.name,
                location: None,
                visits,
            });
        }
        self.add_membership(kind, p, &[(p, false)], standing);
    }

    pub(super) fn group_membership(&mut self, members: &[usize]) {
        let standing = self.rng.weighted(&[
            (80, Standing::Active),
            (7, Standing::Frozen),
            (7, Standing::Ended),
            (2, Standing::Cancelled),
            (4, Standing::Future),
        ]);
        // Now and then one member of an active family plan is frozen alone
        // (an injury, a semester away).
        let frozen_one = (standing == Standing::Active && self.rng.percent(15))
            .then(|| self.rng.below(members.len() as u64) as usize);
        let covered: Vec<(usize, bool)> =
            members.iter().enumerate().map(|(i, &m)| (m, Some(i) == frozen_one)).collect();
        self.add_membership(FAMILY, members[0], &covered, standing);
    }

    /// A youth programme for a kid, paid for by a parent who is not a member of it.
    pub(super) fn youth_membership(&mut self, parent: usize, kid: usize) {
        let kind = if self.people[kid].age >= 11 { YOUTH_TEAM } else { KIDS_CLUB };
        let standing = self.rng.weighted(&[(80, Standing::Active), (12, Standing::Ended), (8, Standing::Future)]);
        self.add_membership(kind, parent, &[(kid, false)], standing);
    }
}
