//! (ours) An override that needs a manager's PIN (`[check_in] override_needs_manager_pin`): the
//! manager's token is asked for with their username and PIN, and the override goes out under it,
//! so the server records the manager as who let the customer in. The PIN and the token live only
//! in this task: neither is kept, logged, or handed to the client for later requests.

use tokio::sync::mpsc::UnboundedSender;

use super::ScanLink;
use crate::client::staff::Credential;
use crate::tui::msg::{Msg, RequestId};

impl ScanLink {
    /// `POST get-token/` as the manager; a refusal (a wrong PIN, a lock-out) goes back to the
    /// chooser, a token sends the override under it and is dropped after that one request.
    pub async fn manager_override(
        &self,
        request: RequestId,
        barcode: String,
        reason: String,
        (username, pin): (String, Credential),
        tx: UnboundedSender<Msg>,
    ) {
        let token = match self.client.token_of(&username, &pin).await {
            Ok(token) => token,
            Err(e) => {
                let _ = tx.send(Msg::ManagerPinAnswered { request, result: Err(e) });
                return;
            }
        };
        drop(pin);
        if tx.send(Msg::ManagerPinAnswered { request, result: Ok(()) }).is_err() {
            return;
        }
        self.override_under(request, barcode, &reason, Some(&token), tx).await;
        drop(token);
    }
}
