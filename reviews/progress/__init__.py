"""Progress reviews: the peers' return visit, the position statement, follow-up actions and guest peers."""
