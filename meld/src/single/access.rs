//! Which core instructions access a memory through a `memarg`, how many
//! bytes each touches and which operands sit above its address on the
//! stack (the rewriter sets those aside while it rebases the address).

use wasm_encoder::ValType;
use wasmparser::{MemArg, Operator};

/// One memory access: its immediate, its width and its operand shape.
#[derive(Debug, Clone, Copy)]
pub struct Access {
    /// The instruction's `memarg` (memory index, static offset, alignment).
    pub memarg: MemArg,
    /// Bytes read or written.
    pub size: u64,
    /// Operands above the address, bottom first.
    pub operands: &'static [ValType],
    /// Whether the instruction is atomic (traps when misaligned).
    pub atomic: bool,
}

const NONE: &[ValType] = &[];
const I32: &[ValType] = &[ValType::I32];
const I64: &[ValType] = &[ValType::I64];
const F32: &[ValType] = &[ValType::F32];
const F64: &[ValType] = &[ValType::F64];
const V128: &[ValType] = &[ValType::V128];
const I32_I32: &[ValType] = &[ValType::I32, ValType::I32];
const I64_I64: &[ValType] = &[ValType::I64, ValType::I64];
const I32_I64: &[ValType] = &[ValType::I32, ValType::I64];

/// The access `op` makes, if it has a `memarg`.
pub fn access(op: &Operator<'_>) -> Option<Access> {
    plain(op)
        .map(|(memarg, size, operands)| Access {
            memarg,
            size,
            operands,
            atomic: false,
        })
        .or_else(|| {
            atomic(op).map(|(memarg, size, operands)| Access {
                memarg,
                size,
                operands,
                atomic: true,
            })
        })
}

