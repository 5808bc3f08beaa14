//! Where one copied core instance's code went: a map from its module's code
//! offsets to the fused module's, for rewriting DWARF ([`super::dwarf`]).
//!
//! Offsets are what wasm DWARF calls code addresses: byte offsets from the
//! start of the code section's contents. Re-encoding changes instruction
//! lengths (a remapped index may need more LEB bytes), so the map is kept
//! per instruction, not just per function: a point wherever the distance
//! between old and new offsets changes (most instructions keep their
//! length, so a run of them needs one point). An address maps by the point
//! at or below it, keeping its distance from that point.

/// One function of the map.
#[derive(Debug, Clone, Copy)]
struct Func {
    /// Old offset of the body's size prefix.
    old_start: u32,
    /// Old offset of the body (its locals), after the size prefix.
    old_body: u32,
    /// Old offset one past the body.
    old_end: u32,
    /// New offsets of the same, relative to the fused code entries (without
    /// the entry count before them).
    new_start: u32,
    new_body: u32,
    new_end: u32,
    /// This function's instruction points in [`CodeMap::points`].
    points: (usize, usize),
}

/// Old → new code offsets of one instance.
#[derive(Debug, Clone, Default)]
pub struct CodeMap {
    funcs: Vec<Func>,
    /// (old, new) at each instruction start where `new - old` changes,
    /// ascending in both.
    points: Vec<(u32, u32)>,
    /// Added to every new offset: the size of the fused code section's entry
    /// count, known once every function is in.
    base: u32,
    /// Maps of later rewrites of the fused module, applied in order to
    /// this map's new offsets (see [`CodeMap::then`]).
    after: Vec<std::sync::Arc<CodeMap>>,
}

/// Records one function while it is re-encoded.
pub struct FuncRecorder<'a> {
    map: &'a mut CodeMap,
    func: Func,
}

impl CodeMap {
    /// Starts recording a function whose body (after its size prefix)
    /// spans `old` in the module's code section, and whose fused entry
    /// starts at `new_start` in the fused code entries.
    pub fn function(&mut self, old: std::ops::Range<u32>, new_start: u32) -> FuncRecorder<'_> {
        let prefix = leb_len(old.end - old.start);
        let first = self.points.len();
        FuncRecorder {
            func: Func {
                old_start: old.start - prefix,
                old_body: old.start,
                old_end: old.end,
                new_start,
                new_body: 0,
                new_end: 0,
                points: (first, first),
            },
            map: self,
        }
    }

    /// Sets the size of the fused code section's entry count.
    pub fn set_base(&mut self, base: u32) {
        self.base = base;
    }

    /// Chains `next`, the map of a rewrite of the whole module this map
    /// maps into (a lowering pass, [`crate::single`]): addresses go through
    /// this map, then through `next`.
    pub fn then(&mut self, next: std::sync::Arc<CodeMap>) {
        self.after.push(next);
    }

    /// Whether no function was recorded.
    pub fn is_empty(&self) -> bool {
        self.funcs.is_empty()
    }

    /// The new offset of code address `old` as the start of something (an
    /// instruction, a function, a range); `None` outside every function.
    pub fn begin(&self, old: u64) -> Option<u64> {
        let mut at = self.begin_here(old)?;
        for next in &self.after {
            at = next.begin(at)?;
        }
        Some(at)
    }

    /// The new offset of code address `old` as the end (one past) of
    /// something: a function's end stays its end.
    pub fn end(&self, old: u64) -> Option<u64> {
        let mut at = self.end_here(old)?;
        for next in &self.after {
            at = next.end(at)?;
        }
        Some(at)
    }

    /// [`CodeMap::begin`] through this map only.
    fn begin_here(&self, old: u64) -> Option<u64> {
        let f = self.func(old)?;
        let old = old as u32;
        let new = if old == f.old_end {
            f.new_end
        } else if old < f.old_body {
            if old == f.old_start {
                f.new_start
            } else {
                f.new_body
            }
        } else {
            let points = &self.points[f.points.0..f.points.1];
            match points.partition_point(|(o, _)| *o <= old) {
                0 => f.new_body,
                i => {
                    let (o, n) = points[i - 1];
                    (n + (old - o)).min(f.new_end)
                }
            }
        };
        Some(u64::from(new + self.base))
    }

    /// [`CodeMap::end`] through this map only.
    fn end_here(&self, old: u64) -> Option<u64> {
        let i = self.funcs.partition_point(|f| u64::from(f.old_end) < old);
        match self.funcs.get(i) {
            Some(f) if u64::from(f.old_end) == old => Some(u64::from(f.new_end + self.base)),
            _ => self.begin_here(old),
        }
    }

    /// The function whose entry (size prefix to end, inclusive) holds `old`.
    fn func(&self, old: u64) -> Option<&Func> {
        let old = u32::try_from(old).ok()?;
        let i = self.funcs.partition_point(|f| f.old_start <= old);
        let f = self.funcs.get(i.checked_sub(1)?)?;
        (old <= f.old_end).then_some(f)
    }
}

