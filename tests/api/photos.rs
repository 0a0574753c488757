//! Profile photos over HTTP: upload through a multipart PATCH, serving,
//! replacing, removing, refusals, and never a file left behind.

use image::{Rgb, RgbImage, Rgba, RgbaImage};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::support::{Api, TestServer, customer_json};

const RED: Rgb<u8> = Rgb([220, 30, 30]);
const GREEN: Rgb<u8> = Rgb([30, 200, 60]);
const BLUE: Rgb<u8> = Rgb([20, 40, 230]);

fn jpeg(img: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, 92);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
    encoder.encode(img.as_raw(), img.width() as u16, img.height() as u16, jpeg_encoder::ColorType::Rgb).unwrap();
    out
}

fn png(img: &RgbaImage) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
    out
}

/// Landscape: a centred square (left half red, right half green) between blue bands.
fn banded_landscape() -> Vec<u8> {
    jpeg(&RgbImage::from_fn(900, 300, |x, _| match x {
        300..450 => RED,
        450..600 => GREEN,
        _ => BLUE,
    }))
}

fn photo_form(bytes: Vec<u8>, file_name: &str, mime: &str) -> Form {
    Form::new().part("profile_image", Part::bytes(bytes).file_name(file_name.to_string()).mime_str(mime).unwrap())
}

async fn create_customer(api: &Api, email: &str) -> i64 {
    let (status, body) = api.post("/api/customers/", customer_json(email, "Ann", "Smith")).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_i64().unwrap()
}

/// Names of the files in the media directory.
fn media_files(server: &TestServer) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(server.media_dir()) else { return Vec::new() };
    let mut names: Vec<String> = entries.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

fn file_name_of(url: &Value) -> String {
    url.as_str().unwrap().rsplit('/').next().unwrap().to_string()
}

/// GETs a URL without credentials; returns the status, headers and body.
async fn fetch(url: &str) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let resp = reqwest::get(url).await.unwrap();
    let (status, headers) = (resp.status(), resp.headers().clone());
    (status, headers, resp.bytes().await.unwrap().to_vec())
}

fn assert_near(img: &RgbImage, (x, y): (u32, u32), expected: Rgb<u8>) {
    let actual = img.get_pixel(x, y);
    let close = actual.0.iter().zip(expected.0).all(|(a, e)| (i32::from(*a) - i32::from(e)).abs() <= 24);
    assert!(close, "pixel ({x}, {y}) is {actual:?}, expected about {expected:?}");
}

#[tokio::test]
async fn an_uploaded_photo_is_served_as_a_512_and_a_128_jpeg_of_its_centred_square() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let id = create_customer(&api, "ann@example.com").await;
    let (status, body) = api
        .patch_multipart(&format!("/api/customers/{id}/"), photo_form(banded_landscape(), "me.jpg", "image/jpeg"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let media = format!("{}/media/", server.base);
    for (field, side) in [("profile_image", 512), ("profile_image_small", 128)] {
        let url = body[field].as_str().unwrap_or_else(|| panic!("{field} is {}", body[field]));
        assert!(url.starts_with(&media) && url.ends_with(".jpg"), "{field}: {url}");
        assert!(!url.contains(&server.media_dir().display().to_string()), "a local path leaked: {url}");
        let (status, headers, bytes) = fetch(url).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers["content-type"], "image/jpeg");
        assert_eq!(headers["cache-control"], "public, max-age=31536000, immutable");
        let img = image::load_from_memory_with_format(&bytes, image::ImageFormat::Jpeg).unwrap().into_rgb8();
        assert_eq!(img.dimensions(), (side, side));
        // The blue bands are cut; the red and green halves meet in the middle.
        let inset = side / 16;
        assert_near(&img, (inset, side / 2), RED);
        assert_near(&img, (side / 2 - inset, inset), RED);
        assert_near(&img, (side / 2 + inset, side - inset), GREEN);
        assert_near(&img, (side - inset, side / 2), GREEN);
    }
    // Reads answer the same URLs; the media directory holds exactly the two files.
    let read = api.ok(&format!("/api/customers/{id}/")).await;
    assert_eq!(read["profile_image"], body["profile_image"]);
    assert_eq!(read["profile_image_small"], body["profile_image_small"]);
    let mut expected = vec![file_name_of(&body["profile_image"]), file_name_of(&body["profile_image_small"])];
    expected.sort();
    assert_eq!(media_files(&server), expected);
}

