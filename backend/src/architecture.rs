//! The house rules, checked: the backend's top-level modules stand on floors whose arrows
//! (`use crate::…` and `crate::…` paths) point down or sideways, never up, and neither the
//! backend's modules, the files of `awards`, nor the frontend's files import each other in a
//! circle. `ARCHITECTURE.md` explains the floors; this test keeps them true.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
};

/// The backend's floors, from the ground up; a module may use its own floor and those below.
const FLOORS: &[&[&str]] = &[
    // Infrastructure: no rule of the domain, no request.
    &[
        "i18n",
        "error",
        "clock",
        "schema",
        "merkle",
        "domain",
        "db",
        "catalogue",
        "config",
        "passwords",
        "throttle",
    ],
    &["keys"],
    &["blobs"],
    &["mail"],
    // The search projection's rows and each server's image of them (read by tenders::search).
    &["search_index"],
    // What is live on every server (an auction's events), and their fan-out across servers.
    &["live"],
    &["app"],
    &["http"],
    &["audit"],
    &["auth"],
    // Open data: the OCDS projection of the tables, written by the domain below it.
    &["ocds"],
    // The public projections (OCDS, the dashboard's counts) the domain keeps in step.
    &["projection"],
    // Each procedure's life as tables, and the one writer of a tender's status.
    &["procedure"],
    // The domain, in the order of a tender's life.
    &["accounts"],
    &["suppliers"],
    &["tenders"],
    &["bids"],
    // The reverse auction of the admitted offers' prices, before the award.
    &["auction"],
    &["awards"],
    // Framework agreements and their electronic catalogue: buying without a tender.
    &["framework"],
    // The transparency dashboard and the public awards: figures over the whole domain.
    &["transparency"],
    // What runs the domain: the background jobs, the role panels and the demo seed.
    &["jobs", "panel", "seed"],
    &["api"],
];

/// Every module path (`a::b`) of the crate under `src`, with its file.
fn module_files(src: &Path) -> BTreeMap<String, PathBuf> {
    fn walk(dir: &Path, src: &Path, out: &mut BTreeMap<String, PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, src, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path
                    .strip_prefix(src)
                    .expect("under src")
                    .with_extension("");
                let mut parts: Vec<String> = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                if parts.last().is_some_and(|p| p == "mod") {
                    parts.pop();
                }
                if parts == ["lib"] || parts == ["architecture"] {
                    continue;
                }
                out.insert(parts.join("::"), path);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(src, src, &mut out);
    out
}

/// The source without comments (doc links name modules without importing them) and string
/// literals (a URL is not an import).
fn code_of(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        break;
                    }
                }
                out.push_str("\"\"");
            }
            other => out.push(other),
        }
    }
    out
}

/// The paths a file names from `crate::` or `super::`, as written (`tenders::sealing`, ...),
/// the latter made absolute from `module`.
fn named_paths(code: &str, module: &str) -> Vec<String> {
    let mut paths = Vec::new();
    for (prefix, base) in [("crate::", String::new()), ("super::", parent(module))] {
        let mut rest = code;
        while let Some(at) = rest.find(prefix) {
            let before = rest[..at].chars().next_back();
            rest = &rest[at + prefix.len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            for path in expand(rest) {
                paths.push(if base.is_empty() {
                    path
                } else {
                    format!("{base}::{path}")
                });
            }
        }
    }
    paths
}

fn parent(module: &str) -> String {
    module
        .rsplit_once("::")
        .map(|(p, _)| p.to_owned())
        .unwrap_or_default()
}

/// The paths at the start of `text`: `a::b` or each item of `{a::b, c, d::{e, f}}`.
fn expand(text: &str) -> Vec<String> {
    let head: String = text
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
        .collect();
    let rest = &text[head.len()..];
    let stem = head.trim_end_matches(':');
    let Some(inner) = rest.strip_prefix('{') else {
        return if stem.is_empty() {
            Vec::new()
        } else {
            vec![stem.to_owned()]
        };
    };
    let mut items = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                items.push(&inner[start..i]);
                break;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items
        .into_iter()
        .flat_map(|item| expand(item.trim()))
        .map(|path| match (stem.is_empty(), path.as_str()) {
            (true, _) => path,
            (false, "self") => stem.to_owned(),
            (false, _) => format!("{stem}::{path}"),
        })
        .collect()
}

/// The import graph between modules: each file's module to the module files it names (the
/// longest known prefix of each path), or with `top_level` between top-level modules.
fn graph(src: &Path, top_level: bool) -> BTreeMap<String, BTreeSet<String>> {
    let files = module_files(src);
    let node = |m: &str| -> String {
        if top_level {
            m.split("::").next().unwrap_or(m).to_owned()
        } else {
            m.to_owned()
        }
    };
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, path) in &files {
        let code = code_of(&std::fs::read_to_string(path).expect("read source"));
        let from = node(module);
        let entry = graph.entry(from.clone()).or_default();
        for named in named_paths(&code, module) {
            let parts: Vec<&str> = named.split("::").collect();
            let target = (1..=parts.len())
                .rev()
                .map(|n| parts[..n].join("::"))
                .find(|candidate| files.contains_key(candidate));
            if let Some(target) = target.map(|t| node(&t))
                && target != from
                && !module.starts_with(&format!("{target}::"))
            {
                entry.insert(target);
            }
        }
    }
    graph
}

