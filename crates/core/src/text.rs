//! Shared text: one copy of each distinct string of a log, however often it repeats.
//!
//! A Security log says the same few things over and over: its computer, its channel, a few
//! hundred user, domain, package and process names. Giving every event its own copy of each
//! would make a gigabyte log's events and sessions mostly duplicated text, and reading them
//! mostly allocation. So values are [`Text`] (a reference-counted string that serializes as
//! a plain string), and an [`Interner`] hands out one `Text` per distinct value while a log is
//! read. Reports read back from bytes (a report file, a link) share theirs too, within
//! [`interning`]; a worker's batch of results writes each distinct text once, in a table its
//! events refer to by number (`wire`).

use std::borrow::{Borrow, Cow};
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// An immutable string, cheap to clone and to share.
///
/// One pointer wide (an `Option<Text>` too), unlike an `Arc<str>`, which also carries the
/// length: events, sessions and failures hold a dozen texts each, and a big log millions of
/// them. (The command-line tool's peak memory on a 1 GB log went from 512 MB to 359 MB, and
/// its time with it: much of it is the system handing out fresh memory.) Each shared copy
/// is a pointer larger instead, and they are few.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Text(Arc<Box<str>>);

impl Text {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Which shared copy this is: the same for every clone of one text, so for every use of
    /// a value read through one [`Interner`] (two copies of one value may have two).
    pub fn identity(&self) -> usize {
        self.0.as_ptr() as usize
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Self {
        Text(Arc::new(Box::from(text)))
    }
}

impl From<String> for Text {
    fn from(text: String) -> Self {
        Text(Arc::new(text.into_boxed_str()))
    }
}

impl From<&String> for Text {
    fn from(text: &String) -> Self {
        Text::from(text.as_str())
    }
}

impl From<Cow<'_, str>> for Text {
    fn from(text: Cow<'_, str>) -> Self {
        Text::from(text.into_owned())
    }
}

impl From<Text> for String {
    fn from(text: Text) -> Self {
        text.0.to_string()
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(TextVisitor)
    }
}

struct TextVisitor;

impl Visitor<'_> for TextVisitor {
    type Value = Text;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Text, E> {
        Ok(READING.with(|reading| match reading.borrow_mut().as_mut() {
            Some(Reading::Interner(interner)) => interner.intern(text),
            _ => Text::from(text),
        }))
    }
}

/// How the texts being read on this thread are shared.
enum Reading {
    /// Each string read is interned.
    Interner(Interner),
}

thread_local! {
    /// How the deserialization running on this thread shares its texts, if it does.
    static READING: RefCell<Option<Reading>> = const { RefCell::new(None) };
}

/// Runs `read` (which deserializes) so that the [`Text`]s it reads share one copy of each
/// distinct value.
pub fn interning<R>(read: impl FnOnce() -> R) -> R {
    interning_into(&mut Interner::default(), read)
}

/// [`interning`] through `texts`, which keeps what it learns for the next call: the results
/// of several reads (a worker's batches, say) share their texts too.
pub fn interning_into<R>(texts: &mut Interner, read: impl FnOnce() -> R) -> R {
    let outer =
        READING.with(|reading| reading.replace(Some(Reading::Interner(std::mem::take(texts)))));
    let result = read();
    if let Some(Reading::Interner(used)) = READING.with(|reading| reading.replace(outer)) {
        *texts = used;
    }
    result
}

/// How many distinct values an interner keeps before it starts afresh: values that never
/// repeat (a crafted log can hold millions) must not make it grow without bound. Starting
/// afresh only costs sharing, never correctness.
const INTERNER_LIMIT: usize = 1 << 16;

/// Hands out one [`Text`] per distinct value; also by the bytes a value is stored as in a
/// log, so that a value met lately is neither decoded nor allocated again.
#[derive(Default)]
pub struct Interner {
    by_text: HashMap<Text, (), RandomState>,
    /// The stored values met lately, by the bytes they are stored as (see [`QuickKey::slot`]).
    recent: Vec<Recent>,
}

