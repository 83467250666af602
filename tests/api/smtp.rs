//! A small SMTP server for the tests: it speaks real SMTP over a socket, keeps what it
//! accepts, and can be told to refuse (an outage) or to stall before accepting (so the
//! sender can be killed mid-delivery).

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::{TcpListener, TcpStream},
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Accept,
    /// Answers `421` to every connection, as a server that is down for maintenance.
    Refuse,
    /// Takes the whole message, then never answers; drops it when the sender goes away.
    Stall,
}

#[derive(Default)]
struct State {
    messages: Vec<String>,
    mode: Option<Mode>,
    stalled: usize,
}

pub struct SmtpServer {
    pub addr: SocketAddr,
    state: Arc<Mutex<State>>,
}

impl SmtpServer {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind smtp");
        let addr = listener.local_addr().expect("addr");
        let state = Arc::new(Mutex::new(State { mode: Some(Mode::Accept), ..State::default() }));
        let shared = state.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(session(stream, shared.clone()));
            }
        });
        Self { addr, state }
    }

    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    pub fn set_mode(&self, mode: Mode) {
        self.state.lock().expect("lock").mode = Some(mode);
    }

    pub fn messages(&self) -> Vec<String> {
        self.state.lock().expect("lock").messages.clone()
    }

    pub fn stalled(&self) -> usize {
        self.state.lock().expect("lock").stalled
    }

    /// Waits until at least `count` messages have arrived; returns them all.
    pub async fn wait_for(&self, count: usize, within: Duration) -> Vec<String> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let messages = self.messages();
            if messages.len() >= count || tokio::time::Instant::now() > deadline {
                return messages;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

async fn session(stream: TcpStream, state: Arc<Mutex<State>>) {
    let mode = state.lock().expect("lock").mode.unwrap_or(Mode::Accept);
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    if mode == Mode::Refuse {
        let _ = write.write_all(b"421 test server down for maintenance\r\n").await;
        return;
    }
    let _ = write.write_all(b"220 oxcart-test ESMTP\r\n").await;
    while let Ok(Some(line)) = lines.next_line().await {
        let verb = line.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" => b"250-oxcart-test\r\n250 8BITMIME\r\n",
            "HELO" | "MAIL" | "RCPT" | "RSET" | "NOOP" => b"250 OK\r\n",
            "QUIT" => {
                let _ = write.write_all(b"221 bye\r\n").await;
                return;
            }
            "DATA" => {
                let _ = write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await;
                let mut message = String::new();
                while let Ok(Some(data)) = lines.next_line().await {
                    if data == "." {
                        break;
                    }
                    message.push_str(data.strip_prefix('.').unwrap_or(&data));
                    message.push('\n');
                }
                if state.lock().expect("lock").mode == Some(Mode::Stall) {
                    state.lock().expect("lock").stalled += 1;
                    // Hold the reply until the sender gives up or dies; the message is lost.
                    while let Ok(Some(_)) = lines.next_line().await {}
                    return;
                }
                state.lock().expect("lock").messages.push(message);
                b"250 queued\r\n"
            }
            _ => b"500 unknown command\r\n",
        };
        if write.write_all(reply).await.is_err() {
            return;
        }
    }
}
