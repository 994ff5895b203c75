/** Helpers for decoded JSON values. */

/** A JSON object (not null, not an array). */
export const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
