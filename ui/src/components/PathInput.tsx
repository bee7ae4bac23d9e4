import type { InputHTMLAttributes, Ref } from "react";

type PathInputProps = Omit<InputHTMLAttributes<HTMLInputElement>, "className" | "onChange" | "value"> & {
  value: string;
  onValueChange: (value: string) => void;
  ref?: Ref<HTMLInputElement>;
};

/** A typed file or folder path: monospace, neither completed nor spell-checked by the web view. */
export function PathInput({ onValueChange, ...props }: PathInputProps) {
  return (
    <input
      {...props}
      className="input input-mono"
      autoComplete="off"
      spellCheck={false}
      onChange={(event) => onValueChange(event.target.value)}
    />
  );
}
