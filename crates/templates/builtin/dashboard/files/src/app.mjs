// The HTTP side: the JSON API under /api, the files of public/ for everything else.
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as db from './db.mjs';

export const PUBLIC = fileURLToPath(new URL('../public/', import.meta.url));
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
};
const MAX_BODY_LENGTH = 10_000;

export function createServer() {
  return http.createServer(async (req, res) => {
    try {
      await route(req, res);
    } catch (error) {
      console.error(error);
      json(res, 500, { error: 'Something went wrong' });
    }
  });
}

async function route(req, res) {
  const url = new URL(req.url, 'http://localhost');

  if (req.method === 'POST' && url.pathname === '/api/events') {
    const body = await readJson(req);
    const kind = typeof body?.kind === 'string' ? body.kind.trim() : '';
    if (!kind || kind.length > 50) {
      return json(res, 400, { error: 'Send {"kind": "..."} with 1 to 50 characters' });
    }
    return json(res, 201, await db.addEvent(kind));
  }
  if (req.method === 'GET' && url.pathname === '/api/summary') {
    const days = Number(url.searchParams.get('days') ?? 14);
    if (!Number.isInteger(days) || days < 1 || days > 366) {
      return json(res, 400, { error: 'days must be a whole number from 1 to 366' });
    }
    return json(res, 200, await db.summary(days));
  }
  if (url.pathname.startsWith('/api/')) {
    return json(res, 404, { error: 'No such endpoint' });
  }
  if (req.method === 'GET' || req.method === 'HEAD') {
    return serveFile(res, url.pathname);
  }
  json(res, 405, { error: 'Method not allowed' });
}

async function serveFile(res, pathname) {
  let file;
  try {
    file = path.join(PUBLIC, decodeURIComponent(pathname === '/' ? '/index.html' : pathname));
  } catch {
    return notFound(res); // malformed %-escapes
  }
  // Never serve anything outside public/ (paths such as /..%2fpackage.json).
  if (!file.startsWith(PUBLIC)) return notFound(res);
  try {
    const content = await readFile(file);
    const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
    res.writeHead(200, { 'Content-Type': type });
    res.end(content);
  } catch {
    notFound(res);
  }
}

// The parsed JSON body, or null when it is missing, too long or not JSON.
async function readJson(req) {
  req.setEncoding('utf8');
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > MAX_BODY_LENGTH) return null;
  }
  try {
    return JSON.parse(body);
  } catch {
    return null;
  }
}

function json(res, status, value) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(value));
}

function notFound(res) {
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end('Not found');
}
