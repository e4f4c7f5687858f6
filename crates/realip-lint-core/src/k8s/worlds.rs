//! Which inputs are linked together. A repository often keeps the same objects once per
//! environment (`envs/dev/…`, `envs/prod/…`, `overlays/*`, `examples/*`): those are alternatives,
//! not one cluster, so linking them would let one environment's copy replace another's and a
//! finding of one environment vanish. The input is split into *worlds*, bottom-up over the
//! directory tree of the source names:
//!
//! - the files directly in a directory are one unit; each subdirectory gives its own worlds;
//! - when the units of a directory share no object (same group, kind, namespace and name, among
//!   the kinds the rules read) and every subdirectory is a single world, they are linked into one
//!   world (a repository of several apps and their ingress controller is one cluster);
//! - otherwise each unit stays a world of its own.
//!
//! So a folder whose objects collide with a sibling's is linted exactly as a run over that folder
//! alone would lint it, whatever folder above it the run starts from: no finding of an
//! environment is lost, and no Service in one environment selects a workload in another. A
//! stream that is not a path (`<stdin>`, `<kustomize DIR>`, `<cluster CONTEXT>`) is a directory
//! of its own. The split depends on the names and objects only, so every face gets the same.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::load::Loaded;
use super::object::ObjData;
use crate::source::Source;

/// An object's identity, for collisions between units.
type Identity = (String, String, Option<String>, String);

/// A world: the files (indexes into the sources) linked together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct World {
    pub files: Vec<usize>,
}

/// The worlds of these sources, in input order of their first file. `identities[file]` are the
/// identities of the objects read from that file.
fn split_files(names: &[&str], identities: &[HashSet<Identity>]) -> Vec<World> {
    #[derive(Default)]
    struct Dir {
        files: Vec<usize>,
        children: BTreeMap<String, Dir>,
    }
    fn worlds(dir: &Dir, identities: &[HashSet<Identity>]) -> Vec<Vec<usize>> {
        let mut units: Vec<Vec<usize>> = Vec::new();
        if !dir.files.is_empty() {
            units.push(dir.files.clone());
        }
        let mut every_child_single = true;
        for child in dir.children.values() {
            let w = worlds(child, identities);
            every_child_single &= w.len() == 1;
            units.extend(w);
        }
        if units.len() <= 1 || !every_child_single {
            return units;
        }
        let mut seen: HashSet<&Identity> = HashSet::new();
        for unit in &units {
            let mine: HashSet<&Identity> = unit.iter().flat_map(|&f| &identities[f]).collect();
            if mine.iter().any(|id| seen.contains(id)) {
                return units;
            }
            seen.extend(mine);
        }
        vec![units.concat()]
    }

    let mut root = Dir::default();
    for (file, name) in names.iter().enumerate() {
        let mut dir = &mut root;
        if name.starts_with('<') {
            dir = dir.children.entry((*name).to_owned()).or_default();
        } else {
            let parts: Vec<&str> = name.split(['/', '\\']).filter(|p| !p.is_empty() && *p != ".").collect();
            for part in &parts[..parts.len().saturating_sub(1)] {
                dir = dir.children.entry((*part).to_owned()).or_default();
            }
        }
        dir.files.push(file);
    }

    let mut out: Vec<World> = worlds(&root, identities)
        .into_iter()
        .map(|mut files| {
            files.sort_unstable();
            World { files }
        })
        .collect();
    out.sort_by_key(|w| w.files.first().copied());
    out
}

/// The worlds of these sources, given what was loaded from them.
pub fn assign(sources: &[Source], loaded: &Loaded) -> Vec<World> {
    let mut identities: Vec<HashSet<Identity>> = vec![HashSet::new(); sources.len()];
    for o in &loaded.objects {
        // Kinds no rule reads are not linked, so a second copy changes nothing (as for duplicates).
        if matches!(o.data, ObjData::Other) {
            continue;
        }
        if let Some(name) = &o.name {
            identities[o.file].insert((o.group().to_owned(), o.kind.clone(), o.namespace.clone(), name.clone()));
        }
    }
    let names: Vec<&str> = sources.iter().map(|s| s.name.as_str()).collect();
    split_files(&names, &identities)
}

