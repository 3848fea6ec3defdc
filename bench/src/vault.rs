//! The generated vault: N Markdown notes of about 5 KB, deterministic from a seed, in nested
//! folders; headings naming Go symbols, Chinese prose, lists, links, fenced Go snippets (about a
//! tenth of the bytes). The last note alone holds `### zzlast.Unique`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Bump when the generator's output changes, so cached vaults are not reused.
pub const GEN_VERSION: u32 = 3;

/// The symbol only the last note holds, and the import path a Go file uses for it.
pub const UNIQUE_SYMBOL: &str = "zzlast.Unique";
pub const UNIQUE_IMPORT: &str = "example.com/zzlast";

/// SplitMix64: small, fast, and the same everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let mut r = Rng(seed ^ 0x9E37_79B9_7F4A_7C15);
        r.next_u64();
        r
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
}

/// Standard-library names that notes name in headings (the popular ones first, listed twice to
/// weigh them).
const SYMBOLS: &[&str] = &[
    "sync.Once",
    "sync.Mutex",
    "sync.WaitGroup",
    "context.WithCancel",
    "context.WithTimeout",
    "sync.Once",
    "sync.Mutex",
    "sync.WaitGroup",
    "context.WithCancel",
    "context.WithTimeout",
    "sync.RWMutex",
    "sync.Pool",
    "sync.Cond",
    "sync.Map",
    "sync.Once.Do",
    "sync.WaitGroup.Add",
    "sync.WaitGroup.Wait",
    "context.WithDeadline",
    "context.WithValue",
    "context.Background",
    "context.Context",
    "context.Canceled",
    "time.After",
    "time.NewTimer",
    "time.Ticker",
    "time.Sleep",
    "time.Duration",
    "atomic.AddInt64",
    "atomic.LoadInt32",
    "atomic.Value",
    "atomic.CompareAndSwapInt32",
    "atomic.Int64",
    "runtime.Gosched",
    "runtime.GOMAXPROCS",
    "runtime.NumGoroutine",
    "runtime.GC",
    "runtime.Caller",
    "runtime.LockOSThread",
    "http.Server",
    "http.HandleFunc",
    "http.ListenAndServe",
    "http.ResponseWriter",
    "http.Request",
    "http.Handler",
    "http.Client",
    "http.StatusOK",
    "errors.Is",
    "errors.As",
    "errors.New",
    "fmt.Errorf",
    "strings.Builder",
    "bufio.Scanner",
    "io.Reader",
    "io.Copy",
    "json.Marshal",
    "json.Unmarshal",
    "os.Open",
    "sort.Slice",
    "strconv.Itoa",
    "bytes.Buffer",
    "net.Listen",
    "net.Conn",
    "log.Printf",
    "reflect.TypeOf",
    "reflect.ValueOf",
    "unsafe.Pointer",
    "slices.Sort",
    "maps.Keys",
    "signal.Notify",
    "exec.Command",
    "filepath.Walk",
    "sql.DB",
];

/// Keywords and builtins that headings name.
const WORDS: &[&str] = &[
    "defer",
    "select",
    "chan",
    "goroutine",
    "channel",
    "make",
    "close",
    "panic",
    "recover",
    "append",
    "range",
    "interface",
    "struct",
    "switch",
    "map",
    "互斥锁",
    "读写锁",
    "等待组",
    "通道",
    "协程",
    "上下文",
    "反射",
    "多路复用",
    "延迟调用",
    "原子操作",
    "struct tag",
];

/// The user's own packages and types, for headings like `store03.Cache17`.
const OWN_PACKAGES: &[&str] = &[
    "store", "cache", "queue", "auth", "billing", "gateway", "worker", "ledger", "search", "feed",
];
const OWN_TYPES: &[&str] = &[
    "Cache", "Client", "Handler", "Pool", "Server", "Config", "Job", "Session", "Index", "Batch",
];

