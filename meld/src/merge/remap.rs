//! The re-encoder that copies one core instance into the fused module: every
//! index is looked up in the instance's [`InstanceMap`].
//!
//! Inputs are validated by the translator before merging, so every index is
//! in range.
//!
//! Constant expressions are folded: in the fused module every global is
//! defined, and a constant expression may only read imported globals, so a
//! `global.get` of an instance's imported global (e.g. a shared library's
//! `__memory_base`) becomes the constant expression that initialised the
//! definition it resolved to (recorded in [`Consts`] as globals are copied;
//! definitions precede their uses in instantiation order).

use super::layout::InstanceMap;
use std::collections::HashMap;
use std::convert::Infallible;
use wasm_encoder::Encode;
use wasm_encoder::reencode::{Error, Reencode};

/// The folded initialiser of every fused global copied so far, by fused
/// index: the instructions' bytes, without the final `end`.
pub type Consts = HashMap<u32, Vec<u8>>;

/// Maps one instance's index spaces into the fused module's.
pub struct Remap<'a> {
    /// The instance's index maps.
    pub map: &'a InstanceMap,
    /// The initialisers of the globals copied before.
    pub consts: &'a mut Consts,
}

impl Remap<'_> {
    /// `expr` remapped, every `global.get` replaced by the referenced
    /// global's folded initialiser.
    fn fold(&mut self, expr: wasmparser::ConstExpr) -> Result<Vec<u8>, Error<Infallible>> {
        let mut ops = expr.get_operators_reader();
        let mut bytes = Vec::new();
        while !ops.is_end_then_eof() {
            let insn = self.parse_instruction(&mut ops)?;
            match insn {
                wasm_encoder::Instruction::GlobalGet(g) if self.consts.contains_key(&g) => {
                    bytes.extend_from_slice(&self.consts[&g])
                }
                insn => insn.encode(&mut bytes),
            }
        }
        Ok(bytes)
    }
}

impl Reencode for Remap<'_> {
    type Error = Infallible;

    fn const_expr(
        &mut self,
        expr: wasmparser::ConstExpr,
    ) -> Result<wasm_encoder::ConstExpr, Error<Infallible>> {
        Ok(wasm_encoder::ConstExpr::raw(self.fold(expr)?))
    }

    fn parse_global(
        &mut self,
        globals: &mut wasm_encoder::GlobalSection,
        global: wasmparser::Global<'_>,
    ) -> Result<(), Error<Infallible>> {
        let init = self.fold(global.init_expr)?;
        // Every global of the fused module is defined, so the next one's
        // index is the section's length.
        if !global.ty.mutable {
            self.consts.insert(globals.len(), init.clone());
        }
        let ty = self.global_type(global.ty)?;
        globals.global(ty, &wasm_encoder::ConstExpr::raw(init));
        Ok(())
    }

    fn function_index(&mut self, func: u32) -> Result<u32, Error<Infallible>> {
        Ok(self.map.funcs[func as usize])
    }

    fn table_index(&mut self, table: u32) -> Result<u32, Error<Infallible>> {
        Ok(self.map.tables[table as usize])
    }

    fn memory_index(&mut self, memory: u32) -> Result<u32, Error<Infallible>> {
        Ok(self.map.memories[memory as usize])
    }

    fn global_index(&mut self, global: u32) -> Result<u32, Error<Infallible>> {
        Ok(self.map.globals[global as usize])
    }

    fn tag_index(&mut self, tag: u32) -> Result<u32, Error<Infallible>> {
        Ok(self.map.tags[tag as usize])
    }

    fn type_index(&mut self, ty: u32) -> Result<u32, Error<Infallible>> {
        Ok(self.map.type_base + ty)
    }

    fn data_index(&mut self, data: u32) -> Result<u32, Error<Infallible>> {
        Ok(self.map.data_base + data)
    }

    fn element_index(&mut self, element: u32) -> Result<u32, Error<Infallible>> {
        Ok(self.map.elem_base + element)
    }
}
