"""Fleet audits: scan many repositories, keep history in SQLite, report for people, scale out on Dask."""
