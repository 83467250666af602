//! The house is one-way (ARCHITECTURE.md, "The import rule"): these read `src/` as text and fail
//! on an import cycle between files, a store that reaches up into HTTP, or a rule that picks an
//! HTTP status.
//!
//! A file's imports are the `crate::…`, `super::…` and `self::…` paths it names (in `use` trees
//! and inline), plus paths through a module it imported by name or declared (`mod x;`). A
//! parent declaring a child is not an import; using it is. `#[cfg(test)]` modules are left out.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
};

type Module = Vec<String>;

struct Source {
    path: PathBuf,
    /// Without comments and without the `#[cfg(test)]` module at its end.
    code: String,
}

fn sources() -> BTreeMap<Module, Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = BTreeMap::new();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(&root).expect("under src").with_extension("");
            let mut module: Module = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
            if module.last().is_some_and(|last| last == "mod") || module == ["lib"] || module == ["main"] {
                module.pop();
            }
            let text = std::fs::read_to_string(&path).expect("read");
            let text = text.split("#[cfg(test)]").next().unwrap_or_default();
            let code = text.lines().map(|l| l.split("//").next().unwrap_or_default()).collect::<Vec<_>>();
            found.insert(module, Source { path, code: code.join("\n") });
        }
    }
    found
}

/// The longest known module that `path` starts with.
fn resolve(modules: &BTreeMap<Module, Source>, path: &[String]) -> Option<Module> {
    (1..=path.len()).rev().map(|n| path[..n].to_vec()).find(|m| modules.contains_key(m))
}

/// Expands a use tree (`a::{b, c::{d, e as f}}`, after `crate`) into its paths.
fn expand(tree: &str) -> Vec<Vec<String>> {
    fn parse(chars: &[char], mut i: usize, prefix: &[String], out: &mut Vec<Vec<String>>) -> usize {
        let mut current = prefix.to_vec();
        while i < chars.len() {
            match chars[i] {
                ':' | ' ' | '\n' | '\t' => i += 1,
                '{' => {
                    i += 1;
                    loop {
                        while i < chars.len() && matches!(chars[i], ' ' | '\n' | '\t' | ',') {
                            i += 1;
                        }
                        if i >= chars.len() || chars[i] == '}' {
                            return i + 1;
                        }
                        i = parse(chars, i, &current, out);
                    }
                }
                c if c.is_alphanumeric() || c == '_' => {
                    let start = i;
                    while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                        i += 1;
                    }
                    let word: String = chars[start..i].iter().collect();
                    match word.as_str() {
                        "self" => {}
                        "as" => {
                            while i < chars.len() && chars[i] == ' ' {
                                i += 1;
                            }
                            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                                i += 1;
                            }
                        }
                        _ => current.push(word),
                    }
                }
                _ => break,
            }
        }
        out.push(current);
        i
    }
    let chars: Vec<char> = tree.chars().collect();
    let mut out = Vec::new();
    parse(&chars, 0, &[], &mut out);
    out
}

/// The text of a path or use tree starting at `from`: words, `::` and balanced braces.
fn tree_at(code: &str, from: usize) -> &str {
    let mut depth = 0usize;
    for (offset, c) in code[from..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return &code[from..from + offset],
            '}' => depth -= 1,
            c if depth == 0 && !(c.is_alphanumeric() || c == '_' || c == ':' || c == '{') => {
                return &code[from..from + offset];
            }
            _ => {}
        }
    }
    &code[from..]
}

fn word_boundary_before(code: &str, at: usize) -> bool {
    code[..at].chars().next_back().is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == ':'))
}

