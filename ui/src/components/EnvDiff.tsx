import clsx from "clsx";
import { diffLines, type DiffLine } from "../lib/lineDiff";

const diffMarks: Record<DiffLine["kind"], string> = { same: " ", added: "+", removed: "−" };

/** The line diff between a `.env` file's text and what would be written into it. */
export function EnvDiff({ current, proposed, label }: { current: string; proposed: string; label: string }) {
  return (
    <pre className="env-diff selectable" data-testid="env-diff" aria-label={label}>
      {diffLines(current, proposed).map((line, index) => (
        <div key={index} className={clsx("env-diff-line", `env-diff-${line.kind}`)}>
          <span className="env-diff-mark" aria-hidden>
            {diffMarks[line.kind]}
          </span>
          <span className="visually-hidden">{line.kind === "same" ? "" : `${line.kind}: `}</span>
          {line.text || " "}
        </div>
      ))}
    </pre>
  );
}
