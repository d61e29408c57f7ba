//! The worker's browser side: messages in (`serde-wasm-bindgen`), file pieces by `Blob.slice`
//! (read ahead with `arrayBuffer()` while the piece before is scanned; `FileReaderSync` for
//! the one chunk of a raw-record request), results out as transferred buffers.

use js_sys::{Array, Object, Reflect, Uint8Array};
use logonscope_core::protocol::{FromWorker, ToWorker, encode_scans};
use logonscope_core::raw::render_records;
use logonscope_core::scan::{CHUNK_SIZE, chunk_offset};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Blob, DedicatedWorkerGlobalScope, FileReaderSync, MessageEvent};

use logonscope_core::scan::ChunkReader;
use logonscope_worker::job::{Piece, pieces, scan_piece, warm_up};
use wasm_bindgen_futures::JsFuture;

pub fn start() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let replies = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        handle(&replies, &event.data());
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    post(&scope, &FromWorker::Ready, None);
    // Requests that come meanwhile wait in the worker's queue.
    let warmed = warm_up();
    if warmed.bulk.is_some() {
        let chunks = warmed.chunks;
        post(&scope, &FromWorker::WarmedUp { chunks }, warmed.bulk);
    }
}

fn handle(scope: &DedicatedWorkerGlobalScope, data: &JsValue) {
    let request = Reflect::get(data, &"message".into())
        .map_err(|_| "no message".to_string())
        .and_then(|m| serde_wasm_bindgen::from_value::<ToWorker>(m).map_err(|e| e.to_string()));
    let file = Reflect::get(data, &"file".into())
        .ok()
        .and_then(|f| f.dyn_into::<Blob>().ok());
    match request {
        Ok(ToWorker::Scan {
            job,
            file: file_index,
            first_chunk,
            end_chunk,
        }) => {
            let reply = match file {
                Some(blob) => {
                    let scope = scope.clone();
                    let job = ScanJob {
                        job,
                        file: file_index,
                        first_chunk,
                        end_chunk,
                    };
                    wasm_bindgen_futures::spawn_local(async move {
                        let reply = match job.run(&scope, &blob).await {
                            Ok(()) => FromWorker::Done { job: job.job },
                            Err(message) => FromWorker::Failed {
                                job: job.job,
                                message,
                            },
                        };
                        post(&scope, &reply, None);
                    });
                    return;
                }
                None => FromWorker::Failed {
                    job,
                    message: "no file was sent".to_string(),
                },
            };
            post(scope, &reply, None);
        }
        Ok(ToWorker::Render {
            request,
            chunk,
            computer,
            record_ids,
        }) => {
            let outcome = file
                .ok_or_else(|| "no file was sent".to_string())
                .and_then(|blob| {
                    let size = blob.size() as u64;
                    let offset = chunk_offset(chunk);
                    read(&blob, offset, CHUNK_SIZE.min(size.saturating_sub(offset)))
                })
                .and_then(|bytes| render_records(&bytes, &computer, &record_ids));
            let reply = match outcome {
                Ok(records) => FromWorker::Rendered {
                    request,
                    records,
                    message: None,
                },
                Err(message) => FromWorker::Rendered {
                    request,
                    records: Vec::new(),
                    message: Some(message),
                },
            };
            post(scope, &reply, None);
        }
        Ok(ToWorker::Demo { seed }) => match logonscope_synth::demo_log(seed) {
            Ok((bytes, report)) => {
                let name = report
                    .files
                    .first()
                    .map_or_else(|| "demo.evtx".to_string(), |f| f.name.clone());
                post(scope, &FromWorker::DemoLog { name }, Some(bytes));
            }
            Err(e) => post(
                scope,
                &FromWorker::Failed {
                    job: 0,
                    message: format!("the demo log could not be written: {e}"),
                },
                None,
            ),
        },
        Err(message) => post(
            scope,
            &FromWorker::Failed {
                job: 0,
                message: format!("unreadable request: {message}"),
            },
            None,
        ),
    }
}

/// A range of chunks of a file to scan.
#[derive(Clone, Copy)]
struct ScanJob {
    job: u32,
    file: u32,
    first_chunk: u64,
    end_chunk: u64,
}

