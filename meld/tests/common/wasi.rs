//! The store data of a test that runs components under wasmtime-wasi's
//! WASI 0.2: its context and resource table.

use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

/// wasmtime-wasi's context and resource table.
pub struct WasiHost {
    /// The WASI context (stdio, preopens, ...).
    pub wasi: WasiCtx,
    /// The table of host resources.
    pub table: ResourceTable,
}

impl WasiHost {
    /// A host with `wasi` and an empty table.
    pub fn new(wasi: WasiCtx) -> Self {
        Self {
            wasi,
            table: ResourceTable::new(),
        }
    }
}

impl WasiView for WasiHost {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}
