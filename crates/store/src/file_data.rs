//! How a child's file is kept in `children.data`: as JSON, and on SQLite as JSON compressed
//! with zstd against a fixed dictionary of the file's own keys and common values, which
//! makes the registry about half the size and a census import's writes as much smaller
//! (decision 41). Rows written before compression, and every row on PostgreSQL, are JSON
//! text, and read as such.

use crate::db::Val;
use crate::error::StoreError;
use shouhu_domain::child::ChildFile;
use std::cell::RefCell;

/// First byte of a compressed file: zstd with [`DICTIONARY_V1`]. JSON starts with `{`.
const TAG_ZSTD_V1: u8 = 1;
/// Never change it: every row with [`TAG_ZSTD_V1`] needs exactly these bytes to be read. A
/// better dictionary gets a new tag.
const DICTIONARY_V1: &[u8] = include_bytes!("file_data_dictionary_v1.json");
/// One of zstd's fast levels: less than half of level 1's time for files about 15% larger,
/// still about a quarter of their JSON. -3 rather than -1 takes a fifth fewer instructions
/// for files 4% larger (docs/benchmarks.md). Any level reads back with the same dictionary.
const LEVEL: i32 = -3;
/// No file's JSON is near this (its texts are limited); a larger claim is a corrupt row.
const MAX_JSON: usize = 1 << 20;

/// A thread's compressor with its buffers, kept so that encoding a file allocates only the
/// value it returns (an import encodes a million).
struct Encoder {
    zstd: zstd::bulk::Compressor<'static>,
    json: Vec<u8>,
    frame: Vec<u8>,
}

thread_local! {
    static ENCODER: RefCell<Option<Encoder>> = const { RefCell::new(None) };
    static DECOMPRESSOR: RefCell<Option<zstd::bulk::Decompressor<'static>>> = const { RefCell::new(None) };
}

fn zstd_error(e: std::io::Error) -> StoreError {
    StoreError::Backend(format!("child file data: {e}"))
}

/// The value to store for `file`: compressed when `compress` (SQLite), JSON text otherwise.
pub fn encode(file: &ChildFile, compress: bool) -> Result<Val, StoreError> {
    if !compress {
        return Ok(Val::Text(serde_json::to_string(file)?));
    }
    ENCODER.with(|cell| {
        let mut cell = cell.borrow_mut();
        let e = match cell.as_mut() {
            Some(e) => e,
            None => cell.insert(Encoder {
                zstd: zstd::bulk::Compressor::with_dictionary(LEVEL, DICTIONARY_V1).map_err(zstd_error)?,
                json: Vec::with_capacity(4096),
                frame: Vec::new(),
            }),
        };
        e.json.clear();
        serde_json::to_writer(&mut e.json, file)?;
        e.frame.clear();
        e.frame.reserve(zstd::zstd_safe::compress_bound(e.json.len()));
        e.zstd.compress_to_buffer(&e.json, &mut e.frame).map_err(zstd_error)?;
        let mut out = Vec::with_capacity(5 + e.frame.len());
        out.push(TAG_ZSTD_V1);
        out.extend_from_slice(&(e.json.len() as u32).to_le_bytes());
        out.extend_from_slice(&e.frame);
        Ok(Val::Bytes(out))
    })
}

/// Reads a stored file: compressed or JSON text, whichever the row holds.
pub fn decode(raw: &[u8]) -> Result<ChildFile, StoreError> {
    let Some((&TAG_ZSTD_V1, rest)) = raw.split_first() else {
        return Ok(serde_json::from_slice(raw)?);
    };
    let (len, frame) =
        rest.split_at_checked(4).ok_or_else(|| StoreError::Backend("child file data cut short".into()))?;
    let len = u32::from_le_bytes([len[0], len[1], len[2], len[3]]) as usize;
    if len > MAX_JSON {
        return Err(StoreError::Backend(format!("child file data claims {len} bytes")));
    }
    let json = DECOMPRESSOR.with(|cell| {
        let mut cell = cell.borrow_mut();
        let z = match cell.as_mut() {
            Some(z) => z,
            None => cell.insert(zstd::bulk::Decompressor::with_dictionary(DICTIONARY_V1).map_err(zstd_error)?),
        };
        z.decompress(frame, len).map_err(zstd_error)
    })?;
    Ok(serde_json::from_slice(&json)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> ChildFile {
        let mut f = ChildFile { name: "张小明".into(), village_code: "120114101204".into(), ..Default::default() };
        f.father.name = "张建华".into();
        f.father.phone = Some("13912345678".into());
        f.notes = Some("父母均在苏州务工".into());
        f
    }

    #[test]
    fn a_file_reads_back_as_it_was_written_compressed_or_not() {
        for compress in [true, false] {
            let bytes = match encode(&file(), compress).expect("encoded") {
                Val::Bytes(b) => b,
                Val::Text(t) => t.into_bytes(),
                _ => panic!("neither bytes nor text"),
            };
            assert_eq!(decode(&bytes).expect("decoded"), file());
        }
    }

    #[test]
    fn each_file_on_a_thread_is_encoded_alone() {
        // The thread's buffers are reused: a long file must leave nothing in a short one.
        let mut long = file();
        long.notes = Some("外出务工".repeat(200));
        let short = ChildFile { name: "李四".into(), village_code: "120114101204".into(), ..Default::default() };
        for f in [&long, &short, &long] {
            let Val::Bytes(z) = encode(f, true).expect("encoded") else { panic!("not compressed") };
            assert_eq!(&decode(&z).expect("decoded"), f);
        }
    }

    #[test]
    fn compression_at_least_halves_a_file() {
        let json = serde_json::to_vec(&file()).expect("json");
        let Val::Bytes(z) = encode(&file(), true).expect("encoded") else { panic!("not compressed") };
        assert!(z.len() * 2 < json.len(), "{} of {} bytes", z.len(), json.len());
    }

    #[test]
    fn corrupt_data_is_an_error_not_a_panic() {
        let Val::Bytes(mut z) = encode(&file(), true).expect("encoded") else { panic!("not compressed") };
        assert!(decode(&z[..3]).is_err());
        z[1..5].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(decode(&z).is_err());
        let n = z.len();
        z[n - 4..].copy_from_slice(b"XXXX");
        assert!(decode(&z).is_err());
    }
}
