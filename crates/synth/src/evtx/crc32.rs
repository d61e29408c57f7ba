//! CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), the checksum EVTX file and chunk
//! headers store.
//!
//! It is computed here rather than through a crate so that the writer has no dependencies: a
//! slice-by-16 table lookup checksums a 64 KiB chunk in a few tens of microseconds.

/// The reflected IEEE polynomial.
const POLYNOMIAL: u32 = 0xEDB8_8320;

/// How many bytes fold in at once.
const SLICES: usize = 16;

/// Slice-by-16 tables: `TABLES[0]` is the classic byte table, `TABLES[k][b]` the CRC of byte
/// `b` followed by `k` zero bytes, so that 16 bytes fold in with 16 independent lookups.
static TABLES: [[u32; 256]; SLICES] = make_tables();

const fn make_tables() -> [[u32; 256]; SLICES] {
    let mut tables = [[0_u32; 256]; SLICES];
    let mut byte = 0;
    while byte < 256 {
        let mut crc = byte as u32;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ POLYNOMIAL
            } else {
                crc >> 1
            };
            bit += 1;
        }
        tables[0][byte] = crc;
        byte += 1;
    }
    let mut k = 1;
    while k < SLICES {
        let mut byte = 0;
        while byte < 256 {
            let previous = tables[k - 1][byte];
            tables[k][byte] = (previous >> 8) ^ tables[0][(previous & 0xFF) as usize];
            byte += 1;
        }
        k += 1;
    }
    tables
}

/// The CRC-32 of `data`.
pub(crate) fn checksum(data: &[u8]) -> u32 {
    update(0, data)
}

/// The CRC-32 of the bytes `crc` is the CRC-32 of, followed by `data`: chunk headers checksum
/// two disjoint ranges as if they were one.
pub(crate) fn update(crc: u32, data: &[u8]) -> u32 {
    let mut crc = !crc;
    let (blocks, rest) = data.as_chunks::<SLICES>();
    for block in blocks {
        // The running CRC folds into the block's first four bytes; each byte then goes
        // through the table for how many bytes follow it in the block.
        let mut folded = *block;
        let head = crc ^ u32::from_le_bytes([block[0], block[1], block[2], block[3]]);
        folded[..4].copy_from_slice(&head.to_le_bytes());
        crc = 0;
        for (k, &byte) in folded.iter().enumerate() {
            crc ^= TABLES[SLICES - 1 - k][usize::from(byte)];
        }
    }
    for &byte in rest {
        crc = (crc >> 8) ^ TABLES[0][((crc ^ u32::from(byte)) & 0xFF) as usize];
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_standard_check_value() {
        // The check value every CRC-32/ISO-HDLC implementation documents.
        assert_eq!(checksum(b"123456789"), 0xCBF4_3926);
        assert_eq!(checksum(b""), 0);
    }

    #[test]
    fn slices_and_bytes_agree() {
        // Lengths around the 16-byte block size exercise both loops and their hand-over.
        let data: Vec<u8> = (0..1000_u32).map(|i| (i * 7 + i / 3) as u8).collect();
        for len in [0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 999, 1000] {
            let mut bytewise = !0_u32;
            for &byte in &data[..len] {
                bytewise =
                    (bytewise >> 8) ^ TABLES[0][((bytewise ^ u32::from(byte)) & 0xFF) as usize];
            }
            assert_eq!(checksum(&data[..len]), !bytewise, "length {len}");
        }
    }

    #[test]
    fn update_continues_a_checksum() {
        let data = b"The quick brown fox jumps over the lazy dog";
        for split in 0..data.len() {
            let (a, b) = data.split_at(split);
            assert_eq!(update(checksum(a), b), checksum(data), "split at {split}");
        }
        assert_eq!(checksum(data), 0x414F_A339);
    }
}
