//! The fields of a collection, inferred from a sample of its documents: every path seen, how
//! often, and with which BSON types. MongoDB keeps no schema; this is what one would learn by
//! reading documents by hand, counted.

use std::collections::HashMap;

use bson::{Bson, Document};
use serde::Serialize;
use specta::Type;

/// Paths deeper than this are not followed (their parent is still counted).
const MAX_DEPTH: usize = 12;
/// Distinct paths kept; past this the sample says it is incomplete.
const MAX_FIELDS: usize = 2_000;
/// An example value is cut to this many characters.
const EXAMPLE_CHARS: usize = 80;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DocumentSample {
    pub collection: String,
    /// Documents read.
    pub sampled: i64,
    /// In order of first appearance: `_id` first, a document's fields in their order.
    pub fields: Vec<DocumentField>,
    /// False when more than 2,000 distinct paths were seen: the rest are not listed.
    pub complete: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DocumentField {
    /// Dotted as in a query: `address.city`; `tags[]` for an array's elements,
    /// `items[].sku` for a field of documents in an array.
    pub path: String,
    /// Sampled documents holding the path at least once.
    pub present: i64,
    /// Types by the names `$type` takes (`string`, `int`, `long`, `double`, `objectId`,
    /// `date`, `object`, `array`, `null`, …), most frequent first; each counted once per
    /// document.
    pub types: Vec<DocumentFieldType>,
    /// The first value seen that is neither a document nor an array, as relaxed extended JSON.
    pub example: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DocumentFieldType {
    pub name: String,
    pub documents: i64,
}

/// Counts the paths and types of `documents`.
pub fn infer(collection: &str, documents: &[Document]) -> DocumentSample {
    let mut tally = Tally::default();
    for document in documents {
        let mut seen = Seen::default();
        tally.walk_document(document, "", 0, &mut seen);
        tally.count(seen);
    }
    let mut fields: Vec<DocumentField> = tally
        .fields
        .into_iter()
        .map(|field| {
            let mut types: Vec<DocumentFieldType> = field
                .types
                .into_iter()
                .map(|(name, documents)| DocumentFieldType {
                    name: name.to_owned(),
                    documents,
                })
                .collect();
            types.sort_by(|a, b| b.documents.cmp(&a.documents).then(a.name.cmp(&b.name)));
            DocumentField {
                path: field.path,
                present: field.present,
                types,
                example: field.example,
            }
        })
        .collect();
    fields.shrink_to_fit();
    DocumentSample {
        collection: collection.to_owned(),
        sampled: documents.len() as i64,
        fields,
        complete: !tally.overflowed,
    }
}

#[derive(Default)]
struct Tally {
    fields: Vec<Counted>,
    by_path: HashMap<String, usize>,
    overflowed: bool,
}

struct Counted {
    path: String,
    present: i64,
    types: Vec<(&'static str, i64)>,
    example: Option<String>,
}

/// What one document holds: (field index, type) pairs, each counted once per document.
#[derive(Default)]
struct Seen {
    paths: Vec<usize>,
    types: Vec<(usize, &'static str)>,
}

impl Tally {
    fn walk_document(&mut self, document: &Document, prefix: &str, depth: usize, seen: &mut Seen) {
        for (key, value) in document {
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            self.walk_value(&path, value, depth, seen);
        }
    }

    fn walk_value(&mut self, path: &str, value: &Bson, depth: usize, seen: &mut Seen) {
        let Some(index) = self.field(path) else {
            return;
        };
        seen.paths.push(index);
        seen.types.push((index, type_name(value)));
        if depth >= MAX_DEPTH {
            return;
        }
        match value {
            Bson::Document(inner) => self.walk_document(inner, path, depth + 1, seen),
            Bson::Array(elements) => {
                let elements_path = format!("{path}[]");
                for element in elements {
                    self.walk_value(&elements_path, element, depth + 1, seen);
                }
            }
            scalar => {
                let field = &mut self.fields[index];
                if field.example.is_none() && !matches!(scalar, Bson::Null) {
                    field.example = Some(example(scalar));
                }
            }
        }
    }

    /// The path's index, added on first sight; `None` once the limit is reached.
    fn field(&mut self, path: &str) -> Option<usize> {
        if let Some(&index) = self.by_path.get(path) {
            return Some(index);
        }
        if self.fields.len() >= MAX_FIELDS {
            self.overflowed = true;
            return None;
        }
        self.fields.push(Counted {
            path: path.to_owned(),
            present: 0,
            types: Vec::new(),
            example: None,
        });
        self.by_path.insert(path.to_owned(), self.fields.len() - 1);
        Some(self.fields.len() - 1)
    }

    fn count(&mut self, mut seen: Seen) {
        seen.paths.sort_unstable();
        seen.paths.dedup();
        for index in seen.paths {
            self.fields[index].present += 1;
        }
        seen.types.sort_unstable();
        seen.types.dedup();
        for (index, name) in seen.types {
            let types = &mut self.fields[index].types;
            match types.iter_mut().find(|(known, _)| *known == name) {
                Some((_, documents)) => *documents += 1,
                None => types.push((name, 1)),
            }
        }
    }
}

/// The alias `$type` queries use for the value's BSON type.
fn type_name(value: &Bson) -> &'static str {
    match value {
        Bson::Double(_) => "double",
        Bson::String(_) => "string",
        Bson::Document(_) => "object",
        Bson::Array(_) => "array",
        Bson::Binary(_) => "binData",
        Bson::Undefined => "undefined",
        Bson::ObjectId(_) => "objectId",
        Bson::Boolean(_) => "bool",
        Bson::DateTime(_) => "date",
        Bson::Null => "null",
        Bson::RegularExpression(_) => "regex",
        Bson::DbPointer(_) => "dbPointer",
        Bson::JavaScriptCode(_) => "javascript",
        Bson::Symbol(_) => "symbol",
        Bson::JavaScriptCodeWithScope(_) => "javascriptWithScope",
        Bson::Int32(_) => "int",
        Bson::Timestamp(_) => "timestamp",
        Bson::Int64(_) => "long",
        Bson::Decimal128(_) => "decimal",
        Bson::MinKey => "minKey",
        Bson::MaxKey => "maxKey",
    }
}

fn example(value: &Bson) -> String {
    let text = match value {
        // A bare string reads better than its JSON quoting of every escape.
        Bson::String(text) => format!("\"{text}\""),
        other => other.clone().into_relaxed_extjson().to_string(),
    };
    match text.char_indices().nth(EXAMPLE_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}
