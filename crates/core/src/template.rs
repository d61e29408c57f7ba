//! Reading the fields of `SESSIONS.md` straight from a chunk's records, without rendering them.
//!
//! A record of the Windows event log is a template instance: a template definition, written
//! once per chunk, holds the whole `<Event>` XML with numbered substitution slots, and each
//! record holds only the values of those slots. So each template a chunk uses is read once to
//! learn which slot holds which field ([`Template`]), and each record is then read by slot
//! number, decoding only the values a report needs, as text rendered the way `evtx` renders it.
//!
//! This is the fast way; rendering every record to JSON ([`crate::extract::JsonRecord`]) is the
//! plain way, and the fast way must give exactly what the plain way gives. So it never guesses:
//! anything it is not sure to read the same (a chunk whose checksum fails, a record that is not
//! one template instance, a field built in an unusual way, a value type it does not render)
//! makes it give up on the whole chunk, which is then read the plain way.

use std::borrow::Cow;
use std::cell::Cell;

use evtx::{ChunkFlags, EvtxChunkHeader};

use crate::extract::{DataField, Integer, RecordValues, SystemField, is_empty_marker, is_wanted};
use crate::scan::CHUNK_SIZE;
use crate::text::{Form, Interner, Text};
use crate::time::Timestamp;

mod known;
pub use known::KnownTemplates;
use known::{NameRef, NameTarget};

/// Why the fast way gave up on a chunk (which is then read the plain way). Tests and the
/// benchmark say how often, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GiveUp(pub &'static str);

type Fast<T> = Result<T, GiveUp>;

/// Where a chunk's records start: after its 512-byte header.
const RECORDS_START: usize = 512;
const RECORD_MAGIC: &[u8; 4] = b"\x2a\x2a\x00\x00";
const RECORD_HEADER_SIZE: usize = 24;

/// BinXML tokens (MS-EVEN6 2.2.12); `MORE` is the flag of "attributes follow" / "more
/// attributes follow". (The synthetic log writer writes with these too.)
pub mod token {
    pub const EOF: u8 = 0x00;
    pub const OPEN_START_ELEMENT: u8 = 0x01;
    pub const CLOSE_START_ELEMENT: u8 = 0x02;
    pub const CLOSE_EMPTY_ELEMENT: u8 = 0x03;
    pub const END_ELEMENT: u8 = 0x04;
    pub const VALUE: u8 = 0x05;
    pub const ATTRIBUTE: u8 = 0x06;
    pub const TEMPLATE_INSTANCE: u8 = 0x0c;
    pub const NORMAL_SUBSTITUTION: u8 = 0x0d;
    pub const OPTIONAL_SUBSTITUTION: u8 = 0x0e;
    pub const FRAGMENT_HEADER: u8 = 0x0f;
    pub const MORE: u8 = 0x40;
}

/// Substitution value types (MS-EVEN6 2.2.18) that the fast way reads (and the synthetic log
/// writer writes).
pub mod value {
    pub const NULL: u8 = 0x00;
    pub const STRING: u8 = 0x01;
    pub const INT8: u8 = 0x03;
    pub const UINT8: u8 = 0x04;
    pub const INT16: u8 = 0x05;
    pub const UINT16: u8 = 0x06;
    pub const INT32: u8 = 0x07;
    pub const UINT32: u8 = 0x08;
    pub const INT64: u8 = 0x09;
    pub const UINT64: u8 = 0x0a;
    pub const REAL32: u8 = 0x0b;
    pub const REAL64: u8 = 0x0c;
    pub const BOOL: u8 = 0x0d;
    pub const BINARY: u8 = 0x0e;
    pub const GUID: u8 = 0x0f;
    pub const SIZE_T: u8 = 0x10;
    pub const FILETIME: u8 = 0x11;
    pub const SYSTIME: u8 = 0x12;
    pub const SID: u8 = 0x13;
    pub const HEX_INT32: u8 = 0x14;
    pub const HEX_INT64: u8 = 0x15;
    pub const BIN_XML: u8 = 0x21;
}

/// FILETIME of 10000-01-01: `evtx` writes years modulo 10,000, so later times are not read
/// the fast way.
const YEAR_10000: u64 = 2_650_467_744_000_000_000;

/// Reads every record of a whole, intact chunk the fast way, handing `each` its header's
/// record id and time and its values; or gives up (possibly after some records were handed
/// on: the caller then drops what it made of them). `known` holds the templates of the
/// chunks read before (of the same file, usually), and gets this chunk's.
pub fn read_chunk(
    data: &[u8],
    known: &mut KnownTemplates,
    mut each: impl FnMut(u64, Timestamp, &dyn RecordValues),
) -> Fast<()> {
    if data.len() != CHUNK_SIZE as usize {
        return Err(GiveUp("not a whole chunk"));
    }
    if !data.starts_with(b"ElfChnk\0") && data.iter().all(|b| *b == 0) {
        // Unused space (Windows preallocates): no records, as the plain way says too.
        return Ok(());
    }
    let header = EvtxChunkHeader::from_bytes(data).map_err(|_| GiveUp("unreadable header"))?;
    if !checksums_match(data, &header) {
        return Err(GiveUp("checksum mismatch"));
    }
    let live_end = (header.free_space_offset as usize).min(data.len());
    let mut templates = Templates {
        read: Vec::new(),
        names: NameCache::new(),
        known,
    };
    let mut slots: Vec<Slot<'_>> = Vec::new();
    let mut nested_slots: Vec<Slot<'_>> = Vec::new();
    let last_provider = Cell::new(None);
    let mut offset = RECORDS_START;
    while offset < live_end {
        let record = data
            .get(offset..offset + RECORD_HEADER_SIZE)
            .ok_or(GiveUp("record header cut"))?;
        if &record[..4] != RECORD_MAGIC {
            return Err(GiveUp("no record magic where a record should start"));
        }
        let size = u32_at(record, 4) as usize;
        let header_id = u64_at(record, 8);
        let filetime = u64_at(record, 16);
        if size < RECORD_HEADER_SIZE + 4 || offset + size > live_end {
            return Err(GiveUp("record size out of bounds"));
        }
        // evtx cannot give the header time of a FILETIME beyond what a timestamp holds.
        if filetime >= YEAR_10000 {
            return Err(GiveUp("record header time out of range"));
        }
        let binxml = offset + RECORD_HEADER_SIZE..offset + size - 4;
        slots.clear();
        let (template, binxml) =
            read_instance(data, binxml, Root::Event, &mut templates, &mut slots)?;
        let outer = &templates.read[template].1;
        let nested = match (nested_data(data, outer, &slots, binxml)?, outer.data_slot) {
            (Some(range), Some((_, parent))) => {
                nested_slots.clear();
                let root = Root::Inside(parent);
                let (nested, _) =
                    read_instance(data, range, root, &mut templates, &mut nested_slots)?;
                Some(nested)
            }
            _ => None,
        };
        let values = Values {
            data,
            template: &templates.read[template].1,
            slots: &slots,
            nested: nested.map(|index| (&templates.read[index].1, nested_slots.as_slice())),
            problem: Cell::new(None),
            last_provider: &last_provider,
        };
        values.check_wanted()?;
        each(header_id, Timestamp(filetime), &values);
        if let Some(problem) = values.problem.get() {
            return Err(problem);
        }
        if header_id == header.last_event_record_id {
            break;
        }
        offset += size;
    }
    Ok(())
}