/// Split what was loaded into the worlds that are linked together, each a `Loaded` of its own
/// (its objects in input order). Duplicates are marked within each world.
pub fn split(sources: &[Source], loaded: Loaded) -> Vec<Loaded> {
    let worlds = assign(sources, &loaded);
    if worlds.len() <= 1 {
        let mut one = loaded;
        super::load::mark_duplicates(&mut one);
        return vec![one];
    }
    let world_of: HashMap<usize, usize> =
        worlds.iter().enumerate().flat_map(|(w, world)| world.files.iter().map(move |&f| (f, w))).collect();
    let mut out: Vec<Loaded> = (0..worlds.len()).map(|_| Loaded::default()).collect();
    // Skipped documents are counted per run, not per file: the first world carries the count.
    out[0].skipped = loaded.skipped;
    for o in loaded.objects {
        out[world_of[&o.file]].objects.push(o);
    }
    for i in loaded.invalid {
        out[world_of[&i.loc.file]].invalid.push(i);
    }
    for l in &mut out {
        super::load::mark_duplicates(l);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(kind: &str, name: &str) -> Identity {
        (String::new(), kind.to_owned(), Some("default".to_owned()), name.to_owned())
    }

    fn run(files: &[(&str, &[(&str, &str)])]) -> Vec<Vec<usize>> {
        let names: Vec<&str> = files.iter().map(|f| f.0).collect();
        let ids: Vec<HashSet<Identity>> = files.iter().map(|f| f.1.iter().map(|(k, n)| id(k, n)).collect()).collect();
        split_files(&names, &ids).into_iter().map(|w| w.files).collect()
    }

    #[test]
    fn environments_with_the_same_objects_are_apart() {
        let web: &[(&str, &str)] = &[("Service", "web"), ("Deployment", "web")];
        let w = run(&[("envs/dev/web.yaml", web), ("envs/prod/web.yaml", web), ("envs/prod/db.yaml", &[])]);
        assert_eq!(w, vec![vec![0], vec![1, 2]]);
    }

    #[test]
    fn folders_that_share_nothing_are_one_cluster() {
        let w = run(&[
            ("apps/shop/svc.yaml", &[("Service", "shop")]),
            ("apps/blog/svc.yaml", &[("Service", "blog")]),
            ("infra/ingress.yaml", &[("Service", "ingress-nginx-controller")]),
            ("nodes.yaml", &[]),
        ]);
        assert_eq!(w, vec![vec![0, 1, 2, 3]]);
    }

    #[test]
    fn a_split_below_keeps_the_siblings_and_the_loose_files_apart() {
        let web: &[(&str, &str)] = &[("Service", "web")];
        let w = run(&[
            ("repo/envs/dev/web.yaml", web),
            ("repo/envs/prod/web.yaml", web),
            ("repo/infra/lb.yaml", &[("Service", "lb")]),
            ("repo/README.yaml", &[]),
        ]);
        assert_eq!(w, vec![vec![0], vec![1], vec![2], vec![3]]);
    }

    #[test]
    fn the_same_object_twice_in_one_folder_stays_linked() {
        let web: &[(&str, &str)] = &[("Service", "web")];
        assert_eq!(run(&[("a/one.yaml", web), ("a/two.yaml", web)]), vec![vec![0, 1]]);
    }

    #[test]
    fn streams_that_are_not_paths_are_folders_of_their_own() {
        let web: &[(&str, &str)] = &[("Service", "web")];
        let w = run(&[("<stdin>", web), ("<kustomize overlays/prod>", web), ("web.yaml", &[])]);
        assert_eq!(w, vec![vec![0], vec![1], vec![2]]);
        assert_eq!(run(&[("<stdin>", web), ("x/web.yaml", &[("Deployment", "web")])]), vec![vec![0, 1]]);
    }
}
