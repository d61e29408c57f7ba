//! The detail panel: everything the report says about the selected session, the events
//! attached to it, and on demand the raw records it was built from.
//!
//! Every value is drawn as a text node (event data is attacker-controlled); raw records
//! included, which appear inside `<pre>` as text. Labels are readable, and each row carries
//! the report's field name (`data-field`, and as a tooltip) so that the analyst can match
//! what they see with the JSON export.

use leptos::ev;
use leptos::prelude::*;
use logonscope_core::catalog;
use logonscope_core::report::{LockAction, RdpAction, Session};
use logonscope_core::text::Text;
use logonscope_core::time::Timestamp;
use logonscope_view::columns::{account_text, end_reason_title, linked_session, logon_type_text};
use logonscope_view::zone::{Zone, format_duration};

use crate::web::clock::show_time;
use crate::web::state::AppState;

/// The side panel of the selected session (`state.selected`); nothing when none is.
#[component]
pub fn SessionDetail() -> impl IntoView {
    let state = expect_context::<AppState>();
    // Escape closes the panel wherever the focus is.
    let escape = window_event_listener(ev::keydown, move |ev| {
        if ev.key() == "Escape" && state.selected.try_get_untracked().flatten().is_some() {
            state.selected.set(None);
        }
    });
    on_cleanup(move || escape.remove());

    move || {
        let index = state.selected.get()?;
        let analysis = state.analysis.get()?;
        let session = analysis.report.sessions.get(index as usize)?;
        let linked = linked_session(&analysis.report, index);
        Some(panel(state, index, session, linked))
    }
}

fn panel(state: AppState, index: u32, s: &Session, linked: Option<u32>) -> AnyView {
    let zone = state.zone;
    let title = match account_text(s.domain.as_deref(), s.user.as_deref()) {
        name if name.is_empty() => "Unknown account".to_string(),
        name => name,
    };
    let subtitle = format!(
        "{} · logon {}{}",
        s.computer,
        s.logon_id,
        s.logon_type
            .map(|n| format!(" · {}", logon_type_text(n, s.logon_type_name.as_deref())))
            .unwrap_or_default()
    );
    view! {
        <aside
            class="detail-panel"
            data-testid="session-detail"
            data-index=index.to_string()
            aria-label="Session details"
        >
            <header class="detail-head">
                <div class="detail-titles">
                    <h2 class="detail-title">{title}</h2>
                    <p class="detail-subtitle">{subtitle}</p>
                </div>
                <button
                    type="button"
                    class="detail-close"
                    data-testid="detail-close"
                    aria-label="Close details"
                    title="Close (Esc)"
                    on:click=move |_| state.selected.set(None)
                >
                    "×"
                </button>
            </header>
            {fields(state, s, linked)}
            {admin_section(s)}
            {explicit_credentials(zone, s)}
            {rdp_events(zone, s)}
            {lock_events(zone, s)}
            <RawRecords index=index/>
        </aside>
    }
    .into_any()
}

/// A value of the field list: plain text, a time in the page's zone, or something drawn.
enum Value {
    Text(String),
    Time(Timestamp),
    View(AnyView),
}

/// `null` in the report: shown as a muted dash.
fn text(value: &Option<Text>) -> Option<Value> {
    value.as_deref().map(|text| Value::Text(text.to_string()))
}

fn yes_no(flag: bool) -> String {
    if flag { "yes" } else { "no" }.to_string()
}

