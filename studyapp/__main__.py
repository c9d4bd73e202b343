"""The `studyapp` command (also `python -m studyapp`): Flask's command line for this app."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup

from studyapp import config, create_app


def main() -> None:
    """Entry point of the `studyapp` command."""

    def create() -> Flask:
        try:
            return create_app()
        except config.ConfigError as error:  # a bad setting: its message, not a traceback
            raise click.ClickException(str(error)) from None

    FlaskGroup(create_app=create, help="studyapp: quizzes and flashcards for one text.")(prog_name="studyapp")


if __name__ == "__main__":
    main()
