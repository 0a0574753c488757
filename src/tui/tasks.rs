//! The work the app asks for, done off the render loop: HTTP on tokio tasks,
//! photo decoding and encoding on blocking threads. Each job answers with a
//! [`Msg`] carrying the request id it was given.

use ratatui::layout::Size;
use ratatui_image::picker::Picker;
use tokio::sync::mpsc::UnboundedSender;

use super::msg::{Command, Msg, PhotoKey, RequestId};
use super::photo_view::{decode_photo, encode_photo, prepare_upload};
use super::scans::ScanLink;
use super::staff::TokenFiles;
use crate::client::{Client, LIST_PAGE_SIZE, SubCollection};

#[derive(Clone)]
pub struct Tasks {
    client: Client,
    picker: Option<Picker>,
    tx: UnboundedSender<Msg>,
    scans: ScanLink,
    /// Where staff members' tokens are kept after a lock-screen sign-in (`None`: not kept).
    token_files: Option<TokenFiles>,
}

impl Tasks {
    /// Tasks whose scans go straight to the server (no offline journal; see [`Tasks::with_scans`]).
    pub fn new(client: Client, picker: Option<Picker>, tx: UnboundedSender<Msg>) -> Tasks {
        let scans = ScanLink::new(client.clone(), None, None);
        Tasks { client, picker, tx, scans, token_files: None }
    }

    /// Keeps each staff member's token in `files` after they sign in on the lock screen.
    pub fn with_token_files(self, files: TokenFiles) -> Tasks {
        Tasks { token_files: Some(files), ..self }
    }

    /// Scans through `scans` (its journal and location).
    pub fn with_scans(self, scans: ScanLink) -> Tasks {
        Tasks { scans, ..self }
    }

    /// A walk-in's duplicate check (issue 16).
    fn check_duplicates(&self, request: RequestId, probe: crate::model::duplicates::DuplicateProbe) {
        let (client, tx) = (self.client.clone(), self.tx.clone());
        tokio::spawn(async move {
            let result = client.possible_duplicates(&probe).await;
            let _ = tx.send(Msg::DuplicatesChecked { request, result });
        });
    }

    /// Starts a command; its answer arrives on the app's channel. A send
    /// that fails means the app has quit, and the answer is not needed.
    pub fn run(&self, command: Command) {
        let tx = self.tx.clone();
        match command {
            Command::StartTimer { timer, generation, after } => {
                tokio::spawn(async move {
                    tokio::time::sleep(after).await;
                    let _ = tx.send(Msg::Timer { timer, generation });
                });
            }
            Command::FetchCustomers { request, query } => {
                let client = self.client.clone();
                tokio::spawn(async move {
                    let result = client.customers(&query, LIST_PAGE_SIZE).await;
                    let _ = tx.send(Msg::ListLoaded { request, result });
                });
            }
            Command::FetchPage { request, url } => {
                let client = self.client.clone();
                tokio::spawn(async move {
                    let result = client.customers_page(&url).await;
                    let _ = tx.send(Msg::ListLoaded { request, result });
                });
            }
            Command::FetchSubCollections { request, customer } => {
                for kind in SubCollection::ALL {
                    let (client, customer, tx) = (self.client.clone(), customer.clone(), tx.clone());
                    tokio::spawn(async move {
                        let result = client.sub_collection(&customer, kind).await;
                        let _ = tx.send(Msg::SubLoaded { request, kind, result });
                    });
                }
            }
            Command::FetchLocations => {
                let client = self.client.clone();
                tokio::spawn(async move {
                    let _ = tx.send(Msg::LocationsLoaded(client.locations().await));
                });
            }
            Command::FetchCustomer { request, id } => {
                let client = self.client.clone();
                tokio::spawn(async move {
                    let result = client.customer(id).await;
                    let _ = tx.send(Msg::CustomerLoaded { request, result });
                });
            }
            Command::SaveCustomer { request, id, body } => {
                let client = self.client.clone();
                tokio::spawn(async move {
                    let result = match id {
                        Some(id) => client.update_customer(id, &body).await,
                        None => client.create_customer(&body).await,
                    };
                    let _ = tx.send(Msg::CustomerSaved { request, result });
                });
            }
            Command::CheckDuplicates { request, probe } => self.check_duplicates(request, probe),
            Command::SaveRecord { request, customer_id, kind, url, body } => {
                let client = self.client.clone();
                tokio::spawn(async move {
                    let result = match url {
                        Some(url) => client.update_record(&url, &body).await,
                        None => client.create_record(customer_id, kind, &body).await,
                    };
                    let _ = tx.send(Msg::RecordSaved { request, result });
                });
            }
            Command::CheckIn { request, barcode } => {
                let scans = self.scans.clone();
                tokio::spawn(async move { scans.check_in(request, barcode, tx).await });
            }
            Command::LookUp { request, barcode } => {
                let scans = self.scans.clone();
                tokio::spawn(async move { scans.look_up(request, barcode, tx).await });
            }
            family @ (Command::LoadFamily { .. } | Command::CheckInMember { .. }) => {
                let scans = self.scans.clone();
                tokio::spawn(async move { scans.family(family, tx).await });
            }
            Command::OverrideCheckIn { request, barcode, reason } => {
                let scans = self.scans.clone();
                tokio::spawn(async move { scans.override_check_in(request, barcode, reason, tx).await });
            }
            Command::ManagerOverride { request, barcode, reason, username, pin } => {
                let scans = self.scans.clone();
                tokio::spawn(
                    async move { scans.manager_override(request, barcode, reason, (username, pin), tx).await },
                );
            }
            Command::VoidCheckIn { request, id } => {
                let scans = self.scans.clone();
                tokio::spawn(async move { scans.void(request, id, tx).await });
            }
            Command::SendQueued => self.scans.send_queued(),
            Command::PlaySound { program, args } => {
                tokio::spawn(async move {
                    if let Err(error) = super::check_in::sounds::play(&program, &args).await {
                        let _ = tx.send(Msg::SoundFailed { program, error });
                    }
                });
            }
            Command::LogIn { username, password } => {
                let client = self.client.clone();
                tokio::spawn(async move {
                    let result = client.log_in(&username, &password.0).await;
                    let _ = tx.send(Msg::LoggedIn(result));
                });
            }
            Command::SwitchStaff { username, credential } => self.switch_staff(username, credential),
            Command::CompletePath { request, typed } => self.complete_path(request, typed),
            Command::PreparePhoto { request, path, width, height } => self.prepare_photo(request, path, width, height),
            Command::UploadPhoto { request, customer_id, jpeg } => self.upload_photo(request, customer_id, jpeg),
            Command::FetchPhoto { request, key } => self.fetch_photo(request, key),
        }
    }
}

