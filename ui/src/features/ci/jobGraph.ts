import type { CiJob } from "../../api";

/** A column of the jobs graph: a GitLab stage, or the jobs that wait for as many before them. */
export type JobColumn = { key: string; title: string | null; jobs: CiJob[] };

/**
 * The jobs in columns: by stage when the provider has stages (in the order the stages first
 * come: the core lists jobs in creation order), else by how deep their `needs` go, else one.
 */
export function jobColumns(jobs: readonly CiJob[]): JobColumn[] {
  if (jobs.some((job) => job.stage !== null)) {
    const stages = new Map<string, CiJob[]>();
    for (const job of jobs) {
      const stage = job.stage ?? "";
      stages.set(stage, [...(stages.get(stage) ?? []), job]);
    }
    return [...stages].map(([stage, list]) => ({ key: `stage:${stage}`, title: stage || null, jobs: list }));
  }
  if (jobs.some((job) => job.needs.length > 0)) {
    const depth = needsDepths(jobs);
    const levels = new Map<number, CiJob[]>();
    for (const job of jobs) {
      const level = depth(job);
      levels.set(level, [...(levels.get(level) ?? []), job]);
    }
    return [...levels]
      .sort(([a], [b]) => a - b)
      .map(([level, list]) => ({ key: `depth:${level}`, title: null, jobs: list }));
  }
  return [{ key: "all", title: null, jobs: [...jobs] }];
}

/**
 * A job's depth: 0 without needs, else one more than the deepest job it needs. A need names a
 * job, or a matrix's jobs (`test` for `test (linux)`); names that match no job are ignored.
 */
function needsDepths(jobs: readonly CiJob[]): (job: CiJob) => number {
  const named = (name: string) => jobs.filter((job) => job.name === name || job.name.startsWith(`${name} (`));
  const known = new Map<number, number>();
  const visiting = new Set<number>();
  const depth = (job: CiJob): number => {
    const found = known.get(job.id);
    if (found !== undefined) return found;
    // A cycle cannot run, so no provider reports one; it must not hang the page either.
    if (visiting.has(job.id)) return 0;
    visiting.add(job.id);
    let deepest = 0;
    for (const need of job.needs) {
      for (const other of named(need)) if (other.id !== job.id) deepest = Math.max(deepest, depth(other) + 1);
    }
    visiting.delete(job.id);
    known.set(job.id, deepest);
    return deepest;
  };
  return depth;
}
