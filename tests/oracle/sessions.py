#!/usr/bin/env python3
"""Independent reference implementation of logonscope's session rules.

    python3 tests/oracle/sessions.py FILE.evtx... > report.json

Reads Windows Security logs with python-evtx (PyPI `python-evtx`), applies the rules of
`../shared/SESSIONS.md` together with the decisions of README.md ("How sessions are
reconstructed") and prints a report JSON with the same shape as logonscope's
(`crates/core/src/report.rs`). It is written from the rules only, not from the Rust code, and
serves as a cross-check of the Rust implementation (see compare.py).

Layout of this file:
  1. time helpers (FILETIME ticks <-> ISO-8601 with 7 fractional digits)
  2. reading EVTX files into plain event dicts (python-evtx, plus a small decoder for
     records that carry their XML inline instead of through a template)
  3. normalisation of field values
  4. the rule engine: one function per rule of SESSIONS.md
  5. the report and the command line

Text fields that the comparison ignores (`reason`, `failure_reason`, `impersonation_level`)
are written as null; `message` of warnings is a short English sentence.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import struct
import sys
import xml.etree.ElementTree as ET

# ---------------------------------------------------------------------------------------------
# 1. Time
# ---------------------------------------------------------------------------------------------

TICKS_PER_SECOND = 10_000_000
EPOCH_1601 = datetime.datetime(1601, 1, 1)


def ticks_to_iso(ticks: int) -> str:
    """FILETIME (100 ns since 1601-01-01 UTC) -> `2016-07-08T18:12:51.6816408Z`."""
    seconds, fraction = divmod(ticks, TICKS_PER_SECOND)
    moment = EPOCH_1601 + datetime.timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + ".%07dZ" % fraction


_ISO_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]00:?00)?$"
)


def iso_to_ticks(text: str) -> int | None:
    """ISO-8601 UTC time with any number of fractional digits -> FILETIME ticks.

    Digits beyond the seventh (100 ns) are cut, missing ones are zeros."""
    match = _ISO_RE.match(text.strip())
    if not match:
        return None
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    fraction = (match.group(7) or "")[:7].ljust(7, "0")
    moment = datetime.datetime(year, month, day, hour, minute, second)
    delta = moment - EPOCH_1601
    return (delta.days * 86400 + delta.seconds) * TICKS_PER_SECOND + int(fraction)


# ---------------------------------------------------------------------------------------------
# 2. Reading EVTX files
# ---------------------------------------------------------------------------------------------

import Evtx.Evtx as evtx  # noqa: E402  (python-evtx)
import Evtx.Nodes as evtx_nodes  # noqa: E402


def _filetime_node_string(node) -> str:
    # python-evtx renders FILETIME values with microseconds only; SESSIONS.md needs the exact
    # 100 ns ticks, so FILETIME values are rendered from the raw 64-bit value instead.
    return ticks_to_iso(node.unpack_qword(0))


evtx_nodes.FiletimeTypeNode.string = _filetime_node_string

EVENT_NS = "{http://schemas.microsoft.com/win/2004/08/events/event}"
CHUNK_SIZE = 0x10000
CHUNK_MAGIC = b"ElfChnk\x00"
RECORD_HEADER_SIZE = 24


class InlineBinXmlError(Exception):
    pass


class InlineBinXml:
    """Decoder for records whose BinXML holds the XML itself (no template instance).

    Some tools write EVTX files this way (`multi-computer-sharphound.evtx`): elements,
    attributes and string values inline, element names in the chunk's name table, and no
    dependency identifier after the open-start-element token. python-evtx cannot read such
    records (it always expects a template), so they are decoded here into an ElementTree."""

    VALUE_STRING = 0x01

    def __init__(self, buf, chunk_offset: int, start: int, end: int):
        self.buf = buf
        self.chunk_offset = chunk_offset
        self.pos = start
        self.end = end

    def _u8(self) -> int:
        value = self.buf[self.pos]
        self.pos += 1
        return value

    def _u16(self) -> int:
        (value,) = struct.unpack_from("<H", self.buf, self.pos)
        self.pos += 2
        return value

    def _u32(self) -> int:
        (value,) = struct.unpack_from("<I", self.buf, self.pos)
        self.pos += 4
        return value

    def _utf16(self, chars: int) -> str:
        raw = bytes(self.buf[self.pos : self.pos + 2 * chars])
        self.pos += 2 * chars
        return raw.decode("utf-16-le", errors="replace")

    def _name(self) -> str:
        offset = self._u32()
        if self.chunk_offset + offset == self.pos:  # the name string follows inline
            self.pos += 6  # next offset (4), hash (2)
            chars = self._u16()
            name = self._utf16(chars)
            self.pos += 2  # terminating NUL
            return name
        at = self.chunk_offset + offset + 6
        (chars,) = struct.unpack_from("<H", self.buf, at)
        return bytes(self.buf[at + 2 : at + 2 + 2 * chars]).decode("utf-16-le", errors="replace")

    def _value(self) -> str:
        value_type = self._u8()
        if value_type != self.VALUE_STRING:
            raise InlineBinXmlError("inline value of type 0x%02x is not supported" % value_type)
        return self._utf16(self._u16())

    def parse(self) -> ET.Element:
        if self._u8() != 0x0F:
            raise InlineBinXmlError("no BinXML fragment header")
        self.pos += 3  # major, minor, flags
        token = self._u8()
        if token & 0x0F != 0x01:
            raise InlineBinXmlError("unexpected token 0x%02x at the start of a record" % token)
        return self._element(token)

    def _element(self, token: int) -> ET.Element:
        self._u32()  # data size
        element = ET.Element(self._name())
        if token & 0x40:
            self._u32()  # attribute list size
            more = True
            while more:
                attribute_token = self._u8()
                if attribute_token & 0x0F != 0x06:
                    raise InlineBinXmlError("expected an attribute, got 0x%02x" % attribute_token)
                more = bool(attribute_token & 0x40)
                name = self._name()
                element.set(name, self._content_text())
        close = self._u8()
        if close == 0x03:  # close empty element
            return element
        if close != 0x02:
            raise InlineBinXmlError("expected the end of a start element, got 0x%02x" % close)
        text = []
        while self.pos < self.end:
            token = self._u8()
            low = token & 0x0F
            if low == 0x04:  # end element
                break
            if low == 0x01:
                child = self._element(token)
                element.append(child)
            elif low == 0x05:
                text.append(self._value())
            else:
                raise InlineBinXmlError("unexpected token 0x%02x in an element" % token)
        if text:
            element.text = "".join(text)
        return element

    def _content_text(self) -> str:
        """The value of an attribute: one or more value tokens."""
        parts = []
        while self.pos < self.end and self.buf[self.pos] & 0x0F == 0x05:
            self.pos += 1
            parts.append(self._value())
        return "".join(parts)


def record_element(buf, chunk_offset: int, record) -> ET.Element:
    """The XML of one record as an ElementTree element."""
    payload = record._offset + RECORD_HEADER_SIZE
    uses_template = buf[payload] == 0x0F and buf[payload + 4] & 0x0F == 0x0C
    if not uses_template and buf[payload] == 0x0F and buf[payload + 4] & 0x0F == 0x01:
        end = record._offset + record.size() - 4
        return InlineBinXml(buf, chunk_offset, payload, end).parse()
    return ET.fromstring(record.xml())


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: ET.Element | None, name: str) -> ET.Element | None:
    if element is None:
        return None
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def event_from_element(root: ET.Element, header_record_id: int, header_ticks: int) -> dict:
    """A plain dict of what the rules need from one record.

    `data` holds EventData/Data by Name, or the fields of the element inside UserData (1102)."""
    system = _child(root, "System")
    provider = _child(system, "Provider")
    event_id = _child(system, "EventID")
    time_created = _child(system, "TimeCreated")
    record_id = _child(system, "EventRecordID")

    ticks = None
    if time_created is not None and time_created.get("SystemTime"):
        ticks = iso_to_ticks(time_created.get("SystemTime"))
    if ticks is None:
        ticks = header_ticks

    data: dict[str, str | None] = {}
    event_data = _child(root, "EventData")
    if event_data is not None:
        for item in event_data:
            if _local(item.tag) == "Data" and item.get("Name") is not None:
                data[item.get("Name")] = item.text
    user_data = _child(root, "UserData")
    if user_data is not None:
        for inner in user_data:
            for item in inner:
                data[_local(item.tag)] = item.text

    def text(element):
        return element.text.strip() if element is not None and element.text else None

    return {
        "provider": provider.get("Name") if provider is not None else None,
        "event_id": parse_int(text(event_id)),
        "computer": text(_child(system, "Computer")) or "",
        "channel": text(_child(system, "Channel")),
        "record_id": parse_int(text(record_id)) or header_record_id,
        "time": ticks,
        "data": data,
    }


FILE_MAGIC = b"ElfFile\x00"
CHUNK_HEADER_SIZE = 0x200


def read_file(path: str) -> tuple[dict, list[dict]]:
    """Read one file: its summary (name, size, records, errors) and its events.

    Every 64 KiB chunk after the file header is read, not only as many as the file header
    counts. A file cut inside a chunk keeps the records of that chunk that lie wholly before
    the cut (the chunk is padded with zeros so that python-evtx can walk it)."""
    name = os.path.basename(path)
    summary = {"name": name, "size": os.path.getsize(path), "records": 0, "errors": []}
    events: list[dict] = []
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != FILE_MAGIC:
        summary["errors"].append("not an EVTX file (bad file signature)")
        return summary, events
    try:
        header = evtx.FileHeader(data, 0)
        first_chunk = header.header_chunk_size()
        if len(data) < first_chunk:
            summary["errors"].append("file too short: the file header is cut")
            return summary, events
        tail = (len(data) - first_chunk) % CHUNK_SIZE
        if tail:
            summary["errors"].append(
                "file ends inside chunk %d (%d of %d bytes): records past the end are lost"
                % ((len(data) - first_chunk) // CHUNK_SIZE, tail, CHUNK_SIZE)
            )
        buf = data + bytes(CHUNK_SIZE - tail) if tail else data
    except Exception as error:  # python-evtx raises many kinds of exceptions
        summary["errors"].append("cannot read file: %s: %s" % (type(error).__name__, error))
        return summary, events
    index = 0
    for chunk_offset in range(first_chunk, len(buf), CHUNK_SIZE):
        if chunk_offset + CHUNK_HEADER_SIZE > len(data):
            break  # not even the chunk's header is in the file
        read_chunk(buf, index, chunk_offset, len(data), name, summary, events)
        index += 1
    return summary, events


def read_chunk(buf, index, chunk_offset, data_end, file_name, summary, events):
    """The records of one chunk; `data_end` is where the file's real bytes end."""
    magic = bytes(buf[chunk_offset : chunk_offset + 8])
    if magic != CHUNK_MAGIC:
        if any(buf[chunk_offset : chunk_offset + CHUNK_SIZE]):
            summary["errors"].append(
                "chunk %d at offset %d: bad signature %r" % (index, chunk_offset, magic)
            )
        return  # an all-zero chunk is simply unused
    chunk = evtx.ChunkHeader(buf, chunk_offset)
    try:
        for record in chunk.records():
            if record._offset + record.size() > data_end:
                break  # cut by the end of the file
            summary["records"] += 1
            try:
                root = record_element(buf, chunk_offset, record)
                event = event_from_element(root, record.record_num(), record.unpack_qword(16))
            except Exception as error:
                summary["errors"].append(
                    "record %d at offset %d: %s: %s"
                    % (record.record_num(), record._offset, type(error).__name__, error)
                )
                continue
            event["file"] = file_name
            events.append(event)
    except Exception as error:
        summary["errors"].append(
            "chunk %d at offset %d: %s: %s" % (index, chunk_offset, type(error).__name__, error)
        )


