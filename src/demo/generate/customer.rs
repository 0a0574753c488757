//! One customer's record and everything on it but their check-ins: fields,
//! waivers, contacts, tags, proficiencies, reservations, challenges, money.

use jiff::Timestamp;
use serde_json::{Map, Value, json};

use super::calendar::Calendar;
use super::catalog::{
    BOULDER, CHALLENGES, CLASS_DAYS_AHEAD, CLASS_DAYS_BACK, Class, EXPERIENCE, HEARD_FROM, KINDS, MONTHLY,
    PROFICIENCIES, SHIRT_SIZES, TAGS, TIMETABLE,
};
use super::people::Person;
use super::words::{ALERTS, CONTACT_RELATIONS, MEDICAL, NOTES, SURNAMES};
use super::{Generator, HOUR};
use crate::import::{
    ImportAlert, ImportAmount, ImportCustomer, ImportCustomerChallenge, ImportCustomerProficiency,
    ImportEmergencyContact, ImportEventVoucher, ImportGuestPassUsage, ImportMedicalNote, ImportNote, ImportReservation,
    ImportWaiver,
};

impl Generator {
    pub(super) fn customer(&mut self, i: usize) -> ImportCustomer {
        let p = self.people[i].clone();
        let created = self.cal.instant(-p.created_ago, p.created_seconds);
        let updated_ago = self.rng.between(0, p.created_ago);
        let updated = if updated_ago == p.created_ago {
            created
        } else {
            self.cal.instant(-updated_ago, self.rng.between(7 * HOUR, 21 * HOUR))
        };
        let mut c = ImportCustomer {
            id: Some(i as i64 + 1),
            created_at: Some(created),
            updated_at: Some(updated.min(self.cal.now)),
            is_active: !self.rng.per_mille(5),
            capitan_invite_sent: false,
            has_capitan_login: false,
            fields: self.fields(i, &p),
            ..ImportCustomer::default()
        };
        if !p.is_minor() && self.rng.percent(75) {
            c.capitan_invite_sent = true;
            c.has_capitan_login = self.rng.percent(60);
        }
        c.documents = self.waivers(&p);
        c.emergency_contacts = self.emergency_contacts(&p, created);
        if self.rng.percent(5) {
            let at = self.sometime_since(&p, created);
            c.medical_notes
                .push(ImportMedicalNote { medical_notes: self.rng.pick(&MEDICAL).into(), created_at: Some(at) });
        }
        if self.rng.percent(8) {
            let ago = self.rng.between(0, p.created_ago);
            c.notes.push(ImportNote {
                note: self.rng.pick(&NOTES).into(),
                created_at: Some(self.cal.instant(-ago, 14 * HOUR)),
            });
        }
        if self.rng.percent(4) {
            let (message, prevents_check_in) = self.rng.pick(&ALERTS);
            let at = self.sometime_since(&p, created);
            c.alerts.push(ImportAlert { message: message.into(), prevents_check_in, created_at: Some(at) });
        }
        c.tags = self.tags(&p);
        c.proficiencies = self.proficiencies(&p);
        c.association_ids = if !p.is_minor() && self.rng.percent(7) {
            let association = if p.age <= 24 { 1 } else { self.rng.between(2, 3) };
            vec![association]
        } else {
            Vec::new()
        };
        c.reservations = self.reservations(&p, created);
        let mut check_ins = self.membership_check_ins(&p);
        if !p.has_current_membership {
            c.entry_passes = self.entry_passes(&p, &c.association_ids, &mut check_ins);
            check_ins.extend(self.event_check_ins(&c.reservations));
            if c.entry_passes.is_empty() && check_ins.is_empty() {
                check_ins.extend(self.free_check_ins(&p, i));
            }
        } else if let Some(&association) = c.association_ids.first()
            && self.rng.percent(50)
        {
            // A member's visits used the membership: the club's pass sits unused.
            c.entry_passes = self.association_pass(&p, association, false, &mut check_ins);
        }
        check_ins.sort_by_key(|k| k.checked_in_at);
        c.challenges = self.challenges(&p, check_ins.len());
        c.check_ins = check_ins;
        self.money(&p, &mut c, created);
        self.within_history(&mut c, created);
        c
    }

