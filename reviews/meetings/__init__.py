"""Committee meetings: where the challenge or its plan is on the agenda (issue 16, ADR 0020)."""
