type SkeletonRowsProps = { rows?: number; label: string };

/** Grey placeholder lines where a list is about to appear. */
export function SkeletonRows({ rows = 5, label }: SkeletonRowsProps) {
  return (
    <div className="skeleton-rows" role="status" aria-label={label}>
      {Array.from({ length: rows }, (_, index) => (
        <div key={index} className="skeleton-row">
          <span className="skeleton" style={{ width: `${28 + ((index * 17) % 30)}%` }} />
          <span className="skeleton" style={{ width: `${14 + ((index * 11) % 16)}%` }} />
        </div>
      ))}
    </div>
  );
}

export function Skeleton({ width, height = 14 }: { width: number | string; height?: number }) {
  return <span className="skeleton" style={{ width, height }} aria-hidden />;
}
