"""Full-text search: issues, member links and discussions, indexed by Pagefind at build time."""