const HEADING_FORMS: &[&str] = &[
    "{}",
    "{}",
    "{} 的用法",
    "{} 注意事项",
    "深入理解 {}",
    "{}：常见陷阱",
    "关于 {} 的笔记",
    "{} and friends",
    "{} 源码阅读",
    "用 {} 实现超时控制",
    "{} vs 手写实现",
];

const TOPICS: &[&str] = &[
    "并发模式",
    "内存模型",
    "调度器",
    "网络编程",
    "错误处理",
    "性能调优",
    "标准库",
    "测试",
    "工程实践",
    "面试题",
    "源码阅读",
    "踩坑记录",
];

const SENTENCES: &[&str] = &[
    "在高并发场景下，锁的粒度直接决定了吞吐量。",
    "这里要特别注意：关闭一个已经关闭的通道会引发恐慌。",
    "调度器会在系统调用返回时重新寻找可运行的协程。",
    "如果忘记调用取消函数，子上下文会一直泄漏到父上下文结束。",
    "读多写少的时候，读写锁往往比互斥锁更合适。",
    "把共享状态的所有权交给一个协程，用通道传递消息，代码会清晰很多。",
    "基准测试的结果要在同一台机器、同一负载下比较才有意义。",
    "垃圾回收的停顿时间在新版本里已经降到了亚毫秒级别。",
    "接口值由类型和数据两部分组成，只有两者都为空时才等于 nil。",
    "切片扩容时容量通常翻倍，超过一定阈值后增长变缓。",
    "使用 defer 释放资源，可以保证每条返回路径都执行清理。",
    "select 语句在多个通道都就绪时随机选择一个分支。",
    "不要通过共享内存来通信，而要通过通信来共享内存。",
    "超时控制最好从请求入口一路传递下去，而不是在每一层各自计时。",
    "原子操作只保证单个变量的可见性，复合操作仍然需要锁。",
    "映射不是并发安全的，同时读写会被运行时检测出来并直接崩溃。",
    "结构体标签常用于序列化，反射可以在运行时读取它们。",
    "零值可用是标准库的设计原则之一，例如互斥锁不需要初始化。",
    "一个协程的初始栈只有几 KB，按需增长，所以创建成千上万个也不成问题。",
    "阅读源码时先看数据结构，再看状态转换，最后看边界条件。",
    "这段代码在压测中暴露了竞争条件，加上 -race 之后很快就定位到了。",
    "服务优雅退出时，要先停止接收新请求，再等待进行中的请求完成。",
    "We measured it twice: the second run was warm and about 30% faster.",
    "The trick is to keep the critical section short and never call out while holding the lock.",
];

const LIST_ITEMS: &[&str] = &[
    "调用 `{}` 之前先确认没有别的协程持有它",
    "`{}` 的零值可以直接使用",
    "在循环里使用 `{}` 要小心变量捕获",
    "{} 返回的取消函数必须调用",
    "压测时观察 `{}` 对延迟的影响",
    "参考标准库里 `{}` 的实现",
    "不要复制包含 `{}` 的结构体",
];

