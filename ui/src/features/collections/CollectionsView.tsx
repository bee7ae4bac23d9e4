import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { Clock, Eye, RefreshCw, ShieldCheck, Table2 } from "lucide-react";
import clsx from "clsx";
import { api, type Collection, type SchemaSource } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { ErrorState } from "../../components/ErrorState";
import { SkeletonRows } from "../../components/Skeleton";
import { formatBytes } from "../../lib/bytes";
import { describeKind, fieldDepth, fieldName, indexKeys, isUniform, share } from "./format";
import "./collections.css";

/** Sample sizes offered: `$sample` beyond a few thousand reads most of a collection. */
const SAMPLE_SIZES = [200, 1000, 5000] as const;

type CollectionsViewProps = {
  source: SchemaSource;
  /** The collection open on the right, from the URL. */
  selected: string | null;
  onSelect: (collection: string | null) => void;
};

/**
 * A MongoDB database: its collections, views and time series with their sizes, and for the one
 * chosen, the fields inferred from a sample of documents, its indexes and its validator.
 */
export function CollectionsView({ source, selected, onSelect }: CollectionsViewProps) {
  const database = useQuery({
    queryKey: queryKeys.collections(source),
    queryFn: () => api.collectionsDatabase(source),
    // Read on demand (Refresh): listing runs a command per collection.
    staleTime: Infinity,
    retry: false,
  });
  const collections = database.data?.collections ?? [];
  const chosen = collections.find((c) => c.name === selected) ?? null;
  const views = collections.filter((c) => c.kind === "view").length;

  return (
    <div className="collections" data-testid="collections">
      <section className="collections-list" aria-label="Collections">
        <div className="collections-toolbar">
          <p className="muted small" data-testid="collections-summary">
            {database.data
              ? `${collections.length - views} collection${collections.length - views === 1 ? "" : "s"}${views ? ` · ${views} view${views === 1 ? "" : "s"}` : ""} in ${database.data.name}`
              : "Reading the collections…"}
          </p>
          <button
            type="button"
            className="icon-button"
            aria-label="Read the collections again"
            title="Read the collections again"
            disabled={database.isFetching}
            onClick={() => void database.refetch()}
            data-testid="collections-refresh"
          >
            <RefreshCw size={14} aria-hidden />
          </button>
        </div>
        {database.isPending ? (
          <SkeletonRows rows={8} label="Reading the collections" />
        ) : database.isError ? (
          <ErrorState title="The collections could not be read" error={database.error} onRetry={() => void database.refetch()} />
        ) : (
          <div className="collections-scroll">
            <table className="table collections-table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th className="numeric">Documents</th>
                  <th className="numeric" title="Uncompressed size of the documents">
                    Data
                  </th>
                  <th className="numeric" title="Bytes on disk: documents, then indexes">
                    On disk
                  </th>
                  <th className="numeric">Indexes</th>
                </tr>
              </thead>
              <tbody>
                {collections.map((collection) => (
                  <tr
                    key={collection.name}
                    className={clsx(collection.name === selected && "selected")}
                    data-testid="collections-row"
                    data-name={collection.name}
                  >
                    <td>
                      <button
                        type="button"
                        className="collections-name"
                        title={describeKind(collection)}
                        aria-current={collection.name === selected ? "true" : undefined}
                        onClick={() => onSelect(collection.name)}
                      >
                        <KindIcon collection={collection} />
                        <span className="mono">{collection.name}</span>
                        {collection.validator && <ShieldCheck size={13} className="muted" aria-label="validated" />}
                      </button>
                    </td>
                    <td className="numeric">{collection.stats ? collection.stats.documents.toLocaleString() : "—"}</td>
                    <td className="numeric">{collection.stats ? formatBytes(collection.stats.dataBytes) : "—"}</td>
                    <td className="numeric">
                      {collection.stats ? `${formatBytes(collection.stats.storageBytes)} + ${formatBytes(collection.stats.indexBytes)}` : "—"}
                    </td>
                    <td className="numeric">{collection.kind === "view" ? "—" : collection.indexes.length}</td>
                  </tr>
                ))}
                {collections.length === 0 && (
                  <tr>
                    <td colSpan={5} className="table-empty muted">
                      No collections in this database yet.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="collections-detail" aria-label="Collection">
        {chosen === null ? (
          <p className="muted small">Choose a collection to see its fields, indexes and validator.</p>
        ) : (
          <CollectionDetail key={chosen.name} source={source} collection={chosen} />
        )}
      </section>
    </div>
  );
}

function KindIcon({ collection }: { collection: Collection }) {
  const Icon = collection.kind === "view" ? Eye : collection.kind === "timeseries" ? Clock : Table2;
  return <Icon size={14} aria-hidden />;
}

function CollectionDetail({ source, collection }: { source: SchemaSource; collection: Collection }) {
  const [size, setSize] = useState<number>(SAMPLE_SIZES[0]);
  const sample = useQuery({
    queryKey: queryKeys.collectionSample(source, collection.name, size),
    queryFn: () => api.collectionsSample(source, collection.name, size),
    staleTime: Infinity,
    retry: false,
  });

  return (
    <div className="collections-detail-body" data-testid="collection-detail">
      <header>
        <h2 className="mono">{collection.name}</h2>
        <p className="muted small">
          {describeKind(collection)}
          {collection.timeField && ` · time ${collection.timeField}${collection.metaField ? `, meta ${collection.metaField}` : ""}`}
          {collection.capped &&
            ` · at most ${collection.maxBytes !== null ? formatBytes(collection.maxBytes) : "?"}${collection.maxDocuments !== null ? ` or ${collection.maxDocuments.toLocaleString()} documents` : ""}`}
        </p>
      </header>

      <section aria-label="Fields">
        <div className="collections-toolbar">
          <h3>Fields</h3>
          <label className="small muted">
            Sample{" "}
            <select className="input input-small" value={size} onChange={(event) => setSize(Number(event.target.value))} data-testid="collections-sample-size">
              {SAMPLE_SIZES.map((n) => (
                <option key={n} value={n}>
                  {n.toLocaleString()} documents
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="icon-button"
            aria-label="Sample again"
            title="Sample again (other documents are chosen)"
            disabled={sample.isFetching}
            onClick={() => void sample.refetch()}
          >
            <RefreshCw size={14} aria-hidden />
          </button>
        </div>
        {sample.isPending ? (
          <SkeletonRows rows={6} label="Reading a sample of documents" />
        ) : sample.isError ? (
          <ErrorState title="The documents could not be sampled" error={sample.error} onRetry={() => void sample.refetch()} />
        ) : (
          <>
            <p className="muted small" data-testid="collections-sample-summary">
              Inferred from {sample.data.sampled.toLocaleString()} document{sample.data.sampled === 1 ? "" : "s"} chosen at random
              {sample.data.complete ? "" : "; only the first 2,000 distinct fields are listed"}.
            </p>
            <table className="table collections-fields">
              <thead>
                <tr>
                  <th>Field</th>
                  <th>Types</th>
                  <th className="numeric">In documents</th>
                  <th>Example</th>
                </tr>
              </thead>
              <tbody>
                {sample.data.fields.map((field) => (
                  <tr key={field.path} data-testid="collections-field" data-path={field.path}>
                    <td title={field.path}>
                      <span className="mono" style={{ paddingLeft: `${fieldDepth(field.path) * 14}px` }}>
                        {fieldName(field.path)}
                      </span>
                    </td>
                    <td>
                      {field.types.map((type) => (
                        <span key={type.name} className={clsx("collections-type", isUniform(field, sample.data.sampled) && "uniform")}>
                          {type.name}
                          {field.types.length > 1 && <span className="muted"> {share(type.documents, field.present)}</span>}
                        </span>
                      ))}
                    </td>
                    <td className="numeric">{share(field.present, sample.data.sampled)}</td>
                    <td className="mono muted collections-example">{field.example ?? ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>

      {collection.kind !== "view" && (
        <section aria-label="Indexes">
          <h3>Indexes</h3>
          <table className="table" data-testid="collections-indexes">
            <tbody>
              {collection.indexes.map((index) => (
                <tr key={index.name} data-testid="collections-index" data-name={index.name}>
                  <td className="mono">{index.name}</td>
                  <td className="mono">{indexKeys(index.keys)}</td>
                  <td className="muted small">
                    {[
                      index.unique && "unique",
                      index.sparse && "sparse",
                      index.hidden && "hidden",
                      index.expireAfterSeconds !== null && `TTL ${index.expireAfterSeconds.toLocaleString()} s`,
                      index.partialFilter && `partial: ${index.partialFilter.replace(/\s+/g, " ")}`,
                    ]
                      .filter(Boolean)
                      .join(" · ")}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      {collection.validator && (
        <section aria-label="Validator">
          <h3>Validator</h3>
          <p className="muted small">
            Level {collection.validator.level}, action {collection.validator.action}
            {collection.validator.action === "warn" ? " (invalid writes are logged, not refused)" : ""}.
          </p>
          <pre className="collections-json mono" data-testid="collections-validator">
            {collection.validator.rule}
          </pre>
        </section>
      )}

      {collection.pipeline && (
        <section aria-label="Pipeline">
          <h3>Pipeline</h3>
          <pre className="collections-json mono">{collection.pipeline}</pre>
        </section>
      )}
    </div>
  );
}
