//! A fast hasher for the index's own tables: key names from the user's notes and pointer
//! addresses. The standard SipHash guards against crafted keys from an adversary; notes are
//! the user's own, and hashing 400,000 names per index is where SipHash's cost shows.

use std::hash::{BuildHasher, Hasher};

const K: u64 = 0x9E37_79B9_7F4A_7C15;

/// Builds [`FastHasher`]s.
#[derive(Clone, Copy, Debug, Default)]
pub struct BuildFast;

impl BuildHasher for BuildFast {
    type Hasher = FastHasher;
    fn build_hasher(&self) -> FastHasher {
        FastHasher(K)
    }
}

/// Eight bytes at a step: rotate, mix in, multiply; the high half folded back at the end so
/// that the low bits (the table's bucket) depend on every input bit.
#[derive(Clone, Copy, Debug)]
pub struct FastHasher(u64);

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(K);
    }
}

impl Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 29)
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().unwrap_or_default()));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // the length in the free top byte: `a` and `a\0` differ
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            last[7] = rest.len() as u8;
            self.add(u64::from_le_bytes(last));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(s: &str) -> u64 {
        BuildFast.hash_one(s)
    }

    #[test]
    fn names_spread_over_buckets() {
        // names that differ in one late byte, and addresses 16 bytes apart, fill a table's
        // low bits evenly enough: no bucket of 1024 takes more than a few of 4096
        let mut buckets = [0u32; 1024];
        for i in 0..2048 {
            buckets[(hash(&format!("sync.Name{i}")) & 1023) as usize] += 1;
            buckets[(BuildFast.hash_one(0x7f00_0000_0000_usize + 16 * i) & 1023) as usize] += 1;
        }
        assert!(
            buckets.iter().all(|&n| n < 16),
            "{:?}",
            buckets.iter().max()
        );
        assert_ne!(hash("sync.Once"), hash("sync.Onc"));
        assert_ne!(hash(""), hash("\0"));
    }
}
