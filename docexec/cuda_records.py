"""``python -m docexec.cuda_records``: ``docexec.records`` for CUDA, its one device today.

    python -m docexec.cuda_records            # on a GPU machine: run every snippet on cuda, record it
    python -m docexec.cuda_records --check    # anywhere: list stale, refused and missing records
"""

import sys

from docexec.records import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
