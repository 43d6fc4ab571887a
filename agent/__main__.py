"""`python -m agent`: the same as the `interview-agent` command."""

import sys

from agent.cli import main

sys.exit(main())
