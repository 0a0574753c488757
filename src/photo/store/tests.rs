use super::*;

fn photo() -> PreparedPhoto {
    PreparedPhoto { full_jpeg: vec![1, 2, 3], small_jpeg: vec![4, 5] }
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|dir| dir.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    names.sort();
    names
}

#[tokio::test]
async fn saved_files_get_fresh_random_names_and_only_those_are_servable() {
    let dir = tempfile::tempdir().unwrap();
    let store = PhotoStore::new(dir.path().join("media"));
    let first = store.save(&photo()).await.unwrap().keep();
    let second = store.save(&photo()).await.unwrap().keep();
    assert_ne!(first.full, second.full);
    assert!(is_photo_name(&first.full) && is_photo_name(&first.small));
    assert_eq!(store.read(&first.full).await.unwrap().unwrap(), vec![1, 2, 3]);
    assert_eq!(store.read(&first.small).await.unwrap().unwrap(), vec![4, 5]);
    let media = store.dir().unwrap();
    assert_eq!(files(media).len(), 4, "no temporary file is left");
    std::fs::write(media.join("notes.txt"), "not a photo").unwrap();
    for bad in ["../x.jpg", "a/b.jpg", "", ".jpg", "notes.txt", &format!(".{}", first.full), &first.full.to_uppercase()]
    {
        assert_eq!(store.read(bad).await.unwrap(), None, "{bad:?} must not be servable");
    }
    store.remove(["notes.txt", "../media/notes.txt"]).await;
    assert!(media.join("notes.txt").exists(), "names the store does not generate are never removed");
}

#[tokio::test]
async fn pending_files_are_discarded_kept_or_removed_when_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let store = PhotoStore::new(dir.path());
    store.save(&photo()).await.unwrap().discard().await;
    assert!(files(dir.path()).is_empty());

    let kept = store.save(&photo()).await.unwrap().keep();
    assert_eq!(files(dir.path()).len(), 2);
    store.remove(kept.names()).await;
    store.remove(kept.names()).await;
    assert!(files(dir.path()).is_empty(), "removing twice is fine");

    // Dropped unsettled (a request cut off): removed in the background.
    drop(store.save(&photo()).await.unwrap());
    for _ in 0..200 {
        if files(dir.path()).is_empty() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("a dropped pending photo left {:?}", files(dir.path()));
}

#[test]
fn a_pending_photo_dropped_outside_a_runtime_removes_its_files_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = PhotoStore::new(dir.path());
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let pending = runtime.block_on(store.save(&photo())).unwrap();
    drop(runtime);
    assert_eq!(files(dir.path()).len(), 2);
    drop(pending);
    assert!(files(dir.path()).is_empty());
}

#[tokio::test]
async fn a_folder_lists_its_photos_and_partial_writes_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let store = PhotoStore::new(dir.path());
    let kept = store.save(&photo()).await.unwrap().keep();
    let partial = format!(".{}.Ab3xYz.partial", "e".repeat(32) + ".jpg");
    let old_style_partial = format!(".{}.partial", "f".repeat(32) + "_small.jpg");
    for other in [partial.as_str(), old_style_partial.as_str(), "notes.txt", ".x.jpg.abc.partial"] {
        std::fs::write(dir.path().join(other), "x").unwrap();
    }
    let mut listed: Vec<(String, bool)> =
        store.list().await.unwrap().into_iter().map(|f| (f.name, f.partial)).collect();
    listed.sort();
    let mut want = vec![(kept.full, false), (kept.small, false), (partial.clone(), true), (old_style_partial, true)];
    want.sort();
    assert_eq!(listed, want);
    store.remove([partial.as_str()]).await;
    assert!(!dir.path().join(&partial).exists(), "a partial write of a photo can be removed");
}

#[test]
fn a_media_location_is_a_folder_or_an_s3_bucket_with_a_prefix() {
    let bucket = |b: &str, p: &str| MediaLocation::Bucket { bucket: b.into(), prefix: p.into() };
    let cases: [(&str, Result<MediaLocation, &str>); 9] = [
        ("/var/lib/frontdesk/media", Ok(MediaLocation::Folder("/var/lib/frontdesk/media".into()))),
        ("media", Ok(MediaLocation::Folder("media".into()))),
        ("s3://photos", Ok(bucket("photos", ""))),
        ("s3://photos/", Ok(bucket("photos", ""))),
        ("s3://photos/gym-1/media/", Ok(bucket("photos", "gym-1/media"))),
        ("s3:///media", Err("names no bucket")),
        ("s3://photos/a//b", Err("single slashes")),
        ("gs://photos/x", Err("a folder or an s3://bucket/prefix URL")),
        ("", Err("empty")),
    ];
    for (text, want) in cases {
        match (text.parse::<MediaLocation>(), want) {
            (Ok(got), Ok(want)) => assert_eq!(got, want, "{text:?}"),
            (Err(got), Err(want)) => assert!(got.contains(want), "{text:?}: {got}"),
            (got, want) => panic!("{text:?}: {got:?}, wanted {want:?}"),
        }
    }
    assert_eq!(bucket("photos", "gym-1/media").to_string(), "s3://photos/gym-1/media");
    assert_eq!(bucket("photos", "").to_string(), "s3://photos");
}

#[test]
fn a_bucket_store_is_opened_from_the_aws_variables_without_contacting_it() {
    let env = [
        ("AWS_ACCESS_KEY_ID", "key"),
        ("AWS_SECRET_ACCESS_KEY", "secret"),
        ("AWS_REGION", "eu-west-1"),
        ("AWS_ENDPOINT_URL", "http://127.0.0.1:9"),
        ("HOME", "/root"),
    ]
    .map(|(k, v)| (k.to_string(), v.to_string()));
    let location: MediaLocation = "s3://photos/gym".parse().unwrap();
    let store = PhotoStore::open(&location, env).unwrap();
    assert_eq!(store.location(), location);
    assert_eq!(store.dir(), None);
}
