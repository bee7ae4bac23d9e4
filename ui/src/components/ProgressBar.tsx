/** A progress bar: `fraction` from 0 to 1, or null while the total is not known (it sweeps). */
export function ProgressBar({ fraction, label, testId }: { fraction: number | null; label: string; testId?: string }) {
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={fraction === null ? undefined : Math.round(fraction * 100)}
      data-testid={testId}
    >
      <div
        className={fraction === null ? "progress-bar progress-bar-indeterminate" : "progress-bar"}
        style={fraction === null ? undefined : { width: `${fraction * 100}%` }}
      />
    </div>
  );
}
