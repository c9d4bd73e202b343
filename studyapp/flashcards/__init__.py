"""Flashcards: the FSRS scheduler, the review queue and ratings, progress figures and charts, their pages."""