/// Go snippets, `{n}` replaced by a number.
const SNIPPETS: &[&str] = &[
    "var once{n} sync.Once\nvar cfg{n} *Config\n\nfunc config{n}() *Config {\n\tonce{n}.Do(func() { cfg{n} = load{n}() })\n\treturn cfg{n}\n}\n",
    "func run{n}(parent context.Context) error {\n\tctx, cancel := context.WithCancel(parent)\n\tdefer cancel()\n\tgo worker{n}(ctx)\n\t<-ctx.Done()\n\treturn ctx.Err()\n}\n",
    "func fanIn{n}(a, b <-chan int) <-chan int {\n\tout := make(chan int)\n\tgo func() {\n\t\tdefer close(out)\n\t\tfor {\n\t\t\tselect {\n\t\t\tcase v := <-a:\n\t\t\t\tout <- v\n\t\t\tcase v := <-b:\n\t\t\t\tout <- v\n\t\t\t}\n\t\t}\n\t}()\n\treturn out\n}\n",
    "var wg{n} sync.WaitGroup\nfor i := 0; i < {n}; i++ {\n\twg{n}.Add(1)\n\tgo func(i int) {\n\t\tdefer wg{n}.Done()\n\t\twork(i)\n\t}(i)\n}\nwg{n}.Wait()\n",
    "type counter{n} struct {\n\tmu sync.Mutex\n\tn  map[string]int\n}\n\nfunc (c *counter{n}) inc(k string) {\n\tc.mu.Lock()\n\tdefer c.mu.Unlock()\n\tc.n[k]++\n}\n",
    "http.HandleFunc(\"/v{n}\", func(w http.ResponseWriter, r *http.Request) {\n\tctx, cancel := context.WithTimeout(r.Context(), {n}*time.Millisecond)\n\tdefer cancel()\n\tw.WriteHeader(http.StatusOK)\n})\n",
    "select {\ncase msg := <-inbox{n}:\n\thandle(msg)\ncase <-time.After({n} * time.Second):\n\treturn errors.New(\"timeout\")\n}\n",
    "var hits{n} atomic.Int64\n\nfunc record{n}() int64 {\n\treturn hits{n}.Add(1)\n}\n",
];

fn heading(rng: &mut Rng, area: usize) -> String {
    let form = rng.pick(HEADING_FORMS);
    let name = match rng.below(10) {
        0..=4 => rng.pick(SYMBOLS).to_string(),
        5..=6 => rng.pick(WORDS).to_string(),
        // the user's own packages: many names, each in few notes
        _ => format!(
            "{}{:02}.{}{}",
            rng.pick(OWN_PACKAGES),
            area,
            rng.pick(OWN_TYPES),
            rng.below(100)
        ),
    };
    form.replace("{}", &name)
}

fn paragraph(rng: &mut Rng, out: &mut String) {
    let n = rng.range(2, 5);
    for _ in 0..n {
        out.push_str(rng.pick(SENTENCES));
        if rng.chance(0.2) {
            let _ = write!(out, "参见 `{}`。", rng.pick(SYMBOLS));
        } else if rng.chance(0.1) {
            let _ = write!(out, "这和 {} 的行为一致。", rng.pick(SYMBOLS));
        }
    }
    out.push_str("\n\n");
}

fn list(rng: &mut Rng, out: &mut String, n_notes: usize) {
    for _ in 0..rng.range(2, 5) {
        out.push_str("- ");
        if rng.chance(0.25) {
            let j = rng.below(n_notes.max(1));
            let _ = write!(out, "[相关笔记 {j}](../../{})", note_rel_path(j).display());
        } else if rng.chance(0.1) {
            let _ = write!(out, "[[note-{:05}]]", rng.below(n_notes.max(1)));
        } else {
            let (item, sym) = (rng.pick(LIST_ITEMS), rng.pick(SYMBOLS));
            out.push_str(&item.replace("{}", sym));
        }
        out.push('\n');
    }
    out.push('\n');
}

fn snippet(rng: &mut Rng, out: &mut String) -> usize {
    let (code, n) = (rng.pick(SNIPPETS), rng.range(1, 99));
    let code = code.replace("{n}", &n.to_string());
    let before = out.len();
    out.push_str("```go\n");
    out.push_str(&code);
    out.push_str("```\n\n");
    out.len() - before
}

/// Folder of note `i` inside the vault: `area-AA/topic-T/note-IIIII.md`.
pub fn note_rel_path(i: usize) -> PathBuf {
    PathBuf::from(format!(
        "area-{:02}/topic-{}/note-{:05}.md",
        i / 1000,
        (i / 100) % 10,
        i
    ))
}

/// The marker the last note's unique section carries, by revision.
pub fn marker(rev: u32) -> String {
    format!("zzmark-{rev}-end")
}

