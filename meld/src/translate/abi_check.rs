//! meld's canonical-ABI layout ([`crate::abi`]) checked against the
//! reference's: for every type a test component exports, size, alignment
//! and flattening as wasmtime-environ computes them (`CanonicalAbiInfo`,
//! `flat_types`) must equal meld's for the same type.

use super::types::val_type;
use crate::abi;
use wasmtime_environ::component::{
    ComponentTypesBuilder, Export, FlatType, InterfaceType, Translator, TypeDef,
};
use wasmtime_environ::{ScopeVec, Tunables};

/// Named types are exported before use, as validation requires.
const TYPES: &str = r#"(component
  (type $r (record (field "a" u8) (field "b" u32) (field "c" u16)))
  (export $r' "r" (type $r))
  (type $big (record (field "a" u8) (field "b" u64) (field "s" string)))
  (export $big' "big" (type $big))
  (type $v (variant (case "none") (case "f" f32) (case "d" f64) (case "s" string) (case "r" $r')))
  (export $v' "v" (type $v))
  (type $e (enum "a" "b" "c"))
  (export $e' "e" (type $e))
  (type $f1 (flags "a"))
  (export "f1" (type $f1))
  (type $f9 (flags "a" "b" "c" "d" "e" "f" "g" "h" "i"))
  (export "f9" (type $f9))
  (type $f17 (flags "a" "b" "c" "d" "e" "f" "g" "h" "i" "j" "k" "l" "m" "n" "o" "p" "q"))
  (export "f17" (type $f17))
  (type $t (tuple u8 u64 $e' f32))
  (export "t" (type $t))
  (type $o (option $big'))
  (export "o" (type $o))
  (type $oo (option (option u8)))
  (export "oo" (type $oo))
  (type $res (result u8 (error u64)))
  (export "res" (type $res))
  (type $res2 (result $v' (error string)))
  (export "res2" (type $res2))
  (type $empty (result))
  (export "empty" (type $empty))
  (type $l (list $big'))
  (export "l" (type $l))
  (type $lv (list (tuple $v' char)))
  (export "lv" (type $lv))
  (type $nested (record (field "o" (option $r')) (field "t" (tuple s16 f64 bool))))
  (export "nested" (type $nested))
  (type $many (tuple u8 u8 u8 u8 u8 u8 u8 u8 u8 u8 u8 u8 u8 u8 u8 u8 u8))
  (export "many" (type $many))
  (type $small (tuple u8 u16 s8))
  (export "small" (type $small))
)"#;

/// A type export: name, type, size and alignment, flat types (`None` past
/// the flat limit).
type Reference = (String, InterfaceType, (u32, u32), Option<Vec<FlatType>>);

#[test]
fn layouts_match_wasmtime_environ() {
    let component = wat::parse_str(TYPES).expect("valid WAT");
    let tunables = Tunables::default_host();
    let mut validator = wasmparser::Validator::new_with_features(crate::encode::features());
    let mut builder = ComponentTypesBuilder::new(&validator);
    let scope = ScopeVec::new();
    let (translation, _) = Translator::new(&tunables, &mut validator, &mut builder, &scope)
        .translate(&component)
        .expect("the test component translates");
    let mut reference: Vec<Reference> = Vec::new();
    let c = &translation.component;
    for (name, (export, _)) in c.exports.raw_iter() {
        let Export::Type(TypeDef::Interface(ty)) = &c.export_items[*export] else {
            continue;
        };
        let info = builder.canonical_abi(ty);
        let flat = builder.flat_types(ty).map(|f| f.memory32.to_vec());
        reference.push((name.to_string(), *ty, (info.size32, info.align32), flat));
    }
    assert_eq!(
        reference.len(),
        18,
        "every test type is checked: {:?}",
        reference.iter().map(|r| &r.0).collect::<Vec<_>>()
    );
    let (types, _) = builder.finish(c);
    for (name, ty, size_align, flat) in reference {
        let ours = val_type(&types, ty).expect("meld represents the type");
        assert_eq!(
            abi::size_align(&ours),
            size_align,
            "size and alignment of `{name}`"
        );
        let flat_ours: Vec<FlatType> = abi::flat(&ours)
            .into_iter()
            .map(|t| match t {
                wasm_encoder::ValType::I32 => FlatType::I32,
                wasm_encoder::ValType::I64 => FlatType::I64,
                wasm_encoder::ValType::F32 => FlatType::F32,
                wasm_encoder::ValType::F64 => FlatType::F64,
                other => panic!("no flat type is {other:?}"),
            })
            .collect();
        match flat {
            Some(flat) => assert_eq!(flat_ours, flat, "flattening of `{name}`"),
            // The reference stops counting past the flat limit.
            None => assert!(
                flat_ours.len() > abi::MAX_FLAT_PARAMS,
                "`{name}` is too big to flatten"
            ),
        }
    }
}
