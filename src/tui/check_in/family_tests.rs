use jiff::civil::date;

use super::*;
use crate::model::check_in::blocking_alert_message;
use crate::model::check_in_preview::CheckInPreview;

fn member(verdict: PreviewVerdict, description: &str, reason: &str, born: Option<Date>) -> Member {
    Member::new(Relative {
        customer_id: 2,
        name: "Mia Lee".into(),
        relation: "CHI".into(),
        birthday: born,
        has_card: false,
        preview: Ok(CheckInPreview {
            customer_id: 2,
            verdict,
            entry_method_description: description.into(),
            reason: reason.into(),
            ..CheckInPreview::default()
        }),
    })
}

const TODAY: Date = date(2026, 11, 25);

#[test]
fn each_member_reads_green_yellow_red_or_unknown() {
    let green = member(PreviewVerdict::In, "Family Membership", "", Some(date(2017, 8, 1)));
    assert_eq!(green.verdict(TODAY), (Tone::In, "Family Membership".to_string()));
    let last = member(PreviewVerdict::In, "10-Punch Pass (0 remaining)", "", None);
    assert_eq!(last.verdict(TODAY).0, Tone::Notice);
    assert!(last.verdict(TODAY).1.contains("last use of the pass"));
    let birthday = member(PreviewVerdict::In, "Family Membership", "", Some(date(2008, 11, 25)));
    assert_eq!(birthday.verdict(TODAY), (Tone::Notice, "Family Membership · turns 18 today".to_string()));
    let already = member(PreviewVerdict::AlreadyIn, "", "", None);
    assert_eq!(already.verdict(TODAY), (Tone::Notice, "Already checked in today".to_string()));
    let alert = member(PreviewVerdict::Refused, "", &blocking_alert_message("See the manager"), None);
    assert_eq!(alert.verdict(TODAY), (Tone::Refused, "Refused: See the manager".to_string()));
    assert_eq!(alert.refusal().as_deref(), Some("Refused: See the manager"));
    let none = member(PreviewVerdict::Refused, "", NO_ENTRY_METHOD, None);
    assert!(none.verdict(TODAY).1.contains("no membership, pass or booking"));
    let mut unknown = member(PreviewVerdict::In, "", "", None);
    unknown.relative.preview = Err("No verdict: this server has no check-in preview".into());
    assert_eq!(unknown.verdict(TODAY).0, Tone::Unknown);
    assert_eq!(unknown.refusal(), None, "a member without a verdict can be chosen: the server decides");
}

#[test]
fn a_family_answer_for_an_older_scan_is_dropped() {
    let mut requests = Requests::default();
    let mut family = Family::default();
    let Command::LoadFamily { request: first, .. } = family.load(1, &mut requests) else { panic!() };
    let Command::LoadFamily { request: second, .. } = family.load(7, &mut requests) else { panic!() };
    assert!(!family.loaded(first, Ok(Vec::new())));
    assert_eq!(family.load, FamilyLoad::Loading);
    assert!(family.loaded(second, Err("the server answered 500".into())));
    assert_eq!(family.load, FamilyLoad::Failed("the server answered 500".into()));
}
