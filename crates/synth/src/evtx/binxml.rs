//! BinXML encoding of one event record, the way the Windows event log service writes it: a
//! fragment header, then a TemplateInstance whose template definition is the whole `<Event>`
//! with substitution tokens where the values go, then the substitution values.
//!
//! Within a chunk a template definition is written once, inline in the first record that uses
//! it, and later records point back at it; element and attribute names likewise are written
//! inline at their first use and referenced by offset afterwards. Both are linked into the chunk
//! header's hash tables (64 buckets of names, 32 of templates) as Windows links them, so that
//! readers that walk those tables (python-evtx, libevtx) find them.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io;

use super::values::{invalid_input, put_utf16, value_type};
use super::{Payload, Record, Value};

/// BinXML tokens (MS-EVEN6 2.2.12), as the core's reader knows them.
use logonscope_core::template::token;

/// A fragment header: its token, BinXML version 1.1, no flags.
const FRAGMENT_HEADER: [u8; 4] = [token::FRAGMENT_HEADER, 1, 1, 0];

/// The DependencyId of an element that is rendered whatever the values.
const NO_DEPENDENCY: u16 = 0xffff;

/// The namespace of `<Event>`.
const EVENT_NAMESPACE: &str = "http://schemas.microsoft.com/win/2004/08/events/event";

/// Records are padded to a multiple of 8 bytes, as Windows pads them.
const RECORD_ALIGNMENT: usize = 8;

/// The number of name buckets and template buckets in a chunk header.
pub(crate) const STRING_BUCKETS: usize = 64;
pub(crate) const TEMPLATE_BUCKETS: usize = 32;

/// The `<System>` values, in the order of their substitution indices. The order mirrors the
/// one Windows uses for Security events (Level, Opcode, Task, EventID first), with the indices
/// Windows reserves for values a record here never has (Qualifiers, ActivityID, UserID...)
/// left out.
mod system {
    pub(super) const LEVEL: u16 = 0;
    pub(super) const OPCODE: u16 = 1;
    pub(super) const TASK: u16 = 2;
    pub(super) const EVENT_ID: u16 = 3;
    pub(super) const KEYWORDS: u16 = 4;
    pub(super) const SYSTEM_TIME: u16 = 5;
    pub(super) const PROCESS_ID: u16 = 6;
    pub(super) const THREAD_ID: u16 = 7;
    pub(super) const EVENT_RECORD_ID: u16 = 8;
    pub(super) const VERSION: u16 = 9;
    pub(super) const PROVIDER_NAME: u16 = 10;
    pub(super) const PROVIDER_GUID: u16 = 11;
    pub(super) const CHANNEL: u16 = 12;
    pub(super) const COMPUTER: u16 = 13;
    /// The number of `<System>` values: the payload's values come after them.
    pub(super) const COUNT: u16 = 14;
}

/// Why a record could not be encoded.
#[derive(Debug)]
pub(crate) enum EncodeError {
    /// It needs more room than the chunk has left.
    TooLarge,
    /// Its content cannot be encoded (a bad SID or GUID, a string too long for BinXML).
    Invalid(io::Error),
}

impl From<io::Error> for EncodeError {
    fn from(error: io::Error) -> Self {
        EncodeError::Invalid(error)
    }
}

type Result<T> = std::result::Result<T, EncodeError>;

/// What a chunk knows of the names and templates written in it so far.
pub(crate) struct Tables {
    /// The head of each name bucket's chain: the offset of the name written last in it.
    pub(crate) string_heads: [u32; STRING_BUCKETS],
    /// The head of each template bucket's chain: the offset of the template written last in it.
    pub(crate) template_heads: [u32; TEMPLATE_BUCKETS],
    /// Offset of each name written in the chunk.
    names: FastMap<Box<str>, u32>,
    /// The definition of each template written in the chunk, by shape (see [`build_shape`]).
    templates: FastMap<Box<[u8]>, Definition>,
}

/// A template definition in the chunk.
#[derive(Clone, Copy)]
struct Definition {
    offset: u32,
    /// The template's short ID: the first four bytes of its GUID, kept so that the GUID is only
    /// hashed when a definition is written.
    id: [u8; 4],
}

/// A map keyed by shapes and names, which this writer makes itself: no need for SipHash's
/// resistance to chosen keys, which costs more than the rest of a record's lookup.
type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<WordHasher>>;

/// A multiply-rotate hash over 8-byte words (the one rustc uses for its own tables).
#[derive(Default)]
struct WordHasher(u64);