# ---------------------------------------------------------------------------------------------
# 3. Normalisation of values
# ---------------------------------------------------------------------------------------------


def parse_int(text: str | None) -> int | None:
    """`0x3E7`, `0x00000000000003e7`, `999` -> 999; None for `-`, empty or garbage."""
    if text is None:
        return None
    text = text.strip()
    if not text or text == "-":
        return None
    try:
        if text.lower().startswith("0x"):
            return int(text[2:], 16)
        return int(text, 10)
    except ValueError:
        return None


def hex_id(value: int | None) -> str | None:
    return None if value is None else "0x%x" % value


def status_hex(text: str | None) -> str | None:
    value = parse_int(text)
    return None if value is None else "0x%08x" % (value & 0xFFFFFFFF)


def string_value(text: str | None) -> str | None:
    """README: a string whose value is `-` or empty is null; others are kept exactly."""
    if text is None or text == "" or text == "-":
        return None
    return text


LOGON_TYPE_NAMES = {
    0: "System",
    2: "Interactive",
    3: "Network",
    4: "Batch",
    5: "Service",
    7: "Unlock",
    8: "NetworkCleartext",
    9: "NewCredentials",
    10: "RemoteInteractive",
    11: "CachedInteractive",
}


def logon_type_name(logon_type: int | None) -> str | None:
    if logon_type is None:
        return None
    return LOGON_TYPE_NAMES.get(logon_type, str(logon_type))