fn imports(modules: &BTreeMap<Module, Source>) -> BTreeMap<Module, BTreeSet<Module>> {
    let mut graph = BTreeMap::new();
    for (module, source) in modules {
        let code = &source.code;
        let parent: Module = module[..module.len().saturating_sub(1)].to_vec();
        let mut edges = BTreeSet::new();
        // Names this file can reach modules through: what it imported, and its own children.
        let mut aliases: BTreeMap<String, Module> = BTreeMap::new();
        for (anchor, base) in [("crate", Vec::new()), ("super", parent.clone()), ("self", module.clone())] {
            for (at, _) in code.match_indices(anchor) {
                let after = at + anchor.len();
                if !word_boundary_before(code, at) || !code[after..].starts_with("::") {
                    continue;
                }
                let in_use =
                    code[..at].trim_end().ends_with("use") || code[..at].trim_end().ends_with("pub use");
                for path in expand(tree_at(code, after)) {
                    let full: Module = base.iter().cloned().chain(path).collect();
                    if let Some(target) = resolve(modules, &full) {
                        if &target != module {
                            edges.insert(target.clone());
                        }
                        if in_use
                            && target == full
                            && let Some(last) = full.last()
                        {
                            aliases.insert(last.clone(), full.clone());
                        }
                    }
                }
            }
        }
        for line in code.lines() {
            let line = line.trim();
            let declared = line.strip_prefix("pub ").unwrap_or(line);
            let declared = declared.strip_prefix("pub(crate) ").unwrap_or(declared);
            let declared = declared.strip_prefix("pub(super) ").unwrap_or(declared);
            if let Some(name) = declared.strip_prefix("mod ").and_then(|rest| rest.strip_suffix(';')) {
                let child: Module = module.iter().cloned().chain([name.to_owned()]).collect();
                aliases.entry(name.to_owned()).or_insert(child);
            }
        }
        for (name, target) in &aliases {
            for (at, _) in code.match_indices(name.as_str()) {
                let after = at + name.len();
                if !word_boundary_before(code, at) || !code[after..].starts_with("::") {
                    continue;
                }
                let rest = tree_at(code, after);
                for path in expand(rest) {
                    let full: Module = target.iter().cloned().chain(path).collect();
                    if let Some(found) = resolve(modules, &full)
                        && &found != module
                    {
                        edges.insert(found);
                    }
                }
            }
        }
        graph.insert(module.clone(), edges);
    }
    graph
}

/// Every cycle's files (strongly connected components of more than one file).
fn cycles(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    // Kosaraju: order by finish time, then walk the reversed graph.
    fn finish(
        at: &Module,
        graph: &BTreeMap<Module, BTreeSet<Module>>,
        seen: &mut BTreeSet<Module>,
        order: &mut Vec<Module>,
    ) {
        let mut stack = vec![(at.clone(), false)];
        while let Some((node, done)) = stack.pop() {
            if done {
                order.push(node);
                continue;
            }
            if !seen.insert(node.clone()) {
                continue;
            }
            stack.push((node.clone(), true));
            for next in graph.get(&node).into_iter().flatten() {
                if !seen.contains(next) {
                    stack.push((next.clone(), false));
                }
            }
        }
    }
    let mut seen = BTreeSet::new();
    let mut order = Vec::new();
    for node in graph.keys() {
        finish(node, graph, &mut seen, &mut order);
    }
    let mut reversed: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (from, tos) in graph {
        for to in tos {
            reversed.entry(to.clone()).or_default().insert(from.clone());
        }
    }
    let mut assigned = BTreeSet::new();
    let mut components = Vec::new();
    for node in order.iter().rev() {
        if assigned.contains(node) {
            continue;
        }
        let mut component = Vec::new();
        let mut stack = vec![node.clone()];
        while let Some(at) = stack.pop() {
            if !assigned.insert(at.clone()) {
                continue;
            }
            component.push(at.clone());
            for next in reversed.get(&at).into_iter().flatten() {
                if !assigned.contains(next) {
                    stack.push(next.clone());
                }
            }
        }
        if component.len() > 1 {
            component.sort();
            components.push(component);
        }
    }
    components
}

fn name(module: &Module) -> String {
    if module.is_empty() { "crate".into() } else { module.join("::") }
}

