import { useMemo, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Copy, Database, Network, Plus, RefreshCw, Terminal, Trash2 } from "lucide-react";
import clsx from "clsx";
import { ApiError, type SchemaSource } from "../../api";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { PageHeader } from "../../components/PageHeader";
import { SkeletonRows } from "../../components/Skeleton";
import { datasourcesQuery } from "../datasources/queries";
import { ErdView } from "./erd/ErdView";
import { CopyDialog } from "../copy/CopyDialog";
import { ExportMenu } from "./ExportMenu";
import { AddConnectionDialog } from "./AddConnectionDialog";
import { ConsoleView } from "./console/ConsoleView";
import { RemoveConnectionDialog } from "./RemoveConnectionDialog";
import { connectionsQuery, familyOf, filterTables, qualifiedName, schemaQuery } from "./queries";
import { KeyspaceView } from "../keyspace/KeyspaceView";
import { CollectionsView } from "../collections/CollectionsView";
import { TableDetails } from "./TableDetails";
import "./schema.css";

type View = "diagram" | "table" | "console";
const views: { view: View; label: string; icon: typeof Network }[] = [
  { view: "diagram", label: "Diagram", icon: Network },
  { view: "table", label: "Table", icon: Database },
  { view: "console", label: "Console", icon: Terminal },
];

/** A database the page can read: one of the app's, or a connection to one it did not start. */
type Browsable = {
  key: string;
  label: string;
  source: SchemaSource;
  /** Why it cannot be read now (a container that is not ready); null when it can. */
  unavailable: string | null;
  connectionId: number | null;
  /** Tables (SQL), a Redis keyspace, or MongoDB collections: each has its own browser. */
  family: "sql" | "redis" | "mongodb";
};

/**
 * A project's databases, one at a time: the diagram of its tables and relations, each table's
 * details, and exports. The chosen database, view and table are in the URL, so Back and a
 * reload keep them.
 */
