"""Anki export: notes from bank items, CSV and .apkg files, and the download routes."""
