{% set scheme = {"none": "", "postgres": "postgres:", "mariadb": "mysql:", "redis": "redis:"}[database] %}
// Smoke tests with Node's own runner, no dependencies: replace them with your project's tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
{% if scheme %}
import net from 'node:net';
{% endif %}

const read = (file) => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');

test('quantum.toml and README.md are there', () => {
  assert.match(read('quantum.toml'), /^\[project\]$/m);
  assert.match(read('README.md'), /\S/);
});
{% if scheme %}

// Quantum Admin sets DATABASE_URL to the running datasource when it runs the tests.
const url = process.env.DATABASE_URL;
const skip = !url && 'DATABASE_URL is not set';

test('DATABASE_URL is a {{ database }} URL', { skip }, () => {
  const { protocol, hostname, port } = new URL(url);
  assert.equal(protocol, '{{ scheme }}');
  assert.ok(hostname && port, url);
});

test('the database accepts connections', { skip }, async () => {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.destroy();
});
{% endif %}
