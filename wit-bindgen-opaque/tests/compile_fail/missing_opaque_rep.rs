wit_bindgen_opaque::generate!({
    world: "reexporter",
    inline: "
        package test:mini;
        interface inner { resource cell { constructor(v: u32); } }
        interface outer { resource cell { constructor(v: u32); get: func() -> u32; } }
        world reexporter { import inner; export outer; }
    ",
    opaque_reps: ["test:mini/outer/cell"],
});

use exports::test::mini::outer::GuestCell;

/// Implements the opted-in `cell` without `#[opaque_rep]`.
pub struct MyCell(test::mini::inner::Cell);

impl GuestCell for MyCell {
    fn new(v: u32) -> Self { MyCell(test::mini::inner::Cell::new(v)) }
    fn get(&self) -> u32 { 0 }
}

fn main() {}
