import warnings

warnings.warn("the location and this source line are shown")
print("after")
