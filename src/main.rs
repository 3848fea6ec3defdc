//! The `gonotes` command: the language server (`gonotes lsp`) and the CLI over the core.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use gonotes::load::{self, LoadOptions};
use gonotes::notes::Limits;
use gonotes::text::{Encoding, LineCol, LineIndex};
use gonotes::{go, lookup};

const HELP: &str = "\
gonotes — what your own Markdown notes say about the Go code under the cursor

USAGE:
    gonotes lsp                               the language server, over stdio
    gonotes lookup SYMBOL [OPTIONS]           the note card for a Go name
    gonotes hover FILE:LINE:COL [OPTIONS]     the card an editor would show at that spot
    gonotes search QUERY... [OPTIONS]         note sections about a topic (Chinese too)
    gonotes index [PATH]... [--summary]       what gets indexed: sections, keys, skipped files
    gonotes capture FILE:LINE[-LINE] [--to NOTE] [--comment TEXT] [--notes PATH]
                                              lines of a Go file into the notes

COMMANDS:
    lsp      Speaks LSP 3.17 on stdin/stdout; configuration comes from the editor
             (see the README). Logs go to stderr; GONOTES_LOG=error|warn|info|debug sets
             their level.
    lookup   SYMBOL is a Go name as the notes file it: sync.Once, runtime.Gosched,
             sync.WaitGroup.Add, defer, select, chan, <-, make, _, 'struct tag'.
             Prints the card; exits 1 with \"no note for SYMBOL\" when none matches.
    hover    FILE is a Go source file; LINE and COL are 1-based, COL counted in characters.
             Exits 1 when the notes say nothing there.
    search   Prints matching sections, best first, one per line with its location.
    index    Indexes the given folders or files (default: the built-in notes) and prints every
             section with its keys, then totals, skipped files with the reason, and the time.
    capture  Writes lines LINE to LINE (1-based) of a Go file into the notes, as a fenced go
             block with a link back and the date: into the section of a --notes folder that
             answers the code's Go name, else into inbox.md of the first --notes folder under
             a heading for the name (## sync.Once; ## Unsorted when there is none). --to NOTE
             writes into that note instead. The note is replaced atomically, never when it
             changed meanwhile.

OPTIONS:
    --notes PATH       a notes folder or file; repeatable. Without it: the built-in notes
    --builtin          with --notes: index the built-in notes too
    --max-bytes N      skip notes larger than N bytes (default 8 MiB)
    --summary          (index) totals only, not every section
    --to NOTE          (capture) the note to write into
    --comment TEXT     (capture) a one-line comment written with the code
    -h, --help         this text
    -V, --version      the version
";

struct Args {
    cmd: String,
    positional: Vec<String>,
    notes: Vec<PathBuf>,
    builtin: bool,
    summary: bool,
    limits: Limits,
    to: Option<PathBuf>,
    comment: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let mut args = Args {
        cmd: String::new(),
        positional: Vec::new(),
        notes: Vec::new(),
        builtin: false,
        summary: false,
        limits: Limits::default(),
        to: None,
        comment: None,
    };
    while let Some(a) = it.next() {
        match a.as_str() {
            "-h" | "--help" => args.cmd = "help".into(),
            "-V" | "--version" => args.cmd = "version".into(),
            "--notes" => args
                .notes
                .push(PathBuf::from(it.next().ok_or("--notes needs a path")?)),
            "--builtin" => args.builtin = true,
            "--to" => args.to = Some(PathBuf::from(it.next().ok_or("--to needs a note")?)),
            "--comment" => args.comment = Some(it.next().ok_or("--comment needs a text")?),
            "--summary" => args.summary = true,
            // clients add it for the stdio transport, which is the only one
            "--stdio" => {}
            "--max-bytes" => {
                let v = it.next().ok_or("--max-bytes needs a number")?;
                args.limits.max_bytes = v
                    .parse()
                    .map_err(|_| format!("--max-bytes: not a number: {v}"))?;
            }
            s if s.starts_with("--") => return Err(format!("unknown option {s}")),
            _ if args.cmd.is_empty() => args.cmd = a,
            _ => args.positional.push(a),
        }
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("gonotes: {e}\n\n{HELP}");
            return ExitCode::from(2);
        }
    };
    if args.cmd != "lsp" {
        // the commands report what they skipped themselves; GONOTES_LOG shows more
        gonotes::log::init(gonotes::log::Level::Error);
    }
    match args.cmd.as_str() {
        "" | "help" => {
            print!("{HELP}");
            ExitCode::SUCCESS
        }
        "version" => {
            println!("gonotes {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        "lsp" => gonotes::lsp::run(),
        "lookup" => cmd_lookup(&args),
        "hover" => cmd_hover(&args),
        "search" => cmd_search(&args),
        "index" => cmd_index(&args),
        "capture" => cmd_capture(&args),
        other => {
            eprintln!("gonotes: unknown command {other}\n\n{HELP}");
            ExitCode::from(2)
        }
    }
}

fn options(args: &Args) -> LoadOptions {
    LoadOptions {
        paths: args.notes.clone(),
        builtin: args.notes.is_empty() || args.builtin,
        limits: args.limits,
        aliases: Default::default(),
    }
}

fn load_index(args: &Args) -> gonotes::index::Index {
    let (index, skipped) = load::load(&options(args));
    for s in skipped {
        eprintln!("gonotes: {s}");
    }
    index
}

fn cmd_lookup(args: &Args) -> ExitCode {
    let Some(symbol) = args.positional.first() else {
        eprintln!("gonotes lookup: which symbol? e.g. gonotes lookup sync.Once");
        return ExitCode::from(2);
    };
    let symbol = symbol.trim();
    let index = load_index(args);
    match lookup::card(&index, &go::fallbacks(symbol)) {
        Some(card) => {
            print!("{}", card.plain());
            ExitCode::SUCCESS
        }
        None => {
            eprintln!("no note for {symbol}");
            ExitCode::from(1)
        }
    }
}

fn cmd_hover(args: &Args) -> ExitCode {
    let Some(spot) = args.positional.first() else {
        eprintln!("gonotes hover: which spot? e.g. gonotes hover main.go:12:5");
        return ExitCode::from(2);
    };
    let mut parts = spot.rsplitn(3, ':');
    let (col, line, file) = (parts.next(), parts.next(), parts.next());
    let (Some(file), Some(Ok(line)), Some(Ok(col))) = (
        file,
        line.map(str::parse::<u32>),
        col.map(str::parse::<u32>),
    ) else {
        eprintln!("gonotes hover: expected FILE:LINE:COL (1-based), got {spot}");
        return ExitCode::from(2);
    };
    let text = match std::fs::read(file) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) => {
            eprintln!("gonotes hover: cannot read {file}: {e}");
            return ExitCode::from(2);
        }
    };
    let index = load_index(args);
    let lines = LineIndex::new(&text);
    let pos = LineCol {
        line: line.saturating_sub(1),
        col: col.saturating_sub(1),
    };
    let offset = lines.offset(&text, pos, Encoding::Utf32);
    let mut parser = go::parser();
    let Some(tree) = go::parse(&mut parser, &text, None) else {
        eprintln!("gonotes hover: cannot parse {file}");
        return ExitCode::from(2);
    };
    // the other files of its package, as the language server reads them
    let package = load::go_package(std::path::Path::new(file), &text, &tree);
    let symbol = go::symbol_in_package(&tree, &text, offset, Some(&package));
    match symbol.as_ref().and_then(|s| lookup::card(&index, &s.keys)) {
        Some(card) => {
            print!("{}", card.plain());
            ExitCode::SUCCESS
        }
        None => {
            match symbol {
                Some(s) => eprintln!("no note for {} at {spot}", s.keys[0]),
                None => eprintln!("no Go name the notes could hold at {spot}"),
            }
            ExitCode::from(1)
        }
    }
}

