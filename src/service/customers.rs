//! Writing a customer and its photo, for the API, the demo and the tests.
//!
//! The order that leaves no orphan file and never a dangling row (see
//! `photo::store`): a new photo's files are written first, under new names;
//! one transaction writes the fields and points the customer at the files;
//! after the commit the new files are kept and the replaced ones deleted. A
//! failure before the commit deletes the new files and keeps the old photo.

use std::collections::HashMap;

use crate::model::Customer;
use crate::model::customer_write::CustomerWrite;
use crate::photo::{PendingPhoto, PhotoStore, PreparedPhoto, StoredPhoto, portrait};
use crate::storage::activity::Actor;
use crate::storage::customers::{self, WriteContext};
use crate::storage::{Conn, Db, OrgScope, StoreError, StoreResult};

/// What a write does to the customer's photo.
#[derive(Debug)]
pub enum PhotoChange {
    Keep,
    Remove,
    /// Files already written under new names ([`PhotoStore::save`]).
    Replace(PendingPhoto),
}

/// One customer's write.
#[derive(Debug)]
pub struct CustomerChange<'a> {
    pub id: i64,
    /// The fields to write; `None` leaves them (and `updated_at`, unless the
    /// photo changes) as they are.
    pub fields: Option<&'a CustomerWrite>,
    pub photo: PhotoChange,
}

/// Creates a customer; answers it as committed.
pub async fn create(db: &Db, org: &OrgScope, write: &CustomerWrite, ctx: WriteContext) -> StoreResult<Customer> {
    let mut tx = db.begin_write().await?;
    let id = customers::create(org, &mut tx, write, ctx).await?;
    let record = customers::get(org, &mut tx, id).await?.ok_or(StoreError::NotFound)?;
    tx.commit().await?;
    Ok(record)
}

/// Writes one customer's fields and photo; answers the customer as committed.
pub async fn update(
    db: &Db,
    store: &PhotoStore,
    org: &OrgScope,
    change: CustomerChange<'_>,
    ctx: WriteContext,
) -> StoreResult<Customer> {
    let id = change.id;
    let mut files = Files::default();
    let written = async {
        let mut tx = db.begin_write().await?;
        apply(org, &mut tx, change, ctx, &mut files).await?;
        let record = customers::get(org, &mut tx, id).await?.ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(record)
    }
    .await;
    files.settle(store, written.is_ok()).await;
    written
}

/// Gives each customer the photo whose files are written, in one
/// transaction; returns how many customers got one.
pub async fn set_photos(
    db: &Db,
    store: &PhotoStore,
    org: &OrgScope,
    photos: Vec<(i64, PendingPhoto)>,
    ctx: WriteContext,
) -> StoreResult<usize> {
    let count = photos.len();
    let mut files = Files::default();
    let mut changes = photos.into_iter();
    let written = async {
        let mut tx = db.begin_write().await?;
        for (id, photo) in changes.by_ref() {
            let change = CustomerChange { id, fields: None, photo: PhotoChange::Replace(photo) };
            apply(org, &mut tx, change, ctx, &mut files).await?;
        }
        tx.commit().await?;
        StoreResult::Ok(())
    }
    .await;
    // The photos a failure stopped before are discarded with the rest.
    files.new.extend(changes.map(|(_, photo)| photo));
    files.settle(store, written.is_ok()).await;
    written?;
    Ok(count)
}

