import { describe, expect, it } from "vitest";
import { checkFormProblems, declOf, type CheckForm } from "./checkForm";

const form: CheckForm = {
  name: "api",
  target: "http://127.0.0.1:8000/health",
  interval: "30",
  timeout: "10",
  failures: "3",
  conditions: "[STATUS] == 200\n\n  [RESPONSE_TIME] < 500 ",
  insecure: false,
};

describe("the health check form", () => {
  it("writes what differs from the defaults, one condition per line", () => {
    expect(checkFormProblems(form)).toEqual({});
    expect(declOf(form)).toEqual({
      name: "api",
      target: "http://127.0.0.1:8000/health",
      interval: 30,
      timeout: null,
      failures: null,
      conditions: ["[STATUS] == 200", "[RESPONSE_TIME] < 500"],
      insecure: false,
    });
  });

  it("says what to fix in each field", () => {
    const problems = checkFormProblems({ ...form, name: "API", target: "ftp://x", interval: "0", timeout: "1.5", failures: "" });
    expect(Object.keys(problems).sort()).toEqual(["failures", "interval", "name", "target", "timeout"]);
    expect(checkFormProblems({ ...form, target: "tcp://db:5432" })).toEqual({});
    expect(checkFormProblems({ ...form, target: "kubernetes://web.shop:80/health@arn:aws:eks:eu-west-1:1:cluster/shop" })).toEqual({});
    expect(Object.keys(checkFormProblems({ ...form, target: "kubernetes://web.shop:80/health" }))).toEqual(["target"]);
    expect(checkFormProblems({ ...form, target: "datasource:shop-db" })).toEqual({});
  });
});