export function SchemaPage() {
  const projectId = Number(useParams().projectId);
  const [params, setParams] = useSearchParams();
  const datasources = useQuery(datasourcesQuery(projectId));
  const connections = useQuery(connectionsQuery(projectId));
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<number | null>(null);
  const browsable: Browsable[] = [
    ...(datasources.data ?? []).map((d) => ({
      key: `d${d.id}`,
      label: `${d.name} (${d.engine})`,
      source: { kind: "datasource", id: d.id } as const,
      unavailable: d.status === "ready" ? null : `“${d.name}” is ${d.status}`,
      connectionId: null,
      family: familyOf(d.engine),
    })),
    ...(connections.data ?? []).map((c) => ({
      key: `c${c.id}`,
      label: `${c.name} (${c.kind === "sqlite" ? "SQLite file" : `external ${c.kind}`})`,
      source: { kind: "connection", id: c.id } as const,
      unavailable: null,
      connectionId: c.id,
      family: familyOf(c.kind),
    })),
  ];
  const chosen = browsable.find((b) => b.key === params.get("db")) ?? browsable[0];

  const update = (changes: Record<string, string | null>) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const [key, value] of Object.entries(changes)) {
          if (value === null) next.delete(key);
          else next.set(key, value);
        }
        return next;
      },
      { replace: true },
    );

  let body;
  if (datasources.isPending || connections.isPending)
    body = <SkeletonRows rows={6} label="Reading the project's databases" />;
  else if (datasources.isError)
    body = <ErrorState title="The databases could not be listed" error={datasources.error} onRetry={() => void datasources.refetch()} />;
  else if (!chosen)
    body = (
      <EmptyState
        icon={Database}
        title="No database to browse in this project"
        description="The schema browser reads PostgreSQL, MySQL and MariaDB databases, SQLite files, Redis keyspaces and MongoDB collections. Add a database on the project's overview, or connect to one the app did not start."
        action={
          <div className="row-actions">
            <Link to={`/projects/${projectId}`} className="button button-secondary">
              Go to the overview
            </Link>
            <button type="button" className="button button-primary" onClick={() => setAdding(true)} data-testid="schema-add-connection-empty">
              <Plus size={14} aria-hidden />
              Add a connection
            </button>
          </div>
        }
        testId="schema-empty"
      />
    );
  else if (chosen.family !== "sql" && chosen.unavailable !== null)
    body = (
      <EmptyState
        icon={Database}
        title={chosen.unavailable}
        description={`Its ${chosen.family === "redis" ? "keys" : "collections"} can be read once it is running and ready. Start it from the project's overview.`}
        testId="schema-not-ready"
      />
    );
  else if (chosen.family === "mongodb")
    body = (
      <CollectionsView
        key={chosen.key}
        source={chosen.source}
        selected={params.get("collection")}
        onSelect={(collection) => update({ collection })}
      />
    );
  else if (chosen.family === "redis")
    body = (
      <KeyspaceView
        key={chosen.key}
        source={chosen.source}
        prefix={params.get("prefix") ?? ""}
        selectedKey={params.get("key")}
        onPrefix={(prefix) => update({ prefix: prefix || null, key: null })}
        onKey={(key) => update({ key })}
      />
    );
  else
    body = (
      <SchemaOf
        key={chosen.key}
        item={chosen}
        projectId={projectId}
        view={views.find((v) => v.view === params.get("view"))?.view ?? "diagram"}
        selected={params.get("table")}
        onView={(view) => update({ view })}
        onSelect={(table) => update({ table })}
      />
    );

  return (
    <div className="page page-fill page-wide schema-page" data-testid="schema-page">
      <PageHeader
        title="Schema"
        description="Tables, keys and relations of the project's databases, as a diagram and in detail."
        actions={
          <>
            {browsable.length > 1 && (
              <label className="schema-db-picker">
                <span className="visually-hidden">Database</span>
                <select
                  className="input"
                  value={chosen?.key ?? ""}
                  onChange={(event) => update({ db: event.target.value, table: null, prefix: null, key: null, collection: null })}
                  data-testid="schema-db-picker"
                >
                  {browsable.map((b) => (
                    <option key={b.key} value={b.key}>
                      {b.label}
                    </option>
                  ))}
                </select>
              </label>
            )}
            {chosen?.connectionId != null && (
              <button
                type="button"
                className="button button-danger-quiet"
                onClick={() => setRemoving(chosen.connectionId)}
                data-testid="schema-remove-connection"
              >
                <Trash2 size={14} aria-hidden />
                Remove connection
              </button>
            )}
            <button type="button" className="button button-secondary" onClick={() => setAdding(true)} data-testid="schema-add-connection">
              <Plus size={14} aria-hidden />
              Add connection
            </button>
          </>
        }
      />
      {body}
      <AddConnectionDialog
        open={adding}
        projectId={projectId}
        onClose={() => setAdding(false)}
        onAdded={(connection) => update({ db: `c${connection.id}`, table: null })}
      />
      <RemoveConnectionDialog
        connection={(connections.data ?? []).find((c) => c.id === removing) ?? null}
        onClose={() => setRemoving(null)}
        onRemoved={() => update({ db: null, table: null })}
      />
    </div>
  );
}

type SchemaOfProps = {
  item: Browsable;
  projectId: number;
  view: View;
  selected: string | null;
  onView: (view: View) => void;
  onSelect: (table: string | null) => void;
};

