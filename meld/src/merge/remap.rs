//! The re-encoder that copies one core instance into the fused module: every
//! index is looked up in the instance's [`InstanceMap`].
//!
//! Inputs are validated by the translator before merging, so every index is
//! in range.

use super::layout::InstanceMap;
use std::convert::Infallible;
use wasm_encoder::reencode::{Error, Reencode};

/// Maps one instance's index spaces into the fused module's.
pub struct Remap<'a> {
    /// The instance's index maps.
    pub map: &'a InstanceMap,
}

impl Reencode for Remap<'_> {
    type Error = Infallible;

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
