//! Binary encodings of the substitution values a record carries: numbers little-endian, strings
//! UTF-16LE without a terminator, SIDs and GUIDs parsed from their text forms.
//!
//! Everything appends to the record being built; on an error the caller discards that record
//! whole, so a half-written value never reaches a chunk.

use std::io;

use super::Value;

/// Value types (MS-EVEN6 2.2.18), as the core's reader knows them.
pub(crate) use logonscope_core::template::value as value_type;

/// The most sub-authorities a SID holds (MS-DTYP 2.4.2.2).
const MAX_SUB_AUTHORITIES: u8 = 15;

impl Value<'_> {
    /// The BinXML value type this value is stored as.
    pub(crate) fn value_type(&self) -> u8 {
        match self {
            Value::Null => value_type::NULL,
            Value::Str(_) => value_type::STRING,
            Value::UInt8(_) => value_type::UINT8,
            Value::UInt16(_) => value_type::UINT16,
            Value::UInt32(_) => value_type::UINT32,
            Value::UInt64(_) => value_type::UINT64,
            Value::HexInt32(_) => value_type::HEX_INT32,
            Value::HexInt64(_) => value_type::HEX_INT64,
            Value::Sid(_) => value_type::SID,
            Value::Guid(_) => value_type::GUID,
            Value::FileTime(_) => value_type::FILETIME,
        }
    }

    /// Append the value's bytes to `out`; what it appends is the value's size in its descriptor.
    pub(crate) fn encode(&self, out: &mut Vec<u8>) -> io::Result<()> {
        match *self {
            Value::Null => {}
            Value::Str(text) => {
                put_utf16(out, text);
            }
            Value::UInt8(n) => out.push(n),
            Value::UInt16(n) => out.extend_from_slice(&n.to_le_bytes()),
            Value::UInt32(n) | Value::HexInt32(n) => out.extend_from_slice(&n.to_le_bytes()),
            Value::UInt64(n) | Value::HexInt64(n) | Value::FileTime(n) => {
                out.extend_from_slice(&n.to_le_bytes());
            }
            Value::Sid(text) => put_sid(out, text)?,
            Value::Guid(text) => put_guid(out, text)?,
        }
        Ok(())
    }
}

/// An `InvalidInput` error: what callers pass is wrong, not the output.
pub(crate) fn invalid_input(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

/// Append `text` as UTF-16LE, without a terminator, and return how many code units it took.
pub(crate) fn put_utf16(out: &mut Vec<u8>, text: &str) -> usize {
    if text.is_ascii() {
        // Nearly every string in a Security log is ASCII: zero-filling and setting every other
        // byte vectorizes, where pushing code units one by one does not.
        let start = out.len();
        out.resize(start + 2 * text.len(), 0);
        for (unit, &byte) in out[start..].chunks_exact_mut(2).zip(text.as_bytes()) {
            unit[0] = byte;
        }
        text.len()
    } else {
        let mut units = 0;
        for unit in text.encode_utf16() {
            out.extend_from_slice(&unit.to_le_bytes());
            units += 1;
        }
        units
    }
}

/// Append the binary SID (MS-DTYP 2.4.2.2) that `text` ("S-1-5-21-...") spells.
///
/// It takes what `ConvertStringSidToSid` takes in the numeric form: a revision, an identifier
/// authority in decimal (or hexadecimal with `0x`, the form SDDL uses from 2^32 up), and up to 15
/// decimal 32-bit sub-authorities.
pub(crate) fn put_sid(out: &mut Vec<u8>, text: &str) -> io::Result<()> {
    let invalid = || invalid_input(format!("invalid SID {text:?}"));
    let rest = text
        .strip_prefix("S-")
        .or_else(|| text.strip_prefix("s-"))
        .ok_or_else(invalid)?;
    let mut parts = rest.as_bytes().split(|&b| b == b'-');
    let revision = parts
        .next()
        .and_then(parse_decimal)
        .and_then(|n| u8::try_from(n).ok())
        .ok_or_else(invalid)?;
    let authority = parts.next().and_then(parse_authority).ok_or_else(invalid)?;

    let start = out.len();
    out.push(revision);
    // The sub-authority count, set once they are counted.
    out.push(0);
    // The identifier authority is the one big-endian field: 6 bytes.
    out.extend_from_slice(&authority.to_be_bytes()[2..]);
    let mut count = 0_u8;
    for part in parts {
        let sub_authority = parse_decimal(part)
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(invalid)?;
        if count == MAX_SUB_AUTHORITIES {
            return Err(invalid());
        }
        out.extend_from_slice(&sub_authority.to_le_bytes());
        count += 1;
    }
    out[start + 1] = count;
    Ok(())
}

/// A decimal number of ASCII digits only (no sign, unlike `str::parse`).
fn parse_decimal(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0_u64, |n, &digit| {
        let digit = digit.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        n.checked_mul(10)?.checked_add(u64::from(digit))
    })
}

