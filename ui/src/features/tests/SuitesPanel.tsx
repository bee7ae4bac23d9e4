import { Play } from "lucide-react";
import type { Suite } from "../../api";

const runnerLabels: Record<Suite["runner"], string> = {
  nextest: "cargo-nextest",
  cargo_test: "cargo test",
  vitest: "Vitest",
  jest: "Jest",
  npm_script: "npm script",
  pytest: "pytest",
  go_test: "go test",
  custom: "command",
};

/** The project's suites: where each comes from, its command, and Run for it alone. */
export function SuitesPanel({ suites, running, onRun }: { suites: Suite[]; running: boolean; onRun: (suite: string) => void }) {
  return (
    <section className="panel" aria-labelledby="test-suites-title">
      <h2 className="panel-title" id="test-suites-title">
        Suites
      </h2>
      <ul className="test-suites">
        {suites.map((suite) => (
          <li key={suite.name} className="test-suite" data-testid="test-suite" data-suite-name={suite.name}>
            <div className="test-suite-text">
              <span className="test-suite-name">{suite.name}</span>
              <span className="test-suite-runner">{runnerLabels[suite.runner]}</span>
              <span className="muted">{suite.source === "config" ? "from quantum.toml" : "found in the folder"}</span>
              <code className="test-suite-command">
                {[suite.workingDir && `cd ${suite.workingDir} &&`, ...suite.command].filter(Boolean).join(" ")}
              </code>
              {suite.hint && <span className="test-suite-hint">{suite.hint}</span>}
            </div>
            <button type="button" className="button button-secondary button-small" disabled={running} onClick={() => onRun(suite.name)} data-testid="test-suite-run">
              <Play size={13} aria-hidden />
              Run
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
