// See index.html: reads chunks first..end of the file in pieces, into WebAssembly memory.
const memory = new WebAssembly.Memory({ initial: 1 });

onmessage = async (event) => {
  const { file, first, end, pieceChunks } = event.data;
  const read = (chunk) => {
    const start = 4096 + chunk * 65536;
    const stop = Math.min(file.size, 4096 + Math.min(end, chunk + pieceChunks) * 65536);
    return file.slice(start, stop).arrayBuffer();
  };
  let bytes = 0;
  let next = first < end ? read(first) : null;
  for (let chunk = first; chunk < end; chunk += pieceChunks) {
    const piece = new Uint8Array(await next);
    next = chunk + pieceChunks < end ? read(chunk + pieceChunks) : null;
    const need = piece.length - memory.buffer.byteLength;
    if (need > 0) memory.grow(Math.ceil(need / 65536));
    new Uint8Array(memory.buffer).set(piece);
    bytes += piece.length;
  }
  postMessage(bytes);
};