#[tokio::test]
async fn a_png_with_alpha_is_stored_flattened_onto_white() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let id = create_customer(&api, "ann@example.com").await;
    let source =
        RgbaImage::from_fn(300, 300, |x, _| if x < 150 { Rgba([0, 0, 0, 0]) } else { Rgba([20, 40, 230, 255]) });
    let (status, body) =
        api.patch_multipart(&format!("/api/customers/{id}/"), photo_form(png(&source), "me.png", "image/png")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, _, bytes) = fetch(body["profile_image"].as_str().unwrap()).await;
    let img = image::load_from_memory(&bytes).unwrap().into_rgb8();
    assert_near(&img, (64, 256), Rgb([255, 255, 255]));
    assert_near(&img, (448, 256), BLUE);
}

#[tokio::test]
async fn replacing_a_photo_gives_new_names_and_deletes_the_old_files() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let id = create_customer(&api, "ann@example.com").await;
    let path = format!("/api/customers/{id}/");
    let (_, first) = api.patch_multipart(&path, photo_form(banded_landscape(), "a.jpg", "image/jpeg")).await;
    let (status, second) = api.patch_multipart(&path, photo_form(banded_landscape(), "a.jpg", "image/jpeg")).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    for field in ["profile_image", "profile_image_small"] {
        assert_ne!(first[field], second[field], "the same picture twice still gets a new {field}");
        let (old, ..) = fetch(first[field].as_str().unwrap()).await;
        assert_eq!(old, StatusCode::NOT_FOUND);
    }
    assert_eq!(media_files(&server).len(), 2, "no orphan files: {:?}", media_files(&server));
}

#[tokio::test]
async fn null_in_a_json_patch_removes_the_photo_and_both_files() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let id = create_customer(&api, "ann@example.com").await;
    let path = format!("/api/customers/{id}/");
    let (_, with_photo) = api.patch_multipart(&path, photo_form(banded_landscape(), "a.jpg", "image/jpeg")).await;
    let (status, body) = api.patch(&path, json!({"profile_image": null})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["profile_image"], Value::Null);
    assert_eq!(body["profile_image_small"], Value::Null);
    assert!(media_files(&server).is_empty(), "{:?}", media_files(&server));
    let (gone, ..) = fetch(with_photo["profile_image"].as_str().unwrap()).await;
    assert_eq!(gone, StatusCode::NOT_FOUND);
    // Removing again is harmless.
    let (status, _) = api.patch(&path, json!({"profile_image": null})).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn an_empty_form_value_removes_the_photo_too() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let id = create_customer(&api, "ann@example.com").await;
    let path = format!("/api/customers/{id}/");
    api.patch_multipart(&path, photo_form(banded_landscape(), "a.jpg", "image/jpeg")).await;
    let (status, body) = api.patch_multipart(&path, Form::new().text("profile_image", "")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["profile_image"], Value::Null);
    assert!(media_files(&server).is_empty());
}

/// A file whose header claims 50000x50000 pixels.
fn jpeg_bomb() -> Vec<u8> {
    let mut bytes = jpeg(&RgbImage::from_pixel(16, 16, RED));
    let sof = bytes.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    bytes[sof + 5..sof + 9].copy_from_slice(&[0xC3, 0x50, 0xC3, 0x50]);
    bytes
}

#[tokio::test]
async fn hostile_or_wrong_files_are_refused_and_the_previous_photo_stays() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let id = create_customer(&api, "ann@example.com").await;
    let path = format!("/api/customers/{id}/");
    let (_, before) = api.patch_multipart(&path, photo_form(banded_landscape(), "a.jpg", "image/jpeg")).await;
    let files_before = media_files(&server);

    let whole = banded_landscape();
    let gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;".to_vec();
    let webp = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"
        .to_vec();
    let cases: [(&str, Vec<u8>, &str); 6] = [
        ("gif", gif, "Must be a JPEG or PNG image"),
        ("webp", webp, "Must be a JPEG or PNG image"),
        ("garbage", b"this is a text file, not a photo".to_vec(), "Must be a JPEG or PNG image"),
        ("truncated", whole[..whole.len() / 2].to_vec(), "damaged or incomplete"),
        ("bomb", jpeg_bomb(), "50000x50000"),
        ("empty", Vec::new(), "empty"),
    ];
    for (what, bytes, message) in cases {
        let (status, body) = api.patch_multipart(&path, photo_form(bytes, "x.jpg", "image/jpeg")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {body}");
        let errors = body["profile_image"].as_array().unwrap_or_else(|| panic!("{what}: {body}"));
        assert!(errors[0].as_str().unwrap().contains(message), "{what}: {body}");
        let read = api.ok(&path).await;
        assert_eq!(read["profile_image"], before["profile_image"], "{what} changed the photo");
        assert_eq!(media_files(&server), files_before, "{what} left files behind");
    }
}

