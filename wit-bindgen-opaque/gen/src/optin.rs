//! Opt-ins: the `<interface>/<resource>` names given by the user, checked
//! against the world (the interface must be exported by it and define the
//! resource).

use anyhow::{Result, bail};
use wit_parser::{Resolve, TypeDefKind, TypeOwner, WorldId, WorldItem};

/// One opted-in exported resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptIn {
    /// The exported interface's name as the world exports it, e.g.
    /// `fixtures:resource-floats/floats` (with `@version` when versioned),
    /// or the plain name of an interface exported under a name.
    pub interface: String,
    /// The resource's WIT name, e.g. `float`.
    pub resource: String,
}

/// Checks every name in `names` against `world`, in order; duplicates are
/// an error.
pub fn resolve_all(resolve: &Resolve, world: WorldId, names: &[String]) -> Result<Vec<OptIn>> {
    let mut out: Vec<OptIn> = Vec::new();
    for name in names {
        let optin = resolve_one(resolve, world, name)?;
        if out.contains(&optin) {
            bail!("opaque rep `{name}` is named twice");
        }
        out.push(optin);
    }
    Ok(out)
}

fn resolve_one(resolve: &Resolve, world: WorldId, name: &str) -> Result<OptIn> {
    let Some((interface, resource)) = name.rsplit_once('/') else {
        bail!("opaque rep `{name}`: expected `<interface>/<resource>`, e.g. `ns:pkg/iface/res`");
    };
    let w = &resolve.worlds[world];
    let exported = w.exports.iter().find_map(|(key, item)| match item {
        WorldItem::Interface { id, .. } if resolve.name_world_key(key) == interface => Some(*id),
        _ => None,
    });
    let Some(iface) = exported else {
        let names: Vec<String> = w
            .exports
            .iter()
            .filter(|(_, item)| matches!(item, WorldItem::Interface { .. }))
            .map(|(key, _)| resolve.name_world_key(key))
            .collect();
        bail!(
            "opaque rep `{name}`: world `{}` exports no interface `{interface}` (it exports: {})",
            w.name,
            if names.is_empty() { "none".to_string() } else { names.join(", ") }
        );
    };
    let is_resource = resolve.interfaces[iface].types.get(resource).is_some_and(|&ty| {
        let def = &resolve.types[ty];
        matches!(def.kind, TypeDefKind::Resource) && def.owner == TypeOwner::Interface(iface)
    });
    if !is_resource {
        bail!("opaque rep `{name}`: interface `{interface}` defines no resource `{resource}`");
    }
    Ok(OptIn { interface: interface.to_string(), resource: resource.to_string() })
}
