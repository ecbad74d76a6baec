import os

print(__file__)
print(os.path.basename(__file__))
