//! Standard input and output on threads of their own. tokio's `stdin()`/`stdout()` hand every
//! read and write to its blocking pool and wait for it to come back: two thread hand-offs per
//! message each way, which a profile of edit-then-hover showed as most of its time (the
//! kernel waking threads). Here one thread reads stdin in large chunks and passes them on, and
//! one writes what the server sends: one hand-off per chunk, and the server never waits for a
//! write. The reader never stops reading, so a client blocked writing to us while we write to
//! it cannot deadlock the two.

use std::io::{Read, Write};
use std::pin::Pin;
use std::sync::mpsc as std_mpsc;
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
        eprintln!("gonotes: cannot start the stdin reader: {e}");
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

/// The write side: bytes for the writer thread.
pub struct Output {
    bytes: std_mpsc::Sender<Vec<u8>>,
}

/// Writes to `sink` on a thread of its own, flushing after each burst; the thread ends when
/// the `Output` is dropped and all it was given is written.
pub fn output(
    mut sink: impl Write + Send + 'static,
) -> (Output, Option<std::thread::JoinHandle<()>>) {
    let (tx, rx) = std_mpsc::channel::<Vec<u8>>();
    let spawned = std::thread::Builder::new()
        .name("gonotes-stdout".into())
        .spawn(move || {
            while let Ok(first) = rx.recv() {
                if sink.write_all(&first).is_err() {
                    return;
                }
                // whatever else is already queued goes out before the flush
                while let Ok(more) = rx.try_recv() {
                    if sink.write_all(&more).is_err() {
                        return;
                    }
                }
                if sink.flush().is_err() {
                    return;
                }
            }
        });
    let handle = match spawned {
        Ok(h) => Some(h),
        Err(e) => {
            eprintln!("gonotes: cannot start the stdout writer: {e}");
            None
        }
    };
    (Output { bytes: tx }, handle)
}

impl AsyncWrite for Output {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match self.bytes.send(buf.to_vec()) {
            Ok(()) => Poll::Ready(Ok(buf.len())),
            Err(_) => Poll::Ready(Err(std::io::ErrorKind::BrokenPipe.into())),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(())) // the writer thread flushes after each burst
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}
