//! gonotes-bench: the benchmark of issue 5, in one run. See bench/README.md; run it with
//! `bash bench/run.sh [--notes N] [--seed S] ...`.

mod lsp;
mod vault;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use gonotes_testkit::{Client, path_uri, position_params};

const HELP: &str = "\
gonotes-bench — the benchmark of issue 5 (run it with `bash bench/run.sh`)

OPTIONS:
    --notes N          notes in the generated vault (default 10000, about 51 MB)
    --seed S           the vault's seed (default 1)
    --vault-dir DIR    where the vault goes (default $XDG_CACHE_HOME/gonotes-bench/vault-...)
    --gonotes PATH     the server binary (default target/release/gonotes)
    --go-src DIR       Go sources (default /usr/share/go-1.19/src)
    --hovers N         hovers, edit-then-hovers and completions per Go file (default 1000)
    --rewrites N       notes rewritten on disk (default 50)
    --index-runs N     spawns timed for initialize -> first hover, and `gonotes index` runs (default 5)
    --no-gopls         skip gopls even when installed
    --gopls-timeout S  seconds gopls may take to load before it is skipped (default 240)
    --out FILE         also write the table there (run.sh: bench/last-run.txt)
    --generate-only    generate (or reuse) the vault, print its folder, and stop (for profiling)
    --index-only       only the floors and the index figures, printed and not written to --out
";

struct Args {
    notes: usize,
    seed: u64,
    vault_dir: Option<PathBuf>,
    gonotes: PathBuf,
    go_src: PathBuf,
    hovers: usize,
    rewrites: u32,
    index_runs: usize,
    gopls: bool,
    gopls_timeout: u64,
    out: Option<PathBuf>,
    generate_only: bool,
    index_only: bool,
}

fn parse_args() -> Result<Args, String> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let mut a = Args {
        notes: 10_000,
        seed: 1,
        vault_dir: None,
        gonotes: repo.join("target/release/gonotes"),
        go_src: PathBuf::from("/usr/share/go-1.19/src"),
        hovers: 1000,
        rewrites: 50,
        index_runs: 5,
        gopls: true,
        gopls_timeout: 240,
        out: None,
        generate_only: false,
        index_only: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(s) = it.next() {
        let mut val = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        let num = |name: &str, v: String| {
            v.replace('_', "")
                .parse::<u64>()
                .map_err(|_| format!("{name}: not a number: {v}"))
        };
        match s.as_str() {
            "-h" | "--help" => {
                print!("{HELP}");
                std::process::exit(0);
            }
            "--notes" => a.notes = num("--notes", val("--notes")?)? as usize,
            "--seed" => a.seed = num("--seed", val("--seed")?)?,
            "--vault-dir" => a.vault_dir = Some(PathBuf::from(val("--vault-dir")?)),
            "--gonotes" => a.gonotes = PathBuf::from(val("--gonotes")?),
            "--go-src" => a.go_src = PathBuf::from(val("--go-src")?),
            "--hovers" => a.hovers = num("--hovers", val("--hovers")?)? as usize,
            "--rewrites" => a.rewrites = num("--rewrites", val("--rewrites")?)? as u32,
            "--index-runs" => {
                a.index_runs = (num("--index-runs", val("--index-runs")?)? as usize).max(1)
            }
            "--no-gopls" => a.gopls = false,
            "--gopls-timeout" => a.gopls_timeout = num("--gopls-timeout", val("--gopls-timeout")?)?,
            "--out" => a.out = Some(PathBuf::from(val("--out")?)),
            "--generate-only" => a.generate_only = true,
            "--index-only" => a.index_only = true,
            other => return Err(format!("unknown option {other}")),
        }
    }
    if a.notes == 0 {
        return Err("--notes must be at least 1".into());
    }
    Ok(a)
}

// ------------------------------------------------------------------------------------------
// Figures

#[derive(Clone, Debug, Default)]
struct Lat {
    ms: Vec<f64>,
}

impl Lat {
    fn push(&mut self, d: Duration) {
        self.ms.push(d.as_secs_f64() * 1e3);
    }
    /// Nearest-rank percentile, in ms.
    fn pct(&self, p: f64) -> f64 {
        if self.ms.is_empty() {
            return f64::NAN;
        }
        let mut v = self.ms.clone();
        v.sort_by(|a, b| a.total_cmp(b));
        let rank = ((p / 100.0) * v.len() as f64).ceil().max(1.0) as usize;
        v[rank.min(v.len()) - 1]
    }
    fn p50(&self) -> f64 {
        self.pct(50.0)
    }
    fn p99(&self) -> f64 {
        self.pct(99.0)
    }
    fn max(&self) -> f64 {
        self.ms.iter().cloned().fold(f64::NAN, f64::max)
    }
    fn show(&self) -> String {
        format!(
            "p50 {} · p99 {} · max {} (n={})",
            ms(self.p50()),
            ms(self.p99()),
            ms(self.max()),
            self.ms.len()
        )
    }
}

