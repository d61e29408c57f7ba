//! The two tables of Microsoft's "Audit logon events" policy reference: the events it writes
//! and the logon types they carry. Written once here; the CLI and the browser app show them.

/// An event id the Audit logon events policy writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditEvent {
    pub id: u16,
    pub description: &'static str,
}

/// The events of the Audit logon events policy, in the reference's order.
pub const AUDIT_LOGON_EVENTS: [AuditEvent; 6] = [
    AuditEvent {
        id: 4624,
        description: "An account was successfully logged on.",
    },
    AuditEvent {
        id: 4625,
        description: "An account failed to log on.",
    },
    AuditEvent {
        id: 4634,
        description: "An account was logged off.",
    },
    AuditEvent {
        id: 4647,
        description: "User initiated logoff.",
    },
    AuditEvent {
        id: 4648,
        description: "A logon was attempted using explicit credentials.",
    },
    AuditEvent {
        id: 4779,
        description: "A session was disconnected from a Window Station.",
    },
];

/// A logon type of the reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogonType {
    pub number: u32,
    pub title: &'static str,
    pub description: &'static str,
}

/// The logon types of the reference, in its order.
pub const LOGON_TYPES: [LogonType; 9] = [
    LogonType {
        number: 2,
        title: "Interactive",
        description: "A user logged on to this computer.",
    },
    LogonType {
        number: 3,
        title: "Network",
        description: "A user or computer logged on to this computer from the network.",
    },
    LogonType {
        number: 4,
        title: "Batch",
        description: "Batch logon type is used by batch servers, where processes may be executing on behalf of a user without their direct intervention.",
    },
    LogonType {
        number: 5,
        title: "Service",
        description: "A service was started by the Service Control Manager.",
    },
    LogonType {
        number: 7,
        title: "Unlock",
        description: "This workstation was unlocked.",
    },
    LogonType {
        number: 8,
        title: "NetworkCleartext",
        description: "A user logged on to this computer from the network. The user's password was passed to the authentication package in its unhashed form. The built-in authentication packages all hash credentials before sending them across the network. The credentials do not traverse the network in plaintext (also called cleartext).",
    },
    LogonType {
        number: 9,
        title: "NewCredentials",
        description: "A caller cloned its current token and specified new credentials for outbound connections. The new logon session has the same local identity, but uses different credentials for other network connections.",
    },
    LogonType {
        number: 10,
        title: "RemoteInteractive",
        description: "A user logged on to this computer remotely using Terminal Services or Remote Desktop.",
    },
    LogonType {
        number: 11,
        title: "CachedInteractive",
        description: "A user logged on to this computer with network credentials that were stored locally on the computer. The domain controller was not contacted to verify the credentials.",
    },
];

/// The catalog entry of a logon type, if the reference has one.
pub fn logon_type(number: u32) -> Option<&'static LogonType> {
    LOGON_TYPES.iter().find(|t| t.number == number)
}

/// The name of a logon type as the report writes it: the reference's title, `System` for 0
/// (the System account's logon at boot), otherwise the number itself.
pub fn logon_type_name(number: u32) -> String {
    match (number, logon_type(number)) {
        (_, Some(known)) => known.title.to_string(),
        (0, None) => "System".to_string(),
        (other, None) => other.to_string(),
    }
}

/// The catalog entry of an event id of the policy.
pub fn audit_event(id: u16) -> Option<&'static AuditEvent> {
    AUDIT_LOGON_EVENTS.iter().find(|e| e.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_known_system_and_other_types() {
        assert_eq!(logon_type_name(10), "RemoteInteractive");
        assert_eq!(logon_type_name(0), "System");
        assert_eq!(logon_type_name(12), "12");
        assert_eq!(logon_type_name(6), "6");
        assert_eq!(LOGON_TYPES.map(|t| t.number), [2, 3, 4, 5, 7, 8, 9, 10, 11]);
        assert_eq!(
            AUDIT_LOGON_EVENTS.map(|e| e.id),
            [4624, 4625, 4634, 4647, 4648, 4779]
        );
        assert!(audit_event(4779).is_some_and(|e| e.description.contains("disconnected")));
    }
}
