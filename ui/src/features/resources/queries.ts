import { useQuery } from "@tanstack/react-query";
import { api } from "../../api";
import { queryKeys } from "../../api/queryKeys";

/** Docker's containers, images, volumes and networks: one read shared by their four tabs. */
export function useInventory() {
  return useQuery({ queryKey: queryKeys.resourcesDocker, queryFn: api.resourcesDocker });
}

/** Names as a list: "a, b and 2 more". */
export function namesText(names: string[], shown = 2): string {
  if (names.length === 0) return "—";
  if (names.length <= shown) return names.join(", ");
  return `${names.slice(0, shown).join(", ")} and ${names.length - shown} more`;
}
