#!/usr/bin/env node
// Builds the `quantum` command line for the target the app is bundled for, and puts it where
// Tauri's externalBin expects it (src-tauri/binaries/quantum-<target triple>[.exe]); the
// installers then carry it beside the app (on PATH from the Linux packages). Run by
// `tauri build --config src-tauri/tauri.cli.conf.json` as its beforeBuildCommand, which sets
// TAURI_ENV_TARGET_TRIPLE and TAURI_ENV_DEBUG.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const host = /host: (\S+)/.exec(execFileSync("rustc", ["-vV"], { encoding: "utf8" }))[1];
const triple = process.env.TAURI_ENV_TARGET_TRIPLE || host;
const debug = process.env.TAURI_ENV_DEBUG === "true";
const targetDir = process.env.CARGO_TARGET_DIR || join(root, "target");
const exe = triple.includes("windows") ? ".exe" : "";
const out = join(root, "src-tauri", "binaries", `quantum-${triple}${exe}`);
mkdirSync(dirname(out), { recursive: true });

/** Builds for one target triple; the binary's path. */
function build(target) {
  const args = ["build", "-p", "quantum-cli", "--bin", "quantum"];
  if (!debug) args.push("--release");
  if (target !== host) args.push("--target", target);
  execFileSync("cargo", args, { cwd: root, stdio: "inherit" });
  return join(targetDir, target === host ? "" : target, debug ? "debug" : "release", `quantum${exe}`);
}

if (triple === "universal-apple-darwin") {
  // One binary for both Macs, as the app is.
  const parts = ["aarch64-apple-darwin", "x86_64-apple-darwin"].map(build);
  execFileSync("lipo", ["-create", "-output", out, ...parts], { stdio: "inherit" });
} else {
  copyFileSync(build(triple), out);
}
console.log(`quantum for ${triple}: ${out}`);
