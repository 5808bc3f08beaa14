//! Bindings written by the `wit-bindgen-opaque` command line (checked in as
//! `tests/bindings/reexporter.rs`, the cargo-component style) compile as a
//! guest's `bindings` module and take an `#[opaque_rep]` implementation.
//! `wit-bindgen-opaque-gen`'s `cli` test keeps the file current.

#[allow(clippy::all)]
#[path = "bindings/reexporter.rs"]
mod bindings;

use bindings::exports::test::shapes::outer::{Cell, CellBorrow, Guest, GuestCell, GuestPlain, Pair, Which};
use bindings::test::shapes::inner;
use wit_bindgen_opaque::opaque_rep;

struct Component;

#[opaque_rep]
pub struct MyCell(inner::Cell);

impl GuestCell for MyCell {
    fn new(v: u32) -> Self {
        MyCell(inner::Cell::new(v))
    }
    fn get(&self) -> u32 {
        self.0.get()
    }
    fn set(&self, _v: u32) {}
    fn merge(&self, other: CellBorrow<'_>) -> Cell {
        Cell::new(MyCell::new(other.get::<MyCell>().0.get()))
    }
    fn make(v: u32) -> Cell {
        Cell::new(MyCell::new(v))
    }
    fn take(c: Cell) -> u32 {
        c.into_inner::<MyCell>().0.get()
    }
    fn many(cs: Vec<Cell>) -> Vec<Cell> {
        cs
    }
    fn lend(cs: Vec<CellBorrow<'_>>) -> u32 {
        cs.len() as u32
    }
}

pub struct MyPlain;

impl GuestPlain for MyPlain {
    fn new() -> Self {
        MyPlain
    }
}

impl Guest for Component {
    type Cell = MyCell;
    type Plain = MyPlain;
    fn pack(p: Pair) -> Pair {
        p
    }
    fn maybe(c: Option<Cell>) -> Result<Cell, String> {
        c.ok_or_else(String::new)
    }
    fn pick(w: Which) -> Which {
        w
    }
}

bindings::export!(Component);

#[test]
fn checked_in_bindings_embed_the_opt_in_section() {
    let src = include_str!("bindings/reexporter.rs");
    assert!(src.contains("wit-bindgen-opaque 1\\ntest:shapes/outer#cell\\n"), "custom section contents not found");
}
