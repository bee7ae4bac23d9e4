//! One level of the keyspace: the groups under a prefix and the keys that end there.

use std::collections::BTreeMap;

use serde::Serialize;
use specta::Type;

use crate::{text, Result, Server, Session};

/// Keys read per level at most: past this the level says it is incomplete.
const SCAN_LIMIT: usize = 100_000;
/// Keys whose type and TTL are asked for in one round trip.
const BATCH: usize = 1_000;
/// Keys per group whose memory is measured; the rest is estimated from them.
const MEMORY_SAMPLE: usize = 20;
/// Keys listed at one level (those with no further delimiter).
const KEYS_SHOWN: usize = 500;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Keyspace {
    /// The level shown: `""` for the top, `user:` below it.
    pub prefix: String,
    pub delimiter: String,
    /// Keys in the whole database (`DBSIZE`).
    pub total_keys: i64,
    /// Keys under the prefix read for this level.
    pub scanned: i64,
    /// False when the scan stopped at its limit: the counts are of the keys read.
    pub complete: bool,
    /// The next level's prefixes, most keys first.
    pub groups: Vec<KeyGroup>,
    /// Keys ending at this level, by name (at most 500).
    pub keys: Vec<KeyInfo>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct KeyGroup {
    /// The whole prefix, delimiter included: `user:`.
    pub prefix: String,
    pub keys: i64,
    pub types: Vec<TypeCount>,
    /// Keys that expire.
    pub with_ttl: i64,
    /// Keys whose memory was measured, and their bytes.
    pub sampled: i64,
    pub sampled_bytes: i64,
    /// The group's memory, estimated from the sample.
    pub estimated_bytes: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TypeCount {
    /// `string`, `list`, `hash`, `set`, `zset`, `stream`, ….
    pub kind: String,
    pub keys: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct KeyInfo {
    pub key: String,
    pub kind: String,
    /// Milliseconds to expiry; `None` for a key that does not expire.
    pub ttl_ms: Option<i64>,
    pub bytes: Option<i64>,
}

#[derive(Default)]
struct Group {
    keys: i64,
    types: BTreeMap<String, i64>,
    with_ttl: i64,
    sample: Vec<Vec<u8>>,
}

/// The level under `prefix` (`""` for the top), keys split at `delimiter` (usually `:`).
pub async fn keyspace(server: &Server, prefix: &str, delimiter: &str) -> Result<Keyspace> {
    let delimiter = if delimiter.is_empty() { ":" } else { delimiter };
    let mut session = Session::open(server).await?;
    let total_keys: i64 = session
        .query(async |c| redis::cmd("DBSIZE").query_async(c).await)
        .await?;

    let pattern = format!("{}*", escape_glob(prefix));
    let mut cursor = 0u64;
    let mut found: Vec<Vec<u8>> = Vec::new();
    loop {
        let (next, batch): (u64, Vec<Vec<u8>>) = session
            .query(async |c| {
                redis::cmd("SCAN")
                    .arg(cursor)
                    .arg("MATCH")
                    .arg(&pattern)
                    .arg("COUNT")
                    .arg(1_000)
                    .query_async(c)
                    .await
            })
            .await?;
        found.extend(batch);
        cursor = next;
        if cursor == 0 || found.len() >= SCAN_LIMIT {
            break;
        }
    }
    let complete = cursor == 0;
    // SCAN may return a key twice (when the table is rehashed meanwhile).
    found.sort();
    found.dedup();

    let mut groups: BTreeMap<Vec<u8>, Group> = BTreeMap::new();
    let mut leaves: Vec<(Vec<u8>, String, Option<i64>)> = Vec::new();
    for chunk in found.chunks(BATCH) {
        let mut pipe = redis::pipe();
        for key in chunk {
            pipe.cmd("TYPE").arg(key).cmd("PTTL").arg(key);
        }
        let answers: Vec<(String, i64)> = session
            .query(async |c| pipe.query_async::<Vec<redis::Value>>(c).await)
            .await
            .map(pairs)?;
        for (key, (kind, ttl)) in chunk.iter().zip(answers) {
            if kind == "none" {
                continue; // expired between SCAN and TYPE
            }
            let ttl = (ttl >= 0).then_some(ttl);
            let rest = &key[prefix.len().min(key.len())..];
            match find(rest, delimiter.as_bytes()) {
                Some(at) => {
                    let group_prefix = key[..prefix.len() + at + delimiter.len()].to_vec();
                    let group = groups.entry(group_prefix).or_default();
                    group.keys += 1;
                    *group.types.entry(kind).or_default() += 1;
                    group.with_ttl += i64::from(ttl.is_some());
                    if group.sample.len() < MEMORY_SAMPLE {
                        group.sample.push(key.clone());
                    }
                }
                None => leaves.push((key.clone(), kind, ttl)),
            }
        }
    }

    // One pipeline for the memory of every sampled key and every listed leaf.
    leaves.truncate(KEYS_SHOWN);
    let measured: Vec<&Vec<u8>> = groups
        .values()
        .flat_map(|g| g.sample.iter())
        .chain(leaves.iter().map(|(key, _, _)| key))
        .collect();
    let mut bytes = Vec::with_capacity(measured.len());
    for chunk in measured.chunks(BATCH) {
        let mut pipe = redis::pipe();
        for key in chunk {
            pipe.cmd("MEMORY")
                .arg("USAGE")
                .arg(*key)
                .arg("SAMPLES")
                .arg(0);
        }
        let answers: Vec<Option<i64>> = session.query(async |c| pipe.query_async(c).await).await?;
        bytes.extend(answers);
    }
    let mut bytes = bytes.into_iter();

    let mut groups: Vec<KeyGroup> = groups
        .into_iter()
        .map(|(prefix, group)| {
            let sampled: Vec<i64> = bytes.by_ref().take(group.sample.len()).flatten().collect();
            let sampled_bytes: i64 = sampled.iter().sum();
            let estimated_bytes = if sampled.is_empty() {
                0
            } else {
                sampled_bytes * group.keys / sampled.len() as i64
            };
            let mut types: Vec<TypeCount> = group
                .types
                .into_iter()
                .map(|(kind, keys)| TypeCount { kind, keys })
                .collect();
            types.sort_by(|a, b| b.keys.cmp(&a.keys).then_with(|| a.kind.cmp(&b.kind)));
            KeyGroup {
                prefix: text(&prefix),
                keys: group.keys,
                types,
                with_ttl: group.with_ttl,
                sampled: sampled.len() as i64,
                sampled_bytes,
                estimated_bytes,
            }
        })
        .collect();
    groups.sort_by(|a, b| b.keys.cmp(&a.keys).then_with(|| a.prefix.cmp(&b.prefix)));
    let keys = leaves
        .into_iter()
        .zip(bytes)
        .map(|((key, kind, ttl_ms), bytes)| KeyInfo {
            key: text(&key),
            kind,
            ttl_ms,
            bytes,
        })
        .collect();
    Ok(Keyspace {
        prefix: prefix.to_owned(),
        delimiter: delimiter.to_owned(),
        total_keys,
        scanned: found.len() as i64,
        complete,
        groups,
        keys,
    })
}

/// The pipeline's answers two by two: a key's `TYPE`, then its `PTTL`.
fn pairs(values: Vec<redis::Value>) -> Vec<(String, i64)> {
    let mut out = Vec::with_capacity(values.len() / 2);
    let mut values = values.into_iter();
    while let (Some(kind), Some(ttl)) = (values.next(), values.next()) {
        let kind = match kind {
            redis::Value::SimpleString(s) => s,
            redis::Value::BulkString(b) => text(&b),
            _ => "unknown".to_owned(),
        };
        let ttl = match ttl {
            redis::Value::Int(n) => n,
            _ => -1,
        };
        out.push((kind, ttl));
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// `prefix` as a SCAN pattern that matches it literally.
fn escape_glob(prefix: &str) -> String {
    let mut escaped = String::with_capacity(prefix.len());
    for c in prefix.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_is_matched_literally() {
        assert_eq!(escape_glob("user:"), "user:");
        assert_eq!(escape_glob("a*b?[c]\\"), "a\\*b\\?\\[c\\]\\\\");
    }
}
