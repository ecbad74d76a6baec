import sys

for percent in (0, 25, 50, 75, 100):
    sys.stdout.write(f"\rprogress {percent:3d}%")
    sys.stdout.flush()
sys.stdout.write("\n")
print("12345\b\bXY")