    /// Keeps every time on the customer's records within their history:
    /// not before their record was created, not after now.
    fn within_history(&self, c: &mut ImportCustomer, created: Timestamp) {
        let now = self.cal.now;
        let fit = |t: &mut Timestamp| *t = (*t).min(now).max(created);
        let fit_opt = |t: &mut Option<Timestamp>| {
            if let Some(t) = t {
                *t = (*t).min(now).max(created);
            }
        };
        c.documents.iter_mut().for_each(|d| fit_opt(&mut d.created_at));
        c.emergency_contacts.iter_mut().for_each(|e| fit_opt(&mut e.created_at));
        c.medical_notes.iter_mut().for_each(|m| fit_opt(&mut m.created_at));
        c.notes.iter_mut().for_each(|n| fit_opt(&mut n.created_at));
        c.credits.iter_mut().chain(c.payments.iter_mut()).for_each(|a| fit_opt(&mut a.created_at));
        c.event_vouchers.iter_mut().for_each(|v| fit_opt(&mut v.created_at));
        c.alerts.iter_mut().for_each(|a| fit_opt(&mut a.created_at));
        c.entry_passes.iter_mut().for_each(|e| fit_opt(&mut e.created_at));
        c.proficiencies.iter_mut().for_each(|p| fit_opt(&mut p.granted_at));
        for ch in &mut c.challenges {
            fit_opt(&mut ch.started_at);
            fit_opt(&mut ch.completed_at);
        }
        c.guest_pass_usages.iter_mut().for_each(|g| fit(&mut g.used_at));
    }

    /// Whether the customer has a key tag of their own. Most do; young children often have none, and
    /// a parent's scan checks them in (family check-in). One draw either way, so the rest of the demo
    /// stays as it was.
    fn has_card(&mut self, p: &Person) -> bool {
        self.rng.percent(if p.age < 12 { 40 } else { 96 })
    }

    pub(super) fn fields(&mut self, i: usize, p: &Person) -> Map<String, Value> {
        // Numeric key tags, unique: an affine map of the customer's index.
        let barcode = if self.has_card(p) {
            format!("{:08}", 10_000_000 + (i as u64 * 7_919 + self.barcode_offset) % 90_000_000)
        } else {
            String::new()
        };
        let mut custom = Vec::new();
        if self.rng.percent(70) {
            custom.push(json!({"field_id": 1, "value": self.rng.pick(&HEARD_FROM)}));
            if self.rng.percent(40) {
                custom.push(json!({"field_id": 2, "value": self.rng.pick(&SHIRT_SIZES)}));
            }
            if self.rng.percent(60) {
                custom.push(json!({"field_id": 3, "value": self.rng.pick(&EXPERIENCE)}));
            }
        }
        let mut f = Map::new();
        f.insert("email".into(), json!(p.email));
        f.insert("first_name".into(), json!(p.first));
        f.insert("last_name".into(), json!(p.last));
        f.insert("preferred_name".into(), json!(p.preferred));
        f.insert("birthday".into(), json!(p.birthday.to_string()));
        f.insert("address_street_1".into(), json!(p.address.street_1));
        f.insert("address_street_2".into(), json!(p.address.street_2));
        f.insert("address_city".into(), json!(p.address.city));
        f.insert("address_state".into(), json!(p.address.state));
        f.insert("address_country".into(), json!(p.address.country));
        f.insert("address_postcode".into(), json!(p.address.postcode));
        f.insert("telephone".into(), json!(if self.rng.percent(93) { p.phone.as_str() } else { "" }));
        f.insert("gender".into(), p.gender.map_or(Value::Null, |g| json!(g)));
        f.insert("pronouns".into(), json!(p.pronouns));
        f.insert("has_opted_in_to_marketing".into(), json!(self.rng.percent(55)));
        f.insert("barcode".into(), json!(barcode));
        f.insert("home_location_id".into(), p.home_location.map_or(Value::Null, |l| json!(l)));
        if !custom.is_empty() {
            f.insert("custom_field_values".into(), Value::Array(custom));
        }
        f
    }

    pub(super) fn waivers(&mut self, p: &Person) -> Vec<ImportWaiver> {
        let name = if p.is_minor() { "Minor Waiver (signed by a parent)" } else { "Liability Waiver" };
        let waiver = |expires: Option<i64>, signed_ago: i64, status: &str, cal: &Calendar| ImportWaiver {
            name: name.into(),
            pdf: None,
            expiration_date: expires.map(|e| cal.date(e)),
            status: status.into(),
            created_at: Some(cal.instant(-signed_ago, 10 * HOUR)),
        };
        let tenure = p.created_ago;
        // Waivers last two years unless the gym's older form (never expiring) was signed.
        let state = self.rng.weighted(&[
            (56, "valid"),
            (14, "never"),
            (6, "soon"),
            (12, "expired"),
            (10, "missing"),
            (2, "revoked"),
        ]);
        let mut out = Vec::new();
        match state {
            "valid" => {
                let expires = self.rng.between(15, 730);
                let signed_ago = (730 - expires).min(tenure);
                if tenure > 800 && self.rng.percent(40) {
                    out.push(waiver(Some(-(tenure - 730).max(1)), tenure, "ACT", &self.cal));
                }
                out.push(waiver(Some(expires), signed_ago, "ACT", &self.cal));
            }
            "never" => out.push(waiver(None, tenure, "ACT", &self.cal)),
            "soon" => {
                let expires = self.rng.between(0, 14);
                out.push(waiver(Some(expires), (730 - expires).min(tenure), "ACT", &self.cal));
            }
            "expired" if tenure > 30 => {
                let expired_ago = self.rng.between(1, (tenure - 1).min(600));
                out.push(waiver(Some(-expired_ago), (expired_ago + 730).min(tenure), "ACT", &self.cal));
            }
            "expired" => out.push(waiver(Some(730 - tenure), tenure, "ACT", &self.cal)),
            "revoked" => out.push(waiver(Some(self.rng.between(30, 700)), tenure, "REV", &self.cal)),
            _ => {}
        }
        out
    }

