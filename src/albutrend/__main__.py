"""`python -m albutrend` runs the command line."""

from albutrend import main

main()
