//! The module graph of `src/` has no import cycles.
//!
//! Reads every `src/**/*.rs` (no dependencies: a small scanner, not a Rust
//! parser), finds the paths that name another module — `use crate::a::b`,
//! `crate::a::b::f()` in code, `super::x` — and builds the graph at file
//! level: an edge from a file to the file that declares the module the path
//! reaches. A module reaching its own children by a relative path (`child::x`)
//! is not an edge (a parent declares its children). Code under `#[cfg(test)]`
//! (test modules, inline or in their own file) is left out: tests may reach
//! anywhere, the code that ships may not. `src/main.rs` is a crate of its own.
//!
//! Every strongly connected part of the graph with more than one file is a
//! cycle and fails the test, except those listed in [`ALLOWED`]: cycles that
//! exist today in files being rewritten. Empty that list as they go. The
//! graph folded to top-level modules (`cli`, `demo`, `storage`, `tui`, ...)
//! has no cycle at all, with no exceptions.
//!
//! `cargo test --test architecture -- --nocapture` prints every cycle found.
// Test code: a failed expectation is the test (or benchmark run) failing, said with unwrap, expect or panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::unreachable)]

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fs;
use std::path::{Path, PathBuf};

/// Cycles tolerated for now, each as the file-path prefixes its files all
/// fall under: a cycle passes when every file in it matches one entry's
/// prefixes. Remove an entry when its cycle is gone (the test says so).
const ALLOWED: &[(&str, &[&str])] = &[];

/// A module path from the crate root (`["storage", "sql"]`).
type ModPath = Vec<String>;

struct SourceFile {
    /// Relative to the crate, with `/` (`src/storage/sql.rs`).
    name: String,
    module: ModPath,
    text: String,
}

#[test]
fn src_has_no_import_cycles_outside_the_allowlist() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = read_sources(root);
    assert!(files.len() > 20, "found only {} files under src/", files.len());
    let graph = module_graph(&files);
    let cycles = strongly_connected(&graph);
    let mut failures = Vec::new();
    let mut used = vec![false; ALLOWED.len()];
    for cycle in &cycles {
        let allowed = ALLOWED
            .iter()
            .position(|(_, prefixes)| cycle.iter().all(|file| prefixes.iter().any(|p| file.starts_with(p))));
        let path = shortest_cycle(&graph, cycle);
        let shown = format!("{} files: {}\n    e.g. {}", cycle.len(), cycle.join(", "), path.join(" -> "));
        match allowed {
            Some(i) => {
                used[i] = true;
                println!("allowed cycle ({}): {shown}", ALLOWED[i].0);
            }
            None => {
                println!("CYCLE: {shown}");
                failures.push(shown);
            }
        }
    }
    // Between top-level modules (`cli`, `demo`, `storage`, ...) there is no cycle at all.
    let top = top_level(&graph);
    for cycle in strongly_connected(&top) {
        let shown = format!("top-level modules: {}", shortest_cycle(&top, &cycle).join(" -> "));
        println!("CYCLE: {shown}");
        failures.push(shown);
    }
    println!(
        "{} files, {} edges, {} cycles",
        graph.len(),
        graph.values().map(BTreeSet::len).sum::<usize>(),
        cycles.len()
    );
    assert!(
        failures.is_empty(),
        "import cycles in src/ (how the graph is built: the top of tests/architecture.rs):\n  {}",
        failures.join("\n  ")
    );
    let stale: Vec<&str> = ALLOWED.iter().zip(&used).filter(|(_, used)| !**used).map(|((name, _), _)| *name).collect();
    assert!(
        stale.is_empty(),
        "these allowed cycles are gone: remove them from ALLOWED in tests/architecture.rs: {stale:?}"
    );
}

