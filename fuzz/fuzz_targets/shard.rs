//! A shard file's bytes as `merge` reads one: its header line and its numbers. Whatever
//! the header claims, reading must end in a message, or in a shard that holds what its
//! header says (its runs' rows for every curve, finite numbers), in bounded memory.
#![no_main]

use std::path::Path;

use diplosim::research::shard::decode;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    match decode(Path::new("ensemble-shard-1-of-1.bin"), bytes) {
        Ok(read) => {
            let h = &read.header;
            assert_eq!(read.curves.len(), h.curves.len());
            for rows in &read.curves {
                assert_eq!(rows.len() as u64, h.to - h.from);
                for row in rows {
                    assert_eq!(row.len() as u64, h.width);
                    assert!(row.iter().all(|x| x.is_finite()));
                }
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