fn cmd_search(args: &Args) -> ExitCode {
    let query = args.positional.join(" ");
    let index = load_index(args);
    let hits = index.search(&query, 20);
    if hits.is_empty() {
        eprintln!("no section matches {query}");
        return ExitCode::from(1);
    }
    for (at, score) in hits {
        if let Some(l) = lookup::link(&index, at) {
            println!("{score:>4}  {}  {}", l.title, l.target());
        }
    }
    ExitCode::SUCCESS
}

fn cmd_index(args: &Args) -> ExitCode {
    let mut opts = options(args);
    if !args.positional.is_empty() {
        opts.paths.extend(args.positional.iter().map(PathBuf::from));
        opts.builtin = args.builtin;
    }
    let started = Instant::now();
    let mut set = load::NoteSet::new();
    let refresh = set.refresh_all(&opts);
    let tables = Instant::now();
    let index = set.index();
    let tables = tables.elapsed();
    let elapsed = started.elapsed();
    if !args.summary {
        for (ni, entry) in index.notes().iter().enumerate() {
            println!("{}  ({})", entry.name, entry.uri);
            for (si, sec) in entry.note.sections.iter().enumerate() {
                if sec.level == 0 && sec.keys.is_empty() && !sec.has_content() {
                    continue;
                }
                let keys: Vec<String> = sec
                    .keys
                    .iter()
                    .map(|k| format!("{}[{}]", k.name, k.source.label()))
                    .collect();
                let at = gonotes::index::SectionRef {
                    note: ni as u32,
                    section: si as u32,
                };
                let title = lookup::link(&index, at)
                    .map(|l| l.title)
                    .unwrap_or_default();
                println!(
                    "  L{:<5} {} {}  keys: {}",
                    sec.line + 1,
                    "#".repeat(sec.level as usize),
                    title,
                    keys.join(", ")
                );
            }
        }
    }
    let st = index.stats();
    let skipped = set.skipped();
    let mb = st.bytes as f64 / 1e6;
    println!(
        "indexed {} {}, {} sections, {} keys, {} snippets ({} Go), {:.2} MB in {:.1} ms ({:.1} MB/s); {} skipped",
        st.notes,
        if st.notes == 1 { "note" } else { "notes" },
        st.sections,
        st.keys,
        st.snippets,
        st.go_snippets,
        mb,
        elapsed.as_secs_f64() * 1e3,
        mb / elapsed.as_secs_f64().max(1e-9),
        skipped.len()
    );
    println!(
        "  {} key entries, {:.1} MB of excerpts; walk {:.1} ms, read + parse {:.1} ms, tables {:.1} ms",
        st.hits,
        st.excerpt_bytes as f64 / 1e6,
        refresh.walk.as_secs_f64() * 1e3,
        refresh.parse.as_secs_f64() * 1e3,
        tables.as_secs_f64() * 1e3
    );
    for s in &skipped {
        println!("{s}");
    }
    // the process ends here: freeing every parsed note one by one would only delay the exit
    std::mem::forget(index);
    std::mem::forget(set);
    ExitCode::SUCCESS
}

