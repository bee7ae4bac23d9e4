//! Redis over RESP by hand: `AUTH` when there is a password, then `PING`.

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use super::*;

/// Longest reply line accepted: ours are a few words; more means this is not Redis.
pub(super) const MAX_REDIS_LINE: u64 = 64 * 1024;

pub(super) async fn probe_redis(endpoint: &Endpoint<'_>) -> Result<(), ProbeError> {
    let stream = TcpStream::connect((endpoint.host, endpoint.port))
        .await
        .map_err(|error| endpoint.unreachable(&error))?;
    let mut stream = BufReader::new(stream);
    let password = endpoint.password.expose();
    if !password.is_empty() {
        redis_expect(endpoint, &mut stream, &[b"AUTH", password.as_bytes()], "OK").await?;
    }
    redis_expect(endpoint, &mut stream, &[b"PING"], "PONG").await
}

/// Sends one command and expects the simple-string reply `+{expected}`.
pub(super) async fn redis_expect(
    endpoint: &Endpoint<'_>,
    stream: &mut BufReader<TcpStream>,
    command: &[&[u8]],
    expected: &str,
) -> Result<(), ProbeError> {
    stream
        .write_all(&resp_command(command))
        .await
        .map_err(|error| endpoint.unreachable(&error))?;
    let mut line = Vec::new();
    (&mut *stream)
        .take(MAX_REDIS_LINE)
        .read_until(b'\n', &mut line)
        .await
        .map_err(|error| endpoint.unreachable(&error))?;
    let Some(text) = line.strip_suffix(b"\r\n") else {
        return Err(if line.len() as u64 == MAX_REDIS_LINE {
            endpoint.not_understood("the reply line never ends")
        } else {
            endpoint.closed()
        });
    };
    let text = String::from_utf8_lossy(text);
    match text.split_at_checked(1) {
        Some(("+", reply)) if reply == expected => Ok(()),
        Some(("-", error)) => Err(endpoint.error(
            redis_error_verdict(error),
            format!("{} answered: {error}", endpoint.describe()),
        )),
        Some(("+" | ":" | "$" | "*", _)) => {
            Err(endpoint.not_understood(&format!("expected +{expected}, got {text}")))
        }
        _ => Err(endpoint.not_understood("the reply is not RESP")),
    }
}

/// A command as a RESP array of bulk strings, the form that carries any byte safely.
pub(super) fn resp_command(arguments: &[&[u8]]) -> Vec<u8> {
    let mut encoded = format!("*{}\r\n", arguments.len()).into_bytes();
    for argument in arguments {
        encoded.extend_from_slice(format!("${}\r\n", argument.len()).as_bytes());
        encoded.extend_from_slice(argument);
        encoded.extend_from_slice(b"\r\n");
    }
    encoded
}

