//! Which accounts are the machine's own rather than people: the "Hide system accounts" switch.
//!
//! Windows logs thousands of logons of SYSTEM, the service accounts, the desktop window
//! manager (DWM-n), the font driver host (UMFD-n), anonymous null sessions and computer
//! accounts (`NAME$`). An analyst looking for people wants them out of the way. The SID is
//! the reliable mark (names are localised: SYSTEM is "SYSTÈME" on a French Windows), so it
//! decides whenever the event carried one; the name decides only when it did not.

/// `DOMAIN\user` (or `user` when the event named no domain), as Event Viewer writes an
/// account; `None` when the event named no user, so that each caller picks its own fallback.
pub fn account_name(domain: Option<&str>, user: Option<&str>) -> Option<String> {
    match (domain, user?) {
        (Some(domain), user) => Some(format!("{domain}\\{user}")),
        (None, user) => Some(user.to_string()),
    }
}

/// Well-known SIDs of accounts that are never a person: LocalSystem, LocalService,
/// NetworkService and the anonymous logon.
const SYSTEM_SIDS: [&str; 4] = ["S-1-5-18", "S-1-5-19", "S-1-5-20", "S-1-5-7"];

/// SID prefixes of per-session system accounts: Window Manager (DWM-n) and Font Driver Host
/// (UMFD-n).
const SYSTEM_SID_PREFIXES: [&str; 2] = ["S-1-5-90-", "S-1-5-96-"];

/// Names of system accounts when no SID says it (case-insensitive).
const SYSTEM_NAMES: [&str; 5] = [
    "SYSTEM",
    "LOCAL SYSTEM",
    "LOCAL SERVICE",
    "NETWORK SERVICE",
    "ANONYMOUS LOGON",
];

/// Name prefixes of per-session system accounts (case-insensitive).
const SYSTEM_NAME_PREFIXES: [&str; 2] = ["DWM-", "UMFD-"];

/// Whether the account of `user_sid` / `user` is a system account, not a person.
///
/// A SID decides where there is one: the well-known system SIDs and the DWM/UMFD ranges are
/// system; a domain or local account SID (`S-1-5-21-...`) is system only for a machine account
/// (name ending in `$`). Without a SID (none, or the NULL SID `S-1-0-0` that logoff events of
/// some logons carry), or with a SID of another kind, the name decides.
pub fn is_system_account(user_sid: Option<&str>, user: Option<&str>) -> bool {
    let is_machine_account = user.is_some_and(|name| name.trim_end().ends_with('$'));
    let sid = user_sid
        .map(str::trim)
        .filter(|sid| !sid.is_empty() && !sid.eq_ignore_ascii_case("S-1-0-0"));
    if let Some(sid) = sid {
        if SYSTEM_SIDS
            .iter()
            .any(|known| sid.eq_ignore_ascii_case(known))
        {
            return true;
        }
        if SYSTEM_SID_PREFIXES
            .iter()
            .any(|prefix| starts_with_ignore_ascii_case(sid, prefix))
        {
            return true;
        }
        if starts_with_ignore_ascii_case(sid, "S-1-5-21-") {
            return is_machine_account;
        }
    }
    let Some(name) = user.map(str::trim) else {
        return false;
    };
    is_machine_account
        || SYSTEM_NAMES
            .iter()
            .any(|known| name.eq_ignore_ascii_case(known))
        || SYSTEM_NAME_PREFIXES
            .iter()
            .any(|prefix| starts_with_ignore_ascii_case(name, prefix))
}

fn starts_with_ignore_ascii_case(text: &str, prefix: &str) -> bool {
    text.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_are_written_as_event_viewer_does() {
        assert_eq!(
            account_name(Some("CORP"), Some("alice")).as_deref(),
            Some("CORP\\alice")
        );
        assert_eq!(account_name(None, Some("alice")).as_deref(), Some("alice"));
        assert_eq!(account_name(Some("CORP"), None), None);
        assert_eq!(account_name(None, None), None);
    }

    #[test]
    fn well_known_sids_are_system_whatever_the_name() {
        assert!(is_system_account(Some("S-1-5-18"), Some("SYSTÈME")));
        assert!(is_system_account(Some("S-1-5-19"), Some("LOCAL SERVICE")));
        assert!(is_system_account(Some("S-1-5-20"), None));
        assert!(is_system_account(Some("S-1-5-7"), Some("ANONYMOUS LOGON")));
        assert!(is_system_account(Some("S-1-5-90-0-3"), Some("DWM-3")));
        assert!(is_system_account(Some("s-1-5-96-0-1"), Some("UMFD-1")));
    }

    #[test]
    fn account_sids_are_people_unless_machine_accounts() {
        let sid = Some("S-1-5-21-3623811015-3361044348-30300820-1013");
        assert!(!is_system_account(sid, Some("alice")));
        // A person whose name merely looks like a system account is still a person.
        assert!(!is_system_account(sid, Some("SYSTEM")));
        assert!(!is_system_account(sid, Some("dwm-admin")));
        assert!(is_system_account(sid, Some("WKS01$")));
        assert!(!is_system_account(sid, None));
        // S-1-5-18 is not a prefix match: S-1-5-180 would be another SID.
        assert!(!is_system_account(Some("S-1-5-180"), Some("bob")));
    }

    #[test]
    fn without_a_sid_the_name_decides() {
        for sid in [None, Some("S-1-0-0"), Some(""), Some("s-1-0-0")] {
            assert!(is_system_account(sid, Some("system")), "{sid:?}");
            assert!(is_system_account(sid, Some("Local Service")));
            assert!(is_system_account(sid, Some("NETWORK SERVICE")));
            assert!(is_system_account(sid, Some("anonymous logon")));
            assert!(is_system_account(sid, Some("DWM-1")));
            assert!(is_system_account(sid, Some("umfd-0")));
            assert!(is_system_account(sid, Some("DC01$")));
            assert!(!is_system_account(sid, Some("alice")));
            assert!(!is_system_account(sid, Some("systemadmin")));
            assert!(!is_system_account(sid, None));
        }
    }
}