fn cmd_capture(args: &Args) -> ExitCode {
    match capture(args) {
        Ok(message) => {
            println!("{message}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gonotes capture: {e}");
            ExitCode::from(2)
        }
    }
}

fn absolute(p: &std::path::Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    })
}

fn capture(args: &Args) -> Result<String, String> {
    use gonotes::{capture, notefile};
    let spot = args
        .positional
        .first()
        .ok_or("which lines? e.g. gonotes capture main.go:12-14 --notes ~/notes")?;
    let (file, lines) = spot
        .rsplit_once(':')
        .ok_or_else(|| format!("expected FILE:LINE[-LINE], got {spot}"))?;
    let (a, b) = lines.split_once('-').unwrap_or((lines, lines));
    let (Ok(a), Ok(b)) = (a.trim().parse::<u32>(), b.trim().parse::<u32>()) else {
        return Err(format!("expected FILE:LINE[-LINE] (1-based), got {spot}"));
    };
    let path = std::path::Path::new(file);
    if !load::is_go_file(path) {
        return Err(format!("{file} is not a Go file; capture works on Go code"));
    }
    let (_, text) = load::read_go(path).map_err(|e| format!("cannot read {file}: {e}"))?;
    let index = LineIndex::new(&text);
    let at = |line: u32| index.offset(&text, LineCol { line, col: 0 }, Encoding::Utf8);
    let (a, b) = (a.max(1), b.max(a.max(1)));
    let range = at(a - 1)..at(b).max(at(a - 1));
    let range = if b as usize >= index.line_count() {
        range.start..text.len()
    } else {
        range
    };
    let snippet = capture::snippet(&text, range.clone()).map_err(|e| e.to_string())?;
    let tree = go::parse(&mut go::parser(), &text, None).ok_or("cannot parse the Go file")?;
    let package = load::go_package(path, &text, &tree);
    let symbol = capture::symbol_of(&tree, &text, range, Some(&package));
    let roots: Vec<PathBuf> = args.notes.iter().map(|p| absolute(p)).collect();
    let target = match &args.to {
        Some(note) => {
            let note = absolute(note);
            let heading = symbol.clone().unwrap_or_else(|| capture::UNSORTED.into());
            capture::Target {
                title: format!("{} › {heading}", note.display()),
                note,
                place: capture::Place::Heading(heading),
            }
        }
        None => {
            let inbox = roots
                .iter()
                .find(|p| p.is_dir())
                .map(|f| f.join("inbox.md"))
                .or_else(|| roots.first().cloned())
                .ok_or("no notes folder to write to: pass --notes FOLDER or --to NOTE")?;
            let opts = LoadOptions {
                paths: roots.clone(),
                builtin: false,
                limits: args.limits,
                aliases: Default::default(),
            };
            let (notes, _) = load::load(&opts);
            capture::target(&notes, symbol.as_deref(), &inbox, |p| {
                roots.iter().any(|r| p.starts_with(r))
            })
        }
    };
    let read = notefile::read_for_capture(&target.note)?;
    let current = read.text();
    let go_abs = absolute(path);
    let cwd = std::env::current_dir().ok();
    let display = cwd
        .as_deref()
        .and_then(|d| go_abs.strip_prefix(d).ok())
        .map_or_else(|| go_abs.display().to_string(), |p| p.display().to_string());
    let folder = target.note.parent().map(PathBuf::from).unwrap_or_default();
    let source = capture::SourceRef {
        display,
        target: capture::relative(&folder, &go_abs),
    };
    let date = capture::date(std::time::SystemTime::now());
    let block = capture::entry(&snippet, &source, &date, args.comment.as_deref());
    let ins = capture::insertion(&current, &target.place, &block).map_err(|e| e.to_string())?;
    notefile::write(&read, &ins.apply(&current))?;
    Ok(format!(
        "added {}:{}-{} to {} ({})",
        source.display,
        snippet.first_line,
        snippet.last_line,
        target.title,
        target.note.display()
    ))
}
