import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import type { Plugin } from "vite";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

/**
 * The app runs with Object.prototype frozen (`freezePrototype` in tauri.conf.json). Monaco's
 * namespaces give themselves a `toString` by assignment (`KeyCodeUtils.toString = toString;`), and
 * d3-color (under React Flow's d3-zoom) its prototypes a `constructor`
 * (`prototype.constructor = constructor;`): a frozen Object.prototype turns both into "Attempted
 * to assign to readonly property" as the module loads. Such assignments become property
 * definitions, which frozen prototypes allow.
 */
function underFrozenPrototypes(): Plugin {
  const assignment = /^(\s*)([A-Za-z_$][\w$]*)\.(toString|valueOf|constructor) = ([^;\n]+);$/gm;
  return {
    name: "under-frozen-prototypes",
    // Tauri freezes the prototypes only for the built app, served by its custom protocol.
    apply: "build",
    transform: {
      filter: { id: /[\\/]node_modules[\\/](monaco-editor[\\/]esm|d3-color)[\\/]/ },
      handler(code) {
        const defined = code.replace(
          assignment,
          (_line, indent: string, target: string, key: string, value: string) =>
            `${indent}Object.defineProperty(${target}, "${key}", { value: ${value}, writable: true, enumerable: true, configurable: true });`,
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
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test/setup.ts"],
    restoreMocks: true,
  },
});