/// A SID's identifier authority: 48 bits, in decimal or `0x` hexadecimal.
fn parse_authority(text: &[u8]) -> Option<u64> {
    let value = match text
        .strip_prefix(b"0x")
        .or_else(|| text.strip_prefix(b"0X"))
    {
        Some(hex) if !hex.is_empty() && hex.len() <= 12 => {
            hex.iter().try_fold(0_u64, |n, &digit| {
                Some(n << 4 | u64::from(hex_digit(digit)?))
            })?
        }
        Some(_) => return None,
        None => parse_decimal(text)?,
    };
    (value < 1 << 48).then_some(value)
}

fn hex_digit(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

/// Append the binary GUID that `text` spells, `{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}` with or
/// without its braces: the first three groups little-endian, the last two as bytes in order.
pub(crate) fn put_guid(out: &mut Vec<u8>, text: &str) -> io::Result<()> {
    let bytes = parse_guid(text).ok_or_else(|| invalid_input(format!("invalid GUID {text:?}")))?;
    out.extend_from_slice(&bytes);
    Ok(())
}

fn parse_guid(text: &str) -> Option<[u8; 16]> {
    /// Where each of the GUID's bytes is spelled in its text: the first three groups are
    /// numbers, stored little-endian, so their bytes come in reverse.
    const DIGITS_AT: [usize; 16] = [6, 4, 2, 0, 11, 9, 16, 14, 19, 21, 24, 26, 28, 30, 32, 34];
    let inner = match text.strip_prefix('{') {
        Some(rest) => rest.strip_suffix('}')?,
        None => text,
    };
    let text = inner.as_bytes();
    if text.len() != 36 || [8, 13, 18, 23].iter().any(|&at| text[at] != b'-') {
        return None;
    }
    let mut guid = [0_u8; 16];
    for (byte, at) in guid.iter_mut().zip(DIGITS_AT) {
        *byte = hex_digit(text[at])? << 4 | hex_digit(text[at + 1])?;
    }
    Some(guid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sid(text: &str) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        put_sid(&mut out, text).map(|()| out)
    }

    #[test]
    fn sids_encode_as_ms_dtyp_says() {
        assert_eq!(
            sid("S-1-5-18").unwrap(),
            [1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0]
        );
        assert_eq!(
            sid("S-1-0-0").unwrap(),
            [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        );
        let domain = sid("S-1-5-21-3623811015-3361044348-30300820-1013").unwrap();
        assert_eq!(domain.len(), 8 + 5 * 4);
        assert_eq!(&domain[..8], [1, 5, 0, 0, 0, 0, 0, 5]);
        assert_eq!(&domain[24..], 1013_u32.to_le_bytes());
        // Identifier authorities from 2^32 up are written in hexadecimal.
        assert_eq!(
            sid("S-1-0x123456789abc-7").unwrap(),
            [1, 1, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 7, 0, 0, 0]
        );
        assert_eq!(sid("S-1-1").unwrap(), [1, 0, 0, 0, 0, 0, 0, 1]);
    }

    #[test]
    fn bad_sids_are_invalid_input() {
        let fifteen = format!("S-1-5{}", "-1".repeat(15));
        assert_eq!(sid(&fifteen).unwrap().len(), 8 + 15 * 4);
        for bad in [
            "",
            "S-",
            "S-1",
            "X-1-5-18",
            "S-1-5-",
            "S-1-5--18",
            "S-1-5-+18",
            "S-1-5-4294967296",
            "S-256-5-18",
            "S-1-281474976710656-1",
            "S-1-0x-1",
            "S-1-5-18 ",
            "S-1-5-abc",
            &format!("{fifteen}-1"),
        ] {
            let err = sid(bad).expect_err(bad);
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{bad}");
        }
    }

    #[test]
    fn guids_encode_mixed_endian() {
        let expected = [
            0x25, 0x96, 0x84, 0x54, 0x78, 0x54, 0x94, 0x49, 0xa5, 0xba, 0x3e, 0x3b, 0x03, 0x28,
            0xc3, 0x0d,
        ];
        for text in [
            "{54849625-5478-4994-a5ba-3e3b0328c30d}",
            "54849625-5478-4994-A5BA-3E3B0328C30D",
        ] {
            assert_eq!(parse_guid(text), Some(expected), "{text}");
        }
        for bad in [
            "",
            "{54849625-5478-4994-a5ba-3e3b0328c30d",
            "54849625-5478-4994-a5ba-3e3b0328c30d}",
            "{54849625-5478-4994-a5ba3e3b0328c30d}",
            "{5484962-55478-4994-a5ba-3e3b0328c30d}",
            "{54849625-5478-4994-a5ba-3e3b0328c30g}",
            "{+4849625-5478-4994-a5ba-3e3b0328c30d}",
            "{54849625-5478-4994-a5ba-3e3b0328c30d-}",
        ] {
            assert_eq!(parse_guid(bad), None, "{bad}");
            let err = put_guid(&mut Vec::new(), bad).expect_err(bad);
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        }
    }

    #[test]
    fn strings_are_utf16le_without_terminator() {
        let mut out = vec![0xAA];
        assert_eq!(put_utf16(&mut out, "Ab"), 2);
        assert_eq!(out, [0xAA, b'A', 0, b'b', 0]);
        out.clear();
        // Non-ASCII, including a character outside the BMP (a surrogate pair).
        assert_eq!(put_utf16(&mut out, "é😀"), 3);
        assert_eq!(out, [0xE9, 0x00, 0x3D, 0xD8, 0x00, 0xDE]);
    }

    #[test]
    fn values_encode_little_endian() {
        let cases: [(Value<'_>, &[u8], u8); 8] = [
            (Value::Null, &[], 0x00),
            (Value::UInt8(7), &[7], 0x04),
            (Value::UInt16(0x1234), &[0x34, 0x12], 0x06),
            (Value::UInt32(0x0102_0304), &[4, 3, 2, 1], 0x08),
            (Value::UInt64(1), &[1, 0, 0, 0, 0, 0, 0, 0], 0x0a),
            (Value::HexInt32(0x1f2), &[0xf2, 1, 0, 0], 0x14),
            (Value::HexInt64(0x3e7), &[0xe7, 3, 0, 0, 0, 0, 0, 0], 0x15),
            (Value::FileTime(2), &[2, 0, 0, 0, 0, 0, 0, 0], 0x11),
        ];
        for (value, bytes, value_type) in cases {
            let mut out = Vec::new();
            value.encode(&mut out).unwrap();
            assert_eq!(out, bytes, "{value:?}");
            assert_eq!(value.value_type(), value_type, "{value:?}");
        }
    }
}
