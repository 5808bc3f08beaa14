//! The fused module's `producers` section: the union of every core
//! module's, field by field, each value once (first version seen wins),
//! in the order first seen, plus `processed-by: meld <version>`.
//!
//! A malformed producers section only costs its entries.

use wasm_encoder::{ProducersField, ProducersSection};
use wasmparser::{BinaryReader, ProducersSectionReader};

/// The producers fields gathered so far.
#[derive(Default)]
pub struct Producers {
    /// (field, [(name, version)]) in first-seen order.
    fields: Vec<(String, Vec<(String, String)>)>,
}

impl Producers {
    /// Adds one module's `producers` section contents.
    pub fn add(&mut self, data: &[u8]) {
        let Ok(reader) = ProducersSectionReader::new(BinaryReader::new(data, 0)) else {
            return;
        };
        for field in reader.into_iter().flatten() {
            for value in field.values.into_iter().flatten() {
                self.value(field.name, value.name, value.version);
            }
        }
    }

    /// Adds `name version` to `field` unless `name` is there.
    fn value(&mut self, field: &str, name: &str, version: &str) {
        let i = match self.fields.iter().position(|(f, _)| f == field) {
            Some(i) => i,
            None => {
                self.fields.push((field.to_string(), Vec::new()));
                self.fields.len() - 1
            }
        };
        let values = &mut self.fields[i].1;
        if !values.iter().any(|(n, _)| n == name) {
            values.push((name.to_string(), version.to_string()));
        }
    }

    /// The section, meld added to `processed-by`.
    pub fn section(mut self) -> ProducersSection {
        self.value("processed-by", "meld", env!("CARGO_PKG_VERSION"));
        let mut section = ProducersSection::new();
        for (field, values) in &self.fields {
            let mut out = ProducersField::new();
            for (name, version) in values {
                out.value(name, version);
            }
            section.field(field, &out);
        }
        section
    }
}