/// Whether the chunk's checksums match (or it says it has none), as `evtx` checks them.
fn checksums_match(data: &[u8], header: &EvtxChunkHeader) -> bool {
    if header.flags.contains(ChunkFlags::NO_CRC32) {
        return true;
    }
    let mut header_bytes = [0u8; 120 + 384];
    header_bytes[..120].copy_from_slice(&data[..120]);
    header_bytes[120..].copy_from_slice(&data[128..512]);
    if crate::crc32::checksum(&header_bytes) != header.header_chunk_checksum {
        return false;
    }
    data.get(RECORDS_START..header.free_space_offset as usize)
        .is_some_and(|records| crate::crc32::checksum(records) == header.events_checksum)
}

/// Where the named values of a record are, when they are a nested template instance (as
/// Windows writes them: the record's template holds `<System>` and one BinXML slot for the
/// whole `<EventData>` or `<UserData>`, itself an instance of a template of its own).
/// Every other nested BinXML value makes the fast way give up.
fn nested_data(
    data: &[u8],
    template: &Template,
    slots: &[Slot<'_>],
    binxml: BinXmlSlots,
) -> Fast<Option<std::ops::Range<usize>>> {
    let index = match binxml {
        BinXmlSlots::None => return Ok(None),
        BinXmlSlots::One(index) => index,
        // (Only one can be the named values.)
        BinXmlSlots::Several => return Err(GiveUp("nested BinXML outside the named values")),
    };
    if template.data_slot.map(|(slot, _)| usize::from(slot)) != Some(index) {
        return Err(GiveUp("nested BinXML outside the named values"));
    }
    match slots.get(index) {
        // evtx reads an empty one as null.
        Some(slot) if !slot.bytes.is_empty() && !left_out(&template.data_deps, slots) => {
            let start = slot.bytes.as_ptr() as usize - data.as_ptr() as usize;
            Ok(Some(start..start + slot.bytes.len()))
        }
        _ => Ok(None),
    }
}

/// Which of a record's values are nested BinXML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BinXmlSlots {
    None,
    One(usize),
    Several,
}

/// Where a template's root stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Root {
    /// A record's own template: its root is `<Event>`.
    Event,
    /// The template of a record's named values, nested in a slot of this element of the
    /// record's template (`Event`, `EventData` or `UserData`).
    Inside(Name),
}

/// Reads the record BinXML at `range`: one template instance, whose values go to `slots`.
/// Gives the index of its template in `templates` (read on its first use in the chunk), and
/// which values are nested BinXML (told while they are read: see [`nested_data`]).
fn read_instance<'c>(
    data: &'c [u8],
    range: std::ops::Range<usize>,
    root: Root,
    templates: &mut Templates,
    slots: &mut Vec<Slot<'c>>,
) -> Fast<(usize, BinXmlSlots)> {
    let mut cursor = Cursor::new(data, range.start, range.end);
    if cursor.peek()? == token::FRAGMENT_HEADER {
        cursor.skip(4)?;
    }
    if cursor.u8()? != token::TEMPLATE_INSTANCE {
        return Err(GiveUp("record is not a template instance"));
    }
    cursor.skip(1 + 4)?;
    let definition = cursor.u32()?;
    if cursor.pos == definition as usize {
        // The definition is written here, inside the first record that uses it.
        cursor.skip(4 + 16)?;
        let size = cursor.u32()? as usize;
        cursor.skip(size)?;
    }
    let template = match templates
        .read
        .iter()
        .position(|(at, template)| *at == definition && template.root == root)
    {
        Some(index) => index,
        None => {
            let template = templates.template_at(data, definition, root)?;
            templates.read.push((definition, template));
            templates.read.len() - 1
        }
    };
    let count = cursor.u32()? as usize;
    let descriptors = cursor.take(count.checked_mul(4).ok_or(GiveUp("count"))?)?;
    // (The bytes up to the record's end: the cursor's end is within the chunk.)
    let record = &data[..cursor.end];
    let mut at = cursor.pos;
    // Every value of every record passes here: the slots are written in one go, and the first
    // problem met is kept, to give up on after them all.
    let mut problem = None;
    let mut binxml = BinXmlSlots::None;
    let first = slots.len();
    slots.extend(
        descriptors
            .as_chunks::<4>()
            .0
            .iter()
            .enumerate()
            .map(|(index, descriptor)| {
                let size = usize::from(u16::from_le_bytes([descriptor[0], descriptor[1]]));
                let kind = descriptor[2];
                if kind == value::BIN_XML {
                    binxml = match binxml {
                        BinXmlSlots::None => BinXmlSlots::One(first + index),
                        _ => BinXmlSlots::Several,
                    };
                }
                let bytes = match record.get(at..at + size) {
                    Some(bytes) => bytes,
                    None => {
                        problem.get_or_insert(GiveUp("value past the record"));
                        &[]
                    }
                };
                at += size;
                if let Err(why) = check_value(kind, bytes) {
                    problem.get_or_insert(why);
                }
                Slot { kind, bytes }
            }),
    );
    if let Some(why) = problem {
        return Err(why);
    }
    // Only the end-of-stream token may follow the values.
    if record.get(at).is_some_and(|byte| *byte != token::EOF) {
        return Err(GiveUp("something follows the template instance"));
    }
    Ok((template, binxml))
}

/// Gives up on values `evtx` would read differently, or reject: sizes that do not fit their
/// type, odd-length or broken UTF-16, nested BinXML and types not read here.
///
/// Every value of every record passes here (a record holds a few dozen), so the values that
/// plainly pass are told apart inline, in a few instructions; the rest (and the reason to give
/// up) are left to [`check_value_fully`].
#[inline(always)]
fn check_value(kind: u8, bytes: &[u8]) -> Fast<()> {
    let passes = match kind {
        value::STRING => bytes.len().is_multiple_of(2) && !has_surrogate(bytes),
        value::NULL | value::BINARY | value::BIN_XML => true,
        value::SID => check_sid(bytes).is_ok(),
        _ => fixed_size(kind) == Some(bytes.len()),
    };
    match passes {
        true => Ok(()),
        false => check_value_fully(kind, bytes),
    }
}

/// The size of the values of a fixed-size type.
fn fixed_size(kind: u8) -> Option<usize> {
    match kind {
        value::INT8 | value::UINT8 => Some(1),
        value::INT16 | value::UINT16 => Some(2),
        value::INT32 | value::UINT32 | value::REAL32 | value::BOOL | value::HEX_INT32 => Some(4),
        value::INT64 | value::UINT64 | value::REAL64 | value::FILETIME | value::HEX_INT64 => {
            Some(8)
        }
        value::GUID | value::SYSTIME => Some(16),
        _ => None,
    }
}

