//! `cargo bench --bench photo`: the profile photo pipeline on a 12 MP
//! phone-like JPEG, on one core: time, peak heap, output sizes and fidelity.
//!
//! The photo is synthesized (a lit backdrop, a subject, texture at several
//! scales and sensor grain) and encoded like a phone's (4:2:0, quality 90)
//! to about 2 MB. Fidelity is PSNR per channel of the pipeline's 512x512
//! result against a reference decoded at full size by the `image` crate
//! and resampled with Lanczos3.
// Test code: a failed expectation is the test (or benchmark run) failing, said with unwrap, expect or panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::unreachable)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use fast_image_resize as fir;
use frontdesk::photo::{self, FULL_SIDE, Limits};
use image::RgbImage;

/// Counts live heap bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// A counting allocator (peak heap) must implement the unsafe `GlobalAlloc`.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            if new_size > layout.size() {
                let live = LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size - layout.size();
                PEAK.fetch_max(live, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Heap bytes allocated at the peak of `f`, above what was live before it.
fn peak_heap<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let out = f();
    (out, PEAK.load(Ordering::Relaxed) - before)
}

// libc clock_gettime: no safe std equivalent for a thread's CPU time.
#[allow(unsafe_code)]
fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: a valid clock id and a valid pointer to a timespec.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Runs everything on one CPU, as the bar asks.
// libc sched_setaffinity: no safe std equivalent.
#[allow(unsafe_code)]
fn pin_to_one_cpu() -> Option<usize> {
    // SAFETY: plain libc calls on this process with a zeroed, then filled, cpu set.
    unsafe {
        let cpu = usize::try_from(libc::sched_getcpu()).ok()?;
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        (libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) == 0).then_some(cpu)
    }
}

struct Timing {
    wall: Vec<Duration>,
    cpu: Vec<Duration>,
}

impl Timing {
    fn measure(runs: usize, mut f: impl FnMut()) -> Timing {
        for _ in 0..3 {
            f();
        }
        let mut timing = Timing { wall: Vec::new(), cpu: Vec::new() };
        for _ in 0..runs {
            let (wall, cpu) = (Instant::now(), thread_cpu_time());
            f();
            timing.cpu.push(thread_cpu_time() - cpu);
            timing.wall.push(wall.elapsed());
        }
        timing.wall.sort();
        timing.cpu.sort();
        timing
    }

    fn line(&self, what: &str) -> String {
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let pick = |v: &[Duration], q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
        format!(
            "{what:<44} median {:6.1} ms  p95 {:6.1} ms  (CPU median {:6.1} ms, min {:6.1} ms)",
            ms(pick(&self.wall, 0.5)),
            ms(pick(&self.wall, 0.95)),
            ms(pick(&self.cpu, 0.5)),
            ms(self.cpu[0]),
        )
    }
}

/// Deterministic value noise in [-0.5, 0.5], smooth over `cell` pixels.
fn value_noise(x: f32, y: f32, cell: f32, seed: u32) -> f32 {
    let hash = |x: u32, y: u32| {
        let mut h = x.wrapping_mul(0x27D4_EB2D) ^ y.wrapping_mul(0x1656_67B1) ^ seed.wrapping_mul(0x9E37_79B9);
        h ^= h >> 15;
        h = h.wrapping_mul(0x85EB_CA6B);
        h ^= h >> 13;
        (h & 0xFFFF) as f32 / 65535.0 - 0.5
    };
    let (fx, fy) = (x / cell, y / cell);
    let (x0, y0) = (fx.floor(), fy.floor());
    let smooth = |t: f32| t * t * (3.0 - 2.0 * t);
    let (tx, ty) = (smooth(fx - x0), smooth(fy - y0));
    let (xi, yi) = (x0 as u32, y0 as u32);
    let top = hash(xi, yi) + (hash(xi + 1, yi) - hash(xi, yi)) * tx;
    let bottom = hash(xi, yi + 1) + (hash(xi + 1, yi + 1) - hash(xi, yi + 1)) * tx;
    top + (bottom - top) * ty
}

