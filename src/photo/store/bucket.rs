//! The bucket store: photos as objects in an S3-compatible bucket
//! (`object_store`'s S3 client over our reqwest and rustls with `ring`), so
//! any number of servers write and serve the same photos. A PUT makes an
//! object appear whole, so there are no partial writes to sweep.
//!
//! Requests are bounded so that a store that stops answering fails a photo
//! upload within the request's 30 s timeout rather than hanging it.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::TryStreamExt;
use object_store::aws::{AmazonS3, AmazonS3Builder, AmazonS3ConfigKey};
use object_store::path::Path;
use object_store::{ClientOptions, ObjectStore, ObjectStoreExt, PutPayload, RetryConfig};

use super::{MediaError, MediaLocation, StoredFile, StoredPhoto, is_photo_name};

/// One request to the store, from connecting to the last byte.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// Retries of a failed request (5xx, a dropped connection) stop after this.
const RETRY_WITHIN: Duration = Duration::from_secs(12);
const MAX_RETRIES: usize = 3;
/// The variables that name the endpoint; an `http://` one is allowed.
const ENDPOINT_VARS: [&str; 3] = ["AWS_ENDPOINT_URL", "AWS_ENDPOINT", "AWS_ENDPOINT_URL_S3"];

#[derive(Debug, Clone)]
pub(super) struct Bucket {
    client: Arc<AmazonS3>,
    bucket: String,
    /// Objects are `<prefix>/<name>`; the empty path for none.
    prefix: Path,
}

impl Bucket {
    pub(super) fn open(
        bucket: &str,
        prefix: &str,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Bucket, MediaError> {
        install_crypto_provider();
        let options = ClientOptions::new().with_timeout(REQUEST_TIMEOUT).with_connect_timeout(CONNECT_TIMEOUT);
        let retry = RetryConfig { max_retries: MAX_RETRIES, retry_timeout: RETRY_WITHIN, ..RetryConfig::default() };
        let mut builder = AmazonS3Builder::new().with_client_options(options).with_retry(retry);
        let mut plain_http = false;
        for (key, value) in env {
            if !key.starts_with("AWS_") {
                continue;
            }
            plain_http |= ENDPOINT_VARS.contains(&key.as_str()) && value.starts_with("http://");
            if let Ok(config) = key.to_ascii_lowercase().parse::<AmazonS3ConfigKey>() {
                builder = builder.with_config(config, value);
            }
        }
        builder = builder.with_bucket_name(bucket);
        if plain_http {
            builder = builder.with_allow_http(true);
        }
        let prefix = Path::parse(prefix).map_err(object_store::Error::from)?;
        Ok(Bucket { client: Arc::new(builder.build()?), bucket: bucket.to_string(), prefix })
    }

    pub(super) fn location(&self) -> MediaLocation {
        MediaLocation::Bucket { bucket: self.bucket.clone(), prefix: self.prefix.to_string() }
    }

    fn key(&self, name: &str) -> Path {
        self.prefix.clone().join(name)
    }

    pub(super) async fn save(&self, names: &StoredPhoto, full: Bytes, small: Bytes) -> Result<(), MediaError> {
        self.client.put(&self.key(&names.full), PutPayload::from(full)).await?;
        if let Err(e) = self.client.put(&self.key(&names.small), PutPayload::from(small)).await {
            self.remove(vec![names.full.clone()]).await;
            return Err(e.into());
        }
        Ok(())
    }

    pub(super) async fn read(&self, name: &str) -> Result<Option<Bytes>, MediaError> {
        let found = match self.client.get(&self.key(name)).await {
            Ok(found) => found,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        Ok(Some(found.bytes().await?))
    }

    /// S3 answers a delete of a missing object as done, so what was already
    /// gone counts as removed here.
    pub(super) async fn remove(&self, names: Vec<String>) -> usize {
        let mut removed = 0;
        for name in names {
            match self.client.delete(&self.key(&name)).await {
                Ok(()) => removed += 1,
                Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => tracing::warn!(name, error = %e, "could not remove a photo object"),
            }
        }
        removed
    }

    /// The photos directly under the prefix (deeper objects are not ours).
    pub(super) async fn list(&self) -> Result<Vec<StoredFile>, MediaError> {
        let prefix = (!self.prefix.as_ref().is_empty()).then_some(&self.prefix);
        let listed: Vec<_> = self.client.list(prefix).try_collect().await?;
        let files = listed.into_iter().filter_map(|meta| {
            let mut parts = meta.location.prefix_match(&self.prefix)?;
            let name = parts.next()?.as_ref().to_string();
            (parts.next().is_none() && is_photo_name(&name)).then(|| StoredFile {
                name,
                partial: false,
                modified: meta.last_modified.into(),
            })
        });
        Ok(files.collect())
    }
}

/// reqwest is built without a TLS provider of its own (`rustls-no-provider`,
/// as the app's client is): `ring`, once per process.
fn install_crypto_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}
