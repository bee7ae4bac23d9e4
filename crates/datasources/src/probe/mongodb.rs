//! MongoDB: one OP_MSG `hello`, per the wire protocol spec
//! (https://www.mongodb.com/docs/manual/reference/mongodb-wire-protocol/) and BSON 1.1
//! (https://bsonspec.org/spec.html). All integers are little-endian.

use std::sync::atomic::{AtomicI32, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::bson;
use super::*;

/// `opCode` of OP_MSG, the only message kind modern servers speak.
pub(super) const OP_MSG: i32 = 2013;
/// messageLength, requestID, responseTo, opCode: four int32.
pub(super) const HEADER_LEN: usize = 16;
/// flagBits bit 0: a CRC-32C of the message follows the sections.
pub(super) const CHECKSUM_PRESENT: u32 = 1;
/// flagBits bit 1: another reply follows without a request (exhaust cursors).
pub(super) const MORE_TO_COME: u32 = 1 << 1;
/// Bits 0-15 are "required": a parser must reject a message with one it does not know.
pub(super) const REQUIRED_FLAG_BITS: u32 = 0xFFFF;
/// The default `maxMessageSizeBytes` of MongoDB servers.
pub(super) const MAX_MONGODB_MESSAGE: usize = 48_000_000;
/// The smallest valid reply: header, flagBits, one kind-0 section holding an empty document.
pub(super) const MIN_MONGODB_REPLY: usize = HEADER_LEN + 4 + 1 + 5;

/// MongoDB error codes that waiting will not fix: Unauthorized, AuthenticationFailed, and
/// CommandNotFound (a server older than 4.4.2 that has no `hello`).
pub(super) const MONGODB_PERMANENT_ERRORS: [i32; 3] = [13, 18, 59];

static NEXT_MONGODB_REQUEST_ID: AtomicI32 = AtomicI32::new(1);

pub(super) async fn probe_mongodb(endpoint: &Endpoint<'_>) -> Result<(), ProbeError> {
    let mut stream = TcpStream::connect((endpoint.host, endpoint.port))
        .await
        .map_err(|error| endpoint.unreachable(&error))?;
    let request_id = NEXT_MONGODB_REQUEST_ID.fetch_add(1, Ordering::Relaxed);
    let hello = bson::Document::new()
        .with("hello", bson::Value::Int32(1))
        .with("$db", bson::Value::String("admin".to_owned()));
    stream
        .write_all(&op_msg(request_id, &hello))
        .await
        .map_err(|error| endpoint.unreachable(&error))?;

    let read_failed = |error: std::io::Error| {
        if error.kind() == std::io::ErrorKind::UnexpectedEof {
            endpoint.closed()
        } else {
            endpoint.unreachable(&error)
        }
    };
    let mut length_bytes = [0u8; 4];
    stream
        .read_exact(&mut length_bytes)
        .await
        .map_err(read_failed)?;
    let length = i32::from_le_bytes(length_bytes);
    let Some(length) = usize::try_from(length)
        .ok()
        .filter(|length| (MIN_MONGODB_REPLY..=MAX_MONGODB_MESSAGE).contains(length))
    else {
        return Err(endpoint.not_understood(&format!("a reply of {length} bytes")));
    };
    let mut message = vec![0u8; length];
    message[..4].copy_from_slice(&length_bytes);
    stream
        .read_exact(&mut message[4..])
        .await
        .map_err(read_failed)?;

    let reply = parse_op_msg_reply(&message, request_id)
        .map_err(|error| endpoint.not_understood(&error.0))?;
    hello_verdict(endpoint, &reply)
}

/// An OP_MSG with no flags and a single kind-0 section holding `body`.
pub(super) fn op_msg(request_id: i32, body: &bson::Document) -> Vec<u8> {
    let body = body.encode();
    let length = HEADER_LEN + 4 + 1 + body.len();
    let mut message = Vec::with_capacity(length);
    // The hello message is a few dozen bytes: its length fits an int32.
    message.extend_from_slice(&(length as i32).to_le_bytes());
    message.extend_from_slice(&request_id.to_le_bytes());
    message.extend_from_slice(&0i32.to_le_bytes()); // responseTo: none, this is a request
    message.extend_from_slice(&OP_MSG.to_le_bytes());
    message.extend_from_slice(&0u32.to_le_bytes()); // flagBits
    message.push(0); // section kind 0: the body
    message.extend_from_slice(&body);
    message
}

/// The body of a whole OP_MSG reply (`message` includes the header) to request `request_id`.
pub(super) fn parse_op_msg_reply(
    message: &[u8],
    request_id: i32,
) -> Result<bson::Document, bson::Malformed> {
    let mut reader = bson::Reader::new(message);
    let length = reader.i32()?;
    if usize::try_from(length).ok() != Some(message.len()) {
        return Err(bson::Malformed::new(
            "messageLength does not match the message",
        ));
    }
    let _own_request_id = reader.i32()?;
    let response_to = reader.i32()?;
    let op_code = reader.i32()?;
    if op_code != OP_MSG {
        return Err(bson::Malformed::new(format!(
            "opCode {op_code} instead of OP_MSG"
        )));
    }
    if response_to != request_id {
        return Err(bson::Malformed::new(format!(
            "a reply to request {response_to}, not {request_id}"
        )));
    }
    let flags = reader.u32()?;
    if flags & REQUIRED_FLAG_BITS & !(CHECKSUM_PRESENT | MORE_TO_COME) != 0 {
        return Err(bson::Malformed::new(format!("unknown flagBits {flags:#x}")));
    }
    // The checksum only guards against corruption, which TCP already does: skipped, not checked.
    let sections_end = if flags & CHECKSUM_PRESENT != 0 {
        message
            .len()
            .checked_sub(4)
            .ok_or_else(|| bson::Malformed::new("no room for the checksum"))?
    } else {
        message.len()
    };
    let mut sections = bson::Reader::new(&message[reader.position()..sections_end]);
    let mut body = None;
    while !sections.is_empty() {
        match sections.u8()? {
            0 if body.is_none() => body = Some(sections.document()?),
            0 => return Err(bson::Malformed::new("two body sections")),
            // A document sequence: int32 size (counting itself), identifier, documents.
            1 => {
                let size = sections.i32()?;
                let rest = usize::try_from(size)
                    .ok()
                    .and_then(|size| size.checked_sub(4))
                    .ok_or_else(|| bson::Malformed::new("a negative section size"))?;
                sections.take(rest)?;
            }
            kind => {
                return Err(bson::Malformed::new(format!("section kind {kind}")));
            }
        }
    }
    body.ok_or_else(|| bson::Malformed::new("no body section"))
}

/// `ok: 1` means ready. A failed `hello` is unusual: it happens while the server shuts down or
/// steps down, which passes (NotReady), unless its code says otherwise (Refused).
pub(super) fn hello_verdict(
    endpoint: &Endpoint<'_>,
    reply: &bson::Document,
) -> Result<(), ProbeError> {
    let ok = match reply.get("ok") {
        Some(bson::Value::Double(ok)) => *ok == 1.0,
        Some(bson::Value::Int32(ok)) => *ok == 1,
        _ => return Err(endpoint.not_understood("the hello reply has no ok field")),
    };
    if ok {
        return Ok(());
    }
    let code = match reply.get("code") {
        Some(bson::Value::Int32(code)) => Some(*code),
        _ => None,
    };
    let message = match reply.get("errmsg") {
        Some(bson::Value::String(message)) => message.as_str(),
        _ => "hello failed",
    };
    let verdict = match code {
        Some(code) if MONGODB_PERMANENT_ERRORS.contains(&code) => Verdict::Refused,
        _ => Verdict::NotReady,
    };
    Err(endpoint.error(verdict, format!("{}: {message}", endpoint.describe())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::tests::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// `{hello: 1, $db: "admin"}`, written out byte by byte from the BSON spec rather than by the
    /// encoder under test.
    const HELLO_BODY: &[u8] = &[
        31, 0, 0, 0, // document length
        0x10, b'h', b'e', b'l', b'l', b'o', 0, 1, 0, 0, 0, // int32 hello: 1
        0x02, b'$', b'd', b'b', 0, 6, 0, 0, 0, b'a', b'd', b'm', b'i', b'n', 0, // string $db
        0, // end of document
    ];

    /// `{ok: 1.0, isWritablePrimary: true}` plus fields of types the probe skips (an int64 date,
    /// a document holding an ObjectId and an int64, an array), as a real `hello` reply has.
    fn hello_reply_body(ok: f64) -> Vec<u8> {
        let mut elements = Vec::new();
        elements.push(0x08);
        elements.extend_from_slice(b"isWritablePrimary\0");
        elements.push(1);
        elements.push(0x09);
        elements.extend_from_slice(b"localTime\0");
        elements.extend_from_slice(&1_700_000_000_000i64.to_le_bytes());
        elements.push(0x03);
        elements.extend_from_slice(b"topologyVersion\0");
        let mut topology = Vec::new();
        topology.push(0x07);
        topology.extend_from_slice(b"processId\0");
        topology.extend_from_slice(&[0xAB; 12]);
        topology.push(0x12);
        topology.extend_from_slice(b"counter\0");
        topology.extend_from_slice(&0i64.to_le_bytes());
        elements.extend_from_slice(&document_bytes(&topology));
        elements.push(0x04);
        elements.extend_from_slice(b"saslSupportedMechs\0");
        let mut mechanisms = Vec::new();
        mechanisms.push(0x02);
        mechanisms.extend_from_slice(b"0\0");
        mechanisms.extend_from_slice(&14i32.to_le_bytes());
        mechanisms.extend_from_slice(b"SCRAM-SHA-256\0");
        elements.extend_from_slice(&document_bytes(&mechanisms));
        elements.push(0x01);
        elements.extend_from_slice(b"ok\0");
        elements.extend_from_slice(&ok.to_le_bytes());
        document_bytes(&elements)
    }

    /// Wraps encoded elements into a document: length prefix and terminating NUL.
    fn document_bytes(elements: &[u8]) -> Vec<u8> {
        let mut document = ((elements.len() + 5) as i32).to_le_bytes().to_vec();
        document.extend_from_slice(elements);
        document.push(0);
        document
    }

    /// A whole OP_MSG reply: header, flagBits, kind-0 section, optional (dummy) checksum.
    fn reply_message(response_to: i32, flags: u32, body: &[u8]) -> Vec<u8> {
        let checksum = if flags & CHECKSUM_PRESENT != 0 { 4 } else { 0 };
        let length = 16 + 4 + 1 + body.len() + checksum;
        let mut message = Vec::new();
        message.extend_from_slice(&(length as i32).to_le_bytes());
        message.extend_from_slice(&77i32.to_le_bytes());
        message.extend_from_slice(&response_to.to_le_bytes());
        message.extend_from_slice(&2013i32.to_le_bytes());
        message.extend_from_slice(&flags.to_le_bytes());
        message.push(0);
        message.extend_from_slice(body);
        message.extend_from_slice(&[0xEE; 4][..checksum]);
        message
    }

    /// A fake mongod: checks the request byte by byte, then answers `reply(request_id)`.
    async fn fake_mongodb(reply: fn(i32) -> Vec<u8>) -> u16 {
        fake_server(move |mut stream| async move {
            let mut request = vec![0u8; 16 + 4 + 1 + HELLO_BODY.len()];
            stream.read_exact(&mut request).await.expect("read hello");
            assert_eq!(
                i32::from_le_bytes(request[0..4].try_into().expect("4 bytes")) as usize,
                request.len(),
                "messageLength counts the whole message"
            );
            let request_id = i32::from_le_bytes(request[4..8].try_into().expect("4 bytes"));
            assert_eq!(&request[8..12], &[0, 0, 0, 0], "responseTo");
            assert_eq!(&request[12..16], &[0xDD, 0x07, 0, 0], "opCode 2013");
            assert_eq!(&request[16..20], &[0, 0, 0, 0], "flagBits");
            assert_eq!(request[20], 0, "section kind 0");
            assert_eq!(&request[21..], HELLO_BODY, "the hello document");
            stream
                .write_all(&reply(request_id))
                .await
                .expect("write reply");
        })
        .await
    }

    #[tokio::test]
    async fn mongodb_hello_is_framed_per_the_wire_protocol() {
        let port =
            fake_mongodb(|request_id| reply_message(request_id, 0, &hello_reply_body(1.0))).await;
        let password = Secret::new(PASSWORD);
        probe(&endpoint(Engine::Mongodb, port, &password))
            .await
            .expect("ready");
    }

    #[tokio::test]
    async fn mongodb_reply_with_a_checksum_is_accepted() {
        let port = fake_mongodb(|request_id| {
            reply_message(request_id, CHECKSUM_PRESENT, &hello_reply_body(1.0))
        })
        .await;
        let password = Secret::new(PASSWORD);
        probe(&endpoint(Engine::Mongodb, port, &password))
            .await
            .expect("ready");
    }

    #[tokio::test]
    async fn mongodb_failed_hello_while_shutting_down_is_not_ready() {
        let port = fake_mongodb(|request_id| {
            let mut elements = Vec::new();
            elements.push(0x01);
            elements.extend_from_slice(b"ok\0");
            elements.extend_from_slice(&0f64.to_le_bytes());
            elements.push(0x02);
            elements.extend_from_slice(b"errmsg\0");
            elements.extend_from_slice(&21i32.to_le_bytes());
            elements.extend_from_slice(b"shutdown in progress\0");
            elements.push(0x10);
            elements.extend_from_slice(b"code\0");
            elements.extend_from_slice(&91i32.to_le_bytes());
            reply_message(request_id, 0, &document_bytes(&elements))
        })
        .await;
        let password = Secret::new(PASSWORD);
        let error = probe(&endpoint(Engine::Mongodb, port, &password))
            .await
            .expect_err("shutting down");
        assert!(matches!(error, ProbeError::NotReady(_)), "{error:?}");
        assert!(message(&error).contains("shutdown in progress"), "{error}");
    }

    #[tokio::test]
    async fn mongodb_failed_hello_that_is_unauthorized_is_refused() {
        let port = fake_mongodb(|request_id| {
            let mut elements = Vec::new();
            elements.push(0x01);
            elements.extend_from_slice(b"ok\0");
            elements.extend_from_slice(&0f64.to_le_bytes());
            elements.push(0x10);
            elements.extend_from_slice(b"code\0");
            elements.extend_from_slice(&13i32.to_le_bytes());
            reply_message(request_id, 0, &document_bytes(&elements))
        })
        .await;
        let password = Secret::new(PASSWORD);
        let error = probe(&endpoint(Engine::Mongodb, port, &password))
            .await
            .expect_err("unauthorized");
        assert!(matches!(error, ProbeError::Refused(_)), "{error:?}");
    }

    #[tokio::test]
    async fn mongodb_reply_to_another_request_is_refused() {
        let port =
            fake_mongodb(|request_id| reply_message(request_id + 1, 0, &hello_reply_body(1.0)))
                .await;
        let password = Secret::new(PASSWORD);
        let error = probe(&endpoint(Engine::Mongodb, port, &password))
            .await
            .expect_err("wrong responseTo");
        assert!(matches!(error, ProbeError::Refused(_)), "{error:?}");
    }

    #[tokio::test]
    async fn mongodb_closed_connection_is_not_ready() {
        let port = fake_server(|mut stream| async move {
            let mut request = [0u8; 4];
            let _ = stream.read_exact(&mut request).await;
        })
        .await;
        let password = Secret::new(PASSWORD);
        let error = probe(&endpoint(Engine::Mongodb, port, &password))
            .await
            .expect_err("closed");
        assert!(matches!(error, ProbeError::NotReady(_)), "{error:?}");
    }

    #[test]
    fn op_msg_hello_matches_the_wire_format() {
        let hello = bson::Document::new()
            .with("hello", bson::Value::Int32(1))
            .with("$db", bson::Value::String("admin".to_owned()));
        let message = op_msg(0x0102_0304, &hello);
        let mut expected = vec![
            52, 0, 0, 0, 0x04, 0x03, 0x02, 0x01, 0, 0, 0, 0, 0xDD, 0x07, 0, 0,
        ];
        expected.extend_from_slice(&[0, 0, 0, 0, 0]);
        expected.extend_from_slice(HELLO_BODY);
        assert_eq!(message, expected);
    }

    #[test]
    fn op_msg_replies_are_checked() {
        let body = hello_reply_body(1.0);
        let parsed = parse_op_msg_reply(&reply_message(5, 0, &body), 5).expect("valid reply");
        assert_eq!(parsed.get("ok"), Some(&bson::Value::Double(1.0)));
        assert_eq!(
            parsed.get("isWritablePrimary"),
            Some(&bson::Value::Boolean(true))
        );

        let mut wrong_length = reply_message(5, 0, &body);
        wrong_length.push(0);
        assert!(parse_op_msg_reply(&wrong_length, 5).is_err());

        let unknown_required_flag = reply_message(5, 1 << 3, &body);
        assert!(parse_op_msg_reply(&unknown_required_flag, 5).is_err());

        let optional_flag = reply_message(5, 1 << 16, &body);
        assert!(parse_op_msg_reply(&optional_flag, 5).is_ok());

        let mut op_reply = reply_message(5, 0, &body);
        op_reply[12..16].copy_from_slice(&1i32.to_le_bytes());
        assert!(parse_op_msg_reply(&op_reply, 5).is_err());
    }

    #[test]
    fn op_msg_document_sequences_are_skipped() {
        let body = hello_reply_body(1.0);
        let mut sequence = vec![1];
        let identifier = b"documents\0";
        let empty = document_bytes(&[]);
        let size = 4 + identifier.len() + empty.len();
        sequence.extend_from_slice(&(size as i32).to_le_bytes());
        sequence.extend_from_slice(identifier);
        sequence.extend_from_slice(&empty);
        let mut message = reply_message(9, 0, &body);
        message.extend_from_slice(&sequence);
        let length = message.len() as i32;
        message[..4].copy_from_slice(&length.to_le_bytes());
        let parsed = parse_op_msg_reply(&message, 9).expect("valid reply");
        assert_eq!(parsed.get("ok"), Some(&bson::Value::Double(1.0)));
    }

    #[test]
    fn bson_decodes_the_spec_examples() {
        // Both examples of https://bsonspec.org/faq.html.
        let hello_world = b"\x16\x00\x00\x00\x02hello\x00\x06\x00\x00\x00world\x00\x00";
        let document = bson::Reader::new(hello_world)
            .document()
            .expect("valid BSON");
        assert_eq!(
            document,
            bson::Document::new().with("hello", bson::Value::String("world".to_owned()))
        );
        assert_eq!(document.encode(), hello_world);

        let awesome = b"\x31\x00\x00\x00\x04BSON\x00\x26\x00\x00\x00\x020\x00\x08\x00\x00\x00awesome\x00\x011\x00\x33\x33\x33\x33\x33\x33\x14\x40\x102\x00\xc2\x07\x00\x00\x00\x00";
        let document = bson::Reader::new(awesome).document().expect("valid BSON");
        assert_eq!(document, bson::Document::new(), "arrays are skipped");
    }

    #[test]
    fn bson_encodes_every_kept_type() {
        let document = bson::Document::new()
            .with("d", bson::Value::Double(1.5))
            .with("b", bson::Value::Boolean(false))
            .with(
                "n",
                bson::Value::Document(bson::Document::new().with("i", bson::Value::Int32(-2))),
            );
        let encoded = document.encode();
        assert_eq!(
            encoded,
            [
                &[35, 0, 0, 0][..],
                &[0x01, b'd', 0],
                &1.5f64.to_le_bytes(),
                &[0x08, b'b', 0, 0],
                &[0x03, b'n', 0, 12, 0, 0, 0, 0x10, b'i', 0, 0xFE, 0xFF, 0xFF, 0xFF, 0],
                &[0],
            ]
            .concat()
        );
        let decoded = bson::Reader::new(&encoded).document().expect("round trip");
        assert_eq!(decoded, document);
    }

    #[test]
    fn bson_rejects_malformed_documents() {
        let valid = b"\x16\x00\x00\x00\x02hello\x00\x06\x00\x00\x00world\x00\x00";
        for length in 0..valid.len() {
            assert!(
                bson::Reader::new(&valid[..length]).document().is_err(),
                "truncated to {length} bytes"
            );
        }
        let mut bad_string_length = *valid;
        bad_string_length[10] = 0x60;
        assert!(bson::Reader::new(&bad_string_length).document().is_err());
        let mut no_terminator = *valid;
        no_terminator[21] = 1;
        assert!(bson::Reader::new(&no_terminator).document().is_err());
        let mut unknown_type = *valid;
        unknown_type[4] = 0x42;
        assert!(bson::Reader::new(&unknown_type).document().is_err());
    }

    #[test]
    fn bson_refuses_deep_nesting() {
        let mut document = document_bytes(&[]);
        for _ in 0..100 {
            let mut element = vec![0x03, b'x', 0];
            element.extend_from_slice(&document);
            document = document_bytes(&element);
        }
        assert!(bson::Reader::new(&document).document().is_err());
    }
}