impl WordHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let (words, rest) = bytes.as_chunks::<8>();
        for word in words {
            self.add(u64::from_le_bytes(*word));
        }
        let mut last = [0_u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        // The length tells apart keys that differ only by trailing zeros.
        self.add(u64::from_le_bytes(last) ^ ((rest.len() as u64) << 59));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The hash table heads, saved before a record is encoded so that a record that does not make
/// it into the chunk can be taken back out of the tables.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Heads {
    string_heads: [u32; STRING_BUCKETS],
    template_heads: [u32; TEMPLATE_BUCKETS],
}

impl Default for Tables {
    fn default() -> Self {
        Tables {
            string_heads: [0; STRING_BUCKETS],
            template_heads: [0; TEMPLATE_BUCKETS],
            names: FastMap::default(),
            templates: FastMap::default(),
        }
    }
}

impl Tables {
    /// Forget everything: names and templates do not cross chunks.
    pub(crate) fn clear(&mut self) {
        self.string_heads = [0; STRING_BUCKETS];
        self.template_heads = [0; TEMPLATE_BUCKETS];
        self.names.clear();
        self.templates.clear();
    }

    pub(crate) fn heads(&self) -> Heads {
        Heads {
            string_heads: self.string_heads,
            template_heads: self.template_heads,
        }
    }

    /// Take back what a record that starts at chunk offset `base` added, leaving the tables as
    /// they were before it: what it added is all at or past `base`.
    pub(crate) fn rollback(&mut self, heads: Heads, base: u32) {
        self.string_heads = heads.string_heads;
        self.template_heads = heads.template_heads;
        self.names.retain(|_, offset| *offset < base);
        self.templates
            .retain(|_, definition| definition.offset < base);
    }
}

/// The hash Windows keys names and templates by (the reader checks names against it): for
/// each UTF-16 code unit, `hash * 65599 + unit`.
fn hash_units(units: impl Iterator<Item = u16>) -> u32 {
    units.fold(0_u32, |hash, unit| {
        hash.wrapping_mul(65599).wrapping_add(u32::from(unit))
    })
}

/// The bucket of a template: the 65599 hash of its GUID taken as eight little-endian 16-bit
/// units, modulo 32 (what every template table of Windows' own logs agrees with).
fn template_bucket(guid: &[u8; 16]) -> usize {
    let units = guid
        .as_chunks::<2>()
        .0
        .iter()
        .map(|pair| u16::from_le_bytes(*pair));
    hash_units(units) as usize % TEMPLATE_BUCKETS
}

/// Write the key that identifies the template a payload needs into `shape` (cleared first):
/// everything the template definition depends on. The `<System>` part is the same for every
/// record, so the payload's kind, names and value types are all of it.
pub(crate) fn build_shape(shape: &mut Vec<u8>, payload: &Payload<'_>) {
    fn push_str(shape: &mut Vec<u8>, text: &str) {
        // Length-prefixed, so that no two different name lists make the same key.
        shape.extend_from_slice(&(text.len() as u64).to_le_bytes());
        shape.extend_from_slice(text.as_bytes());
    }
    shape.clear();
    let fields = match payload {
        Payload::EventData(fields) => {
            shape.push(0);
            fields
        }
        Payload::UserData {
            element,
            xmlns,
            fields,
        } => {
            shape.push(1);
            push_str(shape, element);
            push_str(shape, xmlns);
            fields
        }
    };
    for (name, value) in fields.iter() {
        push_str(shape, name);
        shape.push(value.value_type());
    }
}

/// A template's GUID: a 128-bit FNV-1a hash of its shape, so that the same shape always gets
/// the same GUID and different shapes get different ones.
fn template_guid(shape: &[u8]) -> [u8; 16] {
    const OFFSET_BASIS: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    // A version byte first: a change to the `<System>` layout changes every GUID with it.
    let mut hash = (OFFSET_BASIS ^ 1).wrapping_mul(PRIME);
    for &byte in shape {
        hash = (hash ^ u128::from(byte)).wrapping_mul(PRIME);
    }
    hash.to_le_bytes()
}

/// Encodes one record into a buffer, at a known offset of its chunk.
struct Encoder<'a> {
    out: &'a mut Vec<u8>,
    /// Chunk offset of `out[0]`.
    base: u32,
    /// How many bytes the record may take: the room left in the chunk.
    limit: usize,
    tables: &'a mut Tables,
}

