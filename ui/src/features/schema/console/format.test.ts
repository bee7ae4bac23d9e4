import { expect, it, vi } from "vitest";
import nearleySource from "nearley/lib/nearley.js?raw";
import { underFrozenPrototypes } from "../../../../vite.config";
import { formatSql } from "./format";

it("puts each clause on its line and its items below it", () => {
  expect(formatSql("select a,b from t where x=1", "postgres")).toBe("select\n  a,\n  b\nfrom\n  t\nwhere\n  x = 1");
  expect(formatSql("SELECT 1;select 2", "sqlite")).toBe("SELECT\n  1;\n\nselect\n  2");
});

it("keeps each engine's own syntax intact", () => {
  expect(formatSql("select a::int, $1 from t", "postgres")).toBe("select\n  a::int,\n  $1\nfrom\n  t");
  expect(formatSql("select doc->>'$.name' from `order` where id=?", "mysql")).toBe(
    "select\n  doc ->> '$.name'\nfrom\n  `order`\nwhere\n  id = ?",
  );
  expect(formatSql('select "a b" from t limit ?', "sqlite")).toBe('select\n  "a b"\nfrom\n  t\nlimit\n  ?');
});

it("refuses SQL it cannot parse", () => {
  expect(() => formatSql("select 'abc", "postgres")).toThrow(/Parse error/);
});

// The built app runs with the built-in prototypes frozen (see erd/frozen.test.ts). sql-formatter
// parses with nearley, whose CommonJS assigns `Rule.prototype.toString`: Node runs CommonJS as
// sloppy code, where that assignment silently does nothing, but the bundle runs it as strict code,
// where it throws. So nearley is loaded here as strict code, through vite.config.ts's
// `underFrozenPrototypes`, which `vite build` applies and tests do not.
it("formats with the built-in prototypes frozen, nearley as the build transforms it", async () => {
  for (const builtin of [Object, Array, Function, String, Number, Boolean, Symbol, Error, Map, Set, Promise, RegExp, Date]) {
    Object.freeze(builtin.prototype);
  }
  const strictCommonJs = (source: string) => {
    const module: { exports: unknown } = { exports: {} };
    new Function("module", "exports", `"use strict";\n${source}`)(module, module.exports);
    return module.exports;
  };
  expect(() => strictCommonJs(nearleySource)).toThrow(TypeError);

  const { filter, handler } = underFrozenPrototypes().transform as unknown as {
    filter: { id: RegExp };
    handler: (code: string, id: string) => string | null;
  };
  const id = "/app/node_modules/nearley/lib/nearley.js";
  expect(filter.id.test(id)).toBe(true);
  const nearley = strictCommonJs(handler(nearleySource, id) ?? nearleySource);

  // Loaded only now, so that sql-formatter's own start-up runs frozen too.
  vi.resetModules();
  vi.doMock("nearley", () => ({ default: nearley }));
  const { formatSql } = await import("./format");
  expect(formatSql("select a,b from t where x=1", "postgres")).toBe("select\n  a,\n  b\nfrom\n  t\nwhere\n  x = 1");
  expect(formatSql("select a,b from t where x=1", "mysql")).toBe("select\n  a,\n  b\nfrom\n  t\nwhere\n  x = 1");
  expect(formatSql("select a,b from t where x=1", "sqlite")).toBe("select\n  a,\n  b\nfrom\n  t\nwhere\n  x = 1");
  // A parse error lists the grammar rules by nearley's own `toString`, not Object's.
  expect(() => formatSql("select (", "postgres")).toThrow(/parenthesis → "\(" expressions_or_clauses ● "\)"/);
});
