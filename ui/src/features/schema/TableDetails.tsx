import { KeyRound, Link2 } from "lucide-react";
import type { Table } from "../../api";
import { qualifiedName, referencesTo } from "./queries";
import { formatBytes } from "../../lib/bytes";

const actionLabel: Record<string, string> = {
  noAction: "no action",
  restrict: "restrict",
  cascade: "cascade",
  setNull: "set null",
  setDefault: "set default",
};

/** One table's columns, keys, indexes, checks and relations both ways. */
export function TableDetails({ table, tables, onSelect }: { table: Table; tables: Table[]; onSelect: (name: string) => void }) {
  const primary = new Set(table.primaryKey?.columns ?? []);
  const foreign = new Set(table.foreignKeys.flatMap((key) => key.columns));
  const referencedBy = referencesTo(tables, table);
  return (
    <section className="schema-details" data-testid="schema-table-details" aria-label={`Table ${qualifiedName(table)}`}>
      <header className="schema-details-header">
        <h2>{qualifiedName(table)}</h2>
        <span className="muted small">
          {table.kind === "table" ? "table" : table.kind.replace(/([A-Z])/g, " $1").toLowerCase()}
          {table.rowEstimate !== null && ` · about ${table.rowEstimate.toLocaleString()} rows`}
          {table.sizeBytes !== null && ` · ${formatBytes(table.sizeBytes)}`}
        </span>
        {table.comment && <p className="schema-comment">{table.comment}</p>}
      </header>
      <table className="table schema-columns" data-testid="schema-columns">
        <thead>
          <tr>
            <th scope="col">Column</th>
            <th scope="col">Type</th>
            <th scope="col">Nullable</th>
            <th scope="col">Default</th>
            <th scope="col">Comment</th>
          </tr>
        </thead>
        <tbody>
          {table.columns.map((column) => (
            <tr key={column.name}>
              <td className="mono">
                {column.name}
                {primary.has(column.name) && <KeyRound size={12} aria-label="primary key" className="schema-key" />}
                {foreign.has(column.name) && <Link2 size={12} aria-label="foreign key" className="schema-key" />}
              </td>
              <td className="mono">{column.dataType || "—"}</td>
              <td>{column.nullable ? "yes" : "no"}</td>
              <td className="mono">
                {column.generated
                  ? `generated: ${column.generated.expression}${column.generated.stored ? " (stored)" : ""}`
                  : (column.default ?? (column.autoIncrement ? "auto increment" : ""))}
              </td>
              <td>{column.comment}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ul className="schema-facts">
        {table.primaryKey && <li className="mono">PRIMARY KEY ({table.primaryKey.columns.join(", ")})</li>}
        {table.uniques.map((unique) => (
          <li key={unique.columns.join()} className="mono">
            UNIQUE ({unique.columns.join(", ")})
          </li>
        ))}
        {table.checks.map((check) => (
          <li key={`${check.name}${check.expression}`} className="mono">
            CHECK {check.expression}
          </li>
        ))}
        {table.indexes.map((index) => (
          <li key={index.name} className="mono">
            {index.unique ? "UNIQUE INDEX" : "INDEX"} {index.name} ({index.columns.join(", ")})
            {index.method && ` USING ${index.method}`}
            {index.predicate && ` WHERE ${index.predicate}`}
          </li>
        ))}
      </ul>
      {(table.foreignKeys.length > 0 || referencedBy.length > 0) && (
        <>
          <h3 className="schema-subtitle">Relations</h3>
          <ul className="schema-facts" data-testid="schema-relations">
            {table.foreignKeys.map((key) => {
              const target = qualifiedName({ schema: key.refSchema, name: key.refTable });
              return (
                <li key={`${key.name}${key.columns.join()}`}>
                  <span className="mono">({key.columns.join(", ")})</span> references{" "}
                  <button type="button" className="text-link mono" onClick={() => onSelect(target)}>
                    {target}
                  </button>{" "}
                  <span className="mono">({key.refColumns.join(", ")})</span>
                  <span className="muted small">
                    {" "}
                    on delete {actionLabel[key.onDelete]}, on update {actionLabel[key.onUpdate]}
                  </span>
                </li>
              );
            })}
            {referencedBy.map((reference) => (
              <li key={`${reference.from}${reference.columns.join()}`}>
                referenced by{" "}
                <button type="button" className="text-link mono" onClick={() => onSelect(reference.from)}>
                  {reference.from}
                </button>{" "}
                <span className="mono">({reference.columns.join(", ")})</span>
              </li>
            ))}
          </ul>
        </>
      )}
      {table.definition && <pre className="schema-definition mono">{table.definition.trim()}</pre>}
    </section>
  );
}