def elevated_value(text: str | None) -> bool | None:
    if text is None:
        return None
    text = text.strip()
    if text == "%%1842":
        return True
    if text == "%%1843":
        return False
    return None


# ---------------------------------------------------------------------------------------------
# 4. The rules
# ---------------------------------------------------------------------------------------------

SECURITY_PROVIDER = "Microsoft-Windows-Security-Auditing"
EVENTLOG_PROVIDER = "Microsoft-Windows-Eventlog"
SECURITY_EVENTS = {4608, 4609, 4624, 4625, 4634, 4647, 4648, 4672, 4778, 4779, 4800, 4801}
EVENTLOG_EVENTS = {1100, 1102}
BOUNDARY_REASONS = {4608: "startup", 4609: "shutdown", 1100: "shutdown"}


def counts(event: dict) -> bool:
    """Only the provider named in SESSIONS.md's table counts for each id."""
    if event["event_id"] in SECURITY_EVENTS:
        return event["provider"] == SECURITY_PROVIDER
    if event["event_id"] in EVENTLOG_EVENTS:
        return event["provider"] == EVENTLOG_PROVIDER
    return False


def deduplicate(events: list[dict]) -> list[dict]:
    """A record present in several inputs counts once (the first one read is kept)."""
    seen = set()
    unique = []
    for event in events:
        key = (event["computer"], event["channel"], event["record_id"], event["time"],
               event["event_id"])
        if key in seen:
            continue
        seen.add(key)
        unique.append(event)
    return unique


