import { RotateCw, TriangleAlert } from "lucide-react";
import { errorMessage } from "../api";

type ErrorStateProps = {
  title?: string;
  error: unknown;
  onRetry: () => void;
};

export function ErrorState({ title = "This could not be loaded", error, onRetry }: ErrorStateProps) {
  return (
    <div className="error-state" role="alert" data-testid="error-state">
      <TriangleAlert size={20} aria-hidden className="error-state-icon" />
      <div className="error-state-text">
        <strong>{title}</strong>
        <span>{errorMessage(error)}</span>
      </div>
      <button type="button" className="button button-secondary" onClick={onRetry}>
        <RotateCw size={14} aria-hidden />
        Try again
      </button>
    </div>
  );
}
