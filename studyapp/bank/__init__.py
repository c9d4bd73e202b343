"""The question bank: instructors' YAML read as typed, validated and linted, synced to the database, watched."""