def processing_order(events: list[dict]) -> dict[str, list[dict]]:
    """Events per Computer, in (TimeCreated, EventRecordID) order."""
    by_computer: dict[str, list[dict]] = {}
    for event in events:
        by_computer.setdefault(event["computer"], []).append(event)
    for computer_events in by_computer.values():
        computer_events.sort(key=lambda e: (e["time"], e["record_id"]))
    return by_computer


def new_session(computer: str, logon_id: int) -> dict:
    return {
        "computer": computer,
        "logon_id": hex_id(logon_id),
        "linked_logon_id": None,
        "user_sid": None,
        "user": None,
        "domain": None,
        "logon_type": None,
        "logon_type_name": None,
        "start": None,
        "end": None,
        "end_reason": None,
        "duration_seconds": None,
        "logon_events": 0,
        "source_ip": None,
        "source_port": None,
        "workstation": None,
        "logon_process": None,
        "auth_package": None,
        "lm_package": None,
        "process_name": None,
        "elevated": None,
        "admin": False,
        "record_ids": [],
        "user_logoff_time": None,
        "impersonation_level": None,
        "explicit_credentials": [],
        "rdp_events": [],
        "lock_events": [],
    }


class Engine:
    """The session rules for the events of one Computer, fed in processing order."""

    def __init__(self, computer: str):
        self.computer = computer
        self.open: dict[int, dict] = {}  # logon id -> open session
        self.closed: list[dict] = []

    # -- helpers --------------------------------------------------------------------------

    def _end(self, session: dict, end: int | None, reason: str) -> None:
        session["end"] = end
        session["end_reason"] = reason
        self.closed.append(session)

    def _open_session_for(self, event: dict, field: str) -> dict | None:
        logon_id = parse_int(event["data"].get(field))
        return None if logon_id is None else self.open.get(logon_id)

    # -- rule 1: 4624 ---------------------------------------------------------------------

    def logon(self, event: dict) -> None:
        data = event["data"]
        logon_id = parse_int(data.get("TargetLogonId"))
        if logon_id is None:
            return
        user_sid = string_value(data.get("TargetUserSid"))
        current = self.open.get(logon_id)
        if current is not None:
            if current["start"] is not None and current["user_sid"] == user_sid:
                current["logon_events"] += 1  # a repeat logon into the same logon session
                current["record_ids"].append(event["record_id"])
                return
            del self.open[logon_id]
            self._end(current, None, "superseded")
        session = new_session(self.computer, logon_id)
        logon_type = parse_int(data.get("LogonType"))
        linked = parse_int(data.get("TargetLinkedLogonId"))
        session.update(
            linked_logon_id=hex_id(linked) if linked else None,
            user_sid=user_sid,
            user=string_value(data.get("TargetUserName")),
            domain=string_value(data.get("TargetDomainName")),
            logon_type=logon_type,
            logon_type_name=logon_type_name(logon_type),
            start=event["time"],
            logon_events=1,
            source_ip=string_value(data.get("IpAddress")),
            source_port=parse_int(data.get("IpPort")),
            workstation=string_value(data.get("WorkstationName")),
            logon_process=string_value(data.get("LogonProcessName")),
            auth_package=string_value(data.get("AuthenticationPackageName")),
            lm_package=string_value(data.get("LmPackageName")),
            process_name=string_value(data.get("ProcessName")),
            elevated=elevated_value(data.get("ElevatedToken")),
        )
        session["record_ids"].append(event["record_id"])
        self.open[logon_id] = session

    # -- rule 4: orphans ------------------------------------------------------------------

    def _session_or_orphan(self, event: dict) -> dict | None:
        """The open session of a 4634/4647, or an orphan made from the logoff event."""
        data = event["data"]
        logon_id = parse_int(data.get("TargetLogonId"))
        if logon_id is None:
            return None
        session = self.open.get(logon_id)
        if session is None:
            session = new_session(self.computer, logon_id)
            session.update(
                user_sid=string_value(data.get("TargetUserSid")),
                user=string_value(data.get("TargetUserName")),
                domain=string_value(data.get("TargetDomainName")),
            )
            if event["event_id"] == 4634:
                session["logon_type"] = parse_int(data.get("LogonType"))
                session["logon_type_name"] = logon_type_name(session["logon_type"])
            self.open[logon_id] = session
        return session

    # -- rule 2: 4647 ---------------------------------------------------------------------

    def user_logoff(self, event: dict) -> None:
        session = self._session_or_orphan(event)
        if session is None:
            return
        if session["user_logoff_time"] is None:
            session["user_logoff_time"] = event["time"]
        session["record_ids"].append(event["record_id"])

    # -- rule 3: 4634 ---------------------------------------------------------------------

    def logoff(self, event: dict) -> None:
        session = self._session_or_orphan(event)
        if session is None:
            return
        session["record_ids"].append(event["record_id"])
        del self.open[parse_int(event["data"].get("TargetLogonId"))]
        reason = "user_logoff" if session["user_logoff_time"] is not None else "logoff"
        self._end(session, event["time"], reason)

    # -- rule 5: boundaries ---------------------------------------------------------------

    def boundary(self, event: dict) -> None:
        reason = BOUNDARY_REASONS[event["event_id"]]
        for session in self.open.values():
            if session["user_logoff_time"] is not None:
                self._end(session, session["user_logoff_time"], "user_logoff")
            else:
                self._end(session, event["time"], reason)
        self.open = {}

    # -- rule 6: end of input -------------------------------------------------------------

    def end_of_input(self) -> None:
        for session in self.open.values():
            if session["user_logoff_time"] is not None:
                self._end(session, session["user_logoff_time"], "user_logoff")
            else:
                self._end(session, None, "log_end")
        self.open = {}

    # -- attached events ------------------------------------------------------------------

    def special_privileges(self, event: dict) -> None:  # 4672
        session = self._open_session_for(event, "SubjectLogonId")
        if session is not None:
            session["admin"] = True
            session["record_ids"].append(event["record_id"])

    def explicit_credentials(self, event: dict) -> None:  # 4648
        session = self._open_session_for(event, "SubjectLogonId")
        if session is None:
            return
        data = event["data"]
        session["explicit_credentials"].append({
            "time": event["time"],
            "record_id": event["record_id"],
            "target_user": string_value(data.get("TargetUserName")),
            "target_domain": string_value(data.get("TargetDomainName")),
            "target_server": string_value(data.get("TargetServerName")),
            "target_info": string_value(data.get("TargetInfo")),
            "process_name": string_value(data.get("ProcessName")),
            "source_ip": string_value(data.get("IpAddress")),
        })
        session["record_ids"].append(event["record_id"])

    def rdp(self, event: dict) -> None:  # 4778, 4779 (note the spelling LogonID)
        session = self._open_session_for(event, "LogonID")
        if session is None:
            return
        data = event["data"]
        session["rdp_events"].append({
            "time": event["time"],
            "record_id": event["record_id"],
            "action": "reconnect" if event["event_id"] == 4778 else "disconnect",
            "session_name": string_value(data.get("SessionName")),
            "client_name": string_value(data.get("ClientName")),
            "client_address": string_value(data.get("ClientAddress")),
        })
        session["record_ids"].append(event["record_id"])

    def lock(self, event: dict) -> None:  # 4800, 4801
        session = self._open_session_for(event, "TargetLogonId")
        if session is None:
            return
        session["lock_events"].append({
            "time": event["time"],
            "record_id": event["record_id"],
            "action": "lock" if event["event_id"] == 4800 else "unlock",
        })
        session["record_ids"].append(event["record_id"])

    def feed(self, event: dict) -> None:
        handler = {
            4624: self.logon,
            4647: self.user_logoff,
            4634: self.logoff,
            4608: self.boundary,
            4609: self.boundary,
            1100: self.boundary,
            4672: self.special_privileges,
            4648: self.explicit_credentials,
            4778: self.rdp,
            4779: self.rdp,
            4800: self.lock,
            4801: self.lock,
        }.get(event["event_id"])
        if handler is not None:
            handler(event)


