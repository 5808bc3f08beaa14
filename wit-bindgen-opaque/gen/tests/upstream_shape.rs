//! Fails loudly if the pinned wit-bindgen-rust output no longer has the shape
//! the rewrite expects: the rewrite checks the signature of every item it
//! replaces and reports a `ShapeError` naming it. Also: no opt-ins means
//! stock output byte for byte, and bad opt-ins are clear errors.

use wit_bindgen_opaque_gen::{Opts, World, generate, rewrite::ShapeError, section, stock};

const WIT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/wit");

fn world(name: &str) -> World {
    World::load(&[WIT], Some(name)).unwrap()
}

fn opts(reps: &[&str]) -> Opts {
    Opts { opaque_reps: reps.iter().map(|s| s.to_string()).collect(), ..Opts::default() }
}

#[test]
fn pinned_upstream_output_has_the_expected_shape() {
    let out = generate(&mut world("reexporter"), &opts(&["test:shapes/outer/cell"]));
    if let Err(e) = &out {
        assert!(e.downcast_ref::<ShapeError>().is_none(), "UPSTREAM SHAPE CHANGED: {e:#}");
    }
    let out = out.unwrap();
    for needle in [
        "impl ::wit_bindgen_opaque::OpaqueRep for Cell",
        "::wit_bindgen_opaque::rt::BorrowedRep",
        "GuestCell: wit_bindgen::rt::Resource + ::wit_bindgen_opaque::OpaqueRep",
        "fn opaque_taken_()",
        "link_section = \"wit-bindgen-opaque\"",
    ] {
        assert!(out.contains(needle), "missing `{needle}` in rewritten output");
    }
    // The resource not opted in keeps its boxed items.
    assert!(out.contains("pub trait GuestPlain: wit_bindgen::rt::Resource {"));
}

#[test]
fn no_opt_in_is_stock_output() {
    for name in ["reexporter", "no-resources"] {
        let ours = generate(&mut world(name), &opts(&[])).unwrap();
        let theirs = stock(&mut world(name), &wit_bindgen_rust::Opts::default()).unwrap();
        assert_eq!(ours, theirs, "world `{name}`");
    }
}

#[test]
fn bad_opt_ins_are_errors() {
    for (rep, msg) in [
        ("cell", "expected `<interface>/<resource>`"),
        ("test:shapes/nope/cell", "exports no interface `test:shapes/nope`"),
        ("test:shapes/outer/nope", "defines no resource `nope`"),
        ("test:shapes/inner/cell", "exports no interface `test:shapes/inner`"),
    ] {
        let e = generate(&mut world("reexporter"), &opts(&[rep])).unwrap_err();
        assert!(format!("{e:#}").contains(msg), "{rep}: {e:#}");
    }
}

#[test]
fn section_round_trips() {
    let optins = vec![wit_bindgen_opaque_gen::OptIn { interface: "a:b/c@1.0.0".into(), resource: "r".into() }];
    let text = section::contents(&optins);
    assert_eq!(text, "wit-bindgen-opaque 1\na:b/c@1.0.0#r\n");
    assert_eq!(section::parse(&text).unwrap(), vec![("a:b/c@1.0.0".to_string(), "r".to_string())]);
}