impl Tasks {
    /// Signs in on the lock screen: the client's token becomes the staff member's (for every task),
    /// and is kept in their file.
    fn switch_staff(&self, username: String, credential: crate::client::staff::Credential) {
        let (client, files, tx) = (self.client.clone(), self.token_files.clone(), self.tx.clone());
        tokio::spawn(async move {
            let (result, kept) = match client.switch_staff(&username, &credential).await {
                Ok(token) => (Ok(()), keep_token(files, username.clone(), token).await),
                Err(e) => (Err(e), Ok(())),
            };
            let _ = tx.send(Msg::StaffSignedIn { username, result, kept });
        });
    }
}

/// Saves a staff member's new token in their file, off the runtime.
async fn keep_token(files: Option<TokenFiles>, username: String, token: String) -> Result<(), String> {
    let Some(files) = files else { return Ok(()) };
    tokio::task::spawn_blocking(move || files.keep(&username, &token))
        .await
        .unwrap_or_else(|e| Err(format!("keeping the token failed: {e}")))
}

impl Tasks {
    /// Completes a typed file path (the photo upload's field), off the render loop.
    fn complete_path(&self, request: RequestId, typed: String) {
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let result = tokio::task::spawn_blocking(move || {
                let home = directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf());
                super::paths::complete(&typed, home.as_deref())
            })
            .await
            .unwrap_or_else(|e| Err(format!("completion failed: {e}")));
            let _ = tx.send(Msg::PathCompleted { request, result });
        });
    }

    /// Reads, crops and encodes a photo to upload, on a blocking thread.
    fn prepare_photo(&self, request: RequestId, path: String, width: u16, height: u16) {
        let tx = self.tx.clone();
        let picker = self.picker.clone();
        tokio::spawn(async move {
            let result =
                tokio::task::spawn_blocking(move || prepare_upload(&path, picker.as_ref(), Size::new(width, height)))
                    .await
                    .unwrap_or_else(|e| Err(format!("photo worker failed: {e}")));
            let _ = tx.send(Msg::PhotoPrepared { request, result });
        });
    }

    /// Uploads a prepared photo, reporting its progress.
    fn upload_photo(&self, request: RequestId, customer_id: i64, jpeg: std::sync::Arc<Vec<u8>>) {
        let tx = self.tx.clone();
        let client = self.client.clone();
        tokio::spawn(async move {
            let progress = tx.clone();
            let report = move |sent, total| {
                let _ = progress.send(Msg::UploadProgress { request, sent, total });
            };
            let result = client.upload_photo(customer_id, jpeg.to_vec(), report).await;
            let _ = tx.send(Msg::PhotoUploaded { request, result });
        });
    }

    /// Fetches a customer's photo and decodes it for the terminal, on a blocking thread.
    fn fetch_photo(&self, request: RequestId, key: PhotoKey) {
        let tx = self.tx.clone();
        let client = self.client.clone();
        let Some(picker) = self.picker.clone() else {
            let _ = tx.send(Msg::PhotoLoaded { request, key, result: Err("photos are off".into()) });
            return;
        };
        tokio::spawn(async move {
            let result = match client.photo(&key.url).await {
                Ok(bytes) => {
                    let cells = Size::new(key.width, key.height);
                    tokio::task::spawn_blocking(move || {
                        decode_photo(&bytes).and_then(|image| encode_photo(&picker, image, cells))
                    })
                    .await
                    .unwrap_or_else(|e| Err(format!("photo worker failed: {e}")))
                }
                Err(e) => Err(e.summary()),
            };
            let _ = tx.send(Msg::PhotoLoaded { request, key, result });
        });
    }
}
