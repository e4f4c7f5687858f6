// The shareable link: the playground's state in the URL fragment, never sent to a server.
//
// `#s=` + base64url of the deflate-raw compressed JSON (CompressionStream), or `#j=` + base64url
// of the plain UTF-8 JSON where CompressionStream is missing. Both are read back.

function toBase64url(bytes) {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(s) {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

async function pipe(bytes, stream) {
  const out = new Blob([bytes]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

/** The URL fragment (with its `#`) that carries `state` (plain JSON data). */
export async function encodeState(state) {
  const json = new TextEncoder().encode(JSON.stringify(state));
  if (typeof CompressionStream === 'function') {
    return '#s=' + toBase64url(await pipe(json, new CompressionStream('deflate-raw')));
  }
  return '#j=' + toBase64url(json);
}

/** The state a fragment made by `encodeState` carries, or null when it carries none. */
export async function decodeState(hash) {
  const m = /^#?([sj])=([A-Za-z0-9_-]*)$/.exec(hash || '');
  if (!m) return null;
  let bytes = fromBase64url(m[2]);
  if (m[1] === 's') bytes = await pipe(bytes, new DecompressionStream('deflate-raw'));
  return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
}
