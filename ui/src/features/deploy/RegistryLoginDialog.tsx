import { useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { api, errorMessage } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { Dialog } from "../../components/Dialog";
import { Field } from "../../components/Field";

/**
 * The login the app keeps for an environment's registry (`push = true`): checked against the
 * registry before the keychain keeps it, forgotten on request. Without one, the Docker CLI's
 * login (its credential helper or config.json) is used.
 */
export function RegistryLoginDialog({ projectId, environment, onClose }: { projectId: number; environment: string; onClose: () => void }) {
  const queryClient = useQueryClient();
  const key = [...queryKeys.deploy(projectId), "registry-login", environment];
  const current = useQuery({ queryKey: key, queryFn: () => api.deployRegistryLogin(projectId, environment) });
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [working, setWorking] = useState(false);
  const registry = current.data?.registry ?? "…";

  const apply = async (login: { username: string; password: string } | null) => {
    setWorking(true);
    setError(null);
    try {
      const saved = await api.deploySetRegistryLogin(projectId, environment, login);
      queryClient.setQueryData(key, saved);
      toast.success(saved.username ? `Logged in to ${saved.registry} as ${saved.username}` : `The app's login to ${saved.registry} is forgotten`);
      onClose();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setWorking(false);
    }
  };

  return (
    <Dialog open size="small" title={`Registry login for ${environment}`} onClose={onClose} testId="deploy-registry-dialog">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void apply({ username: username.trim(), password });
        }}
      >
        <div className="dialog-body">
          <p>
            Pushes go to <span className="mono">{registry}</span>.{" "}
            {current.data?.username ? (
              <>
                The app logs in as <strong data-testid="deploy-registry-user">{current.data.username}</strong>, kept in the keychain.
              </>
            ) : (
              <>The app keeps no login for it: the Docker CLI&apos;s is used (`docker login`).</>
            )}
          </p>
          <Field label="User name">
            {(control) => (
              <input
                {...control}
                className="input"
                autoComplete="username"
                value={username}
                onChange={(event) => setUsername(event.target.value)}
                data-testid="deploy-registry-username"
              />
            )}
          </Field>
          <Field label="Password or access token" error={error} errorTestId="deploy-registry-error">
            {(control) => (
              <input
                {...control}
                type="password"
                className="input"
                autoComplete="off"
                value={password}
                onChange={(event) => setPassword(event.target.value)}
                data-testid="deploy-registry-password"
              />
            )}
          </Field>
        </div>
        <footer className="dialog-footer">
          {current.data?.username && (
            <button type="button" className="button button-danger-quiet" disabled={working} onClick={() => void apply(null)}>
              Forget the login
            </button>
          )}
          <button type="button" className="button button-secondary" onClick={onClose} data-autofocus>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={working || !username.trim() || !password} data-testid="deploy-registry-save">
            {working ? "Logging in…" : "Log in and keep"}
          </button>
        </footer>
      </form>
    </Dialog>
  );
}
