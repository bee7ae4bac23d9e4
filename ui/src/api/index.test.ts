import { describe, expect, it } from "vitest";
import { ApiError, errorMessage, unwrap } from "./index";

describe("unwrap", () => {
  it("returns the data of a successful command", async () => {
    await expect(unwrap(Promise.resolve({ status: "ok", data: { id: 7 } }))).resolves.toEqual({ id: 7 });
  });

  it("throws the core's error as an ApiError with its code, message and field", async () => {
    const failed = unwrap(
      Promise.resolve({
        status: "error",
        error: { code: "project.name_taken", message: "A project named “shop” already exists.", field: "name" },
      } as const),
    );
    const error = await failed.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      code: "project.name_taken",
      message: "A project named “shop” already exists.",
      field: "name",
    });
  });

  it("lets a broken call (not a typed error) fail as it is", async () => {
    const broken = new TypeError("IPC is unavailable");
    await expect(unwrap(Promise.reject(broken))).rejects.toBe(broken);
  });
});

describe("errorMessage", () => {
  it("shows what any failure says", () => {
    expect(errorMessage(new ApiError({ code: "io.failed", message: "The disk is full.", field: null }))).toBe(
      "The disk is full.",
    );
    expect(errorMessage("command not found")).toBe("command not found");
    expect(errorMessage({})).toBe("Something went wrong.");
  });
});