#[test]
fn the_module_graph_has_no_cycle() {
    let modules = sources();
    let graph = imports(&modules);
    let found: Vec<String> = cycles(&graph)
        .iter()
        .map(|files| {
            let inside: BTreeSet<&Module> = files.iter().collect();
            files
                .iter()
                .map(|f| {
                    let to: Vec<String> = graph[f].iter().filter(|t| inside.contains(t)).map(name).collect();
                    format!("{} -> {}", name(f), to.join(", "))
                })
                .collect::<Vec<_>>()
                .join("; ")
        })
        .collect();
    assert!(found.is_empty(), "import cycles:\n{}", found.join("\n"));
    // The reader must see what the code does, or a passing test means nothing.
    let edge = |from: &str, to: &str| {
        let split = |s: &str| s.split("::").map(str::to_owned).collect::<Module>();
        graph.get(&split(from)).is_some_and(|edges| edges.contains(&split(to)))
    };
    assert!(edge("api", "cart::routes"), "api merges the cart's routes");
    assert!(edge("cart::store", "cart::model"), "the cart's store reads its model");
    assert!(edge("checkout::stripe_webhook", "checkout::settle"), "inbound settling shares checkout's");
}

#[test]
fn a_cycle_is_seen() {
    let graph: BTreeMap<Module, BTreeSet<Module>> = [
        (vec!["a".to_owned()], BTreeSet::from([vec!["b".to_owned()]])),
        (vec!["b".to_owned()], BTreeSet::from([vec!["c".to_owned()]])),
        (vec!["c".to_owned()], BTreeSet::from([vec!["a".to_owned()]])),
        (vec!["d".to_owned()], BTreeSet::from([vec!["a".to_owned()]])),
    ]
    .into();
    assert_eq!(cycles(&graph).len(), 1);
    assert_eq!(cycles(&graph)[0].len(), 3);
    assert_eq!(
        expand("::a::{b, c::{d, e as f}}"),
        vec![
            vec!["a", "b"].into_iter().map(str::to_owned).collect::<Vec<_>>(),
            vec!["a", "c", "d"].into_iter().map(str::to_owned).collect(),
            vec!["a", "c", "e"].into_iter().map(str::to_owned).collect(),
        ]
    );
}

/// Routes files: they speak HTTP by design.
fn is_edge(source: &Source) -> bool {
    let path = source.path.to_string_lossy();
    let file = source.path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    path.contains("/src/http/")
        || path.contains("/src/web/")
        || file == "routes.rs"
        || file.ends_with("_routes.rs")
        || ["/src/api.rs", "/src/ops.rs", "/src/error.rs"].iter().any(|edge| path.ends_with(edge))
}

/// The bottom of the house: shared pieces and each domain's `model.rs`. They import only each
/// other, so anything may use them without a way back up.
fn is_leaf(module: &Module) -> bool {
    const SHARED: [&str; 14] = [
        "db",
        "recent",
        "page",
        "error",
        "request_id",
        "ids",
        "time",
        "money",
        "pricing",
        "validate",
        "config",
        "metrics",
        "shutdown",
        "telemetry",
    ];
    let path: Vec<&str> = module.iter().map(String::as_str).collect();
    path.first().is_some_and(|first| SHARED.contains(first))
        || path.last() == Some(&"model")
        || path == ["notifications", "outbox"]
        || path == ["catalog", "handle"]
}

#[test]
fn leaves_import_only_leaves() {
    let modules = sources();
    let graph = imports(&modules);
    let leaves: Vec<&Module> = graph.keys().filter(|m| is_leaf(m)).collect();
    assert!(leaves.len() > 20, "the leaves are found: {}", leaves.len());
    let offenders: Vec<String> = leaves
        .iter()
        .flat_map(|module| {
            graph[*module]
                .iter()
                .filter(|to| !is_leaf(to))
                .map(|to| format!("{} -> {}", name(module), name(to)))
        })
        .collect();
    assert!(offenders.is_empty(), "leaves importing what sits above them: {offenders:?}");
}

#[test]
fn no_store_reaches_up_into_http() {
    let modules = sources();
    let graph = imports(&modules);
    let offenders: Vec<String> = graph
        .iter()
        .filter(|(module, _)| module.last().is_some_and(|m| m == "store"))
        .flat_map(|(module, edges)| {
            edges
                .iter()
                .filter(|to| to.first().is_some_and(|t| t == "http" || t == "state"))
                .map(|to| format!("{} -> {}", name(module), name(to)))
        })
        .collect();
    assert!(offenders.is_empty(), "stores importing the edge: {offenders:?}");
}

