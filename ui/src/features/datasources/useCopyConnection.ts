import { useMutation } from "@tanstack/react-query";
import { toast } from "sonner";
import { api, errorMessage, type ConnectionFormat, type Datasource } from "../../api";

const copied: Record<ConnectionFormat, string> = {
  url: "Connection URL copied (contains the password)",
  env: ".env snippet copied (contains the password)",
  cli: "CLI command copied (contains the password)",
};

/**
 * Copies the datasource's connection details in one of their forms. Each copy asks the core,
 * which records it in the activity log: the password is revealed only on a click.
 */
export function useCopyConnection(datasource: Datasource) {
  const copy = useMutation({
    mutationFn: async (format: ConnectionFormat) => {
      const text = await api.datasourceRevealConnection(datasource.id, format);
      await navigator.clipboard.writeText(text);
    },
    onSuccess: (_nothing, format) => toast.success(copied[format]),
    onError: (error) => toast.error("Nothing was copied", { description: errorMessage(error) }),
  });
  return copy;
}
