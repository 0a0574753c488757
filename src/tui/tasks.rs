//! The work the app asks for, done off the render loop: HTTP on tokio tasks,
//! photo decoding and encoding on blocking threads. Each job answers with a
//! [`Msg`] carrying the request id it was given.

use ratatui::layout::Size;
use ratatui_image::picker::Picker;
use tokio::sync::mpsc::UnboundedSender;

use super::app::{Command, Msg};
use super::photo_view::{decode_photo, encode_photo};
use crate::client::{Client, LIST_PAGE_SIZE, SubCollection};

#[derive(Clone)]
pub struct Tasks {
    client: Client,
    picker: Option<Picker>,
    tx: UnboundedSender<Msg>,
}

impl Tasks {
    pub fn new(client: Client, picker: Option<Picker>, tx: UnboundedSender<Msg>) -> Tasks {
        Tasks { client, picker, tx }
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
            Command::FetchPhoto { request, key } => {
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
    }
}