    /// A plausible time for something added to a customer's record: most at
    /// sign-up (minutes after `created`), the rest on a later day, by day at
    /// the desk; never in the future.
    fn sometime_since(&mut self, p: &Person, created: Timestamp) -> Timestamp {
        let at = if p.created_ago == 0 || self.rng.percent(60) {
            created.checked_add(jiff::SignedDuration::from_mins(self.rng.between(1, 20))).unwrap_or(created)
        } else {
            let ago = self.rng.between(0, p.created_ago - 1);
            self.cal.instant(-ago, self.rng.between(9 * HOUR, 21 * HOUR))
        };
        at.min(self.cal.now).max(created)
    }

    pub(super) fn emergency_contacts(&mut self, p: &Person, created: Timestamp) -> Vec<ImportEmergencyContact> {
        let mut out = Vec::new();
        let household: Vec<Person> = p.contacts.iter().map(|&c| self.people[c].clone()).collect();
        for other in household {
            if p.is_minor() || self.rng.percent(60) {
                let relation = if p.is_minor() {
                    "Parent"
                } else if other.is_minor() {
                    continue;
                } else {
                    "Partner"
                };
                out.push(ImportEmergencyContact {
                    first_name: other.first.into(),
                    last_name: other.last.clone(),
                    telephone: other.phone.clone(),
                    email: other.email.clone(),
                    relation: relation.into(),
                    created_at: Some(self.sometime_since(p, created)),
                });
            }
        }
        if !p.is_minor() && out.is_empty() && self.rng.percent(55) {
            let gender = self.gender();
            out.push(ImportEmergencyContact {
                first_name: self.first_name(gender).into(),
                last_name: self.rng.pick_common(&SURNAMES).into(),
                telephone: self.phone(),
                email: String::new(),
                relation: self.rng.pick(&CONTACT_RELATIONS).into(),
                created_at: Some(self.sometime_since(p, created)),
            });
        }
        out
    }

    pub(super) fn tags(&mut self, p: &Person) -> Vec<String> {
        let mut tags = Vec::new();
        if p.youth_team {
            tags.push("Comp Team".to_string());
        }
        if !p.is_minor() && self.rng.percent(22) {
            let count = self.rng.between(1, 2);
            for _ in 0..count {
                let tag = self.rng.pick(&TAGS).to_string();
                if !tags.contains(&tag) {
                    tags.push(tag);
                }
            }
        }
        tags
    }

    pub(super) fn proficiencies(&mut self, p: &Person) -> Vec<ImportCustomerProficiency> {
        let chance = if p.has_any_membership { 45 } else { 12 };
        if !self.rng.percent(chance) {
            return Vec::new();
        }
        let granted_ago = self.rng.between(0, p.created_ago);
        let granted_at = Some(self.cal.instant(-granted_ago, 15 * HOUR));
        let ids: Vec<i64> = if p.is_minor() {
            vec![4, 5]
        } else {
            let count = self.rng.between(1, 3) as usize;
            let start = self.rng.between(0, 4) as usize;
            (0..count).map(|k| ((start + k) % PROFICIENCIES.len()) as i64 + 1).collect()
        };
        ids.into_iter()
            .map(|proficiency_id| ImportCustomerProficiency {
                proficiency_id,
                // A failed re-test or an orientation that lapsed.
                is_active: !self.rng.percent(12),
                granted_at,
            })
            .collect()
    }

