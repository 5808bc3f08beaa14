//! Component types and canonical options, from wasmtime-environ's form into
//! the plan's ([`ValType`], [`FuncType`], [`CanonOptions`]). Types the plan
//! cannot represent (futures, streams, error-context, maps, fixed-length
//! lists, async function types) are errors naming them.

use crate::plan::{self, CanonOptions, FuncType, ValType};
use anyhow::{Result, bail};
use wasmtime_environ::component::{
    CanonicalOptionsDataModel, ComponentTypes, FixedEncoding, InterfaceType, StringEncoding,
    Transcode, TypeDef,
};

/// The plan's form of canonical options `opts` (`post_return`: its index
/// into [`Plan::post_returns`](crate::plan::Plan::post_returns)).
pub(super) fn canon_options(
    opts: &wasmtime_environ::component::CanonicalOptions,
    post_return: Option<usize>,
) -> Result<CanonOptions> {
    if opts.async_ || opts.callback.is_some() {
        bail!("async canonical options are not supported yet");
    }
    let CanonicalOptionsDataModel::LinearMemory(m) = opts.data_model else {
        bail!("GC canonical options are not supported yet")
    };
    Ok(CanonOptions {
        string_encoding: string_encoding(opts.string_encoding),
        memory: m.memory.map(|i| i.as_u32() as usize),
        realloc: m.realloc.map(|i| i.as_u32() as usize),
        post_return,
    })
}

/// The plan's form of a transcoding operation.
pub(super) fn transcode(op: Transcode) -> plan::Transcode {
    use plan::Transcode as T;
    match op {
        Transcode::Copy(e) => T::Copy(match e {
            FixedEncoding::Utf8 => plan::FixedEncoding::Utf8,
            FixedEncoding::Utf16 => plan::FixedEncoding::Utf16,
            FixedEncoding::Latin1 => plan::FixedEncoding::Latin1,
        }),
        Transcode::Latin1ToUtf16 => T::Latin1ToUtf16,
        Transcode::Latin1ToUtf8 => T::Latin1ToUtf8,
        Transcode::Utf16ToCompactProbablyUtf16 => T::Utf16ToCompactProbablyUtf16,
        Transcode::Utf16ToCompactUtf16 => T::Utf16ToCompactUtf16,
        Transcode::Utf16ToLatin1 => T::Utf16ToLatin1,
        Transcode::Utf16ToUtf8 => T::Utf16ToUtf8,
        Transcode::Utf8ToCompactUtf16 => T::Utf8ToCompactUtf16,
        Transcode::Utf8ToLatin1 => T::Utf8ToLatin1,
        Transcode::Utf8ToUtf16 => T::Utf8ToUtf16,
    }
}

/// The plan's form of a string encoding.
fn string_encoding(e: StringEncoding) -> plan::StringEncoding {
    match e {
        StringEncoding::Utf8 => plan::StringEncoding::Utf8,
        StringEncoding::Utf16 => plan::StringEncoding::Utf16,
        StringEncoding::CompactUtf16 => plan::StringEncoding::CompactUtf16,
    }
}

/// The plan's form of component function type `ty`.
pub(super) fn func_type(
    types: &ComponentTypes,
    ty: wasmtime_environ::component::TypeFuncIndex,
) -> Result<FuncType> {
    let func = &types[ty];
    if func.async_ {
        bail!("async functions are not supported yet");
    }
    let params = &types[func.params].types;
    let results = &types[func.results].types;
    if results.len() > 1 {
        bail!(
            "a function with {} results (only one is allowed)",
            results.len()
        );
    }
    Ok(FuncType {
        params: func
            .param_names
            .iter()
            .zip(params.iter())
            .map(|(n, t)| Ok((n.clone(), val_type(types, *t)?)))
            .collect::<Result<_>>()?,
        result: results.first().map(|t| val_type(types, *t)).transpose()?,
    })
}

/// The named records, variants, enums and flags of the imported instances'
/// types, for naming them again when the wrapper re-imports the instances.
/// A type meld cannot represent is left out (it is never named then).
pub(super) fn host_type_names(
    component: &wasmtime_environ::component::Component,
    types: &ComponentTypes,
) -> Vec<(String, String, ValType)> {
    let mut out = Vec::new();
    for (_, (instance, ext)) in component.import_types.iter() {
        let TypeDef::ComponentInstance(ty) = ext.ty else {
            continue;
        };
        for (name, item) in types[ty].exports.iter() {
            let TypeDef::Interface(t) = item.ty else {
                continue;
            };
            if let Ok(
                v @ (ValType::Record(_)
                | ValType::Variant(_)
                | ValType::Enum(_)
                | ValType::Flags(_)),
            ) = val_type(types, t)
            {
                out.push((instance.clone(), name.clone(), v));
            }
        }
    }
    out
}

/// The plan's form of component value type `ty`; futures, streams,
/// error-context, maps and fixed-length lists are errors naming them.
pub(super) fn val_type(types: &ComponentTypes, ty: InterfaceType) -> Result<ValType> {
    let boxed = |t: InterfaceType| val_type(types, t).map(Box::new);
    Ok(match ty {
        InterfaceType::Bool => ValType::Bool,
        InterfaceType::S8 => ValType::S8,
        InterfaceType::U8 => ValType::U8,
        InterfaceType::S16 => ValType::S16,
        InterfaceType::U16 => ValType::U16,
        InterfaceType::S32 => ValType::S32,
        InterfaceType::U32 => ValType::U32,
        InterfaceType::S64 => ValType::S64,
        InterfaceType::U64 => ValType::U64,
        InterfaceType::Float32 => ValType::F32,
        InterfaceType::Float64 => ValType::F64,
        InterfaceType::Char => ValType::Char,
        InterfaceType::String => ValType::String,
        InterfaceType::List(i) => ValType::List(boxed(types[i].element)?),
        InterfaceType::Record(i) => ValType::Record(
            types[i]
                .fields
                .iter()
                .map(|f| Ok((f.name.clone(), val_type(types, f.ty)?)))
                .collect::<Result<_>>()?,
        ),
        InterfaceType::Tuple(i) => ValType::Tuple(
            types[i]
                .types
                .iter()
                .map(|t| val_type(types, *t))
                .collect::<Result<_>>()?,
        ),
        InterfaceType::Variant(i) => ValType::Variant(
            types[i]
                .cases
                .iter()
                .map(|(n, t)| Ok((n.clone(), t.map(|t| val_type(types, t)).transpose()?)))
                .collect::<Result<_>>()?,
        ),
        InterfaceType::Enum(i) => ValType::Enum(types[i].names.iter().cloned().collect()),
        InterfaceType::Flags(i) => ValType::Flags(types[i].names.iter().cloned().collect()),
        InterfaceType::Option(i) => ValType::Option(boxed(types[i].ty)?),
        InterfaceType::Result(i) => ValType::Result {
            ok: types[i].ok.map(boxed).transpose()?,
            err: types[i].err.map(boxed).transpose()?,
        },
        InterfaceType::Own(t) => ValType::Own(t.as_u32() as usize),
        InterfaceType::Borrow(t) => ValType::Borrow(t.as_u32() as usize),
        InterfaceType::Future(_) => bail!("futures are not supported yet"),
        InterfaceType::Stream(_) => bail!("streams are not supported yet"),
        InterfaceType::ErrorContext(_) => bail!("error-context is not supported yet"),
        InterfaceType::Map(_) => bail!("map types are not supported yet"),
        InterfaceType::FixedLengthList(_) => bail!("fixed-length lists are not supported yet"),
    })
}
