//! "Did you mean …?": the closest known word to a misspelt one. A leaf, used by the config
//! file, the baseline, the rule registry and the faces.

/// The candidate closest to `word` by edit distance, when it is close enough to be a typo (at
/// most a third of the word's length, and at least one edit), else the one candidate that `word`
/// begins (`warn` → `warning`): for "did you mean `X`?".
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let candidates: Vec<&str> = candidates.into_iter().collect();
    let limit = (word.chars().count() / 3).max(1);
    let near = candidates
        .iter()
        .map(|&c| (edit_distance(word, c), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c);
    near.or_else(
        || match candidates.iter().filter(|c| word.len() >= 3 && c.starts_with(word)).collect::<Vec<_>>()[..] {
            [&only] => Some(only),
            _ => None,
        },
    )
}

/// ` (did you mean `X`?)`, or nothing.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(word, candidates).map_or_else(String::new, |c| format!("; did you mean `{c}`?"))
}

/// Levenshtein distance over characters (insertions, deletions, substitutions).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != cb)).min(row[j] + 1).min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}
