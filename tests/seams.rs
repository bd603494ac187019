//! The facts written in more than one layer agree with the one place each
//! is defined:
//!
//! - the options table (`src/options.rs`) with the TypeScript declarations
//!   (`js/types.d.ts`) and the README's settings table (which this test
//!   writes when `EDGE_SESSIONS_WRITE_DOCS=1`);
//! - the core's error names (`Error::NAMES`) with the JS classes
//!   (`js/errors.js`, `js/errors.d.ts`);
//! - the adapter methods the core calls with `ADAPTER_METHODS` (js/api.js)
//!   and the adapter interfaces;
//! - the engine names with the `EngineName` type.

use edge_sessions::options::OPTIONS;
use edge_sessions::{EngineKind, Error};

fn read(path: &str) -> String {
    let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

/// The body of `interface <name> ... { ... }` in a declarations file.
fn interface<'a>(source: &'a str, name: &str) -> &'a str {
    let start = source
        .find(&format!("export interface {name} "))
        .unwrap_or_else(|| panic!("no interface {name}"));
    let body = &source[start..];
    let open = body.find('{').unwrap();
    let mut depth = 0;
    for (i, c) in body[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return &body[open + 1..open + i];
                }
            }
            _ => {}
        }
    }
    panic!("interface {name} does not close");
}

/// `(name, its doc comment)` for each property of an interface body.
fn properties(body: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut doc = String::new();
    for line in body.lines().map(str::trim) {
        if line.starts_with("/**") || line.starts_with('*') {
            doc.push_str(line);
            doc.push(' ');
            continue;
        }
        if let Some(name) = line
            .split(['?', ':', '('])
            .next()
            .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric()))
        {
            found.push((name.to_owned(), std::mem::take(&mut doc)));
        } else {
            doc.clear();
        }
    }
    found
}

#[test]
fn every_option_is_declared_with_its_setting_and_default() {
    let types = read("js/types.d.ts");
    let mut declared = properties(interface(&types, "SessionSettings"));
    declared.extend(properties(interface(&types, "SessionOptions")));
    let names: Vec<&str> = declared.iter().map(|(n, _)| n.as_str()).collect();
    let table: Vec<&str> = OPTIONS.iter().map(|o| o.name).collect();
    assert_eq!(
        sorted(&names),
        sorted(&table),
        "SessionSettings + SessionOptions in js/types.d.ts must declare exactly the options table"
    );
    for option in OPTIONS {
        let (_, doc) = declared.iter().find(|(n, _)| n == option.name).unwrap();
        assert!(
            doc.contains(&format!("`{}`", option.setting)),
            "{}'s TSDoc must name `{}`: {doc}",
            option.name,
            option.setting
        );
        let default = if option.default == "(required)" {
            "(required".to_owned()
        } else {
            format!("Default `{}`", option.default)
        };
        assert!(
            doc.contains(&default),
            "{}'s TSDoc must say {default}: {doc}",
            option.name
        );
        let ts_type = declared_type(interface(&types, "SessionSettings"), option.name)
            .or_else(|| declared_type(interface(&types, "SessionOptions"), option.name))
            .unwrap();
        assert_eq!(ts_type, option.ts_type, "{}'s declared type", option.name);
    }
}

/// The declared type of property `name` (`name?: TYPE;`).
fn declared_type(body: &str, name: &str) -> Option<String> {
    body.lines()
        .map(str::trim)
        .find_map(|l| l.strip_prefix(&format!("{name}?: ")))
        .or_else(|| {
            body.lines()
                .map(str::trim)
                .find_map(|l| l.strip_prefix(&format!("{name}: ")))
        })
        .map(|t| t.trim_end_matches(';').to_owned())
}