function SchemaOf({ item, projectId, view, selected, onView, onSelect }: SchemaOfProps) {
  const queryClient = useQueryClient();
  const schema = useQuery({ ...schemaQuery(item.source), enabled: item.unavailable === null });
  const [filter, setFilter] = useState("");
  const [copying, setCopying] = useState(false);
  const tables = useMemo(() => filterTables(schema.data?.tables ?? [], filter), [schema.data, filter]);

  if (item.unavailable !== null) {
    return (
      <EmptyState
        icon={Database}
        title={item.unavailable}
        description="Its schema can be read once it is running and ready. Start it from the project's overview."
        testId="schema-not-ready"
      />
    );
  }
  if (schema.isPending) return <SkeletonRows rows={8} label={`Reading the schema of ${item.label}`} />;
  if (schema.isError) {
    const title = schema.error instanceof ApiError && schema.error.code === "schema.auth_failed"
      ? "The database refused the app's credentials"
      : `The schema of ${item.label} could not be read`;
    return <ErrorState title={title} error={schema.error} onRetry={() => void schema.refetch()} />;
  }

  const current = schema.data.tables.find((t) => qualifiedName(t) === selected) ?? null;
  return (
    <div className="schema-workspace">
      <aside className="schema-sidebar" aria-label="Tables">
        <input
          type="search"
          className="input"
          placeholder={`Filter ${schema.data.tables.length} tables`}
          aria-label="Filter tables"
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
          data-testid="schema-filter"
        />
        <ul className="schema-table-list" data-testid="schema-table-list">
          {tables.map((table) => {
            const name = qualifiedName(table);
            return (
              <li key={name}>
                <button
                  type="button"
                  className={clsx("schema-table-item", name === selected && "active")}
                  aria-current={name === selected ? "true" : undefined}
                  onClick={() => onSelect(name)}
                  data-testid="schema-table-item"
                >
                  <span className="mono">{name}</span>
                  <span className="muted small">{table.kind === "table" ? table.columns.length : table.kind.replace(/([A-Z])/g, " $1").toLowerCase()}</span>
                </button>
              </li>
            );
          })}
          {tables.length === 0 && <li className="muted small schema-none">No table matches.</li>}
        </ul>
      </aside>
      <section className="schema-main">
        <div className="schema-toolbar">
          <div className="tabs schema-tabs" role="tablist" aria-label="View">
            {views.map(({ view: item, label, icon: Icon }) => (
              <button
                key={item}
                type="button"
                role="tab"
                aria-selected={view === item}
                className={clsx("tab", view === item && "active")}
                onClick={() => onView(item)}
                data-testid={`schema-view-${item}`}
              >
                <Icon size={14} aria-hidden />
                {label}
              </button>
            ))}
          </div>
          <span className="muted small">
            {schema.data.database} · {schema.data.tables.length} tables
            {item.connectionId !== null && (
              <span
                title="The app did not start this database and holds none of its files, so it cannot take a snapshot of it: migrations and copies into it have no undo."
                data-testid="schema-no-snapshots"
              >
                {" "}
                · no snapshots (not the app's database)
              </span>
            )}
          </span>
          <button
            type="button"
            className="icon-button"
            aria-label="Read the schema again"
            title="Read the schema again"
            disabled={schema.isFetching}
            onClick={() => void queryClient.invalidateQueries({ queryKey: schemaQuery(item.source).queryKey })}
            data-testid="schema-refresh"
          >
            <RefreshCw size={16} aria-hidden />
          </button>
          <button
            type="button"
            className="button button-secondary"
            title="Copy these tables and rows into another of the project's databases"
            onClick={() => setCopying(true)}
            data-testid="schema-copy"
          >
            <Copy size={14} aria-hidden />
            Copy data
          </button>
          <CopyDialog source={item.source} sourceLabel={item.label} projectId={projectId} open={copying} onClose={() => setCopying(false)} />
          <ExportMenu
            source={item.source}
            database={schema.data.database}
            diagram={view === "diagram" ? () => document.querySelector<HTMLElement>('[data-testid="erd"]') : null}
          />
        </div>
        {view === "console" ? (
          // Connections to databases the app did not start are read-only until the user says otherwise.
          <ConsoleView
            source={item.source}
            projectId={projectId}
            schema={schema.data}
            defaultReadOnly={item.connectionId !== null}
          />
        ) : view === "diagram" ? (
          <ErdView schema={schema.data} selected={selected} onSelect={onSelect} />
        ) : current ? (
          <TableDetails table={current} tables={schema.data.tables} onSelect={onSelect} />
        ) : (
          <EmptyState icon={Database} title="Choose a table" description="Pick a table in the list to see its columns, keys and relations." />
        )}
      </section>
    </div>
  );
}
