import { useQuery } from "@tanstack/react-query";
import { ChevronRight, Folder, KeyRound, RefreshCw } from "lucide-react";
import clsx from "clsx";
import { api, type KeyValue, type SchemaSource } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { ErrorState } from "../../components/ErrorState";
import { SkeletonRows } from "../../components/Skeleton";
import { formatBytes } from "../../lib/bytes";
import { crumbs, formatTtl } from "./format";
import "./keyspace.css";

const DELIMITER = ":";

type KeyspaceViewProps = {
  source: SchemaSource;
  /** The level shown and the key open: kept in the URL by the page. */
  prefix: string;
  selectedKey: string | null;
  onPrefix: (prefix: string) => void;
  onKey: (key: string | null) => void;
};

/**
 * A Redis database's keys as developers name them: grouped at each `:`, with their count, types,
 * how many expire and their memory (measured on a sample), one level at a time; a key's value
 * beside them, by its type.
 */
export function KeyspaceView({ source, prefix, selectedKey, onPrefix, onKey }: KeyspaceViewProps) {
  const level = useQuery({
    queryKey: queryKeys.keyspaceLevel(source, prefix),
    queryFn: () => api.keyspaceLevel(source, prefix, DELIMITER),
    // Keys come and go all the time: read on demand (Refresh), not in the background.
    staleTime: Infinity,
    retry: false,
  });

  return (
    <div className="keyspace" data-testid="keyspace">
      <section className="keyspace-level" aria-label="Keys">
        <nav className="keyspace-crumbs" aria-label="Prefix">
          {crumbs(prefix, DELIMITER).map((crumb, index, all) => (
            <span key={crumb} className="keyspace-crumb">
              {index > 0 && <ChevronRight size={12} aria-hidden />}
              <button
                type="button"
                className={clsx("keyspace-link mono", index === all.length - 1 && "active")}
                aria-current={index === all.length - 1 ? "page" : undefined}
                onClick={() => onPrefix(crumb)}
                data-testid="keyspace-crumb"
              >
                {crumb === "" ? "All keys" : crumb}
              </button>
            </span>
          ))}
          <button
            type="button"
            className="icon-button"
            aria-label="Read the keys again"
            title="Read the keys again"
            disabled={level.isFetching}
            onClick={() => void level.refetch()}
            data-testid="keyspace-refresh"
          >
            <RefreshCw size={14} aria-hidden />
          </button>
        </nav>
        {level.isPending ? (
          <SkeletonRows rows={8} label="Reading the keys" />
        ) : level.isError ? (
          <ErrorState title="The keys could not be read" error={level.error} onRetry={() => void level.refetch()} />
        ) : (
          <>
            <p className="muted small" data-testid="keyspace-summary">
              {level.data.scanned.toLocaleString()} key{level.data.scanned === 1 ? "" : "s"} {prefix ? `under ${prefix}` : "in all"}
              {level.data.complete ? "" : " (the first 100,000 read: counts are of those)"} · {level.data.totalKeys.toLocaleString()} in the database
            </p>
            <div className="keyspace-table-scroll">
              <table className="table keyspace-table">
                <thead>
                  <tr>
                    <th>Prefix or key</th>
                    <th className="numeric">Keys</th>
                    <th>Types</th>
                    <th className="numeric">Expiring</th>
                    <th className="numeric" title="MEMORY USAGE on a sample, scaled to the group">
                      Memory
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {level.data.groups.map((group) => (
                    <tr key={group.prefix} data-testid="keyspace-group" data-prefix={group.prefix}>
                      <td>
                        <button type="button" className="keyspace-link keyspace-name" title={group.prefix} onClick={() => onPrefix(group.prefix)}>
                          <Folder size={14} aria-hidden />
                          <span className="mono">{group.prefix}</span>
                        </button>
                      </td>
                      <td className="numeric">{group.keys.toLocaleString()}</td>
                      <td className="muted">{group.types.map((t) => `${t.kind} ${t.keys.toLocaleString()}`).join(", ")}</td>
                      <td className="numeric">{group.withTtl === 0 ? "—" : `${Math.round((group.withTtl / group.keys) * 100)} %`}</td>
                      <td className="numeric" title={`${formatBytes(group.sampledBytes)} measured on ${group.sampled} keys`}>
                        {group.sampled < group.keys ? "≈ " : ""}
                        {formatBytes(group.estimatedBytes)}
                      </td>
                    </tr>
                  ))}
                  {level.data.keys.map((key) => (
                    <tr
                      key={key.key}
                      className={clsx(key.key === selectedKey && "selected")}
                      data-testid="keyspace-key"
                      data-key={key.key}
                    >
                      <td>
                        <button type="button" className="keyspace-link keyspace-name" title={key.key} onClick={() => onKey(key.key)}>
                          <KeyRound size={14} aria-hidden />
                          <span className="mono">{key.key}</span>
                        </button>
                      </td>
                      <td className="numeric">1</td>
                      <td className="muted">{key.kind}</td>
                      <td className="numeric">{key.ttlMs === null ? "—" : formatTtl(key.ttlMs)}</td>
                      <td className="numeric">{key.bytes === null ? "—" : formatBytes(key.bytes)}</td>
                    </tr>
                  ))}
                  {level.data.groups.length === 0 && level.data.keys.length === 0 && (
                    <tr>
                      <td colSpan={5} className="table-empty muted">
                        No keys {prefix ? `under ${prefix}` : "in this database"}.
                      </td>
                    </tr>
                  )}
                </tbody>
              </table>
            </div>
          </>
        )}
      </section>
      <section className="keyspace-value" aria-label="Value">
        {selectedKey === null ? (
          <p className="muted small">Choose a key to see its value.</p>
        ) : (
          <KeyValuePanel source={source} keyName={selectedKey} onClose={() => onKey(null)} />
        )}
      </section>
    </div>
  );
}

