//! The little of BSON a `hello` needs: documents of doubles, strings, documents, booleans and
//! int32 are read and written; every other type is skipped when read.

use std::fmt;

/// Nested documents deeper than this are refused rather than recursed into.
const MAX_DEPTH: usize = 64;

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Value {
    Double(f64),
    String(String),
    Document(Document),
    Boolean(bool),
    Int32(i32),
}

/// Fields in order, as BSON keeps them.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Document(Vec<(String, Value)>);

#[derive(Debug, PartialEq, Eq)]
pub(super) struct Malformed(pub(super) String);

impl Malformed {
    pub(super) fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Document {
    pub(super) fn new() -> Self {
        Self::default()
    }

    /// Appends a field. Keys are constants of ours and never contain NUL.
    pub(super) fn with(mut self, key: &str, value: Value) -> Self {
        self.0.push((key.to_owned(), value));
        self
    }

    pub(super) fn get(&self, key: &str) -> Option<&Value> {
        self.0
            .iter()
            .find_map(|(name, value)| (name == key).then_some(value))
    }

    /// `int32 total length, elements, 0x00`; each element `type byte, cstring key, value`.
    pub(super) fn encode(&self) -> Vec<u8> {
        let mut out = vec![0u8; 4];
        for (key, value) in &self.0 {
            out.push(value.type_byte());
            out.extend_from_slice(key.as_bytes());
            out.push(0);
            match value {
                Value::Double(number) => out.extend_from_slice(&number.to_le_bytes()),
                Value::String(text) => {
                    // The length counts the trailing NUL.
                    out.extend_from_slice(&(text.len() as i32 + 1).to_le_bytes());
                    out.extend_from_slice(text.as_bytes());
                    out.push(0);
                }
                Value::Document(document) => out.extend_from_slice(&document.encode()),
                Value::Boolean(flag) => out.push(u8::from(*flag)),
                Value::Int32(number) => out.extend_from_slice(&number.to_le_bytes()),
            }
        }
        out.push(0);
        // Documents built here are small: their length fits an int32.
        let length = out.len() as i32;
        out[..4].copy_from_slice(&length.to_le_bytes());
        out
    }
}

impl Value {
    fn type_byte(&self) -> u8 {
        match self {
            Self::Double(_) => 0x01,
            Self::String(_) => 0x02,
            Self::Document(_) => 0x03,
            Self::Boolean(_) => 0x08,
            Self::Int32(_) => 0x10,
        }
    }
}

/// A cursor over bytes that fails instead of reading past the end.
pub(super) struct Reader<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl<'a> Reader<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, position: 0 }
    }

    pub(super) fn position(&self) -> usize {
        self.position
    }

    pub(super) fn is_empty(&self) -> bool {
        self.position == self.bytes.len()
    }

    pub(super) fn take(&mut self, count: usize) -> Result<&'a [u8], Malformed> {
        let end = self
            .position
            .checked_add(count)
            .filter(|end| *end <= self.bytes.len())
            .ok_or_else(|| Malformed::new("truncated"))?;
        let taken = &self.bytes[self.position..end];
        self.position = end;
        Ok(taken)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], Malformed> {
        let mut array = [0u8; N];
        array.copy_from_slice(self.take(N)?);
        Ok(array)
    }

    pub(super) fn u8(&mut self) -> Result<u8, Malformed> {
        Ok(self.array::<1>()?[0])
    }

    pub(super) fn i32(&mut self) -> Result<i32, Malformed> {
        self.array().map(i32::from_le_bytes)
    }

    pub(super) fn u32(&mut self) -> Result<u32, Malformed> {
        self.array().map(u32::from_le_bytes)
    }

    fn f64(&mut self) -> Result<f64, Malformed> {
        self.array().map(f64::from_le_bytes)
    }

    /// An int32 length that must be at least `minimum`.
    fn length(&mut self, minimum: usize) -> Result<usize, Malformed> {
        let length = self.i32()?;
        usize::try_from(length)
            .ok()
            .filter(|length| *length >= minimum)
            .ok_or_else(|| Malformed::new(format!("invalid length {length}")))
    }

    fn cstring(&mut self) -> Result<String, Malformed> {
        let rest = &self.bytes[self.position..];
        let end = rest
            .iter()
            .position(|byte| *byte == 0)
            .ok_or_else(|| Malformed::new("unterminated cstring"))?;
        let text = self.take(end)?;
        self.take(1)?;
        utf8(text)
    }

    /// `int32 length (counting the NUL), bytes, 0x00`.
    fn string(&mut self) -> Result<String, Malformed> {
        let length = self.length(1)?;
        let bytes = self.take(length)?;
        match bytes.split_last() {
            Some((0, text)) => utf8(text),
            _ => Err(Malformed::new("unterminated string")),
        }
    }

    /// A whole document at the cursor.
    pub(super) fn document(&mut self) -> Result<Document, Malformed> {
        self.document_at_depth(0)
    }

    fn document_at_depth(&mut self, depth: usize) -> Result<Document, Malformed> {
        if depth > MAX_DEPTH {
            return Err(Malformed::new("documents nested too deeply"));
        }
        let start = self.position;
        // At least the length itself and the terminating 0x00.
        let length = self.length(5)?;
        self.position = start;
        let mut elements = Reader::new(self.take(length)?);
        elements.take(4)?;
        let mut document = Document::new();
        loop {
            let element_type = elements.u8()?;
            if element_type == 0 {
                break;
            }
            let key = elements.cstring()?;
            if let Some(value) = elements.value(element_type, depth)? {
                document.0.push((key, value));
            }
        }
        if !elements.is_empty() {
            return Err(Malformed::new("bytes after the end of a document"));
        }
        Ok(document)
    }

    /// Reads one value, or skips it (None) when it is of a type we do not keep.
    fn value(&mut self, element_type: u8, depth: usize) -> Result<Option<Value>, Malformed> {
        let value = match element_type {
            0x01 => Value::Double(self.f64()?),
            0x02 => Value::String(self.string()?),
            0x03 => Value::Document(self.document_at_depth(depth + 1)?),
            0x08 => match self.u8()? {
                0 => Value::Boolean(false),
                1 => Value::Boolean(true),
                other => return Err(Malformed::new(format!("boolean byte {other}"))),
            },
            0x10 => Value::Int32(self.i32()?),
            // Array: a document with keys "0", "1", ...
            0x04 => {
                self.document_at_depth(depth + 1)?;
                return Ok(None);
            }
            // Binary: int32 length, subtype byte, bytes.
            0x05 => {
                let length = self.length(0)?;
                self.take(length + 1)?;
                return Ok(None);
            }
            // Undefined, null, min key, max key: no value bytes.
            0x06 | 0x0A | 0xFF | 0x7F => return Ok(None),
            // ObjectId.
            0x07 => {
                self.take(12)?;
                return Ok(None);
            }
            // UTC datetime, timestamp, int64.
            0x09 | 0x11 | 0x12 => {
                self.take(8)?;
                return Ok(None);
            }
            // Regular expression: pattern and options cstrings.
            0x0B => {
                self.cstring()?;
                self.cstring()?;
                return Ok(None);
            }
            // DBPointer: string and ObjectId.
            0x0C => {
                self.string()?;
                self.take(12)?;
                return Ok(None);
            }
            // JavaScript code, symbol.
            0x0D | 0x0E => {
                self.string()?;
                return Ok(None);
            }
            // Code with scope: int32 total length counting itself.
            0x0F => {
                let length = self.length(4)?;
                self.take(length - 4)?;
                return Ok(None);
            }
            // Decimal128.
            0x13 => {
                self.take(16)?;
                return Ok(None);
            }
            other => return Err(Malformed::new(format!("unknown BSON type {other:#04x}"))),
        };
        Ok(Some(value))
    }
}

fn utf8(bytes: &[u8]) -> Result<String, Malformed> {
    String::from_utf8(bytes.to_vec()).map_err(|_| Malformed::new("a string that is not UTF-8"))
}
