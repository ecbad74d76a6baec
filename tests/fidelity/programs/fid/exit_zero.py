import sys

print("work done")
sys.exit(0)
