import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { api, errorMessage, type CheckStatus, type HealthCheckDecl } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { Dialog } from "../../components/Dialog";
import { Field } from "../../components/Field";
import { checkFormProblems, declOf, type CheckForm } from "./checkForm";

/**
 * Adds or changes a check in quantum.toml (comments and the rest of the file kept, as the
 * Configuration page's history shows); the core reloads the checks from the file.
 */
export function CheckFormDialog({ projectId, check, onClose }: { projectId: number; check: CheckStatus | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState<CheckForm>(() => ({
    name: check?.name ?? "",
    target: check?.target ?? "http://127.0.0.1:8000/health",
    interval: String(check?.intervalSecs ?? 60),
    timeout: String(check?.timeoutSecs ?? 10),
    failures: String(check?.failures ?? 3),
    conditions: check ? check.conditions.join("\n") : "[STATUS] == 200",
    insecure: check?.insecure ?? false,
  }));
  const [submitted, setSubmitted] = useState(false);
  const save = useMutation({
    mutationFn: (decl: HealthCheckDecl) => api.healthCheckSave(projectId, decl, check?.name ?? null),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.health(projectId) }),
  });
  const problems = checkFormProblems(form);
  const set = (key: Exclude<keyof CheckForm, "insecure">) => (value: string) => setForm((old) => ({ ...old, [key]: value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (Object.values(problems).some(Boolean)) return;
    save.mutate(declOf(form), {
      onSuccess: () => {
        toast.success(check ? `Check “${form.name.trim()}” saved in quantum.toml` : `Check “${form.name.trim()}” added to quantum.toml`);
        onClose();
      },
      onError: (error) => toast.error("The check was not saved", { description: errorMessage(error) }),
    });
  };

  const shown = (key: keyof CheckForm) => (submitted ? problems[key] : null);
  const text = (key: Exclude<keyof CheckForm, "insecure">, label: string, hint?: string, mono = false) => (
    <Field label={label} hint={hint} error={shown(key)}>
      {(control) => (
        <input
          {...control}
          className={mono ? "input input-mono" : "input"}
          value={form[key]}
          onChange={(event) => set(key)(event.target.value)}
          data-testid={`health-form-${key}`}
        />
      )}
    </Field>
  );
  return (
    <Dialog open title={check ? `Edit check “${check.name}”` : "Add a health check"} onClose={onClose} testId="health-form">
      <form onSubmit={submit} noValidate>
        <div className="dialog-body">
          {text("name", "Name")}
          {text("target", "Target", "http(s)://…, tcp://host:port, datasource:NAME, container:NAME or kubernetes://SERVICE.NAMESPACE:PORT/PATH@CONTEXT", true)}
          <div className="health-form-numbers">
            {text("interval", "Every (s)")}
            {text("timeout", "Timeout (s)")}
            {text("failures", "Failures before an incident")}
          </div>
          <Field
            label="Conditions"
            hint="One per line, as Gatus writes them: [STATUS] == 200, [RESPONSE_TIME] < 500, [BODY].status == UP, [BODY] == pat(*ok*), [CONNECTED] == true, [CERTIFICATE_EXPIRATION] > 14d"
            error={shown("conditions")}
          >
            {(control) => (
              <textarea
                {...control}
                className="input input-mono"
                rows={4}
                value={form.conditions}
                onChange={(event) => set("conditions")(event.target.value)}
                data-testid="health-form-conditions"
              />
            )}
          </Field>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={form.insecure}
              onChange={(event) => setForm((old) => ({ ...old, insecure: event.target.checked }))}
            />
            HTTPS without checking the certificate (a development server's self-signed one; its expiry is still read)
          </label>
        </div>
        <footer className="dialog-footer">
          <button type="button" className="button button-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={save.isPending} data-testid="health-form-submit">
            {save.isPending && <span className="spinner spinner-small" aria-hidden />}
            Save in quantum.toml
          </button>
        </footer>
      </form>
    </Dialog>
  );
}
