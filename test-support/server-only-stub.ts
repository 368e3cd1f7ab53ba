// Vitest runs server modules under plain Node; the real "server-only" throws outside React Server Components.
export {};
