"""The challenge set-up pages for coordinators (issue 16, ADR 0020)."""