/// The text of note `i` of `n`; the last note carries the unique section at revision `rev`.
pub fn note_text(seed: u64, i: usize, n: usize, rev: u32) -> String {
    let mut rng = Rng::new(seed.wrapping_mul(1_000_003).wrapping_add(i as u64));
    let area = i / 1000;
    // the last section overshoots the target by about 350 bytes: notes average ≈ 5.1 KB
    let target = rng.range(3_200, 6_300);
    let mut out = String::with_capacity(target + 1024);
    if rng.chance(0.2) {
        let _ = write!(
            out,
            "---\ntitle: 笔记 {i}\ntags: [go, {}]\n---\n\n",
            rng.pick(TOPICS)
        );
    }
    let _ = write!(out, "# Go 笔记 {i}：{}\n\n", rng.pick(TOPICS));
    paragraph(&mut rng, &mut out);
    let mut code = 0usize;
    while out.len() < target {
        let level = if rng.chance(0.5) { 2 } else { 3 };
        let _ = write!(out, "{} {}\n\n", "#".repeat(level), heading(&mut rng, area));
        paragraph(&mut rng, &mut out);
        if rng.chance(0.6) {
            list(&mut rng, &mut out, n);
        }
        if rng.chance(0.3) {
            paragraph(&mut rng, &mut out);
        }
        if (code as f64) < 0.1 * out.len() as f64 {
            code += snippet(&mut rng, &mut out);
        }
    }
    if i + 1 == n {
        out.push_str(&unique_section(rev));
    }
    out
}

fn unique_section(rev: u32) -> String {
    format!(
        "### {UNIQUE_SYMBOL}\n\n只有最后一篇笔记记录了 `{UNIQUE_SYMBOL}`：修订 {}。\n\n```go\nimport \"{UNIQUE_IMPORT}\"\n\nfunc use() {{ zzlast.Unique() }}\n```\n",
        marker(rev)
    )
}

/// A generated vault on disk.
pub struct Vault {
    pub dir: PathBuf,
    pub notes: usize,
    pub bytes: u64,
    pub reused: bool,
}

impl Vault {
    pub fn last_note(&self) -> PathBuf {
        self.dir.join(note_rel_path(self.notes - 1))
    }
}

/// Generates the vault into `dir` unless a complete one for the same seed and size is there.
/// The last note is always rewritten to revision 0 (an interrupted run may have left it at
/// another revision).
pub fn ensure(dir: &Path, seed: u64, n: usize) -> std::io::Result<Vault> {
    assert!(n >= 1, "at least one note");
    let stamp = dir.join("COMPLETE");
    let want = format!("gen {GEN_VERSION} seed {seed} notes {n}\n");
    if std::fs::read_to_string(&stamp).is_ok_and(|s| s.starts_with(&want)) {
        let bytes = std::fs::read_to_string(&stamp)?
            .lines()
            .find_map(|l| l.strip_prefix("bytes ").and_then(|b| b.trim().parse().ok()))
            .unwrap_or(0);
        let v = Vault {
            dir: dir.to_path_buf(),
            notes: n,
            bytes,
            reused: true,
        };
        std::fs::write(v.last_note(), note_text(seed, n - 1, n, 0))?;
        return Ok(v);
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)?;
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get());
    let total: u64 = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || -> std::io::Result<u64> {
                    let mut bytes = 0u64;
                    for i in (t..n).step_by(threads) {
                        let path = dir.join(note_rel_path(i));
                        if let Some(p) = path.parent() {
                            std::fs::create_dir_all(p)?;
                        }
                        let text = note_text(seed, i, n, 0);
                        bytes += text.len() as u64;
                        std::fs::write(&path, text)?;
                    }
                    Ok(bytes)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("generator thread"))
            .sum::<std::io::Result<u64>>()
    })?;
    std::fs::write(&stamp, format!("{want}bytes {total}\n"))?;
    Ok(Vault {
        dir: dir.to_path_buf(),
        notes: n,
        bytes: total,
        reused: false,
    })
}

/// Rewrites the last note at revision `rev`.
pub fn rewrite_last(v: &Vault, seed: u64, rev: u32) -> std::io::Result<()> {
    std::fs::write(v.last_note(), note_text(seed, v.notes - 1, v.notes, rev))
}
