//! How the analyst is looking at a report, as one value: the active tab, the filters, the sort,
//! the selected session, the time zone and the timeline's lanes. Report links and report files
//! carry it, so that a colleague opens the same view.
//!
//! The selected session is named by a [`SessionKey`] (computer, logon id, start, end), not by
//! its index, so that a view link still finds it in a report rebuilt from the same files.

use logonscope_core::Report;
use logonscope_core::report::Session;
use logonscope_core::time::Timestamp;
use serde::{Deserialize, Serialize};

use crate::columns::Sort;
use crate::filter::SessionFilter;
use crate::timeline::LaneBy;
use crate::zone::Zone;

/// The tabs of the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tab {
    #[default]
    Sessions,
    Timeline,
    Failures,
    Coverage,
}

impl Tab {
    pub const ALL: [Tab; 4] = [Tab::Sessions, Tab::Timeline, Tab::Failures, Tab::Coverage];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Sessions => "Sessions",
            Tab::Timeline => "Timeline",
            Tab::Failures => "Failed logons",
            Tab::Coverage => "Audit coverage",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Tab::Sessions => "sessions",
            Tab::Timeline => "timeline",
            Tab::Failures => "failures",
            Tab::Coverage => "coverage",
        }
    }
}

/// What identifies a session across two analyses of the same files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionKey {
    pub computer: String,
    pub logon_id: String,
    pub start: Option<Timestamp>,
    pub end: Option<Timestamp>,
}

impl SessionKey {
    pub fn of(session: &Session) -> SessionKey {
        SessionKey {
            computer: session.computer.to_string(),
            logon_id: session.logon_id.clone(),
            start: session.start,
            end: session.end,
        }
    }

    /// The index of the session this key names in `report`, if it is there.
    pub fn find(&self, report: &Report) -> Option<u32> {
        let index = report.sessions.iter().position(|s| {
            s.logon_id == self.logon_id
                && s.computer == self.computer
                && s.start == self.start
                && s.end == self.end
        })?;
        u32::try_from(index).ok()
    }
}

/// Everything a link restores besides the data.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ViewState {
    pub tab: Tab,
    pub filter: SessionFilter,
    pub sort: Sort,
    pub selected: Option<SessionKey>,
    pub zone: Zone,
    pub lane_by: LaneBy,
}

#[cfg(test)]
mod tests {
    use super::*;
    use logonscope_core::report::Session;

    fn session(computer: &str, logon_id: &str, start: u64) -> Session {
        let mut s = Session::new(computer, logon_id);
        s.start = Some(Timestamp(start));
        s
    }

    #[test]
    fn a_key_finds_its_session_by_computer_logon_id_and_times() {
        let report = Report {
            sessions: vec![
                session("PC1", "0x1", 10),
                session("PC2", "0x1", 10),
                session("PC2", "0x1", 20),
            ],
            ..Report::default()
        };
        assert_eq!(SessionKey::of(&report.sessions[2]).find(&report), Some(2));
        assert_eq!(SessionKey::of(&report.sessions[1]).find(&report), Some(1));
        let missing = SessionKey::of(&session("PC3", "0x1", 10));
        assert_eq!(missing.find(&report), None);
    }

    #[test]
    fn tab_keys_are_distinct() {
        let keys: std::collections::BTreeSet<_> = Tab::ALL.iter().map(|t| t.key()).collect();
        assert_eq!(keys.len(), Tab::ALL.len());
    }
}
