import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { api, errorMessage, type MigrationFolder } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { configKeys } from "../config/queries";
import { datasourcesQuery } from "../datasources/queries";

/** SQL engines keep migrations; Redis and MongoDB do not. */
const SQL_ENGINES = new Set(["postgres", "mysql", "mariadb"]);

/**
 * A migration folder the scan found, adopted as a database's migrations: written in quantum.toml
 * (`migrations`, and its layout), so that the Migrations section reads it from then on.
 */
export function AdoptMigrations({ projectId, folder }: { projectId: number; folder: MigrationFolder }) {
  const queryClient = useQueryClient();
  const datasources = useQuery(datasourcesQuery(projectId));
  const sql = (datasources.data ?? []).filter((d) => SQL_ENGINES.has(d.engine));
  const [chosen, setChosen] = useState<number | null>(null);
  const target = chosen ?? sql[0]?.id ?? null;
  const adopt = useMutation({
    mutationFn: (datasourceId: number) => api.migrationsAdopt(datasourceId, folder.path, folder.format),
    onSuccess: (_, datasourceId) => {
      const name = sql.find((d) => d.id === datasourceId)?.name ?? "the database";
      toast.success(`${name}'s migrations are now read from ${folder.path}`, { description: "Written in quantum.toml." });
      void queryClient.invalidateQueries({ queryKey: queryKeys.migrations(datasourceId) });
      void queryClient.invalidateQueries({ queryKey: configKeys.all(projectId) });
    },
    onError: (error) => toast.error("The folder was not adopted", { description: errorMessage(error) }),
  });
  if (sql.length === 0 || target === null) return null;
  return (
    <span className="scan-adopt">
      {sql.length > 1 && (
        <select
          className="input"
          value={target}
          onChange={(event) => setChosen(Number(event.target.value))}
          aria-label={`Database for ${folder.path}`}
        >
          {sql.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
      )}
      <button
        type="button"
        className="text-link"
        onClick={() => adopt.mutate(target)}
        disabled={adopt.isPending}
        data-testid="scan-adopt-migrations"
      >
        {sql.length === 1 ? `Use for ${sql[0].name}` : "Use for it"}
      </button>
    </span>
  );
}