#[test]
fn the_shown_settings_type_leaves_out_what_the_core_hides() {
    let types = read("js/types.d.ts");
    let start = types.find("export type ShownSettings").unwrap();
    let line = &types[start..start + types[start..].find(";\n").unwrap()];
    for option in OPTIONS.iter().filter(|o| !o.shown()) {
        let in_settings = interface(&types, "SessionSettings")
            .contains(&format!("  {}?", option.name))
            || interface(&types, "SessionSettings").contains(&format!("  {}:", option.name));
        if in_settings {
            assert!(
                line.contains(&format!("\"{}\"", option.name)),
                "ShownSettings must omit {}, which Sessions.settings does not show",
                option.name
            );
        }
    }
    for option in OPTIONS.iter().filter(|o| o.shown()) {
        assert!(
            !line.contains(&format!("\"{}\"", option.name)),
            "ShownSettings omits {}, which Sessions.settings shows",
            option.name
        );
    }
}

/// The README's settings table, as the options table makes it.
fn readme_table() -> String {
    let mut table = String::from("| Django | option | default |\n|---|---|---|\n");
    for o in OPTIONS {
        let setting = if o.django {
            format!("`{}`", o.setting)
        } else {
            format!("(not in Django: `{}`)", o.setting)
        };
        let default = if o.default == "(required)" {
            o.default.to_owned()
        } else {
            format!("`{}`", o.default)
        };
        table.push_str(&format!("| {setting} | `{}` | {default} |\n", o.name));
    }
    table
}

#[test]
fn the_readme_settings_table_is_the_options_table() {
    const START: &str = "<!-- options table: written by tests/seams.rs -->\n";
    const END: &str = "<!-- end of options table -->";
    let readme = read("README.md");
    let begin = readme
        .find(START)
        .expect("README.md has the options table marker")
        + START.len();
    let end = begin
        + readme[begin..]
            .find(END)
            .expect("README.md has the end marker");
    let want = readme_table();
    if std::env::var_os("EDGE_SESSIONS_WRITE_DOCS").is_some() {
        let written = format!("{}{want}{}", &readme[..begin], &readme[end..]);
        std::fs::write(format!("{}/README.md", env!("CARGO_MANIFEST_DIR")), written).unwrap();
        return;
    }
    assert_eq!(
        &readme[begin..end],
        want,
        "README.md's options table is stale: run EDGE_SESSIONS_WRITE_DOCS=1 cargo test --test seams"
    );
}

#[test]
fn every_core_error_has_a_js_class() {
    let errors_js = read("js/errors.js");
    let errors_dts = read("js/errors.d.ts");
    for name in Error::NAMES {
        assert!(
            errors_js.contains(&format!("export const {name} = define(\"{name}\"")),
            "js/errors.js must define {name}"
        );
        assert!(
            errors_dts.contains(&format!("export class {name} extends")),
            "js/errors.d.ts must declare {name}"
        );
    }
    // And every class the JS side defines is declared.
    for line in errors_js.lines().filter(|l| l.contains("= define(\"")) {
        let name = line.split('"').nth(1).unwrap();
        assert!(
            errors_dts.contains(&format!("export class {name} extends")),
            "js/errors.d.ts must declare {name}"
        );
    }
}

#[test]
fn adapter_methods_agree_across_layers() {
    let api = read("js/api.js");
    let types = read("js/types.d.ts");
    let adapters = read("src/wasm/adapters.rs");
    for (kind, interface_name, core_lists) in [
        ("cache", "CacheAdapter", ["CACHE_METHODS", "CACHE_CAS"]),
        ("db", "DbAdapter", ["DB_METHODS", "DB_CAS"]),
        ("files", "FileAdapter", ["FILE_METHODS", "FILE_METHODS"]),
    ] {
        let line = api
            .lines()
            .find(|l| {
                l.trim_start()
                    .starts_with(&format!("{kind}: Object.freeze(["))
            })
            .unwrap_or_else(|| panic!("ADAPTER_METHODS.{kind} in js/api.js"));
        let listed: Vec<String> = line
            .split('"')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect();
        let declared: Vec<String> = properties(interface(&types, interface_name))
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(
            sorted_owned(&listed),
            sorted_owned(&declared),
            "{interface_name} vs ADAPTER_METHODS.{kind}"
        );
        let mut core: Vec<String> = Vec::new();
        for list in core_lists {
            let at = adapters.find(&format!("const {list}: ")).unwrap();
            let decl = &adapters[at..at + adapters[at..].find(';').unwrap()];
            core.extend(decl.split('"').skip(1).step_by(2).map(str::to_owned));
        }
        core.sort();
        core.dedup();
        assert_eq!(
            sorted_owned(&listed),
            core,
            "the core's {kind} methods vs ADAPTER_METHODS.{kind}"
        );
    }
}

