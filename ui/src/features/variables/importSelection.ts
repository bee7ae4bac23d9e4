import type { DotenvEntry, ImportSummary } from "../../api";

/** The keys to import as secrets at first: those whose names look like credentials. */
export function initialSecretNames(entries: DotenvEntry[]): ReadonlySet<string> {
  return new Set(entries.filter((entry) => entry.looksSecret).map((entry) => entry.name));
}

/** The selection with `name` marked as a secret or not. */
export function markSecret(selection: ReadonlySet<string>, name: string, secret: boolean): ReadonlySet<string> {
  const next = new Set(selection);
  if (secret) next.add(name);
  else next.delete(name);
  return next;
}

/** The secret names to send, in the file's order. */
export function secretNamesInOrder(entries: DotenvEntry[], selection: ReadonlySet<string>): string[] {
  return entries.filter((entry) => selection.has(entry.name)).map((entry) => entry.name);
}

/** "1 secret", "3 secrets". */
export const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The toast after an import: "Imported 2 plain variables and 1 secret into “dev”". */
export const importSummaryText = ({ plain, secrets }: ImportSummary, environment: string) =>
  `Imported ${count(plain, "plain variable", "plain variables")} and ${count(secrets, "secret", "secrets")} into “${environment}”`;
