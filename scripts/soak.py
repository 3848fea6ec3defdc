#!/usr/bin/env python3
"""Soak test for `gonotes lsp` (issue 6, item 5). Python 3.11, standard library only.

Drives the release binary (`target/release/gonotes lsp`, or `$GONOTES_SERVER`) over stdio with a
long, seeded mix of client messages, pipelined in batches:

  hovers, completions, completionItem/resolve, workspace/symbol, code actions, gonotes/notesAt,
  the gonotes.openNote command (answered with window/showDocument), incremental didChange edits of
  Go documents (Chinese, emoji, CRLF; several changes per message), didOpen/didChange/didClose of
  note buffers, and $/cancelRequest for some requests,

while notes in a temporary folder are rewritten (in place or by rename), created (also in
brand-new subfolders), renamed and deleted, folders too, without telling the server: it watches
the folder itself. Each batch waits for all of its answers before the next is sent; now and then
a 30-60 ms pause between batches lets the indexer (which waits for 40 ms without changes) publish
a new index while the next batch is being served. The Go documents and note buffers keep their
sizes within a band, so the workload after warm-up is the workload at the end.

gonotes.openNote goes anywhere in a batch: the server asks the editor to show the note from a
task of its own, so the answer may queue behind any number of messages (`--execute-last` puts
it last in its batch instead).

Checks (one line each, then exactly `N passed, M failed`; the exit status is 1 if any failed):

  answered      every request got exactly one response (a result or an error), and no response
                came for an id never sent; the whole mix was sent within the time budget
  no-panic      no error response looks like a panic (-32603 from the server's panic guard, or
                "panicked" in the message), and the server's stderr has no "panicked"
  errors        the only error responses are -32800 (request cancelled) to cancelled requests
  memory        the peak VmRSS over the last 10% of the mix (and after settling) is within 10%
                of the peak VmRSS over the 10% that follows warm-up (warm-up = the first 10% of
                the mix); the single readings at those two points are reported too
  final-hovers  after the run settles (note buffers closed, no index for 1 s), hovers at fixed
                positions of every Go document (every 2nd UTF-16 column of every line and the
                middle of every identifier, of the final text) equal, after normalising the
                built-in notes' cache folder, those of a fresh server started on the final notes
                and opened with the same final text; mismatches are asked again after 2 s to tell
                stale from late
  exit          `shutdown` is answered and `exit` ends the process with status 0

Usage:
  python3 scripts/soak.py            # full form: 100,000 messages
  python3 scripts/soak.py --short    # ~5,000 messages, well under a minute (for CI)
  python3 scripts/soak.py -n 20000 --seed 7 --keep
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------------------------------------
# A JSON-RPC client over the server's stdio
# ---------------------------------------------------------------------------------------------


def frame(msg: dict) -> bytes:
    body = json.dumps(msg, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class Server:
    """`gonotes lsp` as a child process: a reader thread parses its stdout (answering the
    server's own requests the way an editor would), a writer thread feeds its stdin."""

    def __init__(self, binary: str, cache: Path, stderr_path: Path, tag: str):
        env = dict(os.environ)
        env["XDG_CACHE_HOME"] = str(cache)
        env.setdefault("GONOTES_LOG", "info")
        self.tag = tag
        self.cache = cache
        self.stderr_path = stderr_path
        self._stderr = open(stderr_path, "wb")
        self.proc = subprocess.Popen(
            [binary, "lsp"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=env,
            bufsize=0,
        )
        self.pid = self.proc.pid
        self.next_id = 0
        self.cv = threading.Condition()
        # id -> number of responses; id -> first response summary
        self.count: dict[object, int] = collections.Counter()
        self.first: dict[object, tuple] = {}
        self.keep: set = set()  # ids whose full result is kept
        self.results: dict[object, object] = {}
        self.unknown: list = []  # responses to ids never sent
        self.sent_ids: set = set()
        self.eof = False
        self.read_error: str | None = None
        self.status_times: list[float] = []
        self.last_status: dict | None = None
        self.notifications = collections.Counter()
        self.server_requests = collections.Counter()
        # writer
        self._wcv = threading.Condition()
        self._out: collections.deque[bytes] = collections.deque()
        self._replies: collections.deque[bytes] = collections.deque()
        self._closing = False
        self.write_failed = False
        self._reader = threading.Thread(target=self._read_loop, name=f"{tag}-reader", daemon=True)
        self._writer = threading.Thread(target=self._write_loop, name=f"{tag}-writer", daemon=True)
        self._reader.start()
        self._writer.start()

    # -- writing --------------------------------------------------------------------------
    def _write_loop(self) -> None:
        stdin = self.proc.stdin
        while True:
            with self._wcv:
                while not self._out and not self._replies and not self._closing:
                    self._wcv.wait()
                if not self._out and not self._replies and self._closing:
                    break
                # answers to the server's requests go first: it may be waiting on them
                chunks = list(self._replies)
                self._replies.clear()
                n = 0
                while self._out and n < 64:
                    chunks.append(self._out.popleft())
                    n += 1
            try:
                stdin.write(b"".join(chunks))
                stdin.flush()
            except (BrokenPipeError, OSError, ValueError):
                self.write_failed = True
                with self._wcv:
                    self._out.clear()
                    self._replies.clear()
                break
        try:
            stdin.close()
        except OSError:
            pass

    def _put(self, data: bytes, reply: bool = False) -> None:
        with self._wcv:
            (self._replies if reply else self._out).append(data)
            self._wcv.notify()

    def close_stdin(self) -> None:
        with self._wcv:
            self._closing = True
            self._wcv.notify()

    def notify(self, method: str, params) -> None:
        self._put(frame({"jsonrpc": "2.0", "method": method, "params": params}))

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def request(self, method: str, params, keep: bool = False, rid: int | None = None) -> int:
        rid = self.new_id() if rid is None else rid
        with self.cv:
            self.sent_ids.add(rid)
            if keep:
                self.keep.add(rid)
        self._put(frame({"jsonrpc": "2.0", "id": rid, "method": method, "params": params}))
        return rid

    # -- reading --------------------------------------------------------------------------
    def _read_loop(self) -> None:
        f = self.proc.stdout
        try:
            while True:
                length = None
                while True:
                    line = f.readline()
                    if not line:
                        raise EOFError
                    s = line.strip()
                    if not s:
                        if length is not None:
                            break
                        continue
                    if s.lower().startswith(b"content-length:"):
                        length = int(s.split(b":", 1)[1].strip())
                body = b""
                while len(body) < length:
                    chunk = f.read(length - len(body))
                    if not chunk:
                        raise EOFError
                    body += chunk
                self._dispatch(json.loads(body))
        except EOFError:
            pass
        except Exception as e:  # noqa: BLE001 - a broken frame is a finding, not a crash
            self.read_error = f"{type(e).__name__}: {e}"
        with self.cv:
            self.eof = True
            self.cv.notify_all()

    def _dispatch(self, msg: dict) -> None:
        method = msg.get("method")
        if method is not None and "id" in msg:
            self.server_requests[method] += 1
            if method == "workspace/configuration":
                items = (msg.get("params") or {}).get("items") or [None]
                result = [None] * len(items)
            elif method == "window/showDocument":
                result = {"success": True}
            else:
                result = None
            self._put(frame({"jsonrpc": "2.0", "id": msg["id"], "result": result}), reply=True)
            return
        if method is not None:
            self.notifications[method] += 1
            if method == "gonotes/status":
                with self.cv:
                    self.status_times.append(time.monotonic())
                    self.last_status = msg.get("params")
                    self.cv.notify_all()
            return
        rid = msg.get("id")
        with self.cv:
            if rid not in self.sent_ids:
                self.unknown.append(msg)
            else:
                self.count[rid] += 1
                if rid not in self.first:
                    err = msg.get("error")
                    if err is not None:
                        self.first[rid] = ("error", err.get("code"), str(err.get("message", ""))[:300])
                    else:
                        self.first[rid] = ("result",)
                    if rid in self.keep:
                        self.results[rid] = msg.get("result") if err is None else {"error": err}
            self.cv.notify_all()

    def wait_for(self, ids, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self.cv:
            while True:
                if all(self.count[i] > 0 for i in ids):
                    return True
                left = deadline - time.monotonic()
                if left <= 0 or self.eof:
                    return False
                self.cv.wait(min(left, 0.5))

    def wait_ready(self, after: float, timeout: float) -> bool:
        """Waits for a `gonotes/status` "ready" sent after the time `after`."""
        deadline = time.monotonic() + timeout
        with self.cv:
            while True:
                if self.status_times and self.status_times[-1] > after and (self.last_status or {}).get("state") == "ready":
                    return True
                left = deadline - time.monotonic()
                if left <= 0 or self.eof:
                    return False
                self.cv.wait(min(left, 0.5))

    def wait_quiet(self, quiet: float, timeout: float, since: float) -> bool:
        """Waits until no status notification has come for `quiet` seconds (and `quiet` has
        passed since `since`)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.cv:
                last = max([since] + self.status_times[-1:])
                indexing = (self.last_status or {}).get("state") == "indexing"
            if not indexing and time.monotonic() - last >= quiet:
                return True
            time.sleep(0.05)
        return False

    def call(self, method: str, params=None, timeout: float = 20.0):
        rid = self.request(method, params, keep=True)
        if not self.wait_for([rid], timeout):
            raise TimeoutError(f"{self.tag}: no answer to {method} within {timeout}s")
        with self.cv:
            return self.results.get(rid)

    def rss(self) -> tuple[int, int]:
        """(VmRSS, VmHWM) in KiB, or (0, 0) when the process is gone."""
        try:
            with open(f"/proc/{self.pid}/status") as f:
                text = f.read()
        except OSError:
            return (0, 0)
        vals = {}
        for line in text.splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                k, v = line.split(":", 1)
                vals[k] = int(v.split()[0])
        return (vals.get("VmRSS", 0), vals.get("VmHWM", 0))

    def stderr_text(self) -> str:
        try:
            self._stderr.flush()
        except ValueError:
            pass
        try:
            return self.stderr_path.read_text(errors="replace")
        except OSError:
            return ""

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        self.close_stdin()
        try:
            self._stderr.close()
        except OSError:
            pass


# ---------------------------------------------------------------------------------------------
# Text with LSP positions (UTF-16 columns; lines end at \n or \r\n)
# ---------------------------------------------------------------------------------------------

LINE_END = re.compile(r"\r\n|\n|\r")


def u16(s: str) -> int:
    return len(s) + sum(1 for c in s if ord(c) > 0xFFFF)


class Doc:
    """A client-side model of an open document: the text the server should have."""

    def __init__(self, uri: str, lang: str, text: str):
        self.uri = uri
        self.lang = lang
        self.text = text
        self.version = 1
        self.base = len(text)
        self._starts: list[int] | None = None

    def starts(self) -> list[int]:
        if self._starts is None:
            self._starts = [0] + [m.end() for m in LINE_END.finditer(self.text)]
        return self._starts

    def line_count(self) -> int:
        return len(self.starts())

    def line_content(self, line: int) -> tuple[int, int]:
        """(start, end) str indices of a line's content, without its line end."""
        st = self.starts()
        s = st[line]
        e = st[line + 1] if line + 1 < len(st) else len(self.text)
        while e > s and self.text[e - 1] in "\r\n":
            e -= 1
        return s, e

    def snap(self, i: int) -> int:
        """An index that is a valid position: never between \\r and \\n."""
        i = max(0, min(i, len(self.text)))
        if 0 < i < len(self.text) and self.text[i - 1] == "\r" and self.text[i] == "\n":
            i -= 1
        return i

    def pos(self, i: int) -> dict:
        st = self.starts()
        lo, hi = 0, len(st) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if st[mid] <= i:
                lo = mid
            else:
                hi = mid - 1
        return {"line": lo, "character": u16(self.text[st[lo]:i])}

    def apply(self, s: int, e: int, new: str) -> dict:
        """Replaces text[s:e] and returns the LSP change for it (positions before the edit)."""
        s, e = self.snap(s), self.snap(e)
        if e < s:
            s, e = e, s
        change = {"range": {"start": self.pos(s), "end": self.pos(e)}, "text": new}
        self.text = self.text[:s] + new + self.text[e:]
        self._starts = None
        return change

    def replace_all(self, new: str) -> dict:
        self.text = new
        self._starts = None
        return {"text": new}


# ---------------------------------------------------------------------------------------------
# Generated material: notes and Go documents
# ---------------------------------------------------------------------------------------------

# (key, heading, Chinese description, Go snippet)
TOPICS = [
    ("sync.Once", "sync.Once 只执行一次", "保证函数只执行一次，常用来做单例初始化", 'var once sync.Once\nonce.Do(func() { fmt.Println("初始化") })'),
    ("sync.WaitGroup", "sync.WaitGroup 等待组", "等待一组 goroutine 结束，Add 要在 go 之前调用", "var wg sync.WaitGroup\nwg.Add(1)\ngo func() { defer wg.Done() }()\nwg.Wait()"),
    ("sync.Mutex", "互斥锁 sync.Mutex", "同一时刻只有一个 goroutine 能进入临界区", "mu.Lock()\ndefer mu.Unlock()"),
    ("sync.RWMutex", "读写锁 sync.RWMutex", "读多写少的时候用读写锁，读锁可以并发", "rw.RLock()\ndefer rw.RUnlock()"),
    ("strings.Builder", "strings.Builder 拼接", "拼接字符串比 + 快，零值可用", 'var b strings.Builder\nb.WriteString("你好")'),
    ("strings.Replacer", "strings.Replacer 替换", "一次替换多个子串", 'r := strings.NewReplacer("a", "b")\nfmt.Println(r.Replace("aaa"))'),
    ("bytes.Buffer", "bytes.Buffer 缓冲区", "可变长度的字节缓冲区，实现了 io.Writer", 'var buf bytes.Buffer\nbuf.WriteString("数据")'),
    ("context.WithCancel", "context.WithCancel 取消", "返回一个可以取消的子 context，记得调用 cancel", "ctx, cancel := context.WithCancel(context.Background())\ndefer cancel()"),
    ("context.Context", "context 上下文", "在 goroutine 之间传递取消信号和截止时间 ⏱️", "func work(ctx context.Context) error {\n\t<-ctx.Done()\n\treturn ctx.Err()\n}"),
    ("time.After", "time.After 超时", "返回一个在指定时间后收到值的通道，配合 select 做超时", "select {\ncase <-time.After(time.Second):\n}"),
    ("time.NewTicker", "time.NewTicker 定时器", "周期性地发送时间，用完要 Stop", "t := time.NewTicker(time.Second)\ndefer t.Stop()"),
    ("runtime.Gosched", "runtime 调度", "让出当前时间片，让其他 goroutine 运行", "runtime.Gosched()"),
    ("atomic.AddInt64", "atomic 原子操作", "原子地加一个数，不需要锁", "atomic.AddInt64(&n, 1)"),
    ("errors.New", "errors.New 错误", "创建一个只有文字的错误值", 'err := errors.New("出错了")'),
    ("errors.Is", "errors.Is 判断错误链", "沿着 Unwrap 链比较错误", "if errors.Is(err, io.EOF) {\n\treturn nil\n}"),
    ("fmt.Errorf", "fmt.Errorf 包装错误", "用 %w 包装一个错误，保留错误链", 'return fmt.Errorf("读取失败: %w", err)'),
    ("select", "select 多路复用", "同时等待多个通道操作，哪个先就绪执行哪个", "select {\ncase v := <-ch:\n\t_ = v\ndefault:\n}"),
    ("defer", "defer 延迟调用", "函数返回前按后进先出的顺序执行", "for i := 0; i < 3; i++ {\n\tdefer fmt.Println(i)\n}"),
    ("chan", "channel 通道", "goroutine 之间传递数据的管道，关闭后仍可读", "ch := make(chan int, 3)\nclose(ch)"),
    ("go", "goroutine 协程", "用 go 关键字启动一个轻量级线程", "go func() {\n\tfmt.Println(\"并发\")\n}()"),
    ("make", "make 内建函数", "创建切片、映射和通道并初始化", "m := make(map[string]int)"),
    ("append", "append 追加", "向切片追加元素，容量不够时重新分配", "s = append(s, 1, 2, 3)"),
    ("json.Marshal", "json.Marshal 序列化", "把值编码成 JSON，字段要导出才会输出", "data, err := json.Marshal(v)"),
    ("os.ReadFile", "os.ReadFile 读文件", "一次读出整个文件", 'data, err := os.ReadFile("笔记.md")'),
    ("io.Copy", "io.Copy 复制", "从 Reader 复制到 Writer 直到 EOF", "n, err := io.Copy(dst, src)"),
    ("sort.Slice", "sort.Slice 排序", "用比较函数给切片排序，不稳定", "sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })"),
    ("strconv.Itoa", "strconv.Itoa 数字转字符串", "把 int 转成十进制字符串", "s := strconv.Itoa(42)"),
    ("time.Sleep", "time.Sleep 睡眠", "暂停当前 goroutine 至少指定的时间", "time.Sleep(100 * time.Millisecond)"),
]

FILLER = [
    "这一段是复习时写的。",
    "注意不要在循环里忘记释放资源。",
    "面试里经常会问到这个问题 🤔。",
    "官方文档写得更详细，这里只记重点。",
    "和 Java 的做法不太一样 ☕。",
    "性能测试的结果见下面的表格 📈。",
    "踩过的坑：零值可以直接使用。",
    "写法很简单，但是语义要想清楚 🧠。",
]

EMOJI = ["🎉", "😀", "🚀", "🔥", "✅", "🧵", "👍🏽", "🇨🇳", "🐹", "🌏"]

CHINESE_WORDS = ["互斥", "通道", "协程", "等待组", "延迟", "超时", "原子", "读写锁", "上下文", "错误"]
SYMBOL_QUERIES = ["sync", "once", "gosched", "select", "defer", "waitgroup", "mutex", "builder", "context", "json", "", "x", "🎉", "Sync.O", "time"]


def note_text(rng: random.Random, name: str, gen: int) -> str:
    picks = rng.sample(TOPICS, rng.randint(2, 5))
    out = []
    if rng.random() < 0.2:
        out.append("---\nkeys: [%s]\n---\n" % picks[0][0])
    out.append(f"# {name} 学习笔记 {rng.choice(EMOJI)}\n\n{rng.choice(FILLER)}\n")
    for key, heading, desc, snippet in picks:
        level = rng.choice(["##", "##", "###"])
        if rng.random() < 0.1:
            out.append(f"{level} {heading} <!-- keys: {key} -->\n")
        else:
            out.append(f"{level} {heading}\n")
        out.append(f"\n{desc}（{name} 第 {gen} 版）{rng.choice(EMOJI)}。{rng.choice(FILLER)}\n")
        if "." in key and rng.random() < 0.4:
            out.append(f"\n1. {key}() {desc}，第 {gen} 版\n2. 其他：{rng.choice(FILLER)}\n")
        if rng.random() < 0.8:
            out.append(f"\n```go\n{snippet}\n```\n")
        if rng.random() < 0.1:
            out.append("\n> 引用：" + rng.choice(FILLER) + "\n")
    return "\n".join(out)


GO_DOCS = [
    """package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	rt "runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// 说明：这个文件用来测试悬停 🎉
type server struct {
	mu    sync.Mutex
	once  sync.Once
	wg    sync.WaitGroup
	count int64
}

func (s *server) run(ctx context.Context) error {
	defer s.wg.Done()
	s.once.Do(func() { fmt.Println("初始化 ✅") })
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := make(chan int, 3)
	go func() { ch <- 1 }()
	select {
	case v := <-ch:
		atomic.AddInt64(&s.count, int64(v))
	case <-time.After(time.Second):
		return errors.New("超时 ⏰")
	case <-ctx.Done():
		return ctx.Err()
	}
	rt.Gosched()
	var b strings.Builder
	b.WriteString("你好，世界 🌏")
	var buf bytes.Buffer
	buf.WriteString(b.String())
	return nil
}
""",
    """package store

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"sync"
)

// 存储：读写锁保护的映射 🔒
type Store struct {
	rw   sync.RWMutex
	data map[string]int
}

func (s *Store) Get(k string) (int, bool) {
	s.rw.RLock()
	defer s.rw.RUnlock()
	v, ok := s.data[k]
	return v, ok
}

func (s *Store) Dump(w io.Writer) error {
	keys := make([]string, 0, len(s.data))
	for k := range s.data {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	data, err := json.Marshal(keys)
	if err != nil {
		return fmt.Errorf("编码失败: %w", err)
	}
	_, err = w.Write(data)
	return err
}

func Load(path string) (*Store, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s := &Store{data: map[string]int{"长度": len(raw)}}
	fmt.Println("读到", strconv.Itoa(len(raw)), "字节 📄")
	return s, nil
}
""",
    "package worker\r\n\r\nimport (\r\n\t\"context\"\r\n\t\"errors\"\r\n\t\"io\"\r\n\t\"sync\"\r\n\t\"time\"\r\n)\r\n\r\n"
    "// 工作池：CRLF 行尾 🧵\r\nfunc Pool(ctx context.Context, n int) error {\r\n\tvar wg sync.WaitGroup\r\n"
    "\tctx, cancel := context.WithCancel(ctx)\r\n\tdefer cancel()\r\n\tt := time.NewTicker(time.Millisecond)\r\n"
    "\tdefer t.Stop()\r\n\tfor i := 0; i < n; i++ {\r\n\t\twg.Add(1)\r\n\t\tgo func() {\r\n\t\t\tdefer wg.Done()\r\n"
    "\t\t\ttime.Sleep(time.Millisecond)\r\n\t\t}()\r\n\t}\r\n\twg.Wait()\r\n\tif errors.Is(ctx.Err(), io.EOF) {\r\n"
    "\t\treturn nil\r\n\t}\r\n\treturn nil\r\n}\r\n",
    """package main

import "sync"

var mu = &sync.Mutex{}
var once sync.Once

// 表情和中文混在一起：👍🏽🇨🇳 互斥锁
func main() {
	mu.Lock()
	defer mu.Unlock()
	once.Do(func() {})
	s := []int{}
	s = append(s, 1)
	m := make(map[string]int)
	_ = m
	for i := 0; i < 3; i++ {
		defer println(i)
	}
}
""",
]

GO_LINES = [
    "\tdefer fmt.Println(\"再见 👋\")\n",
    "\tvar wg sync.WaitGroup\n",
    "\twg.Add(1)\n",
    "\tmu.Lock()\n",
    "\tonce.Do(func() {})\n",
    "\truntime.Gosched()\n",
    "\tch := make(chan string)\n",
    "\tgo func() { ch <- \"消息\" }()\n",
    "\tselect {\n\tcase <-ch:\n\tdefault:\n\t}\n",
    "\t// 注释：不要悬停这里 sync.Once 🚫\n",
    "\tx := \"字符串里的 defer 😀\"\n",
    "\tctx, cancel := context.WithCancel(context.Background())\n",
    "\tvar b strings.Builder\r\n",
    "\tatomic.AddInt64(&n, 1) // 原子 ✅\n",
    "\ts = append(s, 42)\n",
]

GO_FRAGMENTS = ["sync.", "Once", "defer ", "go ", "<-", "{", "}", "(", "\"", "中文", "😀", "🇨🇳", "x", "\n", "\r\n", "\t", "wg.", "time.Aft", "`json:\"a\"`", ""]

MD_FRAGMENTS = [
    "## sync.Once 缓冲区里的新标题\n\n未保存的说明 📝。\n",
    "\n缓冲区里加了一句中文 🎯。\n",
    "```go\nonce.Do(f)\n```\n",
    "### select 多路复用\n",
    "😀",
    "互斥锁",
    "# ",
    "```\n",
    "",
]


def path_to_uri(p: Path) -> str:
    return "file://" + urllib.parse.quote(str(p))


# ---------------------------------------------------------------------------------------------
# The soak run
# ---------------------------------------------------------------------------------------------

WEIGHTS = [
    ("hover", 36),
    ("completion", 10),
    ("resolve", 2),
    ("symbol", 6),
    ("codeAction", 6),
    ("notesAt", 3),
    ("execute", 0.3),
    ("editGo", 22),
    ("editNote", 4),
    ("openNote", 1.2),
    ("closeNote", 1.0),
    ("cancel", 5),
    ("cancelStale", 0.5),
]


class Soak:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.tmp = Path(tempfile.mkdtemp(prefix="gonotes-soak-"))
        self.notes_dir = self.tmp / "notes"
        self.ws = self.tmp / "ws"
        self.notes_dir.mkdir()
        self.ws.mkdir()
        self.notes: dict[str, int] = {}  # relative path -> generation
        self.note_serial = 0
        self.subdir_serial = 0
        self.go_docs: list[Doc] = []
        self.open_notes: dict[str, Doc] = {}
        self.cancelled: set[int] = set()
        self.methods: dict[int, str] = {}
        self.counts = collections.Counter()
        self.disk_ops = collections.Counter()
        self.last_disk = 0.0
        self.rss_samples: list[tuple[int, int]] = []  # (messages done, VmRSS KiB)
        self.done_msgs = 0
        self.sampling = False
        self.batch_times: list[float] = []
        self.failures: dict[str, list[str]] = collections.defaultdict(list)
        self.info: list[str] = []
        self.servers: list[Server] = []
        # every wait is cut short by this: the run ends in bounded time even when the server hangs
        self.hard_end = time.monotonic() + args.budget + (15 if args.short else 600)

    def left(self, t: float) -> float:
        return max(0.5, min(t, self.hard_end - time.monotonic()))

    # -- setup -----------------------------------------------------------------------------
    def new_note_name(self, subdir: str | None = None) -> str:
        self.note_serial += 1
        base = self.rng.choice(["并发", "notes", "sync", "错误处理", "misc", "channel-笔记", "标准库"])
        name = f"{base}-{self.note_serial}.md"
        return f"{subdir}/{name}" if subdir else name

    def write_note(self, rel: str, atomic: bool) -> None:
        gen = self.notes.get(rel, 0) + 1
        path = self.notes_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        text = note_text(self.rng, Path(rel).stem, gen)
        if atomic:
            tmp = path.with_name(path.name + ".tmp~")
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, path)
        else:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        self.notes[rel] = gen

    def setup(self) -> None:
        for i in range(self.args.notes):
            sub = None
            if i % 5 == 4:
                sub = self.rng.choice(["基础", "concurrency", "std/lib"])
            self.write_note(self.new_note_name(sub), atomic=False)
        for i, text in enumerate(GO_DOCS):
            uri = path_to_uri(self.ws / f"doc{i}_文件.go" if i == 1 else self.ws / f"doc{i}.go")
            self.go_docs.append(Doc(uri, "go", text))

    def config(self) -> dict:
        return {"notes": {"paths": [str(self.notes_dir)], "builtin": True}}

    def start_server(self, tag: str) -> Server:
        cache = self.tmp / f"cache-{tag}"
        cache.mkdir(exist_ok=True)
        srv = Server(self.args.server, cache, self.tmp / f"stderr-{tag}.log", tag)
        self.servers.append(srv)
        t0 = time.monotonic()
        params = {
            "processId": os.getpid(),
            "rootUri": path_to_uri(self.ws),
            "workspaceFolders": [{"uri": path_to_uri(self.ws), "name": "ws"}],
            "initializationOptions": self.config(),
            "capabilities": {
                "general": {"positionEncodings": ["utf-16"]},
                "workspace": {"configuration": True, "didChangeConfiguration": {"dynamicRegistration": False}},
                "window": {"workDoneProgress": True, "showDocument": {"support": True}},
                "textDocument": {"hover": {"contentFormat": ["markdown", "plaintext"]}},
            },
        }
        res = srv.call("initialize", params, timeout=self.left(20))
        if not isinstance(res, dict) or "capabilities" not in res:
            raise RuntimeError(f"{tag}: initialize failed: {res!r}")
        srv.notify("initialized", {})
        if not srv.wait_ready(t0, self.left(30)):
            raise RuntimeError(f"{tag}: the index was not ready within 30 s")
        srv.wait_quiet(0.3, self.left(10), time.monotonic())
        return srv

    # -- message generators ----------------------------------------------------------------
    def symbol_index(self, doc: Doc) -> int:
        r = self.rng.random()
        text = doc.text
        if r < 0.8 and text:
            # somewhere inside an identifier, selector, keyword or arrow
            for _ in range(4):
                i = self.rng.randrange(len(text))
                m = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|<-").search(text, i)
                if m:
                    return self.rng.randrange(m.start(), m.end() + 1)
            return self.rng.randrange(len(text) + 1)
        return self.rng.randrange(len(text) + 1)

    def position(self, doc: Doc) -> dict:
        if self.rng.random() < 0.04:
            # past the end of a line or of the document: the server clamps
            return {"line": self.rng.randrange(doc.line_count() + 3), "character": self.rng.choice([200, 10**6, 2**31 - 1])}
        return doc.pos(doc.snap(self.symbol_index(doc)))

    def any_doc(self) -> Doc:
        return self.rng.choice(self.go_docs)

    def td_pos(self, doc: Doc | None = None) -> dict:
        r = self.rng.random()
        if doc is None and r < 0.03:
            # not open, or a note buffer: null
            uri = path_to_uri(self.ws / "not-open.go") if r < 0.015 else self.rng.choice(list(self.open_notes) or [path_to_uri(self.ws / "x.go")])
            return {"textDocument": {"uri": uri}, "position": {"line": 3, "character": 4}}
        doc = doc or self.any_doc()
        return {"textDocument": {"uri": doc.uri}, "position": self.position(doc)}

    def go_change(self, doc: Doc) -> dict:
        """One edit. The document's size walks around its template's (between 0.75 and 1.5
        times), so the workload is the same at the end as after warm-up."""
        n = len(doc.text)
        base = len(GO_DOCS[self.go_docs.index(doc)])
        big, small = n > base * 1.5, n < base * 0.75
        r = self.rng.random()
        if r < 0.004:
            return doc.replace_all(GO_DOCS[self.go_docs.index(doc)])
        if small or (r < 0.30 and not big):
            # a whole line at a line start
            line = self.rng.randrange(doc.line_count())
            i = doc.starts()[line]
            return doc.apply(i, i, self.rng.choice(GO_LINES))
        if big or r < 0.85:
            # delete a span (within a line, or across lines)
            s = self.rng.randrange(n + 1)
            span = self.rng.choice([1, 2, 5, 20, 80]) if not big else self.rng.randint(40, 300)
            return doc.apply(s, min(n, s + self.rng.randint(0, span)), "")
        # replace a small span with a fragment (Chinese, emoji, line ends, half a selector)
        s = self.rng.randrange(n + 1)
        frag = self.rng.choice(GO_FRAGMENTS) + self.rng.choice(["", self.rng.choice(EMOJI), self.rng.choice(CHINESE_WORDS)])
        return doc.apply(s, min(n, s + self.rng.randint(0, 6)), frag)

    def md_change(self, doc: Doc) -> dict:
        n = len(doc.text)
        if n > doc.base * 1.5 + 200 or (n > 0 and self.rng.random() < 0.45):
            s = self.rng.randrange(n + 1)
            return doc.apply(s, min(n, s + self.rng.randint(1, 60)), "")
        s = self.rng.randrange(n + 1)
        return doc.apply(s, s, self.rng.choice(MD_FRAGMENTS) + self.rng.choice(EMOJI))

    def send_request(self, srv: Server, method: str, params) -> int:
        rid = srv.request(method, params)
        self.methods[rid] = method
        return rid

    def one_message(self, srv: Server, kind: str, batch_ids: list[int]) -> None:
        rng = self.rng
        if kind == "hover":
            batch_ids.append(self.send_request(srv, "textDocument/hover", self.td_pos()))
        elif kind == "completion":
            doc = self.any_doc()
            dots = [m.end() for m in re.finditer(r"\.", doc.text)]
            if dots and rng.random() < 0.6:
                i = rng.choice(dots)
                ctx = {"triggerKind": 2, "triggerCharacter": "."}
            else:
                i = doc.snap(self.symbol_index(doc))
                ctx = {"triggerKind": 1}
            params = {"textDocument": {"uri": doc.uri}, "position": doc.pos(doc.snap(i)), "context": ctx}
            batch_ids.append(self.send_request(srv, "textDocument/completion", params))
        elif kind == "resolve":
            key, *_ = rng.choice(TOPICS)
            item = {"label": key.split(".")[-1], "data": {"key": key}}
            batch_ids.append(self.send_request(srv, "completionItem/resolve", item))
        elif kind == "symbol":
            q = rng.choice(SYMBOL_QUERIES + CHINESE_WORDS)
            batch_ids.append(self.send_request(srv, "workspace/symbol", {"query": q}))
        elif kind == "codeAction":
            tdp = self.td_pos()
            p = tdp["position"]
            params = {"textDocument": tdp["textDocument"], "range": {"start": p, "end": p}, "context": {"diagnostics": []}}
            batch_ids.append(self.send_request(srv, "textDocument/codeAction", params))
        elif kind == "notesAt":
            batch_ids.append(self.send_request(srv, "gonotes/notesAt", self.td_pos()))
        elif kind == "execute":
            rel = rng.choice(sorted(self.notes)) if self.notes else "gone.md"
            args = [path_to_uri(self.notes_dir / rel), rng.randrange(20)]
            batch_ids.append(self.send_request(srv, "workspace/executeCommand", {"command": "gonotes.openNote", "arguments": args}))
        elif kind == "editGo":
            doc = self.any_doc()
            changes = [self.go_change(doc) for _ in range(rng.choice([1, 1, 1, 2, 3]))]
            doc.version += 1
            srv.notify("textDocument/didChange", {"textDocument": {"uri": doc.uri, "version": doc.version}, "contentChanges": changes})
        elif kind == "editNote":
            if not self.open_notes:
                return self.one_message(srv, "openNote", batch_ids)
            doc = self.open_notes[rng.choice(sorted(self.open_notes))]
            changes = [self.md_change(doc) for _ in range(rng.choice([1, 1, 2]))]
            doc.version += 1
            srv.notify("textDocument/didChange", {"textDocument": {"uri": doc.uri, "version": doc.version}, "contentChanges": changes})
        elif kind == "openNote":
            if len(self.open_notes) >= 4:
                return self.one_message(srv, "closeNote", batch_ids)
            candidates = [r for r in sorted(self.notes) if path_to_uri(self.notes_dir / r) not in self.open_notes]
            if candidates and rng.random() < 0.85:
                rel = rng.choice(candidates)
                try:
                    text = (self.notes_dir / rel).read_text(encoding="utf-8")
                except OSError:
                    text = ""
            else:
                # a buffer for a note that is not on disk (yet)
                rel = self.new_note_name()
                text = note_text(rng, "未保存", 0)
            if rng.random() < 0.5:
                text += "\n## sync.Once 缓冲区 📝\n\n只在编辑器里的说明。\n"
            doc = Doc(path_to_uri(self.notes_dir / rel), "markdown", text)
            self.open_notes[doc.uri] = doc
            srv.notify("textDocument/didOpen", {"textDocument": {"uri": doc.uri, "languageId": "markdown", "version": 1, "text": text}})
        elif kind == "closeNote":
            if not self.open_notes:
                return
            uri = rng.choice(sorted(self.open_notes))
            del self.open_notes[uri]
            srv.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        elif kind == "cancel":
            # cancel one of this batch's requests (maybe already answered)
            if batch_ids:
                rid = rng.choice(batch_ids[-8:])
                self.cancelled.add(rid)
                srv.notify("$/cancelRequest", {"id": rid})
        elif kind == "cancelStale":
            # an id long answered, or one never sent
            rid = rng.choice([max(1, srv.next_id - rng.randint(300, 3000)), srv.next_id + 10**6])
            srv.notify("$/cancelRequest", {"id": rid})
        self.counts[kind] += 1

    # -- the disk --------------------------------------------------------------------------
    def disk_op(self) -> None:
        rng = self.rng
        n = len(self.notes)
        lo, hi = self.args.notes - 10, self.args.notes + 10
        r = rng.random()
        if (r < 0.55 and n > 0) and lo <= n <= hi:
            rel = rng.choice(sorted(self.notes))
            atomic = rng.random() < 0.5
            self.write_note(rel, atomic)
            self.disk_ops["rewrite-atomic" if atomic else "rewrite"] += 1
        elif (r < 0.70 and n < hi) or n < lo:
            sub = None
            q = rng.random()
            if q < 0.2:
                self.subdir_serial += 1
                sub = f"新目录-{self.subdir_serial}/深一层" if q < 0.05 else f"topic-{self.subdir_serial}"
                self.disk_ops["create-in-new-folder"] += 1
            else:
                self.disk_ops["create"] += 1
            self.write_note(self.new_note_name(sub), atomic=rng.random() < 0.3)
        elif r < 0.80 and n > 0:
            rel = rng.choice(sorted(self.notes))
            new = str(Path(rel).parent / self.new_note_name()) if "/" in rel else self.new_note_name()
            (self.notes_dir / new).parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.notes_dir / rel, self.notes_dir / new)
            self.notes[new] = self.notes.pop(rel)
            self.disk_ops["rename"] += 1
        elif n > lo:
            subs = sorted({rel.split("/")[0] for rel in self.notes if rel.startswith(("topic-", "新目录-"))})
            if subs and rng.random() < 0.15:
                sub = rng.choice(subs)
                shutil.rmtree(self.notes_dir / sub, ignore_errors=True)
                for rel in [x for x in self.notes if x.startswith(sub + "/")]:
                    del self.notes[rel]
                self.disk_ops["delete-folder"] += 1
            else:
                rel = rng.choice(sorted(self.notes))
                (self.notes_dir / rel).unlink()
                del self.notes[rel]
                self.disk_ops["delete"] += 1
        self.last_disk = time.monotonic()

    # -- memory sampling -------------------------------------------------------------------
    def sampler(self, srv: Server) -> None:
        while self.sampling:
            rss, _ = srv.rss()
            if rss:
                self.rss_samples.append((self.done_msgs, rss))
            time.sleep(0.02)

    # -- hovers over a grid, for the final comparison --------------------------------------
    def grid(self, doc: Doc) -> list[dict]:
        out = []
        for line in range(doc.line_count()):
            s, e = doc.line_content(line)
            content = doc.text[s:e]
            width = u16(content)
            for col in range(0, width + 1, 2):
                out.append({"line": line, "character": col})
            for m in re.finditer(r"[A-Za-z_][A-Za-z0-9_.]*|<-", content):
                out.append({"line": line, "character": u16(content[: (m.start() + m.end()) // 2])})
        seen, uniq = set(), []
        for p in out:
            k = (p["line"], p["character"])
            if k not in seen:
                seen.add(k)
                uniq.append(p)
        return uniq[: self.args.grid_max]

    def sweep(self, srv: Server, grids: dict[str, list[dict]]) -> dict:
        ids = {}
        for doc in self.go_docs:
            for p in grids[doc.uri]:
                rid = srv.request("textDocument/hover", {"textDocument": {"uri": doc.uri}, "position": p}, keep=True)
                ids[(doc.uri, p["line"], p["character"])] = rid
        if not srv.wait_for(list(ids.values()), self.left(60)):
            raise TimeoutError(f"{srv.tag}: the hover sweep was not answered in time")
        cache_path = str(srv.cache)
        cache_uri = path_to_uri(srv.cache)

        def norm(v):
            s = json.dumps(v, ensure_ascii=False, sort_keys=True)
            return s.replace(cache_uri, "$CACHE").replace(cache_path, "$CACHE")

        with srv.cv:
            return {k: norm(srv.results.get(rid)) for k, rid in ids.items()}

    # -- the run ---------------------------------------------------------------------------
    def run(self) -> int:
        args = self.args
        t_start = time.monotonic()
        self.setup()
        srv = self.start_server("soak")
        self.info.append(f"server pid {srv.pid}; notes folder {self.notes_dir}; {len(self.notes)} notes at start")
        for doc in self.go_docs:
            srv.notify("textDocument/didOpen", {"textDocument": {"uri": doc.uri, "languageId": "go", "version": 1, "text": doc.text}})
        kinds = [k for k, _ in WEIGHTS]
        weights = [w for _, w in WEIGHTS]
        total = args.requests
        warm_at = total // 10
        rss_warm_point = rss_end_point = None
        self.sampling = True
        sampler = threading.Thread(target=self.sampler, args=(srv,), daemon=True)
        sampler.start()
        budget_end = t_start + args.budget
        sent = 0
        hung = False
        stopped_early = None
        while sent < total:
            if time.monotonic() > budget_end:
                stopped_early = f"time budget of {args.budget:.0f} s reached after {sent} of {total} messages"
                break
            if srv.eof:
                stopped_early = f"the server's output ended after {sent} messages (exit status {srv.proc.poll()})"
                break
            size = min(total - sent, self.rng.randint(args.batch // 2, args.batch * 3 // 2))
            batch_ids: list[int] = []
            t0 = time.monotonic()
            deferred = 0
            for kind in self.rng.choices(kinds, weights, k=size):
                if kind == "execute" and args.execute_last:
                    deferred += 1
                    continue
                self.one_message(srv, kind, batch_ids)
            # with --execute-last, gonotes.openNote ends its batch
            for _ in range(deferred):
                self.one_message(srv, "execute", batch_ids)
            sent += size
            # the disk changes while the server works on the batch
            if not args.no_disk and self.rng.random() < args.disk_rate:
                for _ in range(self.rng.randint(1, 3)):
                    self.disk_op()
            if not srv.wait_for(batch_ids, self.left(args.batch_timeout)):
                hung = True
                missing = [i for i in batch_ids if srv.count[i] == 0]
                self.failures["answered"].append(
                    f"batch ending at message {sent}: {len(missing)} of its {len(batch_ids)} requests unanswered after "
                    f"{time.monotonic() - t0:.0f} s (first ids {missing[:5]}, methods {[self.methods[i] for i in missing[:5]]})"
                )
                stopped_early = f"stopped after {sent} messages: {'the server output ended' if srv.eof else 'the server stopped answering'}"
                break
            self.batch_times.append(time.monotonic() - t0)
            # the indexer waits for 40 ms without changes before it re-indexes: now and then a
            # pause lets it, so new indexes replace old ones while the next batch is being served
            if self.rng.random() < args.pause_rate:
                time.sleep(self.rng.uniform(0.03, 0.06))
            self.done_msgs = sent
            if rss_warm_point is None and sent >= warm_at:
                rss_warm_point = srv.rss()[0]
            if args.progress and len(self.batch_times) % 50 == 0:
                print(f"  … {sent}/{total} messages, VmRSS {srv.rss()[0]} KiB, {time.monotonic() - t_start:.0f} s", flush=True)
        t_mix = time.monotonic() - t_start
        # settle: note buffers closed, the disk quiet, the index quiet
        for uri in sorted(self.open_notes):
            srv.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        self.open_notes.clear()
        settle_start = time.monotonic()
        settled = hung or srv.wait_quiet(1.0, self.left(30), max(self.last_disk, settle_start))
        self.done_msgs = sent + 1
        time.sleep(0.1)
        self.sampling = False
        sampler.join()
        rss_end_point, hwm = srv.rss()
        # late or duplicate responses have had time to arrive
        time.sleep(0.3)
        results: list[tuple[str, bool, str]] = []

        # -- answered ---------------------------------------------------------------------
        with srv.cv:
            sent_ids = sorted(srv.sent_ids)
            counts = dict(srv.count)
            first = dict(srv.first)
            unknown = list(srv.unknown)
        mix_ids = [i for i in sent_ids if i in self.methods]
        missing = [i for i in mix_ids if counts.get(i, 0) == 0]
        dups = [i for i in mix_ids if counts.get(i, 0) > 1]
        problems = list(self.failures["answered"])
        if missing:
            problems.append(f"{len(missing)} requests never answered (ids {missing[:10]}, methods {collections.Counter(self.methods[i] for i in missing).most_common(5)})")
        if dups:
            problems.append(f"{len(dups)} requests answered more than once (ids {dups[:10]})")
        if unknown:
            problems.append(f"{len(unknown)} responses to ids never sent: {json.dumps(unknown[:3], ensure_ascii=False)[:400]}")
        if stopped_early:
            problems.append(stopped_early)
        if srv.read_error:
            problems.append(f"unreadable output from the server: {srv.read_error}")
        results.append(("answered", not problems, "; ".join(problems) or f"{len(mix_ids)} requests, each answered exactly once"))

        # -- no-panic / errors ------------------------------------------------------------
        errs = {i: f for i, f in first.items() if i in self.methods and f[0] == "error"}
        panics = {i: f for i, f in errs.items() if f[1] == -32603 or "panick" in f[2].lower()}
        stderr = srv.stderr_text()
        stderr_panics = [l for l in stderr.splitlines() if "panicked" in l]
        p_problems = []
        if panics:
            i, f = next(iter(panics.items()))
            p_problems.append(f"{len(panics)} panic errors, e.g. {self.methods[i]} id {i}: {f[1]} {f[2]!r}")
        if stderr_panics:
            p_problems.append(f"stderr has {len(stderr_panics)} 'panicked' lines, e.g. {stderr_panics[0][:300]!r}")
        results.append(("no-panic", not p_problems, "; ".join(p_problems) or "no panic error, no 'panicked' on stderr"))
        cancelled_err = {i for i, f in errs.items() if f[1] == -32800}
        unexpected = {i: f for i, f in errs.items() if not (f[1] == -32800 and i in self.cancelled) and i not in panics}
        if unexpected:
            by = collections.Counter((self.methods[i], f[1], f[2][:80]) for i, f in unexpected.items())
            detail = f"{len(unexpected)} unexpected error responses: {by.most_common(4)}"
        else:
            detail = "only -32800 to cancelled requests"
        results.append(("errors", not unexpected, detail))
        cancelled_sent = {i for i in self.cancelled if i in self.methods}

        # -- memory -----------------------------------------------------------------------
        w_lo, w_hi = warm_at, warm_at + max(1, total // 10)
        e_lo = total - max(1, total // 10)
        warm_window = [r for m, r in self.rss_samples if w_lo <= m < w_hi]
        end_window = [r for m, r in self.rss_samples if m >= e_lo] + [rss_end_point]
        if warm_window and end_window and sent >= total:
            warm_peak, end_peak = max(warm_window), max(end_window)
            ok = end_peak <= warm_peak * 1.10
            detail = (
                f"peak VmRSS after warm-up (messages {w_lo}-{w_hi}) {warm_peak} KiB, peak at the end (last 10% and settled) "
                f"{end_peak} KiB ({(end_peak / warm_peak - 1) * 100:+.1f}%, limit +10%); single readings: at warm-up "
                f"{rss_warm_point} KiB, at the end {rss_end_point} KiB; VmHWM {hwm} KiB"
            )
        else:
            ok, detail = False, "the mix did not run to its end: no end reading"
        results.append(("memory", ok, detail))

        # -- final hovers -----------------------------------------------------------------
        fresh = None
        try:
            if hung:
                raise RuntimeError("not compared: the server stopped answering during the mix")
            if not settled:
                self.info.append("warning: the index did not go quiet within 30 s of the last change")
            grids = {doc.uri: self.grid(doc) for doc in self.go_docs}
            mine = self.sweep(srv, grids)
            fresh = self.start_server("fresh")
            for doc in self.go_docs:
                fresh.notify("textDocument/didOpen", {"textDocument": {"uri": doc.uri, "languageId": "go", "version": 1, "text": doc.text}})
            theirs = self.sweep(fresh, grids)
            diff = [k for k in mine if mine[k] != theirs.get(k)]
            nonnull = sum(1 for v in theirs.values() if v != "null")
            distinct = len({v for v in theirs.values() if v != "null"})
            if diff:
                # stale, or only late? ask both again after a pause: the fresh server reads the
                # packages of its Go documents in the background, as the soak server did long ago
                time.sleep(2)
                again = self.sweep(srv, grids)
                theirs_again = self.sweep(fresh, grids)
                still = [k for k in diff if again[k] != theirs_again.get(k)]
            if diff and not still:
                ok = True
                detail = (
                    f"{len(mine)} hovers equal a fresh server's ({nonnull} with a card, {distinct} distinct cards); "
                    f"{len(diff)} only once both had 2 s more (the fresh server was still reading its Go packages)"
                )
            elif diff:
                k = still[0]
                a, b = again[k], theirs_again.get(k, "")
                at = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
                lo = max(0, at - 60)
                detail = (
                    f"{len(diff)} of {len(mine)} hovers differ from a fresh server's ({len(still)} still after 2 s more for both); "
                    f"e.g. at {Path(urllib.parse.unquote(k[0])).name}:{k[1]}:{k[2]} (0-based), from character {at}: "
                    f"soak {a[lo:at + 100]!r} vs fresh {b[lo:at + 100]!r}"
                )
                ok = False
                if args.keep:
                    dump = self.tmp / "hover-diff.json"
                    dump.write_text(json.dumps([{"at": list(k), "soak": again[k], "fresh": theirs_again.get(k)} for k in still], ensure_ascii=False, indent=1))
                    detail += f"; all in {dump}"
            elif nonnull < 10:
                ok, detail = False, f"only {nonnull} of {len(mine)} hovers are non-null: the comparison says too little"
            else:
                ok = True
                detail = f"{len(mine)} hovers equal a fresh server's ({nonnull} with a card, {distinct} distinct cards)"
        except (TimeoutError, RuntimeError) as e:
            ok, detail = False, str(e)
        results.append(("final-hovers", ok, detail))
        if fresh is not None:
            try:
                fresh.call("shutdown", None, timeout=self.left(10))
                fresh.notify("exit", None)
                fresh.proc.wait(timeout=self.left(10))
            except (TimeoutError, subprocess.TimeoutExpired):
                pass
            fresh_panics = [l for l in fresh.stderr_text().splitlines() if "panicked" in l]
            fresh.kill()
            if fresh_panics:
                self.info.append(f"the fresh server's stderr has 'panicked': {fresh_panics[0][:200]}")

        # -- exit ---------------------------------------------------------------------------
        try:
            r = srv.call("shutdown", None, timeout=self.left(10))
            srv.notify("exit", None)
            code = srv.proc.wait(timeout=self.left(10))
            ok = code == 0 and r is None
            detail = f"shutdown answered {r!r}, exit status {code}"
        except (TimeoutError, subprocess.TimeoutExpired) as e:
            ok, detail = False, f"no clean exit: {e}"
        results.append(("exit", ok, detail))
        srv.kill()
        stderr = srv.stderr_text()
        late_panics = [l for l in stderr.splitlines() if "panicked" in l]
        if late_panics and not stderr_panics:
            results[1] = ("no-panic", False, f"stderr has 'panicked' after the hover sweep: {late_panics[0][:300]!r}")

        # -- summary --------------------------------------------------------------------------
        elapsed = time.monotonic() - t_start
        bt = sorted(self.batch_times) or [0.0]
        print(f"gonotes soak: {self.args.server}")
        print(f"  seed {args.seed}; {sent} messages in {len(self.batch_times)} batches (~{args.batch} each) in {t_mix:.1f} s "
              f"({sent / max(t_mix, 1e-9):.0f}/s); whole run {elapsed:.1f} s")
        print(f"  requests {len(mix_ids)} ({', '.join(f'{k} {v}' for k, v in collections.Counter(self.methods.values()).most_common())})")
        print(f"  notifications: " + ", ".join(f"{k} {self.counts[k]}" for k in ("editGo", "editNote", "openNote", "closeNote", "cancel", "cancelStale")))
        print(f"  cancelled requests {len(cancelled_sent)}: {len(cancelled_err & cancelled_sent)} answered -32800, "
              f"{len(cancelled_sent - cancelled_err)} answered with a result")
        print(f"  disk: {sum(self.disk_ops.values())} changes ({', '.join(f'{k} {v}' for k, v in sorted(self.disk_ops.items()))}); {len(self.notes)} notes at the end")
        print(f"  from the server: {dict(srv.notifications)}; its requests {dict(srv.server_requests)}")
        print(f"  batch round trip: median {bt[len(bt) // 2] * 1000:.0f} ms, p95 {bt[int(len(bt) * 0.95)] * 1000:.0f} ms, max {bt[-1] * 1000:.0f} ms")
        if self.rss_samples:
            print(f"  VmRSS samples {len(self.rss_samples)}: min {min(r for _, r in self.rss_samples)} KiB, max {max(r for _, r in self.rss_samples)} KiB; "
                  + ", ".join(f"{p}%: {self.rss_at(total * p // 100)}" for p in (10, 25, 50, 75, 90, 100)))
        lines = stderr.splitlines()
        warns = [l for l in lines if l.startswith("gonotes warn") or l.startswith("gonotes error")]
        print(f"  server stderr: {len(lines)} lines, {len(warns)} warn/error" + (f" (first: {warns[0][:160]!r})" if warns else "")
              + f"; last status {json.dumps(srv.last_status, ensure_ascii=False)[:200]}")
        for line in self.info:
            print(f"  {line}")
        passed = sum(1 for _, ok, _ in results if ok)
        for name, ok, detail in results:
            print(f"{'PASS' if ok else 'FAIL'} {name}: {detail}")
        if args.keep:
            print(f"kept {self.tmp}")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)
        failed = len(results) - passed
        print(f"{passed} passed, {failed} failed")
        return 1 if failed else 0

    def rss_at(self, msgs: int):
        best = None
        for m, r in self.rss_samples:
            if m <= msgs:
                best = r
        return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", "--requests", type=int, default=None, help="messages in the mix (default 100000; 5000 with --short)")
    ap.add_argument("--short", action="store_true", help="the CI form: ~5,000 messages, under a minute")
    ap.add_argument("--seed", type=int, default=None, help="random seed (default: time-based; printed)")
    ap.add_argument("--batch", type=int, default=200, help="mean messages per pipelined batch")
    ap.add_argument("--notes", type=int, default=36, help="notes on disk at the start")
    ap.add_argument("--disk-rate", type=float, default=0.5, help="chance that a batch changes the disk")
    ap.add_argument("--pause-rate", type=float, default=0.35, help="chance of a 30-60 ms pause after a batch")
    ap.add_argument("--no-disk", action="store_true", help="no disk changes during the run")
    ap.add_argument("--grid-max", type=int, default=3000, help="hover positions per document in the final sweep")
    ap.add_argument("--batch-timeout", type=float, default=None, help="seconds to wait for one batch's answers (default 10 short, 30 full)")
    ap.add_argument("--budget", type=float, default=None, help="seconds for the mix (default 40 short, 3600 full)")
    ap.add_argument("--execute-last", action="store_true",
                    help="send gonotes.openNote only last in its batch (by default it goes anywhere)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, notes, hover diffs)")
    ap.add_argument("--progress", action="store_true", help="print progress every 50 batches")
    args = ap.parse_args()
    if args.requests is None:
        args.requests = 5000 if args.short else 100_000
    if args.batch_timeout is None:
        args.batch_timeout = 10.0 if args.short else 30.0
    if args.budget is None:
        args.budget = 40.0 if args.short else 3600.0
    if args.seed is None:
        args.seed = int(time.time()) % 100_000
    args.server = os.environ.get("GONOTES_SERVER") or str(ROOT / "target" / "release" / "gonotes")
    if not os.access(args.server, os.X_OK):
        print(f"no server binary at {args.server} (cargo build --release, or set GONOTES_SERVER)", file=sys.stderr)
        print("0 passed, 1 failed")
        return 2
    soak = Soak(args)
    try:
        return soak.run()
    except Exception as e:  # noqa: BLE001 - any failure ends with the summary line
        import traceback

        traceback.print_exc()
        print(f"FAIL run: {type(e).__name__}: {e}")
        print(f"temporary folder: {soak.tmp}")
        print("0 passed, 1 failed")
        return 1
    finally:
        for srv in soak.servers:
            srv.kill()


if __name__ == "__main__":
    sys.exit(main())
