//! Bindings for every resource shape, with `test:shapes/outer/cell` opted in,
//! compile on the host, and the user's view of an opted-in resource
//! type-checks (own/borrow parameters and results, statics, lists, records,
//! variants, options, results, `into_inner`, the owned accessor).

wit_bindgen_opaque::generate!({
    world: "reexporter",
    path: "tests/wit",
    opaque_reps: ["test:shapes/outer/cell"],
});

use exports::test::shapes::outer::{Cell, CellBorrow, Guest, GuestCell, GuestPlain, Pair, Which};
use test::shapes::inner;
use wit_bindgen_opaque::opaque_rep;

struct Component;

/// The exported cell: the inner cell handle.
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
        let other: &MyCell = other.get();
        Cell::new(MyCell(inner::Cell::new(self.0.get() + other.0.get())))
    }
    fn make(v: u32) -> Cell {
        Cell::new(MyCell::new(v))
    }
    fn take(c: Cell) -> u32 {
        let v = c.get::<MyCell>().0.get();
        drop(c.into_inner::<MyCell>());
        v
    }
    fn many(cs: Vec<Cell>) -> Vec<Cell> {
        cs.into_iter().map(|c| Cell::new(c.into_inner::<MyCell>())).collect()
    }
    fn lend(cs: Vec<CellBorrow<'_>>) -> u32 {
        cs.iter().map(|c| c.get::<MyCell>().0.get()).sum()
    }
}

/// A resource not opted in: boxed, any type.
pub struct MyPlain(#[allow(dead_code)] String, #[allow(dead_code)] u64);

impl GuestPlain for MyPlain {
    fn new() -> Self {
        MyPlain(String::new(), 0)
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

export!(Component);

/// A `u32` newtype (named field) is an opaque rep too.
#[opaque_rep]
pub struct Raw {
    #[allow(dead_code)]
    rep: u32,
}

#[test]
fn opaque_rep_types_are_u32_sized() {
    assert_eq!(size_of::<MyCell>(), 4);
    assert_eq!(size_of::<Raw>(), 4);
    let raw = <Raw as wit_bindgen_opaque::OpaqueRep>::into_rep(Raw { rep: 7 });
    assert_eq!(raw, 7);
}
