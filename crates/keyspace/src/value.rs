//! A key's value, read by its type: the first elements of a collection, the start of a string.

use serde::Serialize;
use specta::Type;

use crate::{text, Error, Result, Server, Session};

/// Elements read of a list, hash, set, sorted set or stream.
const ELEMENTS: usize = 200;
/// Bytes read of a string.
const STRING_BYTES: i64 = 64 * 1024;

#[derive(Clone, Debug, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct KeyValue {
    pub key: String,
    pub ttl_ms: Option<i64>,
    pub bytes: Option<i64>,
    /// Elements (or a string's bytes) in all; the value holds the first of them.
    pub length: i64,
    pub value: RedisValue,
}

#[derive(Clone, Debug, PartialEq, Serialize, Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum RedisValue {
    /// Text, or bytes that are not UTF-8 as hex (`binary`).
    String {
        text: String,
        binary: bool,
    },
    List {
        items: Vec<String>,
    },
    Hash {
        fields: Vec<HashField>,
    },
    Set {
        members: Vec<String>,
    },
    Zset {
        members: Vec<ScoredMember>,
    },
    Stream {
        entries: Vec<StreamEntry>,
    },
    /// A type this browser does not read (a module's).
    Other {
        #[serde(rename = "typeName")]
        type_name: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
pub struct HashField {
    pub name: String,
    pub value: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Type)]
pub struct ScoredMember {
    pub member: String,
    pub score: f64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Type)]
pub struct StreamEntry {
    pub id: String,
    pub fields: Vec<HashField>,
}

/// A stream entry as XRANGE answers: its id, then its fields' names and values by turns.
type RawEntry = (String, Vec<Vec<u8>>);

/// The value of `key`, by its type.
pub async fn value(server: &Server, key: &str) -> Result<KeyValue> {
    let mut session = Session::open(server).await?;
    let (kind, ttl, bytes): (String, i64, Option<i64>) = session
        .query(async |c| {
            redis::pipe()
                .cmd("TYPE")
                .arg(key)
                .cmd("PTTL")
                .arg(key)
                .cmd("MEMORY")
                .arg("USAGE")
                .arg(key)
                .arg("SAMPLES")
                .arg(0)
                .query_async(c)
                .await
        })
        .await?;
    if kind == "none" {
        return Err(Error::NoSuchKey(key.to_owned()));
    }
    let last = ELEMENTS as i64 - 1;
    let (length, value) = match kind.as_str() {
        "string" => {
            let (length, head): (i64, Vec<u8>) = session
                .query(async |c| {
                    redis::pipe()
                        .cmd("STRLEN")
                        .arg(key)
                        .cmd("GETRANGE")
                        .arg(key)
                        .arg(0)
                        .arg(STRING_BYTES - 1)
                        .query_async(c)
                        .await
                })
                .await?;
            let value = match String::from_utf8(head) {
                Ok(text) => RedisValue::String {
                    text,
                    binary: false,
                },
                Err(error) => RedisValue::String {
                    text: quantum_kernel::hex(error.as_bytes()),
                    binary: true,
                },
            };
            (length, value)
        }
        "list" => {
            let (length, items): (i64, Vec<Vec<u8>>) = session
                .query(async |c| {
                    redis::pipe()
                        .cmd("LLEN")
                        .arg(key)
                        .cmd("LRANGE")
                        .arg(key)
                        .arg(0)
                        .arg(last)
                        .query_async(c)
                        .await
                })
                .await?;
            let items = items.iter().map(|i| text(i)).collect();
            (length, RedisValue::List { items })
        }
        "hash" => {
            let length: i64 = session
                .query(async |c| redis::cmd("HLEN").arg(key).query_async(c).await)
                .await?;
            let pairs = scan_all(&mut session, "HSCAN", key, ELEMENTS * 2).await?;
            let fields = pairs
                .chunks(2)
                .filter_map(|pair| match pair {
                    [name, value] => Some(HashField {
                        name: text(name),
                        value: text(value),
                    }),
                    _ => None,
                })
                .take(ELEMENTS)
                .collect();
            (length, RedisValue::Hash { fields })
        }
        "set" => {
            let length: i64 = session
                .query(async |c| redis::cmd("SCARD").arg(key).query_async(c).await)
                .await?;
            let mut members: Vec<String> = scan_all(&mut session, "SSCAN", key, ELEMENTS)
                .await?
                .iter()
                .map(|m| text(m))
                .take(ELEMENTS)
                .collect();
            members.sort();
            (length, RedisValue::Set { members })
        }
        "zset" => {
            let (length, pairs): (i64, Vec<(Vec<u8>, f64)>) = session
                .query(async |c| {
                    redis::pipe()
                        .cmd("ZCARD")
                        .arg(key)
                        .cmd("ZRANGE")
                        .arg(key)
                        .arg(0)
                        .arg(last)
                        .arg("WITHSCORES")
                        .query_async(c)
                        .await
                })
                .await?;
            let members = pairs
                .into_iter()
                .map(|(member, score)| ScoredMember {
                    member: text(&member),
                    score,
                })
                .collect();
            (length, RedisValue::Zset { members })
        }
        "stream" => {
            let (length, entries): (i64, Vec<RawEntry>) = session
                .query(async |c| {
                    redis::pipe()
                        .cmd("XLEN")
                        .arg(key)
                        .cmd("XRANGE")
                        .arg(key)
                        .arg("-")
                        .arg("+")
                        .arg("COUNT")
                        .arg(ELEMENTS)
                        .query_async(c)
                        .await
                })
                .await?;
            let entries = entries
                .into_iter()
                .map(|(id, flat)| StreamEntry {
                    id,
                    fields: flat
                        .chunks(2)
                        .filter_map(|pair| match pair {
                            [name, value] => Some(HashField {
                                name: text(name),
                                value: text(value),
                            }),
                            _ => None,
                        })
                        .collect(),
                })
                .collect();
            (length, RedisValue::Stream { entries })
        }
        other => (
            0,
            RedisValue::Other {
                type_name: other.to_owned(),
            },
        ),
    };
    Ok(KeyValue {
        key: key.to_owned(),
        ttl_ms: (ttl >= 0).then_some(ttl),
        bytes,
        length,
        value,
    })
}

/// `HSCAN`/`SSCAN` until `want` items are in or the collection is read.
async fn scan_all(
    session: &mut Session,
    command: &str,
    key: &str,
    want: usize,
) -> Result<Vec<Vec<u8>>> {
    let mut cursor = 0u64;
    let mut items = Vec::new();
    loop {
        let (next, batch): (u64, Vec<Vec<u8>>) = session
            .query(async |c| {
                redis::cmd(command)
                    .arg(key)
                    .arg(cursor)
                    .arg("COUNT")
                    .arg(want)
                    .query_async(c)
                    .await
            })
            .await?;
        items.extend(batch);
        cursor = next;
        if cursor == 0 || items.len() >= want {
            return Ok(items);
        }
    }
}