fn read_sources(root: &Path) -> Vec<SourceFile> {
    let mut paths = Vec::new();
    walk(&root.join("src"), &mut paths);
    paths.sort();
    let mut files = Vec::new();
    for path in paths {
        let name = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
        if name == "src/main.rs" {
            continue;
        }
        let text = strip_comments_and_literals(&fs::read_to_string(&path).unwrap());
        files.push(SourceFile { module: module_of(&name), name, text });
    }
    files
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/lib.rs` -> `[]`, `src/a/mod.rs` and `src/a.rs` -> `[a]`, `src/a/b.rs` -> `[a, b]`.
fn module_of(name: &str) -> ModPath {
    let inner = name.trim_start_matches("src/").trim_end_matches(".rs");
    let mut parts: ModPath = inner.split('/').map(str::to_string).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// File -> the files it reaches, for the code that ships.
fn module_graph(files: &[SourceFile]) -> BTreeMap<String, BTreeSet<String>> {
    let by_module: BTreeMap<&ModPath, &str> = files.iter().map(|f| (&f.module, f.name.as_str())).collect();
    // Modules declared `#[cfg(test)] mod x;` (and everything under them) are test code.
    let mut test_modules: Vec<ModPath> = Vec::new();
    for f in files {
        for (inner, name, is_test, body) in module_items(&f.text) {
            if is_test && body.is_none() {
                let mut m = f.module.clone();
                m.extend(inner);
                m.push(name);
                test_modules.push(m);
            }
        }
    }
    let mut graph = BTreeMap::new();
    for f in files {
        let edges: &mut BTreeSet<String> = graph.entry(f.name.clone()).or_default();
        if test_modules.iter().any(|t| f.module.starts_with(t)) {
            continue;
        }
        for (inner_module, path) in module_paths(&f.text) {
            let mut here = f.module.clone();
            here.extend(inner_module);
            let Some(target) = resolve(&here, &path) else { continue };
            // The longest prefix of the path that is a file's module.
            let file = (0..=target.len()).rev().find_map(|n| by_module.get(&target[..n].to_vec()).copied());
            if let Some(file) = file
                && file != f.name
            {
                edges.insert(file.to_string());
            }
        }
    }
    graph
}

/// The graph between top-level modules (`src/storage/**` is `storage`).
fn top_level(graph: &BTreeMap<String, BTreeSet<String>>) -> BTreeMap<String, BTreeSet<String>> {
    let top = |f: &str| f.trim_start_matches("src/").split(['/', '.']).next().unwrap_or_default().to_string();
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, tos) in graph {
        let edges = out.entry(top(from)).or_default();
        edges.extend(tos.iter().map(|t| top(t)).filter(|t| *t != top(from)));
    }
    out
}

/// A path as written (`crate::a::b`, `super::super::c`, `self::d`) from
/// module `here`, as a path from the crate root.
fn resolve(here: &ModPath, path: &[String]) -> Option<ModPath> {
    let mut segments = path.iter();
    let mut out = match segments.next()?.as_str() {
        "crate" => Vec::new(),
        "self" => here.clone(),
        "super" => {
            let mut m = here.clone();
            m.pop()?;
            m
        }
        _ => return None,
    };
    for s in segments {
        match s.as_str() {
            "super" => {
                out.pop()?;
            }
            "self" => {}
            _ => out.push(s.clone()),
        }
    }
    Some(out)
}

/// Replaces comments, string and character literals with spaces (keeping
/// line breaks), so braces and `::` in them do not count.
fn strip_comments_and_literals(src: &str) -> String {
    let c: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    let blank = |ch: char| if ch == '\n' { '\n' } else { ' ' };
    while i < c.len() {
        let next = c.get(i + 1).copied();
        if c[i] == '/' && next == Some('/') {
            while i < c.len() && c[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c[i] == '/' && next == Some('*') {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(c[i]));
                    i += 1;
                }
            }
        } else if c[i] == 'r' && (next == Some('"') || next == Some('#')) && raw_string_can_start(&c, i) {
            // A raw string r"..", r#".."#, br"..".
            let mut j = i + 1;
            let mut hashes = 0;
            while c.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if c.get(j) != Some(&'"') {
                out.push(c[i]);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= c.len() {
                    break;
                }
                if c[j] == '"' && (1..=hashes).all(|h| c.get(j + h) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            for &ch in &c[i..j.min(c.len())] {
                out.push(blank(ch));
            }
            i = j;
        } else if c[i] == '"' {
            out.push(' ');
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < c.len() {
                    out.push(blank(c[i]));
                    i += 1;
                }
            }
            out.push(' ');
            i += 1;
        } else if c[i] == '\'' {
            // A character literal ('x', '\n', '\u{1F600}') or a lifetime ('a).
            if next == Some('\\') {
                let mut j = i + 2;
                while j < c.len() && c[j] != '\'' {
                    j += 1;
                }
                out.extend(std::iter::repeat_n(' ', j + 1 - i));
                i = j + 1;
            } else if c.get(i + 2) == Some(&'\'') {
                out.push_str("   ");
                i += 3;
            } else {
                out.push('\'');
                i += 1;
            }
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

/// Whether an `r` at `i` can begin a raw string (`r"`, `br"`), not end an identifier.
fn raw_string_can_start(c: &[char], i: usize) -> bool {
    let before = |n: usize| i.checked_sub(n).map(|p| c[p]);
    !ident_char(before(1)) || (before(1) == Some('b') && !ident_char(before(2)))
}

fn ident_char(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || c == '_')
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Punct(char),
    /// `::`
    PathSep,
}

fn tokens(text: &str) -> Vec<Token> {
    let c: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        if c[i].is_alphabetic() || c[i] == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push(Token::Ident(c[start..i].iter().collect()));
        } else if c[i] == ':' && c.get(i + 1) == Some(&':') {
            out.push(Token::PathSep);
            i += 2;
        } else if c[i].is_whitespace() {
            i += 1;
        } else if c[i].is_ascii_digit() {
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
        } else {
            out.push(Token::Punct(c[i]));
            i += 1;
        }
    }
    out
}