fn ms(v: f64) -> String {
    if v.is_nan() {
        "—".into()
    } else if v < 10.0 {
        format!("{v:.3} ms")
    } else if v < 1000.0 {
        format!("{v:.1} ms")
    } else {
        format!("{:.2} s", v / 1e3)
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

struct Row {
    what: String,
    value: String,
    target: String,
    status: String,
}

fn row(
    what: impl Into<String>,
    value: impl Into<String>,
    target: impl Into<String>,
    pass: Option<bool>,
) -> Row {
    let status = match pass {
        Some(true) => "PASS",
        Some(false) => "MISS",
        None => "info",
    };
    Row {
        what: what.into(),
        value: value.into(),
        target: target.into(),
        status: status.into(),
    }
}

fn status_row(
    what: impl Into<String>,
    value: impl Into<String>,
    target: impl Into<String>,
    status: &str,
) -> Row {
    Row {
        what: what.into(),
        value: value.into(),
        target: target.into(),
        status: status.into(),
    }
}

// ------------------------------------------------------------------------------------------
// Go files: identifiers to hover, positions in UTF-16

struct GoFile {
    label: String,
    path: PathBuf,
    text: String,
    /// (line, UTF-16 column) inside identifiers, in a seeded random order.
    spots: Vec<(u32, u32)>,
    line_starts: Vec<usize>,
}

impl GoFile {
    fn load(
        path: &Path,
        label: &str,
        seed: u64,
        parser: &mut tree_sitter::Parser,
    ) -> Result<GoFile, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let tree = parser.parse(&text, None).ok_or("tree-sitter-go failed")?;
        let mut idents: Vec<(usize, usize)> = Vec::new();
        let mut cursor = tree.walk();
        let mut down = true;
        loop {
            let n = cursor.node();
            if down
                && n.child_count() == 0
                && matches!(
                    n.kind(),
                    "identifier" | "field_identifier" | "type_identifier" | "package_identifier"
                )
            {
                idents.push((n.start_byte(), n.end_byte()));
            }
            if down && cursor.goto_first_child() {
                continue;
            }
            if cursor.goto_next_sibling() {
                down = true;
                continue;
            }
            if !cursor.goto_parent() {
                break;
            }
            down = false;
        }
        let mut rng = vault::Rng::new(seed ^ 0x6f_6f_6f);
        // Fisher–Yates
        for i in (1..idents.len()).rev() {
            idents.swap(i, rng.below(i + 1));
        }
        let mut f = GoFile {
            label: label.into(),
            path: path.to_path_buf(),
            text,
            spots: Vec::new(),
            line_starts,
        };
        f.spots = idents
            .iter()
            .map(|&(s, e)| f.pos(s + (e - s) / 2))
            .collect();
        Ok(f)
    }

    fn pos(&self, offset: usize) -> (u32, u32) {
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let col = self.text[self.line_starts[line]..offset]
            .encode_utf16()
            .count();
        (line as u32, col as u32)
    }

    fn spot(&self, k: usize) -> (u32, u32) {
        self.spots[k % self.spots.len()]
    }

    fn uri(&self) -> String {
        path_uri(&self.path)
    }

    fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    fn line(&self, l: usize) -> &str {
        let s = self.line_starts[l];
        let e = self
            .line_starts
            .get(l + 1)
            .map_or(self.text.len(), |e| e - 1);
        &self.text[s..e]
    }
}

// ------------------------------------------------------------------------------------------
// Floors

struct Floors {
    read_s: f64,
    pulldown_s: f64,
    ts_mbps: f64,
    ts_incremental: Lat,
    texts: Vec<String>,
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|e| e == "md") {
            out.push(p);
        }
    }
}

fn floors(vault: &vault::Vault, go: &[GoFile]) -> Floors {
    // reading: walk and read every file, one thread; best of 2 (the first warms the page cache
    // when it was cold, as the servers measured after it find it warm)
    let mut read_s = f64::INFINITY;
    let mut texts: Vec<String> = Vec::new();
    for _ in 0..2 {
        let started = Instant::now();
        let mut files = Vec::new();
        walk(&vault.dir, &mut files);
        texts = files
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap_or_default())
            .collect();
        read_s = read_s.min(started.elapsed().as_secs_f64());
    }

    // pulldown-cmark alone, with the options gonotes uses, one core; best of 3
    let mut opts = pulldown_cmark::Options::empty();
    opts.insert(pulldown_cmark::Options::ENABLE_YAML_STYLE_METADATA_BLOCKS);
    opts.insert(pulldown_cmark::Options::ENABLE_TABLES);
    opts.insert(pulldown_cmark::Options::ENABLE_STRIKETHROUGH);
    let mut best = f64::INFINITY;
    let mut events = 0usize;
    for _ in 0..3 {
        let started = Instant::now();
        events = 0;
        for t in &texts {
            events += pulldown_cmark::Parser::new_ext(t, opts)
                .into_offset_iter()
                .count();
        }
        best = best.min(started.elapsed().as_secs_f64());
    }
    std::hint::black_box(events);

    // tree-sitter-go: full parses of the big files, best of 3; and one-line incremental reparses
    let mut parser = gonotes::go::parser();
    let go_bytes: usize = go.iter().map(|g| g.text.len()).sum();
    let mut ts_best = f64::INFINITY;
    for _ in 0..3 {
        let started = Instant::now();
        for g in go {
            std::hint::black_box(parser.parse(&g.text, None));
        }
        ts_best = ts_best.min(started.elapsed().as_secs_f64());
    }
    let mut inc = Lat::default();
    if let Some(g) = go.first() {
        let mut text = g.text.clone();
        let mut tree = parser.parse(&text, None).expect("parse");
        let mut rng = vault::Rng::new(7);
        let point = |row: usize, column: usize| tree_sitter::Point { row, column };
        for _ in 0..200 {
            let row = rng.below(g.line_count());
            let at = g.line_starts[row];
            // insert one space at the line's start, reparse; remove it, reparse
            for insert in [true, false] {
                let started = Instant::now();
                let edit = if insert {
                    text.insert(at, ' ');
                    tree_sitter::InputEdit {
                        start_byte: at,
                        old_end_byte: at,
                        new_end_byte: at + 1,
                        start_position: point(row, 0),
                        old_end_position: point(row, 0),
                        new_end_position: point(row, 1),
                    }
                } else {
                    text.remove(at);
                    tree_sitter::InputEdit {
                        start_byte: at,
                        old_end_byte: at + 1,
                        new_end_byte: at,
                        start_position: point(row, 0),
                        old_end_position: point(row, 1),
                        new_end_position: point(row, 0),
                    }
                };
                tree.edit(&edit);
                tree = parser.parse(&text, Some(&tree)).expect("reparse");
                inc.push(started.elapsed());
            }
        }
    }
    Floors {
        read_s,
        pulldown_s: best,
        ts_mbps: go_bytes as f64 / 1e6 / ts_best,
        ts_incremental: inc,
        texts,
    }
}

// ------------------------------------------------------------------------------------------
// gonotes over LSP

fn initialize_params(root: Option<&Path>, options: Value) -> Value {
    let root_uri = root
        .map(|r| Value::String(path_uri(r)))
        .unwrap_or(Value::Null);
    let folders = root
        .map(|r| json!([{ "uri": path_uri(r), "name": "ws" }]))
        .unwrap_or(Value::Null);
    json!({
        "processId": std::process::id(),
        "rootUri": root_uri,
        "workspaceFolders": folders,
        "capabilities": {
            "general": { "positionEncodings": ["utf-16"] },
            "textDocument": {
                "hover": { "contentFormat": ["markdown", "plaintext"] },
                "completion": { "completionItem": { "snippetSupport": true, "labelDetailsSupport": true } },
                "synchronization": { "didSave": true }
            },
            "workspace": { "configuration": false, "workspaceFolders": true }
        },
        "initializationOptions": options
    })
}

