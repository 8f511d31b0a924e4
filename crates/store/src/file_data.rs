//! How a child's file is kept in `children.data`. It is written in shouhu's own binary form
//! (`file_binary`, decision 51), about as small as compressed JSON and far cheaper to write
//! and read, on PostgreSQL too since decision 204. Two older forms are still read: JSON
//! compressed with zstd against a fixed dictionary (decision 41), and JSON text, which rows
//! written before either hold, and PostgreSQL's rows written before decision 204.

use crate::db::Val;
use crate::error::StoreError;
use crate::file_binary;
use shouhu_domain::child::ChildFile;
use std::cell::RefCell;

/// First byte of a file in the binary form. JSON starts with `{`.
const TAG_BINARY_V1: u8 = 2;
/// First byte of a file written as zstd-compressed JSON before the binary form; read only.
const TAG_ZSTD_V1: u8 = 1;
/// Never change it: every row with [`TAG_ZSTD_V1`] needs exactly these bytes to be read.
const DICTIONARY_V1: &[u8] = include_bytes!("file_data_dictionary_v1.json");
/// No file's JSON is near this (its texts are limited); a larger claim is a corrupt row.
const MAX_JSON: usize = 1 << 20;

thread_local! {
    static DECOMPRESSOR: RefCell<Option<zstd::bulk::Decompressor<'static>>> = const { RefCell::new(None) };
}

fn zstd_error(e: std::io::Error) -> StoreError {
    StoreError::Backend(format!("child file data: {e}"))
}

/// A file's plain value in a given form: the binary form when `compact`, JSON text
/// otherwise. shouhu writes only the binary form now ([`encode_binary`]); the JSON form is
/// what PostgreSQL kept before decision 204, made here for the tests of rows written then.
pub fn encode(file: &ChildFile, compact: bool) -> Result<Val, StoreError> {
    if !compact {
        return Ok(Val::Text(serde_json::to_string(file)?));
    }
    Ok(Val::Bytes(encode_binary(file)))
}

/// The binary form, which every file is written in before it is sealed (decisions 51, 204).
pub fn encode_binary(file: &ChildFile) -> Vec<u8> {
    // Files take 240-520 bytes (docs/benchmarks.md): one allocation, rarely grown.
    let mut out = Vec::with_capacity(512);
    out.push(TAG_BINARY_V1);
    file_binary::write(file, &mut out);
    out
}

/// Reads a stored file, in whichever form the row holds.
pub fn decode(raw: &[u8]) -> Result<ChildFile, StoreError> {
    match raw.split_first() {
        Some((&TAG_BINARY_V1, rest)) => file_binary::read(rest),
        Some((&TAG_ZSTD_V1, rest)) => decode_zstd_v1(rest),
        _ => Ok(serde_json::from_slice(raw)?),
    }
}

fn decode_zstd_v1(rest: &[u8]) -> Result<ChildFile, StoreError> {
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

    /// A file as SQLite rows written before the binary form hold it.
    fn zstd_v1(f: &ChildFile) -> Vec<u8> {
        let json = serde_json::to_vec(f).expect("json");
        let mut z = zstd::bulk::Compressor::with_dictionary(-3, DICTIONARY_V1).expect("compressor");
        let mut out = vec![TAG_ZSTD_V1];
        out.extend_from_slice(&(json.len() as u32).to_le_bytes());
        out.extend_from_slice(&z.compress(&json).expect("compressed"));
        out
    }

    fn stored(v: Val) -> Vec<u8> {
        match v {
            Val::Bytes(b) => b,
            Val::Text(t) => t.into_bytes(),
            _ => panic!("neither bytes nor text"),
        }
    }

    #[test]
    fn a_file_reads_back_from_every_form_it_was_ever_stored_in() {
        let binary = stored(encode(&file(), true).expect("encoded"));
        assert_eq!(binary[0], TAG_BINARY_V1);
        let json = stored(encode(&file(), false).expect("encoded"));
        assert_eq!(json[0], b'{');
        for bytes in [binary, json, zstd_v1(&file())] {
            assert_eq!(decode(&bytes).expect("decoded"), file());
        }
    }

    #[test]
    fn hukou_reads_from_old_rows_as_before_and_not_filled_in_round_trips_in_every_form() {
        // JSON rows (PostgreSQL's, and SQLite's oldest) hold true or false; so does the JSON
        // inside a compressed row. They read as they were.
        let old =
            r#"{"name":"张三","village_code":"120114101204","hukou_registered":false,"rural_hukou":true}"#.as_bytes();
        let mut compressed = vec![TAG_ZSTD_V1];
        compressed.extend_from_slice(&(old.len() as u32).to_le_bytes());
        let mut z = zstd::bulk::Compressor::with_dictionary(-3, DICTIONARY_V1).expect("compressor");
        compressed.extend_from_slice(&z.compress(old).expect("compressed"));
        for bytes in [old, &compressed[..]] {
            let f = decode(bytes).expect("decoded");
            assert_eq!((f.hukou_registered, f.rural_hukou), (Some(false), Some(true)));
        }
        // Not filled in is null in JSON, and a value of its own in the binary form.
        for (registered, rural) in [(None, None), (None, Some(true)), (Some(false), None)] {
            let f = ChildFile { hukou_registered: registered, rural_hukou: rural, ..file() };
            let json = stored(encode(&f, false).expect("encoded"));
            if registered.is_none() {
                assert!(String::from_utf8_lossy(&json).contains(r#""hukou_registered":null"#));
            }
            for bytes in [stored(encode(&f, true).expect("encoded")), json, zstd_v1(&f)] {
                assert_eq!(decode(&bytes).expect("decoded"), f);
            }
        }
    }

    #[test]
    fn each_compressed_file_on_a_thread_is_read_alone() {
        // The thread's decompressor is reused: a long file must leave nothing in a short one.
        let mut long = file();
        long.notes = Some("外出务工".repeat(200));
        let short = ChildFile { name: "李四".into(), village_code: "120114101204".into(), ..Default::default() };
        for f in [&long, &short, &long] {
            assert_eq!(&decode(&zstd_v1(f)).expect("decoded"), f);
        }
    }

    #[test]
    fn the_binary_form_is_smaller_than_the_compressed_json() {
        let binary = stored(encode(&file(), true).expect("encoded"));
        assert!(binary.len() < zstd_v1(&file()).len(), "{} bytes", binary.len());
    }

    #[test]
    fn corrupt_compressed_data_is_an_error_not_a_panic() {
        let mut z = zstd_v1(&file());
        assert!(decode(&z[..3]).is_err());
        z[1..5].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(decode(&z).is_err());
        let n = z.len();
        z[n - 4..].copy_from_slice(b"XXXX");
        assert!(decode(&z).is_err());
    }
}
