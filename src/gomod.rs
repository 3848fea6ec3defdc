//! Where the files of an import path are, as the `go` command finds them, without running it:
//! the module the importing folder belongs to (its `go.mod`: module path, `require`,
//! `replace`), the workspace's `go.work`, the module's `vendor` folder, the module cache
//! (`GOMODCACHE`, else `GOPATH/pkg/mod`, else `~/go/pkg/mod`), GOPATH trees (`GOPATH/src`), and
//! for a standard-library package the compiled-in table does not have (one newer than it),
//! `GOROOT/src` of the Go the user has (`GOROOT`, else what `go env GOROOT` reports).

use std::path::{Path, PathBuf};

/// What a `go.mod` states.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModFile {
    /// The module path.
    pub module: String,
    /// (module path, version) of each `require`.
    pub require: Vec<(String, String)>,
    pub replace: Vec<Replace>,
}

/// A `replace` directive: `old [version] => new [version]`, `new` a folder or a module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replace {
    pub old: String,
    pub old_version: Option<String>,
    pub new: String,
    pub new_version: Option<String>,
}

impl Replace {
    /// A replacement by a folder (`=> ../fork`, `=> ./local`, an absolute path).
    fn is_dir(&self) -> bool {
        self.new_version.is_none()
            && (self.new.starts_with("./")
                || self.new.starts_with("../")
                || Path::new(&self.new).is_absolute())
    }
}

/// The words of a directive's line: quoted strings unquoted, a `//` comment dropped.
fn words(line: &str) -> Vec<String> {
    let line = match line.find("//") {
        Some(i) => &line[..i],
        None => line,
    };
    let mut out = Vec::new();
    let mut rest = line.trim();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('"') {
            let end = r.find('"').unwrap_or(r.len());
            out.push(r[..end].to_string());
            rest = r.get(end + 1..).unwrap_or("").trim_start();
        } else if let Some(r) = rest.strip_prefix('`') {
            let end = r.find('`').unwrap_or(r.len());
            out.push(r[..end].to_string());
            rest = r.get(end + 1..).unwrap_or("").trim_start();
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            out.push(rest[..end].to_string());
            rest = rest[end..].trim_start();
        }
    }
    out
}

/// Each directive of a `go.mod` or `go.work` as (verb, its words), blocks (`require ( ... )`)
/// spread to one directive per line.
fn directives(text: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let mut block: Option<String> = None;
    for line in text.lines() {
        let w = words(line);
        if w.is_empty() {
            continue;
        }
        match &block {
            Some(verb) => {
                if w[0] == ")" {
                    block = None;
                } else {
                    out.push((verb.clone(), w));
                }
            }
            None => {
                if w.len() == 2 && w[1] == "(" {
                    block = Some(w[0].clone());
                } else {
                    out.push((w[0].clone(), w[1..].to_vec()));
                }
            }
        }
    }
    out
}

/// Reads a `go.mod`'s text.
pub fn parse_go_mod(text: &str) -> ModFile {
    let mut m = ModFile::default();
    for (verb, w) in directives(text) {
        match (verb.as_str(), w.as_slice()) {
            ("module", [path, ..]) => m.module = path.clone(),
            ("require", [path, version, ..]) => m.require.push((path.clone(), version.clone())),
            ("replace", w) => {
                let Some(arrow) = w.iter().position(|x| x == "=>") else {
                    continue;
                };
                let (old, new) = (&w[..arrow], &w[arrow + 1..]);
                let (Some(o), Some(n)) = (old.first(), new.first()) else {
                    continue;
                };
                m.replace.push(Replace {
                    old: o.clone(),
                    old_version: old.get(1).cloned(),
                    new: n.clone(),
                    new_version: new.get(1).cloned(),
                });
            }
            _ => {}
        }
    }
    m
}

/// The folders a `go.work` uses.
pub fn parse_go_work(text: &str) -> Vec<String> {
    directives(text)
        .into_iter()
        .filter(|(verb, w)| verb == "use" && !w.is_empty())
        .map(|(_, w)| w[0].clone())
        .collect()
}