/// [`check_value`], for the values it does not pass at a glance.
#[cold]
#[inline(never)]
fn check_value_fully(kind: u8, bytes: &[u8]) -> Fast<()> {
    match kind {
        value::NULL | value::BINARY => Ok(()),
        value::STRING if !bytes.len().is_multiple_of(2) => Err(GiveUp("odd-length string")),
        value::STRING => match valid_utf16(bytes) {
            true => Ok(()),
            false => Err(GiveUp("unpaired surrogate in a string")),
        },
        value::SIZE_T if bytes.len() == 4 || bytes.len() == 8 => Ok(()),
        value::SID => check_sid(bytes),
        // Nested BinXML: only the one that holds a record's named values is read (see
        // `read_chunk`); any other makes the fast way give up there.
        value::BIN_XML => Ok(()),
        _ => match fixed_size(kind) {
            Some(size) if size == bytes.len() => Ok(()),
            Some(_) => Err(GiveUp("a value whose size does not fit its type")),
            None => Err(GiveUp("a value type the fast way does not read")),
        },
    }
}

fn check_sid(bytes: &[u8]) -> Fast<()> {
    match bytes {
        [_, count, ..] if bytes.len() == 8 + 4 * usize::from(*count) => Ok(()),
        _ => Err(GiveUp("a SID whose size does not fit it")),
    }
}

/// One substitution value of a record.
#[derive(Clone, Copy)]
struct Slot<'c> {
    kind: u8,
    bytes: &'c [u8],
}

/// The templates of a chunk read so far (by definition offset), the names they use, and the
/// templates of earlier chunks.
struct Templates<'k> {
    read: Vec<(u32, Template)>,
    names: NameCache,
    known: &'k mut KnownTemplates,
}

impl Templates<'_> {
    /// The template whose definition is at chunk offset `at`: one read in an earlier chunk
    /// when it is the same, else read now.
    fn template_at(&mut self, data: &[u8], at: u32, root: Root) -> Fast<Template> {
        let at = at as usize;
        let header = data
            .get(at..at + 24)
            .ok_or(GiveUp("template past the chunk"))?;
        let mut guid = [0u8; 16];
        guid.copy_from_slice(&header[4..20]);
        let size = u32_at(header, 20) as usize;
        let start = at + 24;
        let definition = start
            .checked_add(size)
            .and_then(|end| data.get(start..end))
            .ok_or(GiveUp("template past the chunk"))?;
        if let Some(template) = self.known.find(data, root, guid, definition, start as u32) {
            return Ok(template);
        }
        let (template, refs) =
            TemplateReader::new(data, root, &mut self.names).read(start, start + size)?;
        self.known
            .add(guid, definition, start as u32, refs, &template);
        Ok(template)
    }
}

/// The names a chunk's templates refer to, by chunk offset: one offset is shared by every
/// template that uses the name (`Data`, `Name`...), so each is looked up once per chunk.
type NameCache = Vec<(u32, Option<&'static str>)>;

/// Where a field's value comes from in a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Place {
    /// The template has no such field.
    #[default]
    Absent,
    /// The field's element is there but holds nothing.
    Empty,
    /// Text written in the template itself (UTF-16 at this chunk offset, this many units).
    Literal { at: u32, units: u16, deps: Deps },
    /// Substitution slot `index`.
    Slot { index: u16, deps: Deps },
    /// Built in a way the fast way does not read (several pieces, nested elements...).
    Unreadable,
}

/// The DependencyIds of the elements around a field: an element whose dependency is a null
/// value is left out, with everything in it. `NO_DEPENDENCY` fills the unused ones.
type Deps = [u16; 3];
const NO_DEPENDENCY: u16 = 0xffff;

/// What a template says about where the fields are.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Template {
    root: Root,
    system: [Place; SystemField::ALL.len()],
    /// The slot that holds the named values as nested BinXML, and the element it is in.
    data_slot: Option<(u16, Name)>,
    /// The dependencies of the elements around that slot.
    data_deps: Deps,
    fields: [Place; DataField::ALL.len()],
    /// Why the named values (EventData or UserData) cannot be read the fast way, if so.
    data_problem: Option<&'static str>,
    /// The provider name, when the template writes it as plain text (as Windows does): every
    /// record is asked for its provider, and this answers without reading UTF-16 each time.
    literal_provider: Option<String>,
}

impl Template {
    /// This template as read from a definition at chunk offset `from`, for the same
    /// definition at `to`: its literal texts are as far from the definition's start.
    fn relocated(&self, from: u32, to: u32) -> Template {
        let relocate = |place: &mut Place| {
            if let Place::Literal { at, .. } = place {
                *at = at.wrapping_sub(from).wrapping_add(to);
            }
        };
        let mut template = self.clone();
        template.system.iter_mut().for_each(relocate);
        template.fields.iter_mut().for_each(relocate);
        template
    }
}

/// An element open while a template is read.
struct Open {
    name: Name,
    dependency: u16,
    /// What the element holds so far (text, slots, child elements).
    content: Content,
    /// The value of its `Name` attribute (for `<Data Name="...">`).
    name_attribute: Content,
    /// The value of the attribute that holds its System field, if it has one.
    field_attribute: Content,
    children: u32,
}

impl Open {
    fn new(name: Name, dependency: u16) -> Self {
        Open {
            name,
            dependency,
            content: Content::Nothing,
            name_attribute: Content::Nothing,
            field_attribute: Content::Nothing,
            children: 0,
        }
    }
}

/// The names of elements the fast way looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Name {
    Event,
    System,
    EventData,
    UserData,
    Data,
    SystemField(SystemField),
    DataField(DataField),
    Other,
}

/// What an element, or an attribute, holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Content {
    Nothing,
    Text {
        at: u32,
        units: u16,
    },
    Slot(u16),
    /// More than one piece, or a piece of another kind.
    Complex,
}

impl Content {
    fn add(&mut self, piece: Content) {
        *self = match self {
            Content::Nothing => piece,
            _ => Content::Complex,
        };
    }
}

struct TemplateReader<'c, 'n> {
    data: &'c [u8],
    names: &'n mut NameCache,
    /// The chunk offsets where the definition's data starts and ends.
    span: (usize, usize),
    /// The name references read so far.
    refs: Vec<NameRef>,
    stack: Vec<Open>,
    /// The role of the attribute being read, if one is.
    attribute: Option<AttributeRole>,
    template: Template,
    event_data: bool,
    user_data_children: u32,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum AttributeRole {
    Name,
    Field,
    Other,
}

impl<'c, 'n> TemplateReader<'c, 'n> {
    fn new(data: &'c [u8], root: Root, names: &'n mut NameCache) -> Self {
        let mut stack = Vec::with_capacity(8);
        if let Root::Inside(parent) = root {
            stack.push(Open::new(Name::Event, NO_DEPENDENCY));
            if parent != Name::Event {
                stack.push(Open::new(parent, NO_DEPENDENCY));
            }
        }
        TemplateReader {
            data,
            names,
            span: (0, 0),
            refs: Vec::new(),
            stack,
            attribute: None,
            template: Template {
                root,
                system: [Place::Absent; SystemField::ALL.len()],
                data_slot: None,
                data_deps: [NO_DEPENDENCY; 3],
                fields: [Place::Absent; DataField::ALL.len()],
                data_problem: None,
                literal_provider: None,
            },
            event_data: false,
            user_data_children: 0,
        }
    }

