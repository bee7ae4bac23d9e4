import type { HealthCheckDecl } from "../../api";

/** The check form's fields, as typed. */
export type CheckForm = {
  name: string;
  target: string;
  interval: string;
  timeout: string;
  failures: string;
  conditions: string;
  insecure: boolean;
};

const TARGET = /^(https?:\/\/[^/?#\s]+.*|tcp:\/\/.+:\d+|datasource:.+|container:.+|kubernetes:\/\/[^/@\s]+:\d+[^@]*@.+)$/;

const whole = (text: string, min: number, max: number) => {
  const n = Number(text.trim());
  return Number.isInteger(n) && n >= min && n <= max ? n : null;
};

/** What to fix before saving; the core checks again (a condition's syntax is its to judge). */
export function checkFormProblems(form: CheckForm): Partial<Record<keyof CheckForm, string>> {
  const problems: Partial<Record<keyof CheckForm, string>> = {};
  if (!/^[a-z][a-z0-9_-]{0,62}$/.test(form.name.trim())) problems.name = "Use lowercase letters, digits, _ or -, starting with a letter (e.g. api).";
  if (!TARGET.test(form.target.trim())) problems.target = "Use http(s)://…, tcp://host:port, datasource:NAME, container:NAME or kubernetes://SERVICE.NAMESPACE:PORT/PATH@CONTEXT.";
  if (whole(form.interval, 1, 86_400) === null) problems.interval = "1 to 86400 seconds.";
  if (whole(form.timeout, 1, 300) === null) problems.timeout = "1 to 300 seconds.";
  if (whole(form.failures, 1, 100) === null) problems.failures = "1 to 100.";
  return problems;
}

/** The declaration to write; the defaults (60 s, 10 s, 3) are left out of the file. */
export function declOf(form: CheckForm): HealthCheckDecl {
  const unlessDefault = (text: string, fallback: number) => {
    const n = Number(text.trim());
    return n === fallback ? null : n;
  };
  return {
    name: form.name.trim(),
    target: form.target.trim(),
    interval: unlessDefault(form.interval, 60),
    timeout: unlessDefault(form.timeout, 10),
    failures: unlessDefault(form.failures, 3),
    conditions: form.conditions
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean),
    insecure: form.insecure,
  };
}
