/** What a tool may do to the world. Policies allow effects; taint gates the last three. */
export const effects = ['read', 'write', 'external', 'exec'] as const;
export type Effect = (typeof effects)[number];
