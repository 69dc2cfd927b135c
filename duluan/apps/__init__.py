"""Django apps, one per domain, each shaped models / services / selectors / permissions / views."""
