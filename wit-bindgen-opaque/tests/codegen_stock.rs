//! The same world with nothing opted in compiles as stock bindings (boxed
//! reps, `get_mut` available).

wit_bindgen_opaque::generate!({ world: "reexporter", path: "tests/wit" });

use exports::test::shapes::outer::{Cell, CellBorrow, Guest, GuestCell, GuestPlain, Pair, Which};

struct Component;
pub struct Boxed(#[allow(dead_code)] Vec<u32>);

impl GuestCell for Boxed {
    fn new(v: u32) -> Self {
        Boxed(vec![v])
    }
    fn get(&self) -> u32 {
        self.0[0]
    }
    fn set(&self, _v: u32) {}
    fn merge(&self, other: CellBorrow<'_>) -> Cell {
        Cell::new(Boxed::new(other.get::<Boxed>().0[0]))
    }
    fn make(v: u32) -> Cell {
        Cell::new(Boxed::new(v))
    }
    fn take(mut c: Cell) -> u32 {
        c.get_mut::<Boxed>().0.push(1);
        c.into_inner::<Boxed>().0[0]
    }
    fn many(cs: Vec<Cell>) -> Vec<Cell> {
        cs
    }
    fn lend(cs: Vec<CellBorrow<'_>>) -> u32 {
        cs.len() as u32
    }
}
pub struct Plain;
impl GuestPlain for Plain {
    fn new() -> Self {
        Plain
    }
}
impl Guest for Component {
    type Cell = Boxed;
    type Plain = Plain;
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