/// Encode `record` into `out` (cleared first) as it would be stored at chunk offset `base`,
/// with `limit` bytes of room; `shape` is its shape from [`build_shape`]. Names and the
/// template it writes inline are added to `tables`: if the record is not then added to the
/// chunk, [`Tables::rollback`] takes them back out.
pub(crate) fn encode_record(
    out: &mut Vec<u8>,
    base: u32,
    limit: usize,
    tables: &mut Tables,
    shape: &[u8],
    record: &Record<'_>,
) -> Result<()> {
    out.clear();
    let mut encoder = Encoder {
        out,
        base,
        limit,
        tables,
    };
    encoder.record(shape, record)
}

impl Encoder<'_> {
    /// The chunk offset the next byte goes to.
    fn offset(&self) -> u32 {
        // `check_room` keeps the record within the chunk, so this cannot overflow.
        self.base + self.out.len() as u32
    }

    /// Give up as soon as the record outgrows its room, rather than encode all of it first.
    fn check_room(&self) -> Result<()> {
        if self.out.len() > self.limit {
            Err(EncodeError::TooLarge)
        } else {
            Ok(())
        }
    }

    fn u8(&mut self, value: u8) {
        self.out.push(value);
    }

    fn u16(&mut self, value: u16) {
        self.out.extend_from_slice(&value.to_le_bytes());
    }

    fn u32(&mut self, value: u32) {
        self.out.extend_from_slice(&value.to_le_bytes());
    }

    /// Reserve a 32-bit size, to be filled in by [`Encoder::end_size`].
    fn start_size(&mut self) -> usize {
        let at = self.out.len();
        self.u32(0);
        at
    }

    /// Fill in the size reserved at `at` with the number of bytes written after it.
    fn end_size(&mut self, at: usize) {
        let size = (self.out.len() - at - 4) as u32;
        self.out[at..at + 4].copy_from_slice(&size.to_le_bytes());
    }

    fn record(&mut self, shape: &[u8], record: &Record<'_>) -> Result<()> {
        self.out.extend_from_slice(b"**\0\0");
        let size_at = self.start_size();
        self.out.extend_from_slice(&record.record_id.to_le_bytes());
        self.out.extend_from_slice(&record.time.to_le_bytes());
        self.out.extend_from_slice(&FRAGMENT_HEADER);

        let fields = match &record.payload {
            Payload::EventData(fields) | Payload::UserData { fields, .. } => *fields,
        };
        let count = usize::from(system::COUNT) + fields.len();
        if count > usize::from(u16::MAX) + 1 {
            // Substitution indices are 16-bit.
            return Err(invalid_input(format!(
                "{} fields are too many for a record",
                fields.len()
            ))
            .into());
        }

        // The template instance: which template, and where its definition is.
        self.u8(token::TEMPLATE_INSTANCE);
        self.u8(1);
        match self.tables.templates.get(shape).copied() {
            Some(Definition { offset, id }) => {
                self.out.extend_from_slice(&id);
                self.u32(offset);
            }
            None => {
                let guid = template_guid(shape);
                // Windows uses the GUID's first four bytes as the short template ID.
                let id = [guid[0], guid[1], guid[2], guid[3]];
                self.out.extend_from_slice(&id);
                // A new template's definition comes right after the instance header.
                let offset = self.offset() + 4;
                self.u32(offset);
                self.template_definition(&guid, record)?;
                let definition = Definition { offset, id };
                self.tables.templates.insert(shape.into(), definition);
            }
        }

        // The substitution values: a descriptor (size, type) for each, then the values.
        self.u32(count as u32);
        let descriptors_at = self.out.len();
        self.out.resize(descriptors_at + 4 * count, 0);
        let system_values = [
            Value::UInt8(record.level),
            Value::UInt8(record.opcode),
            Value::UInt16(record.task),
            Value::UInt16(record.event_id),
            Value::HexInt64(record.keywords),
            Value::FileTime(record.time),
            Value::UInt32(record.process_id),
            Value::UInt32(record.thread_id),
            Value::UInt64(record.event_record_id),
            Value::UInt8(record.version),
            Value::Str(record.provider_name),
            record.provider_guid.map_or(Value::Null, Value::Guid),
            Value::Str(record.channel),
            Value::Str(record.computer),
        ];
        let values = system_values
            .iter()
            .chain(fields.iter().map(|(_, value)| value));
        for (index, value) in values.enumerate() {
            let start = self.out.len();
            value.encode(self.out)?;
            let size = u16::try_from(self.out.len() - start).map_err(|_| {
                invalid_input(format!(
                    "value {index} of record {} is too long",
                    record.record_id
                ))
            })?;
            let descriptor = descriptors_at + 4 * index;
            self.out[descriptor..descriptor + 2].copy_from_slice(&size.to_le_bytes());
            self.out[descriptor + 2] = value.value_type();
            self.check_room()?;
        }

        // Padding (whose first byte reads as an end-of-stream token), then the size again.
        let unpadded = self.out.len() + 4;
        let padded = unpadded.next_multiple_of(RECORD_ALIGNMENT);
        self.out.resize(padded - 4, 0);
        let size = padded as u32;
        self.u32(size);
        self.out[size_at..size_at + 4].copy_from_slice(&size.to_le_bytes());
        self.check_room()
    }

    /// Write the definition of the template `record`'s payload uses, linked into its bucket.
    fn template_definition(&mut self, guid: &[u8; 16], record: &Record<'_>) -> Result<()> {
        let offset = self.offset();
        let bucket = template_bucket(guid);
        // The next template in the bucket: new templates go at the head of their chain.
        self.u32(self.tables.template_heads[bucket]);
        self.out.extend_from_slice(guid);
        let size_at = self.start_size();
        self.out.extend_from_slice(&FRAGMENT_HEADER);
        self.event(record)?;
        self.u8(token::EOF);
        self.end_size(size_at);
        self.tables.template_heads[bucket] = offset;
        self.check_room()
    }

    /// The template's `<Event>` element.
    fn event(&mut self, record: &Record<'_>) -> Result<()> {
        use value_type::*;
        let event = self.start_element("Event", NO_DEPENDENCY, true)?;
        self.attribute("xmlns", false)?;
        self.text(EVENT_NAMESPACE)?;
        self.end_attributes(event);
        self.u8(token::CLOSE_START_ELEMENT);

        let system_element = self.start_element("System", NO_DEPENDENCY, false)?;
        self.u8(token::CLOSE_START_ELEMENT);
        let provider = self.start_element("Provider", NO_DEPENDENCY, true)?;
        self.attribute("Name", true)?;
        self.optional(system::PROVIDER_NAME, STRING);
        // Optional: a provider without a GUID gets a null value, and no Guid attribute.
        self.attribute("Guid", false)?;
        self.optional(system::PROVIDER_GUID, GUID);
        self.end_attributes(provider);
        self.end_empty_element(provider);
        // Like Windows, an element whose content is one optional value depends on it.
        self.value_element("EventID", system::EVENT_ID, UINT16)?;
        self.value_element("Version", system::VERSION, UINT8)?;
        self.value_element("Level", system::LEVEL, UINT8)?;
        self.value_element("Task", system::TASK, UINT16)?;
        self.value_element("Opcode", system::OPCODE, UINT8)?;
        self.value_element("Keywords", system::KEYWORDS, HEX_INT64)?;
        let time_created = self.start_element("TimeCreated", NO_DEPENDENCY, true)?;
        self.attribute("SystemTime", false)?;
        self.optional(system::SYSTEM_TIME, FILETIME);
        self.end_attributes(time_created);
        self.end_empty_element(time_created);
        self.value_element("EventRecordID", system::EVENT_RECORD_ID, UINT64)?;
        let correlation = self.start_element("Correlation", NO_DEPENDENCY, false)?;
        self.end_empty_element(correlation);
        let execution = self.start_element("Execution", NO_DEPENDENCY, true)?;
        self.attribute("ProcessID", true)?;
        self.optional(system::PROCESS_ID, UINT32);
        self.attribute("ThreadID", false)?;
        self.optional(system::THREAD_ID, UINT32);
        self.end_attributes(execution);
        self.end_empty_element(execution);
        self.value_element("Channel", system::CHANNEL, STRING)?;
        self.value_element("Computer", system::COMPUTER, STRING)?;
        let security = self.start_element("Security", NO_DEPENDENCY, false)?;
        self.end_empty_element(security);
        self.end_element(system_element);

        match &record.payload {
            Payload::EventData(fields) => self.event_data(fields)?,
            Payload::UserData {
                element,
                xmlns,
                fields,
            } => self.user_data(element, xmlns, fields)?,
        }
        self.end_element(event);
        Ok(())
    }

    /// `<EventData><Data Name="name">%n</Data>...</EventData>`. The values are normal
    /// substitutions, as in Windows' EventData templates: a null one leaves its `<Data>` empty.
    fn event_data(&mut self, fields: &[(&str, Value<'_>)]) -> Result<()> {
        let event_data = self.start_element("EventData", NO_DEPENDENCY, false)?;
        self.u8(token::CLOSE_START_ELEMENT);
        for (index, (name, value)) in fields.iter().enumerate() {
            let data = self.start_element("Data", NO_DEPENDENCY, true)?;
            self.attribute("Name", false)?;
            self.text(name)?;
            self.end_attributes(data);
            self.u8(token::CLOSE_START_ELEMENT);
            self.substitution(
                token::NORMAL_SUBSTITUTION,
                payload_index(index),
                value.value_type(),
            );
            self.end_element(data);
            self.check_room()?;
        }
        self.end_element(event_data);
        Ok(())
    }

    /// `<UserData><element xmlns="xmlns"><name>%n</name>...</element></UserData>`, without the
    /// `xmlns` attribute when it is empty.
    fn user_data(
        &mut self,
        element: &str,
        xmlns: &str,
        fields: &[(&str, Value<'_>)],
    ) -> Result<()> {
        let user_data = self.start_element("UserData", NO_DEPENDENCY, false)?;
        self.u8(token::CLOSE_START_ELEMENT);
        let has_xmlns = !xmlns.is_empty();
        let inner = self.start_element(element, NO_DEPENDENCY, has_xmlns)?;
        if has_xmlns {
            self.attribute("xmlns", false)?;
            self.text(xmlns)?;
            self.end_attributes(inner);
        }
        self.u8(token::CLOSE_START_ELEMENT);
        for (index, (name, value)) in fields.iter().enumerate() {
            let field = self.start_element(name, NO_DEPENDENCY, false)?;
            self.u8(token::CLOSE_START_ELEMENT);
            self.substitution(
                token::NORMAL_SUBSTITUTION,
                payload_index(index),
                value.value_type(),
            );
            self.end_element(field);
            self.check_room()?;
        }
        self.end_element(inner);
        self.end_element(user_data);
        Ok(())
    }

    /// `<name>%index</name>`, the element depending on its optional value.
    fn value_element(&mut self, name: &str, index: u16, value_type: u8) -> Result<()> {
        let element = self.start_element(name, index, false)?;
        self.u8(token::CLOSE_START_ELEMENT);
        self.optional(index, value_type);
        self.end_element(element);
        Ok(())
    }

    /// An element start, up to its name, and the attribute list size when it has attributes.
    /// Returns where its data size is, for [`Encoder::end_attributes`] and the element's end.
    fn start_element(
        &mut self,
        name: &str,
        dependency: u16,
        has_attributes: bool,
    ) -> Result<ElementStart> {
        let flag = if has_attributes { token::MORE } else { 0 };
        self.u8(token::OPEN_START_ELEMENT | flag);
        self.u16(dependency);
        let size_at = self.start_size();
        self.name(name)?;
        let attributes_at = has_attributes.then(|| self.start_size());
        Ok(ElementStart {
            size_at,
            attributes_at,
        })
    }

    fn end_attributes(&mut self, element: ElementStart) {
        if let Some(at) = element.attributes_at {
            self.end_size(at);
        }
    }

    /// `/>`: the element's data size covers everything after it, this token included.
    fn end_empty_element(&mut self, element: ElementStart) {
        self.u8(token::CLOSE_EMPTY_ELEMENT);
        self.end_size(element.size_at);
    }

    /// `</name>`: the element's data size covers everything after it, this token included.
    fn end_element(&mut self, element: ElementStart) {
        self.u8(token::END_ELEMENT);
        self.end_size(element.size_at);
    }

    /// An attribute's name; `more` when another attribute follows it.
    fn attribute(&mut self, name: &str, more: bool) -> Result<()> {
        let flag = if more { token::MORE } else { 0 };
        self.u8(token::ATTRIBUTE | flag);
        self.name(name)
    }

    /// Literal text, as a string value token.
    fn text(&mut self, text: &str) -> Result<()> {
        self.u8(token::VALUE);
        self.u8(value_type::STRING);
        let count_at = self.out.len();
        self.u16(0);
        let units = put_utf16(self.out, text);
        let units = u16::try_from(units)
            .map_err(|_| invalid_input(format!("text of {units} UTF-16 units is too long")))?;
        self.out[count_at..count_at + 2].copy_from_slice(&units.to_le_bytes());
        self.check_room()
    }

    fn optional(&mut self, index: u16, value_type: u8) {
        self.substitution(token::OPTIONAL_SUBSTITUTION, index, value_type);
    }

    fn substitution(&mut self, token: u8, index: u16, value_type: u8) {
        self.u8(token);
        self.u16(index);
        self.u8(value_type);
    }

    /// A name reference: the offset of the name, written inline right after the reference the
    /// first time the chunk uses it (next name in its bucket, hash, length, UTF-16, NUL).
    fn name(&mut self, name: &str) -> Result<()> {
        if let Some(&offset) = self.tables.names.get(name) {
            self.u32(offset);
            return Ok(());
        }
        let offset = self.offset() + 4;
        self.u32(offset);
        let hash = hash_units(name.encode_utf16());
        let bucket = hash as usize % STRING_BUCKETS;
        // New names go at the head of their bucket's chain.
        self.u32(self.tables.string_heads[bucket]);
        // The stored hash is the low 16 bits, which also pick the bucket.
        self.u16(hash as u16);
        let count_at = self.out.len();
        self.u16(0);
        let units = put_utf16(self.out, name);
        let units = u16::try_from(units)
            .map_err(|_| invalid_input(format!("name of {units} UTF-16 units is too long")))?;
        self.out[count_at..count_at + 2].copy_from_slice(&units.to_le_bytes());
        self.u16(0);
        self.tables.string_heads[bucket] = offset;
        self.tables.names.insert(name.into(), offset);
        self.check_room()
    }
}

/// Where an element start's sizes are, to fill them in when they are known.
#[derive(Clone, Copy)]
struct ElementStart {
    size_at: usize,
    attributes_at: Option<usize>,
}

/// The substitution index of the payload's value `index`: after the `<System>` values.
/// `encode_record` has checked that every index fits in 16 bits.
fn payload_index(index: usize) -> u16 {
    (usize::from(system::COUNT) + index) as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_hashes_match_windows() {
        // Hashes read from the string tables of Windows' own Security logs.
        for (name, hash) in [
            ("Event", 0x0cba),
            ("System", 0x546f),
            ("Provider", 0x7bf1),
            ("EventID", 0x61f5),
            ("Data", 0x6f8a),
            ("xmlns", 0x0fbc),
            ("SubjectUserName", 0x9bc2),
        ] {
            assert_eq!(hash_units(name.encode_utf16()) as u16, hash, "{name}");
        }
    }

    #[test]
    fn template_buckets_match_windows() {
        // Template GUIDs and the buckets Windows put them in, from its own Security logs.
        for (guid, bucket) in [
            ("6dca72c7cdb88a67f145693b5d0b938c", 16),
            ("20ab02d6140864f0a145a2005d578bb6", 1),
            ("ef3adac1b9f6c7ac0f729b66cb382813", 2),
            ("dd26ceeecb7cd60d8e03701a29b763ee", 24),
        ] {
            let bytes: Vec<u8> = (0..16)
                .map(|i| u8::from_str_radix(&guid[2 * i..2 * i + 2], 16).unwrap())
                .collect();
            assert_eq!(
                template_bucket(&bytes.try_into().unwrap()),
                bucket,
                "{guid}"
            );
        }
    }

    #[test]
    fn shapes_tell_payloads_apart() {
        let key = |payload: &Payload<'_>| {
            let mut shape = Vec::new();
            build_shape(&mut shape, payload);
            shape
        };
        let a = key(&Payload::EventData(&[
            ("ab", Value::Null),
            ("c", Value::Null),
        ]));
        let b = key(&Payload::EventData(&[
            ("a", Value::Null),
            ("bc", Value::Null),
        ]));
        let c = key(&Payload::EventData(&[
            ("ab", Value::Null),
            ("c", Value::UInt8(1)),
        ]));
        let d = key(&Payload::EventData(&[
            ("ab", Value::Null),
            ("c", Value::UInt8(2)),
        ]));
        let e = key(&Payload::UserData {
            element: "",
            xmlns: "",
            fields: &[("ab", Value::Null), ("c", Value::Null)],
        });
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_eq!(c, d, "values are not part of the shape, only their types");
        assert_ne!(a, e);
        assert_ne!(template_guid(&a), template_guid(&b));
        assert_eq!(template_guid(&c), template_guid(&d));
    }
}
