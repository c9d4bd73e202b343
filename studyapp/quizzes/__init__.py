"""Quizzes: generating one from the bank, grading each response, the quiz service and its pages."""
