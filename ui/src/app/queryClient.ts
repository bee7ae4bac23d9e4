import { QueryClient } from "@tanstack/react-query";
import { ApiError } from "../api";

export function createQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // The core pushes a data-changed event after every mutation, so cached data stays
        // fresh until then; refetching on focus would only repeat the same answer.
        staleTime: 60_000,
        refetchOnWindowFocus: false,
        // A typed error is the core's considered answer; asking again gives the same one.
        retry: (failures, error) => !(error instanceof ApiError) && failures < 2,
      },
    },
  });
}
