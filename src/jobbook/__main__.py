import sys

from jobbook.cli import main

sys.exit(main())
