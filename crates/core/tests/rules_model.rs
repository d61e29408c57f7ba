//! Property test: random event sequences through `reconstruct` against a small, naive model of
//! the rules of SESSIONS.md (a list of sessions searched linearly, no index), written from the
//! rules' text on its own.

use proptest::prelude::*;

use logonscope_core::event::{Event, EventHeader, EventKind, Logoff, Logon};
use logonscope_core::reconstruct::reconstruct;
use logonscope_core::report::EndReason;
use logonscope_core::text::Text;
use logonscope_core::time::Timestamp;

/// One random event: (computer, time step, event id, logon id, sid).
type Step = (u8, u8, u16, u64, u8);

fn to_event(record_id: u64, (computer, time, id, logon_id, sid): Step) -> Event {
    let sid: Option<Text> = Some(format!("S-1-5-21-{sid}").into());
    let kind = match id {
        4624 => EventKind::Logon(Box::new(Logon {
            logon_id,
            user_sid: sid,
            logon_type: Some(2),
            ..Logon::default()
        })),
        4634 => EventKind::Logoff(Logoff {
            logon_id,
            user_sid: sid,
            logon_type: Some(3),
            ..Logoff::default()
        }),
        4647 => EventKind::UserLogoff(Logoff {
            logon_id,
            user_sid: sid,
            ..Logoff::default()
        }),
        4672 => EventKind::SpecialPrivileges { logon_id },
        4608 => EventKind::Startup,
        4609 => EventKind::Shutdown,
        _ => EventKind::LogServiceShutdown,
    };
    Event {
        header: EventHeader {
            computer: format!("PC{computer}").into(),
            channel: "Security".into(),
            record_id,
            time: Timestamp(u64::from(time) * 10_000_000),
            event_id: id,
        },
        kind,
    }
}

/// What the model says of one session.
#[derive(Debug, Clone, PartialEq)]
struct Outline {
    computer: Text,
    logon_id: u64,
    start: Option<Timestamp>,
    end: Option<Timestamp>,
    reason: EndReason,
    logon_events: u32,
    admin: bool,
}

struct ModelSession {
    outline: Outline,
    sid: Option<Text>,
    open: bool,
    user_logoff: Option<Timestamp>,
}

fn model(mut events: Vec<Event>) -> Vec<Outline> {
    events.sort_by(|a, b| {
        (&a.header.computer, a.header.time, a.header.record_id).cmp(&(
            &b.header.computer,
            b.header.time,
            b.header.record_id,
        ))
    });
    let mut sessions: Vec<ModelSession> = Vec::new();
    let find_open = |sessions: &Vec<ModelSession>, computer: &str, id: u64| {
        sessions
            .iter()
            .position(|s| s.open && s.outline.computer == computer && s.outline.logon_id == id)
    };
    let new_session = |computer: &str, id: u64, start, sid: Option<Text>| ModelSession {
        outline: Outline {
            computer: computer.into(),
            logon_id: id,
            start,
            end: None,
            reason: EndReason::LogEnd,
            logon_events: u32::from(start.is_some()),
            admin: false,
        },
        sid,
        open: true,
        user_logoff: None,
    };
    for event in events {
        let computer = event.header.computer.as_str();
        let time = event.header.time;
        match event.kind {
            EventKind::Logon(l) => match find_open(&sessions, computer, l.logon_id) {
                Some(i) if sessions[i].outline.start.is_some() && sessions[i].sid == l.user_sid => {
                    sessions[i].outline.logon_events += 1;
                }
                found => {
                    if let Some(i) = found {
                        sessions[i].open = false;
                        sessions[i].outline.end = None;
                        sessions[i].outline.reason = EndReason::Superseded;
                    }
                    sessions.push(new_session(computer, l.logon_id, Some(time), l.user_sid));
                }
            },
            EventKind::UserLogoff(l) | EventKind::Logoff(l) => {
                let i = match find_open(&sessions, computer, l.logon_id) {
                    Some(i) => i,
                    None => {
                        sessions.push(new_session(computer, l.logon_id, None, l.user_sid));
                        sessions.len() - 1
                    }
                };
                if event.header.event_id == 4647 {
                    if sessions[i].user_logoff.is_none() {
                        sessions[i].user_logoff = Some(time);
                    }
                } else {
                    let s = &mut sessions[i];
                    s.open = false;
                    s.outline.end = Some(time);
                    s.outline.reason = if s.user_logoff.is_some() {
                        EndReason::UserLogoff
                    } else {
                        EndReason::Logoff
                    };
                }
            }
            EventKind::SpecialPrivileges { logon_id } => {
                if let Some(i) = find_open(&sessions, computer, logon_id) {
                    sessions[i].outline.admin = true;
                }
            }
            EventKind::Startup | EventKind::Shutdown | EventKind::LogServiceShutdown => {
                let reason = if event.header.event_id == 4608 {
                    EndReason::Startup
                } else {
                    EndReason::Shutdown
                };
                for s in sessions
                    .iter_mut()
                    .filter(|s| s.open && s.outline.computer == computer)
                {
                    s.open = false;
                    match s.user_logoff {
                        Some(t) => {
                            (s.outline.end, s.outline.reason) = (Some(t), EndReason::UserLogoff)
                        }
                        None => (s.outline.end, s.outline.reason) = (Some(time), reason),
                    }
                }
            }
            _ => {}
        }
    }
    for s in sessions.iter_mut().filter(|s| s.open) {
        if let Some(t) = s.user_logoff {
            (s.outline.end, s.outline.reason) = (Some(t), EndReason::UserLogoff);
        }
    }
    let mut outlines: Vec<Outline> = sessions.into_iter().map(|s| s.outline).collect();
    // Sessions are ordered by (computer, start with null first, logon id); ties keep the order
    // the model made them in, which is record order.
    outlines.sort_by(|a, b| {
        (&a.computer, a.start, a.logon_id).cmp(&(&b.computer, b.start, b.logon_id))
    });
    outlines
}

fn step() -> impl Strategy<Value = Step> {
    (
        0u8..2,
        0u8..40,
        prop::sample::select(vec![
            4624u16, 4624, 4624, 4634, 4634, 4647, 4672, 4608, 4609, 1100,
        ]),
        prop::sample::select(vec![0x3e7u64, 0x10, 0x11, 0x12]),
        0u8..3,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn reconstruct_agrees_with_the_model(steps in prop::collection::vec(step(), 0..60)) {
        let events: Vec<Event> = steps
            .into_iter()
            .enumerate()
            .map(|(i, s)| to_event(i as u64 + 1, s))
            .collect();
        let expected = model(events.clone());
        let actual: Vec<Outline> = reconstruct(events)
            .sessions
            .into_iter()
            .map(|s| Outline {
                logon_id: u64::from_str_radix(s.logon_id.trim_start_matches("0x"), 16).unwrap(),
                computer: s.computer,
                start: s.start,
                end: s.end,
                reason: s.end_reason,
                logon_events: s.logon_events,
                admin: s.admin,
            })
            .collect();
        prop_assert_eq!(actual, expected);
    }
}
