import { useMutation, useQuery } from "@tanstack/react-query";
import { FileCode2, Play } from "lucide-react";
import { toast } from "sonner";
import { api, errorMessage, type TestCaseResult } from "../../api";
import { queryKeys } from "../../api/queryKeys";
import { formatDuration, places, stripAnsi } from "./results";
import { StatusIcon } from "./ResultsTree";

/**
 * One test: its failure's message and output, the file:line places in them (opened in the
 * user's editor), its recent outcomes as a strip, and a button to run it alone.
 */
export function TestDetail({
  projectId,
  result,
  onRun,
  running,
}: {
  projectId: number;
  result: TestCaseResult;
  onRun: () => void;
  running: boolean;
}) {
  const test = { suite: result.suite, group: result.group, name: result.name };
  const history = useQuery({
    queryKey: [...queryKeys.tests(projectId), "test", test],
    queryFn: () => api.testsTestHistory(projectId, test),
  });
  const open = useMutation({
    mutationFn: ({ file, line }: { file: string; line: number }) => api.testsOpenInEditor(projectId, file, line),
    onError: (error) => toast.error("The file could not be opened", { description: errorMessage(error) }),
  });
  const text = [result.message, result.output].filter(Boolean).join("\n\n");
  const found = places(text);

  return (
    <section className="test-detail" aria-label={`Test ${result.name}`} data-testid="test-detail">
      <header className="test-detail-header">
        <StatusIcon status={result.status} />
        <h3 className="test-detail-name">{result.name}</h3>
        <span className="muted">{[result.group, formatDuration(result.durationMs)].filter(Boolean).join(" · ")}</span>
        <button type="button" className="button button-secondary button-small" onClick={onRun} disabled={running} data-testid="test-run-one">
          <Play size={13} aria-hidden />
          Run this test
        </button>
      </header>
      {history.data && history.data.length > 0 && (
        <div className="test-strip" aria-label="Recent outcomes, newest last" data-testid="test-strip">
          {[...history.data].reverse().map((outcome) => (
            <span
              key={outcome.runId}
              className={`test-strip-cell test-strip-${outcome.status}`}
              title={`Run ${outcome.runId}: ${outcome.status}${outcome.durationMs !== null ? `, ${formatDuration(outcome.durationMs)}` : ""}${outcome.commit ? ` on ${outcome.commit.slice(0, 8)}` : ""}`}
            />
          ))}
        </div>
      )}
      {found.length > 0 && (
        <div className="test-places">
          {found.slice(0, 5).map((place) => (
            <button
              key={place.text}
              type="button"
              className="button button-ghost button-small mono"
              onClick={() => open.mutate(place)}
              title="Open in your editor (Settings → Editor command)"
              data-testid="test-place"
            >
              <FileCode2 size={13} aria-hidden />
              {place.text}
            </button>
          ))}
        </div>
      )}
      {result.message && (
        <pre className="test-detail-message selectable" data-testid="test-detail-message">
          {stripAnsi(result.message)}
        </pre>
      )}
      {result.output && result.output !== result.message && (
        <details className="test-detail-output" open={result.status === "failed"}>
          <summary>Output</summary>
          <pre className="selectable" data-testid="test-detail-output">
            {stripAnsi(result.output)}
          </pre>
        </details>
      )}
      {!result.message && !result.output && <p className="muted">{result.status === "passed" ? "Passed, with nothing printed." : "Nothing was printed."}</p>}
    </section>
  );
}
