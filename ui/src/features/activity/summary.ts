import type { AuditAction, AuditEntry, ResourceType, Value } from "../../api";

type JsonObject = { [key: string]: Value };

/** One changed field of an update: its name and both values. */
export type FieldChange = { field: string; old: Value; new: Value };

const FIELD_ORDER = ["name", "description", "folder"];

function isObject(value: Value | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The fields an update changed, in form order; empty for other actions. */
export function changedFields(entry: AuditEntry): FieldChange[] {
  if (entry.action !== "project.update" || !isObject(entry.details)) return [];
  const changes: FieldChange[] = [];
  for (const [field, change] of Object.entries(entry.details)) {
    if (isObject(change)) changes.push({ field, old: change.old ?? null, new: change.new ?? null });
  }
  const rank = (field: string) => {
    const index = FIELD_ORDER.indexOf(field);
    return index === -1 ? FIELD_ORDER.length : index;
  };
  return changes.sort((a, b) => rank(a.field) - rank(b.field));
}

/** The fields a created or deleted project had. */
export function snapshotFields(entry: AuditEntry): { field: string; value: Value }[] {
  if (!entry.action.startsWith("project.") || entry.action === "project.update" || !isObject(entry.details)) return [];
  const details = entry.details;
  return FIELD_ORDER.filter((field) => field in details).map((field) => ({
    field,
    value: details[field] ?? null,
  }));
}

// How each action reads in a sentence: "Started database “orders”".
const verbs: Record<AuditAction, string> = {
  "project.create": "Created",
  "project.update": "Updated",
  "project.delete": "Deleted",
  "datasource.create": "Created",
  "datasource.start": "Started",
  "datasource.stop": "Stopped",
  "datasource.restart": "Restarted",
  "datasource.recreate": "Recreated",
  "datasource.remove": "Removed",
  "datasource.reveal_secret": "Copied the connection details of",
  "config.save": "Saved",
  "environment.add": "Added environment",
  "variable.set": "Set",
  "variable.remove": "Removed",
  "secret.set": "Set",
  "secret.remove": "Removed",
  "secret.reveal": "Revealed",
  "secret.copy": "Copied",
  "variables.import": "Imported variables into",
  "variables.export": "Exported",
  "project.export": "Exported",
  "project.import": "Imported",
  "connection.create": "Connected to",
  "connection.remove": "Removed the connection",
  "query.run": "Ran SQL on",
  "migration.apply": "Applied migrations to",
  "migration.rollback": "Rolled back migrations of",
  "snapshot.create": "Took a snapshot of",
  "snapshot.restore": "Restored a snapshot of",
  "snapshot.delete": "Deleted a snapshot of",
  "data.copy": "Copied data into",
  "test.run": "Ran the tests",
  "test.import": "Read the test results of",
  "ci.repository_set": "Set the CI repository of",
  "ci.rerun": "Re-ran",
  "ci.cancel": "Cancelled",
  "ci.dispatch": "Started",
  "deploy.release": "Deployed",
  "deploy.rollback": "Rolled back",
};

const nouns: Record<ResourceType, string> = {
  project: "project",
  datasource: "database",
  config: "file",
  variable: "variable",
  secret: "secret",
  connection: "connection",
  test_run: "suites",
  ci_run: "CI run",
  release: "release",
};

/** The sentence for actions whose details say more than the noun does. */
function summarizeConfigOrTransfer(entry: AuditEntry): string | null {
  const details = isObject(entry.details) ? entry.details : {};
  const name = entry.resourceName;
  switch (entry.action) {
    case "config.save":
      switch (details.source) {
        case "disk":
          return `${name} changed on disk`;
        case "restore":
          return `Restored an earlier version of ${name}`;
        case "import":
          return `Imported ${name} from a bundle`;
        default:
          return `Saved ${name}`;
      }
    case "environment.add":
      return `Added environment “${name}”`;
    case "variables.import": {
      const plain = Array.isArray(details.plain) ? details.plain.length : 0;
      const secrets = Array.isArray(details.secrets) ? details.secrets.length : 0;
      return `Imported ${plain} variable${plain === 1 ? "" : "s"} and ${secrets} secret${secrets === 1 ? "" : "s"} into “${name}”`;
    }
    case "variables.export":
      return `Exported environment “${name}” to ${typeof details.path === "string" ? details.path : ".env"}`;
    case "project.export":
      return `Exported project “${name}” to an encrypted bundle`;
    case "project.import":
      return `Imported project “${name}” from an encrypted bundle`;
    case "test.import":
      return `Read the test results of ${name} into the test history`;
    case "ci.repository_set":
      return details.removed === true
        ? `Disconnected project “${name}” from its CI`
        : `Connected project “${name}” to ${String(details.provider) === "gitlab" ? "GitLab" : "GitHub"} ${String(details.path)}`;
    case "ci.rerun":
      return details.failedOnly === true ? `Re-ran the failed jobs of CI run “${name}”` : `Re-ran CI run “${name}”`;
    case "ci.dispatch":
      return `Started CI on ${typeof details.ref === "string" ? details.ref : "a branch"} of “${name}”`;
    default:
      return null;
  }
}

/** A one-line account of an entry: "Renamed project “shop” to “storefront”". */
export function summarizeAuditEntry(entry: AuditEntry): string {
  const subject = `${nouns[entry.resourceType]} “${entry.resourceName}”`;
  // "Copied the connection details of database “x”" says the noun twice over.
  if (entry.action === "datasource.reveal_secret") {
    // Writing to .env is recorded like a copy: both put the password outside the app.
    const details = entry.details as { format?: string; path?: string } | null;
    if (details?.format === "env_file") return `Wrote the connection details of “${entry.resourceName}” to ${details.path ?? ".env"}`;
    return `${verbs[entry.action]} “${entry.resourceName}”`;
  }
  const special = summarizeConfigOrTransfer(entry);
  if (special !== null) return special;
  if (entry.action !== "project.update") return `${verbs[entry.action]} ${subject}`;
  const fields = changedFields(entry);
  const rename = fields.find((change) => change.field === "name");
  const others = fields.filter((change) => change.field !== "name").map((change) => change.field);
  if (rename) {
    const renamed = `Renamed project “${String(rename.old)}” to “${String(rename.new)}”`;
    return others.length > 0 ? `${renamed} and updated ${others.join(", ")}` : renamed;
  }
  return others.length > 0 ? `Updated ${subject}: ${others.join(", ")}` : `Updated ${subject}`;
}

/** The actions the activity filter offers, labelled for a menu. */
export const actionLabels: Record<AuditAction, string> = {
  "project.create": "Project created",
  "project.update": "Project updated",
  "project.delete": "Project deleted",
  "datasource.create": "Database created",
  "datasource.start": "Database started",
  "datasource.stop": "Database stopped",
  "datasource.restart": "Database restarted",
  "datasource.recreate": "Database recreated",
  "datasource.remove": "Database removed",
  "datasource.reveal_secret": "Connection details copied",
  "config.save": "quantum.toml saved",
  "environment.add": "Environment added",
  "variable.set": "Variable set",
  "variable.remove": "Variable removed",
  "secret.set": "Secret set",
  "secret.remove": "Secret removed",
  "secret.reveal": "Secret revealed",
  "secret.copy": "Secret copied",
  "variables.import": "Variables imported",
  "variables.export": "Variables exported",
  "project.export": "Project exported",
  "project.import": "Project imported",
  "connection.create": "Connection added",
  "connection.remove": "Connection removed",
  "query.run": "SQL run",
  "migration.apply": "Migrations applied",
  "migration.rollback": "Migrations rolled back",
  "snapshot.create": "Snapshot taken",
  "snapshot.restore": "Snapshot restored",
  "snapshot.delete": "Snapshot deleted",
  "data.copy": "Data copied",
  "test.run": "Tests run",
  "test.import": "CI test results read",
  "ci.repository_set": "CI repository set",
  "ci.rerun": "CI run re-run",
  "ci.cancel": "CI run cancelled",
  "ci.dispatch": "CI run started",
  "deploy.release": "Deployed",
  "deploy.rollback": "Rolled back",
};