fn ident(t: Option<&Token>) -> Option<&str> {
    match t {
        Some(Token::Ident(s)) => Some(s),
        _ => None,
    }
}

/// The `mod` items of a file: (inline modules around it, name, under
/// `#[cfg(test)]`, whether it has a body here).
fn module_items(text: &str) -> Vec<(Vec<String>, String, bool, Option<()>)> {
    let mut out = Vec::new();
    walk_tokens(text, |event| {
        if let Event::Mod { around, name, test, inline } = event {
            out.push((around.to_vec(), name.to_string(), test, inline.then_some(())));
        }
    });
    out
}

/// The module paths a file names outside test code: (inline modules around
/// it, the path with each use-tree group expanded).
fn module_paths(text: &str) -> Vec<(Vec<String>, Vec<String>)> {
    let mut out = Vec::new();
    walk_tokens(text, |event| {
        if let Event::Path { around, path } = event {
            out.push((around.to_vec(), path));
        }
    });
    out
}

enum Event<'a> {
    Mod { around: &'a [String], name: &'a str, test: bool, inline: bool },
    Path { around: &'a [String], path: Vec<String> },
}

/// Walks a file's tokens, tracking inline modules and skipping code under
/// `#[cfg(test)]` (a module, a function, a `use`).
fn walk_tokens(text: &str, mut visit: impl FnMut(Event<'_>)) {
    let t = tokens(text);
    // Open blocks that matter: (inline module's name, or `None` for a test
    // item's body; the brace depth inside it; whether it is test code).
    let mut open: Vec<(Option<String>, usize, bool)> = Vec::new();
    let mut depth = 0usize;
    // Whether `#[cfg(test)]` was seen since the last item boundary.
    let mut cfg_test = false;
    let mut i = 0;
    while i < t.len() {
        let in_test = open.iter().any(|(_, _, test)| *test);
        let around: Vec<String> = open.iter().filter_map(|(n, _, _)| n.clone()).collect();
        match &t[i] {
            Token::Punct('#')
                if t.get(i + 1) == Some(&Token::Punct('['))
                    && ident(t.get(i + 2)) == Some("cfg")
                    && t.get(i + 3) == Some(&Token::Punct('('))
                    && ident(t.get(i + 4)) == Some("test")
                    && t.get(i + 5) == Some(&Token::Punct(')')) =>
            {
                cfg_test = true;
                i += 6;
                continue;
            }
            Token::Punct('{') => {
                depth += 1;
                if cfg_test {
                    open.push((None, depth, true));
                }
                cfg_test = false;
            }
            Token::Punct('}') => {
                if open.last().is_some_and(|(_, d, _)| *d == depth) {
                    open.pop();
                }
                depth = depth.saturating_sub(1);
                cfg_test = false;
            }
            Token::Punct(';') => cfg_test = false,
            Token::Ident(k) if k == "mod" => {
                if let Some(name) = ident(t.get(i + 1)) {
                    let inline = t.get(i + 2) == Some(&Token::Punct('{'));
                    let test = cfg_test || in_test;
                    visit(Event::Mod { around: &around, name, test, inline });
                    if inline {
                        depth += 1;
                        open.push((Some(name.to_string()), depth, test));
                        cfg_test = false;
                        i += 3;
                        continue;
                    }
                }
            }
            Token::Ident(k)
                if matches!(k.as_str(), "crate" | "super" | "self")
                    && t.get(i + 1) == Some(&Token::PathSep)
                    && t.get(i.wrapping_sub(1)) != Some(&Token::Punct('$'))
                    && ident(t.get(i.wrapping_sub(1))) != Some("in") =>
            {
                let (paths, end) = path_at(&t, i);
                if !in_test && !cfg_test {
                    for path in paths {
                        visit(Event::Path { around: &around, path });
                    }
                }
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
}

/// The path (or paths, for a `{..}` use-tree group) starting at token `i`,
/// and the index after it.
fn path_at(t: &[Token], mut i: usize) -> (Vec<Vec<String>>, usize) {
    let mut prefix = Vec::new();
    loop {
        match t.get(i) {
            Some(Token::Ident(s)) => {
                prefix.push(s.clone());
                i += 1;
            }
            Some(Token::Punct('*')) => return (vec![prefix], i + 1),
            Some(Token::Punct('{')) => {
                let mut paths = Vec::new();
                i += 1;
                while i < t.len() && t[i] != Token::Punct('}') {
                    if t[i] == Token::Punct(',') {
                        i += 1;
                        continue;
                    }
                    let (inner, end) = path_at(t, i);
                    for p in inner {
                        let mut full = prefix.clone();
                        full.extend(p.into_iter().filter(|s| s != "self"));
                        paths.push(full);
                    }
                    // Skip `as name` and anything else up to the next item.
                    i = end;
                    while i < t.len() && t[i] != Token::Punct(',') && t[i] != Token::Punct('}') {
                        if t[i] == Token::Punct('{') {
                            break;
                        }
                        i += 1;
                    }
                }
                return (paths, i + 1);
            }
            _ => return (vec![prefix], i),
        }
        if t.get(i) == Some(&Token::PathSep) {
            i += 1;
        } else {
            return (vec![prefix], i);
        }
    }
}

/// Tarjan's strongly connected components with more than one file, each
/// sorted, in order of their first file.
fn strongly_connected(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.graph.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut part = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                part.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if part.len() > 1 {
                part.sort();
                s.out.push(part);
            }
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.out.sort();
    s.out
}

/// One shortest cycle through the part's first file, to show.
fn shortest_cycle(graph: &BTreeMap<String, BTreeSet<String>>, part: &[String]) -> Vec<String> {
    let start = &part[0];
    let mut came_from: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = VecDeque::from([start.as_str()]);
    while let Some(v) = queue.pop_front() {
        for w in graph.get(v).into_iter().flatten().filter(|w| part.contains(w)) {
            if w == start {
                let mut path = vec![start.clone()];
                let mut at = v;
                while at != start {
                    path.push(at.to_string());
                    at = came_from[at];
                }
                path.push(start.clone());
                path.reverse();
                return path;
            }
            if !came_from.contains_key(w.as_str()) {
                came_from.insert(w, v);
                queue.push_back(w);
            }
        }
    }
    part.to_vec()
}

// ---- the checker's own tests ----

fn paths_of(src: &str) -> Vec<String> {
    module_paths(&strip_comments_and_literals(src))
        .into_iter()
        .map(|(around, p)| format!("{}{}", around.iter().map(|m| format!("{m}/")).collect::<String>(), p.join("::")))
        .collect()
}

#[test]
fn the_scanner_finds_use_trees_code_paths_and_super() {
    let src = r#"
        use crate::storage::{self, sql::{Conn, Tx}, Clock as C};
        use super::bulk::BulkValue;
        pub(in crate::demo) fn f() { let _ = crate::cli::STOP_GRACE; let s = "crate::not::this"; }
        // use crate::commented::out;
        fn g<'a>(x: &'a str) -> char { '{' }
        pub(super) struct S;
        macro_rules! m { () => { $crate::ignored::x } }
        mod inner { use super::super::up::X; }
        #[cfg(test)]
        mod tests { use crate::only::in_tests; }
        #[cfg(test)]
        fn helper() { crate::only::in_tests(); }
        #[cfg(test)]
        use crate::only::in_tests;
        use crate::after::tests;
    "#;
    assert_eq!(
        paths_of(src),
        [
            "crate::storage",
            "crate::storage::sql::Conn",
            "crate::storage::sql::Tx",
            "crate::storage::Clock",
            "super::bulk::BulkValue",
            "crate::cli::STOP_GRACE",
            "inner/super::super::up::X",
            "crate::after::tests",
        ]
    );
}

#[test]
fn paths_resolve_to_the_file_that_declares_the_module() {
    let here: ModPath = vec!["storage".into(), "bulk".into()];
    let p = |s: &str| s.split("::").map(str::to_string).collect::<Vec<_>>();
    assert_eq!(resolve(&here, &p("super::sql::Conn")).unwrap(), p("storage::sql::Conn"));
    assert_eq!(resolve(&here, &p("crate::demo::run")).unwrap(), p("demo::run"));
    assert_eq!(resolve(&here, &p("self::x")).unwrap(), p("storage::bulk::x"));
    assert_eq!(module_of("src/storage/mod.rs"), p("storage"));
    assert_eq!(module_of("src/lib.rs"), Vec::<String>::new());
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (a, b) in [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "e")] {
        graph.entry(a.into()).or_default().insert(b.into());
        graph.entry(b.into()).or_default();
    }
    assert_eq!(strongly_connected(&graph), [vec!["a", "b", "c"]]);
    assert_eq!(shortest_cycle(&graph, &strongly_connected(&graph)[0]), ["a", "b", "c", "a"]);
}