/// Gives customers generated portraits (the demo gym's photos): `(customer
/// id, seed)` pairs. Each distinct seed's picture is drawn once, on blocking
/// threads; every customer gets files of their own; on any failure no file
/// is left behind. Returns how many customers got a photo.
pub async fn attach_portraits(
    db: &Db,
    org: &OrgScope,
    store: &PhotoStore,
    customers: &[(i64, u64)],
    now_micros: i64,
) -> anyhow::Result<usize> {
    let drawn = draw_portraits(customers.iter().map(|(_, seed)| *seed).collect()).await?;
    let mut written = Vec::with_capacity(customers.len());
    for (id, seed) in customers {
        let saved = match drawn.get(seed) {
            Some(photo) => store.save(photo).await.map_err(anyhow::Error::from),
            None => Err(anyhow::anyhow!("no portrait was drawn for seed {seed}")),
        };
        match saved {
            Ok(pending) => written.push((*id, pending)),
            Err(e) => {
                for (_, pending) in written {
                    pending.discard().await;
                }
                return Err(e);
            }
        }
    }
    let ctx = WriteContext { actor: Actor::System, now: now_micros };
    Ok(set_photos(db, store, org, written, ctx).await?)
}

/// Each distinct seed's portrait, drawn in parallel on blocking threads.
async fn draw_portraits(mut seeds: Vec<u64>) -> anyhow::Result<HashMap<u64, PreparedPhoto>> {
    seeds.sort_unstable();
    seeds.dedup();
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let mut tasks = Vec::new();
    for part in seeds.chunks(seeds.len().div_ceil(threads).max(1)) {
        let part = part.to_vec();
        tasks.push(tokio::task::spawn_blocking(move || {
            part.into_iter().map(|seed| Ok((seed, portrait::prepared(seed)?))).collect::<anyhow::Result<Vec<_>>>()
        }));
    }
    let mut drawn = HashMap::new();
    for task in tasks {
        drawn.extend(task.await??);
    }
    Ok(drawn)
}

/// The files a transaction's writes touch: new ones to keep once it commits
/// (dropped uncommitted, they delete themselves), replaced ones to delete.
#[derive(Debug, Default)]
struct Files {
    new: Vec<PendingPhoto>,
    replaced: Vec<String>,
}

impl Files {
    /// After the transaction: committed, the new files stay and the replaced
    /// ones go; failed, the new files go and the old ones stay. Best effort:
    /// the sweep takes whatever cannot be removed now.
    async fn settle(self, store: &PhotoStore, committed: bool) {
        if !committed {
            for pending in self.new {
                pending.discard().await;
            }
            return;
        }
        self.new.into_iter().for_each(|pending| drop(pending.keep()));
        store.remove(&self.replaced).await;
    }
}