impl ScanJob {
    /// Scans the range piece by piece, sending each batch of scans as it is made. The next
    /// piece is being read (by the browser) while this one is scanned.
    async fn run(&self, scope: &DedicatedWorkerGlobalScope, blob: &Blob) -> Result<(), String> {
        let clock = scope.performance();
        let now = || clock.as_ref().map_or(0.0, |clock| clock.now());
        let pieces = pieces(self.first_chunk, self.end_chunk, blob.size() as u64);
        let mut reader = ChunkReader::default();
        let mut next = pieces.first().map(|piece| start_reading(blob, piece));
        for (number, piece) in pieces.iter().enumerate() {
            let Some(reading) = next.take() else { break };
            let began = now();
            let data = reading?.await;
            // Waiting for the piece is the time reading costs the scan.
            let mut read_millis = now() - began;
            next = pieces
                .get(number + 1)
                .map(|piece| start_reading(blob, piece));
            let data = piece_bytes(data)?;
            let mut batch_began = now();
            scan_piece(&mut reader, piece.first_chunk, &data, &mut |batch| {
                let encoded = encode_scans(&batch.scans);
                let reply = FromWorker::Scanned {
                    job: self.job,
                    file: self.file,
                    chunks: batch.scans.len() as u64,
                    bytes: batch.bytes,
                    records: batch.records,
                    events: batch.scans.iter().map(|s| s.events.len() as u64).sum(),
                    memory: wasm_memory_bytes(),
                    read_millis: std::mem::take(&mut read_millis),
                    scan_millis: now() - batch_began,
                };
                match encoded {
                    Ok(bulk) => post(scope, &reply, Some(bulk)),
                    Err(message) => post(
                        scope,
                        &FromWorker::Failed {
                            job: self.job,
                            message,
                        },
                        None,
                    ),
                }
                batch_began = now();
            });
        }
        Ok(())
    }
}

/// Starts reading `piece` of the file (`Blob.slice`, then `arrayBuffer()`).
fn start_reading(blob: &Blob, piece: &Piece) -> Result<JsFuture, String> {
    let slice = blob
        .slice_with_f64_and_f64(piece.offset as f64, (piece.offset + piece.length) as f64)
        .map_err(describe)?;
    Ok(JsFuture::from(slice.array_buffer()))
}

/// The bytes of a piece read by [`start_reading`].
fn piece_bytes(read: Result<JsValue, JsValue>) -> Result<Vec<u8>, String> {
    let buffer = read.map_err(describe)?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// `length` bytes at `offset` of the file, read synchronously (allowed in a worker).
fn read(blob: &Blob, offset: u64, length: u64) -> Result<Vec<u8>, String> {
    let piece = blob
        .slice_with_f64_and_f64(offset as f64, (offset + length) as f64)
        .map_err(describe)?;
    let reader = FileReaderSync::new().map_err(describe)?;
    let buffer = reader.read_as_array_buffer(&piece).map_err(describe)?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// This instance's wasm memory, in bytes.
fn wasm_memory_bytes() -> u64 {
    core::arch::wasm32::memory_size::<0>() as u64 * 65536
}

fn describe(error: JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "the file could not be read".to_string())
}

/// Sends a reply; `bulk` crosses as a transferred `ArrayBuffer` (no copy on the page's side).
fn post(scope: &DedicatedWorkerGlobalScope, message: &FromWorker, bulk: Option<Vec<u8>>) {
    let envelope = Object::new();
    let Ok(message) = serde_wasm_bindgen::to_value(message) else {
        return;
    };
    let _ = Reflect::set(&envelope, &"message".into(), &message);
    let sent = match bulk {
        Some(bytes) => {
            let buffer = Uint8Array::from(bytes.as_slice()).buffer();
            let _ = Reflect::set(&envelope, &"bulk".into(), &buffer);
            scope.post_message_with_transfer(&envelope, &Array::of1(&buffer))
        }
        None => scope.post_message(&envelope),
    };
    // A failed post means the page is gone; there is no one left to tell.
    let _ = sent;
}