function KeyValuePanel({ source, keyName, onClose }: { source: SchemaSource; keyName: string; onClose: () => void }) {
  const value = useQuery({
    queryKey: queryKeys.keyspaceValue(source, keyName),
    queryFn: () => api.keyspaceValue(source, keyName),
    staleTime: 0,
    retry: false,
  });
  if (value.isPending) return <SkeletonRows rows={4} label={`Reading ${keyName}`} />;
  if (value.isError) return <ErrorState title={`${keyName} could not be read`} error={value.error} onRetry={() => void value.refetch()} />;
  const data = value.data;
  return (
    <div className="keyspace-value-body" data-testid="keyspace-value">
      <header className="keyspace-value-header">
        <h3 className="mono selectable">{keyName}</h3>
        <button type="button" className="button button-secondary" onClick={onClose}>
          Close
        </button>
      </header>
      <p className="muted small" data-testid="keyspace-value-meta">
        {data.value.kind} · {describeLength(data)} · TTL {formatTtl(data.ttlMs)}
        {data.bytes === null ? "" : ` · ${formatBytes(data.bytes)}`}
      </p>
      <ValueBody data={data} />
    </div>
  );
}

function describeLength(data: KeyValue): string {
  const n = data.length.toLocaleString();
  switch (data.value.kind) {
    case "string":
      return `${n} bytes`;
    case "hash":
      return `${n} fields`;
    case "other":
      return "not readable here";
    default:
      return `${n} elements`;
  }
}

function ValueBody({ data }: { data: KeyValue }) {
  const value = data.value;
  const shown = (count: number) =>
    count < data.length && (
      <p className="muted small">
        The first {count.toLocaleString()} of {data.length.toLocaleString()} are shown.
      </p>
    );
  switch (value.kind) {
    case "string":
      return (
        <>
          {value.binary && <p className="muted small">Not text: shown as hex.</p>}
          <pre className="keyspace-string selectable">{value.text}</pre>
        </>
      );
    case "list":
    case "set":
      return (
        <>
          <ol className="keyspace-items mono selectable" start={0}>
            {(value.kind === "list" ? value.items : value.members).map((item, index) => (
              <li key={index}>{item}</li>
            ))}
          </ol>
          {shown(value.kind === "list" ? value.items.length : value.members.length)}
        </>
      );
    case "hash":
      return (
        <>
          <Pairs rows={value.fields.map((f) => [f.name, f.value])} headers={["Field", "Value"]} />
          {shown(value.fields.length)}
        </>
      );
    case "zset":
      return (
        <>
          <Pairs rows={value.members.map((m) => [m.member, String(m.score)])} headers={["Member", "Score"]} />
          {shown(value.members.length)}
        </>
      );
    case "stream":
      return (
        <>
          <Pairs rows={value.entries.map((e) => [e.id, e.fields.map((f) => `${f.name}=${f.value}`).join("  ")])} headers={["Id", "Fields"]} />
          {shown(value.entries.length)}
        </>
      );
    case "other":
      return <p className="muted">A {value.typeName} value (a module's type) is not read here.</p>;
  }
}

function Pairs({ rows, headers }: { rows: string[][]; headers: [string, string] }) {
  return (
    <table className="table keyspace-pairs">
      <thead>
        <tr>
          <th>{headers[0]}</th>
          <th>{headers[1]}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([name, value], index) => (
          <tr key={index}>
            <td className="mono selectable">{name}</td>
            <td className="mono selectable">{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