/// Redis error replies start with an upper-case code; these few pass with time.
pub(super) fn redis_error_verdict(error: &str) -> Verdict {
    match error.split_whitespace().next() {
        Some("LOADING" | "BUSY" | "MASTERDOWN" | "TRYAGAIN") => Verdict::NotReady,
        // WRONGPASS, NOAUTH, ERR (e.g. AUTH without a configured password), DENIED (protected mode).
        _ => Verdict::Refused,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::tests::*;
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
    use tokio::net::TcpStream;

    /// Reads one RESP array of bulk strings, as the probe sends commands; None at end of stream.
    async fn read_resp_command(stream: &mut BufReader<TcpStream>) -> Option<Vec<String>> {
        let mut line = String::new();
        if stream.read_line(&mut line).await.expect("read") == 0 {
            return None;
        }
        let count: usize = line
            .strip_prefix('*')
            .and_then(|rest| rest.trim_end().parse().ok())
            .expect("a RESP array header");
        let mut arguments = Vec::new();
        for _ in 0..count {
            line.clear();
            stream.read_line(&mut line).await.expect("read");
            let length: usize = line
                .strip_prefix('$')
                .and_then(|rest| rest.trim_end().parse().ok())
                .expect("a bulk string header");
            let mut argument = vec![0u8; length + 2];
            stream.read_exact(&mut argument).await.expect("read");
            assert_eq!(&argument[length..], b"\r\n");
            argument.truncate(length);
            arguments.push(String::from_utf8(argument).expect("UTF-8"));
        }
        Some(arguments)
    }

    /// A fake Redis answering each command with `answer(command)`; records what it received.
    async fn fake_redis(
        answer: fn(&[String]) -> &'static str,
    ) -> (u16, tokio::sync::oneshot::Receiver<Vec<Vec<String>>>) {
        let (sender, received) = tokio::sync::oneshot::channel();
        let port = fake_server(move |stream| async move {
            let mut stream = BufReader::new(stream);
            let mut commands = Vec::new();
            while let Some(command) = read_resp_command(&mut stream).await {
                let reply = answer(&command);
                commands.push(command);
                if stream.write_all(reply.as_bytes()).await.is_err() {
                    break;
                }
            }
            let _ = sender.send(commands);
        })
        .await;
        (port, received)
    }

    #[tokio::test]
    async fn redis_probe_authenticates_then_pings() {
        let (port, received) = fake_redis(|command| match command[0].as_str() {
            "AUTH" => "+OK\r\n",
            _ => "+PONG\r\n",
        })
        .await;
        let password = Secret::new(PASSWORD);
        probe(&endpoint(Engine::Redis, port, &password))
            .await
            .expect("ready");
        let commands = received.await.expect("the server saw the probe");
        assert_eq!(
            commands,
            [
                vec!["AUTH".to_owned(), PASSWORD.to_owned()],
                vec!["PING".to_owned()]
            ]
        );
    }

    #[tokio::test]
    async fn redis_probe_without_password_only_pings() {
        let (port, received) = fake_redis(|_| "+PONG\r\n").await;
        let password = Secret::new("");
        probe(&endpoint(Engine::Redis, port, &password))
            .await
            .expect("ready");
        let commands = received.await.expect("the server saw the probe");
        assert_eq!(commands, [vec!["PING".to_owned()]]);
    }

    #[tokio::test]
    async fn redis_wrong_password_is_refused() {
        let (port, _) =
            fake_redis(|_| "-WRONGPASS invalid username-password pair or user is disabled.\r\n")
                .await;
        let password = Secret::new(PASSWORD);
        let error = probe(&endpoint(Engine::Redis, port, &password))
            .await
            .expect_err("wrong password");
        assert!(matches!(error, ProbeError::Refused(_)), "{error:?}");
        assert!(message(&error).contains("WRONGPASS"), "{error}");
    }

    #[tokio::test]
    async fn redis_missing_password_is_refused() {
        let (port, _) = fake_redis(|_| "-NOAUTH Authentication required.\r\n").await;
        let password = Secret::new("");
        let error = probe(&endpoint(Engine::Redis, port, &password))
            .await
            .expect_err("no password");
        assert!(matches!(error, ProbeError::Refused(_)), "{error:?}");
    }

    #[tokio::test]
    async fn redis_loading_its_dataset_is_not_ready() {
        let (port, _) = fake_redis(|command| match command[0].as_str() {
            "AUTH" => "+OK\r\n",
            _ => "-LOADING Redis is loading the dataset in memory\r\n",
        })
        .await;
        let password = Secret::new(PASSWORD);
        let error = probe(&endpoint(Engine::Redis, port, &password))
            .await
            .expect_err("loading");
        assert!(matches!(error, ProbeError::NotReady(_)), "{error:?}");
    }

    #[tokio::test]
    async fn redis_error_echoing_the_password_is_redacted() {
        let (port, _) = fake_redis(|_| {
            "-ERR unknown command 'AUTH', with args beginning with: 's3cret-Pw' \r\n"
        })
        .await;
        let password = Secret::new(PASSWORD);
        let error = probe(&endpoint(Engine::Redis, port, &password))
            .await
            .expect_err("unknown command");
        assert!(matches!(error, ProbeError::Refused(_)), "{error:?}");
        assert!(!message(&error).contains(PASSWORD), "{error}");
        assert!(message(&error).contains(REDACTED), "{error}");
    }

    #[tokio::test]
    async fn redis_closed_connection_is_not_ready() {
        // What Docker's proxy does while the server inside does not listen yet.
        let port = fake_server(|stream| async move { drop(stream) }).await;
        let password = Secret::new(PASSWORD);
        let error = probe(&endpoint(Engine::Redis, port, &password))
            .await
            .expect_err("closed");
        assert!(matches!(error, ProbeError::NotReady(_)), "{error:?}");
    }

    #[tokio::test]
    async fn a_server_that_does_not_speak_resp_is_refused() {
        let port = fake_server(|mut stream| async move {
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
        })
        .await;
        let password = Secret::new(PASSWORD);
        let error = probe(&endpoint(Engine::Redis, port, &password))
            .await
            .expect_err("not Redis");
        assert!(matches!(error, ProbeError::Refused(_)), "{error:?}");
    }

    #[test]
    fn resp_commands_are_arrays_of_bulk_strings() {
        assert_eq!(
            resp_command(&[b"AUTH", b"p w"]),
            b"*2\r\n$4\r\nAUTH\r\n$3\r\np w\r\n"
        );
    }
}
