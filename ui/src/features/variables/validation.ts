// Mirrors the core's rules so the forms can answer before a round trip; the core stays the
// authority (whether a name is taken, for one, only it can tell).
import type { VariableKind } from "../../api";

const ENVIRONMENT_NAME = /^[a-z][a-z0-9_-]*$/;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const ENVIRONMENT_NAME_MAX_CHARS = 63;
const VARIABLE_NAME_MAX_CHARS = 255;
export const VAULT_PASSPHRASE_MIN_CHARS = 12;

/** What is wrong with an environment's name, in words a user can act on; null when it is fine. */
export function environmentNameProblem(name: string): string | null {
  if (name === "") return "Enter a name for the environment, e.g. “dev” or “staging”.";
  if (name.length > ENVIRONMENT_NAME_MAX_CHARS) {
    return `The name is ${name.length} characters long; shorten it to ${ENVIRONMENT_NAME_MAX_CHARS} or fewer.`;
  }
  if (!ENVIRONMENT_NAME.test(name)) {
    return "Use lowercase letters, digits, “_” or “-”, starting with a letter (e.g. “dev”, “staging”).";
  }
  return null;
}

/** What is wrong with a variable's name; null when it is fine. */
export function variableNameProblem(name: string): string | null {
  if (name === "") return "Enter a name for the variable, e.g. “LOG_LEVEL”.";
  if (name.length > VARIABLE_NAME_MAX_CHARS) {
    return `The name is ${name.length} characters long; shorten it to ${VARIABLE_NAME_MAX_CHARS} or fewer.`;
  }
  if (!VARIABLE_NAME.test(name)) return "Use letters, digits and “_”, not starting with a digit (e.g. “LOG_LEVEL”).";
  return null;
}

export type VariableField = "name" | "value" | "environment";
export type VariableErrors = Partial<Record<VariableField, string>>;

/** Every problem of the add/edit form, by field; empty when it can be sent. */
export function variableInputProblems(input: {
  environment: string | null;
  name: string;
  kind: VariableKind;
  value: string;
}): VariableErrors {
  const errors: VariableErrors = {};
  const nameProblem = variableNameProblem(input.name);
  if (nameProblem) errors.name = nameProblem;
  if (input.kind === "secret") {
    if (input.environment === null) errors.environment = "A secret belongs to one environment: choose one.";
    if (input.value === "") errors.value = "Enter the secret's value.";
  }
  return errors;
}

export type PassphraseStrength = "weak" | "fair" | "strong";

/**
 * A rough guide, not a guarantee: length counts most, a mix of letters, digits and symbols a
 * little. A long phrase of plain words rates strong.
 */
export function passphraseStrength(passphrase: string): PassphraseStrength {
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((pattern) => pattern.test(passphrase)).length;
  const length = [...passphrase].length;
  if (length >= 20 || (length >= 14 && classes >= 3)) return "strong";
  if (length >= VAULT_PASSPHRASE_MIN_CHARS && classes >= 2) return "fair";
  return "weak";
}

/** Problems of a passphrase typed twice, by field; `minChars` is 0 where any non-empty one will do. */
export function newPassphraseProblems(
  passphrase: string,
  confirmation: string,
  minChars: number,
): Partial<Record<"passphrase" | "confirmation", string>> {
  const length = [...passphrase].length;
  if (length === 0) return { passphrase: "Enter a passphrase." };
  if (length < minChars) {
    return { passphrase: `Use at least ${minChars} characters; this one has ${length}.` };
  }
  if (confirmation !== passphrase) return { confirmation: "The two passphrases differ: type the same one twice." };
  return {};
}

/** An absolute path on this computer: `/…` on Linux and macOS, `C:\…` or `\\server\…` on Windows. */
export function absolutePathProblem(path: string, what: string): string | null {
  if (path.trim() === "") return `Enter the path of the ${what}.`;
  if (/^(\/|[A-Za-z]:[\\/]|\\\\)/.test(path.trim())) return null;
  return `Give the full path of the ${what}, e.g. /home/you/… or C:\\Users\\you\\….`;
}

export type VaultMethod = "passphrase" | "keyFile";
export type VaultFields = { passphrase: string; confirmation: string; keyFile: string };
export type VaultErrors = Partial<Record<keyof VaultFields, string>>;

/**
 * Problems of the vault form. Creating asks for a passphrase of at least
 * {@link VAULT_PASSPHRASE_MIN_CHARS} characters, typed twice, or the path of the key file to make;
 * unlocking only for what was chosen then.
 */
export function vaultFormProblems(purpose: "create" | "unlock", method: VaultMethod, fields: VaultFields): VaultErrors {
  if (method === "keyFile") {
    const problem = absolutePathProblem(fields.keyFile, "key file");
    return problem ? { keyFile: problem } : {};
  }
  if (purpose === "unlock") return fields.passphrase === "" ? { passphrase: "Enter the vault's passphrase." } : {};
  return newPassphraseProblems(fields.passphrase, fields.confirmation, VAULT_PASSPHRASE_MIN_CHARS);
}
