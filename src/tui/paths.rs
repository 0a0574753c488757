//! File name completion for the photo picker, as a shell does it: the folder's entries that start with
//! what was typed (folders and JPEG or PNG files only), completed as far as they agree. Blocking (it
//! reads a folder): run it on a blocking thread.

use std::path::{Path, PathBuf};

/// What Tab makes of `typed`: the new text, and the candidates (names, folders ending in `/`).
pub fn complete(typed: &str, home: Option<&Path>) -> Result<(String, Vec<String>), String> {
    let (dir_text, prefix) = match typed.rfind('/') {
        Some(at) => (&typed[..=at], &typed[at + 1..]),
        None => ("", typed),
    };
    let dir = expand(if dir_text.is_empty() { "." } else { dir_text }, home);
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("Cannot read the folder {}: {e}", dir.display()))?;
    let mut candidates: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().to_str()?.to_string();
            if !name.starts_with(prefix) || (name.starts_with('.') && !prefix.starts_with('.')) {
                return None;
            }
            // Follows links: a link to a folder is a folder.
            let is_dir = entry.path().is_dir();
            if is_dir { Some(format!("{name}/")) } else { is_photo_name(&name).then_some(name) }
        })
        .collect();
    candidates.sort();
    let completed = match candidates.as_slice() {
        [] => prefix.to_string(),
        [only] => only.clone(),
        many => common_prefix(many),
    };
    Ok((format!("{dir_text}{completed}"), candidates))
}

/// `~/x` is in the home folder.
pub fn expand(path: &str, home: Option<&Path>) -> PathBuf {
    match (path.strip_prefix("~/").or_else(|| (path == "~").then_some("")), home) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => PathBuf::from(path),
    }
}

fn is_photo_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".jpg", ".jpeg", ".png"].iter().any(|ext| lower.ends_with(ext))
}

fn common_prefix(names: &[String]) -> String {
    let mut prefix = names[0].clone();
    for name in &names[1..] {
        let shared: usize =
            prefix.chars().zip(name.chars()).take_while(|(a, b)| a == b).map(|(a, _)| a.len_utf8()).sum();
        prefix.truncate(shared);
    }
    prefix
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completion_fills_what_the_candidates_share_and_lists_them() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["ann-2024.jpg", "ann-2025.JPEG", "notes.txt", ".hidden.png"] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        std::fs::create_dir(dir.path().join("annex")).unwrap();
        let base = format!("{}/", dir.path().display());
        let (text, candidates) = complete(&format!("{base}an"), None).unwrap();
        assert_eq!(text, format!("{base}ann"));
        assert_eq!(candidates, ["ann-2024.jpg", "ann-2025.JPEG", "annex/"]);
        let (text, candidates) = complete(&format!("{base}ann-2024"), None).unwrap();
        assert_eq!(text, format!("{base}ann-2024.jpg"));
        assert_eq!(candidates.len(), 1);
        let (_, all) = complete(&base, None).unwrap();
        assert!(!all.iter().any(|c| c == "notes.txt" || c.starts_with('.')), "only photos and folders: {all:?}");
        let (text, _) = complete("~/an", Some(dir.path())).unwrap();
        assert_eq!(text, "~/ann", "the text stays as typed");
        assert!(complete("/no/such/folder/x", None).unwrap_err().contains("/no/such/folder"));
    }
}