fn spawn_gonotes(bin: &Path) -> Result<Client, String> {
    let mut cmd = Command::new(bin);
    cmd.arg("lsp")
        .env("GONOTES_LOG", "warn")
        .stderr(std::process::Stdio::null());
    Client::spawn(&mut cmd).map_err(|e| format!("cannot start {}: {e}", bin.display()))
}

fn did_open(c: &mut Client, uri: &str, lang: &str, text: &str) -> Result<(), String> {
    c.notify(
        "textDocument/didOpen",
        gonotes_testkit::did_open_params(uri, lang, 1, text),
    )
}

fn hover_text(v: &Value) -> String {
    match v.pointer("/contents/value").or_else(|| v.get("contents")) {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

/// How long a request may take.
const T: Duration = Duration::from_secs(30);
/// How long the first correct hover may take (generous: profiling runs the server under valgrind).
const FIRST_HOVER_TIMEOUT: Duration = Duration::from_secs(600);
/// A rewrite not in hovers by then counts as this long.
const REWRITE_TIMEOUT: Duration = Duration::from_secs(5);
/// The rewrite phase stops after this long (keeps a slow server's run under 10 minutes).
const REWRITE_BUDGET: Duration = Duration::from_secs(60);

/// A Go file that uses the symbol only the vault's last note names.
const LAST_NOTE_GO: &str =
    "package main\n\nimport \"example.com/zzlast\"\n\nfunc main() {\n\tzzlast.Unique()\n}\n";
/// Inside `Unique` on line 5 (0-based).
const LAST_NOTE_POS: (u32, u32) = (5, 10);

/// The open Go file whose hover shows the vault's last note (`zzlast.Unique`): the note whose
/// text the benchmark rewrites and waits for.
struct LastNote {
    uri: String,
}

impl LastNote {
    fn open(c: &mut Client, dir: &Path) -> Result<LastNote, String> {
        let uri = path_uri(&dir.join("zz_bench.go"));
        did_open(c, &uri, "go", LAST_NOTE_GO)?;
        Ok(LastNote { uri })
    }
    fn hover(&self, c: &mut Client) -> Result<String, String> {
        c.request(
            "textDocument/hover",
            position_params(&self.uri, LAST_NOTE_POS.0, LAST_NOTE_POS.1),
            T,
        )
        .map(|v| hover_text(&v))
    }
    /// Polls hovers every `gap` until the card carries `marker`.
    fn poll(
        &self,
        c: &mut Client,
        marker: &str,
        gap: Duration,
        timeout: Duration,
    ) -> Result<Instant, String> {
        let deadline = Instant::now() + timeout;
        loop {
            let h = self.hover(c)?;
            if h.contains(vault::UNIQUE_SYMBOL.split('.').next_back().unwrap_or(""))
                && h.contains(marker)
            {
                return Ok(Instant::now());
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "no hover with {marker} within {timeout:?} (last: {:?})",
                    h.chars().take(120).collect::<String>()
                ));
            }
            std::thread::sleep(gap);
        }
    }
}

fn vault_options(v: &vault::Vault) -> Value {
    json!({"notes": {"paths": [v.dir.display().to_string()], "builtin": false}})
}

/// Spawn → initialize → first correct hover on the symbol only the last note holds.
fn time_first_hover(
    bin: &Path,
    v: &vault::Vault,
    scratch: &Path,
) -> Result<(f64, Client, LastNote), String> {
    let started = Instant::now();
    let mut c = spawn_gonotes(bin)?;
    c.request("initialize", initialize_params(None, vault_options(v)), T)?;
    c.notify("initialized", json!({}))?;
    let last = LastNote::open(&mut c, scratch)?;
    let at = last.poll(
        &mut c,
        &vault::marker(0),
        Duration::from_millis(2),
        FIRST_HOVER_TIMEOUT,
    )?;
    Ok(((at - started).as_secs_f64(), c, last))
}

fn hovers(c: &mut Client, f: &GoFile, n: usize) -> Result<(Lat, usize, usize), String> {
    let (lat, cards, errors, _) = hovers_flagged(c, f, n)?;
    Ok((lat, cards, errors))
}

/// Hovers at spots 0..n; also says which answered with a card.
fn hovers_flagged(
    c: &mut Client,
    f: &GoFile,
    n: usize,
) -> Result<(Lat, usize, usize, Vec<bool>), String> {
    let uri = f.uri();
    let mut lat = Lat::default();
    let (mut cards, mut errors) = (0, 0);
    let mut flags = Vec::with_capacity(n);
    for k in 0..n {
        let (l, col) = f.spot(k);
        let t = Instant::now();
        let answer = c.request("textDocument/hover", position_params(&uri, l, col), T);
        flags.push(matches!(&answer, Ok(v) if !v.is_null()));
        match answer {
            Ok(v) => {
                lat.push(t.elapsed());
                if !v.is_null() {
                    cards += 1;
                }
            }
            Err(e) => {
                lat.push(t.elapsed());
                errors += 1;
                if errors == 1 {
                    eprintln!("bench: hover error: {e}");
                }
            }
        }
    }
    Ok((lat, cards, errors, flags))
}

/// The slowest hovers of a run, each hovered again 5 times: is it the spot, or the machine?
fn slowest(
    c: &mut Client,
    f: &GoFile,
    lat: &Lat,
    flags: &[bool],
    top: usize,
) -> Result<String, String> {
    let mut order: Vec<usize> = (0..lat.ms.len()).collect();
    order.sort_by(|a, b| lat.ms[*b].total_cmp(&lat.ms[*a]));
    let uri = f.uri();
    let mut out = String::new();
    for &k in order.iter().take(top) {
        let (l, col) = f.spot(k);
        let mut again = Lat::default();
        for _ in 0..5 {
            let t = Instant::now();
            c.request("textDocument/hover", position_params(&uri, l, col), T)?;
            again.push(t.elapsed());
        }
        let line = f.line(l as usize).trim();
        let line: String = line.chars().take(60).collect();
        out.push_str(&format!(
            "  {} {}:{}:{} {} — {}; again ×5: median {}  `{}`\n",
            f.label,
            f.path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            l + 1,
            col + 1,
            if flags.get(k).copied().unwrap_or(false) {
                "card"
            } else {
                "null"
            },
            ms(lat.ms[k]),
            ms(again.p50()),
            line
        ));
    }
    Ok(out)
}