    /// Bookings of the gyms' classes (see [`TIMETABLE`]) from 90 days ago
    /// (or the customer's first day) to 14 days ahead (the import dates each
    /// booking a week before its class, never before the customer's record).
    pub(super) fn reservations(&mut self, p: &Person, created: Timestamp) -> Vec<ImportReservation> {
        let (chance, count, kinds): (u64, (i64, i64), &[i64]) = if p.youth_team {
            (60, (2, 8), &[4])
        } else if p.is_minor() {
            (9, (1, 2), &[1, 5])
        } else {
            (14, (1, 4), &[1, 1, 2, 3, 3, 3])
        };
        if !self.rng.percent(chance) {
            return Vec::new();
        }
        let location = p.home_location.unwrap_or(BOULDER);
        let first_day = (-p.created_ago).max(-CLASS_DAYS_BACK);
        let wanted = self.rng.between(count.0, count.1);
        let mut booked: Vec<ImportReservation> = Vec::new();
        for _ in 0..wanted * 6 {
            if booked.len() as i64 == wanted {
                break;
            }
            let event_type_id = self.rng.pick(kinds);
            let day = self.rng.between(first_day, CLASS_DAYS_AHEAD);
            let weekday = self.cal.date(day).weekday().to_monday_one_offset();
            let sessions: Vec<&Class> =
                TIMETABLE.iter().filter(|c| c.event_type_id == event_type_id && c.weekday == weekday).collect();
            if sessions.is_empty() {
                continue;
            }
            let class = *sessions[self.rng.below(sessions.len() as u64) as usize];
            let starts_at = self.cal.instant(day, class.starts);
            // Checked in ten minutes before the class: not before the account.
            let in_time = starts_at.as_microsecond() - 15 * 60 * 1_000_000 >= created.as_microsecond();
            if !in_time || booked.iter().any(|b| b.starts_at == starts_at && b.event_type_id == event_type_id) {
                continue;
            }
            booked.push(ImportReservation {
                event_type_id,
                location_id: Some(location),
                starts_at,
                ends_at: Some(self.cal.instant(day, class.starts + class.minutes * 60)),
                status: if self.rng.percent(8) { "CAN" } else { "CON" }.into(),
            });
        }
        booked.sort_by_key(|r| r.starts_at);
        booked
    }

    pub(super) fn challenges(&mut self, p: &Person, check_ins: usize) -> Vec<ImportCustomerChallenge> {
        if check_ins < 8 || !self.rng.percent(25) {
            return Vec::new();
        }
        let challenge_id = self.rng.between(1, CHALLENGES.len() as i64);
        let started_ago = self.rng.between(0, p.created_ago.min(200));
        let completed = self.rng.percent(35) && started_ago > 10;
        vec![ImportCustomerChallenge {
            challenge_id,
            status: if completed { "COM" } else { "INP" }.into(),
            started_at: Some(self.cal.instant(-started_ago, 12 * HOUR)),
            completed_at: completed.then(|| self.cal.instant(-self.rng.between(0, started_ago - 1), 19 * HOUR)),
        }]
    }

    /// Payments of current members' dues, the odd credit, voucher and guest.
    pub(super) fn money(&mut self, p: &Person, c: &mut ImportCustomer, created: Timestamp) {
        if p.has_current_membership && self.rng.percent(50) {
            let months = self.rng.between(1, 3).min(p.created_ago / 30 + 1);
            let name = p.usable.last().map_or(MONTHLY.name, |u| u.name);
            let amount = KINDS.iter().find(|k| k.name == name).map_or(MONTHLY.amount, |k| k.amount);
            for m in 0..months {
                c.payments.push(ImportAmount {
                    amount: amount.into(),
                    description: format!("{name} dues"),
                    created_at: Some(self.cal.instant(-(m * 30 + 1), 3 * HOUR)),
                });
            }
        }
        if self.rng.percent(2) {
            c.credits.push(ImportAmount {
                amount: "25.00".into(),
                description: "Referral credit".into(),
                created_at: Some(self.cal.instant(-self.rng.between(0, p.created_ago), 13 * HOUR)),
            });
        }
        if self.rng.percent(3) {
            // Given within the last 80 days, good for 90.
            let given_ago = self.rng.between(0, p.created_ago.min(80));
            c.event_vouchers.push(ImportEventVoucher {
                name: "Free Intro Class".into(),
                uses_remaining: 1,
                expiration_date: Some(self.cal.date(90 - given_ago)),
                created_at: Some(self.cal.instant(-given_ago, 12 * HOUR).min(self.cal.now).max(created)),
            });
        }
        if p.has_current_membership && self.rng.percent(4) {
            let gender = self.gender();
            let guest_first = self.first_name(gender);
            let used_ago = self.rng.between(1, p.created_ago.max(1));
            c.guest_pass_usages.push(ImportGuestPassUsage {
                guest_first_name: guest_first.into(),
                guest_last_name: self.rng.pick_common(&SURNAMES).into(),
                location_id: p.home_location,
                used_at: self.cal.instant(-used_ago, 18 * HOUR),
            });
        }
    }
}