    /// Reads the definition data from chunk offset `start` to `end`: the template, and where
    /// it refers to names.
    fn read(mut self, start: usize, end: usize) -> Fast<(Template, Vec<NameRef>)> {
        self.span = (start, end);
        let mut cursor = Cursor::new(self.data, start, end);
        while cursor.pos < end {
            let byte = cursor.u8()?;
            match byte & !token::MORE {
                token::EOF => break,
                token::FRAGMENT_HEADER => cursor.skip(3)?,
                token::OPEN_START_ELEMENT => {
                    let dependency = cursor.u16()?;
                    cursor.skip(4)?;
                    let name = self.name(&mut cursor)?;
                    if byte & token::MORE != 0 {
                        cursor.skip(4)?;
                    }
                    if let Some(parent) = self.stack.last_mut() {
                        parent.children += 1;
                    }
                    let name = self.classify(name);
                    self.stack.push(Open::new(name, dependency));
                    self.attribute = None;
                }
                token::ATTRIBUTE => {
                    let name = self.name(&mut cursor)?;
                    let element = self.stack.last().map(|open| open.name);
                    self.attribute = Some(match (element, self.utf16_name(name)) {
                        (Some(Name::Data), Some("Name")) => AttributeRole::Name,
                        (Some(Name::SystemField(field)), Some(attribute))
                            if field.attribute() == Some(attribute) =>
                        {
                            AttributeRole::Field
                        }
                        _ => AttributeRole::Other,
                    });
                }
                token::CLOSE_START_ELEMENT => self.attribute = None,
                token::CLOSE_EMPTY_ELEMENT | token::END_ELEMENT => {
                    self.attribute = None;
                    self.close()?;
                }
                token::VALUE => {
                    if cursor.u8()? != value::STRING {
                        return Err(GiveUp("a template value that is not text"));
                    }
                    let units = cursor.u16()?;
                    let at = cursor.pos as u32;
                    cursor.skip(usize::from(units) * 2)?;
                    self.piece(Content::Text { at, units });
                }
                token::NORMAL_SUBSTITUTION | token::OPTIONAL_SUBSTITUTION => {
                    let index = cursor.u16()?;
                    cursor.skip(1)?;
                    self.piece(Content::Slot(index));
                }
                _ => {
                    // Character and entity references, CDATA, processing instructions:
                    // nothing the events of interest are made of.
                    return Err(GiveUp("a template token the fast way does not read"));
                }
            }
        }
        let (open, roots) = match self.template.root {
            Root::Event => (0, None),
            Root::Inside(Name::Event) => (1, Some(1)),
            // The one element under UserData.
            Root::Inside(Name::UserData) => (2, Some(1)),
            Root::Inside(_) => (2, None),
        };
        if self.stack.len() != open {
            return Err(GiveUp("a template that does not close its elements"));
        }
        if let (Some(roots), Some(top)) = (roots, self.stack.last())
            && top.children != roots
        {
            self.template.data_problem = Some("nested named values of an unusual shape");
        }
        if let Place::Literal { at, units, deps } =
            self.template.system[SystemField::Provider as usize]
            && deps == [NO_DEPENDENCY; 3]
        {
            self.template.literal_provider = self
                .data
                .get(at as usize..at as usize + usize::from(units) * 2)
                .and_then(decode_utf16);
        }
        Ok((self.template, self.refs))
    }

    /// Reads an element or attribute name reference (the name itself is written in place at
    /// its first use in the chunk) and gives the chunk offset of the name.
    fn name(&mut self, cursor: &mut Cursor<'_>) -> Fast<u32> {
        let (start, end) = self.span;
        let pointer_at = (cursor.pos - start) as u32;
        let at = cursor.u32()?;
        let spelled = known::name_bytes(self.data, at);
        // Inside: the whole name, as far as it is read, lies within the definition (whose
        // bytes are compared); else what it spells is kept.
        let within = spelled.is_some_and(|bytes| at as usize + 6 + bytes.len() <= end);
        let target = match at as usize {
            inside if inside >= start && within => NameTarget::Inside {
                offset: (inside - start) as u32,
                inline: inside == cursor.pos,
            },
            _ => NameTarget::Outside(spelled.map(Box::from)),
        };
        self.refs.push(NameRef {
            at: pointer_at,
            target,
        });
        if at as usize == cursor.pos {
            cursor.skip(4 + 2)?;
            let units = cursor.u16()?;
            cursor.skip(usize::from(units) * 2 + 2)?;
        }
        Ok(at)
    }

    /// The name at chunk offset `at`, when it is one the fast way looks for.
    fn utf16_name(&mut self, at: u32) -> Option<&'static str> {
        if let Some((_, name)) = self.names.iter().find(|(offset, _)| *offset == at) {
            return *name;
        }
        let name = self.known_name_at(at);
        self.names.push((at, name));
        name
    }