/// The list of the session's fields, in the order of `SESSIONS.md`.
fn fields(state: AppState, s: &Session, linked: Option<u32>) -> AnyView {
    let zone = state.zone;
    let logon_type = s.logon_type.map(|number| {
        let name = logon_type_text(number, s.logon_type_name.as_deref());
        let description = catalog::logon_type(number).map(|known| known.description);
        Value::View(
            view! {
                <span>{name}</span>
                {description.map(|d| view! { <span class="detail-note">{d}</span> })}
            }
            .into_any(),
        )
    });
    let linked_value = s.linked_logon_id.clone().map(|id| match linked {
        Some(other) => Value::View(
            view! {
                <button
                    type="button"
                    class="detail-link"
                    data-testid="detail-linked"
                    title="Show the other half of this split-token pair"
                    on:click=move |_| state.selected.set(Some(other))
                >
                    {id}
                </button>
            }
            .into_any(),
        ),
        None => Value::View(
            view! {
                <span>{id}</span>
                <span class="detail-note">"(not in the loaded logs)"</span>
            }
            .into_any(),
        ),
    });
    let end = match (s.end, s.end_reason) {
        (Some(t), _) => Some(Value::Time(t)),
        (None, logonscope_core::report::EndReason::LogEnd) => Some(Value::Text(
            "open (still open when the log ends)".to_string(),
        )),
        (None, _) => None,
    };
    let start = match s.start {
        Some(t) => Some(Value::Time(t)),
        None => Some(Value::Text(
            "unknown (logged on before the log begins)".to_string(),
        )),
    };
    let source = s.source_ip.as_ref().map(|ip| {
        Value::Text(match s.source_port {
            // IPv6 addresses take brackets before a port, as in URLs.
            Some(port) if ip.contains(':') => format!("[{ip}]:{port}"),
            Some(port) => format!("{ip}:{port}"),
            None => ip.to_string(),
        })
    });
    let elevated = Some(Value::Text(match s.elevated {
        Some(flag) => yes_no(flag),
        None => "not recorded (4624 before version 2)".to_string(),
    }));
    let record_ids = (!s.record_ids.is_empty()).then(|| {
        Value::Text(
            s.record_ids
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        )
    });
    let rows: Vec<(&'static str, &'static str, Option<Value>)> = vec![
        (
            "Computer",
            "computer",
            Some(Value::Text(s.computer.to_string())),
        ),
        (
            "Logon ID",
            "logon_id",
            Some(Value::Text(s.logon_id.clone())),
        ),
        ("Linked logon ID", "linked_logon_id", linked_value),
        ("User SID", "user_sid", text(&s.user_sid)),
        ("User", "user", text(&s.user)),
        ("Domain", "domain", text(&s.domain)),
        ("Logon type", "logon_type", logon_type),
        ("Start", "start", start),
        ("End", "end", end),
        (
            "End reason",
            "end_reason",
            Some(Value::Text(end_reason_title(s.end_reason).to_string())),
        ),
        (
            "Duration",
            "duration_seconds",
            s.duration_seconds.map(|d| {
                // The exact seconds too, once the readable form rounds them.
                Value::Text(if d < 60.0 {
                    format!("{d} s")
                } else {
                    format!("{} ({d} s)", format_duration(d))
                })
            }),
        ),
        (
            "Logon events (4624)",
            "logon_events",
            Some(Value::Text(s.logon_events.to_string())),
        ),
        ("Source address", "source_ip", source),
        ("Workstation", "workstation", text(&s.workstation)),
        ("Logon process", "logon_process", text(&s.logon_process)),
        ("Auth package", "auth_package", text(&s.auth_package)),
        ("LM package", "lm_package", text(&s.lm_package)),
        ("Process", "process_name", text(&s.process_name)),
        ("Elevated token", "elevated", elevated),
        ("Admin (4672)", "admin", Some(Value::Text(yes_no(s.admin)))),
        (
            "Impersonation level",
            "impersonation_level",
            text(&s.impersonation_level),
        ),
        (
            "User logoff (4647)",
            "user_logoff_time",
            s.user_logoff_time.map(Value::Time),
        ),
        ("Record IDs", "record_ids", record_ids),
    ];
    let rows = rows
        .into_iter()
        .map(|(label, field, value)| field_row(zone, label, field, value))
        .collect_view();
    view! { <dl class="detail-fields">{rows}</dl> }.into_any()
}

fn field_row(
    zone: RwSignal<Zone>,
    label: &'static str,
    field: &'static str,
    value: Option<Value>,
) -> impl IntoView {
    let value = match value {
        None => view! { <span class="detail-null">"—"</span> }.into_any(),
        Some(Value::Text(text)) => view! { <span>{text}</span> }.into_any(),
        Some(Value::Time(t)) => {
            view! { <span>{move || show_time(t, zone.get())}</span> }.into_any()
        }
        Some(Value::View(view)) => view,
    };
    view! {
        <div class="detail-field" data-field=field>
            <dt title=field>{label}</dt>
            <dd>{value}</dd>
        </div>
    }
}

fn admin_section(s: &Session) -> AnyView {
    let says = if s.admin {
        "Special privileges were assigned at logon: the account has administrator rights."
    } else {
        "No special privileges were logged for this session."
    };
    view! {
        <section class="detail-section" data-testid="detail-4672">
            <h3>"Special privileges (4672)"</h3>
            <p class="detail-note">{says}</p>
        </section>
    }
    .into_any()
}

/// A small table of attached events; nothing when there are none.
fn events_table(
    testid: &'static str,
    title: String,
    headers: &'static [&'static str],
    rows: Vec<Vec<AnyView>>,
) -> Option<AnyView> {
    if rows.is_empty() {
        return None;
    }
    let head = headers
        .iter()
        .map(|h| view! { <th scope="col">{*h}</th> })
        .collect_view();
    let body = rows
        .into_iter()
        .map(|cells| {
            let cells = cells
                .into_iter()
                .map(|cell| view! { <td>{cell}</td> })
                .collect_view();
            view! { <tr>{cells}</tr> }
        })
        .collect_view();
    Some(
        view! {
            <section class="detail-section" data-testid=testid>
                <h3>{title}</h3>
                <div class="detail-table-wrap">
                    <table class="detail-table">
                        <thead>
                            <tr>{head}</tr>
                        </thead>
                        <tbody>{body}</tbody>
                    </table>
                </div>
            </section>
        }
        .into_any(),
    )
}

