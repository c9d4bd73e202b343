"""Accounts: sign-up, sign-in and sign-out, throttling, and a learner's own data file, out and back in."""
