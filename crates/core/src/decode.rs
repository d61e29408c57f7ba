//! Codes into words: the NTSTATUS values of failed logons (4625 Status and SubStatus) and the
//! `%%` message codes Windows leaves in event data (FailureReason, ImpersonationLevel,
//! ElevatedToken, VirtualAccount).

/// The meaning of a logon failure status, as Microsoft documents it for event 4625.
pub fn status_text(status: u32) -> Option<&'static str> {
    Some(match status {
        0xC000_005E => {
            "There are currently no logon servers available to service the logon request"
        }
        0xC000_0064 => "User logon with misspelled or bad user account",
        0xC000_006A => "User logon with misspelled or bad password",
        0xC000_006C => "Password policy not met",
        0xC000_006D => "The user name or authentication information is incorrect",
        0xC000_006E => "User logon with account restriction",
        0xC000_006F => "User logon outside authorized hours",
        0xC000_0070 => "User logon from unauthorized workstation",
        0xC000_0071 => "User logon with expired password",
        0xC000_0072 => "User logon to account disabled by administrator",
        0xC000_00DC => "The server was in the wrong state to perform the operation",
        0xC000_0133 => "Clocks between DC and other computer too far out of sync",
        0xC000_015B => {
            "The user has not been granted the requested logon type (logon right) at this machine"
        }
        0xC000_018C => {
            "The trust relationship between the primary domain and the trusted domain failed"
        }
        0xC000_0192 => "The NetLogon service was not started",
        0xC000_0193 => "User logon with expired account",
        0xC000_0224 => "User is required to change password at next logon",
        0xC000_0225 => "Evidently a bug in Windows and not a risk",
        0xC000_0234 => "User logon with account locked",
        0xC000_0371 => {
            "The local account store does not contain secret material for the specified account"
        }
        0xC000_0413 => {
            "The machine you are logging on to is protected by an authentication firewall: the account is not allowed to authenticate to it"
        }
        0x0000_0000 => "Status OK",
        _ => return None,
    })
}

/// The reason of a failure: SubStatus when it says something (not zero), else Status.
/// Unknown codes are named by their number.
pub fn failure_reason(status: Option<u32>, sub_status: Option<u32>) -> Option<String> {
    let code = sub_status.filter(|s| *s != 0).or(status)?;
    Some(match status_text(code) {
        Some(text) => text.to_string(),
        None => format!("Unknown status {code:#010x}"),
    })
}

/// The text of a `%%` message code of the Security log's parameter message file
/// (msobjs.dll). Codes this table does not know are returned as they are.
pub fn message_code_text(code: &str) -> String {
    let text = match code.trim() {
        "%%1832" => "Identification",
        "%%1833" => "Impersonation",
        "%%1840" => "Delegation",
        "%%1841" => "Denied by Process Trust Label ACE",
        "%%1842" => "Yes",
        "%%1843" => "No",
        "%%1844" => "System",
        "%%1845" => "Not Available",
        "%%1846" => "Default",
        "%%1847" => "DisallowMmConfig",
        "%%1848" => "Off",
        "%%1849" => "Auto",
        "%%2304" => "An Error occured during Logon.",
        "%%2305" => "The specified user account has expired.",
        "%%2306" => "The NetLogon component is not active.",
        "%%2307" => "Account locked out.",
        "%%2308" => "The user has not been granted the requested logon type at this machine.",
        "%%2309" => "The specified account's password has expired.",
        "%%2310" => "Account currently disabled.",
        "%%2311" => "Account logon time restriction violation.",
        "%%2312" => "User not allowed to logon at this computer.",
        "%%2313" => "Unknown user name or bad password.",
        "%%2314" => "Domain sid inconsistent.",
        "%%2315" => "Smartcard logon is required and was not used.",
        other => return other.to_string(),
    };
    text.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_the_issue_names_is_known() {
        for code in [
            0xC0000064u32,
            0xC000006A,
            0xC000006D,
            0xC000006E,
            0xC000006F,
            0xC0000070,
            0xC0000071,
            0xC0000072,
            0xC0000193,
            0xC0000224,
            0xC0000234,
            0xC000015B,
            0xC0000133,
            0xC000005E,
            0xC0000413,
        ] {
            assert!(status_text(code).is_some(), "{code:#x}");
        }
    }

    #[test]
    fn sub_status_wins_unless_zero() {
        let bad_password = failure_reason(Some(0xC000006D), Some(0xC000006A));
        assert_eq!(
            bad_password.as_deref(),
            Some("User logon with misspelled or bad password")
        );
        let locked = failure_reason(Some(0xC0000234), Some(0));
        assert_eq!(locked.as_deref(), Some("User logon with account locked"));
        let odd = failure_reason(Some(0xC0001234), None);
        assert_eq!(odd.as_deref(), Some("Unknown status 0xc0001234"));
        assert_eq!(failure_reason(None, None), None);
    }

    #[test]
    fn message_codes() {
        assert_eq!(
            message_code_text("%%2313"),
            "Unknown user name or bad password."
        );
        assert_eq!(message_code_text("%%1833"), "Impersonation");
        assert_eq!(message_code_text("%%9999"), "%%9999");
    }
}
