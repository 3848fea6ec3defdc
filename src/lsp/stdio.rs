//! Standard input and output without tokio's blocking pool. tokio's `stdin()`/`stdout()` hand
//! every read and write to the pool and wait for it to come back: two thread hand-offs per
//! message each way, which a profile of edit-then-hover showed as most of its time (the kernel
//! waking threads). Here one thread reads stdin in large chunks and passes them on (one hand-off
//! per chunk), and answers are written on the server's thread as they are made. The reader
//! never stops reading, so a client blocked writing to us while we write to it cannot deadlock
//! the two.

use std::io::{Read, Write};
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::mpsc;

/// The read side: chunks from the reader thread.
pub struct Input {
    chunks: mpsc::UnboundedReceiver<Vec<u8>>,
    chunk: Vec<u8>,
    at: usize,
}

/// Reads `source` on a thread of its own until it ends or fails.
pub fn input(mut source: impl Read + Send + 'static) -> Input {
    let (tx, rx) = mpsc::unbounded_channel();
    let spawned = std::thread::Builder::new()
        .name("gonotes-stdin".into())
        .spawn(move || {
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                match source.read(&mut buf) {
                    Ok(0) => return,
                    Ok(n) => {
                        if tx.send(buf[..n].to_vec()).is_err() {
                            return;
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => return,
                }
            }
        });
    if let Err(e) = spawned {
        tracing::error!("cannot start the stdin reader: {e}");
    }
    Input {
        chunks: rx,
        chunk: Vec::new(),
        at: 0,
    }
}

impl AsyncRead for Input {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        out: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        while self.at == self.chunk.len() {
            match self.chunks.poll_recv(cx) {
                Poll::Ready(Some(c)) => {
                    self.chunk = c;
                    self.at = 0;
                }
                Poll::Ready(None) => return Poll::Ready(Ok(())), // the end
                Poll::Pending => return Poll::Pending,
            }
        }
        let n = out.remaining().min(self.chunk.len() - self.at);
        let at = self.at;
        out.put_slice(&self.chunk[at..at + n]);
        self.at += n;
        Poll::Ready(Ok(()))
    }
}

/// The write side: written at once, on the server's own thread. A response is a few kilobytes
/// into a pipe, which takes it without waiting while the client reads; handing it to another
/// thread cost a wake-up per message. (The reader thread keeps reading meanwhile, so a client
/// blocked writing to us is never what stops us.)
pub struct Output<W> {
    sink: W,
}

pub fn output<W: Write>(sink: W) -> Output<W> {
    Output { sink }
}

impl<W: Write + Unpin> AsyncWrite for Output<W> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Poll::Ready(self.sink.write(buf))
    }

    fn poll_flush(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(self.sink.flush())
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(self.sink.flush())
    }
}
