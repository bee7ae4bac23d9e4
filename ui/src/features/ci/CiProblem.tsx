import { Gauge, KeyRound, RotateCw, SearchX, Settings2, Unplug, WifiOff, type LucideIcon } from "lucide-react";
import { ApiError, errorMessage } from "../../api";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { tokenProblems } from "./status";

type Props = {
  error: unknown;
  /** What could not be read, for the generic case: "The run could not be read". */
  title: string;
  onSetup: () => void;
  onRetry: () => void;
};

const titles: Record<string, { title: string; icon: LucideIcon }> = {
  "ci.no_repository": { title: "No repository chosen", icon: Unplug },
  "ci.no_token": { title: "No token for this host", icon: KeyRound },
  "ci.bad_credentials": { title: "The token was refused", icon: KeyRound },
  "ci.missing_scopes": { title: "The token lacks scopes", icon: KeyRound },
  "ci.not_found": { title: "Repository not found", icon: SearchX },
  "ci.offline": { title: "The provider is out of reach", icon: WifiOff },
  "ci.rate_limited": { title: "The rate limit is used up", icon: Gauge },
};

/**
 * Why CI data could not be read, with the way out: the set-up for a refused token or a wrong
 * repository (the core's message says what to change), a retry for the network and the limit.
 */
export function CiProblem({ error, title, onSetup, onRetry }: Props) {
  const code = error instanceof ApiError ? error.code : null;
  const known = code ? titles[code] : undefined;
  if (!code || !known) return <ErrorState title={title} error={error} onRetry={onRetry} />;
  const fixedInSetup = tokenProblems.has(code) || code === "ci.not_found" || code === "ci.no_repository";
  return (
    <div data-testid="ci-problem" data-code={code}>
      <EmptyState
        icon={known.icon}
        title={known.title}
        description={errorMessage(error)}
        action={
          fixedInSetup ? (
            <button type="button" className="button button-primary" onClick={onSetup} data-testid="ci-problem-setup">
              <Settings2 size={14} aria-hidden />
              Repository settings
            </button>
          ) : (
            <button type="button" className="button button-secondary" onClick={onRetry} data-testid="ci-problem-retry">
              <RotateCw size={14} aria-hidden />
              Try again
            </button>
          )
        }
      />
    </div>
  );
}
