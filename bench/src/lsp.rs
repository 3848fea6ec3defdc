//! What the benchmark needs of a language server process beyond the shared test client
//! (`gonotes-testkit`): its memory figures from `/proc`, and a bounded close.

use std::time::Duration;

use gonotes_testkit::Client;

/// A field of `/proc/PID/status` in KiB (`VmHWM:`, `VmRSS:`).
pub fn proc_status_kib(pid: u32, field: &str) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = s.lines().find(|l| l.starts_with(field))?;
    line[field.len()..].split_whitespace().next()?.parse().ok()
}

/// `VmHWM` (peak resident set) of the server process, in KiB.
pub fn peak_rss_kib(c: &Client) -> Option<u64> {
    proc_status_kib(c.pid(), "VmHWM:")
}

/// `shutdown` and `exit`, then the process is waited for (killed after `timeout`).
pub fn close(mut c: Client, timeout: Duration) {
    if c.shutdown_and_exit(timeout).is_err() {
        c.kill();
    }
}