/// A module path or version as the module cache spells it: each capital letter as `!` and
/// its lower case (`github.com/BurntSushi/toml` -> `github.com/!burnt!sushi/toml`).
pub fn escape(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 4);
    for c in path.chars() {
        if c.is_ascii_uppercase() {
            out.push('!');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether `import` is `module` or a package inside it; the rest of the path (`""` or
/// `"/sub/pkg"`).
fn within<'a>(import: &'a str, module: &str) -> Option<&'a str> {
    let rest = import.strip_prefix(module)?;
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}

/// A module on disk: its root folder and what its `go.mod` says.
#[derive(Clone, Debug)]
struct Module {
    root: PathBuf,
    file: ModFile,
}

impl Module {
    fn read(root: &Path) -> Option<Module> {
        let text = std::fs::read_to_string(root.join("go.mod")).ok()?;
        Some(Module {
            root: root.to_path_buf(),
            file: parse_go_mod(&text),
        })
    }
}

/// The settings the lookup reads from the environment (`go env` would report the same).
#[derive(Clone, Debug, Default)]
pub struct GoEnv {
    pub gomodcache: Option<PathBuf>,
    pub gopath: Vec<PathBuf>,
    /// `GOWORK`: `Some("off")` turns workspaces off; a path names the go.work.
    pub gowork: Option<String>,
    pub goroot: Option<PathBuf>,
}

impl GoEnv {
    /// From the process's environment, with Go's defaults (`GOPATH` is `~/go`).
    pub fn from_env() -> GoEnv {
        let non_empty = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
        let gopath: Vec<PathBuf> = match non_empty("GOPATH") {
            Some(v) => std::env::split_paths(&v).collect(),
            None => std::env::home_dir()
                .map(|h| vec![h.join("go")])
                .unwrap_or_default(),
        };
        let gomodcache = non_empty("GOMODCACHE")
            .map(PathBuf::from)
            .or_else(|| gopath.first().map(|g| g.join("pkg").join("mod")));
        GoEnv {
            gomodcache,
            gopath,
            gowork: non_empty("GOWORK").map(|v| v.to_string_lossy().into_owned()),
            goroot: non_empty("GOROOT")
                .map(PathBuf::from)
                .or_else(go_env_goroot),
        }
    }
}

/// What `go env GOROOT` reports, asked once per process; `None` without a `go` command.
fn go_env_goroot() -> Option<PathBuf> {
    static GOROOT: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    GOROOT
        .get_or_init(|| {
            let out = std::process::Command::new("go")
                .args(["env", "GOROOT"])
                .stdin(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .output()
                .ok()?;
            let root = String::from_utf8(out.stdout).ok()?;
            let root = root.trim();
            (out.status.success() && !root.is_empty()).then(|| PathBuf::from(root))
        })
        .clone()
}

/// Whether an import path is the standard library's form: no dot in its first element.
pub fn is_std_path(import: &str) -> bool {
    !import.split('/').next().unwrap_or("").contains('.')
}

/// Finds the folder of import paths for the Go files of one folder.
#[derive(Clone, Debug)]
pub struct Finder {
    /// The module of the folder, then the other modules of its workspace.
    modules: Vec<Module>,
    env: GoEnv,
}

impl Finder {
    /// For the Go files of `dir`: its module is the nearest folder up with a `go.mod`; its
    /// workspace the nearest `go.work` up (or `GOWORK`'s).
    pub fn for_dir(dir: &Path, env: &GoEnv) -> Finder {
        let mut modules = Vec::new();
        if let Some(root) = dir.ancestors().find(|d| d.join("go.mod").is_file()) {
            modules.extend(Module::read(root));
        }
        let work = match env.gowork.as_deref() {
            Some("off") => None,
            Some(path) => Some(PathBuf::from(path)),
            None => dir
                .ancestors()
                .map(|d| d.join("go.work"))
                .find(|w| w.is_file()),
        };
        if let Some(work) = work {
            let base = work.parent().unwrap_or(Path::new("."));
            if let Ok(text) = std::fs::read_to_string(&work) {
                for u in parse_go_work(&text) {
                    let root = base.join(u);
                    if modules.iter().any(|m| m.root == root) {
                        continue;
                    }
                    modules.extend(Module::read(&root));
                }
            }
        }
        Finder {
            modules,
            env: env.clone(),
        }
    }

    /// Whether the folder is Go's own source tree (the modules `std` and `cmd` of GOROOT/src):
    /// its imports are the standard library's, which the compiled-in table describes, and
    /// what it vendors.
    pub fn in_goroot(&self) -> bool {
        self.modules
            .first()
            .is_some_and(|m| m.file.module == "std" || m.file.module == "cmd")
    }

    /// The folder holding the package `import`, when it is on disk.
    pub fn dir_of(&self, import: &str) -> Option<PathBuf> {
        let existing = |p: PathBuf| p.is_dir().then_some(p);
        if is_std_path(import) {
            let goroot = self.env.goroot.as_ref()?;
            return existing(join(&goroot.join("src"), &format!("/{import}")));
        }
        // a package of the module itself, or of a module of the workspace
        for m in &self.modules {
            if let Some(rest) = within(import, &m.file.module).filter(|_| !m.file.module.is_empty())
            {
                return existing(join(&m.root, rest));
            }
        }
        if let Some(main) = self.modules.first() {
            if main.root.join("vendor").join("modules.txt").is_file() {
                if let Some(d) = existing(join(&main.root.join("vendor"), &format!("/{import}"))) {
                    return Some(d);
                }
            }
            if let Some(d) = self.required(main, import) {
                return Some(d);
            }
        }
        self.env
            .gopath
            .iter()
            .find_map(|g| existing(join(&g.join("src"), &format!("/{import}"))))
    }

    /// Through the main module's `require` (the longest module path that holds `import`) and
    /// its `replace` directives.
    fn required(&self, main: &Module, import: &str) -> Option<PathBuf> {
        let (module, version, rest) = main
            .file
            .require
            .iter()
            .filter_map(|(m, v)| Some((m, v, within(import, m)?)))
            .max_by_key(|(m, _, _)| m.len())?;
        let replace = main
            .file
            .replace
            .iter()
            .find(|r| r.old == *module && r.old_version.as_ref().is_none_or(|v| v == version));
        let (module, version) = match replace {
            Some(r) if r.is_dir() => {
                let dir = join(&main.root.join(&r.new), rest);
                return dir.is_dir().then_some(dir);
            }
            Some(r) => (r.new.as_str(), r.new_version.as_deref().unwrap_or(version)),
            None => (module.as_str(), version.as_str()),
        };
        let cache = self.env.gomodcache.as_ref()?;
        let root = cache.join(format!("{}@{}", escape(module), escape(version)));
        let dir = join(&root, rest);
        dir.is_dir().then_some(dir)
    }
}

/// `base` joined with `rest` (`""` or `/a/b`), element by element.
fn join(base: &Path, rest: &str) -> PathBuf {
    let mut p = base.to_path_buf();
    for part in rest.split('/').filter(|s| !s.is_empty()) {
        p.push(part);
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_mod_directives_single_and_in_blocks() {
        let m = parse_go_mod(
            "module example.com/app // the app\n\ngo 1.21\n\n\
             require github.com/spf13/pflag v1.0.5\n\
             require (\n\tgithub.com/BurntSushi/toml v1.3.2\n\
             \tgolang.org/x/sync v0.5.0 // indirect\n)\n\
             replace example.com/lib => ../lib\n\
             replace (\n\tgolang.org/x/sync v0.5.0 => golang.org/x/sync v0.6.0\n)\n",
        );
        assert_eq!(m.module, "example.com/app");
        assert_eq!(
            m.require,
            vec![
                ("github.com/spf13/pflag".into(), "v1.0.5".into()),
                ("github.com/BurntSushi/toml".into(), "v1.3.2".into()),
                ("golang.org/x/sync".into(), "v0.5.0".into()),
            ]
        );
        assert_eq!(m.replace.len(), 2);
        assert!(m.replace[0].is_dir() && m.replace[0].new == "../lib");
        assert_eq!(m.replace[1].old_version.as_deref(), Some("v0.5.0"));
        assert_eq!(m.replace[1].new_version.as_deref(), Some("v0.6.0"));
        assert!(!m.replace[1].is_dir());
    }

    #[test]
    fn go_work_uses() {
        assert_eq!(
            parse_go_work("go 1.21\n\nuse (\n\t./app\n\t\"./lib\"\n)\nuse ./tools\n"),
            vec!["./app", "./lib", "./tools"]
        );
    }

    #[test]
    fn cache_escapes_capitals() {
        assert_eq!(
            escape("github.com/BurntSushi/toml"),
            "github.com/!burnt!sushi/toml"
        );
        assert_eq!(escape("v1.0.0-RC1"), "v1.0.0-!r!c1");
    }

    #[test]
    fn std_paths_have_no_dot_first() {
        assert!(is_std_path("net/http") && is_std_path("iter"));
        assert!(!is_std_path("example.com/app") && !is_std_path("golang.org/x/sync/errgroup"));
    }

    #[test]
    fn within_a_module_by_whole_elements() {
        assert_eq!(
            within("example.com/app/store", "example.com/app"),
            Some("/store")
        );
        assert_eq!(within("example.com/app", "example.com/app"), Some(""));
        assert_eq!(within("example.com/apple", "example.com/app"), None);
    }
}
