//! A database's collections as the server lists them, read from its replies: `listCollections`
//! entries, `listIndexes` specs and `$collStats` storage figures. Pure functions over documents,
//! so that recorded replies test them without a server.

use bson::{Bson, Document};
use serde::Serialize;
use specta::Type;

#[derive(Clone, Debug, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Collection {
    pub name: String,
    pub kind: CollectionKind,
    /// A view's source collection and pipeline (relaxed extended JSON, indented).
    pub view_on: Option<String>,
    pub pipeline: Option<String>,
    /// A time-series collection's time and meta fields.
    pub time_field: Option<String>,
    pub meta_field: Option<String>,
    /// A capped collection's limits.
    pub capped: bool,
    pub max_bytes: Option<i64>,
    pub max_documents: Option<i64>,
    pub validator: Option<CollectionValidator>,
    /// Storage figures; none for a view, which stores nothing.
    pub stats: Option<CollectionStats>,
    pub indexes: Vec<CollectionIndex>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum CollectionKind {
    Collection,
    View,
    Timeseries,
}

/// The rule documents must follow, and what the server does when one does not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CollectionValidator {
    /// The `validator` document (often a `$jsonSchema`), relaxed extended JSON, indented.
    pub rule: String,
    /// `strict` (all inserts and updates), `moderate` (only documents already valid) or `off`.
    pub level: String,
    /// `error` (refuse the write) or `warn` (log it).
    pub action: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CollectionStats {
    pub documents: i64,
    /// Uncompressed size of the documents.
    pub data_bytes: i64,
    /// Bytes on disk for the documents, and for all indexes.
    pub storage_bytes: i64,
    pub index_bytes: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CollectionIndex {
    pub name: String,
    pub keys: Vec<CollectionIndexKey>,
    pub unique: bool,
    pub sparse: bool,
    pub hidden: bool,
    /// A TTL index removes documents this many seconds after the date in its field.
    pub expire_after_seconds: Option<i64>,
    /// A partial index's filter, relaxed extended JSON.
    pub partial_filter: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CollectionIndexKey {
    pub field: String,
    /// `asc`, `desc`, or the special kind: `text`, `2dsphere`, `2d`, `hashed`, `wildcard`.
    pub kind: String,
}

impl Collection {
    /// One entry of a `listCollections` reply. `None` for the server's own `system.*`
    /// collections and for an entry without a name.
    pub fn from_listing(entry: &Document) -> Option<Self> {
        let name = entry.get_str("name").ok()?.to_owned();
        if name.starts_with("system.") {
            return None;
        }
        let empty = Document::new();
        let options = entry.get_document("options").unwrap_or(&empty);
        let kind = match entry.get_str("type").unwrap_or("collection") {
            "view" => CollectionKind::View,
            "timeseries" => CollectionKind::Timeseries,
            _ => CollectionKind::Collection,
        };
        let timeseries = options.get_document("timeseries").ok();
        let validator = options
            .get_document("validator")
            .ok()
            .filter(|rule| !rule.is_empty())
            .map(|rule| CollectionValidator {
                rule: json(&Bson::Document(rule.clone())),
                level: options
                    .get_str("validationLevel")
                    .unwrap_or("strict")
                    .to_owned(),
                action: options
                    .get_str("validationAction")
                    .unwrap_or("error")
                    .to_owned(),
            });
        Some(Self {
            name,
            kind,
            view_on: options.get_str("viewOn").ok().map(str::to_owned),
            pipeline: options
                .get_array("pipeline")
                .ok()
                .map(|stages| json(&Bson::Array(stages.clone()))),
            time_field: timeseries
                .and_then(|t| t.get_str("timeField").ok())
                .map(str::to_owned),
            meta_field: timeseries
                .and_then(|t| t.get_str("metaField").ok())
                .map(str::to_owned),
            capped: options.get_bool("capped").unwrap_or(false),
            max_bytes: options.get("size").and_then(integer),
            max_documents: options.get("max").and_then(integer),
            validator,
            stats: None,
            indexes: Vec::new(),
        })
    }
}

impl CollectionIndex {
    /// One spec of a `listIndexes` reply. A text index lists `_fts`/`_ftsx` as its keys; the
    /// fields it covers are in its `weights`, so those are shown instead.
    pub fn from_spec(spec: &Document) -> Option<Self> {
        let name = spec.get_str("name").ok()?.to_owned();
        let key = spec.get_document("key").ok()?;
        let mut keys = Vec::new();
        for (field, direction) in key {
            match field.as_str() {
                "_fts" => {
                    if let Ok(weights) = spec.get_document("weights") {
                        keys.extend(weights.keys().map(|field| CollectionIndexKey {
                            field: field.clone(),
                            kind: "text".to_owned(),
                        }));
                    }
                }
                "_ftsx" => {}
                _ => keys.push(CollectionIndexKey {
                    kind: key_kind(field, direction),
                    field: field.clone(),
                }),
            }
        }
        Some(Self {
            name,
            keys,
            unique: spec.get_bool("unique").unwrap_or(false),
            sparse: spec.get_bool("sparse").unwrap_or(false),
            hidden: spec.get_bool("hidden").unwrap_or(false),
            expire_after_seconds: spec.get("expireAfterSeconds").and_then(integer),
            partial_filter: spec
                .get_document("partialFilterExpression")
                .ok()
                .map(|filter| json(&Bson::Document(filter.clone()))),
        })
    }
}

impl CollectionStats {
    /// The first document of `[{ $collStats: { storageStats: {} } }]`. Sizes come back as int32
    /// or int64 (or double on old servers) depending on their magnitude.
    pub fn from_coll_stats(reply: &Document) -> Option<Self> {
        let storage = reply.get_document("storageStats").ok()?;
        let figure = |key: &str| storage.get(key).and_then(integer).unwrap_or(0);
        Some(Self {
            documents: figure("count"),
            data_bytes: figure("size"),
            storage_bytes: figure("storageSize"),
            index_bytes: figure("totalIndexSize"),
        })
    }
}

fn key_kind(field: &str, direction: &Bson) -> String {
    match direction {
        Bson::String(kind) => kind.clone(),
        _ if field == "$**" || field.ends_with(".$**") => "wildcard".to_owned(),
        other => match other.as_f64().or_else(|| integer(other).map(|n| n as f64)) {
            Some(n) if n < 0.0 => "desc".to_owned(),
            _ => "asc".to_owned(),
        },
    }
}

/// A number the server may send as int32, int64 or double.
pub(crate) fn integer(value: &Bson) -> Option<i64> {
    match value {
        Bson::Int32(n) => Some(i64::from(*n)),
        Bson::Int64(n) => Some(*n),
        // Sizes sent as doubles are whole numbers; the cast drops nothing that matters here.
        Bson::Double(n) if n.is_finite() => Some(*n as i64),
        _ => None,
    }
}

/// Relaxed extended JSON, indented: what `mongosh` users read and paste back.
pub(crate) fn json(value: &Bson) -> String {
    serde_json::to_string_pretty(&value.clone().into_relaxed_extjson()).unwrap_or_default()
}
