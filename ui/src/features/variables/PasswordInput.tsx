import { useState, type InputHTMLAttributes, type Ref } from "react";
import { Eye, EyeOff } from "lucide-react";
import type { PassphraseStrength } from "./validation";

type PasswordInputProps = Omit<InputHTMLAttributes<HTMLInputElement>, "type" | "className"> & {
  ref?: Ref<HTMLInputElement>;
};

/** A password field with a button that shows what was typed, for this field only. */
export function PasswordInput({ ref, ...props }: PasswordInputProps) {
  const [visible, setVisible] = useState(false);
  return (
    <div className="password-input">
      <input
        {...props}
        ref={ref}
        type={visible ? "text" : "password"}
        className="input input-mono"
        autoComplete="off"
        spellCheck={false}
      />
      <button
        type="button"
        className="icon-button"
        aria-label={visible ? "Hide what was typed" : "Show what was typed"}
        title={visible ? "Hide" : "Show"}
        aria-pressed={visible}
        onClick={() => setVisible((current) => !current)}
      >
        {visible ? <EyeOff size={15} aria-hidden /> : <Eye size={15} aria-hidden />}
      </button>
    </div>
  );
}

export function PassphraseStrengthHint({ strength }: { strength: PassphraseStrength }) {
  return (
    <>
      Strength: <span className={`strength strength-${strength}`}>{strength}</span>. A few unrelated words make a long
      passphrase that is easy to remember.
    </>
  );
}