# -- rule 7 and the output form of a session ------------------------------------------------


def finish_session(session: dict) -> dict:
    """Rule 7 (duration) and ticks -> ISO text, in the field order of report.rs."""
    out = dict(session)
    if session["start"] is not None and session["end"] is not None:
        out["duration_seconds"] = (session["end"] - session["start"]) / TICKS_PER_SECOND
    for field in ("start", "end", "user_logoff_time"):
        if out[field] is not None:
            out[field] = ticks_to_iso(out[field])
    for attached in ("explicit_credentials", "rdp_events", "lock_events"):
        out[attached] = [dict(item, time=ticks_to_iso(item["time"])) for item in session[attached]]
    return out


def session_sort_key(session: dict):
    """(computer, start with null first, logon id as a number)."""
    start = session["start"]
    return (session["computer"], start is not None, start or 0, int(session["logon_id"], 16))


def failure_from(event: dict) -> dict:
    """A 4625: listed, never a session."""
    data = event["data"]
    logon_type = parse_int(data.get("LogonType"))
    return {
        "computer": event["computer"],
        "time": event["time"],
        "user": string_value(data.get("TargetUserName")),
        "domain": string_value(data.get("TargetDomainName")),
        "user_sid": string_value(data.get("TargetUserSid")),
        "logon_type": logon_type,
        "logon_type_name": logon_type_name(logon_type),
        "status": status_hex(data.get("Status")),
        "sub_status": status_hex(data.get("SubStatus")),
        "reason": None,
        "failure_reason": None,
        "source_ip": string_value(data.get("IpAddress")),
        "source_port": parse_int(data.get("IpPort")),
        "workstation": string_value(data.get("WorkstationName")),
        "process_name": string_value(data.get("ProcessName")),
        "logon_process": string_value(data.get("LogonProcessName")),
        "auth_package": string_value(data.get("AuthenticationPackageName")),
        "record_id": event["record_id"],
    }


