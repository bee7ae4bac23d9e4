import { expect, it } from "vitest";
import xtermSource from "@xterm/xterm/lib/xterm.mjs?raw";
import { underFrozenPrototypes } from "../../../vite.config";

// The built app runs with Object.prototype frozen (see schema/erd/frozen.test.ts): xterm's
// minified build gives a namespace its own `toString` by assignment, which then throws as the
// Tests page loads. The build's transform turns every such assignment into one that works.
it("xterm's build is transformed so that its assignments work with frozen prototypes", () => {
  const { filter, handler } = underFrozenPrototypes().transform as unknown as {
    filter: { id: RegExp };
    handler: (code: string, id: string) => string | null;
  };
  const id = "/app/node_modules/@xterm/xterm/lib/xterm.mjs";
  expect(filter.id.test(id)).toBe(true);
  const transformed = handler(xtermSource, id) ?? xtermSource;
  expect(transformed).not.toMatch(/[;,{}(][A-Za-z_$][\w$]*\.(toString|valueOf)=(?!=)/);

  // The same shape, run as strict code under a frozen Object.prototype: it throws as written,
  // and works as transformed.
  const snippet = '"use strict";var o={};function s(){return "key"}o.toString=s;return o.toString();';
  const frozen = (code: string) => {
    const prototype = Object.getOwnPropertyDescriptor(Object.prototype, "toString")!;
    Object.defineProperty(Object.prototype, "toString", { ...prototype, writable: false });
    try {
      return new Function(code)() as string;
    } finally {
      Object.defineProperty(Object.prototype, "toString", prototype);
    }
  };
  expect(() => frozen(snippet)).toThrow(TypeError);
  expect(frozen(handler(snippet, id) ?? snippet)).toBe("key");
});
