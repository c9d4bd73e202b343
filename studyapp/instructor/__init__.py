"""What instructors see of the bank: counts, answer rates, distractor picks, problems and previews."""
