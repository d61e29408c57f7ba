//! Templates already read in earlier chunks, recognised again without reading them.
//!
//! Every chunk writes anew each template its records use, so a log of a few dozen kinds of
//! event has its few dozen templates read again in every chunk: a fifth of the fast way's
//! work. A definition is the same as one read before when its bytes are the same, except for
//! what depends on where the chunk put things: the chunk offsets of the names it refers to.
//! So each template read keeps its bytes and where its name references are; a definition in a
//! later chunk is the same template when its other bytes are equal, each reference points to
//! the same place inside the definition, and each name outside it spells the same. It is
//! then relocated (its literal texts are at other chunk offsets) instead of read. Anything
//! else is read as usual: this only ever skips work whose result is known.

use super::{Root, Template};

/// Templates kept at most, all kinds together: a real log has a few dozen; a hostile one
/// cannot make this grow without bound.
const MAX_KNOWN: usize = 1024;
/// Variants of one template kept (the same template lays out differently in chunks where the
/// names it uses were first written by another template).
const MAX_VARIANTS: usize = 4;
/// Buckets of known templates, by the first byte of their GUID (which Windows derives from
/// a hash): a plain table, lighter in the worker's code than a hash map.
const BUCKETS: usize = 64;

/// Where a template definition refers to a name, in the definition's own bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct NameRef {
    /// Offset, from the start of the definition's data, of the 32-bit chunk offset of the name.
    pub at: u32,
    pub target: NameTarget,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum NameTarget {
    /// Inside the definition, the whole name, this far from the start of its data. `inline`:
    /// the name is written right there (its first four bytes, the next name of its hash
    /// bucket, are an offset that differs from chunk to chunk).
    Inside { offset: u32, inline: bool },
    /// Outside the definition: what the name spells there (its length and UTF-16 units, as
    /// read by the template reader), `None` when nothing could be read.
    Outside(Option<Box<[u8]>>),
}

/// The bytes of a name at chunk offset `at` that a template reader looks at: its length
/// and its UTF-16 units.
pub(super) fn name_bytes(data: &[u8], at: u32) -> Option<&[u8]> {
    let at = at as usize;
    let units = data.get(at + 6..at + 8)?;
    let units = usize::from(u16::from_le_bytes([units[0], units[1]]));
    data.get(at + 6..at + 8 + units * 2)
}

/// A template read before, and what it was read from.
struct Known {
    root: Root,
    guid: [u8; 16],
    /// The definition's data (after its 24-byte header).
    data: Box<[u8]>,
    /// The chunk offset that data started at.
    start: u32,
    refs: Vec<NameRef>,
    template: Template,
}

impl Known {
    /// Whether the definition data `new`, at chunk offset `start` of chunk `chunk`, is this
    /// template.
    fn matches(&self, chunk: &[u8], new: &[u8], start: u32) -> bool {
        if new.len() != self.data.len() {
            return false;
        }
        let mut compared = 0usize;
        for name in &self.refs {
            let at = name.at as usize;
            let skip = match name.target {
                NameTarget::Inside { inline: true, .. } => 8,
                _ => 4,
            };
            let Some(pointer) = new.get(at..at + 4) else {
                return false;
            };
            let pointer = u32::from_le_bytes([pointer[0], pointer[1], pointer[2], pointer[3]]);
            let same = match &name.target {
                // (Its bytes are compared below, but for the pointers and offsets skipped
                // there: what it spells is compared too, should it overlap one.)
                NameTarget::Inside { offset, .. } => {
                    Some(pointer) == start.checked_add(*offset)
                        && name_bytes(chunk, pointer) == name_bytes(&self.data, *offset)
                }
                // (Pointing inside the new definition is fine: what the reader looks at
                // there is what is compared, unless the pointer is to the name written
                // right here, which the reader would skip instead.)
                NameTarget::Outside(spelled) => {
                    Some(pointer as usize) != (start as usize).checked_add(at + 4)
                        && name_bytes(chunk, pointer) == spelled.as_deref()
                }
            };
            if !same || new.get(compared..at) != self.data.get(compared..at) {
                return false;
            }
            compared = compared.max(at + skip);
        }
        new.get(compared..) == self.data.get(compared..)
    }
}

/// The templates read so far, found by (root, GUID, data size).
pub struct KnownTemplates {
    buckets: Vec<Vec<Known>>,
    count: usize,
    read: u64,
    reused: u64,
}

impl Default for KnownTemplates {
    fn default() -> Self {
        KnownTemplates {
            buckets: (0..BUCKETS).map(|_| Vec::new()).collect(),
            count: 0,
            read: 0,
            reused: 0,
        }
    }
}

/// The bucket of a GUID.
fn bucket(guid: &[u8; 16]) -> usize {
    usize::from(guid[0]) % BUCKETS
}

impl KnownTemplates {
    /// The template of definition data `new` at chunk offset `start`, when it is one read
    /// before: relocated to this chunk.
    pub(super) fn find(
        &mut self,
        chunk: &[u8],
        root: Root,
        guid: [u8; 16],
        new: &[u8],
        start: u32,
    ) -> Option<Template> {
        let known = self.buckets[bucket(&guid)].iter().find(|known| {
            known.root == root && known.guid == guid && known.matches(chunk, new, start)
        })?;
        self.reused += 1;
        Some(known.template.relocated(known.start, start))
    }

    /// How many template definitions were read, and how many were recognised instead.
    pub fn counts(&self) -> (u64, u64) {
        (self.read, self.reused)
    }

    /// Remembers a template just read from definition data `data` at chunk offset `start`.
    pub(super) fn add(
        &mut self,
        guid: [u8; 16],
        data: &[u8],
        start: u32,
        refs: Vec<NameRef>,
        template: &Template,
    ) {
        self.read += 1;
        if self.count >= MAX_KNOWN {
            return;
        }
        let known = &mut self.buckets[bucket(&guid)];
        let variants = known
            .iter()
            .filter(|k| k.root == template.root && k.guid == guid && k.data.len() == data.len())
            .count();
        if variants >= MAX_VARIANTS {
            return;
        }
        known.push(Known {
            root: template.root,
            guid,
            data: data.into(),
            start,
            refs,
            template: template.clone(),
        });
        self.count += 1;
    }
}
