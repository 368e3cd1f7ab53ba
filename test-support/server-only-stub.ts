// Stands in for the "server-only" package under Vitest and scripts: the real one throws unless
// the bundler resolves it with the react-server condition, which plain Node never does.
export {};
