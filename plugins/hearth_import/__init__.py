"""`invoke import-archive`: a newsletter's archive from Substack, Ghost, WordPress or a feed,
as numbered issues whose images live on the site."""
