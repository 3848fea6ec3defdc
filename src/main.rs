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

OPTIONS:
    --notes PATH       a notes folder or file; repeatable. Without it: the built-in notes
    --builtin          with --notes: index the built-in notes too
    --max-bytes N      skip notes larger than N bytes (default 8 MiB)
    --summary          (index) totals only, not every section
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
    };
    while let Some(a) = it.next() {
        match a.as_str() {
            "-h" | "--help" => args.cmd = "help".into(),
            "-V" | "--version" => args.cmd = "version".into(),
            "--notes" => args
                .notes
                .push(PathBuf::from(it.next().ok_or("--notes needs a path")?)),
            "--builtin" => args.builtin = true,
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
        eprintln!("gonotes: skipped {}: {}", s.path.display(), s.reason);
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
        println!("skipped {}: {}", s.path.display(), s.reason);
    }
    // the process ends here: freeing every parsed note one by one would only delay the exit
    std::mem::forget(index);
    std::mem::forget(set);
    ExitCode::SUCCESS
}
