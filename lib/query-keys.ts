/**
 * TanStack Query key factories: every query key in the console is built here, so invalidating
 * "everything about the broker" is `queryClient.invalidateQueries({ queryKey: brokerKeys.all })`.
 */
export const brokerKeys = {
  all: ['broker'] as const,
  status: () => [...brokerKeys.all, 'status'] as const,
};
