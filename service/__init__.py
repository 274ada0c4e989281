"""The FastAPI service: tenants, consultations, imports, runs, review and exports (issues 2 and 6)."""
