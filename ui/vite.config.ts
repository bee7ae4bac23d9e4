import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import type { Plugin } from "vite";
import { defineConfig } from "vitest/config";

// Not `new URL(".", …)`: the tests import this file under jsdom, whose URL would not give a file URL.
const root = dirname(fileURLToPath(import.meta.url));

/**
 * The app runs with Object.prototype frozen (`freezePrototype` in tauri.conf.json). Monaco's
 * namespaces give themselves a `toString` by assignment (`KeyCodeUtils.toString = toString;`),
 * d3-color (under React Flow's d3-zoom) its prototypes a `constructor`
 * (`prototype.constructor = constructor;`), and nearley (under sql-formatter) its classes a
 * `toString` (`Rule.prototype.toString = function(…) {…}`), and xterm's minified build its key-code
 * namespace one (`o.toString=s`): a frozen Object.prototype turns these
 * into "Attempted to assign to readonly property" as the module loads (bundled, nearley's CommonJS
 * is strict code too). Each such assignment first gets an own writable property to land on, which
 * frozen prototypes allow. Exported for the tests, which run without it.
 */
export function underFrozenPrototypes(): Plugin {
  const assignment = /^(\s*)([A-Za-z_$][\w$]*(?:\.prototype)?)\.(toString|valueOf|constructor) = /gm;
  // Minified code: after a statement or expression boundary, no spaces, not `==`.
  const minified = /([;,{}(])([A-Za-z_$][\w$]*)\.(toString|valueOf)=(?!=)/g;
  return {
    name: "under-frozen-prototypes",
    // Tauri freezes the prototypes only for the built app, served by its custom protocol.
    apply: "build",
    transform: {
      filter: { id: /[\\/]node_modules[\\/](monaco-editor[\\/]esm|d3-color|nearley|@xterm[\\/]xterm)[\\/]/ },
      handler(code, id) {
        const own = "{ writable: true, enumerable: true, configurable: true }";
        const defined = /@xterm/.test(id)
          ? code.replace(minified, (_head, before: string, target: string, key: string) => `${before}Object.defineProperty(${target},"${key}",${own}).${key}=`)
          : code.replace(
              assignment,
              (_head, indent: string, target: string, key: string) => `${indent}Object.defineProperty(${target}, "${key}", ${own}).${key} = `,
            );
        return defined === code ? null : defined;
      },
    },
  };
}

export default defineConfig({
  root,
  // The app is served from Tauri's custom protocol, so asset URLs must be relative.
  base: "./",
  plugins: [react(), underFrozenPrototypes()],
  clearScreen: false,
  server: {
    port: 1420,
    strictPort: true,
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // WebKitGTK on current Linux distributions and WebView2 both run ES2022.
    target: "es2022",
  },
  // Monaco's editor worker (`?worker`), bundled as one module worker served from the app itself.
  worker: {
    format: "es",
  },
  test: {
    restoreMocks: true,
    // Through Vitest rather than Node, so that a test can hand sql-formatter the strict nearley
    // the build makes (console/format.test.ts).
    server: { deps: { inline: ["sql-formatter"] } },
    // Both cores: Vitest keeps one for itself by default, which on a 2-core machine ran every
    // file in turn.
    maxWorkers: 2,
    // Components (.tsx) render in jsdom; logic (.ts) runs in plain Node, without jsdom's start-up
    // per file (a file that needs the DOM says `@vitest-environment jsdom`).
    projects: [
      { extends: true, test: { name: "components", environment: "jsdom", include: ["src/**/*.test.tsx"], setupFiles: ["src/test/setup.ts"] } },
      { extends: true, test: { name: "logic", environment: "node", include: ["src/**/*.test.ts"] } },
    ],
  },
});
