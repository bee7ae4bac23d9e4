// Helpers shared by the GitHub and GitLab halves of the fake: payload templates, times,
// routing, pagination, ETags and a small zip writer.

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { deflateRawSync } from "node:zlib";

export const FIXTURES = new URL("../../fixtures/ci/", import.meta.url);

const templates = new Map();

/** A payload template from tests/fixtures/ci/<provider>/<name>.json, parsed once. */
function template(name) {
  if (!templates.has(name)) {
    templates.set(name, JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), "utf8")));
  }
  return templates.get(name);
}

/**
 * Fills a template: a string that is exactly "{{key}}" takes the value as it is (a number, null,
 * an object), so the template keeps the API's types; "{{key}}" inside a longer string is text.
 * A key given as undefined drops the field (fields GitLab sends only sometimes).
 */
function fill(node, vars, name) {
  if (typeof node === "string") {
    const whole = /^\{\{(\w+)\}\}$/.exec(node);
    if (whole) return lookup(vars, whole[1], name);
    return node.replace(/\{\{(\w+)\}\}/g, (_, key) => String(lookup(vars, key, name)));
  }
  if (Array.isArray(node)) return node.map((item) => fill(item, vars, name));
  if (node && typeof node === "object") {
    const out = {};
    for (const [key, value] of Object.entries(node)) {
      const filled = fill(value, vars, name);
      if (filled !== undefined) out[key] = filled;
    }
    return out;
  }
  return node;
}

function lookup(vars, key, name) {
  // A missing key is a bug in the fake, not a value to send.
  if (!Object.hasOwn(vars, key)) throw new Error(`template ${name}: no value for {{${key}}}`);
  return vars[key];
}

export const render = (name, vars) => fill(template(name), vars, name);

// GitHub writes seconds; GitLab writes milliseconds.
export const isoSec = (ms) => (ms == null ? null : new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z"));
export const isoMs = (ms) => (ms == null ? null : new Date(ms).toISOString());
export const at = (text) => Date.parse(text);
export const SEC = 1000;
export const MIN = 60 * SEC;
export const HOUR = 60 * MIN;

/**
 * A clock for updated_at that always moves on by at least `step` ms, so every change shows in
 * the payload (and its ETag) even within one second.
 */
export function ticker(step) {
  let last = 0;
  return () => (last = Math.max(Date.now(), last + step));
}

/** A stable 40-hex SHA from any text, for commits the fake makes up. */
export const fakeSha = (text) => createHash("sha1").update(text).digest("hex");

/** A GraphQL-style node id ("WFR_kwLO…"): the prefix and a base64 body, as GitHub shows them. */
export const nodeId = (prefix, id) =>
  `${prefix}_kwDO${Buffer.from(`${prefix}:${id}`).toString("base64url").slice(0, 14)}`;

/** Compiles "/repos/:owner/:repo" to a matcher over the raw (still encoded) path. */
export function compile(pattern) {
  const parts = pattern.split("/");
  return (path) => {
    const segments = path.split("/");
    if (segments.length !== parts.length) return null;
    const params = {};
    for (let i = 0; i < parts.length; i++) {
      if (parts[i].startsWith(":")) {
        if (!segments[i]) return null;
        params[parts[i].slice(1)] = decodeURIComponent(segments[i]);
      } else if (parts[i] !== segments[i]) {
        return null;
      }
    }
    return params;
  };
}

/** page and per_page from a query, clamped as both providers do. */
export function pageParams(query, perPageDefault) {
  const perPage = Math.min(Math.max(Number.parseInt(query.get("per_page"), 10) || perPageDefault, 1), 100);
  const page = Math.max(Number.parseInt(query.get("page"), 10) || 1, 1);
  return { page, perPage };
}

/** The absolute URL of the same request on another page, built from the Host the client used. */
export function pageUrl(base, url, page) {
  const query = new URLSearchParams(url.searchParams);
  query.set("page", String(page));
  return `${base}${url.pathname}?${query}`;
}

/** Starts a new rate-limit window once the old one has passed (GitHub hourly, GitLab per minute). */
export function refreshRate(rate) {
  const now = Math.floor(Date.now() / 1000);
  if (rate.reset <= now) Object.assign(rate, { remaining: rate.limit, reset: now + rate.window });
}

export const etagOf = (body) => `W/"${createHash("sha1").update(body).digest("hex")}"`;

/** Whether an If-None-Match header names this ETag (a list, weak or strong, or "*"). */
export function etagMatches(header, etag) {
  if (!header) return false;
  const bare = (tag) => tag.trim().replace(/^W\//, "");
  return header.split(",").some((tag) => tag.trim() === "*" || bare(tag) === bare(etag));
}

export async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/** Parses a JSON body; an empty body is {}; a bad one is null. */
export function parseJson(text) {
  if (!text.trim()) return {};
  try {
    const value = JSON.parse(text);
    return value && typeof value === "object" ? value : null;
  } catch {
    return null;
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let crc = 0xffffffff;
  for (const byte of buffer) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** A deflated zip of [{name, data, time}], the way GitHub serves run logs. */
export function zip(entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, "utf8");
    const data = Buffer.from(entry.data);
    const packed = deflateRawSync(data);
    const date = new Date(entry.time ?? Date.now());
    const dosTime = (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | (date.getUTCSeconds() >> 1);
    const dosDate = ((date.getUTCFullYear() - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate();
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: deflate
    local.writeUInt16LE(0x0800, 6); // names are UTF-8
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x0314, 4); // made by: Unix, 2.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(dosTime, 12);
    central.writeUInt16LE(dosDate, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // a regular file, rw-r--r--
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
