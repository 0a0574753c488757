//! The HTTP client for the Customers API (ours or Capitan's).

/// A reqwest client builder with rustls on the `ring` provider (a pure-Rust
/// build with no C toolchain beyond `cc`, faster to compile than aws-lc-rs).
pub fn http_builder() -> reqwest::ClientBuilder {
    install_crypto_provider();
    reqwest::Client::builder()
}

/// Installs `ring` as the process's rustls provider (once; harmless if one is
/// already installed).
pub fn install_crypto_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}
