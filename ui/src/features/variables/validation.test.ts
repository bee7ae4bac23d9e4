import { describe, expect, it } from "vitest";
import {
  absolutePathProblem,
  environmentNameProblem,
  newPassphraseProblems,
  passphraseStrength,
  variableInputProblems,
  variableNameProblem,
  vaultFormProblems,
} from "./validation";

describe("environment names", () => {
  it("take a lowercase letter, then lowercase letters, digits, “_” or “-”", () => {
    for (const name of ["dev", "staging", "prod-eu_2", "a"]) expect(environmentNameProblem(name)).toBeNull();
    for (const name of ["", "Dev", "2dev", "-dev", "dev env", "dév", "x".repeat(64)]) {
      expect(environmentNameProblem(name)).not.toBeNull();
    }
  });
});

describe("variable names", () => {
  it("are shell names: a letter or “_”, then letters, digits or “_”", () => {
    for (const name of ["LOG_LEVEL", "_PRIVATE", "api_token2", "A"]) expect(variableNameProblem(name)).toBeNull();
    for (const name of ["", "2FA", "LOG-LEVEL", "LOG LEVEL", "CLÉ", "X".repeat(256)]) {
      expect(variableNameProblem(name)).not.toBeNull();
    }
  });

  it("a secret needs an environment and a value; a plain variable may be empty and shared", () => {
    expect(variableInputProblems({ environment: null, name: "LOG_LEVEL", kind: "plain", value: "" })).toEqual({});
    expect(variableInputProblems({ environment: null, name: "API_TOKEN", kind: "secret", value: "" })).toEqual({
      environment: expect.any(String),
      value: expect.any(String),
    });
    expect(variableInputProblems({ environment: "dev", name: "API_TOKEN", kind: "secret", value: "s3cret" })).toEqual({});
    expect(variableInputProblems({ environment: "dev", name: "9LIVES", kind: "plain", value: "x" })).toEqual({
      name: expect.any(String),
    });
  });
});

describe("passphrases", () => {
  it("rate length first, then the mix of characters", () => {
    expect(passphraseStrength("short1!")).toBe("weak");
    expect(passphraseStrength("alllowercase")).toBe("weak");
    expect(passphraseStrength("twelve chars1")).toBe("fair");
    expect(passphraseStrength("Fourteen-chars1")).toBe("strong");
    expect(passphraseStrength("correct horse battery staple")).toBe("strong");
  });

  it("typed twice must match and be long enough", () => {
    expect(newPassphraseProblems("", "", 12)).toEqual({ passphrase: "Enter a passphrase." });
    expect(newPassphraseProblems("eleven char", "eleven char", 12).passphrase).toMatch(/at least 12 characters; this one has 11/);
    expect(newPassphraseProblems("twelve chars", "twelve charz", 12)).toEqual({ confirmation: expect.any(String) });
    expect(newPassphraseProblems("twelve chars", "twelve chars", 12)).toEqual({});
    expect(newPassphraseProblems("x", "x", 0)).toEqual({});
  });
});

describe("the vault form", () => {
  const fields = { passphrase: "", confirmation: "", keyFile: "" };

  it("creating with a passphrase asks for 12 characters, twice", () => {
    expect(vaultFormProblems("create", "passphrase", { ...fields, passphrase: "too short" }).passphrase).toMatch(/at least 12/);
    expect(vaultFormProblems("create", "passphrase", { ...fields, passphrase: "long enough now", confirmation: "long enough" })).toEqual({
      confirmation: expect.any(String),
    });
    expect(
      vaultFormProblems("create", "passphrase", { ...fields, passphrase: "long enough now", confirmation: "long enough now" }),
    ).toEqual({});
  });

  it("unlocking takes any passphrase but not none", () => {
    expect(vaultFormProblems("unlock", "passphrase", fields)).toEqual({ passphrase: expect.any(String) });
    expect(vaultFormProblems("unlock", "passphrase", { ...fields, passphrase: "short" })).toEqual({});
  });

  it("a key file is an absolute path", () => {
    expect(vaultFormProblems("create", "keyFile", { ...fields, keyFile: "vault.key" })).toEqual({ keyFile: expect.any(String) });
    expect(vaultFormProblems("create", "keyFile", { ...fields, keyFile: "/home/me/vault.key" })).toEqual({});
    expect(vaultFormProblems("unlock", "keyFile", { ...fields, keyFile: "C:\\Users\\me\\vault.key" })).toEqual({});
  });
});

describe("paths", () => {
  it("are absolute on Linux, macOS or Windows", () => {
    expect(absolutePathProblem("", "file")).toMatch(/Enter the path/);
    expect(absolutePathProblem("./.env", "file")).toMatch(/full path/);
    expect(absolutePathProblem("/srv/app/.env", "file")).toBeNull();
    expect(absolutePathProblem("D:/code/.env", "file")).toBeNull();
    expect(absolutePathProblem("\\\\server\\share\\.env", "file")).toBeNull();
  });
});