    fn known_name_at(&self, at: u32) -> Option<&'static str> {
        // (Past the name's length: its UTF-16 units.)
        let bytes = known::name_bytes(self.data, at)?.get(2..)?;
        KNOWN_NAMES
            .iter()
            .find(|known| utf16_equals(bytes, known))
            .copied()
    }

    fn classify(&mut self, name: u32) -> Name {
        let Some(text) = self.utf16_name(name) else {
            return Name::Other;
        };
        let parent = self.stack.last().map(|open| open.name);
        let depth = self.stack.len();
        match (depth, parent, text) {
            (0, None, "Event") => Name::Event,
            (1, Some(Name::Event), "System") => Name::System,
            (1, Some(Name::Event), "EventData") => Name::EventData,
            (1, Some(Name::Event), "UserData") => Name::UserData,
            (2, Some(Name::System), _) => SystemField::ALL
                .iter()
                .find(|field| field.element() == text)
                .map_or(Name::Other, |field| Name::SystemField(*field)),
            (2, Some(Name::EventData), "Data") => Name::Data,
            (2, Some(Name::EventData), _) | (3, Some(Name::Other), _) => {
                match DataField::named(text) {
                    Some(field) if depth == 2 || self.under_user_data() => Name::DataField(field),
                    _ => Name::Other,
                }
            }
            _ => Name::Other,
        }
    }

    fn under_user_data(&self) -> bool {
        self.stack
            .get(1)
            .is_some_and(|open| open.name == Name::UserData)
    }

    fn piece(&mut self, piece: Content) {
        let Some(open) = self.stack.last_mut() else {
            return;
        };
        match self.attribute {
            Some(AttributeRole::Name) => open.name_attribute.add(piece),
            Some(AttributeRole::Field) => open.field_attribute.add(piece),
            Some(AttributeRole::Other) => {}
            None => open.content.add(piece),
        }
    }

    /// The dependencies of the open elements below the root (the root is always rendered).
    fn deps(&self) -> Fast<Deps> {
        let mut deps = [NO_DEPENDENCY; 3];
        let mut used = 0;
        for open in self.stack.iter().skip(1) {
            if open.dependency != NO_DEPENDENCY {
                *deps
                    .get_mut(used)
                    .ok_or(GiveUp("a field nested too deep"))? = open.dependency;
                used += 1;
            }
        }
        Ok(deps)
    }

    /// Where the value of the element being closed is, `content` being its text (or the
    /// attribute that holds it).
    fn place(&self, content: Content, children: u32) -> Fast<Place> {
        let deps = self.deps()?;
        if children > 0 {
            return Ok(Place::Unreadable);
        }
        Ok(match content {
            Content::Nothing => Place::Empty,
            Content::Text { at, units } => Place::Literal { at, units, deps },
            Content::Slot(index) => Place::Slot { index, deps },
            Content::Complex => Place::Unreadable,
        })
    }

    fn close(&mut self) -> Fast<()> {
        let Some(open) = self.stack.last() else {
            return Err(GiveUp("a template closes an element it did not open"));
        };
        match open.name {
            Name::SystemField(field) => {
                let content = match field.attribute() {
                    Some(_) => open.field_attribute,
                    None => open.content,
                };
                let place = self.place(content, open.children)?;
                let slot = &mut self.template.system[field as usize];
                *slot = match slot {
                    Place::Absent => place,
                    _ => Place::Unreadable,
                };
            }
            Name::Data => {
                let key = match open.name_attribute {
                    Content::Text { at, units } => self.literal_field(at, units),
                    Content::Nothing => None,
                    _ => {
                        self.template.data_problem = Some("a Data name that is not literal");
                        None
                    }
                };
                if let Some(field) = key {
                    let place = self.place(open.content, open.children)?;
                    self.set_field(field, place);
                }
            }
            Name::DataField(field) => {
                let place = self.place(open.content, open.children)?;
                self.set_field(field, place);
            }
            Name::EventData => {
                if self.event_data {
                    self.template.data_problem = Some("two EventData elements");
                }
                self.event_data = true;
                self.nested_slot(Name::EventData, open.content, open.children)?;
            }
            Name::UserData => {
                self.user_data_children = open.children.max(1);
                match (open.content, open.children) {
                    (Content::Nothing, 1) => {}
                    (content, children) => self.nested_slot(Name::UserData, content, children)?,
                }
            }
            Name::Event if self.template.root == Root::Event => {
                self.nested_slot(Name::Event, open.content, 0)?
            }
            _ => {}
        }
        if self.event_data && self.user_data_children > 0 {
            self.template.data_problem = Some("both EventData and UserData");
        }
        self.stack.pop();
        Ok(())
    }

    /// Notes where the named values are nested, when `element` holds one slot (and nothing
    /// else); gives up on anything else but plain child elements.
    fn nested_slot(&mut self, element: Name, content: Content, children: u32) -> Fast<()> {
        match (content, children) {
            (Content::Nothing, _) => {}
            (Content::Slot(index), 0) if self.template.data_slot.is_none() => {
                self.template.data_slot = Some((index, element));
                self.template.data_deps = self.deps()?;
            }
            _ => {
                self.template.data_problem =
                    Some("named values in a shape the fast way does not read")
            }
        }
        Ok(())
    }

    fn set_field(&mut self, field: DataField, place: Place) {
        let slot = &mut self.template.fields[field as usize];
        *slot = match slot {
            Place::Absent => place,
            _ => {
                self.template.data_problem = Some("a named value given twice");
                Place::Unreadable
            }
        };
    }

    fn literal_field(&self, at: u32, units: u16) -> Option<DataField> {
        let bytes = self
            .data
            .get(at as usize..at as usize + usize::from(units) * 2)?;
        DataField::ALL
            .iter()
            .find(|field| utf16_equals(bytes, field.name()))
            .copied()
    }
}

/// Every element and attribute name the fast way looks for.
const KNOWN_NAMES: &[&str] = &[
    "Event",
    "System",
    "EventData",
    "UserData",
    "Data",
    "Name",
    "SystemTime",
    "EventID",
    "Provider",
    "EventRecordID",
    "TimeCreated",
    "Computer",
    "Channel",
    "TargetLogonId",
    "TargetLinkedLogonId",
    "TargetUserSid",
    "TargetUserName",
    "TargetDomainName",
    "LogonType",
    "IpAddress",
    "IpPort",
    "WorkstationName",
    "LogonProcessName",
    "AuthenticationPackageName",
    "LmPackageName",
    "ProcessName",
    "ElevatedToken",
    "ImpersonationLevel",
    "Status",
    "SubStatus",
    "FailureReason",
    "TargetServerName",
    "TargetInfo",
    "SubjectLogonId",
    "LogonID",
    "SessionName",
    "ClientName",
    "ClientAddress",
    "SubjectUserName",
    "SubjectDomainName",
];

/// Whether UTF-16LE `bytes`, up to their first NUL, spell `text` (`ignore_case`: ASCII case
/// ignored); `None` when either holds more than ASCII, for the caller to compare decoded text.
/// Every record is asked for its provider: this compares it where it is stored, a unit at a
/// time, without decoding.
fn utf16_spells(bytes: &[u8], text: &str, ignore_case: bool) -> Option<bool> {
    if !text.is_ascii() {
        return None;
    }
    let mut units = bytes.as_chunks::<2>().0.iter();
    for &expected in text.as_bytes() {
        let Some(&[low, high]) = units.next() else {
            return Some(false);
        };
        if high != 0 || low >= 0x80 {
            return None;
        }
        let same = match ignore_case {
            true => low.eq_ignore_ascii_case(&expected),
            false => low == expected,
        };
        // (A NUL ends the value: it never equals a character of `text`, which has none.)
        if !same || low == 0 {
            return Some(false);
        }
    }
    // Equal only if the value ends here too.
    Some(matches!(units.next(), None | Some(&[0, 0])))
}

/// Whether UTF-16LE `bytes` spell the ASCII `text`.
fn utf16_equals(bytes: &[u8], text: &str) -> bool {
    bytes.len() == text.len() * 2
        && bytes
            .chunks_exact(2)
            .zip(text.bytes())
            .all(|(unit, byte)| unit[0] == byte && unit[1] == 0)
}

