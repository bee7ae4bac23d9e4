import type { OptionValue, TemplateOption, TemplateSummary } from "../../api";

export type OptionValues = Record<string, OptionValue>;

/** Each option at its default: the form's starting point for a template. */
export function defaultValues(template: TemplateSummary): OptionValues {
  return Object.fromEntries(template.options.map((option) => [option.key, option.default]));
}

/**
 * What is wrong with a value, as the core would say it, so the form says so before asking it; the
 * core checks again (a command line sends text).
 */
export function optionProblem(option: TemplateOption, value: OptionValue | undefined): string | null {
  const kind = option.kind;
  switch (kind.type) {
    case "bool":
      return typeof value === "boolean" ? null : "Choose yes or no.";
    case "number": {
      if (typeof value !== "number" || !Number.isInteger(value)) return "Enter a whole number.";
      if (kind.min !== null && value < kind.min) return `Enter ${kind.min} or more.`;
      if (kind.max !== null && value > kind.max) return `Enter ${kind.max} or less.`;
      return null;
    }
    case "choice":
      return typeof value === "string" && kind.choices.includes(value) ? null : `Choose one of ${kind.choices.join(", ")}.`;
    case "text": {
      if (typeof value !== "string") return "Enter text.";
      if (kind.pattern === null) return null;
      let pattern: RegExp;
      try {
        pattern = new RegExp(`^(?:${kind.pattern})$`, "u");
      } catch {
        return null;
      }
      return pattern.test(value) ? null : (kind.patternHelp ?? `Match ${kind.pattern}.`);
    }
  }
}

/** The template's identity in a list and in a URL: a built-in's id or a folder's path. */
export function templateKey(template: TemplateSummary): string {
  const reference = template.reference;
  return reference.kind === "builtin" ? `builtin:${reference.id}` : `folder:${reference.path}`;
}

/** `My Shop` → `my-shop` (at most 40 long), as the core's `slug`. */
export function slug(name: string): string {
  const out = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+/, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  if (out === "") return "project";
  return /^[0-9]/.test(out) ? `p-${out}` : out;
}