/// A stored value met lately, and its text.
#[derive(Default)]
struct Recent {
    form: Option<Form>,
    key: QuickKey,
    bytes: Vec<u8>,
    text: Text,
}

impl Recent {
    /// Whether this is the value stored as `bytes` in `form`, whose key is `key`.
    fn is(&self, form: Form, key: QuickKey, bytes: &[u8]) -> bool {
        // (A key holds all the bytes of a value of up to 16.)
        self.form == Some(form)
            && self.key == key
            && (bytes.len() <= 16 || same_words(&self.bytes, bytes))
    }
}

/// Whether `a` and `b`, of one length and with the same last eight bytes, are equal: their
/// whole words are compared eight bytes at a time, and the bytes after them are within the
/// last eight. (In WebAssembly, comparing slices calls a loop over single bytes; a dozen
/// values of every record are compared here.)
fn same_words(a: &[u8], b: &[u8]) -> bool {
    let (a, _) = a.as_chunks::<8>();
    let (b, _) = b.as_chunks::<8>();
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| u64::from_ne_bytes(*x) == u64::from_ne_bytes(*y))
}

/// How many stored values [`Interner::recent`] holds (a power of two). A log's values that
/// keep coming back are a few hundred (its computers, users, domains, packages, processes):
/// they are decoded once; the rest, once each time they come back after others took their
/// place.
const RECENT: usize = 1024;
/// The longest value it holds (a path of 260 characters takes 520 bytes): what it holds stays
/// within a megabyte, whatever the log.
const RECENT_BYTES: usize = 1024;

/// The length of stored bytes and their first and last eight (so all of them, up to 16).
#[derive(Default, Clone, Copy, PartialEq, Eq)]
struct QuickKey {
    len: usize,
    head: u64,
    tail: u64,
}

impl QuickKey {
    fn new(bytes: &[u8]) -> Self {
        let (head, tail) = match (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
            (Some(head), Some(tail)) => (u64::from_le_bytes(*head), u64::from_le_bytes(*tail)),
            _ => {
                let short = bytes
                    .iter()
                    .fold(0u64, |short, byte| short << 8 | u64::from(*byte));
                (short, 0)
            }
        };
        QuickKey {
            len: bytes.len(),
            head,
            tail,
        }
    }

    /// Where a value of this key is kept in [`Interner::recent`]. A log's values are few and
    /// repeat all the time, and each record asks for a dozen, so most are found there, by
    /// their key alone: neither decoded nor hashed whole (as the map's seeded hash does). A
    /// crafted log can make values meet there: they are then decoded and found in the map
    /// each time, just more slowly.
    fn slot(self) -> usize {
        let mixed = (self.head ^ self.tail.rotate_left(29) ^ self.len as u64)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15);
        // (The top bits of the product mix all of the key's.)
        (mixed >> (u64::BITS - RECENT.ilog2())) as usize
    }
}

/// The hasher of the maps: fast, and seeded per run, since the values come from the log (a
/// crafted log must not be able to make every value collide).
type RandomState = foldhash::quality::RandomState;

/// How a value is stored in a log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// UTF-16LE text.
    Utf16 = 0,
    /// A binary SID.
    Sid = 1,
}

impl Interner {
    /// The shared copy of `text`.
    pub fn intern(&mut self, text: &str) -> Text {
        if let Some((shared, _)) = self.by_text.get_key_value(text) {
            return shared.clone();
        }
        if self.by_text.len() >= INTERNER_LIMIT {
            self.by_text.clear();
        }
        let shared = Text::from(text);
        self.by_text.insert(shared.clone(), ());
        shared
    }