/// A 4032x3024 phone-like photo as a JPEG of about 2 MB.
fn phone_photo() -> Vec<u8> {
    let (w, h) = (4032u32, 3024u32);
    let mut raw = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        for x in 0..w {
            let (xf, yf) = (x as f32, y as f32);
            let t = yf / h as f32;
            let mut c = [90.0 + 120.0 * (1.0 - t), 140.0 + 60.0 * (1.0 - t), 200.0 - 40.0 * t];
            let dx = (xf - w as f32 * 0.5) / (w as f32 * 0.18);
            let dy = (yf - h as f32 * 0.45) / (h as f32 * 0.33);
            let d = dx * dx + dy * dy;
            if d < 1.0 {
                let shade = 1.0 - 0.4 * d;
                c = [210.0 * shade, 160.0 * shade, 130.0 * shade];
            }
            let texture = value_noise(xf, yf, 180.0, 1) * 60.0
                + value_noise(xf, yf, 40.0, 2) * 30.0
                + value_noise(xf, yf, 9.0, 3) * 18.0
                + value_noise(xf, yf, 3.0, 4) * 10.0;
            let grain = value_noise(xf, yf, 1.0, 7) * 8.0;
            let tint = [value_noise(xf, yf, 60.0, 5), value_noise(xf, yf, 60.0, 6), value_noise(xf, yf, 60.0, 8)];
            for k in 0..3 {
                raw.push((c[k] + texture + grain + tint[k] * 25.0).clamp(0.0, 255.0) as u8);
            }
        }
    }
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, 90);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
    encoder.encode(&raw, w as u16, h as u16, jpeg_encoder::ColorType::Rgb).expect("encode the test photo");
    out
}

fn lanczos_square(src: &RgbImage, side: u32) -> RgbImage {
    let (w, h) = src.dimensions();
    let square = f64::from(w.min(h));
    let view = fir::images::ImageRef::new(w, h, src.as_raw(), fir::PixelType::U8x3).unwrap();
    let mut dst = fir::images::Image::new(side, side, fir::PixelType::U8x3);
    let options = fir::ResizeOptions::new().resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Lanczos3)).crop(
        (f64::from(w) - square) / 2.0,
        (f64::from(h) - square) / 2.0,
        square,
        square,
    );
    fir::Resizer::new().resize(&view, &mut dst, &options).unwrap();
    RgbImage::from_raw(side, side, dst.into_vec()).unwrap()
}

/// The straightforward pipeline, for comparison: full-size decode with the
/// `image` crate, then the same crop, resample and encode.
fn full_decode_pipeline(bytes: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let full = image::load_from_memory_with_format(bytes, image::ImageFormat::Jpeg).unwrap().into_rgb8();
    let big = lanczos_square(&full, FULL_SIDE);
    let small = lanczos_square(&big, photo::SMALL_SIDE);
    (photo::encode_jpeg(&big).unwrap(), photo::encode_jpeg(&small).unwrap())
}

fn psnr(a: &RgbImage, b: &RgbImage) -> [f64; 3] {
    let mut squared = [0f64; 3];
    for (pa, pb) in a.pixels().zip(b.pixels()) {
        for c in 0..3 {
            let d = f64::from(pa[c]) - f64::from(pb[c]);
            squared[c] += d * d;
        }
    }
    let n = f64::from(a.width() * a.height());
    squared.map(|s| 10.0 * (255.0 * 255.0 / (s / n)).log10())
}