/// One circle of the graph, if any (as the path that closes it).
fn circle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        at: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|p| p == at) {
            let mut circle = path[start..].to_vec();
            circle.push(at.to_owned());
            return Some(circle);
        }
        if done.contains(at) {
            return None;
        }
        path.push(at.to_owned());
        for next in graph.get(at).into_iter().flatten() {
            if let Some(c) = visit(next, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(at.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|start| visit(start, graph, &mut Vec::new(), &mut done))
}

fn backend_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn backend_modules_import_each_other_in_no_circle() {
    let graph = graph(&backend_src(), true);
    assert!(
        graph.contains_key("bids"),
        "the backend's modules were read"
    );
    if let Some(circle) = circle(&graph) {
        panic!(
            "an import circle between backend modules: {}",
            circle.join(" → ")
        );
    }
}

#[test]
fn backend_arrows_point_down_the_floors() {
    let floor_of = |module: &str| FLOORS.iter().position(|f| f.contains(&module));
    let mut wrong = Vec::new();
    for (module, uses) in graph(&backend_src(), true) {
        let Some(floor) = floor_of(&module) else {
            wrong.push(format!(
                "{module} stands on no floor: add it to FLOORS and ARCHITECTURE.md"
            ));
            continue;
        };
        for used in uses {
            if floor_of(&used).is_some_and(|f| f > floor) {
                wrong.push(format!(
                    "{module} (floor {floor}) uses {used}, a floor above"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The import graph between the files of one backend module (`awards`: its `mod.rs` and every
/// file under it), arrows to files outside it left out.
fn graph_inside(module: &str) -> BTreeMap<String, BTreeSet<String>> {
    let inside = |m: &str| m == module || m.starts_with(&format!("{module}::"));
    graph(&backend_src(), false)
        .into_iter()
        .filter(|(from, _)| inside(from))
        .map(|(from, uses)| (from, uses.into_iter().filter(|u| inside(u)).collect()))
        .collect()
}

#[test]
fn awards_files_import_each_other_in_no_circle() {
    let graph = graph_inside("awards");
    assert!(
        graph.contains_key("awards::complaints") && graph.contains_key("awards::oversight"),
        "the awards files were read"
    );
    if let Some(circle) = circle(&graph) {
        panic!(
            "an import circle between the files of awards: {}",
            circle.join(" → ")
        );
    }
}

#[test]
fn frontend_files_import_each_other_in_no_circle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../frontend/src");
    let graph = graph(&src, false);
    assert!(
        graph.contains_key("pages::bids"),
        "the frontend's files were read"
    );
    if let Some(circle) = circle(&graph) {
        panic!(
            "an import circle between frontend files: {}",
            circle.join(" → ")
        );
    }
}

#[test]
fn a_circle_and_an_arrow_up_are_seen() {
    let named = named_paths(
        &code_of("use crate::{a::b, c::{d, e}}; // crate::f\nlet x = \"crate::g\"; super::h::i();"),
        "pages::x",
    );
    assert_eq!(named, ["a::b", "c::d", "c::e", "pages::h::i"]);
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a".to_owned(), ["b".to_owned()].into()),
        ("b".to_owned(), ["c".to_owned()].into()),
        ("c".to_owned(), ["a".to_owned()].into()),
    ]
    .into();
    assert_eq!(
        circle(&graph).expect("a circle"),
        ["a", "b", "c", "a"].map(str::to_owned)
    );
}

/// Where code other than the procedure module writes `tenders.status` (a diesel `.eq` on the
/// column, which filters need not use, or an SQL `UPDATE tenders … status`), as `file: line`.
fn status_writers(files: &[(String, String)]) -> Vec<String> {
    let mut found = Vec::new();
    for (name, text) in files {
        let code = code_of(text);
        for (number, line) in code.lines().enumerate() {
            if line.contains("tenders::status.eq(") {
                found.push(format!("{name}:{}", number + 1));
            }
        }
        let lower = text.to_lowercase();
        let mut rest = lower.as_str();
        while let Some(at) = rest.find("update tenders") {
            let statement = &rest[at..rest[at..].find(';').map_or(rest.len(), |end| at + end)];
            if statement.contains("status") {
                found.push(format!(
                    "{name}: SQL {}",
                    statement.lines().next().unwrap_or("")
                ));
            }
            rest = &rest[at + 1..];
        }
    }
    found
}

#[test]
fn nothing_but_the_procedure_writes_a_tender_s_status() {
    let mut files = Vec::new();
    for root in [
        backend_src(),
        backend_src().join("../../src"),
        backend_src().join("../../frontend/src"),
    ] {
        for path in module_files(&root).into_values() {
            if path.components().any(|c| c.as_os_str() == "procedure") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("read");
            files.push((path.display().to_string(), text));
        }
    }
    assert!(files.len() > 50, "the sources were found");
    let writers = status_writers(&files);
    assert!(
        writers.is_empty(),
        "only procedure::apply writes tenders.status; also written at: {writers:?}"
    );
    // The check sees both ways of writing it.
    let planted = vec![(
        "planted.rs".to_owned(),
        "diesel::update(tenders::table).set(tenders::status.eq(x));\n\
         sql_query(\"UPDATE tenders SET status = 'open' WHERE id = 1\");"
            .to_owned(),
    )];
    assert_eq!(status_writers(&planted).len(), 2);
}

/// The OpenAPI document names each schema by its type's name alone: two types of one name
/// would be one schema, and a response of one would be checked against the other (the
/// auction's transcript did that to the opening's).
#[test]
fn every_api_schema_type_has_a_name_of_its_own() {
    let mut seen: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut twice = Vec::new();
    for (_, file) in module_files(&backend_src()) {
        let text = std::fs::read_to_string(&file).expect("read");
        let mut derives_schema = false;
        // `#[schema(as = Name)]` publishes the type under that name.
        let mut renamed: Option<String> = None;
        for line in text.lines().map(str::trim) {
            if let Some(rest) = line.strip_prefix("#[schema(as = ") {
                renamed = Some(rest.trim_end_matches(")]").trim().to_owned());
                continue;
            }
            if line.starts_with("#[derive(") || derives_schema && !line.starts_with("pub ") {
                derives_schema |= line.contains("ToSchema");
                if line.starts_with("#[derive(") && !line.contains(")]") {
                    continue;
                }
            }
            if let Some(rest) = line
                .strip_prefix("pub struct ")
                .or_else(|| line.strip_prefix("pub enum "))
            {
                if derives_schema {
                    let name: String = renamed.take().unwrap_or_else(|| {
                        rest.chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect()
                    });
                    if let Some(first) = seen.insert(name.clone(), file.clone()) {
                        twice.push(format!(
                            "{name}: {} and {}",
                            first.display(),
                            file.display()
                        ));
                    }
                }
                derives_schema = false;
                renamed = None;
            } else if !line.starts_with('#') && !line.starts_with("//") && !line.is_empty() {
                derives_schema = false;
                renamed = None;
            }
        }
    }
    assert!(
        twice.is_empty(),
        "schema names used twice:\n{}",
        twice.join("\n")
    );
}
