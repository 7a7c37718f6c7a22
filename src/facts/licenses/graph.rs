//! The dependency graph every license input is read into — a Cargo workspace's resolved graph,
//! an SPDX or CycloneDX SBOM — and the one thing computed on it: how each package is reached
//! from the roots (`kind`, `direct`, `path`).

use std::collections::VecDeque;
use std::path::PathBuf;

/// How a package is needed. Ordered weakest first, so `max` is "the strongest way".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DepKind {
    Dev,
    Build,
    Normal,
}

impl DepKind {
    pub fn name(self) -> &'static str {
        match self {
            DepKind::Normal => "normal",
            DepKind::Build => "build",
            DepKind::Dev => "dev",
        }
    }
}

/// Where a package comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    Registry,
    Git,
    Path,
}

impl SourceKind {
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Registry => "registry",
            SourceKind::Git => "git",
            SourceKind::Path => "path",
        }
    }
}

/// One package as its input describes it, before licenses are concluded.
#[derive(Clone, Debug, PartialEq)]
pub struct Package {
    /// The input's own id: a Cargo package id, an SPDX `SPDXID`, a CycloneDX `bom-ref`.
    pub id: String,
    pub name: String,
    pub version: String,
    /// The license expression exactly as declared (`license` in Cargo.toml; concluded, else
    /// declared, in an SBOM). `None` when there is none, or it is NOASSERTION / NONE.
    pub declared: Option<String>,
    /// Cargo's `license-file`, resolved against the package's directory.
    pub license_file: Option<PathBuf>,
    pub source: SourceKind,
    pub purl: Option<String>,
    /// The file the package is described in: its Cargo.toml, or the SBOM.
    pub manifest: Option<PathBuf>,
    /// Where in an SBOM the package sits (a JSON pointer), for evidence.
    pub pointer: Option<String>,
    /// The kind an SBOM states for the package itself (CycloneDX `scope`), used when no edge
    /// says more.
    pub stated_kind: Option<DepKind>,
}

/// `from` depends on `to`, as `kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub kind: DepKind,
}

/// A whole input: packages, the roots (workspace members, an SBOM's described packages) and
/// the dependency edges between them (indices into `packages`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Graph {
    pub packages: Vec<Package>,
    pub roots: Vec<usize>,
    pub edges: Vec<Edge>,
}

/// How one package is reached from the roots.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reach {
    /// The strongest way a root reaches it: normal > build > dev.
    pub kind: DepKind,
    /// A root itself (a workspace member).
    pub root: bool,
    /// A direct dependency of a root.
    pub direct: bool,
    /// The shortest chain from a root by which it has `kind`, as package indices, root first.
    pub path: Vec<usize>,
}

/// The way a walk reaches a package; which edges it may follow from there.
fn step(state: DepKind, at_root: bool, edge: DepKind) -> Option<DepKind> {
    match (state, edge) {
        // Dev-dependencies count only from the roots.
        (_, DepKind::Dev) => (at_root && state == DepKind::Normal).then_some(DepKind::Dev),
        // Everything under a build-dependency is build; everything under a dev-dependency, dev.
        (DepKind::Normal, k) => Some(k),
        (s, _) => Some(s),
    }
}