def log_cleared_from(event: dict) -> dict:
    """A 1102: the audit log was cleared."""
    data = event["data"]
    user = string_value(data.get("SubjectUserName"))
    domain = string_value(data.get("SubjectDomainName"))
    who = "\\".join(part for part in (domain, user) if part) or "an unknown user"
    return {
        "kind": "log_cleared",
        "file": event.get("file"),
        "computer": event["computer"],
        "time": event["time"],
        "record_id": event["record_id"],
        "user": user,
        "domain": domain,
        "count": None,
        "offset": None,
        "message": "the audit log of %s was cleared by %s" % (event["computer"], who),
    }


def reconstruct(events: list[dict]) -> dict:
    """Sessions, failures and log_cleared warnings of already-read events.

    Each event is a dict: provider, event_id, computer, channel, record_id, time (FILETIME
    ticks), data (field name -> text), and optionally file. test_oracle.py calls this
    directly with hand-built events."""
    events = [event for event in deduplicate(events) if counts(event)]
    sessions = []
    failures = []
    warnings = []
    for computer, computer_events in processing_order(events).items():
        engine = Engine(computer)
        for event in computer_events:
            if event["event_id"] == 4625:
                failures.append(failure_from(event))
            elif event["event_id"] == 1102:
                warnings.append(log_cleared_from(event))
            else:
                engine.feed(event)
        engine.end_of_input()
        sessions.extend(engine.closed)
    sessions.sort(key=session_sort_key)
    failures.sort(key=lambda f: (f["computer"], f["time"], f["record_id"]))
    warnings.sort(key=lambda w: (w["computer"], w["time"], w["record_id"]))
    for item in failures + warnings:
        item["time"] = ticks_to_iso(item["time"])
    return {
        "sessions": [finish_session(session) for session in sessions],
        "failures": failures,
        "warnings": warnings,
    }


# ---------------------------------------------------------------------------------------------
# 5. The report and the command line
# ---------------------------------------------------------------------------------------------


def build_report(paths: list[str]) -> dict:
    files = []
    events = []
    for path in paths:
        summary, file_events = read_file(path)
        files.append(summary)
        events.extend(file_events)
    result = reconstruct(events)
    return {"files": files, **result}


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    report = build_report(argv)
    for summary in report["files"]:
        for error in summary["errors"]:
            print("%s: %s" % (summary["name"], error), file=sys.stderr)
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