/// Writes one change on the transaction.
async fn apply(
    org: &OrgScope,
    conn: &mut Conn,
    change: CustomerChange<'_>,
    ctx: WriteContext,
    files: &mut Files,
) -> StoreResult<()> {
    // The new files are the transaction's from here on, whatever fails.
    let new_photo = match change.photo {
        PhotoChange::Keep => None,
        PhotoChange::Remove => Some(None),
        PhotoChange::Replace(pending) => {
            let names = pending.names().clone();
            files.new.push(pending);
            Some(Some(names))
        }
    };
    if let Some(write) = change.fields {
        customers::update(org, conn, change.id, write, ctx).await?;
    }
    let Some(new_photo) = new_photo else { return Ok(()) };
    let names = new_photo.as_ref().map(StoredPhoto::as_pair);
    let replaced = customers::set_profile_image(org, conn, change.id, names, ctx).await?;
    files.replaced.extend([replaced.0, replaced.1].into_iter().flatten());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fields::WriteMode;
    use crate::photo::PreparedPhoto;
    use crate::storage::orgs;

    struct Gym {
        _dir: tempfile::TempDir,
        db: Db,
        org: OrgScope,
        store: PhotoStore,
    }

    async fn gym() -> Gym {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("service.db")).await.unwrap();
        let mut conn = db.acquire().await.unwrap();
        orgs::create_org(&mut conn, "Service Gym", "UTC", 0).await.unwrap();
        let org = orgs::org_by_name(&mut conn, "Service Gym").await.unwrap();
        drop(conn);
        let store = PhotoStore::new(dir.path().join("media"));
        Gym { _dir: dir, db, org, store }
    }

    fn ctx() -> WriteContext {
        WriteContext { actor: Actor::System, now: 1_000_000 }
    }

    fn write(body: serde_json::Value, mode: WriteMode) -> CustomerWrite {
        let serde_json::Value::Object(body) = body else { panic!("a JSON object") };
        CustomerWrite::from_json(&body, mode).unwrap()
    }

    async fn customer(gym: &Gym, email: &str) -> i64 {
        let w = write(
            serde_json::json!({"first_name": "Ada", "last_name": "Ng", "email": email, "birthday": "1990-06-01"}),
            WriteMode::Full,
        );
        create(&gym.db, &gym.org, &w, ctx()).await.unwrap().id
    }

    async fn new_photo(gym: &Gym) -> PendingPhoto {
        gym.store.save(&PreparedPhoto { full_jpeg: vec![1, 2, 3], small_jpeg: vec![4, 5] }).await.unwrap()
    }

    fn files(gym: &Gym) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(gym.store.dir().unwrap())
            .map(|dir| dir.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        names.sort();
        names
    }

    async fn photo_of(gym: &Gym, id: i64) -> Option<String> {
        let mut conn = gym.db.acquire().await.unwrap();
        customers::get(&gym.org, &mut conn, id).await.unwrap().unwrap().profile_image
    }

    #[tokio::test]
    async fn a_replaced_photo_s_files_are_deleted_once_the_new_one_is_committed() {
        let gym = gym().await;
        let id = customer(&gym, "ada@example.com").await;
        let first = new_photo(&gym).await;
        let first_name = first.names().full.clone();
        let change = CustomerChange { id, fields: None, photo: PhotoChange::Replace(first) };
        let record = update(&gym.db, &gym.store, &gym.org, change, ctx()).await.unwrap();
        assert_eq!(record.profile_image.as_deref(), Some(first_name.as_str()), "answered as committed");

        let second = new_photo(&gym).await;
        let second_names = second.names().clone();
        let change = CustomerChange { id, fields: None, photo: PhotoChange::Replace(second) };
        update(&gym.db, &gym.store, &gym.org, change, ctx()).await.unwrap();
        let mut want = vec![second_names.full.clone(), second_names.small];
        want.sort();
        assert_eq!(files(&gym), want);
        assert_eq!(photo_of(&gym, id).await, Some(second_names.full));

        let change = CustomerChange { id, fields: None, photo: PhotoChange::Remove };
        update(&gym.db, &gym.store, &gym.org, change, ctx()).await.unwrap();
        assert!(files(&gym).is_empty());
        assert_eq!(photo_of(&gym, id).await, None);
    }

    #[tokio::test]
    async fn a_write_refused_in_its_transaction_keeps_the_old_photo_and_leaves_no_new_file() {
        let gym = gym().await;
        let id = customer(&gym, "ada@example.com").await;
        customer(&gym, "taken@example.com").await;
        let first = new_photo(&gym).await;
        let first_name = first.names().full.clone();
        let change = CustomerChange { id, fields: None, photo: PhotoChange::Replace(first) };
        update(&gym.db, &gym.store, &gym.org, change, ctx()).await.unwrap();
        let before = files(&gym);

        let taken = write(serde_json::json!({"email": "taken@example.com"}), WriteMode::Partial);
        let change = CustomerChange { id, fields: Some(&taken), photo: PhotoChange::Replace(new_photo(&gym).await) };
        let refused = update(&gym.db, &gym.store, &gym.org, change, ctx()).await;
        assert!(matches!(refused, Err(StoreError::Invalid(_))), "{refused:?}");
        assert_eq!(files(&gym), before);
        assert_eq!(photo_of(&gym, id).await, Some(first_name));

        let photos = vec![(id, new_photo(&gym).await), (id + 1000, new_photo(&gym).await)];
        let refused = set_photos(&gym.db, &gym.store, &gym.org, photos, ctx()).await;
        assert!(matches!(refused, Err(StoreError::NotFound)), "an unknown customer: {refused:?}");
        assert_eq!(files(&gym), before, "all or nothing");
    }
}
