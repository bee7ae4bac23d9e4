import { describe, expect, it } from "vitest";
import { datasourceNameProblem, hostPortProblem, identifierProblem, readyTimeoutProblem } from "./validation";

describe("datasourceNameProblem", () => {
  it("takes what Docker takes as a container name, and nothing (the default)", () => {
    for (const name of ["", "shop-postgres", "db.2", "A_b", "x1"]) expect(datasourceNameProblem(name)).toBeNull();
  });

  it("refuses short, long, badly started and odd names", () => {
    for (const name of ["a", "a".repeat(64), "-db", "_db", "shop db", "shop/db", "ünïcode"]) {
      expect(datasourceNameProblem(name)).toMatch(/2 to 63/);
    }
    expect(datasourceNameProblem("a".repeat(63))).toBeNull();
  });
});

describe("identifierProblem", () => {
  it("takes plain identifiers up to 32 characters", () => {
    for (const value of ["", "shop", "_app", "shop_2026", "a".repeat(32)]) {
      expect(identifierProblem("database", value)).toBeNull();
    }
  });

  it("names what it refuses", () => {
    expect(identifierProblem("user", "2shop")).toBe(
      "Give the user name as up to 32 letters, digits or “_”, starting with a letter or “_”.",
    );
    for (const value of ["shop-db", "a".repeat(33), "shop db"]) expect(identifierProblem("database", value)).not.toBeNull();
  });
});

describe("hostPortProblem", () => {
  it("takes 1 to 65535 and empty", () => {
    for (const port of ["", "1", "5432", "65535"]) expect(hostPortProblem(port)).toBeNull();
    for (const port of ["0", "65536", "54.3", "-1", "port", "1e3"]) expect(hostPortProblem(port)).not.toBeNull();
  });
});

describe("readyTimeoutProblem", () => {
  it("takes 5 to 3600 seconds and empty", () => {
    for (const seconds of ["", "5", "120", "3600"]) expect(readyTimeoutProblem(seconds)).toBeNull();
    for (const seconds of ["4", "3601", "2.5", "soon"]) expect(readyTimeoutProblem(seconds)).not.toBeNull();
  });
});