#[tokio::test]
async fn form_fields_are_written_with_the_photo_in_one_step_and_checked_by_the_same_rules() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let id = create_customer(&api, "ann@example.com").await;
    create_customer(&api, "taken@example.com").await;
    let path = format!("/api/customers/{id}/");

    let form = photo_form(banded_landscape(), "a.jpg", "image/jpeg")
        .text("first_name", "Annie")
        .text("has_opted_in_to_marketing", "true");
    let (status, body) = api.patch_multipart(&path, form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["first_name"], "Annie");
    assert_eq!(body["has_opted_in_to_marketing"], true);
    let files = media_files(&server);

    // A bad field and a bad file are both named; nothing changes.
    let form = photo_form(b"not an image".to_vec(), "a.jpg", "image/jpeg").text("email", "not-an-email");
    let (status, body) = api.patch_multipart(&path, form).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["email"].is_array() && body["profile_image"].is_array(), "{body}");

    // A field the database refuses (a taken email) after the photo was
    // prepared: no new file survives, the old photo stays.
    let form = photo_form(banded_landscape(), "a.jpg", "image/jpeg").text("email", "taken@example.com");
    let (status, body) = api.patch_multipart(&path, form).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["email"].is_array(), "{body}");
    assert_eq!(media_files(&server), files);
    let read = api.ok(&path).await;
    assert_eq!((read["first_name"].as_str(), read["email"].as_str()), (Some("Annie"), Some("ann@example.com")));
}

#[tokio::test]
async fn photos_of_another_organization_or_unknown_customers_cannot_be_written() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let id = create_customer(&api, "ann@example.com").await;
    let other = server.other_org("Other Gym").await;
    let form = || photo_form(banded_landscape(), "a.jpg", "image/jpeg");
    let (status, _) = other.patch_multipart(&format!("/api/customers/{id}/"), form()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = api.patch_multipart("/api/customers/999999/", form()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(media_files(&server).is_empty());
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_with_413() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let id = create_customer(&api, "ann@example.com").await;
    let huge = vec![0xFFu8; 21 * 1024 * 1024];
    let (status, body) =
        api.patch_multipart(&format!("/api/customers/{id}/"), photo_form(huge, "big.jpg", "image/jpeg")).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert!(media_files(&server).is_empty());
}

#[tokio::test]
async fn media_serves_only_stored_photo_names() {
    let server = TestServer::start().await;
    std::fs::create_dir_all(server.media_dir()).unwrap();
    std::fs::write(server.media_dir().join("notes.txt"), "secret").unwrap();
    for path in [
        "/media/notes.txt",
        "/media/..%2Ftest.db",
        "/media/%2E%2E%2Fmedia%2Fnotes.txt",
        "/media/0123456789abcdef0123456789abcdef.jpg",
        "/media/",
    ] {
        let (status, ..) = fetch(&format!("{}{path}", server.base)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn generated_portraits_can_be_given_to_customers_for_the_demo() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let ids = [create_customer(&api, "a@example.com").await, create_customer(&api, "b@example.com").await];
    let store = frontdesk::photo::PhotoStore::new(server.media_dir());
    let org = server.org().await;
    let count =
        frontdesk::service::customers::attach_portraits(&server.db, &org, &store, &[(ids[0], 1), (ids[1], 2)], 0).await;
    assert_eq!(count.unwrap(), 2);
    assert_eq!(media_files(&server).len(), 4);
    let read = api.ok(&format!("/api/customers/{}/", ids[1])).await;
    let (status, _, bytes) = fetch(read["profile_image_small"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let small = image::load_from_memory(&bytes).unwrap();
    assert_eq!((small.width(), small.height()), (128, 128));
}
