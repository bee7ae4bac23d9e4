import type { OptionValue, TemplateOption } from "../../api";
import { Field } from "../../components/Field";
import type { OptionValues } from "./options";

type Props = {
  options: TemplateOption[];
  values: OptionValues;
  problems: Record<string, string | null>;
  onChange: (key: string, value: OptionValue) => void;
};

/** A template's own options, each drawn by its kind: text, a choice, a number, yes or no. */
export function OptionFields({ options, values, problems, onChange }: Props) {
  return (
    <>
      {options.map((option) => {
        const kind = option.kind;
        const value = values[option.key];
        const testId = `template-option-${option.key}`;
        if (kind.type === "bool") {
          return (
            <label key={option.key} className="checkbox" title={option.help ?? undefined}>
              <input
                type="checkbox"
                checked={value === true}
                onChange={(event) => onChange(option.key, event.target.checked)}
                data-testid={testId}
              />
              {option.label}
            </label>
          );
        }
        return (
          <Field key={option.key} label={option.label} hint={option.help} error={problems[option.key]}>
            {(control) =>
              kind.type === "choice" ? (
                <select
                  {...control}
                  className="input"
                  value={String(value)}
                  onChange={(event) => onChange(option.key, event.target.value)}
                  data-testid={testId}
                >
                  {kind.choices.map((choice) => (
                    <option key={choice} value={choice}>
                      {choice}
                    </option>
                  ))}
                </select>
              ) : kind.type === "number" ? (
                <input
                  {...control}
                  className="input"
                  type="number"
                  min={kind.min ?? undefined}
                  max={kind.max ?? undefined}
                  value={typeof value === "number" && !Number.isNaN(value) ? value : ""}
                  onChange={(event) => onChange(option.key, event.target.valueAsNumber)}
                  data-testid={testId}
                />
              ) : (
                <input
                  {...control}
                  className="input"
                  value={typeof value === "string" ? value : ""}
                  onChange={(event) => onChange(option.key, event.target.value)}
                  data-testid={testId}
                />
              )
            }
          </Field>
        );
      })}
    </>
  );
}