fn time_cell(zone: RwSignal<Zone>, t: Timestamp) -> AnyView {
    view! { <span class="detail-time">{move || show_time(t, zone.get())}</span> }.into_any()
}

fn text_cell(value: Option<impl AsRef<str>>) -> AnyView {
    match value {
        Some(text) => view! { <span>{text.as_ref().to_string()}</span> }.into_any(),
        None => view! { <span class="detail-null">"—"</span> }.into_any(),
    }
}

fn explicit_credentials(zone: RwSignal<Zone>, s: &Session) -> Option<AnyView> {
    let rows = s
        .explicit_credentials
        .iter()
        .map(|c| {
            let target = account_text(c.target_domain.as_deref(), c.target_user.as_deref());
            vec![
                time_cell(zone, c.time),
                text_cell((!target.is_empty()).then_some(target)),
                text_cell(c.target_server.clone()),
                text_cell(c.process_name.clone()),
                text_cell(c.source_ip.clone()),
            ]
        })
        .collect();
    events_table(
        "detail-4648",
        format!(
            "Explicit credentials (4648): {}",
            s.explicit_credentials.len()
        ),
        &[
            "Time",
            "Target account",
            "Target server",
            "Process",
            "Source IP",
        ],
        rows,
    )
}

fn rdp_events(zone: RwSignal<Zone>, s: &Session) -> Option<AnyView> {
    let rows = s
        .rdp_events
        .iter()
        .map(|r| {
            let action = match r.action {
                RdpAction::Reconnect => "Reconnect (4778)",
                RdpAction::Disconnect => "Disconnect (4779)",
            };
            vec![
                time_cell(zone, r.time),
                text_cell(Some(action.to_string())),
                text_cell(r.session_name.clone()),
                text_cell(r.client_name.clone()),
                text_cell(r.client_address.clone()),
            ]
        })
        .collect();
    events_table(
        "detail-rdp",
        format!("RDP reconnects and disconnects: {}", s.rdp_events.len()),
        &["Time", "Action", "Session", "Client name", "Client address"],
        rows,
    )
}

fn lock_events(zone: RwSignal<Zone>, s: &Session) -> Option<AnyView> {
    let rows = s
        .lock_events
        .iter()
        .map(|l| {
            let action = match l.action {
                LockAction::Lock => "Locked (4800)",
                LockAction::Unlock => "Unlocked (4801)",
            };
            vec![time_cell(zone, l.time), text_cell(Some(action.to_string()))]
        })
        .collect();
    events_table(
        "detail-lock",
        format!("Lock and unlock: {}", s.lock_events.len()),
        &["Time", "Action"],
        rows,
    )
}

/// The raw records of the session, read back from the files when asked for.
#[component]
fn RawRecords(index: u32) -> impl IntoView {
    let state = expect_context::<AppState>();
    let as_json = RwSignal::new(false);
    let mine = move || state.raw.with(|raw| raw.session == Some(index));
    let body = move || {
        if !mine() {
            return None;
        }
        state.raw.with(|raw| {
            let status = if raw.pending {
                Some(view! { <p class="detail-note" data-testid="raw-pending">"Reading records…"</p> }.into_any())
            } else {
                raw.message.clone().map(|message| {
                    view! { <p class="detail-note" data-testid="raw-message">{message}</p> }
                        .into_any()
                })
            };
            let records = raw
                .records
                .iter()
                .map(|record| {
                    let (xml, json) = (record.xml.clone(), record.json.clone());
                    let heading = format!("Record {}", record.record_id);
                    view! {
                        <figure class="detail-raw-record">
                            <figcaption>{heading}</figcaption>
                            <pre data-testid="raw-record" data-record-id=record.record_id.to_string()>
                                {move || if as_json.get() { json.clone() } else { xml.clone() }}
                            </pre>
                        </figure>
                    }
                })
                .collect_view();
            let toggle = (!raw.records.is_empty()).then(|| {
                view! {
                    <div class="detail-raw-format" role="group" aria-label="Record format">
                        <button
                            type="button"
                            data-testid="raw-format-xml"
                            class=("detail-on", move || !as_json.get())
                            aria-pressed=move || (!as_json.get()).to_string()
                            on:click=move |_| as_json.set(false)
                        >
                            "XML"
                        </button>
                        <button
                            type="button"
                            data-testid="raw-format-json"
                            class=("detail-on", move || as_json.get())
                            aria-pressed=move || as_json.get().to_string()
                            on:click=move |_| as_json.set(true)
                        >
                            "JSON"
                        </button>
                    </div>
                }
            });
            Some(view! { {status} {toggle} {records} })
        })
    };
    view! {
        <section class="detail-section detail-raw" data-testid="detail-raw">
            <h3>"Raw records"</h3>
            <button
                type="button"
                class="detail-raw-load"
                data-testid="raw-load"
                disabled=move || mine() && state.raw.with(|raw| raw.pending)
                on:click=move |_| crate::web::loader::load_raw(state, index)
            >
                "Show raw records"
            </button>
            {body}
        </section>
    }
}
