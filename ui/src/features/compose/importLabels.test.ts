import { describe, expect, it } from "vitest";
import { dataLabel, passwordLabel } from "./importLabels";

describe("compose import labels", () => {
  it("say where each password is and that it goes to the keychain", () => {
    expect(passwordLabel({ kind: "literal", key: "POSTGRES_PASSWORD" })).toBe("written in the file (POSTGRES_PASSWORD): moved to the keychain");
    expect(passwordLabel({ kind: "variable", name: "DB_PASSWORD" })).toBe("${DB_PASSWORD} from .env: kept in the keychain");
    expect(passwordLabel({ kind: "none" })).toBe("none found: the app makes one");
  });

  it("say which data a datasource starts on", () => {
    expect(dataLabel({ kind: "named", name: "shop_pgdata" }, true)).toBe("volume shop_pgdata: its data is kept");
    expect(dataLabel({ kind: "named", name: "shop_pgdata" }, false)).toBe("volume shop_pgdata (new: nothing there yet)");
    expect(dataLabel({ kind: "bind", path: "/home/me/shop/data" }, false)).toBe("a copy of /home/me/shop/data in a new volume (the folder stays as it is)");
    expect(dataLabel({ kind: "none" }, false)).toBe("a new, empty volume");
  });
});