type Shape = (MemArg, u64, &'static [ValType]);

/// Non-atomic loads and stores, SIMD included.
fn plain(op: &Operator<'_>) -> Option<Shape> {
    use Operator as O;
    Some(match *op {
        O::I32Load8S { memarg }
        | O::I32Load8U { memarg }
        | O::I64Load8S { memarg }
        | O::I64Load8U { memarg }
        | O::V128Load8Splat { memarg } => (memarg, 1, NONE),
        O::I32Load16S { memarg }
        | O::I32Load16U { memarg }
        | O::I64Load16S { memarg }
        | O::I64Load16U { memarg }
        | O::V128Load16Splat { memarg } => (memarg, 2, NONE),
        O::I32Load { memarg }
        | O::F32Load { memarg }
        | O::I64Load32S { memarg }
        | O::I64Load32U { memarg }
        | O::V128Load32Splat { memarg }
        | O::V128Load32Zero { memarg } => (memarg, 4, NONE),
        O::I64Load { memarg }
        | O::F64Load { memarg }
        | O::V128Load8x8S { memarg }
        | O::V128Load8x8U { memarg }
        | O::V128Load16x4S { memarg }
        | O::V128Load16x4U { memarg }
        | O::V128Load32x2S { memarg }
        | O::V128Load32x2U { memarg }
        | O::V128Load64Splat { memarg }
        | O::V128Load64Zero { memarg } => (memarg, 8, NONE),
        O::V128Load { memarg } => (memarg, 16, NONE),
        O::I32Store8 { memarg } => (memarg, 1, I32),
        O::I32Store16 { memarg } => (memarg, 2, I32),
        O::I32Store { memarg } => (memarg, 4, I32),
        O::I64Store8 { memarg } => (memarg, 1, I64),
        O::I64Store16 { memarg } => (memarg, 2, I64),
        O::I64Store32 { memarg } => (memarg, 4, I64),
        O::I64Store { memarg } => (memarg, 8, I64),
        O::F32Store { memarg } => (memarg, 4, F32),
        O::F64Store { memarg } => (memarg, 8, F64),
        O::V128Store { memarg } => (memarg, 16, V128),
        O::V128Load8Lane { memarg, .. } | O::V128Store8Lane { memarg, .. } => (memarg, 1, V128),
        O::V128Load16Lane { memarg, .. } | O::V128Store16Lane { memarg, .. } => (memarg, 2, V128),
        O::V128Load32Lane { memarg, .. } | O::V128Store32Lane { memarg, .. } => (memarg, 4, V128),
        O::V128Load64Lane { memarg, .. } | O::V128Store64Lane { memarg, .. } => (memarg, 8, V128),
        _ => return None,
    })
}

/// Atomic loads, stores, read-modify-writes, compare-exchanges, waits and
/// notifies (the threads proposal; on non-shared memories here).
fn atomic(op: &Operator<'_>) -> Option<Shape> {
    atomic_rmw(op).or_else(|| {
        use Operator as O;
        Some(match *op {
            O::MemoryAtomicNotify { memarg } => (memarg, 4, I32),
            O::MemoryAtomicWait32 { memarg } => (memarg, 4, I32_I64),
            O::MemoryAtomicWait64 { memarg } => (memarg, 8, I64_I64),
            O::I32AtomicLoad8U { memarg } | O::I64AtomicLoad8U { memarg } => (memarg, 1, NONE),
            O::I32AtomicLoad16U { memarg } | O::I64AtomicLoad16U { memarg } => (memarg, 2, NONE),
            O::I32AtomicLoad { memarg } | O::I64AtomicLoad32U { memarg } => (memarg, 4, NONE),
            O::I64AtomicLoad { memarg } => (memarg, 8, NONE),
            O::I32AtomicStore8 { memarg } => (memarg, 1, I32),
            O::I32AtomicStore16 { memarg } => (memarg, 2, I32),
            O::I32AtomicStore { memarg } => (memarg, 4, I32),
            O::I64AtomicStore8 { memarg } => (memarg, 1, I64),
            O::I64AtomicStore16 { memarg } => (memarg, 2, I64),
            O::I64AtomicStore32 { memarg } => (memarg, 4, I64),
            O::I64AtomicStore { memarg } => (memarg, 8, I64),
            O::I32AtomicRmw8CmpxchgU { memarg } => (memarg, 1, I32_I32),
            O::I32AtomicRmw16CmpxchgU { memarg } => (memarg, 2, I32_I32),
            O::I32AtomicRmwCmpxchg { memarg } => (memarg, 4, I32_I32),
            O::I64AtomicRmw8CmpxchgU { memarg } => (memarg, 1, I64_I64),
            O::I64AtomicRmw16CmpxchgU { memarg } => (memarg, 2, I64_I64),
            O::I64AtomicRmw32CmpxchgU { memarg } => (memarg, 4, I64_I64),
            O::I64AtomicRmwCmpxchg { memarg } => (memarg, 8, I64_I64),
            _ => return None,
        })
    })
}

/// Atomic read-modify-writes other than compare-exchange: address and one
/// value operand.
fn atomic_rmw(op: &Operator<'_>) -> Option<Shape> {
    use Operator as O;
    Some(match *op {
        O::I32AtomicRmw8AddU { memarg }
        | O::I32AtomicRmw8SubU { memarg }
        | O::I32AtomicRmw8AndU { memarg }
        | O::I32AtomicRmw8OrU { memarg }
        | O::I32AtomicRmw8XorU { memarg }
        | O::I32AtomicRmw8XchgU { memarg } => (memarg, 1, I32),
        O::I32AtomicRmw16AddU { memarg }
        | O::I32AtomicRmw16SubU { memarg }
        | O::I32AtomicRmw16AndU { memarg }
        | O::I32AtomicRmw16OrU { memarg }
        | O::I32AtomicRmw16XorU { memarg }
        | O::I32AtomicRmw16XchgU { memarg } => (memarg, 2, I32),
        O::I32AtomicRmwAdd { memarg }
        | O::I32AtomicRmwSub { memarg }
        | O::I32AtomicRmwAnd { memarg }
        | O::I32AtomicRmwOr { memarg }
        | O::I32AtomicRmwXor { memarg }
        | O::I32AtomicRmwXchg { memarg } => (memarg, 4, I32),
        O::I64AtomicRmw8AddU { memarg }
        | O::I64AtomicRmw8SubU { memarg }
        | O::I64AtomicRmw8AndU { memarg }
        | O::I64AtomicRmw8OrU { memarg }
        | O::I64AtomicRmw8XorU { memarg }
        | O::I64AtomicRmw8XchgU { memarg } => (memarg, 1, I64),
        O::I64AtomicRmw16AddU { memarg }
        | O::I64AtomicRmw16SubU { memarg }
        | O::I64AtomicRmw16AndU { memarg }
        | O::I64AtomicRmw16OrU { memarg }
        | O::I64AtomicRmw16XorU { memarg }
        | O::I64AtomicRmw16XchgU { memarg } => (memarg, 2, I64),
        O::I64AtomicRmw32AddU { memarg }
        | O::I64AtomicRmw32SubU { memarg }
        | O::I64AtomicRmw32AndU { memarg }
        | O::I64AtomicRmw32OrU { memarg }
        | O::I64AtomicRmw32XorU { memarg }
        | O::I64AtomicRmw32XchgU { memarg } => (memarg, 4, I64),
        O::I64AtomicRmwAdd { memarg }
        | O::I64AtomicRmwSub { memarg }
        | O::I64AtomicRmwAnd { memarg }
        | O::I64AtomicRmwOr { memarg }
        | O::I64AtomicRmwXor { memarg }
        | O::I64AtomicRmwXchg { memarg } => (memarg, 8, I64),
        _ => return None,
    })
}
