import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { api, errorMessage } from "../../api";
import { queryKeys } from "../../api/queryKeys";

/**
 * The project's webhook (Slack, Discord or one's own): each incident, opened and closed, is
 * posted to it. The URL is a secret, kept in the keychain; the page shows its host only.
 */
export function WebhookPanel({ projectId }: { projectId: number }) {
  const queryClient = useQueryClient();
  const key = queryKeys.healthWebhook(projectId);
  const current = useQuery({ queryKey: key, queryFn: () => api.healthWebhook(projectId) });
  const [url, setUrl] = useState("");
  const save = useMutation({
    mutationFn: (next: string | null) => api.healthWebhookSet(projectId, next),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: key }),
  });
  const test = useMutation({ mutationFn: () => api.healthWebhookTest(projectId) });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(url.trim(), {
      onSuccess: () => {
        setUrl("");
        toast.success("Webhook saved in the keychain");
      },
      onError: (error) => toast.error("The webhook was not saved", { description: errorMessage(error) }),
    });
  };

  return (
    <section className="panel health-incidents" aria-label="Webhook" data-testid="health-webhook">
      <h2 className="panel-title">Webhook</h2>
      <p className="small muted">
        Each incident, opened and closed, is posted as JSON that Slack and Discord read (<span className="mono">text</span>,{" "}
        <span className="mono">content</span>) with its fields for a receiver of your own.
      </p>
      {current.data ? (
        <div className="health-webhook-row">
          <span className="mono" data-testid="health-webhook-current">
            {current.data}
          </span>
          <button
            type="button"
            className="button button-secondary button-small"
            disabled={test.isPending}
            onClick={() =>
              test.mutate(undefined, {
                onSuccess: () => toast.success("Test message posted"),
                onError: (error) => toast.error("The test message was not delivered", { description: errorMessage(error) }),
              })
            }
          >
            Send a test
          </button>
          <button
            type="button"
            className="button button-secondary button-small"
            onClick={() => save.mutate(null, { onError: (error) => toast.error("The webhook was not removed", { description: errorMessage(error) }) })}
          >
            Remove
          </button>
        </div>
      ) : (
        <form className="health-webhook-row" onSubmit={submit}>
          <input
            type="url"
            className="input input-mono"
            placeholder="https://hooks.slack.com/services/…"
            aria-label="Webhook URL"
            value={url}
            onChange={(event) => setUrl(event.target.value)}
            data-testid="health-webhook-input"
          />
          <button
            type="submit"
            className="button button-secondary button-small"
            disabled={url.trim() === "" || save.isPending}
            data-testid="health-webhook-save"
          >
            Save
          </button>
        </form>
      )}
    </section>
  );
}
