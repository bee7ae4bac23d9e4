//! The browser's reading of a MongoDB 7.0 server's replies (see `replies/README.md` for why these
//! are files and not a live server).

use bson::Document;
use quantum_collections::{infer, Collection, CollectionIndex, CollectionKind, CollectionStats};

fn reply(name: &str) -> Vec<Document> {
    let path = format!("{}/tests/replies/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("reply file");
    // Read through bson's own deserializer, which keeps the keys' order (an index's key order
    // is its meaning) and reads the `$oid`/`$numberLong`/… wrappers.
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("{name}: {error}"))
}

fn indexes(name: &str) -> Vec<CollectionIndex> {
    reply(name)
        .iter()
        .filter_map(CollectionIndex::from_spec)
        .collect()
}

fn keys(index: &CollectionIndex) -> Vec<(&str, &str)> {
    index
        .keys
        .iter()
        .map(|key| (key.field.as_str(), key.kind.as_str()))
        .collect()
}

#[test]
fn collections_views_and_time_series_are_told_apart_and_system_collections_hidden() {
    let collections: Vec<Collection> = reply("listCollections")
        .iter()
        .filter_map(Collection::from_listing)
        .collect();
    let names: Vec<(&str, CollectionKind)> = collections
        .iter()
        .map(|c| (c.name.as_str(), c.kind))
        .collect();
    assert_eq!(
        names,
        [
            ("orders", CollectionKind::Collection),
            ("order_totals", CollectionKind::View),
            ("weather", CollectionKind::Timeseries),
            ("events", CollectionKind::Collection),
            ("products", CollectionKind::Collection),
        ]
    );

    let view = &collections[1];
    assert_eq!(view.view_on.as_deref(), Some("orders"));
    let pipeline: serde_json::Value =
        serde_json::from_str(view.pipeline.as_deref().expect("pipeline")).expect("JSON");
    assert_eq!(pipeline[0]["$group"]["total"]["$sum"], "$total");

    let weather = &collections[2];
    assert_eq!(weather.time_field.as_deref(), Some("ts"));
    assert_eq!(weather.meta_field.as_deref(), Some("sensor"));

    let events = &collections[3];
    assert!(events.capped);
    assert_eq!(events.max_bytes, Some(1_048_576));
    assert_eq!(events.max_documents, Some(1_000));
    assert!(!collections[0].capped);
}

#[test]
fn a_validator_is_shown_as_mongosh_json_with_its_level_and_action() {
    let orders = Collection::from_listing(&reply("listCollections")[0]).expect("orders");
    let validator = orders.validator.expect("a validator");
    assert_eq!(validator.level, "moderate");
    assert_eq!(validator.action, "warn");
    // Relaxed extended JSON: an int32 is a bare number, as a user would type it.
    let rule: serde_json::Value = serde_json::from_str(&validator.rule).expect("JSON");
    assert_eq!(
        rule["$jsonSchema"]["required"],
        serde_json::json!(["customerId", "total"])
    );
    assert_eq!(
        rule["$jsonSchema"]["properties"]["total"]["minimum"],
        serde_json::json!(0)
    );
    assert!(validator.rule.contains('\n'), "indented for reading");

    let products = Collection::from_listing(&reply("listCollections")[5]).expect("products");
    assert_eq!(products.validator, None);
}

#[test]
fn indexes_carry_their_keys_directions_and_options() {
    let orders = indexes("listIndexes.orders");
    assert_eq!(orders.len(), 6);
    assert_eq!(keys(&orders[0]), [("_id", "asc")]);
    assert_eq!(
        keys(&orders[1]),
        [("customerId", "asc"), ("createdAt", "desc")]
    );

    let partial = &orders[2];
    let filter: serde_json::Value =
        serde_json::from_str(partial.partial_filter.as_deref().expect("filter")).expect("JSON");
    assert_eq!(filter["status"]["$in"], serde_json::json!(["open", "paid"]));

    assert_eq!(orders[3].expire_after_seconds, Some(3_600));
    assert_eq!(orders[1].expire_after_seconds, None);
    assert_eq!(keys(&orders[4]), [("sessionId", "hashed")]);

    // A direction sent as a double still reads as descending.
    let hidden = &orders[5];
    assert_eq!(keys(hidden), [("coupon", "desc")]);
    assert!(hidden.sparse && hidden.hidden && !hidden.unique);
}

#[test]
fn a_text_index_lists_the_fields_it_covers_not_its_internal_keys() {
    let products = indexes("listIndexes.products");
    assert_eq!(
        keys(&products[1]),
        [("description", "text"), ("title", "text")]
    );
    assert!(products[2].unique);
    assert_eq!(keys(&products[3]), [("attributes.$**", "wildcard")]);
    assert_eq!(
        keys(&indexes("listIndexes.stores")[1]),
        [("location", "2dsphere")]
    );
}

#[test]
fn storage_figures_read_int32_and_int64_alike() {
    let stats =
        CollectionStats::from_coll_stats(&reply("collStats.orders")[0]).expect("storage stats");
    assert_eq!(stats.documents, 12_500_000);
    assert_eq!(stats.data_bytes, 5_368_709_120);
    assert_eq!(stats.storage_bytes, 2_147_483_648);
    assert_eq!(stats.index_bytes, 402_653_184);
    assert_eq!(CollectionStats::from_coll_stats(&Document::new()), None);
}

#[test]
fn fields_are_inferred_with_presence_and_types_per_document() {
    let sample = infer("orders", &reply("sample.orders"));
    assert_eq!(sample.sampled, 3);
    assert!(sample.complete);
    let field = |path: &str| {
        sample
            .fields
            .iter()
            .find(|field| field.path == path)
            .unwrap_or_else(|| panic!("no field {path}"))
    };
    let types = |path: &str| {
        field(path)
            .types
            .iter()
            .map(|t| (t.name.as_str(), t.documents))
            .collect::<Vec<_>>()
    };

    assert_eq!(sample.fields[0].path, "_id", "the document's order is kept");
    assert_eq!(field("_id").present, 3);
    assert_eq!(types("customerId"), [("objectId", 2), ("string", 1)]);
    assert_eq!(types("total"), [("decimal", 2), ("double", 1)]);
    assert_eq!(field("coupon").present, 1);
    assert_eq!(field("coupon").example.as_deref(), Some("\"WINTER\""));
    assert_eq!(types("shipping"), [("null", 1), ("object", 1)]);
    assert_eq!(field("shipping.city").present, 1);

    // Arrays: the array itself, then its elements' types, each counted once per document.
    assert_eq!(types("items"), [("array", 3)]);
    assert_eq!(field("items[]").present, 2);
    assert_eq!(field("items[].sku").present, 2);
    assert_eq!(types("items[].qty"), [("int", 1), ("long", 1)]);
    assert_eq!(types("tags[]"), [("string", 2), ("int", 1)]);
    assert_eq!(
        field("tags[]").present,
        2,
        "an empty array holds no elements"
    );

    assert_eq!(
        field("createdAt").example.as_deref(),
        Some(r#"{"$date":"2025-11-29T00:00:00Z"}"#)
    );
}

#[test]
fn an_empty_sample_has_no_fields() {
    let sample = infer("empty", &[]);
    assert_eq!(sample.sampled, 0);
    assert!(sample.fields.is_empty());
}
