// Mirrors the core's rules so the form can answer before a round trip; the core stays the
// authority (uniqueness, for one, only it can check).
export const NAME_MAX_CHARS = 64;
export const DESCRIPTION_MAX_CHARS = 2000;

const ALLOWED_NAME_CHAR = /[\p{L}\p{N} _.-]/u;
const NAME_START = /^[\p{L}\p{N}]/u;

/** What is wrong with a project name, in words a user can act on; null when it is fine. */
export function projectNameProblem(rawName: string): string | null {
  const name = rawName.trim();
  const length = [...name].length;
  if (length === 0) return "Enter a name for the project.";
  if (length > NAME_MAX_CHARS) {
    return `The name is ${length} characters long; shorten it to ${NAME_MAX_CHARS} or fewer.`;
  }
  if (!NAME_START.test(name)) return "Start the name with a letter or a digit.";
  const bad = [...name].find((c) => !ALLOWED_NAME_CHAR.test(c));
  if (bad !== undefined) {
    return `Remove “${bad}” from the name: use letters, digits, spaces, “-”, “_” and “.”.`;
  }
  return null;
}

export function projectDescriptionProblem(description: string): string | null {
  const length = [...description.trim()].length;
  if (length > DESCRIPTION_MAX_CHARS) {
    return `The description is ${length} characters long; shorten it to ${DESCRIPTION_MAX_CHARS} or fewer.`;
  }
  return null;
}
