"""`python -m albutrend` runs the command line."""

from albutrend.cli import main

main()
