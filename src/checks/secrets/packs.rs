//! Objects read straight from a repository's pack files, for the history
//! scan, with every object decoded on the way kept in a bounded cache.
//!
//! gix resolves a delta chain from its undeltified base each time unless
//! the requested object itself was cached, and it never caches the base:
//! when many versions of a file are deltas of one base, that base is
//! inflated again for every one of them (half the history scan's time on
//! rust-lang/cargo). Here each object of a chain, the base included, is
//! cached by its place in the pack, so walking a file's versions in order
//! decodes each one once. An object that is not in a pack (loose, in an
//! alternate) or whose delta base lies in another pack is read by gix.

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::rc::Rc;

use gix::ObjectId;
use gix::objs::Kind;
use gix::odb::pack;

/// The repository's packs (index and data, memory-mapped).
pub struct Packs {
    packs: Vec<(pack::index::File, pack::data::File)>,
}

/// Objects larger than this (or deltas declaring more) are left to gix.
const MAX_OBJECT: u64 = 256 << 20;
/// Longest delta chain followed (git's default maximum is 50).
const MAX_CHAIN: usize = 10_000;

impl Packs {
    /// Open every `*.idx` with its `*.pack` under `objects/pack`; a pack
    /// that cannot be opened is skipped (its objects are read by gix).
    pub fn open(objects: &Path, hash: gix::hash::Kind) -> Packs {
        let mut packs = Vec::new();
        let dir = objects.join("pack");
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        names.sort();
        for idx_path in names {
            if idx_path.extension().is_none_or(|e| e != "idx") {
                continue;
            }
            let pack_path = idx_path.with_extension("pack");
            if let (Ok(idx), Ok(data)) = (
                pack::index::File::at(&idx_path, hash),
                pack::data::File::at(&pack_path, hash),
            ) {
                packs.push((idx, data));
            }
        }
        Packs { packs }
    }

    fn locate(&self, id: &ObjectId) -> Option<(usize, u64)> {
        self.packs
            .iter()
            .enumerate()
            .find_map(|(i, (idx, _))| idx.lookup(id).map(|e| (i, idx.pack_offset_at_index(e))))
    }
}

/// A decoded object: its kind and bytes.
pub type Object = (Kind, Rc<Vec<u8>>);

/// What [`Reader::find_capped`] found.
pub enum Found {
    Object(Kind, Rc<Vec<u8>>),
    TooLarge,
}

/// One thread's reader: the packs plus a cache of decoded objects.
pub struct Reader<'p> {
    packs: &'p Packs,
    cache: HashMap<(usize, u64), Object>,
    order: VecDeque<(usize, u64)>,
    bytes: usize,
    budget: usize,
    inflate: gix::zlib::Inflate,
}

impl<'p> Reader<'p> {
    pub fn new(packs: &'p Packs, budget: usize) -> Self {
        Reader {
            packs,
            cache: HashMap::new(),
            order: VecDeque::new(),
            bytes: 0,
            budget,
            inflate: gix::zlib::Inflate::default(),
        }
    }

    /// The object `id` with its kind, decoded from a pack; `Ok(None)` when
    /// it is not (wholly) in a pack, so that the caller asks gix.
    pub fn find(&mut self, id: &ObjectId) -> Result<Option<Object>, String> {
        match self.find_capped(id, u64::MAX)? {
            Some(Found::Object(kind, data)) => Ok(Some((kind, data))),
            _ => Ok(None),
        }
    }

    /// Like [`Reader::find`], but an object larger than `cap` (known from
    /// its pack entry, or for a delta from the delta's own header) is not
    /// decoded: [`Found::TooLarge`].
    pub fn find_capped(&mut self, id: &ObjectId, cap: u64) -> Result<Option<Found>, String> {
        let Some((p, offset)) = self.packs.locate(id) else {
            return Ok(None);
        };
        self.decode(p, offset, cap)
    }

    fn remember(&mut self, key: (usize, u64), kind: Kind, data: &Rc<Vec<u8>>) {
        let len = data.len();
        if len > self.budget / 4 {
            return;
        }
        while self.bytes + len > self.budget {
            let Some(old) = self.order.pop_front() else {
                break;
            };
            if let Some((_, d)) = self.cache.remove(&old) {
                self.bytes -= d.len();
            }
        }
        if self.cache.insert(key, (kind, Rc::clone(data))).is_none() {
            self.order.push_back(key);
            self.bytes += len;
        }
    }

    fn inflate(&mut self, p: usize, entry: &pack::data::Entry) -> Result<Vec<u8>, String> {
        let (_, data) = &self.packs.packs[p];
        let mut out = vec![0; entry.decompressed_size as usize];
        data.decompress_entry(entry, &mut self.inflate, &mut out)
            .map_err(|e| format!("{}: {e}", data.path().display()))?;
        Ok(out)
    }

