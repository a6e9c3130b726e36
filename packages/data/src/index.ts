// Not implemented yet: see this package's README. It exports nothing until its issue lands.
export {};
