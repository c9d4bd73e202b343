"""Learn: from recognising to recalling in one session (rounds, mastery, first-try ratings)."""