impl FuncRecorder<'_> {
    /// Records that the instruction at old offset `old` (relative to the
    /// module's code section) starts `new` bytes into the new function's
    /// body (its locals included).
    pub fn instruction(&mut self, old: u32, new: usize) {
        let new = new as u32;
        let first = self.func.points.0;
        if let Some(&(o, n)) = self.map.points[first..].last()
            && new.wrapping_sub(n) == old.wrapping_sub(o)
        {
            return;
        }
        self.map.points.push((old, new));
    }

    /// Finishes the function: its new body is `len` bytes long (its size
    /// prefix excluded).
    pub fn finish(mut self, len: usize) {
        let len = len as u32;
        self.func.new_body = self.func.new_start + leb_len(len);
        self.func.new_end = self.func.new_body + len;
        self.func.points.1 = self.map.points.len();
        for point in &mut self.map.points[self.func.points.0..] {
            point.1 += self.func.new_body;
        }
        self.map.funcs.push(self.func);
    }
}

/// The number of bytes of `n` as an unsigned LEB128.
pub fn leb_len(n: u32) -> u32 {
    match n {
        0..0x80 => 1,
        0x80..0x4000 => 2,
        0x4000..0x20_0000 => 3,
        0x20_0000..0x1000_0000 => 4,
        _ => 5,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A function whose third instruction grows by one byte (a remapped
    /// index): instruction starts map exactly, the function's end to its
    /// new end, the size prefix to the new one, addresses outside to none.
    #[test]
    fn instruction_starts_and_ends_map_exactly() {
        let mut map = CodeMap::default();
        // Old body at 11..31 (size prefix at 10): locals 11..12,
        // instructions at 12, 14, 16 (2 bytes, becomes 3), 18, end at 30.
        let mut f = map.function(11..31, 100);
        for (old, new) in [(12, 1), (14, 3), (16, 5), (18, 8), (30, 20)] {
            f.instruction(old, new);
        }
        f.finish(21);
        map.set_base(2);
        // New entry at 100 (+2 for the entry count), size prefix 1 byte.
        assert_eq!(map.begin(10), Some(102));
        assert_eq!(map.begin(11), Some(103));
        assert_eq!(map.begin(12), Some(104));
        assert_eq!(map.begin(14), Some(106));
        assert_eq!(map.begin(16), Some(108));
        assert_eq!(map.begin(18), Some(111));
        assert_eq!(map.begin(30), Some(123));
        assert_eq!(map.end(31), Some(103 + 21));
        assert_eq!(map.begin(9), None);
        assert_eq!(map.begin(32), None);
        // One point per change of distance: 12 (first), 18 (after the
        // grown instruction); 14, 16 and 30 follow from them.
        assert_eq!(map.points.len(), 2);
    }
}
