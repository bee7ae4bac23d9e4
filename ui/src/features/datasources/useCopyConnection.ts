import { useMutation } from "@tanstack/react-query";
import { toast } from "sonner";
import { api, errorMessage, type ConnectionFormat, type Datasource } from "../../api";

const copied: Record<ConnectionFormat, string> = {
  url: "Connection URL copied (contains the password)",
  env: ".env snippet copied (contains the password)",
  cli: "CLI command copied (contains the password)",
};

/**
 * Copies the datasource's connection details in one of their forms. The core writes them to the
 * system clipboard itself and records the copy in the activity log: the password never reaches
 * the page.
 */
export function useCopyConnection(datasource: Datasource) {
  const copy = useMutation({
    mutationFn: (format: ConnectionFormat) => api.datasourceCopyConnection(datasource.id, format),
    onSuccess: (_nothing, format) => toast.success(copied[format]),
    onError: (error) => toast.error("Nothing was copied", { description: errorMessage(error) }),
  });
  return copy;
}
