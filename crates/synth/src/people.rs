//! The cast of a synthetic log: accounts, computers, client addresses and programs.
//!
//! A few names are hostile on purpose (HTML, a spreadsheet formula, terminal control
//! characters), as attackers put them in failed logons: every consumer of the log must show
//! them inert.

/// The domain every synthetic computer belongs to.
pub const DOMAIN: &str = "CORP";
/// Prefix of the domain's SIDs.
pub const DOMAIN_SID: &str = "S-1-5-21-3623811015-3361044348-30300820";

/// An account that logs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Account {
    pub user: &'static str,
    pub rid: u32,
    /// Gets special privileges (4672) and split tokens at interactive logons.
    pub admin: bool,
}

impl Account {
    pub fn sid(&self) -> String {
        format!("{DOMAIN_SID}-{}", self.rid)
    }
}

/// People who log on interactively, over RDP and from the network.
pub const PEOPLE: [Account; 12] = [
    Account {
        user: "alice",
        rid: 1104,
        admin: false,
    },
    Account {
        user: "bob",
        rid: 1105,
        admin: false,
    },
    Account {
        user: "carol",
        rid: 1106,
        admin: false,
    },
    Account {
        user: "dave",
        rid: 1107,
        admin: false,
    },
    Account {
        user: "erin",
        rid: 1108,
        admin: false,
    },
    Account {
        user: "frank",
        rid: 1109,
        admin: false,
    },
    Account {
        user: "grace",
        rid: 1110,
        admin: false,
    },
    Account {
        user: "heidi",
        rid: 1111,
        admin: false,
    },
    Account {
        user: "ivan",
        rid: 1112,
        admin: false,
    },
    Account {
        user: "adm_alice",
        rid: 1201,
        admin: true,
    },
    Account {
        user: "adm_bob",
        rid: 1202,
        admin: true,
    },
    Account {
        user: "Administrator",
        rid: 500,
        admin: true,
    },
];

/// Accounts that run services and scheduled tasks.
pub const SERVICE_ACCOUNTS: [Account; 2] = [
    Account {
        user: "svc_backup",
        rid: 1301,
        admin: true,
    },
    Account {
        user: "svc_sql",
        rid: 1302,
        admin: false,
    },
];

/// Names tried in password spraying and guessing: real ones, made-up ones, hostile ones.
pub const SPRAYED_NAMES: [&str; 12] = [
    "administrator",
    "admin",
    "alice",
    "bob",
    "backup",
    "test",
    "guest",
    "scanner",
    "sqladmin",
    "<img src=x onerror=alert(1)>",
    "=HYPERLINK(\"http://attacker.invalid\",\"open\")",
    "evil\u{1b}[2J\u{7}user",
];

/// Machines that people connect from.
pub const CLIENTS: [(&str, &str); 6] = [
    ("JUMP01", "10.10.1.5"),
    ("LAPTOP-7F3K2", "10.10.20.31"),
    ("LAPTOP-Q8D1M", "10.10.20.77"),
    ("WS-FIN-04", "10.10.30.14"),
    ("VPN-POOL", "172.16.4.22"),
    ("HOME-PC", "fe80::1c2d:4e5f:6a7b:8c9d"),
];

/// Addresses that password sprays come from.
pub const ATTACKERS: [&str; 4] = ["185.220.101.47", "45.155.205.233", "10.10.99.200", "-"];

/// Programs that use explicit credentials (4648).
pub const CREDENTIAL_USERS: [&str; 3] = [
    "C:\\Windows\\System32\\runas.exe",
    "C:\\Windows\\System32\\mstsc.exe",
    "C:\\Program Files\\PowerShell\\7\\pwsh.exe",
];

/// Programs that people start (4688/4689 noise).
pub const PROGRAMS: [&str; 6] = [
    "C:\\Windows\\explorer.exe",
    "C:\\Windows\\System32\\cmd.exe",
    "C:\\Windows\\System32\\notepad.exe",
    "C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE",
    "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
    "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe",
];

/// The name of synthetic computer `index`.
pub fn computer_name(index: u32) -> String {
    let role = ["WS", "SRV", "DC", "FS"][(index % 4) as usize];
    format!("{role}{:02}.corp.example.com", index + 1)
}

/// The short (NetBIOS) name of a computer, as its machine account uses it.
pub fn short_name(computer: &str) -> &str {
    computer.split('.').next().unwrap_or(computer)
}
