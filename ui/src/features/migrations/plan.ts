import type { MigrationState, MigrationStatus } from "../../api";

/** The pending versions that "apply up to `to`" runs, in order (all of them for null). */
export function pendingUpTo(migrations: MigrationStatus[], to: number | null): number[] {
  return migrations.filter((m) => m.state === "pending" && (to === null || m.version <= to)).map((m) => m.version);
}

const applied = (m: MigrationStatus) => m.state === "applied" || m.state === "changed" || m.state === "missing";

/** The versions a rollback undoes, newest first: the newest applied one for null, else all after `to`. */
export function rollbackPlan(migrations: MigrationStatus[], to: number | null): number[] {
  const done = migrations.filter(applied).map((m) => m.version);
  if (to === null) return done.length ? [done[done.length - 1]] : [];
  return done.filter((v) => v > to).reverse();
}

export function stateLabel(state: MigrationState): string {
  return {
    applied: "applied",
    pending: "pending",
    changed: "changed since applied",
    missing: "applied, file gone",
    failed: "failed half-way",
  }[state];
}

/** The files of one migration: its up file, and its down file when the layout has one. */
export function migrationFiles(file: string): string[] {
  return file.endsWith(".up.sql") ? [file, file.replace(/\.up\.sql$/, ".down.sql")] : [file];
}
