//! Overrides (ours, issue 16): staff let a refused customer in anyway, with a reason.
//!
//! The rules are judged as usual; only a refusal changes. An unknown or deactivated account stays
//! refused (there is nobody to let in). Any other refusal (a blocking alert, no waiver, no entry
//! method) is set aside: the customer comes in by the entry method the rules would have used had the
//! refusal not applied (a membership, an event booking, a pass with uses left, which is debited as
//! usual), and with none of those, by `OVR`: free entry, the reason as `free_entry_reason`, nothing
//! debited. Same-day combining still applies.

use super::{Admission, Decision, Entry, Refusal, ScanFacts, admission, entry_for, judge};
use crate::model::check_in::EntryMethod;

/// Longest `override_reason` accepted, in characters.
pub const OVERRIDE_REASON_MAX: usize = 200;

/// The refusal an override set aside, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overridden {
    pub reason: String,
    /// The refusal's text, as it would have been answered.
    pub refusal: String,
}

/// The rules for a scan with an `override_reason`: [`judge`], with a refusal other than an unknown
/// account turned into an admission (see the module's notes).
pub fn judge_with_override(facts: &ScanFacts, reason: &str) -> Decision {
    let refusal = match judge(facts) {
        Decision::Refuse(refusal @ (Refusal::BlockingAlert(_) | Refusal::NoEntryMethod)) => refusal,
        decided => return decided,
    };
    let Some(customer) = facts.customer.as_ref() else { return Decision::Refuse(refusal) };
    if facts.combine_same_day_check_ins
        && let Some(check_in_id) = customer.earlier_check_in_today
    {
        let has_any_automatic_check_ins = customer.has_automatic_check_ins;
        return Decision::Combine { check_in_id, has_any_automatic_check_ins };
    }
    let entry = entry_for(customer, facts).unwrap_or_else(|| Entry {
        method: EntryMethod::Override,
        description: format!("Override: {reason}"),
        free_entry_reason: Some(reason.to_string()),
        ..Entry::default()
    });
    let overridden = Overridden { reason: reason.to_string(), refusal: refusal.text() };
    Decision::Admit(Admission { overridden: Some(overridden), ..admission(customer, facts, entry) })
}

/// A reason as sent: trimmed, not empty, at most [`OVERRIDE_REASON_MAX`] characters, one line.
pub fn parse_override_reason(raw: &str) -> Result<String, String> {
    let reason = raw.trim();
    if reason.is_empty() {
        return Err("override_reason may not be blank: say why the customer is let in.".into());
    }
    if reason.chars().count() > OVERRIDE_REASON_MAX {
        return Err(format!("Ensure override_reason has no more than {OVERRIDE_REASON_MAX} characters."));
    }
    if reason.chars().any(char::is_control) {
        return Err("override_reason must be one line of text, without control characters.".into());
    }
    Ok(reason.to_string())
}