/// A record's values, read by its template.
struct Values<'c, 'r> {
    data: &'c [u8],
    template: &'r Template,
    slots: &'r [Slot<'c>],
    /// The template and values of the named values, when they are nested.
    nested: Option<(&'r Template, &'r [Slot<'c>])>,
    /// Set when a field asked for cannot be read the fast way: the chunk is then given up.
    problem: Cell<Option<GiveUp>>,
    /// The provider name last compared, as stored, the name it was compared with, and the
    /// answer: every record is asked, and the records of a chunk mostly have one provider.
    last_provider: &'r Cell<Option<(&'c [u8], &'static str, bool)>>,
}

impl<'c> Values<'c, '_> {
    /// Gives up on a record of interest whose named values cannot be read the fast way.
    fn check_wanted(&self) -> Fast<()> {
        let nested_problem = self.nested.and_then(|(template, _)| template.data_problem);
        let problem = match (self.template.data_problem, nested_problem) {
            (Some(problem), _) | (None, Some(problem)) => problem,
            (None, None) if self.nested.is_some() && self.has_own_data() => {
                "named values both in the record's template and nested"
            }
            (None, None) => return Ok(()),
        };
        match is_wanted(self) {
            true => Err(GiveUp(problem)),
            false => Ok(()),
        }
    }

    fn has_own_data(&self) -> bool {
        self.template
            .fields
            .iter()
            .any(|place| *place != Place::Absent)
    }

    /// The slot of a System value, when it is a substitution that is not left out.
    fn system_slot(&self, field: SystemField) -> Option<&Slot<'c>> {
        match self.template.system[field as usize] {
            Place::Slot { index, deps } if !left_out(&deps, self.slots) => {
                self.slots.get(usize::from(index))
            }
            _ => None,
        }
    }

    /// Whether a System value that is text in the record or its template is `text`
    /// (`ignore_case`: ASCII case ignored); `None` when it is not such text.
    fn system_text_is(&self, field: SystemField, text: &str, ignore_case: bool) -> Option<bool> {
        let bytes = match self.template.system[field as usize] {
            Place::Absent | Place::Empty => return Some(text.is_empty()),
            Place::Slot { index, deps } => {
                if left_out(&deps, self.slots) {
                    return Some(text.is_empty());
                }
                let slot = self.slots.get(usize::from(index))?;
                match slot.kind {
                    value::NULL => return Some(text.is_empty()),
                    value::STRING => slot.bytes,
                    _ => return None,
                }
            }
            Place::Literal { at, units, deps } => {
                if left_out(&deps, self.slots) {
                    return Some(text.is_empty());
                }
                self.data
                    .get(at as usize..at as usize + usize::from(units) * 2)?
            }
            Place::Unreadable => return None,
        };
        utf16_spells(bytes, text, ignore_case)
    }

    /// [`RecordValues::provider_is`], read from the record.
    fn provider_is_read(&self, name: &str) -> bool {
        self.system_text_is(SystemField::Provider, name, true)
            .unwrap_or_else(|| {
                self.system(SystemField::Provider)
                    .unwrap_or_default()
                    .eq_ignore_ascii_case(name)
            })
    }

    /// Where the text of the value at `place` is stored, read by `slots`.
    fn stored_text(&self, place: Place, slots: &[Slot<'c>]) -> Stored<'c> {
        match place {
            Place::Absent | Place::Empty => Stored::Nothing,
            Place::Unreadable => Stored::Other,
            Place::Literal { at, units, deps } => {
                if left_out(&deps, slots) {
                    return Stored::Nothing;
                }
                match self
                    .data
                    .get(at as usize..at as usize + usize::from(units) * 2)
                {
                    Some(bytes) => Stored::Utf16(bytes),
                    None => Stored::Nothing,
                }
            }
            Place::Slot { index, deps } => {
                if left_out(&deps, slots) {
                    return Stored::Nothing;
                }
                match slots.get(usize::from(index)) {
                    None => Stored::Nothing,
                    Some(slot) if slot.kind == value::NULL => Stored::Nothing,
                    Some(slot) if slot.kind == value::STRING => Stored::Utf16(slot.bytes),
                    Some(slot) if slot.kind == value::SID => Stored::Sid(slot.bytes),
                    Some(_) => Stored::Other,
                }
            }
        }
    }

    /// The shared text of UTF-16 `bytes` (empty when they are), decoded only the first time
    /// they are seen.
    fn shared_text(&self, bytes: &[u8], texts: &mut Interner) -> Option<Text> {
        match texts.intern_stored(Form::Utf16, bytes, decode_utf16) {
            Some(text) => Some(text),
            None => {
                self.give_up("a string that is not valid UTF-16");
                None
            }
        }
    }

    fn give_up(&self, why: &'static str) -> Option<Cow<'c, str>> {
        self.problem.set(Some(GiveUp(why)));
        None
    }

    fn text(&self, place: Place) -> Option<Cow<'c, str>> {
        self.text_in(place, self.slots)
    }

    fn text_in(&self, place: Place, slots: &[Slot<'c>]) -> Option<Cow<'c, str>> {
        let left_out = |deps: &Deps| left_out(deps, slots);
        match place {
            Place::Absent | Place::Empty => None,
            Place::Unreadable => self.give_up("a field built in a way the fast way does not read"),
            Place::Literal { at, units, deps } => {
                if left_out(&deps) {
                    return None;
                }
                let bytes = self
                    .data
                    .get(at as usize..at as usize + usize::from(units) * 2)?;
                match decode_utf16(bytes) {
                    Some(text) if text.is_empty() => None,
                    Some(text) => Some(Cow::Owned(text)),
                    None => self.give_up("a literal that is not valid UTF-16"),
                }
            }
            Place::Slot { index, deps } => {
                if left_out(&deps) {
                    return None;
                }
                let slot = slots.get(usize::from(index))?;
                if slot.kind == value::STRING && slot.bytes.starts_with(b"-\0") {
                    // Windows' "no value", the most common string of all: no need to make it.
                    if slot.bytes.len() == 2 || slot.bytes[2..4] == [0, 0] {
                        return Some(Cow::Borrowed("-"));
                    }
                }
                match render(slot) {
                    Ok(Some(text)) if text.is_empty() => None,
                    Ok(text) => text.map(Cow::Owned),
                    Err(GiveUp(why)) => self.give_up(why),
                }
            }
        }
    }
}

impl RecordValues for Values<'_, '_> {
    fn system(&self, field: SystemField) -> Option<Cow<'_, str>> {
        let place = self.template.system[field as usize];
        if field == SystemField::Provider
            && let Place::Slot { index, .. } = place
            && self
                .slots
                .get(usize::from(index))
                .is_some_and(|slot| slot.kind != value::STRING && slot.kind != value::NULL)
        {
            // The plain way only takes a provider name that renders as a JSON string.
            return self.give_up("a provider name that is not text");
        }
        if field == SystemField::TimeCreated
            && let Place::Slot { index, .. } = place
            && self
                .slots
                .get(usize::from(index))
                .is_some_and(|slot| slot.kind != value::FILETIME)
        {
            return self.give_up("a TimeCreated that is not a FILETIME");
        }
        self.text(place)
    }

    fn event_id(&self) -> Option<u16> {
        match self.system_slot(SystemField::EventId) {
            Some(slot) if slot.kind == value::UINT16 => {
                Some(u16::from_le_bytes([slot.bytes[0], slot.bytes[1]]))
            }
            _ => self
                .system(SystemField::EventId)
                .and_then(|t| t.trim().parse().ok()),
        }
    }

    fn record_id(&self) -> Option<u64> {
        match self.system_slot(SystemField::EventRecordId) {
            Some(slot) if slot.kind == value::UINT64 => Some(u64_at(slot.bytes, 0)),
            _ => self
                .system(SystemField::EventRecordId)
                .and_then(|t| t.trim().parse().ok()),
        }
    }

    fn time_created(&self) -> Option<Option<Timestamp>> {
        match self.system_slot(SystemField::TimeCreated) {
            Some(slot) if slot.kind == value::FILETIME => {
                let ticks = u64_at(slot.bytes, 0);
                if ticks >= YEAR_10000 {
                    self.give_up("a FILETIME past the year 9999");
                    return None;
                }
                Some(Some(Timestamp(ticks)))
            }
            _ => self
                .system(SystemField::TimeCreated)
                .map(|t| Timestamp::parse_iso(&t)),
        }
    }

    fn provider_is(&self, name: &'static str) -> bool {
        if let Some(provider) = &self.template.literal_provider {
            return provider.eq_ignore_ascii_case(name);
        }
        let stored = match self.stored_text(
            self.template.system[SystemField::Provider as usize],
            self.slots,
        ) {
            Stored::Utf16(bytes) => Some(bytes),
            _ => None,
        };
        if let (Some(bytes), Some((last, last_name, answer))) = (stored, self.last_provider.get())
            && bytes == last
            && name == last_name
        {
            return answer;
        }
        let answer = self.provider_is_read(name);
        if let Some(bytes) = stored {
            self.last_provider.set(Some((bytes, name, answer)));
        }
        answer
    }

    fn system_text(&self, field: SystemField, texts: &mut Interner) -> Text {
        let place = self.template.system[field as usize];
        let shared = match (field, self.stored_text(place, self.slots)) {
            // These two have checks of their own in `system`.
            (SystemField::Provider | SystemField::TimeCreated, _)
            | (_, Stored::Other | Stored::Sid(_)) => None,
            (_, Stored::Nothing) => Some(texts.intern("")),
            (_, Stored::Utf16(bytes)) => Some(self.shared_text(bytes, texts).unwrap_or_default()),
        };
        shared.unwrap_or_else(|| texts.intern(&self.system(field).unwrap_or_default()))
    }

    fn data_text(&self, field: DataField, texts: &mut Interner) -> Option<Text> {
        let (place, slots) = match self.nested {
            Some((template, slots)) => (template.fields[field as usize], slots),
            None => (self.template.fields[field as usize], self.slots),
        };
        let text = match self.stored_text(place, slots) {
            Stored::Nothing => return None,
            Stored::Utf16(bytes) => self.shared_text(bytes, texts)?,
            // Its size was checked with the record (`check_sid`).
            Stored::Sid(bytes) => texts.intern_stored(Form::Sid, bytes, |b| Some(render_sid(b)))?,
            Stored::Other => texts.intern(&self.data(field)?),
        };
        (!is_empty_marker(&text)).then_some(text)
    }

    fn data(&self, field: DataField) -> Option<Cow<'_, str>> {
        match self.nested {
            Some((template, slots)) => self.text_in(template.fields[field as usize], slots),
            None => self.text(self.template.fields[field as usize]),
        }
    }

    fn data_integer(&self, field: DataField) -> Option<Integer> {
        let (place, slots) = match self.nested {
            Some((template, slots)) => (template.fields[field as usize], slots),
            None => (self.template.fields[field as usize], self.slots),
        };
        let Place::Slot { index, deps } = place else {
            return None;
        };
        if left_out(&deps, slots) {
            return None;
        }
        integer(slots.get(usize::from(index))?)
    }
}

/// Where a value's text is stored.
enum Stored<'c> {
    /// Nowhere: the value is absent, empty, null or left out.
    Nothing,
    /// As UTF-16 (a string value, or text written in the template).
    Utf16(&'c [u8]),
    /// As a binary SID.
    Sid(&'c [u8]),
    /// In another way (a number, a GUID...), rendered as text by [`render`].
    Other,
}

/// Whether an element with these dependencies is left out: when one names a null value.
fn left_out(deps: &Deps, slots: &[Slot<'_>]) -> bool {
    deps.iter().any(|dep| {
        *dep != NO_DEPENDENCY
            && slots
                .get(usize::from(*dep))
                .is_some_and(|slot| slot.kind == value::NULL)
    })
}

/// An integer value as stored (`None`: not an integer type).
fn integer(slot: &Slot<'_>) -> Option<Integer> {
    let bytes = slot.bytes;
    let le = |n: usize| -> u64 {
        let mut buf = [0u8; 8];
        buf[..n].copy_from_slice(&bytes[..n]);
        u64::from_le_bytes(buf)
    };
    Some(match slot.kind {
        value::INT8 => Integer::Signed(i64::from(bytes[0] as i8)),
        value::UINT8 => Integer::Unsigned(u64::from(bytes[0])),
        value::INT16 => Integer::Signed(i64::from(le(2) as u16 as i16)),
        value::UINT16 => Integer::Unsigned(le(2)),
        value::INT32 => Integer::Signed(i64::from(le(4) as u32 as i32)),
        value::UINT32 => Integer::Unsigned(le(4)),
        value::INT64 => Integer::Signed(le(8) as i64),
        value::UINT64 => Integer::Unsigned(le(8)),
        value::HEX_INT32 => Integer::Hex(le(4)),
        value::HEX_INT64 => Integer::Hex(le(8)),
        value::SIZE_T => Integer::Hex(le(bytes.len())),
        _ => return None,
    })
}

/// A value as `evtx` writes it as text; `None` for a null value.
fn render(slot: &Slot<'_>) -> Fast<Option<String>> {
    let bytes = slot.bytes;
    let le = |n: usize| -> u64 {
        let mut buf = [0u8; 8];
        buf[..n].copy_from_slice(&bytes[..n]);
        u64::from_le_bytes(buf)
    };
    Ok(Some(match slot.kind {
        value::NULL => return Ok(None),
        value::STRING => {
            // evtx stops at the first NUL.
            decode_utf16(bytes).ok_or(GiveUp("a string that is not valid UTF-16"))?
        }
        value::INT8 => (bytes[0] as i8).to_string(),
        value::UINT8 => bytes[0].to_string(),
        value::INT16 => (le(2) as u16 as i16).to_string(),
        value::UINT16 => le(2).to_string(),
        value::INT32 => (le(4) as u32 as i32).to_string(),
        value::UINT32 => le(4).to_string(),
        value::INT64 => (le(8) as i64).to_string(),
        value::UINT64 => le(8).to_string(),
        value::HEX_INT32 => format!("0x{:x}", le(4)),
        value::HEX_INT64 => format!("0x{:x}", le(8)),
        value::SIZE_T => format!("0x{:x}", le(bytes.len())),
        value::BOOL => match le(4) as u32 as i32 {
            0 => "false".to_string(),
            1 => "true".to_string(),
            raw => raw.to_string(),
        },
        value::FILETIME => {
            let ticks = le(8);
            if ticks >= YEAR_10000 {
                return Err(GiveUp("a FILETIME past the year 9999"));
            }
            Timestamp(ticks).to_string()
        }
        value::SID => render_sid(bytes),
        _ => return Err(GiveUp("a value type the fast way does not render")),
    }))
}

/// A SID as `S-R-A-S1-...` (the identifier authority is big-endian, the rest little-endian).
fn render_sid(bytes: &[u8]) -> String {
    let mut authority = [0u8; 8];
    authority[2..].copy_from_slice(&bytes[2..8]);
    let mut text = format!("S-{}-{}", bytes[0], u64::from_be_bytes(authority));
    for sub in bytes[8..].chunks_exact(4) {
        text.push('-');
        text.push_str(&u32::from_le_bytes([sub[0], sub[1], sub[2], sub[3]]).to_string());
    }
    text
}

/// Whether UTF-16LE `bytes` have no unpaired surrogate.
fn valid_utf16(bytes: &[u8]) -> bool {
    !has_surrogate(bytes)
        || char::decode_utf16(
            bytes
                .chunks_exact(2)
                .map(|u| u16::from_le_bytes([u[0], u[1]])),
        )
        .all(|c| c.is_ok())
}

/// Whether UTF-16LE `bytes` hold a surrogate (a unit in D800..=DFFF). Surrogates are rare and
/// every string of every record passes here, so this looks at four units at a time, in one
/// 64-bit word (WebAssembly has 64-bit integers but, without SIMD, no wider ones).
fn has_surrogate(bytes: &[u8]) -> bool {
    const HIGH_BITS: u64 = 0xf800_f800_f800_f800;
    const SURROGATE: u64 = 0xd800_d800_d800_d800;
    const ONES: u64 = 0x0001_0001_0001_0001;
    const TOPS: u64 = 0x8000_8000_8000_8000;
    let bytes = &bytes[..bytes.len() & !1];
    let (words, rest) = bytes.as_chunks::<8>();
    // Nearly all text is below U+8000 (ASCII, the Latin, Greek and Cyrillic scripts, most of
    // CJK): the top bits of all units, ORed together, rule surrogates out at an OR a word. The
    // units after the last whole word are in the word that ends the text (at an even offset).
    let mut tops = 0u64;
    for word in words {
        tops |= u64::from_le_bytes(*word);
    }
    match bytes.last_chunk::<8>() {
        Some(last) => tops |= u64::from_le_bytes(*last),
        None => {
            for unit in rest.as_chunks::<2>().0 {
                tops |= u64::from(unit[1]) << 8;
            }
        }
    }
    if tops & TOPS == 0 {
        return false;
    }
    // A unit of `x` is zero where the unit is a surrogate; the classic test for a zero lane.
    let found = words.iter().fold(0u64, |found, word| {
        let x = (u64::from_le_bytes(*word) & HIGH_BITS) ^ SURROGATE;
        found | (x.wrapping_sub(ONES) & !x & TOPS)
    });
    found != 0
        || rest
            .as_chunks::<2>()
            .0
            .iter()
            .any(|unit| unit[1] & 0xf8 == 0xd8)
}

/// UTF-16LE up to the first NUL, or `None` when it is not valid UTF-16.
fn decode_utf16(bytes: &[u8]) -> Option<String> {
    let units = bytes
        .chunks_exact(2)
        .map(|u| u16::from_le_bytes([u[0], u[1]]))
        .take_while(|unit| *unit != 0);
    if units.clone().all(|unit| unit < 0x80) {
        let mut ascii = Vec::with_capacity(bytes.len() / 2);
        ascii.extend(units.map(|unit| unit as u8));
        return String::from_utf8(ascii).ok();
    }
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .ok()
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    let mut buf = [0u8; 8];
    buf.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(buf)
}

/// A reader of little-endian numbers within `pos..end` of a chunk (positions are chunk
/// offsets, which is how BinXML refers to names and templates).
struct Cursor<'c> {
    data: &'c [u8],
    pos: usize,
    end: usize,
}

impl<'c> Cursor<'c> {
    fn new(data: &'c [u8], pos: usize, end: usize) -> Self {
        Cursor {
            data,
            pos,
            end: end.min(data.len()),
        }
    }

    fn take(&mut self, n: usize) -> Fast<&'c [u8]> {
        let end = self.pos.checked_add(n).ok_or(GiveUp("overflow"))?;
        if end > self.end {
            return Err(GiveUp("BinXML past its end"));
        }
        let bytes = &self.data[self.pos..end];
        self.pos = end;
        Ok(bytes)
    }

    fn skip(&mut self, n: usize) -> Fast<()> {
        self.take(n).map(|_| ())
    }

    fn peek(&self) -> Fast<u8> {
        if self.pos < self.end {
            Ok(self.data[self.pos])
        } else {
            Err(GiveUp("BinXML past its end"))
        }
    }

    fn u8(&mut self) -> Fast<u8> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> Fast<u16> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> Fast<u32> {
        Ok(u32_at(self.take(4)?, 0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str) -> Vec<u8> {
        text.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    #[test]
    fn stored_text_is_compared_without_decoding() {
        let provider = "Microsoft-Windows-Security-Auditing";
        // (stored, compared with, ignoring case, answer)
        let cases: &[(&str, &str, bool, Option<bool>)] = &[
            (provider, provider, false, Some(true)),
            (
                provider,
                "microsoft-windows-security-auditing",
                false,
                Some(false),
            ),
            (
                provider,
                "microsoft-windows-security-auditing",
                true,
                Some(true),
            ),
            (provider, "Microsoft-Windows-Security", false, Some(false)),
            ("Security", "Security-Auditing", false, Some(false)),
            // A NUL ends the value.
            ("Security\0junk", "Security", false, Some(true)),
            ("Secu\0rity", "Security", false, Some(false)),
            ("", "", false, Some(true)),
            ("x", "", false, Some(false)),
            // Beyond ASCII, the caller compares decoded text.
            ("Café", "Café", false, None),
            ("Cafés", "Cafe", false, None),
            ("Caf", "Café", false, None),
        ];
        for &(stored, text, ignore_case, answer) in cases {
            assert_eq!(
                utf16_spells(&utf16(stored), text, ignore_case),
                answer,
                "{stored:?} {text:?} {ignore_case}"
            );
        }
    }

    #[test]
    fn surrogates_are_found_wherever_they_are() {
        for len in 0..20 {
            let plain: Vec<u8> = utf16(&"aé€".repeat(len));
            assert!(!has_surrogate(&plain));
            assert!(valid_utf16(&plain));
            for at in 0..plain.len() / 2 {
                for unit in [0xd800u16, 0xdbff, 0xdc00, 0xdfff] {
                    let mut bytes = plain.clone();
                    bytes[2 * at..2 * at + 2].copy_from_slice(&unit.to_le_bytes());
                    assert!(has_surrogate(&bytes), "{len} {at} {unit:x}");
                    assert!(!valid_utf16(&bytes));
                }
                let mut near = plain.clone();
                near[2 * at..2 * at + 2].copy_from_slice(&0xd7ffu16.to_le_bytes());
                assert!(!has_surrogate(&near));
                near[2 * at..2 * at + 2].copy_from_slice(&0xe000u16.to_le_bytes());
                assert!(!has_surrogate(&near));
            }
        }
        // A pair is valid; an odd trailing byte is not a unit.
        assert!(valid_utf16(&utf16("a😀b")));
        assert!(!has_surrogate(&[0x00, 0xd8, 0x00][2..]));
    }
}