#[test]
fn only_the_edge_picks_http_statuses() {
    // The Stripe client reads the gateway's statuses; it picks none of ours.
    let exempt = ["payments/stripe/client.rs"];
    let offenders: Vec<String> = sources()
        .values()
        .filter(|s| !is_edge(s) && !exempt.iter().any(|e| s.path.ends_with(e)))
        .filter(|s| s.code.contains("StatusCode"))
        .map(|s| s.path.display().to_string())
        .collect();
    assert!(offenders.is_empty(), "rules naming a status code (use a named ApiError): {offenders:?}");
}

/// Files outside `src/db/`, with what they say in string literals left out (messages may name
/// an engine for people to read; code may not).
fn outside_db() -> Vec<(String, String)> {
    sources()
        .values()
        .filter(|s| !s.path.to_string_lossy().contains("/src/db/"))
        .map(|s| {
            let without_strings: String = s.code.split('"').step_by(2).collect::<Vec<_>>().join("\"\"");
            (s.path.display().to_string(), without_strings)
        })
        .collect()
}

#[test]
fn all_sql_runs_through_db() {
    let db_files = sources().values().filter(|s| s.path.to_string_lossy().contains("/src/db/")).count();
    assert!(db_files >= 4, "db/ is read too: {db_files}");
    assert!(sources().values().any(|s| s.code.contains("sqlx::query(")), "the one call to sqlx is seen");
    let offenders: Vec<String> = outside_db()
        .into_iter()
        .filter(|(_, code)| code.contains("sqlx::") || code.contains("use sqlx"))
        .map(|(path, _)| path)
        .collect();
    assert!(offenders.is_empty(), "sqlx named outside db/ (use db::sql and db::Exec): {offenders:?}");
}

#[test]
fn no_engine_is_named_outside_db() {
    const NAMES: [&str; 6] = ["Engine::", "Sqlite", "Postgres", "MySql", "engine()", "chains_writes"];
    let offenders: Vec<String> = outside_db()
        .into_iter()
        .filter(|(_, code)| NAMES.iter().any(|n| code.contains(n)))
        .map(|(path, _)| path)
        .collect();
    assert!(offenders.is_empty(), "an engine named outside db/ (give db a named operation): {offenders:?}");
}

/// Every statement's name (`db::sql("domain.what", …)`, `db::insert_rows(db, "domain.what", …)`,
/// or `name:` of a named operation), by file.
fn statement_names() -> Vec<(String, String)> {
    let mut names = Vec::new();
    for source in sources().values() {
        let code = &source.code;
        // Each opener, and whether the name is its second argument rather than its first.
        for (opener, second) in [("sql(", false), ("insert_rows(", true), ("name: ", false)] {
            for (at, _) in code.match_indices(opener) {
                let mut rest = code[at + opener.len()..].trim_start();
                if second {
                    let Some((_, after)) = rest.split_once(',') else { continue };
                    rest = after.trim_start();
                }
                let Some(quoted) = rest.strip_prefix('"') else { continue };
                let name: String = quoted.chars().take_while(|c| *c != '"').collect();
                let parts: Vec<&str> = name.split('.').collect();
                let word = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c == '_');
                if parts.len() == 2 && parts.iter().all(|p| word(p)) {
                    names.push((name, source.path.display().to_string()));
                }
            }
        }
    }
    names
}

#[test]
fn every_statement_has_a_name_of_its_own() {
    let names = statement_names();
    assert!(names.len() > 60, "the statements are found: {}", names.len());
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    let twice: Vec<String> = names
        .iter()
        .filter_map(|(name, path)| seen.insert(name, path).map(|other| format!("{name} ({other}, {path})")))
        .collect();
    assert!(twice.is_empty(), "statement names used twice (traces could not tell them apart): {twice:?}");
}
