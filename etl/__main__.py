"""`python -m etl`. Ctrl-C while it is still starting (its imports take seconds) ends it as
one during a command does, in one line with the shell's code for it, not a traceback."""
import sys

try:
    from .cli import main

    code = main()
except KeyboardInterrupt:  # a command's own Ctrl-C is caught inside main: this is before it ran
    print("etl: interrupted while starting; nothing was read or written", file=sys.stderr)
    code = 130  # cli.EXIT_INTERRUPTED, which may not be imported yet
sys.exit(code)
