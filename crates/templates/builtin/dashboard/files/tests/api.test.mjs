// The JSON API against the real database (DATABASE_URL, tables made by the migrations).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from '../src/app.mjs';
import { pool } from '../src/db.mjs';

if (!process.env.DATABASE_URL) {
  throw new Error(
    'DATABASE_URL is not set. Run the tests from Quantum Admin (it starts the database and applies ' +
      'the migrations), or set it: DATABASE_URL=postgres://user:password@127.0.0.1:5432/{{ snake }}',
  );
}

const server = createServer();
let base;
const created = []; // ids of the events the tests made, deleted at the end
// Kinds of this run only, so rows already in the database do not change the counts we check.
const run = `test-${Date.now()}`;

before(async () => {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});

after(async () => {
  await pool.query('DELETE FROM events WHERE id = ANY($1)', [created]);
  server.close();
  await pool.end();
});

async function record(kind) {
  const res = await fetch(`${base}/api/events`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ kind }),
  });
  assert.equal(res.status, 201);
  const event = await res.json();
  created.push(event.id);
  return event;
}

test('an event is recorded with its kind and time', async () => {
  const event = await record(`${run}-signup`);
  assert.equal(typeof event.id, 'number');
  assert.equal(event.kind, `${run}-signup`);
  assert.ok(Date.now() - Date.parse(event.created_at) < 60_000);
});

test('the summary counts events per kind and per day', async () => {
  await record(`${run}-a`);
  await record(`${run}-a`);
  await record(`${run}-b`);
  const res = await fetch(`${base}/api/summary?days=7`);
  assert.equal(res.status, 200);
  const summary = await res.json();

  const count = (kind) => summary.byKind.find((k) => k.kind === kind)?.count;
  assert.equal(count(`${run}-a`), 2);
  assert.equal(count(`${run}-b`), 1);

  // Seven days, oldest first, ending today (UTC), which holds at least our three events.
  assert.equal(summary.byDay.length, 7);
  const today = new Date().toISOString().slice(0, 10);
  assert.equal(summary.byDay.at(-1).day, today);
  assert.ok(summary.byDay.at(-1).count >= 3);
  assert.deepEqual(summary.byDay.map((d) => d.day), summary.byDay.map((d) => d.day).sort());
});

test('bad input is refused with 400', async () => {
  for (const body of ['{}', '{"kind": ""}', '{"kind": 42}', 'not json', JSON.stringify({ kind: 'x'.repeat(51) })]) {
    const res = await fetch(`${base}/api/events`, { method: 'POST', body });
    assert.equal(res.status, 400, body);
  }
  for (const days of ['0', '367', 'abc', '1.5']) {
    assert.equal((await fetch(`${base}/api/summary?days=${days}`)).status, 400, days);
  }
});

test('unknown endpoints are 404 JSON', async () => {
  const res = await fetch(`${base}/api/nope`);
  assert.equal(res.status, 404);
  assert.match(res.headers.get('content-type'), /application\/json/);
});