#[test]
fn engine_names_agree() {
    let types = read("js/types.d.ts");
    let start = types.find("export type EngineName").unwrap();
    let decl = &types[start..start + types[start..].find(';').unwrap()];
    for kind in [
        EngineKind::Db,
        EngineKind::Cache,
        EngineKind::CachedDb,
        EngineKind::File,
        EngineKind::SignedCookies,
    ] {
        assert!(
            decl.contains(&format!("\"{}\"", kind.short_name())),
            "EngineName lacks {kind:?}"
        );
        assert_eq!(EngineKind::parse(kind.short_name()).unwrap(), kind);
        assert_eq!(EngineKind::parse(kind.django_path()).unwrap(), kind);
    }
}

fn sorted<'a>(items: &[&'a str]) -> Vec<&'a str> {
    let mut v = items.to_vec();
    v.sort();
    v
}

fn sorted_owned(items: &[String]) -> Vec<String> {
    let mut v = items.to_vec();
    v.sort();
    v
}

/// The crate's top-level modules and the ones each names in its code
/// (`crate::x`), tests and comments left out.
fn module_graph() -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let mut graph = std::collections::BTreeMap::new();
    let mut pending = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src"
    ))];
    while let Some(path) = pending.pop() {
        for entry in std::fs::read_dir(&path).unwrap() {
            let entry = entry.unwrap().path();
            if entry.is_dir() {
                pending.push(entry);
                continue;
            }
            let relative = entry
                .strip_prefix(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))
                .unwrap();
            let module = relative
                .iter()
                .next()
                .unwrap()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_owned();
            if module == "lib" || entry.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let source = std::fs::read_to_string(&entry).unwrap();
            let code = source.split("#[cfg(test)]\nmod tests").next().unwrap();
            let uses: &mut std::collections::BTreeSet<String> =
                graph.entry(module.clone()).or_default();
            for line in code.lines() {
                let line = line.split("//").next().unwrap();
                for (at, _) in line.match_indices("crate::") {
                    let name: String = line[at + 7..]
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                        .collect();
                    if !name.is_empty() && name != module {
                        uses.insert(name);
                    }
                }
            }
        }
    }
    graph
}

#[test]
fn the_core_modules_depend_one_way() {
    let graph = module_graph();
    // Depth-first search for a way back to where it started.
    fn reaches(
        graph: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
        from: &str,
        to: &str,
        seen: &mut Vec<String>,
    ) -> bool {
        for next in graph.get(from).into_iter().flatten() {
            if next == to {
                return true;
            }
            if !seen.contains(next) {
                seen.push(next.clone());
                if reaches(graph, next, to, seen) {
                    return true;
                }
            }
        }
        false
    }
    for module in graph.keys() {
        assert!(
            !reaches(&graph, module, module, &mut Vec::new()),
            "{module} depends on itself through {:?}",
            graph[module]
        );
    }
    // The layering the docs describe: the session below its engines, the
    // value type below its formats, and the bindings above everything.
    for (low, high) in [
        ("session", "engines"),
        ("value", "json"),
        ("value", "pickle"),
        ("session", "wasm"),
        ("cookie", "settings"),
    ] {
        assert!(
            !graph.get(low).is_some_and(|uses| uses.contains(high)),
            "{low} must not depend on {high}"
        );
    }
}