    fn decode(&mut self, p: usize, offset: u64, cap: u64) -> Result<Option<Found>, String> {
        // The deltas from the wanted object down to a cached or whole
        // object; the first one inflated already when its size was checked.
        let mut chain: Vec<(u64, pack::data::Entry, Option<Vec<u8>>)> = Vec::new();
        let mut at = offset;
        let (kind, mut data) = loop {
            if let Some((kind, d)) = self.cache.get(&(p, at)) {
                if chain.is_empty() && d.len() as u64 > cap {
                    return Ok(Some(Found::TooLarge));
                }
                break (*kind, Rc::clone(d));
            }
            let packs = self.packs;
            let (idx, file) = &packs.packs[p];
            let entry = file
                .entry(at)
                .map_err(|e| format!("{}: {e}", file.path().display()))?;
            if entry.decompressed_size > MAX_OBJECT || chain.len() > MAX_CHAIN {
                return Ok(None);
            }
            let first = at == offset;
            if first && !entry.header.is_delta() && entry.decompressed_size > cap {
                return Ok(Some(Found::TooLarge));
            }
            // The size of a delta's result is in the delta's header.
            let mut inflated = None;
            if first && entry.header.is_delta() && cap != u64::MAX {
                let delta = self.inflate(p, &entry)?;
                let mut i = 0;
                let sizes = delta_size(&delta, &mut i).and_then(|_| delta_size(&delta, &mut i));
                if sizes.is_none_or(|n| n as u64 > cap) {
                    return Ok(Some(Found::TooLarge));
                }
                inflated = Some(delta);
            }
            match entry.header {
                pack::data::entry::Header::OfsDelta { base_distance } => {
                    let Some(base) = entry.checked_base_pack_offset(base_distance) else {
                        return Err(format!("{}: bad delta base", file.path().display()));
                    };
                    chain.push((at, entry, inflated));
                    at = base;
                }
                pack::data::entry::Header::RefDelta { base_id } => {
                    let Some(i) = idx.lookup(base_id) else {
                        return Ok(None);
                    };
                    chain.push((at, entry, inflated));
                    at = idx.pack_offset_at_index(i);
                }
                header => {
                    let kind = header
                        .as_kind()
                        .ok_or_else(|| format!("{}: bad entry", file.path().display()))?;
                    let d = Rc::new(self.inflate(p, &entry)?);
                    self.remember((p, at), kind, &d);
                    break (kind, d);
                }
            }
        };
        while let Some((off, entry, inflated)) = chain.pop() {
            let delta = match inflated {
                Some(d) => d,
                None => self.inflate(p, &entry)?,
            };
            let out = apply_delta(&data, &delta).ok_or_else(|| {
                format!(
                    "{}: bad delta at offset {off}",
                    self.packs.packs[p].1.path().display()
                )
            })?;
            data = Rc::new(out);
            self.remember((p, off), kind, &data);
        }
        Ok(Some(Found::Object(kind, data)))
    }
}

/// A size in git's delta header: 7 bits a byte, least significant first.
fn delta_size(delta: &[u8], at: &mut usize) -> Option<usize> {
    let mut size = 0usize;
    let mut shift = 0;
    loop {
        let b = *delta.get(*at)?;
        *at += 1;
        size |= ((b & 0x7f) as usize).checked_shl(shift)?;
        if b & 0x80 == 0 {
            return Some(size);
        }
        shift += 7;
        if shift > 56 {
            return None;
        }
    }
}

/// Apply a git delta (base size, result size, then copy and insert
/// instructions) to `base`; `None` when it does not fit `base` or is
/// malformed.
pub fn apply_delta(base: &[u8], delta: &[u8]) -> Option<Vec<u8>> {
    let mut i = 0;
    if delta_size(delta, &mut i)? != base.len() {
        return None;
    }
    let size = delta_size(delta, &mut i)?;
    if size as u64 > MAX_OBJECT {
        return None;
    }
    let mut out = Vec::with_capacity(size);
    while i < delta.len() {
        let cmd = delta[i];
        i += 1;
        if cmd & 0x80 != 0 {
            let mut off = 0usize;
            let mut len = 0usize;
            for (bit, shift) in [(0x01, 0), (0x02, 8), (0x04, 16), (0x08, 24)] {
                if cmd & bit != 0 {
                    off |= (*delta.get(i)? as usize) << shift;
                    i += 1;
                }
            }
            for (bit, shift) in [(0x10, 0), (0x20, 8), (0x40, 16)] {
                if cmd & bit != 0 {
                    len |= (*delta.get(i)? as usize) << shift;
                    i += 1;
                }
            }
            if len == 0 {
                len = 0x10000;
            }
            out.extend_from_slice(base.get(off..off.checked_add(len)?)?);
        } else if cmd != 0 {
            let n = cmd as usize;
            out.extend_from_slice(delta.get(i..i + n)?);
            i += n;
        } else {
            return None;
        }
        if out.len() > size {
            return None;
        }
    }
    (out.len() == size).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deltas_copy_and_insert() {
        let base = b"hello, world\n".repeat(10);
        // base size 130, result size 18: copy 12 bytes at 0, insert "!xyzw\n".
        let mut delta = vec![130, 1, 18];
        delta.extend([0x80 | 0x10, 12]);
        delta.extend([6]);
        delta.extend(b"!xyzw\n");
        assert_eq!(
            apply_delta(&base, &delta).as_deref(),
            Some(&b"hello, world!xyzw\n"[..])
        );
        // A copy past the base's end, a wrong base size, a truncated insert.
        assert_eq!(apply_delta(&base, &[130, 1, 5, 0x91, 128, 5]), None);
        assert_eq!(apply_delta(&base, &[7, 1, 0]), None);
        assert_eq!(apply_delta(&base, &[130, 1, 3, 3, b'a']), None);
        assert_eq!(apply_delta(&base, &[130, 1, 0, 0]), None);
    }
}
