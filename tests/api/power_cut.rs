//! The power-cut model (scripts/power-cut): the real server under an
//! LD_PRELOAD shim that snapshots each file at every fsync, killed with
//! SIGKILL mid-burst, every file rolled back to its last fsync. With the
//! default `synchronous=FULL` no acknowledged write is lost; with
//! `--durability normal` the same model does lose some, so it can see a loss.
//! Needs gcc and python3 (both on the CI image).

fn run(rounds: &str, args: &[&str]) -> std::process::Output {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/power-cut/run");
    let out = std::process::Command::new("python3")
        .arg(script)
        .args(["--binary", env!("CARGO_BIN_EXE_frontdesk"), "--rounds", rounds])
        .args(args)
        .output()
        .expect("python3 runs the power-cut script");
    println!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    out
}

#[test]
fn no_acknowledged_write_is_lost_at_a_power_cut_with_full_durability() {
    assert!(run("3", &[]).status.success(), "acknowledged writes were lost (see the output)");
}

#[test]
fn the_model_sees_losses_with_normal_durability() {
    assert!(run("6", &["--durability", "normal", "--expect-loss"]).status.success(), "the model saw no loss");
}
