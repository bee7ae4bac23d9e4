import { Camera, ChevronRight, Copy, Download, Eye, FileCode, FlaskConical, GitBranch, History, KeyRound, Layers, Pencil, Play, Plug, Plus, Rocket, RotateCw, Square, Terminal, Trash2, Undo2, Unplug, Upload, type LucideIcon } from "lucide-react";
import clsx from "clsx";
import type { AuditEntry, Value } from "../../api";
import { RelativeTime } from "../../components/RelativeTime";
import { formatDateTime } from "../../lib/time";
import { changedFields, snapshotFields, summarizeAuditEntry } from "./summary";

const actionIcons: Record<AuditEntry["action"], LucideIcon> = {
  "project.create": Plus,
  "project.update": Pencil,
  "project.delete": Trash2,
  "datasource.create": Plus,
  "datasource.start": Play,
  "datasource.stop": Square,
  "datasource.restart": RotateCw,
  "datasource.recreate": RotateCw,
  "datasource.remove": Trash2,
  "datasource.reveal_secret": KeyRound,
  "config.save": FileCode,
  "environment.add": Layers,
  "variable.set": Pencil,
  "variable.remove": Trash2,
  "secret.set": KeyRound,
  "secret.remove": Trash2,
  "secret.reveal": Eye,
  "secret.copy": Copy,
  "variables.import": Download,
  "variables.export": Upload,
  "project.export": Upload,
  "project.import": Download,
  "connection.create": Plug,
  "connection.remove": Unplug,
  "query.run": Terminal,
  "migration.apply": Layers,
  "migration.rollback": Undo2,
  "snapshot.create": Camera,
  "snapshot.restore": History,
  "snapshot.delete": Trash2,
  "data.copy": Download,
  "test.run": FlaskConical,
  "test.import": Download,
  "ci.repository_set": GitBranch,
  "ci.rerun": RotateCw,
  "ci.cancel": Square,
  "ci.dispatch": Play,
  "deploy.release": Rocket,
  "deploy.rollback": Undo2,
};

// The icon's colour says whether something came, changed or went.
const actionTones: Record<AuditEntry["action"], "create" | "update" | "delete"> = {
  "project.create": "create",
  "project.update": "update",
  "project.delete": "delete",
  "datasource.create": "create",
  "datasource.start": "update",
  "datasource.stop": "update",
  "datasource.restart": "update",
  "datasource.recreate": "update",
  "datasource.remove": "delete",
  "datasource.reveal_secret": "update",
  "config.save": "update",
  "environment.add": "create",
  "variable.set": "update",
  "variable.remove": "delete",
  "secret.set": "update",
  "secret.remove": "delete",
  "secret.reveal": "update",
  "secret.copy": "update",
  "variables.import": "create",
  "variables.export": "update",
  "project.export": "update",
  "project.import": "create",
  "connection.create": "create",
  "connection.remove": "delete",
  "query.run": "update",
  "migration.apply": "update",
  "migration.rollback": "delete",
  "snapshot.create": "create",
  "snapshot.restore": "update",
  "snapshot.delete": "delete",
  "data.copy": "create",
  "test.run": "update",
  "test.import": "create",
  "ci.repository_set": "update",
  "ci.rerun": "update",
  "ci.cancel": "delete",
  "ci.dispatch": "create",
  "deploy.release": "update",
  "deploy.rollback": "update",
};

export function ActionIcon({ action }: { action: AuditEntry["action"] }) {
  const Icon = actionIcons[action];
  return (
    <span className={clsx("action-icon", `action-icon-${actionTones[action]}`)} aria-hidden>
      <Icon size={13} />
    </span>
  );
}

/** A compact entry: icon, summary, time. For the dashboard and a project's details. */
export function AuditEntryLine({ entry }: { entry: AuditEntry }) {
  return (
    <li className="audit-line" data-testid="audit-entry">
      <ActionIcon action={entry.action} />
      <span className="audit-summary">{summarizeAuditEntry(entry)}</span>
      <span className="audit-time">
        <RelativeTime iso={entry.occurredAt} />
      </span>
    </li>
  );
}

function FieldValue({ value }: { value: Value }) {
  if (value === null || value === "") return <span className="value-empty">none</span>;
  return <span className="value">{typeof value === "string" ? value : JSON.stringify(value)}</span>;
}

const fieldLabels: Record<string, string> = { name: "Name", description: "Description", folder: "Folder" };
const fieldLabel = (field: string) => fieldLabels[field] ?? field;

/** What an entry recorded: before and after for an update, the values for a create or delete. */
export function AuditEntryDetails({ entry }: { entry: AuditEntry }) {
  const changes = changedFields(entry);
  const snapshot = snapshotFields(entry);
  return (
    <div className="audit-details" data-testid="audit-entry-details">
      {changes.length > 0 && (
        <dl className="change-list">
          {changes.map((change) => (
            <div key={change.field} className="change">
              <dt>{fieldLabel(change.field)}</dt>
              <dd>
                <span className="change-old">
                  <FieldValue value={change.old} />
                </span>
                <ChevronRight size={13} aria-label="changed to" className="change-arrow" />
                <span className="change-new">
                  <FieldValue value={change.new} />
                </span>
              </dd>
            </div>
          ))}
        </dl>
      )}
      {snapshot.length > 0 && (
        <dl className="change-list">
          {snapshot.map(({ field, value }) => (
            <div key={field} className="change">
              <dt>{fieldLabel(field)}</dt>
              <dd>
                <FieldValue value={value} />
              </dd>
            </div>
          ))}
        </dl>
      )}
      <p className="audit-meta">
        Entry #{entry.id} · {formatDateTime(entry.occurredAt)}
      </p>
    </div>
  );
}
