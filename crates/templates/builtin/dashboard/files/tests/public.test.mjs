// The page as served: every file index.html asks for exists in public/, and nothing outside
// public/ can be read. No database needed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createServer, PUBLIC } from '../src/app.mjs';

const server = createServer();
let base;

before(async () => {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});

after(() => server.close());

test('index.html references only files that exist in public/', async () => {
  const res = await fetch(`${base}/`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /text\/html/);
  const html = await res.text();

  const refs = [...html.matchAll(/\s(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
  const local = refs.filter((ref) => !/^([a-z]+:|\/\/|#)/i.test(ref));
  assert.ok(local.length >= 3, `found ${local}`);
  for (const ref of local) {
    assert.ok(existsSync(path.join(PUBLIC, ref)), `${ref} is not in public/`);
    assert.equal((await fetch(new URL(ref, `${base}/`))).status, 200, ref);
  }
});

test('files outside public/ are not served', async () => {
  for (const pathname of ['/..%2fpackage.json', '/%2e%2e%2fsrc%2fapp.mjs', '/missing.css', '/%E0%A4%A']) {
    assert.equal((await fetch(base + pathname)).status, 404, pathname);
  }
});
