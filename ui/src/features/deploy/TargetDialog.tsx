import { useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { api, ApiError, errorMessage } from "../../api";
import type { DeployEnvironment } from "../../api/deploy";
import { queryKeys } from "../../api/queryKeys";
import { Dialog } from "../../components/Dialog";
import { Field } from "../../components/Field";
import { PathInput } from "../../components/PathInput";
import { fingerprintIn, targetFromForm, targetOf, type TargetForm, type TargetKind } from "./target";

const kinds: { kind: TargetKind; label: string; hint: string }[] = [
  { kind: "local", label: "This machine", hint: "The Docker Engine the app uses" },
  { kind: "context", label: "A Docker context", hint: "As “docker context ls” lists them" },
  { kind: "host", label: "An address", hint: "ssh://user@host, or tcp://host:2376 with TLS certificates" },
  { kind: "kubernetes", label: "A Kubernetes cluster", hint: "A context of your kubeconfig; this machine's Docker builds" },
];

/** Where the connection check stands once the target is written. */
type Check = { state: "idle" } | { state: "checking" } | { state: "ok"; endpoint: string } | { state: "failed"; error: ApiError | Error };

/**
 * Chooses where an environment deploys — this machine's Docker Engine, one of the user's Docker
 * contexts, an ssh:// or tcp:// address, or a Kubernetes cluster through a context of the
 * user's kubeconfig — writes it into quantum.toml, then connects: an
 * unknown SSH host is trusted by its fingerprint, an encrypted key is unlocked with its
 * passphrase (kept in the keychain).
 */
export function TargetDialog({ projectId, environment, onClose }: { projectId: number; environment: DeployEnvironment; onClose: () => void }) {
  const queryClient = useQueryClient();
  const { declared } = environment;
  const current = targetOf(declared);
  const [form, setForm] = useState<TargetForm>({
    kind: current.kind,
    context: current.kind === "context" ? current.name : "",
    host: current.kind === "host" ? current.host : "",
    tls: current.kind === "host" ? (current.tls ?? "") : "",
    identity: declared.sshIdentity ?? "",
    kubeContext: current.kind === "kubernetes" ? current.context : "",
    namespace: current.kind === "kubernetes" ? (current.namespace ?? "") : "",
  });
  const [invalid, setInvalid] = useState<{ field: keyof TargetForm; error: string } | null>(null);
  const [check, setCheck] = useState<Check>({ state: "idle" });
  const contexts = useQuery({ queryKey: queryKeys.dockerContexts, queryFn: api.dockerContexts, enabled: form.kind === "context" });
  const kubeContexts = useQuery({ queryKey: queryKeys.kubeContexts, queryFn: api.kubeContexts, enabled: form.kind === "kubernetes" });
  const set = (fields: Partial<TargetForm>) => {
    setForm((previous) => ({ ...previous, ...fields }));
    setInvalid(null);
  };

  const connect = async (work: Promise<string>) => {
    setCheck({ state: "checking" });
    try {
      setCheck({ state: "ok", endpoint: await work });
    } catch (error) {
      setCheck({ state: "failed", error: error instanceof Error ? error : new Error(errorMessage(error)) });
    }
  };

  const save = async () => {
    const parsed = targetFromForm(form);
    if ("error" in parsed) {
      setInvalid(parsed);
      return;
    }
    try {
      const { target } = parsed;
      if (target.kind === "kubernetes") await api.deploySetKubernetes(projectId, declared.name, target.context, target.namespace);
      else await api.deploySetTarget(projectId, declared.name, target, parsed.identity);
    } catch (error) {
      toast.error("The target could not be written", { description: errorMessage(error) });
      return;
    }
    void queryClient.invalidateQueries({ queryKey: queryKeys.deploy(projectId) });
    await connect(api.deployConnect(projectId, declared.name, null));
  };

  const fieldError = (field: keyof TargetForm) => (invalid?.field === field ? invalid.error : null);
  return (
    <Dialog open title={`Where ${declared.name} deploys`} onClose={onClose} testId="deploy-target-dialog">
      <div className="dialog-body">
        <fieldset className="deploy-target-kinds">
          <legend className="field-label">Deploys to</legend>
          {kinds.map(({ kind, label, hint }) => (
            <label key={kind} className="deploy-target-kind">
              <input type="radio" name="target-kind" checked={form.kind === kind} onChange={() => set({ kind })} data-testid={`deploy-target-kind-${kind}`} />
              <span>
                {label}
                <span className="small muted"> — {hint}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {form.kind === "context" && (
          <Field label="Context" error={fieldError("context")} hint={contexts.isError ? errorMessage(contexts.error) : undefined}>
            {(control) => (
              <select {...control} className="input" value={form.context} onChange={(event) => set({ context: event.target.value })} data-testid="deploy-target-context">
                <option value="">{contexts.isPending ? "Reading your contexts…" : "Choose a context"}</option>
                {contexts.data?.map((context) => (
                  <option key={context.name} value={context.name}>
                    {context.name} — {context.host}
                    {context.current ? " (current)" : ""}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        {form.kind === "kubernetes" && (
          <>
            <Field
              label="Context"
              error={fieldError("kubeContext")}
              hint={kubeContexts.isError ? errorMessage(kubeContexts.error) : kubeContexts.data?.length === 0 ? "Your kubeconfig has no context (KUBECONFIG, or ~/.kube/config)." : undefined}
            >
              {(control) => (
                <select {...control} className="input" value={form.kubeContext} onChange={(event) => set({ kubeContext: event.target.value })} data-testid="deploy-target-kube-context">
                  <option value="">{kubeContexts.isPending ? "Reading your kubeconfig…" : "Choose a context"}</option>
                  {kubeContexts.data?.map((context) => (
                    <option key={context.name} value={context.name}>
                      {context.name} — {context.server ?? context.cluster}
                      {context.current ? " (current)" : ""}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Namespace" optional error={fieldError("namespace")} hint="Otherwise the context's, else default">
              {(control) => (
                <input
                  {...control}
                  className="input input-mono"
                  value={form.namespace}
                  placeholder={kubeContexts.data?.find((context) => context.name === form.kubeContext)?.namespace ?? "default"}
                  spellCheck={false}
                  onChange={(event) => set({ namespace: event.target.value })}
                  data-testid="deploy-target-namespace"
                />
              )}
            </Field>
          </>
        )}
        {form.kind === "host" && (
          <>
            <Field label="Address" error={fieldError("host")}>
              {(control) => (
                <input
                  {...control}
                  className="input input-mono"
                  value={form.host}
                  placeholder="ssh://deploy@server.example.com"
                  spellCheck={false}
                  onChange={(event) => set({ host: event.target.value })}
                  data-testid="deploy-target-host"
                />
              )}
            </Field>
            {form.host.trim().startsWith("tcp://") && (
              <Field label="TLS certificates" optional error={fieldError("tls")} hint="The folder of ca.pem, cert.pem and key.pem">
                {(control) => (
                  <PathInput {...control} value={form.tls} onValueChange={(tls) => set({ tls })} browse={{ kind: "folder", title: "Choose the certificates' folder" }} />
                )}
              </Field>
            )}
          </>
        )}
        {(form.kind === "context" || form.host.trim().startsWith("ssh://")) && form.kind !== "local" && (
          <Field label="SSH key file" optional error={fieldError("identity")} hint="Otherwise your SSH agent's keys, then ~/.ssh/id_*">
            {(control) => (
              <PathInput
                {...control}
                value={form.identity}
                onValueChange={(identity) => set({ identity })}
                browse={{ kind: "openFile", title: "Choose the SSH private key" }}
                data-testid="deploy-target-identity"
              />
            )}
          </Field>
        )}
        <ConnectionCheck check={check} projectId={projectId} environment={declared.name} onConnect={connect} />
      </div>
      <footer className="dialog-footer">
        <button type="button" className="button button-secondary" onClick={onClose}>
          {check.state === "ok" ? "Done" : "Cancel"}
        </button>
        <button type="button" className="button button-primary" onClick={() => void save()} disabled={check.state === "checking"} data-testid="deploy-target-save">
          Save and connect
        </button>
      </footer>
    </Dialog>
  );
}

type ConnectionCheckProps = { check: Check; projectId: number; environment: string; onConnect: (work: Promise<string>) => Promise<void> };

/** The connection's outcome, with what unblocks it: trusting a new host key, or a key's passphrase. */
function ConnectionCheck({ check, projectId, environment, onConnect }: ConnectionCheckProps) {
  const [passphrase, setPassphrase] = useState("");
  if (check.state === "idle") return null;
  if (check.state === "checking") return <p className="muted" role="status">Connecting…</p>;
  if (check.state === "ok")
    return (
      <p className="deploy-target-ok" role="status" data-testid="deploy-target-connected">
        Connected: {check.endpoint}
      </p>
    );
  const code = check.error instanceof ApiError ? check.error.code : null;
  const fingerprint = code === "docker.ssh_host_unknown" ? fingerprintIn(check.error.message) : null;
  return (
    <div className="deploy-target-failed" role="alert" data-testid="deploy-target-error" data-code={code ?? undefined}>
      <p>{check.error.message}</p>
      {fingerprint && (
        <button
          type="button"
          className="button button-secondary"
          onClick={() => void onConnect(api.deployConnect(projectId, environment, fingerprint))}
          data-testid="deploy-target-trust"
        >
          Trust <span className="mono">{fingerprint}</span>
        </button>
      )}
      {code === "docker.ssh_key_passphrase" && (
        <form
          className="deploy-target-passphrase"
          onSubmit={(event) => {
            event.preventDefault();
            void onConnect(api.deploySetSshPassphrase(projectId, environment, passphrase));
          }}
        >
          <input
            type="password"
            className="input"
            aria-label="The key's passphrase"
            autoComplete="off"
            value={passphrase}
            onChange={(event) => setPassphrase(event.target.value)}
            data-testid="deploy-target-passphrase"
          />
          <button type="submit" className="button button-secondary" disabled={!passphrase}>
            Unlock and keep in the keychain
          </button>
        </form>
      )}
    </div>
  );
}