/// How every package is reached; `None` for a package no root reaches (one only another
/// platform needs, say). One breadth-first walk over (package, way reached) from every root at
/// once: each package gets its strongest kind and, for that kind, a shortest path.
pub fn reach(g: &Graph) -> Vec<Option<Reach>> {
    let n = g.packages.len();
    let mut adjacency: Vec<Vec<(usize, DepKind)>> = vec![Vec::new(); n];
    for e in &g.edges {
        if e.from < n && e.to < n {
            adjacency[e.from].push((e.to, e.kind));
        }
    }
    let mut is_root = vec![false; n];
    for &r in &g.roots {
        if let Some(x) = is_root.get_mut(r) {
            *x = true;
        }
    }
    let state = |k: DepKind| k as usize;
    // parent[p][state]: how (p, state) was first reached; `seen` marks visited pairs.
    let mut parent: Vec<[Option<(usize, DepKind)>; 3]> = vec![[None; 3]; n];
    let mut seen: Vec<[bool; 3]> = vec![[false; 3]; n];
    let mut queue: VecDeque<(usize, DepKind)> = VecDeque::new();
    for &r in &g.roots {
        if r < n && !seen[r][state(DepKind::Normal)] {
            seen[r][state(DepKind::Normal)] = true;
            queue.push_back((r, DepKind::Normal));
        }
    }
    while let Some((at, s)) = queue.pop_front() {
        for &(to, ek) in &adjacency[at] {
            let Some(next) = step(s, is_root[at], ek) else {
                continue;
            };
            if !seen[to][state(next)] {
                seen[to][state(next)] = true;
                parent[to][state(next)] = Some((at, s));
                queue.push_back((to, next));
            }
        }
    }
    let mut out: Vec<Option<Reach>> = vec![None; n];
    for p in 0..n {
        let Some(kind) = [DepKind::Normal, DepKind::Build, DepKind::Dev]
            .into_iter()
            .find(|k| seen[p][state(*k)])
        else {
            continue;
        };
        let mut path = vec![p];
        let mut at = (p, kind);
        while let Some(prev) = parent[at.0][state(at.1)] {
            path.push(prev.0);
            at = prev;
        }
        path.reverse();
        out[p] = Some(Reach {
            kind,
            root: is_root[p],
            direct: false,
            path,
        });
    }
    // Direct: some root depends on it, by any kind of edge.
    for e in &g.edges {
        if is_root.get(e.from).copied().unwrap_or(false)
            && let Some(Some(r)) = out.get_mut(e.to)
            && !r.root
        {
            r.direct = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn pkg(name: &str) -> Package {
        Package {
            id: name.into(),
            name: name.into(),
            version: "1.0.0".into(),
            declared: None,
            license_file: None,
            source: SourceKind::Registry,
            purl: None,
            manifest: None,
            pointer: None,
            stated_kind: None,
        }
    }

    /// Packages named by their index: `g(&["app", "a", "b"], &[(0, 1, Normal)])`.
    fn g(names: &[&str], roots: &[usize], edges: &[(usize, usize, DepKind)]) -> Graph {
        Graph {
            packages: names.iter().map(|n| pkg(n)).collect(),
            roots: roots.to_vec(),
            edges: edges
                .iter()
                .map(|&(from, to, kind)| Edge { from, to, kind })
                .collect(),
        }
    }

    fn show(g: &Graph, r: &[Option<Reach>]) -> Vec<String> {
        r.iter()
            .zip(&g.packages)
            .map(|(r, p)| match r {
                None => format!("{}: unreached", p.name),
                Some(r) => format!(
                    "{}: {}{}{} via {}",
                    p.name,
                    r.kind.name(),
                    if r.direct { " direct" } else { "" },
                    if r.root { " root" } else { "" },
                    r.path
                        .iter()
                        .map(|i| g.packages[*i].name.as_str())
                        .collect::<Vec<_>>()
                        .join(" -> ")
                ),
            })
            .collect()
    }

    use DepKind::{Build, Dev, Normal};

    #[test]
    fn the_strongest_kind_wins_and_its_path_is_the_shortest() {
        // app -> a -> c (normal, 2 steps); app -dev-> c (dev, 1 step): c is normal via a.
        let graph = g(
            &["app", "a", "c", "b", "d"],
            &[0],
            &[
                (0, 1, Normal),
                (1, 2, Normal),
                (0, 2, Dev),
                (0, 3, Build),
                (3, 4, Normal),
            ],
        );
        assert_eq!(
            show(&graph, &reach(&graph)),
            [
                "app: normal root via app",
                "a: normal direct via app -> a",
                "c: normal direct via app -> a -> c",
                "b: build direct via app -> b",
                "d: build via app -> b -> d",
            ]
        );
    }

    #[test]
    fn dev_dependencies_count_only_from_members() {
        // a is a normal dependency; a's dev-dependency t is never built for app.
        let graph = g(
            &["app", "a", "t", "u"],
            &[0],
            &[(0, 1, Normal), (1, 2, Dev), (0, 3, Dev), (3, 2, Normal)],
        );
        assert_eq!(
            show(&graph, &reach(&graph)),
            [
                "app: normal root via app",
                "a: normal direct via app -> a",
                "t: dev via app -> u -> t",
                "u: dev direct via app -> u",
            ]
        );
    }

    #[test]
    fn under_a_build_dependency_everything_is_build() {
        let graph = g(
            &["app", "cc", "jobserver", "lib"],
            &[0],
            &[(0, 1, Build), (1, 2, Normal), (0, 3, Normal), (3, 1, Build)],
        );
        assert_eq!(
            show(&graph, &reach(&graph))[2],
            "jobserver: build via app -> cc -> jobserver"
        );
    }

    #[test]
    fn members_are_roots_and_unreached_packages_say_so() {
        let graph = g(&["app", "cli", "win"], &[0, 1], &[(1, 0, Normal)]);
        assert_eq!(
            show(&graph, &reach(&graph)),
            [
                "app: normal root via app",
                "cli: normal root via cli",
                "win: unreached"
            ]
        );
    }

    #[test]
    fn cycles_end() {
        let graph = g(
            &["app", "a", "b"],
            &[0],
            &[(0, 1, Normal), (1, 2, Dev), (2, 1, Normal)],
        );
        assert_eq!(show(&graph, &reach(&graph))[2], "b: unreached");
    }
}
