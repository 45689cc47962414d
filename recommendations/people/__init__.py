"""A council's people, run by its administrators (and coordinators): invitations, roles, leaving,
reassigning actions, inviting many from a CSV file; and who may sign in how (ADR 0021)."""
