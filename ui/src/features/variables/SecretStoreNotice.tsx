import { useState, type FormEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import { toast } from "sonner";
import clsx from "clsx";
import { Lock, ShieldAlert } from "lucide-react";
import { ApiError, errorMessage, type VaultKey } from "../../api";
import { Dialog } from "../../components/Dialog";
import { ErrorState } from "../../components/ErrorState";
import { Field } from "../../components/Field";
import { PathInput } from "../../components/PathInput";
import { PassphraseStrengthHint, PasswordInput } from "./PasswordInput";
import { confirmFileToWrite } from "../../lib/confirmFileToWrite";
import { secretStoreQuery, secretStoreState, useVault } from "./queries";
import {
  passphraseStrength,
  VAULT_PASSPHRASE_MIN_CHARS,
  vaultFormProblems,
  type VaultErrors,
  type VaultFields,
  type VaultMethod,
} from "./validation";

const emptyFields: VaultFields = { passphrase: "", confirmation: "", keyFile: "" };

const vaultKey = (method: VaultMethod, fields: VaultFields): VaultKey =>
  method === "passphrase" ? { passphrase: fields.passphrase } : { keyFile: fields.keyFile.trim() };

/**
 * Says so plainly when secrets have nowhere safe to go: no system keychain (offer the encrypted
 * local vault) or a vault still locked (unlock it here). Silent while the keychain works.
 */
export function SecretStoreNotice() {
  const status = useQuery(secretStoreQuery);
  const [settingUp, setSettingUp] = useState(false);

  if (status.isError) {
    return (
      <ErrorState
        title="Where secrets are kept could not be checked"
        error={status.error}
        onRetry={() => void status.refetch()}
      />
    );
  }
  const state = secretStoreState(status.data);
  if (state.usable || state.fix === null || !status.data) return null;

  return (
    <section className="store-notice" role="status" data-testid="secret-store-notice" data-fix={state.fix}>
      <div className="store-notice-heading">
        {state.fix === "createVault" ? <ShieldAlert size={18} aria-hidden /> : <Lock size={18} aria-hidden />}
        <p className="store-notice-text">
          <strong>{state.fix === "createVault" ? "No system keychain" : "The local vault is locked"}.</strong>{" "}
          {status.data.message} Secrets are never kept in plain text: until{" "}
          {state.fix === "createVault" ? "a vault is set up" : "it is unlocked"}, only plain variables can be added
          and changed.
        </p>
        {state.fix === "createVault" && (
          <button
            type="button"
            className="button button-primary button-small"
            onClick={() => setSettingUp(true)}
            data-testid="vault-setup-button"
          >
            Set up a local vault
          </button>
        )}
      </div>
      {state.fix === "unlockVault" && <UnlockVaultForm />}
      <Dialog
        open={settingUp}
        title="Set up the local vault"
        onClose={() => setSettingUp(false)}
        testId="vault-setup-dialog"
        description={
          <p>
            Secrets are encrypted (AES-256-GCM) in a vault file in the app's data folder. Its key comes from a passphrase
            you choose, or from a key file that only your user can read.
          </p>
        }
      >
        <VaultSetupForm onDone={() => setSettingUp(false)} />
      </Dialog>
    </section>
  );
}

type MethodSwitchProps = { label: string; method: VaultMethod; onChange: (method: VaultMethod) => void };

function MethodSwitch({ label, method, onChange }: MethodSwitchProps) {
  return (
    <div className="segmented mode-switch" role="radiogroup" aria-label={label}>
      {(["passphrase", "keyFile"] as const).map((option) => (
        <button
          key={option}
          type="button"
          role="radio"
          aria-checked={method === option}
          className={clsx("segment", method === option && "segment-selected")}
          onClick={() => onChange(option)}
          data-testid={`vault-method-${option}`}
        >
          {option === "passphrase" ? "Passphrase" : "Key file"}
        </button>
      ))}
    </div>
  );
}

function VaultSetupForm({ onDone }: { onDone: () => void }) {
  const [method, setMethod] = useState<VaultMethod>("passphrase");
  const [fields, setFields] = useState(emptyFields);
  const [errors, setErrors] = useState<VaultErrors>({});
  const create = useVault("create");

  const edit = (field: keyof VaultFields, value: string) => {
    setFields((current) => ({ ...current, [field]: value }));
    setErrors(({ [field]: _cleared, ...rest }) => rest);
  };

  const createWith = (key: VaultKey) =>
    create.mutate(key, {
      onSuccess: () => {
        toast.success("The local vault is ready: secrets can be added");
        onDone();
      },
      onError: (error) => {
        if (error instanceof ApiError && error.code === "path.not_chosen" && key.keyFile !== undefined) {
          // A new key file typed outside the projects' folders: the user confirms it first.
          void confirmKeyFile(key.keyFile);
        } else if (error instanceof ApiError && error.field === "keyFile") {
          setErrors({ keyFile: error.message });
        } else {
          toast.error("The vault was not created", { description: errorMessage(error) });
        }
      },
    });

  const confirmKeyFile = async (typed: string) => {
    const confirmed = await confirmFileToWrite(typed, "Confirm where to create the key file");
    if ("problem" in confirmed) return setErrors({ keyFile: confirmed.problem });
    setFields((current) => ({ ...current, keyFile: confirmed.path }));
    createWith({ keyFile: confirmed.path });
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = vaultFormProblems("create", method, fields);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    createWith(vaultKey(method, fields));
  };

  return (
    <form className="form" onSubmit={submit} noValidate data-testid="vault-setup-form">
      <div className="dialog-body">
        <MethodSwitch
          label="Take the vault's key from"
          method={method}
          onChange={(next) => {
            setMethod(next);
            setErrors({});
          }}
        />
        {method === "passphrase" ? (
          <>
            <Field
              label="Passphrase"
              error={errors.passphrase}
              errorTestId="vault-passphrase-error"
              hint={
                fields.passphrase === "" ? (
                  `At least ${VAULT_PASSPHRASE_MIN_CHARS} characters. It cannot be recovered: without it, the secrets are lost.`
                ) : (
                  <PassphraseStrengthHint strength={passphraseStrength(fields.passphrase)} />
                )
              }
            >
              {(control) => (
                <PasswordInput
                  {...control}
                  value={fields.passphrase}
                  data-autofocus
                  data-testid="vault-passphrase-input"
                  onChange={(event) => edit("passphrase", event.target.value)}
                />
              )}
            </Field>
            <Field label="Passphrase again" error={errors.confirmation} errorTestId="vault-confirmation-error">
              {(control) => (
                <PasswordInput
                  {...control}
                  value={fields.confirmation}
                  data-testid="vault-confirmation-input"
                  onChange={(event) => edit("confirmation", event.target.value)}
                />
              )}
            </Field>
          </>
        ) : (
          <Field
            label="Key file"
            error={errors.keyFile}
            errorTestId="vault-key-file-error"
            hint="The app creates this file with a random key, readable only by your user (or type the path of a key file you have). Keep a copy somewhere safe: without it, the secrets are lost."
          >
            {(control) => (
              <PathInput
                {...control}
                value={fields.keyFile}
                placeholder="/home/you/.config/quantum-admin/vault.key"
                browse={{ kind: "saveFile", title: "Choose where to create the key file" }}
                data-autofocus
                data-testid="vault-key-file-input"
                onValueChange={(value) => edit("keyFile", value)}
              />
            )}
          </Field>
        )}
      </div>
      <footer className="dialog-footer">
        <button type="button" className="button button-secondary" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={create.isPending} data-testid="vault-setup-submit">
          Create vault
        </button>
      </footer>
    </form>
  );
}

function UnlockVaultForm() {
  const [method, setMethod] = useState<VaultMethod>("passphrase");
  const [fields, setFields] = useState(emptyFields);
  const [errors, setErrors] = useState<VaultErrors>({});
  const unlock = useVault("unlock");
  const field = method === "passphrase" ? "passphrase" : "keyFile";

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = vaultFormProblems("unlock", method, fields);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    unlock.mutate(vaultKey(method, fields), {
      onSuccess: (unlocked) => {
        if (unlocked.vaultUnlocked) toast.success("The vault is unlocked");
        else setErrors({ [field]: unlocked.message });
      },
      // A wrong passphrase or key file is the usual cause: say so where it was typed.
      onError: (error) => setErrors({ [field]: errorMessage(error) }),
    });
  };

  return (
    <form className="unlock-form" onSubmit={submit} noValidate data-testid="vault-unlock-form" aria-label="Unlock the local vault">
      <MethodSwitch
        label="Unlock the vault with"
        method={method}
        onChange={(next) => {
          setMethod(next);
          setErrors({});
        }}
      />
      <Field label={method === "passphrase" ? "Passphrase" : "Key file"} error={errors[field]} errorTestId="vault-unlock-error">
        {(control) =>
          method === "passphrase" ? (
            <PasswordInput
              {...control}
              value={fields.passphrase}
              data-testid="vault-unlock-passphrase"
              onChange={(event) => {
                setFields((current) => ({ ...current, passphrase: event.target.value }));
                setErrors({});
              }}
            />
          ) : (
            <PathInput
              {...control}
              value={fields.keyFile}
              browse={{ kind: "openFile", title: "Choose the vault's key file" }}
              data-testid="vault-unlock-key-file"
              onValueChange={(keyFile) => {
                setFields((current) => ({ ...current, keyFile }));
                setErrors({});
              }}
            />
          )
        }
      </Field>
      <button type="submit" className="button button-primary" disabled={unlock.isPending} data-testid="vault-unlock-submit">
        Unlock
      </button>
    </form>
  );
}
