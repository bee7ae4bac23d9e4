import { describe, expect, it } from "vitest";
import type { ListeningPort } from "../../api";
import { addressLabel, holderLabel, portMatches } from "./holder";

const postgres: ListeningPort = {
  protocol: "tcp",
  address: "127.0.0.1",
  port: 5432,
  holder: {
    kind: "process",
    process: { pid: 812, startedAt: 1, name: "postgres", user: "postgres", command: "/usr/lib/postgresql/15/bin/postgres -D /var/lib" },
  },
};
const published: ListeningPort = {
  protocol: "tcp",
  address: "0.0.0.0",
  port: 6379,
  holder: { kind: "container", id: "abc", name: "shop-redis", image: "redis:7", via: null },
};

describe("holderLabel", () => {
  it("names a process with its pid and user, and a container by its name", () => {
    expect(holderLabel(postgres.holder)).toBe("postgres (pid 812, user postgres)");
    expect(holderLabel(published.holder)).toBe("container shop-redis");
    expect(holderLabel({ kind: "unknown" })).toBe("another user's program");
  });
});

describe("portMatches", () => {
  it("finds a port by number, holder, command or image", () => {
    expect(portMatches(postgres, "5432")).toBe(true);
    expect(portMatches(postgres, "POSTGRES")).toBe(true);
    expect(portMatches(postgres, "/var/lib")).toBe(true);
    expect(portMatches(published, "redis:7")).toBe(true);
    expect(portMatches(published, "postgres")).toBe(false);
    expect(portMatches(published, "  ")).toBe(true);
  });
});

describe("addressLabel", () => {
  it("says that a wildcard address is every address", () => {
    expect(addressLabel("0.0.0.0")).toBe("0.0.0.0 (every address)");
    expect(addressLabel("::")).toBe(":: (every address)");
    expect(addressLabel("127.0.0.1")).toBe("127.0.0.1");
  });
});