fn jpeg_claiming(width: u16, height: u16) -> Vec<u8> {
    let mut bytes = photo::encode_jpeg(&RgbImage::new(16, 16)).unwrap();
    let mut i = 2;
    while bytes[i + 1] != 0xC0 {
        i += 2 + usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
    }
    bytes[i + 5..i + 7].copy_from_slice(&height.to_be_bytes());
    bytes[i + 7..i + 9].copy_from_slice(&width.to_be_bytes());
    bytes
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing: run once, quickly.
    let quick = !std::env::args().any(|a| a == "--bench");
    let runs = if quick { 1 } else { 40 };
    let cpu = pin_to_one_cpu();
    println!("photo pipeline, pinned to CPU {cpu:?}, {runs} runs after 3 warm-ups");

    let input = phone_photo();
    println!("input: 4032x3024 JPEG, 4:2:0, quality 90, {} bytes", input.len());

    let (prepared, peak) = peak_heap(|| photo::prepare(&input).expect("the photo is accepted"));
    println!(
        "prepare -> 512 JPEG {} bytes, 128 JPEG {} bytes; peak heap {:.1} MB above the {:.1} MB input",
        prepared.full_jpeg.len(),
        prepared.small_jpeg.len(),
        peak as f64 / 1e6,
        input.len() as f64 / 1e6
    );
    println!("{}", Timing::measure(runs, || drop(photo::prepare(&input).unwrap())).line("prepare (512 + 128 JPEGs)"));
    let limits = Limits::default();
    println!(
        "{}",
        Timing::measure(runs, || drop(photo::decode_rgb(&input, &limits, Some(640)).unwrap()))
            .line("  of which the 1/4-scale decode")
    );
    let (_, peak_full) = peak_heap(|| full_decode_pipeline(&input));
    println!(
        "{}  peak heap {:.1} MB",
        Timing::measure(runs.min(10), || drop(full_decode_pipeline(&input)))
            .line("for scale: full decode (image) + same steps"),
        peak_full as f64 / 1e6
    );

    let reference = lanczos_square(
        &image::load_from_memory_with_format(&input, image::ImageFormat::Jpeg).unwrap().into_rgb8(),
        FULL_SIDE,
    );
    let result = photo::square(&input, FULL_SIDE).unwrap();
    let stored =
        image::load_from_memory_with_format(&prepared.full_jpeg, image::ImageFormat::Jpeg).unwrap().into_rgb8();
    let stored_reference =
        image::load_from_memory_with_format(&photo::encode_jpeg(&reference).unwrap(), image::ImageFormat::Jpeg)
            .unwrap()
            .into_rgb8();
    let db = psnr(&result, &reference);
    println!(
        "PSNR of the 512 result against full decode + Lanczos3 (R, G, B): {:.1} {:.1} {:.1} dB",
        db[0], db[1], db[2]
    );
    let db = psnr(&stored, &stored_reference);
    println!(
        "  the same after JPEG encoding both at quality {}: {:.1} {:.1} {:.1} dB",
        photo::JPEG_QUALITY,
        db[0],
        db[1],
        db[2]
    );

    for (what, bomb) in [
        ("JPEG claiming 50000x50000", jpeg_claiming(50_000, 50_000)),
        ("PNG claiming 50000x50000", png_claiming(50_000, 50_000)),
    ] {
        let (result, peak) = peak_heap(|| photo::prepare(&bomb));
        assert!(result.is_err(), "{what} must be refused");
        let timing = Timing::measure(runs.max(10), || drop(photo::prepare(&bomb)));
        println!(
            "refusing a {what} ({} bytes): median {:.3} ms, peak heap {} bytes",
            bomb.len(),
            timing.wall[timing.wall.len() / 2].as_secs_f64() * 1e3,
            peak
        );
    }
}

fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    image::RgbImage::new(16, 16).write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Png).unwrap();
    bytes[16..20].copy_from_slice(&width.to_be_bytes());
    bytes[20..24].copy_from_slice(&height.to_be_bytes());
    let mut crc = !0u32;
    for &byte in &bytes[12..29] {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    bytes[29..33].copy_from_slice(&(!crc).to_be_bytes());
    bytes
}
