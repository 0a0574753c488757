//! `frontdesk demo`.

pub fn run(_args: crate::cli::DemoArgs, _config: Option<std::path::PathBuf>) -> anyhow::Result<()> {
    anyhow::bail!("the demo is not part of this build yet")
}