/// Edit (insert or remove one space at the start of a line), then hover at once; the time is
/// from sending the change to the hover's answer.
fn edit_then_hover(c: &mut Client, f: &GoFile, n: usize, version: &mut i64) -> Result<Lat, String> {
    let uri = f.uri();
    let mut lat = Lat::default();
    let mut pending: Option<u32> = None;
    let change = |c: &mut Client, version: &mut i64, line: u32, remove: bool| {
        *version += 1;
        let end = if remove { 1 } else { 0 };
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": *version},
                   "contentChanges": [{"range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": end}},
                                       "text": if remove { "" } else { " " }}]}),
        )
    };
    for k in 0..n {
        let (l, col) = f.spot(n + k);
        let t = Instant::now();
        let (hl, hc) = match pending.take() {
            None => {
                change(c, version, l, false)?;
                pending = Some(l);
                (l, col + 1)
            }
            Some(p) => {
                change(c, version, p, true)?;
                (l, col)
            }
        };
        c.request("textDocument/hover", position_params(&uri, hl, hc), T)?;
        lat.push(t.elapsed());
    }
    if let Some(p) = pending {
        change(c, version, p, true)?;
    }
    Ok(lat)
}

/// Inserts `\t<pkg>.` lines after some `func ... {` lines; returns the completion spots.
fn add_completion_sites(
    c: &mut Client,
    f: &GoFile,
    quals: &[&str],
    version: &mut i64,
) -> Result<Vec<(u32, u32, String)>, String> {
    let funcs: Vec<usize> = (0..f.line_count())
        .filter(|&l| f.line(l).starts_with("func ") && f.line(l).ends_with('{'))
        .collect();
    if funcs.is_empty() {
        return Ok(Vec::new());
    }
    let mut at: Vec<usize> = (0..quals.len())
        .map(|i| funcs[(i + 1) * funcs.len() / (quals.len() + 1)])
        .collect();
    at.sort();
    at.dedup();
    let uri = f.uri();
    // bottom-up, so the lines above keep their numbers
    for (i, &l) in at.iter().enumerate().rev() {
        *version += 1;
        let text = format!("\t{}.\n", quals[i]);
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": *version},
                   "contentChanges": [{"range": {"start": {"line": l + 1, "character": 0}, "end": {"line": l + 1, "character": 0}}, "text": text}]}),
        )?;
    }
    Ok(at
        .iter()
        .enumerate()
        .map(|(i, &l)| ((l + 1 + i) as u32, (quals[i].len() + 2) as u32, uri.clone()))
        .collect())
}

fn completions(
    c: &mut Client,
    sites: &[(u32, u32, String)],
    n: usize,
) -> Result<(Lat, f64), String> {
    let mut lat = Lat::default();
    let mut items = 0usize;
    for k in 0..n {
        let (l, col, uri) = &sites[k % sites.len()];
        let mut p = position_params(uri, *l, *col);
        p["context"] = json!({"triggerKind": 2, "triggerCharacter": "."});
        let t = Instant::now();
        let v = c.request("textDocument/completion", p, T)?;
        lat.push(t.elapsed());
        items += match &v {
            Value::Array(a) => a.len(),
            Value::Object(o) => o.get("items").and_then(Value::as_array).map_or(0, Vec::len),
            _ => 0,
        };
    }
    Ok((lat, items as f64 / n.max(1) as f64))
}

// ------------------------------------------------------------------------------------------
// gopls

struct GoplsResult {
    per_file: Vec<(String, Lat, usize)>,
    load_s: f64,
    rss_kib: Option<u64>,
    version: String,
}

fn gopls_run(args: &Args, files: &[GoFile], scratch: &Path) -> Result<GoplsResult, String> {
    let goroot = Command::new("go")
        .args(["env", "GOROOT"])
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .ok_or("`go env GOROOT` failed (is golang-go installed?)")?;
    let src = PathBuf::from(goroot).join("src");
    let deb = sh("dpkg-query -W -f='${Version}' gopls 2>/dev/null");
    let version = if deb.is_empty() {
        Command::new("gopls")
            .arg("version")
            .output()
            .ok()
            .map(|o| {
                String::from_utf8_lossy(&o.stdout)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default()
    } else {
        format!("gopls {deb} (Debian package), {}", sh("go version"))
    };
    let gohome = scratch.join("gohome");
    let mut cmd = Command::new("gopls");
    cmd.arg("serve")
        .env("GOPATH", gohome.join("gopath"))
        .env("GOCACHE", gohome.join("gocache"))
        .env("GOPROXY", "off")
        .env("GOFLAGS", "-mod=mod")
        .env("GOTOOLCHAIN", "local")
        .stderr(std::process::Stdio::null());
    let mut c = Client::spawn(&mut cmd).map_err(|e| format!("cannot start gopls: {e}"))?;
    c.configuration = json!({});
    let started = Instant::now();
    c.request("initialize", initialize_params(Some(&src), Value::Null), T)?;
    c.notify("initialized", json!({}))?;
    let mut per_file = Vec::new();
    let mut gfiles = Vec::new();
    for f in files {
        // the same file, under GOROOT as `go list` names it
        let rel = f
            .path
            .strip_prefix(&args.go_src)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| f.path.clone());
        let p = src.join(rel);
        let uri = path_uri(&p);
        did_open(&mut c, &uri, "go", &f.text)?;
        gfiles.push(uri);
    }
    // wait until gopls has loaded: a hover on the first identifier answers with something
    let deadline = started + Duration::from_secs(args.gopls_timeout);
    let (l, col) = files[0].spot(0);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(format!(
                "gopls did not load within {} s",
                args.gopls_timeout
            ));
        }
        let v = c.request(
            "textDocument/hover",
            position_params(&gfiles[0], l, col),
            left,
        );
        if matches!(&v, Ok(x) if !x.is_null()) {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let load_s = started.elapsed().as_secs_f64();
    // a short warm-up on each file, not counted
    for (f, uri) in files.iter().zip(&gfiles) {
        for k in 0..20 {
            let (l, col) = f.spot(k);
            let _ = c.request("textDocument/hover", position_params(uri, l, col), T);
        }
    }
    for (f, uri) in files.iter().zip(&gfiles) {
        let mut lat = Lat::default();
        let mut answered = 0;
        for k in 0..args.hovers {
            let (l, col) = f.spot(k);
            let t = Instant::now();
            let v = c.request("textDocument/hover", position_params(uri, l, col), T);
            lat.push(t.elapsed());
            if matches!(&v, Ok(x) if !x.is_null()) {
                answered += 1;
            }
        }
        per_file.push((f.label.clone(), lat, answered));
    }
    let rss_kib = lsp::peak_rss_kib(&c);
    lsp::close(c, Duration::from_secs(5));
    Ok(GoplsResult {
        per_file,
        load_s,
        rss_kib,
        version,
    })
}

// ------------------------------------------------------------------------------------------
// Machine facts

fn sh(cmd: &str) -> String {
    Command::new("sh")
        .args(["-c", cmd])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

fn newest_mtime(dir: &Path) -> Option<std::time::SystemTime> {
    let mut best = None;
    for e in std::fs::read_dir(dir).ok()?.flatten() {
        let p = e.path();
        let t = if p.is_dir() {
            newest_mtime(&p)
        } else {
            e.metadata().ok().and_then(|m| m.modified().ok())
        };
        if t > best {
            best = t;
        }
    }
    best
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or("—".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0))
}

// ------------------------------------------------------------------------------------------

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("gonotes-bench: {e}\n\n{HELP}");
            std::process::exit(2);
        }
    };
    if let Err(e) = run(&args) {
        eprintln!("gonotes-bench: {e}");
        std::process::exit(1);
    }
}

