// See index.html. Query: ?workers=N&chunks=C (defaults 2 and 64, as the app).
const query = new URLSearchParams(location.search);
const workerCount = Number(query.get('workers') || 2);
const pieceChunks = Number(query.get('chunks') || 64);
const workers = Array.from({ length: workerCount }, () => new Worker('reader.js'));
const out = document.getElementById('out');

document.getElementById('file').addEventListener('change', (event) => {
  const file = event.target.files[0];
  const started = performance.now();
  const chunks = Math.ceil(Math.max(0, file.size - 4096) / 65536);
  const share = Math.ceil(chunks / workerCount);
  let done = 0;
  let bytes = 0;
  workers.forEach((worker, index) => {
    worker.onmessage = (message) => {
      bytes += message.data;
      done += 1;
      if (done === workerCount) {
        out.dataset.millis = String(performance.now() - started);
        out.dataset.bytes = String(bytes);
        out.textContent = `${bytes} bytes in ${out.dataset.millis} ms`;
      }
    };
    const first = index * share;
    worker.postMessage({ file, first, end: Math.min(chunks, first + share), pieceChunks });
  });
});