    /// The text that `decode` makes of `bytes`, a value stored in `form`, shared, and
    /// remembered by those bytes while they keep coming: `decode` runs about once per distinct
    /// value (`None`: it could not decode them). `decode` must depend on the bytes alone.
    pub fn intern_stored(
        &mut self,
        form: Form,
        bytes: &[u8],
        decode: impl FnOnce(&[u8]) -> Option<String>,
    ) -> Option<Text> {
        let key = QuickKey::new(bytes);
        match self.recent.get(key.slot()) {
            Some(recent) if recent.is(form, key, bytes) => Some(recent.text.clone()),
            _ => {
                // (One copy of the rest, whatever `decode` is: the worker's code stays small.)
                let mut decode = Some(decode);
                let mut decode = |bytes: &[u8]| decode.take().and_then(|decode| decode(bytes));
                self.intern_stored_anew(form, bytes, key, &mut decode)
            }
        }
    }

    /// [`Interner::intern_stored`], for a value not met lately.
    #[inline(never)]
    fn intern_stored_anew(
        &mut self,
        form: Form,
        bytes: &[u8],
        key: QuickKey,
        decode: &mut dyn FnMut(&[u8]) -> Option<String>,
    ) -> Option<Text> {
        if self.recent.is_empty() {
            self.recent.resize_with(RECENT, Recent::default);
        }
        let text = self.intern(&decode(bytes)?);
        if bytes.len() > RECENT_BYTES {
            return Some(text);
        }
        let recent = &mut self.recent[key.slot()];
        recent.form = Some(form);
        recent.key = key;
        recent.bytes.clear();
        recent.bytes.extend_from_slice(bytes);
        recent.text = text.clone();
        Some(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_is_one_pointer_wide() {
        // (What the events' and sessions' memory was cut by: see the type.)
        assert_eq!(size_of::<Text>(), size_of::<usize>());
        assert_eq!(size_of::<Option<Text>>(), size_of::<usize>());
        let text = Text::from(String::from("SYSTEM"));
        assert_eq!(
            (text.as_str(), text.clone()),
            ("SYSTEM", Text::from("SYSTEM"))
        );
    }

    #[test]
    fn interned_values_share_one_copy() {
        let mut interner = Interner::default();
        let a = interner.intern("CORP");
        let b = interner.intern("CORP");
        assert!(Arc::ptr_eq(&a.0, &b.0));
        assert_ne!(interner.intern("corp"), a);
    }

    #[test]
    fn utf16_values_are_read_once() {
        let mut interner = Interner::default();
        let bytes = [b'a', 0, b'b', 0];
        let mut decodes = 0;
        let mut decode = |bytes: &[u8]| {
            decodes += 1;
            Some(String::from_utf16_lossy(&[
                u16::from(bytes[0]),
                u16::from(bytes[2]),
            ]))
        };
        let first = interner
            .intern_stored(Form::Utf16, &bytes, &mut decode)
            .unwrap();
        let second = interner
            .intern_stored(Form::Utf16, &bytes, &mut decode)
            .unwrap();
        assert_eq!(decodes, 1);
        assert_eq!(first, "ab");
        assert!(Arc::ptr_eq(&first.0, &second.0));
        // The same text by another way shares the copy too.
        assert!(Arc::ptr_eq(&interner.intern("ab").0, &first.0));
        // What cannot be decoded is not remembered.
        assert_eq!(
            interner.intern_stored(Form::Utf16, &[0, 0xd8], |_| None),
            None
        );
        let valid = interner.intern_stored(Form::Utf16, &[0, 0xd8], |_| Some("x".into()));
        assert_eq!(valid.as_deref(), Some("x"));
        // The same bytes in another form are another value.
        let sid = interner.intern_stored(Form::Sid, &bytes, |_| Some("S-1".into()));
        assert_eq!(sid.as_deref(), Some("S-1"));
    }

    #[test]
    fn values_met_lately_are_told_apart_by_all_their_bytes() {
        let mut interner = Interner::default();
        let decode = |bytes: &[u8]| Some(String::from_utf8_lossy(bytes).into_owned());
        // Short ones, ones whose first and last eight bytes overlap or meet, and long ones that
        // differ only in the middle, past what a recent value is keyed by.
        let mut values: Vec<Vec<u8>> = (0..20)
            .map(|len| (0..len).map(|at| b'a' + at as u8).collect())
            .collect();
        for len in [17, 40, RECENT_BYTES + 1] {
            let mut middle = vec![b'x'; len];
            values.push(middle.clone());
            middle[len / 2] = b'y';
            values.push(middle);
        }
        values.push(vec![0; 3]);
        values.push(vec![0; 4]);
        for round in 0..3 {
            for bytes in &values {
                for form in [Form::Utf16, Form::Sid] {
                    let text = interner.intern_stored(form, bytes, decode).unwrap();
                    assert_eq!(text.as_bytes(), &bytes[..], "round {round}");
                    let again = interner.intern_stored(form, bytes, decode).unwrap();
                    assert!(Arc::ptr_eq(&text.0, &again.0));
                }
            }
        }
        // The same bytes in two forms are two values.
        let sid = interner.intern_stored(Form::Sid, b"ab", |_| Some("S-1".into()));
        assert_eq!(sid.as_deref(), Some("ab"));
        let mut fresh = Interner::default();
        let utf16 = fresh.intern_stored(Form::Utf16, b"ab", |_| Some("text".into()));
        let sid = fresh.intern_stored(Form::Sid, b"ab", |_| Some("S-1".into()));
        assert_eq!(
            (utf16.as_deref(), sid.as_deref()),
            (Some("text"), Some("S-1"))
        );
    }

    #[test]
    fn serializes_as_a_plain_string_and_reads_back_shared() {
        let values = vec![Text::from("alice"), Text::from("alice")];
        let json = serde_json::to_string(&values).unwrap();
        assert_eq!(json, r#"["alice","alice"]"#);
        let read: Vec<Text> = interning(|| serde_json::from_str(&json)).unwrap();
        assert_eq!(read, values);
        assert!(Arc::ptr_eq(&read[0].0, &read[1].0));
        let unshared: Vec<Text> = serde_json::from_str(&json).unwrap();
        assert!(!Arc::ptr_eq(&unshared[0].0, &unshared[1].0));
        let mut texts = Interner::default();
        let first: Vec<Text> = interning_into(&mut texts, || serde_json::from_str(&json)).unwrap();
        let second: Vec<Text> = interning_into(&mut texts, || serde_json::from_str(&json)).unwrap();
        assert!(Arc::ptr_eq(&first[0].0, &second[1].0));
    }

    #[test]
    fn stored_values_that_differ_only_inside_are_told_apart() {
        // Same length, same first and last eight bytes: only the words between differ.
        let mut texts = Interner::default();
        let decode = |bytes: &[u8]| Some(String::from_utf8_lossy(bytes).into_owned());
        for length in [17, 23, 24, 25, 40] {
            let mut a = vec![b'a'; length];
            let mut b = a.clone();
            b[length / 2] = b'b';
            let first = texts.intern_stored(Form::Utf16, &a, decode).unwrap();
            let second = texts.intern_stored(Form::Utf16, &b, decode).unwrap();
            assert_ne!(first, second, "{length} bytes");
            assert_eq!(*second, *String::from_utf8_lossy(&b));
            // And the same bytes again are the same shared text.
            a.clone_from(&b);
            let again = texts.intern_stored(Form::Utf16, &a, |_| None).unwrap();
            assert!(Arc::ptr_eq(&again.0, &second.0));
        }
    }

    #[test]
    fn the_interner_stays_bounded() {
        let mut interner = Interner::default();
        for n in 0..INTERNER_LIMIT + 10 {
            interner.intern(&n.to_string());
        }
        assert!(interner.by_text.len() <= INTERNER_LIMIT);
        assert_eq!(interner.intern("7"), "7");
    }
}