fn progress(msg: &str) {
    eprintln!("[bench] {msg}");
}

/// Where the run keeps its files, the vault it measures, and the machine's state at the start.
struct Setup {
    repo: PathBuf,
    scratch: PathBuf,
    vault: vault::Vault,
    load_at_start: String,
    builds_at_start: String,
}

/// Checks the server binary, and generates (or reuses) the vault.
fn prepare(args: &Args) -> Result<Setup, String> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap_or(Path::new("."))
        .to_path_buf();
    if !args.gonotes.is_file() && !args.generate_only {
        return Err(format!(
            "no server binary at {} (run.sh builds it)",
            args.gonotes.display()
        ));
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir)
        .join("gonotes-bench");
    let vault_dir = args.vault_dir.clone().unwrap_or_else(|| {
        cache.join(format!(
            "vault-g{}-seed{}-n{}",
            vault::GEN_VERSION,
            args.seed,
            args.notes
        ))
    });
    if args.vault_dir.is_none() {
        // vaults of older generator versions are never reused: drop them
        let current = format!("vault-g{}-", vault::GEN_VERSION);
        for e in std::fs::read_dir(&cache).into_iter().flatten().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with("vault-g") && !name.starts_with(&current) {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
    let scratch = cache.join("scratch");
    std::fs::create_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;

    let load_at_start = sh("cut -d' ' -f1-3 /proc/loadavg");
    let builds_at_start = sh("pgrep -x 'rustc|cargo' | wc -l");

    progress(&format!(
        "vault: {} notes, seed {} at {}",
        args.notes,
        args.seed,
        vault_dir.display()
    ));
    let t = Instant::now();
    let v = vault::ensure(&vault_dir, args.seed, args.notes)
        .map_err(|e| format!("generating the vault: {e}"))?;
    progress(&format!(
        "vault {} ({:.1} MB) in {:.1} s",
        if v.reused { "reused" } else { "generated" },
        v.bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    ));
    Ok(Setup {
        repo,
        scratch,
        vault: v,
        load_at_start,
        builds_at_start,
    })
}

/// The two big Go files hovered in.
fn load_go_files(args: &Args) -> Result<Vec<GoFile>, String> {
    let mut parser = gonotes::go::parser();
    [
        ("runtime/proc.go", "proc.go"),
        ("net/http/server.go", "server.go"),
    ]
    .iter()
    .map(|(rel, label)| GoFile::load(&args.go_src.join(rel), label, args.seed, &mut parser))
    .collect::<Result<_, _>>()
    .map_err(|e| format!("{e} (install Debian's golang-1.19-src; run.sh does)"))
}

/// The floors' rows, and pulldown-cmark's speed alone (MB/s), which targets derive from.
fn floor_rows(fl: &Floors) -> (Vec<Row>, f64) {
    let floor_mb: f64 = fl.texts.iter().map(|t| t.len()).sum::<usize>() as f64 / 1e6;
    let pulldown_mbps = floor_mb / fl.pulldown_s;
    let mut rows: Vec<Row> = Vec::new();
    rows.push(row(
        "floor: walk + read the vault's files (1 thread, warm cache)",
        format!("{:.0} MB/s ({:.3} s)", floor_mb / fl.read_s, fl.read_s),
        "—",
        None,
    ));
    rows.push(row(
        "floor: pulldown-cmark alone over the vault (1 core)",
        format!("{:.0} MB/s ({:.3} s)", pulldown_mbps, fl.pulldown_s),
        "—",
        None,
    ));
    rows.push(row(
        "floor: tree-sitter-go full parse, proc.go + server.go",
        format!("{:.2} MB/s", fl.ts_mbps),
        "—",
        None,
    ));
    rows.push(row(
        "floor: tree-sitter-go one-line incremental reparse (proc.go)",
        format!(
            "p50 {} · p99 {}",
            ms(fl.ts_incremental.p50()),
            ms(fl.ts_incremental.p99())
        ),
        "—",
        None,
    ));
    (rows, pulldown_mbps)
}

/// `gonotes index` wall time, and spawn + initialize to the first correct hover: their rows,
/// and the last session started (with the vault indexed), for what is measured next.
fn measure_index(
    args: &Args,
    setup: &Setup,
    pulldown_s: f64,
    pulldown_mbps: f64,
) -> Result<(Vec<Row>, (Client, LastNote)), String> {
    let v = &setup.vault;
    let mut rows = Vec::new();
    // --- gonotes index --summary
    progress("gonotes index VAULT --summary");
    let mut walls = Vec::new();
    let mut self_report = String::new();
    for _ in 0..args.index_runs {
        let t = Instant::now();
        let out = Command::new(&args.gonotes)
            .arg("index")
            .arg(&v.dir)
            .arg("--summary")
            .output()
            .map_err(|e| format!("gonotes index: {e}"))?;
        walls.push(t.elapsed().as_secs_f64());
        if !out.status.success() {
            return Err(format!(
                "gonotes index failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        self_report = String::from_utf8_lossy(&out.stdout)
            .lines()
            .find(|l| l.starts_with("indexed"))
            .unwrap_or("")
            .to_string();
    }
    let index_wall = median(walls);
    let vault_mb = v.bytes as f64 / 1e6;
    let index_mbps = vault_mb / index_wall;
    // "... 51.20 MB in 812.3 ms (63.0 MB/s); 0 skipped"
    let self_mbps = self_report
        .rsplit('(')
        .find(|s| s.contains("MB/s"))
        .and_then(|s| s.split_whitespace().next())
        .unwrap_or("?")
        .to_string();

    // --- initialize -> first correct hover
    progress(&format!(
        "initialize -> first correct hover on {} ({} spawns)",
        vault::UNIQUE_SYMBOL,
        args.index_runs
    ));
    let mut firsts = Vec::new();
    let mut session = None;
    let scratch = &setup.scratch;
    for i in 0..args.index_runs {
        let (s, c, last) = time_first_hover(&args.gonotes, v, scratch)?;
        firsts.push(s);
        if i + 1 == args.index_runs {
            session = Some((c, last));
        } else {
            lsp::close(c, Duration::from_secs(5));
        }
    }
    let first_s = median(firsts.clone());
    let floor3 = 3.0 * pulldown_s;
    rows.push(row(
        "index: `gonotes index VAULT --summary`, wall (median)",
        format!(
            "{:.0} MB/s ({:.3} s; self-reported {} MB/s)",
            index_mbps, index_wall, self_mbps
        ),
        format!(
            "≥ {:.0} MB/s (pulldown floor ÷ 3, derived)",
            pulldown_mbps / 3.0
        ),
        Some(index_mbps >= pulldown_mbps / 3.0),
    ));
    rows.push(row(
        "index: spawn + initialize → first correct hover (median)",
        format!(
            "{:.3} s ({:.1}× pulldown floor; runs {})",
            first_s,
            first_s / pulldown_s,
            firsts
                .iter()
                .map(|s| format!("{s:.3}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        format!("≤ 1.0 s and ≤ 3× floor ({:.3} s)", floor3),
        Some(first_s <= 1.0 && first_s <= floor3),
    ));
    Ok((rows, session.expect("one session")))
}

/// What the session with the vault measured.
struct Session {
    /// Per Go file: label, latencies, cards shown, errors.
    hover_rows: Vec<(String, Lat, usize, usize)>,
    /// The slowest hovers, each hovered again.
    slow: String,
    edit_rows: Vec<(String, Lat)>,
    sites: usize,
    comp_lat: Lat,
    comp_items: f64,
    rewrite: Lat,
    rewrite_misses: usize,
    /// Rewrites done when the phase's budget ran out.
    stopped: Option<u32>,
    rss_after_index: Option<u64>,
    rss_vault: Option<u64>,
    rss_vault_now: Option<u64>,
}

/// Hovers, edit-then-hover and completions in the big Go files, then the last note rewritten
/// on disk until hovers show its new text; the server is closed at the end.
fn measure_session(
    args: &Args,
    mut c: Client,
    last: &LastNote,
    v: &vault::Vault,
    go_files: &[GoFile],
) -> Result<Session, String> {
    let rss_after_index = lsp::peak_rss_kib(&c);

    // --- hovers, edits, completions in the big files
    let mut version = 1i64;
    for f in go_files {
        did_open(&mut c, &f.uri(), "go", &f.text)?;
    }
    progress(&format!(
        "hovers: {} per file (server RSS {})",
        args.hovers,
        mib(lsp::proc_status_kib(c.pid(), "VmRSS:"))
    ));
    // warm-up, not counted
    for f in go_files {
        hovers(&mut c, f, 20)?;
    }
    let mut hover_rows = Vec::new();
    let mut slow = String::new();
    for f in go_files {
        let (lat, cards, errors, flags) = hovers_flagged(&mut c, f, args.hovers)?;
        slow.push_str(&slowest(&mut c, f, &lat, &flags, 3)?);
        hover_rows.push((f.label.clone(), lat, cards, errors));
    }
    progress(&format!(
        "edit-then-hover (server RSS {})",
        mib(lsp::proc_status_kib(c.pid(), "VmRSS:"))
    ));
    let mut edit_rows = Vec::new();
    for f in go_files {
        let mut ver = version;
        let lat = edit_then_hover(&mut c, f, args.hovers, &mut ver)?;
        version = version.max(ver);
        edit_rows.push((f.label.clone(), lat));
    }
    progress(&format!(
        "completion after pkg. (server RSS {})",
        mib(lsp::proc_status_kib(c.pid(), "VmRSS:"))
    ));
    let mut sites = Vec::new();
    {
        let mut ver = version;
        sites.extend(add_completion_sites(
            &mut c,
            &go_files[0],
            &["atomic"],
            &mut ver,
        )?);
        let mut ver2 = version;
        sites.extend(add_completion_sites(
            &mut c,
            &go_files[1],
            &["sync", "context", "time", "atomic"],
            &mut ver2,
        )?);
    }
    if sites.is_empty() {
        return Err("no completion sites found".into());
    }
    completions(&mut c, &sites, 20)?; // warm-up
    let (comp_lat, comp_items) = completions(&mut c, &sites, args.hovers)?;

    progress(&format!(
        "note rewritten on disk -> new text in hovers ({} rewrites; server RSS {})",
        args.rewrites,
        mib(lsp::proc_status_kib(c.pid(), "VmRSS:"))
    ));
    let mut rewrite = Lat::default();
    let mut rewrite_misses = 0;
    let phase = Instant::now();
    let mut stopped = None;
    for rev in 1..=args.rewrites {
        if phase.elapsed() > REWRITE_BUDGET {
            stopped = Some(rev - 1);
            break;
        }
        let t = Instant::now();
        vault::rewrite_last(v, args.seed, rev)
            .map_err(|e| format!("rewriting the last note: {e}"))?;
        match last.poll(
            &mut c,
            &vault::marker(rev),
            Duration::from_millis(2),
            REWRITE_TIMEOUT,
        ) {
            Ok(at) => rewrite.push(at - t),
            Err(e) => {
                rewrite_misses += 1;
                rewrite.push(t.elapsed());
                eprintln!("bench: {e}");
            }
        }
        std::thread::sleep(Duration::from_millis(60));
    }
    vault::rewrite_last(v, args.seed, 0).map_err(|e| format!("restoring the last note: {e}"))?;
    let rss_vault = lsp::peak_rss_kib(&c);
    let rss_vault_now = lsp::proc_status_kib(c.pid(), "VmRSS:");
    lsp::close(c, Duration::from_secs(5));
    Ok(Session {
        hover_rows,
        slow,
        edit_rows,
        sites: sites.len(),
        comp_lat,
        comp_items,
        rewrite,
        rewrite_misses,
        stopped,
        rss_after_index,
        rss_vault,
        rss_vault_now,
    })
}

/// Hovers and peak memory with the built-in notes only: per Go file (label, latencies, cards),
/// and the peak RSS.
#[allow(clippy::type_complexity)]
fn measure_builtin(
    args: &Args,
    go_files: &[GoFile],
) -> Result<(Vec<(String, Lat, usize)>, Option<u64>), String> {
    // --- built-in notes only
    progress("built-in notes only: hovers and peak RSS");
    let mut b = spawn_gonotes(&args.gonotes)?;
    b.request(
        "initialize",
        initialize_params(None, json!({"notes": {"paths": [], "builtin": true}})),
        T,
    )?;
    b.notify("initialized", json!({}))?;
    let builtin_ready = b.wait_notification(
        "gonotes/status",
        |p| p.get("state").and_then(Value::as_str) == Some("ready"),
        Duration::from_secs(30),
    );
    if let Err(e) = &builtin_ready {
        eprintln!("bench: built-in session: {e}");
    }
    for f in go_files {
        did_open(&mut b, &f.uri(), "go", &f.text)?;
    }
    let mut builtin_hovers = Vec::new();
    for f in go_files {
        let (lat, cards, _) = hovers(&mut b, f, args.hovers)?;
        builtin_hovers.push((f.label.clone(), lat, cards));
    }
    let rss = lsp::peak_rss_kib(&b);
    lsp::close(b, Duration::from_secs(5));
    Ok((builtin_hovers, rss))
}

/// gopls on the same hovers, when it is installed and wanted.
fn measure_gopls(args: &Args, go_files: &[GoFile], scratch: &Path) -> Result<GoplsResult, String> {
    // --- gopls
    let gopls_installed = Command::new("sh")
        .args(["-c", "command -v gopls"])
        .output()
        .is_ok_and(|o| o.status.success());
    let gopls = if !args.gopls {
        Err("skipped (--no-gopls)".to_string())
    } else if !gopls_installed {
        Err(
            "gopls is not installed (apt-get install gopls golang-go); measured without it"
                .to_string(),
        )
    } else {
        progress("gopls: loading the standard library, then the same hovers");
        gopls_run(args, go_files, scratch)
    };
    if let Err(e) = &gopls {
        progress(&format!("gopls: {e}"));
    }
    gopls
}

/// The rows of everything measured after the index.
fn result_rows(
    args: &Args,
    m: &Session,
    builtin_hovers: &[(String, Lat, usize)],
    rss_builtin: Option<u64>,
    gopls: &Result<GoplsResult, String>,
) -> Vec<Row> {
    let mut rows = Vec::new();
    for (label, lat, cards, errors) in &m.hover_rows {
        let err = if *errors > 0 {
            format!("; {errors} errors")
        } else {
            String::new()
        };
        rows.push(row(
            format!(
                "hover over stdio, {label} ({cards}/{} cards{err})",
                lat.ms.len()
            ),
            lat.show(),
            "p99 ≤ 1 ms",
            Some(lat.p99() <= 1.0 && *errors == 0),
        ));
    }
    for (label, lat) in &m.edit_rows {
        rows.push(row(
            format!("edit-then-hover, {label}"),
            lat.show(),
            "p99 ≤ 1.5 ms",
            Some(lat.p99() <= 1.5),
        ));
    }
    rows.push(row(
        format!(
            "completion after `pkg.` ({} sites, {:.1} items avg)",
            m.sites, m.comp_items
        ),
        m.comp_lat.show(),
        "p99 ≤ 2 ms",
        Some(m.comp_lat.p99() <= 2.0 && m.comp_items > 0.0),
    ));
    let mut miss = if m.rewrite_misses > 0 {
        format!(
            "; {} timed out at {} s",
            m.rewrite_misses,
            REWRITE_TIMEOUT.as_secs()
        )
    } else {
        String::new()
    };
    if let Some(n) = m.stopped {
        miss.push_str(&format!(
            "; m.stopped after {n} of {}: {} s budget",
            args.rewrites,
            REWRITE_BUDGET.as_secs()
        ));
    }
    rows.push(row(
        format!("note rewritten on disk → new text in hovers{miss}"),
        m.rewrite.show(),
        "p99 ≤ 300 ms",
        Some(m.rewrite.p99() <= 300.0 && m.rewrite_misses == 0),
    ));
    rows.push(row(
        "peak RSS (VmHWM), with the vault, at the end",
        format!(
            "{} (after the first index {}; RSS at the end {})",
            mib(m.rss_vault),
            mib(m.rss_after_index),
            mib(m.rss_vault_now)
        ),
        "≤ 150 MiB",
        m.rss_vault.map(|k| k as f64 / 1024.0 <= 150.0),
    ));
    rows.push(row(
        "peak RSS (VmHWM), built-in notes only",
        mib(rss_builtin),
        "≤ 30 MiB",
        rss_builtin.map(|k| k as f64 / 1024.0 <= 30.0),
    ));
    for (label, lat, cards) in builtin_hovers {
        rows.push(row(
            format!(
                "hover, built-in notes only, {label} ({cards}/{} cards)",
                lat.ms.len()
            ),
            lat.show(),
            "—",
            None,
        ));
    }
    match &gopls {
        Ok(g) => {
            for (label, lat, answered) in &g.per_file {
                rows.push(row(
                    format!(
                        "gopls hover, {label} ({answered}/{} answered)",
                        lat.ms.len()
                    ),
                    lat.show(),
                    "—",
                    None,
                ));
                let ours = m
                    .hover_rows
                    .iter()
                    .find(|(l, ..)| l == label)
                    .map(|(_, lat, ..)| lat.p99())
                    .unwrap_or(f64::NAN);
                let ratio = lat.p99() / ours;
                rows.push(row(
                    format!("gopls p99 ÷ gonotes p99, {label}"),
                    format!("{ratio:.1}× (gopls {} vs {})", ms(lat.p99()), ms(ours)),
                    "≥ 10×",
                    Some(ratio >= 10.0),
                ));
            }
            rows.push(row(
                "gopls: load std until the first hover answers; peak RSS",
                format!("{:.1} s; {}", g.load_s, mib(g.rss_kib)),
                "—",
                None,
            ));
        }
        Err(e) => rows.push(status_row(
            "gopls hover p99 ratio",
            e.clone(),
            "≥ 10×",
            "skip",
        )),
    }
    rows
}

/// The report: what was measured on what, the table, and the slowest hovers.
fn report(
    args: &Args,
    setup: &Setup,
    go_files: &[GoFile],
    gopls: &Result<GoplsResult, String>,
    rows: &[Row],
    slow: &str,
    started: Instant,
) -> String {
    let v = &setup.vault;
    let git = sh(&format!(
        "cd '{}' && git rev-parse --short HEAD 2>/dev/null",
        setup.repo.display()
    ));
    let dirty = sh(&format!(
        "cd '{}' && git status --porcelain -- src Cargo.toml Cargo.lock 2>/dev/null | wc -l",
        setup.repo.display()
    ));
    let bin_time = std::fs::metadata(&args.gonotes)
        .ok()
        .and_then(|m| m.modified().ok());
    let src_time = newest_mtime(&setup.repo.join("src"));
    let stale = matches!((bin_time, src_time), (Some(b), Some(s)) if s > b);
    let mut out = String::new();
    out.push_str(&format!(
        "gonotes benchmark (issue 5) — {} — nproc {} — {} — {} MiB RAM\n",
        sh("date -u '+%Y-%m-%d %H:%M UTC'"),
        sh("nproc"),
        cpu_model(),
        sh("awk '/MemTotal/ {printf \"%d\", $2/1024}' /proc/meminfo"),
    ));
    out.push_str(&format!(
        "gonotes {} (git {}{}), binary {}{}\n",
        sh(&format!("'{}' --version", args.gonotes.display())).trim_start_matches("gonotes "),
        if git.is_empty() { "?" } else { &git },
        if dirty != "0" && !dirty.is_empty() {
            ", src has uncommitted changes"
        } else {
            ""
        },
        args.gonotes.display(),
        if stale {
            " — STALE: src/ is newer than the binary (run.sh --rebuild)"
        } else {
            ""
        },
    ));
    out.push_str(&format!(
        "vault: {} notes, {:.1} MB, seed {} ({}), {}\n",
        v.notes,
        v.bytes as f64 / 1e6,
        args.seed,
        if v.reused {
            "reused"
        } else {
            "generated this run"
        },
        v.dir.display()
    ));
    out.push_str(&format!(
        "Go files: {} ({:.0} KB), {} ({:.0} KB) from {}; {} hovers per file\n",
        go_files[0].label,
        go_files[0].text.len() as f64 / 1e3,
        go_files[1].label,
        go_files[1].text.len() as f64 / 1e3,
        args.go_src.display(),
        args.hovers
    ));
    match &gopls {
        Ok(g) => out.push_str(&format!("gopls: {}\n", g.version)),
        Err(e) => out.push_str(&format!("gopls: {e}\n")),
    }
    out.push_str(&format!(
        "load average at start {}; other cargo/rustc processes at start: {}; at end {} / {}\n\n",
        setup.load_at_start,
        setup.builds_at_start,
        sh("cut -d' ' -f1-3 /proc/loadavg"),
        sh("pgrep -x 'rustc|cargo' | wc -l")
    ));
    // each column as wide as its widest cell
    let width = |cell: fn(&Row) -> &str| {
        let widest = rows.iter().map(|r| cell(r).chars().count()).max();
        widest.unwrap_or(0).max(6)
    };
    let (w0, w1, w2) = (
        width(|r| &r.what),
        width(|r| &r.value),
        width(|r| &r.target),
    );
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(s.chars().count())));
    out.push_str(&format!(
        "| {} | {} | {} | status |\n",
        pad("figure", w0),
        pad("value", w1),
        pad("target", w2)
    ));
    out.push_str(&format!(
        "|{}|{}|{}|--------|\n",
        "-".repeat(w0 + 2),
        "-".repeat(w1 + 2),
        "-".repeat(w2 + 2)
    ));
    for r in rows {
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            pad(&r.what, w0),
            pad(&r.value, w1),
            pad(&r.target, w2),
            pad(&r.status, 6)
        ));
    }
    let passes = rows.iter().filter(|r| r.status == "PASS").count();
    let misses = rows.iter().filter(|r| r.status == "MISS").count();
    out.push_str(&format!(
        "\n{passes} PASS, {misses} MISS. Latencies are client-observed over stdio (request written → answer parsed). Whole run: {:.0} s.\n",
        started.elapsed().as_secs_f64()
    ));
    out.push_str("\nSlowest hovers with the vault (file:line:col, answer — time; the same spot hovered 5 times again):\n");
    out.push_str(slow);
    out
}

/// The whole run, step by step: the vault, the floors, the index, the session with the vault,
/// the built-in notes, gopls, then the report.
fn run(args: &Args) -> Result<(), String> {
    let started = Instant::now();
    let setup = prepare(args)?;
    if args.generate_only {
        println!("{}", setup.vault.dir.display());
        return Ok(());
    }
    let go_files = load_go_files(args)?;
    progress("floors: reading, pulldown-cmark, tree-sitter-go");
    let fl = floors(&setup.vault, &go_files);
    let (mut rows, pulldown_mbps) = floor_rows(&fl);
    let pulldown_s = fl.pulldown_s;
    drop(fl); // the vault's texts, read for the floors
    let (index_rows, (c, last)) = measure_index(args, &setup, pulldown_s, pulldown_mbps)?;
    rows.extend(index_rows);
    if args.index_only {
        for r in &rows {
            println!("{} | {} | {} | {}", r.what, r.value, r.target, r.status);
        }
        return Ok(());
    }
    let session = measure_session(args, c, &last, &setup.vault, &go_files)?;
    let (builtin_hovers, rss_builtin) = measure_builtin(args, &go_files)?;
    let gopls = measure_gopls(args, &go_files, &setup.scratch);
    rows.extend(result_rows(
        args,
        &session,
        &builtin_hovers,
        rss_builtin,
        &gopls,
    ));
    let out = report(
        args,
        &setup,
        &go_files,
        &gopls,
        &rows,
        &session.slow,
        started,
    );
    print!("{out}");
    if let Some(p) = &args.out {
        std::fs::write(p, &out).map_err(|e| format!("{}: {e}", p.display()))?;
        progress(&format!("table written to {}", p.display()));
    }
    Ok(())
}
