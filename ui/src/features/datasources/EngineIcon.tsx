import type { Engine } from "../../api";
import { engineLabels } from "./status";

const monograms: Record<Engine, string> = { postgres: "Pg", mysql: "My", mariadb: "Ma", mongodb: "Mo", redis: "Re" };

/** A small coloured monogram: the engines' own logos are trademarks we do not ship. */
export function EngineIcon({ engine, size = 28 }: { engine: Engine; size?: number }) {
  return (
    <span
      className={`engine-icon engine-icon-${engine}`}
      style={{ width: size, height: size, fontSize: Math.round(size * 0.42) }}
      title={engineLabels[engine]}
      aria-hidden
    >
      {monograms[engine]}
    </span>
  );
}
